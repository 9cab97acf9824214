/*
 * AVX2 FFT stages. The butterflies (sums3/4/5, put_pair, bfly2..5) mirror their namesakes
 * in fft.c operation for operation, with no FMA, so the results are bit-identical to the C
 * stages. What differs is which eight (row j, column k) pairs share a register, chosen by
 * the row length r of the stage:
 *
 *   r % 8 == 0   one row, eight consecutive columns (loads and stores are plain);
 *   r == 4       two rows, four columns each: the inputs are two 4-float loads, and the
 *                outputs of rows j and j+1 are adjacent, so the stores stay plain;
 *   r == 1       eight rows, one column (p = 2 or 4): the p inputs of a row are adjacent,
 *                so eight rows are loaded as a (8, p) block and transposed to (p, 8).
 *
 * The plan (fft.c) puts the radix-4 stages last so that the 960-point real FFT ends on
 * r = 4 and r = 1. Any other shape goes to the C stage. Twiddles are (p-1, lp), so the
 * twiddles of consecutive rows are adjacent too. Row 0 is not rotated (as in C): in a
 * register holding row 0 and others, row 0's lanes are blended back after the rotation.
 */
#ifndef __AVX2__
#error "build this file with -mavx2"
#endif
#include <stddef.h>

#include <immintrin.h>

#include "dsp/fft_stages.h"

typedef __m256 V;
#define ADD _mm256_add_ps
#define SUB _mm256_sub_ps
#define MUL _mm256_mul_ps
#define SPLAT _mm256_set1_ps
#define ALWAYS_INLINE inline __attribute__((always_inline))

static ALWAYS_INLINE void rotate(V *re, V *im, V wr, V wi)
{
    V t = SUB(MUL(*re, wr), MUL(*im, wi));
    *im = ADD(MUL(*re, wi), MUL(*im, wr));
    *re = t;
}

static ALWAYS_INLINE void put_pair(float *yr, float *yi, size_t ot, size_t op, V mr, V mi,
                                   V qr, V qi)
{
    _mm256_storeu_ps(yr + ot, ADD(mr, qi));
    _mm256_storeu_ps(yi + ot, SUB(mi, qr));
    _mm256_storeu_ps(yr + op, SUB(mr, qi));
    _mm256_storeu_ps(yi + op, ADD(mi, qr));
}

static ALWAYS_INLINE void sums3(const V *a, V *x0, V *m, V *q)
{
    V u = ADD(a[1], a[2]), v = SUB(a[1], a[2]);
    *x0 = ADD(a[0], u);
    *m = SUB(a[0], MUL(SPLAT(0.5f), u));
    *q = MUL(SPLAT(0.86602540378443865f), v);
}

static ALWAYS_INLINE void sums4(const V *a, V *x0, V *x2, V *m, V *q)
{
    V even_sum = ADD(a[0], a[2]), odd_sum = ADD(a[1], a[3]);
    *x0 = ADD(even_sum, odd_sum);
    *x2 = SUB(even_sum, odd_sum);
    *m = SUB(a[0], a[2]);
    *q = SUB(a[1], a[3]);
}

static ALWAYS_INLINE void sums5(const V *a, V *x0, V m[2], V q[2])
{
    const V cos_mean = SPLAT(-0.25f), cos_spread = SPLAT(0.55901699437494742f);
    const V sin1 = SPLAT(0.95105651629515357f), sin2 = SPLAT(0.58778525229247313f);
    V u1 = ADD(a[1], a[4]), v1 = SUB(a[1], a[4]);
    V u2 = ADD(a[2], a[3]), v2 = SUB(a[2], a[3]);
    V total = ADD(u1, u2);
    *x0 = ADD(a[0], total);
    V mean = ADD(a[0], MUL(cos_mean, total));
    V spread = MUL(cos_spread, SUB(u1, u2));
    m[0] = ADD(mean, spread);
    m[1] = SUB(mean, spread);
    q[0] = ADD(MUL(sin1, v1), MUL(sin2, v2));
    q[1] = SUB(MUL(sin2, v1), MUL(sin1, v2));
}

typedef void (*Butterfly)(const V *ar, const V *ai, float *yr, float *yi, size_t st);

static ALWAYS_INLINE void bfly2(const V *ar, const V *ai, float *yr, float *yi, size_t st)
{
    _mm256_storeu_ps(yr, ADD(ar[0], ar[1]));
    _mm256_storeu_ps(yi, ADD(ai[0], ai[1]));
    _mm256_storeu_ps(yr + st, SUB(ar[0], ar[1]));
    _mm256_storeu_ps(yi + st, SUB(ai[0], ai[1]));
}

static ALWAYS_INLINE void bfly3(const V *ar, const V *ai, float *yr, float *yi, size_t st)
{
    V x0r, x0i, mr, mi, qr, qi;
    sums3(ar, &x0r, &mr, &qr);
    sums3(ai, &x0i, &mi, &qi);
    _mm256_storeu_ps(yr, x0r);
    _mm256_storeu_ps(yi, x0i);
    put_pair(yr, yi, st, 2 * st, mr, mi, qr, qi);
}

static ALWAYS_INLINE void bfly4(const V *ar, const V *ai, float *yr, float *yi, size_t st)
{
    V x0r, x0i, x2r, x2i, mr, mi, qr, qi;
    sums4(ar, &x0r, &x2r, &mr, &qr);
    sums4(ai, &x0i, &x2i, &mi, &qi);
    _mm256_storeu_ps(yr, x0r);
    _mm256_storeu_ps(yi, x0i);
    _mm256_storeu_ps(yr + 2 * st, x2r);
    _mm256_storeu_ps(yi + 2 * st, x2i);
    put_pair(yr, yi, st, 3 * st, mr, mi, qr, qi);
}

static ALWAYS_INLINE void bfly5(const V *ar, const V *ai, float *yr, float *yi, size_t st)
{
    V x0r, x0i, mr[2], mi[2], qr[2], qi[2];
    sums5(ar, &x0r, mr, qr);
    sums5(ai, &x0i, mi, qi);
    _mm256_storeu_ps(yr, x0r);
    _mm256_storeu_ps(yi, x0i);
    for (int t = 1; t <= 2; t++)
        put_pair(yr, yi, t * st, (5 - t) * st, mr[t - 1], mi[t - 1], qr[t - 1], qi[t - 1]);
}

/* r == 1: rows j..j+7 of x, each p adjacent inputs, transposed to a[s] = (row 0..7). */
static ALWAYS_INLINE void load_rows_transposed(const float *x, int p, V *a)
{
    if (p == 2) {
        V v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8); /* rows 0-3, rows 4-7 */
        V lo = _mm256_permute2f128_ps(v0, v1, 0x20);             /* rows 0 1 | 4 5 */
        V hi = _mm256_permute2f128_ps(v0, v1, 0x31);             /* rows 2 3 | 6 7 */
        a[0] = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
        a[1] = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
    } else { /* p == 4 */
        V v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8);  /* rows 0 1, rows 2 3 */
        V v2 = _mm256_loadu_ps(x + 16), v3 = _mm256_loadu_ps(x + 24);
        V r04 = _mm256_permute2f128_ps(v0, v2, 0x20), r15 = _mm256_permute2f128_ps(v0, v2, 0x31);
        V r26 = _mm256_permute2f128_ps(v1, v3, 0x20), r37 = _mm256_permute2f128_ps(v1, v3, 0x31);
        /* 4x4 transpose in each 128-bit half */
        V s01_01 = _mm256_unpacklo_ps(r04, r15), s23_01 = _mm256_unpackhi_ps(r04, r15);
        V s01_23 = _mm256_unpacklo_ps(r26, r37), s23_23 = _mm256_unpackhi_ps(r26, r37);
        a[0] = _mm256_shuffle_ps(s01_01, s01_23, _MM_SHUFFLE(1, 0, 1, 0));
        a[1] = _mm256_shuffle_ps(s01_01, s01_23, _MM_SHUFFLE(3, 2, 3, 2));
        a[2] = _mm256_shuffle_ps(s23_01, s23_23, _MM_SHUFFLE(1, 0, 1, 0));
        a[3] = _mm256_shuffle_ps(s23_01, s23_23, _MM_SHUFFLE(3, 2, 3, 2));
    }
}

static ALWAYS_INLINE V load_halves(const float *lo, const float *hi)
{
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(lo)), _mm_loadu_ps(hi), 1);
}

static ALWAYS_INLINE V splat_halves(float lo, float hi)
{
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_set1_ps(lo)), _mm_set1_ps(hi), 1);
}

/* The stage for one radix; `rows` = rows per register (1, 2 or 8, from r as above). */
static ALWAYS_INLINE void stage(int p, Butterfly bfly, const float *xr, const float *xi,
                                float *yr, float *yi, const float *twr, const float *twi,
                                int lp, int r, int rows)
{
    size_t st = (size_t)lp * r;
    int cols = rows == 1 ? 8 : r; /* columns per register */
    for (int j = 0; j < lp; j += rows) {
        const float *inr = xr + (size_t)j * p * r, *ini = xi + (size_t)j * p * r;
        float *outr = yr + (size_t)j * r, *outi = yi + (size_t)j * r;
        V wr[4], wi[4];
        for (int s = 1; s < p; s++) {
            const float *tr = twr + (size_t)(s - 1) * lp + j, *ti = twi + (size_t)(s - 1) * lp + j;
            wr[s - 1] = rows == 1 ? SPLAT(tr[0]) : rows == 2 ? splat_halves(tr[0], tr[1])
                                                             : _mm256_loadu_ps(tr);
            wi[s - 1] = rows == 1 ? SPLAT(ti[0]) : rows == 2 ? splat_halves(ti[0], ti[1])
                                                             : _mm256_loadu_ps(ti);
        }
        for (int k = 0; k < r; k += cols) {
            V ar[5], ai[5];
            if (rows == 8) {
                load_rows_transposed(inr, p, ar);
                load_rows_transposed(ini, p, ai);
            } else {
                for (int s = 0; s < p; s++) {
                    ar[s] = rows == 1 ? _mm256_loadu_ps(inr + k + s * r)
                                      : load_halves(inr + s * r, inr + (p + s) * r);
                    ai[s] = rows == 1 ? _mm256_loadu_ps(ini + k + s * r)
                                      : load_halves(ini + s * r, ini + (p + s) * r);
                }
            }
            if (j == 0 && rows == 1)
                ; /* row 0 alone: W^0 = 1 */
            else
                for (int s = 1; s < p; s++) {
                    V keep_r = ar[s], keep_i = ai[s];
                    rotate(&ar[s], &ai[s], wr[s - 1], wi[s - 1]);
                    if (j == 0 && rows == 2) {
                        ar[s] = _mm256_blend_ps(ar[s], keep_r, 0x0F);
                        ai[s] = _mm256_blend_ps(ai[s], keep_i, 0x0F);
                    } else if (j == 0) {
                        ar[s] = _mm256_blend_ps(ar[s], keep_r, 0x01);
                        ai[s] = _mm256_blend_ps(ai[s], keep_i, 0x01);
                    }
                }
            bfly(ar, ai, outr + k, outi + k, st);
        }
    }
}

/* rows per register for this (p, lp, r), or 0 when only the C stage fits */
static int rows_per_register(int p, int lp, int r)
{
    if (r % 8 == 0)
        return 1;
    if (r == 4 && lp % 2 == 0)
        return 2;
    if (r == 1 && lp % 8 == 0 && (p == 2 || p == 4))
        return 8;
    return 0;
}

#define DEFINE_STAGE_AVX2(p)                                                                \
    void cc_fft_stage##p##_avx2(const float *xr, const float *xi, float *yr, float *yi,     \
                                const float *twr, const float *twi, int lp, int r)         \
    {                                                                                       \
        switch (rows_per_register(p, lp, r)) {                                              \
        case 1: stage(p, bfly##p, xr, xi, yr, yi, twr, twi, lp, r, 1); break;               \
        case 2: stage(p, bfly##p, xr, xi, yr, yi, twr, twi, lp, r, 2); break;               \
        case 8: stage(p, bfly##p, xr, xi, yr, yi, twr, twi, lp, r, 8); break;               \
        default: cc_fft_stage##p##_c(xr, xi, yr, yi, twr, twi, lp, r);                      \
        }                                                                                   \
    }
DEFINE_STAGE_AVX2(2)
DEFINE_STAGE_AVX2(3)
DEFINE_STAGE_AVX2(4)
DEFINE_STAGE_AVX2(5)
