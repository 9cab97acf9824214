/*
 * Compositor speed: ms per frame at 720p and 1080p for I420, NV12 and RGBA, in blur
 * (strength 0.5 and 1.0), image and colour modes, on ONE thread (the compositor has no
 * threads). Each row also shows the plain-C kernels (no SIMD) and, as the anchor measured
 * in the same run, a memcpy of the same frame bytes.
 *
 *   composite_bench [frames]      (default 60 per cell)
 *
 * Prints the median and, because the machine is shared, the minimum per-frame time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleancast/video.h"
#include "dsp/image/image.h"
#include "video/compositor/compositor_internal.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_d);
    return n & 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

typedef struct Frame {
    CcFrame f;
    uint8_t *buf, *orig;
    size_t size;
} Frame;

static void frame_make(Frame *fr, CcPixelFormat fmt, int w, int h)
{
    memset(fr, 0, sizeof(*fr));
    int cw = (w + 1) / 2, ch = (h + 1) / 2;
    size_t ysz = (size_t)w * h, csz = (size_t)cw * ch;
    fr->size = fmt == CC_PIX_RGBA ? 4 * ysz : ysz + 2 * csz;
    fr->buf = malloc(fr->size);
    fr->orig = malloc(fr->size);
    uint32_t s = 1;
    for (size_t i = 0; i < fr->size; i++) {
        s = s * 1664525u + 1013904223u;
        fr->orig[i] = (uint8_t)(64 + (i % 97) + (s >> 28));
    }
    fr->f.format = fmt;
    fr->f.width = w;
    fr->f.height = h;
    fr->f.matrix = CC_MATRIX_BT709;
    fr->f.data[0] = fr->buf;
    if (fmt == CC_PIX_RGBA) {
        fr->f.stride[0] = 4 * w;
    } else if (fmt == CC_PIX_I420) {
        fr->f.stride[0] = w;
        fr->f.data[1] = fr->buf + ysz;
        fr->f.stride[1] = cw;
        fr->f.data[2] = fr->buf + ysz + csz;
        fr->f.stride[2] = cw;
    } else {
        fr->f.stride[0] = w;
        fr->f.data[1] = fr->buf + ysz;
        fr->f.stride[1] = 2 * cw;
    }
}

/* A head-and-shoulders mask with a soft edge. */
static uint8_t *make_mask(int w, int h)
{
    uint8_t *m = malloc((size_t)w * h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double dx = (x - 0.5 * w) / (0.22 * w), dy = (y - 0.75 * h) / (0.6 * h);
            double d = (dx * dx + dy * dy - 1.0) * 40.0;
            m[(size_t)y * w + x] = (uint8_t)(d < -127 ? 255 : d > 127 ? 0 : 127 - d);
        }
    return m;
}

static double run(CcCompositor *c, Frame *fr, const CcMask *m, int frames, double *min_ms)
{
    double *t = malloc(sizeof(double) * frames);
    for (int i = -3; i < frames; i++) { /* 3 warm-up frames size the buffers */
        memcpy(fr->buf, fr->orig, fr->size);
        double t0 = now_ms();
        if (cc_compositor_process(c, &fr->f, m)) {
            fprintf(stderr, "process failed\n");
            exit(1);
        }
        if (i >= 0)
            t[i] = now_ms() - t0;
    }
    double r = median(t, frames); /* sorts t */
    *min_ms = t[0];
    free(t);
    return r;
}

int main(int argc, char **argv)
{
    int frames = argc > 1 ? atoi(argv[1]) : 60;
    if (frames < 1)
        frames = 1;
    static const struct { int w, h; } sizes[] = {{1280, 720}, {1920, 1080}};
    static const struct { CcPixelFormat f; const char *name; } fmts[] = {
        {CC_PIX_I420, "I420"}, {CC_PIX_NV12, "NV12"}, {CC_PIX_RGBA, "RGBA"}};
    static const struct { CcBackgroundMode mode; float strength; const char *name; } modes[] = {
        {CC_BG_BLUR, 0.5f, "blur 0.5"}, {CC_BG_BLUR, 1.0f, "blur 1.0"},
        {CC_BG_IMAGE, 0.5f, "image"}, {CC_BG_COLOR, 0.5f, "colour"}};
    unsigned cpu = cc_image_cpu_flags();
    printf("compositor, 1 thread, median of %d frames; SIMD: %s\n", frames,
           cpu & CC_CPU_AVX512 ? "avx512 (+avx2)" : cpu & CC_CPU_AVX2 ? "avx2" : "none");
    printf("%-6s %-5s %-9s %16s %16s %16s\n", "size", "fmt", "mode", "simd med/min ms",
           "C med/min ms", "memcpy med/min");
    for (size_t si = 0; si < 2; si++)
        for (size_t fi = 0; fi < 3; fi++) {
            int w = sizes[si].w, h = sizes[si].h;
            Frame fr;
            frame_make(&fr, fmts[fi].f, w, h);
            CcMask m = {w, h, make_mask(w, h), w};
            /* anchor: copy the frame's bytes once */
            double *t = malloc(sizeof(double) * frames);
            for (int i = 0; i < frames; i++) {
                double t0 = now_ms();
                memcpy(fr.buf, fr.orig, fr.size);
                t[i] = now_ms() - t0;
            }
            double copy_ms = median(t, frames), copy_min = t[0];
            free(t);
            for (size_t mi = 0; mi < 4; mi++) {
                double ms[2], mn[2];
                for (int simd = 1; simd >= 0; simd--) {
                    CcCompositorSettings s;
                    cc_compositor_default_settings(&s);
                    s.mode = modes[mi].mode;
                    s.blur_strength = modes[mi].strength;
                    CcCompositor *c;
                    if (cc_compositor_open(&c, &s))
                        return 1;
                    if (!simd)
                        cc_compositor_set_cpu_flags(c, 0);
                    if (s.mode == CC_BG_IMAGE) {
                        Frame bg;
                        frame_make(&bg, CC_PIX_RGBA, 1600, 1000);
                        memcpy(bg.buf, bg.orig, bg.size);
                        cc_compositor_set_background(c, &bg.f);
                        free(bg.buf);
                        free(bg.orig);
                    }
                    ms[simd] = run(c, &fr, &m, frames, &mn[simd]);
                    cc_compositor_close(&c);
                }
                printf("%-6s %-5s %-9s %8.3f/%-7.3f %8.3f/%-7.3f %8.3f/%-7.3f\n",
                       si ? "1080p" : "720p", fmts[fi].name, modes[mi].name, ms[1], mn[1],
                       ms[0], mn[0], copy_ms, copy_min);
                fflush(stdout);
            }
            free(m.data);
            free(fr.buf);
            free(fr.orig);
        }
    return 0;
}
