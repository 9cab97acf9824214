/*
 * Temporal steadying must not lag motion, and cc_segmenter_latency_frames() must say the lag
 * there is: a real portrait slides 6 px per frame across the frame; the refined mask of each
 * frame is matched against the raw masks of that frame and the two before it. The best match
 * is the measured lag: it must be what latency_frames() reports, on every frame, and the
 * match close (IoU > 0.95).
 */
#include <stdlib.h>
#include <string.h>

#include "cleancast/video.h"
#include "segmetrics.h"
#include "testutil.h"

int main(void)
{
    char model_path[1024], img_path[1024];
    cc_test_need(model_path, sizeof(model_path), "models/selfie_segmentation.tflite");
    cc_test_need(img_path, sizeof(img_path), "data/images/grace_hopper.ppm");
    cc_test_log_to_stderr();
    uint8_t *rgb;
    int iw, ih, ch;
    CHECK(cc_test_read_pnm(img_path, &rgb, &iw, &ih, &ch) == 0 && ch == 3);
    CcSegModel *model = NULL;
    CHECK(cc_seg_model_open_file(&model, model_path) == 0);
    CcSegmenterSettings ss;
    cc_segmenter_default_settings(&ss);
    ss.smoothing = 1.0f; /* the strongest steadying must still not lag */
    CcSegmenter *ref = NULL, *raw = NULL;
    CHECK(cc_segmenter_open(&ref, model, &ss) == 0);
    ss.raw = 1;
    CHECK(cc_segmenter_open(&raw, model, &ss) == 0);
    if (!ref || !raw)
        return 1;

    /* 360x400 window sliding right over the portrait padded with its edge column. */
    const int w = 360, h = 400, step = 6, frames = 20, n = w * h;
    enum { HIST = 3 };  /* raw masks of this frame and the two before */
    uint8_t *frame = malloc((size_t)n * 3), *m_ref = malloc(n), *hist[HIST];
    for (int k = 0; k < HIST; k++)
        hist[k] = malloc(n);
    int said = cc_segmenter_latency_frames(ref), said_raw = cc_segmenter_latency_frames(raw);
    CHECK_MSG(said >= 0 && said < HIST && said_raw >= 0 && said_raw < HIST,
              "latency_frames %d (raw %d): outside what this test can measure", said, said_raw);
    for (int t = 0; t < frames; t++) {
        int x0 = t * step - 60;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int sx = CC_TEST_CLAMP(x + x0, 0, iw - 1), sy = CC_TEST_CLAMP(y + 100, 0, ih - 1);
                memcpy(frame + ((size_t)y * w + x) * 3, rgb + ((size_t)sy * iw + sx) * 3, 3);
            }
        CcFrame f = { .format = CC_PIX_RGB24, .width = w, .height = h,
                      .data = { frame }, .stride = { w * 3 } };
        /* hist[k] = raw mask of frame t - k (the raw segmenter itself has no delay: the raw
           mode is checked against the official masks frame by frame in tests/ref). */
        uint8_t *oldest = hist[HIST - 1];
        memmove(hist + 1, hist, sizeof(hist[0]) * (HIST - 1));
        hist[0] = oldest;
        CcMask mr = { w, h, m_ref, w }, mw = { w, h, hist[0], w };
        CHECK(cc_segmenter_process(ref, &f, &mr) == 0);
        CHECK(cc_segmenter_process(raw, &f, &mw) == 0);
        if (t >= HIST - 1) {
            double iou[HIST];
            int lag = 0;
            for (int k = 0; k < HIST; k++) {
                iou[k] = cc_mask_iou(m_ref, hist[k], n);
                if (iou[k] > iou[lag])
                    lag = k;
            }
            CHECK_MSG(lag == said && iou[lag] > 0.95, "frame %d: refined mask best matches the "
                      "raw mask %d frame(s) back (IoU %.4f; 0: %.4f, 1: %.4f), latency_frames() "
                      "says %d", t, lag, iou[lag], iou[0], iou[1], said);
        }
    }
    free(frame);
    free(m_ref);
    for (int k = 0; k < HIST; k++)
        free(hist[k]);
    free(rgb);
    cc_segmenter_close(&ref);
    cc_segmenter_close(&raw);
    cc_seg_model_close(&model);
    return CC_TEST_RESULT();
}
