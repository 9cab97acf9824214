/*
 * Our own streaming resampler: rational polyphase windowed-sinc (Kaiser), one channel.
 * Used by the denoiser when the build has no speexdsp (wasm), so that 44.1 kHz and the other
 * common rates still work. Output depends only on the input sequence, not on how it is cut.
 */
#ifndef CC_AUDIO_RESAMPLE_H
#define CC_AUDIO_RESAMPLE_H

#include <stdint.h>

typedef struct CcResampler {
    int in_rate, out_rate;
    int up, down;          /* out/in = up/down, reduced */
    int taps;              /* per phase */
    float *coef;           /* (up, taps): phase p, tap j = h[p + j * up] */
    float *hist;           /* (taps - 1 + hist_cap) recent input, oldest first */
    int hist_cap;          /* most input samples taken per call */
    int hist_n;            /* valid samples in hist */
    int64_t in_count;      /* input samples consumed so far */
    int64_t next_t;        /* next output position, in units of 1/up input samples */
    double delay_out;      /* group delay in output samples */
} CcResampler;

/* 0, CC_ERR(EINVAL), CC_ERR(ENOMEM) or CC_ERR_UNSUPPORTED (ratio needs too large a table).
 * max_in: the largest in_len that process() will be given. */
int cc_resampler_init(CcResampler *r, int in_rate, int out_rate, int max_in);
void cc_resampler_free(CcResampler *r);
void cc_resampler_reset(CcResampler *r);
/* Consumes all in_len samples; writes the outputs that became computable (at most
 * cc_resampler_max_out(r, in_len)) and returns their count. */
int cc_resampler_process(CcResampler *r, const float *in, int in_len, float *out);
int cc_resampler_max_out(const CcResampler *r, int in_len);

#endif
