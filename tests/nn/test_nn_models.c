/*
 * Both selfie-segmentation models on real photos, through every executor this build has:
 * XNNPACK, the portable executor with SIMD kernels and with C kernels only. XNNPACK and the
 * portable executor (SIMD kernels, what a build runs) must agree within 1e-4 (max abs diff);
 * the plain-C kernels within 2.5e-4 with at most 0.05% of the pixels more than 1e-4 apart
 * (measured worst case 1.3e-4,
 * landscape model on astronaut: per-layer relative differences are ~3e-6, float32
 * summation-order noise that the decoder amplifies; accumulating the portable convs in
 * double did not shrink it, so most of it is XNNPACK's own rounding.) Also checks that the result is a
 * plausible person mask (independent of either executor): probabilities in [0, 1], the
 * image centre (where the person is in these portraits) mostly foreground, the top
 * corners mostly background.
 *
 * Needs the two models under $CLEANCAST_CACHE/models and the photos under
 * $CLEANCAST_CACHE/data/images; skips (77) without them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "common.h"
#include "nn/nn.h"
#include "testutil.h"

static const char *const models[] = {"selfie_segmentation.tflite", "selfie_segmentation_landscape.tflite"};
static const char *const images[] = {"grace_hopper.ppm", "astronaut.ppm", "camera.ppm"};

/* Stretches an RGB image to w x h (half-pixel bilinear, like the official solution), RGB/255. */
static void stretch(const uint8_t *pix, int iw, int ih, float *dst, int w, int h)
{
    for (int y = 0; y < h; y++) {
        float sy = ((float)y + 0.5f) * ih / h - 0.5f;
        sy = sy < 0 ? 0 : sy;
        int y0 = (int)sy, y1 = y0 + 1 < ih ? y0 + 1 : ih - 1;
        float fy = sy - y0;
        for (int x = 0; x < w; x++) {
            float sx = ((float)x + 0.5f) * iw / w - 0.5f;
            sx = sx < 0 ? 0 : sx;
            int x0 = (int)sx, x1 = x0 + 1 < iw ? x0 + 1 : iw - 1;
            float fx = sx - x0;
            for (int c = 0; c < 3; c++) {
                float a = pix[(y0 * iw + x0) * 3 + c], b = pix[(y0 * iw + x1) * 3 + c];
                float d = pix[(y1 * iw + x0) * 3 + c], e = pix[(y1 * iw + x1) * 3 + c];
                float top = a + (b - a) * fx, bot = d + (e - d) * fx;
                dst[(y * w + x) * 3 + c] = (top + (bot - top) * fy) / 255.0f;
            }
        }
    }
}

/* Mean probability over a box given in fractions of the output size. */
static double box_mean(const float *p, int w, int h, double x0, double y0, double x1, double y1)
{
    double s = 0;
    int n = 0;
    for (int y = (int)(y0 * h); y < (int)(y1 * h); y++)
        for (int x = (int)(x0 * w); x < (int)(x1 * w); x++, n++)
            s += p[y * w + x];
    return n ? s / n : 0;
}

int main(void)
{
    cc_test_log_to_stderr();
    char path[4096];
    /* Executors to compare: XNNPACK (where built), portable SIMD, portable C, XNNPACK on 2 threads. */
    enum { N_EXEC = 4 };
    const char *const exec_names[N_EXEC] = {"xnnpack", "portable-simd", "portable-c", "xnnpack-2threads"};
    int ran = 0;
    for (size_t m = 0; m < sizeof(models) / sizeof(models[0]); m++) {
        char rel[256];
        snprintf(rel, sizeof(rel), "models/%s", models[m]);
        cc_test_need(path, sizeof(path), rel);
        uint8_t *buf;
        size_t size;
        CHECK(cc_read_file(path, &buf, &size) == 0);
        CcNnGraph *g = NULL;
        int r = cc_nn_graph_parse(&g, buf, size);
        free(buf);
        CHECK_MSG(r == 0, "%s: %s", models[m], cc_strerror(r));
        if (r)
            continue;
        int h, w, c, oh, ow, oc;
        cc_nn_graph_input_shape(g, &h, &w, &c);
        cc_nn_graph_output_shape(g, &oh, &ow, &oc);
        CHECK(c == 3 && oc == 1 && oh == h && ow == w);
        CHECK(w == 256 && (h == 256 || h == 144));
        CcNnExec *ex[N_EXEC] = {0};
        CHECK(cc_nn_exec_open_portable(&ex[1], g, 1) == 0);
        CHECK(cc_nn_exec_open_portable(&ex[2], g, 0) == 0);
        r = cc_nn_exec_open(&ex[0], g, CC_BACKEND_XNNPACK, 1);
        if (CC_HAVE_XNNPACK)
            CHECK_MSG(r == 0, "xnnpack open: %s", cc_strerror(r));
        else
            CHECK(r == CC_ERR(ENOSYS));
        r = cc_nn_exec_open(&ex[3], g, CC_BACKEND_XNNPACK, 2);
        CHECK(CC_HAVE_XNNPACK ? r == 0 : r == CC_ERR(ENOSYS));
        float *again = malloc(sizeof(float) * (size_t)(h * w));
        for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
            snprintf(rel, sizeof(rel), "data/images/%s", images[i]);
            cc_test_need(path, sizeof(path), rel);
            uint8_t *pix;
            int iw, ih, ch;
            CHECK(cc_test_read_pnm(path, &pix, &iw, &ih, &ch) == 0 && ch == 3);
            const float *out[N_EXEC] = {0};
            for (int k = 0; k < N_EXEC; k++) {
                /* 2 threads on the first photo only: slow when the machine is busy */
                if (!ex[k] || (k == 3 && i > 0))
                    continue;
                stretch(pix, iw, ih, cc_nn_exec_input(ex[k]), w, h);
                r = cc_nn_exec_run(ex[k]);
                CHECK_MSG(r == 0, "%s run: %s", exec_names[k], cc_strerror(r));
                out[k] = cc_nn_exec_output(ex[k]);
                /* Determinism: running again (the input buffer keeps its contents) gives
                 * the same bytes. */
                memcpy(again, out[k], sizeof(float) * (size_t)(h * w));
                CHECK(cc_nn_exec_run(ex[k]) == 0);
                CHECK_MSG(!memcmp(again, out[k], sizeof(float) * (size_t)(h * w)), "%s: second run differs",
                          exec_names[k]);
            }
            free(pix);
            const float *ref = out[0] ? out[0] : out[1];
            for (int k = 0; k < N_EXEC; k++) {
                if (!out[k] || out[k] == ref)
                    continue;
                double maxd = 0;
                int n_far = 0;
                for (int j = 0; j < h * w; j++) {
                    double d = fabs((double)out[k][j] - ref[j]);
                    maxd = fmax(maxd, d);
                    n_far += d > 1e-4;
                }
                printf("%s %s: %s vs %s max abs diff %.3g, %d pixels > 1e-4\n", models[m], images[i],
                       exec_names[k], out[0] ? exec_names[0] : exec_names[1], maxd, n_far);
                /* The two executors a build runs (XNNPACK, portable with its SIMD kernels)
                 * and XNNPACK on 2 threads: within 1e-4 everywhere, as issue 2 asks. The
                 * plain-C kernels (the SIMD kernels' reference) within the looser bound. */
                if (k == 2)
                    CHECK_MSG(maxd <= 2.5e-4 && n_far <= h * w / 2000,
                              "%s %s: %s differs by %g (%d pixels > 1e-4)", models[m], images[i],
                              exec_names[k], maxd, n_far);
                else
                    CHECK_MSG(maxd <= 1e-4, "%s %s: %s differs by %g", models[m], images[i],
                              exec_names[k], maxd);
            }
            int in_range = 1;
            for (int j = 0; j < h * w; j++)
                in_range &= ref[j] >= 0 && ref[j] <= 1;
            CHECK(in_range);
            double centre = box_mean(ref, w, h, 0.4, 0.4, 0.6, 0.6);
            double corners = (box_mean(ref, w, h, 0, 0, 0.1, 0.1) + box_mean(ref, w, h, 0.9, 0, 1, 0.1)) / 2;
            printf("%s %s: centre %.3f, top corners %.3f\n", models[m], images[i], centre, corners);
            CHECK_MSG(centre > 0.6 && corners < 0.3, "%s %s: not a person mask", models[m], images[i]);
            ran++;
        }
        for (int k = 0; k < N_EXEC; k++)
            cc_nn_exec_close(&ex[k]);
        free(again);
        cc_nn_graph_free(&g);
    }
    printf("%d model/image pairs\n", ran);
    return CC_TEST_RESULT();
}
