/* Picks the x86 FFT stages by CPU flag (built with baseline flags). */
#include "dsp/fft_stages.h"

void cc_fft_stages_init_x86(CcFftStages *s)
{
#if defined(__GNUC__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2"))
        return;
    s->radix[2] = cc_fft_stage2_avx2;
    s->radix[3] = cc_fft_stage3_avx2;
    s->radix[4] = cc_fft_stage4_avx2;
    s->radix[5] = cc_fft_stage5_avx2;
    s->name = "avx2";
#else
    (void)s;
#endif
}
