/*
 * AVX2 FFT stages: eight columns k per register. Same operations in the same order as the C
 * stages (fft.c), no FMA, so the results are bit-identical; stages whose stride r is not a
 * multiple of 8 go to the C version.
 */
#ifndef __AVX2__
#error "build this file with -mavx2"
#endif
#include <immintrin.h>

#include "dsp/fft_stages.h"

#define LD(p) _mm256_loadu_ps(p)
#define ST(p, v) _mm256_storeu_ps(p, v)
#define ADD _mm256_add_ps
#define SUB _mm256_sub_ps
#define MUL _mm256_mul_ps
#define SET1 _mm256_set1_ps
/* (ar, ai) *= (wr, wi), as CMUL in fft.c */
#define VCMUL(ar, ai, wr, wi) do { __m256 t_ = SUB(MUL(ar, wr), MUL(ai, wi)); \
    ai = ADD(MUL(ar, wi), MUL(ai, wr)); ar = t_; } while (0)

void cc_fft_stage2_avx2(const float *xr, const float *xi, float *yr, float *yi,
                        const float *twr, const float *twi, int lp, int r)
{
    if (r & 7) {
        cc_fft_stage2_c(xr, xi, yr, yi, twr, twi, lp, r);
        return;
    }
    for (int j = 0; j < lp; j++) {
        __m256 w1r = SET1(twr[j]), w1i = SET1(twi[j]);
        const float *a0r = xr + j * 2 * r, *a0i = xi + j * 2 * r;
        const float *a1r = a0r + r, *a1i = a0i + r;
        float *o0r = yr + j * r, *o0i = yi + j * r;
        float *o1r = o0r + lp * r, *o1i = o0i + lp * r;
        for (int k = 0; k < r; k += 8) {
            __m256 br = LD(a1r + k), bi = LD(a1i + k), ar = LD(a0r + k), ai = LD(a0i + k);
            VCMUL(br, bi, w1r, w1i);
            ST(o0r + k, ADD(ar, br));
            ST(o0i + k, ADD(ai, bi));
            ST(o1r + k, SUB(ar, br));
            ST(o1i + k, SUB(ai, bi));
        }
    }
}

void cc_fft_stage3_avx2(const float *xr, const float *xi, float *yr, float *yi,
                        const float *twr, const float *twi, int lp, int r)
{
    if (r & 7) {
        cc_fft_stage3_c(xr, xi, yr, yi, twr, twi, lp, r);
        return;
    }
    const __m256 s3 = SET1(0.86602540378443864676f), half = SET1(0.5f);
    for (int j = 0; j < lp; j++) {
        __m256 w1r = SET1(twr[2 * j]), w1i = SET1(twi[2 * j]);
        __m256 w2r = SET1(twr[2 * j + 1]), w2i = SET1(twi[2 * j + 1]);
        const float *ar = xr + j * 3 * r, *ai = xi + j * 3 * r;
        float *or_ = yr + j * r, *oi = yi + j * r;
        int st = lp * r;
        for (int k = 0; k < r; k += 8) {
            __m256 br = LD(ar + k + r), bi = LD(ai + k + r);
            __m256 cr = LD(ar + k + 2 * r), ci = LD(ai + k + 2 * r);
            __m256 a0r = LD(ar + k), a0i = LD(ai + k);
            VCMUL(br, bi, w1r, w1i);
            VCMUL(cr, ci, w2r, w2i);
            __m256 sr = ADD(br, cr), si = ADD(bi, ci), dr = SUB(br, cr), di = SUB(bi, ci);
            __m256 mr = SUB(a0r, MUL(half, sr)), mi = SUB(a0i, MUL(half, si));
            ST(or_ + k, ADD(a0r, sr));
            ST(oi + k, ADD(a0i, si));
            ST(or_ + k + st, ADD(mr, MUL(s3, di)));
            ST(oi + k + st, SUB(mi, MUL(s3, dr)));
            ST(or_ + k + 2 * st, SUB(mr, MUL(s3, di)));
            ST(oi + k + 2 * st, ADD(mi, MUL(s3, dr)));
        }
    }
}

void cc_fft_stage4_avx2(const float *xr, const float *xi, float *yr, float *yi,
                        const float *twr, const float *twi, int lp, int r)
{
    if (r & 7) {
        cc_fft_stage4_c(xr, xi, yr, yi, twr, twi, lp, r);
        return;
    }
    for (int j = 0; j < lp; j++) {
        __m256 w1r = SET1(twr[3 * j]), w1i = SET1(twi[3 * j]);
        __m256 w2r = SET1(twr[3 * j + 1]), w2i = SET1(twi[3 * j + 1]);
        __m256 w3r = SET1(twr[3 * j + 2]), w3i = SET1(twi[3 * j + 2]);
        const float *ar = xr + j * 4 * r, *ai = xi + j * 4 * r;
        float *or_ = yr + j * r, *oi = yi + j * r;
        int st = lp * r;
        for (int k = 0; k < r; k += 8) {
            __m256 a0r = LD(ar + k), a0i = LD(ai + k);
            __m256 br = LD(ar + k + r), bi = LD(ai + k + r);
            __m256 cr = LD(ar + k + 2 * r), ci = LD(ai + k + 2 * r);
            __m256 dr = LD(ar + k + 3 * r), di = LD(ai + k + 3 * r);
            VCMUL(br, bi, w1r, w1i);
            VCMUL(cr, ci, w2r, w2i);
            VCMUL(dr, di, w3r, w3i);
            __m256 acsr = ADD(a0r, cr), acsi = ADD(a0i, ci), acdr = SUB(a0r, cr),
                   acdi = SUB(a0i, ci);
            __m256 bdsr = ADD(br, dr), bdsi = ADD(bi, di), bddr = SUB(br, dr),
                   bddi = SUB(bi, di);
            ST(or_ + k, ADD(acsr, bdsr));
            ST(oi + k, ADD(acsi, bdsi));
            ST(or_ + k + 2 * st, SUB(acsr, bdsr));
            ST(oi + k + 2 * st, SUB(acsi, bdsi));
            ST(or_ + k + st, ADD(acdr, bddi));
            ST(oi + k + st, SUB(acdi, bddr));
            ST(or_ + k + 3 * st, SUB(acdr, bddi));
            ST(oi + k + 3 * st, ADD(acdi, bddr));
        }
    }
}

void cc_fft_stage5_avx2(const float *xr, const float *xi, float *yr, float *yi,
                        const float *twr, const float *twi, int lp, int r)
{
    if (r & 7) {
        cc_fft_stage5_c(xr, xi, yr, yi, twr, twi, lp, r);
        return;
    }
    const __m256 c1 = SET1(0.30901699437494742f), s1 = SET1(-0.95105651629515357f);
    const __m256 c2 = SET1(-0.80901699437494742f), s2 = SET1(-0.58778525229247313f);
    for (int j = 0; j < lp; j++) {
        __m256 w0r = SET1(twr[4 * j]), w0i = SET1(twi[4 * j]);
        __m256 w1r = SET1(twr[4 * j + 1]), w1i = SET1(twi[4 * j + 1]);
        __m256 w2r = SET1(twr[4 * j + 2]), w2i = SET1(twi[4 * j + 2]);
        __m256 w3r = SET1(twr[4 * j + 3]), w3i = SET1(twi[4 * j + 3]);
        const float *ar = xr + j * 5 * r, *ai = xi + j * 5 * r;
        float *or_ = yr + j * r, *oi = yi + j * r;
        int st = lp * r;
        for (int k = 0; k < r; k += 8) {
            __m256 br = LD(ar + k + r), bi = LD(ai + k + r);
            __m256 cr = LD(ar + k + 2 * r), ci = LD(ai + k + 2 * r);
            __m256 dr = LD(ar + k + 3 * r), di = LD(ai + k + 3 * r);
            __m256 er = LD(ar + k + 4 * r), ei = LD(ai + k + 4 * r);
            VCMUL(br, bi, w0r, w0i);
            VCMUL(cr, ci, w1r, w1i);
            VCMUL(dr, di, w2r, w2i);
            VCMUL(er, ei, w3r, w3i);
            __m256 s7r = ADD(br, er), s7i = ADD(bi, ei), s10r = SUB(br, er), s10i = SUB(bi, ei);
            __m256 s8r = ADD(cr, dr), s8i = ADD(ci, di), s9r = SUB(cr, dr), s9i = SUB(ci, di);
            __m256 a0r = LD(ar + k), a0i = LD(ai + k);
            ST(or_ + k, ADD(ADD(a0r, s7r), s8r));
            ST(oi + k, ADD(ADD(a0i, s7i), s8i));
            __m256 r1r = ADD(ADD(a0r, MUL(s7r, c1)), MUL(s8r, c2));
            __m256 r1i = ADD(ADD(a0i, MUL(s7i, c1)), MUL(s8i, c2));
            __m256 i1r = ADD(MUL(s10r, s1), MUL(s9r, s2)), i1i = ADD(MUL(s10i, s1), MUL(s9i, s2));
            __m256 r2r = ADD(ADD(a0r, MUL(s7r, c2)), MUL(s8r, c1));
            __m256 r2i = ADD(ADD(a0i, MUL(s7i, c2)), MUL(s8i, c1));
            __m256 i2r = SUB(MUL(s10r, s2), MUL(s9r, s1)), i2i = SUB(MUL(s10i, s2), MUL(s9i, s1));
            ST(or_ + k + st, SUB(r1r, i1i));
            ST(oi + k + st, ADD(r1i, i1r));
            ST(or_ + k + 4 * st, ADD(r1r, i1i));
            ST(oi + k + 4 * st, SUB(r1i, i1r));
            ST(or_ + k + 2 * st, SUB(r2r, i2i));
            ST(oi + k + 2 * st, ADD(r2i, i2r));
            ST(or_ + k + 3 * st, ADD(r2r, i2i));
            ST(oi + k + 3 * st, SUB(r2i, i2r));
        }
    }
}
