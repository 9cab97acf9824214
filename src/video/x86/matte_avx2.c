/* AVX2 + FMA row kernels of the matte; the C reference is in ../matte_dsp.c. */
#ifndef __AVX2__
#error "build with -mavx2 -mfma"
#endif
#include <immintrin.h>

#include "video/matte_dsp.h"

void cc_matte_apply_row_u8_avx2(const float *a0, const float *a1, const float *b0,
                                const float *b1, float wy, float y_off, float y_mul,
                                const uint8_t *y8, int step, uint8_t *out, int w)
{
    const float g = y_mul * CC_MATTE_CURVE_GAIN;
    const __m256 vwy = _mm256_set1_ps(wy), vg = _mm256_set1_ps(g);
    const __m256 vgain = _mm256_set1_ps(CC_MATTE_CURVE_GAIN);
    const __m256 vbias = _mm256_set1_ps(128.0f - 0.5f * CC_MATTE_CURVE_GAIN);
    const __m256 vyoff = _mm256_set1_ps(y_off);
    const __m256 zero = _mm256_setzero_ps(), v255 = _mm256_set1_ps(255.0f);
    const __m256i shuf2 = _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1,
                                           0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1);
    int x = 0;
    for (; x + 8 <= w; x += 8) {
        __m256 va0 = _mm256_loadu_ps(a0 + x), va1 = _mm256_loadu_ps(a1 + x);
        __m256 vb0 = _mm256_loadu_ps(b0 + x), vb1 = _mm256_loadu_ps(b1 + x);
        __m256 A = _mm256_fmadd_ps(_mm256_sub_ps(va1, va0), vwy, va0);
        __m256 B = _mm256_fmadd_ps(_mm256_sub_ps(vb1, vb0), vwy, vb0);
        __m256 ka = _mm256_mul_ps(A, vg);
        __m256 kb = _mm256_fnmadd_ps(ka, vyoff, _mm256_fmadd_ps(B, vgain, vbias));
        __m128i yb;
        if (step == 1) {
            yb = _mm_loadl_epi64((const __m128i *)(y8 + x));
        } else {
            __m128i two = _mm_loadu_si128((const __m128i *)(y8 + 2 * x));
            yb = _mm_shuffle_epi8(two, _mm256_castsi256_si128(shuf2));
        }
        __m256 vy = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(yb));
        __m256 v = _mm256_fmadd_ps(ka, vy, kb);
        v = _mm256_min_ps(_mm256_max_ps(v, zero), v255);
        __m256i vi = _mm256_cvttps_epi32(v);
        __m128i lo = _mm256_castsi256_si128(vi), hi = _mm256_extracti128_si256(vi, 1);
        __m128i p16 = _mm_packus_epi32(lo, hi);
        __m128i p8 = _mm_packus_epi16(p16, p16);
        _mm_storel_epi64((__m128i *)(out + x), p8);
    }
    if (x < w)
        cc_matte_apply_row_u8_c(a0 + x, a1 + x, b0 + x, b1 + x, wy, y_off, y_mul, y8 + x * step,
                                step, out + x, w - x);
}
