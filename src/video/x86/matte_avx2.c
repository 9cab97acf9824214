/* AVX2 kernels of the matte's box statistics; the C reference is in ../matte_dsp.c. Same
 * operations in the same order as C (no FMA), so the results are bit-identical. */
#ifndef __AVX2__
#error "build with -mavx2 -mfma"
#endif
#include <immintrin.h>
#include <stddef.h>

#include "video/matte_dsp.h"

/* G groups of 8 channels (c0, c0 + 8, ...) in one sweep: each group's running sum is a chain
 * of dependent adds, so two groups side by side run twice as fast as one after the other. */
static inline __attribute__((always_inline)) void box_h8(float *dst, const float *src, int w,
                                                         int nc, int r, int G)
{
    __m256 s[2] = { _mm256_setzero_ps(), _mm256_setzero_ps() };
    for (int k = 0; k < r && k < w; k++)
        for (int g = 0; g < G; g++)
            s[g] = _mm256_add_ps(s[g], _mm256_loadu_ps(src + (size_t)k * nc + 8 * g));
    int x = 0;
    /* left border: the window grows */
    for (; x < w && x - r - 1 < 0; x++) {
        const int hi = x + r + 1 > w ? w : x + r + 1;
        for (int g = 0; g < G; g++) {
            if (x + r < w)
                s[g] = _mm256_add_ps(s[g], _mm256_loadu_ps(src + (size_t)(x + r) * nc + 8 * g));
            _mm256_storeu_ps(dst + (size_t)x * nc + 8 * g,
                             _mm256_mul_ps(s[g], _mm256_set1_ps(1.0f / (float)hi)));
        }
    }
    const __m256 inv = _mm256_set1_ps(1.0f / (float)(2 * r + 1));
    for (; x + r < w; x++)
        for (int g = 0; g < G; g++) {
            s[g] = _mm256_add_ps(s[g], _mm256_loadu_ps(src + (size_t)(x + r) * nc + 8 * g));
            s[g] = _mm256_sub_ps(s[g], _mm256_loadu_ps(src + (size_t)(x - r - 1) * nc + 8 * g));
            _mm256_storeu_ps(dst + (size_t)x * nc + 8 * g, _mm256_mul_ps(s[g], inv));
        }
    for (; x < w; x++)
        for (int g = 0; g < G; g++) {
            s[g] = _mm256_sub_ps(s[g], _mm256_loadu_ps(src + (size_t)(x - r - 1) * nc + 8 * g));
            _mm256_storeu_ps(dst + (size_t)x * nc + 8 * g,
                             _mm256_mul_ps(s[g], _mm256_set1_ps(1.0f / (float)(w - (x - r)))));
        }
}

/* One group of 4 channels (the coefficients' a_y a_u a_v b), 128-bit lanes, for R rows
 * (1 or 2, rs floats apart) side by side: one row's running sum alone is a chain of
 * dependent adds. */
static inline __attribute__((always_inline)) void box_h4(float *dst, const float *src, int w,
                                                         int nc, int r, size_t rs, int R)
{
    __m128 s[2] = { _mm_setzero_ps(), _mm_setzero_ps() };
    for (int k = 0; k < r && k < w; k++)
        for (int j = 0; j < R; j++)
            s[j] = _mm_add_ps(s[j], _mm_loadu_ps(src + j * rs + (size_t)k * nc));
    int x = 0;
    for (; x < w && x - r - 1 < 0; x++) {
        const int hi = x + r + 1 > w ? w : x + r + 1;
        for (int j = 0; j < R; j++) {
            if (x + r < w)
                s[j] = _mm_add_ps(s[j], _mm_loadu_ps(src + j * rs + (size_t)(x + r) * nc));
            _mm_storeu_ps(dst + j * rs + (size_t)x * nc,
                          _mm_mul_ps(s[j], _mm_set1_ps(1.0f / (float)hi)));
        }
    }
    const __m128 inv = _mm_set1_ps(1.0f / (float)(2 * r + 1));
    for (; x + r < w; x++)
        for (int j = 0; j < R; j++) {
            s[j] = _mm_add_ps(s[j], _mm_loadu_ps(src + j * rs + (size_t)(x + r) * nc));
            s[j] = _mm_sub_ps(s[j], _mm_loadu_ps(src + j * rs + (size_t)(x - r - 1) * nc));
            _mm_storeu_ps(dst + j * rs + (size_t)x * nc, _mm_mul_ps(s[j], inv));
        }
    for (; x < w; x++)
        for (int j = 0; j < R; j++) {
            s[j] = _mm_sub_ps(s[j], _mm_loadu_ps(src + j * rs + (size_t)(x - r - 1) * nc));
            _mm_storeu_ps(dst + j * rs + (size_t)x * nc,
                          _mm_mul_ps(s[j], _mm_set1_ps(1.0f / (float)(w - (x - r)))));
        }
}

void cc_matte_box_h_avx2(float *dst, const float *src, int w, int nc, int r, int rows)
{
    const size_t rs = (size_t)w * nc;
    if (nc % 8) { /* 4-channel groups: rows in pairs */
        int y = 0;
        for (; y + 2 <= rows; y += 2)
            for (int c0 = 0; c0 < nc; c0 += 4)
                box_h4(dst + y * rs + c0, src + y * rs + c0, w, nc, r, rs, 2);
        for (; y < rows; y++)
            for (int c0 = 0; c0 < nc; c0 += 4)
                box_h4(dst + y * rs + c0, src + y * rs + c0, w, nc, r, rs, 1);
        return;
    }
    for (int y = 0; y < rows; y++) {
        float *d = dst + y * rs;
        const float *sr = src + y * rs;
        int c0 = 0;
        for (; c0 + 16 <= nc; c0 += 16)
            box_h8(d + c0, sr + c0, w, nc, r, 2);
        for (; c0 < nc; c0 += 8)
            box_h8(d + c0, sr + c0, w, nc, r, 1);
    }
}

void cc_matte_box_v_avx2(float *dst, float *acc, const float *add, const float *sub, float inv,
                         int n)
{
    const __m256 vi = _mm256_set1_ps(inv);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 a = _mm256_loadu_ps(acc + i);
        if (add && sub)
            a = _mm256_add_ps(a, _mm256_sub_ps(_mm256_loadu_ps(add + i), _mm256_loadu_ps(sub + i)));
        else if (add)
            a = _mm256_add_ps(a, _mm256_loadu_ps(add + i));
        else if (sub)
            a = _mm256_sub_ps(a, _mm256_loadu_ps(sub + i));
        _mm256_storeu_ps(acc + i, a);
        _mm256_storeu_ps(dst + i, _mm256_mul_ps(a, vi));
    }
    if (i < n)
        cc_matte_box_v_c(dst + i, acc + i, add ? add + i : NULL, sub ? sub + i : NULL, inv, n - i);
}

/* Eight pixels a step; the selects and clamps of the C reference as blends, min and max
 * (the same values for every non-NaN input). */
void cc_matte_edge_px_avx2(uint8_t *dst, const float *gy, const float *gu, const float *gv,
                           const float *co, int cstride, const float *pp, const uint8_t *band,
                           int n, const CcMatteCurve *c)
{
    const float *ay = co, *au = co + cstride, *av = co + 2 * (size_t)cstride;
    const float *b = co + 3 * (size_t)cstride;
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f);
    const __m256 zero = _mm256_setzero_ps(), c128 = _mm256_set1_ps(128.0f);
    const __m256 c255 = _mm256_set1_ps(255.0f), sign = _mm256_set1_ps(-0.0f);
    const __m256 tau = _mm256_set1_ps(c->tau), itau = _mm256_set1_ps(c->inv_tau);
    const __m256 gin = _mm256_set1_ps(c->g_in), gout = _mm256_set1_ps(c->g_out);
    const int gate = c->tau > 0.0f;
    int x = 0;
    for (; x + 8 <= n; x += 8) {
        const __m256 p = _mm256_loadu_ps(pp + x);
        __m256 q = _mm256_mul_ps(_mm256_loadu_ps(ay + x), _mm256_loadu_ps(gy + x));
        q = _mm256_add_ps(q, _mm256_mul_ps(_mm256_loadu_ps(au + x), _mm256_loadu_ps(gu + x)));
        q = _mm256_add_ps(q, _mm256_mul_ps(_mm256_loadu_ps(av + x), _mm256_loadu_ps(gv + x)));
        q = _mm256_add_ps(q, _mm256_loadu_ps(b + x));
        /* band bytes to lane masks: off (0), rim (1) */
        const __m256i bd = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(band + x)));
        const __m256 off = _mm256_castsi256_ps(_mm256_cmpeq_epi32(bd, _mm256_setzero_si256()));
        const __m256 rim = _mm256_castsi256_ps(_mm256_cmpeq_epi32(bd, _mm256_set1_epi32(1)));
        const __m256 take_p = _mm256_or_ps(off, _mm256_and_ps(rim, _mm256_cmp_ps(q, p, _CMP_GT_OQ)));
        q = _mm256_blendv_ps(q, p, take_p);
        if (gate) {
            const __m256 d = _mm256_andnot_ps(sign, _mm256_sub_ps(_mm256_mul_ps(two, p), one));
            __m256 g = _mm256_mul_ps(_mm256_sub_ps(tau, d), itau);
            g = _mm256_max_ps(_mm256_min_ps(g, one), zero);
            q = _mm256_add_ps(p, _mm256_mul_ps(g, _mm256_sub_ps(q, p)));
        }
        __m256 v = _mm256_mul_ps(_mm256_sub_ps(q, half), _mm256_blendv_ps(gin, gout, off));
        v = _mm256_add_ps(v, c128);
        v = _mm256_max_ps(_mm256_min_ps(v, c255), zero);
        const __m256i iv = _mm256_cvttps_epi32(v);
        const __m128i w16 = _mm_packus_epi32(_mm256_castsi256_si128(iv), _mm256_extracti128_si256(iv, 1));
        _mm_storel_epi64((__m128i *)(dst + x), _mm_packus_epi16(w16, w16));
    }
    if (x < n)
        cc_matte_edge_px_c(dst + x, gy + x, gu + x, gv + x, co + x, cstride, pp + x, band + x,
                           n - x, c);
}

/* Eight pixels a step. The interleaved (8, 3) tensor and previous input are differenced as
 * three vectors, then each channel is gathered by two blends (into a fixed lane order) and
 * one permute back to pixel order. */
void cc_matte_steady_avx2(float *state, const float *prob, const float *tensor,
                          const float *prev, int n, const CcMatteSteady *g)
{
    const __m256 sign = _mm256_set1_ps(-0.0f), tiny = _mm256_set1_ps(1e-6f);
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
    const __m256 third = _mm256_set1_ps(1.0f / 3.0f), kmin = _mm256_set1_ps(g->kmin);
    const __m256 gm = _mm256_set1_ps(g->gain_motion), gp = _mm256_set1_ps(g->gain_prob);
    const __m256 gd = _mm256_set1_ps(g->gain_drop);
    const __m256i ix = _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5);
    const __m256i iy = _mm256_setr_epi32(1, 4, 7, 2, 5, 0, 3, 6);
    const __m256i iz = _mm256_setr_epi32(2, 5, 0, 3, 6, 1, 4, 7);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const float *a = tensor + (size_t)i * 3, *b = prev + (size_t)i * 3;
        const __m256 v0 = _mm256_andnot_ps(sign, _mm256_sub_ps(_mm256_loadu_ps(a), _mm256_loadu_ps(b)));
        const __m256 v1 = _mm256_andnot_ps(sign, _mm256_sub_ps(_mm256_loadu_ps(a + 8), _mm256_loadu_ps(b + 8)));
        const __m256 v2 = _mm256_andnot_ps(sign, _mm256_sub_ps(_mm256_loadu_ps(a + 16), _mm256_loadu_ps(b + 16)));
        const __m256 x = _mm256_permutevar8x32_ps(_mm256_blend_ps(_mm256_blend_ps(v0, v1, 0x92), v2, 0x24), ix);
        const __m256 y = _mm256_permutevar8x32_ps(_mm256_blend_ps(_mm256_blend_ps(v0, v1, 0x24), v2, 0x49), iy);
        const __m256 z = _mm256_permutevar8x32_ps(_mm256_blend_ps(_mm256_blend_ps(v0, v1, 0x49), v2, 0x92), iz);
        const __m256 motion = _mm256_mul_ps(_mm256_add_ps(_mm256_add_ps(x, y), z), third);
        __m256 p = _mm256_loadu_ps(prob + i);
        p = _mm256_blendv_ps(p, zero, _mm256_cmp_ps(p, tiny, _CMP_LT_OQ));
        const __m256 s = _mm256_loadu_ps(state + i);
        const __m256 d = _mm256_sub_ps(p, s);
        const __m256 gain = _mm256_blendv_ps(gp, gd, _mm256_cmp_ps(d, zero, _CMP_LT_OQ));
        __m256 k = _mm256_add_ps(kmin, _mm256_mul_ps(gm, motion));
        k = _mm256_add_ps(k, _mm256_mul_ps(gain, _mm256_andnot_ps(sign, d)));
        k = _mm256_min_ps(k, one);
        __m256 sv = _mm256_add_ps(s, _mm256_mul_ps(k, d));
        sv = _mm256_blendv_ps(sv, zero, _mm256_cmp_ps(sv, tiny, _CMP_LT_OQ));
        _mm256_storeu_ps(state + i, sv);
    }
    if (i < n)
        cc_matte_steady_c(state + i, prob + i, tensor + (size_t)i * 3, prev + (size_t)i * 3, n - i, g);
}

/* Rows r[0..7] (8 channels of 8 pixels) transposed in place: r[i] = channel 0..7 of pixel i. */
static inline void transpose8(__m256 r[8])
{
    __m256 t[8], u[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {
        u[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
        u[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xee);
        u[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        u[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xee);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(u[i], u[4 + i], 0x20);
        r[4 + i] = _mm256_permute2f128_ps(u[i], u[4 + i], 0x31);
    }
}

/* Eight pixels a step: the products channel-major, then two 8 x 8 transposes to the
 * interleaved layout. */
void cc_matte_products_avx2(float *dst, const float *y, const float *u, const float *v,
                            const float *p, int n)
{
    int x = 0;
    for (; x + 8 <= n; x += 8) {
        const __m256 Y = _mm256_loadu_ps(y + x), U = _mm256_loadu_ps(u + x);
        const __m256 V = _mm256_loadu_ps(v + x), P = _mm256_loadu_ps(p + x);
        __m256 a[8] = { Y, U, V, P, _mm256_mul_ps(Y, Y), _mm256_mul_ps(Y, U), _mm256_mul_ps(Y, V),
                        _mm256_mul_ps(U, U) };
        __m256 b[8] = { _mm256_mul_ps(U, V), _mm256_mul_ps(V, V), _mm256_mul_ps(Y, P),
                        _mm256_mul_ps(U, P), _mm256_mul_ps(V, P), _mm256_setzero_ps(),
                        _mm256_setzero_ps(), _mm256_setzero_ps() };
        transpose8(a);
        transpose8(b);
        float *o = dst + (size_t)x * 16;
        for (int i = 0; i < 8; i++) {
            _mm256_storeu_ps(o + 16 * i, a[i]);
            _mm256_storeu_ps(o + 16 * i + 8, b[i]);
        }
    }
    if (x < n)
        cc_matte_products_c(dst + (size_t)x * 16, y + x, u + x, v + x, p + x, n - x);
}

/* Eight cells a step while the right neighbours exist (the last cell is clamped: C). The
 * minima and maxima are exact, so the classes are those of C. */
void cc_matte_classify_avx2(uint8_t *cell, uint8_t *band, const float *p0, const float *p1,
                            int n, float zlo, float zhi, float steep)
{
    const __m256 vzlo = _mm256_set1_ps(zlo), vzhi = _mm256_set1_ps(zhi);
    const __m256 vst = _mm256_set1_ps(steep), half = _mm256_set1_ps(0.5f);
    const __m256i one = _mm256_set1_epi32(1), two = _mm256_set1_epi32(2);
    int i = 0;
    for (; i + 9 <= n; i += 8) {
        const __m256 a = _mm256_loadu_ps(p0 + i), b = _mm256_loadu_ps(p0 + i + 1);
        const __m256 c = _mm256_loadu_ps(p1 + i), d = _mm256_loadu_ps(p1 + i + 1);
        const __m256 mn = _mm256_min_ps(_mm256_min_ps(a, b), _mm256_min_ps(c, d));
        const __m256 mx = _mm256_max_ps(_mm256_max_ps(a, b), _mm256_max_ps(c, d));
        /* 2, then 1 where mn >= zhi, then 0 where mx <= zlo (that test wins in C) */
        __m256i k = _mm256_blendv_epi8(two, one, _mm256_castps_si256(_mm256_cmp_ps(mn, vzhi, _CMP_GE_OQ)));
        k = _mm256_andnot_si256(_mm256_castps_si256(_mm256_cmp_ps(mx, vzlo, _CMP_LE_OQ)), k);
        const __m256 st = _mm256_and_ps(_mm256_and_ps(_mm256_cmp_ps(mn, half, _CMP_LT_OQ),
                                                      _mm256_cmp_ps(mx, half, _CMP_GE_OQ)),
                                        _mm256_cmp_ps(_mm256_sub_ps(mx, mn), vst, _CMP_GE_OQ));
        const __m256i bd = _mm256_and_si256(_mm256_castps_si256(st), two);
        /* 32-bit lanes 0..2 to bytes */
        const __m128i k16 = _mm_packus_epi32(_mm256_castsi256_si128(k), _mm256_extracti128_si256(k, 1));
        const __m128i b16 = _mm_packus_epi32(_mm256_castsi256_si128(bd), _mm256_extracti128_si256(bd, 1));
        _mm_storel_epi64((__m128i *)(cell + i), _mm_packus_epi16(k16, k16));
        _mm_storel_epi64((__m128i *)(band + i), _mm_packus_epi16(b16, b16));
    }
    if (i < n) /* the tail in C: its last cell is clamped at n - 1 as before */
        cc_matte_classify_c(cell + i, band + i, p0 + i, p1 + i, n - i, zlo, zhi, steep);
}

/* 24 consecutive 32-bit values -> the 8 sums of three (each third gathered by two blends into
 * a fixed lane order, then one permute). */
static inline __m256i sum_triples(__m256i v0, __m256i v1, __m256i v2)
{
    __m256i a = _mm256_blend_epi32(_mm256_blend_epi32(v0, v1, 0x92), v2, 0x24);
    __m256i b = _mm256_blend_epi32(_mm256_blend_epi32(v0, v1, 0x24), v2, 0x49);
    __m256i c = _mm256_blend_epi32(_mm256_blend_epi32(v0, v1, 0x49), v2, 0x92);
    a = _mm256_permutevar8x32_epi32(a, _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5));
    b = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(1, 4, 7, 2, 5, 0, 3, 6));
    c = _mm256_permutevar8x32_epi32(c, _mm256_setr_epi32(2, 5, 0, 3, 6, 1, 4, 7));
    return _mm256_add_epi32(_mm256_add_epi32(a, b), c);
}

/* f = 3 (chroma at 1080p) and 6 (luma) in vectors: integer sums, exact, then to float. */
void cc_matte_block_sums_avx2(float *out, const uint16_t *cs, int n, int f)
{
    int i = 0;
    if (f == 3) {
        for (; i + 8 <= n; i += 8) {
            const uint16_t *s = cs + (size_t)i * 3;
            __m256i v0 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)s));
            __m256i v1 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(s + 8)));
            __m256i v2 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(s + 16)));
            _mm256_storeu_ps(out + i, _mm256_cvtepi32_ps(sum_triples(v0, v1, v2)));
        }
    } else if (f == 6) {
        const __m256i lo = _mm256_set1_epi32(0xffff);
        for (; i + 8 <= n; i += 8) {
            const uint16_t *s = cs + (size_t)i * 6;
            __m256i v[3];
            for (int k = 0; k < 3; k++) {
                const __m256i x = _mm256_loadu_si256((const __m256i *)(s + 16 * k));
                v[k] = _mm256_add_epi32(_mm256_and_si256(x, lo), _mm256_srli_epi32(x, 16));
            }
            _mm256_storeu_ps(out + i, _mm256_cvtepi32_ps(sum_triples(v[0], v[1], v[2])));
        }
    }
    if (i < n)
        cc_matte_block_sums_c(out + i, cs + (size_t)i * f, n - i, f);
}

/* Eight pixels a step, the four model samples by gathers. */
void cc_matte_p_row_avx2(float *dst, const float *r0, const float *r1, const int32_t *i0,
                         const int32_t *i1, const float *w, float wy, int n)
{
    const __m256 vwy = _mm256_set1_ps(wy);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int x = 0;
    for (; x + 8 <= n; x += 8) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(i0 + x));
        const __m256i b = _mm256_loadu_si256((const __m256i *)(i1 + x));
        const __m256 vw = _mm256_loadu_ps(w + x);
        __m256 ta, tb, ba, bb;
        /* Upsampling: the 8 pixels' taps usually lie within 8 model pixels from the first
         * one's. Then two masked loads of that window and permutes give the same values
         * as four gathers (slow on some CPUs); lanes past the last tap are not read. */
        const __m256i base = _mm256_set1_epi32(i0[x]);
        const __m256i da = _mm256_sub_epi32(a, base), db = _mm256_sub_epi32(b, base);
        const __m256i bad = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpgt_epi32(_mm256_setzero_si256(), da),
                            _mm256_cmpgt_epi32(_mm256_setzero_si256(), db)),
            _mm256_or_si256(_mm256_cmpgt_epi32(da, _mm256_set1_epi32(7)),
                            _mm256_cmpgt_epi32(db, _mm256_set1_epi32(7))));
        if (_mm256_testz_si256(bad, bad)) {
            /* lanes 0 .. max(db) are read: max(db) < 8 */
            const __m128i m4 =
                _mm_max_epi32(_mm256_castsi256_si128(db), _mm256_extracti128_si256(db, 1));
            const __m128i m2 = _mm_max_epi32(m4, _mm_shuffle_epi32(m4, 0x4E));
            const __m128i m1 = _mm_max_epi32(m2, _mm_shuffle_epi32(m2, 0xB1));
            const __m256i top = _mm256_broadcastd_epi32(m1);
            const __m256i keep =
                _mm256_cmpgt_epi32(_mm256_add_epi32(top, _mm256_set1_epi32(1)), lanes);
            const __m256 w0 = _mm256_maskload_ps(r0 + i0[x], keep);
            const __m256 w1 = _mm256_maskload_ps(r1 + i0[x], keep);
            ta = _mm256_permutevar8x32_ps(w0, da);
            tb = _mm256_permutevar8x32_ps(w0, db);
            ba = _mm256_permutevar8x32_ps(w1, da);
            bb = _mm256_permutevar8x32_ps(w1, db);
        } else {
            ta = _mm256_i32gather_ps(r0, a, 4);
            tb = _mm256_i32gather_ps(r0, b, 4);
            ba = _mm256_i32gather_ps(r1, a, 4);
            bb = _mm256_i32gather_ps(r1, b, 4);
        }
        const __m256 t = _mm256_add_ps(ta, _mm256_mul_ps(_mm256_sub_ps(tb, ta), vw));
        const __m256 bt = _mm256_add_ps(ba, _mm256_mul_ps(_mm256_sub_ps(bb, ba), vw));
        _mm256_storeu_ps(dst + x, _mm256_add_ps(t, _mm256_mul_ps(_mm256_sub_ps(bt, t), vwy)));
    }
    if (x < n)
        cc_matte_p_row_c(dst + x, r0, r1, i0 + x, i1 + x, w + x, wy, n - x);
}
