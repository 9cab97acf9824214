/*
 * checkasm-style: every RNNoise 0.2 kernel variant this CPU has against the C reference, on
 * edge cases (rounding ties of the quantiser, NaN, full-range int8 weights and inputs, sparse
 * groups with no block, sizes off the vector width), bit for bit. Then the C reference itself:
 * the quantiser against round-half-up, the int8 layer against a plain int64 sum, the tanh
 * approximation against libm.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/rnn2kernels.h"
#include "testutil.h"

static unsigned rng = 24681357u;
static unsigned next(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}
static float frand(float scale)
{
    return ((float)(next() & 0xFFFF) / 32768.0f - 1.0f) * scale;
}

/* Quantiser inputs: exact ties k/254 (x * 127 = k / 2), their float neighbours, the ends. */
static int quant_inputs(float *x, int max)
{
    int n = 0;
    for (int k = -256; k <= 256 && n + 3 <= max; k++) {
        float t = (float)k / 254.0f;
        x[n++] = t;
        x[n++] = nextafterf(t, 2.0f);
        x[n++] = nextafterf(t, -2.0f);
    }
    static const float special[] = { 0.0f, -0.0f, 1.0f, -1.0f, 1.5f, -1.5f, 1e30f, -1e30f };
    for (size_t i = 0; i < sizeof(special) / sizeof(special[0]) && n < max; i++)
        x[n++] = special[i];
    if (n < max)
        x[n++] = NAN;
    while (n < max)
        x[n++] = frand(1.0f);
    return n;
}

/* A block-sparse layer: per group a random subset of the nb_inputs / 4 columns (some groups
   empty, some full). Returns the number of blocks; idx and w are malloc'ed. */
static size_t make_sparse(int nb_outputs, int nb_inputs, int32_t **idx, int8_t **w)
{
    int groups = nb_outputs / 8, cols = nb_inputs / 4;
    *idx = malloc(sizeof(int32_t) * (size_t)groups * (cols + 1));
    size_t nb = 0, p = 0;
    for (int g = 0; g < groups; g++) {
        int mode = g % 4; /* 0 empty, 1 full, else about a third */
        size_t count_at = p++;
        int count = 0;
        for (int c = 0; c < cols; c++)
            if (mode == 1 || (mode > 1 && next() % 3 == 0)) {
                (*idx)[p++] = 4 * c;
                count++;
            }
        (*idx)[count_at] = count;
        nb += (size_t)count;
    }
    *w = malloc(32 * (nb ? nb : 1));
    for (size_t i = 0; i < 32 * nb; i++)
        (*w)[i] = (int8_t)(i % 13 == 0 ? -128 : i % 11 == 0 ? 127 : (int)(next() & 0xFF) - 128);
    return nb;
}

static void check_variant(const CcRnn2Kernels *v)
{
    /* quantize */
    float xq[1600];
    int16_t qc[1600], qv[1600];
    int nq = quant_inputs(xq, 1600);
    static const int qlens[] = { 1, 7, 8, 9, 384, 1600 };
    for (size_t a = 0; a < sizeof(qlens) / sizeof(qlens[0]); a++) {
        int n = qlens[a] < nq ? qlens[a] : nq;
        memset(qc, 0x55, sizeof(qc));
        memset(qv, 0x55, sizeof(qv));
        cc_rnn2_quantize_c(qc, xq, n);
        v->quantize(qv, xq, n);
        CHECK_MSG(!memcmp(qc, qv, sizeof(qc)), "%s quantize n %d", v->name, n);
    }

    /* gemv_i8: sparse and dense, full-range inputs */
    static const int shapes[][2] = { { 8, 4 }, { 8, 12 }, { 16, 384 }, { 1152, 384 },
                                     { 384, 384 }, { 40, 64 } };
    for (size_t a = 0; a < sizeof(shapes) / sizeof(shapes[0]); a++) {
        int outs = shapes[a][0], ins = shapes[a][1];
        int16_t *q = malloc(sizeof(int16_t) * (size_t)ins);
        for (int j = 0; j < ins; j++)
            q[j] = (int16_t)(j % 7 == 0 ? -128 : j % 5 == 0 ? 127 : (int)(next() % 255) - 127);
        float *scale = malloc(sizeof(float) * (size_t)outs), *bias = malloc(sizeof(float) * (size_t)outs);
        for (int i = 0; i < outs; i++) {
            scale[i] = frand(1e-4f);
            bias[i] = frand(1.0f);
        }
        float *oc = malloc(sizeof(float) * (size_t)outs), *ov = malloc(sizeof(float) * (size_t)outs);
        for (int dense = 0; dense < 2; dense++) {
            int32_t *idx = NULL;
            int8_t *w = NULL;
            if (dense) {
                w = malloc((size_t)outs * ins);
                for (int i = 0; i < outs * ins; i++)
                    w[i] = (int8_t)(i % 3 == 0 ? -128 : (int)(next() & 0xFF) - 128);
            } else {
                make_sparse(outs, ins, &idx, &w);
            }
            cc_rnn2_gemv_i8_c(oc, w, idx, outs, ins, q, scale, bias);
            v->gemv_i8(ov, w, idx, outs, ins, q, scale, bias);
            CHECK_MSG(!memcmp(oc, ov, sizeof(float) * (size_t)outs), "%s gemv_i8 %s %d x %d",
                      v->name, dense ? "dense" : "sparse", outs, ins);
            free(idx);
            free(w);
        }
        free(q);
        free(scale);
        free(bias);
        free(oc);
        free(ov);
    }

    /* dense_f32: the network's shapes and odd ones */
    static const int fshapes[][2] = { { 195, 128 }, { 384, 32 }, { 384, 1 }, { 3, 7 },
                                      { 17, 41 }, { 1, 8 } };
    for (size_t a = 0; a < sizeof(fshapes) / sizeof(fshapes[0]); a++) {
        int rows = fshapes[a][0], cols = fshapes[a][1];
        float *w = malloc(sizeof(float) * (size_t)rows * cols), *x = malloc(sizeof(float) * (size_t)rows);
        float *b = malloc(sizeof(float) * (size_t)cols);
        float *oc = malloc(sizeof(float) * (size_t)cols), *ov = malloc(sizeof(float) * (size_t)cols);
        for (int i = 0; i < rows * cols; i++)
            w[i] = frand(i % 9 == 0 ? 4.0f : 0.3f);
        for (int j = 0; j < rows; j++)
            x[j] = frand(j % 4 == 0 ? 30.0f : 1.0f);
        for (int i = 0; i < cols; i++)
            b[i] = frand(2.0f);
        cc_rnn2_dense_f32_c(oc, w, rows, cols, x, b);
        v->dense_f32(ov, w, rows, cols, x, b);
        CHECK_MSG(!memcmp(oc, ov, sizeof(float) * (size_t)cols), "%s dense_f32 %d x %d", v->name,
                  rows, cols);
        free(w);
        free(x);
        free(b);
        free(oc);
        free(ov);
    }

    /* activations, in place and not, with NaN/Inf/huge/tiny values and tails */
    float xa[403], yc[403], yv[403];
    for (int i = 0; i < 403; i++)
        xa[i] = i < 200 ? (i - 100) * 0.1f : frand(i % 3 ? 3.0f : 40.0f);
    xa[5] = INFINITY;
    xa[6] = -INFINITY;
    xa[7] = 1e-30f;
    xa[8] = -0.0f;
    xa[9] = NAN;
    static const int alens[] = { 1, 8, 13, 384, 403 };
    for (size_t a = 0; a < sizeof(alens) / sizeof(alens[0]); a++) {
        int n = alens[a];
        cc_rnn2_tanh_c(yc, xa, n);
        v->tanh(yv, xa, n);
        CHECK_MSG(!memcmp(yc, yv, sizeof(float) * (size_t)n), "%s tanh n %d", v->name, n);
        cc_rnn2_sigmoid_c(yc, xa, n);
        memcpy(yv, xa, sizeof(float) * (size_t)n);
        v->sigmoid(yv, yv, n);
        CHECK_MSG(!memcmp(yc, yv, sizeof(float) * (size_t)n), "%s sigmoid n %d (in place)",
                  v->name, n);
    }

    /* gru_update; the last two rounds (n = 384) with NaN, Inf and huge values in some lanes:
       NaN lanes must come out as the C's NaN, the lanes beside them unchanged */
    static const int units[] = { 384, 8, 13, 1, 384, 384 };
    for (size_t a = 0; a < sizeof(units) / sizeof(units[0]); a++) {
        int n = units[a];
        float in[3 * 384], rec[3 * 384], diag[3 * 384], hc[384], hv[384];
        for (int i = 0; i < 3 * n; i++) {
            in[i] = frand(i % 10 == 0 ? 12.0f : 2.0f);
            rec[i] = frand(2.0f);
            diag[i] = frand(0.5f);
        }
        for (int i = 0; i < n; i++)
            hc[i] = hv[i] = frand(1.0f);
        if (a >= 4) {
            in[5] = NAN;
            rec[n + 9] = INFINITY;
            in[2 * n + 17] = a == 4 ? 1e30f : -INFINITY;
            diag[40] = a == 4 ? -NAN : 3e38f;
            hc[21] = hv[21] = a == 4 ? -NAN : INFINITY;
            in[n + 63] = 1e20f;
        }
        cc_rnn2_gru_update_c(hc, in, rec, diag, n);
        v->gru_update(hv, in, rec, diag, n);
        CHECK_MSG(!memcmp(hc, hv, sizeof(float) * (size_t)n), "%s gru_update n %d", v->name, n);
    }
}

/* The C reference against first principles. */
static void check_reference(void)
{
    float x[1600];
    int16_t q[1600];
    int n = quant_inputs(x, 1600);
    cc_rnn2_quantize_c(q, x, n);
    for (int i = 0; i < n; i++) {
        double want;
        if (isnan(x[i]))
            want = -128;
        else
            want = fmin(127, fmax(-128, floor((double)(127.0f * x[i]) + 0.5)));
        CHECK_MSG(q[i] == (int)want, "quantize(%.9g) = %d, want %d", x[i], q[i], (int)want);
    }
    /* exact ties go up: 127 x = -0.5 -> 0, 0.5 -> 1, 1.5 -> 2 */
    float ties[3] = { -0.5f / 127.0f, 0.5f / 127.0f, 1.5f / 127.0f };
    int16_t qt[3];
    cc_rnn2_quantize_c(qt, ties, 3);
    if (127.0f * ties[0] == -0.5f && 127.0f * ties[1] == 0.5f && 127.0f * ties[2] == 1.5f)
        CHECK(qt[0] == 0 && qt[1] == 1 && qt[2] == 2);

    int outs = 64, ins = 96;
    int32_t *idx;
    int8_t *w;
    make_sparse(outs, ins, &idx, &w);
    int16_t qi[96];
    for (int j = 0; j < ins; j++)
        qi[j] = (int16_t)((int)(next() % 256) - 128);
    float scale[64], bias[64], out[64];
    for (int i = 0; i < outs; i++) {
        scale[i] = 1.0f; /* exact: out - bias is the integer sum */
        bias[i] = 0.0f;
    }
    cc_rnn2_gemv_i8_c(out, w, idx, outs, ins, qi, scale, bias);
    long long want[64] = { 0 };
    const int32_t *p = idx;
    const int8_t *wb = w;
    for (int g = 0; g < outs / 8; g++) {
        int nb = *p++;
        for (int b = 0; b < nb; b++, wb += 32) {
            int col = *p++;
            for (int r = 0; r < 8; r++)
                for (int c = 0; c < 4; c++)
                    want[g * 8 + r] += (long long)wb[r * 4 + c] * qi[col + c];
        }
    }
    for (int i = 0; i < outs; i++)
        CHECK_MSG(out[i] == (float)want[i], "gemv_i8 output %d: %g, want %lld", i, out[i], want[i]);
    free(idx);
    free(w);

    double worst = 0;
    for (int i = -2000; i <= 2000; i++) {
        float t = i * 0.005f;
        worst = fmax(worst, fabs(cc_rnn2_tanh(t) - tanh(t)));
        CHECK(cc_rnn2_tanh(t) <= 1.0f && cc_rnn2_tanh(t) >= -1.0f);
    }
    CHECK_MSG(worst < 2e-3, "tanh approximation off by %g", worst);
    CHECK(cc_rnn2_sigmoid(0.0f) == 0.5f);
    CHECK(cc_rnn2_tanh(100.0f) == 1.0f && cc_rnn2_tanh(-100.0f) == -1.0f);
}

/* `c`: the C reference against first principles. `simd`: the best variant this CPU has against
   C, bit for bit; 77 when that is C itself (nothing to compare). */
int main(int argc, char **argv)
{
    int simd = argc == 2 && !strcmp(argv[1], "simd");
    if (argc != 2 || (!simd && strcmp(argv[1], "c"))) {
        fprintf(stderr, "usage: %s c|simd\n", argv[0]);
        return 2;
    }
    CcRnn2Kernels c, best;
    cc_rnn2_kernels_init_c(&c);
    cc_rnn2_kernels_init(&best);
    if (!simd) {
        check_reference();
        printf("rnn2 kernels: C reference checked\n");
        return CC_TEST_RESULT();
    }
    if (best.quantize == c.quantize) {
        printf("SKIP: no SIMD RNNoise 0.2 kernels for this CPU\n");
        return CC_TEST_SKIP;
    }
    /* every ISA level this CPU and build have, not only the best (AVX2 under AVX-VNNI) */
    int checked = 0;
#if defined(__x86_64__) || defined(_M_X64)
    static const char *levels[] = { "avx2", "avxvnni" };
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        CcRnn2Kernels v;
        if (cc_rnn2_kernels_init_x86_level(&v, levels[i]) < 0) {
            printf("rnn2 kernels: no %s on this CPU/build\n", levels[i]);
            continue;
        }
        check_variant(&v);
        printf("rnn2 kernels: '%s' checked against C\n", v.name);
        checked += !strcmp(v.name, best.name);
    }
#endif
    if (!checked) {
        check_variant(&best);
        printf("rnn2 kernels: '%s' checked against C\n", best.name);
    }
    return CC_TEST_RESULT();
}
