/*
 * Pitch tracker (see rnn_pitch.h). Everything below works on the 24 kHz whitened history
 * `half` (864 samples); lags are in 24 kHz samples until the very end.
 *
 *   whiten    half = 2:1 decimation of hist by a [1 2 1]/4 low-pass, then an order-4
 *             linear predictor fitted to it (Levinson on a lag-windowed autocorrelation,
 *             bandwidth-expanded) and followed by a zero at z = -0.8, applied as one FIR.
 *   search    target = newest 480 samples of half. At 12 kHz (every other sample) correlate
 *             the target with every lag up to 294, keep the two lags of largest
 *             corr^2 / energy; at 24 kHz correlate only within two samples of those two,
 *             pick the best again and nudge it by one sample where a neighbour is almost as
 *             good (a cheap parabolic fit).
 *   octaves   for each divisor d = 2..15 the lag T/d is tried, confirmed by a second lag
 *             (a multiple of T/d) so that one lucky correlation is not enough; it wins if its
 *             gain beats a threshold set from the gain at T, lowered when the candidate
 *             continues the previous hop's period, raised for very short periods.
 *
 * Sums run in sample order (the correlation kernels keep that order too): the argmax
 * decisions then break ties the way the reference implementation does.
 */
#include "audio/rnn_pitch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define HALF_LEN (CC_RNN_PITCH_HIST / 2)   /* 864: whitened history */
#define HALF_MAXLAG (CC_RNN_PITCH_MAX / 2) /* 384 */
#define HALF_MINLAG (CC_RNN_PITCH_MIN / 2) /* 30 */
#define TARGET_LEN (CC_RNN_PITCH_SPAN / 2) /* 480 */
/* lags scanned: the longest period minus room for the three shortest ones */
#define SCAN_LAGS ((CC_RNN_PITCH_MAX - 3 * CC_RNN_PITCH_MIN) / 2) /* 294 */
#define COARSE_LAGS (SCAN_LAGS / 2)                               /* 147 */
#define COARSE_LEN (TARGET_LEN / 2)                               /* 240 */
#define COARSE_REF ((CC_RNN_PITCH_SPAN + 2 * SCAN_LAGS) / 4)      /* 387 */

/* ------------------------------------------------------------------ whitening */

/* Order-4 predictor a[] (x[n] ~ -sum a[j] x[n-1-j]) from autocorrelation r[0..4], by the
   Levinson recursion; stops early once the residual is 30 dB below the signal. */
static void levinson4(const float r[5], float a[4])
{
    float resid = r[0], prev[4];
    memset(a, 0, 4 * sizeof(float));
    if (r[0] == 0)
        return;
    for (int m = 0; m < 4; m++) {
        /* what the order-m predictor leaves unexplained at lag m + 1, over the residual */
        float acc = 0;
        for (int j = 0; j < m; j++)
            acc += a[j] * r[m - j];
        float refl = -(acc + r[m + 1]) / resid;
        memcpy(prev, a, sizeof(prev));
        for (int j = 0; j < m; j++)
            a[j] = prev[j] + refl * prev[m - 1 - j];
        a[m] = refl;
        resid = resid - refl * refl * resid;
        if (resid < .001f * r[0])
            break;
    }
}

static void whiten(CcRnnPitch *p, const CcRnnKernels *k)
{
    const float *x = p->hist;
    float *y = p->half;
    /* [1 2 1] / 4, with the sample before the history taken as zero */
    y[0] = .5f * (.5f * x[1] + x[0]);
    for (int i = 1; i < HALF_LEN; i++)
        y[i] = .5f * (.5f * (x[2 * i - 1] + x[2 * i + 1]) + x[2 * i]);

    /* autocorrelation at lags 0..4: the bulk by the correlation kernel, the last few
       products (which the kernel would read past the end for) added after */
    float r[5];
    int bulk = HALF_LEN - 4;
    k->xcorr(y, y, r, bulk, 5);
    for (int lag = 0; lag <= 4; lag++) {
        float rest = 0;
        for (int i = bulk; i + lag < HALF_LEN; i++)
            rest += y[i + lag] * y[i];
        r[lag] += rest;
    }
    /* a little white noise (-40 dB) and a Gaussian-like lag window keep the fit stable */
    r[0] *= 1.0001f;
    for (int lag = 1; lag <= 4; lag++) {
        float w = .008f * lag;
        r[lag] -= r[lag] * w * w;
    }
    float a[4];
    levinson4(r, a);
    float shrink = 1.0f;
    for (int j = 0; j < 4; j++) {
        shrink *= .9f;
        a[j] *= shrink;
    }
    /* FIR taps of A(z) (1 + 0.8 z^-1), the leading 1 implicit */
    const float zero = .8f;
    float tap[5] = { a[0] + zero, a[1] + zero * a[0], a[2] + zero * a[1],
                     a[3] + zero * a[2], zero * a[3] };
    /* from a copy of the unfiltered signal: every output on its own, its terms added in tap
       order (a loop the compiler vectorises across outputs); the first five have fewer taps */
    float u[HALF_LEN];
    memcpy(u, y, sizeof(u));
    for (int i = 5; i < HALF_LEN; i++) {
        float s = u[i];
        s += tap[0] * u[i - 1];
        s += tap[1] * u[i - 2];
        s += tap[2] * u[i - 3];
        s += tap[3] * u[i - 4];
        s += tap[4] * u[i - 5];
        y[i] = s;
    }
    for (int i = 0; i < 5; i++) {
        float s = u[i];
        for (int j = 0; j < i; j++)
            s += tap[j] * u[i - 1 - j];
        y[i] = s;
    }
}

/* ------------------------------------------------------------------ lag search */

/*
 * The energies the search and the octave check divide by, all from the whitened history:
 *   coarse[lag] = 1 + sum of r4^2 over [lag, lag + 240), lag < 147 (12 kHz reference)
 *   fine[lag]   = 1 + sum of half^2 over [lag, lag + 480), lag < 294
 *   (both slid one sample at a time, kept >= 1)
 *   xx = sum of x^2 over the target x (newest 480), lagged[lag] = the same over x[-lag ..],
 *   lag <= 384, slid and kept >= 0.
 * Each is one chain of dependent adds; computed side by side in one loop the three chains
 * overlap instead of waiting on the adder in turn. Every chain keeps its own order of
 * operations, so the values are those of three separate loops.
 */
typedef struct Energies {
    float coarse[COARSE_LAGS], fine[SCAN_LAGS], lagged[HALF_MAXLAG + 1];
    float xx;
} Energies;

/* One slide of a window energy (kept >= 1): the sample `in` enters, `out` leaves. */
static inline float slide_window(float acc, float in, float out)
{
    acc += in * in - out * out;
    return CC_MAX(1, acc);
}

/* One step of the delayed copy's energy: x[-l] enters, x[n - l] leaves. */
static inline float slide_lagged(float acc, const float *x, int n, int l, float *lagged)
{
    acc = acc + x[-l] * x[-l] - x[n - l] * x[n - l];
    lagged[l] = CC_MAX(0, acc);
    return acc;
}

static void energies(const float *half, const float *r4, Energies *e)
{
    const float *x = half + HALF_MAXLAG;
    const int n = TARGET_LEN;
    float ac = 1, af = 1, xx = 0;
    int j = 0;
    for (; j < COARSE_LEN; j++) {
        ac += r4[j] * r4[j];
        af += half[j] * half[j];
        xx += x[j] * x[j];
    }
    for (; j < n; j++) {
        af += half[j] * half[j];
        xx += x[j] * x[j];
    }
    e->xx = xx;
    e->lagged[0] = xx;
    float al = xx;
    int lag = 0;
    for (; lag < COARSE_LAGS; lag++) { /* all three chains */
        e->coarse[lag] = ac;
        ac = slide_window(ac, r4[lag + COARSE_LEN], r4[lag]);
        e->fine[lag] = af;
        af = slide_window(af, half[lag + n], half[lag]);
        al = slide_lagged(al, x, n, lag + 1, e->lagged);
    }
    for (; lag < SCAN_LAGS; lag++) { /* the coarse one is done */
        e->fine[lag] = af;
        af = slide_window(af, half[lag + n], half[lag]);
        al = slide_lagged(al, x, n, lag + 1, e->lagged);
    }
    for (int l = lag + 1; l <= HALF_MAXLAG; l++)
        al = slide_lagged(al, x, n, l, e->lagged);
}

typedef struct Score {
    float num, den; /* corr^2 and energy: compared as fractions, never divided */
    int lag;
} Score;

static int beats(float num, float den, const Score *s)
{
    return num * s->den > s->num * den;
}

/*
 * The two lags with the largest corr^2 / energy among positive correlations, lags taken in
 * ascending order: all lags below `lags`, or (list != NULL) only the `lags` listed ones, the
 * others having no positive correlation. The first test joins both conditions so that its
 * branch is the rarely taken one (a lag seldom beats the second best) rather than the sign
 * of the correlation, which is a coin toss.
 */
static void two_best(const float *corr, const float *energy, const int *list, int lags,
                     int best[2])
{
    Score first = { -1, 0, 0 }, second = { -1, 0, 1 };
    for (int i = 0; i < lags; i++) {
        int lag = list ? list[i] : i;
        float c = corr[lag], num = c * c;
        if (!((c > 0) & beats(num, energy[lag], &second)))
            continue;
        Score s = { num, energy[lag], lag };
        if (beats(num, energy[lag], &first)) {
            second = first;
            first = s;
        } else {
            second = s;
        }
    }
    best[0] = first.lag;
    best[1] = second.lag;
}

/* -1, 0 or +1: towards the neighbour that is nearly as well correlated as the centre. */
static int nudge(float before, float centre, float after)
{
    if (after - before > .7f * (centre - before))
        return 1;
    if (before - after > .7f * (centre - after))
        return -1;
    return 0;
}

/* Best lag (in 48 kHz samples from the start of the scan) of the newest 480 half-rate
   samples against the whole half-rate history; fills e for the octave check. */
static int search(const CcRnnPitch *p, const CcRnnKernels *k, Energies *e)
{
    const float *target = p->half + HALF_MAXLAG, *ref = p->half;
    float corr[SCAN_LAGS];
    int best[2];

    /* 12 kHz: every other sample */
    float t4[COARSE_LEN], r4[COARSE_REF];
    for (int j = 0; j < COARSE_LEN; j++)
        t4[j] = target[2 * j];
    for (int j = 0; j < COARSE_REF; j++)
        r4[j] = ref[2 * j];
    energies(p->half, r4, e);
    k->xcorr(t4, r4, corr, COARSE_LEN, COARSE_LAGS);
    two_best(corr, e->coarse, NULL, COARSE_LAGS, best);

    /* 24 kHz, only in a +-2 window around each coarse winner (merged where they meet) */
    memset(corr, 0, sizeof(corr));
    int lo[2], hi[2];
    for (int c = 0; c < 2; c++) {
        lo[c] = CC_MAX(0, 2 * best[c] - 2);
        hi[c] = CC_MIN(SCAN_LAGS - 1, 2 * best[c] + 2);
    }
    if (lo[1] < lo[0]) {
        int t = lo[0]; lo[0] = lo[1]; lo[1] = t;
        t = hi[0]; hi[0] = hi[1]; hi[1] = t;
    }
    if (lo[1] <= hi[0] + 1) { /* overlapping or adjacent: one window */
        hi[0] = CC_MAX(hi[0], hi[1]);
        lo[1] = 1;
        hi[1] = 0;
    }
    /* both windows in one call: scan lag s is the target against ref + s, which is the
       target delayed by HALF_MAXLAG - s */
    int delay[10], at[10], count = 0;
    for (int c = 0; c < 2; c++)
        for (int lag = lo[c]; lag <= hi[c]; lag++, count++) {
            at[count] = lag;
            delay[count] = HALF_MAXLAG - lag;
        }
    float xc[10];
    k->xcorr_lags(target, TARGET_LEN, delay, count, xc);
    for (int i = 0; i < count; i++)
        corr[at[i]] = CC_MAX(-1, xc[i]);
    two_best(corr, e->fine, at, count, best); /* the other lags are 0: never chosen */

    int step = 0, b = best[0];
    if (b > 0 && b < SCAN_LAGS - 1)
        step = nudge(corr[b - 1], corr[b], corr[b + 1]);
    return 2 * b - step;
}

/* ------------------------------------------------------------------ octave check */

static float norm_gain(float xy, float xx, float yy)
{
    return xy / sqrtf(1 + xx * yy);
}

/* Multiple of T/d that confirms a candidate T/d, for d = 2..15 (d = 2 is handled apart). */
static const unsigned char confirm_multiple[16] = {
    0, 0, 3, 2, 3, 2, 5, 2, 3, 2, 3, 2, 5, 2, 3, 2
};

/*
 * period48: the search's period at 48 kHz. Returns the corrected period at 48 kHz through
 * *period48 and the gain. x is the whitened history; lags are at 24 kHz here.
 */
static float fix_octave(const CcRnnPitch *p, const CcRnnKernels *k, const Energies *e,
                        int *period48)
{
    const float *x = p->half + HALF_MAXLAG; /* newest TARGET_LEN samples; x[-lag] valid */
    const int n = TARGET_LEN;
    int t0 = CC_MIN(*period48 / 2, HALF_MAXLAG - 1);
    int prev = p->period / 2;

    /* energy of the delayed copy at every lag: lagged[0] is the target's own */
    const float *lagged = e->lagged;
    const float xx = e->xx;

    /* Lags to correlate: t0 itself, then each divisor's candidate and its partner. All
       are known before any is scored, so they are correlated in one batch. */
    int lags[1 + 2 * 14], ntrial = 0;
    lags[0] = t0;
    for (int d = 2; d <= 15; d++, ntrial++) {
        int cand = (2 * t0 + d) / (2 * d); /* t0 / d, rounded */
        if (cand < HALF_MINLAG)
            break;
        lags[1 + 2 * ntrial] = cand;
        lags[2 + 2 * ntrial] = d > 2 ? (2 * confirm_multiple[d] * t0 + d) / (2 * d)
                             : cand + t0 > HALF_MAXLAG ? t0 : t0 + cand;
    }
    float xy[1 + 2 * 14];
    k->xcorr_lags(x, n, lags, 1 + 2 * ntrial, xy);

    typedef struct Trial {
        int lag;
        float g, xy, yy;
    } Trial;
    float g0 = norm_gain(xy[0], xx, lagged[t0]);
    Trial best = { t0, g0, xy[0], lagged[t0] };
    for (int i = 0; i < ntrial; i++) {
        int d = i + 2, cand = lags[1 + 2 * i], partner = lags[2 + 2 * i];
        Trial t = { cand, 0, .5f * (xy[1 + 2 * i] + xy[2 + 2 * i]),
                    .5f * (lagged[cand] + lagged[partner]) };
        t.g = norm_gain(t.xy, xx, t.yy);

        int jump = abs(cand - prev); /* continuity with the previous hop earns credit */
        float credit = jump <= 1 ? p->gain
                     : jump <= 2 && 5 * d * d < t0 ? .5f * p->gain : 0;
        float need = cand < 3 * HALF_MINLAG ? CC_MAX(.4f, .85f * g0 - credit)
                                            : CC_MAX(.3f, .7f * g0 - credit);
        if (t.g > need)
            best = t;
    }

    float xy_pos = CC_MAX(0, best.xy);
    float gain = best.yy <= xy_pos ? 1.0f : xy_pos / (best.yy + 1);
    gain = CC_MIN(gain, best.g);
    int best_lag = best.lag;

    int near[3] = { best_lag - 1, best_lag, best_lag + 1 };
    float around[3];
    k->xcorr_lags(x, n, near, 3, around);
    int step = nudge(around[0], around[1], around[2]);
    *period48 = CC_MAX(CC_RNN_PITCH_MIN, 2 * best_lag + step);
    return gain;
}

void cc_rnn_pitch_update(CcRnnPitch *p, const CcRnnKernels *k, const float *hop, int hop_len)
{
    memmove(p->hist, p->hist + hop_len, sizeof(float) * (CC_RNN_PITCH_HIST - hop_len));
    memcpy(p->hist + CC_RNN_PITCH_HIST - hop_len, hop, sizeof(float) * hop_len);
    whiten(p, k);
    Energies e;
    int period = CC_RNN_PITCH_MAX - search(p, k, &e);
    float gain = fix_octave(p, k, &e, &period);
    p->period = period;
    p->gain = gain;
}
