/*
 * Pieces that the RNNoise 0.1 (rnnoise.c) and 0.2 (rnn2.c) frame pipelines share: both use
 * the same high-pass, window, 960-point analysis, comb-filter rule and gain hold; they
 * differ in bands, features and network.
 */
#ifndef CC_AUDIO_RNN_FRAME_H
#define CC_AUDIO_RNN_FRAME_H

#include "dsp/fft.h"

/* y = H(z) x, H = (1 - 2 z^-1 + z^-2) / (1 - 1.99599 z^-1 + 0.996 z^-2): DC and rumble out.
   Transposed direct form; the state updates in double as the published reference's do. */
void cc_rnn_high_pass(float state[2], const float *x, float *y, int n);

/* Rising half (hop values) of the power-complementary (Vorbis) window:
   w(t)^2 + w(t + hop)^2 = 1, so analysis and synthesis windows overlap-add to one. */
void cc_rnn_window_init(float *w, int hop);

/* Orthonormal DCT-II basis stored band-major, m[b * n + i] = coefficient i of band b. */
void cc_rnn_dct_init(float *m, int n);
/* out[i] = scale * sum_b in[b] m[b * n + i] for i < ncoef (float sum in band order, double
   scale); n <= 32. */
void cc_rnn_dct(const float *m, int n, const float *in, float *out, int ncoef, double scale);

/* [a, b] (hop samples each) windowed by w and its mirror into buf (2 hop), then its
   spectrum (hop + 1 bins) scaled by 1 / (2 hop). */
void cc_rnn_windowed_spectrum(CcRfft *fft, const float *w, int hop, float *buf,
                              const float *a, const float *b, CcCpx *out);

/*
 * How much of the pitch-delayed spectrum P to add to a band: none where the network already
 * keeps more than the periodic part would (c > g), else the amount that lifts the band's
 * periodic/aperiodic ratio to what the correlation c says; scaled from P's level (ep) to X's.
 */
float cc_rnn_comb_amount(float c, float g, float ex, float ep);

/* Gains fall by at most 0.6 per hop (no sudden drop-outs: held is the last hop's), then
   the strength floor (0 = none) lifts them: g = floor + (1 - floor) g. */
void cc_rnn_hold_gains(float *g, float *held, int nbands, float gain_floor);

/* x[k] *= g[k], and x[k] += a[k] p[k], for k < n. */
void cc_rnn_scale_bins(CcCpx *x, const float *g, int n);
void cc_rnn_add_bins(CcCpx *x, const float *a, const CcCpx *p, int n);

#endif
