/*
 * Internal neural-network runtime: a parsed graph (immutable, shareable) and executors
 * (per stream) behind one interface. Only src/nn/ includes xnnpack.h.
 *
 * Tensors are float32 NHWC with batch 1.
 */
#ifndef CC_NN_H
#define CC_NN_H

#include <stddef.h>
#include <stdint.h>

#include "cleancast/cleancast.h"

typedef struct CcNnGraph CcNnGraph;
typedef struct CcNnExec CcNnExec;

/*
 * Parse a TFLite flatbuffer into a graph. Every offset is bounds-checked; a malformed file
 * or an unsupported op returns CC_ERR_MODEL / CC_ERR_UNSUPPORTED and logs what and where.
 * buf need not outlive the call (weights are converted to fp32 and owned by the graph).
 */
int cc_nn_graph_parse(CcNnGraph **out, const uint8_t *buf, size_t size);
void cc_nn_graph_free(CcNnGraph **g);

/* Input and output shapes, NHWC without batch. */
void cc_nn_graph_input_shape(const CcNnGraph *g, int *h, int *w, int *c);
void cc_nn_graph_output_shape(const CcNnGraph *g, int *h, int *w, int *c);

/*
 * Open an executor on g (g must outlive it). backend CC_BACKEND_AUTO picks XNNPACK where
 * built; threads >= 1. Returns CC_ERR(ENOSYS) for a backend not built in.
 */
int cc_nn_exec_open(CcNnExec **out, const CcNnGraph *g, CcBackend backend, int threads);
/* Which backend the executor really runs (never AUTO). */
CcBackend cc_nn_exec_backend(const CcNnExec *e);
/* Input buffer to fill before run: h*w*c floats, NHWC. Stable for the executor's life. */
float *cc_nn_exec_input(CcNnExec *e);
/* Output buffer valid after run: h*w*c floats. Stable for the executor's life. */
const float *cc_nn_exec_output(const CcNnExec *e);
/* Run the graph once; allocates nothing. */
int cc_nn_exec_run(CcNnExec *e);
void cc_nn_exec_close(CcNnExec **e);

/*
 * Portable executor with its SIMD kernels switched off (simd = 0) or on where the CPU has
 * them (simd = 1, what cc_nn_exec_open uses). For tests and benchmarks.
 */
int cc_nn_exec_open_portable(CcNnExec **out, const CcNnGraph *g, int simd);

#endif
