#include "segeval.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

#include "y4m.h"
#include "../../tools/media/lookahead.h"

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

/* Scores and flicker of one frame's mask (already computed). */
static void score_mask(const uint8_t *mask, const uint8_t *yplane, int w, int h, const uint8_t *gt,
                       const uint8_t *ign, uint8_t *prev_mask, uint8_t *prev_y, uint8_t *still,
                       CcSegEval *out, double *fl, double *fl_all, int *fl_n)
{
    const int n = w * h;
    cc_seg_score_add(&out->score, mask, gt, ign, w, h, 2);
    if (out->frames > 0) {
        for (int i = 0; i < n; i++)
            still[i] = abs(yplane[i] - prev_y[i]) <= 3;
        *fl += cc_mask_mean_abs_diff(mask, prev_mask, still, n);
        *fl_all += cc_mask_mean_abs_diff(mask, prev_mask, NULL, n);
        (*fl_n)++;
    }
    memcpy(prev_mask, mask, n);
    memcpy(prev_y, yplane, n);
    out->frames++;
}

int cc_seg_eval_hd(const char *dir, const char *name, CcSegmenter *seg, int max_frames,
                   CcSegEval *out)
{
    return cc_seg_eval_hd_lookahead(dir, name, seg, max_frames, 0, out);
}

int cc_hd_clip_open(const char *dir, const char *name, CcY4m *y, FILE **alpha)
{
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -v error -i '%s/%s.mp4' -f yuv4mpegpipe "
             "-pix_fmt yuv420p -", dir, name);
    if (cc_y4m_open_cmd(y, cmd))
        return -1;
    snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -v error -i '%s/%s.alpha.mkv' -f rawvideo "
             "-pix_fmt gray -", dir, name);
    fflush(NULL);
    *alpha = popen(cmd, "r");
    if (!*alpha) {
        cc_y4m_close(y);
        return -1;
    }
    return 0;
}

int cc_seg_eval_hd_lookahead(const char *dir, const char *name, CcSegmenter *seg, int max_frames,
                             int radius, CcSegEval *out)
{
    memset(out, 0, sizeof(*out));
    CcY4m y;
    FILE *fa;
    if (cc_hd_clip_open(dir, name, &y, &fa))
        return -1;
    const int w = y.width, h = y.height, n = w * h;
    uint8_t *mask = malloc(n), *prev_mask = malloc(n), *prev_y = malloc(n), *still = malloc(n);
    uint8_t *gt = malloc(n), *ign = malloc(n), *alpha = malloc(n);
    double fl = 0, fl_all = 0;
    int fl_n = 0, r;
    /* look-ahead: every frame's mask, luma and alpha kept, scored after the median */
    uint8_t **la_m = NULL, **la_y = NULL, **la_a = NULL;
    int la_n = 0, la_cap = 0;
    while ((r = cc_y4m_read(&y)) == 1) {
        if (fread(alpha, 1, n, fa) != (size_t)n) {
            fprintf(stderr, "segeval: %s/%s.alpha.mkv is shorter than the video\n", dir, name);
            r = -1;
            break;
        }
        if (radius > 0) {
            if (la_n == la_cap) {
                la_cap = la_cap ? 2 * la_cap : 32;
                la_m = realloc(la_m, sizeof(*la_m) * la_cap);
                la_y = realloc(la_y, sizeof(*la_y) * la_cap);
                la_a = realloc(la_a, sizeof(*la_a) * la_cap);
            }
            la_m[la_n] = malloc(n), la_y[la_n] = malloc(n), la_a[la_n] = malloc(n);
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
            CcMask m = { w, h, la_m[la_n], w };
            if (cc_segmenter_process(seg, &f, &m) < 0) {
                r = -1;
                break;
            }
            CcSegmenterTimings t;
            cc_segmenter_timings(seg, &t);
            out->us_convert += t.convert_us;
            out->us_infer += t.infer_us;
            out->us_refine += t.refine_us;
            memcpy(la_y[la_n], y.planes[0], n);
            memcpy(la_a[la_n], alpha, n);
            la_n++;
            if (max_frames && la_n >= max_frames)
                break;
            continue;
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
    if (radius > 0 && r >= 0) {
        for (int t = 0; t < la_n; t++) {
            cc_lookahead_median((const uint8_t *const *)la_m, la_n, t, radius, (size_t)n, mask);
            cc_alpha_truth(la_a[t], w, h, 2, gt, ign);
            score_mask(mask, la_y[t], w, h, gt, ign, prev_mask, prev_y, still, out, &fl, &fl_all,
                       &fl_n);
        }
    }
    for (int t = 0; t < la_n; t++)
        free(la_m[t]), free(la_y[t]), free(la_a[t]);
    free(la_m), free(la_y), free(la_a);
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
