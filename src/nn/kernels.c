/* Kernel table: C reference, overridden by SIMD variants the CPU supports. */
#include "cc_config.h"
#include "nn/exec.h"

void cc_nn_kernels_init(CcNnKernels *k, int simd)
{
    cc_nn_kernels_init_c(k);
    (void)simd;
}
