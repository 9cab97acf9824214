/*
 * Default (real-time) mode against raw mode on the CI slice of the HD development set
 * (data/build_hd.sh: franck keyed onto photographic wallpapers at 1280x720 and 1920x1080,
 * exact compositing alpha), for both models, summed per size:
 *  - region IoU (2 px ignore band) at least raw's;
 *  - boundary F (2 px) at least raw's, both models, both sizes (no known misses: the filter
 *    moves the edge only in a band around the model's steep 0.5 contour);
 *  - halo (mean mask 4-10 px outside the person) below 0.95 of raw's (measured 0.60-0.92);
 *  - false foreground more than 8 px outside the person no more than raw's (no slack: the
 *    steadying follows a falling p twice as fast as a rising one, so it does not lag there).
 */
#include <stdio.h>
#include <string.h>

#include "cleancast/video.h"
#include "segeval.h"
#include "testutil.h"

static void add(CcSegScore *a, const CcSegScore *b)
{
    a->inter += b->inter, a->uni += b->uni;
    a->bp_hit += b->bp_hit, a->bp_n += b->bp_n, a->br_hit += b->br_hit, a->br_n += b->br_n;
    a->halo_sum += b->halo_sum, a->halo_n += b->halo_n, a->bite_sum += b->bite_sum;
    a->bite_n += b->bite_n, a->far_fg += b->far_fg, a->far_n += b->far_n;
}

int main(void)
{
    static const char *const models[2] = { "models/selfie_segmentation.tflite",
                                           "models/selfie_segmentation_landscape.tflite" };
    char path[1024], dir[1024], name[256];
    cc_test_need(path, sizeof(path), "data/hd_ci/clips.txt");
    snprintf(dir, sizeof(dir), "%.*s", (int)(strlen(path) - strlen("/clips.txt")), path);
    cc_test_log_to_stderr();
    for (int mi = 0; mi < 2; mi++) {
        char model_path[1024];
        cc_test_need(model_path, sizeof(model_path), models[mi]);
        CcSegModel *model = NULL;
        CHECK(cc_seg_model_open_file(&model, model_path) == 0);
        if (!model)
            return 1;
        CcSegScore sum[2][2]; /* [size 720/1080][raw, default] */
        memset(sum, 0, sizeof(sum));
        int frames = 0;
        FILE *list = fopen(path, "r");
        CHECK(list != NULL);
        while (list && fscanf(list, "%255s", name) == 1) {
            int size = strstr(name, "_1080_") != NULL;
            for (int k = 0; k < 2; k++) {
                CcSegmenterSettings ss;
                cc_segmenter_default_settings(&ss);
                ss.raw = k == 0;
                CcSegmenter *seg = NULL;
                CcSegEval e;
                CHECK(cc_segmenter_open(&seg, model, &ss) == 0);
                CHECK_MSG(cc_seg_eval_hd(dir, name, seg, 0, &e) == 0, "clip %s", name);
                cc_segmenter_close(&seg);
                add(&sum[size][k], &e.score);
                frames += k == 0 ? e.frames : 0;
            }
        }
        if (list)
            fclose(list);
        CHECK_MSG(frames >= 40, "only %d frames in the slice", frames);
        for (int size = 0; size < 2; size++) {
            const CcSegScore *r = &sum[size][0], *d = &sum[size][1];
            double iou_r = cc_seg_score_iou(r), iou_d = cc_seg_score_iou(d);
            double bf_r = cc_seg_score_boundary_f(r), bf_d = cc_seg_score_boundary_f(d);
            double halo_r = cc_seg_score_halo(r), halo_d = cc_seg_score_halo(d);
            double ff_r = cc_seg_score_far_fg(r), ff_d = cc_seg_score_far_fg(d);
            printf("%s %s: IoU raw %.4f default %.4f | boundary F raw %.4f default %.4f | halo raw "
                   "%.4f default %.4f | far fg raw %.3f%% default %.3f%%\n", models[mi] + 7,
                   size ? "1920x1080" : "1280x720", iou_r, iou_d, bf_r, bf_d, halo_r, halo_d,
                   100 * ff_r, 100 * ff_d);
            CHECK_MSG(iou_r > 0.4, "raw IoU %.4f implausibly low: set or reader broken", iou_r);
            CHECK_MSG(iou_d >= iou_r, "IoU %.4f, want >= raw's %.4f", iou_d, iou_r);
            CHECK_MSG(bf_d >= bf_r, "boundary F %.4f, want >= raw's %.4f", bf_d, bf_r);
            CHECK(halo_d <= 0.95 * halo_r);
            CHECK_MSG(ff_d <= ff_r, "far false fg %.4f%%, want <= raw's %.4f%%", 100 * ff_d,
                      100 * ff_r);
        }
        cc_seg_model_close(&model);
    }
    return CC_TEST_RESULT();
}
