/*
 * Pitch analysis for RNNoise (float versions of the CELT/Opus pitch tools that RNNoise
 * 0.1 uses): 2x decimation with a 4th-order LPC whitening + zero, coarse/fine normalised
 * cross-correlation search, and removal of period doubling. Sums run in sample order, as
 * the reference does, so that argmax decisions tie-break the same way.
 */
#ifndef CC_AUDIO_PITCH_H
#define CC_AUDIO_PITCH_H

#include "audio/rnnkernels.h"

/* x (len) -> x_lp (len / 2): low-passed, decimated by 2, whitened. */
void cc_pitch_downsample(const float *x, float *x_lp, int len);
/* Best lag of y against x_lp (both decimated by 2), in samples at the undecimated rate
 * (0 .. max_pitch). len: x_lp length times 2; y has (len + max_pitch) / 2 samples. */
void cc_pitch_search(const CcRnnKernels *k, const float *x_lp, const float *y, int len,
                     int max_pitch, int *pitch);
/* Checks T0/k for k = 2..15; returns the pitch gain, updates *t0. */
float cc_pitch_remove_doubling(const float *x, int maxperiod, int minperiod, int n, int *t0,
                               int prev_period, float prev_gain);

#endif
