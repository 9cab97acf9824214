#include "segeval.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

#include "y4m.h"

/* Scores and flicker of one processed frame. */
static int eval_frame(CcSegmenter *seg, const CcY4m *y, const uint8_t *gt, const uint8_t *ign,
                      int tol_px, uint8_t *mask, uint8_t *prev_mask, uint8_t *prev_y,
                      uint8_t *still, CcSegEval *out, double *fl, double *fl_all, int *fl_n)
{
    const int w = y->width, h = y->height, n = w * h;
    CcFrame f;
    memset(&f, 0, sizeof(f));
    f.format = CC_PIX_I420;
    f.width = w;
    f.height = h;
    f.matrix = CC_MATRIX_BT601;
    for (int i = 0; i < 3; i++) {
        f.data[i] = y->planes[i];
        f.stride[i] = i ? (w + 1) / 2 : w;
    }
    CcMask m = { w, h, mask, w };
    if (cc_segmenter_process(seg, &f, &m) < 0)
        return -1;
    CcSegmenterTimings t;
    cc_segmenter_timings(seg, &t);
    out->us_convert += t.convert_us;
    out->us_infer += t.infer_us;
    out->us_refine += t.refine_us;
    if (gt)
        cc_seg_score_add(&out->score, mask, gt, ign, w, h, tol_px);
    if (out->frames > 0) {
        for (int i = 0; i < n; i++)
            still[i] = abs(y->planes[0][i] - prev_y[i]) <= 3;
        *fl += cc_mask_mean_abs_diff(mask, prev_mask, still, n);
        *fl_all += cc_mask_mean_abs_diff(mask, prev_mask, NULL, n);
        (*fl_n)++;
    }
    memcpy(prev_mask, mask, n);
    memcpy(prev_y, y->planes[0], n);
    out->frames++;
    return 0;
}

int cc_seg_eval_hd(const char *dir, const char *name, CcSegmenter *seg, int max_frames,
                   CcSegEval *out)
{
    memset(out, 0, sizeof(*out));
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -v error -i '%s/%s.mp4' -f yuv4mpegpipe "
             "-pix_fmt yuv420p -", dir, name);
    CcY4m y;
    if (cc_y4m_open_cmd(&y, cmd))
        return -1;
    snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -v error -i '%s/%s.alpha.mkv' -f rawvideo "
             "-pix_fmt gray -", dir, name);
    fflush(NULL);
    FILE *fa = popen(cmd, "r");
    if (!fa) {
        cc_y4m_close(&y);
        return -1;
    }
    const int w = y.width, h = y.height, n = w * h;
    uint8_t *mask = malloc(n), *prev_mask = malloc(n), *prev_y = malloc(n), *still = malloc(n);
    uint8_t *gt = malloc(n), *ign = malloc(n), *alpha = malloc(n);
    double fl = 0, fl_all = 0;
    int fl_n = 0, r;
    while ((r = cc_y4m_read(&y)) == 1) {
        if (fread(alpha, 1, n, fa) != (size_t)n) {
            fprintf(stderr, "segeval: %s/%s.alpha.mkv is shorter than the video\n", dir, name);
            r = -1;
            break;
        }
        cc_alpha_truth(alpha, w, h, 2, gt, ign);
        if (eval_frame(seg, &y, gt, ign, 2, mask, prev_mask, prev_y, still, out, &fl, &fl_all,
                       &fl_n) < 0) {
            r = -1;
            break;
        }
        if (max_frames && out->frames >= max_frames)
            break;
    }
    out->flicker = fl_n ? fl / fl_n : 0;
    out->flicker_all = fl_n ? fl_all / fl_n : 0;
    {
        char buf[4096];
        while (fread(buf, 1, sizeof(buf), fa) > 0)
            ;
    }
    int st = pclose(fa);
    free(mask);
    free(prev_mask);
    free(prev_y);
    free(still);
    free(gt);
    free(ign);
    free(alpha);
    cc_y4m_close(&y);
    if (r < 0 || st != 0 || out->frames == 0) {
        fprintf(stderr, "segeval: cannot read %s/%s (video or alpha)\n", dir, name);
        return -1;
    }
    return 0;
}

int cc_seg_eval_clip(const char *y4m_path, CcSegmenter *seg, int step, int max_frames,
                     int truth, int tol_px, CcSegEval *out)
{
    memset(out, 0, sizeof(*out));
    CcY4m y;
    if (cc_y4m_open(&y, y4m_path))
        return -1;
    const int w = y.width, h = y.height, n = w * h;
    uint8_t *mask = malloc(n), *prev_mask = malloc(n), *prev_y = malloc(n), *still = malloc(n);
    uint8_t *gt = malloc(n), *ign = malloc(n);
    double fl = 0, fl_all = 0;
    int fl_n = 0, idx = 0, r;
    while ((r = cc_y4m_read(&y)) == 1) {
        if (idx++ % step)
            continue;
        CcFrame f;
        memset(&f, 0, sizeof(f));
        f.format = CC_PIX_I420;
        f.width = w;
        f.height = h;
        f.matrix = CC_MATRIX_BT601;
        for (int i = 0; i < 3; i++) {
            f.data[i] = y.planes[i];
            f.stride[i] = i ? (w + 1) / 2 : w;
        }
        CcMask m = { w, h, mask, w };
        if (cc_segmenter_process(seg, &f, &m) < 0) {
            r = -1;
            break;
        }
        CcSegmenterTimings t;
        cc_segmenter_timings(seg, &t);
        out->us_convert += t.convert_us;
        out->us_infer += t.infer_us;
        out->us_refine += t.refine_us;
        if (truth) {
            cc_chroma_key_truth(y.planes[0], y.planes[1], y.planes[2], w, h, 4, gt, ign);
            cc_seg_score_add(&out->score, mask, gt, ign, w, h, tol_px);
        }
        if (out->frames > 0) {
            for (int i = 0; i < n; i++)
                still[i] = abs(y.planes[0][i] - prev_y[i]) <= 3;
            fl += cc_mask_mean_abs_diff(mask, prev_mask, still, n);
            fl_all += cc_mask_mean_abs_diff(mask, prev_mask, NULL, n);
            fl_n++;
        }
        memcpy(prev_mask, mask, n);
        memcpy(prev_y, y.planes[0], n);
        out->frames++;
        if (max_frames && out->frames >= max_frames)
            break;
    }
    out->flicker = fl_n ? fl / fl_n : 0;
    out->flicker_all = fl_n ? fl_all / fl_n : 0;
    free(mask);
    free(prev_mask);
    free(prev_y);
    free(still);
    free(gt);
    free(ign);
    cc_y4m_close(&y);
    return r < 0 ? -1 : 0;
}
