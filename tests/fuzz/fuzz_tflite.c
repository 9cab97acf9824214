/*
 * Fuzz target for the TFLite reader (src/nn/tflite.c). A graph that parses is also opened
 * and run (portable executor, then XNNPACK where built) when it is small, so the graph
 * checks are fuzzed as the executors' guard too. Built as a plain corpus runner
 * (tests/util/fuzzmain.c) and, with clang, as a libFuzzer binary (tests/nn/meson.build).
 */
#include <stdint.h>
#include <string.h>

#include "nn/graph.h"

/* Keeps runs fast: at most this many activation floats and multiply-adds. */
#define MAX_ACTS (1 << 18)
#define MAX_MACS (1 << 22)

static int small_enough(const CcNnGraph *g)
{
    size_t acts = 0;
    double macs = 0;
    for (int i = 0; i < g->n_tensors; i++)
        if (!g->tensors[i].data)
            acts += g->tensors[i].count;
    for (int k = 0; k < g->n_ops; k++) {
        const CcNnOp *op = &g->ops[k];
        const CcNnTensor *x = &g->tensors[op->in[0]], *y = &g->tensors[op->out];
        if (op->kind == CC_NN_OP_CONV2D || op->kind == CC_NN_OP_DWCONV2D || op->kind == CC_NN_OP_DECONV2D)
            macs += (double)g->tensors[op->in[1]].count * (double)(x->count > y->count ? x->count : y->count);
        else
            macs += (double)y->count + (double)x->count;
    }
    return acts <= MAX_ACTS && macs <= MAX_MACS;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CcNnGraph *g = NULL;
    if (cc_nn_graph_parse(&g, data, size))
        return 0;
    if (small_enough(g)) {
        for (int k = 0; k < 2; k++) {
            CcNnExec *e = NULL;
            if (k ? cc_nn_exec_open(&e, g, CC_BACKEND_XNNPACK, 1) : cc_nn_exec_open_portable(&e, g, 1))
                continue;
            int h, w, c;
            cc_nn_graph_input_shape(g, &h, &w, &c);
            float *in = cc_nn_exec_input(e);
            for (size_t i = 0; i < (size_t)h * w * c; i++)
                in[i] = (float)(i % 7) - 3.0f;
            cc_nn_exec_run(e);
            cc_nn_exec_close(&e);
        }
    }
    cc_nn_graph_free(&g);
    return 0;
}
