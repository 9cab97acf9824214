/*
 * nn_bench [RUNS] [THREADS]: per-inference time of the selfie-segmentation models through
 * every executor, median and minimum of RUNS runs after warm-up, and the anchor measured
 * in the same run: "bare XNNPACK", xnn_invoke_runtime called directly on the runtime our
 * executor built (no glue, no copies), interleaved run by run with our cc_nn_exec_run so
 * both see the same machine state. Also the parse and open (graph definition + runtime
 * creation) times. Reported figures, not pass/fail.
 *
 * The anchor needs XNNPACK itself, so this file includes xnnpack.h (the library layers
 * other than src/nn never do).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cc_config.h"
#include "common.h"
#include "nn/exec.h"
#include "nn/nn.h"
#if CC_HAVE_XNNPACK
#include <xnnpack.h>
#endif

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of this thread: excludes time the scheduler gave to other processes, which
 * matters on a shared 2-core machine. Meaningful for single-threaded runs only. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void fill(CcNnExec *e, const CcNnGraph *g)
{
    int h, w, c;
    cc_nn_graph_input_shape(g, &h, &w, &c);
    float *in = cc_nn_exec_input(e);
    for (int i = 0; i < h * w * c; i++)
        in[i] = (float)((i * 7919) % 256) / 255.0f;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 50;
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    if (runs < 1 || threads < 1) {
        fprintf(stderr, "usage: nn_bench [RUNS] [THREADS]\n");
        return 2;
    }
    const char *cache = getenv("CLEANCAST_CACHE");
    char dir[4000];
    if (cache && *cache)
        snprintf(dir, sizeof(dir), "%s/models", cache);
    else
        snprintf(dir, sizeof(dir), "%s/.cache/cleancast/models", getenv("HOME") ? getenv("HOME") : ".");
    static const char *const models[2] = {"selfie_segmentation.tflite", "selfie_segmentation_landscape.tflite"};
    double *t_ours = calloc((size_t)runs, sizeof(double)), *t_bare = calloc((size_t)runs, sizeof(double));
    double *c_ours = calloc((size_t)runs, sizeof(double)), *c_bare = calloc((size_t)runs, sizeof(double));
    printf("nn_bench: %d runs after 5 warm-up runs, threads %d (the portable executor always uses 1)\n",
           runs, threads);
    printf("wall: median and minimum wall-clock ms per inference; cpu: median thread CPU ms\n");
    printf("%-38s %-16s %7s %10s %10s %10s %10s %12s %12s %12s\n", "model", "executor", "threads", "median ms",
           "min ms", "cpu ms", "open ms", "median/bare", "min/bare", "cpu/bare");
    for (int m = 0; m < 2; m++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, models[m]);
        uint8_t *buf;
        size_t size;
        if (cc_read_file(path, &buf, &size)) {
            fprintf(stderr, "nn_bench: cannot read %s (run models/fetch.sh)\n", path);
            return 77;
        }
        CcNnGraph *g;
        double t0 = now_ms();
        int r = cc_nn_graph_parse(&g, buf, size);
        double parse_ms = now_ms() - t0;
        free(buf);
        if (r) {
            fprintf(stderr, "nn_bench: %s: %s\n", models[m], cc_strerror(r));
            return 1;
        }
        printf("%-38s %-16s %7s %10.2f\n", models[m], "(parse)", "", parse_ms);
        for (int k = 0; k < 3; k++) {
            static const char *const names[3] = {"xnnpack", "portable-simd", "portable-c"};
            CcNnExec *e;
            int n = k ? (runs < 20 ? runs : 20) : runs; /* the portable runs are slower */
            t0 = now_ms();
            r = k ? cc_nn_exec_open_portable(&e, g, k == 1) : cc_nn_exec_open(&e, g, CC_BACKEND_XNNPACK, threads);
            double open_ms = now_ms() - t0;
            if (r) {
                printf("%-38s %-16s %7d %10s (%s)\n", models[m], names[k], k ? 1 : threads, "-", cc_strerror(r));
                continue;
            }
            fill(e, g);
            for (int i = 0; i < 5; i++)
                cc_nn_exec_run(e);
#if CC_HAVE_XNNPACK
            xnn_runtime_t rt = k == 0 ? (xnn_runtime_t)cc_nn_exec_xnn_runtime(e) : NULL;
#endif
            for (int i = 0; i < n; i++) {
                double c0 = cpu_ms();
                t0 = now_ms();
                cc_nn_exec_run(e);
                t_ours[i] = now_ms() - t0;
                c_ours[i] = cpu_ms() - c0;
#if CC_HAVE_XNNPACK
                if (rt) {
                    c0 = cpu_ms();
                    t0 = now_ms();
                    xnn_invoke_runtime(rt);
                    t_bare[i] = now_ms() - t0;
                    c_bare[i] = cpu_ms() - c0;
                }
#endif
            }
            double med = median(t_ours, n), mn = t_ours[0], cmed = median(c_ours, n);
            if (k == 0 && CC_HAVE_XNNPACK) {
                double bmed = median(t_bare, n), bcmed = median(c_bare, n);
                printf("%-38s %-16s %7d %10.3f %10.3f %10.3f %10.2f %11.3fx %11.3fx %11.3fx\n", models[m], names[k],
                       threads, med, mn, cmed, open_ms, med / bmed, mn / t_bare[0], cmed / bcmed);
                printf("%-38s %-16s %7d %10.3f %10.3f %10.3f %10s %12s %12s %12s\n", models[m], "bare-xnnpack",
                       threads, bmed, t_bare[0], bcmed, "", "1.000x", "1.000x", "1.000x");
            } else {
                printf("%-38s %-16s %7d %10.3f %10.3f %10.3f %10.2f\n", models[m], names[k], 1, med, mn, cmed,
                       open_ms);
            }
            cc_nn_exec_close(&e);
        }
        cc_nn_graph_free(&g);
    }
    free(t_ours);
    free(t_bare);
    free(c_ours);
    free(c_bare);
    return 0;
}
