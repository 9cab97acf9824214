/*
 * FFT stage kernels behind a function table (internal to src/dsp): one Stockham stage of
 * radix 2, 3, 4 or 5 (see fft.c). Arguments: x (re, im), the stage input, (lp, p, r);
 * y (re, im), the output, (p, lp, r); tw (re, im), the stage twiddles, (p-1, lp), of which
 * row j = 0 (all ones) is never read. The C versions are the reference; SIMD versions must
 * give the same bits (same operations in the same order, no FMA).
 */
#ifndef CC_DSP_FFT_STAGES_H
#define CC_DSP_FFT_STAGES_H

typedef void (*CcFftStageFn)(const float *xr, const float *xi, float *yr, float *yi,
                             const float *twr, const float *twi, int lp, int r);

/*
 * The real FFT's passes around its half-size complex FFT (fft.c, cc_rfft_*), h = n / 2
 * complex points, tw (re, im) = exp(-2 pi i k / n), k < h; spectra interleaved (re, im):
 *   split    z = in[2j] + i in[2j + 1]                      (forward, before)
 *   post     X[k] for 1 <= k < h from A = FFT(z), times s   (forward, after)
 *   pre      Z[k] for 0 <= k < h from X[0..h], conjugated   (inverse, before)
 *   join     out[2j] = Re y, out[2j + 1] = -Im y            (inverse, after)
 */
typedef void (*CcRfftSplitFn)(const float *in, float *zr, float *zi, int h);
typedef void (*CcRfftPostFn)(const float *ar, const float *ai, const float *twr,
                             const float *twi, float *out, int h, float s);
typedef void (*CcRfftPreFn)(const float *in, const float *twr, const float *twi, float *zr,
                            float *zi, int h);
typedef void (*CcRfftJoinFn)(const float *yr, const float *yi, float *out, int h);

/* One point of post and of pre in the C reference's expressions (also the SIMD tails). */
static inline void cc_rfft_post_point(const float *ar, const float *ai, const float *twr,
                                      const float *twi, float *out, int h, float s, int k)
{
    float er = ar[k] + ar[h - k], ei = ai[k] - ai[h - k];  /* 2E */
    float or_ = ai[k] + ai[h - k], oi = ar[h - k] - ar[k]; /* 2O */
    float wr = twr[k], wi = twi[k];
    out[2 * k] = (er + (or_ * wr - oi * wi)) * s;
    out[2 * k + 1] = (ei + (or_ * wi + oi * wr)) * s;
}

static inline void cc_rfft_pre_point(const float *in, const float *twr, const float *twi,
                                     float *zr, float *zi, int h, int k)
{
    float ar = in[2 * k], ai = in[2 * k + 1], br = in[2 * (h - k)], bi = in[2 * (h - k) + 1];
    if (k == 0) /* the imaginary parts of X[0] and X[h] are ignored */
        ai = bi = 0;
    float er = ar + br, ei = ai - bi;
    float dr = ar - br, di = ai + bi;
    float wr = twr[k], wi = -twi[k];
    float or_ = dr * wr - di * wi, oi = dr * wi + di * wr;
    zr[k] = er - oi;
    zi[k] = -(ei + or_);
}

typedef struct CcFftStages {
    CcFftStageFn radix[6]; /* index = radix (2..5) */
    CcRfftSplitFn rfft_split;
    CcRfftPostFn rfft_post;
    CcRfftPreFn rfft_pre;
    CcRfftJoinFn rfft_join;
    const char *name;
} CcFftStages;

void cc_fft_stage2_c(const float *xr, const float *xi, float *yr, float *yi, const float *twr,
                     const float *twi, int lp, int r);
void cc_fft_stage3_c(const float *xr, const float *xi, float *yr, float *yi, const float *twr,
                     const float *twi, int lp, int r);
void cc_fft_stage4_c(const float *xr, const float *xi, float *yr, float *yi, const float *twr,
                     const float *twi, int lp, int r);
void cc_fft_stage5_c(const float *xr, const float *xi, float *yr, float *yi, const float *twr,
                     const float *twi, int lp, int r);

void cc_rfft_split_c(const float *in, float *zr, float *zi, int h);
void cc_rfft_post_c(const float *ar, const float *ai, const float *twr, const float *twi,
                    float *out, int h, float s);
void cc_rfft_pre_c(const float *in, const float *twr, const float *twi, float *zr, float *zi,
                   int h);
void cc_rfft_join_c(const float *yr, const float *yi, float *out, int h);

void cc_fft_stages_init_c(CcFftStages *s);
/* Best for this CPU. */
void cc_fft_stages_init(CcFftStages *s);

#if defined(__x86_64__) || defined(_M_X64)
void cc_fft_stages_init_x86(CcFftStages *s);
void cc_fft_stage2_avx2(const float *xr, const float *xi, float *yr, float *yi,
                        const float *twr, const float *twi, int lp, int r);
void cc_fft_stage3_avx2(const float *xr, const float *xi, float *yr, float *yi,
                        const float *twr, const float *twi, int lp, int r);
void cc_fft_stage4_avx2(const float *xr, const float *xi, float *yr, float *yi,
                        const float *twr, const float *twi, int lp, int r);
void cc_fft_stage5_avx2(const float *xr, const float *xi, float *yr, float *yi,
                        const float *twr, const float *twi, int lp, int r);
#endif

#if defined(__wasm_simd128__) /* the wasm build only (web/Makefile): dsp/wasm/fft_simd128.c */
void cc_fft_stages_init_wasm(CcFftStages *s);
void cc_fft_stage2_simd128(const float *xr, const float *xi, float *yr, float *yi,
                           const float *twr, const float *twi, int lp, int r);
void cc_fft_stage3_simd128(const float *xr, const float *xi, float *yr, float *yi,
                           const float *twr, const float *twi, int lp, int r);
void cc_fft_stage4_simd128(const float *xr, const float *xi, float *yr, float *yi,
                           const float *twr, const float *twi, int lp, int r);
void cc_fft_stage5_simd128(const float *xr, const float *xi, float *yr, float *yi,
                           const float *twr, const float *twi, int lp, int r);
void cc_rfft_split_simd128(const float *in, float *zr, float *zi, int h);
void cc_rfft_post_simd128(const float *ar, const float *ai, const float *twr, const float *twi,
                          float *out, int h, float s);
void cc_rfft_pre_simd128(const float *in, const float *twr, const float *twi, float *zr,
                         float *zi, int h);
void cc_rfft_join_simd128(const float *yr, const float *yi, float *out, int h);
#endif

#endif
