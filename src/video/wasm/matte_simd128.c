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
#include <stdint.h>
#include <wasm_simd128.h>

#include "video/matte_dsp.h"

#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))

/* G groups of 4 channels in one sweep over a row: group g reads src[g] and writes dst[g]
 * (channel groups of one row, or one group of several rows), nc floats per pixel. The
 * groups' running sums are independent chains, so they overlap. */
static inline __attribute__((always_inline)) void box_hg(float *const *dst,
                                                         const float *const *src, int G, int w,
                                                         int nc, int r)
{
    v128_t s[4];
    for (int g = 0; g < G; g++)
        s[g] = wasm_f32x4_splat(0.0f);
    for (int k = 0; k < r && k < w; k++)
        for (int g = 0; g < G; g++)
            s[g] = wasm_f32x4_add(s[g], LD(src[g] + (size_t)k * nc));
    const v128_t mid = wasm_f32x4_splat(1.0f / (float)(2 * r + 1));
    for (int x = 0; x < w; x++) {
        const int add = x + r, sub = x - r - 1;
        if (add < w)
            for (int g = 0; g < G; g++)
                s[g] = wasm_f32x4_add(s[g], LD(src[g] + (size_t)add * nc));
        if (sub >= 0)
            for (int g = 0; g < G; g++)
                s[g] = wasm_f32x4_sub(s[g], LD(src[g] + (size_t)sub * nc));
        v128_t inv = mid;
        if (add >= w || sub < -1) {
            const int lo = x - r < 0 ? 0 : x - r, hi = x + r + 1 > w ? w : x + r + 1;
            inv = wasm_f32x4_splat(1.0f / (float)(hi - lo));
        }
        for (int g = 0; g < G; g++)
            ST(dst[g] + (size_t)x * nc, wasm_f32x4_mul(s[g], inv));
    }
}

void cc_matte_box_h_simd128(float *dst, const float *src, int w, int nc, int r, int rows)
{
    const size_t rs = (size_t)w * nc;
    int y = 0;
    if (nc == 4) /* one group per row: rows in pairs */
        for (; y + 2 <= rows; y += 2) {
            float *d[2] = { dst + y * rs, dst + (y + 1) * rs };
            const float *sr[2] = { src + y * rs, src + (y + 1) * rs };
            box_hg(d, sr, 2, w, nc, r);
        }
    for (; y < rows; y++) {
        float *d = dst + y * rs;
        const float *sr = src + y * rs;
        int c0 = 0;
        for (; c0 + 16 <= nc; c0 += 16) {
            float *dd[4] = { d + c0, d + c0 + 4, d + c0 + 8, d + c0 + 12 };
            const float *ss[4] = { sr + c0, sr + c0 + 4, sr + c0 + 8, sr + c0 + 12 };
            box_hg(dd, ss, 4, w, nc, r);
        }
        for (; c0 + 8 <= nc; c0 += 8) {
            float *dd[2] = { d + c0, d + c0 + 4 };
            const float *ss[2] = { sr + c0, sr + c0 + 4 };
            box_hg(dd, ss, 2, w, nc, r);
        }
        for (; c0 + 4 <= nc; c0 += 4) {
            float *dd[1] = { d + c0 };
            const float *ss[1] = { sr + c0 };
            box_hg(dd, ss, 1, w, nc, r);
        }
    }
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

/* Lanes of the three channels of 4 interleaved (n, 3) pixels a[0..11]: channel c of pixel i. */
static inline void deinterleave3(const float *a, v128_t *c0, v128_t *c1, v128_t *c2)
{
    v128_t v0 = LD(a), v1 = LD(a + 4), v2 = LD(a + 8);
    /* v0 = p0c0 p0c1 p0c2 p1c0, v1 = p1c1 p1c2 p2c0 p2c1, v2 = p2c2 p3c0 p3c1 p3c2 */
    *c0 = wasm_i32x4_shuffle(wasm_i32x4_shuffle(v0, v1, 0, 3, 6, 6), v2, 0, 1, 2, 5);
    *c1 = wasm_i32x4_shuffle(wasm_i32x4_shuffle(v0, v1, 1, 4, 7, 7), v2, 0, 1, 2, 6);
    *c2 = wasm_i32x4_shuffle(wasm_i32x4_shuffle(v0, v1, 2, 5, 5, 5), v2, 0, 1, 4, 7);
}

/* Temporal steadying, 4 pixels per step, the C's operations in its order. */
void cc_matte_steady_simd128(float *state, const float *prob, const float *tensor,
                             const float *prev, int n, const CcMatteSteady *g)
{
    const v128_t tiny = wasm_f32x4_splat(1e-6f), zero = wasm_f32x4_splat(0.0f);
    const v128_t third = wasm_f32x4_splat(1.0f / 3.0f), one = wasm_f32x4_splat(1.0f);
    const v128_t kmin = wasm_f32x4_splat(g->kmin), gm = wasm_f32x4_splat(g->gain_motion);
    const v128_t gp = wasm_f32x4_splat(g->gain_prob), gd = wasm_f32x4_splat(g->gain_drop);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        v128_t a0, a1, a2, b0, b1, b2;
        deinterleave3(tensor + 3 * i, &a0, &a1, &a2);
        deinterleave3(prev + 3 * i, &b0, &b1, &b2);
        v128_t motion = wasm_f32x4_mul(
            wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_abs(wasm_f32x4_sub(a0, b0)),
                                          wasm_f32x4_abs(wasm_f32x4_sub(a1, b1))),
                           wasm_f32x4_abs(wasm_f32x4_sub(a2, b2))),
            third);
        v128_t p = LD(prob + i), s = LD(state + i);
        p = wasm_v128_andnot(p, wasm_f32x4_lt(p, tiny)); /* p < 1e-6 ? 0 : p */
        v128_t d = wasm_f32x4_sub(p, s);
        v128_t gain = wasm_v128_bitselect(gd, gp, wasm_f32x4_lt(d, zero));
        v128_t k = wasm_f32x4_add(wasm_f32x4_add(kmin, wasm_f32x4_mul(gm, motion)),
                                  wasm_f32x4_mul(gain, wasm_f32x4_abs(d)));
        k = wasm_f32x4_pmin(k, one); /* 1 < k ? 1 : k, as `k > 1 ? 1 : k` (NaN stays) */
        v128_t sv = wasm_f32x4_add(s, wasm_f32x4_mul(k, d));
        ST(state + i, wasm_v128_andnot(sv, wasm_f32x4_lt(sv, tiny)));
    }
    if (i < n)
        cc_matte_steady_c(state + i, prob + i, tensor + 3 * i, prev + 3 * i, n - i, g);
}

/* Edge pixels, 4 per step: the C's per-pixel branches as lane masks, same arithmetic order. */
void cc_matte_edge_px_simd128(uint8_t *dst, const float *gy, const float *gu, const float *gv,
                              const float *co, int cstride, const float *pp,
                              const uint8_t *band, int n, const CcMatteCurve *c)
{
    const float *ay = co, *au = co + cstride, *av = co + 2 * (size_t)cstride;
    const float *b = co + 3 * (size_t)cstride;
    const v128_t zero = wasm_f32x4_splat(0.0f), one = wasm_f32x4_splat(1.0f),
                 two = wasm_f32x4_splat(2.0f), half = wasm_f32x4_splat(0.5f),
                 k128 = wasm_f32x4_splat(128.0f), k255 = wasm_f32x4_splat(255.0f),
                 tau = wasm_f32x4_splat(c->tau), inv_tau = wasm_f32x4_splat(c->inv_tau),
                 g_in = wasm_f32x4_splat(c->g_in), g_out = wasm_f32x4_splat(c->g_out),
                 i1 = wasm_i32x4_splat(1), i0 = wasm_i32x4_splat(0);
    const int gate = c->tau > 0.0f;
    int x = 0;
    for (; x + 4 <= n; x += 4) {
        const v128_t p = LD(pp + x);
        v128_t q = wasm_f32x4_add(
            wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(LD(ay + x), LD(gy + x)),
                                          wasm_f32x4_mul(LD(au + x), LD(gu + x))),
                           wasm_f32x4_mul(LD(av + x), LD(gv + x))),
            LD(b + x));
        v128_t bd = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(band + x)));
        v128_t off = wasm_i32x4_eq(bd, i0);
        v128_t keep = wasm_v128_or(off, wasm_v128_and(wasm_i32x4_eq(bd, i1), wasm_f32x4_gt(q, p)));
        q = wasm_v128_bitselect(p, q, keep);
        if (gate) {
            v128_t g = wasm_f32x4_mul(
                wasm_f32x4_sub(tau, wasm_f32x4_abs(wasm_f32x4_sub(wasm_f32x4_mul(two, p), one))),
                inv_tau);
            g = wasm_f32x4_pmin(wasm_f32x4_pmax(g, zero), one); /* g < 0 ? 0 : g > 1 ? 1 : g */
            q = wasm_f32x4_add(p, wasm_f32x4_mul(g, wasm_f32x4_sub(q, p)));
        }
        v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sub(q, half), wasm_v128_bitselect(g_out, g_in, off)),
                                  k128);
        v = wasm_f32x4_pmin(wasm_f32x4_pmax(v, zero), k255); /* v < 0 ? 0 : v > 255 ? 255 : v */
        v128_t iv = wasm_i32x4_trunc_sat_f32x4(v);
        v128_t b16 = wasm_i16x8_narrow_i32x4(iv, iv);
        wasm_v128_store32_lane(dst + x, wasm_u8x16_narrow_i16x8(b16, b16), 0);
    }
    if (x < n)
        cc_matte_edge_px_c(dst + x, gy + x, gu + x, gv + x, co + x, cstride, pp + x, band + x,
                           n - x, c);
}

/* Working cells, 4 per step (the last cell, whose right corners clamp, through C). pmin/pmax
   are the C's `a < b ? a : b` and `a < b ? b : a` operand for operand. */
void cc_matte_classify_simd128(uint8_t *cell, uint8_t *band, const float *p0, const float *p1,
                               int n, float zlo, float zhi, float steep)
{
    const v128_t vlo = wasm_f32x4_splat(zlo), vhi = wasm_f32x4_splat(zhi),
                 vst = wasm_f32x4_splat(steep), half = wasm_f32x4_splat(0.5f),
                 one = wasm_i32x4_splat(1), two = wasm_i32x4_splat(2);
    int i = 0;
    for (; i + 5 <= n; i += 4) { /* i + 4 < n: every right corner is p[i + 1] */
        v128_t a = LD(p0 + i), b = LD(p0 + i + 1), c = LD(p1 + i), d = LD(p1 + i + 1);
        v128_t mab = wasm_f32x4_pmin(b, a), mcd = wasm_f32x4_pmin(d, c); /* a < b ? a : b */
        v128_t xab = wasm_f32x4_pmax(a, b), xcd = wasm_f32x4_pmax(c, d); /* a < b ? b : a */
        v128_t mn = wasm_f32x4_pmin(mcd, mab), mx = wasm_f32x4_pmax(xab, xcd);
        v128_t cl = wasm_v128_bitselect(one, two, wasm_f32x4_ge(mn, vhi));
        cl = wasm_v128_andnot(cl, wasm_f32x4_le(mx, vlo));
        v128_t bd = wasm_v128_and(two, wasm_v128_and(wasm_v128_and(wasm_f32x4_lt(mn, half),
                                                                  wasm_f32x4_ge(mx, half)),
                                                     wasm_f32x4_ge(wasm_f32x4_sub(mx, mn), vst)));
        v128_t c16 = wasm_i16x8_narrow_i32x4(cl, bd);
        v128_t c8 = wasm_u8x16_narrow_i16x8(c16, c16); /* bytes 0-3 cells, 4-7 bands */
        wasm_v128_store32_lane(cell + i, c8, 0);
        wasm_v128_store32_lane(band + i, c8, 1);
    }
    if (i < n) /* the rest through C: its clamp to the row's end is the same from any start */
        cc_matte_classify_c(cell + i, band + i, p0 + i, p1 + i, n - i, zlo, zhi, steep);
}

/* Sums of adjacent 16-bit pairs of s[0..7] as 4 32-bit values (exact). */
static inline v128_t pair_sums(const uint16_t *s)
{
    return wasm_u32x4_extadd_pairwise_u16x8(wasm_v128_load(s));
}

/* Sums of adjacent 32-bit pairs of a (lanes 0..3) and b (4..7), in order. */
static inline v128_t pairs32(v128_t a, v128_t b)
{
    return wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 2, 4, 6), wasm_i32x4_shuffle(a, b, 1, 3, 5, 7));
}

/* The 4 sums of three of 12 consecutive 32-bit values in v0, v1, v2. */
static inline v128_t sum_triples(v128_t v0, v128_t v1, v128_t v2)
{
    v128_t a = wasm_i32x4_shuffle(wasm_i32x4_shuffle(v0, v1, 0, 3, 6, 0), v2, 0, 1, 2, 5);
    v128_t b = wasm_i32x4_shuffle(wasm_i32x4_shuffle(v0, v1, 1, 4, 7, 0), v2, 0, 1, 2, 6);
    v128_t c = wasm_i32x4_shuffle(wasm_i32x4_shuffle(v0, v1, 2, 5, 0, 0), v2, 0, 1, 4, 7);
    return wasm_i32x4_add(wasm_i32x4_add(a, b), c);
}

/*
 * The guide downsample's block sums for the working factors of 480p (f = 2), 720p (4) and
 * 1080p (6): integer sums (exact), converted to float like C; other factors in C.
 */
void cc_matte_block_sums_simd128(float *out, const uint16_t *cs, int n, int f)
{
    int i = 0;
    if (f == 2) {
        for (; i + 4 <= n; i += 4)
            ST(out + i, wasm_f32x4_convert_u32x4(pair_sums(cs + (size_t)i * 2)));
    } else if (f == 4) {
        for (; i + 4 <= n; i += 4) {
            const uint16_t *s = cs + (size_t)i * 4;
            ST(out + i, wasm_f32x4_convert_u32x4(pairs32(pair_sums(s), pair_sums(s + 8))));
        }
    } else if (f == 6) {
        for (; i + 4 <= n; i += 4) {
            const uint16_t *s = cs + (size_t)i * 6;
            ST(out + i, wasm_f32x4_convert_u32x4(sum_triples(pair_sums(s), pair_sums(s + 8),
                                                             pair_sums(s + 16))));
        }
    }
    if (i < n)
        cc_matte_block_sums_c(out + i, cs + (size_t)i * f, n - i, f);
}

/* The 16 statistics channels, 4 pixels a step: the products in lanes, then a 4x4 transpose of
 * each group of four channels. Single multiplies: equal to C bit for bit. */
static inline void transpose4(v128_t *a, v128_t *b, v128_t *c, v128_t *d)
{
    v128_t t0 = wasm_i32x4_shuffle(*a, *b, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(*a, *b, 2, 6, 3, 7);
    v128_t t2 = wasm_i32x4_shuffle(*c, *d, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(*c, *d, 2, 6, 3, 7);
    *a = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
    *b = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
    *c = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
    *d = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
}

void cc_matte_products_simd128(float *dst, const float *y, const float *u, const float *v,
                               const float *p, int n)
{
    int x = 0;
    const v128_t z = wasm_f32x4_splat(0.0f);
    for (; x + 4 <= n; x += 4) {
        const v128_t Y = LD(y + x), U = LD(u + x), V = LD(v + x), P = LD(p + x);
        v128_t g[4][4] = {
            { Y, U, V, P },
            { wasm_f32x4_mul(Y, Y), wasm_f32x4_mul(Y, U), wasm_f32x4_mul(Y, V), wasm_f32x4_mul(U, U) },
            { wasm_f32x4_mul(U, V), wasm_f32x4_mul(V, V), wasm_f32x4_mul(Y, P), wasm_f32x4_mul(U, P) },
            { wasm_f32x4_mul(V, P), z, z, z },
        };
        float *o = dst + (size_t)x * 16;
        for (int k = 0; k < 4; k++) {
            transpose4(&g[k][0], &g[k][1], &g[k][2], &g[k][3]);
            for (int i = 0; i < 4; i++) /* pixel i, channels 4 k .. 4 k + 3 */
                ST(o + 16 * i + 4 * k, g[k][i]);
        }
    }
    if (x < n)
        cc_matte_products_c(dst + (size_t)x * 16, y + x, u + x, v + x, p + x, n - x);
}

void cc_matte_dsp_init_wasm(CcMatteDsp *dsp)
{
    dsp->block_sums = cc_matte_block_sums_simd128;
    dsp->products = cc_matte_products_simd128;
    dsp->box_h = cc_matte_box_h_simd128;
    dsp->box_v = cc_matte_box_v_simd128;
    dsp->steady = cc_matte_steady_simd128;
    dsp->edge_px = cc_matte_edge_px_simd128;
    dsp->classify = cc_matte_classify_simd128;
}
