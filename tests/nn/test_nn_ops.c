/*
 * Single-op graphs built by hand (random shapes, weights, padding, strides, fused
 * activations) run through every executor and compared with naive scalar versions of the
 * ops written here from TFLite's definitions (double accumulation; the transposed conv in
 * gather form, where the executor scatters). So the portable executor is checked on its
 * own, not only against XNNPACK. Also: cc_nn_graph_check rejects inconsistent graphs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "common.h"
#include "nn/graph.h"
#include "testutil.h"

static uint32_t rng = 12345;
static float frand(float lo, float hi)
{
    rng = rng * 1664525u + 1013904223u;
    return lo + (hi - lo) * (float)(rng >> 8) / (float)(1u << 24);
}

static float *rand_data(size_t n, float lo, float hi)
{
    float *p = cc_alloc_aligned(n * sizeof(float));
    for (size_t i = 0; i < n; i++)
        p[i] = frand(lo, hi);
    return p;
}

static void shape4(CcNnTensor *t, int a, int b, int c, int d)
{
    int dims[4] = {a, b, c, d};
    CHECK(cc_nn_tensor_set_shape(t, 4, dims) == 0);
}

static void shape1(CcNnTensor *t, int a)
{
    CHECK(cc_nn_tensor_set_shape(t, 1, &a) == 0);
}

static double act(double v, const CcNnOp *op)
{
    return v < op->act_min ? op->act_min : v > op->act_max ? op->act_max : v;
}

/* ---- naive references (double) ------------------------------------------------------- */

static void ref_conv(const CcNnGraph *g, const CcNnOp *op, const float *x, double *y)
{
    const CcNnTensor *xt = &g->tensors[op->in[0]], *f = &g->tensors[op->in[1]], *yt = &g->tensors[op->out];
    const float *w = f->data, *b = g->tensors[op->in[2]].data;
    int kh = f->dims[1], kw = f->dims[2], dw = op->kind == CC_NN_OP_DWCONV2D;
    for (int oy = 0; oy < yt->h; oy++)
        for (int ox = 0; ox < yt->w; ox++)
            for (int o = 0; o < yt->c; o++) {
                double s = b[o];
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++) {
                        int iy = oy * op->stride_h + ky - op->pad_top, ix = ox * op->stride_w + kx - op->pad_left;
                        if (iy < 0 || ix < 0 || iy >= xt->h || ix >= xt->w)
                            continue;
                        if (dw)
                            s += (double)x[(iy * xt->w + ix) * xt->c + o] * w[(ky * kw + kx) * xt->c + o];
                        else
                            for (int c = 0; c < xt->c; c++)
                                s += (double)x[(iy * xt->w + ix) * xt->c + c] *
                                     w[((o * kh + ky) * kw + kx) * xt->c + c];
                    }
                y[(oy * yt->w + ox) * yt->c + o] = act(s, op);
            }
}

/* Gather form: output (oy, ox) takes input (iy, ix) where iy * stride - pad_top + ky == oy. */
static void ref_deconv(const CcNnGraph *g, const CcNnOp *op, const float *x, double *y)
{
    const CcNnTensor *xt = &g->tensors[op->in[0]], *f = &g->tensors[op->in[1]], *yt = &g->tensors[op->out];
    const float *w = f->data, *b = g->tensors[op->in[2]].data;
    int kh = f->dims[1], kw = f->dims[2], sh = op->stride_h, sw = op->stride_w;
    for (int oy = 0; oy < yt->h; oy++)
        for (int ox = 0; ox < yt->w; ox++)
            for (int o = 0; o < yt->c; o++) {
                double s = b[o];
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++) {
                        int ny = oy + op->pad_top - ky, nx = ox + op->pad_left - kx;
                        if (ny < 0 || nx < 0 || ny % sh || nx % sw || ny / sh >= xt->h || nx / sw >= xt->w)
                            continue;
                        int iy = ny / sh, ix = nx / sw;
                        for (int c = 0; c < xt->c; c++)
                            s += (double)x[(iy * xt->w + ix) * xt->c + c] * w[((o * kh + ky) * kw + kx) * xt->c + c];
                    }
                y[(oy * yt->w + ox) * yt->c + o] = act(s, op);
            }
}

static double at(const CcNnTensor *t, const float *p, int y, int x, int c)
{
    return p[((t->h == 1 ? 0 : y) * t->w + (t->w == 1 ? 0 : x)) * t->c + (t->c == 1 ? 0 : c)];
}

/* TFLite reference resize: lower = max(floor(s), 0), upper = min(ceil(s), n - 1). */
static void interp(int d, int in, int out, int *lo, int *hi, double *f)
{
    double s = (d + 0.5) * ((double)in / out) - 0.5;
    *lo = (int)floor(s) < 0 ? 0 : (int)floor(s);
    *hi = (int)ceil(s) > in - 1 ? in - 1 : (int)ceil(s);
    *f = s - *lo;
}

static void ref_other(const CcNnGraph *g, const CcNnOp *op, const float *a, const float *b, double *y)
{
    const CcNnTensor *at_ = &g->tensors[op->in[0]], *yt = &g->tensors[op->out];
    const CcNnTensor *bt = op->in[1] >= 0 ? &g->tensors[op->in[1]] : NULL;
    for (int yy = 0; yy < yt->h; yy++)
        for (int xx = 0; xx < yt->w; xx++)
            for (int c = 0; c < yt->c; c++) {
                double v = 0;
                size_t i = ((size_t)yy * yt->w + xx) * yt->c + c;
                switch (op->kind) {
                case CC_NN_OP_HARDSWISH: {
                    double u = a[i];
                    v = u * fmin(fmax(u + 3, 0), 6) / 6;
                    break;
                }
                case CC_NN_OP_RELU: v = act(a[i], op); break;
                case CC_NN_OP_SIGMOID: v = 1 / (1 + exp(-(double)a[i])); break;
                case CC_NN_OP_MUL: v = act(at(at_, a, yy, xx, c) * at(bt, b, yy, xx, c), op); break;
                case CC_NN_OP_ADD: v = act(at(at_, a, yy, xx, c) + at(bt, b, yy, xx, c), op); break;
                case CC_NN_OP_GAVGPOOL:
                    for (int p = 0; p < at_->h * at_->w; p++)
                        v += a[(size_t)p * at_->c + c];
                    v /= at_->h * at_->w;
                    break;
                case CC_NN_OP_RESIZE: {
                    int y0, y1, x0, x1;
                    double fy, fx;
                    interp(yy, at_->h, yt->h, &y0, &y1, &fy);
                    interp(xx, at_->w, yt->w, &x0, &x1, &fx);
                    v = at(at_, a, y0, x0, c) * (1 - fy) * (1 - fx) + at(at_, a, y1, x0, c) * fy * (1 - fx) +
                        at(at_, a, y0, x1, c) * (1 - fy) * fx + at(at_, a, y1, x1, c) * fy * fx;
                    break;
                }
                default: break;
                }
                y[i] = v;
            }
}

/* ---- harness ------------------------------------------------------------------------- */

static int n_cases;

/* g has one op; tensor 0 is the input. Runs every executor and compares with the reference. */
static void run_case(CcNnGraph *g, const char *what)
{
    n_cases++;
    int r = cc_nn_graph_check(g);
    CHECK_MSG(r == 0, "%s: graph rejected", what);
    if (r) {
        cc_nn_graph_free(&g);
        return;
    }
    const CcNnOp *op = &g->ops[0];
    const CcNnTensor *xt = &g->tensors[g->input], *yt = &g->tensors[g->output];
    float *x = rand_data(xt->count, -4, 4);
    const float *b = op->in[1] >= 0 && op->kind >= CC_NN_OP_HARDSWISH ? g->tensors[op->in[1]].data : NULL;
    double *ref = calloc(yt->count, sizeof(double));
    if (op->kind == CC_NN_OP_CONV2D || op->kind == CC_NN_OP_DWCONV2D)
        ref_conv(g, op, x, ref);
    else if (op->kind == CC_NN_OP_DECONV2D)
        ref_deconv(g, op, x, ref);
    else if (op->in[1] == g->input)
        ref_other(g, op, x, x, ref);
    else
        ref_other(g, op, x, b, ref);
    static const char *const names[3] = {"portable-c", "portable-simd", "xnnpack"};
    for (int k = 0; k < 3; k++) {
        CcNnExec *e = NULL;
        if (k < 2)
            r = cc_nn_exec_open_portable(&e, g, k);
        else
            r = cc_nn_exec_open(&e, g, CC_BACKEND_XNNPACK, 1);
        if (k == 2 && !CC_HAVE_XNNPACK) {
            CHECK(r == CC_ERR(ENOSYS));
            continue;
        }
        CHECK_MSG(r == 0, "%s: %s open: %s", what, names[k], cc_strerror(r));
        if (r)
            continue;
        memcpy(cc_nn_exec_input(e), x, xt->count * sizeof(float));
        CHECK(cc_nn_exec_run(e) == 0);
        const float *y = cc_nn_exec_output(e);
        double maxd = 0;
        size_t where = 0;
        for (size_t i = 0; i < yt->count; i++) {
            double d = fabs(y[i] - ref[i]) / (1 + fabs(ref[i]));
            if (!(d <= maxd)) {
                maxd = d;
                where = i;
            }
        }
        CHECK_MSG(maxd <= 2e-5, "%s: %s differs from the reference by %g (relative) at %zu: %g vs %g",
                  what, names[k], maxd, where, y[where], ref[where]);
        cc_nn_exec_close(&e);
    }
    free(ref);
    cc_free_aligned(x);
    cc_nn_graph_free(&g);
}

static const float act_lo[3] = {-INFINITY, 0, 0}, act_hi[3] = {INFINITY, INFINITY, 6};

/* kind conv/dwconv/deconv: input h x w x ci, kernel k, stride s, explicit pads, adjustment. */
static void conv_case(CcNnOpKind kind, int h, int w, int ci, int co, int kh, int kw, int s,
                      int pt, int pb, int pl, int pr, int adj, int a)
{
    CcNnGraph *g = cc_nn_graph_alloc(4, 1);
    CcNnOp *op = &g->ops[0];
    int oh, ow;
    if (kind == CC_NN_OP_DECONV2D) {
        oh = (h - 1) * s + kh - pt - pb + adj;
        ow = (w - 1) * s + kw - pl - pr + adj;
    } else {
        oh = (h + pt + pb - kh) / s + 1;
        ow = (w + pl + pr - kw) / s + 1;
    }
    if (kind == CC_NN_OP_DWCONV2D)
        co = ci;
    shape4(&g->tensors[0], 1, h, w, ci);
    if (kind == CC_NN_OP_DWCONV2D)
        shape4(&g->tensors[1], 1, kh, kw, ci);
    else
        shape4(&g->tensors[1], co, kh, kw, ci);
    g->tensors[1].data = rand_data(g->tensors[1].count, -1, 1);
    shape1(&g->tensors[2], co);
    g->tensors[2].data = rand_data((size_t)co, -1, 1);
    shape4(&g->tensors[3], 1, oh, ow, co);
    *op = (CcNnOp){.kind = kind, .in = {0, 1, 2}, .out = 3, .stride_h = s, .stride_w = s,
                   .pad_top = pt, .pad_bottom = pb, .pad_left = pl, .pad_right = pr,
                   .adj_h = adj, .adj_w = adj, .act_min = act_lo[a], .act_max = act_hi[a]};
    g->input = 0;
    g->output = 3;
    char what[160];
    snprintf(what, sizeof(what), "%s %dx%dx%d->%d k%dx%d s%d pad %d,%d,%d,%d adj %d act %d", cc_nn_op_name(kind),
             h, w, ci, co, kh, kw, s, pt, pb, pl, pr, adj, a);
    run_case(g, what);
}

/* Unary, pooling, resize: input [h,w,c], output [oh,ow,c]. */
static void simple_case(CcNnOpKind kind, int h, int w, int c, int oh, int ow)
{
    CcNnGraph *g = cc_nn_graph_alloc(2, 1);
    shape4(&g->tensors[0], 1, h, w, c);
    shape4(&g->tensors[1], 1, oh, ow, c);
    g->ops[0] = (CcNnOp){.kind = kind, .in = {0, -1, -1}, .out = 1, .act_min = -INFINITY, .act_max = INFINITY};
    if (kind == CC_NN_OP_RELU)
        g->ops[0].act_min = 0;
    g->input = 0;
    g->output = 1;
    char what[128];
    snprintf(what, sizeof(what), "%s %dx%dx%d->%dx%d", cc_nn_op_name(kind), h, w, c, oh, ow);
    run_case(g, what);
}

/* Binary: input [h,w,c] with a second operand [bh,bw,bc]: the input itself (self = 1) or a
 * constant of rank brank. */
static void binary_case(CcNnOpKind kind, int h, int w, int c, int bh, int bw, int bc, int brank, int self, int a)
{
    CcNnGraph *g = cc_nn_graph_alloc(3, 1);
    shape4(&g->tensors[0], 1, h, w, c);
    if (self) {
        shape4(&g->tensors[1], 1, 1, 1, 1); /* unused */
        g->tensors[1].data = rand_data(1, 0, 1);
    } else {
        if (brank == 1)
            shape1(&g->tensors[1], bc);
        else
            shape4(&g->tensors[1], 1, bh, bw, bc);
        g->tensors[1].data = rand_data(g->tensors[1].count, -2, 2);
    }
    shape4(&g->tensors[2], 1, h, w, c);
    g->ops[0] = (CcNnOp){.kind = kind, .in = {0, self ? 0 : 1, -1}, .out = 2,
                         .act_min = act_lo[a], .act_max = act_hi[a]};
    g->input = 0;
    g->output = 2;
    char what[128];
    snprintf(what, sizeof(what), "%s %dx%dx%d with [%d,%d,%d]%s act %d", cc_nn_op_name(kind), h, w, c, bh, bw,
             bc, self ? " (itself)" : "", a);
    run_case(g, what);
}

/*
 * conv -> RELU (the portable executor folds the RELU into the conv) and conv -> RELU where
 * the conv output is read twice (no folding): compared with the conv reference clamped.
 */
static void relu_chain_case(int shared)
{
    CcNnGraph *g = cc_nn_graph_alloc(6, shared ? 3 : 2);
    shape4(&g->tensors[0], 1, 6, 5, 8);
    shape4(&g->tensors[1], 16, 1, 1, 8);
    g->tensors[1].data = rand_data(g->tensors[1].count, -1, 1);
    shape1(&g->tensors[2], 16);
    g->tensors[2].data = rand_data(16, -1, 1);
    shape4(&g->tensors[3], 1, 6, 5, 16);
    shape4(&g->tensors[4], 1, 6, 5, 16);
    shape4(&g->tensors[5], 1, 6, 5, 16);
    g->ops[0] = (CcNnOp){.kind = CC_NN_OP_CONV2D, .in = {0, 1, 2}, .out = 3, .stride_h = 1, .stride_w = 1,
                         .act_min = -INFINITY, .act_max = INFINITY};
    g->ops[1] = (CcNnOp){.kind = CC_NN_OP_RELU, .in = {3, -1, -1}, .out = 4, .act_min = 0, .act_max = INFINITY};
    if (shared) /* relu(conv) + conv: with conv = x, relu(x) + x = 2 max(x, 0) + min(x, 0) */
        g->ops[2] = (CcNnOp){.kind = CC_NN_OP_ADD, .in = {4, 3, -1}, .out = 5, .act_min = -INFINITY,
                             .act_max = INFINITY};
    g->input = 0;
    g->output = shared ? 5 : 4;
    CHECK(cc_nn_graph_check(g) == 0);
    float *x = rand_data(g->tensors[0].count, -4, 4);
    double *ref = calloc(g->tensors[3].count, sizeof(double));
    ref_conv(g, &g->ops[0], x, ref);
    for (size_t i = 0; i < g->tensors[3].count; i++)
        ref[i] = shared ? 2 * fmax(ref[i], 0) + fmin(ref[i], 0) : fmax(ref[i], 0);
    for (int k = 0; k < 3; k++) {
        CcNnExec *e = NULL;
        int r = k < 2 ? cc_nn_exec_open_portable(&e, g, k) : cc_nn_exec_open(&e, g, CC_BACKEND_XNNPACK, 1);
        if (r)
            continue;
        memcpy(cc_nn_exec_input(e), x, g->tensors[0].count * sizeof(float));
        CHECK(cc_nn_exec_run(e) == 0);
        double maxd = 0;
        for (size_t i = 0; i < g->tensors[3].count; i++)
            maxd = fmax(maxd, fabs(cc_nn_exec_output(e)[i] - ref[i]) / (1 + fabs(ref[i])));
        CHECK_MSG(maxd <= 2e-5, "conv->relu chain (shared %d), executor %d: %g", shared, k, maxd);
        cc_nn_exec_close(&e);
    }
    n_cases++;
    free(ref);
    cc_free_aligned(x);
    cc_nn_graph_free(&g);
}

/* Graphs that cc_nn_graph_check must refuse. */
static void reject_cases(void)
{
    CcNnGraph *g = cc_nn_graph_alloc(4, 1);
    shape4(&g->tensors[0], 1, 8, 8, 3);
    shape4(&g->tensors[1], 4, 3, 3, 3);
    g->tensors[1].data = rand_data(g->tensors[1].count, -1, 1);
    shape1(&g->tensors[2], 4);
    g->tensors[2].data = rand_data(4, -1, 1);
    shape4(&g->tensors[3], 1, 8, 8, 4);
    g->ops[0] = (CcNnOp){.kind = CC_NN_OP_CONV2D, .in = {0, 1, 2}, .out = 3, .stride_h = 1, .stride_w = 1,
                         .pad_top = 1, .pad_bottom = 1, .pad_left = 1, .pad_right = 1,
                         .act_min = -INFINITY, .act_max = INFINITY};
    g->input = 0;
    g->output = 3;
    CHECK(cc_nn_graph_check(g) == 0);
    CcNnOp keep = g->ops[0];
    g->ops[0].pad_left = 0; /* output width would be 7 */
    CHECK(cc_nn_graph_check(g) == CC_ERR_MODEL);
    g->ops[0] = keep;
    g->ops[0].pad_top = 3; /* padding as large as the kernel */
    CHECK(cc_nn_graph_check(g) == CC_ERR_MODEL);
    g->ops[0] = keep;
    g->ops[0].stride_h = 0;
    CHECK(cc_nn_graph_check(g) == CC_ERR_MODEL);
    g->ops[0] = keep;
    g->ops[0].in[0] = 3; /* reads its own output */
    CHECK(cc_nn_graph_check(g) == CC_ERR_MODEL);
    g->ops[0] = keep;
    g->ops[0].in[1] = 7; /* out of range */
    CHECK(cc_nn_graph_check(g) == CC_ERR_MODEL);
    g->ops[0] = keep;
    g->ops[0].out = 1; /* writes a constant */
    CHECK(cc_nn_graph_check(g) == CC_ERR_MODEL);
    g->ops[0] = keep;
    g->ops[0].kind = CC_NN_OP_DWCONV2D; /* filter is not [1,kh,kw,c] */
    CHECK(cc_nn_graph_check(g) == CC_ERR_MODEL);
    g->ops[0] = keep;
    g->ops[0].kind = CC_NN_OP_ADD; /* [8,8,3] + [4,3,3]: no broadcast */
    CHECK(cc_nn_graph_check(g) == CC_ERR_MODEL);
    g->ops[0] = keep;
    g->ops[0].act_min = NAN;
    CHECK(cc_nn_graph_check(g) == CC_ERR_MODEL);
    g->ops[0] = keep;
    g->output = 2; /* a constant as the output */
    CHECK(cc_nn_graph_check(g) == CC_ERR_MODEL);
    g->output = 3;
    CHECK(cc_nn_graph_check(g) == 0);
    cc_nn_graph_free(&g);
    CHECK(g == NULL);
    cc_nn_graph_free(&g); /* NULL-safe */
    cc_nn_graph_free(NULL);
}

int main(void)
{
    cc_test_log_to_stderr();
    /* The models' shapes, and odd ones that exercise the edges. */
    conv_case(CC_NN_OP_CONV2D, 16, 16, 3, 16, 3, 3, 2, 0, 1, 0, 1, 0, 0);
    conv_case(CC_NN_OP_CONV2D, 9, 7, 16, 24, 1, 1, 1, 0, 0, 0, 0, 0, 1);
    conv_case(CC_NN_OP_CONV2D, 5, 6, 96, 576, 1, 1, 1, 0, 0, 0, 0, 0, 0);
    conv_case(CC_NN_OP_CONV2D, 1, 1, 128, 32, 1, 1, 1, 0, 0, 0, 0, 0, 1);
    conv_case(CC_NN_OP_CONV2D, 11, 13, 5, 7, 3, 3, 1, 1, 1, 1, 1, 0, 2);
    conv_case(CC_NN_OP_CONV2D, 12, 10, 4, 9, 5, 3, 2, 1, 2, 1, 0, 0, 0);
    conv_case(CC_NN_OP_CONV2D, 7, 7, 3, 5, 2, 2, 2, 0, 1, 0, 1, 0, 1);
    conv_case(CC_NN_OP_CONV2D, 8, 8, 17, 3, 1, 1, 2, 0, 0, 0, 0, 0, 0);
    conv_case(CC_NN_OP_DWCONV2D, 16, 16, 16, 0, 3, 3, 2, 0, 1, 0, 1, 0, 0);
    conv_case(CC_NN_OP_DWCONV2D, 9, 11, 88, 0, 3, 3, 1, 1, 1, 1, 1, 0, 1);
    conv_case(CC_NN_OP_DWCONV2D, 17, 15, 24, 0, 5, 5, 2, 1, 2, 1, 2, 0, 0);
    conv_case(CC_NN_OP_DWCONV2D, 6, 6, 5, 0, 5, 5, 1, 2, 2, 2, 2, 0, 2);
    conv_case(CC_NN_OP_DWCONV2D, 1, 1, 7, 0, 3, 3, 1, 1, 1, 1, 1, 0, 0);
    conv_case(CC_NN_OP_DECONV2D, 8, 6, 16, 1, 2, 2, 2, 0, 0, 0, 0, 0, 0);
    conv_case(CC_NN_OP_DECONV2D, 5, 7, 6, 4, 3, 3, 2, 0, 1, 0, 1, 0, 1);
    conv_case(CC_NN_OP_DECONV2D, 4, 5, 3, 5, 4, 4, 2, 1, 1, 1, 1, 0, 0);
    conv_case(CC_NN_OP_DECONV2D, 6, 4, 5, 3, 1, 1, 2, 0, 0, 0, 0, 1, 0);
    conv_case(CC_NN_OP_DECONV2D, 3, 3, 2, 2, 3, 3, 3, 1, 1, 1, 1, 2, 2);
    simple_case(CC_NN_OP_HARDSWISH, 7, 9, 13, 7, 9);
    simple_case(CC_NN_OP_RELU, 7, 9, 13, 7, 9);
    simple_case(CC_NN_OP_SIGMOID, 7, 9, 13, 7, 9);
    simple_case(CC_NN_OP_GAVGPOOL, 16, 16, 96, 1, 1);
    simple_case(CC_NN_OP_GAVGPOOL, 5, 3, 7, 1, 1);
    simple_case(CC_NN_OP_RESIZE, 16, 16, 128, 32, 32);
    simple_case(CC_NN_OP_RESIZE, 9, 16, 24, 18, 32);
    simple_case(CC_NN_OP_RESIZE, 5, 7, 3, 9, 13);
    simple_case(CC_NN_OP_RESIZE, 8, 8, 4, 3, 5);
    simple_case(CC_NN_OP_RESIZE, 1, 4, 2, 3, 4);
    binary_case(CC_NN_OP_MUL, 8, 8, 16, 1, 1, 16, 4, 0, 0);
    binary_case(CC_NN_OP_MUL, 5, 7, 9, 1, 1, 9, 1, 0, 1);
    binary_case(CC_NN_OP_MUL, 5, 7, 9, 0, 0, 0, 0, 1, 0);
    binary_case(CC_NN_OP_ADD, 6, 5, 24, 6, 5, 24, 4, 0, 0);
    binary_case(CC_NN_OP_ADD, 6, 5, 24, 0, 0, 0, 0, 1, 2);
    binary_case(CC_NN_OP_ADD, 6, 5, 3, 1, 5, 1, 4, 0, 1);
    {
        /* No ops: XNNPACK refuses (input is output); AUTO falls back to the portable executor. */
        CcNnGraph *g = cc_nn_graph_alloc(1, 0);
        shape4(&g->tensors[0], 1, 2, 3, 4);
        g->input = g->output = 0;
        CHECK(cc_nn_graph_check(g) == 0);
        CcNnExec *e = NULL;
        if (CC_HAVE_XNNPACK)
            CHECK(cc_nn_exec_open(&e, g, CC_BACKEND_XNNPACK, 1) == CC_ERR_UNSUPPORTED && !e);
        CHECK(cc_nn_exec_open(&e, g, CC_BACKEND_AUTO, 1) == 0);
        if (e) {
            CHECK(cc_nn_exec_backend(e) == CC_BACKEND_PORTABLE);
            cc_nn_exec_input(e)[5] = 7;
            CHECK(cc_nn_exec_run(e) == 0 && cc_nn_exec_output(e)[5] == 7);
            cc_nn_exec_close(&e);
        }
        CHECK(cc_nn_exec_open(&e, g, CC_BACKEND_PORTABLE, 0) == CC_ERR(EINVAL) && !e);
        CHECK(cc_nn_exec_open(&e, g, (CcBackend)9, 1) == CC_ERR(EINVAL) && !e);
        cc_nn_graph_free(&g);
    }
    relu_chain_case(0);
    relu_chain_case(1);
    reject_cases();
    printf("%d op cases\n", n_cases);
    return CC_TEST_RESULT();
}
