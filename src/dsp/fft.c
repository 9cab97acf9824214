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
 * Every butterfly below is written around one identity. For a p-point DFT with the
 * rotated inputs a_s, pair a_s with a_(p-s): u_s = a_s + a_(p-s), v_s = a_s - a_(p-s). Then
 *
 *   X_0 = a_0 + sum_s u_s,
 *   X_t, X_(p-t) = m_t -/+ i q_t,  m_t = a_0 + sum_s cos(2 pi t s / p) u_s,
 *                                  q_t =       sum_s sin(2 pi t s / p) v_s,
 *
 * so every output pair costs one symmetric sum m and one antisymmetric sum q
 * (put_pair writes both outputs from them). Radix 4 is the same with a_0, a_2 as the
 * self-paired points.
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

/*
 * Stage kinds in the order the stages run; 0 stands for the generic odd-prime stage.
 * The order is about speed only. Stage q reads rows of r = n / (p1..pq) contiguous
 * columns, and r shrinks stage by stage to 1. A SIMD stage wants eight lanes: eight
 * columns of a row while r is a multiple of 8; at the end, where r is short, it has to
 * take lanes from several rows, which the AVX2 stages do for r == 4 (two rows) and for
 * r == 1 with a radix-4 or radix-2 butterfly (eight rows, transposed). So the odd radices
 * run first on long rows, and the twos last: merged in pairs into radix 4 (half the passes
 * over memory for the same multiplies), a leftover single 2 before them, so that the
 * 960-point real FFT (480 = 5 3 2 4 4) ends on r = 4 and r = 1, both vectorised.
 */
static const int stage_order[] = { 0, 5, 3, 2, 4 };

/* Smallest prime factor of m > 1 that has no dedicated butterfly (m has no 2, 3, 5). */
static int generic_prime(int m)
{
    for (int d = 7; d <= m / d; d += 2)
        if (m % d == 0)
            return d;
    return m;
}

/* Fills f->radix / f->nstages; CC_ERR(EINVAL) when n needs more stages than fit. */
static int build_plan(CcFft *f, int n)
{
    int count[6] = { 0 }; /* stages of radix 2..5; count[0] = generic stages */
    int generic[CC_FFT_MAX_STAGES];
    int rest = n;
    for (; rest % 5 == 0; rest /= 5)
        count[5]++;
    for (; rest % 3 == 0; rest /= 3)
        count[3]++;
    int twos = 0;
    for (; rest % 2 == 0; rest /= 2)
        twos++;
    count[4] = twos / 2;
    count[2] = twos % 2;
    while (rest > 1) {
        if (count[0] == CC_FFT_MAX_STAGES)
            return CC_ERR(EINVAL);
        int p = generic_prime(rest);
        generic[count[0]++] = p;
        rest /= p;
    }
    f->nstages = 0;
    for (size_t o = 0; o < sizeof(stage_order) / sizeof(stage_order[0]); o++) {
        int kind = stage_order[o];
        for (int c = 0; c < count[kind]; c++) {
            if (f->nstages == CC_FFT_MAX_STAGES)
                return CC_ERR(EINVAL);
            /* generic primes were found in ascending order; the largest runs first */
            f->radix[f->nstages++] = kind ? kind : generic[count[0] - 1 - c];
        }
    }
    return 0;
}

int cc_fft_init(CcFft *f, int n)
{
    memset(f, 0, sizeof(*f));
    if (n < 1 || n > (1 << 24))
        return CC_ERR(EINVAL);
    f->n = n;
    int ret = build_plan(f, n);
    if (ret < 0)
        return ret;
    cc_fft_stages_init(&f->stages);
    size_t ntw = 0;
    int max_generic = 0;
    for (int q = 0, l = 1; q < f->nstages; q++) {
        int p = f->radix[q];
        ntw += (size_t)l * (p - 1);
        l *= p;
        if (p > 5)
            max_generic = CC_MAX(max_generic, p);
    }
    f->tw_re = cc_calloc(ntw + 1, sizeof(float));
    f->tw_im = cc_calloc(ntw + 1, sizeof(float));
    f->buf = cc_calloc(4 * (size_t)n, sizeof(float));
    if (max_generic) {
        f->unit_cos = cc_calloc((size_t)n, sizeof(float));
        f->unit_sin = cc_calloc((size_t)n, sizeof(float));
        f->pair_buf = cc_calloc(2 * (size_t)max_generic, sizeof(float));
    }
    if (!f->tw_re || !f->tw_im || !f->buf ||
        (max_generic && (!f->unit_cos || !f->unit_sin || !f->pair_buf))) {
        cc_fft_free(f);
        return CC_ERR(ENOMEM);
    }
    if (max_generic)
        for (int k = 0; k < n; k++) {
            f->unit_cos[k] = (float)cos(2.0 * M_PI * k / n);
            f->unit_sin[k] = (float)sin(2.0 * M_PI * k / n);
        }
    /* per stage, input s >= 1, row j: W_L^(j s); rows contiguous so that a SIMD stage
       can load the twiddles of consecutive rows at once */
    float *twr = f->tw_re, *twi = f->tw_im;
    for (int q = 0, lp = 1; q < f->nstages; q++) {
        int p = f->radix[q], l = lp * p;
        for (int s = 1; s < p; s++)
            for (int j = 0; j < lp; j++) {
                double phase = -2.0 * M_PI * (double)((long)j * s % l) / l;
                *twr++ = (float)cos(phase);
                *twi++ = (float)sin(phase);
            }
        lp = l;
    }
    return 0;
}

void cc_fft_free(CcFft *f)
{
    free(f->tw_re);
    free(f->tw_im);
    free(f->unit_cos);
    free(f->unit_sin);
    free(f->pair_buf);
    free(f->buf);
    f->tw_re = f->tw_im = f->unit_cos = f->unit_sin = f->pair_buf = f->buf = NULL;
}

/*
 * Butterflies. Each radix splits into a real-coefficient part, applied to the real and
 * the imaginary components separately (sums3/4/5: X_0, and m_t, q_t of each output pair),
 * and put_pair, the only place where the two components mix (the factor -/+ i).
 * x86/fft_avx2.c mirrors these functions operation for operation.
 */
#define COS_2PI_5_PLUS_COS_4PI_5_HALF (-0.25f)      /* (cos(2pi/5) + cos(4pi/5)) / 2 */
#define COS_2PI_5_MINUS_COS_4PI_5_HALF 0.55901699437494742f /* (cos - cos) / 2 = sqrt(5)/4 */
#define SIN_2PI_5 0.95105651629515357f
#define SIN_4PI_5 0.58778525229247313f
#define SIN_2PI_3 0.86602540378443865f

#if defined(__GNUC__)
#  define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#  define ALWAYS_INLINE inline
#endif
/* the loops over a butterfly's inputs must be unrolled before the column loop vectorises */
#if defined(__clang__)
#  define UNROLL_5 _Pragma("clang loop unroll(full)")
#elif defined(__GNUC__)
#  define UNROLL_5 _Pragma("GCC unroll 5")
#else
#  define UNROLL_5
#endif
/* x and y never overlap (ping-pong buffers), but once stage_row is inlined the compiler
   cannot see that through restrict, and it will not vectorise the column loop unless told
   (GCC only: clang 14 cannot honour its assume_safety hint for the generic stage and warns) */
#if defined(__GNUC__) && !defined(__clang__)
#  define COLUMNS_INDEPENDENT _Pragma("GCC ivdep")
#else
#  define COLUMNS_INDEPENDENT
#endif

/* (*re, *im) *= (wr, wi): the twiddle W_L^(j s) on input s of row j. */
static ALWAYS_INLINE void rotate(float *re, float *im, float wr, float wi)
{
    float t = *re * wr - *im * wi;
    *im = *re * wi + *im * wr;
    *re = t;
}

/* X_t = m - i q at offset ot, X_(p-t) = m + i q at offset op. */
static ALWAYS_INLINE void put_pair(float *yr, float *yi, size_t ot, size_t op, float mr,
                                   float mi, float qr, float qi)
{
    yr[ot] = mr + qi;
    yi[ot] = mi - qr;
    yr[op] = mr - qi;
    yi[op] = mi + qr;
}

/* 3 points: one pair (1, 2); m = a0 + cos(2pi/3) u = a0 - u/2. */
static ALWAYS_INLINE void sums3(const float *a, float *x0, float *m, float *q)
{
    float u = a[1] + a[2], v = a[1] - a[2];
    *x0 = a[0] + u;
    *m = a[0] - 0.5f * u;
    *q = SIN_2PI_3 * v;
}

/* 4 points: 0 and 2 pair with themselves (X_0, X_2 are sums of the two 2-point DFTs);
   the pair (1, 3) has m = a0 - a2 and q = sin(pi/2) (a1 - a3). */
static ALWAYS_INLINE void sums4(const float *a, float *x0, float *x2, float *m, float *q)
{
    float even_sum = a[0] + a[2], odd_sum = a[1] + a[3];
    *x0 = even_sum + odd_sum;
    *x2 = even_sum - odd_sum;
    *m = a[0] - a[2];
    *q = a[1] - a[3];
}

/*
 * 5 points: pairs (1, 4) and (2, 3). With c1 = cos(2pi/5), c2 = cos(4pi/5),
 * m_1 = a0 + c1 u1 + c2 u2 and m_2 = a0 + c2 u1 + c1 u2 share their mean and differ by
 * +/- (c1 - c2)/2 (u1 - u2), and c1 + c2 = -1/2, so both cost two multiplies instead of
 * four. q_1 = sin(2pi/5) v1 + sin(4pi/5) v2, q_2 = sin(4pi/5) v1 - sin(2pi/5) v2
 * (sin(8pi/5) = -sin(2pi/5)).
 */
static ALWAYS_INLINE void sums5(const float *a, float *x0, float m[2], float q[2])
{
    float u1 = a[1] + a[4], v1 = a[1] - a[4];
    float u2 = a[2] + a[3], v2 = a[2] - a[3];
    float total = u1 + u2;
    *x0 = a[0] + total;
    float mean = a[0] + COS_2PI_5_PLUS_COS_4PI_5_HALF * total;
    float spread = COS_2PI_5_MINUS_COS_4PI_5_HALF * (u1 - u2);
    m[0] = mean + spread;
    m[1] = mean - spread;
    q[0] = SIN_2PI_5 * v1 + SIN_4PI_5 * v2;
    q[1] = SIN_4PI_5 * v1 - SIN_2PI_5 * v2;
}

/* One p-point DFT of the (rotated) inputs a, outputs t at y + t st. */
typedef void (*Butterfly)(const float *ar, const float *ai, float *yr, float *yi, size_t st);

static ALWAYS_INLINE void bfly2(const float *ar, const float *ai, float *yr, float *yi,
                                size_t st)
{
    yr[0] = ar[0] + ar[1];
    yi[0] = ai[0] + ai[1];
    yr[st] = ar[0] - ar[1];
    yi[st] = ai[0] - ai[1];
}

static ALWAYS_INLINE void bfly3(const float *ar, const float *ai, float *yr, float *yi,
                                size_t st)
{
    float mr, mi, qr, qi;
    sums3(ar, &yr[0], &mr, &qr);
    sums3(ai, &yi[0], &mi, &qi);
    put_pair(yr, yi, st, 2 * st, mr, mi, qr, qi);
}

static ALWAYS_INLINE void bfly4(const float *ar, const float *ai, float *yr, float *yi,
                                size_t st)
{
    float mr, mi, qr, qi;
    sums4(ar, &yr[0], &yr[2 * st], &mr, &qr);
    sums4(ai, &yi[0], &yi[2 * st], &mi, &qi);
    put_pair(yr, yi, st, 3 * st, mr, mi, qr, qi);
}

static ALWAYS_INLINE void bfly5(const float *ar, const float *ai, float *yr, float *yi,
                                size_t st)
{
    float mr[2], mi[2], qr[2], qi[2];
    sums5(ar, &yr[0], mr, qr);
    sums5(ai, &yi[0], mi, qi);
    for (int t = 1; t <= 2; t++)
        put_pair(yr, yi, t * st, (5 - t) * st, mr[t - 1], mi[t - 1], qr[t - 1], qi[t - 1]);
}

/*
 * One row j of a stage: for each column k, load the p inputs x[k + s r], apply the row's
 * twiddles tw[(s-1) lp + j] (row 0 has W^0 = 1 and is left exact, which also keeps its
 * loop free of the multiplies) and run the butterfly.
 */
static ALWAYS_INLINE void stage_row(int p, Butterfly bfly, const float *restrict xr,
                                    const float *restrict xi, float *restrict yr,
                                    float *restrict yi, const float *twr, const float *twi,
                                    int lp, int r, int j, int rotated)
{
    size_t st = (size_t)lp * r;
    const float *inr = xr + (size_t)j * p * r, *ini = xi + (size_t)j * p * r;
    float *outr = yr + (size_t)j * r, *outi = yi + (size_t)j * r;
    float wr[4], wi[4];
    for (int s = 1; rotated && s < p; s++) {
        wr[s - 1] = twr[(size_t)(s - 1) * lp + j];
        wi[s - 1] = twi[(size_t)(s - 1) * lp + j];
    }
    const float *colr[5], *coli[5]; /* input s of column 0 */
    for (int s = 0; s < p; s++) {
        colr[s] = inr + (size_t)s * r;
        coli[s] = ini + (size_t)s * r;
    }
    COLUMNS_INDEPENDENT
    for (int k = 0; k < r; k++) {
        float ar[5], ai[5];
        UNROLL_5
        for (int s = 0; s < p; s++) {
            ar[s] = colr[s][k];
            ai[s] = coli[s][k];
        }
        UNROLL_5
        for (int s = 1; s < p; s++)
            if (rotated)
                rotate(&ar[s], &ai[s], wr[s - 1], wi[s - 1]);
        bfly(ar, ai, outr + k, outi + k, st);
    }
}

#define DEFINE_STAGE_C(p)                                                                   \
    void cc_fft_stage##p##_c(const float *xr, const float *xi, float *yr, float *yi,        \
                             const float *twr, const float *twi, int lp, int r)            \
    {                                                                                       \
        stage_row(p, bfly##p, xr, xi, yr, yi, twr, twi, lp, r, 0, 0);                       \
        for (int j = 1; j < lp; j++)                                                        \
            stage_row(p, bfly##p, xr, xi, yr, yi, twr, twi, lp, r, j, 1);                   \
    }
DEFINE_STAGE_C(2)
DEFINE_STAGE_C(3)
DEFINE_STAGE_C(4)
DEFINE_STAGE_C(5)

/*
 * Any odd prime p without a dedicated butterfly, by the same pairing: (p-1)/2 pairs
 * (u_s, v_s), then for each output pair t the sums m_t, q_t over s with
 * cos/sin(2 pi t s / p) looked up in the plan's unit circle (index t s mod p, times n/p).
 * About p^2/2 real multiplies per component for p outputs; scalar C only, since it serves
 * sizes that are not on any hot path.
 */
static void stage_generic(const CcFft *f, const float *xr, const float *xi, float *yr,
                          float *yi, const float *twr, const float *twi, int p, int lp, int r)
{
    int npairs = (p - 1) / 2, step = f->n / p;
    float *ur = f->pair_buf, *ui = ur + npairs, *vr = ui + npairs, *vi = vr + npairs;
    size_t st = (size_t)lp * r;
    for (int j = 0; j < lp; j++) {
        const float *inr = xr + (size_t)j * p * r, *ini = xi + (size_t)j * p * r;
        float *outr = yr + (size_t)j * r, *outi = yi + (size_t)j * r;
        for (int k = 0; k < r; k++) {
            float a0r = inr[k], a0i = ini[k], x0r = a0r, x0i = a0i;
            for (int s = 1; s <= npairs; s++) {
                float br = inr[k + s * r], bi = ini[k + s * r];
                float cr = inr[k + (p - s) * r], ci = ini[k + (p - s) * r];
                if (j) {
                    rotate(&br, &bi, twr[(size_t)(s - 1) * lp + j], twi[(size_t)(s - 1) * lp + j]);
                    rotate(&cr, &ci, twr[(size_t)(p - s - 1) * lp + j],
                           twi[(size_t)(p - s - 1) * lp + j]);
                }
                ur[s - 1] = br + cr;
                ui[s - 1] = bi + ci;
                vr[s - 1] = br - cr;
                vi[s - 1] = bi - ci;
                x0r += ur[s - 1];
                x0i += ui[s - 1];
            }
            outr[k] = x0r;
            outi[k] = x0i;
            for (int t = 1; t <= npairs; t++) {
                float mr = a0r, mi = a0i, qr = 0, qi = 0;
                for (int s = 1, ts = t; s <= npairs; s++, ts = (ts + t) % p) {
                    float c = f->unit_cos[(size_t)ts * step], sn = f->unit_sin[(size_t)ts * step];
                    mr += c * ur[s - 1];
                    mi += c * ui[s - 1];
                    qr += sn * vr[s - 1];
                    qi += sn * vi[s - 1];
                }
                put_pair(outr, outi, k + t * st, k + (p - t) * st, mr, mi, qr, qi);
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
    s->rfft_split = cc_rfft_split_c;
    s->rfft_post = cc_rfft_post_c;
    s->rfft_pre = cc_rfft_pre_c;
    s->rfft_join = cc_rfft_join_c;
    s->name = "c";
}

void cc_fft_stages_init(CcFftStages *s)
{
    cc_fft_stages_init_c(s);
#if CC_ARCH_X86_64 && (defined(__x86_64__) || defined(_M_X64))
    cc_fft_stages_init_x86(s);
#endif
#if CC_ARCH_WASM && defined(__wasm_simd128__)
    cc_fft_stages_init_wasm(s);
#endif
}

void cc_fft_forward_split(CcFft *f, const float *re, const float *im, const float **out_re,
                          const float **out_im)
{
    int n = f->n;
    const float *xr = re, *xi = im;
    float *bufs[2][2] = { { f->buf, f->buf + n }, { f->buf + 2 * n, f->buf + 3 * n } };
    const float *twr = f->tw_re, *twi = f->tw_im;
    if (f->nstages == 0) { /* n == 1 */
        memcpy(bufs[0][0], re, sizeof(float));
        memcpy(bufs[0][1], im, sizeof(float));
        *out_re = bufs[0][0];
        *out_im = bufs[0][1];
        return;
    }
    for (int q = 0, lp = 1; q < f->nstages; q++) {
        int p = f->radix[q], r = n / (lp * p);
        float *yr = bufs[q & 1][0], *yi = bufs[q & 1][1];
        if (p <= 5)
            f->stages.radix[p](xr, xi, yr, yi, twr, twi, lp, r);
        else
            stage_generic(f, xr, xi, yr, yi, twr, twi, p, lp, r);
        twr += (size_t)lp * (p - 1);
        twi += (size_t)lp * (p - 1);
        lp *= p;
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

void cc_rfft_split_c(const float *in, float *zr, float *zi, int h)
{
    for (int j = 0; j < h; j++) {
        zr[j] = in[2 * j];
        zi[j] = in[2 * j + 1];
    }
}

/* X[k] = E[k] + W^k O[k]: E = (A[k] + conj A[h-k]) / 2, O = -i (A[k] - conj A[h-k]) / 2 */
void cc_rfft_post_c(const float *ar, const float *ai, const float *twr, const float *twi,
                    float *out, int h, float s)
{
    for (int k = 1; k < h; k++)
        cc_rfft_post_point(ar, ai, twr, twi, out, h, s, k);
}

/*
 * Z[k] = E[k] + i O[k] with E = X[k] + conj X[h-k], O = (X[k] - conj X[h-k]) W^-k (twice the
 * forward halves, which makes the result n * x), stored conjugated: the inverse complex
 * transform runs as conj(FFT(conj(Z))).
 */
void cc_rfft_pre_c(const float *in, const float *twr, const float *twi, float *zr, float *zi,
                   int h)
{
    for (int k = 0; k < h; k++)
        cc_rfft_pre_point(in, twr, twi, zr, zi, h, k);
}

void cc_rfft_join_c(const float *yr, const float *yi, float *out, int h)
{
    for (int j = 0; j < h; j++) {
        out[2 * j] = yr[j];
        out[2 * j + 1] = -yi[j];
    }
}

void cc_rfft_forward(CcRfft *f, const float *in, CcCpx *out, float scale)
{
    int h = f->n / 2;
    const CcFftStages *k = &f->half.stages;
    k->rfft_split(in, f->zr, f->zi, h);
    const float *ar, *ai;
    cc_fft_forward_split(&f->half, f->zr, f->zi, &ar, &ai);
    out[0].re = (ar[0] + ai[0]) * scale;
    out[0].im = 0;
    out[h].re = (ar[0] - ai[0]) * scale;
    out[h].im = 0;
    k->rfft_post(ar, ai, f->rtw_re, f->rtw_im, &out[0].re, h, 0.5f * scale);
}

void cc_rfft_inverse(CcRfft *f, const CcCpx *in, float *out)
{
    int h = f->n / 2;
    const CcFftStages *k = &f->half.stages;
    k->rfft_pre(&in[0].re, f->rtw_re, f->rtw_im, f->zr, f->zi, h);
    const float *yr, *yi;
    cc_fft_forward_split(&f->half, f->zr, f->zi, &yr, &yi);
    k->rfft_join(yr, yi, out, h);
}
