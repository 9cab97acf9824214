/*
 * Matte refinement.
 *
 * 1. Temporal steadying at model resolution. s is the running probability. Each pixel
 *    moves towards the new probability p by k = kmin + gm * motion + gp * |p - s|, clamped
 *    to [kmin, 1], where motion is the change of the model input at that pixel since the last
 *    frame. Where the picture moves or the net changes its mind a lot, k = 1: the mask follows
 *    at once (no lag). Where the picture is still and p only wobbles (the flicker of
 *    low-confidence regions, the transposed conv's checkerboard), k stays near kmin and the
 *    wobble is damped.
 * 2. Fast guided filter (He et al., gray guide). The frame's luma is box-averaged down by an
 *    integer factor f to a working size of at most 320 pixels on its longer side; s is
 *    upsampled to it;
 *    per pixel a = cov(I, p) / (var(I) + eps), b = mean(p) - a mean(I) over a box of radius r;
 *    a and b are box-averaged once more and upsampled to full resolution, where
 *    alpha = A * I + B follows the full-resolution edges of the frame.
 * 3. A contrast curve around 0.5 (gain 2.5) removes the semi-transparent fringe (halo) the
 *    filter leaves where the guide is flat, without moving the 0.5 contour; what stays soft is
 *    what the guide says is an edge.
 */
#include "matte.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "matte_dsp.h"
#include "pixfmt.h"

#define WORK_MAX 320 /* longest side of the guided filter's working size */

struct CcMatte {
    int mw, mh;        /* model size */
    int w, h;          /* frame size */
    int f, ww, wh;     /* working scale factor and size */
    int r;             /* guided filter radius at working size */
    float eps;
    float kmin, gain_motion, gain_prob;
    int have_state;
    float *state;      /* (mh, mw) steadied probability */
    float *prev_in;    /* (mh, mw, 3) previous model input */
    float *guide;      /* (wh, ww) luma */
    float *p;          /* (wh, ww) upsampled probability */
    float *mI, *mP, *mII, *mIP, *tmp, *cum; /* (wh, ww) box statistics; cum (8, ww + 1) */
    float *A, *B;      /* (wh, ww) filter coefficients */
    int *x0;           /* (w) horizontal upsample taps, working -> frame */
    float *wx;         /* (w) */
    float *arow[2], *brow[2]; /* (w) horizontally upsampled coefficient rows */
    int row_idx[2];
    float *luma;       /* (w) one full-resolution luma row */
    float *ka;         /* (w) scratch */
    CcMatteDsp dsp;
    CcTap *tx, *ty;    /* (ww), (wh): model size -> working size */
    CcTap *rx, *ry;    /* (w), (h): model size -> frame size (raw mode) */
};

static void *falloc(size_t n)
{
    return cc_alloc_aligned(n * sizeof(float));
}

void cc_matte_close(CcMatte **pm)
{
    if (!pm || !*pm)
        return;
    CcMatte *m = *pm;
    float *bufs[] = { m->state, m->prev_in, m->guide, m->p, m->mI, m->mP, m->mII, m->mIP,
                      m->tmp, m->cum, m->A, m->B, m->wx, m->arow[0], m->arow[1],
                      m->brow[0], m->brow[1], m->luma, m->ka };
    for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
        cc_free_aligned(bufs[i]);
    cc_free_aligned(m->x0);
    cc_free_aligned(m->tx);
    cc_free_aligned(m->ty);
    cc_free_aligned(m->rx);
    cc_free_aligned(m->ry);
    free(m);
    *pm = NULL;
}

int cc_matte_open(CcMatte **out, int mw, int mh, int w, int h, float smoothing, float edge_radius)
{
    *out = NULL;
    CcMatte *m = cc_calloc(1, sizeof(*m));
    if (!m)
        return CC_ERR(ENOMEM);
    m->mw = mw;
    m->mh = mh;
    m->w = w;
    m->h = h;
    m->f = (CC_MAX(w, h) + WORK_MAX - 1) / WORK_MAX;
    if (m->f < 1)
        m->f = 1;
    m->ww = (w + m->f - 1) / m->f;
    m->wh = (h + m->f - 1) / m->f;
    /* Default radius: 1% of the frame diagonal, in working pixels, at least 2. Radius, eps and
     * the contrast of matte_dsp.h were chosen on franck 0-80 s and the webcam clips
     * (bench/seg_quality): larger radii or eps leave a halo of old background around the
     * person, a softer curve flickers more. */
    float radius_px = edge_radius > 0.0f ? edge_radius : 0.010f * sqrtf((float)w * w + (float)h * h);
    m->r = CC_MAX(2, (int)lrintf(radius_px / m->f));
    m->eps = 1e-4f;
    smoothing = CC_CLAMP(smoothing, 0.0f, 1.0f);
    m->kmin = 1.0f - 0.85f * smoothing;
    m->gain_motion = 12.0f;
    m->gain_prob = 2.0f;
    size_t ms = (size_t)mw * mh, ws = (size_t)m->ww * m->wh;
    m->state = falloc(ms);
    m->prev_in = falloc(ms * 3);
    m->guide = falloc(ws);
    m->p = falloc(ws);
    m->mI = falloc(ws);
    m->mP = falloc(ws);
    m->mII = falloc(ws);
    m->mIP = falloc(ws);
    m->tmp = falloc(ws);
    m->cum = falloc(8 * ((size_t)m->ww + 1));
    m->A = falloc(ws);
    m->B = falloc(ws);
    m->x0 = cc_alloc_aligned((size_t)w * sizeof(int));
    m->wx = falloc((size_t)w);
    for (int i = 0; i < 2; i++) {
        m->arow[i] = falloc((size_t)w);
        m->brow[i] = falloc((size_t)w);
    }
    m->luma = falloc((size_t)w);
    m->ka = falloc((size_t)w);
    cc_matte_dsp_init(&m->dsp);
    m->tx = cc_alloc_aligned((size_t)m->ww * sizeof(CcTap));
    m->ty = cc_alloc_aligned((size_t)m->wh * sizeof(CcTap));
    m->rx = cc_alloc_aligned((size_t)w * sizeof(CcTap));
    m->ry = cc_alloc_aligned((size_t)h * sizeof(CcTap));
    if (!m->state || !m->prev_in || !m->guide || !m->p || !m->mI || !m->mP || !m->mII ||
        !m->mIP || !m->tmp || !m->cum || !m->A || !m->B || !m->x0 || !m->wx || !m->arow[0] ||
        !m->arow[1] || !m->brow[0] || !m->brow[1] || !m->luma || !m->ka || !m->tx || !m->ty || !m->rx || !m->ry) {
        cc_matte_close(&m);
        return CC_ERR(ENOMEM);
    }
    cc_bilinear_taps(m->tx, m->ww, mw);
    cc_bilinear_taps(m->ty, m->wh, mh);
    cc_bilinear_taps(m->rx, w, mw);
    cc_bilinear_taps(m->ry, h, mh);
    for (int x = 0; x < w; x++) {
        float fx = (x + 0.5f) / m->f - 0.5f;
        if (fx < 0.0f)
            fx = 0.0f;
        int x0 = CC_MIN((int)fx, m->ww - 1);
        m->x0[x] = x0;
        m->wx[x] = x0 + 1 < m->ww ? fx - x0 : 0.0f;
    }
    *out = m;
    return 0;
}

int cc_matte_work_width(const CcMatte *m)
{
    return m->ww;
}

void cc_matte_reset(CcMatte *m)
{
    m->have_state = 0;
}

/* ---------------------------------------------------------------- raw */

/*
 * Raw rendering, the official order of operations: m8 = round(255 p) at model size; each
 * output pixel = round(top + (bottom - top) wy) with top/bottom the horizontal half-pixel
 * interpolations of the two nearest m8 rows. Horizontal interpolations are computed once per
 * m8 row (cached, like the refine's coefficient rows), the per-pixel work is one lerp.
 */
static const float *raw_hrow(CcMatte *m, const uint8_t *m8, int j)
{
    for (int s = 0; s < 2; s++)
        if (m->row_idx[s] == j)
            return m->arow[s];
    int s = m->row_idx[0] == -1 ? 0 : m->row_idx[1] == -1 ? 1
          : m->row_idx[0] < m->row_idx[1] ? 0 : 1;
    const uint8_t *r = m8 + (size_t)j * m->mw;
    float *o = m->arow[s];
    for (int x = 0; x < m->w; x++) {
        const CcTap t = m->rx[x];
        o[x] = r[t.i0] + (r[t.i1] - r[t.i0]) * t.w;
    }
    m->row_idx[s] = j;
    return o;
}

void cc_matte_raw(CcMatte *m, const float *prob, CcMask *mask)
{
    /* m8 at model size, in the prev_in buffer (free in raw mode) reinterpreted as bytes. */
    uint8_t *m8 = (uint8_t *)m->prev_in;
    for (int i = 0; i < m->mw * m->mh; i++) {
        float p = CC_CLAMP(prob[i], 0.0f, 1.0f);
        m8[i] = (uint8_t)lrintf(255.0f * p);
    }
    m->row_idx[0] = m->row_idx[1] = -1;
    for (int y = 0; y < m->h; y++) {
        const CcTap t = m->ry[y];
        const float *top = raw_hrow(m, m8, t.i0), *bot = raw_hrow(m, m8, t.i1);
        uint8_t *o = mask->data + (size_t)y * mask->stride;
        for (int x = 0; x < m->w; x++)
            o[x] = (uint8_t)(int)(top[x] + (bot[x] - top[x]) * t.w + 0.5f);
    }
    m->have_state = 0; /* raw output never feeds the temporal state */
}

/* ---------------------------------------------------------------- product */

static void steady(CcMatte *m, const float *prob, const float *tensor)
{
    const int n = m->mw * m->mh;
    if (!m->have_state) {
        memcpy(m->state, prob, (size_t)n * sizeof(float));
        memcpy(m->prev_in, tensor, (size_t)n * 3 * sizeof(float));
        m->have_state = 1;
        return;
    }
    for (int i = 0; i < n; i++) {
        const float *a = tensor + i * 3, *b = m->prev_in + i * 3;
        float motion = (fabsf(a[0] - b[0]) + fabsf(a[1] - b[1]) + fabsf(a[2] - b[2])) * (1.0f / 3.0f);
        float d = prob[i] - m->state[i];
        float k = m->kmin + m->gain_motion * motion + m->gain_prob * fabsf(d);
        if (k > 1.0f)
            k = 1.0f;
        m->state[i] += k * d;
    }
    memcpy(m->prev_in, tensor, (size_t)n * 3 * sizeof(float));
}

/* Bilinear half-pixel resize of the model-size probability to the working size. */
static void resize_to_work(const CcMatte *m, const float *src, float *dst)
{
    for (int oy = 0; oy < m->wh; oy++) {
        const CcTap ty = m->ty[oy];
        const float *r0 = src + (size_t)ty.i0 * m->mw, *r1 = src + (size_t)ty.i1 * m->mw;
        float *o = dst + (size_t)oy * m->ww;
        for (int ox = 0; ox < m->ww; ox++) {
            const CcTap tx = m->tx[ox];
            float top = r0[tx.i0] + (r0[tx.i1] - r0[tx.i0]) * tx.w;
            float bot = r1[tx.i0] + (r1[tx.i1] - r1[tx.i0]) * tx.w;
            o[ox] = top + (bot - top) * ty.w;
        }
    }
}

/*
 * Box mean of radius r with the window clipped at the borders (divide by the count inside),
 * separable, O(1) per pixel with running sums. src and dst may not alias; tmp (h, w).
 */
static void box_mean(const float *src, float *dst, float *tmp, float *cum, int w, int h, int r)
{
    /* Prefix sums of 8 rows side by side: 8 independent add chains instead of one, which is
     * what limits a single row's running sum. cum (8, w + 1). */
    const float inv = 1.0f / (float)(2 * r + 1);
    const int x_lo = CC_MIN(r, w), x_hi = CC_MAX(x_lo, w - r - 1);
    for (int y0 = 0; y0 < h; y0 += 8) {
        const int nr = CC_MIN(8, h - y0);
        const float *s0 = src + (size_t)y0 * w;
        if (nr == 8) {
            float acc[8] = { 0 };
            for (int k = 0; k < 8; k++)
                cum[k * (w + 1)] = 0.0f;
            for (int x = 0; x < w; x++)
                for (int k = 0; k < 8; k++) {
                    acc[k] += s0[(size_t)k * w + x];
                    cum[k * (w + 1) + x + 1] = acc[k];
                }
        } else {
            for (int k = 0; k < nr; k++) {
                float *c = cum + k * (w + 1);
                c[0] = 0.0f;
                for (int x = 0; x < w; x++)
                    c[x + 1] = c[x] + s0[(size_t)k * w + x];
            }
        }
        for (int k = 0; k < nr; k++) {
            const float *c = cum + k * (w + 1);
            float *t = tmp + (size_t)(y0 + k) * w;
            /* Interior (full window) vectorises; the borders divide by the clipped count. */
            for (int x = x_lo; x < x_hi; x++)
                t[x] = (c[x + r + 1] - c[x - r]) * inv;
            for (int x = 0; x < w; x++) {
                if (x == x_lo)
                    x = x_hi;
                if (x >= w)
                    break;
                int lo = CC_MAX(0, x - r), hi = CC_MIN(w, x + r + 1);
                t[x] = (c[hi] - c[lo]) / (float)(hi - lo);
            }
        }
    }
    /* Vertical: a running column sum in dst's first row... kept in a separate accumulator row
     * (the last row of dst is written last, so it serves as the accumulator until then). */
    float *acc = dst + (size_t)(h - 1) * w;
    memset(acc, 0, (size_t)w * sizeof(float));
    for (int y = 0; y < CC_MIN(r, h); y++) {
        const float *t = tmp + (size_t)y * w;
        for (int x = 0; x < w; x++)
            acc[x] += t[x];
    }
    for (int y = 0; y < h; y++) {
        int add = y + r, sub = y - r - 1;
        if (add < h) {
            const float *t = tmp + (size_t)add * w;
            for (int x = 0; x < w; x++)
                acc[x] += t[x];
        }
        if (sub >= 0) {
            const float *t = tmp + (size_t)sub * w;
            for (int x = 0; x < w; x++)
                acc[x] -= t[x];
        }
        int lo = CC_MAX(0, y - r), hi = CC_MIN(h, y + r + 1);
        float inv = 1.0f / (float)(hi - lo);
        float *o = dst + (size_t)y * w;
        if (y < h - 1)
            for (int x = 0; x < w; x++)
                o[x] = acc[x] * inv;
        else
            for (int x = 0; x < w; x++)
                o[x] *= inv;
    }
}

static void guided_coefficients(CcMatte *m)
{
    const int w = m->ww, h = m->wh, r = m->r;
    const size_t n = (size_t)w * h;
    box_mean(m->guide, m->mI, m->tmp, m->cum, w, h, r);
    box_mean(m->p, m->mP, m->tmp, m->cum, w, h, r);
    /* Products into A and B as scratch before they hold coefficients. */
    for (size_t i = 0; i < n; i++) {
        m->A[i] = m->guide[i] * m->guide[i];
        m->B[i] = m->guide[i] * m->p[i];
    }
    box_mean(m->A, m->mII, m->tmp, m->cum, w, h, r);
    box_mean(m->B, m->mIP, m->tmp, m->cum, w, h, r);
    for (size_t i = 0; i < n; i++) {
        float var = m->mII[i] - m->mI[i] * m->mI[i];
        float cov = m->mIP[i] - m->mI[i] * m->mP[i];
        float a = cov / (var + m->eps);
        m->mII[i] = a;                       /* a */
        m->mIP[i] = m->mP[i] - a * m->mI[i]; /* b */
    }
    box_mean(m->mII, m->A, m->tmp, m->cum, w, h, r);
    box_mean(m->mIP, m->B, m->tmp, m->cum, w, h, r);
}

/*
 * Horizontal half-pixel upsample of one working row by the integer factor f. Output x = f j + k
 * sits at source position j + (k + 0.5) / f - 0.5, so the weights repeat with period f: the
 * interior runs without index tables, the clamped borders use the tables.
 */
void cc_matte_upsample_row(const CcMatte *m, const float *src, float *dst)
{
    const int f = m->f, ww = m->ww, w = m->w;
    if (f == 1) {
        memcpy(dst, src, (size_t)w * sizeof(float));
        return;
    }
    /* Phase k of each block: offset t_k < 0 for k < f / 2 (left neighbour), else right. */
    float t[64]; /* f <= 16384 / WORK_MAX + 1 */
    for (int k = 0; k < f; k++)
        t[k] = (k + 0.5f) / f - 0.5f;
    const int kh = f / 2;
    /* Blocks j = 1 .. j_end - 1 are whole and have both neighbours; the rest use the tables. */
    const int j_end = CC_MIN(ww - 1, w / f);
    const int first = CC_MIN(f, w), last = CC_MAX(f, j_end * f);
    for (int x = 0; x < first; x++) {
        float a = src[m->x0[x]], b = src[CC_MIN(m->x0[x] + 1, ww - 1)];
        dst[x] = a + (b - a) * m->wx[x];
    }
    if (f == 6) { /* 1080p: written out, the loop overhead was most of the cost */
        for (int j = 1; j < j_end; j++) {
            const float b = src[j], dl = b - src[j - 1], dr = src[j + 1] - b;
            float *o = dst + (size_t)j * 6;
            o[0] = b - (5.0f / 12.0f) * dl;
            o[1] = b - (3.0f / 12.0f) * dl;
            o[2] = b - (1.0f / 12.0f) * dl;
            o[3] = b + (1.0f / 12.0f) * dr;
            o[4] = b + (3.0f / 12.0f) * dr;
            o[5] = b + (5.0f / 12.0f) * dr;
        }
    } else if (f == 4) { /* 720p */
        for (int j = 1; j < j_end; j++) {
            const float b = src[j], dl = b - src[j - 1], dr = src[j + 1] - b;
            float *o = dst + (size_t)j * 4;
            o[0] = b - 0.375f * dl;
            o[1] = b - 0.125f * dl;
            o[2] = b + 0.125f * dr;
            o[3] = b + 0.375f * dr;
        }
    } else if (f == 2) { /* 480p-class */
        for (int j = 1; j < j_end; j++) {
            const float b = src[j], dl = b - src[j - 1], dr = src[j + 1] - b;
            float *o = dst + (size_t)j * 2;
            o[0] = b - 0.25f * dl;
            o[1] = b + 0.25f * dr;
        }
    } else {
        for (int j = 1; j < j_end; j++) {
            const float b = src[j], dl = b - src[j - 1], dr = src[j + 1] - b;
            float *o = dst + (size_t)j * f;
            for (int k = 0; k < kh; k++)
                o[k] = b + dl * t[k];
            for (int k = kh; k < f; k++)
                o[k] = b + dr * t[k];
        }
    }
    for (int x = last; x < w; x++) {
        float a = src[m->x0[x]], b = src[CC_MIN(m->x0[x] + 1, ww - 1)];
        dst[x] = a + (b - a) * m->wx[x];
    }
}

/* Row j of A/B upsampled horizontally, cached in one of two slots. */
static int coef_row(CcMatte *m, int j)
{
    for (int s = 0; s < 2; s++)
        if (m->row_idx[s] == j)
            return s;
    int s = m->row_idx[0] < m->row_idx[1] ? 0 : 1;
    if (m->row_idx[0] == -1)
        s = 0;
    else if (m->row_idx[1] == -1)
        s = 1;
    cc_matte_upsample_row(m, m->A + (size_t)j * m->ww, m->arow[s]);
    cc_matte_upsample_row(m, m->B + (size_t)j * m->ww, m->brow[s]);
    m->row_idx[s] = j;
    return s;
}

/*
* Contrast 2.5 around 0.5 (edges stay soft over ~0.4 of the probability range, a faint
 * fringe goes to 0), folded with
 * the luma normalisation into one multiply-add per pixel (matte_dsp.h).
 */

/* BT.601 luma bytes of an RGB row. */
static void rgb_luma_u8(const CcFrame *f, int y, uint8_t *dst)
{
    const uint8_t *row = f->data[0] + (size_t)y * f->stride[0];
    const int px = f->format == CC_PIX_RGB24 ? 3 : 4, ri = f->format == CC_PIX_BGRA ? 2 : 0;
    for (int x = 0; x < f->width; x++) {
        const uint8_t *p = row + x * px;
        dst[x] = (uint8_t)((77 * p[ri] + 150 * p[1] + 29 * p[2 - ri] + 128) >> 8);
    }
}

void cc_matte_refine(CcMatte *m, const float *prob, const float *tensor, const CcFrame *frame,
                     CcMask *mask)
{
    steady(m, prob, tensor);
    resize_to_work(m, m->state, m->p);
    cc_frame_luma_downsample(frame, m->f, m->guide, m->ka, m->luma);
    guided_coefficients(m);

    const int yuv = frame->format >= CC_PIX_I420;
    const int step = frame->format == CC_PIX_YUYV ? 2 : 1;
    const float y_off = yuv && !frame->full_range ? 16.0f : 0.0f;
    const float y_mul = yuv && !frame->full_range ? 1.0f / 219.0f : 1.0f / 255.0f;
    uint8_t *luma8 = (uint8_t *)m->luma;
    m->row_idx[0] = m->row_idx[1] = -1;
    for (int y = 0; y < m->h; y++) {
        float fy = (y + 0.5f) / m->f - 0.5f;
        if (fy < 0.0f)
            fy = 0.0f;
        int j0 = CC_MIN((int)fy, m->wh - 1), j1 = CC_MIN(j0 + 1, m->wh - 1);
        float wy = CC_MIN(fy - j0, 1.0f);
        int s0 = coef_row(m, j0), s1 = coef_row(m, j1);
        const uint8_t *src = frame->data[0] + (size_t)y * frame->stride[0];
        if (!yuv) {
            rgb_luma_u8(frame, y, luma8);
            src = luma8;
        }
        m->dsp.apply_row_u8(m->arow[s0], m->arow[s1], m->brow[s0], m->brow[s1], wy, y_off, y_mul,
                            src, yuv ? step : 1, mask->data + (size_t)y * mask->stride, m->w);
    }
}
