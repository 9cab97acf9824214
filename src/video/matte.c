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
 * 2. Colour guided filter (He et al., guide Y, U, V; issue 9). The frame's luma and chroma are
 *    box-averaged down by an integer factor f to a working size of at most 320 pixels on the
 *    longer side and the steadied p is resized to it; per pixel
 *    a = (Sigma + eps I)^-1 cov(I, p), b = mean(p) - a . mean(I) over a box of radius r
 *    (1.6 % of the frame diagonal), then a and b are box-averaged once more. A gray guide
 *    copied background edges (a horizon, a shelf) into the mask at HD; colour tells the
 *    person from such edges far more often.
 * 3. The filter moves the edge only where the model is unsure: with p sampled from the model
 *    grid exactly as raw mode samples it, q = a . I + b at full resolution, and the gate
 *    g = clamp((0.8 - |2p - 1|) / 0.8), the output is p + g (q - p) through a contrast curve of
 *    2.5 around 0.5 (removes the faint fringe without moving the 0.5 contour). Working cells
 *    whose four corners are sure (p <= 0.1 or >= 0.9) are 0 or 255 as a whole (a memset):
 *    only the few per cent of the frame near the edge is computed per pixel.
 */
#include "matte.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "matte_dsp.h"
#include "pixfmt.h"

#define WORK_MAX 320 /* longest side of the guided filter's working size */
#define CELL_VEC 8   /* cells up to this wide get their coefficients 8 pixels at a time */
#define CX_STRIDE(w) ((w) + CELL_VEC) /* coefx planes: room for a last cell's overhang */

struct CcMatte {
    int mw, mh;        /* model size */
    int w, h;          /* frame size */
    int f, ww, wh;     /* working scale factor and size */
    int r;             /* guided filter radius at working size */
    float eps;
    float kmin, gain_motion, gain_prob, gain_drop;
    int have_state;
    float *state;      /* (mh, mw) steadied probability */
    float *prev_in;    /* (mh, mw, 3) previous model input */
    float *guide;      /* (wh, ww) luma */
    float *p;          /* (wh, ww) upsampled probability */
    int *x0;           /* (w) horizontal upsample taps, working -> frame */
    float *wx;         /* (w) */
    float *arow[2], *brow[2]; /* (w) horizontally upsampled coefficient rows */
    int row_idx[2];
    float *luma;       /* (w) one full-resolution luma row */
    float *ka;         /* (w) scratch */
    uint16_t *rgbsum;  /* (4 w) column sums of packed RGB bytes (the guide of RGB frames) */
    int band;          /* contour band: contour cells dilated by band - 1 cells (0: no band) */
    float steep;       /* a contour cell needs its corners' p to span at least this */
    uint8_t *bandm, *bandt; /* (wh, ww) band mask and scratch */
    float tau;         /* gate width: the filter may move the edge where |2p - 1| < tau */
    float gain;        /* contrast curve gain in the band */
    float gain_out;    /* contrast curve gain outside the band (the filter is off there) */
    float *gU, *gV;    /* (wh, ww) working chroma */
    float *st16;       /* (2, ww, 16) Y U V P, YY YU YV UU UV VV, YP UP VP, 0 0 0: one row's
                        * box means, one row's products */
    float *tmp16;      /* scratch: the statistics' ring of 2 r + 2 rows (ww, 16), the
                        * coefficients' box (wh, ww, 4), the resize's rows (mh, ww) */
    float *acc;        /* (ww, 16) vertical running sums */
    float *co4;        /* (wh, ww, 4) coefficients a_y a_u a_v b, then their box means */
    int *mix_lo, *mix_hi; /* (wh) first and last mixed cell of each working row (hi -1: none) */
    float *fY, *fU, *fV; /* (w) full-resolution guide row */
    float *coefx;      /* (4, CX_STRIDE(w)) a_y, a_u, a_v, b interpolated to the pixels of
                        * one row */
    uint8_t *pxband;   /* (w) band class of each pixel of one row */
    uint8_t *cell;     /* (wh, ww) sure-0 / sure-255 / mixed working cells */
    int *runs;         /* (ww + 1) first cell of each run of one class in a cell row, then ww */
    int *xs;           /* (ww + 1) first frame column of each working cell */
    CcMatteDsp dsp;
    CcTap *tx, *ty;    /* (ww), (wh): model size -> working size */
    CcTap *rx, *ry;    /* (w), (h): model size -> frame size (raw mode) */
    int32_t *rxi0, *rxi1; /* (w) rx's taps as arrays (the p_row kernel's layout) */
    float *rxw;        /* (w) */
};

/* Rows in the ring of horizontally box-meaned statistics: 2 r + 2 (row y + r enters while
 * row y - r - 1 leaves), or every row when there are fewer. */
static int stats_ring(const CcMatte *m)
{
    return CC_MIN(2 * m->r + 2, m->wh);
}

static void *falloc(size_t n)
{
    return cc_alloc_aligned(n * sizeof(float));
}

void cc_matte_close(CcMatte **pm)
{
    if (!pm || !*pm)
        return;
    CcMatte *m = *pm;
    float *bufs[] = { m->state, m->prev_in, m->guide, m->p,
                      m->st16, m->tmp16, m->acc, m->co4, m->wx, m->arow[0], m->arow[1],
                      m->brow[0], m->brow[1], m->luma, m->ka };
    for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
        cc_free_aligned(bufs[i]);
    cc_free_aligned(m->gU);
    cc_free_aligned(m->gV);
    cc_free_aligned(m->rgbsum);
    cc_free_aligned(m->mix_lo);
    cc_free_aligned(m->mix_hi);
    cc_free_aligned(m->fY);
    cc_free_aligned(m->fU);
    cc_free_aligned(m->fV);
    cc_free_aligned(m->coefx);
    cc_free_aligned(m->pxband);
    cc_free_aligned(m->cell);
    cc_free_aligned(m->runs);
    cc_free_aligned(m->bandm);
    cc_free_aligned(m->bandt);
    cc_free_aligned(m->xs);
    cc_free_aligned(m->x0);
    cc_free_aligned(m->tx);
    cc_free_aligned(m->ty);
    cc_free_aligned(m->rx);
    cc_free_aligned(m->ry);
    cc_free_aligned(m->rxi0);
    cc_free_aligned(m->rxi1);
    cc_free_aligned(m->rxw);
    free(m);
    *pm = NULL;
}

int cc_matte_open(CcMatte **out, int mw, int mh, int w, int h, float smoothing, float edge_radius,
                  int best)
{
    *out = NULL;
    CcMatte *m = cc_calloc(1, sizeof(*m));
    if (!m)
        return CC_ERR(ENOMEM);
    m->mw = mw;
    m->mh = mh;
    m->w = w;
    m->h = h;
    const int work_max = best ? 2 * WORK_MAX : WORK_MAX;
    m->f = (CC_MAX(w, h) + work_max - 1) / work_max;
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
    m->kmin = 1.0f - smoothing;
    m->gain_motion = 12.0f;
    /* 2, not 4, where p rises: 4 flickered more on the webcam clips. */
    m->gain_prob = 2.0f;
    /* Where p falls (the person left, or the net withdrew a false positive) the state follows
     * twice as fast: a lagging state there is false foreground (HD set, 5 fps clips: far false
     * foreground and IoU below raw in the confused eveningglow cells with 2 both ways). With
     * kmin 1 - smoothing (0.5 by default; it was 1 - 0.85 s) flicker on the webcam clips stays
     * at or below what it was before the colour matte. */
    m->gain_drop = 4.0f;
    size_t ms = (size_t)mw * mh, ws = (size_t)m->ww * m->wh;
    m->state = falloc(ms);
    m->prev_in = falloc(ms * 3);
    m->guide = falloc(ws);
    m->p = falloc(ws);
    m->st16 = falloc((size_t)m->ww * 32);
    m->acc = falloc((size_t)m->ww * 16);
    m->co4 = falloc(ws * 4);
    m->mix_lo = cc_alloc_aligned((size_t)m->wh * sizeof(int));
    m->mix_hi = cc_alloc_aligned((size_t)m->wh * sizeof(int));
    m->x0 = cc_alloc_aligned((size_t)w * sizeof(int));
    m->wx = falloc((size_t)w + CELL_VEC); /* read up to CELL_VEC - 1 past the last cell */
    for (int i = 0; i < 2; i++) {
        m->arow[i] = falloc((size_t)w);
        m->brow[i] = falloc((size_t)w);
    }
    m->luma = falloc((size_t)w);
    m->ka = falloc((size_t)w);
    m->rgbsum = cc_alloc_aligned(4 * (size_t)w * sizeof(uint16_t));
    /* Colour matte (issue 9): radius 1.6 % of the diagonal, the filter may move the edge
     * only where the model is unsure (|2p - 1| < 0.8), tuned on the HD set. */
    m->r = CC_MAX(2, (int)lrintf(1.6f * radius_px / m->f));
    m->tau = 0.8f;
    m->gain = 2.5f;
    /* Outside the band the output is the steadied p through a much steeper curve (8): the
     * binary mask is p >= 0.5 either way, but a soft ramp there (2.5, or raw's 1) wobbles at
     * every pixel of a shallow region from frame to frame: 2.5 doubled webcam flicker. */
    m->gain_out = 8.0f;
    /* The filter moves the edge only in a band of one working cell around the model's 0.5
     * contour, and only where that contour is steep (p spans >= 0.2 across the cell): where the
     * model is confused (shallow p over large areas, e.g. a sunset behind the person) the
     * colour filter fragmented the mask and lost boundary F against raw (issue 9). */
    m->band = 2;
    m->steep = 0.2f;
    if (best) {
        m->tau = 0.95f;
        m->gain = 1.5f;
        m->gain_out = 1.5f;
        m->band = 0;
    }
    m->tmp16 = falloc(CC_MAX(CC_MAX((size_t)stats_ring(m) * m->ww * 16, ws * 4),
                             (size_t)mh * m->ww));
    m->bandm = cc_alloc_aligned(ws);
    m->bandt = cc_alloc_aligned(ws);
    int bad = 0;
    m->gU = falloc(ws);
    m->gV = falloc(ws);
    bad |= !m->gU || !m->gV;
    bad |= !m->st16 || !m->tmp16 || !m->acc || !m->co4 || !m->mix_lo || !m->mix_hi;
    bad |= !(m->cell = cc_alloc_aligned(ws));
    bad |= !(m->runs = cc_alloc_aligned(((size_t)m->ww + 1) * sizeof(int)));
    bad |= !m->bandm || !m->bandt;
    bad |= !(m->xs = cc_alloc_aligned(((size_t)m->ww + 1) * sizeof(int)));
    bad |= !(m->fY = falloc((size_t)w)) || !(m->fU = falloc((size_t)w)) || !(m->fV = falloc((size_t)w));
    bad |= !(m->coefx = falloc((size_t)CX_STRIDE(w) * 4));
    bad |= !(m->pxband = cc_alloc_aligned((size_t)w));
    if (bad) {
        cc_matte_close(&m);
        return CC_ERR(ENOMEM);
    }
    cc_matte_dsp_init(&m->dsp);
    m->tx = cc_alloc_aligned((size_t)m->ww * sizeof(CcTap));
    m->ty = cc_alloc_aligned((size_t)m->wh * sizeof(CcTap));
    m->rx = cc_alloc_aligned((size_t)w * sizeof(CcTap));
    m->ry = cc_alloc_aligned((size_t)h * sizeof(CcTap));
    m->rxi0 = cc_alloc_aligned((size_t)w * sizeof(int32_t));
    m->rxi1 = cc_alloc_aligned((size_t)w * sizeof(int32_t));
    m->rxw = falloc((size_t)w);
    if (!m->state || !m->prev_in || !m->guide || !m->p ||
        !m->x0 || !m->wx || !m->arow[0] ||
        !m->arow[1] || !m->brow[0] || !m->brow[1] || !m->luma || !m->ka || !m->rgbsum || !m->tx || !m->ty || !m->rx || !m->ry ||
        !m->rxi0 || !m->rxi1 || !m->rxw) {
        cc_matte_close(&m);
        return CC_ERR(ENOMEM);
    }
    cc_bilinear_taps(m->tx, m->ww, mw);
    cc_bilinear_taps(m->ty, m->wh, mh);
    cc_bilinear_taps(m->rx, w, mw);
    cc_bilinear_taps(m->ry, h, mh);
    for (int x = 0; x < w; x++) {
        m->rxi0[x] = m->rx[x].i0;
        m->rxi1[x] = m->rx[x].i1;
        m->rxw[x] = m->rx[x].w;
    }
    for (int x = 0; x < w; x++) {
        float fx = (x + 0.5f) / m->f - 0.5f;
        if (fx < 0.0f)
            fx = 0.0f;
        int x0 = CC_MIN((int)fx, m->ww - 1);
        m->x0[x] = x0;
        m->wx[x] = x0 + 1 < m->ww ? fx - x0 : 0.0f;
    }
    for (int i = 0, x = 0; i <= m->ww; i++) {
        while (x < w && m->x0[x] < i)
            x++;
        m->xs[i] = x;
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
    if (!tensor) { /* no steadying (best quality: the host steadies with look-ahead) */
        memcpy(m->state, prob, (size_t)n * sizeof(float));
        return;
    }
    if (!m->have_state) {
        memcpy(m->state, prob, (size_t)n * sizeof(float));
        memcpy(m->prev_in, tensor, (size_t)n * 3 * sizeof(float));
        m->have_state = 1;
        return;
    }
    const CcMatteSteady g = { m->kmin, m->gain_motion, m->gain_prob, m->gain_drop };
    m->dsp.steady(m->state, prob, tensor, m->prev_in, n, &g);
    memcpy(m->prev_in, tensor, (size_t)n * 3 * sizeof(float));
}

/* Bilinear half-pixel resize of the model-size probability to the working size: each model
 * row is interpolated horizontally once (tmp, (mh, ww)), then each output row is one
 * vertical lerp of two of them (the same operations as per-pixel bilinear, not repeated). */
CC_ALSO_AVX2 static void resize_to_work(const CcMatte *m, const float *src, float *dst, float *tmp)
{
    const int ww = m->ww;
    for (int y = 0; y < m->mh; y++) {
        const float *r = src + (size_t)y * m->mw;
        float *o = tmp + (size_t)y * ww;
        for (int ox = 0; ox < ww; ox++) {
            const CcTap tx = m->tx[ox];
            o[ox] = r[tx.i0] + (r[tx.i1] - r[tx.i0]) * tx.w;
        }
    }
    for (int oy = 0; oy < m->wh; oy++) {
        const CcTap ty = m->ty[oy];
        const float *top = tmp + (size_t)ty.i0 * ww, *bot = tmp + (size_t)ty.i1 * ww;
        float *o = dst + (size_t)oy * ww;
        for (int ox = 0; ox < ww; ox++) {
            float v = top[ox] + (bot[ox] - top[ox]) * ty.w;
            /* The net's sigmoid gives values like 1e-30 far from the person; their products in
             * the filter's statistics would be denormal (hundreds of cycles per operation). */
            o[ox] = v < 1e-6f ? 0.0f : v;
        }
    }
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

/*
 * Box mean of radius r (window clipped at the borders) of an interleaved (h, w, nc) image,
 * in place; tmp (h, w, nc), acc (w nc). Horizontal sliding sums row by row, then a vertical
 * sliding sum over whole rows: every step is a vector add across the channels.
 */
static void box_nc(const CcMatteDsp *dsp, float *img, float *tmp, float *acc, int w, int h,
                   int nc, int r)
{
    const size_t rs = (size_t)w * nc;
    dsp->box_h(tmp, img, w, nc, r, h);
    memset(acc, 0, rs * sizeof(float));
    for (int y = 0; y < r && y < h; y++)
        for (size_t i = 0; i < rs; i++)
            acc[i] += tmp[y * rs + i];
    for (int y = 0; y < h; y++) {
        const int add = y + r, sub = y - r - 1;
        const int lo = CC_MAX(0, y - r), hi = CC_MIN(h, y + r + 1);
        dsp->box_v(img + y * rs, acc, add < h ? tmp + add * rs : NULL,
                   sub >= 0 ? tmp + sub * rs : NULL, 1.0f / (float)(hi - lo), (int)rs);
    }
}

/* Row y of the guided filter's 16 statistics channels (Y U V P and their products),
 * box-meaned horizontally into dst (ww, 16); prod (ww, 16) scratch. */
static void stats_row(const CcMatte *m, int y, float *prod, float *dst)
{
    const int w = m->ww;
    const float *gy = m->guide + (size_t)y * w, *gu = m->gU + (size_t)y * w;
    const float *gv = m->gV + (size_t)y * w, *gp = m->p + (size_t)y * w;
    m->dsp.products(prod, gy, gu, gv, gp, w);
    m->dsp.box_h(dst, prod, w, 16, m->r, 1);
}

/*
 * Colour guided filter at working size (He et al., the 3-channel guide Y, U, V):
 * a = (Sigma + eps I)^-1 cov(I, p), b = mean(p) - a . mean(I) per box of radius r, then a and
 * b box-averaged once more. co (wh, ww, 4) = A_y, A_u, A_v, B. The 3x3 solve runs only where
 * a mixed cell can read its result (within r + 1 working pixels of one): elsewhere a = b = 0.
 */
CC_ALSO_AVX2 static void color_coefficients(CcMatte *m)
{
    const int w = m->ww, h = m->wh, r = m->r;
    const size_t rs = (size_t)w * 16;
    float *co = m->co4, *acc = m->acc, *st = m->st16, *prod = m->st16 + rs;
    /* Products of a row, box-meaned horizontally into a ring of the 2 r + 2 rows that the
     * vertical sliding sum reads (row y + r enters, row y - r - 1 leaves): the statistics
     * never leave the cache. Same operations in the same order as a whole-image pass. */
    const int ring = stats_ring(m);
    float *hb = m->tmp16;
    const int reach = r + 1;
    /* Columns that some mixed cell can read (X0 .. X1): the vertical sums and the solve run
     * only there (each column's vertical sum is its own, so they are unchanged); no mixed
     * cell at all: the coefficients are all 0. */
    int X0 = w, X1 = -1;
    for (int j = 0; j < h; j++)
        if (m->mix_hi[j] >= 0) {
            X0 = CC_MIN(X0, m->mix_lo[j] - reach);
            X1 = CC_MAX(X1, m->mix_hi[j] + reach);
        }
    X0 = CC_MAX(X0, 0);
    X1 = CC_MIN(X1, w - 1);
    if (X1 < X0) {
        memset(co, 0, (size_t)w * h * 4 * sizeof(float));
        return;
    }
    const size_t c0 = (size_t)X0 * 16, nv = (size_t)(X1 - X0 + 1) * 16;
    memset(acc, 0, rs * sizeof(float));
    for (int y = 0; y < r && y < h; y++) {
        stats_row(m, y, prod, hb + (size_t)(y % ring) * rs);
        const float *t = hb + (size_t)(y % ring) * rs;
        for (size_t i = c0; i < c0 + nv; i++)
            acc[i] += t[i];
    }
    const float eps = m->eps;
    for (int y = 0; y < h; y++) {
        const int add = y + r, sub = y - r - 1;
        const int lo = CC_MAX(0, y - r), hi = CC_MIN(h, y + r + 1);
        if (add < h)
            stats_row(m, add, prod, hb + (size_t)(add % ring) * rs);
        m->dsp.box_v(st + c0, acc + c0, add < h ? hb + (size_t)(add % ring) * rs + c0 : NULL,
                     sub >= 0 ? hb + (size_t)(sub % ring) * rs + c0 : NULL,
                     1.0f / (float)(hi - lo), (int)nv);
        /* columns of this row that some mixed cell within reach rows can read */
        int x0 = w, x1 = -1;
        for (int j = CC_MAX(0, y - reach); j <= CC_MIN(h - 1, y + reach); j++)
            if (m->mix_hi[j] >= 0) {
                x0 = CC_MIN(x0, m->mix_lo[j] - reach);
                x1 = CC_MAX(x1, m->mix_hi[j] + reach);
            }
        x0 = CC_MAX(x0, 0);
        x1 = CC_MIN(x1, w - 1);
        float *crow = co + (size_t)y * w * 4;
        memset(crow, 0, (size_t)w * 4 * sizeof(float));
        for (int x = x0; x <= x1; x++) {
            const float *s = st + (size_t)x * 16;
            float my = s[0], mu = s[1], mv = s[2], mp = s[3];
            float syy = s[4] - my * my + eps, syu = s[5] - my * mu;
            float syv = s[6] - my * mv, suu = s[7] - mu * mu + eps;
            float suv = s[8] - mu * mv, svv = s[9] - mv * mv + eps;
            float cy = s[10] - my * mp, cu = s[11] - mu * mp, cv = s[12] - mv * mp;
            /* inverse of the symmetric 3x3 by cofactors */
            float i00 = suu * svv - suv * suv, i01 = syv * suv - syu * svv, i02 = syu * suv - syv * suu;
            float i11 = syy * svv - syv * syv, i12 = syu * syv - syy * suv, i22 = syy * suu - syu * syu;
            float det = syy * i00 + syu * i01 + syv * i02;
            float inv = 1.0f / det;
            float ay = (i00 * cy + i01 * cu + i02 * cv) * inv;
            float au = (i01 * cy + i11 * cu + i12 * cv) * inv;
            float av = (i02 * cy + i12 * cu + i22 * cv) * inv;
            float *o = crow + (size_t)x * 4;
            o[0] = ay, o[1] = au, o[2] = av, o[3] = mp - ay * my - au * mu - av * mv;
        }
    }
    box_nc(&m->dsp, co, m->tmp16, m->acc, w, h, 4, r);
}

/* The guide at full resolution over pixels [xa, xb) of row y: Y, U, V range-normalised like
 * the working-size guide (cc_frame_luma_downsample, cc_frame_chroma_downsample). */
CC_ALSO_AVX2 static void guide_span(const CcFrame *frame, int y, int xa, int xb, float *gy,
                                    float *gu, float *gv)
{
    const int fmt = frame->format;
    const float y_off = fmt >= CC_PIX_I420 && !frame->full_range ? 16.0f : 0.0f;
    const float y_mul = fmt >= CC_PIX_I420 && !frame->full_range ? 1.0f / 219.0f : 1.0f / 255.0f;
    const float c_mul = frame->full_range ? 1.0f / 255.0f : 1.0f / 224.0f;
    const uint8_t *r0 = frame->data[0] + (size_t)y * frame->stride[0];
    const uint8_t *ru = NULL, *rv = NULL;
    if (fmt == CC_PIX_I420) {
        ru = frame->data[1] + (size_t)(y >> 1) * frame->stride[1];
        rv = frame->data[2] + (size_t)(y >> 1) * frame->stride[2];
    } else if (fmt == CC_PIX_NV12) {
        ru = frame->data[1] + (size_t)(y >> 1) * frame->stride[1];
        rv = ru + 1;
    }
    switch (fmt) {
    case CC_PIX_I420:
    case CC_PIX_NV12: {
        /* luma as one contiguous (vectorisable) loop, chroma once per sample pair */
        const int cs = fmt == CC_PIX_NV12 ? 2 : 1;
        for (int x = xa; x < xb; x++)
            gy[x] = (r0[x] - y_off) * y_mul;
        int x = xa;
        if (x & 1) {
            gu[x] = (ru[(x >> 1) * cs] - 128.0f) * c_mul;
            gv[x] = (rv[(x >> 1) * cs] - 128.0f) * c_mul;
            x++;
        }
        for (; x + 1 < xb; x += 2) {
            const float u = (ru[(x >> 1) * cs] - 128.0f) * c_mul;
            const float v = (rv[(x >> 1) * cs] - 128.0f) * c_mul;
            gu[x] = gu[x + 1] = u;
            gv[x] = gv[x + 1] = v;
        }
        if (x < xb) {
            gu[x] = (ru[(x >> 1) * cs] - 128.0f) * c_mul;
            gv[x] = (rv[(x >> 1) * cs] - 128.0f) * c_mul;
        }
        break;
    }
    case CC_PIX_YUYV:
        for (int x = xa; x < xb; x++) {
            gy[x] = (r0[2 * x] - y_off) * y_mul;
            gu[x] = (r0[(x >> 1) * 4 + 1] - 128.0f) * c_mul;
            gv[x] = (r0[(x >> 1) * 4 + 3] - 128.0f) * c_mul;
        }
        break;
    default: {
        const int px = fmt == CC_PIX_RGB24 ? 3 : 4, ri = fmt == CC_PIX_BGRA ? 2 : 0;
        for (int x = xa; x < xb; x++) {
            const uint8_t *q = r0 + (size_t)x * px;
            float rr = q[ri] * (1.0f / 255.0f), gg = q[1] * (1.0f / 255.0f);
            float bb = q[2 - ri] * (1.0f / 255.0f);
            float l = 0.299f * rr + 0.587f * gg + 0.114f * bb;
            gy[x] = l;
            gu[x] = 0.564f * (bb - l);
            gv[x] = 0.713f * (rr - l);
        }
        break;
    }
    }
}

/* The band's dilation step: d[i] = max(d[i], s[i] != 0), i < n (d and s never overlap). */
static void band_max_rim(uint8_t *restrict d, const uint8_t *restrict s, int n)
{
    for (int i = 0; i < n; i++) {
        const uint8_t v = s[i] != 0;
        d[i] = d[i] > v ? d[i] : v;
    }
}

/* First cell of each run of one class in a row of n cells, then n; returns the run count.
 * Cells come in long runs, so 8 of them are compared with their left neighbours at once. */
static int cell_runs(int *runs, const uint8_t *c, int n)
{
    int nr = 0;
    runs[nr++] = 0;
    int i = 1;
    for (; i + 8 <= n; i += 8) {
        uint64_t a, b;
        memcpy(&a, c + i, 8);
        memcpy(&b, c + i - 1, 8);
        if (a == b)
            continue;
        for (int k = i; k < i + 8; k++)
            if (c[k] != c[k - 1])
                runs[nr++] = k;
    }
    for (; i < n; i++)
        if (c[i] != c[i - 1])
            runs[nr++] = i;
    runs[nr] = n;
    return nr;
}

/* Asks for the frame bytes of pixels [xa, xb) of row y ahead of guide_span. */
static void prefetch_span(const CcFrame *frame, int y, int xa, int xb)
{
    const int fmt = frame->format;
    const int bpp = fmt == CC_PIX_YUYV ? 2 : fmt == CC_PIX_RGB24 ? 3 : fmt < CC_PIX_RGB24 ? 4 : 1;
    const uint8_t *r = frame->data[0] + (size_t)y * frame->stride[0];
    for (int b = xa * bpp; b < xb * bpp; b += 64)
        __builtin_prefetch(r + b);
    __builtin_prefetch(r + xb * bpp - 1);
    if ((fmt == CC_PIX_I420 || fmt == CC_PIX_NV12) && !(y & 1)) {
        const int cs = fmt == CC_PIX_NV12 ? 2 : 1;
        for (int k = 1; k <= (fmt == CC_PIX_I420 ? 2 : 1); k++) {
            const uint8_t *c = frame->data[k] + (size_t)(y >> 1) * frame->stride[k];
            for (int b = (xa >> 1) * cs; b < ((xb + 1) >> 1) * cs; b += 64)
                __builtin_prefetch(c + b);
        }
    }
}

CC_ALSO_AVX2
void cc_matte_refine(CcMatte *m, const float *prob, const float *tensor, const CcFrame *frame,
                     CcMask *mask)
{
    steady(m, prob, tensor);
    resize_to_work(m, m->state, m->p, m->tmp16);
    if (frame->format <= CC_PIX_RGB24) {
        cc_frame_rgb_guide_downsample(frame, m->f, m->guide, m->gU, m->gV, m->rgbsum,
                                      m->dsp.block_sums);
    } else {
        cc_frame_luma_downsample(frame, m->f, m->guide, m->ka, m->luma, m->dsp.block_sums);
        cc_frame_chroma_downsample(frame, m->f, m->guide, m->gU, m->gV, m->ka, m->dsp.block_sums);
    }
    /* Working cells: cell (j, i) holds the full-resolution pixels that interpolate between
     * working pixels (j, i) .. (j + 1, i + 1). Where p is sure (<= lo or >= hi) at all four
     * corners, the gate is closed and the curve saturates: the whole cell is 0 or 255. */
    const int ww = m->ww, wh = m->wh;
    const float tau = m->tau, G = m->gain * 255.0f, Go = m->gain_out * 255.0f, inv_tau = tau > 0.0f ? 1.0f / tau : 0.0f;
    const float lo = tau > 0.0f ? 0.5f - 0.5f * tau : -1.0f;
    const float sat = 128.0f / G; /* |q - 0.5| beyond which the curve saturates */
    const float zlo = CC_MIN(lo, 0.5f - sat), zhi = 1.0f - zlo;
    uint8_t *cell = m->cell; /* 0 = zero, 1 = full, 2 = mixed */
    for (int j = 0; j < wh; j++)
        m->dsp.classify(cell + (size_t)j * ww, m->bandm + (size_t)j * ww, m->p + (size_t)j * ww,
                        m->p + (size_t)CC_MIN(j + 1, wh - 1) * ww, ww, zlo, zhi, m->steep);
    for (int j = 0; j < wh; j++) {
        const uint8_t *c = cell + (size_t)j * ww;
        const uint8_t *first = memchr(c, 2, (size_t)ww), *last = memrchr(c, 2, (size_t)ww);
        m->mix_lo[j] = first ? (int)(first - c) : ww;
        m->mix_hi[j] = last ? (int)(last - c) : -1;
    }
    color_coefficients(m);
    if (m->band > 0) {
        /* dilate the contour cells (2) by band - 1 cells: the rim gets 1; row by row, so
         * every step is a byte-wise max over a whole row */
        const int B = m->band - 1;
        for (int j = 0; j < wh; j++) {
            const uint8_t *src = m->bandm + (size_t)j * ww;
            uint8_t *t = m->bandt + (size_t)j * ww;
            memcpy(t, src, (size_t)ww);
            for (int k = 1; k <= B && k < ww; k++) {
                band_max_rim(t, src + k, ww - k);  /* from the right neighbour k away */
                band_max_rim(t + k, src, ww - k);  /* from the left one */
            }
        }
        for (int j = 0; j < wh; j++) {
            uint8_t *o = m->bandm + (size_t)j * ww;
            memcpy(o, m->bandt + (size_t)j * ww, (size_t)ww);
            for (int k = CC_MAX(0, j - B); k <= CC_MIN(wh - 1, j + B); k++)
                band_max_rim(o, m->bandt + (size_t)k * ww, ww);
        }
    }
    const CcMatteCurve curve = { tau, inv_tau, G, Go };
    int runs_row = -1, nruns = 0;
    for (int y = 0; y < m->h; y++) {
        float fy = (y + 0.5f) / m->f - 0.5f;
        if (fy < 0.0f)
            fy = 0.0f;
        const int j0 = CC_MIN((int)fy, wh - 1), j1 = CC_MIN(j0 + 1, wh - 1);
        const float wy = CC_MIN(fy - j0, 1.0f);
        const uint8_t *crow = cell + (size_t)j0 * ww;
        const CcTap ty = m->ry[y];
        const float *sr0 = m->state + (size_t)ty.i0 * m->mw, *sr1 = m->state + (size_t)ty.i1 * m->mw;
        uint8_t *o = mask->data + (size_t)y * mask->stride;
        if (j0 != runs_row) { /* the runs of one class along this cell row (f rows share it) */
            nruns = cell_runs(m->runs, crow, ww);
            runs_row = j0;
        }
        for (int ri = 0; ri < nruns; ri++) {
            int i = m->runs[ri];
            const int ie = m->runs[ri + 1];
            const uint8_t c = crow[i];
            const int xa = m->xs[i], xb = m->xs[ie];
            if (c < 2) {
                memset(o + xa, c ? 255 : 0, (size_t)(xb - xa));
                continue;
            }
            float *gy = m->fY, *gu = m->fU, *gv = m->fV;
            /* Per cell: the coefficients interpolated vertically at this row (c0 at the left
             * column, d0 towards the right one), then per pixel horizontally. Off-band cells
             * are the model's p through the steep curve (q = p there, so the gate leaves it);
             * runs of band cells go to the edge kernel. */
            float *pp = m->luma, *cx = m->coefx;
            /* p straight from the model grid to the run's pixels, as raw mode samples it, and
             * the off-band output everywhere (band cells overwrite theirs below) */
            m->dsp.p_row(pp + xa, sr0, sr1, m->rxi0 + xa, m->rxi1 + xa, m->rxw + xa, ty.w,
                         xb - xa);
            for (int x = xa; x < xb; x++) {
                float v = (pp[x] - 0.5f) * Go + 128.0f;
                v = v < 0.0f ? 0.0f : v > 255.0f ? 255.0f : v;
                o[x] = (uint8_t)(int)v;
            }
            int span = -1; /* first pixel of the pending run of band cells */
            for (; i <= ie; i++) {
                const int inband = i == ie ? 0 : m->band <= 0 ? 2 : m->bandm[(size_t)j0 * ww + i];
                if (!inband && span >= 0) {
                    if (y + 2 < m->h) /* the same span two rows down: cold frame memory */
                        prefetch_span(frame, y + 2, span, m->xs[i]);
                    guide_span(frame, y, span, m->xs[i], gy, gu, gv);
                    m->dsp.edge_px(o + span, gy + span, gu + span, gv + span, cx + span,
                                   CX_STRIDE(m->w), pp + span, m->pxband + span, m->xs[i] - span,
                                   &curve);
                    span = -1;
                }
                if (i == ie)
                    break;
                if (!inband)
                    continue;
                const int xa = m->xs[i], xb = m->xs[i + 1];
                const int i1 = CC_MIN(i + 1, ww - 1);
                const size_t k00 = (size_t)j0 * ww + i, k01 = (size_t)j0 * ww + i1;
                const size_t k10 = (size_t)j1 * ww + i, k11 = (size_t)j1 * ww + i1;
                for (int k = 0; k < 4; k++) {
                    const float *src = m->co4 + k;
                    const float l = src[k00 * 4] + (src[k10 * 4] - src[k00 * 4]) * wy; /* left column */
                    const float r = src[k01 * 4] + (src[k11 * 4] - src[k01 * 4]) * wy; /* right column */
                    const float c0 = l, d0 = r - l;
                    float *ck = cx + (size_t)k * CX_STRIDE(m->w);
                    if (xb - xa <= CELL_VEC) /* a fixed count vectorises; past xb: scratch */
                        for (int x = xa; x < xa + CELL_VEC; x++)
                            ck[x] = c0 + d0 * m->wx[x];
                    else
                        for (int x = xa; x < xb; x++)
                            ck[x] = c0 + d0 * m->wx[x];
                }
                /* 2: the filter moves the edge either way (a cell the steep contour crosses);
                 * 1: the band's rim, where it may only remove foreground */
                memset(m->pxband + xa, inband, (size_t)(xb - xa));
                if (span < 0)
                    span = xa;
            }
        }
    }
}
