/*
 * Fuzz target for the CLI's WAV reader (tools/wav.c): any bytes must give either a clean
 * error with a message or a consistent CcWav, never a crash or an out-of-bounds read.
 * Plain build: run over tests/audio/corpus/wav by tests/util/fuzzmain.c.
 * libFuzzer: clang -fsanitize=fuzzer,address -Itools fuzz_wav.c tools/wav.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wav.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CcWav w;
    char err[256];
    err[0] = 0;
    /* Copy to an exact-size heap buffer so that ASan sees every overread. */
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    int r = cc_wav_parse(buf, size, &w, err, sizeof(err));
    if (r == 0) {
        if (w.frames <= 0 || w.channels < 1 || w.channels > CC_WAV_MAX_CHANNELS || !w.samples ||
            (uint64_t)w.frames * (uint64_t)w.channels * (uint64_t)(w.bits / 8) > size)
            abort();
        volatile float sink = 0;
        for (int64_t i = 0; i < w.frames * w.channels; i++)
            sink += w.samples[i];
        (void)sink;
        cc_wav_free(&w);
    } else if (!err[0] || w.samples) {
        abort(); /* an error must say why and own nothing */
    }
    free(buf);
    return 0;
}
