/* C reference kernels and the function-table init (see rnnkernels.h). */
#include <stddef.h>

#include "audio/rnnkernels.h"

#include "cc_config.h"

void cc_rnn_gemv_i8_c(float *acc, const int8_t *w, int rows, int cols, int stride,
                      const float *x)
{
    /* Row by row: each acc[i] sees its terms in j order, like the reference's dot product. */
    for (int j = 0; j < rows; j++) {
        const int8_t *row = w + (size_t)j * stride;
        float xj = x[j];
        for (int i = 0; i < cols; i++)
            acc[i] += (float)row[i] * xj;
    }
}

void cc_rnn_xcorr_c(const float *x, const float *y, float *xcorr, int len, int max_lag)
{
    for (int i = 0; i < max_lag; i++) {
        float s = 0;
        for (int j = 0; j < len; j++)
            s += x[j] * y[i + j];
        xcorr[i] = s;
    }
}

void cc_rnn_kernels_init_c(CcRnnKernels *k)
{
    k->gemv_i8 = cc_rnn_gemv_i8_c;
    k->xcorr = cc_rnn_xcorr_c;
    k->name = "c";
}

void cc_rnn_kernels_init(CcRnnKernels *k)
{
    cc_rnn_kernels_init_c(k);
#if CC_ARCH_X86_64 && (defined(__x86_64__) || defined(_M_X64))
    cc_rnn_kernels_init_x86(k);
#endif
}
