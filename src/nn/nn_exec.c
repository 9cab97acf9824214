/* Executor front end: picks a backend and forwards calls. */
#include <stdlib.h>

#include "cc_config.h"
#include "common.h"
#include "nn/exec.h"

static int exec_open(CcNnExec **out, const CcNnGraph *g, CcBackend backend, int threads, int simd)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    if (!g || threads < 1 || threads > 256)
        return CC_ERR(EINVAL);
    const int is_auto = backend == CC_BACKEND_AUTO;
    if (is_auto)
        backend = CC_HAVE_XNNPACK ? CC_BACKEND_XNNPACK : CC_BACKEND_PORTABLE;
    CcNnExec *e = cc_calloc(1, sizeof(*e));
    if (!e)
        return CC_ERR(ENOMEM);
    e->g = g;
    e->backend = backend;
    int r;
    switch (backend) {
    case CC_BACKEND_PORTABLE:
        r = cc_nn_exec_ref_open(e, threads, simd);
        break;
    case CC_BACKEND_XNNPACK:
#if CC_HAVE_XNNPACK
        r = cc_nn_exec_xnn_open(e, threads);
#else
        cc_log(CC_LOG_ERROR, "nn: XNNPACK backend not built in");
        r = CC_ERR(ENOSYS);
#endif
        break;
    default:
        cc_log(CC_LOG_ERROR, "nn: unknown backend %d", (int)backend);
        r = CC_ERR(EINVAL);
        break;
    }
    if (r && is_auto && backend == CC_BACKEND_XNNPACK && r != CC_ERR(ENOMEM)) {
        /* AUTO: a CPU or graph XNNPACK refuses still runs, on the portable executor. */
        cc_log(CC_LOG_WARNING, "nn: XNNPACK failed (%s), using the portable executor", cc_strerror(r));
        *e = (CcNnExec){.g = g, .backend = CC_BACKEND_PORTABLE};
        r = cc_nn_exec_ref_open(e, threads, simd);
    }
    if (r) {
        free(e);
        return r;
    }
    *out = e;
    return 0;
}

int cc_nn_exec_open(CcNnExec **out, const CcNnGraph *g, CcBackend backend, int threads)
{
    return exec_open(out, g, backend, threads, 1);
}

int cc_nn_exec_open_portable(CcNnExec **out, const CcNnGraph *g, int simd)
{
    return exec_open(out, g, CC_BACKEND_PORTABLE, 1, simd);
}

CcBackend cc_nn_exec_backend(const CcNnExec *e)
{
    return e->backend;
}

float *cc_nn_exec_input(CcNnExec *e)
{
    return e->input;
}

const float *cc_nn_exec_output(const CcNnExec *e)
{
    return e->output;
}

int cc_nn_exec_run(CcNnExec *e)
{
    if (!e)
        return CC_ERR(EINVAL);
    return e->run(e);
}

void cc_nn_exec_close(CcNnExec **pe)
{
    if (!pe || !*pe)
        return;
    (*pe)->close(*pe);
    free(*pe);
    *pe = NULL;
}
