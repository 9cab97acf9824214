/*
 * WebAssembly SIMD128 kernels of the RNNoise 0.2 network (table in rnn2kernels.h), chosen at
 * compile time in the wasm build. Same bits as the C reference: the int8 layer sums exact
 * integers (i32x4.dot_i16x8_s of sign-extended weights and inputs, any order is exact) and
 * then multiplies by the scale and adds the bias; the float kernels are element-wise in the
 * C order, multiply and add separate (wasm has no FMA); quantize rounds half up in float, exactly
 * as C does in double (see quant4).
 */
#ifndef __wasm_simd128__
#error "rnn2_simd128.c needs -msimd128"
#endif
#include <stddef.h>
#include <string.h>
#include <wasm_simd128.h>

#include "audio/rnn2kernels.h"
#include "audio/rnnkernels.h"

#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))
#define ADD wasm_f32x4_add
#define MUL wasm_f32x4_mul
#define SPLAT wasm_f32x4_splat

/*
 * Round half up without doubles: with f = floor(v), floor(v + .5) = f + (v >= f + .5), exact
 * for |v| < 2^22 (f + .5 is then a float); beyond, both this and the C's double sum land past
 * the clamp. NaN stays NaN through the sum and goes to -128 at the first clamp (pmax keeps
 * its first operand when the comparison is false), as `!(r >= -128)` does in C. The clamped
 * integer value leaves through the 1.5 * 2^23 bias (its low mantissa bits are the integer).
 */
static inline v128_t quant4(v128_t x)
{
    v128_t v = MUL(SPLAT(127.0f), x); /* 127 x in float, as C */
    v128_t f = wasm_f32x4_floor(v);
    v128_t up = wasm_f32x4_ge(v, ADD(f, SPLAT(.5f)));
    v128_t r = ADD(f, wasm_v128_and(up, SPLAT(1.0f)));
    r = wasm_f32x4_pmax(SPLAT(-128.0f), r); /* -128 < r ? r : -128: also NaN */
    r = wasm_f32x4_pmin(SPLAT(127.0f), r);  /* r < 127 ? r : 127 */
    return wasm_i32x4_sub(ADD(r, SPLAT(12582912.0f)), wasm_i32x4_splat(0x4B400000));
}

void cc_rnn2_quantize_simd128(int16_t *q, const float *x, int n)
{
    int j = 0;
    for (; j + 8 <= n; j += 8)
        ST(q + j, wasm_i16x8_narrow_i32x4(quant4(LD(x + j)), quant4(LD(x + j + 4))));
    if (j < n)
        cc_rnn2_quantize_c(q + j, x + j, n - j);
}

/* Sums of rows (r0 r1) in a, (r2 r3) in b, each row as two partial lanes: (r0 r1 r2 r3). */
static inline v128_t pair_sums(v128_t a, v128_t b)
{
    return wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 2, 4, 6), wasm_i32x4_shuffle(a, b, 1, 3, 5, 7));
}

/*
 * One block (8 rows x 4 inputs at x): rows (0 1), (2 3), (4 5), (6 7) as pairs of partial
 * lanes. Each row pair comes in through v128.load8x8_s, which V8 makes one vpmovsxbw from
 * memory: two loads, two low and two high extends took ten x64 instructions (the high extend
 * is an unpack and a shift).
 */
#define LD8(p) wasm_i16x8_load8x8(p)
#define BLOCK(wp, x)                                                                          \
    do {                                                                                      \
        v128_t xx = wasm_v128_load64_splat(x); /* x0 x1 x2 x3 x0 x1 x2 x3 */                  \
        a01 = wasm_i32x4_add(a01, wasm_i32x4_dot_i16x8(LD8(wp), xx));                         \
        a23 = wasm_i32x4_add(a23, wasm_i32x4_dot_i16x8(LD8((wp) + 8), xx));                   \
        a45 = wasm_i32x4_add(a45, wasm_i32x4_dot_i16x8(LD8((wp) + 16), xx));                  \
        a67 = wasm_i32x4_add(a67, wasm_i32x4_dot_i16x8(LD8((wp) + 24), xx));                  \
    } while (0)
/* Two blocks (inputs at xa, xb), their products summed before the accumulators. */
#define DOT2(acc, wp, off)                                                                    \
    acc = wasm_i32x4_add(acc, wasm_i32x4_add(wasm_i32x4_dot_i16x8(LD8((wp) + (off)), va),       \
                                             wasm_i32x4_dot_i16x8(LD8((wp) + 32 + (off)), vb)))
#define BLOCK2(wp, xa, xb)                                                                    \
    do {                                                                                      \
        v128_t va = wasm_v128_load64_splat(xa), vb = wasm_v128_load64_splat(xb);              \
        DOT2(a01, wp, 0);                                                                     \
        DOT2(a23, wp, 8);                                                                     \
        DOT2(a45, wp, 16);                                                                    \
        DOT2(a67, wp, 24);                                                                    \
    } while (0)

/*
 * The sparse and dense walks apart and two blocks per step: V8's code for this loop is bound
 * by its scalar work (the idx test, counters, addresses) more than by the vector ops; 45 ->
 * 41 us per frame's seven int8 layers in node (min of 2000 interleaved runs, same load).
 */
/* The 8 sums of a group into out[0..8): scale times sum, plus bias. */
static inline void group_out(float *out, v128_t a01, v128_t a23, v128_t a45, v128_t a67,
                             const float *scale, const float *bias)
{
    v128_t s0 = wasm_f32x4_convert_i32x4(pair_sums(a01, a23));
    v128_t s1 = wasm_f32x4_convert_i32x4(pair_sums(a45, a67));
    ST(out, ADD(MUL(LD(scale), s0), LD(bias)));
    ST(out + 4, ADD(MUL(LD(scale + 4), s1), LD(bias + 4)));
}

/* The sparse and dense layers in functions of their own: one loop nest each is what V8
   allocates registers best for (with both in one function, the whole denoiser took ~3 % more
   time in Chromium 156). */
__attribute__((noinline)) static void gemv_sparse(float *out, const int8_t *w,
                                                  const int32_t *idx, int nb_outputs,
                                                  const int16_t *q, const float *scale,
                                                  const float *bias)
{
    for (int g = 0; g < nb_outputs; g += 8) {
        v128_t a01 = wasm_i32x4_splat(0), a23 = a01, a45 = a01, a67 = a01;
        const int32_t *end = idx + 1 + *idx;
        for (idx++; idx + 2 <= end; idx += 2, w += 64)
            BLOCK2(w, q + idx[0], q + idx[1]);
        if (idx < end) {
            BLOCK(w, q + *idx);
            idx++;
            w += 32;
        }
        group_out(out + g, a01, a23, a45, a67, scale + g, bias + g);
    }
}

__attribute__((noinline)) static void gemv_dense(float *out, const int8_t *w, int nb_outputs,
                                                 int nb_inputs, const int16_t *q,
                                                 const float *scale, const float *bias)
{
    const int16_t *end = q + 4 * (nb_inputs / 4);
    for (int g = 0; g < nb_outputs; g += 8) {
        v128_t a01 = wasm_i32x4_splat(0), a23 = a01, a45 = a01, a67 = a01;
        const int16_t *x = q;
        for (; x + 8 <= end; x += 8, w += 64)
            BLOCK2(w, x, x + 4);
        if (x < end) {
            BLOCK(w, x);
            w += 32;
        }
        group_out(out + g, a01, a23, a45, a67, scale + g, bias + g);
    }
}

void cc_rnn2_gemv_i8_simd128(float *out, const int8_t *w, const int32_t *idx, int nb_outputs,
                             int nb_inputs, const int16_t *q, const float *scale,
                             const float *bias)
{
    if (idx)
        gemv_sparse(out, w, idx, nb_outputs, q, scale, bias);
    else
        gemv_dense(out, w, nb_outputs, nb_inputs, q, scale, bias);
}

void cc_rnn2_dense_f32_simd128(float *out, const float *w, int rows, int cols, const float *x,
                               const float *bias)
{
    memset(out, 0, sizeof(float) * (size_t)cols);
    cc_rnn_gemv_simd128(out, w, rows, cols, cols, x); /* same sums as cc_rnn_gemv_c */
    int i = 0;
    for (; i + 4 <= cols; i += 4)
        ST(out + i, ADD(LD(out + i), LD(bias + i)));
    for (; i < cols; i++)
        out[i] += bias[i];
}

/* The rational tanh with pmin/pmax clamps (one instruction each in V8; f32x4.min/max take
   several): the C values for every input that gives no NaN, signed zeros included (the other
   operand is +-1). */
static inline v128_t tanh4_fast(v128_t x)
{
    v128_t x2 = MUL(x, x);
    v128_t num = MUL(ADD(MUL(ADD(MUL(SPLAT(CC_RNN2_TANH_N2), x2), SPLAT(CC_RNN2_TANH_N1)), x2),
                         SPLAT(CC_RNN2_TANH_N0)), x);
    v128_t den = ADD(MUL(ADD(MUL(SPLAT(CC_RNN2_TANH_D2), x2), SPLAT(CC_RNN2_TANH_D1)), x2),
                     SPLAT(CC_RNN2_TANH_D0));
    v128_t y = wasm_f32x4_div(num, den);
    y = wasm_f32x4_pmin(y, SPLAT(1.0f));   /* 1 < y ? 1 : y */
    return wasm_f32x4_pmax(y, SPLAT(-1.0f)); /* y < -1 ? -1 : y */
}

static inline v128_t sigmoid4_fast(v128_t x)
{
    return ADD(SPLAT(.5f), MUL(SPLAT(.5f), tanh4_fast(MUL(SPLAT(.5f), x))));
}

static inline int any_nan(v128_t y)
{
    return wasm_v128_any_true(wasm_f32x4_ne(y, y));
}

/*
 * A NaN lane (NaN in, or |x| so large that inf / inf) goes through the C: min(1, y) and
 * max(-1, y) are what clang makes of the C's `1.0f < y ? 1.0f : y` and `-1.0f > y ? -1.0f : y`
 * for wasm (f32.min/max), so a NaN comes out as the same NaN as in the C build (pmin/pmax
 * would keep the input NaN's sign).
 */
static inline v128_t tanh4(v128_t x)
{
    v128_t y = tanh4_fast(x);
    if (__builtin_expect(any_nan(y), 0)) {
        float v[4];
        ST(v, x);
        for (int l = 0; l < 4; l++)
            v[l] = cc_rnn2_tanh(v[l]);
        y = LD(v);
    }
    return y;
}

static inline v128_t sigmoid4(v128_t x)
{
    return ADD(SPLAT(.5f), MUL(SPLAT(.5f), tanh4(MUL(SPLAT(.5f), x))));
}

void cc_rnn2_tanh_simd128(float *y, const float *x, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4)
        ST(y + i, tanh4(LD(x + i)));
    for (; i < n; i++)
        y[i] = cc_rnn2_tanh(x[i]);
}

void cc_rnn2_sigmoid_simd128(float *y, const float *x, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4)
        ST(y + i, sigmoid4(LD(x + i)));
    for (; i < n; i++)
        y[i] = cc_rnn2_sigmoid(x[i]);
}

/* Four lanes of the update with the pmin/pmax activations. */
static inline v128_t gru4(const float *h, const float *in, const float *rec, const float *diag,
                          int n)
{
    v128_t hv = LD(h);
    v128_t rz = ADD(LD(rec), MUL(LD(diag), hv));
    v128_t rr = ADD(LD(rec + n), MUL(LD(diag + n), hv));
    v128_t rn = ADD(LD(rec + 2 * n), MUL(LD(diag + 2 * n), hv));
    v128_t z = sigmoid4_fast(ADD(LD(in), rz));
    v128_t r = sigmoid4_fast(ADD(LD(in + n), rr));
    v128_t c = tanh4_fast(ADD(LD(in + 2 * n), MUL(r, rn)));
    return ADD(MUL(z, hv), MUL(wasm_f32x4_sub(SPLAT(1.0f), z), c));
}

/*
 * Eight lanes per step (two independent groups of four, so that one group's divisions and
 * activations overlap the other's), with one NaN test per step on the new state: a NaN in z,
 * r or c leaves h NaN (z h + (1 - z) c, and r only enters through c), so lanes without NaN saw
 * none, and those values equal the C's. Lanes are independent: a step that tests NaN is redone
 * through the C lane by lane from the old state, before anything is stored.
 */
void cc_rnn2_gru_update_simd128(float *h, const float *in, const float *rec, const float *diag,
                                int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        v128_t a = gru4(h + i, in + i, rec + i, diag + i, n);
        v128_t b = gru4(h + i + 4, in + i + 4, rec + i + 4, diag + i + 4, n);
        if (__builtin_expect(any_nan(ADD(a, b)), 0)) {
            for (int l = 0; l < 8; l++)
                cc_rnn2_gru_lane(h, in, rec, diag, n, i + l);
            continue;
        }
        ST(h + i, a);
        ST(h + i + 4, b);
    }
    for (; i + 4 <= n; i += 4) {
        v128_t a = gru4(h + i, in + i, rec + i, diag + i, n);
        if (__builtin_expect(any_nan(a), 0)) {
            for (int l = 0; l < 4; l++)
                cc_rnn2_gru_lane(h, in, rec, diag, n, i + l);
            continue;
        }
        ST(h + i, a);
    }
    for (; i < n; i++) /* the tail through C, on the same (3, n) layout */
        cc_rnn2_gru_lane(h, in, rec, diag, n, i);
}

void cc_rnn2_kernels_init_wasm(CcRnn2Kernels *k)
{
    k->quantize = cc_rnn2_quantize_simd128;
    k->gemv_i8 = cc_rnn2_gemv_i8_simd128;
    k->dense_f32 = cc_rnn2_dense_f32_simd128;
    k->tanh = cc_rnn2_tanh_simd128;
    k->sigmoid = cc_rnn2_sigmoid_simd128;
    k->gru_update = cc_rnn2_gru_update_simd128;
    k->name = "simd128";
}
