/* C reference kernels and the function-table init (see rnnkernels.h). */
#include <stddef.h>

#include "audio/rnnkernels.h"

#include "cc_config.h"

void cc_rnn_gemv_c(float *acc, const float *w, int rows, int cols, int stride,
                   const float *x)
{
    /* Row by row: each acc[i] sees its terms in j order, like the reference's dot product. */
    for (int j = 0; j < rows; j++) {
        const float *row = w + (size_t)j * stride;
        float xj = x[j];
        for (int i = 0; i < cols; i++)
            acc[i] += row[i] * xj;
    }
}

void cc_rnn_xcorr_c(const float *x, const float *y, float *xcorr, int len, int max_lag)
{
    int i = 0;
    /* Four lags at once: independent add chains, each still in j order. */
    for (; i + 4 <= max_lag; i += 4) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        const float *yi = y + i;
        for (int j = 0; j < len; j++) {
            float xj = x[j];
            s0 += xj * yi[j];
            s1 += xj * yi[j + 1];
            s2 += xj * yi[j + 2];
            s3 += xj * yi[j + 3];
        }
        xcorr[i] = s0;
        xcorr[i + 1] = s1;
        xcorr[i + 2] = s2;
        xcorr[i + 3] = s3;
    }
    for (; i < max_lag; i++) {
        float s = 0;
        for (int j = 0; j < len; j++)
            s += x[j] * y[i + j];
        xcorr[i] = s;
    }
}

/* Four lags per pass over x: four independent add chains, each still in j order. */
void cc_rnn_xcorr_lags_c(const float *x, int len, const int *lag, int count, float *out)
{
    for (int i = 0; i < count; i += 4) {
        int m = count - i < 4 ? count - i : 4;
        const float *y0 = x - lag[i], *y1 = x - lag[i + (m > 1)];
        const float *y2 = x - lag[i + (m > 2 ? 2 : 0)], *y3 = x - lag[i + (m > 3 ? 3 : 0)];
        float s[4] = { 0, 0, 0, 0 };
        for (int j = 0; j < len; j++) {
            float xj = x[j];
            s[0] += xj * y0[j];
            s[1] += xj * y1[j];
            s[2] += xj * y2[j];
            s[3] += xj * y3[j];
        }
        for (int t = 0; t < m; t++)
            out[i + t] = s[t];
    }
}

float cc_rnn_dot8_c(const float *w, const float *v, int n)
{
    float lane[8] = { 0 };
    for (int i = 0; i < n; i += 8)
        for (int l = 0; l < 8; l++)
            lane[l] += w[i + l] * v[i + l];
    float q0 = lane[0] + lane[4], q1 = lane[1] + lane[5];
    float q2 = lane[2] + lane[6], q3 = lane[3] + lane[7];
    return (q0 + q2) + (q1 + q3);
}

void cc_rnn_kernels_init_c(CcRnnKernels *k)
{
    k->gemv = cc_rnn_gemv_c;
    k->xcorr = cc_rnn_xcorr_c;
    k->xcorr_lags = cc_rnn_xcorr_lags_c;
    k->dot8 = cc_rnn_dot8_c;
    k->name = "c";
}

void cc_rnn_kernels_init(CcRnnKernels *k)
{
    cc_rnn_kernels_init_c(k);
#if CC_ARCH_X86_64 && (defined(__x86_64__) || defined(_M_X64))
    cc_rnn_kernels_init_x86(k);
#endif
#if CC_ARCH_WASM && defined(__wasm_simd128__)
    cc_rnn_kernels_init_wasm(k);
#endif
}
