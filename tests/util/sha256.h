/* SHA-256 (FIPS 180-4) for tests: pinned hashes of weights and of input files. */
#ifndef CC_TEST_SHA256_H
#define CC_TEST_SHA256_H
#include <stddef.h>
#include <stdint.h>
/* Writes the 64-character lowercase hex digest and a NUL into hex[65]. */
void cc_test_sha256_hex(const void *data, size_t size, char hex[65]);
/* Digest of a whole file; returns 0, or -1 (hex = "") when it cannot be read. */
int cc_test_sha256_file(const char *path, char hex[65]);
#endif
