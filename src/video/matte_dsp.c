#include "matte_dsp.h"

#include <math.h>
#include <stddef.h>

#include "cc_config.h"

/* Sliding sum over x with the window clipped at both ends; per channel the same order of
 * additions as the SIMD variants (add the entering sample, then subtract the leaving one). */
static void box_h_row(float *dst, const float *src, int w, int nc, int r)
{
    for (int c0 = 0; c0 < nc; c0 += 4) {
        float s[4] = { 0, 0, 0, 0 };
        for (int k = 0; k < r && k < w; k++)
            for (int c = 0; c < 4; c++)
                s[c] += src[(size_t)k * nc + c0 + c];
        for (int x = 0; x < w; x++) {
            const int add = x + r, sub = x - r - 1;
            if (add < w)
                for (int c = 0; c < 4; c++)
                    s[c] += src[(size_t)add * nc + c0 + c];
            if (sub >= 0)
                for (int c = 0; c < 4; c++)
                    s[c] -= src[(size_t)sub * nc + c0 + c];
            const int lo = x - r < 0 ? 0 : x - r, hi = x + r + 1 > w ? w : x + r + 1;
            const float inv = 1.0f / (float)(hi - lo);
            for (int c = 0; c < 4; c++)
                dst[(size_t)x * nc + c0 + c] = s[c] * inv;
        }
    }
}

void cc_matte_box_h_c(float *dst, const float *src, int w, int nc, int r, int rows)
{
    for (int y = 0; y < rows; y++)
        box_h_row(dst + (size_t)y * w * nc, src + (size_t)y * w * nc, w, nc, r);
}

void cc_matte_box_v_c(float *dst, float *acc, const float *add, const float *sub, float inv, int n)
{
    if (add && sub)
        for (int i = 0; i < n; i++)
            acc[i] += add[i] - sub[i];
    else if (add)
        for (int i = 0; i < n; i++)
            acc[i] += add[i];
    else if (sub)
        for (int i = 0; i < n; i++)
            acc[i] -= sub[i];
    for (int i = 0; i < n; i++)
        dst[i] = acc[i] * inv;
}

void cc_matte_block_sums_c(float *out, const uint16_t *cs, int n, int f)
{
    for (int i = 0; i < n; i++) {
        uint32_t s = 0;
        for (int k = 0; k < f; k++)
            s += cs[(size_t)i * f + k];
        out[i] = (float)s;
    }
}

void cc_matte_classify_c(uint8_t *cell, uint8_t *band, const float *p0, const float *p1, int n,
                         float zlo, float zhi, float steep)
{
    for (int i = 0; i < n; i++) {
        const int i1 = i + 1 < n ? i + 1 : n - 1;
        const float a = p0[i], b = p0[i1], c = p1[i], d = p1[i1];
        const float mab = a < b ? a : b, mcd = c < d ? c : d;
        const float xab = a < b ? b : a, xcd = c < d ? d : c;
        const float mn = mab < mcd ? mab : mcd, mx = xab < xcd ? xcd : xab;
        cell[i] = mx <= zlo ? 0 : mn >= zhi ? 1 : 2;
        band[i] = mn < 0.5f && mx >= 0.5f && mx - mn >= steep ? 2 : 0;
    }
}

void cc_matte_products_c(float *dst, const float *y, const float *u, const float *v,
                         const float *p, int n)
{
    for (int x = 0; x < n; x++) {
        const float yv = y[x], uv = u[x], vv = v[x], pv = p[x];
        float *o = dst + (size_t)x * 16;
        o[0] = yv, o[1] = uv, o[2] = vv, o[3] = pv;
        o[4] = yv * yv, o[5] = yv * uv, o[6] = yv * vv, o[7] = uv * uv;
        o[8] = uv * vv, o[9] = vv * vv, o[10] = yv * pv, o[11] = uv * pv;
        o[12] = vv * pv, o[13] = 0.0f, o[14] = 0.0f, o[15] = 0.0f;
    }
}

void cc_matte_steady_c(float *state, const float *prob, const float *tensor, const float *prev,
                       int n, const CcMatteSteady *g)
{
    for (int i = 0; i < n; i++) {
        const float *a = tensor + i * 3, *b = prev + i * 3;
        float motion = (fabsf(a[0] - b[0]) + fabsf(a[1] - b[1]) + fabsf(a[2] - b[2])) * (1.0f / 3.0f);
        /* p and s below 1e-6 are 0: the net's far-background 1e-40s and a state decaying
         * towards them are denormal, hundreds of cycles per operation (1 ms a frame) */
        const float pv = prob[i] < 1e-6f ? 0.0f : prob[i];
        float d = pv - state[i];
        float k = g->kmin + g->gain_motion * motion + (d < 0.0f ? g->gain_drop : g->gain_prob) * fabsf(d);
        if (k > 1.0f)
            k = 1.0f;
        const float sv = state[i] + k * d;
        state[i] = sv < 1e-6f ? 0.0f : sv;
    }
}

void cc_matte_edge_px_c(uint8_t *dst, const float *gy, const float *gu, const float *gv,
                        const float *co, int cstride, const float *pp, const uint8_t *band,
                        int n, const CcMatteCurve *c)
{
    const float *ay = co, *au = co + cstride, *av = co + 2 * (size_t)cstride;
    const float *b = co + 3 * (size_t)cstride;
    for (int x = 0; x < n; x++) {
        const float p = pp[x];
        float q = ay[x] * gy[x] + au[x] * gu[x] + av[x] * gv[x] + b[x];
        if (!band[x] || (band[x] == 1 && q > p))
            q = p;
        if (c->tau > 0.0f) {
            float g = (c->tau - fabsf(2.0f * p - 1.0f)) * c->inv_tau;
            g = g < 0.0f ? 0.0f : g > 1.0f ? 1.0f : g;
            q = p + g * (q - p);
        }
        float v = (q - 0.5f) * (band[x] ? c->g_in : c->g_out) + 128.0f;
        v = v < 0.0f ? 0.0f : v > 255.0f ? 255.0f : v;
        dst[x] = (uint8_t)(int)v;
    }
}

void cc_matte_p_row_c(float *dst, const float *r0, const float *r1, const int32_t *i0,
                      const int32_t *i1, const float *w, float wy, int n)
{
    for (int x = 0; x < n; x++) {
        const float t = r0[i0[x]] + (r0[i1[x]] - r0[i0[x]]) * w[x];
        const float b = r1[i0[x]] + (r1[i1[x]] - r1[i0[x]]) * w[x];
        dst[x] = t + (b - t) * wy;
    }
}

void cc_matte_dsp_init_c(CcMatteDsp *dsp)
{
    dsp->p_row = cc_matte_p_row_c;
    dsp->edge_px = cc_matte_edge_px_c;
    dsp->steady = cc_matte_steady_c;
    dsp->products = cc_matte_products_c;
    dsp->classify = cc_matte_classify_c;
    dsp->block_sums = cc_matte_block_sums_c;
    dsp->box_h = cc_matte_box_h_c;
    dsp->box_v = cc_matte_box_v_c;
}

void cc_matte_dsp_init(CcMatteDsp *dsp)
{
    cc_matte_dsp_init_c(dsp);
#if CC_ARCH_X86_64
    cc_matte_dsp_init_x86(dsp);
#elif CC_ARCH_WASM && defined(__wasm_simd128__)
    cc_matte_dsp_init_wasm(dsp);
#endif
}
