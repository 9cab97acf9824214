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

typedef struct CcMatteDsp {
    /*
     * Horizontal box mean of one interleaved row: dst[x, c] = mean of src[k, c] over
     * k in [x - r, x + r] clipped to [0, w) (divided by the clipped count). nc % 4 == 0,
     * w >= 1, r >= 0; dst and src do not alias.
     */
    void (*box_h)(float *dst, const float *src, int w, int nc, int r);
    /*
     * One step of the vertical sliding sum: acc[i] += add[i] - sub[i] (add or sub may be
     * NULL: skipped), then dst[i] = acc[i] * inv, for i < n (n % 4 == 0).
     */
    void (*box_v)(float *dst, float *acc, const float *add, const float *sub, float inv, int n);
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

void cc_matte_box_h_c(float *dst, const float *src, int w, int nc, int r);
void cc_matte_box_v_c(float *dst, float *acc, const float *add, const float *sub, float inv, int n);
void cc_matte_box_h_avx2(float *dst, const float *src, int w, int nc, int r);
void cc_matte_box_v_avx2(float *dst, float *acc, const float *add, const float *sub, float inv,
                         int n);

#endif
