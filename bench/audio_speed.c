/*
 * Microseconds of CPU per 10 ms frame, one thread, 48 kHz mono:
 *   ours (public API: edge conversion + RNNoise), the RNNoise frame alone with the best
 *   kernels and with the C reference kernels, and the speexdsp engine through the same API;
 *   with MODEL2 (RNNoise 0.2, rnnoise2.ccm) the same three for 0.2.
 * usage: audio_speed IN.wav MODEL.ccm [MODEL2.ccm]   (IN: 48 kHz mono WAV; bench/audio_speed.sh
 * makes it)
 * Prints "name us_per_frame" lines; the script adds FFmpeg arnndn and the wasm reference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cleancast/audio.h>

#include "audio/model/rnn2model.h"
#include "audio/model/rnnmodel.h"
#include "audio/rnn2.h"
#include "audio/rnnoise.h"
#include "audiofile.h"

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double run_api(const CcDenoiseModel *m, int engine, const float *x, int64_t n, float *y)
{
    CcDenoiserSettings s;
    cc_denoiser_default_settings(&s);
    s.engine = (CcDenoiseEngine)engine;
    CcDenoiser *d = NULL;
    if (cc_denoiser_open(&d, m, &s) < 0)
        return -1;
    double t0 = cpu_s();
    for (int64_t p = 0; p + 480 <= n; p += 480)
        cc_denoiser_process(d, x + p, y + p, 480);
    double t = cpu_s() - t0;
    cc_denoiser_close(&d);
    return t / (double)(n / 480) * 1e6;
}

static double run_core(const CcRnnNet *m, const CcRnnKernels *k, const float *x, int64_t n,
                       float *y)
{
    static CcRnnBands bands;
    cc_rnn_bands_init(&bands);
    CcRnnoise *st = malloc(sizeof(*st));
    if (!st || cc_rnnoise_init(st, m, &bands, k) < 0)
        return -1;
    float in[480];
    double t0 = cpu_s();
    for (int64_t p = 0; p + 480 <= n; p += 480) {
        for (int i = 0; i < 480; i++)
            in[i] = x[p + i] * 32768.0f;
        cc_rnnoise_process_frame(st, y + p, in, 0);
    }
    double t = cpu_s() - t0;
    cc_rnnoise_free(st);
    free(st);
    return t / (double)(n / 480) * 1e6;
}

static double run_core2(const CcRnn2Model *m, const CcRnn2Kernels *k, const CcRnnKernels *k1,
                        const float *x, int64_t n, float *y)
{
    CcRnnoise2 *st = malloc(sizeof(*st));
    if (!st || cc_rnnoise2_init(st, m, k, k1) < 0) {
        free(st);
        return -1;
    }
    float in[480];
    double t0 = cpu_s();
    for (int64_t p = 0; p + 480 <= n; p += 480) {
        for (int i = 0; i < 480; i++)
            in[i] = x[p + i] * 32768.0f;
        cc_rnnoise2_process_frame(st, y + p, in, 0);
    }
    double t = cpu_s() - t0;
    cc_rnnoise2_free(st);
    free(st);
    return t / (double)(n / 480) * 1e6;
}

/* RNNoise 0.2: API, frame with the best kernels, frame with C kernels. */
static int bench2(const char *path, const CcAudioFile *w, float *y)
{
    CcDenoiseModel *model = NULL;
    CcRnn2Model *m = NULL;
    if (cc_denoise_model_open_file(&model, path) < 0 || cc_rnn2_model_load_file(&m, path) < 0) {
        fprintf(stderr, "audio_speed: cannot load %s\n", path);
        cc_denoise_model_close(&model);
        return 1;
    }
    CcRnn2Kernels kc, kb;
    CcRnnKernels k1c, k1b;
    cc_rnn2_kernels_init_c(&kc);
    cc_rnn2_kernels_init(&kb);
    cc_rnn_kernels_init_c(&k1c);
    cc_rnn_kernels_init(&k1b);
    double best[3] = { 1e9, 1e9, 1e9 };
    for (int rep = 0; rep < 5; rep++) {
        double v[3] = { run_api(model, CC_DENOISE_RNNOISE, w->samples, w->frames, y),
                        run_core2(m, &kb, &k1b, w->samples, w->frames, y),
                        run_core2(m, &kc, &k1c, w->samples, w->frames, y) };
        for (int i = 0; i < 3; i++)
            if (v[i] >= 0 && v[i] < best[i])
                best[i] = v[i];
    }
    printf("ours_api_rnnoise2 %.1f\n", best[0]);
    printf("ours_core2_%s %.1f\n", kb.name, best[1]);
    printf("ours_core2_c %.1f\n", best[2]);
    cc_rnn2_model_free(&m);
    cc_denoise_model_close(&model);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: audio_speed IN.wav MODEL.ccm [MODEL2.ccm]\n");
        return 2;
    }
    CcAudioFile w;
    char err[512];
    if (cc_audio_read(argv[1], &w, err, sizeof(err)) < 0) {
        fprintf(stderr, "audio_speed: %s\n", err);
        return 1;
    }
    if (w.sample_rate != 48000 || w.channels != 1) {
        fprintf(stderr, "audio_speed: need 48 kHz mono\n");
        return 1;
    }
    CcDenoiseModel *model = NULL;
    CcRnnModel *rm = NULL;
    CcRnnNet net;
    if (cc_denoise_model_open_file(&model, argv[2]) < 0 || cc_rnn_model_load_file(&rm, argv[2]) < 0 ||
        cc_rnn_net_init(&net, rm) < 0) {
        fprintf(stderr, "audio_speed: cannot load %s\n", argv[2]);
        return 1;
    }
    float *y = malloc(sizeof(float) * (size_t)w.frames);
    CcRnnKernels kc, kb;
    cc_rnn_kernels_init_c(&kc);
    cc_rnn_kernels_init(&kb);
    double best[4] = { 1e9, 1e9, 1e9, 1e9 };
    for (int rep = 0; rep < 5; rep++) { /* minimum of 5: least disturbed by other processes */
        double v[4] = { run_api(model, CC_DENOISE_RNNOISE, w.samples, w.frames, y),
                        run_core(&net, &kb, w.samples, w.frames, y),
                        run_core(&net, &kc, w.samples, w.frames, y),
                        run_api(NULL, CC_DENOISE_SPEEX, w.samples, w.frames, y) };
        for (int i = 0; i < 4; i++)
            if (v[i] >= 0 && v[i] < best[i])
                best[i] = v[i];
    }
    printf("frames %lld\n", (long long)(w.frames / 480));
    printf("ours_api_rnnoise %.1f\n", best[0]);
    printf("ours_core_%s %.1f\n", kb.name, best[1]);
    printf("ours_core_c %.1f\n", best[2]);
    printf("ours_api_speex %.1f\n", best[3]);
    int ret = argc > 3 ? bench2(argv[3], &w, y) : 0;
    free(y);
    cc_rnn_net_free(&net);
    cc_rnn_model_free(&rm);
    cc_denoise_model_close(&model);
    cc_audio_free(&w);
    return ret;
}
