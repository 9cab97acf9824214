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
 * dots: s[p][j] = sum_c x[p][c] * w[j][c], summed from 0 in channel order, for n_pix pixels
 *   of ci floats and nout rows of w (the deconvolution with few output channels).
 * binary: y[i] = a[i] + b[i] (mul 0) or a[i] * b[i] (mul 1), i < n.
 * lerp2d: one pixel of c channels of a bilinear resize: top = p00 + (p01 - p00) fx,
 *   bot = p10 + (p11 - p10) fx, o = top + (bot - top) fy.
 * All three are exact per element, so their SIMD variants equal the C reference bit for bit.
 */
typedef struct CcNnKernels {
    void (*conv1x1)(float *out, const float *in, const float *w, const float *bias,
                    size_t n_pix, int ci, int co, float lo, float hi);
    void (*dwconv)(float *y, const float *x, const float *w, const float *bias, const CcNnDwParams *p);
    void (*hardswish)(float *y, const float *x, size_t n);  /* x * relu6(x + 3) / 6 */
    void (*clamp)(float *y, const float *x, size_t n, float lo, float hi);
    void (*dots)(float *s, const float *x, const float *w, size_t n_pix, int ci, int nout);
    void (*binary)(float *y, const float *a, const float *b, size_t n, int mul);
    void (*lerp2d)(float *o, const float *p00, const float *p01, const float *p10,
                   const float *p11, float fx, float fy, int c);
} CcNnKernels;

void cc_nn_kernels_init_c(CcNnKernels *k);
void cc_nn_kernels_init_x86(CcNnKernels *k);
void cc_nn_kernels_init_wasm(CcNnKernels *k); /* wasm/nn_simd128.c (-msimd128 builds) */
/* Fills k with the best variants this CPU has (C when simd is 0). */
void cc_nn_kernels_init(CcNnKernels *k, int simd);

#endif
