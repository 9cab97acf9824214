/*
 * Internal graph of the NN runtime: what the TFLite reader produces and both executors
 * consume. Also built by hand in tests (tests/nn) to check single ops.
 *
 * Activations are float32 NHWC with batch 1 ([1, h, w, c]; a rank-2 [1, c] tensor is
 * treated as [1, 1, 1, c]). Static tensors (weights, biases, constants) are float32 and
 * owned by the graph. Op order is execution order; every tensor an op reads is either
 * static, the graph input, or written by an earlier op; each tensor is written once.
 */
#ifndef CC_NN_GRAPH_H
#define CC_NN_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "nn/nn.h"

typedef enum CcNnOpKind {
    CC_NN_OP_CONV2D,      /* in: x, filter [co, kh, kw, ci], bias [co] */
    CC_NN_OP_DWCONV2D,    /* in: x, filter [1, kh, kw, c], bias [c]; depth multiplier 1 */
    CC_NN_OP_DECONV2D,    /* in: x, filter [co, kh, kw, ci], bias [co] (transposed conv) */
    CC_NN_OP_HARDSWISH,   /* x * relu6(x + 3) / 6 */
    CC_NN_OP_RELU,        /* max(x, 0) (as a clamp: act_min/act_max) */
    CC_NN_OP_SIGMOID,
    CC_NN_OP_MUL,         /* a * b, NHWC broadcast of dims equal to 1 */
    CC_NN_OP_ADD,         /* a + b, NHWC broadcast of dims equal to 1 */
    CC_NN_OP_GAVGPOOL,    /* global mean over h, w -> [1, 1, 1, c] */
    CC_NN_OP_RESIZE,      /* bilinear, half-pixel centres, no corner alignment */
    CC_NN_OP_COUNT
} CcNnOpKind;

typedef struct CcNnTensor {
    int rank;       /* 1..4 */
    int dims[4];    /* as declared; unused dims are 1 */
    int h, w, c;    /* activation view: [1, h, w, c] */
    size_t count;   /* number of elements */
    float *data;    /* static values (count floats, owned by the graph) or NULL */
} CcNnTensor;

typedef struct CcNnOp {
    CcNnOpKind kind;
    int in[3];          /* tensor indices; -1 when unused */
    int out;
    int stride_h, stride_w;                       /* conv, dwconv, deconv */
    int pad_top, pad_bottom, pad_left, pad_right; /* explicit, >= 0 */
    int adj_h, adj_w;   /* deconv only: extra output rows/columns at the bottom/right */
    float act_min, act_max; /* fused clamp (-INF, INF when none) */
    int src_index;      /* operator index in the model file, for messages */
} CcNnOp;

struct CcNnGraph {
    CcNnTensor *tensors; /* n_tensors */
    int n_tensors;
    CcNnOp *ops;         /* n_ops */
    int n_ops;
    int input, output;   /* tensor indices */
};

/* Kernel geometry of a conv-like op, from its filter tensor. */
static inline int cc_nn_op_kh(const CcNnGraph *g, const CcNnOp *op) { return g->tensors[op->in[1]].dims[1]; }
static inline int cc_nn_op_kw(const CcNnGraph *g, const CcNnOp *op) { return g->tensors[op->in[1]].dims[2]; }

const char *cc_nn_op_name(CcNnOpKind kind);

/*
 * Allocates an empty graph with room for n_tensors tensors (all zero: rank 0, no data) and
 * n_ops ops. Fill them, then call cc_nn_graph_check(). NULL on allocation failure.
 */
CcNnGraph *cc_nn_graph_alloc(int n_tensors, int n_ops);
/* Sets tensor t's shape (rank 1..4) and derives h, w, c and count. 0 or CC_ERR_MODEL. */
int cc_nn_tensor_set_shape(CcNnTensor *t, int rank, const int *dims);

/*
 * Validates a filled graph exactly as the executors need it: indices in range, order
 * (defined before use, written once), shapes of every op's inputs and output, padding and
 * strides. Logs what is wrong and where (op src_index) and returns CC_ERR_MODEL.
 */
int cc_nn_graph_check(const CcNnGraph *g);

#endif
