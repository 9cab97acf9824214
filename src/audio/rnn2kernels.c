/* C reference kernels of the RNNoise 0.2 network and the function-table init (see
   rnn2kernels.h). */
#include "audio/rnn2kernels.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "audio/rnnkernels.h"
#include "cc_config.h"

void cc_rnn2_quantize_c(int16_t *q, const float *x, int n)
{
    for (int j = 0; j < n; j++) {
        float v = 127.0f * x[j];
        double r = floor(.5 + (double)v);
        if (!(r >= -128.0)) /* also NaN */
            r = -128.0;
        if (r > 127.0)
            r = 127.0;
        q[j] = (int16_t)r;
    }
}

/*
 * One group of 8 outputs at a time; each block adds its 8 x 4 products to the 8 integer
 * sums. Block byte r * 4 + c is the weight of output r and input column + c.
 */
void cc_rnn2_gemv_i8_c(float *out, const int8_t *w, const int32_t *idx, int nb_outputs,
                       int nb_inputs, const int16_t *q, const float *scale, const float *bias)
{
    for (int g = 0; g < nb_outputs; g += 8) {
        int32_t acc[8] = { 0 };
        int nb = idx ? *idx++ : nb_inputs / 4;
        for (int b = 0; b < nb; b++) {
            int col = idx ? *idx++ : 4 * b;
            const int16_t *x = q + col;
            for (int r = 0; r < 8; r++)
                acc[r] += w[4 * r] * x[0] + w[4 * r + 1] * x[1] + w[4 * r + 2] * x[2] +
                          w[4 * r + 3] * x[3];
            w += 32;
        }
        for (int r = 0; r < 8; r++)
            out[g + r] = scale[g + r] * (float)acc[r] + bias[g + r];
    }
}

void cc_rnn2_dense_f32_c(float *out, const float *w, int rows, int cols, const float *x,
                         const float *bias)
{
    memset(out, 0, sizeof(float) * (size_t)cols);
    cc_rnn_gemv_c(out, w, rows, cols, cols, x);
    for (int i = 0; i < cols; i++)
        out[i] += bias[i];
}

void cc_rnn2_tanh_c(float *y, const float *x, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = cc_rnn2_tanh(x[i]);
}

void cc_rnn2_sigmoid_c(float *y, const float *x, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = cc_rnn2_sigmoid(x[i]);
}

void cc_rnn2_gru_update_c(float *h, const float *in, const float *rec, const float *diag, int n)
{
    for (int i = 0; i < n; i++)
        cc_rnn2_gru_lane(h, in, rec, diag, n, i);
}

void cc_rnn2_kernels_init_c(CcRnn2Kernels *k)
{
    k->quantize = cc_rnn2_quantize_c;
    k->gemv_i8 = cc_rnn2_gemv_i8_c;
    k->dense_f32 = cc_rnn2_dense_f32_c;
    k->tanh = cc_rnn2_tanh_c;
    k->sigmoid = cc_rnn2_sigmoid_c;
    k->gru_update = cc_rnn2_gru_update_c;
    k->name = "c";
}

void cc_rnn2_kernels_init(CcRnn2Kernels *k)
{
    cc_rnn2_kernels_init_c(k);
#if CC_ARCH_X86_64 && (defined(__x86_64__) || defined(_M_X64))
    cc_rnn2_kernels_init_x86(k);
#endif
#if CC_ARCH_WASM && defined(__wasm_simd128__)
    cc_rnn2_kernels_init_wasm(k);
#endif
}
