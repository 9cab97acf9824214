#include "video/matte_dsp.h"

void cc_matte_dsp_init_x86(CcMatteDsp *dsp)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        return;
    dsp->box_h = cc_matte_box_h_avx2;
    dsp->box_v = cc_matte_box_v_avx2;
    dsp->edge_px = cc_matte_edge_px_avx2;
    dsp->steady = cc_matte_steady_avx2;
    dsp->products = cc_matte_products_avx2;
    dsp->classify = cc_matte_classify_avx2;
    dsp->block_sums = cc_matte_block_sums_avx2;
}
