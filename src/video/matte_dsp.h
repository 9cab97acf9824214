/*
 * Row kernels of the matte, C reference plus ISA variants chosen at run time.
 */
#ifndef CC_VIDEO_MATTE_DSP_H
#define CC_VIDEO_MATTE_DSP_H

#include <stdint.h>

typedef struct CcMatteDsp {
    /*
     * One output row of the mask: A = a0 + (a1 - a0) wy, B = b0 + (b1 - b0) wy (per pixel),
     * out = clamp((A * (y - y_off) * y_mul + B - 0.5) * G + 128) truncated to u8,
     * G = CC_MATTE_CURVE_GAIN, y = luma bytes y8[x * step] (step 1 or 2).
     */
    void (*apply_row_u8)(const float *a0, const float *a1, const float *b0, const float *b1,
                         float wy, float y_off, float y_mul, const uint8_t *y8, int step,
                         uint8_t *out, int w);
} CcMatteDsp;

/* Fills dsp with the best kernels this CPU runs (C reference first, then overrides). */
void cc_matte_dsp_init(CcMatteDsp *dsp);
/* C reference only (tests). */
void cc_matte_dsp_init_c(CcMatteDsp *dsp);
/* x86 overrides; flags: which ISA levels to allow (tests pass ~0 for all the CPU has). */
void cc_matte_dsp_init_x86(CcMatteDsp *dsp);

void cc_matte_apply_row_u8_c(const float *a0, const float *a1, const float *b0, const float *b1,
                             float wy, float y_off, float y_mul, const uint8_t *y8, int step,
                             uint8_t *out, int w);
void cc_matte_apply_row_u8_avx2(const float *a0, const float *a1, const float *b0,
                                const float *b1, float wy, float y_off, float y_mul,
                                const uint8_t *y8, int step, uint8_t *out, int w);

#define CC_MATTE_CURVE_GAIN (2.5f * 255.0f)

#endif
