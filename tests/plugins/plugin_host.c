/*
 * A minimal LADSPA / LV2 host for the tests and the bench: loads a plugin binary with dlopen
 * (no lilv: port indices are the ones cleancast's .ttl gives), runs a raw interleaved f32 file
 * through it in blocks of random or fixed size, feeds `latency` frames of silence at the end,
 * and writes the output with the reported latency removed (time-aligned with the input, like
 * `cleancast denoise`).
 *
 * usage: plugin_host ladspa|lv2 PLUGIN.so LABEL|URI RATE CHANNELS IN.f32 OUT.f32
 *                    [--blocks random|N] [--seed S] [--inplace] [--control INDEX=VALUE]...
 *                    [--time] [--outputs N] [--unconnected INDEX]
 * Prints "latency N" (and with --time "cpu_us_per_10ms X"). Control ports not given keep the
 * defaults the plugin declares (LADSPA hints; LV2: the values cleancast.ttl declares, which
 * are also the LADSPA defaults, checked by the tests).
 * CHANNELS is the count of audio inputs (IN.f32 interleaves them, e.g. mic and reference for
 * the echo plugins); --outputs N the count of outputs (default CHANNELS; OUT.f32 interleaves
 * them). --unconnected INDEX leaves that port unconnected (NULL), as a host may do with an
 * optional input.
 */
#include <dlfcn.h>
#include <ladspa.h>
#include <lv2/core/lv2.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PORTS 16
#define MAX_BLOCK 8192

static float *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    float *x = malloc((size_t)sz + 4);
    *n = fread(x, 1, (size_t)sz, f) / sizeof(float);
    fclose(f);
    return x;
}

static uint64_t rng = 88172645463325252ull;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static double ladspa_default(const LADSPA_PortRangeHint *h)
{
    int d = h->HintDescriptor & LADSPA_HINT_DEFAULT_MASK;
    double lo = h->LowerBound, hi = h->UpperBound;
    switch (d) {
    case LADSPA_HINT_DEFAULT_MINIMUM: return lo;
    case LADSPA_HINT_DEFAULT_LOW: return lo * 0.75 + hi * 0.25;
    case LADSPA_HINT_DEFAULT_MIDDLE: return (lo + hi) / 2;
    case LADSPA_HINT_DEFAULT_HIGH: return lo * 0.25 + hi * 0.75;
    case LADSPA_HINT_DEFAULT_MAXIMUM: return hi;
    case LADSPA_HINT_DEFAULT_1: return 1;
    case LADSPA_HINT_DEFAULT_100: return 100;
    case LADSPA_HINT_DEFAULT_440: return 440;
    default: return 0;
    }
}

int main(int argc, char **argv)
{
    if (argc < 8) {
        fprintf(stderr, "usage: plugin_host ladspa|lv2 PLUGIN.so LABEL|URI RATE CHANNELS IN.f32 "
                        "OUT.f32 [--blocks random|N] [--seed S] [--inplace] "
                        "[--control I=V]... [--time]\n");
        return 2;
    }
    int is_lv2 = !strcmp(argv[1], "lv2");
    const char *so = argv[2], *label = argv[3];
    double rate = atof(argv[4]);
    int ch = atoi(argv[5]);
    const char *in_path = argv[6], *out_path = argv[7];
    int fixed = 0, inplace = 0, timing = 0, nout = -1, unconn = -1;
    float ctl[MAX_PORTS];
    int ctl_set[MAX_PORTS] = { 0 };
    for (int i = 8; i < argc; i++) {
        if (!strcmp(argv[i], "--blocks") && i + 1 < argc) {
            i++;
            fixed = strcmp(argv[i], "random") ? atoi(argv[i]) : 0;
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            rng += strtoull(argv[++i], NULL, 10) * 0x9E3779B97F4A7C15ull;
        } else if (!strcmp(argv[i], "--inplace")) {
            inplace = 1;
        } else if (!strcmp(argv[i], "--outputs") && i + 1 < argc) {
            nout = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--unconnected") && i + 1 < argc) {
            unconn = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--time")) {
            timing = 1;
        } else if (!strcmp(argv[i], "--control") && i + 1 < argc) {
            int idx;
            float v;
            if (sscanf(argv[++i], "%d=%f", &idx, &v) != 2 || idx < 0 || idx >= MAX_PORTS) {
                fprintf(stderr, "bad --control %s\n", argv[i]);
                return 2;
            }
            ctl[idx] = v;
            ctl_set[idx] = 1;
        } else {
            fprintf(stderr, "unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    void *lib = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    size_t total;
    float *in = read_all(in_path, &total);
    if (!in) {
        fprintf(stderr, "cannot read %s\n", in_path);
        return 1;
    }
    size_t frames = total / (size_t)ch;
    if (nout < 0)
        nout = ch;
    if (nout < 1 || nout > 2 || ch < 1 || ch > 2) {
        fprintf(stderr, "1 or 2 inputs and outputs\n");
        return 2;
    }
    int is_echo = strstr(label, "echo") != NULL;

    /* Buffers: audio per channel, controls by port index. */
    static float abuf[2][2][MAX_BLOCK]; /* [in/out][channel] */
    float ports_ctl[MAX_PORTS] = { 0 };
    float latency = -1;
    int lat_port = -1;
    const LADSPA_Descriptor *ld = NULL;
    const LV2_Descriptor *vd = NULL;
    void *h = NULL;
    if (!is_lv2) {
        LADSPA_Descriptor_Function fn = (LADSPA_Descriptor_Function)dlsym(lib, "ladspa_descriptor");
        for (unsigned long i = 0; fn && (ld = fn(i)); i++)
            if (!strcmp(ld->Label, label))
                break;
        if (!ld) {
            fprintf(stderr, "no LADSPA plugin %s\n", label);
            return 1;
        }
        h = ld->instantiate(ld, (unsigned long)rate);
        if (!h) {
            fprintf(stderr, "instantiate failed\n");
            return 1;
        }
        int ai = 0, ao = 0;
        for (unsigned long p = 0; p < ld->PortCount && p < MAX_PORTS; p++) {
            LADSPA_PortDescriptor pd = ld->PortDescriptors[p];
            if (LADSPA_IS_PORT_AUDIO(pd)) {
                int is_in = LADSPA_IS_PORT_INPUT(pd);
                int c = is_in ? ai++ : ao++;
                ld->connect_port(h, p, (int)p == unconn ? NULL : abuf[is_in || inplace ? 0 : 1][c]);
            } else {
                if (LADSPA_IS_PORT_OUTPUT(pd)) {
                    if (!strcmp(ld->PortNames[p], "latency"))
                        lat_port = (int)p;
                } else {
                    ports_ctl[p] = ctl_set[p] ? ctl[p]
                                              : (float)ladspa_default(&ld->PortRangeHints[p]);
                }
                ld->connect_port(h, p, &ports_ctl[p]);
            }
        }
        if (ld->activate)
            ld->activate(h);
    } else {
        LV2_Descriptor_Function fn = (LV2_Descriptor_Function)dlsym(lib, "lv2_descriptor");
        for (uint32_t i = 0; fn && (vd = fn(i)); i++)
            if (!strcmp(vd->URI, label))
                break;
        if (!vd) {
            fprintf(stderr, "no LV2 plugin %s\n", label);
            return 1;
        }
        static const LV2_Feature *no_features[] = { NULL };
        h = vd->instantiate(vd, rate, "/nonexistent/", no_features);
        if (!h) {
            fprintf(stderr, "instantiate failed\n");
            return 1;
        }
        /* cleancast.ttl: ins, outs, attenuation_db 40, engine 0, latency, [0.5, 250, 60] */
        /* echo-mono: input, reference, output, attenuation_db 40, engine 0, latency,
         * echo_cancel 0, agc 0, high_pass 0 */
        static const float defaults[] = { 40, 0, 0, 0.5f, 250, 60 };
        static const float echo_defaults[] = { 40, 0, 0, 0, 0, 0 };
        int n = ch + nout + 6;
        for (int p = 0; p < n && p < MAX_PORTS; p++) {
            if (p == unconn)
                vd->connect_port(h, (uint32_t)p, NULL);
            else if (p < ch)
                vd->connect_port(h, (uint32_t)p, abuf[0][p]);
            else if (p < ch + nout)
                vd->connect_port(h, (uint32_t)p, abuf[inplace ? 0 : 1][p - ch]);
            else {
                ports_ctl[p] = ctl_set[p] ? ctl[p]
                                          : (is_echo ? echo_defaults : defaults)[p - ch - nout];
                vd->connect_port(h, (uint32_t)p, &ports_ctl[p]);
            }
        }
        lat_port = ch + nout + 2;
        if (vd->activate)
            vd->activate(h);
    }
    /* One empty run first: hosts may call run() with 0 frames, and it reports the latency. */
    if (ld)
        ld->run(h, 0);
    else
        vd->run(h, 0);
    latency = ports_ctl[lat_port];
    int lat = (int)latency;
    printf("latency %d\n", lat);

    size_t padded = frames + (size_t)lat;
    float *out = calloc(padded * (size_t)nout + 1, sizeof(float));
    float *outb = inplace ? abuf[0][0] : NULL;
    (void)outb;
    double cpu = 0;
    size_t pos = 0;
    while (pos < padded) {
        size_t n = fixed ? (size_t)fixed : 1 + next_rand() % MAX_BLOCK;
        if (!fixed && next_rand() % 4 == 0)
            n = 1 + next_rand() % 64; /* plenty of tiny blocks too */
        if (n > padded - pos)
            n = padded - pos;
        for (size_t i = 0; i < n; i++)
            for (int c = 0; c < ch; c++)
                abuf[0][c][i] = pos + i < frames ? in[(pos + i) * ch + c] : 0.0f;
        struct timespec t0, t1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        if (ld)
            ld->run(h, n);
        else
            vd->run(h, (uint32_t)n);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        cpu += (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
        if (ports_ctl[lat_port] != latency) {
            fprintf(stderr, "latency changed from %g to %g\n", latency, ports_ctl[lat_port]);
            return 1;
        }
        for (size_t i = 0; i < n; i++)
            for (int c = 0; c < nout; c++)
                out[(pos + i) * nout + c] = abuf[inplace ? 0 : 1][c][i];
        pos += n;
    }
    if (timing)
        printf("cpu_us_per_10ms %.2f\n", cpu * 1e6 / ((double)padded / (rate / 100.0)));
    FILE *f = fopen(out_path, "wb");
    if (!f || fwrite(out + (size_t)lat * nout, sizeof(float), frames * (size_t)nout, f) !=
                  frames * (size_t)nout) {
        fprintf(stderr, "cannot write %s\n", out_path);
        return 1;
    }
    fclose(f);
    if (ld)
        ld->cleanup(h);
    else
        vd->cleanup(h);
    free(out);
    free(in);
    dlclose(lib);
    return 0;
}
