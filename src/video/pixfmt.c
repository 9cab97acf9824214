/*
 * Pixel access for the segmenter. The model sees RGB; the guide of the matte refinement
 * is luma. Both are read straight from the frame in its own format, so a YUV camera frame
 * is never converted whole to RGB: the tensor samples only model-size points, and luma of
 * a YUV frame is its Y plane.
 */
#include "pixfmt.h"

#include <math.h>

#include "common.h"

int cc_frame_validate(const CcFrame *f, const char *who)
{
    if (!f) {
        cc_log(CC_LOG_ERROR, "%s: frame is NULL", who);
        return CC_ERR(EINVAL);
    }
    if (f->width < 1 || f->height < 1 || f->width > 16384 || f->height > 16384) {
        cc_log(CC_LOG_ERROR, "%s: frame size %dx%d out of range (1..16384)", who, f->width,
               f->height);
        return CC_ERR(EINVAL);
    }
    int planes, min_stride[3] = { 0, 0, 0 };
    int cw = (f->width + 1) / 2;
    switch (f->format) {
    case CC_PIX_RGBA:
    case CC_PIX_BGRA: planes = 1; min_stride[0] = f->width * 4; break;
    case CC_PIX_RGB24: planes = 1; min_stride[0] = f->width * 3; break;
    case CC_PIX_I420:
        planes = 3;
        min_stride[0] = f->width;
        min_stride[1] = min_stride[2] = cw;
        break;
    case CC_PIX_NV12:
        planes = 2;
        min_stride[0] = f->width;
        min_stride[1] = cw * 2;
        break;
    case CC_PIX_YUYV:
        if (f->width & 1) {
            cc_log(CC_LOG_ERROR, "%s: YUYV frame width %d is odd", who, f->width);
            return CC_ERR(EINVAL);
        }
        planes = 1;
        min_stride[0] = f->width * 2;
        break;
    default:
        cc_log(CC_LOG_ERROR, "%s: unknown pixel format %d", who, (int)f->format);
        return CC_ERR(EINVAL);
    }
    for (int i = 0; i < planes; i++) {
        if (!f->data[i]) {
            cc_log(CC_LOG_ERROR, "%s: plane %d pointer is NULL", who, i);
            return CC_ERR(EINVAL);
        }
        if (f->stride[i] < min_stride[i]) {
            cc_log(CC_LOG_ERROR, "%s: plane %d stride %d is smaller than the row (%d bytes)",
                   who, i, f->stride[i], min_stride[i]);
            return CC_ERR(EINVAL);
        }
    }
    if (f->format >= CC_PIX_I420 && f->matrix != CC_MATRIX_BT601 && f->matrix != CC_MATRIX_BT709) {
        cc_log(CC_LOG_ERROR, "%s: unknown colour matrix %d", who, (int)f->matrix);
        return CC_ERR(EINVAL);
    }
    return 0;
}

/* YUV -> RGB coefficients (0..1 out) for a matrix and range. */
typedef struct YuvCoef {
    float y_off, y_mul, c_mul;  /* y' = (Y - y_off) * y_mul; c' = (C - 128) * c_mul */
    float rv, gu, gv, bu;
} YuvCoef;

static YuvCoef yuv_coef(const CcFrame *f)
{
    YuvCoef c;
    float kr = f->matrix == CC_MATRIX_BT709 ? 0.2126f : 0.299f;
    float kb = f->matrix == CC_MATRIX_BT709 ? 0.0722f : 0.114f;
    float kg = 1.0f - kr - kb;
    if (f->full_range) {
        c.y_off = 0.0f;
        c.y_mul = 1.0f / 255.0f;
        c.c_mul = 1.0f / 255.0f;
    } else {
        c.y_off = 16.0f;
        c.y_mul = 1.0f / 219.0f;
        c.c_mul = 1.0f / 224.0f;
    }
    c.rv = 2.0f * (1.0f - kr);
    c.bu = 2.0f * (1.0f - kb);
    c.gu = -c.bu * kb / kg;
    c.gv = -c.rv * kr / kg;
    return c;
}

/* RGB (0..1) of pixel (x, y); coordinates are in range. */
static inline void fetch_rgb(const CcFrame *f, const YuvCoef *k, int x, int y, float rgb[3])
{
    const uint8_t *p;
    int Y, U, V;
    switch (f->format) {
    case CC_PIX_RGBA:
        p = f->data[0] + (size_t)y * f->stride[0] + (size_t)x * 4;
        rgb[0] = p[0] * (1.0f / 255.0f); rgb[1] = p[1] * (1.0f / 255.0f); rgb[2] = p[2] * (1.0f / 255.0f);
        return;
    case CC_PIX_BGRA:
        p = f->data[0] + (size_t)y * f->stride[0] + (size_t)x * 4;
        rgb[0] = p[2] * (1.0f / 255.0f); rgb[1] = p[1] * (1.0f / 255.0f); rgb[2] = p[0] * (1.0f / 255.0f);
        return;
    case CC_PIX_RGB24:
        p = f->data[0] + (size_t)y * f->stride[0] + (size_t)x * 3;
        rgb[0] = p[0] * (1.0f / 255.0f); rgb[1] = p[1] * (1.0f / 255.0f); rgb[2] = p[2] * (1.0f / 255.0f);
        return;
    case CC_PIX_I420:
        Y = f->data[0][(size_t)y * f->stride[0] + x];
        U = f->data[1][(size_t)(y >> 1) * f->stride[1] + (x >> 1)];
        V = f->data[2][(size_t)(y >> 1) * f->stride[2] + (x >> 1)];
        break;
    case CC_PIX_NV12:
        Y = f->data[0][(size_t)y * f->stride[0] + x];
        p = f->data[1] + (size_t)(y >> 1) * f->stride[1] + (size_t)(x >> 1) * 2;
        U = p[0];
        V = p[1];
        break;
    default: /* YUYV */
        p = f->data[0] + (size_t)y * f->stride[0] + (size_t)(x >> 1) * 4;
        Y = p[(x & 1) * 2];
        U = p[1];
        V = p[3];
        break;
    }
    float yy = (Y - k->y_off) * k->y_mul, u = (U - 128) * k->c_mul, v = (V - 128) * k->c_mul;
    rgb[0] = CC_CLAMP(yy + k->rv * v, 0.0f, 1.0f);
    rgb[1] = CC_CLAMP(yy + k->gu * u + k->gv * v, 0.0f, 1.0f);
    rgb[2] = CC_CLAMP(yy + k->bu * u, 0.0f, 1.0f);
}

void cc_frame_to_tensor(const CcFrame *f, float *dst, int dst_w, int dst_h)
{
    YuvCoef k = yuv_coef(f);
    const float sx = (float)f->width / dst_w, sy = (float)f->height / dst_h;
    for (int oy = 0; oy < dst_h; oy++) {
        float fy = (oy + 0.5f) * sy - 0.5f;
        if (fy < 0.0f)
            fy = 0.0f;
        int y0 = (int)fy;
        if (y0 > f->height - 1)
            y0 = f->height - 1;
        int y1 = y0 + 1 < f->height ? y0 + 1 : f->height - 1;
        float wy = fy - y0;
        if (wy > 1.0f)
            wy = 1.0f;
        for (int ox = 0; ox < dst_w; ox++) {
            float fx = (ox + 0.5f) * sx - 0.5f;
            if (fx < 0.0f)
                fx = 0.0f;
            int x0 = (int)fx;
            if (x0 > f->width - 1)
                x0 = f->width - 1;
            int x1 = x0 + 1 < f->width ? x0 + 1 : f->width - 1;
            float wx = fx - x0;
            if (wx > 1.0f)
                wx = 1.0f;
            float a[3], b[3], c[3], d[3];
            fetch_rgb(f, &k, x0, y0, a);
            fetch_rgb(f, &k, x1, y0, b);
            fetch_rgb(f, &k, x0, y1, c);
            fetch_rgb(f, &k, x1, y1, d);
            float *o = dst + ((size_t)oy * dst_w + ox) * 3;
            for (int ch = 0; ch < 3; ch++) {
                float top = a[ch] + (b[ch] - a[ch]) * wx;
                float bot = c[ch] + (d[ch] - c[ch]) * wx;
                o[ch] = top + (bot - top) * wy;
            }
        }
    }
}

void cc_frame_luma_row(const CcFrame *f, int y, float *dst)
{
    const uint8_t *row = f->data[0] + (size_t)y * f->stride[0];
    const int w = f->width;
    int ri = 0, bi = 2, px = 4;
    switch (f->format) {
    case CC_PIX_I420:
    case CC_PIX_NV12:
    case CC_PIX_YUYV: {
        const int step = f->format == CC_PIX_YUYV ? 2 : 1;
        const float off = f->full_range ? 0.0f : 16.0f;
        const float mul = f->full_range ? 1.0f / 255.0f : 1.0f / 219.0f;
        for (int x = 0; x < w; x++)
            dst[x] = (row[x * step] - off) * mul;
        return;
    }
    case CC_PIX_BGRA: ri = 2; bi = 0; break;
    case CC_PIX_RGB24: px = 3; break;
    default: break;
    }
    /* BT.601 luma of RGB; the guide only needs a monotonic brightness. */
    for (int x = 0; x < w; x++) {
        const uint8_t *p = row + x * px;
        dst[x] = (0.299f * p[ri] + 0.587f * p[1] + 0.114f * p[bi]) * (1.0f / 255.0f);
    }
}

void cc_frame_luma_downsample(const CcFrame *f, int factor, float *dst)
{
    const int w = f->width, h = f->height;
    const int dw = (w + factor - 1) / factor, dh = (h + factor - 1) / factor;
    /* One luma row at a time: the caller's dst rows double as accumulators. */
    float row_buf[16384];
    for (int dy = 0; dy < dh; dy++) {
        float *out = dst + (size_t)dy * dw;
        for (int dx = 0; dx < dw; dx++)
            out[dx] = 0.0f;
        int y_end = CC_MIN(h, (dy + 1) * factor), rows = y_end - dy * factor;
        for (int y = dy * factor; y < y_end; y++) {
            cc_frame_luma_row(f, y, row_buf);
            for (int dx = 0; dx < dw; dx++) {
                int x_end = CC_MIN(w, (dx + 1) * factor);
                float s = 0.0f;
                for (int x = dx * factor; x < x_end; x++)
                    s += row_buf[x];
                out[dx] += s / (x_end - dx * factor);
            }
        }
        for (int dx = 0; dx < dw; dx++)
            out[dx] /= rows;
    }
}
