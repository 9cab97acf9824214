/* AVX-512 (F, BW, VL) image kernels; bit-exact with the C references in ../image.c. */
#if !defined(__AVX512F__) || !defined(__AVX512BW__) || !defined(__AVX512VL__)
#error "compile with -mavx512f -mavx512bw -mavx512vl"
#endif

#include <immintrin.h>

#include "dsp/image/image.h"
#include "dsp/image/x86/image_x86.h"

/* Same arithmetic as cc_blend_lerp_avx2, 64 bytes per step (16-bit lanes, in-lane
   unpack and pack keep the byte order). */
void cc_blend_lerp_avx512(uint8_t *dst, const uint8_t *a, const uint8_t *b, int wy,
                          const uint8_t *m, int n)
{
    const __m512i zero = _mm512_setzero_si512();
    const __m512i wa = _mm512_set1_epi16((short)(256 - wy));
    const __m512i wb = _mm512_set1_epi16((short)wy);
    const __m512i c128 = _mm512_set1_epi16(128);
    const __m512i c255 = _mm512_set1_epi16(255);
    int i = 0;
    for (; i + 64 <= n; i += 64) {
        /* Most of a frame's mask is 255 (dst stays) or 0 (dst = bg, as the full formula
         * gives: the rounding division of 255 bg by 255 is bg): those blocks skip the rest. */
        __m512i vm = _mm512_loadu_si512(m + i);
        if (_mm512_cmpeq_epi8_mask(vm, _mm512_set1_epi8(-1)) == ~(__mmask64)0)
            continue;
        __m512i va = _mm512_loadu_si512(a + i), vb = _mm512_loadu_si512(b + i);
        if (!_mm512_test_epi8_mask(vm, vm)) {
            __m512i bl = _mm512_add_epi16(_mm512_mullo_epi16(_mm512_unpacklo_epi8(va, zero), wa),
                                          _mm512_mullo_epi16(_mm512_unpacklo_epi8(vb, zero), wb));
            __m512i bh = _mm512_add_epi16(_mm512_mullo_epi16(_mm512_unpackhi_epi8(va, zero), wa),
                                          _mm512_mullo_epi16(_mm512_unpackhi_epi8(vb, zero), wb));
            bl = _mm512_srli_epi16(_mm512_add_epi16(bl, c128), 8);
            bh = _mm512_srli_epi16(_mm512_add_epi16(bh, c128), 8);
            _mm512_storeu_si512(dst + i, _mm512_packus_epi16(bl, bh));
            continue;
        }
        __m512i vd = _mm512_loadu_si512(dst + i);
        __m512i r[2];
        for (int h = 0; h < 2; h++) {
            __m512i a16 = h ? _mm512_unpackhi_epi8(va, zero) : _mm512_unpacklo_epi8(va, zero);
            __m512i b16 = h ? _mm512_unpackhi_epi8(vb, zero) : _mm512_unpacklo_epi8(vb, zero);
            __m512i m16 = h ? _mm512_unpackhi_epi8(vm, zero) : _mm512_unpacklo_epi8(vm, zero);
            __m512i d16 = h ? _mm512_unpackhi_epi8(vd, zero) : _mm512_unpacklo_epi8(vd, zero);
            __m512i bg = _mm512_add_epi16(_mm512_mullo_epi16(a16, wa), _mm512_mullo_epi16(b16, wb));
            bg = _mm512_srli_epi16(_mm512_add_epi16(bg, c128), 8);
            __m512i t = _mm512_add_epi16(_mm512_mullo_epi16(m16, d16),
                                         _mm512_mullo_epi16(_mm512_sub_epi16(c255, m16), bg));
            t = _mm512_add_epi16(t, c128);
            r[h] = _mm512_srli_epi16(_mm512_add_epi16(t, _mm512_srli_epi16(t, 8)), 8);
        }
        _mm512_storeu_si512(dst + i, _mm512_packus_epi16(r[0], r[1]));
    }
    if (i < n)
        cc_blend_lerp_avx2(dst + i, a + i, b + i, wy, m + i, n - i);
}

void cc_wacc1_avx512(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m,
                     int n, int shift, int first)
{
    const __m512i c256 = _mm512_set1_epi16(256);
    const __m512i rnd = _mm512_set1_epi16((short)(1 << shift >> 1));
    const __m128i sh = _mm_cvtsi32_si128(shift);
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512i s16 = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(src + i)));
        __m512i m16 = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(m + i)));
        __m512i w = _mm512_sub_epi16(c256, m16);
        __m512i p = _mm512_srl_epi16(_mm512_add_epi16(_mm512_mullo_epi16(s16, w), rnd), sh);
        if (!first) {
            p = _mm512_add_epi16(p, _mm512_loadu_si512(acc + i));
            w = _mm512_add_epi16(w, _mm512_loadu_si512(accw + i));
        }
        _mm512_storeu_si512(acc + i, p);
        _mm512_storeu_si512(accw + i, w);
    }
    if (i < n)
        cc_wacc1_avx2(acc + i, accw + i, src + i, m + i, n - i, shift, first);
}

void cc_span_add_avx512(uint32_t *out, const uint32_t *hi, const uint32_t *lo,
                        const uint32_t *hi2, const uint32_t *lo2, uint32_t wa, uint32_t wb,
                        int n, int first)
{
    const __m512i va = _mm512_set1_epi32((int)wa), vb = _mm512_set1_epi32((int)wb);
    int x = 0;
    if (hi2 == hi + 1 && lo2 == lo - 1 && n >= 32) {
        /* The disc's spans: hi2 and lo are hi and lo2 one element on, so each is the
         * previous load and the next one aligned together (the next one is the following
         * step's): two loads per 16 sums instead of four. */
        __m512i h = _mm512_loadu_si512(hi), l = _mm512_loadu_si512(lo2);
        for (; x + 32 <= n; x += 16) {
            const __m512i hn = _mm512_loadu_si512(hi + x + 16);
            const __m512i ln = _mm512_loadu_si512(lo2 + x + 16);
            const __m512i h2 = _mm512_alignr_epi32(hn, h, 1), l1 = _mm512_alignr_epi32(ln, l, 1);
            __m512i d = _mm512_sub_epi32(h, l1), e = _mm512_sub_epi32(h2, l);
            d = _mm512_add_epi32(_mm512_mullo_epi32(d, va), _mm512_mullo_epi32(e, vb));
            if (!first)
                d = _mm512_add_epi32(d, _mm512_loadu_si512(out + x));
            _mm512_storeu_si512(out + x, d);
            h = hn;
            l = ln;
        }
    }
    for (; x + 16 <= n; x += 16) {
        __m512i d = _mm512_sub_epi32(_mm512_loadu_si512(hi + x), _mm512_loadu_si512(lo + x));
        __m512i e = _mm512_sub_epi32(_mm512_loadu_si512(hi2 + x), _mm512_loadu_si512(lo2 + x));
        d = _mm512_add_epi32(_mm512_mullo_epi32(d, va), _mm512_mullo_epi32(e, vb));
        if (!first)
            d = _mm512_add_epi32(d, _mm512_loadu_si512(out + x));
        _mm512_storeu_si512(out + x, d);
    }
    if (x < n)
        cc_span_add_avx2(out + x, hi + x, lo + x, hi2 + x, lo2 + x, wa, wb, n - x, first);
}
