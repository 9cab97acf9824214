/*
 * Noisy-speech mixes from the cached DATA.md material (48 kHz mono canonical WAVs), shared by
 * the reference test and the benches: speech normalised to -26 dBFS RMS plus looped noise at a
 * chosen SNR, from a seeded offset. Keyboard noise is built from single key presses (even
 * scancodes only, as DATA.md asks) placed 80-250 ms apart.
 */
#ifndef CC_TEST_AUDIO_MIXES_H
#define CC_TEST_AUDIO_MIXES_H

#include <stdint.h>

typedef struct CcMixSpec {
    const char *speech;  /* path under the cache, e.g. data/speech/jfk_16k.wav */
    const char *noise;   /* path under the cache, or "keys" for the keyboard track */
    float snr_db;
} CcMixSpec;

/*
 * Builds `seconds` of mix at 48 kHz (mono) into *mix (malloc'ed); *clean gets the scaled
 * speech alone (may be NULL). Returns the frame count, 0 when material is missing (message
 * on stderr), -1 on a read error.
 */
int64_t cc_mix_make(const CcMixSpec *spec, double seconds, unsigned seed, float **mix,
                    float **clean);

#endif
