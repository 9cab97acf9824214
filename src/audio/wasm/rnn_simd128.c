/*
 * WebAssembly SIMD128 kernels for the RNNoise denoiser (table in rnnkernels.h), chosen at
 * compile time in the wasm build. Vectorised across outputs (4 neurons or lags per v128) so
 * that each output adds its terms in input order; multiply and add separate (wasm has no
 * FMA): the results equal the C reference bit for bit, like the AVX2 ones.
 */
#ifndef __wasm_simd128__
#error "rnn_simd128.c needs -msimd128"
#endif
#include <stddef.h>
#include <wasm_simd128.h>

#include "audio/rnnkernels.h"

#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))
#define MADD(a, x, y) wasm_f32x4_add((a), wasm_f32x4_mul((x), (y)))

/* 32 outputs at a time: 8 independent sums per row step (each output's sum is one dependency
   chain, so 4 chains would wait on the add latency). A function of its own, like each pass
   below: V8 allocates registers better for one loop nest per function. */
__attribute__((noinline)) static void gemv32(float *acc, const float *w, int rows, int stride,
                                             const float *x)
{
    v128_t a[8];
    for (int t = 0; t < 8; t++)
        a[t] = LD(acc + 4 * t);
    for (int j = 0; j < rows; j++) {
        const float *row = w + (size_t)j * stride;
        v128_t xj = wasm_f32x4_splat(x[j]);
        for (int t = 0; t < 8; t++)
            a[t] = MADD(a[t], LD(row + 4 * t), xj);
    }
    for (int t = 0; t < 8; t++)
        ST(acc + 4 * t, a[t]);
}

void cc_rnn_gemv_simd128(float *acc, const float *w, int rows, int cols, int stride,
                         const float *x)
{
    int i = 0;
    for (; i + 32 <= cols; i += 32)
        gemv32(acc + i, w + i, rows, stride, x);
    /* 16 outputs at a time in registers across all rows. */
    for (; i + 16 <= cols; i += 16) {
        v128_t a0 = LD(acc + i), a1 = LD(acc + i + 4), a2 = LD(acc + i + 8), a3 = LD(acc + i + 12);
        for (int j = 0; j < rows; j++) {
            const float *row = w + (size_t)j * stride + i;
            v128_t xj = wasm_f32x4_splat(x[j]);
            a0 = MADD(a0, LD(row), xj);
            a1 = MADD(a1, LD(row + 4), xj);
            a2 = MADD(a2, LD(row + 8), xj);
            a3 = MADD(a3, LD(row + 12), xj);
        }
        ST(acc + i, a0);
        ST(acc + i + 4, a1);
        ST(acc + i + 8, a2);
        ST(acc + i + 12, a3);
    }
    for (; i + 4 <= cols; i += 4) {
        v128_t a0 = LD(acc + i);
        for (int j = 0; j < rows; j++)
            a0 = MADD(a0, LD(w + (size_t)j * stride + i), wasm_f32x4_splat(x[j]));
        ST(acc + i, a0);
    }
    for (; i < cols; i++) {
        float a = acc[i];
        for (int j = 0; j < rows; j++)
            a += w[(size_t)j * stride + i] * x[j];
        acc[i] = a;
    }
}

/*
 * One pass over x for nv (1..8) groups of four lags from `from`: group t covers lags
 * from + 4 t, except that no group goes past max_lag (the caller's clamp keeps the last one
 * at max_lag - 4). The sums are independent add chains; each lane adds in input order.
 */
#define XC_PASS(n)                                                                             \
    __attribute__((noinline)) static void xcorr_pass##n(const float *x, const float *y,        \
                                                        float *xcorr, int len, const int *start) \
    {                                                                                          \
        v128_t s[n];                                                                           \
        for (int t = 0; t < n; t++)                                                            \
            s[t] = wasm_f32x4_splat(0.f);                                                      \
        for (int j = 0; j < len; j++) {                                                        \
            v128_t xj = wasm_f32x4_splat(x[j]);                                                \
            for (int t = 0; t < n; t++)                                                        \
                s[t] = MADD(s[t], xj, LD(y + start[t] + j));                                   \
        }                                                                                      \
        for (int t = 0; t < n; t++)                                                            \
            ST(xcorr + start[t], s[t]);                                                        \
    }
XC_PASS(1)
XC_PASS(2)
XC_PASS(3)
XC_PASS(4)
XC_PASS(5)
XC_PASS(6)
XC_PASS(7)
XC_PASS(8)

static void xcorr_pass(const float *x, const float *y, float *xcorr, int len, int from, int nv,
                       int max_lag)
{
    int start[8];
    for (int t = 0; t < nv; t++)
        start[t] = from + 4 * t < max_lag - 4 ? from + 4 * t : max_lag - 4;
    switch (nv) {
    case 1: xcorr_pass1(x, y, xcorr, len, start); break;
    case 2: xcorr_pass2(x, y, xcorr, len, start); break;
    case 3: xcorr_pass3(x, y, xcorr, len, start); break;
    case 4: xcorr_pass4(x, y, xcorr, len, start); break;
    case 5: xcorr_pass5(x, y, xcorr, len, start); break;
    case 6: xcorr_pass6(x, y, xcorr, len, start); break;
    case 7: xcorr_pass7(x, y, xcorr, len, start); break;
    default: xcorr_pass8(x, y, xcorr, len, start); break;
    }
}

void cc_rnn_xcorr_simd128(const float *x, const float *y, float *xcorr, int len, int max_lag)
{
    int i = 0;
    for (; i + 32 <= max_lag; i += 32)
        xcorr_pass(x, y, xcorr, len, i, 8, max_lag);
    if (i < max_lag && max_lag >= 4) {
        /* the rest in one pass of as many sums as it needs (the pitch search's few lags: 5
           around a candidate, the LPC's 0..4, take two); the last one ends at max_lag and may
           redo lags of the one before (each lane sums in input order, so overlapping lags get
           the same bits) */
        xcorr_pass(x, y, xcorr, len, i, (max_lag - i + 3) / 4, max_lag);
    } else if (i < max_lag) {
        cc_rnn_xcorr_c(x, y + i, xcorr + i, len, max_lag - i);
    }
}

/*
 * Lanes are lags here: one v128 holds the sums of four lags, and each step of j adds
 * x[j] * (y0[j], y1[j], y2[j], y3[j]), a column of the 4x4 block that four loads (one per
 * lag, along j) and a transpose give. Each lane still adds its terms in j order. Eight lags
 * per pass, in two sums, so that the two add chains overlap (one alone waits on the add
 * latency); a pass of at most four runs one. Unused lanes repeat the last lag.
 */
static inline void transpose4(v128_t a, v128_t b, v128_t c, v128_t d, v128_t col[4])
{
    v128_t ab_lo = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), cd_lo = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5);
    v128_t ab_hi = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7), cd_hi = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);
    col[0] = wasm_i64x2_shuffle(ab_lo, cd_lo, 0, 2);
    col[1] = wasm_i64x2_shuffle(ab_lo, cd_lo, 1, 3);
    col[2] = wasm_i64x2_shuffle(ab_hi, cd_hi, 0, 2);
    col[3] = wasm_i64x2_shuffle(ab_hi, cd_hi, 1, 3);
}

#define SPLAT_LANE(v, l) wasm_i32x4_shuffle((v), (v), (l), (l), (l), (l))

void cc_rnn_xcorr_lags_simd128(const float *x, int len, const int *lag, int count, float *out)
{
    for (int i = 0; i < count; i += 8) {
        int m = count - i < 8 ? count - i : 8;
        const float *y[8];
        for (int t = 0; t < 8; t++)
            y[t] = x - lag[i + (t < m ? t : m - 1)];
        v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0;
        int j = 0;
        if (m > 4) {
            for (; j + 4 <= len; j += 4) {
                v128_t xv = LD(x + j), a[4], b[4];
                transpose4(LD(y[0] + j), LD(y[1] + j), LD(y[2] + j), LD(y[3] + j), a);
                transpose4(LD(y[4] + j), LD(y[5] + j), LD(y[6] + j), LD(y[7] + j), b);
                v128_t x0 = SPLAT_LANE(xv, 0), x1 = SPLAT_LANE(xv, 1);
                v128_t x2 = SPLAT_LANE(xv, 2), x3 = SPLAT_LANE(xv, 3);
                s0 = MADD(s0, x0, a[0]);
                s1 = MADD(s1, x0, b[0]);
                s0 = MADD(s0, x1, a[1]);
                s1 = MADD(s1, x1, b[1]);
                s0 = MADD(s0, x2, a[2]);
                s1 = MADD(s1, x2, b[2]);
                s0 = MADD(s0, x3, a[3]);
                s1 = MADD(s1, x3, b[3]);
            }
        } else {
            for (; j + 4 <= len; j += 4) {
                v128_t xv = LD(x + j), a[4];
                transpose4(LD(y[0] + j), LD(y[1] + j), LD(y[2] + j), LD(y[3] + j), a);
                s0 = MADD(s0, SPLAT_LANE(xv, 0), a[0]);
                s0 = MADD(s0, SPLAT_LANE(xv, 1), a[1]);
                s0 = MADD(s0, SPLAT_LANE(xv, 2), a[2]);
                s0 = MADD(s0, SPLAT_LANE(xv, 3), a[3]);
            }
        }
        float s[8];
        ST(s, s0);
        ST(s + 4, s1);
        for (; j < len; j++) /* the last len % 4 terms, lane by lane, still in order */
            for (int t = 0; t < m; t++)
                s[t] += x[j] * y[t][j];
        for (int t = 0; t < m; t++)
            out[i + t] = s[t];
    }
}

float cc_rnn_dot8_simd128(const float *w, const float *v, int n)
{
    /* lanes 0-3 and 4-7 of the 8-lane sum in two registers */
    v128_t lo = wasm_f32x4_splat(0.f), hi = lo;
    for (int i = 0; i < n; i += 8) {
        lo = MADD(lo, LD(w + i), LD(v + i));
        hi = MADD(hi, LD(w + i + 4), LD(v + i + 4));
    }
    /* q = (l0+l4, l1+l5, l2+l6, l3+l7); (q0+q2) + (q1+q3), as the C reference */
    v128_t q = wasm_f32x4_add(lo, hi);
    v128_t h = wasm_f32x4_add(q, wasm_i32x4_shuffle(q, q, 2, 3, 2, 3));
    return wasm_f32x4_extract_lane(h, 0) + wasm_f32x4_extract_lane(h, 1);
}

void cc_rnn_kernels_init_wasm(CcRnnKernels *k)
{
    k->gemv = cc_rnn_gemv_simd128;
    k->xcorr = cc_rnn_xcorr_simd128;
    k->xcorr_lags = cc_rnn_xcorr_lags_simd128;
    k->dot8 = cc_rnn_dot8_simd128;
    k->name = "simd128";
}
