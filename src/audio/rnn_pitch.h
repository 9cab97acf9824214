/*
 * Pitch tracker for the RNNoise comb filter and its pitch features.
 *
 * Each hop is appended to a history long enough to correlate the newest 960 samples with
 * everything up to 768 samples (62.5 Hz) back. The estimate is made at 24 kHz on a whitened
 * copy of the history (so formants do not outvote the fundamental): a coarse scan at 12 kHz
 * keeps the two lags with the best normalised correlation, a scan at 24 kHz refines around
 * both, and a final check looks for the true period among the sub-multiples of the winner
 * (an octave error doubles the period, the usual failure), favouring continuity with the
 * previous hop.
 */
#ifndef CC_AUDIO_RNN_PITCH_H
#define CC_AUDIO_RNN_PITCH_H

#include "audio/rnnkernels.h"

#define CC_RNN_PITCH_MIN 60    /* shortest period reported, samples at 48 kHz (800 Hz) */
#define CC_RNN_PITCH_MAX 768   /* longest period searched (62.5 Hz) */
#define CC_RNN_PITCH_SPAN 960  /* samples compared with their delayed copy */
#define CC_RNN_PITCH_HIST (CC_RNN_PITCH_MAX + CC_RNN_PITCH_SPAN)

typedef struct CcRnnPitch {
    float hist[CC_RNN_PITCH_HIST];     /* recent input at 48 kHz, oldest first */
    float half[CC_RNN_PITCH_HIST / 2]; /* the same at 24 kHz, whitened */
    int period;                        /* last estimate, samples at 48 kHz */
    float gain;                        /* its normalised correlation, 0..1 */
} CcRnnPitch;

/* Appends `hop_len` samples and updates period and gain. hop_len <= CC_RNN_PITCH_SPAN. */
void cc_rnn_pitch_update(CcRnnPitch *p, const CcRnnKernels *k, const float *hop, int hop_len);

/* The CC_RNN_PITCH_SPAN newest samples delayed by the current period. */
static inline const float *cc_rnn_pitch_delayed(const CcRnnPitch *p)
{
    return p->hist + CC_RNN_PITCH_HIST - CC_RNN_PITCH_SPAN - p->period;
}

#endif
