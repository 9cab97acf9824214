/* Graph allocation, validation and the shape getters of nn.h. */
#include "nn/graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* Generous limits that keep every size computation far from overflow. */
#define MAX_DIM (1 << 16)
#define MAX_COUNT ((size_t)1 << 28)

static const char *const op_names[CC_NN_OP_COUNT] = {
    [CC_NN_OP_CONV2D] = "conv2d",
    [CC_NN_OP_DWCONV2D] = "depthwise_conv2d",
    [CC_NN_OP_DECONV2D] = "deconv2d",
    [CC_NN_OP_HARDSWISH] = "hardswish",
    [CC_NN_OP_RELU] = "relu",
    [CC_NN_OP_SIGMOID] = "sigmoid",
    [CC_NN_OP_MUL] = "mul",
    [CC_NN_OP_ADD] = "add",
    [CC_NN_OP_GAVGPOOL] = "global_average_pool",
    [CC_NN_OP_RESIZE] = "resize_bilinear",
};

const char *cc_nn_op_name(CcNnOpKind kind)
{
    return (unsigned)kind < CC_NN_OP_COUNT ? op_names[kind] : "unknown";
}

CcNnGraph *cc_nn_graph_alloc(int n_tensors, int n_ops)
{
    if (n_tensors < 0 || n_ops < 0)
        return NULL;
    CcNnGraph *g = cc_calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->tensors = cc_calloc((size_t)n_tensors, sizeof(*g->tensors));
    g->ops = cc_calloc((size_t)n_ops, sizeof(*g->ops));
    if (!g->tensors || !g->ops) {
        free(g->tensors);
        free(g->ops);
        free(g);
        return NULL;
    }
    g->n_tensors = n_tensors;
    g->n_ops = n_ops;
    g->input = g->output = -1;
    for (int i = 0; i < n_ops; i++) {
        g->ops[i].in[0] = g->ops[i].in[1] = g->ops[i].in[2] = -1;
        g->ops[i].out = -1;
        g->ops[i].act_min = -INFINITY;
        g->ops[i].act_max = INFINITY;
        g->ops[i].src_index = i;
    }
    return g;
}

void cc_nn_graph_free(CcNnGraph **pg)
{
    if (!pg || !*pg)
        return;
    CcNnGraph *g = *pg;
    for (int i = 0; i < g->n_tensors; i++)
        cc_free_aligned(g->tensors[i].data);
    free(g->tensors);
    free(g->ops);
    free(g);
    *pg = NULL;
}

int cc_nn_tensor_set_shape(CcNnTensor *t, int rank, const int *dims)
{
    if (rank < 1 || rank > 4)
        return CC_ERR_MODEL;
    size_t count = 1;
    for (int i = 0; i < 4; i++) {
        int d = i < rank ? dims[i] : 1;
        if (d < 1 || d > MAX_DIM)
            return CC_ERR_MODEL;
        count *= (size_t)d;
        if (count > MAX_COUNT)
            return CC_ERR_MODEL;
        t->dims[i] = d;
    }
    t->rank = rank;
    t->count = count;
    switch (rank) {
    case 1: t->h = 1; t->w = 1; t->c = dims[0]; break;
    case 2: t->h = 1; t->w = 1; t->c = dims[1]; break;
    case 3: t->h = dims[0]; t->w = dims[1]; t->c = dims[2]; break;
    default: t->h = dims[1]; t->w = dims[2]; t->c = dims[3]; break;
    }
    return 0;
}

void cc_nn_graph_input_shape(const CcNnGraph *g, int *h, int *w, int *c)
{
    const CcNnTensor *t = &g->tensors[g->input];
    *h = t->h;
    *w = t->w;
    *c = t->c;
}

void cc_nn_graph_output_shape(const CcNnGraph *g, int *h, int *w, int *c)
{
    const CcNnTensor *t = &g->tensors[g->output];
    *h = t->h;
    *w = t->w;
    *c = t->c;
}

/* An activation: no static data, batch 1, shaped [1, h, w, c] or [1, c]. */
static int is_act(const CcNnTensor *t)
{
    return !t->data && t->rank != 0 && ((t->rank == 4 && t->dims[0] == 1) ||
                                        (t->rank == 2 && t->dims[0] == 1));
}

#define FAIL(...) do { cc_log(CC_LOG_ERROR, __VA_ARGS__); return CC_ERR_MODEL; } while (0)

static int check_conv(const CcNnGraph *g, const CcNnOp *op, int k)
{
    const CcNnTensor *x = &g->tensors[op->in[0]], *f = &g->tensors[op->in[1]];
    const CcNnTensor *b = &g->tensors[op->in[2]], *y = &g->tensors[op->out];
    const char *name = cc_nn_op_name(op->kind);
    if (!f->data || f->rank != 4 || !b->data || b->count != (size_t)y->c)
        FAIL("nn: op %d (%s): filter must be a static 4-D tensor and bias static with %d values",
             k, name, y->c);
    if (op->stride_h < 1 || op->stride_w < 1 || op->stride_h > 64 || op->stride_w > 64)
        FAIL("nn: op %d (%s): stride %dx%d out of range", k, name, op->stride_h, op->stride_w);
    int kh = f->dims[1], kw = f->dims[2];
    if (op->pad_top < 0 || op->pad_bottom < 0 || op->pad_left < 0 || op->pad_right < 0 ||
        op->pad_top >= kh || op->pad_bottom >= kh || op->pad_left >= kw || op->pad_right >= kw)
        FAIL("nn: op %d (%s): padding %d,%d,%d,%d (t,b,l,r) out of range for a %dx%d kernel",
             k, name, op->pad_top, op->pad_bottom, op->pad_left, op->pad_right, kh, kw);
    long oh, ow;
    if (op->kind == CC_NN_OP_DWCONV2D) {
        if (f->dims[0] != 1 || f->dims[3] != x->c || y->c != x->c)
            FAIL("nn: op %d (%s): filter [%d,%d,%d,%d] does not match %d channels",
                 k, name, f->dims[0], f->dims[1], f->dims[2], f->dims[3], x->c);
    } else if (f->dims[3] != x->c || f->dims[0] != y->c) {
        FAIL("nn: op %d (%s): filter [%d,%d,%d,%d] does not match %d -> %d channels",
             k, name, f->dims[0], f->dims[1], f->dims[2], f->dims[3], x->c, y->c);
    }
    if (op->kind == CC_NN_OP_DECONV2D) {
        if (op->adj_h < 0 || op->adj_w < 0 || op->adj_h >= op->stride_h || op->adj_w >= op->stride_w)
            FAIL("nn: op %d (%s): output adjustment %dx%d out of range", k, name, op->adj_h, op->adj_w);
        oh = (long)(x->h - 1) * op->stride_h + kh - op->pad_top - op->pad_bottom + op->adj_h;
        ow = (long)(x->w - 1) * op->stride_w + kw - op->pad_left - op->pad_right + op->adj_w;
    } else {
        long sh = (long)x->h + op->pad_top + op->pad_bottom - kh;
        long sw = (long)x->w + op->pad_left + op->pad_right - kw;
        if (sh < 0 || sw < 0)
            FAIL("nn: op %d (%s): %dx%d kernel larger than padded %dx%d input", k, name, kh, kw, x->h, x->w);
        oh = sh / op->stride_h + 1;
        ow = sw / op->stride_w + 1;
    }
    if (oh != y->h || ow != y->w)
        FAIL("nn: op %d (%s): output is %dx%d, expected %ldx%ld", k, name, y->h, y->w, oh, ow);
    return 0;
}

static int check_binary(const CcNnGraph *g, const CcNnOp *op, int k)
{
    const CcNnTensor *a = &g->tensors[op->in[0]], *b = &g->tensors[op->in[1]];
    const CcNnTensor *y = &g->tensors[op->out];
    const char *name = cc_nn_op_name(op->kind);
    if (a->data && b->data)
        FAIL("nn: op %d (%s): both inputs are constant", k, name);
    for (int i = 0; i < 2; i++) {
        const CcNnTensor *t = i ? b : a;
        if (t->data && (t->rank == 4 || t->rank == 2) && t->dims[0] != 1)
            FAIL("nn: op %d (%s): constant input %d has batch %d", k, name, i, t->dims[0]);
    }
    int ad[3] = {a->h, a->w, a->c}, bd[3] = {b->h, b->w, b->c}, yd[3] = {y->h, y->w, y->c};
    for (int i = 0; i < 3; i++) {
        int want = ad[i] == 1 ? bd[i] : ad[i];
        if ((ad[i] != 1 && bd[i] != 1 && ad[i] != bd[i]) || yd[i] != want)
            FAIL("nn: op %d (%s): shapes [%d,%d,%d] and [%d,%d,%d] do not broadcast to [%d,%d,%d]",
                 k, name, a->h, a->w, a->c, b->h, b->w, b->c, y->h, y->w, y->c);
    }
    return 0;
}

int cc_nn_graph_check(const CcNnGraph *g)
{
    if (!g || g->n_tensors < 1 || g->input < 0 || g->input >= g->n_tensors ||
        g->output < 0 || g->output >= g->n_tensors)
        FAIL("nn: graph has no valid input/output tensor");
    for (int i = 0; i < g->n_tensors; i++) {
        const CcNnTensor *t = &g->tensors[i];
        if (t->rank < 1 || t->rank > 4 || !t->count)
            FAIL("nn: tensor %d has no shape", i);
    }
    if (!is_act(&g->tensors[g->input]) || !is_act(&g->tensors[g->output]))
        FAIL("nn: graph input and output must be [1,h,w,c] activations");
    uint8_t *defined = cc_calloc((size_t)g->n_tensors, 1);
    if (!defined)
        return CC_ERR(ENOMEM);
    int ret = CC_ERR_MODEL;
    for (int i = 0; i < g->n_tensors; i++)
        defined[i] = g->tensors[i].data != NULL;
    defined[g->input] = 1;
    for (int k = 0; k < g->n_ops; k++) {
        const CcNnOp *op = &g->ops[k];
        int src = op->src_index;
        int n_in = 1;
        switch (op->kind) {
        case CC_NN_OP_CONV2D: case CC_NN_OP_DWCONV2D: case CC_NN_OP_DECONV2D: n_in = 3; break;
        case CC_NN_OP_MUL: case CC_NN_OP_ADD: n_in = 2; break;
        case CC_NN_OP_HARDSWISH: case CC_NN_OP_RELU: case CC_NN_OP_SIGMOID:
        case CC_NN_OP_GAVGPOOL: case CC_NN_OP_RESIZE: n_in = 1; break;
        default:
            cc_log(CC_LOG_ERROR, "nn: op %d: unknown kind %d", src, (int)op->kind);
            goto out;
        }
        for (int j = 0; j < 3; j++) {
            int t = op->in[j];
            if (j >= n_in)
                continue;
            if (t < 0 || t >= g->n_tensors || !defined[t]) {
                cc_log(CC_LOG_ERROR, "nn: op %d (%s): input %d (tensor %d) is %s", src,
                       cc_nn_op_name(op->kind), j, t,
                       t < 0 || t >= g->n_tensors ? "out of range" : "not computed before use");
                goto out;
            }
        }
        if (op->out < 0 || op->out >= g->n_tensors || defined[op->out] ||
            !is_act(&g->tensors[op->out])) {
            cc_log(CC_LOG_ERROR, "nn: op %d (%s): output tensor %d is out of range, constant, "
                   "written twice or not a [1,h,w,c] activation", src, cc_nn_op_name(op->kind), op->out);
            goto out;
        }
        if (!is_act(&g->tensors[op->in[0]]) && op->kind != CC_NN_OP_MUL && op->kind != CC_NN_OP_ADD) {
            cc_log(CC_LOG_ERROR, "nn: op %d (%s): input tensor %d is not a [1,h,w,c] activation",
                   src, cc_nn_op_name(op->kind), op->in[0]);
            goto out;
        }
        if (!(op->act_min <= op->act_max)) {
            cc_log(CC_LOG_ERROR, "nn: op %d: bad activation range", src);
            goto out;
        }
        const CcNnTensor *x = &g->tensors[op->in[0]], *y = &g->tensors[op->out];
        int r = 0;
        switch (op->kind) {
        case CC_NN_OP_CONV2D: case CC_NN_OP_DWCONV2D: case CC_NN_OP_DECONV2D:
            r = check_conv(g, op, src);
            break;
        case CC_NN_OP_MUL: case CC_NN_OP_ADD:
            r = check_binary(g, op, src);
            break;
        case CC_NN_OP_GAVGPOOL:
            if (y->h != 1 || y->w != 1 || y->c != x->c) {
                cc_log(CC_LOG_ERROR, "nn: op %d (%s): output must be 1x1x%d", src, cc_nn_op_name(op->kind), x->c);
                r = CC_ERR_MODEL;
            }
            break;
        case CC_NN_OP_RESIZE:
            if (y->c != x->c) {
                cc_log(CC_LOG_ERROR, "nn: op %d (%s): channel count changes", src, cc_nn_op_name(op->kind));
                r = CC_ERR_MODEL;
            }
            break;
        default:
            if (y->h != x->h || y->w != x->w || y->c != x->c) {
                cc_log(CC_LOG_ERROR, "nn: op %d (%s): output shape differs from input", src,
                       cc_nn_op_name(op->kind));
                r = CC_ERR_MODEL;
            }
            break;
        }
        if (r)
            goto out;
        defined[op->out] = 1;
    }
    if (!defined[g->output]) {
        cc_log(CC_LOG_ERROR, "nn: graph output tensor %d is never computed", g->output);
        goto out;
    }
    /* Fail closed on dead ends: XNNPACK asserts on values nobody reads. */
    memset(defined, 0, (size_t)g->n_tensors);
    defined[g->output] = 1;
    for (int k = 0; k < g->n_ops; k++)
        for (int j = 0; j < 3; j++)
            if (g->ops[k].in[j] >= 0)
                defined[g->ops[k].in[j]] = 1;
    for (int k = 0; k < g->n_ops; k++) {
        if (!defined[g->ops[k].out]) {
            cc_log(CC_LOG_ERROR, "nn: op %d (%s): output tensor %d is never used", g->ops[k].src_index,
                   cc_nn_op_name(g->ops[k].kind), g->ops[k].out);
            ret = CC_ERR_UNSUPPORTED;
            goto out;
        }
    }
    ret = 0;
out:
    free(defined);
    return ret;
}
