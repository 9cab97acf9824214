/*
 * Mixed-radix FFT, self-sorting (Stockham), on split real/imaginary arrays.
 *
 * With n = p1 p2 ... pt, stage q turns X_{q-1}, a (L/p, r p) matrix of length-L/p DFTs of the
 * decimated subsequences x[k + r p m], into X_q, an (L, r) matrix of length-L DFTs
 * (L = p1..pq, r = n / L):
 *
 *   X_q[j + (L/p) t][k] = sum_s W_p^(t s) * (W_L^(j s) * X_{q-1}[j][k + r s])
 *
 * for j < L/p, t, s < p, k < r. Input and output are read and written with unit stride in k
 * and the twiddle W_L^(j s) is constant along k, so the inner loops vectorise (SSE, NEON,
 * wasm SIMD) without any intrinsics; X_t is the DFT in natural order.
 *
 * The real transform packs even/odd samples into one complex vector of n/2 points and
 * untangles the halves with the twiddles exp(-2*pi*i*k/n).
 */
#include "dsp/fft.h"
#include "dsp/fft_stages.h"

#include "cc_config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

int cc_fft_init(CcFft *f, int n)
{
    memset(f, 0, sizeof(*f));
    if (n < 1 || n > (1 << 24))
        return CC_ERR(EINVAL);
    f->n = n;
    /* Factor: 4s first, then 2, 3, 5, then any odd number. */
    int rest = n, nf = 0, p = 4;
    while (rest > 1) {
        while (rest % p) {
            p = p == 4 ? 2 : p == 2 ? 3 : p + 2;
            if (p * p > rest)
                p = rest;
        }
        if (nf >= CC_FFT_MAX_FACTORS)
            return CC_ERR(EINVAL);
        rest /= p;
        f->factors[nf++] = p;
    }
    /* Largest radices (5, 3) first, where the stride r = n / L is long and the inner loops
       vectorise; the cheap radix-4 stages take the short strides at the end. */
    for (int i = 0; i < nf / 2; i++) {
        int t = f->factors[i];
        f->factors[i] = f->factors[nf - 1 - i];
        f->factors[nf - 1 - i] = t;
    }
    f->nfactors = nf;
    cc_fft_stages_init(&f->stages);
    size_t ntw = 0;
    for (int q = 0, l = 1; q < nf; q++) {
        l *= f->factors[q];
        ntw += (size_t)(l / f->factors[q]) * (f->factors[q] - 1);
    }
    f->tw_re = cc_calloc(ntw + 1, sizeof(float));
    f->tw_im = cc_calloc(ntw + 1, sizeof(float));
    f->w_re = cc_calloc((size_t)n, sizeof(float));
    f->w_im = cc_calloc((size_t)n, sizeof(float));
    f->buf = cc_calloc(4 * (size_t)n, sizeof(float));
    if (!f->tw_re || !f->tw_im || !f->w_re || !f->w_im || !f->buf) {
        cc_fft_free(f);
        return CC_ERR(ENOMEM);
    }
    for (int k = 0; k < n; k++) {
        double ph = -2.0 * M_PI * k / n;
        f->w_re[k] = (float)cos(ph);
        f->w_im[k] = (float)sin(ph);
    }
    size_t o = 0;
    for (int q = 0, l = 1; q < nf; q++) {
        int pq = f->factors[q];
        l *= pq;
        for (int j = 0; j < l / pq; j++)
            for (int s = 1; s < pq; s++) {
                double ph = -2.0 * M_PI * (double)j * s / l;
                f->tw_re[o] = (float)cos(ph);
                f->tw_im[o] = (float)sin(ph);
                o++;
            }
    }
    return 0;
}

void cc_fft_free(CcFft *f)
{
    free(f->tw_re);
    free(f->tw_im);
    free(f->w_re);
    free(f->w_im);
    free(f->buf);
    f->tw_re = f->tw_im = f->w_re = f->w_im = f->buf = NULL;
}

/* a * w, in place on (re, im) */
#define CMUL(ar, ai, wr, wi) do { float t_ = ar * wr - ai * wi; \
    ai = ar * wi + ai * wr; ar = t_; } while (0)

void cc_fft_stage2_c(const float *restrict xr, const float *restrict xi, float *restrict yr,
                   float *restrict yi, const float *twr, const float *twi, int lp, int r)
{
    for (int j = 0; j < lp; j++) {
        float w1r = twr[j], w1i = twi[j];
        const float *a0r = xr + j * 2 * r, *a0i = xi + j * 2 * r;
        const float *a1r = a0r + r, *a1i = a0i + r;
        float *o0r = yr + j * r, *o0i = yi + j * r;
        float *o1r = o0r + lp * r, *o1i = o0i + lp * r;
        for (int k = 0; k < r; k++) {
            float br = a1r[k], bi = a1i[k];
            CMUL(br, bi, w1r, w1i);
            o0r[k] = a0r[k] + br;
            o0i[k] = a0i[k] + bi;
            o1r[k] = a0r[k] - br;
            o1i[k] = a0i[k] - bi;
        }
    }
}

void cc_fft_stage3_c(const float *restrict xr, const float *restrict xi, float *restrict yr,
                   float *restrict yi, const float *twr, const float *twi, int lp, int r)
{
    const float s3 = 0.86602540378443864676f; /* sin(pi/3) */
    for (int j = 0; j < lp; j++) {
        float w1r = twr[2 * j], w1i = twi[2 * j], w2r = twr[2 * j + 1], w2i = twi[2 * j + 1];
        const float *ar = xr + j * 3 * r, *ai = xi + j * 3 * r;
        float *or_ = yr + j * r, *oi = yi + j * r;
        int st = lp * r;
        for (int k = 0; k < r; k++) {
            float br = ar[k + r], bi = ai[k + r], cr = ar[k + 2 * r], ci = ai[k + 2 * r];
            CMUL(br, bi, w1r, w1i);
            CMUL(cr, ci, w2r, w2i);
            float sr = br + cr, si = bi + ci, dr = br - cr, di = bi - ci;
            float mr = ar[k] - 0.5f * sr, mi = ai[k] - 0.5f * si;
            or_[k] = ar[k] + sr;
            oi[k] = ai[k] + si;
            or_[k + st] = mr + s3 * di;
            oi[k + st] = mi - s3 * dr;
            or_[k + 2 * st] = mr - s3 * di;
            oi[k + 2 * st] = mi + s3 * dr;
        }
    }
}

void cc_fft_stage4_c(const float *restrict xr, const float *restrict xi, float *restrict yr,
                   float *restrict yi, const float *twr, const float *twi, int lp, int r)
{
    for (int j = 0; j < lp; j++) {
        float w1r = twr[3 * j], w1i = twi[3 * j], w2r = twr[3 * j + 1], w2i = twi[3 * j + 1];
        float w3r = twr[3 * j + 2], w3i = twi[3 * j + 2];
        const float *ar = xr + j * 4 * r, *ai = xi + j * 4 * r;
        float *or_ = yr + j * r, *oi = yi + j * r;
        int st = lp * r;
        for (int k = 0; k < r; k++) {
            float a0r = ar[k], a0i = ai[k];
            float br = ar[k + r], bi = ai[k + r];
            float cr = ar[k + 2 * r], ci = ai[k + 2 * r];
            float dr = ar[k + 3 * r], di = ai[k + 3 * r];
            CMUL(br, bi, w1r, w1i);
            CMUL(cr, ci, w2r, w2i);
            CMUL(dr, di, w3r, w3i);
            float acsr = a0r + cr, acsi = a0i + ci, acdr = a0r - cr, acdi = a0i - ci;
            float bdsr = br + dr, bdsi = bi + di, bddr = br - dr, bddi = bi - di;
            or_[k] = acsr + bdsr;
            oi[k] = acsi + bdsi;
            or_[k + 2 * st] = acsr - bdsr;
            oi[k + 2 * st] = acsi - bdsi;
            /* X1 = (a - c) - i(b - d), X3 = (a - c) + i(b - d) */
            or_[k + st] = acdr + bddi;
            oi[k + st] = acdi - bddr;
            or_[k + 3 * st] = acdr - bddi;
            oi[k + 3 * st] = acdi + bddr;
        }
    }
}

void cc_fft_stage5_c(const float *restrict xr, const float *restrict xi, float *restrict yr,
                   float *restrict yi, const float *twr, const float *twi, int lp, int r)
{
    /* w = exp(-2 pi i / 5): X1,4 = a + s7 Re w + s8 Re w^2 +- i (s10 Im w + s9 Im w^2),
       X2,3 = a + s7 Re w^2 + s8 Re w +- i (s10 Im w^2 - s9 Im w) */
    const float c1 = 0.30901699437494742f, s1 = -0.95105651629515357f;
    const float c2 = -0.80901699437494742f, s2 = -0.58778525229247313f;
    for (int j = 0; j < lp; j++) {
        const float *w_r = twr + 4 * j, *w_i = twi + 4 * j;
        const float *ar = xr + j * 5 * r, *ai = xi + j * 5 * r;
        float *or_ = yr + j * r, *oi = yi + j * r;
        int st = lp * r;
        for (int k = 0; k < r; k++) {
            float br = ar[k + r], bi = ai[k + r], cr = ar[k + 2 * r], ci = ai[k + 2 * r];
            float dr = ar[k + 3 * r], di = ai[k + 3 * r], er = ar[k + 4 * r], ei = ai[k + 4 * r];
            CMUL(br, bi, w_r[0], w_i[0]);
            CMUL(cr, ci, w_r[1], w_i[1]);
            CMUL(dr, di, w_r[2], w_i[2]);
            CMUL(er, ei, w_r[3], w_i[3]);
            float s7r = br + er, s7i = bi + ei, s10r = br - er, s10i = bi - ei;
            float s8r = cr + dr, s8i = ci + di, s9r = cr - dr, s9i = ci - di;
            float a0r = ar[k], a0i = ai[k];
            or_[k] = a0r + s7r + s8r;
            oi[k] = a0i + s7i + s8i;
            float r1r = a0r + s7r * c1 + s8r * c2, r1i = a0i + s7i * c1 + s8i * c2;
            float i1r = s10r * s1 + s9r * s2, i1i = s10i * s1 + s9i * s2;
            float r2r = a0r + s7r * c2 + s8r * c1, r2i = a0i + s7i * c2 + s8i * c1;
            float i2r = s10r * s2 - s9r * s1, i2i = s10i * s2 - s9i * s1;
            /* r + i q = (r.re - q.im, r.im + q.re) */
            or_[k + st] = r1r - i1i;
            oi[k + st] = r1i + i1r;
            or_[k + 4 * st] = r1r + i1i;
            oi[k + 4 * st] = r1i - i1r;
            or_[k + 2 * st] = r2r - i2i;
            oi[k + 2 * st] = r2i + i2r;
            or_[k + 3 * st] = r2r + i2i;
            oi[k + 3 * st] = r2i - i2r;
        }
    }
}

static void stage_generic(const CcFft *f, const float *xr, const float *xi, float *yr,
                          float *yi, const float *twr, const float *twi, int p, int lp, int r)
{
    int n = f->n, np = n / p; /* W_p^m = W_n^(m n/p) */
    for (int j = 0; j < lp; j++) {
        for (int k = 0; k < r; k++) {
            for (int t = 0; t < p; t++) {
                float sr = xr[j * p * r + k], si = xi[j * p * r + k];
                for (int s = 1; s < p; s++) {
                    float ar = xr[j * p * r + s * r + k], ai = xi[j * p * r + s * r + k];
                    CMUL(ar, ai, twr[j * (p - 1) + s - 1], twi[j * (p - 1) + s - 1]);
                    int m = (int)(((long)t * s) % p) * np;
                    CMUL(ar, ai, f->w_re[m], f->w_im[m]);
                    sr += ar;
                    si += ai;
                }
                yr[(j + lp * t) * r + k] = sr;
                yi[(j + lp * t) * r + k] = si;
            }
        }
    }
}

void cc_fft_stages_init_c(CcFftStages *s)
{
    s->radix[0] = s->radix[1] = NULL;
    s->radix[2] = cc_fft_stage2_c;
    s->radix[3] = cc_fft_stage3_c;
    s->radix[4] = cc_fft_stage4_c;
    s->radix[5] = cc_fft_stage5_c;
    s->name = "c";
}

void cc_fft_stages_init(CcFftStages *s)
{
    cc_fft_stages_init_c(s);
#if CC_ARCH_X86_64 && (defined(__x86_64__) || defined(_M_X64))
    cc_fft_stages_init_x86(s);
#endif
}

void cc_fft_forward_split(CcFft *f, const float *re, const float *im, const float **out_re,
                          const float **out_im)
{
    int n = f->n;
    const float *xr = re, *xi = im;
    float *bufs[2][2] = { { f->buf, f->buf + n }, { f->buf + 2 * n, f->buf + 3 * n } };
    const float *twr = f->tw_re, *twi = f->tw_im;
    int l = 1;
    if (f->nfactors == 0) { /* n == 1 */
        memcpy(bufs[0][0], re, sizeof(float));
        memcpy(bufs[0][1], im, sizeof(float));
        *out_re = bufs[0][0];
        *out_im = bufs[0][1];
        return;
    }
    for (int q = 0; q < f->nfactors; q++) {
        int p = f->factors[q], lp = l;
        l *= p;
        int r = n / l;
        float *yr = bufs[q & 1][0], *yi = bufs[q & 1][1];
        if (p <= 5)
            f->stages.radix[p](xr, xi, yr, yi, twr, twi, lp, r);
        else
            stage_generic(f, xr, xi, yr, yi, twr, twi, p, lp, r);
        twr += (size_t)lp * (p - 1);
        twi += (size_t)lp * (p - 1);
        xr = yr;
        xi = yi;
    }
    *out_re = xr;
    *out_im = xi;
}

void cc_fft_forward(CcFft *f, const CcCpx *in, CcCpx *out)
{
    int n = f->n;
    /* out (2n floats) holds the split input; the stages work in f->buf only. */
    float *re = (float *)out, *im = re + n;
    for (int j = 0; j < n; j++) {
        float r = in[j].re, i = in[j].im;
        re[j] = r;
        im[j] = i;
    }
    const float *yr, *yi;
    cc_fft_forward_split(f, re, im, &yr, &yi);
    for (int k = 0; k < n; k++) {
        float r = yr[k], i = yi[k];
        out[k].re = r;
        out[k].im = i;
    }
}

int cc_rfft_init(CcRfft *f, int n)
{
    memset(f, 0, sizeof(*f));
    if (n < 2 || n & 1)
        return CC_ERR(EINVAL);
    f->n = n;
    int h = n / 2;
    int ret = cc_fft_init(&f->half, h);
    if (ret < 0)
        return ret;
    f->rtw_re = cc_calloc((size_t)h, sizeof(float));
    f->rtw_im = cc_calloc((size_t)h, sizeof(float));
    f->zr = cc_calloc((size_t)h, sizeof(float));
    f->zi = cc_calloc((size_t)h, sizeof(float));
    if (!f->rtw_re || !f->rtw_im || !f->zr || !f->zi) {
        cc_rfft_free(f);
        return CC_ERR(ENOMEM);
    }
    for (int k = 0; k < h; k++) {
        double phase = -2.0 * M_PI * k / n;
        f->rtw_re[k] = (float)cos(phase);
        f->rtw_im[k] = (float)sin(phase);
    }
    return 0;
}

void cc_rfft_free(CcRfft *f)
{
    cc_fft_free(&f->half);
    free(f->rtw_re);
    free(f->rtw_im);
    free(f->zr);
    free(f->zi);
    f->rtw_re = f->rtw_im = f->zr = f->zi = NULL;
}

void cc_rfft_forward(CcRfft *f, const float *in, CcCpx *out, float scale)
{
    int h = f->n / 2;
    float *zr = f->zr, *zi = f->zi;
    for (int j = 0; j < h; j++) {
        zr[j] = in[2 * j];
        zi[j] = in[2 * j + 1];
    }
    const float *ar, *ai;
    cc_fft_forward_split(&f->half, zr, zi, &ar, &ai);
    /* X[k] = E[k] + W^k O[k]: E = (Z[k] + conj Z[h-k]) / 2, O = -i (Z[k] - conj Z[h-k]) / 2 */
    float hs = 0.5f * scale;
    out[0].re = (ar[0] + ai[0]) * scale;
    out[0].im = 0;
    out[h].re = (ar[0] - ai[0]) * scale;
    out[h].im = 0;
    for (int k = 1; k < h; k++) {
        float er = ar[k] + ar[h - k], ei = ai[k] - ai[h - k];   /* 2E */
        float or_ = ai[k] + ai[h - k], oi = ar[h - k] - ar[k];  /* 2O */
        float wr = f->rtw_re[k], wi = f->rtw_im[k];
        out[k].re = (er + (or_ * wr - oi * wi)) * hs;
        out[k].im = (ei + (or_ * wi + oi * wr)) * hs;
    }
}

void cc_rfft_inverse(CcRfft *f, const CcCpx *in, float *out)
{
    int h = f->n / 2;
    float *zr = f->zr, *zi = f->zi;
    /*
     * Z[k] = E[k] + i O[k] with E = X[k] + conj X[h-k], O = (X[k] - conj X[h-k]) W^-k
     * (twice the forward halves, which makes the result n * x). The inverse complex
     * transform runs as conj(FFT(conj(Z))), so Z is stored conjugated.
     */
    for (int k = 0; k < h; k++) {
        float ar = in[k].re, ai = in[k].im, br = in[h - k].re, bi = in[h - k].im;
        if (k == 0)
            ai = bi = 0;
        float er = ar + br, ei = ai - bi;
        float dr = ar - br, di = ai + bi;
        float wr = f->rtw_re[k], wi = -f->rtw_im[k];
        float or_ = dr * wr - di * wi, oi = dr * wi + di * wr;
        zr[k] = er - oi;
        zi[k] = -(ei + or_);
    }
    const float *yr, *yi;
    cc_fft_forward_split(&f->half, zr, zi, &yr, &yi);
    for (int j = 0; j < h; j++) {
        out[2 * j] = yr[j];
        out[2 * j + 1] = -yi[j];
    }
}
