/*
 * WebAssembly SIMD128 variant of the model input's YUV row (CcTensorRowYuv in video/pixfmt.h;
 * C reference cc_tensor_row_yuv_c), chosen at compile time in the wasm build: the browser's
 * camera frames are I420 (or NV12) and go to the tensor through here.
 *
 * Four output samples a step: their 12 taps of each of Y, U, V gathered by scalar byte loads
 * (wasm has no gather) into lanes, then the lerps across and down and the conversion in the C
 * reference's operations and order (separate multiplies and adds; wasm has no FMA), the clamps
 * with C's comparisons (NaN and -0 give 0 like clamp01), so the floats equal C's bit for bit;
 * R, G, B interleaved by shuffles. Reads only the bytes C reads.
 */
#ifndef __wasm_simd128__
#error "pixfmt_simd128.c needs -msimd128"
#endif
#include <stddef.h>
#include <stdint.h>
#include <wasm_simd128.h>

#include "video/pixfmt.h"


/* Lanes of 4 bytes as floats (exact). */
static inline v128_t bytes4(const uint8_t *r, int a, int b, int c, int d)
{
    return wasm_f32x4_convert_i32x4(wasm_i32x4_make(r[a], r[b], r[c], r[d]));
}

/* t + (b - t) w per lane */
static inline v128_t lerp(v128_t t, v128_t b, v128_t w)
{
    return wasm_f32x4_add(t, wasm_f32x4_mul(wasm_f32x4_sub(b, t), w));
}

/* clamp01: v > 0 ? v : 0, then v < 1 ? v : 1 (pmax(a, b) = a < b ? b : a) */
static inline v128_t clamp01(v128_t v, v128_t zero, v128_t one)
{
    return wasm_f32x4_pmin(one, wasm_f32x4_pmax(zero, v));
}

void cc_tensor_row_yuv_simd128(float *o, const uint8_t *const rows[6], int cstep,
                               const int32_t *xi, const float *xw, int n, int src_w, float wy,
                               const CcTensorCoef *kc)
{
    const CcTensorCoef k = *kc;
    const v128_t vwy = wasm_f32x4_splat(wy), yoff = wasm_f32x4_splat(k.y_off);
    const v128_t ymul = wasm_f32x4_splat(k.y_mul), cmul = wasm_f32x4_splat(k.c_mul);
    const v128_t rv = wasm_f32x4_splat(k.rv), gu = wasm_f32x4_splat(k.gu);
    const v128_t gv = wasm_f32x4_splat(k.gv), bu = wasm_f32x4_splat(k.bu);
    const v128_t c128 = wasm_f32x4_splat(128.0f), zero = wasm_f32x4_splat(0.0f);
    const v128_t one = wasm_f32x4_splat(1.0f);
    const uint8_t *y0 = rows[0], *y1 = rows[1], *u0 = rows[2], *u1 = rows[3];
    const uint8_t *v0 = rows[4], *v1 = rows[5];
    int ox = 0;
    for (; ox + 4 <= n; ox += 4, o += 12) {
        int a0[4], a1[4], b0[4], b1[4];
        for (int l = 0; l < 4; l++) {
            a0[l] = xi[ox + l];
            a1[l] = a0[l] + 1 < src_w ? a0[l] + 1 : src_w - 1;
            b0[l] = (a0[l] >> 1) * cstep;
            b1[l] = (a1[l] >> 1) * cstep;
        }
        const v128_t w = wasm_v128_load(xw + ox);
#define TAPS(r, i) bytes4(r, i[0], i[1], i[2], i[3])
        v128_t yt = lerp(TAPS(y0, a0), TAPS(y0, a1), w), yb = lerp(TAPS(y1, a0), TAPS(y1, a1), w);
        v128_t ut = lerp(TAPS(u0, b0), TAPS(u0, b1), w), ub = lerp(TAPS(u1, b0), TAPS(u1, b1), w);
        v128_t vt = lerp(TAPS(v0, b0), TAPS(v0, b1), w), vb = lerp(TAPS(v1, b0), TAPS(v1, b1), w);
#undef TAPS
        v128_t yy = wasm_f32x4_mul(wasm_f32x4_sub(lerp(yt, yb, vwy), yoff), ymul);
        v128_t u = wasm_f32x4_mul(wasm_f32x4_sub(lerp(ut, ub, vwy), c128), cmul);
        v128_t v = wasm_f32x4_mul(wasm_f32x4_sub(lerp(vt, vb, vwy), c128), cmul);
        v128_t R = clamp01(wasm_f32x4_add(yy, wasm_f32x4_mul(rv, v)), zero, one);
        v128_t G = clamp01(wasm_f32x4_add(wasm_f32x4_add(yy, wasm_f32x4_mul(gu, u)),
                                          wasm_f32x4_mul(gv, v)), zero, one);
        v128_t B = clamp01(wasm_f32x4_add(yy, wasm_f32x4_mul(bu, u)), zero, one);
        /* [r0 g0 b0 r1] [g1 b1 r2 g2] [b2 r3 g3 b3] */
        v128_t rg01 = wasm_i32x4_shuffle(R, G, 0, 4, 1, 5);
        v128_t gb12 = wasm_i32x4_shuffle(G, B, 1, 5, 2, 6);
        v128_t rg33 = wasm_i32x4_shuffle(R, G, 3, 7, 3, 7);
        wasm_v128_store(o, wasm_i32x4_shuffle(rg01, B, 0, 1, 4, 2));
        wasm_v128_store(o + 4, wasm_i32x4_shuffle(gb12, R, 0, 1, 6, 2));
        wasm_v128_store(o + 8, wasm_i32x4_shuffle(B, rg33, 2, 4, 5, 3));
    }
    if (ox < n)
        cc_tensor_row_yuv_c(o, rows, cstep, xi + ox, xw + ox, n - ox, src_w, wy, kc);
}

void cc_pixfmt_dsp_init_wasm(CcPixfmtDsp *dsp)
{
    dsp->tensor_row_yuv = cc_tensor_row_yuv_simd128;
}
