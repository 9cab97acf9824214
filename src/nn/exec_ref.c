/*
 * Portable C executor: runs the graph op by op on NHWC float buffers. No dependency; the
 * test oracle for XNNPACK and the executor of the wasm build.
 *
 * At open: RELUs folded into the op before them where possible (fold_relus), every
 * activation tensor placed in one arena by liveness (plan_arena), conv/deconv filters
 * repacked from TFLite's [co][kh][kw][ci] to [kh][kw][ci][co] so the innermost loop runs
 * over output channels (contiguous in both the weights and the output pixel,
 * vectorisable), im2col scratch sized. Depthwise filters [1][kh][kw][c] are used as they
 * are. run() allocates nothing. Kernels come from a table (C, or AVX2+FMA on x86 when
 * the CPU has it; cc_nn_exec_open_portable(.., simd = 0) forces C).
 *
 * Threads: this executor runs on the calling thread only (threads > 1 is accepted and
 * ignored).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nn/exec.h"

typedef struct RefExec {
    CcNnKernels k;
    float **buf;    /* per tensor: its place in the arena, or static data (graph's) */
    float **packed; /* per op: repacked filter (owned) or NULL */
    float *scratch; /* im2col rows of the general convolutions (owned) */
    CcNnOp *ops;    /* the graph's ops, with RELUs folded into their producers */
    uint8_t *skip;  /* per op: folded away (its output aliases its input) */
    float *arena;   /* every activation tensor (owned) */
} RefExec;

static inline float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* ---- kernels ------------------------------------------------------------------------- */

/* Pointwise convolution as a small GEMM: rows are pixels, columns output channels. */
static void conv1x1_c(float *out, const float *in, const float *w, const float *bias,
                      size_t n_pix, int ci, int co, float lo, float hi)
{
    for (size_t p = 0; p < n_pix; p++) {
        float *o = out + p * (size_t)co;
        const float *x = in + p * (size_t)ci;
        for (int k = 0; k < co; k++)
            o[k] = bias[k];
        for (int c = 0; c < ci; c++) {
            const float a = x[c];
            const float *wr = w + (size_t)c * co;
            for (int k = 0; k < co; k++)
                o[k] += a * wr[k];
        }
        if (lo > -INFINITY || hi < INFINITY)
            for (int k = 0; k < co; k++)
                o[k] = clampf(o[k], lo, hi);
    }
}

/* Depthwise: per output pixel, bias plus the kernel window, channel by channel. */
static void dwconv_c(float *y, const float *x, const float *w, const float *bias, const CcNnDwParams *p)
{
    const int c = p->c;
    const int clamp = p->lo > -INFINITY || p->hi < INFINITY;
    for (int oy = 0; oy < p->oh; oy++) {
        for (int ox = 0; ox < p->ow; ox++) {
            float *o = y + ((size_t)oy * p->ow + ox) * c;
            memcpy(o, bias, (size_t)c * sizeof(float));
            for (int ky = 0; ky < p->kh; ky++) {
                int iy = oy * p->sh - p->pad_top + ky;
                if (iy < 0 || iy >= p->ih)
                    continue;
                for (int kx = 0; kx < p->kw; kx++) {
                    int ix = ox * p->sw - p->pad_left + kx;
                    if (ix < 0 || ix >= p->iw)
                        continue;
                    const float *xp = x + ((size_t)iy * p->iw + ix) * c;
                    const float *wp = w + (size_t)(ky * p->kw + kx) * c;
                    for (int ch = 0; ch < c; ch++)
                        o[ch] += xp[ch] * wp[ch];
                }
            }
            if (clamp)
                for (int ch = 0; ch < c; ch++)
                    o[ch] = clampf(o[ch], p->lo, p->hi);
        }
    }
}

static void hardswish_c(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] * clampf(x[i] + 3.0f, 0.0f, 6.0f) * (1.0f / 6.0f);
}

static void clamp_c(float *y, const float *x, size_t n, float lo, float hi)
{
    for (size_t i = 0; i < n; i++)
        y[i] = clampf(x[i], lo, hi);
}

static void dots_c(float *s, const float *x, const float *w, size_t n_pix, int ci, int nout)
{
    for (size_t p = 0; p < n_pix; p++) {
        const float *xp = x + p * (size_t)ci;
        for (int j = 0; j < nout; j++) {
            const float *wr = w + (size_t)j * ci;
            float a = 0;
            for (int c = 0; c < ci; c++)
                a += xp[c] * wr[c];
            s[p * (size_t)nout + j] = a;
        }
    }
}

static void binary_c(float *y, const float *a, const float *b, size_t n, int mul)
{
    if (mul)
        for (size_t i = 0; i < n; i++)
            y[i] = a[i] * b[i];
    else
        for (size_t i = 0; i < n; i++)
            y[i] = a[i] + b[i];
}

static void lerp2d_c(float *o, const float *p00, const float *p01, const float *p10,
                     const float *p11, float fx, float fy, int c)
{
    for (int k = 0; k < c; k++) {
        float top = p00[k] + (p01[k] - p00[k]) * fx;
        float bot = p10[k] + (p11[k] - p10[k]) * fx;
        o[k] = top + (bot - top) * fy;
    }
}

void cc_nn_kernels_init_c(CcNnKernels *k)
{
    k->hardswish = hardswish_c;
    k->clamp = clamp_c;
    k->conv1x1 = conv1x1_c;
    k->dwconv = dwconv_c;
    k->dots = dots_c;
    k->binary = binary_c;
    k->lerp2d = lerp2d_c;
}

/*
 * General convolution as im2col by output row: the kernel windows of one output row are
 * gathered into scratch ([ow][kh][kw][ci], zeros where the window leaves the input), which
 * makes the row one pointwise GEMM against the [kh][kw][ci][co] packed filter.
 * scratch holds ow * kh * kw * ci floats (sized at open).
 */
static void run_conv(const CcNnKernels *kt, const CcNnGraph *g, const CcNnOp *op, float **buf, const float *w,
                     float *scratch)
{
    const CcNnTensor *xt = &g->tensors[op->in[0]], *yt = &g->tensors[op->out];
    const float *x = buf[op->in[0]], *bias = g->tensors[op->in[2]].data;
    float *y = buf[op->out];
    const int kh = cc_nn_op_kh(g, op), kw = cc_nn_op_kw(g, op);
    const int ih = xt->h, iw = xt->w, ci = xt->c, oh = yt->h, ow = yt->w, co = yt->c;
    if (kh == 1 && kw == 1 && op->stride_h == 1 && op->stride_w == 1) {
        kt->conv1x1(y, x, w, bias, (size_t)oh * ow, ci, co, op->act_min, op->act_max);
        return;
    }
    const size_t patch = (size_t)kh * kw * ci;
    for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
            float *d = scratch + (size_t)ox * patch;
            const int ix0 = ox * op->stride_w - op->pad_left;
            for (int ky = 0; ky < kh; ky++) {
                int iy = oy * op->stride_h - op->pad_top + ky;
                if (iy >= 0 && iy < ih && ix0 >= 0 && ix0 + kw <= iw) {
                    /* the window's row is inside: kw * ci contiguous floats (plain loops:
                     * ci is 3 for the models' first layer, where a memcpy call per tap
                     * costs more than the copy in wasm) */
                    const float *src = x + ((size_t)iy * iw + ix0) * ci;
                    for (int k = 0; k < kw * ci; k++)
                        d[k] = src[k];
                    d += (size_t)kw * ci;
                    continue;
                }
                for (int kx = 0; kx < kw; kx++, d += ci) {
                    int ix = ix0 + kx;
                    if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) {
                        for (int c = 0; c < ci; c++)
                            d[c] = 0;
                    } else {
                        const float *src = x + ((size_t)iy * iw + ix) * ci;
                        for (int c = 0; c < ci; c++)
                            d[c] = src[c];
                    }
                }
            }
        }
        kt->conv1x1(y + (size_t)oy * ow * co, scratch, w, bias, (size_t)ow, (int)patch, co, op->act_min,
                    op->act_max);
    }
}

static void run_dwconv(const CcNnKernels *kt, const CcNnGraph *g, const CcNnOp *op, float **buf)
{
    const CcNnTensor *xt = &g->tensors[op->in[0]], *yt = &g->tensors[op->out];
    const CcNnDwParams p = {
        .ih = xt->h, .iw = xt->w, .c = xt->c, .oh = yt->h, .ow = yt->w,
        .kh = cc_nn_op_kh(g, op), .kw = cc_nn_op_kw(g, op), .sh = op->stride_h, .sw = op->stride_w,
        .pad_top = op->pad_top, .pad_left = op->pad_left, .lo = op->act_min, .hi = op->act_max,
    };
    kt->dwconv(buf[op->out], buf[op->in[0]], g->tensors[op->in[1]].data, g->tensors[op->in[2]].data, &p);
}

/*
 * Transposed convolution as a scatter: input pixel (iy, ix) adds in * w[ky][kx] to output
 * pixel (iy * stride - pad_top + ky, ix * stride - pad_left + kx) when that is inside.
 * Few output channels (the models' last layer has one): per input row, the dot products
 * of every pixel with every filter row of the filter in its own [co][kh][kw][ci] (the dots
 * kernel, into scratch (iw, co * kh * kw)), then scattered.
 */
static void run_deconv(const CcNnKernels *kt, const CcNnGraph *g, const CcNnOp *op, float **buf,
                       const float *w, float *scratch)
{
    const CcNnTensor *xt = &g->tensors[op->in[0]], *yt = &g->tensors[op->out];
    const float *x = buf[op->in[0]], *bias = g->tensors[op->in[2]].data, *wo = g->tensors[op->in[1]].data;
    float *y = buf[op->out];
    const int kh = cc_nn_op_kh(g, op), kw = cc_nn_op_kw(g, op);
    const int ih = xt->h, iw = xt->w, ci = xt->c, oh = yt->h, ow = yt->w, co = yt->c;
    for (size_t p = 0; p < (size_t)oh * ow; p++)
        for (int k = 0; k < co; k++)
            y[p * co + k] = bias[k];
    if (co < 8) {
        /* per input row and kernel row: one output row (the same order of additions into
         * every output as input row, column, kernel row, column) */
        const int nout = co * kh * kw;
        for (int iy = 0; iy < ih; iy++) {
            kt->dots(scratch, x + (size_t)iy * iw * ci, wo, (size_t)iw, ci, nout);
            for (int ky = 0; ky < kh; ky++) {
                const int oy = iy * op->stride_h - op->pad_top + ky;
                if (oy < 0 || oy >= oh)
                    continue;
                float *orow = y + (size_t)oy * ow * co;
                for (int ix = 0; ix < iw; ix++) {
                    const float *s = scratch + (size_t)ix * nout + (size_t)ky * kw;
                    const int ox0 = ix * op->stride_w - op->pad_left;
                    for (int kx = 0; kx < kw; kx++) {
                        const int ox = ox0 + kx;
                        if (ox < 0 || ox >= ow)
                            continue;
                        float *o = orow + (size_t)ox * co;
                        for (int k = 0; k < co; k++)
                            o[k] += s[(size_t)k * kh * kw + kx];
                    }
                }
            }
        }
    } else {
        for (int iy = 0; iy < ih; iy++) {
            for (int ix = 0; ix < iw; ix++) {
                const float *xp = x + ((size_t)iy * iw + ix) * ci;
                for (int ky = 0; ky < kh; ky++) {
                    int oy = iy * op->stride_h - op->pad_top + ky;
                    if (oy < 0 || oy >= oh)
                        continue;
                    for (int kx = 0; kx < kw; kx++) {
                        int ox = ix * op->stride_w - op->pad_left + kx;
                        if (ox < 0 || ox >= ow)
                            continue;
                        float *o = y + ((size_t)oy * ow + ox) * co;
                        const float *wp = w + (size_t)(ky * kw + kx) * ci * co;
                        for (int c = 0; c < ci; c++) {
                            const float a = xp[c];
                            const float *wr = wp + (size_t)c * co;
                            for (int k = 0; k < co; k++)
                                o[k] += a * wr[k];
                        }
                    }
                }
            }
        }
    }
    if (op->act_min > -INFINITY || op->act_max < INFINITY)
        for (size_t i = 0; i < yt->count; i++)
            y[i] = clampf(y[i], op->act_min, op->act_max);
}

static void run_unary(const CcNnKernels *kt, const CcNnGraph *g, const CcNnOp *op, float **buf)
{
    const float *x = buf[op->in[0]];
    float *y = buf[op->out];
    const size_t n = g->tensors[op->out].count;
    switch (op->kind) {
    case CC_NN_OP_HARDSWISH:
        kt->hardswish(y, x, n);
        break;
    case CC_NN_OP_SIGMOID:
        for (size_t i = 0; i < n; i++)
            y[i] = 1.0f / (1.0f + expf(-x[i]));
        break;
    default: /* RELU as a clamp */
        kt->clamp(y, x, n, op->act_min, op->act_max);
        break;
    }
}

/* a op b with NHWC broadcast: a dimension of 1 repeats (its stride is 0). */
static void run_binary(const CcNnKernels *kt, const CcNnGraph *g, const CcNnOp *op, float **buf)
{
    const CcNnTensor *at = &g->tensors[op->in[0]], *bt = &g->tensors[op->in[1]], *yt = &g->tensors[op->out];
    const float *a = buf[op->in[0]], *b = buf[op->in[1]];
    float *y = buf[op->out];
    const int h = yt->h, w = yt->w, c = yt->c;
    const size_t ac = at->c == 1 ? 0 : 1, bc = bt->c == 1 ? 0 : 1;
    const size_t aw = at->w == 1 ? 0 : (size_t)at->c, bw = bt->w == 1 ? 0 : (size_t)bt->c;
    const size_t ah = at->h == 1 ? 0 : (size_t)at->w * at->c, bh = bt->h == 1 ? 0 : (size_t)bt->w * bt->c;
    const int mul = op->kind == CC_NN_OP_MUL;
    const int clamp = op->act_min > -INFINITY || op->act_max < INFINITY;
    if (ac && bc && !clamp && aw && bw && (ah || h == 1) && (bh || h == 1)) {
        /* same shape on both sides: one flat pass */
        kt->binary(y, a, b, yt->count, mul);
        return;
    }
    for (int yy = 0; yy < h; yy++) {
        for (int xx = 0; xx < w; xx++) {
            const float *ap = a + yy * ah + xx * aw, *bp = b + yy * bh + xx * bw;
            float *o = y + ((size_t)yy * w + xx) * c;
            if (ac && bc && !clamp) /* same channel count on both sides (squeeze-excite) */
                kt->binary(o, ap, bp, (size_t)c, mul);
            else if (mul)
                for (int k = 0; k < c; k++)
                    o[k] = clampf(ap[k * ac] * bp[k * bc], op->act_min, op->act_max);
            else
                for (int k = 0; k < c; k++)
                    o[k] = clampf(ap[k * ac] + bp[k * bc], op->act_min, op->act_max);
        }
    }
}

static void run_gavgpool(const CcNnGraph *g, const CcNnOp *op, float **buf)
{
    const CcNnTensor *xt = &g->tensors[op->in[0]];
    const float *x = buf[op->in[0]];
    float *y = buf[op->out];
    const size_t n = (size_t)xt->h * xt->w;
    const int c = xt->c;
    for (int k = 0; k < c; k++)
        y[k] = 0;
    for (size_t p = 0; p < n; p++)
        for (int k = 0; k < c; k++)
            y[k] += x[p * c + k];
    const float inv = 1.0f / (float)n;
    for (int k = 0; k < c; k++)
        y[k] = clampf(y[k] * inv, op->act_min, op->act_max);
}

/*
 * Bilinear resize with half-pixel centres (TFLite half_pixel_centers, no align_corners):
 * source coordinate s = (d + 0.5) * in / out - 0.5, clamped to [0, in - 1]; the two
 * neighbours floor(s) and min(floor(s) + 1, in - 1) weighted by the fraction.
 */
static void src_coord(int d, int in, int out, int *i0, int *i1, float *f)
{
    float s = ((float)d + 0.5f) * ((float)in / (float)out) - 0.5f;
    if (s < 0)
        s = 0;
    int lo = (int)s;
    if (lo > in - 1)
        lo = in - 1;
    *i0 = lo;
    *i1 = lo + 1 < in ? lo + 1 : in - 1;
    *f = s - (float)lo;
    if (*f > 1)
        *f = 1;
}

static void run_resize(const CcNnKernels *kt, const CcNnGraph *g, const CcNnOp *op, float **buf)
{
    const CcNnTensor *xt = &g->tensors[op->in[0]], *yt = &g->tensors[op->out];
    const float *x = buf[op->in[0]];
    float *y = buf[op->out];
    const int ih = xt->h, iw = xt->w, c = xt->c, oh = yt->h, ow = yt->w;
    for (int oy = 0; oy < oh; oy++) {
        int y0, y1;
        float fy;
        src_coord(oy, ih, oh, &y0, &y1, &fy);
        for (int ox = 0; ox < ow; ox++) {
            int x0, x1;
            float fx;
            src_coord(ox, iw, ow, &x0, &x1, &fx);
            const float *p00 = x + ((size_t)y0 * iw + x0) * c, *p01 = x + ((size_t)y0 * iw + x1) * c;
            const float *p10 = x + ((size_t)y1 * iw + x0) * c, *p11 = x + ((size_t)y1 * iw + x1) * c;
            kt->lerp2d(y + ((size_t)oy * ow + ox) * c, p00, p01, p10, p11, fx, fy, c);
        }
    }
}

/* ---- executor ------------------------------------------------------------------------ */

static int ref_run(CcNnExec *e)
{
    RefExec *r = e->priv;
    const CcNnGraph *g = e->g;
    for (int i = 0; i < g->n_ops; i++) {
        const CcNnOp *op = &r->ops[i];
        if (r->skip[i])
            continue;
        switch (op->kind) {
        case CC_NN_OP_CONV2D: run_conv(&r->k, g, op, r->buf, r->packed[i], r->scratch); break;
        case CC_NN_OP_DWCONV2D: run_dwconv(&r->k, g, op, r->buf); break;
        case CC_NN_OP_DECONV2D: run_deconv(&r->k, g, op, r->buf, r->packed[i], r->scratch); break;
        case CC_NN_OP_HARDSWISH: case CC_NN_OP_RELU: case CC_NN_OP_SIGMOID: run_unary(&r->k, g, op, r->buf); break;
        case CC_NN_OP_MUL: case CC_NN_OP_ADD: run_binary(&r->k, g, op, r->buf); break;
        case CC_NN_OP_GAVGPOOL: run_gavgpool(g, op, r->buf); break;
        case CC_NN_OP_RESIZE: run_resize(&r->k, g, op, r->buf); break;
        default: return CC_ERR_UNSUPPORTED;
        }
    }
    return 0;
}

static void ref_close(CcNnExec *e)
{
    RefExec *r = e->priv;
    if (!r)
        return;
    const CcNnGraph *g = e->g;
    cc_free_aligned(r->arena);
    if (r->packed)
        for (int i = 0; i < g->n_ops; i++)
            cc_free_aligned(r->packed[i]);
    free(r->buf);
    free(r->packed);
    free(r->ops);
    free(r->skip);
    cc_free_aligned(r->scratch);
    free(r);
    e->priv = NULL;
}

/* [co][kh][kw][ci] -> [kh][kw][ci][co] */
static float *repack(const CcNnTensor *f)
{
    const int co = f->dims[0], kh = f->dims[1], kw = f->dims[2], ci = f->dims[3];
    float *p = cc_alloc_aligned(f->count * sizeof(float));
    if (!p)
        return NULL;
    for (int o = 0; o < co; o++)
        for (int y = 0; y < kh; y++)
            for (int x = 0; x < kw; x++)
                for (int c = 0; c < ci; c++)
                    p[(((size_t)y * kw + x) * ci + c) * co + o] = f->data[(((size_t)o * kh + y) * kw + x) * ci + c];
    return p;
}

/*
 * RELU after an op that clamps anyway (conv, depthwise, deconv, add, mul) becomes that op's
 * clamp when the op's output has no other reader and is not the graph output: one pass
 * over the tensor less. The RELU is skipped and its output aliases its input.
 */
static void fold_relus(const CcNnGraph *g, RefExec *r)
{
    for (int i = 0; i < g->n_ops; i++) {
        const CcNnOp *op = &g->ops[i];
        int t = op->in[0];
        if (op->kind != CC_NN_OP_RELU || t == g->input || t == g->output)
            continue;
        int producer = -1, readers = 0;
        for (int j = 0; j < g->n_ops; j++) {
            if (g->ops[j].out == t)
                producer = j;
            for (int k = 0; k < 3; k++)
                readers += g->ops[j].in[k] == t;
        }
        if (producer < 0 || readers != 1)
            continue;
        CcNnOp *p = &r->ops[producer];
        if (p->kind > CC_NN_OP_DECONV2D && p->kind != CC_NN_OP_ADD && p->kind != CC_NN_OP_MUL)
            continue;
        if (p->act_min != -INFINITY || p->act_max != INFINITY)
            continue;
        p->act_min = op->act_min;
        p->act_max = op->act_max;
        r->skip[i] = 1;
    }
}

/*
 * Activation memory plan: each tensor is live from the op that writes it to the last op
 * that reads it (inclusive, so an op's output never overlaps its inputs); the graph input
 * and output stay live for the whole run. A folded RELU's output shares its input's
 * storage, whose life then covers both. Tensors are placed in creation order at the
 * lowest 64-byte-aligned offset that overlaps no live-at-the-same-time tensor.
 * Returns the arena size in floats; offset[t] in floats for every activation tensor.
 */
static size_t plan_arena(const CcNnGraph *g, const RefExec *r, size_t *offset)
{
    const int n = g->n_tensors;
    int *root = cc_calloc((size_t)n, sizeof(int)), *first = cc_calloc((size_t)n, sizeof(int));
    int *last = cc_calloc((size_t)n, sizeof(int)), *order = cc_calloc((size_t)g->n_ops + 1, sizeof(int));
    size_t total = 0;
    if (!root || !first || !last || !order)
        goto out;
    total = 16;
    for (int t = 0; t < n; t++) {
        root[t] = t;
        first[t] = last[t] = -2;
    }
    int n_roots = 0;
    for (int i = -1; i < g->n_ops; i++) {
        int t = i < 0 ? g->input : g->ops[i].out;
        if (i >= 0 && r->skip[i]) {
            root[t] = root[g->ops[i].in[0]];
            continue;
        }
        first[t] = last[t] = i;
        order[n_roots++] = t;
    }
    for (int i = 0; i < g->n_ops; i++)
        for (int k = 0; k < 3; k++) {
            int t = g->ops[i].in[k];
            if (t >= 0 && !g->tensors[t].data && last[root[t]] < i)
                last[root[t]] = i;
        }
    last[root[g->input]] = g->n_ops;
    last[root[g->output]] = g->n_ops;
    first[root[g->input]] = -1;
    for (int a = 0; a < n_roots; a++) {
        int t = order[a];
        size_t size = (g->tensors[t].count + 15) & ~(size_t)15, off = 0;
        /* Move up past every placed, overlapping-in-time block that overlaps in space. */
        for (int moved = 1; moved;) {
            moved = 0;
            for (int b = 0; b < a; b++) {
                int u = order[b];
                size_t usize = (g->tensors[u].count + 15) & ~(size_t)15;
                if (last[u] < first[t] || last[t] < first[u])
                    continue;
                if (off < offset[u] + usize && offset[u] < off + size) {
                    off = offset[u] + usize;
                    moved = 1;
                }
            }
        }
        offset[t] = off;
        total = CC_MAX(total, off + size);
    }
    for (int t = 0; t < n; t++)
        offset[t] = offset[root[t]];
out:
    free(root);
    free(first);
    free(last);
    free(order);
    return total;
}

int cc_nn_exec_ref_open(CcNnExec *e, int threads, int simd)
{
    (void)threads;
    const CcNnGraph *g = e->g;
    RefExec *r = cc_calloc(1, sizeof(*r));
    if (!r)
        return CC_ERR(ENOMEM);
    e->priv = r;
    e->run = ref_run;
    e->close = ref_close;
    cc_nn_kernels_init(&r->k, simd);
    const size_t n_ops = g->n_ops ? (size_t)g->n_ops : 1;
    r->buf = cc_calloc((size_t)g->n_tensors, sizeof(*r->buf));
    r->packed = cc_calloc(n_ops, sizeof(*r->packed));
    r->ops = cc_calloc(n_ops, sizeof(*r->ops));
    r->skip = cc_calloc(n_ops, 1);
    if (!r->buf || !r->packed || !r->ops || !r->skip)
        goto nomem;
    if (g->n_ops)
        memcpy(r->ops, g->ops, (size_t)g->n_ops * sizeof(*r->ops));
    fold_relus(g, r);
    /* Static data is the graph's; activations live in one arena (see plan_arena). */
    for (int i = 0; i < g->n_tensors; i++)
        if (g->tensors[i].data)
            r->buf[i] = g->tensors[i].data;
    size_t *offset = cc_calloc((size_t)g->n_tensors, sizeof(size_t));
    size_t arena_floats = offset ? plan_arena(g, r, offset) : 0;
    if (!offset || !arena_floats || !(r->arena = cc_alloc_aligned(arena_floats * sizeof(float)))) {
        free(offset);
        goto nomem;
    }
    size_t all_floats = 0;
    for (int i = -1; i < g->n_ops; i++) {
        int t = i < 0 ? g->input : g->ops[i].out;
        r->buf[t] = r->arena + offset[t];
        all_floats += g->tensors[t].count;
    }
    free(offset);
    cc_log(CC_LOG_DEBUG, "nn: portable executor: %.2f MB of activations in a %.2f MB arena",
           all_floats * 4e-6, arena_floats * 4e-6);
    for (int i = 0; i < g->n_ops; i++) {
        const CcNnOp *op = &g->ops[i];
        if (op->kind == CC_NN_OP_CONV2D || op->kind == CC_NN_OP_DECONV2D) {
            r->packed[i] = repack(&g->tensors[op->in[1]]);
            if (!r->packed[i])
                goto nomem;
        }
    }
    size_t scratch = 1;
    for (int i = 0; i < g->n_ops; i++) {
        const CcNnOp *op = &g->ops[i];
        if (op->kind == CC_NN_OP_CONV2D)
            scratch = CC_MAX(scratch, (size_t)g->tensors[op->out].w * g->tensors[op->in[1]].count /
                                          (size_t)g->tensors[op->in[1]].dims[0]);
        if (op->kind == CC_NN_OP_DECONV2D && g->tensors[op->out].c < 8) /* dots of one row */
            scratch = CC_MAX(scratch, (size_t)g->tensors[op->in[0]].w * g->tensors[op->in[1]].count /
                                          (size_t)g->tensors[op->in[0]].c);
    }
    if (!(r->scratch = cc_alloc_aligned(scratch * sizeof(float))))
        goto nomem;
    e->input = r->buf[g->input];
    e->output = r->buf[g->output];
    return 0;
nomem:
    ref_close(e);
    return CC_ERR(ENOMEM);
}
