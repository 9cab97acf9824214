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

/** What a model is for; cc_model_find() refuses a name of the other kind. */
typedef enum CcModelKind {
    CC_MODEL_ANY = 0,          /**< either kind */
    CC_MODEL_SEGMENTATION = 1, /**< person segmentation, for cc_seg_model_open_file() (video.h) */
    CC_MODEL_DENOISE = 2,      /**< noise suppression, for cc_denoise_model_open_file() (audio.h) */
} CcModelKind;

/**
 * Finds a model file by name, the same way for every host, or takes a path as it is.
 *
 * Names and the files they stand for: `general` (selfie_segmentation.tflite, 256x256),
 * `landscape` (selfie_segmentation_landscape.tflite, 256x144), both CC_MODEL_SEGMENTATION;
 * `rnnoise` (rnnoise.ccm, RNNoise 0.1), `rnnoise2` (rnnoise2.ccm, RNNoise 0.2), both
 * CC_MODEL_DENOISE. A name is looked up in this order,
 * the first readable file wins:
 *   1. `$CLEANCAST_CACHE/models`            (when CLEANCAST_CACHE is set and not empty)
 *   2. `$XDG_CACHE_HOME/cleancast/models`   (when XDG_CACHE_HOME is an absolute path)
 *   3. `$HOME/.cache/cleancast/models`      (when HOME is set)
 *   4. the installed data directory, `<datadir>/cleancast/models` of the build's prefix.
 * `make models` in the source tree fetches the models into the first of 1-3 that is set.
 *
 * Anything that is not one of the names (it contains a '/', or is any other string) is a
 * path and is returned as it is, so a path always overrides a name; write `./general` for a
 * file called `general` in the current directory.
 *
 * @code
 *   char path[4096];
 *   if (cc_model_find("general", CC_MODEL_SEGMENTATION, path, sizeof(path)) < 0)
 *       return -1;                       // the log callback said where it looked
 *   cc_seg_model_open_file(&model, path);
 * @endcode
 *
 * @param name_or_path  a model name or a file path; not kept after the call
 * @param kind          CC_MODEL_SEGMENTATION or CC_MODEL_DENOISE to refuse the other kind's
 *                      names (CC_ERR(EINVAL)), or CC_MODEL_ANY
 * @param path          receives the file's path, NUL-terminated (caller's buffer)
 * @param path_size     size of path in bytes
 * @return 0; CC_ERR(EINVAL) for NULL or empty arguments or a name of the wrong kind;
 *         CC_ERR(ENOENT) when a name is found nowhere or a path is not a readable file;
 *         CC_ERR(ERANGE) when path_size is too small. On every error the log callback gets
 *         a CC_LOG_ERROR message naming the problem; for a missing name it lists every place
 *         looked in and says how to fetch the model.
 * Reads the environment and the file system only. Any thread, as long as nobody changes
 * the environment meanwhile.
 */
CC_API int cc_model_find(const char *name_or_path, CcModelKind kind, char *path,
                         size_t path_size);

/** Run-time version string, e.g. "0.1.0". */
CC_API const char *cc_version(void);

#ifdef __cplusplus
}
#endif

#endif
