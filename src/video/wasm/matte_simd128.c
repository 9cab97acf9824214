/*
 * WebAssembly SIMD128 variants of the matte's row kernels (table in video/matte_dsp.h), chosen
 * at compile time in the wasm build (web/Makefile compiles the wasm folders with -msimd128 only).
 * Four channels per v128 lane group; each lane does the C reference's float operations in its
 * order (add the entering sample, then subtract the leaving one; the same 1 / count), so the
 * results equal C bit for bit (tests/video/test_matte_dsp.c, built as test_matte_dsp.wasm).
 */
#ifndef __wasm_simd128__
#error "matte_simd128.c needs -msimd128"
#endif
#include <stddef.h>
#include <wasm_simd128.h>

#include "video/matte_dsp.h"

#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))

/* Up to G groups of 4 channels (c0 .. c0 + 4 G) in one sweep over the row. */
#define BOX_H(G)                                                                              \
    static void box_h_##G(float *dst, const float *src, int w, int nc, int r, int c0)       \
    {                                                                                         \
        v128_t s[G];                                                                          \
        for (int g = 0; g < G; g++)                                                           \
            s[g] = wasm_f32x4_splat(0.0f);                                                    \
        for (int k = 0; k < r && k < w; k++)                                                  \
            for (int g = 0; g < G; g++)                                                       \
                s[g] = wasm_f32x4_add(s[g], LD(src + (size_t)k * nc + c0 + 4 * g));           \
        const v128_t mid = wasm_f32x4_splat(1.0f / (float)(2 * r + 1));                      \
        for (int x = 0; x < w; x++) {                                                         \
            const int add = x + r, sub = x - r - 1;                                           \
            if (add < w)                                                                      \
                for (int g = 0; g < G; g++)                                                   \
                    s[g] = wasm_f32x4_add(s[g], LD(src + (size_t)add * nc + c0 + 4 * g));     \
            if (sub >= 0)                                                                     \
                for (int g = 0; g < G; g++)                                                   \
                    s[g] = wasm_f32x4_sub(s[g], LD(src + (size_t)sub * nc + c0 + 4 * g));     \
            v128_t inv = mid;                                                                 \
            if (add >= w || sub < -1) {                                                       \
                const int lo = x - r < 0 ? 0 : x - r, hi = x + r + 1 > w ? w : x + r + 1;     \
                inv = wasm_f32x4_splat(1.0f / (float)(hi - lo));                              \
            }                                                                                 \
            for (int g = 0; g < G; g++)                                                       \
                ST(dst + (size_t)x * nc + c0 + 4 * g, wasm_f32x4_mul(s[g], inv));             \
        }                                                                                     \
    }
BOX_H(1)
BOX_H(2)
BOX_H(4)

void cc_matte_box_h_simd128(float *dst, const float *src, int w, int nc, int r)
{
    int c0 = 0;
    for (; c0 + 16 <= nc; c0 += 16)
        box_h_4(dst, src, w, nc, r, c0);
    for (; c0 + 8 <= nc; c0 += 8)
        box_h_2(dst, src, w, nc, r, c0);
    for (; c0 + 4 <= nc; c0 += 4)
        box_h_1(dst, src, w, nc, r, c0);
}

void cc_matte_box_v_simd128(float *dst, float *acc, const float *add, const float *sub, float inv,
                            int n)
{
    const v128_t vi = wasm_f32x4_splat(inv);
    for (int i = 0; i + 4 <= n; i += 4) {
        v128_t a = LD(acc + i);
        if (add && sub)
            a = wasm_f32x4_add(a, wasm_f32x4_sub(LD(add + i), LD(sub + i)));
        else if (add)
            a = wasm_f32x4_add(a, LD(add + i));
        else if (sub)
            a = wasm_f32x4_sub(a, LD(sub + i));
        ST(acc + i, a);
        ST(dst + i, wasm_f32x4_mul(a, vi));
    }
}

void cc_matte_dsp_init_wasm(CcMatteDsp *dsp)
{
    dsp->box_h = cc_matte_box_h_simd128;
    dsp->box_v = cc_matte_box_v_simd128;
}
