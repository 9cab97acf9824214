/*
 * The RNNoise 0.2 denoising algorithm (xiph, 2024), one channel, in our own decomposition,
 * written from doc/RNNOISE2-FACTS.md (the official 0.2 build's behaviour), not from xiph's code:
 *
 *   rnn2.c         the 10 ms frame: analysis, 65 features, delayed spectrum, comb filter,
 *                  gains, synthesis; the 32-band layout
 *   rnn2_net.c     the network: two 1-D convolutions over feature frames, three int8 GRUs,
 *                  two dense heads
 *   rnn2kernels.c  its kernels behind a function table (C reference, x86/rnn2_avx2.c)
 *   rnn_pitch.c    the pitch tracker, shared with 0.1 (the facts describe the same one)
 *
 * Works on 48 kHz, 480-sample (10 ms) frames of int16-scale floats. Output frame n holds input
 * frame n - 2 (960 samples of delay): 480 from the overlap-add, 480 because the gains computed
 * from frame n's analysis are applied to frame n - 1's spectrum (one frame of look-ahead).
 */
#ifndef CC_AUDIO_RNN2_H
#define CC_AUDIO_RNN2_H

#include "audio/model/rnn2model.h"
#include "audio/rnn2kernels.h"
#include "audio/rnn_pitch.h"
#include "audio/rnnkernels.h"
#include "dsp/fft.h"

#define CC_RNN2_FRAME 480      /* hop, samples at 48 kHz */
#define CC_RNN2_WINDOW 960     /* analysis window, two hops */
#define CC_RNN2_SPEC 481       /* bins of the 960-point real transform, 50 Hz apart */
#define CC_RNN2_BANDS 32       /* triangular bands, centres on the edges 1..32 */
#define CC_RNN2_BAND_SPAN 400  /* bins covered by the bands (below 20 kHz) */
#define CC_RNN2_FEATURES 65    /* 32 log-spectrum DCT, 32 pitch-correlation DCT, period */
#define CC_RNN2_CONV1 128      /* conv1 outputs */
#define CC_RNN2_UNITS 384      /* conv2 outputs, GRU units */
#define CC_RNN2_DELAY (2 * CC_RNN2_FRAME)

/* ------------------------------------------------------------------ bands */

/*
 * Band b (0..31) is a triangle centred on edge b + 1; the 33 intervals between the 34 edges
 * each split a bin's value between the band below (1 - frac) and the band above (frac). The
 * two end bands fold in the half-triangles beyond them (times 2/3).
 *
 * The weights are a table made once (frac = j / width as a float division, bin edge[i] + j
 * of interval i), so the per-hop loops do no division and give the same values.
 */
typedef struct CcRnn2Bands {
    float up[CC_RNN2_BAND_SPAN];   /* frac: the share of the band above */
    float down[CC_RNN2_BAND_SPAN]; /* 1 - frac: the share of the band below */
} CcRnn2Bands;

void cc_rnn2_bands_init(CcRnn2Bands *t);
/* out[b] = band sums of v[k] (k < CC_RNN2_BAND_SPAN), in the facts' accumulation order. */
void cc_rnn2_band_sums(const CcRnn2Bands *t, const float *v, float *out);
/*
 * The three band sums of one hop's analysis in a single pass over the bins: ex of |X|^2, ep
 * of |P|^2 and xp of Re(X conj P), each the same bits as cc_rnn2_band_sums() of those
 * per-bin values.
 */
void cc_rnn2_band_sums3(const CcRnn2Bands *t, const CcCpx *x, const CcCpx *p, float *ex,
                        float *ep, float *xp);
/* g[k] for all CC_RNN2_SPEC bins from per-band values; 0 from bin 400 (20 kHz) up. */
void cc_rnn2_band_expand(const CcRnn2Bands *t, const float *band, float *g);

/* ------------------------------------------------------------------ network */

/* Recurrent and convolution memories of one stream. */
typedef struct CcRnn2Memory {
    float conv1[2 * CC_RNN2_FEATURES]; /* (2, 65) feature frames t-2, t-1 */
    float conv2[2 * CC_RNN2_CONV1];    /* (2, 128) conv1 outputs t-2, t-1 */
    float gru[3][CC_RNN2_UNITS];       /* (3, 384) GRU states */
} CcRnn2Memory;

/* Per-frame work of the network, kept per stream so nothing is allocated or put on a deep
   stack while running. */
typedef struct CcRnn2Scratch {
    float conv_in[3 * CC_RNN2_UNITS];  /* (3, C) window of a convolution's input frames */
    float conv1_out[CC_RNN2_CONV1];
    float conv2_out[CC_RNN2_UNITS];
    int16_t q[CC_RNN2_UNITS];          /* quantised input of an int8 layer */
    float in_part[3 * CC_RNN2_UNITS];  /* (3, 384) GRU input part: z, r, candidate */
    float rec_part[3 * CC_RNN2_UNITS]; /* (3, 384) GRU recurrent part */
} CcRnn2Scratch;

/* 0 when every layer of m has the shapes the network needs, else CC_ERR_MODEL (logged). */
int cc_rnn2_net_check(const CcRnn2Model *m);
/* One step: features (65) -> band gains (32) and the speech probability. */
void cc_rnn2_net_run(const CcRnn2Model *m, const CcRnn2Kernels *k, CcRnn2Memory *mem,
                     CcRnn2Scratch *s, const float *features, float *gains, float *speech_prob);

/* ------------------------------------------------------------------ frame */

typedef struct CcRnnoise2 {
    const CcRnn2Model *model;
    const CcRnn2Kernels *k;
    const CcRnnKernels *k1;                  /* pitch tracker's kernels (0.1's table) */
    float window[CC_RNN2_FRAME];             /* rising half of the analysis/synthesis window */
    float dct[CC_RNN2_BANDS][CC_RNN2_BANDS]; /* DCT-II table, (band, coefficient) */
    CcRnn2Bands bands;
    CcRfft fft;                              /* 960 real points */

    /* ---- stream state: everything from here on is zeroed by cc_rnnoise2_reset() ---- */
    float hp_state[2];                       /* high-pass biquad */
    float last_input[CC_RNN2_FRAME];         /* previous hop, first half of the window */
    float overlap[CC_RNN2_FRAME];            /* synthesis tail waiting for the next hop */
    float held_gain[CC_RNN2_BANDS];          /* gains of the last analysed frame */
    CcRnnPitch pitch;
    CcRnn2Memory mem;
    /* the previous frame's analysis, which this frame's gains are applied to */
    CcCpx prev_spec[CC_RNN2_SPEC];
    CcCpx prev_pitch_spec[CC_RNN2_SPEC];
    float prev_ex[CC_RNN2_BANDS], prev_ep[CC_RNN2_BANDS], prev_corr[CC_RNN2_BANDS];

    /* ---- per-frame work, here rather than on the stack ---- */
    CcRnn2Scratch scratch;
    float frame_buf[CC_RNN2_WINDOW];
    CcCpx spec[CC_RNN2_SPEC];                /* this frame's spectrum */
    CcCpx pitch_spec[CC_RNN2_SPEC];          /* spectrum of the signal one period back */
} CcRnnoise2;

/* model and the kernel tables must outlive the state. 0, CC_ERR(EINVAL) or CC_ERR(ENOMEM). */
int cc_rnnoise2_init(CcRnnoise2 *st, const CcRnn2Model *model, const CcRnn2Kernels *k,
                     const CcRnnKernels *k1);
void cc_rnnoise2_free(CcRnnoise2 *st);
/* Back to the just-initialised stream state. */
void cc_rnnoise2_reset(CcRnnoise2 *st);
/* 1 when the memories, the delayed spectra and the overlap tail are all finite. */
int cc_rnnoise2_state_finite(const CcRnnoise2 *st);
/*
 * One hop: in and out are CC_RNN2_FRAME int16-scale samples (may alias). Output is input two
 * hops back. gain_floor 0..1 is the least gain any band gets (0 = plain RNNoise 0.2). Returns
 * the speech probability of this hop's analysis (0 on frames too quiet to analyse; the
 * delayed frame then passes through unchanged).
 */
float cc_rnnoise2_process_frame(CcRnnoise2 *st, float *out, const float *in, float gain_floor);
/*
 * Step 5-6 of a hop on its own (for tests): the comb filter and the gains g (32, from the
 * network; held and floored in place) applied to prev_spec, using prev_pitch_spec, prev_ex,
 * prev_ep, prev_corr and held_gain.
 */
void cc_rnn2_shape_prev(CcRnnoise2 *st, float *g, float gain_floor);

#endif
