/* Test frames for the compositor tests: planes with padded strides and guard bytes. */
#ifndef CC_TEST_CFRAME_H
#define CC_TEST_CFRAME_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleancast/video.h"

#define GUARD_BYTE 0xA5
#define CC_TEST_MAX(a, b) ((a) > (b) ? (a) : (b))

typedef struct TFrame {
    CcFrame f;
    uint8_t *buf[3];
    size_t size[3];
    int row_bytes[3], rows[3];
    int nplanes;
} TFrame;

static inline int tf_geometry(CcPixelFormat fmt, int w, int h, int i, int *rb, int *rows)
{
    int cw = (w + 1) / 2, ch = (h + 1) / 2;
    switch (fmt) {
    case CC_PIX_RGBA: case CC_PIX_BGRA:
        *rb = 4 * w; *rows = h; return i == 0;
    case CC_PIX_RGB24:
        *rb = 3 * w; *rows = h; return i == 0;
    case CC_PIX_YUYV:
        *rb = 2 * w; *rows = h; return i == 0;
    case CC_PIX_I420:
        *rb = i ? cw : w; *rows = i ? ch : h; return i < 3;
    case CC_PIX_NV12:
        *rb = i ? 2 * cw : w; *rows = i ? ch : h; return i < 2;
    }
    return 0;
}

/* pad: extra bytes per row past the row end, filled with GUARD_BYTE. */
static inline void tf_alloc(TFrame *t, CcPixelFormat fmt, int w, int h, int pad)
{
    memset(t, 0, sizeof(*t));
    t->f.format = fmt;
    t->f.width = w;
    t->f.height = h;
    t->f.matrix = CC_MATRIX_BT601;
    t->f.full_range = 0;
    for (int i = 0; i < 3; i++) {
        int rb, rows;
        if (!tf_geometry(fmt, w, h, i, &rb, &rows))
            break;
        t->nplanes = i + 1;
        t->row_bytes[i] = rb;
        t->rows[i] = rows;
        t->f.stride[i] = rb + pad;
        t->size[i] = (size_t)(rb + pad) * rows;
        t->buf[i] = malloc(t->size[i] ? t->size[i] : 1);
        memset(t->buf[i], GUARD_BYTE, t->size[i]);
        t->f.data[i] = t->buf[i];
    }
}

static inline void tf_free(TFrame *t)
{
    for (int i = 0; i < 3; i++)
        free(t->buf[i]);
    memset(t, 0, sizeof(*t));
}

static inline void tf_copy(TFrame *dst, const TFrame *src)
{
    *dst = *src;
    for (int i = 0; i < src->nplanes; i++) {
        dst->buf[i] = malloc(src->size[i] ? src->size[i] : 1);
        memcpy(dst->buf[i], src->buf[i], src->size[i]);
        dst->f.data[i] = dst->buf[i];
    }
}

static inline int tf_equal(const TFrame *a, const TFrame *b)
{
    for (int i = 0; i < a->nplanes; i++)
        if (memcmp(a->buf[i], b->buf[i], a->size[i]))
            return 0;
    return 1;
}

/* 1 if every byte past the row end still holds GUARD_BYTE. */
static inline int tf_guard_ok(const TFrame *t)
{
    for (int i = 0; i < t->nplanes; i++)
        for (int y = 0; y < t->rows[i]; y++)
            for (int x = t->row_bytes[i]; x < t->f.stride[i]; x++)
                if (t->buf[i][(size_t)y * t->f.stride[i] + x] != GUARD_BYTE)
                    return 0;
    return 1;
}

/* Independent BT.601/709 conversions (float) for the checks. */
static inline void t_coefs(int bt709, float *kr, float *kb)
{
    *kr = bt709 ? 0.2126f : 0.299f;
    *kb = bt709 ? 0.0722f : 0.114f;
}

static inline uint8_t t_clamp(float v)
{
    v = floorf(v + 0.5f);
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static inline void t_rgb2yuv(int bt709, int full, const uint8_t *rgb, float *y, float *u, float *v)
{
    float kr, kb;
    t_coefs(bt709, &kr, &kb);
    float r = rgb[0] / 255.0f, g = rgb[1] / 255.0f, b = rgb[2] / 255.0f;
    float yy = kr * r + (1 - kr - kb) * g + kb * b;
    float pb = 0.5f * (b - yy) / (1 - kb), pr = 0.5f * (r - yy) / (1 - kr);
    *y = full ? 255 * yy : 16 + 219 * yy;
    *u = 128 + (full ? 255 : 224) * pb;
    *v = 128 + (full ? 255 : 224) * pr;
}

static inline void t_yuv2rgb(int bt709, int full, float y, float u, float v, uint8_t *rgb)
{
    float kr, kb;
    t_coefs(bt709, &kr, &kb);
    float yy = full ? y / 255 : (y - 16) / 219;
    float pb = (u - 128) / (full ? 255 : 224), pr = (v - 128) / (full ? 255 : 224);
    float r = yy + 2 * (1 - kr) * pr, b = yy + 2 * (1 - kb) * pb;
    float g = (yy - kr * r - kb * b) / (1 - kr - kb);
    rgb[0] = t_clamp(255 * r);
    rgb[1] = t_clamp(255 * g);
    rgb[2] = t_clamp(255 * b);
}

/* Write an RGB24 picture (w*h*3) into any frame format (chroma: 2x2 / 2x1 average). */
static inline void tf_from_rgb(TFrame *t, const uint8_t *rgb)
{
    CcFrame *f = &t->f;
    int w = f->width, h = f->height, bt709 = f->matrix == CC_MATRIX_BT709;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const uint8_t *s = rgb + 3 * ((size_t)y * w + x);
            uint8_t *d = f->data[0] + (size_t)y * f->stride[0];
            switch (f->format) {
            case CC_PIX_RGBA: d[4*x] = s[0]; d[4*x+1] = s[1]; d[4*x+2] = s[2]; d[4*x+3] = 255; break;
            case CC_PIX_BGRA: d[4*x] = s[2]; d[4*x+1] = s[1]; d[4*x+2] = s[0]; d[4*x+3] = 255; break;
            case CC_PIX_RGB24: memcpy(d + 3 * x, s, 3); break;
            default: {
                float yy, u, v;
                t_rgb2yuv(bt709, f->full_range, s, &yy, &u, &v);
                if (f->format == CC_PIX_YUYV)
                    d[2 * x] = t_clamp(yy);
                else
                    d[x] = t_clamp(yy);
            }
            }
        }
    if (f->format != CC_PIX_I420 && f->format != CC_PIX_NV12 && f->format != CC_PIX_YUYV)
        return;
    int sy = f->format == CC_PIX_YUYV ? 1 : 2;
    int cw = (w + 1) / 2, ch = (h + sy - 1) / sy;
    for (int cy = 0; cy < ch; cy++)
        for (int cx = 0; cx < cw; cx++) {
            float su = 0, sv = 0;
            int n = 0;
            for (int dy = 0; dy < sy; dy++)
                for (int dx = 0; dx < 2; dx++) {
                    int x = 2 * cx + dx, y = sy * cy + dy;
                    if (x >= w || y >= h)
                        continue;
                    float yy, u, v;
                    t_rgb2yuv(bt709, f->full_range, rgb + 3 * ((size_t)y * w + x), &yy, &u, &v);
                    su += u;
                    sv += v;
                    n++;
                }
            uint8_t u = t_clamp(su / n), v = t_clamp(sv / n);
            if (f->format == CC_PIX_I420) {
                f->data[1][(size_t)cy * f->stride[1] + cx] = u;
                f->data[2][(size_t)cy * f->stride[2] + cx] = v;
            } else if (f->format == CC_PIX_NV12) {
                f->data[1][(size_t)cy * f->stride[1] + 2 * cx] = u;
                f->data[1][(size_t)cy * f->stride[1] + 2 * cx + 1] = v;
            } else {
                uint8_t *d = f->data[0] + (size_t)cy * f->stride[0];
                d[4 * cx + 1] = u;
                d[4 * cx + 3] = v;
            }
        }
}

/* Read back any frame as RGB24 (chroma nearest). */
static inline void tf_to_rgb(const TFrame *t, uint8_t *rgb)
{
    const CcFrame *f = &t->f;
    int w = f->width, h = f->height, bt709 = f->matrix == CC_MATRIX_BT709;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *d = rgb + 3 * ((size_t)y * w + x);
            const uint8_t *s = f->data[0] + (size_t)y * f->stride[0];
            int yy, u, v;
            switch (f->format) {
            case CC_PIX_RGBA: d[0] = s[4*x]; d[1] = s[4*x+1]; d[2] = s[4*x+2]; continue;
            case CC_PIX_BGRA: d[0] = s[4*x+2]; d[1] = s[4*x+1]; d[2] = s[4*x]; continue;
            case CC_PIX_RGB24: memcpy(d, s + 3 * x, 3); continue;
            case CC_PIX_I420:
                yy = s[x];
                u = f->data[1][(size_t)(y / 2) * f->stride[1] + x / 2];
                v = f->data[2][(size_t)(y / 2) * f->stride[2] + x / 2];
                break;
            case CC_PIX_NV12:
                yy = s[x];
                u = f->data[1][(size_t)(y / 2) * f->stride[1] + 2 * (x / 2)];
                v = f->data[1][(size_t)(y / 2) * f->stride[1] + 2 * (x / 2) + 1];
                break;
            default:
                yy = s[2 * x];
                u = s[4 * (x / 2) + 1];
                v = s[4 * (x / 2) + 3];
                break;
            }
            t_yuv2rgb(bt709, f->full_range, (float)yy, (float)u, (float)v, d);
        }
}

static inline uint32_t t_rand(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* A textured test picture: smooth colour ramps plus fine noise and a few edges. */
static inline uint8_t *t_picture(int w, int h, uint32_t seed)
{
    uint8_t *p = malloc((size_t)w * h * 3);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *d = p + 3 * ((size_t)y * w + x);
            int n = (int)(t_rand(&seed) % 41) - 20;
            int stripe = ((x / 3) & 1) ? 40 : -40;
            d[0] = (uint8_t)fmax(0, fmin(255, 40 + 170.0 * x / (w > 1 ? w - 1 : 1) + n + stripe));
            d[1] = (uint8_t)fmax(0, fmin(255, 200 - 150.0 * y / (h > 1 ? h - 1 : 1) + n));
            d[2] = (uint8_t)fmax(0, fmin(255, 128 + 90 * sin(x * 0.3) * cos(y * 0.2) + n));
        }
    return p;
}

/* Elliptic "person" mask with a soft edge of about 3 pixels. */
static inline uint8_t *t_mask_ellipse(int w, int h, int stride)
{
    uint8_t *m = malloc((size_t)stride * h);
    memset(m, 0x5A, (size_t)stride * h);
    double cx = w * 0.5, cy = h * 0.65, rx = w * 0.28, ry = h * 0.45;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry;
            double d = (sqrt(dx * dx + dy * dy) - 1.0) * fmin(rx, ry); /* ~pixels outside */
            double a = 0.5 - d / 3.0;
            m[(size_t)y * stride + x] = (uint8_t)(255 * fmax(0, fmin(1, a)) + 0.5);
        }
    return m;
}

#endif
