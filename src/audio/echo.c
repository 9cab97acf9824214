/*
 * Acoustic echo canceller; see echo.h and doc/ECHO.md for the design and its figures.
 *
 * Per 10 ms block of n samples (FFT of m = 2n, overlap-save):
 *  1. the far block's spectrum (with the previous block) goes into a ring of spectra, and
 *     its band bits (band energy above its running mean) into a ring of bits;
 *  2. the mic's band bits are compared with the far bits at every lag 0..max_lag; the lag
 *     with the best smoothed agreement, once it has led for a while, is the bulk delay, and
 *     the filter's partitions start two blocks before it;
 *  3. foreground and background filters (parts partitions) each give an echo estimate; the
 *     background adapts every block (NLMS normalised per bin by the far power), the
 *     foreground takes the background's weights when these give a clearly smaller error,
 *     and the background is put back to the foreground when it diverges (double talk);
 *  4. the foreground's error goes through the residual-echo suppressor: sqrt-Hann windows of
 *     two blocks, per-bin gain 1 - over * R / |E|^2 where R = leak * |Y|^2 (Y the echo
 *     estimate) held with a decay; leak is learnt where the mic is dominated by echo
 *     (coherence of echo estimate and mic), so a near talker louder than the residual keeps
 *     its bins; overlap-add, one block of delay.
 */
#include "audio/echo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleancast/cleancast.h"
#include "common.h"

#define ECHO_PI 3.14159265358979323846

static int popcount32(uint32_t v)
{
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    return (int)((((v + (v >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24);
}

void cc_echo_free(CcEcho *e)
{
    cc_rfft_free(&e->fft);
    void *p[] = { e->xh, e->xbits, e->xprev, e->wf, e->wb, e->sxx, e->Y, e->E, e->tmpc, e->tbuf,
                  e->yf, e->ef, e->eb, e->sim, e->dprev, e->win, e->eprev, e->yprev, e->see,
                  e->syy, e->sdd, e->syd, e->leak, e->rres, e->gain, e->ola, e->mu_prof };
    for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
        free(p[i]);
    memset(e, 0, sizeof(*e));
}

void cc_echo_reset(CcEcho *e)
{
    memset(e->xh, 0, sizeof(CcCpx) * (size_t)e->hist * (size_t)e->k);
    memset(e->xbits, 0, sizeof(uint32_t) * (size_t)e->hist);
    memset(e->xprev, 0, sizeof(float) * (size_t)e->n);
    memset(e->wf, 0, sizeof(CcCpx) * (size_t)e->parts * (size_t)e->k);
    memset(e->wb, 0, sizeof(CcCpx) * (size_t)e->parts * (size_t)e->k);
    memset(e->sim, 0, sizeof(float) * (size_t)(e->max_lag + 1));
    memset(e->dprev, 0, sizeof(float) * (size_t)e->n);
    memset(e->eprev, 0, sizeof(float) * (size_t)e->n);
    memset(e->yprev, 0, sizeof(float) * (size_t)e->n);
    memset(e->ola, 0, sizeof(float) * (size_t)e->n);
    memset(e->syd, 0, sizeof(CcCpx) * (size_t)e->k);
    for (int i = 0; i < e->k; i++) {
        e->sxx[i] = 0;
        e->see[i] = e->syy[i] = e->sdd[i] = 0;
        e->leak[i] = e->leak0;
        e->rres[i] = 0;
        e->gain[i] = 1;
    }
    for (int b = 0; b < CC_ECHO_BANDS; b++)
        e->xmean[b] = e->dmean[b] = 0;
    e->newest = 0;
    e->frames = 0;
    e->lag = -1;
    e->cand = -1;
    e->cand_count = 0;
    e->offset = 0;
    e->s_fg = e->s_bg = e->s_d = 0;
    e->far_active = 0;
    e->far_active_frames = 0;
    e->far_last = -1000000;
    e->erle_in = e->erle_out = 0;
}

int cc_echo_init(CcEcho *e, int rate, int tail_ms, int max_delay_ms, int res_on)
{
    memset(e, 0, sizeof(*e));
    if (rate < 8000 || rate > 192000 || rate % 100 || tail_ms < 20 || tail_ms > 2000 ||
        max_delay_ms < 0 || max_delay_ms > 2000)
        return CC_ERR(EINVAL);
    e->rate = rate;
    e->n = rate / 100;
    e->m = 2 * e->n;
    e->k = e->n + 1;
    e->parts = (tail_ms + 9) / 10;
    e->max_lag = max_delay_ms / 10;
    e->hist = e->max_lag + e->parts + 1;
    e->res_on = res_on;
    size_t k = (size_t)e->k, n = (size_t)e->n;
    if (cc_rfft_init(&e->fft, e->m) < 0)
        return CC_ERR(ENOMEM);
    e->xh = malloc(sizeof(CcCpx) * (size_t)e->hist * k);
    e->xbits = malloc(sizeof(uint32_t) * (size_t)e->hist);
    e->xprev = malloc(sizeof(float) * n);
    e->wf = malloc(sizeof(CcCpx) * (size_t)e->parts * k);
    e->wb = malloc(sizeof(CcCpx) * (size_t)e->parts * k);
    e->sxx = malloc(sizeof(float) * k);
    e->Y = malloc(sizeof(CcCpx) * k);
    e->E = malloc(sizeof(CcCpx) * k);
    e->tmpc = malloc(sizeof(CcCpx) * k);
    e->tbuf = malloc(sizeof(float) * (size_t)e->m);
    e->yf = malloc(sizeof(float) * n);
    e->ef = malloc(sizeof(float) * n);
    e->eb = malloc(sizeof(float) * n);
    e->sim = malloc(sizeof(float) * (size_t)(e->max_lag + 1));
    e->dprev = malloc(sizeof(float) * n);
    e->win = malloc(sizeof(float) * (size_t)e->m);
    e->eprev = malloc(sizeof(float) * n);
    e->yprev = malloc(sizeof(float) * n);
    e->see = malloc(sizeof(float) * k);
    e->syy = malloc(sizeof(float) * k);
    e->sdd = malloc(sizeof(float) * k);
    e->syd = malloc(sizeof(CcCpx) * k);
    e->leak = malloc(sizeof(float) * k);
    e->rres = malloc(sizeof(float) * k);
    e->gain = malloc(sizeof(float) * k);
    e->ola = malloc(sizeof(float) * n);
    e->mu_prof = malloc(sizeof(float) * (size_t)e->parts);
    if (!e->mu_prof || !e->xh || !e->xbits || !e->xprev || !e->wf || !e->wb || !e->sxx || !e->Y || !e->E ||
        !e->tmpc || !e->tbuf || !e->yf || !e->ef || !e->eb || !e->sim || !e->dprev || !e->win ||
        !e->eprev || !e->yprev || !e->see || !e->syy || !e->sdd || !e->syd || !e->leak ||
        !e->rres || !e->gain || !e->ola) {
        cc_echo_free(e);
        return CC_ERR(ENOMEM);
    }
    /* Step profile over the partitions: an exponential decay like a room's (time constant
       tau), scaled to a mean of 1, so the early part converges first and the tail's noise
       costs less misadjustment. */
    {
        double tau = 16.0, sum = 0;
        for (int p = 0; p < e->parts; p++)
            sum += tau > 0 ? exp(-p / tau) : 1.0;
        for (int p = 0; p < e->parts; p++)
            e->mu_prof[p] = (float)((tau > 0 ? exp(-p / tau) : 1.0) * e->parts / sum);
    }
    /* suppressor: leakage starts at 0.1 and is learnt where the broadband coherence of echo
       estimate and mic is above 0.5; residual over-subtracted 3x, held with a 0.6 decay per
       block (tuned on the CI slice: bench/echo_results.md) */
    e->leak0 = 0.1f;
    e->coh_min = 0.5f;
    e->over = 3.0f;
    e->decay = 0.6f;
    /* sqrt-Hann (periodic): w^2 overlap-adds to 1 at a hop of n. */
    for (int i = 0; i < e->m; i++)
        e->win[i] = (float)sin(ECHO_PI * (i + 0.5) / e->m);
    /* Bands for the delay estimator: log-spaced 300 Hz .. min(rate/2, 6 kHz). */
    double f_hi = fmin(rate / 2.0, 6000.0), f_lo = 300.0;
    for (int b = 0; b <= CC_ECHO_BANDS; b++) {
        double f = f_lo * pow(f_hi / f_lo, (double)b / CC_ECHO_BANDS);
        int bin = (int)lround(f * e->m / rate);
        if (b > 0 && bin <= e->band_lo[b - 1])
            bin = e->band_lo[b - 1] + 1;
        e->band_lo[b] = CC_MIN(bin, e->k - 1);
    }
    cc_echo_reset(e);
    return 0;
}

/* Band bits of a spectrum: band energy above its running mean (updated here). */
static uint32_t band_bits(const CcEcho *e, const CcCpx *X, float *mean, int update)
{
    uint32_t bits = 0;
    for (int b = 0; b < CC_ECHO_BANDS; b++) {
        float s = 0;
        for (int i = e->band_lo[b]; i < e->band_lo[b + 1] || i == e->band_lo[b]; i++)
            s += X[i].re * X[i].re + X[i].im * X[i].im;
        float l = logf(s + 1e-12f);
        if (l > mean[b])
            bits |= 1u << b;
        if (update)
            mean[b] += 0.05f * (l - mean[b]);
    }
    return bits;
}

/* Y = sum_p W[p] X[newest - offset - p]; with pow, also pow = sum_p |X[...]|^2 per bin. */
static void filter(const CcEcho *e, const CcCpx *W, CcCpx *Y, float *pow)
{
    const int k = e->k;
    memset(Y, 0, sizeof(CcCpx) * (size_t)k);
    if (pow)
        memset(pow, 0, sizeof(float) * (size_t)k);
    for (int p = 0; p < e->parts; p++) {
        int idx = e->newest - e->offset - p;
        idx = ((idx % e->hist) + e->hist) % e->hist;
        const CcCpx *X = e->xh + (size_t)idx * (size_t)k, *w = W + (size_t)p * (size_t)k;
        for (int i = 0; i < k; i++) {
            Y[i].re += w[i].re * X[i].re - w[i].im * X[i].im;
            Y[i].im += w[i].re * X[i].im + w[i].im * X[i].re;
        }
        if (pow)
            for (int i = 0; i < k; i++)
                pow[i] += X[i].re * X[i].re + X[i].im * X[i].im;
    }
}

/* The last n samples of the inverse transform of Y (overlap-save output). */
static void synth_tail(CcEcho *e, const CcCpx *Y, float *y)
{
    cc_rfft_inverse(&e->fft, Y, e->tbuf);
    const float s = 1.0f / (float)e->m;
    for (int i = 0; i < e->n; i++)
        y[i] = e->tbuf[e->n + i] * s;
}

/* Moves the filters' partitions when the start offset changes by d frames. */
static void shift_filters(CcEcho *e, int d)
{
    const size_t k = (size_t)e->k;
    CcCpx *ws[2] = { e->wf, e->wb };
    for (int f = 0; f < 2; f++) {
        CcCpx *w = ws[f];
        if (d > 0) {
            for (int p = 0; p < e->parts; p++) {
                if (p + d < e->parts)
                    memcpy(w + (size_t)p * k, w + (size_t)(p + d) * k, sizeof(CcCpx) * k);
                else
                    memset(w + (size_t)p * k, 0, sizeof(CcCpx) * k);
            }
        } else {
            for (int p = e->parts - 1; p >= 0; p--) {
                if (p + d >= 0)
                    memcpy(w + (size_t)p * k, w + (size_t)(p + d) * k, sizeof(CcCpx) * k);
                else
                    memset(w + (size_t)p * k, 0, sizeof(CcCpx) * k);
            }
        }
    }
}

static float energy(const float *x, int n)
{
    float s = 0;
    for (int i = 0; i < n; i++)
        s += x[i] * x[i];
    return s;
}

void cc_echo_block(CcEcho *e, const float *far, const float *mic, float *out)
{
    const int n = e->n, m = e->m, k = e->k;
    const size_t kz = (size_t)k;

    /* 1. far spectrum and bits */
    e->newest = (e->newest + 1) % e->hist;
    CcCpx *X0 = e->xh + (size_t)e->newest * kz;
    memcpy(e->tbuf, e->xprev, sizeof(float) * (size_t)n);
    memcpy(e->tbuf + n, far, sizeof(float) * (size_t)n);
    cc_rfft_forward(&e->fft, e->tbuf, X0, 1.0f);
    memcpy(e->xprev, far, sizeof(float) * (size_t)n);
    float far_e = energy(far, n) / (float)n;
    e->far_active = far_e > 1e-7f; /* -70 dBFS */
    e->xbits[e->newest] = band_bits(e, X0, e->xmean, e->far_active);
    if (e->far_active)
        e->far_active_frames++;

    /* 2. mic bits, delay estimate */
    memcpy(e->tbuf, e->dprev, sizeof(float) * (size_t)n);
    memcpy(e->tbuf + n, mic, sizeof(float) * (size_t)n);
    cc_rfft_forward(&e->fft, e->tbuf, e->tmpc, 1.0f);
    memcpy(e->dprev, mic, sizeof(float) * (size_t)n);
    float mic_e = energy(mic, n) / (float)n;
    uint32_t dbits = band_bits(e, e->tmpc, e->dmean, mic_e > 1e-9f);
    if (e->far_active && mic_e > 1e-9f) {
        int best = 0;
        int lags = (int)CC_MIN((int64_t)e->max_lag, e->frames);
        for (int l = 0; l <= lags; l++) {
            int idx = ((e->newest - l) % e->hist + e->hist) % e->hist;
            float agree = (float)(CC_ECHO_BANDS - popcount32(dbits ^ e->xbits[idx]));
            e->sim[l] += 0.02f * (agree - e->sim[l]);
            if (e->sim[l] > e->sim[best])
                best = l;
        }
        float lead = e->lag >= 0 ? e->sim[best] - e->sim[e->lag] : e->sim[best] - CC_ECHO_BANDS / 2.0f;
        if (best != e->lag && lead > 0.6f) {
            if (best == e->cand)
                e->cand_count++;
            else {
                e->cand = best;
                e->cand_count = 1;
            }
            if (e->cand_count >= 25 && e->far_active_frames > 50) {
                e->lag = best;
                int off = CC_MAX(0, best - 2);
                if (off != e->offset) {
                    shift_filters(e, off - e->offset);
                    e->offset = off;
                }
            }
        } else if (best == e->lag) {
            e->cand_count = 0;
        }
    }

    /* 3. foreground and background estimates */
    filter(e, e->wf, e->Y, NULL);
    synth_tail(e, e->Y, e->yf);
    filter(e, e->wb, e->E, e->sxx);
    synth_tail(e, e->E, e->eb);
    for (int i = 0; i < n; i++) {
        e->ef[i] = mic[i] - e->yf[i];
        e->eb[i] = mic[i] - e->eb[i];
    }
    float ef_e = energy(e->ef, n), eb_e = energy(e->eb, n), d_e = mic_e * (float)n;
    e->s_fg = 0.6f * e->s_fg + 0.4f * ef_e;
    e->s_bg = 0.6f * e->s_bg + 0.4f * eb_e;
    e->s_d = 0.6f * e->s_d + 0.4f * d_e;

    /* background NLMS update on the newest n error samples */
    if (e->far_active)
        e->far_last = e->frames;
    if (e->frames - e->far_last < e->offset + e->parts && e->far_last >= 0) {
        memset(e->tbuf, 0, sizeof(float) * (size_t)n);
        memcpy(e->tbuf + n, e->eb, sizeof(float) * (size_t)n);
        cc_rfft_forward(&e->fft, e->tbuf, e->E, 1.0f);
        /* NLMS per bin: normalised by the far power over the filter's whole span */
        const float mu = 0.5f;
        const float delta = 1e-6f * (float)m * (float)e->parts;
        for (int i = 0; i < k; i++) {
            float g = mu / (e->sxx[i] + delta);
            e->E[i].re *= g;
            e->E[i].im *= g;
        }
        for (int p = 0; p < e->parts; p++) {
            int idx = ((e->newest - e->offset - p) % e->hist + e->hist) % e->hist;
            const CcCpx *X = e->xh + (size_t)idx * kz;
            CcCpx *w = e->wb + (size_t)p * kz;
            const float gp = e->mu_prof[p];
            for (int i = 0; i < k; i++) { /* w += gp conj(X) E */
                w[i].re += gp * (X[i].re * e->E[i].re + X[i].im * e->E[i].im);
                w[i].im += gp * (X[i].re * e->E[i].im - X[i].im * e->E[i].re);
            }
        }
        /* gradient constraint on one partition per block (round robin) */
        int p = (int)(e->frames % e->parts);
        CcCpx *w = e->wb + (size_t)p * kz;
        cc_rfft_inverse(&e->fft, w, e->tbuf);
        for (int i = 0; i < n; i++)
            e->tbuf[i] *= 1.0f / (float)m;
        memset(e->tbuf + n, 0, sizeof(float) * (size_t)n);
        cc_rfft_forward(&e->fft, e->tbuf, w, 1.0f);

        /* two-path control */
        if (e->s_bg < 0.6f * e->s_fg && eb_e < ef_e) {
            memcpy(e->wf, e->wb, sizeof(CcCpx) * (size_t)e->parts * kz);
            memcpy(e->ef, e->eb, sizeof(float) * (size_t)n);
            for (int i = 0; i < n; i++)
                e->yf[i] = mic[i] - e->ef[i];
            e->s_fg = e->s_bg;
        } else if (e->s_bg > 4.0f * e->s_fg && e->s_bg > e->s_d) {
            memcpy(e->wb, e->wf, sizeof(CcCpx) * (size_t)e->parts * kz);
            e->s_bg = e->s_fg;
        }
    }

    /* 4. residual-echo suppressor */
    if (!e->res_on) {
        /* one block of delay, like the suppressor's */
        memcpy(out, e->eprev, sizeof(float) * (size_t)n);
        memcpy(e->eprev, e->ef, sizeof(float) * (size_t)n);
    } else {
        CcCpx *Ew = e->E, *Yw = e->Y, *Dw = e->tmpc;
        for (int i = 0; i < n; i++) {
            e->tbuf[i] = e->eprev[i] * e->win[i];
            e->tbuf[n + i] = e->ef[i] * e->win[n + i];
        }
        cc_rfft_forward(&e->fft, e->tbuf, Ew, 1.0f);
        for (int i = 0; i < n; i++) {
            e->tbuf[i] = e->yprev[i] * e->win[i];
            e->tbuf[n + i] = e->yf[i] * e->win[n + i];
        }
        cc_rfft_forward(&e->fft, e->tbuf, Yw, 1.0f);
        for (int i = 0; i < n; i++) {
            e->tbuf[i] = (e->eprev[i] + e->yprev[i]) * e->win[i];
            e->tbuf[n + i] = mic[i] * e->win[n + i];
        }
        cc_rfft_forward(&e->fft, e->tbuf, Dw, 1.0f);
        memcpy(e->eprev, e->ef, sizeof(float) * (size_t)n);
        memcpy(e->yprev, e->yf, sizeof(float) * (size_t)n);
        /* broadband coherence of echo estimate and mic: echo-dominated mic? */
        float num = 0, den = 0;
        for (int i = 0; i < k; i++) {
            float yy = Yw[i].re * Yw[i].re + Yw[i].im * Yw[i].im;
            float ee = Ew[i].re * Ew[i].re + Ew[i].im * Ew[i].im;
            float dd = Dw[i].re * Dw[i].re + Dw[i].im * Dw[i].im;
            e->syy[i] = 0.7f * e->syy[i] + 0.3f * yy;
            e->see[i] = 0.5f * e->see[i] + 0.5f * ee;
            e->sdd[i] = 0.7f * e->sdd[i] + 0.3f * dd;
            /* Y conj(D) */
            e->syd[i].re = 0.7f * e->syd[i].re + 0.3f * (Yw[i].re * Dw[i].re + Yw[i].im * Dw[i].im);
            e->syd[i].im = 0.7f * e->syd[i].im + 0.3f * (Yw[i].im * Dw[i].re - Yw[i].re * Dw[i].im);
            num += e->syd[i].re * e->syd[i].re + e->syd[i].im * e->syd[i].im;
            den += e->syy[i] * e->sdd[i];
        }
        float coh = den > 0 ? num / den : 0;
        int learn = e->far_active && coh > e->coh_min;
        float decay = e->decay;
        for (int i = 0; i < k; i++) {
            float yy = Yw[i].re * Yw[i].re + Yw[i].im * Yw[i].im;
            if (learn && e->syy[i] > 1e-10f) {
                float r = CC_MIN(e->see[i] / e->syy[i], 2.0f);
                e->leak[i] += 0.05f * (r - e->leak[i]);
            }
            float r_now = e->leak[i] * yy;
            e->rres[i] = CC_MAX(r_now, decay * e->rres[i]);
            float ee = Ew[i].re * Ew[i].re + Ew[i].im * Ew[i].im;
            float pe = 0.5f * (ee + e->see[i]) + 1e-12f;
            float g = 1.0f - e->over * e->rres[i] / pe;
            g = CC_CLAMP(g, 0.01f, 1.0f);
            /* fast attack, slower release: no flicker of near-end bins */
            e->gain[i] = g < e->gain[i] ? g : 0.5f * e->gain[i] + 0.5f * g;
            Ew[i].re *= e->gain[i];
            Ew[i].im *= e->gain[i];
        }
        cc_rfft_inverse(&e->fft, Ew, e->tbuf);
        const float s = 1.0f / (float)m;
        for (int i = 0; i < n; i++) {
            out[i] = e->ola[i] + e->tbuf[i] * e->win[i] * s;
            e->ola[i] = e->tbuf[n + i] * e->win[n + i] * s;
        }
    }

    if (e->far_active) {
        e->erle_in = 0.99 * e->erle_in + 0.01 * d_e;
        e->erle_out = 0.99 * e->erle_out + 0.01 * energy(out, n);
    }
    e->frames++;
}

int cc_echo_delay_ms(const CcEcho *e)
{
    return e->lag < 0 ? -1 : e->lag * 10;
}

float cc_echo_erle_db(const CcEcho *e)
{
    if (e->erle_in <= 0)
        return 0;
    return (float)(10.0 * log10((e->erle_in + 1e-20) / (e->erle_out + 1e-20)));
}
