/* Kernel table: C reference, overridden by SIMD variants the CPU supports. */
#include "cc_config.h"
#include "nn/exec.h"

void cc_nn_kernels_init(CcNnKernels *k, int simd)
{
    cc_nn_kernels_init_c(k);
    if (!simd)
        return;
#if CC_ARCH_X86_64
    cc_nn_kernels_init_x86(k);
#endif
#if CC_ARCH_WASM && defined(__wasm_simd128__)
    cc_nn_kernels_init_wasm(k);
#endif
}
