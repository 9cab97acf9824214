/*
 * WebAssembly SIMD128 variants of the portable executor's kernels (table in exec.h; C
 * references in exec_ref.c). Compiled only in the wasm build with -msimd128 and chosen at
 * compile time (wasm has no run-time CPU flags; a module either validates or not).
 * wasm has no fused multiply-add: every output adds its terms in the C reference's order
 * with a separate multiply and add, so the results equal the C reference bit for bit.
 */
#ifndef __wasm_simd128__
#error "nn_simd128.c needs -msimd128"
#endif
#include <math.h>
#include <wasm_simd128.h>

#include "nn/exec.h"

static inline float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* min(max(v, lo), hi) with the C reference's NaN-free semantics for finite lo/hi. */
static inline v128_t vclamp(v128_t v, v128_t lo, v128_t hi)
{
    return wasm_f32x4_pmin(wasm_f32x4_pmax(v, lo), hi);
}

/*
 * Pointwise conv: tiles of NP pixels x 8 output channels in 2*NP accumulators (fits the 16
 * registers engines map v128 to); per input channel 2 weight loads, NP broadcasts.
 * Output (n_pix, co), input (n_pix, ci), weights (ci, co).
 */
#define TILE(NP)                                                                              \
    static void tile##NP(float *out, const float *in, const float *w, const float *bias,     \
                         int ci, int co, v128_t vlo, v128_t vhi, float lo, float hi)         \
    {                                                                                         \
        int k = 0;                                                                            \
        for (; k + 8 <= co; k += 8) {                                                         \
            v128_t a0[NP], a1[NP];                                                            \
            for (int j = 0; j < NP; j++) {                                                    \
                a0[j] = wasm_v128_load(bias + k);                                             \
                a1[j] = wasm_v128_load(bias + k + 4);                                         \
            }                                                                                 \
            const float *wr = w + k;                                                          \
            for (int c = 0; c < ci; c++, wr += co) {                                          \
                v128_t w0 = wasm_v128_load(wr), w1 = wasm_v128_load(wr + 4);                  \
                for (int j = 0; j < NP; j++) {                                                \
                    v128_t xb = wasm_v128_load32_splat(in + (size_t)j * ci + c);              \
                    a0[j] = wasm_f32x4_add(a0[j], wasm_f32x4_mul(xb, w0));                    \
                    a1[j] = wasm_f32x4_add(a1[j], wasm_f32x4_mul(xb, w1));                    \
                }                                                                             \
            }                                                                                 \
            for (int j = 0; j < NP; j++) {                                                    \
                wasm_v128_store(out + (size_t)j * co + k, vclamp(a0[j], vlo, vhi));           \
                wasm_v128_store(out + (size_t)j * co + k + 4, vclamp(a1[j], vlo, vhi));       \
            }                                                                                 \
        }                                                                                     \
        for (; k + 4 <= co; k += 4) {                                                         \
            v128_t a0[NP];                                                                    \
            for (int j = 0; j < NP; j++)                                                      \
                a0[j] = wasm_v128_load(bias + k);                                             \
            const float *wr = w + k;                                                          \
            for (int c = 0; c < ci; c++, wr += co) {                                          \
                v128_t w0 = wasm_v128_load(wr);                                               \
                for (int j = 0; j < NP; j++)                                                  \
                    a0[j] = wasm_f32x4_add(a0[j], wasm_f32x4_mul(                             \
                        wasm_v128_load32_splat(in + (size_t)j * ci + c), w0));                \
            }                                                                                 \
            for (int j = 0; j < NP; j++)                                                      \
                wasm_v128_store(out + (size_t)j * co + k, vclamp(a0[j], vlo, vhi));           \
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

void cc_nn_conv1x1_simd128(float *out, const float *in, const float *w, const float *bias,
                           size_t n_pix, int ci, int co, float lo, float hi)
{
    const v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
    size_t p = 0;
    for (; p + 4 <= n_pix; p += 4)
        tile4(out + p * co, in + p * ci, w, bias, ci, co, vlo, vhi, lo, hi);
    for (; p < n_pix; p++)
        tile1(out + p * co, in + p * ci, w, bias, ci, co, vlo, vhi, lo, hi);
}

/* Depthwise: per output pixel and block of 8 (then 4) channels, the window in registers,
   taps in (ky, kx) order like the C reference. */
void cc_nn_dwconv_simd128(float *y, const float *x, const float *w, const float *bias,
                          const CcNnDwParams *p)
{
    const int c = p->c;
    const v128_t vlo = wasm_f32x4_splat(p->lo), vhi = wasm_f32x4_splat(p->hi);
    for (int oy = 0; oy < p->oh; oy++) {
        const int iy0 = oy * p->sh - p->pad_top;
        const int ky0 = iy0 < 0 ? -iy0 : 0, ky1 = p->ih - iy0 < p->kh ? p->ih - iy0 : p->kh;
        for (int ox = 0; ox < p->ow; ox++) {
            const int ix0 = ox * p->sw - p->pad_left;
            const int kx0 = ix0 < 0 ? -ix0 : 0, kx1 = p->iw - ix0 < p->kw ? p->iw - ix0 : p->kw;
            float *o = y + ((size_t)oy * p->ow + ox) * c;
            if (c % 8 == 0 && ox + 1 < p->ow && ix0 >= 0 && ix0 + p->sw + p->kw <= p->iw) {
                /* two neighbouring outputs whose windows are inside the row: one load of each
                 * weight for both (the same taps in the same order per output) */
                const size_t sx = (size_t)p->sw * c;
                for (int ch = 0; ch < c; ch += 8) {
                    v128_t a0 = wasm_v128_load(bias + ch), a1 = wasm_v128_load(bias + ch + 4);
                    v128_t b0 = a0, b1 = a1;
                    for (int ky = ky0; ky < ky1; ky++) {
                        const float *xr = x + ((size_t)(iy0 + ky) * p->iw + ix0) * c + ch;
                        const float *wr = w + (size_t)ky * p->kw * c + ch;
                        for (int kx = 0; kx < p->kw; kx++) {
                            const float *xp = xr + (size_t)kx * c, *wp = wr + (size_t)kx * c;
                            const v128_t w0 = wasm_v128_load(wp), w1 = wasm_v128_load(wp + 4);
                            a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(xp), w0));
                            a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(xp + 4), w1));
                            b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(wasm_v128_load(xp + sx), w0));
                            b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(wasm_v128_load(xp + sx + 4), w1));
                        }
                    }
                    wasm_v128_store(o + ch, vclamp(a0, vlo, vhi));
                    wasm_v128_store(o + ch + 4, vclamp(a1, vlo, vhi));
                    wasm_v128_store(o + c + ch, vclamp(b0, vlo, vhi));
                    wasm_v128_store(o + c + ch + 4, vclamp(b1, vlo, vhi));
                }
                ox++;
                continue;
            }
            int ch = 0;
            for (; ch + 16 <= c; ch += 16) { /* 4 accumulators: fewer window walks */
                v128_t a0 = wasm_v128_load(bias + ch), a1 = wasm_v128_load(bias + ch + 4);
                v128_t a2 = wasm_v128_load(bias + ch + 8), a3 = wasm_v128_load(bias + ch + 12);
                for (int ky = ky0; ky < ky1; ky++) {
                    const float *xr = x + ((size_t)(iy0 + ky) * p->iw + ix0) * c + ch;
                    const float *wr = w + (size_t)ky * p->kw * c + ch;
                    for (int kx = kx0; kx < kx1; kx++) {
                        const float *xp = xr + (size_t)kx * c, *wp = wr + (size_t)kx * c;
                        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(xp), wasm_v128_load(wp)));
                        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(xp + 4), wasm_v128_load(wp + 4)));
                        a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load(xp + 8), wasm_v128_load(wp + 8)));
                        a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load(xp + 12), wasm_v128_load(wp + 12)));
                    }
                }
                wasm_v128_store(o + ch, vclamp(a0, vlo, vhi));
                wasm_v128_store(o + ch + 4, vclamp(a1, vlo, vhi));
                wasm_v128_store(o + ch + 8, vclamp(a2, vlo, vhi));
                wasm_v128_store(o + ch + 12, vclamp(a3, vlo, vhi));
            }
            for (; ch + 8 <= c; ch += 8) {
                v128_t a0 = wasm_v128_load(bias + ch), a1 = wasm_v128_load(bias + ch + 4);
                for (int ky = ky0; ky < ky1; ky++) {
                    const float *xr = x + ((size_t)(iy0 + ky) * p->iw + ix0) * c + ch;
                    const float *wr = w + (size_t)ky * p->kw * c + ch;
                    for (int kx = kx0; kx < kx1; kx++) {
                        const float *xp = xr + (size_t)kx * c, *wp = wr + (size_t)kx * c;
                        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(xp), wasm_v128_load(wp)));
                        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(xp + 4), wasm_v128_load(wp + 4)));
                    }
                }
                wasm_v128_store(o + ch, vclamp(a0, vlo, vhi));
                wasm_v128_store(o + ch + 4, vclamp(a1, vlo, vhi));
            }
            for (; ch + 4 <= c; ch += 4) {
                v128_t a0 = wasm_v128_load(bias + ch);
                for (int ky = ky0; ky < ky1; ky++) {
                    const float *xr = x + ((size_t)(iy0 + ky) * p->iw + ix0) * c + ch;
                    const float *wr = w + (size_t)ky * p->kw * c + ch;
                    for (int kx = kx0; kx < kx1; kx++)
                        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(xr + (size_t)kx * c),
                                                               wasm_v128_load(wr + (size_t)kx * c)));
                }
                wasm_v128_store(o + ch, vclamp(a0, vlo, vhi));
            }
            for (; ch < c; ch++) {
                float s = bias[ch];
                for (int ky = ky0; ky < ky1; ky++)
                    for (int kx = kx0; kx < kx1; kx++)
                        s += x[((size_t)(iy0 + ky) * p->iw + ix0 + kx) * c + ch] *
                             w[((size_t)ky * p->kw + kx) * c + ch];
                o[ch] = clampf(s, p->lo, p->hi);
            }
        }
    }
}

void cc_nn_hardswish_simd128(float *y, const float *x, size_t n)
{
    const v128_t three = wasm_f32x4_splat(3.0f), six = wasm_f32x4_splat(6.0f);
    const v128_t zero = wasm_f32x4_splat(0.0f), sixth = wasm_f32x4_splat(1.0f / 6.0f);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v128_t v = wasm_v128_load(x + i);
        v128_t r = wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_add(v, three), zero), six);
        wasm_v128_store(y + i, wasm_f32x4_mul(wasm_f32x4_mul(v, r), sixth));
    }
    for (; i < n; i++)
        y[i] = x[i] * clampf(x[i] + 3.0f, 0.0f, 6.0f) * (1.0f / 6.0f);
}

void cc_nn_clamp_simd128(float *y, const float *x, size_t n, float lo, float hi)
{
    const v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        wasm_v128_store(y + i, vclamp(wasm_v128_load(x + i), vlo, vhi));
    for (; i < n; i++)
        y[i] = clampf(x[i], lo, hi);
}

/*
 * dots for few rows (the last deconvolution: 4 rows of 16): lanes over the rows, the filter
 * transposed to (ci, nout rounded up to 4) on the stack; 4 pixels at a time in 4
 * accumulators. Each lane sums from 0 in channel order like the reference.
 */
#define DOTS_MAX 2048
void cc_nn_dots_simd128(float *s, const float *x, const float *w, size_t n_pix, int ci, int nout)
{
    const int nq = (nout + 3) & ~3;
    if ((size_t)ci * nq > DOTS_MAX) {
        for (size_t p = 0; p < n_pix; p++)
            for (int j = 0; j < nout; j++) {
                float a = 0;
                for (int c = 0; c < ci; c++)
                    a += x[p * (size_t)ci + c] * w[(size_t)j * ci + c];
                s[p * (size_t)nout + j] = a;
            }
        return;
    }
    float wt[DOTS_MAX] __attribute__((aligned(16)));
    for (int c = 0; c < ci; c++)
        for (int j = 0; j < nq; j++)
            wt[c * nq + j] = j < nout ? w[(size_t)j * ci + c] : 0.0f;
    float tail[4] __attribute__((aligned(16)));
    for (int j = 0; j < nq; j += 4) {
        const int full = j + 4 <= nout;
        size_t p = 0;
        for (; p + 4 <= n_pix; p += 4) {
            const float *x0 = x + p * (size_t)ci;
            v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
            for (int c = 0; c < ci; c++) {
                v128_t wv = wasm_v128_load(wt + c * nq + j);
                a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load32_splat(x0 + c), wv));
                a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load32_splat(x0 + ci + c), wv));
                a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load32_splat(x0 + 2 * ci + c), wv));
                a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load32_splat(x0 + 3 * ci + c), wv));
            }
            v128_t acc[4] = { a0, a1, a2, a3 };
            for (int q = 0; q < 4; q++) {
                float *o = s + (p + q) * (size_t)nout + j;
                if (full) {
                    wasm_v128_store(o, acc[q]);
                } else {
                    wasm_v128_store(tail, acc[q]);
                    for (int l = 0; l < nout - j; l++)
                        o[l] = tail[l];
                }
            }
        }
        for (; p < n_pix; p++) {
            const float *x0 = x + p * (size_t)ci;
            v128_t a0 = wasm_f32x4_splat(0.0f);
            for (int c = 0; c < ci; c++)
                a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load32_splat(x0 + c),
                                                       wasm_v128_load(wt + c * nq + j)));
            wasm_v128_store(tail, a0);
            for (int l = 0; l < (full ? 4 : nout - j); l++)
                s[p * (size_t)nout + j + l] = tail[l];
        }
    }
}

void cc_nn_binary_simd128(float *y, const float *a, const float *b, size_t n, int mul)
{
    size_t i = 0;
    if (mul) {
        for (; i + 8 <= n; i += 8) {
            wasm_v128_store(y + i, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
            wasm_v128_store(y + i + 4, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
        }
        for (; i + 4 <= n; i += 4)
            wasm_v128_store(y + i, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
        for (; i < n; i++)
            y[i] = a[i] * b[i];
    } else {
        for (; i + 8 <= n; i += 8) {
            wasm_v128_store(y + i, wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)));
            wasm_v128_store(y + i + 4, wasm_f32x4_add(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
        }
        for (; i + 4 <= n; i += 4)
            wasm_v128_store(y + i, wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)));
        for (; i < n; i++)
            y[i] = a[i] + b[i];
    }
}

void cc_nn_lerp2d_simd128(float *o, const float *p00, const float *p01, const float *p10,
                          const float *p11, float fx, float fy, int c)
{
    const v128_t vx = wasm_f32x4_splat(fx), vy = wasm_f32x4_splat(fy);
    int k = 0;
    for (; k + 4 <= c; k += 4) {
        v128_t a = wasm_v128_load(p00 + k), b = wasm_v128_load(p01 + k);
        v128_t d = wasm_v128_load(p10 + k), e = wasm_v128_load(p11 + k);
        v128_t top = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_f32x4_sub(b, a), vx));
        v128_t bot = wasm_f32x4_add(d, wasm_f32x4_mul(wasm_f32x4_sub(e, d), vx));
        wasm_v128_store(o + k, wasm_f32x4_add(top, wasm_f32x4_mul(wasm_f32x4_sub(bot, top), vy)));
    }
    for (; k < c; k++) {
        float top = p00[k] + (p01[k] - p00[k]) * fx;
        float bot = p10[k] + (p11[k] - p10[k]) * fx;
        o[k] = top + (bot - top) * fy;
    }
}

void cc_nn_kernels_init_wasm(CcNnKernels *k)
{
    k->dots = cc_nn_dots_simd128;
    k->binary = cc_nn_binary_simd128;
    k->lerp2d = cc_nn_lerp2d_simd128;
    k->conv1x1 = cc_nn_conv1x1_simd128;
    k->dwconv = cc_nn_dwconv_simd128;
    k->hardswish = cc_nn_hardswish_simd128;
    k->clamp = cc_nn_clamp_simd128;
}
