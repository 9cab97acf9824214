/* Picks the x86 variants of the RNNoise 0.2 kernels by CPU flag (built with baseline flags). */
#include "audio/rnn2kernels.h"

void cc_rnn2_kernels_init_x86(CcRnn2Kernels *k)
{
#if defined(__GNUC__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2"))
        return;
    k->quantize = cc_rnn2_quantize_avx2;
    k->gemv_i8 = cc_rnn2_gemv_i8_avx2;
    k->dense_f32 = cc_rnn2_dense_f32_avx2;
    k->tanh = cc_rnn2_tanh_avx2;
    k->sigmoid = cc_rnn2_sigmoid_avx2;
    k->gru_update = cc_rnn2_gru_update_avx2;
    k->name = "avx2";
#else
    (void)k;
#endif
}
