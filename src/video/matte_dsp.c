#include "matte_dsp.h"

#include "cc_config.h"

void cc_matte_apply_row_u8_c(const float *a0, const float *a1, const float *b0, const float *b1,
                             float wy, float y_off, float y_mul, const uint8_t *y8, int step,
                             uint8_t *out, int w)
{
    const float g = y_mul * CC_MATTE_CURVE_GAIN;
    for (int x = 0; x < w; x++) {
        float A = a0[x] + (a1[x] - a0[x]) * wy;
        float B = b0[x] + (b1[x] - b0[x]) * wy;
        float ka = A * g;
        float kb = (B - 0.5f) * CC_MATTE_CURVE_GAIN + 128.0f - ka * y_off;
        float v = ka * y8[x * step] + kb;
        v = v < 0.0f ? 0.0f : v;
        v = v > 255.0f ? 255.0f : v;
        out[x] = (uint8_t)(int)v;
    }
}

void cc_matte_dsp_init_c(CcMatteDsp *dsp)
{
    dsp->apply_row_u8 = cc_matte_apply_row_u8_c;
}

void cc_matte_dsp_init(CcMatteDsp *dsp)
{
    cc_matte_dsp_init_c(dsp);
#if CC_ARCH_X86_64
    cc_matte_dsp_init_x86(dsp);
#endif
}
