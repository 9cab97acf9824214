/*
 * Pitch analysis (see pitch.h). Algorithm, as in RNNoise 0.1 (CELT's float pitch tools):
 *
 *   downsample: x_lp[i] = (x[2i-1] + 2 x[2i] + x[2i+1]) / 4, then 4th-order LPC from the
 *     lag-windowed autocorrelation (noise floor -40 dB), bandwidth-expanded by 0.9^k,
 *     convolved with a zero at 0.8, applied as a 5-tap FIR (whitening).
 *   search: 4x-decimated correlation over all lags, keep the two best by xcorr^2 / energy,
 *     2x-decimated correlation around those, pseudo-interpolated offset.
 *   remove_doubling: at half rate, test sub-multiples T0/k (k = 2..15), each confirmed at a
 *     second lag, against a threshold biased by the previous frame's period and gain.
 */
#include "audio/pitch.h"

#include <math.h>
#include <stdlib.h>

#include "common.h"


static void dual_inner_prod(const float *x, const float *y1, const float *y2, int n,
                            float *xy1, float *xy2)
{
    float s1 = 0, s2 = 0;
    for (int i = 0; i < n; i++) {
        s1 += x[i] * y1[i];
        s2 += x[i] * y2[i];
    }
    *xy1 = s1;
    *xy2 = s2;
}

/*
 * out[t] = sum_j x[j] * y[t][j] for count <= 4 vectors: independent add chains (the sums are
 * latency-bound otherwise), each in j order, so every result equals inner_prod()'s.
 */
static void inner_prod4(const float *x, const float *const *y, int count, int n, float *out)
{
    const float *y0 = y[0], *y1 = y[count > 1 ? 1 : 0], *y2 = y[count > 2 ? 2 : 0],
                *y3 = y[count > 3 ? 3 : 0];
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = 0; i < n; i++) {
        float xi = x[i];
        s0 += xi * y0[i];
        s1 += xi * y1[i];
        s2 += xi * y2[i];
        s3 += xi * y3[i];
    }
    float r[4] = { s0, s1, s2, s3 };
    for (int t = 0; t < count; t++)
        out[t] = r[t];
}

/* Any number of inner products of x with y[t], four at a time. */
static void inner_prods(const float *x, const float *const *y, int count, int n, float *out)
{
    for (int t = 0; t < count; t += 4)
        inner_prod4(x, y + t, CC_MIN(4, count - t), n, out + t);
}

/* ac[k] = sum_i x[i] x[i-k], k = 0..lag; same split and order as the reference. */
static void autocorr(const float *x, float *ac, int lag, int n)
{
    int fast_n = n - lag;
    cc_rnn_xcorr_c(x, x, ac, fast_n, lag + 1);
    for (int k = 0; k <= lag; k++) {
        float d = 0;
        for (int i = k + fast_n; i < n; i++)
            d += x[i] * x[i - k];
        ac[k] += d;
    }
}

/* Levinson-Durbin; stops once the prediction gain reaches 30 dB. */
static void lpc_from_ac(float *lpc, const float *ac, int p)
{
    float error = ac[0];
    for (int i = 0; i < p; i++)
        lpc[i] = 0;
    if (ac[0] == 0)
        return;
    for (int i = 0; i < p; i++) {
        float rr = 0;
        for (int j = 0; j < i; j++)
            rr += lpc[j] * ac[i - j];
        rr += ac[i + 1];
        float r = -rr / error;
        lpc[i] = r;
        for (int j = 0; j < (i + 1) >> 1; j++) {
            float t1 = lpc[j], t2 = lpc[i - 1 - j];
            lpc[j] = t1 + r * t2;
            lpc[i - 1 - j] = t2 + r * t1;
        }
        error = error - r * r * error;
        if (error < .001f * ac[0])
            break;
    }
}

void cc_pitch_downsample(const float *x, float *x_lp, int len)
{
    int n = len >> 1;
    float ac[5], lpc[4], lpc2[5];
    for (int i = 1; i < n; i++)
        x_lp[i] = .5f * (.5f * (x[2 * i - 1] + x[2 * i + 1]) + x[2 * i]);
    x_lp[0] = .5f * (.5f * x[1] + x[0]);
    autocorr(x_lp, ac, 4, n);
    ac[0] *= 1.0001f;
    for (int i = 1; i <= 4; i++)
        ac[i] -= ac[i] * (.008f * i) * (.008f * i);
    lpc_from_ac(lpc, ac, 4);
    float tmp = 1.0f;
    for (int i = 0; i < 4; i++) {
        tmp *= .9f;
        lpc[i] *= tmp;
    }
    const float c1 = .8f;
    lpc2[0] = lpc[0] + .8f;
    lpc2[1] = lpc[1] + c1 * lpc[0];
    lpc2[2] = lpc[2] + c1 * lpc[1];
    lpc2[3] = lpc[3] + c1 * lpc[2];
    lpc2[4] = c1 * lpc[3];
    /* y[i] = x[i] + sum_k lpc2[k] x[i-1-k], in place */
    float m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (int i = 0; i < n; i++) {
        float s = x_lp[i];
        s += lpc2[0] * m0;
        s += lpc2[1] * m1;
        s += lpc2[2] * m2;
        s += lpc2[3] * m3;
        s += lpc2[4] * m4;
        m4 = m3;
        m3 = m2;
        m2 = m1;
        m1 = m0;
        m0 = x_lp[i];
        x_lp[i] = s;
    }
}

static void find_best_pitch(const float *xcorr, const float *y, int len, int max_pitch,
                            int *best_pitch)
{
    float syy = 1;
    float best_num[2] = { -1, -1 }, best_den[2] = { 0, 0 };
    best_pitch[0] = 0;
    best_pitch[1] = 1;
    for (int j = 0; j < len; j++)
        syy += y[j] * y[j];
    for (int i = 0; i < max_pitch; i++) {
        if (xcorr[i] > 0) {
            float num = xcorr[i] * xcorr[i];
            if (num * best_den[1] > best_num[1] * syy) {
                if (num * best_den[0] > best_num[0] * syy) {
                    best_num[1] = best_num[0];
                    best_den[1] = best_den[0];
                    best_pitch[1] = best_pitch[0];
                    best_num[0] = num;
                    best_den[0] = syy;
                    best_pitch[0] = i;
                } else {
                    best_num[1] = num;
                    best_den[1] = syy;
                    best_pitch[1] = i;
                }
            }
        }
        syy += y[i + len] * y[i + len] - y[i] * y[i];
        syy = CC_MAX(1, syy);
    }
}

#define PITCH_MAX_LEN 1024
#define PITCH_MAX_LAG 1024

void cc_pitch_search(const CcRnnKernels *k, const float *x_lp, const float *y, int len,
                     int max_pitch, int *pitch)
{
    int best_pitch[2] = { 0, 0 };
    int lag = len + max_pitch;
    float x_lp4[PITCH_MAX_LEN / 4], y_lp4[(PITCH_MAX_LEN + PITCH_MAX_LAG) / 4];
    float xcorr[PITCH_MAX_LAG / 2];
    if (len > PITCH_MAX_LEN || max_pitch > PITCH_MAX_LAG) {
        *pitch = 0;
        return;
    }
    for (int j = 0; j < len >> 2; j++)
        x_lp4[j] = x_lp[2 * j];
    for (int j = 0; j < lag >> 2; j++)
        y_lp4[j] = y[2 * j];
    /* Coarse search at 4x decimation. */
    k->xcorr(x_lp4, y_lp4, xcorr, len >> 2, max_pitch >> 2);
    find_best_pitch(xcorr, y_lp4, len >> 2, max_pitch >> 2, best_pitch);
    /* Finer search at 2x decimation, only near the two candidates. */
    const float *ys[10];
    int lags[10], nl = 0;
    for (int i = 0; i < max_pitch >> 1; i++) {
        xcorr[i] = 0;
        if (abs(i - 2 * best_pitch[0]) > 2 && abs(i - 2 * best_pitch[1]) > 2)
            continue;
        lags[nl] = i;
        ys[nl++] = y + i;
    }
    float sums[10];
    inner_prods(x_lp, ys, nl, len >> 1, sums);
    for (int t = 0; t < nl; t++)
        xcorr[lags[t]] = CC_MAX(-1, sums[t]);
    find_best_pitch(xcorr, y, len >> 1, max_pitch >> 1, best_pitch);
    /* Pseudo-interpolation. */
    int offset = 0;
    if (best_pitch[0] > 0 && best_pitch[0] < (max_pitch >> 1) - 1) {
        float a = xcorr[best_pitch[0] - 1], b = xcorr[best_pitch[0]],
              c = xcorr[best_pitch[0] + 1];
        if ((c - a) > .7f * (b - a))
            offset = 1;
        else if ((a - c) > .7f * (b - c))
            offset = -1;
    }
    *pitch = 2 * best_pitch[0] - offset;
}

static float pitch_gain(float xy, float xx, float yy)
{
    return xy / sqrtf(1 + xx * yy);
}

static const int second_check[16] = { 0, 0, 3, 2, 3, 2, 5, 2, 3, 2, 3, 2, 5, 2, 3, 2 };

float cc_pitch_remove_doubling(const float *x, int maxperiod, int minperiod, int n, int *t0_,
                               int prev_period, float prev_gain)
{
    int minperiod0 = minperiod;
    float xx, xy, yy, xy2, g, g0, pg, best_xy, best_yy;
    float yy_lookup[PITCH_MAX_LAG / 2 + 1];
    maxperiod /= 2;
    minperiod /= 2;
    *t0_ /= 2;
    prev_period /= 2;
    n /= 2;
    if (maxperiod > PITCH_MAX_LAG / 2)
        return 0;
    x += maxperiod;
    if (*t0_ >= maxperiod)
        *t0_ = maxperiod - 1;
    int t = *t0_, t0 = *t0_;
    dual_inner_prod(x, x, x - t0, n, &xx, &xy);
    yy_lookup[0] = xx;
    yy = xx;
    for (int i = 1; i <= maxperiod; i++) {
        yy = yy + x[-i] * x[-i] - x[n - i] * x[n - i];
        yy_lookup[i] = CC_MAX(0, yy);
    }
    yy = yy_lookup[t0];
    best_xy = xy;
    best_yy = yy;
    g = g0 = pitch_gain(xy, xx, yy);
    /* The candidate lags depend only on t0: compute all their correlations first. */
    int t1s[16], t1bs[16], nk = 0;
    const float *ys[32];
    float xys[32];
    for (int k = 2; k <= 15; k++) {
        int t1 = (2 * t0 + k) / (2 * k);
        if (t1 < minperiod)
            break;
        t1s[k] = t1;
        if (k == 2)
            t1bs[k] = t1 + t0 > maxperiod ? t0 : t0 + t1;
        else
            t1bs[k] = (2 * second_check[k] * t0 + k) / (2 * k);
        ys[2 * nk] = x - t1;
        ys[2 * nk + 1] = x - t1bs[k];
        nk++;
    }
    inner_prods(x, ys, 2 * nk, n, xys);
    for (int k = 2; k < 2 + nk; k++) {
        int t1 = t1s[k], t1b = t1bs[k];
        float g1, cont, thresh;
        xy = xys[2 * (k - 2)];
        xy2 = xys[2 * (k - 2) + 1];
        xy = .5f * (xy + xy2);
        yy = .5f * (yy_lookup[t1] + yy_lookup[t1b]);
        g1 = pitch_gain(xy, xx, yy);
        if (abs(t1 - prev_period) <= 1)
            cont = prev_gain;
        else if (abs(t1 - prev_period) <= 2 && 5 * k * k < t0)
            cont = .5f * prev_gain;
        else
            cont = 0;
        thresh = CC_MAX(.3f, .7f * g0 - cont);
        /* Bias against very short periods (short-term correlation). The reference's
           second branch (t1 < 2 * minperiod) can never be taken; kept for fidelity. */
        if (t1 < 3 * minperiod)
            thresh = CC_MAX(.4f, .85f * g0 - cont);
        else if (t1 < 2 * minperiod)
            thresh = CC_MAX(.5f, .9f * g0 - cont);
        if (g1 > thresh) {
            best_xy = xy;
            best_yy = yy;
            t = t1;
            g = g1;
        }
    }
    best_xy = CC_MAX(0, best_xy);
    if (best_yy <= best_xy)
        pg = 1.0f;
    else
        pg = best_xy / (best_yy + 1);
    float xc[3];
    const float *yc[3] = { x - (t - 1), x - t, x - (t + 1) };
    inner_prods(x, yc, 3, n, xc);
    int offset;
    if ((xc[2] - xc[0]) > .7f * (xc[1] - xc[0]))
        offset = 1;
    else if ((xc[0] - xc[2]) > .7f * (xc[1] - xc[2]))
        offset = -1;
    else
        offset = 0;
    if (pg > g)
        pg = g;
    *t0_ = 2 * t + offset;
    if (*t0_ < minperiod0)
        *t0_ = minperiod0;
    return pg;
}
