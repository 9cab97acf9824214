/* Picks the x86 variants of the RNNoise 0.2 kernels by CPU flag (built with baseline flags):
   AVX2 for everything, then AVX-VNNI for the int8 layers. */
#include <string.h>

#include "audio/rnn2kernels.h"
#include "cc_config.h"

#ifndef CC_HAVE_AVXVNNI /* set by src/audio/meson.build */
#define CC_HAVE_AVXVNNI 0
#endif

static int set_avx2(CcRnn2Kernels *k)
{
#if defined(__GNUC__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2"))
        return -1;
    k->quantize = cc_rnn2_quantize_avx2;
    k->gemv_i8 = cc_rnn2_gemv_i8_avx2;
    k->dense_f32 = cc_rnn2_dense_f32_avx2;
    k->tanh = cc_rnn2_tanh_avx2;
    k->sigmoid = cc_rnn2_sigmoid_avx2;
    k->gru_update = cc_rnn2_gru_update_avx2;
    k->name = "avx2";
    return 0;
#else
    (void)k;
    return -1;
#endif
}

static int set_avxvnni(CcRnn2Kernels *k)
{
#if CC_HAVE_AVXVNNI && defined(__GNUC__)
    if (!__builtin_cpu_supports("avxvnni"))
        return -1;
    k->gemv_i8 = cc_rnn2_gemv_i8_avxvnni;
    k->name = "avxvnni";
    return 0;
#else
    (void)k;
    return -1;
#endif
}

int cc_rnn2_kernels_init_x86_level(CcRnn2Kernels *k, const char *level)
{
    cc_rnn2_kernels_init_c(k);
    if (set_avx2(k) < 0)
        return -1;
    if (!strcmp(level, "avx2"))
        return 0;
    if (!strcmp(level, "avxvnni"))
        return set_avxvnni(k);
    return -1;
}

void cc_rnn2_kernels_init_x86(CcRnn2Kernels *k)
{
    if (set_avx2(k) < 0)
        return;
    set_avxvnni(k);
}
