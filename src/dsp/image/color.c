/*
 * RGB <-> YUV for single pixels (colour settings, background images): BT.601/BT.709,
 * full (0..255) or limited (Y 16..235, UV 16..240) range. Float, rounded, clamped.
 */
#include "dsp/image/image.h"

#include <math.h>

void cc_yuv_coefs(CcYuvCoefs *k, int bt709, int full_range)
{
    k->kr = bt709 ? 0.2126f : 0.299f;
    k->kb = bt709 ? 0.0722f : 0.114f;
    k->y_off = full_range ? 0.0f : 16.0f;
    k->y_scale = full_range ? 255.0f : 219.0f;
    k->c_scale = full_range ? 255.0f : 224.0f;
}

static uint8_t clamp_u8(float v)
{
    v = floorf(v + 0.5f);
    return (uint8_t)(v < 0.0f ? 0.0f : v > 255.0f ? 255.0f : v);
}

void cc_rgb_to_yuv(const CcYuvCoefs *k, int r, int g, int b, uint8_t *y, uint8_t *u, uint8_t *v)
{
    float rf = r / 255.0f, gf = g / 255.0f, bf = b / 255.0f;
    float yf = k->kr * rf + (1.0f - k->kr - k->kb) * gf + k->kb * bf;
    float cb = (bf - yf) / (2.0f * (1.0f - k->kb));
    float cr = (rf - yf) / (2.0f * (1.0f - k->kr));
    *y = clamp_u8(k->y_off + k->y_scale * yf);
    *u = clamp_u8(128.0f + k->c_scale * cb);
    *v = clamp_u8(128.0f + k->c_scale * cr);
}

void cc_yuv_to_rgb(const CcYuvCoefs *k, int y, int u, int v, uint8_t *r, uint8_t *g, uint8_t *b)
{
    float yf = (y - k->y_off) / k->y_scale;
    float cb = (u - 128.0f) / k->c_scale;
    float cr = (v - 128.0f) / k->c_scale;
    float rf = yf + 2.0f * (1.0f - k->kr) * cr;
    float bf = yf + 2.0f * (1.0f - k->kb) * cb;
    float gf = (yf - k->kr * rf - k->kb * bf) / (1.0f - k->kr - k->kb);
    *r = clamp_u8(255.0f * rf);
    *g = clamp_u8(255.0f * gf);
    *b = clamp_u8(255.0f * bf);
}
