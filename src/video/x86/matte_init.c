#include "video/matte_dsp.h"

void cc_matte_dsp_init_x86(CcMatteDsp *dsp)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        return;
    dsp->apply_row_u8 = cc_matte_apply_row_u8_avx2;
}
