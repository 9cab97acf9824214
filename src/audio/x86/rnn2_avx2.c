/*
 * AVX2 kernels for the RNNoise 0.2 network (see rnn2kernels.h); same bits as the C reference.
 *
 * int8 layers: a block (8 outputs x 4 inputs, 32 bytes) is widened to 16-bit in two halves
 * (outputs 0-3 and 4-7), multiplied by the block's 4 quantised inputs (16-bit, broadcast) with
 * vpmaddwd, which leaves each output as two exact 32-bit partial sums; the group's blocks add
 * into two integer accumulators, and one horizontal add per group finishes the 8 sums. Signed
 * by signed throughout, so nothing saturates.
 *
 * Float parts are element-wise, in the C reference's order, without FMA (this file is built
 * with -mavx2 only).
 */
#ifndef __AVX2__
#error "build this file with -mavx2"
#endif
#include <immintrin.h>

#include <stddef.h>
#include <string.h>

#include "audio/rnn2kernels.h"
#include "audio/rnnkernels.h"

void cc_rnn2_quantize_avx2(int16_t *q, const float *x, int n)
{
    const __m256 k127 = _mm256_set1_ps(127.0f);
    const __m256d half = _mm256_set1_pd(.5), lo = _mm256_set1_pd(-128.0),
                  hi = _mm256_set1_pd(127.0);
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 v = _mm256_mul_ps(k127, _mm256_loadu_ps(x + j));
        __m256d d0 = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
        __m256d d1 = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
        d0 = _mm256_floor_pd(_mm256_add_pd(half, d0));
        d1 = _mm256_floor_pd(_mm256_add_pd(half, d1));
        /* max(d, -128) takes -128 for NaN (the second operand), as the C version */
        d0 = _mm256_min_pd(_mm256_max_pd(d0, lo), hi);
        d1 = _mm256_min_pd(_mm256_max_pd(d1, lo), hi);
        __m128i i0 = _mm256_cvttpd_epi32(d0), i1 = _mm256_cvttpd_epi32(d1);
        _mm_storeu_si128((__m128i *)(void *)(q + j), _mm_packs_epi32(i0, i1));
    }
    if (j < n)
        cc_rnn2_quantize_c(q + j, x + j, n - j);
}

void cc_rnn2_gemv_i8_avx2(float *out, const int8_t *w, const int32_t *idx, int nb_outputs,
                          int nb_inputs, const int16_t *q, const float *scale,
                          const float *bias)
{
    for (int g = 0; g < nb_outputs; g += 8) {
        __m256i a0 = _mm256_setzero_si256(), a1 = _mm256_setzero_si256();
        int nb = idx ? *idx++ : nb_inputs / 4;
        for (int b = 0; b < nb; b++) {
            int col = idx ? *idx++ : 4 * b;
            int64_t x4;
            memcpy(&x4, q + col, sizeof(x4));
            __m256i xv = _mm256_set1_epi64x(x4);
            __m256i w0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)w));
            __m256i w1 =
                _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w + 16)));
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(w0, xv));
            a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(w1, xv));
            w += 32;
        }
        /* a0 = (r0 r0 r1 r1 | r2 r2 r3 r3), a1 likewise for r4..r7: pairwise sums give
           (r0 r1 r4 r5 | r2 r3 r6 r7), reordered to r0..r7 */
        __m256i s = _mm256_hadd_epi32(a0, a1);
        s = _mm256_permute4x64_epi64(s, _MM_SHUFFLE(3, 1, 2, 0));
        __m256 f = _mm256_mul_ps(_mm256_loadu_ps(scale + g), _mm256_cvtepi32_ps(s));
        _mm256_storeu_ps(out + g, _mm256_add_ps(f, _mm256_loadu_ps(bias + g)));
    }
}

void cc_rnn2_dense_f32_avx2(float *out, const float *w, int rows, int cols, const float *x,
                            const float *bias)
{
    memset(out, 0, sizeof(float) * (size_t)cols);
    cc_rnn_gemv_avx2(out, w, rows, cols, cols, x);
    int i = 0;
    for (; i + 8 <= cols; i += 8)
        _mm256_storeu_ps(out + i,
                         _mm256_add_ps(_mm256_loadu_ps(out + i), _mm256_loadu_ps(bias + i)));
    for (; i < cols; i++)
        out[i] += bias[i];
}

static inline __m256 tanh8(__m256 x)
{
    const __m256 n0 = _mm256_set1_ps(CC_RNN2_TANH_N0), n1 = _mm256_set1_ps(CC_RNN2_TANH_N1),
                 n2 = _mm256_set1_ps(CC_RNN2_TANH_N2), d0 = _mm256_set1_ps(CC_RNN2_TANH_D0),
                 d1 = _mm256_set1_ps(CC_RNN2_TANH_D1), d2 = _mm256_set1_ps(CC_RNN2_TANH_D2);
    const __m256 one = _mm256_set1_ps(1.0f), mone = _mm256_set1_ps(-1.0f);
    __m256 x2 = _mm256_mul_ps(x, x);
    __m256 num = _mm256_add_ps(_mm256_mul_ps(_mm256_add_ps(_mm256_mul_ps(n2, x2), n1), x2), n0);
    num = _mm256_mul_ps(num, x);
    __m256 den = _mm256_add_ps(_mm256_mul_ps(_mm256_add_ps(_mm256_mul_ps(d2, x2), d1), x2), d0);
    __m256 y = _mm256_div_ps(num, den);
    /* min_ps(a, b) = a < b ? a : b: min(1, y) keeps a NaN y, like the C "1 < y ? 1 : y" */
    y = _mm256_min_ps(one, y);
    return _mm256_max_ps(mone, y);
}

static inline __m256 sigmoid8(__m256 x)
{
    const __m256 half = _mm256_set1_ps(.5f);
    return _mm256_add_ps(half, _mm256_mul_ps(half, tanh8(_mm256_mul_ps(half, x))));
}

void cc_rnn2_tanh_avx2(float *y, const float *x, int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, tanh8(_mm256_loadu_ps(x + i)));
    for (; i < n; i++)
        y[i] = cc_rnn2_tanh(x[i]);
}

void cc_rnn2_sigmoid_avx2(float *y, const float *x, int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, sigmoid8(_mm256_loadu_ps(x + i)));
    for (; i < n; i++)
        y[i] = cc_rnn2_sigmoid(x[i]);
}

void cc_rnn2_gru_update_avx2(float *h, const float *in, const float *rec, const float *diag,
                             int n)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 hv = _mm256_loadu_ps(h + i);
        __m256 rz = _mm256_add_ps(_mm256_loadu_ps(rec + i),
                                  _mm256_mul_ps(_mm256_loadu_ps(diag + i), hv));
        __m256 rr = _mm256_add_ps(_mm256_loadu_ps(rec + n + i),
                                  _mm256_mul_ps(_mm256_loadu_ps(diag + n + i), hv));
        __m256 rn = _mm256_add_ps(_mm256_loadu_ps(rec + 2 * n + i),
                                  _mm256_mul_ps(_mm256_loadu_ps(diag + 2 * n + i), hv));
        __m256 z = sigmoid8(_mm256_add_ps(_mm256_loadu_ps(in + i), rz));
        __m256 r = sigmoid8(_mm256_add_ps(_mm256_loadu_ps(in + n + i), rr));
        __m256 c = tanh8(_mm256_add_ps(_mm256_loadu_ps(in + 2 * n + i), _mm256_mul_ps(r, rn)));
        __m256 hn = _mm256_add_ps(_mm256_mul_ps(z, hv), _mm256_mul_ps(_mm256_sub_ps(one, z), c));
        _mm256_storeu_ps(h + i, hn);
    }
    for (; i < n; i++) /* the scalar tail, on the same (3, n) layout */
        cc_rnn2_gru_lane(h, in, rec, diag, n, i);
}
