/*
 * Scale-to-cover resize for background images (once per background and frame size,
 * never per frame). Separable triangle filter: radius 1 source pixel when enlarging
 * (bilinear), 1/scale when shrinking so every source pixel contributes (area-like,
 * no aliasing). Rows first, then columns, one output row at a time.
 */
#include "dsp/image/image.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "common.h"

typedef struct Taps {
    int *first;    /* (n) first source index */
    int *count;    /* (n) taps */
    float *weight; /* (n, max_taps) */
    int max_taps;
} Taps;

static void taps_free(Taps *t)
{
    free(t->first);
    free(t->count);
    free(t->weight);
}

/* n outputs from a source of src_n samples, window [off, off + n/scale) of it. */
static int taps_init(Taps *t, int n, int src_n, double scale, double off)
{
    double radius = scale < 1.0 ? 1.0 / scale : 1.0;
    t->max_taps = (int)ceil(2.0 * radius) + 2;
    t->first = cc_calloc((size_t)n, sizeof(int));
    t->count = cc_calloc((size_t)n, sizeof(int));
    t->weight = cc_calloc((size_t)n * t->max_taps, sizeof(float));
    if (!t->first || !t->count || !t->weight)
        return CC_ERR(ENOMEM);
    for (int i = 0; i < n; i++) {
        double u = off + (i + 0.5) / scale - 0.5;
        int j0 = (int)ceil(u - radius), j1 = (int)floor(u + radius);
        if (j1 - j0 + 1 > t->max_taps)
            j1 = j0 + t->max_taps - 1;
        int lo = CC_CLAMP(j0, 0, src_n - 1), hi = CC_CLAMP(j1, 0, src_n - 1);
        float *w = t->weight + (size_t)i * t->max_taps;
        double sum = 0.0;
        for (int j = j0; j <= j1; j++) {
            double wt = 1.0 - fabs(j - u) / radius;
            if (wt <= 0.0)
                continue;
            int jc = CC_CLAMP(j, 0, src_n - 1);
            w[jc - lo] += (float)wt;
            sum += wt;
        }
        if (sum <= 0.0) { /* cannot happen with radius >= 1, but stay safe */
            int jc = CC_CLAMP((int)floor(u + 0.5), 0, src_n - 1);
            lo = hi = jc;
            w[0] = 1.0f;
            sum = 1.0;
        }
        for (int k = 0; k <= hi - lo; k++)
            w[k] = (float)(w[k] / sum);
        t->first[i] = lo;
        t->count[i] = hi - lo + 1;
    }
    return 0;
}

int cc_resize_cover_rgb(uint8_t *dst, int dw, int dh, const uint8_t *src, int sw, int sh)
{
    double scale = CC_MAX((double)dw / sw, (double)dh / sh);
    double offx = (sw - dw / scale) * 0.5, offy = (sh - dh / scale) * 0.5;
    Taps tx = {0}, ty = {0};
    float *row = cc_calloc((size_t)sw * 3, sizeof(float));
    int ret = row ? 0 : CC_ERR(ENOMEM);
    if (!ret)
        ret = taps_init(&tx, dw, sw, scale, offx);
    if (!ret)
        ret = taps_init(&ty, dh, sh, scale, offy);
    if (ret)
        goto end;
    for (int y = 0; y < dh; y++) {
        const float *wy = ty.weight + (size_t)y * ty.max_taps;
        for (int i = 0; i < sw * 3; i++)
            row[i] = 0.0f;
        for (int k = 0; k < ty.count[y]; k++) {
            const uint8_t *s = src + (size_t)(ty.first[y] + k) * sw * 3;
            for (int i = 0; i < sw * 3; i++)
                row[i] += wy[k] * s[i];
        }
        uint8_t *d = dst + (size_t)y * dw * 3;
        for (int x = 0; x < dw; x++) {
            const float *wx = tx.weight + (size_t)x * tx.max_taps;
            const float *s = row + (size_t)tx.first[x] * 3;
            float r = 0.0f, g = 0.0f, b = 0.0f;
            for (int k = 0; k < tx.count[x]; k++) {
                r += wx[k] * s[3 * k];
                g += wx[k] * s[3 * k + 1];
                b += wx[k] * s[3 * k + 2];
            }
            d[3 * x] = (uint8_t)CC_CLAMP((int)(r + 0.5f), 0, 255);
            d[3 * x + 1] = (uint8_t)CC_CLAMP((int)(g + 0.5f), 0, 255);
            d[3 * x + 2] = (uint8_t)CC_CLAMP((int)(b + 0.5f), 0, 255);
        }
    }
end:
    free(row);
    taps_free(&tx);
    taps_free(&ty);
    return ret;
}
