/*
 * Segmentation quality, raw (official) mode against product mode, one thread:
 *  - franck 0-80 s: IoU and boundary F-score (2 px tolerance) against chroma-key truth;
 *  - webcam clips: frame-to-frame flicker (mean |dm|/255 over still pixels, and all pixels);
 *  - no-person negatives: false foreground (share of pixels >= 128, and mean mask).
 *
 *   seg_quality MODEL.tflite FRANCK.y4m CLIP.y4m... -- NEG.ppm...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleancast/video.h"
#include "segeval.h"
#include "testutil.h"

static CcSegmenter *open_seg(const CcSegModel *model, int raw)
{
    CcSegmenterSettings ss;
    cc_segmenter_default_settings(&ss);
    ss.raw = raw;
    CcSegmenter *seg = NULL;
    return cc_segmenter_open(&seg, model, &ss) < 0 ? NULL : seg;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: seg_quality MODEL FRANCK.y4m [CLIP.y4m...] [-- NEG.ppm...]\n");
        return 2;
    }
    CcSegModel *model = NULL;
    if (cc_seg_model_open_file(&model, argv[1]) < 0)
        return 1;
    printf("model %s\n", argv[1]);
    CcSegEval e[2];
    for (int raw = 1; raw >= 0; raw--) {
        CcSegmenter *seg = open_seg(model, raw);
        if (!seg || cc_seg_eval_clip(argv[2], seg, 1, 0, 1, 2, &e[raw]))
            return 1;
        cc_segmenter_close(&seg);
    }
    printf("franck 0-80 s, %d frames at 5 fps:  IoU raw %.4f refined %.4f | boundary F raw %.4f "
           "refined %.4f\n", e[1].frames, cc_seg_score_iou(&e[1].score),
           cc_seg_score_iou(&e[0].score), cc_seg_score_boundary_f(&e[1].score),
           cc_seg_score_boundary_f(&e[0].score));
    printf("franck halo (mean mask 4-10 px outside the person) raw %.4f refined %.4f | bite "
           "(mean missing mask 4-10 px inside) raw %.4f refined %.4f\n",
           cc_seg_score_halo(&e[1].score), cc_seg_score_halo(&e[0].score),
           cc_seg_score_bite(&e[1].score), cc_seg_score_bite(&e[0].score));
    int i = 3;
    for (; i < argc && strcmp(argv[i], "--"); i++) {
        for (int raw = 1; raw >= 0; raw--) {
            CcSegmenter *seg = open_seg(model, raw);
            if (!seg || cc_seg_eval_clip(argv[i], seg, 1, 0, 0, 2, &e[raw]))
                return 1;
            cc_segmenter_close(&seg);
        }
        const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        printf("%-22s %4d frames: flicker still px raw %.5f refined %.5f (x%.2f) | all px raw "
               "%.5f refined %.5f (x%.2f)\n", name, e[1].frames, e[1].flicker, e[0].flicker,
               e[0].flicker / e[1].flicker, e[1].flicker_all, e[0].flicker_all,
               e[0].flicker_all / e[1].flicker_all);
    }
    double sum_fg[2] = { 0, 0 };
    int nneg = 0;
    for (i++; i < argc; i++) {
        uint8_t *rgb;
        int w, h, ch;
        if (cc_test_read_pnm(argv[i], &rgb, &w, &h, &ch) || ch != 3)
            continue;
        CcFrame f;
        memset(&f, 0, sizeof(f));
        f.format = CC_PIX_RGB24;
        f.width = w;
        f.height = h;
        f.data[0] = rgb;
        f.stride[0] = w * 3;
        uint8_t *m = malloc((size_t)w * h);
        double share[2], mean[2];
        for (int raw = 1; raw >= 0; raw--) {
            CcSegmenter *seg = open_seg(model, raw);
            CcMask mk = { w, h, m, w };
            if (!seg || cc_segmenter_process(seg, &f, &mk) < 0)
                return 1;
            cc_segmenter_close(&seg);
            long fg = 0, s = 0;
            for (int k = 0; k < w * h; k++) {
                fg += m[k] >= 128;
                s += m[k];
            }
            share[raw] = (double)fg / (w * h);
            mean[raw] = (double)s / (w * h) / 255.0;
            sum_fg[raw] += share[raw];
        }
        nneg++;
        const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        printf("negative %-28s false fg raw %5.1f%% refined %5.1f%% (mean mask %.3f / %.3f)\n",
               name, 100 * share[1], 100 * share[0], mean[1], mean[0]);
        free(m);
        free(rgb);
    }
    if (nneg)
        printf("negatives: mean false foreground raw %.1f%% refined %.1f%% over %d images\n",
               100 * sum_fg[1] / nneg, 100 * sum_fg[0] / nneg, nneg);
    cc_seg_model_close(&model);
    return 0;
}
