/*
 * Parts of our RNNoise 0.2 (src/audio/rnn2*.c) on their own:
 *   - the 32-band layout: band sums of a flat spectrum are the triangle areas (the two end
 *     bands folded in), a constant expands to that constant below 20 kHz and to 0 above;
 *   - the frame: the output is the input two hops (960 samples) back, exactly so on frames too
 *     quiet to analyse (they pass through, only high-passed); silence gives silence and VAD 0;
 *   - a non-finite value anywhere in the state is seen by cc_rnnoise2_state_finite() and gone
 *     after cc_rnnoise2_reset().
 * Needs the RNNoise 0.2 model (models/fetch_rnnoise2.sh) for the frame checks: missing, it
 * fails.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/rnn2.h"
#include "audio/rnn_frame.h"
#include "testutil.h"

static const short edge[34] = { 0, 2, 4, 6, 8, 10, 12, 15, 18, 21, 24, 28, 32, 36, 41, 47, 53,
                                60, 68, 77, 87, 98, 110, 124, 140, 157, 176, 198, 223, 251, 282,
                                317, 356, 400 };

static void test_bands(void)
{
    CcRnn2Bands t;
    cc_rnn2_bands_init(&t);
    float v[CC_RNN2_SPEC], e[CC_RNN2_BANDS];
    for (int k = 0; k < CC_RNN2_SPEC; k++)
        v[k] = 1.0f;
    cc_rnn2_band_sums(&t, v, e);
    /* interval of width W gives (W + 1) / 2 to the band below, (W - 1) / 2 to the one above */
    for (int b = 0; b < CC_RNN2_BANDS; b++) {
        double want;
        int wl = edge[b + 1] - edge[b], wr = edge[b + 2] - edge[b + 1];
        if (b == 0) /* S0 + S1 = (W0 + 1)/2 + ((W0 - 1)/2 + (W1 + 1)/2), times 2/3 */
            want = (wl + (wr + 1) / 2.0) * 2 / 3;
        else if (b == CC_RNN2_BANDS - 1)
            want = ((wl - 1) / 2.0 + wr) * 2 / 3;
        else
            want = (wl + wr) / 2.0;
        CHECK_MSG(fabs(e[b] - want) < 1e-4 * want, "band %d: %g, want %g", b, e[b], want);
    }
    float g[CC_RNN2_BANDS], bins[CC_RNN2_SPEC];
    for (int b = 0; b < CC_RNN2_BANDS; b++)
        g[b] = 0.375f;
    cc_rnn2_band_expand(&t, g, bins);
    for (int k = 0; k < CC_RNN2_SPEC; k++)
        CHECK_MSG(fabsf(bins[k] - (k < CC_RNN2_BAND_SPAN ? 0.375f : 0.0f)) < 1e-7f, "bin %d: %g",
                  k, bins[k]);
    /* a ramp over bands interpolates linearly between centres */
    for (int b = 0; b < CC_RNN2_BANDS; b++)
        g[b] = (float)b;
    cc_rnn2_band_expand(&t, g, bins);
    for (int b = 0; b + 1 < CC_RNN2_BANDS; b++)
        CHECK_MSG(bins[edge[b + 1]] == (float)b, "centre of band %d: %g", b, bins[edge[b + 1]]);
}

/*
 * The one-pass sums of an analysis (cc_rnn2_band_sums3) are bit for bit
 * the per-bin values summed by cc_rnn2_band_sums: random spectra, negative cross terms,
 * zeros and a loud bin included.
 */
static void test_fused_sums(void)
{
    CcRnn2Bands t;
    cc_rnn2_bands_init(&t);
    static CcCpx x[CC_RNN2_SPEC], p[CC_RNN2_SPEC];
    uint32_t seed = 12345;
    for (int round = 0; round < 20; round++) {
        for (int k = 0; k < CC_RNN2_SPEC; k++) {
            float r[4];
            for (int i = 0; i < 4; i++) {
                seed = seed * 1664525u + 1013904223u;
                r[i] = ((float)(seed >> 8) / 16777216.0f - 0.5f) * (float)(1 + round * 100);
            }
            x[k] = (CcCpx){ r[0], r[1] };
            p[k] = (CcCpx){ r[2], r[3] };
        }
        if (round == 1)
            memset(p, 0, sizeof(p));
        if (round == 2)
            x[37].re = 3e15f;
        float vx[CC_RNN2_SPEC], vp[CC_RNN2_SPEC], vc[CC_RNN2_SPEC];
        for (int k = 0; k < CC_RNN2_SPEC; k++) {
            vx[k] = x[k].re * x[k].re + x[k].im * x[k].im;
            vp[k] = p[k].re * p[k].re + p[k].im * p[k].im;
            vc[k] = x[k].re * p[k].re + x[k].im * p[k].im;
        }
        float wx[CC_RNN2_BANDS], wp[CC_RNN2_BANDS], wc[CC_RNN2_BANDS];
        float gx[CC_RNN2_BANDS], gp[CC_RNN2_BANDS], gc[CC_RNN2_BANDS];
        cc_rnn2_band_sums(&t, vx, wx);
        cc_rnn2_band_sums(&t, vp, wp);
        cc_rnn2_band_sums(&t, vc, wc);
        cc_rnn2_band_sums3(&t, x, p, gx, gp, gc);
        CHECK_MSG(!memcmp(wx, gx, sizeof(wx)) && !memcmp(wp, gp, sizeof(wp)) &&
                      !memcmp(wc, gc, sizeof(wc)),
                  "round %d: one-pass band sums differ from cc_rnn2_band_sums", round);
    }
}

/* A stream with the best kernels (the tables must outlive it). */
static CcRnnoise2 *new_state(const CcRnn2Model *m, CcRnn2Kernels *k, CcRnnKernels *k1)
{
    cc_rnn2_kernels_init(k);
    cc_rnn_kernels_init(k1);
    CcRnnoise2 *st = malloc(sizeof(*st));
    CHECK(st && cc_rnnoise2_init(st, m, k, k1) == 0);
    return st;
}

/*
 * cc_rnn2_shape_prev (comb, energy restore and gains in two fused passes) against the same
 * steps as separate passes over expanded per-bin values, bit for bit, on random spectra and
 * band values, with and without a strength floor.
 */
static void test_shape(const CcRnn2Model *m)
{
    static CcRnn2Kernels k;
    static CcRnnKernels k1;
    CcRnnoise2 *st = new_state(m, &k, &k1);
    enum { NB = CC_RNN2_BANDS, NBIN = CC_RNN2_SPEC };
    static CcCpx x[NBIN];
    uint32_t seed = 777;
    for (int round = 0; round < 6; round++) {
#define RND(scale) ((seed = seed * 1664525u + 1013904223u), \
                    ((float)(seed >> 8) / 16777216.0f - 0.5f) * (scale))
        for (int i = 0; i < NBIN; i++) {
            st->prev_spec[i] = (CcCpx){ RND(2e4f), RND(2e4f) };
            st->prev_pitch_spec[i] = (CcCpx){ RND(2e4f), RND(2e4f) };
        }
        float g[NB], gref[NB], held[NB];
        for (int b = 0; b < NB; b++) {
            st->prev_ex[b] = 1e6f * (RND(1.0f) + 0.5f);
            st->prev_ep[b] = 1e6f * (RND(1.0f) + 0.5f);
            st->prev_corr[b] = RND(2.0f);
            st->held_gain[b] = RND(1.0f) + 0.5f;
            g[b] = gref[b] = RND(1.0f) + 0.5f;
        }
        float floor_ = round & 1 ? 0.3f : 0.0f;
        /* the reference: one step per pass */
        memcpy(x, st->prev_spec, sizeof(x));
        memcpy(held, st->held_gain, sizeof(held));
        float amount[NB], e[NB], a[NBIN], r[NBIN], gb[NBIN];
        for (int b = 0; b < NB; b++)
            amount[b] = cc_rnn_comb_amount(st->prev_corr[b], gref[b], st->prev_ex[b],
                                           st->prev_ep[b]);
        cc_rnn2_band_expand(&st->bands, amount, a);
        for (int i = 0; i < NBIN; i++) {
            x[i].re += a[i] * st->prev_pitch_spec[i].re;
            x[i].im += a[i] * st->prev_pitch_spec[i].im;
        }
        float v[NBIN];
        for (int i = 0; i < NBIN; i++)
            v[i] = x[i].re * x[i].re + x[i].im * x[i].im;
        cc_rnn2_band_sums(&st->bands, v, e);
        for (int b = 0; b < NB; b++)
            e[b] = (float)sqrt(st->prev_ex[b] / (1e-8 + e[b]));
        cc_rnn_hold_gains(gref, held, NB, floor_);
        cc_rnn2_band_expand(&st->bands, e, r);
        cc_rnn2_band_expand(&st->bands, gref, gb);
        for (int i = 0; i < NBIN; i++) {
            x[i].re *= r[i];
            x[i].im *= r[i];
        }
        for (int i = 0; i < NBIN; i++) {
            x[i].re *= gb[i];
            x[i].im *= gb[i];
        }
        cc_rnn2_shape_prev(st, g, floor_);
        CHECK_MSG(!memcmp(x, st->prev_spec, sizeof(x)) && !memcmp(g, gref, sizeof(g)) &&
                      !memcmp(held, st->held_gain, sizeof(held)),
                  "round %d: fused shaping differs from the separate passes", round);
#undef RND
    }
    cc_rnnoise2_free(st);
    free(st);
}

static void test_frames(const CcRnn2Model *m)
{
    static CcRnn2Kernels k;
    static CcRnnKernels k1;
    CcRnnoise2 *st = new_state(m, &k, &k1);
    enum { HOP = CC_RNN2_FRAME, NF = 40 };
    static float x[HOP * NF], y[HOP * NF];

    /* silence: silence, VAD 0 */
    float vmax = 0, peak = 0;
    for (int f = 0; f < NF; f++) {
        vmax = fmaxf(vmax, cc_rnnoise2_process_frame(st, y + f * HOP, x + f * HOP, 0));
        for (int i = 0; i < HOP; i++)
            peak = fmaxf(peak, fabsf(y[f * HOP + i]));
    }
    CHECK_MSG(vmax == 0 && peak == 0, "silence: vad %g, peak %g", vmax, peak);

    /* a 1 kHz tone far too quiet to analyse passes through, high-passed, two hops late */
    cc_rnnoise2_reset(st);
    static double hp[HOP * NF];
    double s1 = 0, s2 = 0;
    for (int i = 0; i < HOP * NF; i++) {
        x[i] = 0.01f * (float)sin(2 * M_PI * 1000.0 * i / 48000.0);
        double in = x[i], out = in + s1; /* (1 - 2/z + 1/z^2) / (1 - 1.99599/z + 0.996/z^2) */
        s1 = s2 - 2 * in + 1.99599 * out;
        s2 = in - 0.996 * out;
        hp[i] = out;
    }
    for (int f = 0; f < NF; f++)
        CHECK(cc_rnnoise2_process_frame(st, y + f * HOP, x + f * HOP, 0) == 0);
    double err = 0, sig = 0;
    for (int i = 10 * HOP; i < HOP * NF; i++) {
        double d = y[i] - hp[i - CC_RNN2_DELAY];
        err += d * d;
        sig += (double)x[i] * x[i];
    }
    double snr = 10 * log10(sig / err);
    printf("quiet tone through: %.1f dB against the input 960 samples back\n", snr);
    CHECK_MSG(snr > 80, "quiet tone: only %.1f dB against the input %d samples back", snr,
              CC_RNN2_DELAY);

    /* non-finite state is seen, and reset clears it */
    CHECK(cc_rnnoise2_state_finite(st));
    st->mem.gru[2][100] = NAN;
    CHECK(!cc_rnnoise2_state_finite(st));
    cc_rnnoise2_reset(st);
    CHECK(cc_rnnoise2_state_finite(st));
    st->prev_spec[480].im = INFINITY;
    CHECK(!cc_rnnoise2_state_finite(st));
    cc_rnnoise2_reset(st);
    st->mem.conv1[0] = -INFINITY;
    CHECK(!cc_rnnoise2_state_finite(st));
    cc_rnnoise2_reset(st);
    CHECK(cc_rnnoise2_state_finite(st));

    /* a loud noisy tone runs the network: finite output, VAD within 0..1 */
    unsigned r = 7;
    for (int i = 0; i < HOP * NF; i++) {
        r = r * 1664525u + 1013904223u;
        x[i] = 3000.0f * (float)sin(2 * M_PI * 220.0 * i / 48000.0) +
               2000.0f * ((float)(r >> 8) / 8388608.0f - 1.0f);
    }
    int ok = 1;
    for (int f = 0; f < NF; f++) {
        float v = cc_rnnoise2_process_frame(st, y + f * HOP, x + f * HOP, 0);
        ok &= v >= 0 && v <= 1;
        for (int i = 0; i < HOP; i++)
            ok &= isfinite(y[f * HOP + i]);
    }
    CHECK_MSG(ok && cc_rnnoise2_state_finite(st), "noisy tone: bad output or VAD");
    cc_rnnoise2_free(st);
    free(st);
}

int main(void)
{
    cc_test_log_to_stderr();
    test_bands();
    test_fused_sums();
    char path[4096];
    if (!cc_test_cache_path(path, sizeof(path), "models/rnnoise2.ccm")) {
        fprintf(stderr, "FAIL: %s missing: run models/fetch_rnnoise2.sh\n", path);
        return 1;
    }
    CcRnn2Model *m = NULL;
    CHECK(cc_rnn2_model_load_file(&m, path) == 0);
    if (m) {
        test_shape(m);
        test_frames(m);
    }
    cc_rnn2_model_free(&m);
    return CC_TEST_RESULT();
}
