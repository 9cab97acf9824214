/*
 * Product mode against raw mode on real clips:
 *  - franck 0-80 s (blue screen, chroma-key truth with a 4 px ignore band): refined IoU and
 *    boundary F-score at least raw's;
 *  - webcam clips cap12/cap13: frame-to-frame flicker over still pixels clearly lower than raw
 *    (at most 70 % of it);
 *  - halo: the refined mask leaves no more old background just outside the person than raw.
 */
#include <stdio.h>

#include "cleancast/video.h"
#include "segeval.h"
#include "testutil.h"

static int eval(const CcSegModel *model, int raw, const char *clip, int step, int max, int truth,
                CcSegEval *e)
{
    CcSegmenterSettings ss;
    cc_segmenter_default_settings(&ss);
    ss.raw = raw;
    CcSegmenter *seg = NULL;
    if (cc_segmenter_open(&seg, model, &ss) < 0)
        return -1;
    int r = cc_seg_eval_clip(clip, seg, step, max, truth, 2, e);
    cc_segmenter_close(&seg);
    return r;
}

int main(void)
{
    char model_path[1024], franck[1024], cap12[1024], cap13[1024];
    cc_test_need(model_path, sizeof(model_path), "models/selfie_segmentation.tflite");
    cc_test_need(franck, sizeof(franck), "data/video/franck_0-80s.y4m");
    cc_test_need(cap12, sizeof(cap12), "data/video/cap12_20s.y4m");
    cc_test_need(cap13, sizeof(cap13), "data/video/cap13_20s.y4m");
    cc_test_log_to_stderr();
    CcSegModel *model = NULL;
    CHECK(cc_seg_model_open_file(&model, model_path) == 0);
    if (!model)
        return 1;

    CcSegEval raw, ref;
    /* franck at 5 fps: every 2nd frame, 80 frames spread over the 80 s. */
    CHECK(eval(model, 1, franck, 5, 80, 1, &raw) == 0);
    CHECK(eval(model, 0, franck, 5, 80, 1, &ref) == 0);
    double iou_raw = cc_seg_score_iou(&raw.score), iou_ref = cc_seg_score_iou(&ref.score);
    double bf_raw = cc_seg_score_boundary_f(&raw.score), bf_ref = cc_seg_score_boundary_f(&ref.score);
    printf("franck %d frames: IoU raw %.5f refined %.5f; boundary F raw %.4f refined %.4f\n",
           raw.frames, iou_raw, iou_ref, bf_raw, bf_ref);
    double halo_raw = cc_seg_score_halo(&raw.score), halo_ref = cc_seg_score_halo(&ref.score);
    printf("franck halo (mean mask 4-10 px outside): raw %.4f refined %.4f; bite (4-10 px "
           "inside): raw %.4f refined %.4f\n", halo_raw, halo_ref, cc_seg_score_bite(&raw.score),
           cc_seg_score_bite(&ref.score));
    CHECK(raw.frames == 80 && ref.frames == 80);
    CHECK(halo_ref <= halo_raw);
    CHECK_MSG(iou_raw > 0.85, "raw IoU %.4f is implausibly low: truth or reader broken", iou_raw);
    CHECK(iou_ref >= iou_raw);
    CHECK(bf_ref >= bf_raw);

    const char *clips[2] = { cap12, cap13 };
    for (int i = 0; i < 2; i++) {
        CHECK(eval(model, 1, clips[i], 1, 125, 0, &raw) == 0);
        CHECK(eval(model, 0, clips[i], 1, 125, 0, &ref) == 0);
        printf("%s %d frames: flicker (still pixels) raw %.5f refined %.5f (ratio %.3f); "
               "all pixels raw %.5f refined %.5f\n", clips[i], raw.frames, raw.flicker,
               ref.flicker, ref.flicker / raw.flicker, raw.flicker_all, ref.flicker_all);
        CHECK(raw.frames == 125);
        CHECK(raw.flicker > 0);
        CHECK(ref.flicker <= 0.7 * raw.flicker);
    }
    cc_seg_model_close(&model);
    return CC_TEST_RESULT();
}
