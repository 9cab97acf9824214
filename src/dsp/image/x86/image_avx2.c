/* AVX2 image kernels; bit-exact with the C references in ../image.c. */
#ifndef __AVX2__
#error "compile with -mavx2"
#endif

#include <immintrin.h>

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
        __m256i va = _mm256_loadu_si256((const __m256i *)(a + i));
        __m256i vb = _mm256_loadu_si256((const __m256i *)(b + i));
        __m256i vm = _mm256_loadu_si256((const __m256i *)(m + i));
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

void cc_span_add_avx2(uint32_t *out, const uint32_t *hi, const uint32_t *lo, int n, int first)
{
    int x = 0;
    for (; x + 8 <= n; x += 8) {
        __m256i d = _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(hi + x)),
                                     _mm256_loadu_si256((const __m256i *)(lo + x)));
        if (!first)
            d = _mm256_add_epi32(d, _mm256_loadu_si256((const __m256i *)(out + x)));
        _mm256_storeu_si256((__m256i *)(out + x), d);
    }
    if (x < n)
        cc_span_add_c(out + x, hi + x, lo + x, n - x, first);
}
