/*
 * WAV (RIFF/WAVE) reader and writer for the CLI: PCM 16/24/32-bit and IEEE float 32/64,
 * plain or WAVE_FORMAT_EXTENSIBLE. Samples in memory are interleaved floats at +-1.0.
 * Every size is checked before it is used; errors are returned as text, never printed.
 */
#ifndef CC_TOOLS_WAV_H
#define CC_TOOLS_WAV_H

#include <stddef.h>
#include <stdint.h>

enum { CC_WAV_PCM = 1, CC_WAV_FLOAT = 3 };

typedef struct CcWav {
    int sample_rate;   /* Hz */
    int channels;      /* 1..CC_WAV_MAX_CHANNELS */
    int format;        /* CC_WAV_PCM or CC_WAV_FLOAT */
    int bits;          /* PCM 16/24/32, float 32/64 */
    int extensible;    /* 1 if the file used WAVE_FORMAT_EXTENSIBLE */
    uint32_t channel_mask; /* extensible only */
    int64_t frames;
    float *samples;    /* (frames, channels), malloc'ed */
} CcWav;

#define CC_WAV_MAX_CHANNELS 64

/* Parses a whole file image. 0 on success; -1 with a message in err otherwise. */
int cc_wav_parse(const uint8_t *buf, size_t size, CcWav *out, char *err, size_t err_size);
/* Reads and parses a file. */
int cc_wav_read_file(const char *path, CcWav *out, char *err, size_t err_size);
/*
 * Writes w (its format, bits, channels, rate, frames, samples; float samples are clamped
 * to +-1 for PCM) to path through a temporary file in the same folder that is renamed
 * only once everything is written; on failure the temporary is removed and path is left
 * as it was.
 */
int cc_wav_write_file(const char *path, const CcWav *w, char *err, size_t err_size);
void cc_wav_free(CcWav *w);

#endif
