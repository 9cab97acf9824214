/*
 * HD development set builder (data/build_hd.sh): one clip of franck (0-80 s, blue screen)
 * keyed and composited onto a photographic background, with the exact compositing alpha.
 *
 *   hd_composite FRANCK.y4m BG.ppm PLACE SEED START NFRAMES OUT.y4m OUT_ALPHA.gray
 *
 * BG.ppm has the output size (W x H). PLACE: close (the person's frame fills 0.95-1.1 of
 * the height), mid (0.5-0.65), third (0.3-0.38). START: first frame of FRANCK.y4m; NFRAMES
 * consecutive frames. OUT.y4m: I420, BT.601 limited range; OUT_ALPHA.gray: raw 8-bit alpha,
 * NFRAMES frames of W x H (255 = person), the alpha the composite was made with.
 *
 * Per frame:
 *  1. franck I420 -> RGB (BT.601 limited, bilinear chroma).
 *  2. Screen plate K(x): mean colour of sure-screen pixels (DATA.md rule b > 120, b - r > 60,
 *     b - g > 30) in 16 px blocks, empty blocks filled from their neighbours, bilinear.
 *  3. Soft key: blue excess e = b - max(r, g), ratio q = e(C) / e(K);
 *     alpha = clamp((0.65 - q) / 0.3): 1 at q <= 0.35, 0 at q >= 0.65.
 *  4. Only what is connected to the bottom row stays (alpha >= 0.5 seeds, 4-neighbour flood,
 *     then 2 px of soft edge around it); the rest (the camera at the left edge, noise) is 0.
 *  5. Un-mix the screen: F = (C - (1 - alpha) K) / alpha, blue spill clamped to max(r, g);
 *     premultiplied P = alpha F.
 *  6. Seeded placement: scale s, mirror, the side where franck's frame cuts the shoulders
 *     lies on or beyond the output frame's edge (no straight cut inside the picture); the
 *     bottom row on the output's bottom row. alpha and P are sampled bilinearly (half-pixel
 *     centres), composite = P g + (1 - alpha) B, g a seeded foreground gain (lighting).
 *  7. Seeded camera noise (Gaussian per channel, sigma 1.5-3.5), then RGB -> I420.
 * Deterministic: xorshift64* from SEED, no floating-point in the random choices that depends
 * on the platform beyond IEEE single/double arithmetic.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "y4m.h"

static uint64_t rng_state;
static double urand(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}
static double urange(double a, double b)
{
    return a + (b - a) * urand();
}
static double gauss(void)
{
    double u = urand(), v = urand();
    if (u < 1e-12)
        u = 1e-12;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int read_ppm(const char *path, uint8_t **pix, int *w, int *h)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    int maxv;
    if (fscanf(f, "P6 %d %d %d", w, h, &maxv) != 3 || maxv != 255 || fgetc(f) == EOF) {
        fclose(f);
        return -1;
    }
    size_t n = (size_t)*w * *h * 3;
    *pix = malloc(n);
    int ok = *pix && fread(*pix, 1, n, f) == n;
    fclose(f);
    return ok ? 0 : -1;
}

/* franck frame -> rgb (h, w, 3) floats 0..255 */
static void i420_to_rgb(const CcY4m *y, float *rgb)
{
    const int w = y->width, h = y->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
    for (int j = 0; j < h; j++) {
        float fy = (j + 0.5f) * 0.5f - 0.5f;
        fy = clampf(fy, 0.0f, (float)(ch - 1));
        int y0 = (int)fy, y1 = y0 + 1 < ch ? y0 + 1 : y0;
        float wy = fy - y0;
        for (int i = 0; i < w; i++) {
            float fx = clampf((i + 0.5f) * 0.5f - 0.5f, 0.0f, (float)(cw - 1));
            int x0 = (int)fx, x1 = x0 + 1 < cw ? x0 + 1 : x0;
            float wx = fx - x0;
            float c[2];
            for (int p = 0; p < 2; p++) {
                const uint8_t *pl = y->planes[1 + p];
                float t = pl[y0 * cw + x0] + (pl[y0 * cw + x1] - pl[y0 * cw + x0]) * wx;
                float b = pl[y1 * cw + x0] + (pl[y1 * cw + x1] - pl[y1 * cw + x0]) * wx;
                c[p] = (t + (b - t) * wy - 128.0f) * (255.0f / 224.0f);
            }
            float Y = (y->planes[0][j * w + i] - 16.0f) * (255.0f / 219.0f);
            float *o = rgb + ((size_t)j * w + i) * 3;
            o[0] = clampf(Y + 1.402f * c[1], 0.0f, 255.0f);
            o[1] = clampf(Y - 0.344136f * c[0] - 0.714136f * c[1], 0.0f, 255.0f);
            o[2] = clampf(Y + 1.772f * c[0], 0.0f, 255.0f);
        }
    }
}

#define BLK 16

/* Screen plate (h, w, 3) from sure-screen pixels, block means filled outwards. */
static void screen_plate(const float *rgb, int w, int h, float *plate)
{
    const int bw = (w + BLK - 1) / BLK, bh = (h + BLK - 1) / BLK;
    float *sum = calloc((size_t)bw * bh * 3, sizeof(float)), *tmp = malloc((size_t)bw * bh * 3 * sizeof(float));
    int *cnt = calloc((size_t)bw * bh, sizeof(int)), *cnt2 = malloc((size_t)bw * bh * sizeof(int));
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++) {
            const float *c = rgb + ((size_t)j * w + i) * 3;
            if (c[2] > 120 && c[2] - c[0] > 60 && c[2] - c[1] > 30) {
                int b = (j / BLK) * bw + i / BLK;
                for (int k = 0; k < 3; k++)
                    sum[b * 3 + k] += c[k];
                cnt[b]++;
            }
        }
    for (int b = 0; b < bw * bh; b++) {
        if (cnt[b] >= 8) {
            for (int k = 0; k < 3; k++)
                sum[b * 3 + k] /= cnt[b];
            cnt[b] = 1;
        } else {
            cnt[b] = 0;
        }
    }
    /* Fill empty blocks with the mean of filled 8-neighbours, pass after pass. */
    for (int pass = 0; pass < bw + bh; pass++) {
        int empty = 0;
        memcpy(tmp, sum, (size_t)bw * bh * 3 * sizeof(float));
        memcpy(cnt2, cnt, (size_t)bw * bh * sizeof(int));
        for (int by = 0; by < bh; by++)
            for (int bx = 0; bx < bw; bx++) {
                int b = by * bw + bx;
                if (cnt[b])
                    continue;
                float s[3] = { 0, 0, 0 };
                int n = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++) {
                        int x = bx + dx, y = by + dy;
                        if (x < 0 || y < 0 || x >= bw || y >= bh || !cnt[y * bw + x])
                            continue;
                        for (int k = 0; k < 3; k++)
                            s[k] += sum[(y * bw + x) * 3 + k];
                        n++;
                    }
                if (n) {
                    for (int k = 0; k < 3; k++)
                        tmp[b * 3 + k] = s[k] / n;
                    cnt2[b] = 1;
                } else {
                    empty = 1;
                }
            }
        memcpy(sum, tmp, (size_t)bw * bh * 3 * sizeof(float));
        memcpy(cnt, cnt2, (size_t)bw * bh * sizeof(int));
        if (!empty)
            break;
    }
    for (int j = 0; j < h; j++) {
        float fy = clampf((j + 0.5f) / BLK - 0.5f, 0.0f, (float)(bh - 1));
        int y0 = (int)fy, y1 = y0 + 1 < bh ? y0 + 1 : y0;
        float wy = fy - y0;
        for (int i = 0; i < w; i++) {
            float fx = clampf((i + 0.5f) / BLK - 0.5f, 0.0f, (float)(bw - 1));
            int x0 = (int)fx, x1 = x0 + 1 < bw ? x0 + 1 : x0;
            float wx = fx - x0;
            for (int k = 0; k < 3; k++) {
                float t = sum[(y0 * bw + x0) * 3 + k] + (sum[(y0 * bw + x1) * 3 + k] - sum[(y0 * bw + x0) * 3 + k]) * wx;
                float b = sum[(y1 * bw + x0) * 3 + k] + (sum[(y1 * bw + x1) * 3 + k] - sum[(y1 * bw + x0) * 3 + k]) * wx;
                plate[((size_t)j * w + i) * 3 + k] = t + (b - t) * wy;
            }
        }
    }
    free(sum);
    free(tmp);
    free(cnt);
    free(cnt2);
}

/* Soft key + un-mix: alpha (h, w) 0..1, prem (h, w, 3) premultiplied foreground. */
static void key_frame(const float *rgb, const float *plate, int w, int h, float *alpha, float *prem,
                      uint8_t *seed, int *stack)
{
    const size_t n = (size_t)w * h;
    for (size_t i = 0; i < n; i++) {
        const float *c = rgb + i * 3, *k = plate + i * 3;
        float ek = k[2] - fmaxf(k[0], k[1]);
        float ec = c[2] - fmaxf(c[0], c[1]);
        float q = ek > 1.0f ? ec / ek : 0.0f;
        alpha[i] = clampf((0.65f - q) / 0.3f, 0.0f, 1.0f);
    }
    /* Keep what is connected to the bottom row (seeds: alpha >= 0.5). */
    memset(seed, 0, n);
    int sp = 0;
    for (int x = 0; x < w; x++) {
        size_t i = (size_t)(h - 1) * w + x;
        if (alpha[i] >= 0.5f) {
            seed[i] = 1;
            stack[sp++] = (int)i;
        }
    }
    while (sp) {
        int i = stack[--sp], x = i % w, y = i / w;
        int nb[4] = { x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1,
                      y < h - 1 ? i + w : -1 };
        for (int k = 0; k < 4; k++)
            if (nb[k] >= 0 && !seed[nb[k]] && alpha[nb[k]] >= 0.5f) {
                seed[nb[k]] = 1;
                stack[sp++] = nb[k];
            }
    }
    /* Soft edge: alpha survives within 2 px (Chebyshev) of a kept seed. */
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            if (seed[i] || alpha[i] <= 0.0f)
                continue;
            int near = 0;
            for (int dy = -2; dy <= 2 && !near; dy++)
                for (int dx = -2; dx <= 2 && !near; dx++) {
                    int xx = x + dx, yy = y + dy;
                    near = xx >= 0 && yy >= 0 && xx < w && yy < h && seed[(size_t)yy * w + xx] == 1;
                }
            if (!near)
                alpha[i] = 0.0f;
        }
    for (size_t i = 0; i < n; i++) {
        float a = alpha[i];
        float *p = prem + i * 3;
        if (a < 0.004f) {
            alpha[i] = 0.0f;
            p[0] = p[1] = p[2] = 0.0f;
            continue;
        }
        const float *c = rgb + i * 3, *k = plate + i * 3;
        float f[3];
        for (int j = 0; j < 3; j++)
            f[j] = clampf((c[j] - (1.0f - a) * k[j]) / a, 0.0f, 255.0f);
        f[2] = fminf(f[2], fmaxf(f[0], f[1])); /* blue spill */
        for (int j = 0; j < 3; j++)
            p[j] = a * f[j];
    }
}

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "usage: hd_composite FRANCK.y4m BG.ppm close|mid|third SEED START NFRAMES "
                        "OUT.y4m OUT_ALPHA.gray\n");
        return 2;
    }
    const char *place = argv[3];
    rng_state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)strtoull(argv[4], NULL, 10) * 0x100000001B3ULL;
    if (!rng_state)
        rng_state = 1;
    const int start = atoi(argv[5]), nframes = atoi(argv[6]);
    uint8_t *bg;
    int W, H;
    if (read_ppm(argv[2], &bg, &W, &H) || (W & 1) || (H & 1)) {
        fprintf(stderr, "hd_composite: cannot read %s (8-bit P6, even size)\n", argv[2]);
        return 1;
    }
    CcY4m y;
    if (cc_y4m_open(&y, argv[1]))
        return 1;
    const int w = y.width, h = y.height;
    double lo, hi;
    if (!strcmp(place, "close"))
        lo = 0.95, hi = 1.10;
    else if (!strcmp(place, "mid"))
        lo = 0.50, hi = 0.65;
    else if (!strcmp(place, "third"))
        lo = 0.30, hi = 0.38;
    else {
        fprintf(stderr, "hd_composite: placement %s is not close, mid or third\n", place);
        return 2;
    }
    /* Seeded clip parameters (drawn in a fixed order). */
    const double s = urange(lo, hi) * H / h;      /* franck px -> output px */
    const int mirror = urand() < 0.5;
    const double overhang = urange(0.0, 0.25) * w * s; /* cut side beyond the output edge */
    const float gain = (float)urange(0.85, 1.15);
    const float sigma = (float)urange(1.5, 3.5);
    /* franck's frame cuts the shoulders on its right side: that side goes on an output edge. */
    const double ox = mirror ? -overhang : W - w * s + overhang; /* output x of source x = 0 (after mirroring) */
    const double oy = H - h * s;
    fprintf(stderr, "hd_composite: %s %dx%d scale %.3f mirror %d overhang %.0f gain %.3f noise %.2f\n",
            place, W, H, s, mirror, overhang, gain, sigma);

    const size_t n = (size_t)w * h;
    float *rgb = malloc(n * 3 * sizeof(float)), *plate = malloc(n * 3 * sizeof(float));
    float *alpha = malloc(n * sizeof(float)), *prem = malloc(n * 3 * sizeof(float));
    uint8_t *seed = malloc(n);
    int *stack = malloc(n * sizeof(int));
    float *out = malloc((size_t)W * H * 3 * sizeof(float));
    uint8_t *a8 = malloc((size_t)W * H), *yuv = malloc((size_t)W * H * 3 / 2);
    FILE *fo = fopen(argv[7], "wb"), *fa = fopen(argv[8], "wb");
    if (!fo || !fa) {
        fprintf(stderr, "hd_composite: cannot write %s / %s\n", argv[7], argv[8]);
        return 1;
    }
    fprintf(fo, "YUV4MPEG2 W%d H%d F5:1 Ip A1:1 C420mpeg2\n", W, H);
    int idx = 0, done = 0, r;
    while (done < nframes && (r = cc_y4m_read(&y)) == 1) {
        if (idx++ < start)
            continue;
        i420_to_rgb(&y, rgb);
        screen_plate(rgb, w, h, plate);
        key_frame(rgb, plate, w, h, alpha, prem, seed, stack);
        for (int j = 0; j < H; j++) {
            float v = (float)((j - oy + 0.5) / s - 0.5);
            int inside_y = v > -1.0f;
            v = clampf(v, 0.0f, (float)(h - 1));
            int y0 = (int)v, y1 = y0 + 1 < h ? y0 + 1 : y0;
            float wy = v - y0;
            for (int i = 0; i < W; i++) {
                float u = (float)((i - ox + 0.5) / s - 0.5);
                float a = 0.0f, p[3] = { 0, 0, 0 };
                if (inside_y && u > -1.0f && u < w) {
                    u = clampf(u, 0.0f, (float)(w - 1));
                    if (mirror)
                        u = (float)(w - 1) - u;
                    int x0 = (int)u, x1 = x0 + 1 < w ? x0 + 1 : x0;
                    float wx = u - x0;
                    size_t i00 = (size_t)y0 * w + x0, i01 = (size_t)y0 * w + x1;
                    size_t i10 = (size_t)y1 * w + x0, i11 = (size_t)y1 * w + x1;
                    float w00 = (1 - wx) * (1 - wy), w01 = wx * (1 - wy), w10 = (1 - wx) * wy, w11 = wx * wy;
                    a = alpha[i00] * w00 + alpha[i01] * w01 + alpha[i10] * w10 + alpha[i11] * w11;
                    for (int k = 0; k < 3; k++)
                        p[k] = prem[i00 * 3 + k] * w00 + prem[i01 * 3 + k] * w01 +
                               prem[i10 * 3 + k] * w10 + prem[i11 * 3 + k] * w11;
                }
                size_t o = (size_t)j * W + i;
                const uint8_t *b = bg + o * 3;
                for (int k = 0; k < 3; k++)
                    out[o * 3 + k] = clampf(p[k] * gain, 0.0f, 255.0f) + (1.0f - a) * b[k] +
                                     sigma * (float)gauss();
                a8[o] = (uint8_t)lrintf(clampf(a, 0.0f, 1.0f) * 255.0f);
            }
        }
        /* RGB -> I420, BT.601 limited range; chroma from the 2x2 mean. */
        uint8_t *Y = yuv, *U = yuv + (size_t)W * H, *V = U + (size_t)W * H / 4;
        for (size_t o = 0; o < (size_t)W * H; o++) {
            float R = clampf(out[o * 3], 0, 255), G = clampf(out[o * 3 + 1], 0, 255), B = clampf(out[o * 3 + 2], 0, 255);
            Y[o] = (uint8_t)lrintf(16.0f + (65.481f * R + 128.553f * G + 24.966f * B) / 255.0f);
        }
        for (int j = 0; j < H / 2; j++)
            for (int i = 0; i < W / 2; i++) {
                float R = 0, G = 0, B = 0;
                for (int dy = 0; dy < 2; dy++)
                    for (int dx = 0; dx < 2; dx++) {
                        const float *c = out + ((size_t)(2 * j + dy) * W + 2 * i + dx) * 3;
                        R += clampf(c[0], 0, 255);
                        G += clampf(c[1], 0, 255);
                        B += clampf(c[2], 0, 255);
                    }
                R *= 0.25f, G *= 0.25f, B *= 0.25f;
                U[j * (W / 2) + i] = (uint8_t)lrintf(128.0f + (-37.797f * R - 74.203f * G + 112.0f * B) / 255.0f);
                V[j * (W / 2) + i] = (uint8_t)lrintf(128.0f + (112.0f * R - 93.786f * G - 18.214f * B) / 255.0f);
            }
        fputs("FRAME\n", fo);
        if (fwrite(yuv, 1, (size_t)W * H * 3 / 2, fo) != (size_t)W * H * 3 / 2 ||
            fwrite(a8, 1, (size_t)W * H, fa) != (size_t)W * H) {
            fprintf(stderr, "hd_composite: write failed\n");
            return 1;
        }
        done++;
    }
    if (done != nframes) {
        fprintf(stderr, "hd_composite: only %d of %d frames (start %d)\n", done, nframes, start);
        return 1;
    }
    if (fclose(fo) || fclose(fa))
        return 1;
    cc_y4m_close(&y);
    free(rgb), free(plate), free(alpha), free(prem), free(seed), free(stack), free(out), free(a8), free(yuv), free(bg);
    return 0;
}
