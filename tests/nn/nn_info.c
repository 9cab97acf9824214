/* nn_info MODEL.tflite: parses a model and lists its ops (debugging aid, not a test). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common.h"
#include "nn/graph.h"
#include "nn/nn.h"
#include "testutil.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: nn_info MODEL.tflite [BACKEND: 1 xnnpack, 2 portable]\n");
        return 2;
    }
    cc_test_log_to_stderr();
    uint8_t *buf;
    size_t size;
    int r = cc_read_file(argv[1], &buf, &size);
    if (r)
        return 1;
    CcNnGraph *g;
    r = cc_nn_graph_parse(&g, buf, size);
    free(buf);
    if (r) {
        fprintf(stderr, "nn_info: %s\n", cc_strerror(r));
        return 1;
    }
    long macs = 0;
    for (int i = 0; i < g->n_ops; i++) {
        const CcNnOp *op = &g->ops[i];
        const CcNnTensor *x = &g->tensors[op->in[0]], *y = &g->tensors[op->out];
        printf("%3d (file op %3d) %-20s [%d,%d,%d] -> [%d,%d,%d]", i, op->src_index,
               cc_nn_op_name(op->kind), x->h, x->w, x->c, y->h, y->w, y->c);
        if (op->in[1] >= 0 && op->kind <= CC_NN_OP_DECONV2D) {
            const CcNnTensor *f = &g->tensors[op->in[1]];
            printf(" k%dx%d s%dx%d pad t%d b%d l%d r%d adj %d,%d act [%g,%g]", f->dims[1], f->dims[2],
                   op->stride_h, op->stride_w, op->pad_top, op->pad_bottom, op->pad_left,
                   op->pad_right, op->adj_h, op->adj_w, op->act_min, op->act_max);
            long m = (long)f->count * (op->kind == CC_NN_OP_DECONV2D ? x->h * x->w : y->h * y->w);
            macs += m;
        } else if (op->in[1] >= 0) {
            const CcNnTensor *b = &g->tensors[op->in[1]];
            printf(" with [%d,%d,%d]%s act [%g,%g]", b->h, b->w, b->c, b->data ? " const" : "",
                   op->act_min, op->act_max);
        }
        printf("\n");
    }
    int h, w, c;
    cc_nn_graph_input_shape(g, &h, &w, &c);
    printf("input %dx%dx%d", h, w, c);
    cc_nn_graph_output_shape(g, &h, &w, &c);
    printf(", output %dx%dx%d, %d ops, %.1fM conv MACs\n", h, w, c, g->n_ops, macs / 1e6);
    if (argc == 3) {
        CcNnExec *e;
        if ((r = cc_nn_exec_open(&e, g, (CcBackend)atoi(argv[2]), 1))) {
            fprintf(stderr, "nn_info: open: %s\n", cc_strerror(r));
            return 1;
        }
        float *in = cc_nn_exec_input(e);
        cc_nn_graph_input_shape(g, &h, &w, &c);
        for (int i = 0; i < h * w * c; i++)
            in[i] = (float)((i * 7919) % 256) / 255.0f;
        for (int k = 0; k < 5; k++) {
            double t0 = now_ms();
            r = cc_nn_exec_run(e);
            double t1 = now_ms();
            const float *o = cc_nn_exec_output(e);
            cc_nn_graph_output_shape(g, &h, &w, &c);
            double sum = 0;
            for (int i = 0; i < h * w * c; i++)
                sum += o[i];
            printf("run %d: %s, %.2f ms, mean output %.6f\n", k, cc_strerror(r), t1 - t0, sum / (h * w * c));
        }
        cc_nn_exec_close(&e);
    }
    cc_nn_graph_free(&g);
    return 0;
}
