/* Internal helpers shared by every layer of the library. */
#ifndef CC_COMMON_H
#define CC_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "cleancast/cleancast.h"

#if defined(__GNUC__)
#  define CC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define CC_PRINTF(a, b)
#endif

/*
 * A hot function of plain C loops also compiled for AVX2 (wider vectors), the copy chosen
 * when the library loads. "avx2" does not enable FMA, so both copies compute the same
 * values. GCC only: clang 14 emits no symbol for a cloned function with external linkage
 * (the sanitizer build failed to link); elsewhere (clang, wasm) only the plain copy.
 */
#if defined(__x86_64__) && defined(__ELF__) && !defined(__clang__) && __GNUC__ >= 8
#  define CC_ALSO_AVX2 __attribute__((target_clones("avx2", "default")))
#else
#  define CC_ALSO_AVX2
#endif

/* Formats one line and hands it to the host's log callback, if any. */
void cc_log(int level, const char *fmt, ...) CC_PRINTF(2, 3);

/* Zeroed allocation with overflow check; NULL on failure or overflow. */
void *cc_calloc(size_t n, size_t size);
/* 64-byte aligned, zeroed; free with cc_free_aligned(). */
void *cc_alloc_aligned(size_t size);
void cc_free_aligned(void *p);

/* Reads a whole file into memory; *out is malloc'ed. Logs a message naming path on failure. */
int cc_read_file(const char *path, uint8_t **out, size_t *size);

/*
 * cc_model_find() with the installed data directory given (NULL: none); tests point it
 * at a temporary folder.
 */
int cc_model_find_in(const char *name_or_path, CcModelKind kind, const char *datadir, char *path,
                     size_t path_size);

#define CC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define CC_MAX(a, b) ((a) > (b) ? (a) : (b))
#define CC_CLAMP(x, lo, hi) ((x) < (lo) ? (lo) : (x) > (hi) ? (hi) : (x))

#endif
