/*
 * Internal neural-network runtime: a parsed graph (immutable, shareable) and executors
 * (per stream) behind one interface. Only src/nn/ includes xnnpack.h.
 *
 * Tensors are float32 NHWC with batch 1.
 *
 *   CcNnGraph *g; CcNnExec *e;
 *   cc_nn_graph_parse(&g, buf, size);             // any thread; g is read-only afterwards
 *   cc_nn_exec_open(&e, g, CC_BACKEND_AUTO, 1);   // per stream; sizes everything
 *   fill cc_nn_exec_input(e) (h*w*c floats, RGB in 0..1 for the selfie models)
 *   cc_nn_exec_run(e);                            // no allocation, no lock, no logging
 *   read cc_nn_exec_output(e) (probabilities for the selfie models)
 *   cc_nn_exec_close(&e); cc_nn_graph_free(&g);
 *
 * Threads: one graph may serve executors on several threads at once; one executor is
 * used by one thread at a time. The portable executor runs on the calling thread only
 * (threads > 1 is accepted and ignored); XNNPACK uses a pool of `threads` threads.
 * Determinism: same graph, backend and thread count -> same output bytes (XNNPACK on 1
 * and 2 threads measured identical). The input buffer keeps its contents across runs.
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
 * built and falls back to the portable executor (with a warning) if XNNPACK refuses the
 * CPU or the graph; threads >= 1. Returns CC_ERR(ENOSYS) for a backend not built in.
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
