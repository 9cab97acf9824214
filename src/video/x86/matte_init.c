/* Picks the x86 variants of the video kernels (matte, tensor conversion) by CPU flag
 * (compiled with baseline flags). */
#include "video/matte_dsp.h"
#include "video/pixfmt.h"

static int have_avx2_fma(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

void cc_matte_dsp_init_x86(CcMatteDsp *dsp)
{
    if (!have_avx2_fma())
        return;
    dsp->box_h = cc_matte_box_h_avx2;
    dsp->box_v = cc_matte_box_v_avx2;
    dsp->edge_px = cc_matte_edge_px_avx2;
    dsp->steady = cc_matte_steady_avx2;
    dsp->products = cc_matte_products_avx2;
    dsp->classify = cc_matte_classify_avx2;
    dsp->block_sums = cc_matte_block_sums_avx2;
    dsp->p_row = cc_matte_p_row_avx2;
}

void cc_pixfmt_dsp_init_x86(CcPixfmtDsp *dsp)
{
    if (!have_avx2_fma())
        return;
    dsp->tensor_row_yuv = cc_tensor_row_yuv_avx2;
    dsp->colsum_u8 = cc_colsum_u8_avx2;
}
