/* Compositor internals reachable from tests and benchmarks (not public API). */
#ifndef CC_COMPOSITOR_INTERNAL_H
#define CC_COMPOSITOR_INTERNAL_H

#include "cleancast/video.h"

/* Restrict the image kernels to the given CC_CPU_* flags (0 = plain C references). */
void cc_compositor_set_cpu_flags(CcCompositor *c, unsigned flags);

#endif
