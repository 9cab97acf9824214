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

/*
 * S[i] collects (1 - frac) v from interval i and frac v from interval i - 1, intervals in
 * ascending order, frac = j / width as a float division; the bands are S[1..32] with the two
 * half-triangles at the ends folded in.
 */
void cc_rnn2_band_sums(const float *v, float *out)
{
    float s[NB + 2] = { 0 };
    for (int i = 0; i < NB + 1; i++) {
        int width = edge[i + 1] - edge[i];
        for (int j = 0; j < width; j++) {
            float frac = (float)j / (float)width, x = v[edge[i] + j];
            s[i] += (1 - frac) * x;
            s[i + 1] += frac * x;
        }
    }
    for (int b = 1; b < NB - 1; b++)
        out[b] = s[b + 1];
    out[0] = (s[0] + s[1]) * 2 / 3;
    out[NB - 1] = (s[NB] + s[NB + 1]) * 2 / 3;
}

void cc_rnn2_band_expand(const float *band, float *g)
{
    g[0] = g[1] = band[0];
    for (int i = 1; i < NB; i++) {
        int width = edge[i + 1] - edge[i];
        for (int j = 0; j < width; j++) {
            float frac = (float)j / (float)width;
            g[edge[i] + j] = (1 - frac) * band[i - 1] + frac * band[i];
        }
    }
    for (int k = edge[NB]; k < edge[NB + 1]; k++)
        g[k] = band[NB - 1];
    for (int k = CC_RNN2_BAND_SPAN; k < NBIN; k++)
        g[k] = 0;
}

static void bin_power(const CcCpx *x, float *v)
{
    for (int k = 0; k < CC_RNN2_BAND_SPAN; k++)
        v[k] = x[k].re * x[k].re + x[k].im * x[k].im;
}

static void bin_cross(const CcCpx *x, const CcCpx *y, float *v)
{
    for (int k = 0; k < CC_RNN2_BAND_SPAN; k++)
        v[k] = x[k].re * y[k].re + x[k].im * y[k].im;
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
    bin_power(st->spec, st->bin_val);
    cc_rnn2_band_sums(st->bin_val, ex);

    cc_rnn_pitch_update(&st->pitch, st->k1, x, HOP);
    const float *delayed = cc_rnn_pitch_delayed(&st->pitch);
    spectrum(st, delayed, delayed + HOP, st->pitch_spec);
    bin_power(st->pitch_spec, st->bin_val);
    cc_rnn2_band_sums(st->bin_val, ep);
    bin_cross(st->spec, st->pitch_spec, st->bin_val);
    cc_rnn2_band_sums(st->bin_val, corr);
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

/* X'_k *= g_k, with g expanded from per-band values. */
static void scale_prev(CcRnnoise2 *st, const float *band_gain)
{
    cc_rnn2_band_expand(band_gain, st->bin_gain);
    cc_rnn_scale_bins(st->prev_spec, st->bin_gain, NBIN);
}

/* X' += a P' per band, then each band's energy put back to what X' had. */
static void comb_filter(CcRnnoise2 *st, const float *g)
{
    float amount[NB], e_after[NB];
    for (int b = 0; b < NB; b++)
        amount[b] = cc_rnn_comb_amount(st->prev_corr[b], g[b], st->prev_ex[b], st->prev_ep[b]);
    cc_rnn2_band_expand(amount, st->bin_gain);
    cc_rnn_add_bins(st->prev_spec, st->bin_gain, st->prev_pitch_spec, NBIN);
    bin_power(st->prev_spec, st->bin_val);
    cc_rnn2_band_sums(st->bin_val, e_after);
    for (int b = 0; b < NB; b++) /* in place: e_after becomes the restoring gain */
        e_after[b] = (float)sqrt(st->prev_ex[b] / (1e-8 + e_after[b]));
    scale_prev(st, e_after);
}

float cc_rnnoise2_process_frame(CcRnnoise2 *st, float *out, const float *in, float gain_floor)
{
    float x[HOP], feat[NFEAT], g[NB], ex[NB], ep[NB], corr[NB];
    float speech = 0;

    cc_rnn_high_pass(st->hp_state, in, x, HOP);
    if (!analyse(st, x, ex, ep, corr, feat)) {
        cc_rnn2_net_run(st->model, st->k, &st->mem, &st->scratch, feat, g, &speech);
        comb_filter(st, g);
        cc_rnn_hold_gains(g, st->held_gain, NB, gain_floor);
        scale_prev(st, g);
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
