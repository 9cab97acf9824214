/*
 * Mixed-radix FFT, decimation in time, recursive over the factor list (the structure
 * popularised by KISS FFT): a length n = p * m transform is p interleaved transforms of
 * length m followed by m radix-p butterflies with twiddles exp(-2*pi*i*q*u/n).
 * Radix 4, 2, 3 and 5 have their own butterflies; any other prime uses the generic one.
 *
 * The real transform packs even/odd samples into one complex vector of n/2 points and
 * untangles the halves with the twiddles exp(-2*pi*i*k/n).
 */
#include "dsp/fft.h"

#include <math.h>
#include <stdlib.h>

#include "common.h"

static CcCpx cmul(CcCpx a, CcCpx b)
{
    CcCpx r = { a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re };
    return r;
}

int cc_fft_init(CcFft *f, int n)
{
    f->tw = NULL;
    f->scratch = NULL;
    if (n < 1 || n > (1 << 24))
        return CC_ERR(EINVAL);
    f->n = n;
    /* Factor: 4s first, then 2, 3, 5, then any odd number. */
    int rest = n, nf = 0, p = 4, maxp = 1;
    while (rest > 1) {
        while (rest % p) {
            p = p == 4 ? 2 : p == 2 ? 3 : p + 2;
            if (p * p > rest)
                p = rest;
        }
        if (nf >= CC_FFT_MAX_FACTORS)
            return CC_ERR(EINVAL);
        rest /= p;
        f->factors[2 * nf] = p;
        f->factors[2 * nf + 1] = rest;
        maxp = CC_MAX(maxp, p);
        nf++;
    }
    if (!nf) { /* n == 1 */
        f->factors[0] = 1;
        f->factors[1] = 1;
        nf = 1;
    }
    f->nfactors = nf;
    f->tw = cc_calloc((size_t)n, sizeof(*f->tw));
    f->scratch = cc_calloc((size_t)maxp, sizeof(*f->scratch));
    if (!f->tw || !f->scratch) {
        cc_fft_free(f);
        return CC_ERR(ENOMEM);
    }
    for (int k = 0; k < n; k++) {
        double phase = -2.0 * M_PI * k / n;
        f->tw[k].re = (float)cos(phase);
        f->tw[k].im = (float)sin(phase);
    }
    return 0;
}

void cc_fft_free(CcFft *f)
{
    free(f->tw);
    free(f->scratch);
    f->tw = NULL;
    f->scratch = NULL;
}

static void bfly2(CcCpx *out, const CcCpx *tw, int fstride, int m)
{
    for (int k = 0; k < m; k++) {
        CcCpx t = cmul(out[k + m], tw[k * fstride]);
        out[k + m].re = out[k].re - t.re;
        out[k + m].im = out[k].im - t.im;
        out[k].re += t.re;
        out[k].im += t.im;
    }
}

static void bfly3(CcCpx *out, const CcCpx *tw, int fstride, int m)
{
    const float s3 = 0.86602540378443864676f; /* sin(pi/3) */
    for (int k = 0; k < m; k++) {
        CcCpx a = out[k];
        CcCpx b = cmul(out[k + m], tw[k * fstride]);
        CcCpx c = cmul(out[k + 2 * m], tw[2 * k * fstride]);
        CcCpx sum = { b.re + c.re, b.im + c.im };
        CcCpx dif = { b.re - c.re, b.im - c.im };
        CcCpx mid = { a.re - 0.5f * sum.re, a.im - 0.5f * sum.im };
        out[k].re = a.re + sum.re;
        out[k].im = a.im + sum.im;
        /* X1 = mid - i*s3*dif, X2 = mid + i*s3*dif */
        out[k + m].re = mid.re + s3 * dif.im;
        out[k + m].im = mid.im - s3 * dif.re;
        out[k + 2 * m].re = mid.re - s3 * dif.im;
        out[k + 2 * m].im = mid.im + s3 * dif.re;
    }
}

static void bfly4(CcCpx *out, const CcCpx *tw, int fstride, int m)
{
    for (int k = 0; k < m; k++) {
        CcCpx a = out[k];
        CcCpx b = cmul(out[k + m], tw[k * fstride]);
        CcCpx c = cmul(out[k + 2 * m], tw[2 * k * fstride]);
        CcCpx d = cmul(out[k + 3 * m], tw[3 * k * fstride]);
        CcCpx ac_s = { a.re + c.re, a.im + c.im }, ac_d = { a.re - c.re, a.im - c.im };
        CcCpx bd_s = { b.re + d.re, b.im + d.im }, bd_d = { b.re - d.re, b.im - d.im };
        out[k].re = ac_s.re + bd_s.re;
        out[k].im = ac_s.im + bd_s.im;
        out[k + 2 * m].re = ac_s.re - bd_s.re;
        out[k + 2 * m].im = ac_s.im - bd_s.im;
        /* X1 = (a - c) - i(b - d), X3 = (a - c) + i(b - d) */
        out[k + m].re = ac_d.re + bd_d.im;
        out[k + m].im = ac_d.im - bd_d.re;
        out[k + 3 * m].re = ac_d.re - bd_d.im;
        out[k + 3 * m].im = ac_d.im + bd_d.re;
    }
}

static void bfly5(CcCpx *out, const CcCpx *tw, int fstride, int m)
{
    /* w = exp(-2 pi i / 5): X1,4 = a + s7 Re w + s8 Re w^2 +- i (s10 Im w + s9 Im w^2),
       X2,3 = a + s7 Re w^2 + s8 Re w +- i (s10 Im w^2 - s9 Im w) */
    const float c1 = 0.30901699437494742f, s1 = -0.95105651629515357f;
    const float c2 = -0.80901699437494742f, s2 = -0.58778525229247313f;
    for (int k = 0; k < m; k++) {
        CcCpx a = out[k];
        CcCpx b = cmul(out[k + m], tw[k * fstride]);
        CcCpx c = cmul(out[k + 2 * m], tw[2 * k * fstride]);
        CcCpx d = cmul(out[k + 3 * m], tw[3 * k * fstride]);
        CcCpx e = cmul(out[k + 4 * m], tw[4 * k * fstride]);
        CcCpx s7 = { b.re + e.re, b.im + e.im }, s10 = { b.re - e.re, b.im - e.im };
        CcCpx s8 = { c.re + d.re, c.im + d.im }, s9 = { c.re - d.re, c.im - d.im };
        out[k].re = a.re + s7.re + s8.re;
        out[k].im = a.im + s7.im + s8.im;
        CcCpx r1 = { a.re + s7.re * c1 + s8.re * c2, a.im + s7.im * c1 + s8.im * c2 };
        CcCpx i1 = { s10.re * s1 + s9.re * s2, s10.im * s1 + s9.im * s2 };
        CcCpx r2 = { a.re + s7.re * c2 + s8.re * c1, a.im + s7.im * c2 + s8.im * c1 };
        CcCpx i2 = { s10.re * s2 - s9.re * s1, s10.im * s2 - s9.im * s1 };
        /* r + i*q = (r.re - q.im, r.im + q.re) */
        out[k + m].re = r1.re - i1.im;
        out[k + m].im = r1.im + i1.re;
        out[k + 4 * m].re = r1.re + i1.im;
        out[k + 4 * m].im = r1.im - i1.re;
        out[k + 2 * m].re = r2.re - i2.im;
        out[k + 2 * m].im = r2.im + i2.re;
        out[k + 3 * m].re = r2.re + i2.im;
        out[k + 3 * m].im = r2.im - i2.re;
    }
}

static void bfly_generic(CcCpx *out, const CcCpx *tw, int fstride, int m, int p, int n,
                         CcCpx *scratch)
{
    for (int u = 0; u < m; u++) {
        for (int q = 0; q < p; q++)
            scratch[q] = out[u + q * m];
        for (int q1 = 0; q1 < p; q1++) {
            int k = u + q1 * m;
            CcCpx acc = scratch[0];
            int twidx = 0;
            for (int q = 1; q < p; q++) {
                twidx += fstride * k;
                if (twidx >= n)
                    twidx %= n;
                CcCpx t = cmul(scratch[q], tw[twidx]);
                acc.re += t.re;
                acc.im += t.im;
            }
            out[k] = acc;
        }
    }
}

static void work(CcFft *f, CcCpx *out, const CcCpx *in, int fstride, const int *factors)
{
    int p = factors[0], m = factors[1];
    if (m == 1) {
        for (int j = 0; j < p; j++)
            out[j] = in[j * fstride];
    } else {
        for (int q = 0; q < p; q++)
            work(f, out + q * m, in + q * fstride, fstride * p, factors + 2);
    }
    switch (p) {
    case 1: break;
    case 2: bfly2(out, f->tw, fstride, m); break;
    case 3: bfly3(out, f->tw, fstride, m); break;
    case 4: bfly4(out, f->tw, fstride, m); break;
    case 5: bfly5(out, f->tw, fstride, m); break;
    default: bfly_generic(out, f->tw, fstride, m, p, f->n, f->scratch); break;
    }
}

void cc_fft_forward(CcFft *f, const CcCpx *in, CcCpx *out)
{
    work(f, out, in, 1, f->factors);
}

int cc_rfft_init(CcRfft *f, int n)
{
    f->rtw = f->buf = f->buf2 = NULL;
    f->half.tw = f->half.scratch = NULL;
    if (n < 2 || n & 1)
        return CC_ERR(EINVAL);
    f->n = n;
    int h = n / 2;
    int ret = cc_fft_init(&f->half, h);
    if (ret < 0)
        return ret;
    f->rtw = cc_calloc((size_t)h, sizeof(*f->rtw));
    f->buf = cc_calloc((size_t)h, sizeof(*f->buf));
    f->buf2 = cc_calloc((size_t)h, sizeof(*f->buf2));
    if (!f->rtw || !f->buf || !f->buf2) {
        cc_rfft_free(f);
        return CC_ERR(ENOMEM);
    }
    for (int k = 0; k < h; k++) {
        double phase = -2.0 * M_PI * k / n;
        f->rtw[k].re = (float)cos(phase);
        f->rtw[k].im = (float)sin(phase);
    }
    return 0;
}

void cc_rfft_free(CcRfft *f)
{
    cc_fft_free(&f->half);
    free(f->rtw);
    free(f->buf);
    free(f->buf2);
    f->rtw = f->buf = f->buf2 = NULL;
}

void cc_rfft_forward(CcRfft *f, const float *in, CcCpx *out, float scale)
{
    int h = f->n / 2;
    CcCpx *z = f->buf, *zf = f->buf2;
    for (int j = 0; j < h; j++) {
        z[j].re = in[2 * j];
        z[j].im = in[2 * j + 1];
    }
    cc_fft_forward(&f->half, z, zf);
    /* X[k] = E[k] + W^k O[k]: E = (Z[k] + conj Z[h-k]) / 2, O = -i (Z[k] - conj Z[h-k]) / 2 */
    float hs = 0.5f * scale;
    out[0].re = (zf[0].re + zf[0].im) * scale;
    out[0].im = 0;
    out[h].re = (zf[0].re - zf[0].im) * scale;
    out[h].im = 0;
    for (int k = 1; k < h; k++) {
        CcCpx a = zf[k], b = zf[h - k];
        CcCpx e = { a.re + b.re, a.im - b.im };      /* 2E */
        CcCpx o = { a.im + b.im, -(a.re - b.re) };   /* 2O */
        CcCpx wo = cmul(o, f->rtw[k]);
        out[k].re = (e.re + wo.re) * hs;
        out[k].im = (e.im + wo.im) * hs;
    }
}

void cc_rfft_inverse(CcRfft *f, const CcCpx *in, float *out)
{
    int h = f->n / 2;
    CcCpx *z = f->buf, *zt = f->buf2;
    /*
     * Z[k] = E[k] + i O[k] with E = X[k] + conj X[h-k], O = (X[k] - conj X[h-k]) W^-k
     * (twice the forward halves, which makes the result n * x). The inverse complex
     * transform runs as conj(FFT(conj(Z))), so Z is stored conjugated.
     */
    for (int k = 0; k < h; k++) {
        CcCpx a = in[k], b = in[h - k];
        if (k == 0) {
            a.im = 0;
            b.im = 0;
        }
        CcCpx e = { a.re + b.re, a.im - b.im };
        CcCpx d = { a.re - b.re, a.im + b.im };
        CcCpx winv = { f->rtw[k].re, -f->rtw[k].im };
        CcCpx o = cmul(d, winv);
        z[k].re = e.re - o.im;
        z[k].im = -(e.im + o.re);
    }
    cc_fft_forward(&f->half, z, zt);
    for (int j = 0; j < h; j++) {
        out[2 * j] = zt[j].re;
        out[2 * j + 1] = -zt[j].im;
    }
}
