/*
 * Echo cancellation figures (issue 16) on the set of data/build_echo.sh, every engine on the
 * same cases in one run:
 *   ours        CcVoiceProcessor as `cleancast denoise --echo-reference` runs it: echo
 *               cancellation + noise suppression (RNNoise 0.2)
 *   ours-aec    echo cancellation alone (delay estimation, two-path filter, suppressor)
 *   ours-lin    the adaptive filter alone (no residual-echo suppressor)
 *   speex-mdf   speexdsp's MDF echo canceller, 500 ms filter, 10 ms frames (no delay search)
 *   speex-pp    MDF + speexdsp's preprocessor with its residual-echo suppression and
 *               denoiser (the usual speexdsp chain)
 *   webrtc-aec  webrtc-audio-processing 0.3 (bench/echo_webrtc.cc): AEC, extended filter,
 *               delay-agnostic, high-pass; webrtc: the same + its noise suppression (high)
 *   ours-full   high-pass + echo + noise + AGC (CPU of the whole chain)
 *   ours-ns     noise suppression alone, ours-hpagc high-pass + AGC alone (CPU per stage;
 *               their ERLE is what the chain gets without echo cancellation)
 * usage: echo_eval DIR [ENGINE...]   (DIR: $CLEANCAST_CACHE/data/echo or echo_ci; no
 *        ENGINE: every one this build has)
 * Per case: ERLE (fst from 2 s; pc from the path change + 0.5 s), SI-SDR gain of the near end
 * in double talk (dt from 3 s) over the mic's, near-end level kept with the far end silent
 * (nst), CPU per 10 ms of 48 kHz. Then the means and worst per engine.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cleancast/audio.h>

#include "cc_config.h"
#include "echometrics.h"

#if CC_HAVE_SPEEXDSP
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>
#endif

#if CC_HAVE_WEBRTC_APM
double cc_bench_webrtc_run(const float *mic, const float *far, float *out, long n, int rate,
                           int ns, int out_lag);
#endif

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static CcDenoiseModel *model;

/* Runs an engine over a case; out time-aligned with the mic. Returns CPU seconds, <0 error. */
static double run(const char *engine, const CcEchoCase *c, float *out)
{
    const int64_t n = c->n;
    const int blk = c->rate / 100;
    double t0 = cpu_s();
    if (!strncmp(engine, "ours", 4)) {
        CcVoiceSettings s;
        cc_voice_default_settings(&s);
        s.sample_rate_hz = c->rate;
        s.noise_suppress = !strcmp(engine, "ours") || !strcmp(engine, "ours-full") ||
                           !strcmp(engine, "ours-ns");
        s.high_pass = s.agc = !strcmp(engine, "ours-full") || !strcmp(engine, "ours-hpagc");
        s.echo_cancel = strcmp(engine, "ours-ns") && strcmp(engine, "ours-hpagc");
        s.echo_suppress = strcmp(engine, "ours-lin") != 0;
        CcVoiceProcessor *vp;
        if (cc_voice_open(&vp, model, &s) < 0)
            return -1;
        int lat = cc_voice_latency_samples(vp);
        float *tmp = malloc(sizeof(float) * (size_t)(n + lat));
        t0 = cpu_s();
        for (int64_t i = 0; i < n; i += blk) {
            int m = (int)(n - i < blk ? n - i : blk);
            cc_voice_far(vp, c->far + i, m);
            cc_voice_process(vp, c->mic + i, tmp + i, m);
        }
        cc_voice_flush(vp, tmp + n, lat);
        double t = cpu_s() - t0;
        memcpy(out, tmp + lat, sizeof(float) * (size_t)n);
        free(tmp);
        cc_voice_close(&vp);
        return t;
    }
#if CC_HAVE_WEBRTC_APM
    if (!strncmp(engine, "webrtc", 6)) {
        /* the APM's output lag at 48 kHz: 383 samples (band split), 671 with its noise
           suppression; found as the shift with the largest near-end correlation on the nst
           cases (0..999 searched; both rooms agree within one sample) */
        int ns = !strcmp(engine, "webrtc");
        return cc_bench_webrtc_run(c->mic, c->far, out, (long)n, c->rate, ns, ns ? 671 : 383);
    }
#endif
#if CC_HAVE_SPEEXDSP
    if (!strncmp(engine, "speex", 5)) {
        int pp = !strcmp(engine, "speex-pp");
        SpeexEchoState *st = speex_echo_state_init(blk, c->rate / 2);
        int rate = c->rate;
        speex_echo_ctl(st, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
        SpeexPreprocessState *ps = NULL;
        if (pp) {
            ps = speex_preprocess_state_init(blk, c->rate);
            speex_preprocess_ctl(ps, SPEEX_PREPROCESS_SET_ECHO_STATE, st);
            int on = 1;
            speex_preprocess_ctl(ps, SPEEX_PREPROCESS_SET_DENOISE, &on);
        }
        int pp_lat = pp ? blk : 0; /* one frame: found by shifting (0, blk/2, blk, 2 blk) */
        for (int64_t j = n - pp_lat; j < n; j++)
            out[j] = 0;
        spx_int16_t *a = malloc(sizeof(spx_int16_t) * (size_t)blk * 3);
        spx_int16_t *b = a + blk, *o = b + blk;
        t0 = cpu_s();
        for (int64_t i = 0; i < n; i += blk) {
            int m = (int)(n - i < blk ? n - i : blk);
            for (int j = 0; j < blk; j++) { /* s16, as speexdsp takes it */
                float x = j < m ? c->mic[i + j] * 32768.0f : 0, y = j < m ? c->far[i + j] * 32768.0f : 0;
                a[j] = (spx_int16_t)(x > 32767 ? 32767 : x < -32768 ? -32768 : lrintf(x));
                b[j] = (spx_int16_t)(y > 32767 ? 32767 : y < -32768 ? -32768 : lrintf(y));
            }
            speex_echo_cancellation(st, a, b, o);
            if (ps)
                speex_preprocess_run(ps, o);
            /* the preprocessor's output lags its input by pp_lat samples */
            for (int j = 0; j < m; j++)
                if (i + j - pp_lat >= 0)
                    out[i + j - pp_lat] = o[j] / 32768.0f;
        }
        double t = cpu_s() - t0;
        free(a);
        if (ps)
            speex_preprocess_state_destroy(ps);
        speex_echo_state_destroy(st);
        return t;
    }
#endif
    fprintf(stderr, "echo_eval: engine %s not in this build\n", engine);
    return -1;
}

#define MAXE 12
#define MAXC 64

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: echo_eval DIR [ENGINE...]\n");
        return 2;
    }
    const char *dir = argv[1];
    const char *engines[MAXE] = { "ours", "ours-aec", "ours-lin", "ours-ns", "ours-hpagc",
#if CC_HAVE_SPEEXDSP
                                  "speex-mdf", "speex-pp",
#endif
#if CC_HAVE_WEBRTC_APM
                                  "webrtc-aec", "webrtc",
#endif
                                  "ours-full" };
    int ne = 0;
    while (ne < MAXE && engines[ne])
        ne++;
    if (argc > 2) {
        ne = 0;
        for (int i = 2; i < argc && ne < MAXE; i++)
            engines[ne++] = argv[i];
    }
    char mpath[4096];
    for (int e = 0; e < ne; e++)
        if (!model && (!strcmp(engines[e], "ours") || !strcmp(engines[e], "ours-full") ||
                       !strcmp(engines[e], "ours-ns"))) {
            if (cc_model_find(CC_DENOISE_DEFAULT_MODEL, CC_MODEL_DENOISE, mpath, sizeof(mpath)) < 0 ||
                cc_denoise_model_open_file(&model, mpath) < 0) {
                fprintf(stderr, "echo_eval: no %s model (make models)\n", CC_DENOISE_DEFAULT_MODEL);
                return 1;
            }
        }
    static CcEchoCase cases[MAXC];
    int nc = cc_echo_read_list(dir, cases, MAXC);
    if (nc <= 0)
        return 1;
    double sum[MAXE][4] = { { 0 } }, worst[MAXE][4], cnt[MAXE][4] = { { 0 } }, cpu[MAXE] = { 0 },
           audio_s = 0;
    for (int e = 0; e < ne; e++)
        for (int k = 0; k < 4; k++)
            worst[e][k] = 1e9;
    printf("%-10s %-10s %8s %8s %8s %8s %8s\n", "case", "engine", "ERLE", "dSISDR", "nearkeep",
           "delay", "us/10ms");
    for (int ci = 0; ci < nc; ci++) {
        CcEchoCase *c = &cases[ci];
        if (cc_echo_load(dir, c) < 0)
            return 1;
        float *out = malloc(sizeof(float) * (size_t)c->n);
        audio_s += (double)c->n / c->rate;
        for (int e = 0; e < ne; e++) {
            double t = run(engines[e], c, out);
            if (t < 0) {
                fprintf(stderr, "echo_eval: %s failed on %s\n", engines[e], c->name);
                return 1;
            }
            cpu[e] += t;
            double v = NAN;
            int k = -1;
            if (!strcmp(c->kind, "fst")) {
                v = cc_echo_erle(c, out, 2.0, 0);
                k = 0;
            } else if (!strcmp(c->kind, "pc")) {
                v = cc_echo_erle(c, out, c->seconds / 2 + 0.5, 0);
                k = 1;
            } else if (!strcmp(c->kind, "dt")) {
                v = cc_echo_sisdr(c, out, 3.0, 0) - cc_echo_sisdr(c, c->mic, 3.0, 0);
                k = 2;
            } else if (!strcmp(c->kind, "nst")) {
                v = cc_echo_near_gain(c, out, 0.5, 0);
                k = 3;
            }
            if (k >= 0) {
                sum[e][k] += v;
                cnt[e][k]++;
                if (v < worst[e][k])
                    worst[e][k] = v;
            }
            char col[3][16] = { "", "", "" };
            int kk = k <= 1 ? 0 : k - 1;
            snprintf(col[kk], sizeof(col[kk]), "%8.2f", v);
            printf("%-10s %-10s %8s %8s %8s %8.0f %8.1f\n", c->name, engines[e], col[0], col[1],
                   col[2], c->delay_ms, t / ((double)c->n / c->rate) * 1e6 / 100);
            fflush(stdout);
        }
        free(out);
        cc_echo_unload(c);
    }
    printf("\nmeans (worst) over the cases; CPU per 10 ms of audio\n");
    printf("%-10s %16s %16s %16s %16s %9s\n", "engine", "ERLE fst", "ERLE pc", "dSISDR dt",
           "nearkeep nst", "us/10ms");
    for (int e = 0; e < ne; e++) {
        printf("%-10s", engines[e]);
        for (int k = 0; k < 4; k++)
            printf("  %6.2f (%6.2f)", cnt[e][k] ? sum[e][k] / cnt[e][k] : NAN,
                   cnt[e][k] ? worst[e][k] : NAN);
        printf(" %9.1f\n", cpu[e] / audio_s * 1e6 / 100);
    }
    cc_denoise_model_close(&model);
    return 0;
}
