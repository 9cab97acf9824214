/*
 * Segmenter API and pixel formats on a real portrait: misuse returns errors and leaves the
 * segmenter usable; every pixel format gives the same mask as RGB (within the chroma
 * subsampling of the test's own YUV conversion); strides and guard bytes are respected;
 * output is deterministic; frame size may change mid-stream.
 */
#include <stdlib.h>
#include <string.h>

#include "cleancast/video.h"
#include "frames.h"
#include "common.h"
#include "segmetrics.h"
#include "testutil.h"

static double agree(const uint8_t *a, const uint8_t *b, int n, int tol)
{
    int ok = 0;
    for (int i = 0; i < n; i++)
        ok += abs(a[i] - b[i]) <= tol;
    return (double)ok / n;
}

int main(void)
{
    char path[1024], img_path[1024];
    cc_test_need(path, sizeof(path), "models/selfie_segmentation.tflite");
    cc_test_need(img_path, sizeof(img_path), "data/images/grace_hopper.ppm");
    cc_test_log_to_stderr();

    /* Bad models. */
    CcSegModel *model = NULL;
    uint8_t junk[64] = { 1, 2, 3 };
    CHECK(cc_seg_model_open_buffer(&model, junk, sizeof(junk)) < 0 && !model);
    CHECK(cc_seg_model_open_buffer(&model, NULL, 0) < 0);
    CHECK(cc_seg_model_open_file(&model, "/nonexistent/model.tflite") < 0);

    CHECK(cc_seg_model_open_file(&model, path) == 0);
    if (!model)
        return 1;
    int mw, mh;
    cc_seg_model_input_size(model, &mw, &mh);
    CHECK(mw == 256 && mh == 256);

    CcSegmenterSettings ss;
    cc_segmenter_default_settings(&ss);
    CcSegmenter *seg = NULL;
    ss.threads = 0;
    CHECK(cc_segmenter_open(&seg, model, &ss) < 0 && !seg);
    cc_segmenter_default_settings(&ss);
    ss.smoothing = 2.0f;
    CHECK(cc_segmenter_open(&seg, model, &ss) < 0);
    cc_segmenter_default_settings(&ss);
    CHECK(cc_segmenter_open(&seg, NULL, &ss) < 0);
    ss.raw = 1;
    CHECK(cc_segmenter_open(&seg, model, &ss) == 0);

    uint8_t *rgb;
    int w, h, ch;
    CHECK(cc_test_read_pnm(img_path, &rgb, &w, &h, &ch) == 0 && ch == 3);
    int n = w * h;

    /* Reference: RGB24, tight stride. */
    TestFrame ref;
    test_frame_make(&ref, CC_PIX_RGB24, rgb, w, h, 0);
    uint8_t *m_ref = malloc(n), *m = malloc((size_t)(w + 16) * h);
    CcMask mask = { w, h, m_ref, w };
    CHECK(cc_segmenter_process(seg, &ref.frame, &mask) == 0);
    int person = 0;
    for (int i = 0; i < n; i++)
        person += m_ref[i] >= 128;
    CHECK_MSG(person > n / 5 && person < n * 9 / 10, "person covers %d of %d pixels", person, n);

    /* Misuse: errors, and the segmenter stays usable. */
    CcFrame bad = ref.frame;
    bad.stride[0] = w;  /* too small for RGB24 */
    CHECK(cc_segmenter_process(seg, &bad, &mask) == CC_ERR(EINVAL));
    bad = ref.frame;
    bad.format = (CcPixelFormat)42;
    CHECK(cc_segmenter_process(seg, &bad, &mask) == CC_ERR(EINVAL));
    bad = ref.frame;
    bad.data[0] = NULL;
    CHECK(cc_segmenter_process(seg, &bad, &mask) == CC_ERR(EINVAL));
    CcMask small = { w - 1, h, m, w };
    CHECK(cc_segmenter_process(seg, &ref.frame, &small) == CC_ERR(EINVAL));
    CHECK(cc_segmenter_process(seg, NULL, &mask) == CC_ERR(EINVAL));
    CHECK(cc_segmenter_process(NULL, &ref.frame, &mask) == CC_ERR(EINVAL));
    TestFrame odd;
    test_frame_make(&odd, CC_PIX_YUYV, rgb, w, h, 0);
    odd.frame.width = w - 1;
    CcMask oddm = { w - 1, h, m, w };
    CHECK(cc_segmenter_process(seg, &odd.frame, &oddm) == CC_ERR(EINVAL));
    test_frame_free(&odd);

    /* Determinism: the same frame again gives the same bytes. */
    CcMask again = { w, h, m, w };
    CHECK(cc_segmenter_process(seg, &ref.frame, &again) == 0);
    CHECK(memcmp(m, m_ref, n) == 0);

    /* Every format, with padded strides; mask with a padded stride and guard bytes. */
    const CcPixelFormat fmts[] = { CC_PIX_RGBA, CC_PIX_BGRA, CC_PIX_RGB24, CC_PIX_I420,
                                   CC_PIX_NV12, CC_PIX_YUYV };
    for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
        TestFrame tf;
        test_frame_make(&tf, fmts[k], rgb, w, h, 13);
        memset(m, 0xCD, (size_t)(w + 16) * h);
        CcMask pm = { w, h, m, w + 16 };
        CHECK(cc_segmenter_process(seg, &tf.frame, &pm) == 0);
        int guard_ok = 1;
        uint8_t *tight = malloc(n);
        for (int y = 0; y < h; y++) {
            memcpy(tight + (size_t)y * w, m + (size_t)y * (w + 16), w);
            for (int x = w; x < w + 16; x++)
                guard_ok &= m[(size_t)y * (w + 16) + x] == 0xCD;
        }
        CHECK_MSG(guard_ok, "format %d: mask guard bytes overwritten", (int)fmts[k]);
        double a = agree(tight, m_ref, n, 8), j = cc_mask_iou(tight, m_ref, n);
        int exact = fmts[k] <= CC_PIX_RGB24;
        if (exact)
            CHECK_MSG(memcmp(tight, m_ref, n) == 0, "format %d differs from RGB24", (int)fmts[k]);
        else
            CHECK_MSG(a > 0.99 && j > 0.98, "format %d: %.4f within 8/255, IoU %.4f", (int)fmts[k],
                      a, j);
        free(tight);
        test_frame_free(&tf);
    }

    /* Frame size changes mid-stream; product mode too. */
    cc_segmenter_close(&seg);
    CHECK(!seg);
    cc_segmenter_default_settings(&ss);
    CHECK(cc_segmenter_open(&seg, model, &ss) == 0);
    CcMask pm = { w, h, m, w };
    CHECK(cc_segmenter_process(seg, &ref.frame, &pm) == 0);
    CHECK_MSG(cc_mask_iou(m, m_ref, n) > 0.95, "refined vs raw IoU %.4f", cc_mask_iou(m, m_ref, n));
    TestFrame half;
    int hw = w / 2 + 1, hh = h / 2 + 1;
    uint8_t *rgb_half = malloc((size_t)hw * hh * 3);
    for (int y = 0; y < hh; y++)
        for (int x = 0; x < hw; x++)
            memcpy(rgb_half + ((size_t)y * hw + x) * 3,
                   rgb + ((size_t)CC_MIN(2 * y, h - 1) * w + CC_MIN(2 * x, w - 1)) * 3, 3);
    test_frame_make(&half, CC_PIX_I420, rgb_half, hw, hh, 0);
    CcMask hm = { hw, hh, m, hw };
    CHECK(cc_segmenter_process(seg, &half.frame, &hm) == 0);
    /* Determinism of product mode after a reset. */
    uint8_t *first = malloc((size_t)hw * hh);
    memcpy(first, m, (size_t)hw * hh);
    cc_segmenter_reset(seg);
    CHECK(cc_segmenter_process(seg, &half.frame, &hm) == 0);
    CHECK(memcmp(first, m, (size_t)hw * hh) == 0);
    CcSegmenterTimings t;
    cc_segmenter_timings(seg, &t);
    CHECK(t.infer_us > 0);
    /* latency_frames() is measured against the masks in test_lag.c, not compared here with
       the constant it returns. */

    free(first);
    free(rgb_half);
    test_frame_free(&half);
    test_frame_free(&ref);
    free(m);
    free(m_ref);
    free(rgb);
    cc_segmenter_close(&seg);
    cc_segmenter_close(&seg); /* NULL-safe */
    cc_seg_model_close(&model);
    cc_seg_model_close(&model);
    return CC_TEST_RESULT();
}
