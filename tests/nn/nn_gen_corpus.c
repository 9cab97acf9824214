/*
 * nn_gen_corpus DIR: writes the generated seed corpus for fuzz_tflite: the small test
 * model (valid and each defective variant), truncations of it and a few mutants. Small
 * files only; the real models are never copied into the source tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tflite_writer.h"

static int put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n) {
        fprintf(stderr, "nn_gen_corpus: cannot write %s\n", path);
        if (f)
            fclose(f);
        return 1;
    }
    return fclose(f) != 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: nn_gen_corpus DIR\n");
        return 2;
    }
    int fail = 0;
    char name[64];
    uint8_t *m, *valid;
    size_t size, valid_size;
    if (tw_tiny_model(&valid, &valid_size, TW_VALID))
        return 1;
    for (int v = 0; v < TW_N_VARIANTS; v++) {
        if (tw_tiny_model(&m, &size, v))
            return 1;
        snprintf(name, sizeof(name), "tiny_variant%02d.tflite", v);
        fail |= put(argv[1], name, m, size);
        free(m);
    }
    static const size_t cuts[] = {0, 4, 8, 12, 40, 100, 300, 1000, 2000};
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        if (cuts[i] >= valid_size)
            continue;
        snprintf(name, sizeof(name), "tiny_cut%zu.tflite", cuts[i]);
        fail |= put(argv[1], name, valid, cuts[i]);
    }
    uint32_t r = 1;
    uint8_t *buf = malloc(valid_size);
    for (int i = 0; i < 8; i++) {
        memcpy(buf, valid, valid_size);
        r = r * 1664525u + 1013904223u;
        size_t pos = (r >> 8) % 1024 / 4 * 4;
        static const uint32_t bad[4] = {0xffffffff, 0x7fffffff, 0x80000000, 0x10000};
        for (int k = 0; k < 4; k++)
            buf[pos + k] = (uint8_t)(bad[i % 4] >> (8 * k));
        snprintf(name, sizeof(name), "tiny_offset%d.tflite", i);
        fail |= put(argv[1], name, buf, valid_size);
    }
    free(buf);
    free(valid);
    return fail;
}
