/*
 * The runtime against an independent oracle: the official MediaPipe solution's masks of
 * model-size centre crops (tests/ref/official/, made in headless Chromium by
 * tests/ref/make_official_masks.sh; at model size its resampling is the identity, so the
 * mask is round(255 * p) of the network alone). Each crop goes in as RGB/255 without any
 * resampling; round(255 * p) from every executor must be within +-1 of the official mask
 * on at least 99.9 % of the pixels and never off by more than 4.
 *
 * Skips (77) when the models, the photos or the reference files are missing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "common.h"
#include "nn/nn.h"
#include "testutil.h"

int main(void)
{
    cc_test_log_to_stderr();
    char path[4096], line[1024];
    cc_test_src_path(path, sizeof(path), "tests/ref/official/INDEX");
    FILE *index = fopen(path, "r");
    if (!index) {
        printf("no %s: skipped\n", path);
        return CC_TEST_SKIP;
    }
    CcNnGraph *graphs[2] = {0};
    static const char *const model_files[2] = {"models/selfie_segmentation.tflite",
                                               "models/selfie_segmentation_landscape.tflite"};
    for (int m = 0; m < 2; m++) {
        uint8_t *buf;
        size_t size;
        cc_test_need(path, sizeof(path), model_files[m]);
        CHECK(cc_read_file(path, &buf, &size) == 0);
        CHECK(cc_nn_graph_parse(&graphs[m], buf, size) == 0);
        free(buf);
    }
    int checked = 0;
    while (fgets(line, sizeof(line), index)) {
        char mask_name[256], model[32], input[256], region[64];
        int x0, y0, cw, ch;
        if (line[0] == '#' || sscanf(line, "%255s %31s %255s %63s", mask_name, model, input, region) != 4 ||
            sscanf(region, "crop:%d,%d,%d,%d", &x0, &y0, &cw, &ch) != 4)
            continue;
        int m = !strcmp(model, "landscape");
        CcNnGraph *g = graphs[m];
        if (!g)
            continue;
        int h, w, c;
        cc_nn_graph_input_shape(g, &h, &w, &c);
        char rel[300];
        snprintf(rel, sizeof(rel), "data/%s", input);
        uint8_t *pix = NULL, *ref = NULL;
        int iw, ih, ich, mw, mh, mch;
        if (!cc_test_cache_path(path, sizeof(path), rel) || cc_test_read_pnm(path, &pix, &iw, &ih, &ich) ||
            ich != 3 || x0 < 0 || y0 < 0 || x0 + cw > iw || y0 + ch > ih || cw != w || ch != h) {
            printf("%s: input %s missing or not as expected: skipped\n", mask_name, input);
            free(pix);
            continue;
        }
        snprintf(rel, sizeof(rel), "tests/ref/official/%s", mask_name);
        cc_test_src_path(path, sizeof(path), rel);
        if (cc_test_read_pnm(path, &ref, &mw, &mh, &mch) || mw != w || mh != h || mch != 1) {
            printf("%s: reference unreadable: skipped\n", mask_name);
            free(pix);
            free(ref);
            continue;
        }
        for (int k = 0; k < 3; k++) {
            static const char *const names[3] = {"xnnpack", "portable-simd", "portable-c"};
            CcNnExec *e = NULL;
            int r = k ? cc_nn_exec_open_portable(&e, g, k == 1) : cc_nn_exec_open(&e, g, CC_BACKEND_XNNPACK, 1);
            if (r) {
                CHECK(k == 0 && !CC_HAVE_XNNPACK);
                continue;
            }
            float *in = cc_nn_exec_input(e);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w * 3; x++)
                    in[y * w * 3 + x] = pix[(size_t)(y0 + y) * iw * 3 + (size_t)x0 * 3 + x] / 255.0f;
            CHECK(cc_nn_exec_run(e) == 0);
            const float *p = cc_nn_exec_output(e);
            int within1 = 0, equal = 0, maxd = 0;
            for (int i = 0; i < w * h; i++) {
                int v = (int)lrintf(255.0f * p[i]);
                int d = abs(v - ref[i]);
                equal += d == 0;
                within1 += d <= 1;
                maxd = d > maxd ? d : maxd;
            }
            printf("%-34s %-14s equal %.3f %%, within 1: %.3f %%, max diff %d\n", mask_name, names[k],
                   100.0 * equal / (w * h), 100.0 * within1 / (w * h), maxd);
            CHECK_MSG(within1 * 1000 >= 999 * w * h && maxd <= 4, "%s: %s too far from the official mask",
                      mask_name, names[k]);
            cc_nn_exec_close(&e);
        }
        free(pix);
        free(ref);
        checked++;
    }
    fclose(index);
    for (int m = 0; m < 2; m++)
        cc_nn_graph_free(&graphs[m]);
    if (!checked) {
        printf("no crop could be checked: skipped\n");
        return CC_TEST_SKIP;
    }
    return CC_TEST_RESULT();
}
