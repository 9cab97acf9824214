/*
 * Row kernels of the matte's colour guided filter, C reference plus ISA variants chosen at
 * run time (tests/video/test_matte_dsp.c runs every variant against C).
 *
 * The filter's statistics are box means of NC channels stored interleaved, (h, w, NC) with NC
 * a multiple of 4 (16 for Y U V P and their products, 4 for the coefficients): a horizontal
 * sliding sum then a vertical one, each a plain vector add over the channels, so one pass
 * serves every channel at full SIMD width instead of one scalar running sum per plane.
 */
#ifndef CC_VIDEO_MATTE_DSP_H
#define CC_VIDEO_MATTE_DSP_H

#include <stdint.h>

/* The output curve of the realtime matte's edge pixels (see edge_px). */
typedef struct CcMatteCurve {
    float tau, inv_tau; /* gate width (0: no gate) and its inverse */
    float g_in, g_out;  /* 255 x contrast gain in and outside the band */
} CcMatteCurve;

/* Gains of the temporal steadying (see steady). */
typedef struct CcMatteSteady {
    float kmin, gain_motion, gain_prob, gain_drop;
} CcMatteSteady;

typedef struct CcMatteDsp {
    /*
     * Horizontal box mean of `rows` consecutive interleaved rows (w * nc floats each):
     * dst[x, c] = mean of src[k, c] over k in [x - r, x + r] clipped to [0, w) (divided by
     * the clipped count). nc % 4 == 0, w >= 1, r >= 0, rows >= 1; dst and src do not alias.
     * Each row's result is the same whether it comes alone or with others (variants may run
     * rows side by side: a row's running sum is a chain of dependent adds).
     */
    void (*box_h)(float *dst, const float *src, int w, int nc, int r, int rows);
    /*
     * One step of the vertical sliding sum: acc[i] += add[i] - sub[i] (add or sub may be
     * NULL: skipped), then dst[i] = acc[i] * inv, for i < n (n % 4 == 0).
     */
    void (*box_v)(float *dst, float *acc, const float *add, const float *sub, float inv, int n);
    /*
     * Output of n edge pixels. Per pixel: the guided filter's q = ay gy + au gu + av gv + b
     * (co: four planes ay, au, av, b at co + k * cstride), the model's p (pp) and the band
     * class (band: 2 the filter moves the edge either way, 1 it may only remove foreground,
     * 0 off). q is p where off (or where 1 and q > p); then the gate
     * g = clamp((tau - |2p - 1|) / tau, 0, 1) gives q = p + g (q - p) (tau > 0), and
     * dst = (uint8)clamp((q - 0.5) G + 128, 0, 255), G = g_in in the band, else g_out.
     * Plain multiplies and adds in this order (no FMA): every variant gives the same bytes.
     */
    /*
     * Temporal steadying of n model pixels: motion = mean over the 3 channels of
     * |tensor - prev| (interleaved (n, 3)), p = prob (0 below 1e-6), d = p - state,
     * k = min(kmin + gain_motion motion + (d < 0 ? gain_drop : gain_prob) |d|, 1),
     * state += k d (0 below 1e-6). Same operations in every variant.
     */
    void (*steady)(float *state, const float *prob, const float *tensor, const float *prev,
                   int n, const CcMatteSteady *g);
    /*
     * The guided filter's 16 statistics channels of n pixels from the planes y, u, v, p:
     * dst[x * 16 + c] = Y U V P, YY YU YV UU, UV VV YP UP, VP 0 0 0.
     */
    void (*products)(float *dst, const float *y, const float *u, const float *v, const float *p,
                     int n);
    /*
     * One row of working cells: cell i spans p0[i], p0[i1], p1[i], p1[i1] (i1 = min(i + 1,
     * n - 1)), with mn / mx the least / greatest of the four: cell[i] = 0 (mx <= zlo),
     * 1 (mn >= zhi) or 2 (mixed); band[i] = 2 where mn < 0.5 <= mx and mx - mn >= steep
     * (the steep 0.5 contour crosses it), else 0.
     */
    void (*classify)(uint8_t *cell, uint8_t *band, const float *p0, const float *p1, int n,
                     float zlo, float zhi, float steep);
    /* The guide downsample's block sums: out[i] = cs[i f] + ... + cs[i f + f - 1], i < n. */
    void (*block_sums)(float *out, const uint16_t *cs, int n, int f);
    void (*edge_px)(uint8_t *dst, const float *gy, const float *gu, const float *gv,
                    const float *co, int cstride, const float *pp, const uint8_t *band, int n,
                    const CcMatteCurve *c);
    /*
     * The model's p at n frame pixels of one row, bilinear from two model rows r0, r1:
     * t = r0[i0[x]] + (r0[i1[x]] - r0[i0[x]]) w[x], b likewise from r1,
     * dst[x] = t + (b - t) wy. The same operations in every variant (no FMA).
     */
    void (*p_row)(float *dst, const float *r0, const float *r1, const int32_t *i0,
                  const int32_t *i1, const float *w, float wy, int n);
} CcMatteDsp;

/* Fills dsp with the best kernels this CPU runs (C reference first, then overrides). */
void cc_matte_dsp_init(CcMatteDsp *dsp);
/* C reference only (tests). */
void cc_matte_dsp_init_c(CcMatteDsp *dsp);
/* x86 overrides for what the CPU has. */
void cc_matte_dsp_init_x86(CcMatteDsp *dsp);
#if defined(__wasm_simd128__) /* the wasm build only (web/Makefile): video/wasm/matte_simd128.c */
void cc_matte_dsp_init_wasm(CcMatteDsp *dsp);
#endif

void cc_matte_box_h_c(float *dst, const float *src, int w, int nc, int r, int rows);
void cc_matte_box_v_c(float *dst, float *acc, const float *add, const float *sub, float inv, int n);
void cc_matte_block_sums_c(float *out, const uint16_t *cs, int n, int f);
void cc_matte_block_sums_avx2(float *out, const uint16_t *cs, int n, int f);
void cc_matte_classify_c(uint8_t *cell, uint8_t *band, const float *p0, const float *p1, int n,
                         float zlo, float zhi, float steep);
void cc_matte_classify_avx2(uint8_t *cell, uint8_t *band, const float *p0, const float *p1,
                            int n, float zlo, float zhi, float steep);
void cc_matte_products_c(float *dst, const float *y, const float *u, const float *v,
                         const float *p, int n);
void cc_matte_products_avx2(float *dst, const float *y, const float *u, const float *v,
                            const float *p, int n);
void cc_matte_steady_c(float *state, const float *prob, const float *tensor, const float *prev,
                       int n, const CcMatteSteady *g);
void cc_matte_steady_avx2(float *state, const float *prob, const float *tensor,
                          const float *prev, int n, const CcMatteSteady *g);
void cc_matte_edge_px_c(uint8_t *dst, const float *gy, const float *gu, const float *gv,
                        const float *co, int cstride, const float *pp, const uint8_t *band,
                        int n, const CcMatteCurve *c);
void cc_matte_edge_px_avx2(uint8_t *dst, const float *gy, const float *gu, const float *gv,
                           const float *co, int cstride, const float *pp, const uint8_t *band,
                           int n, const CcMatteCurve *c);
void cc_matte_p_row_c(float *dst, const float *r0, const float *r1, const int32_t *i0,
                      const int32_t *i1, const float *w, float wy, int n);
void cc_matte_p_row_avx2(float *dst, const float *r0, const float *r1, const int32_t *i0,
                         const int32_t *i1, const float *w, float wy, int n);
void cc_matte_box_h_avx2(float *dst, const float *src, int w, int nc, int r, int rows);
void cc_matte_box_v_avx2(float *dst, float *acc, const float *add, const float *sub, float inv,
                         int n);

#endif
