/* AVX2 kernels of the matte's box statistics; the C reference is in ../matte_dsp.c. Same
 * operations in the same order as C (no FMA), so the results are bit-identical. */
#ifndef __AVX2__
#error "build with -mavx2 -mfma"
#endif
#include <immintrin.h>
#include <stddef.h>

#include "video/matte_dsp.h"

/* One group of 8 channels. */
static void box_h8(float *dst, const float *src, int w, int nc, int r)
{
    __m256 s = _mm256_setzero_ps();
    for (int k = 0; k < r && k < w; k++)
        s = _mm256_add_ps(s, _mm256_loadu_ps(src + (size_t)k * nc));
    int x = 0;
    /* left border: the window grows */
    for (; x < w && x - r - 1 < 0; x++) {
        if (x + r < w)
            s = _mm256_add_ps(s, _mm256_loadu_ps(src + (size_t)(x + r) * nc));
        const int hi = x + r + 1 > w ? w : x + r + 1;
        _mm256_storeu_ps(dst + (size_t)x * nc, _mm256_mul_ps(s, _mm256_set1_ps(1.0f / (float)hi)));
    }
    const __m256 inv = _mm256_set1_ps(1.0f / (float)(2 * r + 1));
    for (; x + r < w; x++) {
        s = _mm256_add_ps(s, _mm256_loadu_ps(src + (size_t)(x + r) * nc));
        s = _mm256_sub_ps(s, _mm256_loadu_ps(src + (size_t)(x - r - 1) * nc));
        _mm256_storeu_ps(dst + (size_t)x * nc, _mm256_mul_ps(s, inv));
    }
    for (; x < w; x++) {
        s = _mm256_sub_ps(s, _mm256_loadu_ps(src + (size_t)(x - r - 1) * nc));
        _mm256_storeu_ps(dst + (size_t)x * nc, _mm256_mul_ps(s, _mm256_set1_ps(1.0f / (float)(w - (x - r)))));
    }
}

/* One group of 4 channels (the coefficients' a_y a_u a_v b), 128-bit lanes. */
static void box_h4(float *dst, const float *src, int w, int nc, int r)
{
    __m128 s = _mm_setzero_ps();
    for (int k = 0; k < r && k < w; k++)
        s = _mm_add_ps(s, _mm_loadu_ps(src + (size_t)k * nc));
    int x = 0;
    for (; x < w && x - r - 1 < 0; x++) {
        if (x + r < w)
            s = _mm_add_ps(s, _mm_loadu_ps(src + (size_t)(x + r) * nc));
        const int hi = x + r + 1 > w ? w : x + r + 1;
        _mm_storeu_ps(dst + (size_t)x * nc, _mm_mul_ps(s, _mm_set1_ps(1.0f / (float)hi)));
    }
    const __m128 inv = _mm_set1_ps(1.0f / (float)(2 * r + 1));
    for (; x + r < w; x++) {
        s = _mm_add_ps(s, _mm_loadu_ps(src + (size_t)(x + r) * nc));
        s = _mm_sub_ps(s, _mm_loadu_ps(src + (size_t)(x - r - 1) * nc));
        _mm_storeu_ps(dst + (size_t)x * nc, _mm_mul_ps(s, inv));
    }
    for (; x < w; x++) {
        s = _mm_sub_ps(s, _mm_loadu_ps(src + (size_t)(x - r - 1) * nc));
        _mm_storeu_ps(dst + (size_t)x * nc, _mm_mul_ps(s, _mm_set1_ps(1.0f / (float)(w - (x - r)))));
    }
}

void cc_matte_box_h_avx2(float *dst, const float *src, int w, int nc, int r)
{
    if (nc % 8) {
        for (int c0 = 0; c0 < nc; c0 += 4)
            box_h4(dst + c0, src + c0, w, nc, r);
        return;
    }
    for (int c0 = 0; c0 < nc; c0 += 8)
        box_h8(dst + c0, src + c0, w, nc, r);
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
