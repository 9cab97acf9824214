/*
 * FFT tests.
 * 1. Accuracy: the complex and real transforms against a naive double-precision DFT, for
 *    the RNNoise size and awkward ones (primes that take the generic stage, powers of 2,
 *    products of 3, 5, 7, ...).
 * 2. checkasm-style: every SIMD stage variant this CPU has against the C stages, bit for
 *    bit, per radix on (lp, r) shapes that take each SIMD path and the C fallback, on
 *    edge-case inputs; and whole transforms with C stages against the best stages for every
 *    size up to 1024 and the sizes RNNoise uses.
 * `test_audio_fft accuracy` runs part 1, `test_audio_fft simd` part 2 (two meson tests); the
 * simd run exits 77 on a CPU without a SIMD variant rather than compare C with C.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/fft.h"
#include "dsp/fft_stages.h"
#include "testutil.h"

static unsigned rng_state = 12345;
static float frand(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (float)((rng_state >> 8) * (1.0 / 16777216.0)) * 2.0f - 1.0f;
}

/* A float accurate FFT of random data is ~130-140 dB off a double DFT; 110 dB leaves room
   for long generic stages while still catching any wrong twiddle or index. */
#define MIN_SNR_DB 110.0

static void test_complex(int n)
{
    CcFft f;
    CHECK(cc_fft_init(&f, n) == 0);
    CcCpx *in = calloc((size_t)n, sizeof(*in)), *out = calloc((size_t)n, sizeof(*out));
    for (int j = 0; j < n; j++) {
        in[j].re = frand();
        in[j].im = frand();
    }
    cc_fft_forward(&f, in, out);
    double err = 0, ref = 0;
    for (int k = 0; k < n; k++) {
        double sr = 0, si = 0;
        for (int j = 0; j < n; j++) {
            double ph = -2.0 * M_PI * (double)((long)j * k % n) / n;
            sr += in[j].re * cos(ph) - in[j].im * sin(ph);
            si += in[j].re * sin(ph) + in[j].im * cos(ph);
        }
        err += (sr - out[k].re) * (sr - out[k].re) + (si - out[k].im) * (si - out[k].im);
        ref += sr * sr + si * si;
    }
    double snr = 10 * log10(ref / (err + 1e-30));
    CHECK_MSG(snr > MIN_SNR_DB, "complex n=%d snr %.1f dB", n, snr);
    free(in);
    free(out);
    cc_fft_free(&f);
}

static void test_real(int n)
{
    CcRfft f;
    CHECK(cc_rfft_init(&f, n) == 0);
    float *x = calloc((size_t)n, sizeof(*x)), *y = calloc((size_t)n, sizeof(*y));
    CcCpx *X = calloc((size_t)n / 2 + 1, sizeof(*X));
    for (int j = 0; j < n; j++)
        x[j] = frand() * 1000.0f;
    float scale = 1.0f / n;
    cc_rfft_forward(&f, x, X, scale);
    double err = 0, ref = 0;
    for (int k = 0; k <= n / 2; k++) {
        double sr = 0, si = 0;
        for (int j = 0; j < n; j++) {
            double ph = -2.0 * M_PI * (double)((long)j * k % n) / n;
            sr += x[j] * cos(ph);
            si += x[j] * sin(ph);
        }
        sr *= scale;
        si *= scale;
        err += (sr - X[k].re) * (sr - X[k].re) + (si - X[k].im) * (si - X[k].im);
        ref += sr * sr + si * si;
    }
    double snr = 10 * log10(ref / (err + 1e-30));
    CHECK_MSG(snr > MIN_SNR_DB, "real forward n=%d snr %.1f dB", n, snr);
    /* Round trip: inverse is unscaled, forward scaled by 1/n, so y == x. */
    cc_rfft_inverse(&f, X, y);
    err = ref = 0;
    for (int j = 0; j < n; j++) {
        err += (double)(y[j] - x[j]) * (y[j] - x[j]);
        ref += (double)x[j] * x[j];
    }
    snr = 10 * log10(ref / (err + 1e-30));
    CHECK_MSG(snr > MIN_SNR_DB, "real round trip n=%d snr %.1f dB", n, snr);
    /* Inverse against a naive Hermitian synthesis, including non-zero imag at DC/Nyquist
       (which must be ignored). */
    X[0].im = 5.0f;
    X[n / 2].im = -3.0f;
    cc_rfft_inverse(&f, X, y);
    err = ref = 0;
    for (int j = 0; j < n; j++) {
        double s = X[0].re + X[n / 2].re * ((j & 1) ? -1 : 1);
        for (int k = 1; k < n / 2; k++) {
            double ph = 2.0 * M_PI * (double)((long)j * k % n) / n;
            s += 2 * (X[k].re * cos(ph) - X[k].im * sin(ph));
        }
        err += (s - y[j]) * (s - y[j]);
        ref += s * s;
    }
    snr = 10 * log10(ref / (err + 1e-30));
    CHECK_MSG(snr > MIN_SNR_DB, "real inverse n=%d snr %.1f dB", n, snr);
    free(x);
    free(y);
    free(X);
    cc_rfft_free(&f);
}

/* Edge-case values: zeros of both signs, infinities, subnormals, huge and tiny values,
   mixed with ordinary ones. (No NaN inputs: which NaN payload an add propagates may depend
   on operand order, which the compiler is free to swap; NaNs made by inf - inf are the
   same bits everywhere and are covered by the infinities.) */
static float edge_value(int i, int kind)
{
    static const float specials[] = { 0.0f, -0.0f, INFINITY, -INFINITY, 1e-40f, -1e-40f,
                                      3e38f, -3e38f, 1e-30f, 1.0f, -1.0f };
    switch (kind) {
    case 0: return frand();
    case 1: return frand() * (i % 7 ? 1.0f : 3e4f);
    case 2: return specials[(unsigned)i % (sizeof(specials) / sizeof(specials[0]))];
    default: return (i % 3) ? frand() : specials[(unsigned)(i / 3) % 11];
    }
}

/* Shapes per radix: r multiple of 8 (one row per register), r == 4 with lp even (two
   rows), r == 1 with lp a multiple of 8 (eight rows, radix 2 and 4), and shapes that
   must fall back to C (odd lp, r == 2, 12). */
static int check_stages(const CcFftStages *v)
{
    static const int lps[] = { 1, 2, 3, 4, 8, 15, 16, 30, 120 };
    static const int rs[] = { 1, 2, 4, 5, 8, 12, 16, 24, 96 };
    int checked = 0;
    for (int p = 2; p <= 5; p++)
        for (size_t a = 0; a < sizeof(lps) / sizeof(lps[0]); a++)
            for (size_t b = 0; b < sizeof(rs) / sizeof(rs[0]); b++)
                for (int kind = 0; kind < 4; kind++) {
                    int lp = lps[a], r = rs[b], n = lp * p * r, ntw = lp * (p - 1);
                    float *x = malloc(sizeof(float) * 2 * n);
                    float *tw = malloc(sizeof(float) * 2 * ntw);
                    float *yc = calloc(2 * (size_t)n, sizeof(float));
                    float *yv = calloc(2 * (size_t)n, sizeof(float));
                    for (int i = 0; i < 2 * n; i++)
                        x[i] = edge_value(i, kind);
                    for (int i = 0; i < 2 * ntw; i++)
                        tw[i] = kind == 2 ? edge_value(i, 3) : frand();
                    CcFftStages c;
                    cc_fft_stages_init_c(&c);
                    c.radix[p](x, x + n, yc, yc + n, tw, tw + ntw, lp, r);
                    v->radix[p](x, x + n, yv, yv + n, tw, tw + ntw, lp, r);
                    CHECK_MSG(!memcmp(yc, yv, sizeof(float) * 2 * n),
                              "%s fft radix %d lp %d r %d inputs %d", v->name, p, lp, r, kind);
                    checked++;
                    free(x);
                    free(tw);
                    free(yc);
                    free(yv);
                }
    return checked;
}

/* Whole complex and real transforms: C stages against v, bit for bit. */
static void check_transform(const CcFftStages *v, int n)
{
    CcFft fc, fv;
    CHECK(cc_fft_init(&fc, n) == 0);
    CHECK(cc_fft_init(&fv, n) == 0);
    cc_fft_stages_init_c(&fc.stages);
    fv.stages = *v;
    CcCpx *in = malloc(sizeof(*in) * n), *oc = malloc(sizeof(*oc) * n);
    CcCpx *ov = malloc(sizeof(*ov) * n);
    for (int kind = 0; kind < 4; kind++) {
        for (int j = 0; j < n; j++) {
            in[j].re = edge_value(2 * j, kind);
            in[j].im = edge_value(2 * j + 1, kind);
        }
        cc_fft_forward(&fc, in, oc);
        cc_fft_forward(&fv, in, ov);
        CHECK_MSG(!memcmp(oc, ov, sizeof(*oc) * n), "%s complex fft n=%d inputs %d", v->name,
                  n, kind);
    }
    free(in);
    free(oc);
    free(ov);
    cc_fft_free(&fc);
    cc_fft_free(&fv);
    if (n & 1)
        return;
    CcRfft rc, rv;
    CHECK(cc_rfft_init(&rc, n) == 0);
    CHECK(cc_rfft_init(&rv, n) == 0);
    cc_fft_stages_init_c(&rc.half.stages);
    rv.half.stages = *v;
    float *x = malloc(sizeof(float) * n), *yc = malloc(sizeof(float) * n);
    float *yv = malloc(sizeof(float) * n);
    CcCpx *Xc = malloc(sizeof(*Xc) * (n / 2 + 1)), *Xv = malloc(sizeof(*Xv) * (n / 2 + 1));
    for (int j = 0; j < n; j++)
        x[j] = frand() * 32768.0f;
    cc_rfft_forward(&rc, x, Xc, 1.0f / n);
    cc_rfft_forward(&rv, x, Xv, 1.0f / n);
    CHECK_MSG(!memcmp(Xc, Xv, sizeof(*Xc) * (n / 2 + 1)), "%s real fft n=%d", v->name, n);
    cc_rfft_inverse(&rc, Xc, yc);
    cc_rfft_inverse(&rv, Xc, yv);
    CHECK_MSG(!memcmp(yc, yv, sizeof(float) * n), "%s real inverse n=%d", v->name, n);
    free(x);
    free(yc);
    free(yv);
    free(Xc);
    free(Xv);
    cc_rfft_free(&rc);
    cc_rfft_free(&rv);
}

static void check_variant(const CcFftStages *v)
{
    int shapes = check_stages(v);
    for (int n = 1; n <= 1024; n++)
        check_transform(v, n);
    static const int big[] = { 1440, 1920, 2880, 3840, 4096, 4800 };
    for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++)
        check_transform(v, big[i]);
    printf("fft: '%s' stages bit-identical to C on %d stage shapes and sizes 1..1024\n",
           v->name, shapes);
}

static int simd_part(void)
{
    int variants = 0;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) {
        CcFftStages v;
        cc_fft_stages_init_c(&v);
        v.radix[2] = cc_fft_stage2_avx2;
        v.radix[3] = cc_fft_stage3_avx2;
        v.radix[4] = cc_fft_stage4_avx2;
        v.radix[5] = cc_fft_stage5_avx2;
        v.name = "avx2";
        check_variant(&v);
        variants++;
    }
#endif
#if defined(__wasm_simd128__) /* the wasm build (tests/web, under node) */
    {
        CcFftStages v;
        cc_fft_stages_init_c(&v);
        cc_fft_stages_init_wasm(&v);
        check_variant(&v);
        variants++;
    }
#endif
    CcFftStages best;
    cc_fft_stages_init(&best);
    printf("fft: best stages '%s'; %d SIMD variant(s) checked against C\n", best.name, variants);
    if (!variants) {
        printf("SKIP: no SIMD FFT stages for this CPU\n");
        return CC_TEST_SKIP;
    }
    return CC_TEST_RESULT();
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "simd"))
        return simd_part();
    if (argc != 2 || strcmp(argv[1], "accuracy")) {
        fprintf(stderr, "usage: %s accuracy|simd\n", argv[0]);
        return 2;
    }
    static const int sizes[] = { 1,   2,   3,   4,   5,   6,   7,   8,   9,   11,  12,  13,
                                 15,  16,  17,  25,  27,  30,  32,  49,  60,  64,  97,  105,
                                 120, 121, 128, 240, 256, 257, 480, 509, 960, 1001, 1024,
                                 1155, 2310 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        test_complex(sizes[i]);
    static const int rsizes[] = { 2, 4, 6, 10, 14, 16, 22, 30, 96, 240, 256, 480, 960, 1920 };
    for (size_t i = 0; i < sizeof(rsizes) / sizeof(rsizes[0]); i++)
        test_real(rsizes[i]);
    CcFft f;
    CHECK(cc_fft_init(&f, 0) < 0);
    CHECK(cc_fft_init(&f, -5) < 0);
    CcRfft r;
    CHECK(cc_rfft_init(&r, 7) < 0);
    CHECK(cc_rfft_init(&r, 0) < 0);

    return CC_TEST_RESULT();
}
