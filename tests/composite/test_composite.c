/*
 * Compositor behaviour: every pixel format at odd sizes and padded strides, identities
 * (mask 255 keeps the frame, mask 0 gives the background), exact colours, no bleed,
 * strength monotonic, YUV and RGB paths agree, light wrap, transparent, bad arguments.
 * Run with one argument naming the case (see main).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cframe.h"
#include "testutil.h"
#include "dsp/image/image.h"
#include "video/compositor/compositor_internal.h"

static const CcPixelFormat all_formats[] = {CC_PIX_RGBA, CC_PIX_BGRA, CC_PIX_RGB24,
                                            CC_PIX_I420, CC_PIX_NV12, CC_PIX_YUYV};
static const char *const fmt_names[] = {"RGBA", "BGRA", "RGB24", "I420", "NV12", "YUYV"};

static CcCompositor *open_mode(CcBackgroundMode mode, float strength, float wrap)
{
    CcCompositorSettings s;
    cc_compositor_default_settings(&s);
    s.mode = mode;
    s.blur_strength = strength;
    s.light_wrap = wrap;
    CcCompositor *c = NULL;
    int ret = cc_compositor_open(&c, &s);
    CHECK_MSG(ret == 0 && c, "open mode %d: %d", (int)mode, ret);
    return c;
}

static int is_yuv(CcPixelFormat f)
{
    return f == CC_PIX_I420 || f == CC_PIX_NV12 || f == CC_PIX_YUYV;
}

/* A frame of picture content plus a mask (stride wider than the frame). */
static void make_case(TFrame *t, CcMask *m, CcPixelFormat fmt, int w, int h, int pad,
                      uint32_t seed)
{
    if (fmt == CC_PIX_YUYV && (w & 1))
        w++; /* YUYV needs an even width */
    tf_alloc(t, fmt, w, h, pad);
    uint8_t *rgb = t_picture(w, h, seed);
    tf_from_rgb(t, rgb);
    free(rgb);
    m->width = w;
    m->height = h;
    m->stride = w + 3;
    m->data = t_mask_ellipse(w, h, m->stride);
}

static void set_flat_mask(CcMask *m, uint8_t v)
{
    for (int y = 0; y < m->height; y++)
        memset(m->data + (size_t)y * m->stride, v, (size_t)m->width);
}

static int set_bg_image(CcCompositor *c, int w, int h, uint32_t seed)
{
    TFrame img;
    tf_alloc(&img, CC_PIX_RGB24, w, h, 5);
    uint8_t *rgb = t_picture(w, h, seed);
    tf_from_rgb(&img, rgb);
    free(rgb);
    int ret = cc_compositor_set_background(c, &img.f);
    tf_free(&img);
    return ret;
}

/* Every format, odd sizes, padded strides: success, guards intact, deterministic. */
static void test_formats(void)
{
    static const int sizes[][2] = {{1, 1}, {2, 1}, {7, 5}, {33, 17}, {64, 48}, {101, 67}, {2, 90}};
    for (int fi = 0; fi < 6; fi++)
        for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
            for (int mode = 0; mode < 6; mode++) {
                CcPixelFormat fmt = all_formats[fi];
                int w = sizes[si][0], h = sizes[si][1];
                if (fmt == CC_PIX_YUYV && (w & 1))
                    w++;
                CcBackgroundMode bm = mode == 5 ? CC_BG_BLUR : (CcBackgroundMode)mode;
                float strength = mode == 5 ? 0.2f : 1.0f;
                float wrap = mode == 2 || mode == 3 ? 0.7f : 0.0f;
                CcCompositor *c = open_mode(bm, strength, wrap);
                if (!c)
                    continue;
                if (bm == CC_BG_IMAGE)
                    CHECK(set_bg_image(c, 13, 29, 7) == 0);
                TFrame t, t2;
                CcMask m;
                make_case(&t, &m, fmt, w, h, 7, 1234 + (uint32_t)si);
                t.f.matrix = (si & 1) ? CC_MATRIX_BT709 : CC_MATRIX_BT601;
                t.f.full_range = (int)(si >> 1 & 1);
                tf_copy(&t2, &t);
                int expect_fail = bm == CC_BG_TRANSPARENT && fmt != CC_PIX_RGBA &&
                                  fmt != CC_PIX_BGRA;
                int r1 = cc_compositor_process(c, &t.f, &m);
                int r2 = cc_compositor_process(c, &t2.f, &m);
                if (expect_fail) {
                    CHECK_MSG(r1 == CC_ERR(EINVAL), "transparent on %s: %d", fmt_names[fi], r1);
                } else {
                    CHECK_MSG(r1 == 0 && r2 == 0, "%s %dx%d mode %d: %d %d", fmt_names[fi],
                              w, h, mode, r1, r2);
                }
                CHECK_MSG(tf_guard_ok(&t), "%s %dx%d mode %d wrote past the row end",
                          fmt_names[fi], w, h, mode);
                CHECK_MSG(tf_equal(&t, &t2), "%s %dx%d mode %d not deterministic",
                          fmt_names[fi], w, h, mode);
                tf_free(&t);
                tf_free(&t2);
                free(m.data);
                cc_compositor_close(&c);
                CHECK(c == NULL);
            }
}

/* Mask 255 everywhere leaves every byte as it was, in every mode (wrap on or off). */
static void test_mask_full(void)
{
    for (int fi = 0; fi < 6; fi++)
        for (int mode = CC_BG_BLUR; mode <= CC_BG_IMAGE; mode++)
            for (int wrap = 0; wrap < 2; wrap++) {
                CcCompositor *c = open_mode((CcBackgroundMode)mode, 1.0f, wrap ? 1.0f : 0.0f);
                if (!c)
                    continue;
                if (mode == CC_BG_IMAGE)
                    CHECK(set_bg_image(c, 40, 20, 3) == 0);
                TFrame t, ref;
                CcMask m;
                make_case(&t, &m, all_formats[fi], 66, 39, 5, 99);
                set_flat_mask(&m, 255);
                tf_copy(&ref, &t);
                CHECK(cc_compositor_process(c, &t.f, &m) == 0);
                CHECK_MSG(tf_equal(&t, &ref), "%s mode %d wrap %d: mask 255 changed the frame",
                          fmt_names[fi], mode, wrap);
                tf_free(&t);
                tf_free(&ref);
                free(m.data);
                cc_compositor_close(&c);
            }
}

/* Mask 0: the colour comes out exactly (RGB) or within rounding of our own conversion (YUV). */
static void test_color(void)
{
    static const uint8_t colors[][3] = {{0, 177, 64}, {255, 255, 255}, {0, 0, 0}, {200, 30, 90}};
    for (int fi = 0; fi < 6; fi++)
        for (int ci = 0; ci < 4; ci++)
            for (int mr = 0; mr < 4; mr++) {
                CcCompositorSettings s;
                cc_compositor_default_settings(&s);
                CHECK(s.color_rgb[0] == 0 && s.color_rgb[1] == 177 && s.color_rgb[2] == 64);
                s.mode = CC_BG_COLOR;
                memcpy(s.color_rgb, colors[ci], 3);
                CcCompositor *c = NULL;
                CHECK(cc_compositor_open(&c, &s) == 0);
                TFrame t;
                CcMask m;
                make_case(&t, &m, all_formats[fi], 31, 17, 3, 5);
                t.f.matrix = mr & 1 ? CC_MATRIX_BT709 : CC_MATRIX_BT601;
                t.f.full_range = mr >> 1;
                set_flat_mask(&m, 0);
                CHECK(cc_compositor_process(c, &t.f, &m) == 0);
                /* expected bytes per plane */
                float y, u, v;
                t_rgb2yuv(mr & 1, mr >> 1, colors[ci], &y, &u, &v);
                int bad = 0;
                for (int p = 0; p < t.nplanes; p++)
                    for (int row = 0; row < t.rows[p]; row++)
                        for (int x = 0; x < t.row_bytes[p]; x++) {
                            int got = t.buf[p][(size_t)row * t.f.stride[p] + x];
                            float want;
                            switch (all_formats[fi]) {
                            case CC_PIX_RGBA: want = x % 4 == 3 ? 255 : colors[ci][x % 4]; break;
                            case CC_PIX_BGRA: want = x % 4 == 3 ? 255 : colors[ci][2 - x % 4]; break;
                            case CC_PIX_RGB24: want = colors[ci][x % 3]; break;
                            case CC_PIX_I420: want = p == 0 ? y : p == 1 ? u : v; break;
                            case CC_PIX_NV12: want = p == 0 ? y : x % 2 ? v : u; break;
                            default: want = x % 2 == 0 ? y : x % 4 == 1 ? u : v; break;
                            }
                            if (fabsf(got - want) > (is_yuv(all_formats[fi]) ? 0.51f : 0.0f))
                                bad++;
                        }
                CHECK_MSG(bad == 0, "%s colour %d matrix %d range %d: %d samples off",
                          fmt_names[fi], ci, mr & 1, mr >> 1, bad);
                tf_free(&t);
                free(m.data);
                cc_compositor_close(&c);
            }
}

/* Mask 0 in image mode: the image, scaled to cover and centred. */
static void test_image(void)
{
    /* same size: exact copy (RGB) */
    int w = 45, h = 27;
    CcCompositor *c = open_mode(CC_BG_IMAGE, 0.5f, 0.0f);
    TFrame img;
    tf_alloc(&img, CC_PIX_BGRA, w, h, 9);
    uint8_t *pic = t_picture(w, h, 77);
    tf_from_rgb(&img, pic);
    CHECK(cc_compositor_set_background(c, &img.f) == 0);
    tf_free(&img);
    TFrame t;
    CcMask m;
    make_case(&t, &m, CC_PIX_RGB24, w, h, 1, 1);
    set_flat_mask(&m, 0);
    CHECK(cc_compositor_process(c, &t.f, &m) == 0);
    int bad = 0;
    for (int y = 0; y < h; y++)
        bad += memcmp(t.buf[0] + (size_t)y * t.f.stride[0], pic + (size_t)y * w * 3,
                      (size_t)w * 3) != 0;
    CHECK_MSG(bad == 0, "same-size image not copied exactly (%d rows differ)", bad);
    tf_free(&t);
    free(m.data);
    free(pic);
    cc_compositor_close(&c);

    /* cover: a 4w x h image with bands red | green | blue | red; the frame shows the
       middle half: green on the left, blue on the right. Also after a size change. */
    static const uint8_t band[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 0, 0}};
    c = open_mode(CC_BG_IMAGE, 0.5f, 0.0f);
    for (int pass = 0; pass < 2; pass++) {
        int fw = pass ? 80 : 40, fh = pass ? 30 : 24;
        if (pass == 0) {
            tf_alloc(&img, CC_PIX_RGB24, 4 * 40, 24, 0);
            for (int y = 0; y < 24; y++)
                for (int x = 0; x < 160; x++)
                    memcpy(img.buf[0] + (size_t)y * img.f.stride[0] + 3 * x, band[x / 40], 3);
            CHECK(cc_compositor_set_background(c, &img.f) == 0);
            tf_free(&img);
        }
        for (int fi = 0; fi < 6; fi++) {
            make_case(&t, &m, all_formats[fi], fw, fh, 4, 2);
            set_flat_mask(&m, 0);
            CHECK(cc_compositor_process(c, &t.f, &m) == 0);
            uint8_t *rgb = malloc((size_t)fw * fh * 3);
            tf_to_rgb(&t, rgb);
            int off = 0;
            for (int y = 0; y < fh; y++)
                for (int x = 0; x < fw; x++) {
                    const uint8_t *px = rgb + 3 * ((size_t)y * fw + x);
                    int dist = abs(2 * x + 1 - fw);
                    if (dist < 6) /* filter support across the band edge */
                        continue;
                    const uint8_t *want = band[x < fw / 2 ? 1 : 2];
                    for (int k = 0; k < 3; k++)
                        off += abs(px[k] - want[k]) > (is_yuv(all_formats[fi]) ? 6 : 1);
                }
            /* pass 1 (80x30) covers a 160x24 image by scaling 1.25: still 2 bands */
            CHECK_MSG(off == 0, "%s %dx%d: cover-scaled image wrong in %d samples",
                      fmt_names[fi], fw, fh, off);
            free(rgb);
            tf_free(&t);
            free(m.data);
        }
    }
    cc_compositor_close(&c);
}

/* Mean absolute difference of two RGB buffers over pixels where sel (if any) is set. */
static double mad_rgb(const uint8_t *a, const uint8_t *b, size_t npix)
{
    double s = 0;
    for (size_t i = 0; i < npix * 3; i++)
        s += abs(a[i] - b[i]);
    return s / (double)(npix * 3);
}

/* Blur with mask 0: a flat frame stays flat, texture is smoothed, strength is monotonic. */
static void test_blur_basic(void)
{
    for (int fi = 0; fi < 6; fi++) {
        /* flat */
        CcCompositor *c = open_mode(CC_BG_BLUR, 1.0f, 0.0f);
        TFrame t, ref;
        CcMask m;
        int w = 96, h = 70;
        tf_alloc(&t, all_formats[fi], w, h, 2);
        uint8_t *rgb = malloc((size_t)w * h * 3);
        for (size_t i = 0; i < (size_t)w * h; i++) {
            rgb[3 * i] = 30;
            rgb[3 * i + 1] = 140;
            rgb[3 * i + 2] = 220;
        }
        tf_from_rgb(&t, rgb);
        tf_copy(&ref, &t);
        m.width = w;
        m.height = h;
        m.stride = w;
        m.data = t_mask_ellipse(w, h, w);
        CHECK(cc_compositor_process(c, &t.f, &m) == 0);
        CHECK_MSG(tf_equal(&t, &ref), "%s: blurring a flat frame changed it", fmt_names[fi]);
        tf_free(&t);
        tf_free(&ref);
        free(m.data);
        free(rgb);
        cc_compositor_close(&c);

        /* monotonic in strength */
        double prev = -1;
        for (int si = 0; si <= 4; si++) {
            float strength = si * 0.25f;
            c = open_mode(CC_BG_BLUR, strength, 0.0f);
            make_case(&t, &m, all_formats[fi], 320, 240, 0, 11);
            set_flat_mask(&m, 0);
            tf_copy(&ref, &t);
            CHECK(cc_compositor_process(c, &t.f, &m) == 0);
            uint8_t *a = malloc(320 * 240 * 3), *b = malloc(320 * 240 * 3);
            tf_to_rgb(&t, a);
            tf_to_rgb(&ref, b);
            double d = mad_rgb(a, b, 320 * 240);
            if (si == 0)
                CHECK_MSG(d == 0, "%s: strength 0 changed the frame (%.3f)", fmt_names[fi], d);
            else
                CHECK_MSG(d > prev + 0.05, "%s: strength %.2f blurs no more than the one "
                          "below (%.3f vs %.3f)", fmt_names[fi], strength, d, prev);
            prev = d;
            free(a);
            free(b);
            tf_free(&t);
            tf_free(&ref);
            free(m.data);
            cc_compositor_close(&c);
        }
    }
}

/*
 * Strength is continuous: in steps of 0.05 the amount of blur never jumps or drops by
 * more than a little (the disc has anti-aliased edges; the downsampling factor changes
 * at a few strengths without a visible step).
 */
static void test_strength_smooth(void)
{
    int w = 640, h = 360;
    uint8_t *pic = t_picture(w, h, 3);
    CcMask m = {w, h, calloc((size_t)w * h, 1), w};
    double prev = 0;
    for (int i = 1; i <= 20; i++) {
        float st = i * 0.05f;
        CcCompositor *c = open_mode(CC_BG_BLUR, st, 0.0f);
        TFrame t;
        tf_alloc(&t, CC_PIX_RGB24, w, h, 0);
        tf_from_rgb(&t, pic);
        CHECK(cc_compositor_process(c, &t.f, &m) == 0);
        double d = mad_rgb(t.buf[0], pic, (size_t)w * h);
        if (i > 1)
            CHECK_MSG(d - prev > -0.3 && d - prev < 1.5, "strength %.2f: blur %.3f after %.3f",
                      st, d, prev);
        prev = d;
        tf_free(&t);
        cc_compositor_close(&c);
    }
    free(m.data);
    free(pic);
}

/*
 * No bleed: a bright person (left) next to a dark background (right). The blurred
 * background right next to the edge stays dark. An unweighted blur of the same radius
 * would lift it towards the mean of the disc (about half way).
 */
static void test_no_bleed(void)
{
    for (int fi = 0; fi < 6; fi++) {
        int w = 640, h = 360, edge = 300;
        CcCompositor *c = open_mode(CC_BG_BLUR, 1.0f, 0.0f);
        TFrame t;
        tf_alloc(&t, all_formats[fi], w, h, 0);
        uint8_t *rgb = malloc((size_t)w * h * 3);
        CcMask m = {w, h, malloc((size_t)w * h), w};
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                uint8_t *d = rgb + 3 * ((size_t)y * w + x);
                int person = x < edge;
                d[0] = d[1] = d[2] = person ? 250 : 12;
                m.data[(size_t)y * w + x] = person ? 255 : 0;
            }
        tf_from_rgb(&t, rgb);
        CHECK(cc_compositor_process(c, &t.f, &m) == 0);
        tf_to_rgb(&t, rgb);
        int worst = 0;
        for (int y = 0; y < h; y++)
            for (int x = edge; x < edge + 12; x++)
                for (int k = 0; k < 3; k++)
                    worst = CC_TEST_MAX(worst, rgb[3 * ((size_t)y * w + x) + k]);
        /* YUV chroma sits on a 2x2 grid and the limited range maps 12 to 12 +- 1 */
        int limit = is_yuv(all_formats[fi]) ? 18 : 14;
        printf("%s: brightest background pixel within 12 px of the edge: %d (limit %d)\n",
               fmt_names[fi], worst, limit);
        CHECK_MSG(worst <= limit, "%s: person colour bled into the background: %d",
                  fmt_names[fi], worst);
        free(rgb);
        free(m.data);
        tf_free(&t);
        cc_compositor_close(&c);
    }
}

/* YUV in, YUV out agrees with the RGB path on the same picture, within conversion error. */
static void test_yuv_vs_rgb(void)
{
    int w = 200, h = 150;
    uint8_t *pic = t_picture(w, h, 31);
    for (int mode = CC_BG_BLUR; mode <= CC_BG_IMAGE; mode++)
        for (int fi = 3; fi < 6; fi++) {
            CcCompositor *cr = open_mode((CcBackgroundMode)mode, 0.7f, 0.5f);
            CcCompositor *cy = open_mode((CcBackgroundMode)mode, 0.7f, 0.5f);
            if (mode == CC_BG_IMAGE) {
                CHECK(set_bg_image(cr, 300, 100, 8) == 0);
                CHECK(set_bg_image(cy, 300, 100, 8) == 0);
            }
            TFrame tr, ty, ty0;
            CcMask m = {w, h, t_mask_ellipse(w, h, w), w};
            tf_alloc(&tr, CC_PIX_RGB24, w, h, 0);
            tf_alloc(&ty, all_formats[fi], w, h, 0);
            ty.f.matrix = CC_MATRIX_BT709;
            tf_from_rgb(&tr, pic);
            tf_from_rgb(&ty, pic);
            tf_copy(&ty0, &ty);
            CHECK(cc_compositor_process(cr, &tr.f, &m) == 0);
            CHECK(cc_compositor_process(cy, &ty.f, &m) == 0);
            uint8_t *a = malloc((size_t)w * h * 3), *b = malloc((size_t)w * h * 3);
            tf_to_rgb(&ty0, b);
            double base = mad_rgb(pic, b, (size_t)w * h); /* round trip alone */
            tf_to_rgb(&ty, a);
            double d = mad_rgb(tr.buf[0], a, (size_t)w * h);
            printf("mode %d %s: RGB vs YUV path mean |diff| %.2f (round trip alone %.2f)\n",
                   mode, fmt_names[fi], d, base);
            CHECK_MSG(d <= base + 1.5, "mode %d %s: YUV path differs from RGB: %.2f", mode,
                      fmt_names[fi], d);
            free(a);
            free(b);
            free(m.data);
            tf_free(&tr);
            tf_free(&ty);
            tf_free(&ty0);
            cc_compositor_close(&cr);
            cc_compositor_close(&cy);
        }
    free(pic);
}

/* Light wrap changes only the person's edge, and more with a larger amount. */
static void test_light_wrap(void)
{
    int w = 160, h = 120;
    double prev = 0;
    for (int li = 0; li <= 2; li++) {
        CcCompositor *c = open_mode(CC_BG_COLOR, 0.5f, li * 0.5f);
        TFrame t, ref;
        CcMask m;
        make_case(&t, &m, CC_PIX_RGBA, w, h, 0, 4);
        tf_copy(&ref, &t);
        CcCompositor *c0 = open_mode(CC_BG_COLOR, 0.5f, 0.0f);
        CHECK(cc_compositor_process(c0, &ref.f, &m) == 0);
        CHECK(cc_compositor_process(c, &t.f, &m) == 0);
        double edge = 0, inner = 0;
        int n_edge = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                uint8_t mv = m.data[(size_t)y * m.stride + x];
                const uint8_t *a = t.buf[0] + (size_t)y * t.f.stride[0] + 4 * x;
                const uint8_t *b = ref.buf[0] + (size_t)y * ref.f.stride[0] + 4 * x;
                int d = abs(a[0] - b[0]) + abs(a[1] - b[1]) + abs(a[2] - b[2]);
                CHECK(a[3] == b[3]);
                if (mv > 0 && mv < 255) {
                    edge += d;
                    n_edge++;
                }
                /* deep inside: mask 255 with its whole wrap neighbourhood inside too */
                double dx = (x + 0.5 - w * 0.5) / (w * 0.28), dy = (y + 0.5 - h * 0.65) / (h * 0.45);
                if (dx * dx + dy * dy < 0.2)
                    inner += d;
            }
        edge /= n_edge;
        printf("light wrap %.1f: mean change on the edge %.2f, deep inside %.0f\n",
               li * 0.5, edge, inner);
        if (li == 0)
            CHECK(edge == 0);
        else
            CHECK_MSG(edge > prev + 0.5, "light wrap %.1f: edge change %.2f", li * 0.5, edge);
        CHECK_MSG(inner == 0, "light wrap changed the inside of the person");
        prev = edge;
        tf_free(&t);
        tf_free(&ref);
        free(m.data);
        cc_compositor_close(&c);
        cc_compositor_close(&c0);
    }
}

/* Transparent: alpha = mask on RGBA/BGRA, colour untouched; YUV refused. */
static void test_transparent(void)
{
    for (int fi = 0; fi < 6; fi++) {
        CcCompositor *c = open_mode(CC_BG_TRANSPARENT, 0.5f, 0.0f);
        TFrame t, ref;
        CcMask m;
        make_case(&t, &m, all_formats[fi], 37, 21, 6, 8);
        tf_copy(&ref, &t);
        int ret = cc_compositor_process(c, &t.f, &m);
        if (all_formats[fi] == CC_PIX_RGBA || all_formats[fi] == CC_PIX_BGRA) {
            CHECK(ret == 0);
            int bad = 0;
            for (int y = 0; y < t.f.height; y++)
                for (int x = 0; x < t.f.width; x++)
                    for (int k = 0; k < 4; k++) {
                        uint8_t got = t.buf[0][(size_t)y * t.f.stride[0] + 4 * x + k];
                        uint8_t want = k == 3 ? m.data[(size_t)y * m.stride + x]
                                              : ref.buf[0][(size_t)y * t.f.stride[0] + 4 * x + k];
                        bad += got != want;
                    }
            CHECK_MSG(bad == 0, "%s transparent: %d bytes wrong", fmt_names[fi], bad);
            CHECK(tf_guard_ok(&t));
        } else {
            CHECK_MSG(ret == CC_ERR(EINVAL), "%s transparent returned %d", fmt_names[fi], ret);
            CHECK(tf_equal(&t, &ref));
        }
        tf_free(&t);
        tf_free(&ref);
        free(m.data);
        cc_compositor_close(&c);
    }
}

/* API misuse: errors, never a crash; the compositor stays usable afterwards. */
static void test_bad_args(void)
{
    CcCompositorSettings s;
    cc_compositor_default_settings(&s);
    CHECK(s.mode == CC_BG_BLUR && s.blur_strength == 0.5f && s.light_wrap == 0.0f);
    cc_compositor_default_settings(NULL);
    CHECK(cc_compositor_open(NULL, &s) == CC_ERR(EINVAL));
    CcCompositor *c = (CcCompositor *)1;
    s.blur_strength = NAN;
    CHECK(cc_compositor_open(&c, &s) == CC_ERR(EINVAL) && c == NULL);
    s.blur_strength = 1.5f;
    CHECK(cc_compositor_open(&c, &s) == CC_ERR(EINVAL));
    s.blur_strength = 0.5f;
    s.light_wrap = -0.1f;
    CHECK(cc_compositor_open(&c, &s) == CC_ERR(EINVAL));
    s.light_wrap = 0;
    s.mode = (CcBackgroundMode)9;
    CHECK(cc_compositor_open(&c, &s) == CC_ERR(EINVAL));
    CHECK(cc_compositor_open(&c, NULL) == 0); /* NULL settings: defaults */
    cc_compositor_close(&c);
    cc_compositor_close(&c);
    cc_compositor_close(NULL);

    c = open_mode(CC_BG_BLUR, 0.5f, 0.0f);
    TFrame t;
    CcMask m;
    make_case(&t, &m, CC_PIX_I420, 40, 30, 0, 1);
    CHECK(cc_compositor_process(NULL, &t.f, &m) == CC_ERR(EINVAL));
    CHECK(cc_compositor_process(c, NULL, &m) == CC_ERR(EINVAL));
    CHECK(cc_compositor_process(c, &t.f, NULL) == CC_ERR(EINVAL));
    CcFrame f = t.f;
    CcMask mm = m;
    mm.width = 39;
    CHECK(cc_compositor_process(c, &f, &mm) == CC_ERR(EINVAL));
    mm = m;
    mm.stride = 10;
    CHECK(cc_compositor_process(c, &f, &mm) == CC_ERR(EINVAL));
    mm = m;
    mm.data = NULL;
    CHECK(cc_compositor_process(c, &f, &mm) == CC_ERR(EINVAL));
    f.stride[1] = 19;
    CHECK(cc_compositor_process(c, &f, &m) == CC_ERR(EINVAL));
    f = t.f;
    f.data[2] = NULL;
    CHECK(cc_compositor_process(c, &f, &m) == CC_ERR(EINVAL));
    f = t.f;
    f.format = (CcPixelFormat)42;
    CHECK(cc_compositor_process(c, &f, &m) == CC_ERR(EINVAL));
    f = t.f;
    f.width = 0;
    CHECK(cc_compositor_process(c, &f, &m) == CC_ERR(EINVAL));
    f = t.f;
    f.height = -5;
    CHECK(cc_compositor_process(c, &f, &m) == CC_ERR(EINVAL));
    f = t.f;
    f.matrix = (CcColorMatrix)7;
    CHECK(cc_compositor_process(c, &f, &m) == CC_ERR(EINVAL));
    f = t.f;
    f.full_range = 2;
    CHECK(cc_compositor_process(c, &f, &m) == CC_ERR(EINVAL));
    f = t.f;
    f.format = CC_PIX_YUYV;
    f.width = 39;
    f.stride[0] = 100;
    mm = m;
    mm.width = 39;
    CHECK(cc_compositor_process(c, &f, &mm) == CC_ERR(EINVAL));
    CHECK(cc_compositor_set_background(NULL, &t.f) == CC_ERR(EINVAL));
    CHECK(cc_compositor_set_background(c, NULL) == CC_ERR(EINVAL));
    f = t.f;
    f.data[0] = NULL;
    CHECK(cc_compositor_set_background(c, &f) == CC_ERR(EINVAL));
    /* still usable */
    CHECK(cc_compositor_process(c, &t.f, &m) == 0);
    cc_compositor_close(&c);

    /* image mode without an image */
    c = open_mode(CC_BG_IMAGE, 0.5f, 0.0f);
    CHECK(cc_compositor_process(c, &t.f, &m) == CC_ERR(EINVAL));
    CHECK(set_bg_image(c, 10, 10, 1) == 0);
    CHECK(cc_compositor_process(c, &t.f, &m) == 0);
    cc_compositor_close(&c);
    tf_free(&t);
    free(m.data);
}

/* Plain C kernels and the SIMD ones give the same frame, byte for byte (77 when run alone on
   a CPU without SIMD image kernels: both compositors would run C). */
static int no_simd;
static void test_c_vs_simd(void)
{
    if (!cc_image_cpu_flags()) {
        printf("no SIMD image kernels on this CPU: c-vs-simd has nothing to compare\n");
        no_simd = 1;
        return;
    }
    for (int fi = 0; fi < 6; fi++)
        for (int mode = CC_BG_BLUR; mode <= CC_BG_IMAGE; mode++) {
            CcCompositor *a = open_mode((CcBackgroundMode)mode, 0.8f, 0.3f);
            CcCompositor *b = open_mode((CcBackgroundMode)mode, 0.8f, 0.3f);
            cc_compositor_set_cpu_flags(a, 0);
            if (mode == CC_BG_IMAGE) {
                CHECK(set_bg_image(a, 50, 70, 2) == 0);
                CHECK(set_bg_image(b, 50, 70, 2) == 0);
            }
            TFrame t, t2;
            CcMask m;
            make_case(&t, &m, all_formats[fi], 203, 117, 3, 6);
            tf_copy(&t2, &t);
            CHECK(cc_compositor_process(a, &t.f, &m) == 0);
            CHECK(cc_compositor_process(b, &t2.f, &m) == 0);
            CHECK_MSG(tf_equal(&t, &t2), "%s mode %d: C and SIMD frames differ", fmt_names[fi],
                      mode);
            tf_free(&t);
            tf_free(&t2);
            free(m.data);
            cc_compositor_close(&a);
            cc_compositor_close(&b);
        }
}

/*
 * Random geometry and settings (fixed seed): no crash, no write past a row (run it under
 * ASan for reads), determinism, mask 255 keeps the frame, size changes on one compositor.
 */
static void test_random(void)
{
    uint32_t seed = 2024;
    CcCompositor *shared = open_mode(CC_BG_BLUR, 0.6f, 0.2f);
    for (int iter = 0; iter < 160; iter++) {
        CcPixelFormat fmt = all_formats[t_rand(&seed) % 6];
        int w = 1 + (int)(t_rand(&seed) % 300), h = 1 + (int)(t_rand(&seed) % 200);
        int pad = (int)(t_rand(&seed) % 3) == 0 ? 0 : (int)(t_rand(&seed) % 40);
        CcBackgroundMode mode = (CcBackgroundMode)(1 + t_rand(&seed) % 3);
        float strength = (float)(t_rand(&seed) % 1001) / 1000.0f;
        float wrap = t_rand(&seed) % 2 ? (float)(t_rand(&seed) % 1001) / 1000.0f : 0.0f;
        CcCompositor *c = open_mode(mode, strength, wrap);
        if (!c)
            continue;
        int bw = 1 + (int)(t_rand(&seed) % 90), bh = 1 + (int)(t_rand(&seed) % 90);
        if (mode == CC_BG_IMAGE)
            CHECK(set_bg_image(c, bw, bh, 5) == 0);
        TFrame t, t2, full;
        CcMask m;
        make_case(&t, &m, fmt, w, h, pad, seed);
        t.f.matrix = (CcColorMatrix)(t_rand(&seed) % 2);
        t.f.full_range = (int)(t_rand(&seed) % 2);
        tf_copy(&t2, &t);
        tf_copy(&full, &t);
        int r1 = cc_compositor_process(c, &t.f, &m);
        int r2 = cc_compositor_process(c, &t2.f, &m);
        int r3 = cc_compositor_process(shared, &t2.f, &m); /* size changes every time */
        CHECK_MSG(r1 == 0 && r2 == 0 && r3 == 0, "iter %d: %s %dx%d pad %d mode %d: %d %d %d",
                  iter, fmt_names[fmt], t.f.width, h, pad, (int)mode, r1, r2, r3);
        CHECK_MSG(tf_guard_ok(&t) && tf_guard_ok(&t2), "iter %d: wrote past a row", iter);
        cc_compositor_close(&c);
        /* determinism: a fresh compositor gives the same bytes */
        c = open_mode(mode, strength, wrap);
        if (mode == CC_BG_IMAGE)
            CHECK(set_bg_image(c, bw, bh, 5) == 0);
        tf_free(&t2);
        tf_copy(&t2, &full);
        CHECK(cc_compositor_process(c, &t2.f, &m) == 0);
        CHECK_MSG(tf_equal(&t, &t2), "iter %d: not deterministic", iter);
        /* mask 255: unchanged */
        set_flat_mask(&m, 255);
        tf_free(&t2);
        tf_copy(&t2, &full);
        CHECK(cc_compositor_process(c, &t2.f, &m) == 0);
        CHECK_MSG(tf_equal(&t2, &full), "iter %d: mask 255 changed the frame", iter);
        cc_compositor_close(&c);
        tf_free(&t);
        tf_free(&t2);
        tf_free(&full);
        free(m.data);
    }
    cc_compositor_close(&shared);
}

/*
 * U and V share their blur weights (the same chroma mask on the same grid): blurring a frame
 * whose U and V are swapped must give the swapped result, byte for byte, so V's blur matches
 * the one it would get with its own weights (U's, computed the usual way).
 */
static void swap_uv(TFrame *t)
{
    const int w = t->f.width, h = t->f.height;
    if (t->f.format == CC_PIX_I420) {
        for (int y = 0; y < (h + 1) / 2; y++) {
            uint8_t *u = t->f.data[1] + (size_t)y * t->f.stride[1];
            uint8_t *v = t->f.data[2] + (size_t)y * t->f.stride[2];
            for (int x = 0; x < (w + 1) / 2; x++) {
                uint8_t k = u[x];
                u[x] = v[x];
                v[x] = k;
            }
        }
        return;
    }
    for (int y = 0; y < h; y++) { /* YUYV */
        uint8_t *r = t->f.data[0] + (size_t)y * t->f.stride[0];
        for (int x = 0; x < w / 2; x++) {
            uint8_t k = r[4 * x + 1];
            r[4 * x + 1] = r[4 * x + 3];
            r[4 * x + 3] = k;
        }
    }
}

static void test_uv_shared(void)
{
    static const CcPixelFormat fmts[] = {CC_PIX_I420, CC_PIX_YUYV};
    static const int sizes[][2] = {{161, 97}, {320, 180}, {64, 390}};
    for (int fi = 0; fi < 2; fi++)
        for (int si = 0; si < 3; si++)
            for (int st = 0; st < 2; st++) {
                TFrame a, b;
                CcMask m;
                make_case(&a, &m, fmts[fi], sizes[si][0], sizes[si][1], 7, 40u + (unsigned)si);
                tf_copy(&b, &a); /* allocates b */
                swap_uv(&b);
                CcCompositor *c = open_mode(CC_BG_BLUR, st ? 1.0f : 0.35f, 0.0f);
                CHECK(cc_compositor_process(c, &a.f, &m) == 0);
                CHECK(cc_compositor_process(c, &b.f, &m) == 0);
                swap_uv(&b);
                CHECK_MSG(tf_equal(&a, &b), "%s %dx%d strength %s: blurring swapped U and V "
                          "is not the swapped blur", fmts[fi] == CC_PIX_I420 ? "I420" : "YUYV",
                          a.f.width, a.f.height, st ? "1.0" : "0.35");
                cc_compositor_close(&c);
                tf_free(&a);
                tf_free(&b);
                free(m.data);
            }
}

int main(int argc, char **argv)
{
    static const struct { const char *name; void (*fn)(void); } cases[] = {
        {"formats", test_formats}, {"mask-full", test_mask_full}, {"color", test_color},
        {"image", test_image}, {"blur", test_blur_basic},
        {"strength-smooth", test_strength_smooth}, {"no-bleed", test_no_bleed},
        {"yuv-vs-rgb", test_yuv_vs_rgb}, {"light-wrap", test_light_wrap},
        {"transparent", test_transparent}, {"bad-args", test_bad_args},
        {"c-vs-simd", test_c_vs_simd}, {"random", test_random}, {"uv-shared", test_uv_shared},
    };
    if (getenv("CC_TEST_VERBOSE"))
        cc_test_log_to_stderr();
    int ran = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (argc < 2 || !strcmp(argv[1], cases[i].name)) {
            cases[i].fn();
            ran++;
        }
    if (!ran) {
        fprintf(stderr, "unknown case %s\n", argv[1]);
        return 1;
    }
    if (argc >= 2 && no_simd && !cc_test_failures)
        return CC_TEST_SKIP;
    return CC_TEST_RESULT();
}
