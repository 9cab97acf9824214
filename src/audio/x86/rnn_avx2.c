/*
 * AVX2 kernels for the RNNoise denoiser. Vectorised across outputs (8 neurons or 8 lags per
 * register) so that every output still adds its terms in input order; multiply and add stay
 * separate (no FMA) and the results equal the C reference bit for bit.
 */
#ifndef __AVX2__
#error "build this file with -mavx2"
#endif
#include <immintrin.h>

#include <stddef.h>

#include "audio/rnnkernels.h"

void cc_rnn_gemv_avx2(float *acc, const float *w, int rows, int cols, int stride,
                      const float *x)
{
    int i = 0;
    /* 32 outputs at a time in registers across all rows. */
    for (; i + 32 <= cols; i += 32) {
        __m256 a0 = _mm256_loadu_ps(acc + i), a1 = _mm256_loadu_ps(acc + i + 8);
        __m256 a2 = _mm256_loadu_ps(acc + i + 16), a3 = _mm256_loadu_ps(acc + i + 24);
        for (int j = 0; j < rows; j++) {
            const float *row = w + (size_t)j * stride + i;
            __m256 xj = _mm256_set1_ps(x[j]);
            a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(row), xj));
            a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_loadu_ps(row + 8), xj));
            a2 = _mm256_add_ps(a2, _mm256_mul_ps(_mm256_loadu_ps(row + 16), xj));
            a3 = _mm256_add_ps(a3, _mm256_mul_ps(_mm256_loadu_ps(row + 24), xj));
        }
        _mm256_storeu_ps(acc + i, a0);
        _mm256_storeu_ps(acc + i + 8, a1);
        _mm256_storeu_ps(acc + i + 16, a2);
        _mm256_storeu_ps(acc + i + 24, a3);
    }
    for (; i + 8 <= cols; i += 8) {
        __m256 a0 = _mm256_loadu_ps(acc + i);
        for (int j = 0; j < rows; j++)
            a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(w + (size_t)j * stride + i),
                                                 _mm256_set1_ps(x[j])));
        _mm256_storeu_ps(acc + i, a0);
    }
    if (i < cols) {
        int n = cols - i;
        for (int j = 0; j < rows; j++) {
            const float *row = w + (size_t)j * stride + i;
            float xj = x[j];
            for (int t = 0; t < n; t++)
                acc[i + t] += row[t] * xj;
        }
    }
}

void cc_rnn_xcorr_avx2(const float *x, const float *y, float *xcorr, int len, int max_lag)
{
    int i = 0;
    for (; i + 16 <= max_lag; i += 16) {
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        for (int j = 0; j < len; j++) {
            __m256 xj = _mm256_set1_ps(x[j]);
            s0 = _mm256_add_ps(s0, _mm256_mul_ps(xj, _mm256_loadu_ps(y + i + j)));
            s1 = _mm256_add_ps(s1, _mm256_mul_ps(xj, _mm256_loadu_ps(y + i + j + 8)));
        }
        _mm256_storeu_ps(xcorr + i, s0);
        _mm256_storeu_ps(xcorr + i + 8, s1);
    }
    for (; i + 8 <= max_lag; i += 8) {
        __m256 s0 = _mm256_setzero_ps();
        for (int j = 0; j < len; j++)
            s0 = _mm256_add_ps(s0, _mm256_mul_ps(_mm256_set1_ps(x[j]),
                                                 _mm256_loadu_ps(y + i + j)));
        _mm256_storeu_ps(xcorr + i, s0);
    }
    /* fewer than 8 lags left: the C version runs them as parallel scalar chains */
    if (i < max_lag)
        cc_rnn_xcorr_c(x, y + i, xcorr + i, len, max_lag - i);
}

float cc_rnn_dot8_avx2(const float *w, const float *v, int n)
{
    __m256 acc = _mm256_setzero_ps();
    for (int i = 0; i < n; i += 8)
        acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(v + i)));
    /* (l0+l4, l1+l5, l2+l6, l3+l7) -> (q0+q2, q1+q3) -> sum, as the C reference */
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    __m128 h = _mm_add_ps(q, _mm_movehl_ps(q, q));
    return _mm_cvtss_f32(_mm_add_ss(h, _mm_shuffle_ps(h, h, 1)));
}
