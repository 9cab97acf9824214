/* Picks the x86 variants of the NN kernels by CPU flags (compiled with baseline flags). */
#include "nn/exec.h"

void cc_nn_conv1x1_avx2(float *out, const float *in, const float *w, const float *bias,
                        size_t n_pix, int ci, int co, float lo, float hi);
void cc_nn_dwconv_avx2(float *y, const float *x, const float *w, const float *bias, const CcNnDwParams *p);
void cc_nn_hardswish_avx2(float *y, const float *x, size_t n);
void cc_nn_clamp_avx2(float *y, const float *x, size_t n, float lo, float hi);

void cc_nn_kernels_init_x86(CcNnKernels *k)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        return;
    k->conv1x1 = cc_nn_conv1x1_avx2;
    k->dwconv = cc_nn_dwconv_avx2;
    k->hardswish = cc_nn_hardswish_avx2;
    k->clamp = cc_nn_clamp_avx2;
}
