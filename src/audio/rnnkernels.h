/*
 * Inner kernels of the RNNoise denoiser, behind a function table: a C reference that is
 * always built and tested, overridden by SIMD variants the CPU has (src/audio/x86/).
 * Variants vectorise across outputs (neurons, lags) and keep each output's sum in input
 * order without fused multiply-add, so they give the same bits as the C reference.
 */
#ifndef CC_AUDIO_RNNKERNELS_H
#define CC_AUDIO_RNNKERNELS_H

#include <stdint.h>

typedef struct CcRnnKernels {
    /*
     * acc[i] += sum_{j < rows} w[j * stride + i] * x[j]  for i < cols, j in order.
     * w: the model's int8 weights as floats (rows, stride), cols <= stride; the 1/256 scale
     * is applied later (so products equal the reference's int8 * float ones).
     */
    void (*gemv)(float *acc, const float *w, int rows, int cols, int stride, const float *x);
    /* xcorr[i] = sum_{j < len} x[j] * y[i + j]  for i < max_lag, j in order. */
    void (*xcorr)(const float *x, const float *y, float *xcorr, int len, int max_lag);
    /*
     * out[i] = sum_{j < len} x[j] * x[j - lag[i]]  for i < count, j in order: correlation of
     * x with itself delayed, at any listed lags (x[-lag[i]] onwards must be readable).
     */
    void (*xcorr_lags)(const float *x, int len, const int *lag, int count, float *out);
    /*
     * sum_{i < n} w[i] * v[i], n a multiple of 8, summed in 8 lanes (lane l takes i = l mod 8,
     * in order) that are then combined as ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)):
     * the natural order of an 8-wide register, so that every variant gives the same bits.
     */
    float (*dot8)(const float *w, const float *v, int n);
    const char *name;
} CcRnnKernels;

void cc_rnn_gemv_c(float *acc, const float *w, int rows, int cols, int stride,
                   const float *x);
void cc_rnn_xcorr_c(const float *x, const float *y, float *xcorr, int len, int max_lag);
void cc_rnn_xcorr_lags_c(const float *x, int len, const int *lag, int count, float *out);
float cc_rnn_dot8_c(const float *w, const float *v, int n);

/* C reference only. */
void cc_rnn_kernels_init_c(CcRnnKernels *k);
/* Best the CPU has (C reference plus overrides). */
void cc_rnn_kernels_init(CcRnnKernels *k);

#if defined(__wasm_simd128__)
void cc_rnn_kernels_init_wasm(CcRnnKernels *k); /* wasm/rnn_simd128.c */
void cc_rnn_gemv_simd128(float *acc, const float *w, int rows, int cols, int stride,
                         const float *x);
void cc_rnn_xcorr_lags_simd128(const float *x, int len, const int *lag, int count, float *out);
#endif

#if defined(__x86_64__) || defined(_M_X64)
void cc_rnn_kernels_init_x86(CcRnnKernels *k);
void cc_rnn_gemv_avx2(float *acc, const float *w, int rows, int cols, int stride,
                      const float *x);
void cc_rnn_xcorr_avx2(const float *x, const float *y, float *xcorr, int len, int max_lag);
float cc_rnn_dot8_avx2(const float *w, const float *v, int n);
#endif

#endif
