/*
 * checkasm-style: every matte kernel variant this CPU has against the C reference, and the C
 * reference against a direct sum (first principles), on random inputs: widths from 1 to past
 * the SIMD width, radii 0 to past the width (the window clipped at both ends), 4 and 16
 * interleaved channels, NULL add/sub rows; the edge pixels' output curve over every band class;
 * the temporal steadying; the model tensor's rows of planar YUV frames (I420 and NV12, each row
 * ending at an unreadable page; down- and upscales, odd widths, values that clip), the guide's
 * column sums (step 1 and 2), the model's p at frame pixels (p_row) and cc_frame_to_tensor on
 * whole I420 / NV12 frames against the definition.
 * The variants do the same float operations in the same order as C: the results must be
 * identical.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "testutil.h"
#include "video/matte_dsp.h"
#include "video/pixfmt.h"

static float frand(unsigned *s, float lo, float hi)
{
    *s = *s * 1103515245u + 12345u;
    return lo + (hi - lo) * ((*s >> 8) & 0xffff) / 65535.0f;
}

enum { WMAX = 341, NCMAX = 16 };

/* BT.601 limited range and BT.709 full range, as pixfmt.c derives them. */
static CcTensorCoef tensor_coef(int bt709, int full)
{
    const float kr = bt709 ? 0.2126f : 0.299f, kb = bt709 ? 0.0722f : 0.114f;
    const float kg = 1.0f - kr - kb;
    CcTensorCoef k = { full ? 0.0f : 16.0f, full ? 1.0f / 255.0f : 1.0f / 219.0f,
                       full ? 1.0f / 255.0f : 1.0f / 224.0f, 0, 0, 0, 0 };
    k.rv = 2.0f * (1.0f - kr);
    k.bu = 2.0f * (1.0f - kb);
    k.gu = -k.bu * kb / kg;
    k.gv = -k.rv * kr / kg;
    return k;
}

/* The tensor's definition in double: bilinear Y, U, V (chroma of each luma tap at x >> 1),
 * then the conversion, clamped. */
static void tensor_px_ref(double out[3], const uint8_t *const rows[6], int cstep, int x0, int x1,
                          double wx, double wy, const CcTensorCoef *k)
{
    double ch[3];
    for (int p = 0; p < 3; p++) {
        const int a = p == 0 ? x0 : (x0 >> 1) * cstep, b = p == 0 ? x1 : (x1 >> 1) * cstep;
        const uint8_t *t = rows[2 * p], *d = rows[2 * p + 1];
        const double top = t[a] + (t[b] - t[a]) * wx, bot = d[a] + (d[b] - d[a]) * wx;
        ch[p] = top + (bot - top) * wy;
    }
    const double y = (ch[0] - k->y_off) * k->y_mul, u = (ch[1] - 128.0) * k->c_mul,
                 v = (ch[2] - 128.0) * k->c_mul;
    const double rgb[3] = { y + k->rv * v, y + k->gu * u + k->gv * v, y + k->bu * u };
    for (int c = 0; c < 3; c++)
        out[c] = rgb[c] < 0.0 ? 0.0 : rgb[c] > 1.0 ? 1.0 : rgb[c];
}

/* A buffer of len bytes (len <= 64 KiB) that ends where an unreadable page starts (Linux), so
 * that any read past it faults, gathers included (which ASan does not see); elsewhere malloc. */
static uint8_t *guarded_row(int slot, int len)
{
#if defined(__linux__)
    enum { SPAN = 65536 };
    static uint8_t *pages[6];
    const long pg = sysconf(_SC_PAGESIZE);
    if (!pages[slot]) {
        void *m = mmap(NULL, (size_t)(SPAN + pg), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            abort();
        pages[slot] = m;
        mprotect(pages[slot] + SPAN, (size_t)pg, PROT_NONE);
    }
    return pages[slot] + SPAN - len;
#else
    static uint8_t *bufs[6];
    free(bufs[slot]);
    bufs[slot] = malloc((size_t)len);
    return bufs[slot];
#endif
}

/* Tensor rows: widths 1 to 130 (odd and even), down- and upscales, I420 and NV12, each row
 * ending at an unreadable page; variants bit-exact, C against the definition. */
static void check_tensor_rows(const CcPixfmtDsp *pc, const CcPixfmtDsp *pbest, unsigned *seed)
{
    enum { NMAX = 300 };
    static float o_c[NMAX * 3 + 8], o_s[NMAX * 3 + 8];
    static CcTap tap[NMAX];
    static int32_t xi[NMAX];
    static float xw[NMAX];
    int clipped = 0, inside = 0, odd_taps = 0;
    for (int iter = 0; iter < 400; iter++) {
        const int src_w = 1 + (iter * 31) % 130, cstep = 1 + (iter & 1);
        const int n = iter % 3 == 0 ? 1 + (iter * 7) % NMAX : 1 + (iter * 11) % (src_w + 20);
        const int cw = (src_w + 1) / 2;
        const CcTensorCoef k = tensor_coef(iter & 2, iter & 4);
        cc_bilinear_taps(tap, n, src_w);
        for (int i = 0; i < n; i++) {
            xi[i] = tap[i].i0;
            xw[i] = tap[i].w;
            odd_taps += tap[i].i0 & 1;
        }
        uint8_t *buf[6];
        const uint8_t *rows[6];
        for (int r = 0; r < 6; r++) {
            const int len = r < 2 ? src_w : cw * cstep;
            if (cstep == 2 && r >= 4)
                continue; /* NV12: V is U + 1 */
            buf[r] = guarded_row(r, len);
            for (int i = 0; i < len; i++) {
                *seed = *seed * 1103515245u + 12345u;
                const unsigned v = *seed >> 16;
                /* extremes now and then, so that R, G, B clip both ways */
                buf[r][i] = (uint8_t)(iter % 5 == 0 ? (v & 1 ? 255 : 0) : v);
            }
            rows[r] = buf[r];
        }
        if (cstep == 2) {
            rows[4] = rows[2] + 1;
            rows[5] = rows[3] + 1;
        }
        const float wy = iter % 7 == 0 ? 0.0f : iter % 7 == 1 ? 1.0f : frand(seed, 0.0f, 1.0f);
        memset(o_c, 0x5a, sizeof(o_c));
        memset(o_s, 0x5a, sizeof(o_s));
        pc->tensor_row_yuv(o_c, rows, cstep, xi, xw, n, src_w, wy, &k);
        pbest->tensor_row_yuv(o_s, rows, cstep, xi, xw, n, src_w, wy, &k);
        CHECK_MSG(!memcmp(o_c, o_s, sizeof(o_c)), "tensor row src_w %d n %d cstep %d: variant differs",
                  src_w, n, cstep);
        for (int x = 0; x < n; x++) {
            double want[3];
            tensor_px_ref(want, rows, cstep, tap[x].i0, tap[x].i1, tap[x].w, wy, &k);
            for (int ch = 0; ch < 3; ch++) {
                CHECK_MSG(fabs(want[ch] - o_c[x * 3 + ch]) < 1e-5,
                          "tensor row C px %d ch %d: %g, want %g", x, ch, o_c[x * 3 + ch], want[ch]);
                clipped += want[ch] == 0.0 || want[ch] == 1.0;
                inside += want[ch] > 0.0 && want[ch] < 1.0;
            }
        }
        unsigned char guard[8];
        memset(guard, 0x5a, sizeof(guard));
        CHECK_MSG(!memcmp(o_c + n * 3, guard, sizeof(guard)), "tensor row wrote past n = %d", n);
    }
    CHECK_MSG(clipped > 1000 && inside > 10000 && odd_taps > 1000,
              "tensor row inputs did not cover every case");
}

/* The model's p at frame pixels: real taps of upscales (odd sizes), variants exact, C
 * against the definition in double. */
static void check_p_row(const CcMatteDsp *c, const CcMatteDsp *best, unsigned *seed)
{
    enum { MW = 64, WMAXP = 500 };
    static float r0[MW], r1[MW], d_c[WMAXP + 8], d_s[WMAXP + 8], w[WMAXP];
    static int32_t i0[WMAXP], i1[WMAXP];
    static CcTap t[WMAXP];
    for (int iter = 0; iter < 200; iter++) {
        const int mw = 1 + iter % MW, n = 1 + (iter * 41) % WMAXP;
        cc_bilinear_taps(t, n, mw);
        for (int x = 0; x < n; x++)
            i0[x] = t[x].i0, i1[x] = t[x].i1, w[x] = t[x].w;
        for (int i = 0; i < mw; i++)
            r0[i] = frand(seed, 0.0f, 1.0f), r1[i] = frand(seed, 0.0f, 1.0f);
        const float wy = frand(seed, 0.0f, 1.0f);
        memset(d_c, 0x3c, sizeof(d_c));
        memset(d_s, 0x3c, sizeof(d_s));
        c->p_row(d_c, r0, r1, i0, i1, w, wy, n);
        best->p_row(d_s, r0, r1, i0, i1, w, wy, n);
        CHECK_MSG(!memcmp(d_c, d_s, sizeof(d_c)), "p_row mw %d n %d: variant differs", mw, n);
        for (int x = 0; x < n; x++) {
            const double a = r0[i0[x]] + ((double)r0[i1[x]] - r0[i0[x]]) * w[x];
            const double b = r1[i0[x]] + ((double)r1[i1[x]] - r1[i0[x]]) * w[x];
            CHECK_MSG(fabs(a + (b - a) * wy - d_c[x]) < 1e-6, "p_row C mw %d x %d", mw, x);
        }
    }
}

/* Column sums: 1 to 40 rows, widths 1 to 300 around the vector widths, step 1 and 2, the
 * last summed byte the last readable one; variants exact, C against a direct sum. */
static void check_colsum(const CcPixfmtDsp *pc, const CcPixfmtDsp *pbest, unsigned *seed)
{
    static uint16_t cs_c[310], cs_s[310];
    int big = 0;
    for (int iter = 0; iter < 300; iter++) {
        const int n = 1 + (iter * 37) % 300, step = 1 + (iter & 1), rows = 1 + (iter * 7) % 40;
        const int row_len = (n - 1) * step + 1, stride = row_len + (iter % 3) * 5;
        const int len = (rows - 1) * stride + row_len;
        uint8_t *buf = guarded_row(0, len);
        for (int i = 0; i < len; i++) {
            *seed = *seed * 1103515245u + 12345u;
            buf[i] = (uint8_t)(iter % 4 == 0 ? 255 : *seed >> 16);
        }
        memset(cs_c, 0x77, sizeof(cs_c));
        memset(cs_s, 0x77, sizeof(cs_s));
        pc->colsum_u8(cs_c, buf, stride, step, rows, n);
        pbest->colsum_u8(cs_s, buf, stride, step, rows, n);
        CHECK_MSG(!memcmp(cs_c, cs_s, sizeof(cs_c)), "colsum n %d step %d rows %d: variant differs",
                  n, step, rows);
        for (int x = 0; x < n; x++) {
            unsigned want = 0;
            for (int r = 0; r < rows; r++)
                want += buf[r * stride + x * step];
            CHECK_MSG(cs_c[x] == want, "colsum C n %d x %d: %u, want %u", n, x, cs_c[x], want);
            big += want > 255 * 30;
        }
        CHECK_MSG(cs_c[n] == 0x7777, "colsum wrote past n = %d", n);
    }
    CHECK_MSG(big > 100, "colsum inputs did not reach large sums");
}

/* cc_frame_to_tensor on whole frames: the same picture as I420 and NV12 (with padded
 * strides) gives the same tensor, and each sample is the definition's at the frame's taps
 * (a wrong chroma row, plane or stride fails). */
static void check_frame_to_tensor(unsigned *seed)
{
    static const int sizes[][4] = { { 37, 23, 16, 16 }, { 300, 170, 64, 48 }, { 15, 9, 40, 20 },
                                    { 2, 2, 9, 9 }, { 641, 361, 256, 144 } };
    for (size_t t = 0; t < sizeof(sizes) / sizeof(sizes[0]); t++) {
        const int w = sizes[t][0], h = sizes[t][1], dw = sizes[t][2], dh = sizes[t][3];
        const int cw = (w + 1) / 2, ch = (h + 1) / 2, ys = w + 5, cs = cw + 3, uvs = 2 * cw + 7;
        uint8_t *Y = malloc((size_t)ys * h), *U = malloc((size_t)cs * ch);
        uint8_t *V = malloc((size_t)cs * ch), *UV = malloc((size_t)uvs * ch);
        for (int i = 0; i < ys * h; i++)
            Y[i] = (uint8_t)((*seed = *seed * 1103515245u + 12345u) >> 16);
        for (int y = 0; y < ch; y++)
            for (int x = 0; x < cs; x++) {
                U[y * cs + x] = (uint8_t)((*seed = *seed * 1103515245u + 12345u) >> 16);
                V[y * cs + x] = (uint8_t)((*seed = *seed * 1103515245u + 12345u) >> 16);
                if (x < cw) {
                    UV[y * uvs + 2 * x] = U[y * cs + x];
                    UV[y * uvs + 2 * x + 1] = V[y * cs + x];
                }
            }
        CcFrame fi = { 0 }, fn = { 0 };
        fi.width = fn.width = w;
        fi.height = fn.height = h;
        fi.matrix = fn.matrix = t & 1 ? CC_MATRIX_BT709 : CC_MATRIX_BT601;
        fi.full_range = fn.full_range = (int)(t & 1);
        fi.format = CC_PIX_I420;
        fi.data[0] = fn.data[0] = Y;
        fi.stride[0] = fn.stride[0] = ys;
        fi.data[1] = U;
        fi.data[2] = V;
        fi.stride[1] = fi.stride[2] = cs;
        fn.format = CC_PIX_NV12;
        fn.data[1] = UV;
        fn.stride[1] = uvs;
        float *ti = malloc(sizeof(float) * dw * dh * 3), *tn = malloc(sizeof(float) * dw * dh * 3);
        cc_frame_to_tensor(&fi, ti, dw, dh);
        cc_frame_to_tensor(&fn, tn, dw, dh);
        CHECK_MSG(!memcmp(ti, tn, sizeof(float) * dw * dh * 3), "tensor %dx%d: I420 != NV12", w, h);
        CcTap tx[256], ty[256];
        cc_bilinear_taps(tx, dw, w);
        cc_bilinear_taps(ty, dh, h);
        const CcTensorCoef k = tensor_coef(t & 1, (int)(t & 1));
        double worst = 0;
        for (int oy = 0; oy < dh; oy++) {
            const uint8_t *rows[6] = { Y + (size_t)ty[oy].i0 * ys, Y + (size_t)ty[oy].i1 * ys,
                                       U + (size_t)(ty[oy].i0 >> 1) * cs,
                                       U + (size_t)(ty[oy].i1 >> 1) * cs,
                                       V + (size_t)(ty[oy].i0 >> 1) * cs,
                                       V + (size_t)(ty[oy].i1 >> 1) * cs };
            for (int ox = 0; ox < dw; ox++) {
                double want[3];
                tensor_px_ref(want, rows, 1, tx[ox].i0, tx[ox].i1, tx[ox].w, ty[oy].w, &k);
                for (int c3 = 0; c3 < 3; c3++) {
                    const double d = fabs(want[c3] - ti[((size_t)oy * dw + ox) * 3 + c3]);
                    worst = d > worst ? d : worst;
                }
            }
        }
        CHECK_MSG(worst < 1e-5, "tensor %dx%d -> %dx%d: %.3g from the definition", w, h, dw, dh,
                  worst);
        free(ti), free(tn), free(Y), free(U), free(V), free(UV);
    }
}

int main(void)
{
    CcMatteDsp c, best;
    cc_matte_dsp_init_c(&c);
    cc_matte_dsp_init(&best);
    CcPixfmtDsp pc, pbest;
    cc_pixfmt_dsp_init_c(&pc);
    cc_pixfmt_dsp_init(&pbest);
    const int have_simd = best.box_h != c.box_h || best.box_v != c.box_v ||
                          best.edge_px != c.edge_px || best.steady != c.steady ||
                          best.products != c.products || best.classify != c.classify ||
                          best.block_sums != c.block_sums || best.p_row != c.p_row ||
                          pbest.tensor_row_yuv != pc.tensor_row_yuv ||
                          pbest.colsum_u8 != pc.colsum_u8;
    static float src[WMAX * NCMAX], out_c[WMAX * NCMAX + 8], out_s[WMAX * NCMAX + 8];
    static float acc_c[WMAX * NCMAX], acc_s[WMAX * NCMAX], add[WMAX * NCMAX], sub[WMAX * NCMAX];
    unsigned seed = 7;
    double worst_ref = 0;
    for (int iter = 0; iter < 300; iter++) {
        const int nc = iter & 1 ? 16 : 4;
        const int w = 1 + (iter * 37) % WMAX, r = iter % 5 == 0 ? w + 3 : (iter * 7) % 40;
        for (int i = 0; i < w * nc; i++)
            src[i] = frand(&seed, -2.0f, 2.0f);
        memset(out_c, 0x55, sizeof(out_c));
        memset(out_s, 0x55, sizeof(out_s));
        c.box_h(out_c, src, w, nc, r, 1);
        best.box_h(out_s, src, w, nc, r, 1);
        CHECK_MSG(!memcmp(out_c, out_s, sizeof(out_c)), "box_h w %d nc %d r %d: variant differs",
                  w, nc, r);
        for (int x = 0; x < w; x++)
            for (int ch = 0; ch < nc; ch++) {
                double s = 0;
                int lo = x - r < 0 ? 0 : x - r, hi = x + r + 1 > w ? w : x + r + 1;
                for (int k = lo; k < hi; k++)
                    s += src[k * nc + ch];
                double d = fabs(s / (hi - lo) - out_c[x * nc + ch]);
                worst_ref = d > worst_ref ? d : worst_ref;
            }
        { /* several rows in one call (variants pair rows): each row as if alone */
            const int rows = 2 + iter % 3, wr = 1 + w % (WMAX / 4);
            const size_t rs = (size_t)wr * nc;
            memset(out_c, 0x55, sizeof(out_c));
            memset(out_s, 0x55, sizeof(out_s));
            for (int y = 0; y < rows; y++)
                c.box_h(out_c + y * rs, src + y * rs, wr, nc, r, 1);
            best.box_h(out_s, src, wr, nc, r, rows);
            CHECK_MSG(!memcmp(out_c, out_s, sizeof(out_c)),
                      "box_h %d rows of w %d nc %d r %d: differs from one row at a time", rows, wr,
                      nc, r);
        }
        const int n = 4 * (1 + (iter * 53) % (WMAX * NCMAX / 4 - 1));
        for (int i = 0; i < n; i++) {
            acc_c[i] = acc_s[i] = frand(&seed, -50.0f, 50.0f);
            add[i] = frand(&seed, -2.0f, 2.0f);
            sub[i] = frand(&seed, -2.0f, 2.0f);
        }
        const float *pa = iter % 3 == 1 ? NULL : add, *ps = iter % 3 == 2 ? NULL : sub;
        const float inv = 1.0f / (float)(1 + iter % 61);
        c.box_v(out_c, acc_c, pa, ps, inv, n);
        best.box_v(out_s, acc_s, pa, ps, inv, n);
        CHECK_MSG(!memcmp(acc_c, acc_s, (size_t)n * sizeof(float)) &&
                  !memcmp(out_c, out_s, (size_t)n * sizeof(float)), "box_v n %d differs", n);
        for (int i = 0; i < n; i++) {
            float want = acc_c[i] * inv;
            CHECK_MSG(out_c[i] == want, "box_v: dst is not acc * inv at %d", i);
        }
    }
    /* edge pixels: every band class, the gate open and closed, q and p on both sides of each
     * other, values that clip at 0 and 255, lengths past the vector width */
    enum { EN = 77 };
    static float gy[EN], gu[EN], gv[EN], co[4 * EN], pp[EN];
    static uint8_t band[EN], e_c[EN + 8], e_s[EN + 8];
    int edge_seen[3] = { 0, 0, 0 }, clip_lo = 0, clip_hi = 0, mid = 0;
    for (int iter = 0; iter < 200; iter++) {
        const int n = 1 + iter % EN;
        for (int i = 0; i < n; i++) {
            gy[i] = frand(&seed, 0.0f, 1.0f);
            gu[i] = frand(&seed, -0.5f, 0.5f);
            gv[i] = frand(&seed, -0.5f, 0.5f);
            for (int k = 0; k < 4; k++)
                co[k * EN + i] = frand(&seed, -1.0f, 1.0f);
            pp[i] = iter % 4 == 0 ? frand(&seed, 0.4f, 0.6f) : frand(&seed, 0.0f, 1.0f);
            band[i] = (uint8_t)((seed >> 9) % 3);
        }
        const CcMatteCurve cv = { iter % 5 == 4 ? 0.0f : 0.8f, iter % 5 == 4 ? 0.0f : 1.25f,
                                  2.5f * 255.0f, 8.0f * 255.0f };
        memset(e_c, 0x33, sizeof(e_c));
        memset(e_s, 0x33, sizeof(e_s));
        c.edge_px(e_c, gy, gu, gv, co, EN, pp, band, n, &cv);
        best.edge_px(e_s, gy, gu, gv, co, EN, pp, band, n, &cv);
        CHECK_MSG(!memcmp(e_c, e_s, sizeof(e_c)), "edge_px n %d tau %g: variant differs", n,
                  cv.tau);
        for (int i = 0; i < n; i++) {
            /* first principles, in double */
            double p = pp[i], q = (double)co[i] * gy[i] + (double)co[EN + i] * gu[i] +
                                  (double)co[2 * EN + i] * gv[i] + co[3 * EN + i];
            if (band[i] == 0 || (band[i] == 1 && q > p))
                q = p;
            if (cv.tau > 0.0f) {
                double g = (cv.tau - fabs(2.0 * p - 1.0)) / cv.tau;
                g = g < 0.0 ? 0.0 : g > 1.0 ? 1.0 : g;
                q = p + g * (q - p);
            }
            double v = (q - 0.5) * (band[i] ? cv.g_in : cv.g_out) + 128.0;
            v = v < 0.0 ? 0.0 : v > 255.0 ? 255.0 : v;
            CHECK_MSG(fabs(v - e_c[i]) < 1.001, "edge_px C: %d, want %.3f", e_c[i], v);
            edge_seen[band[i]]++;
            clip_lo += e_c[i] == 0;
            clip_hi += e_c[i] == 255;
            mid += e_c[i] > 0 && e_c[i] < 255;
        }
        CHECK_MSG(e_c[n] == 0x33, "edge_px wrote past n = %d", n);
    }
    CHECK_MSG(edge_seen[0] && edge_seen[1] && edge_seen[2] && clip_lo && clip_hi && mid > 100,
              "edge_px inputs did not cover every case");
    /* block sums: every factor up to 16, random 16-bit values (a swapped lane or block shows)
     * and values near 65535 (sums past 2^16), each factor with both */
    {
        static uint16_t bcs[16 * 50];
        static float bs_c[50 + 8], bs_s[50 + 8];
        for (int f = 1; f <= 16; f++)
            for (int n = 0; n <= 45; n += 1 + n / 6)
                for (int big = 0; big < 2; big++) {
                    for (int i = 0; i < 16 * 50; i++)
                        bcs[i] = (uint16_t)(big ? 65535u - (unsigned)i % 4
                                                : (seed = seed * 1103515245u + 12345u) >> 16);
                    memset(bs_c, 0x66, sizeof(bs_c));
                    memset(bs_s, 0x66, sizeof(bs_s));
                    c.block_sums(bs_c, bcs, n, f);
                    best.block_sums(bs_s, bcs, n, f);
                    CHECK_MSG(!memcmp(bs_c, bs_s, sizeof(bs_c)),
                              "block_sums f %d n %d big %d: variant differs", f, n, big);
                    for (int i = 0; i < n; i++) {
                        double want = 0;
                        for (int k = 0; k < f; k++)
                            want += bcs[i * f + k];
                        CHECK_MSG(bs_c[i] == (float)want, "block_sums C f %d i %d", f, i);
                    }
                }
    }
    /* cell classes: p near every threshold, ties, lengths 1 to past the vector width */
    static float q0[WMAX], q1[WMAX];
    static uint8_t cl_c[WMAX + 8], cl_s[WMAX + 8], bd_c[WMAX + 8], bd_s[WMAX + 8];
    int seen_cls[3] = { 0, 0, 0 }, seen_band = 0;
    for (int iter = 0; iter < 200; iter++) {
        const int n = 1 + (iter * 13) % 60;
        static const float pick[] = { 0.0f, 0.1f, 0.1000001f, 0.3f, 0.4999999f, 0.5f, 0.7f, 0.9f, 0.8999999f, 1.0f };
        for (int i = 0; i < n; i++) {
            q0[i] = iter & 1 ? pick[(seed >> 7) % 10] : frand(&seed, 0.0f, 1.0f);
            q1[i] = iter & 2 ? q0[i] : iter & 1 ? pick[(seed >> 12) % 10] : frand(&seed, 0.0f, 1.0f);
            frand(&seed, 0, 1);
        }
        memset(cl_c, 7, sizeof(cl_c)), memset(cl_s, 7, sizeof(cl_s));
        memset(bd_c, 7, sizeof(bd_c)), memset(bd_s, 7, sizeof(bd_s));
        c.classify(cl_c, bd_c, q0, q1, n, 0.1f, 0.9f, 0.2f);
        best.classify(cl_s, bd_s, q0, q1, n, 0.1f, 0.9f, 0.2f);
        CHECK_MSG(!memcmp(cl_c, cl_s, sizeof(cl_c)) && !memcmp(bd_c, bd_s, sizeof(bd_c)),
                  "classify n %d: variant differs", n);
        for (int i = 0; i < n; i++) {
            const int i1 = i + 1 < n ? i + 1 : n - 1;
            float mn = q0[i], mx = q0[i];
            const float v4[4] = { q0[i], q0[i1], q1[i], q1[i1] };
            for (int k = 1; k < 4; k++)
                mn = v4[k] < mn ? v4[k] : mn, mx = v4[k] > mx ? v4[k] : mx;
            const int want = mx <= 0.1f ? 0 : mn >= 0.9f ? 1 : 2;
            const int wantb = mn < 0.5f && mx >= 0.5f && mx - mn >= 0.2f ? 2 : 0;
            CHECK_MSG(cl_c[i] == want && bd_c[i] == wantb, "classify C cell %d of %d", i, n);
            seen_cls[want]++;
            seen_band += wantb != 0;
        }
    }
    CHECK_MSG(seen_cls[0] && seen_cls[1] && seen_cls[2] > 50 && seen_band > 50,
              "classify inputs did not cover every class");
    /* statistics channels: every pixel against the definition, variants bit-exact */
    static float pl[4][WMAX], pr_c[WMAX * 16 + 16], pr_s[WMAX * 16 + 16];
    for (int iter = 0; iter < 40; iter++) {
        const int n = 1 + (iter * 29) % WMAX;
        for (int k = 0; k < 4; k++)
            for (int i = 0; i < n; i++)
                pl[k][i] = frand(&seed, -1.0f, 1.0f);
        memset(pr_c, 0x44, sizeof(pr_c));
        memset(pr_s, 0x44, sizeof(pr_s));
        c.products(pr_c, pl[0], pl[1], pl[2], pl[3], n);
        best.products(pr_s, pl[0], pl[1], pl[2], pl[3], n);
        CHECK_MSG(!memcmp(pr_c, pr_s, sizeof(pr_c)), "products n %d: variant differs", n);
        for (int i = 0; i < n; i++) {
            const float Y = pl[0][i], U = pl[1][i], V = pl[2][i], P = pl[3][i];
            const float want[16] = { Y, U, V, P, Y * Y, Y * U, Y * V, U * U,
                                     U * V, V * V, Y * P, U * P, V * P, 0, 0, 0 };
            CHECK_MSG(!memcmp(want, pr_c + (size_t)i * 16, sizeof(want)), "products C pixel %d", i);
        }
    }
    /* temporal steadying: falling and rising p, k clamped and not, p and state below the
     * 1e-6 floor, lengths past the vector width */
    enum { SN = 61 };
    static float st_c[SN], st_s[SN], prob[SN], tens[3 * SN], prev[3 * SN], st0[SN];
    int falls = 0, rises = 0, clamped = 0, floored = 0, moving = 0;
    const CcMatteSteady sg = { 0.5f, 12.0f, 2.0f, 4.0f };
    for (int iter = 0; iter < 200; iter++) {
        const int n = 1 + iter % SN;
        for (int i = 0; i < n; i++) {
            const int kind = (int)((seed >> 11) % 5);
            prob[i] = kind == 0 ? 1e-30f : kind == 1 ? 5e-7f : frand(&seed, 0.0f, 1.0f);
            st0[i] = st_c[i] = st_s[i] = iter % 3 == 0 ? 2e-6f : frand(&seed, 0.0f, 1.0f);
            for (int k = 0; k < 3; k++) {
                tens[3 * i + k] = frand(&seed, 0.0f, 1.0f);
                /* still, slight motion (k between kmin and 1) or a jump (k clamped) */
                prev[3 * i + k] = iter % 4 == 0 ? tens[3 * i + k]
                                : iter % 4 == 3 ? frand(&seed, 0.0f, 1.0f)
                                : tens[3 * i + k] + frand(&seed, -0.03f, 0.03f);
            }
        }
        c.steady(st_c, prob, tens, prev, n, &sg);
        best.steady(st_s, prob, tens, prev, n, &sg);
        CHECK_MSG(!memcmp(st_c, st_s, (size_t)n * sizeof(float)), "steady n %d: variant differs", n);
        for (int i = 0; i < n; i++) {
            double mo = 0;
            for (int k = 0; k < 3; k++)
                mo += fabs((double)tens[3 * i + k] - prev[3 * i + k]);
            mo /= 3.0;
            double p = prob[i] < 1e-6f ? 0.0 : prob[i], d = p - st0[i];
            double k = sg.kmin + sg.gain_motion * mo + (d < 0 ? sg.gain_drop : sg.gain_prob) * fabs(d);
            clamped += k > 1.0;
            moving += k < 1.0 && mo > 0.005;
            k = k > 1.0 ? 1.0 : k;
            double want = st0[i] + k * d;
            floored += want < 1e-6;
            want = want < 1e-6 ? 0.0 : want;
            falls += d < 0;
            rises += d > 0;
            CHECK_MSG(fabs(want - st_c[i]) < 1e-5, "steady C: %g, want %g", st_c[i], want);
        }
    }
    CHECK_MSG(falls && rises && clamped && floored > 10 && moving > 100,
              "steady inputs did not cover every case");
    check_tensor_rows(&pc, &pbest, &seed);
    check_frame_to_tensor(&seed);
    check_colsum(&pc, &pbest, &seed);
    check_p_row(&c, &best, &seed);
    /* the sliding sums drift from a direct sum only by rounding */
    CHECK_MSG(worst_ref < 2e-5, "box_h C against direct sums: worst %.3g", worst_ref);
    if (!have_simd) {
        fprintf(stderr, "SKIP: no SIMD variant on this CPU (C checked against direct sums)\n");
        return cc_test_failures ? 1 : CC_TEST_SKIP;
    }
    return CC_TEST_RESULT();
}
