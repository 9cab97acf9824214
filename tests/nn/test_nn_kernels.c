/*
 * checkasm-style test of the NN kernel table: every SIMD variant this CPU has against the
 * C reference on edge-case shapes (channel counts around the vector widths and tile
 * sizes, pixel counts around the tile height, windows cut by padding, clamps). Floats
 * are compared with a relative epsilon (summation order and FMA differ).
 * Exits 77 when the CPU has no SIMD variant.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nn/exec.h"
#include "testutil.h"

static uint32_t rng = 4242;
static float frand(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (float)(rng >> 8) / (float)(1u << 23) - 1.0f;
}

static void fill(float *p, size_t n, float scale)
{
    for (size_t i = 0; i < n; i++)
        p[i] = frand() * scale;
}

/* max |a - b| / (1 + |b|) */
static double maxrel(const float *a, const float *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]) / (1 + fabs((double)b[i]));
        if (!(d <= m))
            m = d;
    }
    return m;
}

int main(void)
{
    CcNnKernels c, s;
    cc_nn_kernels_init(&c, 0);
    cc_nn_kernels_init(&s, 1);
    if (!memcmp(&c, &s, sizeof(c))) {
        printf("no SIMD kernel variant on this CPU\n");
        return CC_TEST_SKIP;
    }
    static const float lims[3][2] = {{-INFINITY, INFINITY}, {0, INFINITY}, {-0.5f, 0.75f}};
    int cases = 0;
    if (s.conv1x1 != c.conv1x1) {
        static const int cis[] = {1, 3, 8, 16, 17, 96};
        static const int cos_[] = {1, 7, 8, 9, 15, 16, 17, 24, 31, 40, 128};
        for (size_t a = 0; a < sizeof(cis) / sizeof(cis[0]); a++)
            for (size_t b = 0; b < sizeof(cos_) / sizeof(cos_[0]); b++)
                for (int np = 1; np <= 9; np += 2) {
                    int ci = cis[a], co = cos_[b], l = (int)((a + b + (size_t)np) % 3);
                    float *in = malloc(sizeof(float) * (size_t)(np * ci)), *w = malloc(sizeof(float) * (size_t)(ci * co));
                    float *bias = malloc(sizeof(float) * (size_t)co);
                    float *o1 = malloc(sizeof(float) * (size_t)(np * co + 1)), *o2 = malloc(sizeof(float) * (size_t)(np * co + 1));
                    fill(in, (size_t)(np * ci), 3);
                    fill(w, (size_t)(ci * co), 1);
                    fill(bias, (size_t)co, 1);
                    o1[np * co] = o2[np * co] = 12345; /* guard */
                    c.conv1x1(o1, in, w, bias, (size_t)np, ci, co, lims[l][0], lims[l][1]);
                    s.conv1x1(o2, in, w, bias, (size_t)np, ci, co, lims[l][0], lims[l][1]);
                    double d = maxrel(o2, o1, (size_t)(np * co));
                    CHECK_MSG(d < 1e-5 && o2[np * co] == 12345, "conv1x1 ci %d co %d pixels %d clamp %d: %g", ci, co,
                              np, l, d);
                    free(in), free(w), free(bias), free(o1), free(o2);
                    cases++;
                }
    }
    if (s.dwconv != c.dwconv) {
        static const int chans[] = {1, 5, 8, 13, 16, 24, 88};
        static const int geo[][6] = {
            /* k, stride, pad_top, pad_left, in_h, in_w */
            {3, 1, 1, 1, 5, 6}, {3, 2, 0, 0, 7, 7}, {5, 2, 1, 1, 9, 8}, {5, 1, 2, 2, 4, 3},
            {3, 1, 1, 1, 1, 1}, {5, 1, 2, 2, 2, 7}, {3, 2, 1, 0, 6, 5},
        };
        for (size_t a = 0; a < sizeof(chans) / sizeof(chans[0]); a++)
            for (size_t b = 0; b < sizeof(geo) / sizeof(geo[0]); b++) {
                const int *gg = geo[b];
                int k = gg[0], st = gg[1], l = (int)((a + b) % 3);
                /* "same"-style output size with the given leading pad */
                CcNnDwParams p = {.ih = gg[4], .iw = gg[5], .c = chans[a], .kh = k, .kw = k, .sh = st, .sw = st,
                                  .pad_top = gg[2], .pad_left = gg[3], .lo = lims[l][0], .hi = lims[l][1]};
                p.oh = (p.ih + 2 * gg[2] - k) / st + 1;
                p.ow = (p.iw + 2 * gg[3] - k) / st + 1;
                if (p.oh < 1 || p.ow < 1)
                    continue;
                size_t nx = (size_t)p.ih * p.iw * p.c, ny = (size_t)p.oh * p.ow * p.c;
                float *x = malloc(nx * sizeof(float)), *w = malloc(sizeof(float) * (size_t)(k * k * p.c));
                float *bias = malloc(sizeof(float) * (size_t)p.c);
                float *o1 = malloc((ny + 1) * sizeof(float)), *o2 = malloc((ny + 1) * sizeof(float));
                fill(x, nx, 3);
                fill(w, (size_t)(k * k * p.c), 1);
                fill(bias, (size_t)p.c, 1);
                o1[ny] = o2[ny] = 12345;
                c.dwconv(o1, x, w, bias, &p);
                s.dwconv(o2, x, w, bias, &p);
                double d = maxrel(o2, o1, ny);
                CHECK_MSG(d < 1e-5 && o2[ny] == 12345, "dwconv c %d k %d s %d pad %d,%d in %dx%d: %g", p.c, k, st,
                          gg[2], gg[3], p.ih, p.iw, d);
                free(x), free(w), free(bias), free(o1), free(o2);
                cases++;
            }
    }
    for (size_t n = 0; n <= 37; n++) {
        float x[40], o1[41], o2[41];
        fill(x, n, 8);
        o1[n] = o2[n] = 12345;
        if (s.hardswish != c.hardswish) {
            c.hardswish(o1, x, n);
            s.hardswish(o2, x, n);
            CHECK_MSG(maxrel(o2, o1, n) < 1e-6 && o2[n] == 12345, "hardswish n %zu", n);
            cases++;
        }
        if (s.clamp != c.clamp) {
            for (int l = 0; l < 3; l++) {
                c.clamp(o1, x, n, lims[l][0], lims[l][1]);
                s.clamp(o2, x, n, lims[l][0], lims[l][1]);
                CHECK_MSG(!memcmp(o1, o2, (n + 1) * sizeof(float)), "clamp n %zu limits %d", n, l);
                cases++;
            }
        }
    }
    /* dots, binary, lerp2d are exact per element: bit for bit */
    if (s.dots != c.dots) {
        static const int cis[] = {1, 3, 4, 16, 17, 40};
        static const int nouts[] = {1, 3, 4, 5, 8, 9, 28, 60};
        for (size_t a = 0; a < sizeof(cis) / sizeof(cis[0]); a++)
            for (size_t b = 0; b < sizeof(nouts) / sizeof(nouts[0]); b++)
                for (int np = 1; np <= 11; np += 2) {
                    int ci = cis[a], nout = nouts[b];
                    size_t ns = (size_t)np * nout;
                    float *x = malloc(sizeof(float) * (size_t)(np * ci)), *w = malloc(sizeof(float) * (size_t)(ci * nout));
                    float *o1 = malloc(sizeof(float) * (ns + 1)), *o2 = malloc(sizeof(float) * (ns + 1));
                    fill(x, (size_t)(np * ci), 2);
                    fill(w, (size_t)(ci * nout), 1);
                    o1[ns] = o2[ns] = 12345;
                    c.dots(o1, x, w, (size_t)np, ci, nout);
                    s.dots(o2, x, w, (size_t)np, ci, nout);
                    CHECK_MSG(!memcmp(o1, o2, (ns + 1) * sizeof(float)), "dots ci %d nout %d pixels %d", ci, nout, np);
                    free(x), free(w), free(o1), free(o2);
                    cases++;
                }
    }
    for (size_t n = 0; n <= 37; n++) {
        float a[40], b[40], d[40], e[40], o1[41], o2[41];
        fill(a, n, 4), fill(b, n, 4), fill(d, n, 4), fill(e, n, 4);
        for (int mul = 0; mul < 2 && s.binary != c.binary; mul++) {
            o1[n] = o2[n] = 12345;
            c.binary(o1, a, b, n, mul);
            s.binary(o2, a, b, n, mul);
            CHECK_MSG(!memcmp(o1, o2, (n + 1) * sizeof(float)), "binary n %zu mul %d", n, mul);
            cases++;
        }
        if (s.lerp2d != c.lerp2d) {
            static const float fs[][2] = {{0, 0}, {1, 1}, {0.25f, 0.75f}, {0.3f, 0.1f}};
            for (int f = 0; f < 4; f++) {
                o1[n] = o2[n] = 12345;
                c.lerp2d(o1, a, b, d, e, fs[f][0], fs[f][1], (int)n);
                s.lerp2d(o2, a, b, d, e, fs[f][0], fs[f][1], (int)n);
                CHECK_MSG(!memcmp(o1, o2, (n + 1) * sizeof(float)), "lerp2d c %zu f %d", n, f);
                cases++;
            }
        }
    }
    printf("%d kernel cases, SIMD vs C\n", cases);
    return CC_TEST_RESULT();
}
