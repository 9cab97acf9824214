/* AVX2 image kernels; bit-exact with the C references in ../image.c. */
#ifndef __AVX2__
#error "compile with -mavx2"
#endif

#include <immintrin.h>
#include <string.h>

#include "dsp/image/image.h"
#include "dsp/image/x86/image_x86.h"

/* 16-bit lanes throughout: every intermediate fits in 0..65535 (see image.c). */
void cc_blend_lerp_avx2(uint8_t *dst, const uint8_t *a, const uint8_t *b, int wy,
                        const uint8_t *m, int n)
{
    const __m256i zero = _mm256_setzero_si256();
    const __m256i wa = _mm256_set1_epi16((short)(256 - wy));
    const __m256i wb = _mm256_set1_epi16((short)wy);
    const __m256i c128 = _mm256_set1_epi16(128);
    const __m256i c255 = _mm256_set1_epi16(255);
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        /* Most of a frame's mask is 255 (dst stays) or 0 (dst = bg, as the full formula
         * gives: the rounding division of 255 bg by 255 is bg): those blocks skip the rest. */
        __m256i vm = _mm256_loadu_si256((const __m256i *)(m + i));
        const unsigned full = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(vm, _mm256_set1_epi8(-1)));
        if (full == 0xffffffffu)
            continue;
        __m256i va = _mm256_loadu_si256((const __m256i *)(a + i));
        __m256i vb = _mm256_loadu_si256((const __m256i *)(b + i));
        if (_mm256_testz_si256(vm, vm)) {
            __m256i bl = _mm256_add_epi16(_mm256_mullo_epi16(_mm256_unpacklo_epi8(va, zero), wa),
                                          _mm256_mullo_epi16(_mm256_unpacklo_epi8(vb, zero), wb));
            __m256i bh = _mm256_add_epi16(_mm256_mullo_epi16(_mm256_unpackhi_epi8(va, zero), wa),
                                          _mm256_mullo_epi16(_mm256_unpackhi_epi8(vb, zero), wb));
            bl = _mm256_srli_epi16(_mm256_add_epi16(bl, c128), 8);
            bh = _mm256_srli_epi16(_mm256_add_epi16(bh, c128), 8);
            _mm256_storeu_si256((__m256i *)(dst + i), _mm256_packus_epi16(bl, bh));
            continue;
        }
        __m256i vd = _mm256_loadu_si256((const __m256i *)(dst + i));
        __m256i r[2];
        for (int h = 0; h < 2; h++) {
            __m256i a16 = h ? _mm256_unpackhi_epi8(va, zero) : _mm256_unpacklo_epi8(va, zero);
            __m256i b16 = h ? _mm256_unpackhi_epi8(vb, zero) : _mm256_unpacklo_epi8(vb, zero);
            __m256i m16 = h ? _mm256_unpackhi_epi8(vm, zero) : _mm256_unpacklo_epi8(vm, zero);
            __m256i d16 = h ? _mm256_unpackhi_epi8(vd, zero) : _mm256_unpacklo_epi8(vd, zero);
            __m256i bg = _mm256_add_epi16(_mm256_mullo_epi16(a16, wa), _mm256_mullo_epi16(b16, wb));
            bg = _mm256_srli_epi16(_mm256_add_epi16(bg, c128), 8);
            __m256i t = _mm256_add_epi16(_mm256_mullo_epi16(m16, d16),
                                         _mm256_mullo_epi16(_mm256_sub_epi16(c255, m16), bg));
            t = _mm256_add_epi16(t, c128);
            r[h] = _mm256_srli_epi16(_mm256_add_epi16(t, _mm256_srli_epi16(t, 8)), 8);
        }
        _mm256_storeu_si256((__m256i *)(dst + i), _mm256_packus_epi16(r[0], r[1]));
    }
    if (i < n)
        cc_blend_lerp_c(dst + i, a + i, b + i, wy, m + i, n - i);
}

void cc_wacc1_avx2(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m,
                   int n, int shift, int first)
{
    const __m256i c256 = _mm256_set1_epi16(256);
    const __m256i rnd = _mm256_set1_epi16((short)(1 << shift >> 1));
    const __m128i sh = _mm_cvtsi32_si128(shift);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256i s16 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(src + i)));
        __m256i m16 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(m + i)));
        __m256i w = _mm256_sub_epi16(c256, m16);
        __m256i p = _mm256_srl_epi16(_mm256_add_epi16(_mm256_mullo_epi16(s16, w), rnd), sh);
        if (!first) {
            p = _mm256_add_epi16(p, _mm256_loadu_si256((const __m256i *)(acc + i)));
            w = _mm256_add_epi16(w, _mm256_loadu_si256((const __m256i *)(accw + i)));
        }
        _mm256_storeu_si256((__m256i *)(acc + i), p);
        _mm256_storeu_si256((__m256i *)(accw + i), w);
    }
    if (i < n)
        cc_wacc1_c(acc + i, accw + i, src + i, m + i, n - i, shift, first);
}

void cc_mask_down2x2_avx2(uint8_t *dst, const uint8_t *r0, const uint8_t *r1, int src_w)
{
    const __m256i ones = _mm256_set1_epi8(1);
    const __m256i c2 = _mm256_set1_epi16(2);
    int x = 0;
    for (; 2 * x + 64 <= src_w; x += 32) {
        __m256i s[2];
        for (int h = 0; h < 2; h++) {
            __m256i a = _mm256_loadu_si256((const __m256i *)(r0 + 2 * x + 32 * h));
            __m256i b = _mm256_loadu_si256((const __m256i *)(r1 + 2 * x + 32 * h));
            __m256i sum = _mm256_add_epi16(_mm256_maddubs_epi16(a, ones),
                                           _mm256_maddubs_epi16(b, ones));
            s[h] = _mm256_srli_epi16(_mm256_add_epi16(sum, c2), 2);
        }
        __m256i p = _mm256_packus_epi16(s[0], s[1]);
        p = _mm256_permute4x64_epi64(p, 0xD8);
        _mm256_storeu_si256((__m256i *)(dst + x), p);
    }
    if (2 * x < src_w)
        cc_mask_down2x2_c(dst + x, r0 + 2 * x, r1 + 2 * x, src_w - 2 * x);
}

void cc_span_add_avx2(uint32_t *out, const uint32_t *hi, const uint32_t *lo,
                      const uint32_t *hi2, const uint32_t *lo2, uint32_t wa, uint32_t wb,
                      int n, int first)
{
    const __m256i va = _mm256_set1_epi32((int)wa), vb = _mm256_set1_epi32((int)wb);
    int x = 0;
    for (; x + 8 <= n; x += 8) {
        __m256i d = _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(hi + x)),
                                     _mm256_loadu_si256((const __m256i *)(lo + x)));
        __m256i e = _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(hi2 + x)),
                                     _mm256_loadu_si256((const __m256i *)(lo2 + x)));
        d = _mm256_add_epi32(_mm256_mullo_epi32(d, va), _mm256_mullo_epi32(e, vb));
        if (!first)
            d = _mm256_add_epi32(d, _mm256_loadu_si256((const __m256i *)(out + x)));
        _mm256_storeu_si256((__m256i *)(out + x), d);
    }
    if (x < n)
        cc_span_add_c(out + x, hi + x, lo + x, hi2 + x, lo2 + x, wa, wb, n - x, first);
}

/* In-register scan of four 32-bit lanes: lane i gets lanes 0..i. */
static inline __m128i scan4(__m128i v)
{
    v = _mm_add_epi32(v, _mm_slli_si128(v, 4));
    return _mm_add_epi32(v, _mm_slli_si128(v, 8));
}

/* Eight samples a step as two 4-lane scans; only the carries form a dependency chain. */
void cc_prefix_u16_avx2(uint32_t *dst, const uint16_t *src, int n)
{
    __m128i carry = _mm_setzero_si128();
    int x = 0;
    for (; x + 8 <= n; x += 8) {
        __m128i s = _mm_loadu_si128((const __m128i *)(src + x));
        __m128i a = scan4(_mm_cvtepu16_epi32(s));
        __m128i b = scan4(_mm_cvtepu16_epi32(_mm_srli_si128(s, 8)));
        a = _mm_add_epi32(a, carry);
        b = _mm_add_epi32(b, _mm_shuffle_epi32(a, 0xff));
        carry = _mm_shuffle_epi32(b, 0xff);
        _mm_storeu_si128((__m128i *)(dst + x), a);
        _mm_storeu_si128((__m128i *)(dst + x + 4), b);
    }
    uint32_t c = (uint32_t)_mm_cvtsi128_si32(carry);
    for (; x < n; x++) {
        c += src[x];
        dst[x] = c;
    }
}

/* 24 consecutive 32-bit values in v0, v1, v2 -> the 8 sums of three: each third of every
 * triple is gathered by two blends into a fixed lane order, one permute puts it in order. */
static inline __m256i sum_triples(__m256i v0, __m256i v1, __m256i v2)
{
    const __m256i ia = _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5);
    const __m256i ib = _mm256_setr_epi32(1, 4, 7, 2, 5, 0, 3, 6);
    const __m256i ic = _mm256_setr_epi32(2, 5, 0, 3, 6, 1, 4, 7);
    __m256i a = _mm256_blend_epi32(_mm256_blend_epi32(v0, v1, 0x92), v2, 0x24);
    __m256i b = _mm256_blend_epi32(_mm256_blend_epi32(v0, v1, 0x24), v2, 0x49);
    __m256i c = _mm256_blend_epi32(_mm256_blend_epi32(v0, v1, 0x49), v2, 0x92);
    a = _mm256_permutevar8x32_epi32(a, ia);
    b = _mm256_permutevar8x32_epi32(b, ib);
    c = _mm256_permutevar8x32_epi32(c, ic);
    return _mm256_add_epi32(_mm256_add_epi32(a, b), c);
}

/* Sums of adjacent 16-bit pairs of a 256-bit vector as 8 32-bit values (exact). */
static inline __m256i pair_sums(__m256i v)
{
    return _mm256_add_epi32(_mm256_and_si256(v, _mm256_set1_epi32(0xffff)), _mm256_srli_epi32(v, 16));
}

/* f = 3 and 6 (the compositor's chroma and luma blocks at 1080p) in vectors, others in C. */
void cc_hsum_u16_avx2(uint32_t *out, const uint16_t *src, int f, int nout)
{
    int X = 0;
    if (f == 3) {
        for (; X + 8 <= nout; X += 8) {
            const uint16_t *s = src + (size_t)X * 3;
            __m256i v0 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)s));
            __m256i v1 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(s + 8)));
            __m256i v2 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(s + 16)));
            _mm256_storeu_si256((__m256i *)(out + X), sum_triples(v0, v1, v2));
        }
    } else if (f == 6) {
        for (; X + 8 <= nout; X += 8) {
            const uint16_t *s = src + (size_t)X * 6;
            __m256i v0 = pair_sums(_mm256_loadu_si256((const __m256i *)s));
            __m256i v1 = pair_sums(_mm256_loadu_si256((const __m256i *)(s + 16)));
            __m256i v2 = pair_sums(_mm256_loadu_si256((const __m256i *)(s + 32)));
            _mm256_storeu_si256((__m256i *)(out + X), sum_triples(v0, v1, v2));
        }
    }
    if (X < nout)
        cc_hsum_u16_c(out + X, src + (size_t)X * f, f, nout - X);
}

void cc_hup_avx2(uint8_t *dst, const uint8_t *lo, const CcHupTable *t)
{
    if (!t->simd_ok) {
        cc_hup_c(dst, lo, t);
        return;
    }
    const __m256i c256 = _mm256_set1_epi16(256);
    const __m256i c128 = _mm256_set1_epi16(128);
    for (int i = 0; i < t->nblk; i++) {
        __m128i win = _mm_loadu_si128((const __m128i *)(lo + t->base[i]));
        __m128i l = _mm_shuffle_epi8(win, _mm_loadu_si128((const __m128i *)(t->il + 16 * i)));
        __m128i r = _mm_shuffle_epi8(win, _mm_loadu_si128((const __m128i *)(t->ir + 16 * i)));
        __m256i wr = _mm256_loadu_si256((const __m256i *)(t->wt + 16 * i));
        __m256i v = _mm256_add_epi16(
            _mm256_mullo_epi16(_mm256_cvtepu8_epi16(l), _mm256_sub_epi16(c256, wr)),
            _mm256_mullo_epi16(_mm256_cvtepu8_epi16(r), wr));
        v = _mm256_srli_epi16(_mm256_add_epi16(v, c128), 8);
        __m128i p = _mm_packus_epi16(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
        _mm_storeu_si128((__m128i *)(dst + 16 * i), p);
    }
}

void cc_waccn_avx2(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m,
                   int w, int nc, int shift, int first)
{
    if (nc == 1) {
        cc_wacc1_avx2(acc, accw, src, m, w, shift, first);
        return;
    }
    if (nc != 2 && nc != 4) {
        cc_waccn_c(acc, accw, src, m, w, nc, shift, first);
        return;
    }
    const __m128i dup = nc == 2
        ? _mm_setr_epi8(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7)
        : _mm_setr_epi8(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    const __m256i c256 = _mm256_set1_epi16(256);
    const __m128i c256h = _mm_set1_epi16(256);
    const __m256i rnd = _mm256_set1_epi16((short)(1 << shift >> 1));
    const __m128i sh = _mm_cvtsi32_si128(shift);
    const int px = 16 / nc; /* pixels per iteration */
    int x = 0;
    for (; x + px <= w && x + 8 <= w; x += px) {
        __m128i m8 = _mm_loadl_epi64((const __m128i *)(m + x)); /* reads 8 mask bytes */
        __m256i s16 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(src + x * nc)));
        __m256i wt = _mm256_sub_epi16(c256, _mm256_cvtepu8_epi16(_mm_shuffle_epi8(m8, dup)));
        __m256i p = _mm256_srl_epi16(_mm256_add_epi16(_mm256_mullo_epi16(s16, wt), rnd), sh);
        __m128i ww = _mm_sub_epi16(c256h, _mm_cvtepu8_epi16(m8)); /* px lanes used */
        if (!first) {
            p = _mm256_add_epi16(p, _mm256_loadu_si256((const __m256i *)(acc + x * nc)));
            ww = _mm_add_epi16(ww, _mm_loadu_si128((const __m128i *)(accw + x)));
        }
        _mm256_storeu_si256((__m256i *)(acc + x * nc), p);
        if (nc == 2)
            _mm_storeu_si128((__m128i *)(accw + x), ww);
        else
            _mm_storel_epi64((__m128i *)(accw + x), ww);
    }
    if (x < w)
        cc_waccn_c(acc + x * nc, accw + x, src + x * nc, m + x, w - x, nc, shift, first);
}

void cc_expand_mask_avx2(uint8_t *dst, const uint8_t *m, int w, int nc, int alpha)
{
    int x = 0;
    if (nc == 2) {
        for (; x + 16 <= w; x += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(m + x));
            _mm_storeu_si128((__m128i *)(dst + 2 * x), _mm_unpacklo_epi8(v, v));
            _mm_storeu_si128((__m128i *)(dst + 2 * x + 16), _mm_unpackhi_epi8(v, v));
        }
    } else if (nc == 4) {
        const __m128i a = alpha ? _mm_set1_epi32((int)0xFF000000u) : _mm_setzero_si128();
        for (; x + 16 <= w; x += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(m + x));
            __m128i lo = _mm_unpacklo_epi8(v, v), hi = _mm_unpackhi_epi8(v, v);
            _mm_storeu_si128((__m128i *)(dst + 4 * x), _mm_or_si128(_mm_unpacklo_epi16(lo, lo), a));
            _mm_storeu_si128((__m128i *)(dst + 4 * x + 16), _mm_or_si128(_mm_unpackhi_epi16(lo, lo), a));
            _mm_storeu_si128((__m128i *)(dst + 4 * x + 32), _mm_or_si128(_mm_unpacklo_epi16(hi, hi), a));
            _mm_storeu_si128((__m128i *)(dst + 4 * x + 48), _mm_or_si128(_mm_unpackhi_epi16(hi, hi), a));
        }
    }
    if (x < w)
        cc_expand_mask_c(dst + x * nc, m + x, w - x, nc, alpha);
}

/* 4 pixel pairs per 16 bytes: Y0 U0 Y1 V0 ... <-> Y0..Y7 | U0..U3 | V0..V3 */
void cc_yuyv_split_avx2(uint8_t *y, uint8_t *u, uint8_t *v, const uint8_t *src, int pairs)
{
    const __m128i sh = _mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 5, 9, 13, 3, 7, 11, 15);
    int x = 0;
    for (; x + 4 <= pairs; x += 4) {
        __m128i p = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(src + 4 * x)), sh);
        _mm_storel_epi64((__m128i *)(y + 2 * x), p);
        int uu = _mm_extract_epi32(p, 2), vv = _mm_extract_epi32(p, 3);
        memcpy(u + x, &uu, 4);
        memcpy(v + x, &vv, 4);
    }
    if (x < pairs)
        cc_yuyv_split_c(y + 2 * x, u + x, v + x, src + 4 * x, pairs - x);
}

void cc_yuyv_merge_avx2(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                        int pairs)
{
    const __m128i sh = _mm_setr_epi8(0, 8, 1, 12, 2, 9, 3, 13, 4, 10, 5, 14, 6, 11, 7, 15);
    int x = 0;
    for (; x + 4 <= pairs; x += 4) {
        int uu, vv;
        memcpy(&uu, u + x, 4);
        memcpy(&vv, v + x, 4);
        __m128i p = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)(y + 2 * x)),
                                       _mm_unpacklo_epi32(_mm_cvtsi32_si128(uu),
                                                          _mm_cvtsi32_si128(vv)));
        _mm_storeu_si128((__m128i *)(dst + 4 * x), _mm_shuffle_epi8(p, sh));
    }
    if (x < pairs)
        cc_yuyv_merge_c(dst + 4 * x, y + 2 * x, u + x, v + x, pairs - x);
}
