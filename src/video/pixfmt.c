/*
 * Pixel access for the segmenter. The model sees RGB; the guide of the matte refinement
 * is luma. Both are read straight from the frame in its own format, so a YUV camera frame
 * is never converted whole to RGB: the tensor samples only model-size points, and luma of
 * a YUV frame is its Y plane.
 */
#include "pixfmt.h"

#include <math.h>
#include <string.h>

#include "cc_config.h"
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
static CcTensorCoef yuv_coef(const CcFrame *f)
{
    CcTensorCoef c;
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

void cc_bilinear_taps(CcTap *t, int n_dst, int n_src)
{
    const float scale = (float)n_src / n_dst;
    for (int i = 0; i < n_dst; i++) {
        float f = (i + 0.5f) * scale - 0.5f;
        if (f < 0.0f)
            f = 0.0f;
        int i0 = CC_MIN((int)f, n_src - 1);
        t[i].i0 = i0;
        t[i].i1 = CC_MIN(i0 + 1, n_src - 1);
        t[i].w = CC_MIN(f - i0, 1.0f);
    }
}

/* Two one-sided selects compile to maxss/minss; a nested ternary became mispredicted branches. */
static inline float clamp01(float v)
{
    v = v > 0.0f ? v : 0.0f;
    return v < 1.0f ? v : 1.0f;
}

/* One tensor row from a YUYV frame (the planar formats: cc_tensor_row_yuv_c). */
static void yuyv_row(const CcFrame *f, const CcTensorCoef *kc, const CcTap *tx, CcTap vy, float *o,
                     int dst_w)
{
    const CcTensorCoef k = *kc;
    for (int ox = 0; ox < dst_w; ox++, o += 3) {
        const CcTap hx = tx[ox];
        int xs[2] = { hx.i0, hx.i1 }, ys[2] = { vy.i0, vy.i1 };
        float Y[4], U[4], V[4];
        for (int j = 0; j < 4; j++) {
            int x = xs[j & 1], y = ys[j >> 1];
            const uint8_t *p = f->data[0] + (size_t)y * f->stride[0] + (size_t)(x >> 1) * 4;
            Y[j] = p[(x & 1) * 2];
            U[j] = p[1];
            V[j] = p[3];
        }
        float yt = Y[0] + (Y[1] - Y[0]) * hx.w, yb = Y[2] + (Y[3] - Y[2]) * hx.w;
        float ut = U[0] + (U[1] - U[0]) * hx.w, ub = U[2] + (U[3] - U[2]) * hx.w;
        float vt = V[0] + (V[1] - V[0]) * hx.w, vb = V[2] + (V[3] - V[2]) * hx.w;
        float yy = (yt + (yb - yt) * vy.w - k.y_off) * k.y_mul;
        float u = (ut + (ub - ut) * vy.w - 128.0f) * k.c_mul;
        float v = (vt + (vb - vt) * vy.w - 128.0f) * k.c_mul;
        o[0] = clamp01(yy + k.rv * v);
        o[1] = clamp01(yy + k.gu * u + k.gv * v);
        o[2] = clamp01(yy + k.bu * u);
    }
}

/* The planar formats' row (I420, NV12): the same operations as yuyv_row, from the six rows
 * and a structure-of-arrays copy of the horizontal taps (the layout the SIMD variants load). */
void cc_tensor_row_yuv_c(float *o, const uint8_t *const rows[6], int cstep, const int32_t *xi,
                         const float *xw, int n, int src_w, float wy, const CcTensorCoef *kc)
{
    const CcTensorCoef k = *kc;
    for (int ox = 0; ox < n; ox++, o += 3) {
        const int x0 = xi[ox], x1 = CC_MIN(x0 + 1, src_w - 1);
        const int c0 = (x0 >> 1) * cstep, c1 = (x1 >> 1) * cstep;
        const float w = xw[ox];
        float Y[4] = { rows[0][x0], rows[0][x1], rows[1][x0], rows[1][x1] };
        float U[4] = { rows[2][c0], rows[2][c1], rows[3][c0], rows[3][c1] };
        float V[4] = { rows[4][c0], rows[4][c1], rows[5][c0], rows[5][c1] };
        float yt = Y[0] + (Y[1] - Y[0]) * w, yb = Y[2] + (Y[3] - Y[2]) * w;
        float ut = U[0] + (U[1] - U[0]) * w, ub = U[2] + (U[3] - U[2]) * w;
        float vt = V[0] + (V[1] - V[0]) * w, vb = V[2] + (V[3] - V[2]) * w;
        float yy = (yt + (yb - yt) * wy - k.y_off) * k.y_mul;
        float u = (ut + (ub - ut) * wy - 128.0f) * k.c_mul;
        float v = (vt + (vb - vt) * wy - 128.0f) * k.c_mul;
        o[0] = clamp01(yy + k.rv * v);
        o[1] = clamp01(yy + k.gu * u + k.gv * v);
        o[2] = clamp01(yy + k.bu * u);
    }
}

void cc_colsum_u8_c(uint16_t *cs, const uint8_t *src, ptrdiff_t stride, int step, int rows, int n)
{
    for (int x = 0; x < n; x++)
        cs[x] = 0;
    for (int r = 0; r < rows; r++) {
        const uint8_t *s = src + r * stride;
        if (step == 1) /* the common case: a plain loop that vectorises */
            for (int x = 0; x < n; x++)
                cs[x] += s[x];
        else
            for (int x = 0; x < n; x++)
                cs[x] += s[(size_t)x * step];
    }
}

void cc_pixfmt_dsp_init_c(CcPixfmtDsp *dsp)
{
    dsp->tensor_row_yuv = cc_tensor_row_yuv_c;
    dsp->colsum_u8 = cc_colsum_u8_c;
}

void cc_pixfmt_dsp_init(CcPixfmtDsp *dsp)
{
    cc_pixfmt_dsp_init_c(dsp);
#if CC_ARCH_X86_64
    cc_pixfmt_dsp_init_x86(dsp);
#elif CC_ARCH_WASM && defined(__wasm_simd128__)
    cc_pixfmt_dsp_init_wasm(dsp);
#endif
}

/* This file's kernels, chosen on first use. Threads racing on the first call store the same
 * pointers (each is read on its own). */
static CcTensorRowYuv tensor_row_yuv(void)
{
    static CcTensorRowYuv fn;
    CcTensorRowYuv f = __atomic_load_n(&fn, __ATOMIC_ACQUIRE);
    if (!f) {
        CcPixfmtDsp dsp;
        cc_pixfmt_dsp_init(&dsp);
        f = dsp.tensor_row_yuv;
        __atomic_store_n(&fn, f, __ATOMIC_RELEASE);
    }
    return f;
}

static CcColsumU8 colsum_u8(void)
{
    static CcColsumU8 fn;
    CcColsumU8 f = __atomic_load_n(&fn, __ATOMIC_ACQUIRE);
    if (!f) {
        CcPixfmtDsp dsp;
        cc_pixfmt_dsp_init(&dsp);
        f = dsp.colsum_u8;
        __atomic_store_n(&fn, f, __ATOMIC_RELEASE);
    }
    return f;
}

/*
 * Packed RGB: interpolate the channels directly. YUV: interpolate each full-resolution
 * source sample's Y, U, V (chroma read at its subsampled position, nearest), then convert
 * once per output sample. The second is not the same as converting before interpolating
 * only where the conversion clips, which the model does not notice.
 */
void cc_frame_to_tensor(const CcFrame *f, float *dst, int dst_w, int dst_h)
{
    CcTensorCoef k = yuv_coef(f);
    CcTap tx[1024], ty[1024];
    if (dst_w > 1024 || dst_h > 1024)
        return;
    cc_bilinear_taps(tx, dst_w, f->width);
    cc_bilinear_taps(ty, dst_h, f->height);
    const int packed = f->format <= CC_PIX_RGB24;
    const int px = f->format == CC_PIX_RGB24 ? 3 : 4, ri = f->format == CC_PIX_BGRA ? 2 : 0;
    if (f->format == CC_PIX_I420 || f->format == CC_PIX_NV12) {
        const CcTensorRowYuv row = tensor_row_yuv();
        const int nv12 = f->format == CC_PIX_NV12;
        int32_t xi[1024];
        float xw[1024];
        for (int ox = 0; ox < dst_w; ox++) {
            xi[ox] = tx[ox].i0;
            xw[ox] = tx[ox].w;
        }
        for (int oy = 0; oy < dst_h; oy++) {
            const CcTap vy = ty[oy];
            const size_t c0 = (size_t)(vy.i0 >> 1), c1 = (size_t)(vy.i1 >> 1);
            const uint8_t *u = f->data[1], *v = nv12 ? f->data[1] + 1 : f->data[2];
            const int us = f->stride[1], vs = nv12 ? f->stride[1] : f->stride[2];
            const uint8_t *rows[6] = {
                f->data[0] + (size_t)vy.i0 * f->stride[0], f->data[0] + (size_t)vy.i1 * f->stride[0],
                u + c0 * us, u + c1 * us, v + c0 * vs, v + c1 * vs,
            };
            row(dst + (size_t)oy * dst_w * 3, rows, nv12 ? 2 : 1, xi, xw, dst_w, f->width, vy.w,
                &k);
        }
        return;
    }
    for (int oy = 0; oy < dst_h; oy++) {
        const CcTap vy = ty[oy];
        float *o = dst + (size_t)oy * dst_w * 3;
        if (packed) {
            const uint8_t *r0 = f->data[0] + (size_t)vy.i0 * f->stride[0];
            const uint8_t *r1 = f->data[0] + (size_t)vy.i1 * f->stride[0];
            for (int ox = 0; ox < dst_w; ox++, o += 3) {
                const CcTap hx = tx[ox];
                const uint8_t *a = r0 + hx.i0 * px, *b = r0 + hx.i1 * px;
                const uint8_t *c = r1 + hx.i0 * px, *d = r1 + hx.i1 * px;
                for (int ch = 0; ch < 3; ch++) {
                    int ci = ch == 0 ? ri : ch == 2 ? 2 - ri : 1;
                    float top = a[ci] + (b[ci] - a[ci]) * hx.w;
                    float bot = c[ci] + (d[ci] - c[ci]) * hx.w;
                    o[ch] = (top + (bot - top) * vy.w) * (1.0f / 255.0f);
                }
            }
            continue;
        }
        yuyv_row(f, &k, tx, vy, o, dst_w);
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

/* out[i] = sum of cs[i f .. i f + f - 1], i < n (whole blocks); constant f unrolls and
 * vectorises (the factors of 1080p, 720p and 480p-class frames). */
static inline __attribute__((always_inline)) void block_sums_k(float *out, const uint16_t *cs,
                                                                 int n, int f)
{
    for (int i = 0; i < n; i++) {
        uint32_t s = 0;
        for (int k = 0; k < f; k++)
            s += cs[i * f + k];
        out[i] = (float)s;
    }
}

static void block_sums(float *out, const uint16_t *cs, int n, int f)
{
    switch (f) {
    case 2: block_sums_k(out, cs, n, 2); return;
    case 3: block_sums_k(out, cs, n, 3); return;
    case 4: block_sums_k(out, cs, n, 4); return;
    case 6: block_sums_k(out, cs, n, 6); return;
    default: block_sums_k(out, cs, n, f); return;
    }
}

void cc_frame_luma_downsample(const CcFrame *f, int factor, float *dst, float *colsumf, float *row,
                              CcBlockSums bsum)
{
    if (!bsum)
        bsum = block_sums;
    const int w = f->width, h = f->height;
    const int dw = (w + factor - 1) / factor, dh = (h + factor - 1) / factor;
    const int yuv = f->format >= CC_PIX_I420;
    const int step = f->format == CC_PIX_YUYV ? 2 : 1;
    float off = 0.0f, mul = 1.0f / 255.0f;
    if (yuv && !f->full_range) {
        off = 16.0f;
        mul = 1.0f / 219.0f;
    }
    /* Column sums over the block's rows first (vectorises), then horizontal block sums.
     * Sums of at most a few hundred 8-bit values are exact in float. */
    for (int dy = 0; dy < dh; dy++) {
        const int y_end = CC_MIN(h, (dy + 1) * factor), rows = y_end - dy * factor;
        float *out = dst + (size_t)dy * dw;
        if (yuv) {
            /* 16-bit column sums (factor <= 257 rows of 8-bit values fit) */
            uint16_t *cs = (uint16_t *)row;
            colsum_u8()(cs, f->data[0] + (size_t)dy * factor * f->stride[0], f->stride[0], step,
                        rows, w);
        } else {
            memset(colsumf, 0, (size_t)w * sizeof(float));
            for (int y = dy * factor; y < y_end; y++) {
                cc_frame_luma_row(f, y, row);
                for (int x = 0; x < w; x++)
                    colsumf[x] += row[x] * 255.0f;
            }
        }
        if (yuv) {
            /* integer block sums (exact, like the float sums they replace), then one
             * vectorisable pass for the division and scaling */
            const uint16_t *cs = (const uint16_t *)row;
            bsum(out, cs, dw - 1, factor);
            uint32_t last = 0;
            for (int x = (dw - 1) * factor; x < w; x++)
                last += cs[x];
            out[dw - 1] = (float)last;
            const float nf = (float)(factor * rows), nl = (float)((w - (dw - 1) * factor) * rows);
            for (int dx = 0; dx < dw - 1; dx++)
                out[dx] = (out[dx] / nf - off) * mul;
            out[dw - 1] = (out[dw - 1] / nl - off) * mul;
            continue;
        }
        for (int dx = 0, x = 0; dx < dw; dx++) {
            float sum = 0.0f;
            int cols = 0;
            for (; cols < factor && x < w; cols++, x++)
                sum += colsumf[x];
            out[dx] = (sum / (float)(cols * rows) - off) * mul;
        }
    }
}

/*
 * Packed RGB in one pass over the frame: 16-bit sums over each block row's rows of every byte
 * of the row (a plain contiguous u8 -> u16 accumulation, channels left interleaved: factor
 * <= 257 rows of 8-bit values fit), then exact integer block sums per channel, then the block
 * means' luma and colour differences (both are linear in R, G, B, so the mean of the
 * per-pixel values equals the value of the means up to float rounding).
 */
void cc_frame_rgb_guide_downsample(const CcFrame *f, int factor, float *Y, float *U, float *V,
                                   uint16_t *cs, CcBlockSums bsum)
{
    (void)bsum;
    const int w = f->width, h = f->height;
    const int dw = (w + factor - 1) / factor, dh = (h + factor - 1) / factor;
    const int px = f->format == CC_PIX_RGB24 ? 3 : 4, ri = f->format == CC_PIX_BGRA ? 2 : 0;
    const size_t n = (size_t)px * w;
    const CcColsumU8 csum = colsum_u8();
    for (int dy = 0; dy < dh; dy++) {
        const int y0 = dy * factor, y1 = CC_MIN(h, y0 + factor);
        csum(cs, f->data[0] + (size_t)y0 * f->stride[0], f->stride[0], 1, y1 - y0, (int)n);
        const float rows = (float)(y1 - y0);
        float *oy = Y + (size_t)dy * dw, *ou = U + (size_t)dy * dw, *ov = V + (size_t)dy * dw;
        for (int dx = 0; dx < dw; dx++) {
            const int x0 = dx * factor, x1 = CC_MIN(w, x0 + factor);
            uint32_t acc[4] = { 0, 0, 0, 0 };
            if (px == 4)
                for (int x = x0; x < x1; x++)
                    for (int c = 0; c < 4; c++) /* one 4-lane add */
                        acc[c] += cs[4 * (size_t)x + c];
            else
                for (int x = x0; x < x1; x++)
                    for (int c = 0; c < 3; c++)
                        acc[c] += cs[3 * (size_t)x + c];
            const float k = 1.0f / (255.0f * (float)(x1 - x0) * rows);
            const float r = (float)acc[ri] * k, g = (float)acc[1] * k, b = (float)acc[2 - ri] * k;
            const float l = 0.299f * r + 0.587f * g + 0.114f * b;
            oy[dx] = l;
            ou[dx] = 0.564f * (b - l);
            ov[dx] = 0.713f * (r - l);
        }
    }
}

/* Range-normalised chroma offsets/scales of a YUV frame: U, V in about -0.5..0.5. */
static void chroma_norm(const CcFrame *f, float *mul)
{
    *mul = f->full_range ? 1.0f / 255.0f : 1.0f / 224.0f;
}

/*
 * Block means of one 8-bit plane: plane sample (px, py) covers frame pixels
 * [px sx, (px + 1) sx) x [py sy, (py + 1) sy); the working block of the frame is
 * [x f, (x + 1) f) x [y f, (y + 1) f). Samples are src[py * stride + px * step].
 */
static void plane_block_mean(const uint8_t *src, int stride, int step, int pw, int ph, int sx,
                             int sy, int f, int dw, int dh, float off, float mul, float *dst,
                             float *colsum, CcBlockSums bsum)
{
    uint16_t *cs = (uint16_t *)colsum; /* pw 16-bit column sums in the w-float scratch */
    const CcColsumU8 csum = colsum_u8();
    for (int dy = 0; dy < dh; dy++) {
        int y0 = dy * f / sy, y1 = CC_MIN(ph, ((dy + 1) * f + sy - 1) / sy);
        if (y1 <= y0)
            y1 = CC_MIN(ph, y0 + 1), y0 = y1 - 1;
        /* 16-bit column sums: at most 257 rows of 8-bit samples (f <= 52 here) */
        csum(cs, src + (size_t)y0 * stride, stride, step, y1 - y0, pw);
        /* Block sums in integers (exact: the same values as summing in float), then the
         * means. With f a multiple of sx every block but the last has f / sx columns: that
         * division runs as one vector loop. */
        float *o = dst + (size_t)dy * dw;
        int first_odd = f % sx ? 0 : dw - 1;
        bsum(o, cs, first_odd, f / sx);
        for (int dx = first_odd; dx < dw; dx++) {
            int x0 = dx * f / sx, x1 = CC_MIN(pw, ((dx + 1) * f + sx - 1) / sx);
            if (x1 <= x0)
                x1 = CC_MIN(pw, x0 + 1), x0 = x1 - 1;
            uint32_t s = 0;
            for (int x = x0; x < x1; x++)
                s += cs[x];
            o[dx] = ((float)s / (float)((x1 - x0) * (y1 - y0)) - off) * mul;
        }
        const float n = (float)(f / sx * (y1 - y0));
        for (int dx = 0; dx < first_odd; dx++)
            o[dx] = (o[dx] / n - off) * mul;
    }
}

void cc_frame_chroma_downsample(const CcFrame *f, int factor, const float *Y, float *U, float *V,
                                float *colsum, CcBlockSums bsum)
{
    if (!bsum)
        bsum = block_sums;
    const int w = f->width, h = f->height;
    const int dw = (w + factor - 1) / factor, dh = (h + factor - 1) / factor;
    float mul;
    chroma_norm(f, &mul);
    const int cw = (w + 1) / 2, ch = (h + 1) / 2;
    switch (f->format) {
    case CC_PIX_I420:
        plane_block_mean(f->data[1], f->stride[1], 1, cw, ch, 2, 2, factor, dw, dh, 128.0f, mul, U, colsum, bsum);
        plane_block_mean(f->data[2], f->stride[2], 1, cw, ch, 2, 2, factor, dw, dh, 128.0f, mul, V, colsum, bsum);
        return;
    case CC_PIX_NV12:
        plane_block_mean(f->data[1], f->stride[1], 2, cw, ch, 2, 2, factor, dw, dh, 128.0f, mul, U, colsum, bsum);
        plane_block_mean(f->data[1] + 1, f->stride[1], 2, cw, ch, 2, 2, factor, dw, dh, 128.0f, mul, V, colsum, bsum);
        return;
    case CC_PIX_YUYV:
        plane_block_mean(f->data[0] + 1, f->stride[0], 4, cw, h, 2, 1, factor, dw, dh, 128.0f, mul, U, colsum, bsum);
        plane_block_mean(f->data[0] + 3, f->stride[0], 4, cw, h, 2, 1, factor, dw, dh, 128.0f, mul, V, colsum, bsum);
        return;
    default: {
        /* RGB: U = 0.564 (B - Y), V = 0.713 (R - Y); block means commute with that. */
        const int px = f->format == CC_PIX_RGB24 ? 3 : 4, ri = f->format == CC_PIX_BGRA ? 2 : 0;
        plane_block_mean(f->data[0] + 2 - ri, f->stride[0], px, w, h, 1, 1, factor, dw, dh, 0.0f,
                         1.0f / 255.0f, U, colsum, bsum);
        plane_block_mean(f->data[0] + ri, f->stride[0], px, w, h, 1, 1, factor, dw, dh, 0.0f,
                         1.0f / 255.0f, V, colsum, bsum);
        for (int i = 0; i < dw * dh; i++) {
            U[i] = 0.564f * (U[i] - Y[i]);
            V[i] = 0.713f * (V[i] - Y[i]);
        }
        return;
    }
    }
}
