/* Helpers for cleancast's tests: test material paths, simple image files, checks. */
#ifndef CC_TESTUTIL_H
#define CC_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CC_TEST_SKIP 77
#define CC_TEST_CLAMP(x, lo, hi) ((x) < (lo) ? (lo) : (x) > (hi) ? (hi) : (x))

/* $CLEANCAST_CACHE, else $XDG_CACHE_HOME/cleancast, else $HOME/.cache/cleancast (scripts/cachedir.sh) */
const char *cc_test_cache_dir(void);
/* Writes cache_dir/rel into buf; returns 1 if the file exists, else 0. */
int cc_test_cache_path(char *buf, size_t size, const char *rel);
/* Like cc_test_cache_path but exits with CC_TEST_SKIP and a message when the file is missing;
   for a file under data/ only when the material was never fetched (else it fails, exit 1). */
void cc_test_need(char *buf, size_t size, const char *rel);
/*
 * Exits with CC_TEST_SKIP when the test material was never fetched (no
 * data/MANIFEST.sha256, which data/fetch.sh writes last). Once it was, every file a test
 * lists must be there: a missing one is a failure, not a skip.
 */
void cc_test_need_data(void);
/* Source-tree path (MESON_SOURCE_ROOT-relative, passed by meson as CC_SOURCE_ROOT). */
void cc_test_src_path(char *buf, size_t size, const char *rel);

/* Binary PGM (P5) / PPM (P6), 8-bit. *pix malloc'ed, tightly packed. 0 on success. */
int cc_test_read_pnm(const char *path, uint8_t **pix, int *w, int *h, int *channels);
int cc_test_write_pnm(const char *path, const uint8_t *pix, int w, int h, int channels);

extern int cc_test_failures;
#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    cc_test_failures++; } } while (0)
#define CHECK_MSG(cond, ...) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); cc_test_failures++; } } while (0)
/* Return value for main(). */
#define CC_TEST_RESULT() (cc_test_failures ? 1 : 0)

/* Installs a log callback printing to stderr. */
void cc_test_log_to_stderr(void);

#endif
