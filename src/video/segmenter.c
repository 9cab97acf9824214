/*
 * Segmenter: frame -> model tensor -> net -> matte -> mask.
 * The mask always comes from the frame passed in the same call (latency 0 frames).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleancast/video.h"
#include "common.h"
#include "matte.h"
#include "nn/nn.h"
#include "pixfmt.h"

struct CcSegModel {
    CcNnGraph *graph;
    int in_w, in_h;
};

struct CcSegmenter {
    const CcSegModel *model;
    CcSegmenterSettings settings;
    CcNnExec *exec;
    CcMatte *matte;
    int frame_w, frame_h;
    float *tensor; /* (in_h, in_w, 3) copy of the input, for the matte's motion test */
    /* best quality: probabilities of the passes (in_h, in_w) and the merged grid (gh, gw) */
    float *pass[2];
    float *grid;
    int gw, gh;
    uint8_t *band, *bandh; /* (gh, gw) contour band scratch */
    int *bandv;            /* (gw) vertical running counts */
    CcSegmenterTimings timings;
};

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

int cc_seg_model_open_buffer(CcSegModel **out, const uint8_t *buf, size_t size)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    if (!buf || !size) {
        cc_log(CC_LOG_ERROR, "segmentation model: empty buffer");
        return CC_ERR_MODEL;
    }
    CcSegModel *m = cc_calloc(1, sizeof(*m));
    if (!m)
        return CC_ERR(ENOMEM);
    int ret = cc_nn_graph_parse(&m->graph, buf, size);
    if (ret < 0) {
        free(m);
        return ret;
    }
    int ih, iw, ic, oh, ow, oc;
    cc_nn_graph_input_shape(m->graph, &ih, &iw, &ic);
    cc_nn_graph_output_shape(m->graph, &oh, &ow, &oc);
    if (ic != 3 || oc != 1 || oh != ih || ow != iw || ih < 8 || iw < 8 || ih > 1024 || iw > 1024) {
        cc_log(CC_LOG_ERROR,
               "segmentation model: input %dx%dx%d / output %dx%dx%d is not a person "
               "segmentation model (want HxWx3 in, HxWx1 out)", ih, iw, ic, oh, ow, oc);
        cc_nn_graph_free(&m->graph);
        free(m);
        return CC_ERR_MODEL;
    }
    m->in_w = iw;
    m->in_h = ih;
    *out = m;
    return 0;
}

int cc_seg_model_open_file(CcSegModel **out, const char *path)
{
    if (!out || !path)
        return CC_ERR(EINVAL);
    *out = NULL;
    uint8_t *buf;
    size_t size;
    int ret = cc_read_file(path, &buf, &size);
    if (ret < 0)
        return ret;
    ret = cc_seg_model_open_buffer(out, buf, size);
    if (ret < 0)
        cc_log(CC_LOG_ERROR, "cannot load segmentation model '%s'", path);
    free(buf);
    return ret;
}

void cc_seg_model_input_size(const CcSegModel *m, int *width, int *height)
{
    *width = m ? m->in_w : 0;
    *height = m ? m->in_h : 0;
}

void cc_seg_model_close(CcSegModel **m)
{
    if (!m || !*m)
        return;
    cc_nn_graph_free(&(*m)->graph);
    free(*m);
    *m = NULL;
}

void cc_segmenter_default_settings(CcSegmenterSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->threads = 1;
    s->backend = CC_BACKEND_AUTO;
    s->raw = 0;
    s->smoothing = 0.5f;
    s->edge_radius = 0.0f;
}

int cc_segmenter_open(CcSegmenter **out, const CcSegModel *model, const CcSegmenterSettings *s)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    if (!model) {
        cc_log(CC_LOG_ERROR, "segmenter: model is NULL");
        return CC_ERR(EINVAL);
    }
    CcSegmenterSettings def;
    if (!s) {
        cc_segmenter_default_settings(&def);
        s = &def;
    }
    if ((unsigned)s->quality > CC_QUALITY_BEST) {
        cc_log(CC_LOG_ERROR, "segmenter: bad quality %d", s->quality);
        return CC_ERR(EINVAL);
    }
    if (s->threads < 1 || s->threads > 64 || !(s->smoothing >= 0.0f && s->smoothing <= 1.0f) ||
        !(s->edge_radius >= 0.0f && s->edge_radius <= 1000.0f) ||
        (unsigned)s->backend > CC_BACKEND_PORTABLE) {
        cc_log(CC_LOG_ERROR, "segmenter: bad settings (threads %d, smoothing %g, edge_radius %g, "
               "backend %d)", s->threads, s->smoothing, s->edge_radius, (int)s->backend);
        return CC_ERR(EINVAL);
    }
    CcSegmenter *seg = cc_calloc(1, sizeof(*seg));
    if (!seg)
        return CC_ERR(ENOMEM);
    seg->model = model;
    seg->settings = *s;
    int ret = cc_nn_exec_open(&seg->exec, model->graph, s->backend, s->threads);
    if (ret < 0) {
        free(seg);
        return ret;
    }
    const size_t mn = (size_t)model->in_w * model->in_h;
    seg->tensor = cc_alloc_aligned(mn * 3 * sizeof(float));
    seg->pass[0] = cc_alloc_aligned(mn * sizeof(float));
    seg->pass[1] = cc_alloc_aligned(mn * sizeof(float));
    if (!seg->tensor || !seg->pass[0] || !seg->pass[1]) {
        cc_segmenter_close(&seg);
        return CC_ERR(ENOMEM);
    }
    *out = seg;
    return 0;
}

/* ---------------------------------------------------------------- best quality */

/*
 * Sure regions binary: grid points further than B grid points (square window) from the merged
 * 0.5 contour become 0 or 1, so the soft colour matte works only in a band around the edge.
 * Without it the matte's gentle curve showed every faint probability of the background as a
 * grey haze, and its filter grew regions where the net was unsure (HD set, landscape model:
 * boundary F 0.520 -> 0.536 at 720p; boundary F up in 21 of the 24 cells, IoU within 0.004
 * except the landscape model's sunset cell at 720p, 0.650 -> 0.639). Islands of p >= 0.5 have their own contour, hence their own band.
 */
static void snap_outside_band(CcSegmenter *seg, int B)
{
    const int w = seg->gw, h = seg->gh;
    float *g = seg->grid;
    uint8_t *c = seg->band, *hb = seg->bandh;
    int *cnt = seg->bandv;
    memset(c, 0, (size_t)w * h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const size_t i = (size_t)y * w + x;
            const int s = g[i] >= 0.5f;
            if (x + 1 < w && s != (g[i + 1] >= 0.5f))
                c[i] = c[i + 1] = 1;
            if (y + 1 < h && s != (g[i + w] >= 0.5f))
                c[i] = c[i + w] = 1;
        }
    for (int y = 0; y < h; y++) {
        const uint8_t *cr = c + (size_t)y * w;
        uint8_t *o = hb + (size_t)y * w;
        int run = 0;
        for (int x = 0; x < B && x < w; x++)
            run += cr[x];
        for (int x = 0; x < w; x++) {
            if (x + B < w)
                run += cr[x + B];
            if (x - B - 1 >= 0)
                run -= cr[x - B - 1];
            o[x] = run > 0;
        }
    }
    memset(cnt, 0, (size_t)w * sizeof(int));
    for (int y = 0; y < B && y < h; y++)
        for (int x = 0; x < w; x++)
            cnt[x] += hb[(size_t)y * w + x];
    for (int y = 0; y < h; y++) {
        if (y + B < h)
            for (int x = 0; x < w; x++)
                cnt[x] += hb[(size_t)(y + B) * w + x];
        if (y - B - 1 >= 0)
            for (int x = 0; x < w; x++)
                cnt[x] -= hb[(size_t)(y - B - 1) * w + x];
        float *gr = g + (size_t)y * w;
        for (int x = 0; x < w; x++)
            if (!cnt[x])
                gr[x] = gr[x] >= 0.5f ? 1.0f : 0.0f;
    }
}

/* One inference on the frame (or a crop view of it) stretched to the model size; with mirror
 * the input is flipped left-right and the output flipped back. out (in_h, in_w). */
static int run_pass(CcSegmenter *seg, const CcFrame *view, int mirror, float *out)
{
    const int mw = seg->model->in_w, mh = seg->model->in_h;
    float *in = cc_nn_exec_input(seg->exec);
    cc_frame_to_tensor(view, in, mw, mh);
    if (mirror)
        for (int y = 0; y < mh; y++)
            for (int x = 0; x < mw / 2; x++)
                for (int c = 0; c < 3; c++) {
                    float *a = in + ((size_t)y * mw + x) * 3 + c;
                    float *b = in + ((size_t)y * mw + mw - 1 - x) * 3 + c;
                    float t = *a;
                    *a = *b;
                    *b = t;
                }
    int ret = cc_nn_exec_run(seg->exec);
    if (ret < 0)
        return ret;
    const float *p = cc_nn_exec_output(seg->exec);
    for (int y = 0; y < mh; y++)
        for (int x = 0; x < mw; x++)
            out[(size_t)y * mw + x] = p[(size_t)y * mw + (mirror ? mw - 1 - x : x)];
    return 0;
}

/*
 * Plain and mirrored pass, merged by their geometric mean: the net's errors are not
 * mirror-symmetric, and on these scenes most of them are false person (textured walls, water,
 * a sunset). The plain mean left p ~ 0.3-0.45 wherever one pass fired, which the soft matte
 * showed as haze and its filter grew into blobs (grey wall, 720p: IoU 0.956 realtime, 0.892
 * best); the geometric mean keeps what both passes agree on (equal passes: unchanged) and
 * drops a region one of them calls background (HD set, 720p IoU general 0.919 -> 0.932,
 * landscape 0.756 -> 0.833; boundary F 0.634 -> 0.674, 0.336 -> 0.520). The minimum did a
 * little better on pooled IoU but lost thin parts one pass misses (boundary F in 3 more cells).
 */
static int run_pair(CcSegmenter *seg, const CcFrame *view, float *out, float *tmp)
{
    const size_t n = (size_t)seg->model->in_w * seg->model->in_h;
    int ret = run_pass(seg, view, 0, out);
    if (ret >= 0)
        ret = run_pass(seg, view, 1, tmp);
    for (size_t i = 0; ret >= 0 && i < n; i++)
        out[i] = sqrtf(CC_MAX(out[i], 0.0f) * CC_MAX(tmp[i], 0.0f));
    return ret;
}

/* Bilinear sample of a (h, w) grid at continuous grid coordinates (clamped). */
static float sample(const float *g, int w, int h, float u, float v)
{
    u = CC_CLAMP(u, 0.0f, (float)(w - 1));
    v = CC_CLAMP(v, 0.0f, (float)(h - 1));
    int x0 = (int)u, y0 = (int)v, x1 = CC_MIN(x0 + 1, w - 1), y1 = CC_MIN(y0 + 1, h - 1);
    float fx = u - x0, fy = v - y0;
    float t = g[y0 * w + x0] + (g[y0 * w + x1] - g[y0 * w + x0]) * fx;
    float b = g[y1 * w + x0] + (g[y1 * w + x1] - g[y1 * w + x0]) * fx;
    return t + (b - t) * fy;
}

/* A view of the frame's pixels [x0, x0 + cw) x [y0, y0 + ch) (x0, y0 even). */
static CcFrame crop_view(const CcFrame *f, int x0, int y0, int cw, int ch)
{
    CcFrame v = *f;
    v.width = cw;
    v.height = ch;
    switch (f->format) {
    case CC_PIX_I420:
        v.data[1] += (size_t)(y0 / 2) * f->stride[1] + x0 / 2;
        v.data[2] += (size_t)(y0 / 2) * f->stride[2] + x0 / 2;
        v.data[0] += (size_t)y0 * f->stride[0] + x0;
        break;
    case CC_PIX_NV12:
        v.data[1] += (size_t)(y0 / 2) * f->stride[1] + x0;
        v.data[0] += (size_t)y0 * f->stride[0] + x0;
        break;
    case CC_PIX_YUYV:
        v.data[0] += (size_t)y0 * f->stride[0] + (size_t)x0 * 2;
        break;
    default:
        v.data[0] += (size_t)y0 * f->stride[0] + (size_t)x0 * (f->format == CC_PIX_RGB24 ? 3 : 4);
        break;
    }
    return v;
}

/*
 * Best quality: (1) plain + mirrored pass on the whole frame; (2) the person's box (p > 0.5),
 * padded by a quarter of its size, grown to the frame's aspect (the net saw whole frames
 * stretched to its input), even-aligned; when it covers less than 60 % of the frame, plain +
 * mirrored passes on that crop at the model's resolution; (3) merged on the grid (gh, gw): the
 * crop's probability inside the crop, feathered over 6 % of its size towards the whole-frame
 * one (only on crop sides that are not the frame's border).
 */
static int best_probability(CcSegmenter *seg, const CcFrame *frame)
{
    const int mw = seg->model->in_w, mh = seg->model->in_h, W = frame->width, H = frame->height;
    float *p1 = seg->grid + (size_t)seg->gw * seg->gh; /* (mh, mw) after the grid */
    int ret = run_pair(seg, frame, p1, seg->pass[1]);
    if (ret < 0)
        return ret;
    int bx0 = mw, by0 = mh, bx1 = -1, by1 = -1;
    for (int y = 0; y < mh; y++)
        for (int x = 0; x < mw; x++)
            if (p1[(size_t)y * mw + x] > 0.5f) {
                bx0 = CC_MIN(bx0, x), bx1 = CC_MAX(bx1, x);
                by0 = CC_MIN(by0, y), by1 = CC_MAX(by1, y);
            }
    int zoom = 0, cx0 = 0, cy0 = 0, cw = W, ch = H;
    if (bx1 >= 0) {
        float fx0 = (float)bx0 * W / mw, fx1 = (float)(bx1 + 1) * W / mw;
        float fy0 = (float)by0 * H / mh, fy1 = (float)(by1 + 1) * H / mh;
        float pw = 0.25f * (fx1 - fx0) + (float)W / mw, ph = 0.25f * (fy1 - fy0) + (float)H / mh;
        fx0 -= pw, fx1 += pw, fy0 -= ph, fy1 += ph;
        float bw = fx1 - fx0, bh = fy1 - fy0, aspect = (float)W / H;
        if (bw < bh * aspect)
            bw = bh * aspect;
        else
            bh = bw / aspect;
        bw = CC_MIN(bw, (float)W), bh = CC_MIN(bh, (float)H);
        float cx = 0.5f * (fx0 + fx1), cy = 0.5f * (fy0 + fy1);
        cw = ((int)bw + 1) & ~1, ch = ((int)bh + 1) & ~1;
        cw = CC_MIN(cw, W & ~1), ch = CC_MIN(ch, H & ~1);
        cx0 = CC_CLAMP((int)(cx - 0.5f * cw), 0, W - cw) & ~1;
        cy0 = CC_CLAMP((int)(cy - 0.5f * ch), 0, H - ch) & ~1;
        zoom = cw >= 16 && ch >= 16 && (double)cw * ch < 0.6 * W * H;
    }
    float *p2 = seg->pass[0];
    if (zoom) {
        CcFrame v = crop_view(frame, cx0, cy0, cw, ch);
        ret = run_pair(seg, &v, p2, seg->pass[1]);
        if (ret < 0)
            return ret;
    }
    const int gw = seg->gw, gh = seg->gh;
    const float feather = 0.06f * CC_MAX(cw, ch);
    const int open_l = cx0 > 0, open_r = cx0 + cw < W, open_t = cy0 > 0, open_b = cy0 + ch < H;
    for (int gy = 0; gy < gh; gy++) {
        const float fy = (gy + 0.5f) * H / gh - 0.5f;
        for (int gx = 0; gx < gw; gx++) {
            const float fx = (gx + 0.5f) * W / gw - 0.5f;
            float v = sample(p1, mw, mh, (fx + 0.5f) * mw / W - 0.5f, (fy + 0.5f) * mh / H - 0.5f);
            if (zoom && fx >= cx0 && fx < cx0 + cw && fy >= cy0 && fy < cy0 + ch) {
                float d = 1e9f;
                if (open_l) d = CC_MIN(d, fx - cx0);
                if (open_r) d = CC_MIN(d, cx0 + cw - 1 - fx);
                if (open_t) d = CC_MIN(d, fy - cy0);
                if (open_b) d = CC_MIN(d, cy0 + ch - 1 - fy);
                float wgt = CC_CLAMP(d / feather, 0.0f, 1.0f);
                float z = sample(p2, mw, mh, (fx - cx0 + 0.5f) * mw / cw - 0.5f,
                                 (fy - cy0 + 0.5f) * mh / ch - 0.5f);
                v += wgt * (z - v);
            }
            seg->grid[(size_t)gy * gw + gx] = v;
        }
    }
    /* band: 1 % of the grid's diagonal each side (7 grid points, 14 px at 720p; 11, 22 px at
     * 1080p; realtime's band is about 1.5 working cells, 6-9 px) */
    snap_outside_band(seg, CC_MAX(1, (int)lrintf(0.01f * sqrtf((float)gw * gw + (float)gh * gh))));
    return 0;
}

int cc_segmenter_process(CcSegmenter *seg, const CcFrame *frame, CcMask *mask)
{
    if (!seg || !mask) {
        cc_log(CC_LOG_ERROR, "segmenter: %s is NULL", seg ? "mask" : "segmenter");
        return CC_ERR(EINVAL);
    }
    int ret = cc_frame_validate(frame, "segmenter");
    if (ret < 0)
        return ret;
    if (!mask->data || mask->width != frame->width || mask->height != frame->height ||
        mask->stride < mask->width) {
        cc_log(CC_LOG_ERROR, "segmenter: mask %dx%d (stride %d) does not fit frame %dx%d",
               mask->width, mask->height, mask->stride, frame->width, frame->height);
        return CC_ERR(EINVAL);
    }
    const CcSegModel *m = seg->model;
    if (!seg->matte || frame->width != seg->frame_w || frame->height != seg->frame_h) {
        cc_matte_close(&seg->matte);
        cc_free_aligned(seg->grid);
        cc_free_aligned(seg->band);
        cc_free_aligned(seg->bandh);
        cc_free_aligned(seg->bandv);
        seg->grid = NULL;
        seg->band = seg->bandh = NULL;
        seg->bandv = NULL;
        const int best = seg->settings.quality == CC_QUALITY_BEST && !seg->settings.raw;
        if (best) {
            /* merged grid: half the frame size, at least the model's, at most 1024 */
            seg->gw = CC_MIN(1024, CC_MAX(m->in_w, (frame->width + 1) / 2));
            seg->gh = CC_MIN(1024, CC_MAX(m->in_h, (frame->height + 1) / 2));
            seg->grid = cc_alloc_aligned(((size_t)seg->gw * seg->gh + (size_t)m->in_w * m->in_h) *
                                         sizeof(float));
            seg->band = cc_alloc_aligned((size_t)seg->gw * seg->gh);
            seg->bandh = cc_alloc_aligned((size_t)seg->gw * seg->gh);
            seg->bandv = cc_alloc_aligned((size_t)seg->gw * sizeof(int));
            if (!seg->grid || !seg->band || !seg->bandh || !seg->bandv)
                return CC_ERR(ENOMEM);
        }
        ret = cc_matte_open(&seg->matte, best ? seg->gw : m->in_w, best ? seg->gh : m->in_h,
                            frame->width, frame->height, best ? 0.0f : seg->settings.smoothing,
                            seg->settings.edge_radius, best);
        if (ret < 0)
            return ret;
        seg->frame_w = frame->width;
        seg->frame_h = frame->height;
    }

    double t0 = now_us();
    if (seg->grid) {
        ret = best_probability(seg, frame);
        if (ret < 0)
            return ret;
        double t2 = now_us();
        cc_matte_refine(seg->matte, seg->grid, NULL, frame, mask);
        seg->timings.convert_us = 0;
        seg->timings.infer_us = t2 - t0;
        seg->timings.refine_us = now_us() - t2;
        return 0;
    }
    float *in = cc_nn_exec_input(seg->exec);
    cc_frame_to_tensor(frame, in, m->in_w, m->in_h);
    double t1 = now_us();
    ret = cc_nn_exec_run(seg->exec);
    if (ret < 0)
        return ret;
    double t2 = now_us();
    const float *prob = cc_nn_exec_output(seg->exec);
    if (seg->settings.raw) {
        cc_matte_raw(seg->matte, prob, mask);
    } else {
        /* The executor may reuse its input buffer; keep this frame's tensor. */
        memcpy(seg->tensor, in, (size_t)m->in_w * m->in_h * 3 * sizeof(float));
        cc_matte_refine(seg->matte, prob, seg->tensor, frame, mask);
    }
    double t3 = now_us();
    seg->timings.convert_us = t1 - t0;
    seg->timings.infer_us = t2 - t1;
    seg->timings.refine_us = t3 - t2;
    return 0;
}

void cc_segmenter_reset(CcSegmenter *seg)
{
    if (seg && seg->matte)
        cc_matte_reset(seg->matte);
}

int cc_segmenter_latency_frames(const CcSegmenter *seg)
{
    (void)seg;
    return 0;
}

void cc_segmenter_timings(const CcSegmenter *seg, CcSegmenterTimings *t)
{
    if (seg && t)
        *t = seg->timings;
}

void cc_segmenter_close(CcSegmenter **pseg)
{
    if (!pseg || !*pseg)
        return;
    CcSegmenter *seg = *pseg;
    cc_nn_exec_close(&seg->exec);
    cc_matte_close(&seg->matte);
    cc_free_aligned(seg->tensor);
    cc_free_aligned(seg->pass[0]);
    cc_free_aligned(seg->pass[1]);
    cc_free_aligned(seg->grid);
    cc_free_aligned(seg->band);
    cc_free_aligned(seg->bandh);
    cc_free_aligned(seg->bandv);
    free(seg);
    *pseg = NULL;
}
