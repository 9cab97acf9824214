/* Picks the x86 variants of the image kernels by CPU flag (compiled with baseline flags). */
#include "dsp/image/image.h"
#include "dsp/image/x86/image_x86.h"

void cc_image_dsp_init_x86(CcImageDsp *dsp, unsigned flags)
{
    if (!(flags & CC_CPU_AVX2))
        return;
    dsp->blend_lerp = cc_blend_lerp_avx2;
    dsp->wacc1 = cc_wacc1_avx2;
    dsp->mask_down2x2 = cc_mask_down2x2_avx2;
    dsp->span_add = cc_span_add_avx2;
    dsp->hup = cc_hup_avx2;
    dsp->waccn = cc_waccn_avx2;
    dsp->expand_mask = cc_expand_mask_avx2;
    dsp->yuyv_split = cc_yuyv_split_avx2;
    dsp->yuyv_merge = cc_yuyv_merge_avx2;
    dsp->prefix_u16 = cc_prefix_u16_avx2;
    dsp->hsum_u16 = cc_hsum_u16_avx2;

    if (!(flags & CC_CPU_AVX512))
        return;
    dsp->blend_lerp = cc_blend_lerp_avx512;
    dsp->wacc1 = cc_wacc1_avx512;
    dsp->span_add = cc_span_add_avx512;
}
