/* Executor internals shared by nn_exec.c and the backends. */
#ifndef CC_NN_EXEC_H
#define CC_NN_EXEC_H

#include "nn/graph.h"

struct CcNnExec {
    CcBackend backend;
    const CcNnGraph *g;
    float *input;  /* h*w*c floats of the graph input */
    float *output; /* h*w*c floats of the graph output */
    int (*run)(CcNnExec *e);
    void (*close)(CcNnExec *e); /* frees priv and what it owns, not e */
    void *priv;
};

/* Backends fill e (input, output, run, close, priv); on failure they free what they made. */
int cc_nn_exec_ref_open(CcNnExec *e, int threads, int simd);
int cc_nn_exec_xnn_open(CcNnExec *e, int threads);
/* The xnn_runtime_t of an XNNPACK executor (NULL for others): for bench/nn_bench.c's
 * bare-XNNPACK anchor only. */
void *cc_nn_exec_xnn_runtime(const CcNnExec *e);

/* Geometry of a depthwise convolution for the kernel table. */
typedef struct CcNnDwParams {
    int ih, iw, c;  /* input [ih, iw, c] */
    int oh, ow;     /* output [oh, ow, c] */
    int kh, kw, sh, sw, pad_top, pad_left;
    float lo, hi;   /* output clamp */
} CcNnDwParams;

/*
 * Portable kernels, C reference and SIMD variants behind one table (see exec_ref.c,
 * x86/nn_avx2.c).
 * conv1x1: out[p][k] = clamp(bias[k] + sum_c in[p][c] * w[c][k]) for n_pix pixels,
 *   in with ci floats per pixel, out with co floats per pixel, w packed [ci][co].
 * dwconv: y[oy][ox][ch] = clamp(bias[ch] + sum_{ky,kx} x[iy][ix][ch] * w[ky][kx][ch])
 *   with iy = oy * sh - pad_top + ky (taps outside the input are zero).
 */
typedef struct CcNnKernels {
    void (*conv1x1)(float *out, const float *in, const float *w, const float *bias,
                    size_t n_pix, int ci, int co, float lo, float hi);
    void (*dwconv)(float *y, const float *x, const float *w, const float *bias, const CcNnDwParams *p);
    void (*hardswish)(float *y, const float *x, size_t n);  /* x * relu6(x + 3) / 6 */
    void (*clamp)(float *y, const float *x, size_t n, float lo, float hi);
} CcNnKernels;

void cc_nn_kernels_init_c(CcNnKernels *k);
void cc_nn_kernels_init_x86(CcNnKernels *k);
void cc_nn_kernels_init_wasm(CcNnKernels *k); /* wasm/nn_simd128.c (-msimd128 builds) */
/* Fills k with the best variants this CPU has (C when simd is 0). */
void cc_nn_kernels_init(CcNnKernels *k, int simd);

#endif
