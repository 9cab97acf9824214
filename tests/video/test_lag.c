/*
 * Temporal steadying must not lag motion: a real portrait slides 6 px per frame across the
 * frame; each refined mask must agree with the raw mask of the same frame better than with
 * the raw mask of the frame before, and closely (IoU > 0.95).
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
    uint8_t *frame = malloc((size_t)n * 3), *m_ref = malloc(n), *m_raw = malloc(n),
            *m_prev = malloc(n);
    for (int t = 0; t < frames; t++) {
        int x0 = t * step - 60;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int sx = CC_TEST_CLAMP(x + x0, 0, iw - 1), sy = CC_TEST_CLAMP(y + 100, 0, ih - 1);
                memcpy(frame + ((size_t)y * w + x) * 3, rgb + ((size_t)sy * iw + sx) * 3, 3);
            }
        CcFrame f = { .format = CC_PIX_RGB24, .width = w, .height = h,
                      .data = { frame }, .stride = { w * 3 } };
        CcMask mr = { w, h, m_ref, w }, mw = { w, h, m_raw, w };
        CHECK(cc_segmenter_process(ref, &f, &mr) == 0);
        CHECK(cc_segmenter_process(raw, &f, &mw) == 0);
        if (t > 0) {
            double now = cc_mask_iou(m_ref, m_raw, n), before = cc_mask_iou(m_ref, m_prev, n);
            CHECK_MSG(now > before && now > 0.95, "frame %d: IoU with this frame %.4f, with the "
                      "previous %.4f", t, now, before);
        }
        memcpy(m_prev, m_raw, n);
    }
    free(frame);
    free(m_ref);
    free(m_raw);
    free(m_prev);
    free(rgb);
    cc_segmenter_close(&ref);
    cc_segmenter_close(&raw);
    cc_seg_model_close(&model);
    return CC_TEST_RESULT();
}
