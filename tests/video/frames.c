#include "frames.h"

#include <stdlib.h>
#include <string.h>

static uint8_t clip(float v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)(v + 0.5f);
}

static void yuv(const uint8_t *p, float *y, float *u, float *v)
{
    *y = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
    *u = (p[2] - *y) / 1.772f + 128.0f;
    *v = (p[0] - *y) / 1.402f + 128.0f;
}

int test_frame_make(TestFrame *t, CcPixelFormat fmt, const uint8_t *rgb, int w, int h, int pad)
{
    memset(t, 0, sizeof(*t));
    CcFrame *f = &t->frame;
    f->format = fmt;
    f->width = w;
    f->height = h;
    f->matrix = CC_MATRIX_BT601;
    f->full_range = 1;
    int cw = (w + 1) / 2, ch = (h + 1) / 2;
    int bpp = fmt == CC_PIX_RGBA || fmt == CC_PIX_BGRA ? 4 : fmt == CC_PIX_RGB24 ? 3
            : fmt == CC_PIX_YUYV ? 2 : 1;
    f->stride[0] = w * bpp + pad;
    t->buf[0] = malloc((size_t)f->stride[0] * h);
    memset(t->buf[0], 0xAB, (size_t)f->stride[0] * h);
    f->data[0] = t->buf[0];
    if (fmt == CC_PIX_I420 || fmt == CC_PIX_NV12) {
        int np = fmt == CC_PIX_I420 ? 3 : 2;
        for (int i = 1; i < np; i++) {
            f->stride[i] = (fmt == CC_PIX_I420 ? cw : cw * 2) + pad;
            t->buf[i] = malloc((size_t)f->stride[i] * ch);
            memset(t->buf[i], 0xAB, (size_t)f->stride[i] * ch);
            f->data[i] = t->buf[i];
        }
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const uint8_t *p = rgb + ((size_t)y * w + x) * 3;
            uint8_t *r0 = t->buf[0] + (size_t)y * f->stride[0];
            float Y, U, V;
            yuv(p, &Y, &U, &V);
            switch (fmt) {
            case CC_PIX_RGBA: memcpy(r0 + x * 4, p, 3); r0[x * 4 + 3] = 255; break;
            case CC_PIX_BGRA:
                r0[x * 4] = p[2]; r0[x * 4 + 1] = p[1]; r0[x * 4 + 2] = p[0]; r0[x * 4 + 3] = 255;
                break;
            case CC_PIX_RGB24: memcpy(r0 + x * 3, p, 3); break;
            default: r0[fmt == CC_PIX_YUYV ? x * 2 : x] = clip(Y); break;
            }
        }
    if (fmt == CC_PIX_I420 || fmt == CC_PIX_NV12 || fmt == CC_PIX_YUYV) {
        int rows = fmt == CC_PIX_YUYV ? h : ch;
        for (int cy = 0; cy < rows; cy++)
            for (int cx = 0; cx < cw; cx++) {
                float su = 0, sv = 0;
                int n = 0;
                int y0 = fmt == CC_PIX_YUYV ? cy : cy * 2, y1 = fmt == CC_PIX_YUYV ? cy : cy * 2 + 1;
                for (int y = y0; y <= y1 && y < h; y++)
                    for (int x = cx * 2; x <= cx * 2 + 1 && x < w; x++) {
                        float Y, U, V;
                        yuv(rgb + ((size_t)y * w + x) * 3, &Y, &U, &V);
                        su += U;
                        sv += V;
                        n++;
                    }
                uint8_t U = clip(su / n), V = clip(sv / n);
                if (fmt == CC_PIX_I420) {
                    t->buf[1][(size_t)cy * f->stride[1] + cx] = U;
                    t->buf[2][(size_t)cy * f->stride[2] + cx] = V;
                } else if (fmt == CC_PIX_NV12) {
                    t->buf[1][(size_t)cy * f->stride[1] + cx * 2] = U;
                    t->buf[1][(size_t)cy * f->stride[1] + cx * 2 + 1] = V;
                } else {
                    uint8_t *r = t->buf[0] + (size_t)cy * f->stride[0];
                    r[cx * 4 + 1] = U;
                    r[cx * 4 + 3] = V;
                }
            }
    }
    return 0;
}

void test_frame_free(TestFrame *t)
{
    for (int i = 0; i < 3; i++)
        free(t->buf[i]);
    memset(t, 0, sizeof(*t));
}
