/*
 * AVX-VNNI int8 layer for the RNNoise 0.2 network (see rnn2kernels.h); same bits as the C
 * reference.
 *
 * vpdpbusd adds, in each 32-bit lane, the four products of unsigned bytes by signed bytes,
 * without intermediate saturation. An 8x4 block is exactly eight such lanes (row r's four
 * weights are bytes 4r..4r+3), so one instruction applies a block to the four inputs
 * broadcast to every lane. The inputs are signed, so they go in offset by 128 (0..255) and
 * the offset is taken back with a second vpdpbusd of the same block against 128s:
 *   sum (q + 128) w - sum 128 w = sum q w, all in exact 32-bit integers.
 * The rest (scale, bias) is the AVX2 kernel's.
 */
#if !defined(__AVX2__) || !defined(__AVXVNNI__)
#error "build this file with -mavx2 -mavxvnni"
#endif
#include <immintrin.h>

#include <stdint.h>
#include <string.h>

#include "audio/rnn2kernels.h"

#define MAX_INPUTS 1024

void cc_rnn2_gemv_i8_avxvnni(float *out, const int8_t *w, const int32_t *idx, int nb_outputs,
                             int nb_inputs, const int16_t *q, const float *scale,
                             const float *bias)
{
    if (nb_inputs > MAX_INPUTS) {
        cc_rnn2_gemv_i8_avx2(out, w, idx, nb_outputs, nb_inputs, q, scale, bias);
        return;
    }
    /* q + 128 as bytes (q is within -128..127, quantize() clamps) */
    uint8_t u[MAX_INPUTS];
    for (int j = 0; j < nb_inputs; j++)
        u[j] = (uint8_t)(q[j] + 128);
    const __m256i k128 = _mm256_set1_epi8((char)128);
    const int32_t *dense_cols = NULL;
    int32_t cols[MAX_INPUTS / 4];
    if (!idx) { /* a dense layer: every block, columns 0, 4, 8, ... */
        for (int c = 0; c < nb_inputs / 4; c++)
            cols[c] = 4 * c;
        dense_cols = cols;
    }
    for (int g = 0; g < nb_outputs; g += 8) {
        int nb;
        const int32_t *col;
        if (idx) {
            nb = *idx++;
            col = idx;
            idx += nb;
        } else {
            nb = nb_inputs / 4;
            col = dense_cols;
        }
        /* four independent accumulator pairs: vpdpbusd's latency, not its throughput, would
           otherwise set the pace (integer sums, so the split changes nothing) */
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
        __m256i o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        int b = 0;
        for (; b + 4 <= nb; b += 4, w += 128) {
            int32_t x0, x1, x2, x3;
            memcpy(&x0, u + col[b], 4);
            memcpy(&x1, u + col[b + 1], 4);
            memcpy(&x2, u + col[b + 2], 4);
            memcpy(&x3, u + col[b + 3], 4);
            __m256i w0 = _mm256_loadu_si256((const __m256i *)(const void *)w);
            __m256i w1 = _mm256_loadu_si256((const __m256i *)(const void *)(w + 32));
            __m256i w2 = _mm256_loadu_si256((const __m256i *)(const void *)(w + 64));
            __m256i w3 = _mm256_loadu_si256((const __m256i *)(const void *)(w + 96));
            a0 = _mm256_dpbusd_avx_epi32(a0, _mm256_set1_epi32(x0), w0);
            a1 = _mm256_dpbusd_avx_epi32(a1, _mm256_set1_epi32(x1), w1);
            a2 = _mm256_dpbusd_avx_epi32(a2, _mm256_set1_epi32(x2), w2);
            a3 = _mm256_dpbusd_avx_epi32(a3, _mm256_set1_epi32(x3), w3);
            o0 = _mm256_dpbusd_avx_epi32(o0, k128, w0);
            o1 = _mm256_dpbusd_avx_epi32(o1, k128, w1);
            o2 = _mm256_dpbusd_avx_epi32(o2, k128, w2);
            o3 = _mm256_dpbusd_avx_epi32(o3, k128, w3);
        }
        for (; b < nb; b++, w += 32) {
            int32_t x4;
            memcpy(&x4, u + col[b], 4);
            __m256i wv = _mm256_loadu_si256((const __m256i *)(const void *)w);
            a0 = _mm256_dpbusd_avx_epi32(a0, _mm256_set1_epi32(x4), wv);
            o0 = _mm256_dpbusd_avx_epi32(o0, k128, wv);
        }
        __m256i acc = _mm256_add_epi32(_mm256_add_epi32(a0, a1), _mm256_add_epi32(a2, a3));
        __m256i off = _mm256_add_epi32(_mm256_add_epi32(o0, o1), _mm256_add_epi32(o2, o3));
        __m256i s = _mm256_sub_epi32(acc, off);
        __m256 f = _mm256_mul_ps(_mm256_loadu_ps(scale + g), _mm256_cvtepi32_ps(s));
        _mm256_storeu_ps(out + g, _mm256_add_ps(f, _mm256_loadu_ps(bias + g)));
    }
}
