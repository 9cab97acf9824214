/* Picks the x86 variants of the RNNoise kernels by CPU flag (built with baseline flags). */
#include "audio/rnnkernels.h"

void cc_rnn_kernels_init_x86(CcRnnKernels *k)
{
#if defined(__GNUC__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2"))
        return;
    k->gemv = cc_rnn_gemv_avx2;
    k->xcorr = cc_rnn_xcorr_avx2;
    k->dot8 = cc_rnn_dot8_avx2;
    k->name = "avx2";
#else
    (void)k;
#endif
}
