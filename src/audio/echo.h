/*
 * Acoustic echo canceller (issue 16; doc/ECHO.md): bulk-delay estimation on binary band
 * spectra, a two-path partitioned-block frequency-domain NLMS filter (a background filter
 * that always adapts, a foreground one that is only replaced when the background does
 * better), and a residual-echo suppressor (per-bin gain from the echo estimate's leakage into
 * the error). 10 ms blocks at the stream rate (rate % 100 == 0), FFT of two blocks.
 */
#ifndef CC_AUDIO_ECHO_H
#define CC_AUDIO_ECHO_H

#include <stdint.h>

#include "dsp/fft.h"

#define CC_ECHO_BANDS 32

typedef struct CcEcho {
    int rate, n, m, k;        /* block (10 ms), FFT size 2n, bins n+1 */
    int parts;                /* partitions of the adaptive filter (10 ms each) */
    int max_lag;              /* frames the delay estimator searches, 0..max_lag */
    int hist;                 /* frames of far spectra kept: max_lag + parts + 1 */
    int res_on;               /* residual-echo suppressor on */
    CcRfft fft;
    CcCpx *xh;                /* (hist, k) far spectra of [previous, current] block, ring */
    uint32_t *xbits;          /* (hist) far band bits, ring */
    int newest;               /* ring index of the newest far frame */
    int64_t frames;           /* frames processed */
    float *xprev;             /* (n) previous far block */
    CcCpx *wf, *wb;           /* (parts, k) foreground / background filters */
    float *mu_prof;           /* (parts) step profile over the partitions */
    float *sxx;               /* (k) far power per bin, smoothed */
    CcCpx *Y, *E, *tmpc;      /* (k) */
    float *tbuf;              /* (m) */
    float *yf, *ef, *eb;      /* (n) echo estimate, errors */
    /* delay estimation */
    int band_lo[CC_ECHO_BANDS + 1];
    float xmean[CC_ECHO_BANDS], dmean[CC_ECHO_BANDS];
    float *sim;               /* (max_lag + 1) smoothed agreement per lag */
    int lag;                  /* current bulk delay, frames (-1: none yet) */
    int cand, cand_count;
    int offset;               /* filter start, frames behind the newest far frame */
    float *dprev;             /* (n) previous mic block */
    /* two-path control */
    float s_fg, s_bg, s_d;
    int far_active;
    int64_t far_active_frames;
    int64_t far_last;         /* last frame the far end was active */
    /* residual-echo suppressor */
    float *win;               /* (m) sqrt-Hann */
    float *eprev, *yprev;     /* (n) previous error and echo-estimate blocks */
    float *see, *syy, *sdd;   /* (k) smoothed powers */
    CcCpx *syd;               /* (k) smoothed cross spectrum echo estimate x mic */
    float *leak;              /* (k) residual / estimated echo power ratio */
    float *rres;              /* (k) residual-echo power estimate with decay */
    float *gain;              /* (k) */
    float over, decay, leak0, coh_min;        /* over-subtraction of the residual estimate, its decay/block */
    float *ola;               /* (n) overlap-add tail */
    /* statistics */
    double erle_in, erle_out;  /* smoothed mic and output power, far-active frames */
} CcEcho;

/* rate % 100 == 0, 8000..192000; tail_ms: filter length; max_delay_ms: bulk delay searched.
 * 0, CC_ERR(EINVAL) or CC_ERR(ENOMEM). */
int cc_echo_init(CcEcho *e, int rate, int tail_ms, int max_delay_ms, int res_on);
void cc_echo_free(CcEcho *e);
void cc_echo_reset(CcEcho *e);
/* One block: far[n] (what the loudspeaker played at the time the mic block was captured,
 * before any bulk delay), mic[n] in, out[n] = the echo-cancelled mic, delayed by n samples
 * (the suppressor's overlap-add; without it, out is delayed by n as well). */
void cc_echo_block(CcEcho *e, const float *far, const float *mic, float *out);
/* Current bulk delay estimate in ms, -1 when none yet. */
int cc_echo_delay_ms(const CcEcho *e);
/* Smoothed mic-to-output power ratio over far-active blocks, dB (0 before any). */
float cc_echo_erle_db(const CcEcho *e);

#endif
