/*
 * The runtime against an independent oracle: the official MediaPipe solution's masks of
 * model-size centre crops (tests/ref/official/, made in headless Chromium by
 * tests/ref/make_official_masks.sh; at model size its resampling is the identity, so the
 * mask is round(255 * p) of the network alone). Each crop goes in as RGB/255 without any
 * resampling; round(255 * p) from every executor must be within +-1 of the official mask
 * on at least 99.9 % of the pixels and never off by more than 4.
 *
 * Every input is pinned by the sha256 in INDEX. Skips (77) only when the models or the test
 * material were never fetched; once they were, a crop whose input is missing, of another hash
 * or of the wrong size, or whose committed mask is unreadable, is a failure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "common.h"
#include "nn/nn.h"
#include "sha256.h"
#include "testutil.h"

int main(void)
{
    cc_test_log_to_stderr();
    char path[4096], line[1024];
    cc_test_src_path(path, sizeof(path), "tests/ref/official/INDEX");
    FILE *index = fopen(path, "r");
    if (!index) {
        fprintf(stderr, "cannot open %s (committed with the tests)\n", path);
        return 1;
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
    if (!graphs[0] || !graphs[1])
        return 1;
    cc_test_need_data();
    /* Only the crops are at model size; full-frame entries are tests/ref's. */
    int checked = 0, crops[2] = {0, 0};
    while (fgets(line, sizeof(line), index)) {
        char mask_name[256], model[32], input[256], region[64], sha[80];
        int x0, y0, cw, ch;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (sscanf(line, "%255s %31s %255s %63s %79s", mask_name, model, input, region, sha) != 5) {
            CHECK_MSG(0, "bad INDEX line: %s", line);
            continue;
        }
        if (strncmp(region, "crop:", 5))
            continue;
        if (sscanf(region, "crop:%d,%d,%d,%d", &x0, &y0, &cw, &ch) != 4) {
            CHECK_MSG(0, "%s: bad region %s", mask_name, region);
            continue;
        }
        int m = !strcmp(model, "landscape");
        CHECK_MSG(m || !strcmp(model, "general"), "%s: unknown model %s", mask_name, model);
        crops[m]++;
        CcNnGraph *g = graphs[m];
        int h, w, c;
        cc_nn_graph_input_shape(g, &h, &w, &c);
        char rel[300];
        snprintf(rel, sizeof(rel), "data/%s", input);
        uint8_t *pix = NULL, *ref = NULL;
        int iw, ih, ich, mw, mh, mch;
        char hex[65];
        if (!cc_test_cache_path(path, sizeof(path), rel) || cc_test_sha256_file(path, hex) < 0) {
            CHECK_MSG(0, "%s: input %s missing (run data/fetch.sh)", mask_name, path);
            continue;
        }
        if (strcmp(hex, sha)) {
            CHECK_MSG(0, "%s: %s has sha256 %s, the mask was made from %s", mask_name, input, hex, sha);
            continue;
        }
        if (cc_test_read_pnm(path, &pix, &iw, &ih, &ich) || ich != 3 || x0 < 0 || y0 < 0 ||
            x0 + cw > iw || y0 + ch > ih || cw != w || ch != h) {
            CHECK_MSG(0, "%s: input %s unreadable or crop %s not %dx%d inside it", mask_name, input,
                      region, w, h);
            free(pix);
            continue;
        }
        snprintf(rel, sizeof(rel), "tests/ref/official/%s", mask_name);
        cc_test_src_path(path, sizeof(path), rel);
        if (cc_test_read_pnm(path, &ref, &mw, &mh, &mch) || mw != w || mh != h || mch != 1) {
            CHECK_MSG(0, "%s: committed mask unreadable or not %dx%d", mask_name, w, h);
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
    printf("%d of %d crops checked\n", checked, crops[0] + crops[1]);
    CHECK_MSG(crops[0] > 0 && crops[1] > 0 && checked == crops[0] + crops[1],
              "INDEX must list crops for both models, and all of them must be checked");
    return CC_TEST_RESULT();
}
