/*
 * Background compositor: blur, flat colour, image, transparent, in the frame's own
 * pixel format.
 *
 * Every frame is handled as up to three planes (Y, U, V or UV, or one packed RGB plane),
 * each with its own resolution, channel count and a mask at that resolution (chroma
 * planes get the mask averaged 2x2, or 2x1 for YUYV). YUYV is split into planar 4:2:2
 * rows and merged back; nothing goes through RGB.
 *
 * Blur ("lens", no bleed), per plane:
 *   w = 256 - m                       background weight, never 0 (see below)
 *   P = box_f(I * w), W = box_f(w)    mask-weighted downsample by f (fx, fy per plane)
 *   Pd = disc(P), Wd = disc(W)        flat disc ("bokeh") kernel at low resolution,
 *                                     exact spans summed from per-row prefix sums
 *   B = Pd / Wd                       normalised: person pixels carry ~1/256 the weight
 *                                     of background pixels, so they do not smear out
 *   out = (m*I + (255-m)*bilinear_up(B)) / 255
 * U and V (I420, YUYV) have one chroma mask on one grid, so V's W is U's to the bit: V
 * takes U's 255 / Wd rows instead of summing its own W.
 * The +1 in w keeps Wd > 0 inside the person (there B is the local person colour, which
 * the blend hides anyway). Outside the frame nothing is summed: normalisation handles
 * the borders and partial blocks, so no padding is needed. The full-resolution work is
 * one weighted-accumulate pass and one blend pass (both SIMD); the rest runs at 1/f^2.
 *
 * Radius: R = blur_strength * 3% of the height (luma pixels). f = 2k with k chosen so
 * the low-resolution disc radius R/f stays near DISC_TARGET; chroma planes use f/2 in
 * each subsampled direction so that all planes share one low-resolution grid.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "cleancast/video.h"
#include "dsp/image/image.h"
#include "video/compositor/compositor_internal.h"

#define RADIUS_OF_HEIGHT 0.03
#define DISC_TARGET 3.0
#define MAX_DIM 16384
#define WRAP_RADIUS_OF_HEIGHT 0.015

typedef struct Blur {
    int fx, fy;         /* downsample factors */
    int lw, lh;         /* low-resolution size */
    int shift;          /* per-pixel product shift so fy rows fit uint16 */
    int rs;             /* disc rows: dy in -rs..rs */
    int nch;            /* blurred colour channels (alpha is not) */
    int ew;             /* extended prefix row length: lw + 2 (rs + 1) + 1 */
    int wrap;           /* 1: an extra channel carries box(255 - m) for light wrap */
    uint32_t mulp, mulw; /* 16.16 block normalisers */
    int *span;          /* (2 rs + 1) half-width of the disc on row dy */
    uint8_t *wa, *wb;   /* (2 rs + 1) weights of row dy's spans s and s + 1, in 1/16 */
    uint32_t disc_area; /* disc weight in 1/16 pixel */
    uint16_t *acc;      /* (w * nc) vertical sums of one block row */
    uint16_t *accw;     /* (w) */
    uint16_t *lo;       /* (nch + 1 + wrap, lh, lw) P channels, W, [wrap] */
    uint32_t *pre;      /* (nch + 1 + wrap, lh, ew) extended prefix sums */
    uint32_t *dsum;     /* (nch + 1 + wrap, lw) disc sums of one row */
    float *rcp;         /* (lw) 255 / Wd of one row */
    float *rcp_keep;    /* (lh, lw) every row's 255 / Wd, kept for the next plane, or NULL */
    const float *rcp_from; /* (lh, lw) the previous plane's rcp_keep: its W is this plane's
                            * (U and V of I420 and YUYV: same mask, same grid), or NULL */
    uint8_t *blo;       /* (lh, lw * nc) blurred background, interleaved like the plane */
    uint8_t *wlo;       /* (lh, lw) light-wrap amount 0..255, or NULL */
    uint8_t *hrow[2];   /* (w * nc) horizontally upsampled low rows */
    int hrow_y[2];
    uint8_t *wrow[2];   /* (w) horizontally upsampled wrap rows */
    int wrow_y[2];
    CcHupTable hup;     /* horizontal upsampling of blo rows (nc channels) */
    CcHupTable hupw;    /* same for wlo rows (one channel) */
} Blur;

typedef struct Plane {
    uint8_t *data;      /* this frame's plane (or the YUYV split buffer) */
    int stride;
    int w, h, nc;       /* pixels, bytes per pixel */
    int sx, sy;         /* subsampling against the frame: 1 or 2 */
    int alpha;          /* nc == 4 and byte 3 is alpha: kept as it is */
    const uint8_t *mask;
    int mstride;
    uint8_t *mexp;      /* (w * nc) mask expanded to bytes (nc > 1 or light wrap) */
    uint8_t *bg;        /* image: (h, w * nc) background; colour: one row */
    int bg_ready;
    Blur b;
} Plane;

struct CcCompositor {
    CcCompositorSettings s;
    CcImageDsp dsp;
    /* geometry the buffers are sized for */
    int w, h;
    CcPixelFormat format;
    CcColorMatrix matrix;
    int full_range;
    int configured;
    int nplanes;
    Plane p[3];
    uint8_t *cmask;     /* chroma mask (ch, cw) */
    int cw, ch;
    uint8_t *split[3];  /* YUYV as planar 4:2:2 */
    /* CC_BG_IMAGE source, RGB24 tightly packed */
    uint8_t *bg_rgb;
    int bg_w, bg_h;
};

void cc_compositor_default_settings(CcCompositorSettings *s)
{
    if (!s)
        return;
    memset(s, 0, sizeof(*s));
    s->mode = CC_BG_BLUR;
    s->blur_strength = 0.5f;
    s->color_rgb[0] = 0;
    s->color_rgb[1] = 177;
    s->color_rgb[2] = 64;
    s->light_wrap = 0.0f;
}

int cc_compositor_open(CcCompositor **out, const CcCompositorSettings *s)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    CcCompositorSettings def;
    if (!s) {
        cc_compositor_default_settings(&def);
        s = &def;
    }
    if ((int)s->mode < CC_BG_NONE || (int)s->mode > CC_BG_TRANSPARENT) {
        cc_log(CC_LOG_ERROR, "compositor: unknown background mode %d", (int)s->mode);
        return CC_ERR(EINVAL);
    }
    if (!(s->blur_strength >= 0.0f && s->blur_strength <= 1.0f)) {
        cc_log(CC_LOG_ERROR, "compositor: blur_strength %g is outside 0..1", s->blur_strength);
        return CC_ERR(EINVAL);
    }
    if (!(s->light_wrap >= 0.0f && s->light_wrap <= 1.0f)) {
        cc_log(CC_LOG_ERROR, "compositor: light_wrap %g is outside 0..1", s->light_wrap);
        return CC_ERR(EINVAL);
    }
    CcCompositor *c = cc_calloc(1, sizeof(*c));
    if (!c)
        return CC_ERR(ENOMEM);
    c->s = *s;
    cc_image_dsp_init(&c->dsp, cc_image_cpu_flags());
    *out = c;
    return 0;
}

void cc_compositor_set_cpu_flags(CcCompositor *c, unsigned flags)
{
    if (c)
        cc_image_dsp_init(&c->dsp, flags & cc_image_cpu_flags());
}

static void blur_free(Blur *b)
{
    free(b->span);
    free(b->wa);
    free(b->wb);
    cc_free_aligned(b->acc);
    cc_free_aligned(b->accw);
    cc_free_aligned(b->lo);
    cc_free_aligned(b->pre);
    cc_free_aligned(b->dsum);
    cc_free_aligned(b->rcp);
    cc_free_aligned(b->rcp_keep);
    cc_free_aligned(b->blo);
    cc_free_aligned(b->wlo);
    for (int i = 0; i < 2; i++) {
        cc_free_aligned(b->hrow[i]);
        cc_free_aligned(b->wrow[i]);
    }
    cc_hup_table_free(&b->hup);
    cc_hup_table_free(&b->hupw);
    memset(b, 0, sizeof(*b));
}

static void planes_free(CcCompositor *c)
{
    for (int i = 0; i < 3; i++) {
        blur_free(&c->p[i].b);
        cc_free_aligned(c->p[i].mexp);
        cc_free_aligned(c->p[i].bg);
        cc_free_aligned(c->split[i]);
        c->split[i] = NULL;
    }
    memset(c->p, 0, sizeof(c->p));
    cc_free_aligned(c->cmask);
    c->cmask = NULL;
    c->configured = 0;
}

void cc_compositor_close(CcCompositor **pc)
{
    if (!pc || !*pc)
        return;
    CcCompositor *c = *pc;
    planes_free(c);
    free(c->bg_rgb);
    free(c);
    *pc = NULL;
}

/* ------------------------------------------------------------------ frame checks */

static int is_yuv(CcPixelFormat f)
{
    return f == CC_PIX_I420 || f == CC_PIX_NV12 || f == CC_PIX_YUYV;
}

static const char *format_name(CcPixelFormat f)
{
    static const char *const names[] = {"RGBA", "BGRA", "RGB24", "I420", "NV12", "YUYV"};
    return (int)f >= 0 && (int)f <= CC_PIX_YUYV ? names[f] : "unknown";
}

/* Bytes in one row of plane i and number of rows; 0 planes past the format's count. */
static int plane_geometry(const CcFrame *f, int i, int *row_bytes, int *rows)
{
    int cw = (f->width + 1) / 2, ch = (f->height + 1) / 2;
    *row_bytes = *rows = 0;
    switch (f->format) {
    case CC_PIX_RGBA:
    case CC_PIX_BGRA:
        if (i == 0) { *row_bytes = 4 * f->width; *rows = f->height; }
        return i == 0;
    case CC_PIX_RGB24:
        if (i == 0) { *row_bytes = 3 * f->width; *rows = f->height; }
        return i == 0;
    case CC_PIX_YUYV:
        if (i == 0) { *row_bytes = 2 * f->width; *rows = f->height; }
        return i == 0;
    case CC_PIX_I420:
        if (i >= 3) return 0;
        *row_bytes = i ? cw : f->width;
        *rows = i ? ch : f->height;
        return 1;
    case CC_PIX_NV12:
        if (i >= 2) return 0;
        *row_bytes = i ? 2 * cw : f->width;
        *rows = i ? ch : f->height;
        return 1;
    }
    return 0;
}

static int check_frame(const CcFrame *f, const char *what)
{
    if (!f) {
        cc_log(CC_LOG_ERROR, "compositor: %s is NULL", what);
        return CC_ERR(EINVAL);
    }
    if ((int)f->format < CC_PIX_RGBA || (int)f->format > CC_PIX_YUYV) {
        cc_log(CC_LOG_ERROR, "compositor: %s has unknown pixel format %d", what, (int)f->format);
        return CC_ERR(EINVAL);
    }
    if (f->width < 1 || f->height < 1 || f->width > MAX_DIM || f->height > MAX_DIM) {
        cc_log(CC_LOG_ERROR, "compositor: %s size %dx%d is outside 1..%d", what,
               f->width, f->height, MAX_DIM);
        return CC_ERR(EINVAL);
    }
    if (f->format == CC_PIX_YUYV && (f->width & 1)) {
        cc_log(CC_LOG_ERROR, "compositor: %s is YUYV with odd width %d", what, f->width);
        return CC_ERR(EINVAL);
    }
    if (is_yuv(f->format) && (((int)f->matrix != CC_MATRIX_BT601 &&
                                (int)f->matrix != CC_MATRIX_BT709) ||
                               (f->full_range != 0 && f->full_range != 1))) {
        cc_log(CC_LOG_ERROR, "compositor: %s has colour matrix %d / full_range %d "
               "(expected BT601/BT709 and 0/1)", what, (int)f->matrix, f->full_range);
        return CC_ERR(EINVAL);
    }
    for (int i = 0; i < 3; i++) {
        int rb, rows;
        if (!plane_geometry(f, i, &rb, &rows))
            break;
        if (!f->data[i]) {
            cc_log(CC_LOG_ERROR, "compositor: %s (%s) plane %d is NULL", what,
                   format_name(f->format), i);
            return CC_ERR(EINVAL);
        }
        if (f->stride[i] < rb) {
            cc_log(CC_LOG_ERROR, "compositor: %s (%s %dx%d) plane %d stride %d is below "
                   "its row size %d", what, format_name(f->format), f->width, f->height, i,
                   f->stride[i], rb);
            return CC_ERR(EINVAL);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ set-up per geometry */

static int blur_setup(Blur *b, const CcCompositor *c, const Plane *p)
{
    double radius = c->s.blur_strength * RADIUS_OF_HEIGHT * c->h; /* luma pixels */
    int wrap = c->s.light_wrap > 0.0f;
    if (c->s.mode != CC_BG_BLUR) /* light wrap only: its own, smaller radius */
        radius = WRAP_RADIUS_OF_HEIGHT * c->h;
    int k = (int)floor(radius / (2.0 * DISC_TARGET) + 0.5);
    k = CC_CLAMP(k, 2, 16); /* f >= 4: keeps the full-resolution work to two passes */
    b->fx = 2 * k / p->sx;
    b->fy = 2 * k / p->sy;
    b->lw = (p->w + b->fx - 1) / b->fx;
    b->lh = (p->h + b->fy - 1) / b->fy;
    b->shift = 0;
    while ((65280 >> b->shift) * b->fy > 65535)
        b->shift++;
    b->nch = p->alpha ? 3 : p->nc;
    b->wrap = wrap;
    if (c->s.mode != CC_BG_BLUR)
        b->nch = 0; /* only W and the wrap channel */
    /* 16.16 normalisers: P16 = mean(I*w) <= 65280, W16 = 255 * mean(w) <= 65280 */
    double blk = (double)b->fx * b->fy;
    b->mulp = (uint32_t)floor(65536.0 * (1 << b->shift) / blk + 0.5);
    b->mulw = (uint32_t)floor(65536.0 * 255.0 / blk + 0.5);
    double rl = radius / (2.0 * k); /* low-resolution disc radius */
    /*
     * Anti-aliased disc of radius r = rl + 0.5 (for whole rl: the pixels within rl + 0.5):
     * row dy has half-width h = sqrt(r^2 - dy^2) and vertical coverage
     * cov = clamp(r + 0.5 - |dy|, 0, 1). It sums span floor(h) with weight
     * cov * (1 - frac(h)) and span floor(h) + 1 with cov * frac(h), in 1/16 steps, so the
     * kernel grows smoothly with the strength instead of by whole pixels.
     */
    double r = rl + 0.5;
    b->rs = (int)floor(r + 0.5);
    b->span = cc_calloc((size_t)(2 * b->rs + 1), sizeof(int));
    b->wa = cc_calloc((size_t)(2 * b->rs + 1), 1);
    b->wb = cc_calloc((size_t)(2 * b->rs + 1), 1);
    if (!b->span || !b->wa || !b->wb)
        return CC_ERR(ENOMEM);
    b->disc_area = 0;
    for (int dy = -b->rs; dy <= b->rs; dy++) {
        double r2 = r * r - (double)dy * dy;
        double hw = r2 > 0.0 ? sqrt(r2) : 0.0;
        double cov = CC_CLAMP(r + 0.5 - abs(dy), 0.0, 1.0);
        int s = CC_MIN((int)floor(hw), b->rs);
        double fr = CC_MIN(hw - s, 1.0);
        int wa = (int)floor(16.0 * cov * (1.0 - fr) + 0.5), wb = (int)floor(16.0 * cov * fr + 0.5);
        b->span[dy + b->rs] = s;
        b->wa[dy + b->rs] = (uint8_t)wa;
        b->wb[dy + b->rs] = (uint8_t)wb;
        b->disc_area += (uint32_t)wa * (2u * s + 1u) + (uint32_t)wb * (2u * s + 3u);
    }
    if (!b->disc_area) { /* cannot happen (row 0 has cov 1), but never divide by 0 */
        b->wa[b->rs] = 16;
        b->disc_area = 16;
    }
    b->ew = b->lw + 2 * (b->rs + 1) + 1;
    int nall = b->nch + 1 + wrap;
    size_t lwh = (size_t)b->lw * b->lh;
    b->acc = cc_alloc_aligned((size_t)p->w * p->nc * sizeof(uint16_t));
    b->accw = cc_alloc_aligned((size_t)p->w * sizeof(uint16_t) * 2);
    b->lo = cc_alloc_aligned(nall * lwh * sizeof(uint16_t));
    b->pre = cc_alloc_aligned((size_t)nall * b->lh * b->ew * sizeof(uint32_t));
    b->dsum = cc_alloc_aligned((size_t)CC_MAX(nall, p->nc + 1) * b->lw * sizeof(uint32_t));
    b->rcp = cc_alloc_aligned((size_t)b->lw * sizeof(float));
    /* +32: the upsampler reads 16-byte windows and writes whole 16-byte blocks */
    b->blo = cc_alloc_aligned(lwh * p->nc + 32);
    for (int i = 0; i < 2; i++) {
        b->hrow[i] = cc_alloc_aligned((size_t)p->w * p->nc + 32);
        b->hrow_y[i] = -1;
        if (wrap)
            b->wrow[i] = cc_alloc_aligned((size_t)p->w + 32);
        b->wrow_y[i] = -1;
    }
    if (wrap)
        b->wlo = cc_alloc_aligned(lwh + 32);
    if (!b->acc || !b->accw || !b->lo || !b->pre || !b->dsum || !b->rcp || !b->blo ||
        !b->hrow[0] || !b->hrow[1] || (wrap && (!b->wlo || !b->wrow[0] || !b->wrow[1])))
        return CC_ERR(ENOMEM);
    /* half-pixel centres: low-res coordinate of pixel x is (x + 0.5) / f - 0.5 */
    if (cc_hup_table_init(&b->hup, p->w, p->nc, b->lw, b->fx) ||
        (wrap && cc_hup_table_init(&b->hupw, p->w, 1, b->lw, b->fx)))
        return CC_ERR(ENOMEM);
    return 0;
}

static int configure(CcCompositor *c, const CcFrame *f)
{
    planes_free(c);
    c->w = f->width;
    c->h = f->height;
    c->format = f->format;
    c->matrix = f->matrix;
    c->full_range = f->full_range;
    c->cw = (f->width + 1) / 2;
    c->ch = f->format == CC_PIX_YUYV ? f->height : (f->height + 1) / 2;
    Plane *p = c->p;
    switch (f->format) {
    case CC_PIX_RGBA:
    case CC_PIX_BGRA:
    case CC_PIX_RGB24:
        c->nplanes = 1;
        p[0].w = f->width;
        p[0].h = f->height;
        p[0].nc = f->format == CC_PIX_RGB24 ? 3 : 4;
        p[0].alpha = f->format != CC_PIX_RGB24;
        p[0].sx = p[0].sy = 1;
        break;
    case CC_PIX_I420:
    case CC_PIX_NV12:
    case CC_PIX_YUYV:
        c->nplanes = f->format == CC_PIX_NV12 ? 2 : 3;
        for (int i = 0; i < c->nplanes; i++) {
            p[i].w = i ? c->cw : f->width;
            p[i].h = i ? c->ch : f->height;
            p[i].nc = f->format == CC_PIX_NV12 && i ? 2 : 1;
            p[i].sx = i ? 2 : 1;
            p[i].sy = i && f->format != CC_PIX_YUYV ? 2 : 1;
        }
        break;
    }
    int need_blur = (c->s.mode == CC_BG_BLUR && c->s.blur_strength > 0.0f) ||
                    (c->s.light_wrap > 0.0f &&
                     (c->s.mode == CC_BG_BLUR || c->s.mode == CC_BG_COLOR ||
                      c->s.mode == CC_BG_IMAGE));
    if (is_yuv(f->format)) {
        c->cmask = cc_alloc_aligned((size_t)c->cw * c->ch);
        if (!c->cmask)
            goto oom;
    }
    if (f->format == CC_PIX_YUYV)
        for (int i = 0; i < 3; i++) {
            c->split[i] = cc_alloc_aligned((size_t)p[i].w * p[i].h);
            if (!c->split[i])
                goto oom;
        }
    for (int i = 0; i < c->nplanes; i++) {
        if (p[i].nc > 1 || c->s.light_wrap > 0.0f) {
            p[i].mexp = cc_alloc_aligned((size_t)p[i].w * p[i].nc);
            if (!p[i].mexp)
                goto oom;
        }
        if (need_blur && blur_setup(&p[i].b, c, &p[i]))
            goto oom;
        /* V's weights are U's to the bit: V takes U's 255 / Wd instead of its own W */
        if (need_blur && i == 2 && p[2].b.nch && !p[2].b.wrap) {
            Blur *u = &p[1].b;
            u->rcp_keep = cc_alloc_aligned((size_t)u->lw * u->lh * sizeof(float));
            if (!u->rcp_keep)
                goto oom;
            p[2].b.rcp_from = u->rcp_keep;
        }
        size_t bg_rows = c->s.mode == CC_BG_IMAGE ? (size_t)p[i].h
                         : c->s.mode == CC_BG_COLOR ? 1 : 0;
        if (bg_rows) {
            p[i].bg = cc_alloc_aligned(bg_rows * p[i].w * p[i].nc);
            if (!p[i].bg)
                goto oom;
        }
    }
    c->configured = 1;
    return 0;
oom:
    cc_log(CC_LOG_ERROR, "compositor: out of memory for a %dx%d %s frame", f->width,
           f->height, format_name(f->format));
    planes_free(c);
    return CC_ERR(ENOMEM);
}

/* ------------------------------------------------------------------ backgrounds */

static void color_pixel(const CcCompositor *c, const uint8_t rgb[3], uint8_t out[4])
{
    switch (c->format) {
    case CC_PIX_RGBA:
    case CC_PIX_RGB24:
        out[0] = rgb[0]; out[1] = rgb[1]; out[2] = rgb[2]; out[3] = 255;
        break;
    case CC_PIX_BGRA:
        out[0] = rgb[2]; out[1] = rgb[1]; out[2] = rgb[0]; out[3] = 255;
        break;
    default: {
        CcYuvCoefs k;
        cc_yuv_coefs(&k, c->matrix == CC_MATRIX_BT709, c->full_range);
        cc_rgb_to_yuv(&k, rgb[0], rgb[1], rgb[2], &out[0], &out[1], &out[2]);
        out[3] = 0;
    }
    }
}

static void fill_color_rows(CcCompositor *c)
{
    uint8_t px[4];
    color_pixel(c, c->s.color_rgb, px);
    for (int i = 0; i < c->nplanes; i++) {
        Plane *p = &c->p[i];
        for (int x = 0; x < p->w; x++)
            for (int k = 0; k < p->nc; k++) {
                uint8_t v = px[k];
                if (is_yuv(c->format))
                    v = i == 0 ? px[0] : p->nc == 2 ? px[1 + k] : px[i];
                p->bg[x * p->nc + k] = v;
            }
        p->bg_ready = 1;
    }
}

/* Scale the stored background to cover the frame and convert it to the frame's layout. */
static int fill_image_planes(CcCompositor *c)
{
    uint8_t *rgb = malloc((size_t)c->w * c->h * 3);
    if (!rgb)
        return CC_ERR(ENOMEM);
    int ret = cc_resize_cover_rgb(rgb, c->w, c->h, c->bg_rgb, c->bg_w, c->bg_h);
    if (ret) {
        free(rgb);
        return ret;
    }
    if (!is_yuv(c->format)) {
        Plane *p = &c->p[0];
        for (size_t i = 0; i < (size_t)c->w * c->h; i++) {
            uint8_t px[4];
            color_pixel(c, rgb + 3 * i, px);
            memcpy(p->bg + i * p->nc, px, (size_t)p->nc);
        }
    } else {
        CcYuvCoefs k;
        cc_yuv_coefs(&k, c->matrix == CC_MATRIX_BT709, c->full_range);
        Plane *py = &c->p[0];
        int sy = c->format == CC_PIX_YUYV ? 1 : 2;
        for (int cy = 0; cy < c->ch; cy++)
            for (int cx = 0; cx < c->cw; cx++) {
                int su = 0, sv = 0, n = 0;
                for (int dy = 0; dy < sy; dy++)
                    for (int dx = 0; dx < 2; dx++) {
                        int x = 2 * cx + dx, y = sy * cy + dy;
                        if (x >= c->w || y >= c->h)
                            continue;
                        const uint8_t *s = rgb + 3 * ((size_t)y * c->w + x);
                        uint8_t yy, u, v;
                        cc_rgb_to_yuv(&k, s[0], s[1], s[2], &yy, &u, &v);
                        py->bg[(size_t)y * c->w + x] = yy;
                        su += u;
                        sv += v;
                        n++;
                    }
                uint8_t u = (uint8_t)((su + n / 2) / n), v = (uint8_t)((sv + n / 2) / n);
                size_t ci = (size_t)cy * c->cw + cx;
                if (c->format == CC_PIX_NV12) {
                    c->p[1].bg[2 * ci] = u;
                    c->p[1].bg[2 * ci + 1] = v;
                } else {
                    c->p[1].bg[ci] = u;
                    c->p[2].bg[ci] = v;
                }
            }
    }
    for (int i = 0; i < c->nplanes; i++)
        c->p[i].bg_ready = 1;
    free(rgb);
    return 0;
}

int cc_compositor_set_background(CcCompositor *c, const CcFrame *img)
{
    if (!c) {
        cc_log(CC_LOG_ERROR, "compositor: set_background on a NULL compositor");
        return CC_ERR(EINVAL);
    }
    int ret = check_frame(img, "background image");
    if (ret)
        return ret;
    int w = img->width, h = img->height;
    uint8_t *rgb = malloc((size_t)w * h * 3);
    if (!rgb)
        return CC_ERR(ENOMEM);
    CcYuvCoefs k;
    cc_yuv_coefs(&k, img->matrix == CC_MATRIX_BT709, img->full_range);
    for (int y = 0; y < h; y++) {
        uint8_t *d = rgb + (size_t)y * w * 3;
        const uint8_t *r0 = img->data[0] + (size_t)y * img->stride[0];
        for (int x = 0; x < w; x++, d += 3) {
            int yy, u, v;
            switch (img->format) {
            case CC_PIX_RGBA: d[0] = r0[4 * x]; d[1] = r0[4 * x + 1]; d[2] = r0[4 * x + 2]; continue;
            case CC_PIX_BGRA: d[0] = r0[4 * x + 2]; d[1] = r0[4 * x + 1]; d[2] = r0[4 * x]; continue;
            case CC_PIX_RGB24: d[0] = r0[3 * x]; d[1] = r0[3 * x + 1]; d[2] = r0[3 * x + 2]; continue;
            case CC_PIX_I420:
                yy = r0[x];
                u = img->data[1][(size_t)(y / 2) * img->stride[1] + x / 2];
                v = img->data[2][(size_t)(y / 2) * img->stride[2] + x / 2];
                break;
            case CC_PIX_NV12:
                yy = r0[x];
                u = img->data[1][(size_t)(y / 2) * img->stride[1] + 2 * (x / 2)];
                v = img->data[1][(size_t)(y / 2) * img->stride[1] + 2 * (x / 2) + 1];
                break;
            default: /* YUYV */
                yy = r0[2 * x];
                u = r0[4 * (x / 2) + 1];
                v = r0[4 * (x / 2) + 3];
                break;
            }
            cc_yuv_to_rgb(&k, yy, u, v, &d[0], &d[1], &d[2]);
        }
    }
    free(c->bg_rgb);
    c->bg_rgb = rgb;
    c->bg_w = w;
    c->bg_h = h;
    for (int i = 0; i < 3; i++)
        c->p[i].bg_ready = 0;
    return 0;
}

/* ------------------------------------------------------------------ per-frame work */

/* Mask of plane p expanded to one byte per sample (alpha bytes 255: kept). */
static const uint8_t *mask_row(const CcCompositor *c, Plane *p, int y)
{
    const uint8_t *m = p->mask + (size_t)y * p->mstride;
    if (p->nc == 1)
        return m;
    c->dsp.expand_mask(p->mexp, m, p->w, p->nc, p->alpha);
    return p->mexp;
}

/* out[X * nc + k] = sum of f pixels' channel k, X < nout (constant nc, f unroll) */
static inline __attribute__((always_inline)) void hsum_k(uint32_t *out, const uint16_t *a,
                                                         int nc, int f, int nout)
{
    for (int X = 0; X < nout; X++)
        for (int k = 0; k < nc; k++) {
            uint32_t s = 0;
            for (int j = 0; j < f; j++)
                s += a[(X * f + j) * nc + k];
            out[X * nc + k] = s;
        }
}

static void hsum(uint32_t *out, const uint16_t *a, int nc, int f, int nout)
{
#define HS(NC, F) case (NC) * 64 + (F): hsum_k(out, a, NC, F, nout); return;
    switch (nc * 64 + f) {
    HS(1, 2) HS(1, 3) HS(1, 4) HS(1, 6) HS(1, 8) HS(1, 16)
    HS(2, 2) HS(2, 3) HS(2, 4) HS(2, 6) HS(2, 8) HS(2, 16)
    HS(3, 4) HS(3, 8) HS(4, 4) HS(4, 8)
    default: hsum_k(out, a, nc, f, nout);
    }
#undef HS
}

/* Downsample: lo[ch][Y][X] = P16 (colour channels), W16, [box(255 - m)]. */
CC_ALSO_AVX2 static void blur_downsample(CcCompositor *c, Plane *p)
{
    Blur *b = &p->b;
    size_t lwh = (size_t)b->lw * b->lh;
    uint16_t *wl = b->lo + (size_t)b->nch * lwh;
    uint16_t *ll = wl + lwh;
    for (int Y = 0; Y < b->lh; Y++) {
        int y0 = Y * b->fy, y1 = CC_MIN(y0 + b->fy, p->h);
        for (int y = y0; y < y1; y++) {
            const uint8_t *src = p->data + (size_t)y * p->stride;
            const uint8_t *m = p->mask + (size_t)y * p->mstride;
            if (!b->nch) { /* weights only */
                for (int x = 0; x < p->w; x++)
                    b->accw[x] = (uint16_t)((y == y0 ? 0 : b->accw[x]) + 256 - m[x]);
            } else if (p->nc == 1) {
                c->dsp.wacc1(b->acc, b->accw, src, m, p->w, b->shift, y == y0);
            } else {
                c->dsp.waccn(b->acc, b->accw, src, m, p->w, p->nc, b->shift, y == y0);
            }
        }
        /* horizontal block sums (full blocks, then the partial last one), to 16 bits */
        const int fx = b->fx, nc = p->nc, nch = b->nch, lw = b->lw, w = p->w;
        const int full = w / fx;
        const uint64_t mulp = b->mulp, mulw = b->mulw;
        uint32_t *hs = b->dsum, *hw = b->dsum + (size_t)lw * nc; /* scratch */
        const int own_w = !b->rcp_from; /* else W is the previous plane's */
        if (own_w)
            c->dsp.hsum_u16(hw, b->accw, fx, full);
        if (nch && nc == 1)
            c->dsp.hsum_u16(hs, b->acc, fx, full);
        else if (nch)
            hsum(hs, b->acc, nc, fx, full);
        if (full < lw) {
            int n = w - full * fx;
            hw[full] = 0;
            for (int x = 0; x < n && own_w; x++)
                hw[full] += b->accw[full * fx + x];
            for (int k = 0; k < nc && nch; k++) {
                hs[full * nc + k] = 0;
                for (int x = 0; x < n; x++)
                    hs[full * nc + k] += b->acc[(full * fx + x) * nc + k];
            }
        }
        uint16_t *wrow = wl + (size_t)Y * lw, *lrow = ll + (size_t)Y * lw;
        for (int X = 0; X < lw && own_w; X++)
            wrow[X] = (uint16_t)((hw[X] * mulw + 32768) >> 16);
        if (b->wrap) { /* sum of (255 - m) = sum of w - pixels; same scale as W */
            uint32_t rows = (uint32_t)(y1 - y0);
            for (int X = 0; X < lw; X++) {
                uint32_t n = (uint32_t)CC_MIN(fx, w - X * fx) * rows;
                lrow[X] = (uint16_t)(((hw[X] - n) * mulw + 32768) >> 16);
            }
        }
        for (int k = 0; k < nch; k++) {
            uint16_t *lo = b->lo + k * lwh + (size_t)Y * lw;
            if (nc == 1) /* unit stride: vectorises */
                for (int X = 0; X < lw; X++)
                    lo[X] = (uint16_t)((hs[X] * mulp + 32768) >> 16);
            else
                for (int X = 0; X < lw; X++)
                    lo[X] = (uint16_t)((hs[X * nc + k] * mulp + 32768) >> 16);
        }
    }
}

/* Disc blur of every low-res channel, normalised into blo (and wlo). */
CC_ALSO_AVX2 static void blur_disc(CcCompositor *c, Plane *p)
{
    Blur *b = &p->b;
    /* channels summed here: P, then W and the wrap channel unless W comes from rcp_from */
    int nall = b->rcp_from ? b->nch : b->nch + 1 + b->wrap;
    /* extended prefix rows: E[j] = sum of v[0 .. clamp(j - pad, 0, lw) - 1], pad = rs + 1,
       so spans up to rs + 1 wide need no clamping (outside the frame adds nothing) */
    const int rs = b->rs + 1, lw = b->lw, ew = b->ew;
    const int nrows = nall * b->lh; /* channel planes are consecutive in lo and pre */
    for (int r = 0; r < nrows; r++) {
        uint32_t *e = b->pre + (size_t)r * ew;
        memset(e, 0, (size_t)(rs + 1) * sizeof(uint32_t));
        c->dsp.prefix_u16(e + rs + 1, b->lo + (size_t)r * lw, lw);
        const uint32_t last = e[rs + lw];
        for (int j = rs + 1 + lw; j < ew; j++)
            e[j] = last;
    }
    uint32_t *wd = b->dsum + (size_t)b->nch * b->lw;
    for (int Y = 0; Y < b->lh; Y++) {
        for (int ch = 0; ch < nall; ch++) {
            uint32_t *out = b->dsum + (size_t)ch * b->lw;
            int first = 1;
            for (int dy = -b->rs; dy <= b->rs; dy++) {
                int yy = Y + dy;
                if (yy < 0 || yy >= b->lh)
                    continue;
                int s = b->span[dy + b->rs];
                uint32_t wa = b->wa[dy + b->rs], wb = b->wb[dy + b->rs];
                if (!wa && !wb)
                    continue;
                const uint32_t *e = b->pre + ((size_t)ch * b->lh + yy) * b->ew + b->rs + 1;
                c->dsp.span_add(out, e + s + 1, e - s, e + s + 2, e - s - 1, wa, wb, b->lw,
                                first);
                first = 0;
            }
        }
        /* B = 255 * Pd / Wd; Pd, Wd < 2^31 (65280 per pixel times the disc area) */
        const int nc = p->nc, nch = b->nch, lw = b->lw;
        uint8_t *o = b->blo + (size_t)Y * lw * nc;
        const int32_t *ds = (const int32_t *)b->dsum;
        const int32_t *wdi = (const int32_t *)wd;
        const float *rcp = b->rcp_from ? b->rcp_from + (size_t)Y * lw : b->rcp;
        if (nch && !b->rcp_from) {
            float *r = b->rcp_keep ? b->rcp_keep + (size_t)Y * lw : b->rcp;
            for (int X = 0; X < lw; X++)
                r[X] = 255.0f / (float)(wdi[X] + (wdi[X] == 0)); /* Wd > 0; stay safe */
            rcp = r;
        }
        for (int k = 0; k < nch; k++) {
            const int32_t *d = ds + (size_t)k * lw;
            if (nc == 1) {
                for (int X = 0; X < lw; X++) {
                    float v = (float)d[X] * rcp[X] + 0.5f;
                    o[X] = (uint8_t)(int32_t)(v < 255.0f ? v : 255.0f);
                }
            } else {
                for (int X = 0; X < lw; X++) {
                    float v = (float)d[X] * rcp[X] + 0.5f;
                    o[X * nc + k] = (uint8_t)(int32_t)(v < 255.0f ? v : 255.0f);
                }
            }
        }
        if (p->alpha)
            for (int X = 0; X < lw; X++)
                o[X * nc + 3] = 255;
        if (b->wrap) {
            /* background fraction around the pixel, 0..255 (disc mean of 255 - m) */
            const uint32_t *ls = wd + b->lw;
            uint8_t *wo = b->wlo + (size_t)Y * b->lw;
            double norm = 1.0 / (255.0 * b->disc_area); /* area in 1/16 pixels */
            for (int X = 0; X < b->lw; X++) {
                double v = ls[X] * norm + 0.5;
                wo[X] = (uint8_t)(v >= 255.0 ? 255 : v);
            }
        }
    }
}

static const uint8_t *cached_row(const CcCompositor *c, const CcHupTable *t,
                                 uint8_t *rows[2], int tags[2], int Y, int keep,
                                 const uint8_t *lo, size_t row_bytes)
{
    for (int i = 0; i < 2; i++)
        if (tags[i] == Y)
            return rows[i];
    int slot = tags[0] == keep ? 1 : 0;
    c->dsp.hup(rows[slot], lo + (size_t)Y * row_bytes, t);
    tags[slot] = Y;
    return rows[slot];
}

/* Vertical position of plane row y in the low-res grid: rows Y0, Y1 and weight of Y1. */
static void vpos(const Blur *b, int y, int *Y0, int *Y1, int *wy)
{
    int num = 2 * y + 1 - b->fy, den = 2 * b->fy;
    int y0 = num < 0 ? 0 : num / den;
    int w = num < 0 ? 0 : ((num - y0 * den) * 256 + b->fy) / den;
    if (y0 >= b->lh - 1) {
        y0 = b->lh - 1;
        w = 0;
    }
    *Y0 = y0;
    *Y1 = CC_MIN(y0 + 1, b->lh - 1);
    *wy = w;
}

/*
 * Light wrap: the effective mask loses up to light_wrap of itself where the surrounding
 * background fraction is high, so background light (blur, colour or image) spills a
 * little over the person's edge: m' = m - m * lw * frac / 255.
 */
static const uint8_t *wrap_mask(CcCompositor *c, Plane *p, int y)
{
    Blur *b = &p->b;
    int Y0, Y1, wy;
    vpos(b, y, &Y0, &Y1, &wy);
    const uint8_t *r0 = cached_row(c, &b->hupw, b->wrow, b->wrow_y, Y0, Y1, b->wlo, b->lw);
    const uint8_t *r1 = cached_row(c, &b->hupw, b->wrow, b->wrow_y, Y1, Y0, b->wlo, b->lw);
    unsigned lw = (unsigned)(c->s.light_wrap * 256.0f + 0.5f);
    const uint8_t *m = p->mask + (size_t)y * p->mstride;
    uint8_t *d = p->mexp;
    for (int x = 0; x < p->w; x++) {
        unsigned frac = (r0[x] * (256u - wy) + r1[x] * (unsigned)wy + 128) >> 8;
        unsigned cut = (m[x] * frac * lw + (1u << 15)) >> 16;
        uint8_t v = (uint8_t)(m[x] - CC_MIN(cut, m[x]));
        for (int k = 0; k < p->nc; k++)
            d[x * p->nc + k] = v;
        if (p->alpha)
            d[x * 4 + 3] = 255;
    }
    return p->mexp;
}

static void composite_plane(CcCompositor *c, Plane *p)
{
    Blur *b = &p->b;
    int blur = c->s.mode == CC_BG_BLUR;
    int wrap = c->s.light_wrap > 0.0f && b->wrap;
    if (b->lw) {
        blur_downsample(c, p);
        blur_disc(c, p);
        b->hrow_y[0] = b->hrow_y[1] = b->wrow_y[0] = b->wrow_y[1] = -1;
    }
    int n = p->w * p->nc;
    for (int y = 0; y < p->h; y++) {
        uint8_t *row = p->data + (size_t)y * p->stride;
        const uint8_t *m = mask_row(c, p, y);
        if (wrap)
            m = wrap_mask(c, p, y);
        if (blur) {
            int Y0, Y1, wy;
            vpos(b, y, &Y0, &Y1, &wy);
            size_t rb = (size_t)b->lw * p->nc;
            const uint8_t *a = cached_row(c, &b->hup, b->hrow, b->hrow_y, Y0, Y1, b->blo, rb);
            const uint8_t *bb = cached_row(c, &b->hup, b->hrow, b->hrow_y, Y1, Y0, b->blo, rb);
            c->dsp.blend_lerp(row, a, bb, wy, m, n);
        } else {
            const uint8_t *bg = c->s.mode == CC_BG_IMAGE ? p->bg + (size_t)y * n : p->bg;
            c->dsp.blend_lerp(row, bg, bg, 0, m, n);
        }
    }
}

static void split_yuyv(CcCompositor *c, const CcFrame *f)
{
    int cw = f->width / 2;
    for (int y = 0; y < f->height; y++)
        c->dsp.yuyv_split(c->split[0] + (size_t)y * f->width, c->split[1] + (size_t)y * cw,
                          c->split[2] + (size_t)y * cw, f->data[0] + (size_t)y * f->stride[0],
                          cw);
}

static void merge_yuyv(CcCompositor *c, CcFrame *f)
{
    int cw = f->width / 2;
    for (int y = 0; y < f->height; y++)
        c->dsp.yuyv_merge(f->data[0] + (size_t)y * f->stride[0],
                          c->split[0] + (size_t)y * f->width, c->split[1] + (size_t)y * cw,
                          c->split[2] + (size_t)y * cw, cw);
}

int cc_compositor_process(CcCompositor *c, CcFrame *frame, const CcMask *mask)
{
    if (!c) {
        cc_log(CC_LOG_ERROR, "compositor: process on a NULL compositor");
        return CC_ERR(EINVAL);
    }
    int ret = check_frame(frame, "frame");
    if (ret)
        return ret;
    if (!mask || !mask->data) {
        cc_log(CC_LOG_ERROR, "compositor: mask or its data is NULL");
        return CC_ERR(EINVAL);
    }
    if (mask->width != frame->width || mask->height != frame->height ||
        mask->stride < mask->width) {
        cc_log(CC_LOG_ERROR, "compositor: mask %dx%d (stride %d) does not fit the %dx%d frame",
               mask->width, mask->height, mask->stride, frame->width, frame->height);
        return CC_ERR(EINVAL);
    }
    const CcCompositorSettings *s = &c->s;
    if (s->mode == CC_BG_NONE)
        return 0;
    if (s->mode == CC_BG_TRANSPARENT) {
        if (frame->format != CC_PIX_RGBA && frame->format != CC_PIX_BGRA) {
            cc_log(CC_LOG_ERROR, "compositor: transparent background needs an RGBA or BGRA "
                   "frame, got %s (for YUV use the mask as the alpha plane)",
                   format_name(frame->format));
            return CC_ERR(EINVAL);
        }
        for (int y = 0; y < frame->height; y++) {
            uint8_t *d = frame->data[0] + (size_t)y * frame->stride[0];
            const uint8_t *m = mask->data + (size_t)y * mask->stride;
            for (int x = 0; x < frame->width; x++)
                d[4 * x + 3] = m[x];
        }
        return 0;
    }
    if (s->mode == CC_BG_IMAGE && !c->bg_rgb) {
        cc_log(CC_LOG_ERROR, "compositor: image background mode but no image was set "
               "(call cc_compositor_set_background first)");
        return CC_ERR(EINVAL);
    }
    if (s->mode == CC_BG_BLUR && s->blur_strength <= 0.0f)
        return 0; /* strength 0: nothing to blur */
    if (!c->configured || c->w != frame->width || c->h != frame->height ||
        c->format != frame->format ||
        (is_yuv(frame->format) && (c->matrix != frame->matrix ||
                                   c->full_range != frame->full_range))) {
        ret = configure(c, frame);
        if (ret)
            return ret;
    }
    if (s->mode == CC_BG_COLOR && !c->p[0].bg_ready)
        fill_color_rows(c);
    if (s->mode == CC_BG_IMAGE && !c->p[0].bg_ready) {
        ret = fill_image_planes(c);
        if (ret)
            return ret;
    }
    /* bind planes to this frame */
    Plane *p = c->p;
    if (frame->format == CC_PIX_YUYV) {
        split_yuyv(c, frame);
        for (int i = 0; i < 3; i++) {
            p[i].data = c->split[i];
            p[i].stride = p[i].w;
        }
    } else {
        for (int i = 0; i < c->nplanes; i++) {
            p[i].data = frame->data[i];
            p[i].stride = frame->stride[i];
        }
    }
    p[0].mask = mask->data;
    p[0].mstride = mask->stride;
    if (is_yuv(frame->format)) {
        int yuyv = frame->format == CC_PIX_YUYV;
        for (int cy = 0; cy < c->ch; cy++) {
            int y0 = yuyv ? cy : 2 * cy, y1 = yuyv ? cy : CC_MIN(2 * cy + 1, frame->height - 1);
            c->dsp.mask_down2x2(c->cmask + (size_t)cy * c->cw,
                                mask->data + (size_t)y0 * mask->stride,
                                mask->data + (size_t)y1 * mask->stride, frame->width);
        }
        for (int i = 1; i < c->nplanes; i++) {
            p[i].mask = c->cmask;
            p[i].mstride = c->cw;
        }
    }
    for (int i = 0; i < c->nplanes; i++)
        composite_plane(c, &p[i]);
    if (frame->format == CC_PIX_YUYV)
        merge_yuyv(c, frame);
    return 0;
}
