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
    seg->tensor = cc_alloc_aligned((size_t)model->in_w * model->in_h * 3 * sizeof(float));
    if (!seg->tensor) {
        cc_segmenter_close(&seg);
        return CC_ERR(ENOMEM);
    }
    *out = seg;
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
        ret = cc_matte_open(&seg->matte, m->in_w, m->in_h, frame->width, frame->height,
                            seg->settings.smoothing, seg->settings.edge_radius);
        if (ret < 0)
            return ret;
        seg->frame_w = frame->width;
        seg->frame_h = frame->height;
    }

    double t0 = now_us();
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
    free(seg);
    *pseg = NULL;
}
