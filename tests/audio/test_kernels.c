/*
 * checkasm-style: every RNNoise kernel and FFT stage variant this CPU has against the C
 * reference, on edge sizes (column counts off the vector width, one row, full-range int8
 * values, large/small floats, strides that fall back to C).
 * Variants keep each output's summation order, so results must match exactly.
 * `test_audio_kernels c` checks the C dot8 against a double sum; `test_audio_kernels simd`
 * the variants against C, and exits 77 on a CPU that has none (no C-vs-C pass).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/rnnkernels.h"
#include "dsp/fft_stages.h"
#include "testutil.h"

static unsigned rng = 987654321u;
static unsigned next(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}
static float frand(float scale)
{
    return ((float)(next() & 0xFFFF) / 32768.0f - 1.0f) * scale;
}

static void check_variant(const CcRnnKernels *v)
{
    static const int cols_list[] = { 1, 7, 8, 9, 22, 24, 31, 32, 33, 48, 72, 96, 144, 288 };
    static const int rows_list[] = { 1, 2, 24, 42, 90, 114 };
    for (size_t a = 0; a < sizeof(cols_list) / sizeof(cols_list[0]); a++) {
        for (size_t b = 0; b < sizeof(rows_list) / sizeof(rows_list[0]); b++) {
            int cols = cols_list[a], rows = rows_list[b], stride = cols + (int)(a % 3) * 8;
            float *w = malloc(sizeof(float) * ((size_t)rows * stride + 32));
            float x[128], acc_c[300], acc_v[300];
            for (int i = 0; i < rows * stride + 32; i++)
                w[i] = (float)((i % 17 == 0) ? -128 : (i % 19 == 0) ? 127 : (int)(next() & 0xFF) - 128);
            for (int j = 0; j < rows; j++)
                x[j] = frand(j % 5 == 0 ? 1000.0f : 1.0f);
            for (int i = 0; i < 300; i++)
                acc_c[i] = acc_v[i] = frand(100.0f);
            cc_rnn_gemv_c(acc_c, w, rows, cols, stride, x);
            v->gemv(acc_v, w, rows, cols, stride, x);
            CHECK_MSG(!memcmp(acc_c, acc_v, sizeof(acc_c)), "%s gemv rows %d cols %d stride %d",
                      v->name, rows, cols, stride);
            free(w);
        }
    }
    static const int lens[] = { 1, 3, 8, 120, 240, 480 };
    static const int lags[] = { 1, 5, 8, 15, 16, 17, 147, 294 };
    for (size_t a = 0; a < sizeof(lens) / sizeof(lens[0]); a++) {
        for (size_t b = 0; b < sizeof(lags) / sizeof(lags[0]); b++) {
            int len = lens[a], lag = lags[b];
            float *x = malloc(sizeof(float) * len), *y = malloc(sizeof(float) * (len + lag));
            float xc_c[300], xc_v[300];
            for (int i = 0; i < len; i++)
                x[i] = frand(30000.0f);
            for (int i = 0; i < len + lag; i++)
                y[i] = frand(30000.0f);
            cc_rnn_xcorr_c(x, y, xc_c, len, lag);
            v->xcorr(x, y, xc_v, len, lag);
            CHECK_MSG(!memcmp(xc_c, xc_v, sizeof(float) * lag), "%s xcorr len %d lag %d",
                      v->name, len, lag);
            free(x);
            free(y);
        }
    }
}

/*
 * Correlation at listed lags: counts around the 4- and 8-lag passes, lengths off the vector
 * width, repeated and unordered lags (the pitch tracker's lists have both). ref is the kernel
 * to compare with: the C reference, or for the C reference itself one chain per lag.
 */
static void one_chain_lags(const float *x, int len, const int *lag, int count, float *out)
{
    for (int i = 0; i < count; i++) {
        float s = 0;
        for (int j = 0; j < len; j++)
            s += x[j] * x[j - lag[i]];
        out[i] = s;
    }
}

static void check_xcorr_lags(const char *name,
                             void (*ref)(const float *, int, const int *, int, float *),
                             void (*got)(const float *, int, const int *, int, float *))
{
    static const int lens[] = { 1, 3, 4, 7, 240, 479, 480 };
    static const int counts[] = { 1, 3, 4, 5, 8, 9, 12, 29 };
    enum { MAXLAG = 400 };
    static float buf[MAXLAG + 480];
    for (int i = 0; i < MAXLAG + 480; i++)
        buf[i] = frand(i % 11 ? 1.0f : 3e4f);
    const float *x = buf + MAXLAG;
    for (size_t a = 0; a < sizeof(lens) / sizeof(lens[0]); a++)
        for (size_t b = 0; b < sizeof(counts) / sizeof(counts[0]); b++) {
            int lag[29], n = counts[b];
            for (int i = 0; i < n; i++)
                lag[i] = i % 7 == 3 && i ? lag[i - 1] : (int)(next() % (MAXLAG + 1));
            float want[29], have[29];
            memset(have, 0xff, sizeof(have)); /* NaN: an output left unwritten shows */
            ref(x, lens[a], lag, n, want);
            got(x, lens[a], lag, n, have);
            CHECK_MSG(!memcmp(want, have, sizeof(float) * n), "%s xcorr_lags len %d count %d",
                      name, lens[a], n);
        }
}

/* Band dot product: lengths that are multiples of 8, the lane order fixed by the contract. */
static void check_dot8(const CcRnnKernels *v)
{
    static const int lens[] = { 8, 16, 24, 88, 160, 400 };
    float w[400], x[400];
    for (size_t a = 0; a < sizeof(lens) / sizeof(lens[0]); a++) {
        int n = lens[a];
        for (int i = 0; i < n; i++) {
            w[i] = frand(i % 9 ? 1.0f : 2.0f);
            x[i] = frand(i % 5 ? 1e3f : 1e9f);
        }
        float c = cc_rnn_dot8_c(w, x, n), s = v->dot8(w, x, n);
        CHECK_MSG(!memcmp(&c, &s, sizeof(float)), "%s dot8 n %d: %.9g vs C %.9g", v->name, n,
                  s, c);
    }
}

/* FFT stages: every radix, strides that take the SIMD path and ones that fall back. */
static void check_fft_stages(const CcFftStages *v)
{
    static const int lps[] = { 1, 3, 4, 32 };
    static const int rs[] = { 1, 5, 8, 16, 24, 96 };
    for (int p = 2; p <= 5; p++)
        for (size_t a = 0; a < sizeof(lps) / sizeof(lps[0]); a++)
            for (size_t b = 0; b < sizeof(rs) / sizeof(rs[0]); b++) {
                int lp = lps[a], r = rs[b], n = lp * p * r;
                float *x = malloc(sizeof(float) * 2 * n);
                float *tw = malloc(sizeof(float) * 2 * lp * p);
                float *yc = calloc(2 * (size_t)n, sizeof(float));
                float *yv = calloc(2 * (size_t)n, sizeof(float));
                for (int i = 0; i < 2 * n; i++)
                    x[i] = frand(i % 7 ? 1.0f : 3e4f);
                for (int i = 0; i < 2 * lp * p; i++)
                    tw[i] = frand(1.0f);
                CcFftStages c;
                cc_fft_stages_init_c(&c);
                c.radix[p](x, x + n, yc, yc + n, tw, tw + lp * p, lp, r);
                v->radix[p](x, x + n, yv, yv + n, tw, tw + lp * p, lp, r);
                CHECK_MSG(!memcmp(yc, yv, sizeof(float) * 2 * n), "%s fft radix %d lp %d r %d",
                          v->name, p, lp, r);
                free(x);
                free(tw);
                free(yc);
                free(yv);
            }
}

#if defined(__wasm_simd128__) /* only the wasm build has SIMD versions of these passes */
/* The real FFT's passes: every h from 1 to 9 (vector bodies and tails), 240 and 480 (RNNoise). */
static void check_rfft_passes(const CcFftStages *v)
{
    static const int hs[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 240, 480 };
    enum { H = 480 };
    static float in[2 * H + 2], twr[H], twi[H], ar[H], ai[H];
    static float oc[2 * H + 2], ov[2 * H + 2], zc[2][H], zv[2][H];
    for (size_t a = 0; a < sizeof(hs) / sizeof(hs[0]); a++) {
        int h = hs[a];
        for (int i = 0; i < 2 * h + 2; i++)
            in[i] = frand(i % 7 ? 1.0f : 3e4f);
        for (int i = 0; i < h; i++) {
            twr[i] = frand(1.0f);
            twi[i] = frand(1.0f);
            ar[i] = frand(100.0f);
            ai[i] = frand(100.0f);
        }
        memset(oc, 0, sizeof(oc));
        memset(ov, 0, sizeof(ov));
        cc_rfft_split_c(in, zc[0], zc[1], h);
        v->rfft_split(in, zv[0], zv[1], h);
        CHECK_MSG(!memcmp(zc[0], zv[0], sizeof(float) * h) &&
                      !memcmp(zc[1], zv[1], sizeof(float) * h),
                  "%s rfft_split h %d", v->name, h);
        cc_rfft_post_c(ar, ai, twr, twi, oc, h, 0.37f);
        v->rfft_post(ar, ai, twr, twi, ov, h, 0.37f);
        CHECK_MSG(!memcmp(oc, ov, sizeof(oc)), "%s rfft_post h %d", v->name, h);
        cc_rfft_pre_c(in, twr, twi, zc[0], zc[1], h);
        v->rfft_pre(in, twr, twi, zv[0], zv[1], h);
        CHECK_MSG(!memcmp(zc[0], zv[0], sizeof(float) * h) &&
                      !memcmp(zc[1], zv[1], sizeof(float) * h),
                  "%s rfft_pre h %d", v->name, h);
        cc_rfft_join_c(ar, ai, oc, h);
        v->rfft_join(ar, ai, ov, h);
        CHECK_MSG(!memcmp(oc, ov, sizeof(oc)), "%s rfft_join h %d", v->name, h);
    }
}
#endif

int main(int argc, char **argv)
{
    int simd = argc == 2 && !strcmp(argv[1], "simd");
    if (argc != 2 || (!simd && strcmp(argv[1], "c"))) {
        fprintf(stderr, "usage: %s c|simd\n", argv[0]);
        return 2;
    }
    CcRnnKernels c, best;
    cc_rnn_kernels_init_c(&c);
    cc_rnn_kernels_init(&best);
    /* The C dot8 against a double-precision sum: the lanes must cover every term once. */
    if (!simd) {
        float w[88], x[88];
        double ref = 0, mag = 0;
        for (int i = 0; i < 88; i++) {
            w[i] = frand(1.0f);
            x[i] = frand(100.0f);
            ref += (double)w[i] * x[i];
            mag += fabs((double)w[i] * x[i]);
        }
        float got = cc_rnn_dot8_c(w, x, 88);
        CHECK_MSG(fabs(got - ref) <= 1e-6 * mag, "C dot8 %.9g vs double %.9g", got, ref);
        check_xcorr_lags("c", one_chain_lags, cc_rnn_xcorr_lags_c);
        return CC_TEST_RESULT();
    }
    /* simd: every variant this CPU has against C; none = nothing to compare (77). */
    int tested = 0;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) {
        CcRnnKernels v = c;
        v.gemv = cc_rnn_gemv_avx2;
        v.xcorr = cc_rnn_xcorr_avx2;
        v.dot8 = cc_rnn_dot8_avx2;
        v.name = "avx2";
        check_variant(&v);
        check_dot8(&v);
        CcFftStages fs;
        cc_fft_stages_init_c(&fs);
        fs.radix[2] = cc_fft_stage2_avx2;
        fs.radix[3] = cc_fft_stage3_avx2;
        fs.radix[4] = cc_fft_stage4_avx2;
        fs.radix[5] = cc_fft_stage5_avx2;
        fs.name = "avx2";
        check_fft_stages(&fs);
        tested++;
    }
#endif
#if defined(__wasm_simd128__) /* the wasm build (tests/web, under node) */
    {
        CcRnnKernels v = c;
        cc_rnn_kernels_init_wasm(&v);
        check_variant(&v);
        check_dot8(&v);
        check_xcorr_lags(v.name, cc_rnn_xcorr_lags_c, v.xcorr_lags);
        CcFftStages fs;
        cc_fft_stages_init_c(&fs);
        cc_fft_stages_init_wasm(&fs);
        check_fft_stages(&fs);
        check_rfft_passes(&fs);
        tested++;
    }
#endif
    printf("kernels: best variant '%s'; %d SIMD variant(s) checked against C\n", best.name,
           tested);
    if (!tested) {
        printf("SKIP: no SIMD RNNoise kernels for this CPU\n");
        return CC_TEST_SKIP;
    }
    return CC_TEST_RESULT();
}
