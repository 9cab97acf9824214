/*
 * The colour matte's guide at working size for packed RGB frames: the one-pass integer path
 * (cc_frame_rgb_guide_downsample) against the definition in double (block means of the
 * per-pixel BT.601 luma and colour differences) and against the per-plane functions the YUV
 * formats use, for RGBA, BGRA and RGB24, strides wider than the row, sizes that are not
 * multiples of the factor and factors 1..7.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "video/pixfmt.h"

static double worst_against(const float *got, const double *want, int n)
{
    double e = 0;
    for (int i = 0; i < n; i++)
        e = fmax(e, fabs(got[i] - want[i]));
    return e;
}

int main(void)
{
    const CcPixelFormat fmts[] = { CC_PIX_RGBA, CC_PIX_BGRA, CC_PIX_RGB24 };
    const int sizes[][2] = { { 16, 9 }, { 61, 37 }, { 320, 180 }, { 643, 359 } };
    uint32_t seed = 12345;
    for (size_t fi = 0; fi < 3; fi++)
        for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
            for (int factor = 1; factor <= 7; factor++) {
                const int w = sizes[si][0], h = sizes[si][1];
                const int px = fmts[fi] == CC_PIX_RGB24 ? 3 : 4;
                const int ri = fmts[fi] == CC_PIX_BGRA ? 2 : 0;
                const int stride = w * px + 13;
                uint8_t *buf = malloc((size_t)stride * h);
                for (size_t i = 0; i < (size_t)stride * h; i++) {
                    seed = seed * 1664525u + 1013904223u;
                    buf[i] = (uint8_t)(seed >> 24);
                }
                CcFrame f = { .width = w, .height = h, .format = fmts[fi] };
                f.data[0] = buf;
                f.stride[0] = stride;
                const int dw = (w + factor - 1) / factor, dh = (h + factor - 1) / factor;
                const size_t n = (size_t)dw * dh;
                float *Y = malloc(n * sizeof(float)), *U = malloc(n * sizeof(float));
                float *V = malloc(n * sizeof(float)), *Y2 = malloc(n * sizeof(float));
                float *U2 = malloc(n * sizeof(float)), *V2 = malloc(n * sizeof(float));
                double *wy = calloc(n, sizeof(double)), *wu = calloc(n, sizeof(double));
                double *wv = calloc(n, sizeof(double));
                uint16_t *cs3 = malloc(4 * (size_t)w * sizeof(uint16_t));
                float *s0 = malloc((size_t)w * sizeof(float)), *s1 = malloc((size_t)w * sizeof(float));
                for (int by = 0; by < dh; by++)
                    for (int bx = 0; bx < dw; bx++) {
                        double sy = 0, su = 0, sv = 0;
                        int cnt = 0;
                        for (int y = by * factor; y < h && y < (by + 1) * factor; y++)
                            for (int x = bx * factor; x < w && x < (bx + 1) * factor; x++) {
                                const uint8_t *p = buf + (size_t)y * stride + (size_t)x * px;
                                double r = p[ri] / 255.0, g = p[1] / 255.0, b = p[2 - ri] / 255.0;
                                double l = 0.299 * r + 0.587 * g + 0.114 * b;
                                sy += l;
                                su += 0.564 * (b - l);
                                sv += 0.713 * (r - l);
                                cnt++;
                            }
                        wy[(size_t)by * dw + bx] = sy / cnt;
                        wu[(size_t)by * dw + bx] = su / cnt;
                        wv[(size_t)by * dw + bx] = sv / cnt;
                    }
                cc_frame_rgb_guide_downsample(&f, factor, Y, U, V, cs3, NULL);
                cc_frame_luma_downsample(&f, factor, Y2, s0, s1, NULL);
                cc_frame_chroma_downsample(&f, factor, Y2, U2, V2, s0, NULL);
                double ey = worst_against(Y, wy, (int)n), eu = worst_against(U, wu, (int)n);
                double ev = worst_against(V, wv, (int)n);
                CHECK_MSG(ey < 2e-6 && eu < 2e-6 && ev < 2e-6,
                          "format %d %dx%d factor %d: max error Y %g U %g V %g", (int)fmts[fi], w,
                          h, factor, ey, eu, ev);
                double e2 = 0;
                for (size_t i = 0; i < n; i++)
                    e2 = fmax(e2, fmax(fabs(Y[i] - Y2[i]), fmax(fabs(U[i] - U2[i]), fabs(V[i] - V2[i]))));
                CHECK_MSG(e2 < 2e-6, "format %d %dx%d factor %d: %g from the per-plane path",
                          (int)fmts[fi], w, h, factor, e2);
                free(buf); free(Y); free(U); free(V); free(Y2); free(U2); free(V2);
                free(wy); free(wu); free(wv); free(cs3); free(s0); free(s1);
            }
    return CC_TEST_RESULT();
}
