/*
 * XNNPACK executor (Debian's libxnnpack 0.0~git20221221): the graph becomes one
 * xnn_subgraph at open, the runtime is created once and its external values (input,
 * output) are set up once; run() is xnn_invoke_runtime only.
 *
 * Debian's XNNPACK has its logging compiled out, so every failing call is logged here
 * with the op and what was being defined.
 *
 * Filters: XNNPACK takes TFLite's layouts as they are ([co][kh][kw][ci] for convolution
 * and deconvolution, [1][kh][kw][c] for depthwise). Static data must outlive the runtime:
 * it is the graph's (the graph outlives the executor).
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include <pthreadpool.h>
#include <xnnpack.h>

#include "common.h"
#include "nn/exec.h"

typedef struct XnnExec {
    xnn_runtime_t runtime;
    pthreadpool_t pool;
    float *input;  /* with XNN_EXTRA_BYTES of slack: XNNPACK may read past the end */
    float *output;
} XnnExec;

static const char *status_name(enum xnn_status s)
{
    switch (s) {
    case xnn_status_success: return "success";
    case xnn_status_uninitialized: return "uninitialized";
    case xnn_status_invalid_parameter: return "invalid parameter";
    case xnn_status_invalid_state: return "invalid state";
    case xnn_status_unsupported_parameter: return "unsupported parameter";
    case xnn_status_unsupported_hardware: return "unsupported hardware";
    case xnn_status_out_of_memory: return "out of memory";
    default: return "unknown status";
    }
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static enum xnn_status init_status;

static void xnn_init_once(void)
{
    init_status = xnn_initialize(NULL);
}

static int xnn_run(CcNnExec *e)
{
    XnnExec *x = e->priv;
    enum xnn_status s = xnn_invoke_runtime(x->runtime);
    if (s != xnn_status_success) {
        cc_log(CC_LOG_ERROR, "xnnpack: xnn_invoke_runtime failed: %s", status_name(s));
        return CC_ERR_BACKEND;
    }
    return 0;
}

void *cc_nn_exec_xnn_runtime(const CcNnExec *e)
{
    return e && e->run == xnn_run ? ((XnnExec *)e->priv)->runtime : NULL;
}

static void xnn_close(CcNnExec *e)
{
    XnnExec *x = e->priv;
    if (!x)
        return;
    if (x->runtime)
        xnn_delete_runtime(x->runtime);
    if (x->pool)
        pthreadpool_destroy(x->pool);
    cc_free_aligned(x->input);
    cc_free_aligned(x->output);
    free(x);
    e->priv = NULL;
}

/* Defines every tensor the ops use; ids[t] is its value id or XNN_INVALID_VALUE_ID. */
static int define_values(const CcNnGraph *g, xnn_subgraph_t sg, uint32_t *ids)
{
    for (int i = 0; i < g->n_tensors; i++)
        ids[i] = XNN_INVALID_VALUE_ID;
    for (int k = -1; k < g->n_ops; k++) {
        int list[4];
        int n = 0;
        if (k < 0) {
            list[n++] = g->input;
        } else {
            const CcNnOp *op = &g->ops[k];
            for (int j = 0; j < 3; j++)
                if (op->in[j] >= 0)
                    list[n++] = op->in[j];
            list[n++] = op->out;
        }
        for (int j = 0; j < n; j++) {
            int t = list[j];
            if (ids[t] != XNN_INVALID_VALUE_ID)
                continue;
            const CcNnTensor *tt = &g->tensors[t];
            size_t dims[4];
            size_t rank = (size_t)tt->rank;
            for (size_t d = 0; d < rank; d++)
                dims[d] = (size_t)tt->dims[d];
            uint32_t flags = 0, ext = XNN_INVALID_VALUE_ID;
            if (t == g->input) {
                flags |= XNN_VALUE_FLAG_EXTERNAL_INPUT;
                ext = 0;
            }
            if (t == g->output) {
                flags |= XNN_VALUE_FLAG_EXTERNAL_OUTPUT;
                ext = 1;
            }
            /* Activations are 4-D NHWC for XNNPACK; bias stays 1-D. */
            if (!tt->data && rank == 2) {
                rank = 4;
                dims[0] = 1;
                dims[1] = 1;
                dims[2] = 1;
                dims[3] = (size_t)tt->c;
            }
            enum xnn_status s = xnn_define_tensor_value(sg, xnn_datatype_fp32, rank, dims, tt->data,
                                                        ext, flags, &ids[t]);
            if (s != xnn_status_success) {
                cc_log(CC_LOG_ERROR, "xnnpack: defining tensor %d (rank %zu, %s) for op %d failed: %s",
                       t, rank, tt->data ? "static" : "activation", k < 0 ? -1 : g->ops[k].src_index,
                       status_name(s));
                return CC_ERR_BACKEND;
            }
        }
    }
    if (g->input == g->output) {
        cc_log(CC_LOG_ERROR, "xnnpack: graph input is its output");
        return CC_ERR_UNSUPPORTED;
    }
    return 0;
}

static enum xnn_status define_op(const CcNnGraph *g, const CcNnOp *op, xnn_subgraph_t sg, const uint32_t *ids)
{
    const CcNnTensor *xt = &g->tensors[op->in[0]], *yt = &g->tensors[op->out];
    const float lo = op->act_min, hi = op->act_max;
    const uint32_t a = ids[op->in[0]], y = ids[op->out];
    const uint32_t b = op->in[1] >= 0 ? ids[op->in[1]] : XNN_INVALID_VALUE_ID;
    const uint32_t bias = op->in[2] >= 0 ? ids[op->in[2]] : XNN_INVALID_VALUE_ID;
    switch (op->kind) {
    case CC_NN_OP_CONV2D:
        return xnn_define_convolution_2d(sg, op->pad_top, op->pad_right, op->pad_bottom, op->pad_left,
                                         cc_nn_op_kh(g, op), cc_nn_op_kw(g, op), op->stride_h, op->stride_w,
                                         1, 1, 1, xt->c, yt->c, lo, hi, a, b, bias, y, 0);
    case CC_NN_OP_DWCONV2D:
        return xnn_define_depthwise_convolution_2d(sg, op->pad_top, op->pad_right, op->pad_bottom,
                                                   op->pad_left, cc_nn_op_kh(g, op), cc_nn_op_kw(g, op),
                                                   op->stride_h, op->stride_w, 1, 1, 1, xt->c, lo, hi,
                                                   a, b, bias, y, 0);
    case CC_NN_OP_DECONV2D:
        return xnn_define_deconvolution_2d(sg, op->pad_top, op->pad_right, op->pad_bottom, op->pad_left,
                                           op->adj_h, op->adj_w, cc_nn_op_kh(g, op), cc_nn_op_kw(g, op),
                                           op->stride_h, op->stride_w, 1, 1, 1, xt->c, yt->c, lo, hi,
                                           a, b, bias, y, 0);
    case CC_NN_OP_HARDSWISH:
        return xnn_define_hardswish(sg, a, y, 0);
    case CC_NN_OP_RELU:
        return xnn_define_clamp(sg, lo, hi, a, y, 0);
    case CC_NN_OP_SIGMOID:
        return xnn_define_sigmoid(sg, a, y, 0);
    case CC_NN_OP_MUL:
        return xnn_define_multiply2(sg, lo, hi, a, b, y, 0);
    case CC_NN_OP_ADD:
        return xnn_define_add2(sg, lo, hi, a, b, y, 0);
    case CC_NN_OP_GAVGPOOL:
        return xnn_define_global_average_pooling_2d(sg, lo, hi, a, y, 0);
    case CC_NN_OP_RESIZE:
        /* flags 0: half-pixel centres, no corner alignment (TFLite half_pixel_centers) */
        return xnn_define_static_resize_bilinear_2d(sg, (size_t)yt->h, (size_t)yt->w, a, y, 0);
    default:
        return xnn_status_unsupported_parameter;
    }
}

int cc_nn_exec_xnn_open(CcNnExec *e, int threads)
{
    const CcNnGraph *g = e->g;
    pthread_once(&init_once, xnn_init_once);
    if (init_status != xnn_status_success) {
        cc_log(CC_LOG_ERROR, "xnnpack: xnn_initialize failed: %s", status_name(init_status));
        return init_status == xnn_status_unsupported_hardware ? CC_ERR_UNSUPPORTED : CC_ERR_BACKEND;
    }
    XnnExec *x = cc_calloc(1, sizeof(*x));
    uint32_t *ids = cc_calloc((size_t)g->n_tensors, sizeof(*ids));
    if (!x || !ids) {
        free(x);
        free(ids);
        return CC_ERR(ENOMEM);
    }
    e->priv = x;
    e->run = xnn_run;
    e->close = xnn_close;
    xnn_subgraph_t sg = NULL;
    int r = CC_ERR_BACKEND;
    const CcNnTensor *it = &g->tensors[g->input], *ot = &g->tensors[g->output];
    x->input = cc_alloc_aligned(it->count * sizeof(float) + XNN_EXTRA_BYTES);
    x->output = cc_alloc_aligned(ot->count * sizeof(float) + XNN_EXTRA_BYTES);
    if (!x->input || !x->output) {
        r = CC_ERR(ENOMEM);
        goto fail;
    }
    enum xnn_status s = xnn_create_subgraph(2, 0, &sg);
    if (s != xnn_status_success) {
        cc_log(CC_LOG_ERROR, "xnnpack: xnn_create_subgraph failed: %s", status_name(s));
        goto fail;
    }
    if ((r = define_values(g, sg, ids)))
        goto fail;
    r = CC_ERR_BACKEND;
    for (int k = 0; k < g->n_ops; k++) {
        const CcNnOp *op = &g->ops[k];
        s = define_op(g, op, sg, ids);
        if (s != xnn_status_success) {
            const CcNnTensor *xt = &g->tensors[op->in[0]], *yt = &g->tensors[op->out];
            cc_log(CC_LOG_ERROR, "xnnpack: defining op %d (file op %d, %s, [%d,%d,%d] -> [%d,%d,%d], "
                   "stride %dx%d, pad %d,%d,%d,%d) failed: %s", k, op->src_index, cc_nn_op_name(op->kind),
                   xt->h, xt->w, xt->c, yt->h, yt->w, yt->c, op->stride_h, op->stride_w, op->pad_top,
                   op->pad_right, op->pad_bottom, op->pad_left, status_name(s));
            goto fail;
        }
    }
    if (threads > 1) {
        x->pool = pthreadpool_create((size_t)threads);
        if (!x->pool) {
            cc_log(CC_LOG_ERROR, "xnnpack: cannot create a pool of %d threads", threads);
            goto fail;
        }
    }
    s = xnn_create_runtime_v2(sg, x->pool, 0, &x->runtime);
    if (s != xnn_status_success) {
        cc_log(CC_LOG_ERROR, "xnnpack: xnn_create_runtime_v2 (%d ops, %d threads) failed: %s",
               g->n_ops, threads, status_name(s));
        goto fail;
    }
    xnn_delete_subgraph(sg);
    sg = NULL;
    const struct xnn_external_value ext[2] = {{0, x->input}, {1, x->output}};
    s = xnn_setup_runtime(x->runtime, 2, ext);
    if (s != xnn_status_success) {
        cc_log(CC_LOG_ERROR, "xnnpack: xnn_setup_runtime failed: %s", status_name(s));
        goto fail;
    }
    free(ids);
    e->input = x->input;
    e->output = x->output;
    return 0;
fail:
    if (sg)
        xnn_delete_subgraph(sg);
    free(ids);
    xnn_close(e);
    return r;
}
