/*
 * AVX2 + FMA variants of the portable executor's kernels (table in exec.h; C references
 * in exec_ref.c). Compiled alone with -mavx2 -mfma; chosen at run time by CPU flags.
 */
#ifndef __AVX2__
#error "nn_avx2.c needs -mavx2 -mfma"
#endif
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "nn/exec.h"

void cc_nn_conv1x1_avx2(float *out, const float *in, const float *w, const float *bias,
                        size_t n_pix, int ci, int co, float lo, float hi);
void cc_nn_dwconv_avx2(float *y, const float *x, const float *w, const float *bias, const CcNnDwParams *p);
void cc_nn_hardswish_avx2(float *y, const float *x, size_t n);
void cc_nn_clamp_avx2(float *y, const float *x, size_t n, float lo, float hi);

static inline float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Pointwise conv: tiles of 4 pixels x 16 output channels held in 8 accumulators; per
 * input channel, 2 weight loads, 4 broadcasts, 8 FMAs. Then 8-channel and scalar tails
 * over channels, and 1-pixel tiles for the pixel remainder.
 */
#define TILE(NP)                                                                              \
    static void tile##NP(float *out, const float *in, const float *w, const float *bias,     \
                         int ci, int co, __m256 vlo, __m256 vhi, float lo, float hi)         \
    {                                                                                         \
        int k = 0;                                                                            \
        for (; k + 16 <= co; k += 16) {                                                       \
            __m256 a0[NP], a1[NP];                                                            \
            for (int j = 0; j < NP; j++) {                                                    \
                a0[j] = _mm256_loadu_ps(bias + k);                                            \
                a1[j] = _mm256_loadu_ps(bias + k + 8);                                        \
            }                                                                                 \
            const float *wr = w + k;                                                          \
            for (int c = 0; c < ci; c++, wr += co) {                                          \
                __m256 w0 = _mm256_loadu_ps(wr), w1 = _mm256_loadu_ps(wr + 8);               \
                for (int j = 0; j < NP; j++) {                                                \
                    __m256 xb = _mm256_broadcast_ss(in + (size_t)j * ci + c);                 \
                    a0[j] = _mm256_fmadd_ps(xb, w0, a0[j]);                                   \
                    a1[j] = _mm256_fmadd_ps(xb, w1, a1[j]);                                   \
                }                                                                             \
            }                                                                                 \
            for (int j = 0; j < NP; j++) {                                                    \
                a0[j] = _mm256_min_ps(_mm256_max_ps(a0[j], vlo), vhi);                        \
                a1[j] = _mm256_min_ps(_mm256_max_ps(a1[j], vlo), vhi);                        \
                _mm256_storeu_ps(out + (size_t)j * co + k, a0[j]);                            \
                _mm256_storeu_ps(out + (size_t)j * co + k + 8, a1[j]);                        \
            }                                                                                 \
        }                                                                                     \
        for (; k + 8 <= co; k += 8) {                                                         \
            __m256 a0[NP];                                                                    \
            for (int j = 0; j < NP; j++)                                                      \
                a0[j] = _mm256_loadu_ps(bias + k);                                            \
            const float *wr = w + k;                                                          \
            for (int c = 0; c < ci; c++, wr += co) {                                          \
                __m256 w0 = _mm256_loadu_ps(wr);                                              \
                for (int j = 0; j < NP; j++)                                                  \
                    a0[j] = _mm256_fmadd_ps(_mm256_broadcast_ss(in + (size_t)j * ci + c), w0, a0[j]); \
            }                                                                                 \
            for (int j = 0; j < NP; j++)                                                      \
                _mm256_storeu_ps(out + (size_t)j * co + k,                                    \
                                 _mm256_min_ps(_mm256_max_ps(a0[j], vlo), vhi));              \
        }                                                                                     \
        for (; k < co; k++) {                                                                 \
            for (int j = 0; j < NP; j++) {                                                    \
                float s = bias[k];                                                            \
                for (int c = 0; c < ci; c++)                                                  \
                    s += in[(size_t)j * ci + c] * w[(size_t)c * co + k];                      \
                out[(size_t)j * co + k] = clampf(s, lo, hi);                                  \
            }                                                                                 \
        }                                                                                     \
    }
TILE(4)
TILE(1)

void cc_nn_conv1x1_avx2(float *out, const float *in, const float *w, const float *bias,
                        size_t n_pix, int ci, int co, float lo, float hi)
{
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
    size_t p = 0;
    for (; p + 4 <= n_pix; p += 4)
        tile4(out + p * co, in + p * ci, w, bias, ci, co, vlo, vhi, lo, hi);
    for (; p < n_pix; p++)
        tile1(out + p * co, in + p * ci, w, bias, ci, co, vlo, vhi, lo, hi);
}

/* Depthwise: per output pixel and block of 8 channels, the window accumulates in a register. */
void cc_nn_dwconv_avx2(float *y, const float *x, const float *w, const float *bias, const CcNnDwParams *p)
{
    const int c = p->c;
    const __m256 vlo = _mm256_set1_ps(p->lo), vhi = _mm256_set1_ps(p->hi);
    for (int oy = 0; oy < p->oh; oy++) {
        const int iy0 = oy * p->sh - p->pad_top;
        const int ky0 = iy0 < 0 ? -iy0 : 0, ky1 = p->ih - iy0 < p->kh ? p->ih - iy0 : p->kh;
        for (int ox = 0; ox < p->ow; ox++) {
            const int ix0 = ox * p->sw - p->pad_left;
            const int kx0 = ix0 < 0 ? -ix0 : 0, kx1 = p->iw - ix0 < p->kw ? p->iw - ix0 : p->kw;
            float *o = y + ((size_t)oy * p->ow + ox) * c;
            int ch = 0;
            for (; ch + 8 <= c; ch += 8) {
                __m256 acc = _mm256_loadu_ps(bias + ch);
                for (int ky = ky0; ky < ky1; ky++) {
                    const float *xr = x + ((size_t)(iy0 + ky) * p->iw + ix0) * c + ch;
                    const float *wr = w + (size_t)ky * p->kw * c + ch;
                    for (int kx = kx0; kx < kx1; kx++)
                        acc = _mm256_fmadd_ps(_mm256_loadu_ps(xr + (size_t)kx * c),
                                              _mm256_loadu_ps(wr + (size_t)kx * c), acc);
                }
                _mm256_storeu_ps(o + ch, _mm256_min_ps(_mm256_max_ps(acc, vlo), vhi));
            }
            for (; ch < c; ch++) {
                float s = bias[ch];
                for (int ky = ky0; ky < ky1; ky++)
                    for (int kx = kx0; kx < kx1; kx++)
                        s += x[((size_t)(iy0 + ky) * p->iw + ix0 + kx) * c + ch] * w[((size_t)ky * p->kw + kx) * c + ch];
                o[ch] = clampf(s, p->lo, p->hi);
            }
        }
    }
}

void cc_nn_hardswish_avx2(float *y, const float *x, size_t n)
{
    const __m256 three = _mm256_set1_ps(3.0f), six = _mm256_set1_ps(6.0f), zero = _mm256_setzero_ps();
    const __m256 sixth = _mm256_set1_ps(1.0f / 6.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 r = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(v, three), zero), six);
        _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_mul_ps(v, r), sixth));
    }
    for (; i < n; i++)
        y[i] = x[i] * clampf(x[i] + 3.0f, 0.0f, 6.0f) * (1.0f / 6.0f);
}

void cc_nn_clamp_avx2(float *y, const float *x, size_t n, float lo, float hi)
{
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_min_ps(_mm256_max_ps(_mm256_loadu_ps(x + i), vlo), vhi));
    for (; i < n; i++)
        y[i] = clampf(x[i], lo, hi);
}
