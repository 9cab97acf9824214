#include "segmetrics.h"

#include <stdlib.h>
#include <string.h>

/* ignore (h, w): 1 within band_px (Chebyshev) of a label change of gt. */
static void ignore_band(const uint8_t *gt, int w, int h, int band_px, uint8_t *ignore)
{
    memset(ignore, 0, (size_t)w * h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int i = y * w + x;
            int edge = (x > 0 && gt[i - 1] != gt[i]) || (y > 0 && gt[i - w] != gt[i]);
            if (!edge)
                continue;
            for (int dy = -band_px; dy <= band_px; dy++)
                for (int dx = -band_px; dx <= band_px; dx++) {
                    int yy = y + dy, xx = x + dx;
                    if (yy >= 0 && yy < h && xx >= 0 && xx < w)
                        ignore[yy * w + xx] = 1;
                }
        }
}

void cc_alpha_truth(const uint8_t *alpha, int w, int h, int band_px, uint8_t *gt, uint8_t *ignore)
{
    for (size_t i = 0; i < (size_t)w * h; i++)
        gt[i] = alpha[i] >= 128;
    ignore_band(gt, w, h, band_px, ignore);
}

void cc_chroma_key_truth(const uint8_t *yp, const uint8_t *up, const uint8_t *vp, int w, int h,
                         int band_px, uint8_t *gt, uint8_t *ignore)
{
    const int cw = (w + 1) / 2;
    uint8_t *fg = malloc((size_t)w * h);
    int *stack = malloc(sizeof(int) * (size_t)w * h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float Y = (yp[y * w + x] - 16) * (255.0f / 219.0f);
            float U = (up[(y / 2) * cw + x / 2] - 128) * (255.0f / 224.0f);
            float V = (vp[(y / 2) * cw + x / 2] - 128) * (255.0f / 224.0f);
            float r = Y + 1.402f * V, g = Y - 0.344136f * U - 0.714136f * V, b = Y + 1.772f * U;
            int bg = b > 120 && b - r > 60 && b - g > 30;
            fg[y * w + x] = !bg;
        }
    /* Keep only foreground connected (4-neighbourhood) to the bottom row. */
    memset(gt, 0, (size_t)w * h);
    int sp = 0;
    for (int x = 0; x < w; x++) {
        int i = (h - 1) * w + x;
        if (fg[i] && !gt[i]) {
            gt[i] = 1;
            stack[sp++] = i;
        }
    }
    while (sp) {
        int i = stack[--sp], x = i % w, y = i / w;
        int nb[4] = { x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1,
                      y < h - 1 ? i + w : -1 };
        for (int k = 0; k < 4; k++)
            if (nb[k] >= 0 && fg[nb[k]] && !gt[nb[k]]) {
                gt[nb[k]] = 1;
                stack[sp++] = nb[k];
            }
    }
    ignore_band(gt, w, h, band_px, ignore);
    free(stack);
    free(fg);
}

/* boundary (h, w): pixels whose right or lower neighbour has the other label, both sides. */
static void boundary(const uint8_t *lab, int w, int h, uint8_t *out)
{
    memset(out, 0, (size_t)w * h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int i = y * w + x;
            if (x + 1 < w && lab[i] != lab[i + 1])
                out[i] = out[i + 1] = 1;
            if (y + 1 < h && lab[i] != lab[i + w])
                out[i] = out[i + w] = 1;
        }
}

/* Counts pixels of a that have a pixel of b within tol (Chebyshev). */
static void match(const uint8_t *a, const uint8_t *b, int w, int h, int tol, double *hit,
                  double *n)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            if (!a[y * w + x])
                continue;
            *n += 1;
            int found = 0;
            for (int dy = -tol; dy <= tol && !found; dy++)
                for (int dx = -tol; dx <= tol && !found; dx++) {
                    int yy = y + dy, xx = x + dx;
                    found = yy >= 0 && yy < h && xx >= 0 && xx < w && b[yy * w + xx];
                }
            *hit += found;
        }
}

/* Chebyshev distance of every pixel to the nearest label change of gt (two-pass chamfer). */
static void edge_distance(const uint8_t *gt, int w, int h, int *d)
{
    const int inf = 1 << 20;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int i = y * w + x;
            int edge = (x > 0 && gt[i - 1] != gt[i]) || (y > 0 && gt[i - w] != gt[i]) ||
                       (x + 1 < w && gt[i + 1] != gt[i]) || (y + 1 < h && gt[i + w] != gt[i]);
            d[i] = edge ? 0 : inf;
        }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int i = y * w + x, v = d[i];
            if (x > 0 && d[i - 1] + 1 < v) v = d[i - 1] + 1;
            if (y > 0) {
                for (int dx = -1; dx <= 1; dx++)
                    if (x + dx >= 0 && x + dx < w && d[i - w + dx] + 1 < v)
                        v = d[i - w + dx] + 1;
            }
            d[i] = v;
        }
    for (int y = h - 1; y >= 0; y--)
        for (int x = w - 1; x >= 0; x--) {
            int i = y * w + x, v = d[i];
            if (x + 1 < w && d[i + 1] + 1 < v) v = d[i + 1] + 1;
            if (y + 1 < h) {
                for (int dx = -1; dx <= 1; dx++)
                    if (x + dx >= 0 && x + dx < w && d[i + w + dx] + 1 < v)
                        v = d[i + w + dx] + 1;
            }
            d[i] = v;
        }
}

void cc_seg_score_add(CcSegScore *s, const uint8_t *mask, const uint8_t *gt, const uint8_t *ignore,
                      int w, int h, int tol_px)
{
    size_t n = (size_t)w * h;
    uint8_t *pred = malloc(n), *bp = malloc(n), *bg = malloc(n);
    for (size_t i = 0; i < n; i++) {
        pred[i] = mask[i] >= 128;
        if (ignore && ignore[i])
            continue;
        s->inter += pred[i] && gt[i];
        s->uni += pred[i] || gt[i];
    }
    int *dist = malloc(sizeof(int) * n);
    edge_distance(gt, w, h, dist);
    for (size_t i = 0; i < n; i++) {
        if (!gt[i] && dist[i] > 8) {
            s->far_fg += mask[i] >= 128;
            s->far_n += 1;
        }
        if (dist[i] < 4 || dist[i] > 10)
            continue;
        if (gt[i]) {
            s->bite_sum += (255 - mask[i]) / 255.0;
            s->bite_n += 1;
        } else {
            s->halo_sum += mask[i] / 255.0;
            s->halo_n += 1;
        }
    }
    free(dist);
    boundary(pred, w, h, bp);
    boundary(gt, w, h, bg);
    match(bp, bg, w, h, tol_px, &s->bp_hit, &s->bp_n);
    match(bg, bp, w, h, tol_px, &s->br_hit, &s->br_n);
    free(pred);
    free(bp);
    free(bg);
}

double cc_seg_score_iou(const CcSegScore *s)
{
    return s->uni > 0 ? s->inter / s->uni : 0.0;
}

double cc_seg_score_boundary_f(const CcSegScore *s)
{
    double p = s->bp_n > 0 ? s->bp_hit / s->bp_n : 0.0;
    double r = s->br_n > 0 ? s->br_hit / s->br_n : 0.0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

double cc_seg_score_halo(const CcSegScore *s)
{
    return s->halo_n > 0 ? s->halo_sum / s->halo_n : 0.0;
}

double cc_seg_score_bite(const CcSegScore *s)
{
    return s->bite_n > 0 ? s->bite_sum / s->bite_n : 0.0;
}

double cc_seg_score_far_fg(const CcSegScore *s)
{
    return s->far_n > 0 ? s->far_fg / s->far_n : 0.0;
}

double cc_mask_iou(const uint8_t *a, const uint8_t *b, int n)
{
    long in = 0, un = 0;
    for (int i = 0; i < n; i++) {
        in += a[i] >= 128 && b[i] >= 128;
        un += a[i] >= 128 || b[i] >= 128;
    }
    return un ? (double)in / un : 1.0;
}

double cc_mask_mean_abs_diff(const uint8_t *a, const uint8_t *b, const uint8_t *region, int n)
{
    double sum = 0;
    long cnt = 0;
    for (int i = 0; i < n; i++) {
        if (region && !region[i])
            continue;
        sum += abs(a[i] - b[i]);
        cnt++;
    }
    return cnt ? sum / cnt / 255.0 : 0.0;
}
