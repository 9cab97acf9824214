/*
 * Video chain cost per frame, one thread: convert / infer / refine / composite, for a model
 * and a backend, on the frames of a Y4M clip (I420). Prints one table row; --header prints
 * the header. Stage times are wall-clock medians; cpu_ms is the median thread CPU time of the
 * whole chain (robust when other processes share the cores). Peak memory is the process's
 * max RSS at the end.
 *
 *   seg_bench CLIP.y4m MODEL.tflite general|landscape xnnpack|portable FRAMES [raw]
 *
 * With CC_BENCH_MIN=1 the stage columns are the minima over the frames instead of the medians
 * (mode "prod-min"), and total_ms is the sum of the four stage minima: on a loaded machine
 * the fastest run of a stage is the closest to its unloaded cost, where a median mostly
 * measures waiting for a core (and hardly a whole frame runs without being preempted).
 * With CC_BENCH_DUMP=FILE set, every timed frame's mask and then its composited frame (I420)
 * are appended to FILE, to compare two builds' outputs byte for byte (cmp).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cleancast/video.h"
#include "y4m.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

static double cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double minimum(double *v, int n)
{
    double m = n ? v[0] : 0;
    for (int i = 1; i < n; i++)
        m = v[i] < m ? v[i] : m;
    return m;
}

static double median(double *v, int n)
{
    qsort(v, n, sizeof(double), cmp_d);
    return n ? (n & 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2])) : 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--header")) {
        printf("%-10s %-10s %-9s %-4s %6s %8s %8s %9s %8s %9s %8s %7s %7s\n", "size", "model",
               "backend", "mode", "frames", "conv_ms", "infer_ms", "refine_ms", "comp_ms",
               "total_ms", "cpu_ms", "tot/inf", "rss_MB");
        return 0;
    }
    if (argc < 6) {
        fprintf(stderr, "usage: seg_bench CLIP.y4m MODEL.tflite NAME xnnpack|portable FRAMES [raw]\n");
        return 2;
    }
    CcBackend backend = !strcmp(argv[4], "portable") ? CC_BACKEND_PORTABLE : CC_BACKEND_XNNPACK;
    int frames = atoi(argv[5]), raw = argc > 6 && !strcmp(argv[6], "raw");
    CcSegModel *model = NULL;
    if (cc_seg_model_open_file(&model, argv[2]) < 0) {
        fprintf(stderr, "seg_bench: cannot load %s\n", argv[2]);
        return 1;
    }
    CcSegmenterSettings ss;
    cc_segmenter_default_settings(&ss);
    ss.backend = backend;
    ss.threads = 1;
    ss.raw = raw;
    CcSegmenter *seg = NULL;
    CcCompositorSettings cs;
    cc_compositor_default_settings(&cs);
    cs.mode = CC_BG_BLUR;
    cs.blur_strength = 0.5f;
    CcCompositor *comp = NULL;
    if (cc_segmenter_open(&seg, model, &ss) < 0 || cc_compositor_open(&comp, &cs) < 0) {
        fprintf(stderr, "seg_bench: cannot open segmenter/compositor (%s)\n", argv[4]);
        return 1;
    }
    CcY4m y;
    if (cc_y4m_open(&y, argv[1]))
        return 1;
    const int w = y.width, h = y.height;
    uint8_t *mask = malloc((size_t)w * h);
    /* Frames are read once into memory so that file I/O is not timed. */
    int cap = frames > 0 ? frames : 1, nread = 0;
    size_t fsz = (size_t)w * h + 2 * (size_t)((w + 1) / 2) * ((h + 1) / 2);
    uint8_t *store = malloc(fsz * cap);
    while (nread < cap && cc_y4m_read(&y) == 1) {
        uint8_t *d = store + fsz * nread++;
        size_t ys = (size_t)w * h, cs2 = (size_t)((w + 1) / 2) * ((h + 1) / 2);
        memcpy(d, y.planes[0], ys);
        memcpy(d + ys, y.planes[1], cs2);
        memcpy(d + ys + cs2, y.planes[2], cs2);
    }
    if (!nread) {
        fprintf(stderr, "seg_bench: no frames in %s\n", argv[1]);
        return 1;
    }
    uint8_t *work = malloc(fsz);
    double *conv = malloc(sizeof(double) * frames), *inf = malloc(sizeof(double) * frames);
    double *ref = malloc(sizeof(double) * frames), *cmp = malloc(sizeof(double) * frames);
    double *tot = malloc(sizeof(double) * frames), *cpu = malloc(sizeof(double) * frames);
    const int warmup = 5;
    FILE *dump = NULL;
    if (getenv("CC_BENCH_DUMP") && !(dump = fopen(getenv("CC_BENCH_DUMP"), "wb"))) {
        fprintf(stderr, "seg_bench: cannot write %s\n", getenv("CC_BENCH_DUMP"));
        return 1;
    }
    for (int i = -warmup; i < frames; i++) {
        memcpy(work, store + fsz * ((i + warmup) % nread), fsz);
        CcFrame f;
        memset(&f, 0, sizeof(f));
        f.format = CC_PIX_I420;
        f.width = w;
        f.height = h;
        f.data[0] = work;
        f.data[1] = work + (size_t)w * h;
        f.data[2] = f.data[1] + (size_t)((w + 1) / 2) * ((h + 1) / 2);
        f.stride[0] = w;
        f.stride[1] = f.stride[2] = (w + 1) / 2;
        CcMask m = { w, h, mask, w };
        double c0 = cpu_us(), t0 = now_us();
        if (cc_segmenter_process(seg, &f, &m) < 0)
            return 1;
        double t1 = now_us();
        if (cc_compositor_process(comp, &f, &m) < 0)
            return 1;
        double t2 = now_us(), c2 = cpu_us();
        if (i < 0)
            continue;
        if (dump && (fwrite(mask, 1, (size_t)w * h, dump) != (size_t)w * h ||
                     fwrite(work, 1, fsz, dump) != fsz)) {
            fprintf(stderr, "seg_bench: cannot write %s\n", getenv("CC_BENCH_DUMP"));
            return 1;
        }
        CcSegmenterTimings t;
        cc_segmenter_timings(seg, &t);
        conv[i] = t.convert_us / 1000;
        inf[i] = t.infer_us / 1000;
        ref[i] = t.refine_us / 1000;
        cmp[i] = (t2 - t1) / 1000;
        tot[i] = (t2 - t0) / 1000;
        cpu[i] = (c2 - c0) / 1000;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const int use_min = getenv("CC_BENCH_MIN") && atoi(getenv("CC_BENCH_MIN")) > 0;
    double (*stat)(double *, int) = use_min ? minimum : median;
    double mi = stat(inf, frames), mt = stat(tot, frames);
    if (use_min)
        mt = minimum(conv, frames) + mi + minimum(ref, frames) + minimum(cmp, frames);
    char size[32];
    snprintf(size, sizeof(size), "%dx%d", w, h);
    printf("%-10s %-10s %-9s %-4s %6d %8.3f %8.3f %9.3f %8.3f %9.3f %8.3f %7.2f %7.1f\n", size,
           argv[3], argv[4], raw ? (use_min ? "raw-min" : "raw") : (use_min ? "prod-min" : "prod"),
           frames, stat(conv, frames), mi, stat(ref, frames), stat(cmp, frames), mt,
           stat(cpu, frames), mt / mi, ru.ru_maxrss / 1024.0);
    if (dump && fclose(dump)) {
        fprintf(stderr, "seg_bench: cannot write %s\n", getenv("CC_BENCH_DUMP"));
        return 1;
    }
    cc_compositor_close(&comp);
    cc_segmenter_close(&seg);
    cc_seg_model_close(&model);
    cc_y4m_close(&y);
    free(store); free(work); free(mask); free(conv); free(inf); free(ref); free(cmp); free(tot); free(cpu);
    return 0;
}
