/*
 * Mixed-radix complex FFT (butterflies for 2, 3, 4, 5 and a generic one for other odd
 * primes) and a real FFT of even size n built on a complex FFT of n/2. Our own so that the
 * core builds for wasm with no dependency. RNNoise uses n = 960 (480 complex, run as
 * stages of radix 5, 3, 2, 4, 4).
 *
 * Plans are immutable after init except for their work buffers: one plan per thread.
 * Nothing is allocated by the transforms.
 */
#ifndef CC_DSP_FFT_H
#define CC_DSP_FFT_H

typedef struct CcCpx {
    float re, im;
} CcCpx;

#include "dsp/fft_stages.h"

#define CC_FFT_MAX_STAGES 32

typedef struct CcFft {
    int n;                               /* complex points */
    int nstages;
    int radix[CC_FFT_MAX_STAGES];        /* radix of each stage, in the order they run */
    float *tw_re, *tw_im;                /* per stage, (p-1, L/p): exp(-2 pi i j s / L) */
    float *unit_cos, *unit_sin;          /* (n) cos, sin(2 pi k / n); NULL unless a stage
                                            has a radix above 5 */
    float *pair_buf;                     /* (2, p-1) work for the generic stage, or NULL */
    float *buf;                          /* (4, n) split re/im ping-pong buffers */
    CcFftStages stages;                  /* stage kernels for this CPU */
} CcFft;

/* n >= 1. 0 or CC_ERR(ENOMEM) / CC_ERR(EINVAL). */
int cc_fft_init(CcFft *f, int n);
void cc_fft_free(CcFft *f);
/* out[k] = sum_j in[j] exp(-2*pi*i*j*k/n), unscaled. in != out. */
void cc_fft_forward(CcFft *f, const CcCpx *in, CcCpx *out);
/*
 * Same on split arrays: (re, im) in, result returned as pointers into the plan's buffers
 * (valid until the next call). re/im are read only.
 */
void cc_fft_forward_split(CcFft *f, const float *re, const float *im, const float **out_re,
                          const float **out_im);

typedef struct CcRfft {
    int n;       /* real points, even */
    CcFft half;  /* n/2 complex points */
    float *rtw_re, *rtw_im; /* (n/2) exp(-2*pi*i*k/n) */
    float *zr, *zi;         /* (n/2) work */
} CcRfft;

int cc_rfft_init(CcRfft *f, int n);
void cc_rfft_free(CcRfft *f);
/* out[k], k = 0..n/2: unscaled DFT of the real in[0..n), times `scale`. */
void cc_rfft_forward(CcRfft *f, const float *in, CcCpx *out, float scale);
/*
 * out[j] = sum_{k=0}^{n-1} X[k] exp(+2*pi*i*j*k/n) with X Hermitian-extended from
 * in[0..n/2] (imaginary parts of in[0] and in[n/2] ignored); unscaled, so
 * inverse(forward(x)) = n * x.
 */
void cc_rfft_inverse(CcRfft *f, const CcCpx *in, float *out);

#endif
