/*
 * One 10 ms hop of RNNoise 0.2 (see rnn2.h):
 *
 *   1. high-pass          remove DC and rumble (the same biquad as 0.1)
 *   2. spectra            window [previous hop, this hop], 960-point FFT -> X;
 *                         pitch tracker -> period T; the same for the signal T back -> P
 *   3. features (65)      DCT of the floored log band energies of X (32), DCT of the per-band
 *                         X/P correlation (32), T
 *   4. network            32 band gains and a speech probability
 *   5. comb filter        on the *previous* hop's X', with its P' and band values: add P'
 *                         where the band is more periodic than the gain implies, keeping each
 *                         band's energy
 *   6. gains              decay no faster than 0.6 per hop, floored by the strength setting,
 *                         interpolated to bins, applied to X'
 *   7. synthesis          inverse FFT of X', window, overlap-add; X, P and their band values
 *                         become the next hop's X', P'
 *
 * Steps 4-6 are skipped on near-silent hops, whose X' then passes through unchanged.
 * The float/double mix of a few expressions (logs, square roots of band ratios, the biquad,
 * the DCT factor) follows what the facts document for the official build.
 */
#include "audio/rnn2.h"
#include "audio/rnn_frame.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "common.h"

#define HOP CC_RNN2_FRAME
#define NB CC_RNN2_BANDS
#define NBIN CC_RNN2_SPEC
#define NFEAT CC_RNN2_FEATURES

/* Band edges in 50 Hz bins (0, 100, 200 ... 17 800, 20 000 Hz). */
static const short edge[NB + 2] = {
    0, 2, 4, 6, 8, 10, 12, 15, 18, 21, 24, 28, 32, 36, 41, 47, 53,
    60, 68, 77, 87, 98, 110, 124, 140, 157, 176, 198, 223, 251, 282, 317, 356, 400
};

/* ------------------------------------------------------------------ bands */

void cc_rnn2_bands_init(CcRnn2Bands *t)
{
    for (int i = 0; i < NB + 1; i++) {
        int width = edge[i + 1] - edge[i];
        for (int j = 0; j < width; j++) {
            float frac = (float)j / (float)width;
            t->up[edge[i] + j] = frac;
            t->down[edge[i] + j] = 1 - frac;
        }
    }
}

/* The bands from the 34 interval sums s (s[i]: what interval i - 1 gives up, i down). */
static void fold_ends(const float *s, float *out)
{
    for (int b = 1; b < NB - 1; b++)
        out[b] = s[b + 1];
    out[0] = (s[0] + s[1]) * 2 / 3;
    out[NB - 1] = (s[NB] + s[NB + 1]) * 2 / 3;
}

/*
 * s[i] collects down * v from interval i after up * v from interval i - 1, each interval in
 * ascending bins. The running sum of the band above (`hi`) starts at 0 in each interval and
 * carries over as the next interval's `lo`: the same additions in the same order as adding
 * into an array of 34 sums, without the array's store-to-load chain.
 */
void cc_rnn2_band_sums(const CcRnn2Bands *t, const float *v, float *out)
{
    float s[NB + 2], lo = 0;
    for (int i = 0; i < NB + 1; i++) {
        float hi = 0;
        for (int k = edge[i]; k < edge[i + 1]; k++) {
            lo += t->down[k] * v[k];
            hi += t->up[k] * v[k];
        }
        s[i] = lo;
        lo = hi;
    }
    s[NB + 1] = lo;
    fold_ends(s, out);
}

void cc_rnn2_band_sums3(const CcRnn2Bands *t, const CcCpx *x, const CcCpx *p, float *ex,
                        float *ep, float *xp)
{
    float sx[NB + 2], sp[NB + 2], sc[NB + 2];
    float lx = 0, lp = 0, lc = 0;
    for (int i = 0; i < NB + 1; i++) {
        float hx = 0, hp = 0, hc = 0;
        for (int k = edge[i]; k < edge[i + 1]; k++) {
            float vx = x[k].re * x[k].re + x[k].im * x[k].im;
            float vp = p[k].re * p[k].re + p[k].im * p[k].im;
            float vc = x[k].re * p[k].re + x[k].im * p[k].im;
            float dn = t->down[k], up = t->up[k];
            lx += dn * vx;
            hx += up * vx;
            lp += dn * vp;
            hp += up * vp;
            lc += dn * vc;
            hc += up * vc;
        }
        sx[i] = lx, sp[i] = lp, sc[i] = lc;
        lx = hx, lp = hp, lc = hc;
    }
    sx[NB + 1] = lx, sp[NB + 1] = lp, sc[NB + 1] = lc;
    fold_ends(sx, ex);
    fold_ends(sp, ep);
    fold_ends(sc, xp);
}

/* Bin k of interval i of a per-band quantity, as cc_rnn2_band_expand() gives it. */
static inline float bin_value(const CcRnn2Bands *t, const float *band, int i, int k)
{
    if (i == 0)
        return band[0];
    if (i == NB)
        return band[NB - 1];
    return t->down[k] * band[i - 1] + t->up[k] * band[i];
}

/*
 * X += a P per bin below the bands' top (a expanded from the per-band `amount`), and the band
 * sums of the new |X|^2 (cc_rnn2_band_sums' accumulation order) in the same pass.
 */
static void comb_power(const CcRnn2Bands *t, CcCpx *x, const CcCpx *p, const float *amount,
                       float *out)
{
    float s[NB + 2], lo = 0;
    for (int i = 0; i < NB + 1; i++) {
        float hi = 0;
        for (int k = edge[i]; k < edge[i + 1]; k++) {
            float a = bin_value(t, amount, i, k);
            x[k].re += a * p[k].re;
            x[k].im += a * p[k].im;
            float v = x[k].re * x[k].re + x[k].im * x[k].im;
            lo += t->down[k] * v;
            hi += t->up[k] * v;
        }
        s[i] = lo;
        lo = hi;
    }
    s[NB + 1] = lo;
    fold_ends(s, out);
}

void cc_rnn2_band_expand(const CcRnn2Bands *t, const float *band, float *g)
{
    g[0] = g[1] = band[0];
    for (int i = 1; i < NB; i++) {
        float below = band[i - 1], above = band[i];
        for (int k = edge[i]; k < edge[i + 1]; k++)
            g[k] = t->down[k] * below + t->up[k] * above;
    }
    for (int k = edge[NB]; k < edge[NB + 1]; k++)
        g[k] = band[NB - 1];
    for (int k = CC_RNN2_BAND_SPAN; k < NBIN; k++)
        g[k] = 0;
}

/* ------------------------------------------------------------------ spectra */

/* Frame = [a, b] (one hop each), windowed, to spectrum. */
static void spectrum(CcRnnoise2 *st, const float *a, const float *b, CcCpx *out)
{
    cc_rnn_windowed_spectrum(&st->fft, st->window, HOP, st->frame_buf, a, b, out);
}

/* ------------------------------------------------------------------ features */

/* 32-point DCT-II; the scale keeps 0.1's 22-band normalisation, as the trained model expects. */
static void dct32(const CcRnnoise2 *st, const float *in, float *out)
{
    cc_rnn_dct(&st->dct[0][0], NB, in, out, NB, sqrt(2. / 22));
}

/*
 * log10 band energies, each floored at 7 decades below the loudest band so far and at no
 * more than 1.5 decades below its lower neighbour's.
 */
static void log_energies(const float *ex, float *ly)
{
    float loudest = -2, follow = -2;
    for (int b = 0; b < NB; b++) {
        float l = (float)log10(1e-2 + ex[b]);
        l = CC_MAX(loudest - 7, CC_MAX(follow - 1.5f, l));
        ly[b] = l;
        loudest = CC_MAX(loudest, l);
        follow = CC_MAX(follow - 1.5f, l);
    }
}

/*
 * Analysis of this hop into st->spec, st->pitch_spec and the band values ex, ep, corr.
 * Returns 0, or 1 for a hop too quiet to analyse (the features are then not needed).
 */
static int analyse(CcRnnoise2 *st, const float *x, float *ex, float *ep, float *corr,
                   float *feat)
{
    spectrum(st, st->last_input, x, st->spec);
    memcpy(st->last_input, x, sizeof(st->last_input));

    cc_rnn_pitch_update(&st->pitch, st->k1, x, HOP);
    const float *delayed = cc_rnn_pitch_delayed(&st->pitch);
    spectrum(st, delayed, delayed + HOP, st->pitch_spec);
    cc_rnn2_band_sums3(&st->bands, st->spec, st->pitch_spec, ex, ep, corr);
    for (int b = 0; b < NB; b++)
        corr[b] = (float)(corr[b] / sqrt(.001 + ex[b] * ep[b]));

    float total = 0;
    for (int b = 0; b < NB; b++)
        total += ex[b];
    if ((double)total < 0.04)
        return 1;

    float ly[NB];
    log_energies(ex, ly);
    dct32(st, ly, feat);
    feat[0] -= 12;
    feat[1] -= 4;
    dct32(st, corr, feat + NB);
    feat[2 * NB] = (float)(.01 * (st->pitch.period - 300));
    return 0;
}

/* ------------------------------------------------------------------ filtering */

/*
 * The previous hop's spectrum X' shaped by this hop's band gains g:
 *   X' += a P'   a per band from how periodic it is against what g implies (comb filter)
 *   X' *= r      r per band puts back the energy X' had before the comb
 *   X' *= g'     g' = g held (decaying no faster than 0.6 per hop), floored by the strength
 * in two passes over the bins, the per-band values expanded on the fly: the comb with the
 * band energies after it, then both scalings, two multiplies per
 * bin in that order. The same operations as expanding, adding and scaling in separate passes.
 * g becomes g'.
 */
void cc_rnn2_shape_prev(CcRnnoise2 *st, float *g, float gain_floor)
{
    const CcRnn2Bands *t = &st->bands;
    CcCpx *x = st->prev_spec;
    const CcCpx *p = st->prev_pitch_spec;
    float amount[NB], restore[NB];
    for (int b = 0; b < NB; b++)
        amount[b] = cc_rnn_comb_amount(st->prev_corr[b], g[b], st->prev_ex[b], st->prev_ep[b]);
    comb_power(t, x, p, amount, restore);
    for (int b = 0; b < NB; b++) /* in place: the energy after becomes the restoring gain */
        restore[b] = (float)sqrt(st->prev_ex[b] / (1e-8 + restore[b]));

    cc_rnn_hold_gains(g, st->held_gain, NB, gain_floor);
    for (int i = 0; i < NB + 1; i++) {
        for (int k = edge[i]; k < edge[i + 1]; k++) {
            float rk = bin_value(t, restore, i, k), gk = bin_value(t, g, i, k);
            x[k].re = x[k].re * rk * gk;
            x[k].im = x[k].im * rk * gk;
        }
    }
    for (int k = CC_RNN2_BAND_SPAN; k < NBIN; k++) { /* above the bands every value is 0 */
        x[k].re = (x[k].re + 0.0f * p[k].re) * 0.0f * 0.0f;
        x[k].im = (x[k].im + 0.0f * p[k].im) * 0.0f * 0.0f;
    }
}

float cc_rnnoise2_process_frame(CcRnnoise2 *st, float *out, const float *in, float gain_floor)
{
    float x[HOP], feat[NFEAT], g[NB], ex[NB], ep[NB], corr[NB];
    float speech = 0;

    cc_rnn_high_pass(st->hp_state, in, x, HOP);
    if (!analyse(st, x, ex, ep, corr, feat)) {
        cc_rnn2_net_run(st->model, st->k, &st->mem, &st->scratch, feat, g, &speech);
        cc_rnn2_shape_prev(st, g, gain_floor);
    }

    float *f = st->frame_buf;
    cc_rfft_inverse(&st->fft, st->prev_spec, f);
    for (int i = 0; i < HOP; i++) {
        out[i] = f[i] * st->window[i] + st->overlap[i];
        st->overlap[i] = f[HOP + i] * st->window[HOP - 1 - i];
    }

    /* this hop's analysis is what the next hop's gains will shape */
    memcpy(st->prev_spec, st->spec, sizeof(st->spec));
    memcpy(st->prev_pitch_spec, st->pitch_spec, sizeof(st->pitch_spec));
    memcpy(st->prev_ex, ex, sizeof(ex));
    memcpy(st->prev_ep, ep, sizeof(ep));
    memcpy(st->prev_corr, corr, sizeof(corr));
    return speech;
}

/* ------------------------------------------------------------------ set-up */

int cc_rnnoise2_init(CcRnnoise2 *st, const CcRnn2Model *model, const CcRnn2Kernels *k,
                     const CcRnnKernels *k1)
{
    memset(st, 0, sizeof(*st));
    if (!model || !k || !k1)
        return CC_ERR(EINVAL);
    int ret = cc_rnn2_net_check(model);
    if (ret < 0)
        return ret;
    st->model = model;
    st->k = k;
    st->k1 = k1;
    cc_rnn_window_init(st->window, HOP);
    cc_rnn_dct_init(&st->dct[0][0], NB);
    cc_rnn2_bands_init(&st->bands);
    ret = cc_rfft_init(&st->fft, CC_RNN2_WINDOW);
    if (ret < 0)
        return ret;
    cc_rnnoise2_reset(st);
    return 0;
}

void cc_rnnoise2_reset(CcRnnoise2 *st)
{
    size_t from = offsetof(CcRnnoise2, hp_state);
    memset((char *)st + from, 0, sizeof(*st) - from);
}

static int all_finite(const float *v, size_t n)
{
    /* a NaN or Inf anywhere poisons the sum; eight partial sums keep it off the add latency */
    float a[8] = { 0 };
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int t = 0; t < 8; t++)
            a[t] += v[i + t] * 0.0f;
    for (; i < n; i++)
        a[0] += v[i] * 0.0f;
    return (a[0] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7]) == 0.0f;
}

int cc_rnnoise2_state_finite(const CcRnnoise2 *st)
{
    return all_finite(&st->mem.conv1[0], sizeof(st->mem) / sizeof(float)) &&
           all_finite(st->overlap, HOP) &&
           all_finite(&st->prev_spec[0].re, 2 * NBIN) &&
           all_finite(&st->prev_pitch_spec[0].re, 2 * NBIN) &&
           all_finite(st->held_gain, NB) && all_finite(st->prev_ex, NB) &&
           all_finite(st->prev_ep, NB) && all_finite(st->prev_corr, NB);
}

void cc_rnnoise2_free(CcRnnoise2 *st)
{
    cc_rfft_free(&st->fft);
}
