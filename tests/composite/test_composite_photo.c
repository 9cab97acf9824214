/*
 * The compositor on real photos (DATA.md portraits; skipped when absent): with a
 * synthetic person mask, the person stays bit-exact, the background loses most of its
 * fine detail, and the I420 path agrees with the RGB path. Set CC_TEST_OUT=dir to get
 * the composites as PPM files to look at.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cframe.h"
#include "testutil.h"

/* Mean |Laplacian| of the green channel over pixels whose mask is 0 (and 5 px inside). */
static double detail(const uint8_t *rgb, const uint8_t *mask, int w, int h)
{
    double s = 0;
    long n = 0;
    for (int y = 5; y < h - 5; y++)
        for (int x = 5; x < w - 5; x++) {
            int bg = 1;
            for (int d = -5; d <= 5 && bg; d += 5)
                bg = !mask[(size_t)(y + d) * w + x] && !mask[(size_t)y * w + x + d];
            if (!bg)
                continue;
            const uint8_t *p = rgb + 3 * ((size_t)y * w + x) + 1;
            s += fabs(4.0 * p[0] - p[-3] - p[3] - p[-3 * w] - p[3 * w]);
            n++;
        }
    return n ? s / n : 0;
}

int main(void)
{
    char path[1024], bgpath[1024];
    cc_test_need(path, sizeof(path), "data/images/grace_hopper.ppm");
    cc_test_need(bgpath, sizeof(bgpath), "data/negatives/gnome_mountain.ppm");
    uint8_t *pic;
    int w, h, ch;
    if (cc_test_read_pnm(path, &pic, &w, &h, &ch) || ch != 3) {
        fprintf(stderr, "cannot read %s as a PPM\n", path);
        return 1;
    }
    const char *out = getenv("CC_TEST_OUT");
    uint8_t *mask = t_mask_ellipse(w, h, w);
    CcMask m = {w, h, mask, w};
    for (int mode = CC_BG_BLUR; mode <= CC_BG_IMAGE; mode++) {
        CcCompositorSettings s;
        cc_compositor_default_settings(&s);
        s.mode = (CcBackgroundMode)mode;
        s.blur_strength = 1.0f;
        CcCompositor *cr, *cy;
        CHECK(cc_compositor_open(&cr, &s) == 0);
        CHECK(cc_compositor_open(&cy, &s) == 0);
        if (mode == CC_BG_IMAGE) {
            uint8_t *bg;
            int bw, bh, bc;
            CHECK(cc_test_read_pnm(bgpath, &bg, &bw, &bh, &bc) == 0 && bc == 3);
            CcFrame bf = {CC_PIX_RGB24, bw, bh, {bg, NULL, NULL}, {3 * bw, 0, 0},
                          CC_MATRIX_BT601, 0};
            CHECK(cc_compositor_set_background(cr, &bf) == 0);
            CHECK(cc_compositor_set_background(cy, &bf) == 0);
            free(bg);
        }
        TFrame tr, ty;
        tf_alloc(&tr, CC_PIX_RGB24, w, h, 0);
        tf_alloc(&ty, CC_PIX_I420, w, h, 0);
        tf_from_rgb(&tr, pic);
        tf_from_rgb(&ty, pic);
        CHECK(cc_compositor_process(cr, &tr.f, &m) == 0);
        CHECK(cc_compositor_process(cy, &ty.f, &m) == 0);
        /* person pixels untouched */
        long changed = 0;
        for (size_t i = 0; i < (size_t)w * h; i++)
            if (mask[i] == 255)
                changed += memcmp(tr.buf[0] + 3 * i, pic + 3 * i, 3) != 0;
        CHECK_MSG(changed == 0, "mode %d: %ld person pixels changed", mode, changed);
        uint8_t *yrgb = malloc((size_t)w * h * 3);
        tf_to_rgb(&ty, yrgb);
        double diff = 0;
        for (size_t i = 0; i < (size_t)w * h * 3; i++)
            diff += abs(yrgb[i] - tr.buf[0][i]);
        diff /= (double)w * h * 3;
        if (mode == CC_BG_BLUR) {
            double before = detail(pic, mask, w, h), after = detail(tr.buf[0], mask, w, h);
            printf("background detail (mean |laplacian|): %.2f before, %.2f after blur\n",
                   before, after);
            CHECK(after < 0.25 * before);
        }
        printf("mode %d: I420 path vs RGB path mean |diff| %.2f\n", mode, diff);
        CHECK(diff < 3.0);
        if (out) {
            char o[1200];
            snprintf(o, sizeof(o), "%s/photo_mode%d_rgb.ppm", out, mode);
            cc_test_write_pnm(o, tr.buf[0], w, h, 3);
            snprintf(o, sizeof(o), "%s/photo_mode%d_i420.ppm", out, mode);
            cc_test_write_pnm(o, yrgb, w, h, 3);
        }
        free(yrgb);
        tf_free(&tr);
        tf_free(&ty);
        cc_compositor_close(&cr);
        cc_compositor_close(&cy);
    }
    free(mask);
    free(pic);
    return CC_TEST_RESULT();
}
