/**
 * @file cleancast.h
 * Common part of the cleancast API: errors, logging, version, backends.
 *
 * cleancast cleans a live camera (video.h) and microphone (audio.h) in real time.
 * Every function returns 0 or a positive value on success and a negative error
 * code on failure; cc_strerror() turns a code into text. Details of a failure
 * (which file offset, which tensor, which option) go to the log callback at
 * CC_LOG_ERROR, so a host that wants them installs one with cc_set_log_callback().
 *
 * @code
 *   static void log_cb(void *opaque, int level, const char *msg) {
 *       if (level <= CC_LOG_WARNING) fprintf(stderr, "%s\n", msg);
 *   }
 *   cc_set_log_callback(log_cb, NULL);
 * @endcode
 */
#ifndef CLEANCAST_H
#define CLEANCAST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#  define CC_API __declspec(dllexport)
#elif defined(__GNUC__)
#  define CC_API __attribute__((visibility("default")))
#else
#  define CC_API
#endif

/** Wrap a positive errno value into a cleancast error code: return CC_ERR(EINVAL); */
#define CC_ERR(e) (-(e))

/** Error codes of cleancast's own, outside the errno range. */
enum {
    CC_ERR_MODEL       = -10000, /**< model file malformed, truncated or of the wrong kind */
    CC_ERR_UNSUPPORTED = -10001, /**< valid input that this build cannot handle (op, format) */
    CC_ERR_BACKEND     = -10002, /**< the inference backend failed (e.g. XNNPACK status) */
    CC_ERR_DATA        = -10003, /**< malformed media data (bad WAV header, NaN input...) */
};

/** Text for an error code; never NULL, static storage. Any thread. */
CC_API const char *cc_strerror(int err);

/** Log levels, lowest is most severe. */
enum { CC_LOG_ERROR = 0, CC_LOG_WARNING = 1, CC_LOG_INFO = 2, CC_LOG_DEBUG = 3 };

/**
 * Log callback. msg is one line without a trailing newline, valid only during the call.
 * May be called from any thread that calls into cleancast; it must be thread-safe.
 */
typedef void (*CcLogCallback)(void *opaque, int level, const char *msg);

/**
 * Install the process-wide log callback (NULL: discard everything, the default).
 * Call before opening objects; not synchronised against concurrent logging.
 */
CC_API void cc_set_log_callback(CcLogCallback cb, void *opaque);

/** Inference backends. */
typedef enum CcBackend {
    CC_BACKEND_AUTO = 0,     /**< XNNPACK where built, else portable */
    CC_BACKEND_XNNPACK = 1,  /**< Debian's XNNPACK (native builds only) */
    CC_BACKEND_PORTABLE = 2, /**< cleancast's own C executor (no dependency; wasm) */
} CcBackend;

/** Run-time version string, e.g. "0.1.0". */
CC_API const char *cc_version(void);

#ifdef __cplusplus
}
#endif

#endif
