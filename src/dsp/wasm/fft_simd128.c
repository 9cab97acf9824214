/*
 * WebAssembly SIMD128 FFT stages (table in fft_stages.h), chosen at compile time in the wasm
 * build. The butterflies (sums3/4/5, put_pair, bfly2..5) mirror their namesakes in fft.c
 * operation for operation, with no FMA (wasm has none), so the results are bit-identical to
 * the C stages, like x86/fft_avx2.c, of which this is the 4-lane twin. Which four (row j,
 * column k) pairs share a register depends on the row length r of the stage:
 *
 *   r % 4 == 0   one row, four consecutive columns (plain loads and stores);
 *   r == 2       two rows, two columns each (lp even): the outputs of rows j and j+1 are
 *                adjacent, so the stores stay plain;
 *   r == 1       four rows, one column (p = 2 or 4, lp % 4 == 0): the p inputs of a row are
 *                adjacent, so four rows are loaded as a (4, p) block and transposed to (p, 4).
 *
 * Any other shape goes to the C stage. Row 0 is not rotated (as in C): in a register holding
 * row 0 and others, row 0's lanes are put back after the rotation.
 */
#ifndef __wasm_simd128__
#error "fft_simd128.c needs -msimd128"
#endif
#include <stddef.h>
#include <wasm_simd128.h>

#include "dsp/fft_stages.h"

typedef v128_t V;
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define SPLAT wasm_f32x4_splat
#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))
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
    ST(yr + ot, ADD(mr, qi));
    ST(yi + ot, SUB(mi, qr));
    ST(yr + op, SUB(mr, qi));
    ST(yi + op, ADD(mi, qr));
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
    ST(yr, ADD(ar[0], ar[1]));
    ST(yi, ADD(ai[0], ai[1]));
    ST(yr + st, SUB(ar[0], ar[1]));
    ST(yi + st, SUB(ai[0], ai[1]));
}

static ALWAYS_INLINE void bfly3(const V *ar, const V *ai, float *yr, float *yi, size_t st)
{
    V x0r, x0i, mr, mi, qr, qi;
    sums3(ar, &x0r, &mr, &qr);
    sums3(ai, &x0i, &mi, &qi);
    ST(yr, x0r);
    ST(yi, x0i);
    put_pair(yr, yi, st, 2 * st, mr, mi, qr, qi);
}

static ALWAYS_INLINE void bfly4(const V *ar, const V *ai, float *yr, float *yi, size_t st)
{
    V x0r, x0i, x2r, x2i, mr, mi, qr, qi;
    sums4(ar, &x0r, &x2r, &mr, &qr);
    sums4(ai, &x0i, &x2i, &mi, &qi);
    ST(yr, x0r);
    ST(yi, x0i);
    ST(yr + 2 * st, x2r);
    ST(yi + 2 * st, x2i);
    put_pair(yr, yi, st, 3 * st, mr, mi, qr, qi);
}

static ALWAYS_INLINE void bfly5(const V *ar, const V *ai, float *yr, float *yi, size_t st)
{
    V x0r, x0i, mr[2], mi[2], qr[2], qi[2];
    sums5(ar, &x0r, mr, qr);
    sums5(ai, &x0i, mi, qi);
    ST(yr, x0r);
    ST(yi, x0i);
    for (int t = 1; t <= 2; t++)
        put_pair(yr, yi, t * st, (5 - t) * st, mr[t - 1], mi[t - 1], qr[t - 1], qi[t - 1]);
}

/* r == 1: rows j..j+3 of x, each p adjacent inputs, transposed to a[s] = (row 0..3). */
static ALWAYS_INLINE void load_rows_transposed(const float *x, int p, V *a)
{
    if (p == 2) {
        V v0 = LD(x), v1 = LD(x + 4); /* rows 0 1, rows 2 3 */
        a[0] = wasm_i32x4_shuffle(v0, v1, 0, 2, 4, 6);
        a[1] = wasm_i32x4_shuffle(v0, v1, 1, 3, 5, 7);
    } else { /* p == 4: 4x4 transpose */
        V v0 = LD(x), v1 = LD(x + 4), v2 = LD(x + 8), v3 = LD(x + 12);
        V t0 = wasm_i32x4_shuffle(v0, v1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(v0, v1, 2, 6, 3, 7);
        V t2 = wasm_i32x4_shuffle(v2, v3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(v2, v3, 2, 6, 3, 7);
        a[0] = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
        a[1] = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
        a[2] = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
        a[3] = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
    }
}

/* two floats of row j (lanes 0 1) and two of row j+1 (lanes 2 3) */
static ALWAYS_INLINE V load_halves(const float *lo, const float *hi)
{
    return wasm_i32x4_shuffle(wasm_v128_load64_zero(lo), wasm_v128_load64_zero(hi), 0, 1, 4, 5);
}

static ALWAYS_INLINE V splat_halves(float lo, float hi)
{
    return wasm_f32x4_make(lo, lo, hi, hi);
}

/* The stage for one radix; `rows` = rows per register (1, 2 or 4, from r as above). */
static ALWAYS_INLINE void stage(int p, Butterfly bfly, const float *xr, const float *xi,
                                float *yr, float *yi, const float *twr, const float *twi,
                                int lp, int r, int rows)
{
    size_t st = (size_t)lp * r;
    int cols = rows == 1 ? 4 : r; /* columns per register */
    for (int j = 0; j < lp; j += rows) {
        const float *inr = xr + (size_t)j * p * r, *ini = xi + (size_t)j * p * r;
        float *outr = yr + (size_t)j * r, *outi = yi + (size_t)j * r;
        V wr[4], wi[4];
        for (int s = 1; s < p; s++) {
            const float *tr = twr + (size_t)(s - 1) * lp + j, *ti = twi + (size_t)(s - 1) * lp + j;
            wr[s - 1] = rows == 1 ? SPLAT(tr[0]) : rows == 2 ? splat_halves(tr[0], tr[1]) : LD(tr);
            wi[s - 1] = rows == 1 ? SPLAT(ti[0]) : rows == 2 ? splat_halves(ti[0], ti[1]) : LD(ti);
        }
        for (int k = 0; k < r; k += cols) {
            V ar[5], ai[5];
            if (rows == 4) {
                load_rows_transposed(inr, p, ar);
                load_rows_transposed(ini, p, ai);
            } else {
                for (int s = 0; s < p; s++) {
                    ar[s] = rows == 1 ? LD(inr + k + s * r) : load_halves(inr + s * r, inr + (p + s) * r);
                    ai[s] = rows == 1 ? LD(ini + k + s * r) : load_halves(ini + s * r, ini + (p + s) * r);
                }
            }
            if (j == 0 && rows == 1)
                ; /* row 0 alone: W^0 = 1 */
            else
                for (int s = 1; s < p; s++) {
                    V keep_r = ar[s], keep_i = ai[s];
                    rotate(&ar[s], &ai[s], wr[s - 1], wi[s - 1]);
                    if (j == 0 && rows == 2) { /* lanes 0 1 are row 0 */
                        ar[s] = wasm_i32x4_shuffle(ar[s], keep_r, 4, 5, 2, 3);
                        ai[s] = wasm_i32x4_shuffle(ai[s], keep_i, 4, 5, 2, 3);
                    } else if (j == 0) { /* lane 0 is row 0 */
                        ar[s] = wasm_i32x4_shuffle(ar[s], keep_r, 4, 1, 2, 3);
                        ai[s] = wasm_i32x4_shuffle(ai[s], keep_i, 4, 1, 2, 3);
                    }
                }
            bfly(ar, ai, outr + k, outi + k, st);
        }
    }
}

/* rows per register for this (p, lp, r), or 0 when only the C stage fits */
static int rows_per_register(int p, int lp, int r)
{
    if (r % 4 == 0)
        return 1;
    if (r == 2 && lp % 2 == 0)
        return 2;
    if (r == 1 && lp % 4 == 0 && (p == 2 || p == 4))
        return 4;
    return 0;
}

#define DEFINE_STAGE_SIMD128(p)                                                             \
    void cc_fft_stage##p##_simd128(const float *xr, const float *xi, float *yr, float *yi,  \
                                   const float *twr, const float *twi, int lp, int r)      \
    {                                                                                       \
        switch (rows_per_register(p, lp, r)) {                                              \
        case 1: stage(p, bfly##p, xr, xi, yr, yi, twr, twi, lp, r, 1); break;               \
        case 2: stage(p, bfly##p, xr, xi, yr, yi, twr, twi, lp, r, 2); break;               \
        case 4: stage(p, bfly##p, xr, xi, yr, yi, twr, twi, lp, r, 4); break;               \
        default: cc_fft_stage##p##_c(xr, xi, yr, yi, twr, twi, lp, r);                      \
        }                                                                                   \
    }
DEFINE_STAGE_SIMD128(2)
DEFINE_STAGE_SIMD128(3)
DEFINE_STAGE_SIMD128(4)
DEFINE_STAGE_SIMD128(5)

/* ------------------------------------------------------------------ real FFT passes */

/* The same element-wise operations as cc_rfft_*_c, four points (k .. k + 3) per register; the
   mirrored points h - k .. h - k - 3 come from one load of the four below and a lane reversal. */
#define REV(v) wasm_i32x4_shuffle((v), (v), 3, 2, 1, 0)
#define EVENS(a, b) wasm_i32x4_shuffle((a), (b), 0, 2, 4, 6)
#define ODDS(a, b) wasm_i32x4_shuffle((a), (b), 1, 3, 5, 7)

static inline void store_pairs(float *out, V re, V im)
{
    wasm_v128_store(out, wasm_i32x4_shuffle(re, im, 0, 4, 1, 5));
    wasm_v128_store(out + 4, wasm_i32x4_shuffle(re, im, 2, 6, 3, 7));
}

void cc_rfft_split_simd128(const float *in, float *zr, float *zi, int h)
{
    int j = 0;
    for (; j + 4 <= h; j += 4) {
        V a = LD(in + 2 * j), b = LD(in + 2 * j + 4);
        wasm_v128_store(zr + j, EVENS(a, b));
        wasm_v128_store(zi + j, ODDS(a, b));
    }
    cc_rfft_split_c(in + 2 * j, zr + j, zi + j, h - j);
}

void cc_rfft_post_simd128(const float *ar, const float *ai, const float *twr, const float *twi,
                          float *out, int h, float s)
{
    V sv = SPLAT(s);
    int k = 1;
    for (; k + 4 <= h; k += 4) { /* mirrors h - k - 3 .. h - k, all >= 1 */
        V xr = LD(ar + k), xi = LD(ai + k);
        V mr = REV(LD(ar + h - k - 3)), mi = REV(LD(ai + h - k - 3));
        V er = ADD(xr, mr), ei = SUB(xi, mi);
        V or_ = ADD(xi, mi), oi = SUB(mr, xr);
        V wr = LD(twr + k), wi = LD(twi + k);
        V re = MUL(ADD(er, SUB(MUL(or_, wr), MUL(oi, wi))), sv);
        V im = MUL(ADD(ei, ADD(MUL(or_, wi), MUL(oi, wr))), sv);
        store_pairs(out + 2 * k, re, im);
    }
    for (; k < h; k++) /* the last few */
        cc_rfft_post_point(ar, ai, twr, twi, out, h, s, k);
}

void cc_rfft_pre_simd128(const float *in, const float *twr, const float *twi, float *zr,
                         float *zi, int h)
{
    if (h > 0)
        cc_rfft_pre_point(in, twr, twi, zr, zi, h, 0);
    int k = 1;
    for (; k + 4 <= h; k += 4) { /* mirrors h - k - 3 .. h - k, all >= 1 */
        V a = LD(in + 2 * k), b = LD(in + 2 * k + 4);
        V xr = EVENS(a, b), xi = ODDS(a, b);
        V c = LD(in + 2 * (h - k - 3)), d = LD(in + 2 * (h - k - 3) + 4);
        V br = REV(EVENS(c, d)), bi = REV(ODDS(c, d));
        V er = ADD(xr, br), ei = SUB(xi, bi);
        V dr = SUB(xr, br), di = ADD(xi, bi);
        V wr = LD(twr + k), wi = wasm_f32x4_neg(LD(twi + k));
        V or_ = SUB(MUL(dr, wr), MUL(di, wi)), oi = ADD(MUL(dr, wi), MUL(di, wr));
        wasm_v128_store(zr + k, SUB(er, oi));
        wasm_v128_store(zi + k, wasm_f32x4_neg(ADD(ei, or_)));
    }
    for (; k < h; k++)
        cc_rfft_pre_point(in, twr, twi, zr, zi, h, k);
}

void cc_rfft_join_simd128(const float *yr, const float *yi, float *out, int h)
{
    int j = 0;
    for (; j + 4 <= h; j += 4)
        store_pairs(out + 2 * j, LD(yr + j), wasm_f32x4_neg(LD(yi + j)));
    cc_rfft_join_c(yr + j, yi + j, out + 2 * j, h - j);
}

void cc_fft_stages_init_wasm(CcFftStages *s)
{
    s->radix[2] = cc_fft_stage2_simd128;
    s->radix[3] = cc_fft_stage3_simd128;
    s->radix[4] = cc_fft_stage4_simd128;
    s->radix[5] = cc_fft_stage5_simd128;
    s->rfft_split = cc_rfft_split_simd128;
    s->rfft_post = cc_rfft_post_simd128;
    s->rfft_pre = cc_rfft_pre_simd128;
    s->rfft_join = cc_rfft_join_simd128;
    s->name = "simd128";
}
