/*
 * Echo cancellation, gain control and the voice processor (issue 16) on the CI slice of
 * data/build_echo.sh ($CLEANCAST_CACHE/data/echo_ci: 2 rooms x fst/nst/dt/pc).
 *   test_echo erle        far-end single talk from 2 s and after the path change (+0.5 s):
 *                         the chain `denoise --echo-reference` runs (echo cancellation +
 *                         RNNoise 0.2) >= 25 dB mean, >= speexdsp's MDF + preprocessor on
 *                         the same cases; the same chain without echo cancellation (noise
 *                         suppression alone) and the mic itself must stay far below
 *   test_echo doubletalk  SI-SDR of the near end in double talk (from 3 s) >= 6 dB over
 *                         the mic's, mean; the echo canceller alone must improve it too
 *   test_echo nearend     far end silent: the near end keeps >= -3 dB (every case), also
 *                         when the far end is never fed at all (a call on hold)
 *   test_echo agc         speech at -45..-10 dBFS in: BS.1770 loudness (libebur128) of the
 *                         output within 4 LU (the input spans 35); gain steady in pauses;
 *                         no gain up on residual echo (far-end single talk)
 *   test_echo badinput    settings out of range, a rate that is not a multiple of 100,
 *                         NaN/Inf in mic and far end, far end in other block sizes, lagging
 *                         the mic (underrun counted, still cancelled), fed far ahead
 *                         (dropped, counted)
 *   test_echo stages      stage latencies add up; all off = input delayed bit for bit;
 *                         high-pass response
 *   test_echo cli         `cleancast denoise --echo-reference`: same length as the mic and
 *                         the ERLE of the library; a missing, other-rate reference or a
 *                         stereo mic is an error; shorter, silent or NaN references are
 *                         warned about and processed
 * The needed material is a failure when missing once data/fetch.sh has run (echo_ci is
 * built by `make data`).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cleancast/audio.h>

#include "audiofile.h"
#include "cc_config.h"
#include "echometrics.h"
#include "testutil.h"

#if CC_HAVE_EBUR128
#include <ebur128.h>
#endif
#if CC_HAVE_SPEEXDSP
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>
#endif

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static char dir[4096];
static CcDenoiseModel *model;

/* The chain over a whole case, output time-aligned with the mic (length c->n). far_block:
 * far fed in blocks of this size before the mic of the same time (0: none at all; negative:
 * blocks of -far_block fed after it, so the far end lags), mic in blocks of mic_block. */
static float *run_chain(const CcEchoCase *c, const CcVoiceSettings *s, int far_block,
                        int mic_block, CcVoiceStats *st)
{
    CcVoiceProcessor *vp;
    int r = cc_voice_open(&vp, model, s);
    CHECK_MSG(r == 0, "cc_voice_open: %d", r);
    if (r)
        return NULL;
    int lat = cc_voice_latency_samples(vp);
    float *y = malloc(sizeof(float) * (size_t)(c->n + lat));
    int64_t fed = 0;
    const int lag = far_block < 0, fb = far_block < 0 ? -far_block : far_block;
    for (int64_t i = 0; i < c->n; i += mic_block) {
        int m = (int)(c->n - i < mic_block ? c->n - i : mic_block);
        if (lag)
            CHECK(cc_voice_process(vp, c->mic + i, y + i, m) == m);
        /* the far end up to the end of this mic block, in its own block size */
        while (fb > 0 && fed < i + m) {
            int f = (int)(c->n - fed < fb ? c->n - fed : fb);
            if (f <= 0)
                break;
            cc_voice_far(vp, c->far + fed, f);
            fed += f;
        }
        if (!lag)
            CHECK(cc_voice_process(vp, c->mic + i, y + i, m) == m);
    }
    CHECK(cc_voice_flush(vp, y + c->n, lat) == lat);
    if (st)
        cc_voice_stats(vp, st);
    cc_voice_close(&vp);
    memmove(y, y + lat, sizeof(float) * (size_t)c->n);
    return y;
}

static void settings(CcVoiceSettings *s, int echo, int noise, int agc)
{
    cc_voice_default_settings(s);
    s->echo_cancel = echo;
    s->noise_suppress = noise;
    s->agc = agc;
}

static int is_finite_all(const float *y, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (!isfinite(y[i]))
            return 0;
    return 1;
}

static CcEchoCase cases[16];
static int ncases;

static CcEchoCase *get(const char *name)
{
    for (int i = 0; i < ncases; i++)
        if (!strcmp(cases[i].name, name)) {
            if (!cases[i].mic && cc_echo_load(dir, &cases[i]) < 0)
                return NULL;
            return &cases[i];
        }
    fprintf(stderr, "test_echo: case %s not in %s/cases.txt\n", name, dir);
    cc_test_failures++;
    return NULL;
}

#if CC_HAVE_SPEEXDSP
/* speexdsp's MDF (500 ms) + preprocessor (residual echo, denoise): Debian's light chain. */
static float *run_speex(const CcEchoCase *c)
{
    const int blk = c->rate / 100;
    SpeexEchoState *st = speex_echo_state_init(blk, c->rate / 2);
    int rate = c->rate;
    speex_echo_ctl(st, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
    SpeexPreprocessState *ps = speex_preprocess_state_init(blk, c->rate);
    speex_preprocess_ctl(ps, SPEEX_PREPROCESS_SET_ECHO_STATE, st);
    float *y = calloc((size_t)c->n, sizeof(float));
    spx_int16_t *a = malloc(sizeof(spx_int16_t) * (size_t)blk * 3), *b = a + blk, *o = b + blk;
    for (int64_t i = 0; i + blk <= c->n; i += blk) {
        for (int j = 0; j < blk; j++) {
            a[j] = (spx_int16_t)lrintf(fmaxf(fminf(c->mic[i + j] * 32768.0f, 32767), -32768));
            b[j] = (spx_int16_t)lrintf(fmaxf(fminf(c->far[i + j] * 32768.0f, 32767), -32768));
        }
        speex_echo_cancellation(st, a, b, o);
        speex_preprocess_run(ps, o);
        for (int j = 0; j < blk; j++) /* the preprocessor lags by one frame */
            if (i + j - blk >= 0)
                y[i + j - blk] = o[j] / 32768.0f;
    }
    free(a);
    speex_preprocess_state_destroy(ps);
    speex_echo_state_destroy(st);
    return y;
}
#endif

/* ERLE of a case: fst from 2 s, pc from the change + 0.5 s. */
static double case_erle(const CcEchoCase *c, const float *y)
{
    return cc_echo_erle(c, y, !strcmp(c->kind, "pc") ? c->seconds / 2 + 0.5 : 2.0, 0);
}

static void test_erle(void)
{
    const char *names[] = { "r1_fst", "r1_pc", "r2_fst", "r2_pc" };
    double sum = 0, sum_ns = 0, sum_mic = 0, sum_sp = 0;
    int nsp = 0;
    for (int i = 0; i < 4; i++) {
        CcEchoCase *c = get(names[i]);
        if (!c)
            return;
        CcVoiceSettings s;
        settings(&s, 1, 1, 0);
        CcVoiceStats st;
        float *y = run_chain(c, &s, c->rate / 100, c->rate / 100, &st);
        settings(&s, 0, 1, 0);
        float *y_ns = run_chain(c, &s, c->rate / 100, c->rate / 100, NULL);
        if (!y || !y_ns)
            return;
        double e = case_erle(c, y), e_ns = case_erle(c, y_ns), e_mic = case_erle(c, c->mic);
        printf("%s: ERLE %.2f dB (noise suppression alone %.2f, mic %.2f), delay found %d ms "
               "(set %.0f)", c->name, e, e_ns, e_mic, st.echo_delay_ms, c->delay_ms);
        CHECK_MSG(is_finite_all(y, c->n), "%s: non-finite output", c->name);
        /* the bulk delay found: the set's delay plus the direct path (<= 1 m, 3 ms), in
           10 ms steps */
        CHECK_MSG(st.echo_delay_ms >= c->delay_ms - 10 && st.echo_delay_ms <= c->delay_ms + 20,
                  "%s: delay %d ms found, %.0f set", c->name, st.echo_delay_ms, c->delay_ms);
        sum += e;
        sum_ns += e_ns;
        sum_mic += e_mic;
#if CC_HAVE_SPEEXDSP
        float *y_sp = run_speex(c);
        double e_sp = case_erle(c, y_sp);
        printf(", speexdsp MDF+preprocess %.2f", e_sp);
        sum_sp += e_sp;
        nsp++;
        free(y_sp);
#endif
        printf("\n");
        free(y);
        free(y_ns);
    }
    /* with --high-pass (mic and far end filtered alike) the aim holds too: a high-pass on
       the mic alone makes the canceller learn it (bench/echo_results.md) */
    double sum_hp = 0;
    for (int i = 0; i < 4; i++) {
        CcVoiceSettings s;
        settings(&s, 1, 1, 0);
        s.high_pass = 1;
        float *y = run_chain(get(names[i]), &s, 480, 480, NULL);
        if (!y)
            return;
        sum_hp += case_erle(get(names[i]), y);
        free(y);
    }
    printf("mean ERLE with the high-pass %.2f dB\n", sum_hp / 4);
    CHECK_MSG(sum_hp / 4 >= 25.0, "with the high-pass: mean ERLE %.2f dB < 25", sum_hp / 4);
    printf("mean ERLE %.2f dB, noise suppression alone %.2f, mic %.2f, speexdsp %.2f\n",
           sum / 4, sum_ns / 4, sum_mic / 4, nsp ? sum_sp / nsp : NAN);
    CHECK_MSG(sum / 4 >= 25.0, "mean ERLE %.2f dB < 25", sum / 4);
    /* the checks can fail: the chain without echo cancellation and the bare mic fall short */
    CHECK_MSG(sum_ns / 4 < 20.0, "noise suppression alone reaches %.2f dB?", sum_ns / 4);
    CHECK_MSG(fabs(sum_mic / 4) < 0.5, "the mic's own ERLE %.2f dB (0 expected)", sum_mic / 4);
    if (nsp)
        CHECK_MSG(sum / 4 >= sum_sp / nsp, "ours %.2f dB < speexdsp %.2f", sum / 4, sum_sp / nsp);
}

static void test_doubletalk(void)
{
    const char *names[] = { "r1_dt", "r2_dt" };
    double sum = 0, sum_aec = 0;
    for (int i = 0; i < 2; i++) {
        CcEchoCase *c = get(names[i]);
        if (!c)
            return;
        CcVoiceSettings s;
        settings(&s, 1, 1, 0);
        float *y = run_chain(c, &s, c->rate / 100, c->rate / 100, NULL);
        settings(&s, 1, 0, 0);
        float *y_aec = run_chain(c, &s, c->rate / 100, c->rate / 100, NULL);
        if (!y || !y_aec)
            return;
        double m = cc_echo_sisdr(c, c->mic, 3.0, 0), o = cc_echo_sisdr(c, y, 3.0, 0),
               a = cc_echo_sisdr(c, y_aec, 3.0, 0);
        printf("%s: SI-SDR mic %.2f dB, chain %.2f (%+.2f), echo canceller alone %.2f (%+.2f)\n",
               c->name, m, o, o - m, a, a - m);
        sum += o - m;
        sum_aec += a - m;
        free(y);
        free(y_aec);
    }
    printf("mean SI-SDR gain %.2f dB (echo canceller alone %.2f)\n", sum / 2, sum_aec / 2);
    CHECK_MSG(sum / 2 >= 6.0, "mean SI-SDR gain %.2f dB < 6", sum / 2);
    CHECK_MSG(sum_aec / 2 >= 1.0, "the echo canceller alone gains %.2f dB", sum_aec / 2);
}

static void test_nearend(void)
{
    const char *names[] = { "r1_nst", "r2_nst" };
    for (int i = 0; i < 2; i++) {
        CcEchoCase *c = get(names[i]);
        if (!c)
            return;
        CcVoiceSettings s;
        settings(&s, 1, 1, 0);
        CcVoiceStats st;
        float *y = run_chain(c, &s, c->rate / 100, c->rate / 100, NULL);
        float *y_hold = run_chain(c, &s, 0, c->rate / 100, &st); /* far end never fed */
        settings(&s, 1, 0, 0);
        float *y_aec = run_chain(c, &s, c->rate / 100, c->rate / 100, NULL);
        if (!y || !y_hold || !y_aec)
            return;
        double g = cc_echo_near_gain(c, y, 0.5, 0), gh = cc_echo_near_gain(c, y_hold, 0.5, 0),
               ga = cc_echo_near_gain(c, y_aec, 0.5, 0);
        printf("%s: near end kept %.2f dB (far never fed %.2f, %lld underrun samples; echo "
               "canceller alone %.2f)\n", c->name, g, gh, (long long)st.far_underrun, ga);
        CHECK_MSG(g >= -3.0, "%s: near end %.2f dB", c->name, g);
        CHECK_MSG(gh >= -3.0, "%s: far end never fed: near end %.2f dB", c->name, gh);
        CHECK_MSG(ga >= -1.0, "%s: echo canceller alone: near end %.2f dB", c->name, ga);
        CHECK_MSG(st.far_underrun >= c->n - c->rate / 100, "%s: underrun %lld of %lld", c->name,
                  (long long)st.far_underrun, (long long)c->n);
        free(y);
        free(y_hold);
        free(y_aec);
    }
}

#if CC_HAVE_EBUR128
static double loudness(const float *y, int64_t a, int64_t b, int rate)
{
    ebur128_state *st = ebur128_init(1, (unsigned long)rate, EBUR128_MODE_I);
    ebur128_add_frames_float(st, y + a, (size_t)(b - a));
    double l = -HUGE_VAL;
    ebur128_loudness_global(st, &l);
    ebur128_destroy(&st);
    return l;
}
#endif

static void test_agc(void)
{
#if !CC_HAVE_EBUR128
    fprintf(stderr, "test_echo agc: built without libebur128 (scripts/install-deps.sh)\n");
    cc_test_failures++;
#else
    CcEchoCase *c = get("r1_nst");
    if (!c)
        return;
    const double levels[] = { -45, -35, -25, -15, -10 };
    double lo = 1e9, hi = -1e9, in_lo = 1e9, in_hi = -1e9;
    /* The case's talker speaks on and on: pauses of 0.8 s at 4, 6 and 8 s (noise only) are
       cut into it, then the whole mic is scaled so that the speech (near_dbfs in the case)
       is at each level. */
    float *mic = malloc(sizeof(float) * (size_t)c->n), *saved = c->mic, *saved_near = c->near;
    float *near = malloc(sizeof(float) * (size_t)c->n), *base = malloc(sizeof(float) * (size_t)c->n);
    for (int64_t i = 0; i < c->n; i++) {
        double t = (double)i / c->rate;
        int pause = (t >= 4.0 && t < 4.8) || (t >= 6.0 && t < 6.8) || (t >= 8.0 && t < 8.8);
        near[i] = pause ? 0.0f : saved_near[i];
        base[i] = saved[i] - saved_near[i] + near[i];
    }
    c->near = near;
    for (int li = 0; li < 5; li++) {
        double g = pow(10, (levels[li] - c->near_dbfs) / 20);
        for (int64_t i = 0; i < c->n; i++)
            mic[i] = (float)(base[i] * g);
        c->mic = mic;
        CcVoiceSettings s;
        settings(&s, 0, 1, 1);
        CcVoiceStats st;
        float *y = run_chain(c, &s, 0, c->rate / 100, &st);
        /* the AGC alone: its gain in pauses, output over input, frame by frame */
        settings(&s, 0, 0, 1);
        float *y_agc = run_chain(c, &s, 0, c->rate / 100, NULL);
        c->mic = saved;
        if (!y || !y_agc)
            break;
        double lin = loudness(mic, c->rate * 3, c->n, c->rate);
        double lout = loudness(y, c->rate * 3, c->n, c->rate);
        /* pauses: 100 ms frames after 3 s where the near end is silent */
        const int64_t fl = c->rate / 10;
        double prev = NAN, worst_step = 0;
        int pauses = 0;
        for (int64_t i = 3 * (int64_t)c->rate; i + fl <= c->n; i += fl) {
            double en = 0, ei = 0, eo = 0;
            for (int64_t j = i; j < i + fl; j++) {
                en += (double)c->near[j] * c->near[j];
                ei += (double)mic[j] * mic[j];
                eo += (double)y_agc[j] * y_agc[j];
            }
            if (en * g * g > ei * 0.01) { /* speech in this frame */
                prev = NAN;
                continue;
            }
            double gain_db = 10 * log10((eo + 1e-20) / (ei + 1e-20));
            if (!isnan(prev))
                worst_step = fmax(worst_step, fabs(gain_db - prev));
            prev = gain_db;
            pauses++;
        }
        printf("speech at %.0f dBFS: input %.1f LUFS, output %.1f LUFS (gain at the end "
               "%.1f dB); AGC gain step within pauses at most %.2f dB over %d pause frames\n",
               levels[li], lin, lout, st.agc_gain_db, worst_step, pauses);
        CHECK_MSG(pauses >= 15, "%.0f dBFS: %d pause frames found (the cut is wrong)",
                  levels[li], pauses);
        CHECK_MSG(worst_step < 1.0, "%.0f dBFS: the gain moved %.2f dB within a pause",
                  levels[li], worst_step);
        lo = fmin(lo, lout);
        hi = fmax(hi, lout);
        in_lo = fmin(in_lo, lin);
        in_hi = fmax(in_hi, lin);
        free(y);
        free(y_agc);
    }
    c->near = saved_near;
    free(mic);
    free(near);
    free(base);
    printf("loudness spread: input %.1f LU, output %.1f LU\n", in_hi - in_lo, hi - lo);
    CHECK_MSG(in_hi - in_lo > 30.0, "input spread %.1f LU (the scaling is wrong)", in_hi - in_lo);
    CHECK_MSG(hi - lo <= 4.0, "output loudness spread %.1f LU > 4", hi - lo);

    /* no gain up on residual echo: far-end single talk through echo cancellation + AGC */
    CcEchoCase *f = get("r2_fst");
    if (!f)
        return;
    CcVoiceSettings s;
    settings(&s, 1, 1, 1);
    CcVoiceStats st;
    float *y = run_chain(f, &s, f->rate / 100, f->rate / 100, &st);
    /* the same without the far end's hold would raise the residual toward the target */
    printf("far-end single talk with AGC: gain at the end %.1f dB, ERLE %.2f dB\n",
           st.agc_gain_db, y ? case_erle(f, y) : NAN);
    CHECK_MSG(st.agc_gain_db <= 3.0, "AGC raised residual echo by %.1f dB", st.agc_gain_db);
    CHECK_MSG(y && case_erle(f, y) >= 20.0, "ERLE with AGC %.2f dB", y ? case_erle(f, y) : NAN);
    free(y);
#endif
}

static void test_badinput(void)
{
    CcVoiceSettings s;
    CcVoiceProcessor *vp = (CcVoiceProcessor *)&s;
    settings(&s, 1, 0, 0);
    s.sample_rate_hz = 7999;
    CHECK(cc_voice_open(&vp, NULL, &s) == CC_ERR(EINVAL) && vp == NULL);
    settings(&s, 1, 0, 0);
    s.sample_rate_hz = 22050;
    CHECK(cc_voice_open(&vp, NULL, &s) == CC_ERR_UNSUPPORTED && vp == NULL);
    s.echo_cancel = 0; /* fine without echo cancellation */
    CHECK(cc_voice_open(&vp, NULL, &s) == 0 && vp);
    cc_voice_close(&vp);
    CHECK(vp == NULL);
    settings(&s, 1, 0, 0);
    s.far_channels = 9;
    CHECK(cc_voice_open(&vp, NULL, &s) == CC_ERR(EINVAL));
    settings(&s, 1, 0, 0);
    s.echo_tail_ms = 5;
    CHECK(cc_voice_open(&vp, NULL, &s) == CC_ERR(EINVAL));
    settings(&s, 0, 0, 1);
    s.agc_target_dbfs = NAN;
    CHECK(cc_voice_open(&vp, NULL, &s) == CC_ERR(EINVAL));
    settings(&s, 0, 1, 0); /* RNNoise without a model */
    CHECK(cc_voice_open(&vp, NULL, &s) < 0 && vp == NULL);
    CHECK(cc_voice_process(NULL, NULL, NULL, 0) == CC_ERR(EINVAL));
    cc_voice_close(NULL);

    CcEchoCase *c = get("r1_fst");
    if (!c)
        return;
    /* NaN/Inf in mic and far end: finite output, and the canceller still works after */
    float *mic = malloc(sizeof(float) * (size_t)c->n), *far = malloc(sizeof(float) * (size_t)c->n);
    memcpy(mic, c->mic, sizeof(float) * (size_t)c->n);
    memcpy(far, c->far, sizeof(float) * (size_t)c->n);
    for (int64_t i = c->rate; i < c->rate + 100; i++) {
        far[i] = NAN;
        mic[i + 5000] = i % 2 ? INFINITY : NAN;
    }
    float *sm = c->mic, *sf = c->far;
    c->mic = mic;
    c->far = far;
    settings(&s, 1, 1, 1);
    float *y = run_chain(c, &s, c->rate / 100, c->rate / 100, NULL);
    c->mic = sm;
    c->far = sf;
    CHECK(y && is_finite_all(y, c->n));
    double e = y ? cc_echo_erle(c, y, 4.0, 0) : 0;
    printf("NaN/Inf in mic and far end: output finite, ERLE after them %.2f dB\n", e);
    CHECK_MSG(e >= 20.0, "ERLE after NaNs %.2f dB", e);
    free(y);
    free(mic);
    free(far);

    /* far end in 1024-sample blocks, mic in 7-sample blocks: still cancelled */
    settings(&s, 1, 1, 0);
    CcVoiceStats st;
    y = run_chain(c, &s, 1024, 7, &st);
    e = y ? cc_echo_erle(c, y, 2.0, 0) : 0;
    printf("far in 1024-sample blocks, mic in 7: ERLE %.2f dB, delay found %d ms, underrun %lld\n",
           e, st.echo_delay_ms, (long long)st.far_underrun);
    CHECK_MSG(e >= 20.0, "other block sizes: ERLE %.2f dB", e);
    free(y);

    /* far end fed after the mic of the same time (lagging by a block of 1000): the first
       blocks find the queue empty (silence, counted), then the reference runs late by that
       much; the delay search follows and the echo is still cancelled */
    y = run_chain(c, &s, -1000, 480, &st);
    e = y ? cc_echo_erle(c, y, 4.0, 0) : 0;
    printf("far lagging the mic: ERLE from 4 s %.2f dB, delay found %d ms, underrun %lld\n", e,
           st.echo_delay_ms, (long long)st.far_underrun);
    CHECK_MSG(e >= 20.0 && st.far_underrun > 0, "far lagging: ERLE %.2f dB, underrun %lld", e,
              (long long)st.far_underrun);
    free(y);

    /* far end fed all at once (10 s ahead): the oldest are dropped and counted */
    CcVoiceProcessor *p;
    CHECK(cc_voice_open(&p, model, &s) == 0);
    CHECK(cc_voice_far(p, c->far, (int)c->n) == (int)c->n);
    float *o = malloc(sizeof(float) * (size_t)c->n);
    CHECK(cc_voice_process(p, c->mic, o, (int)c->n) == (int)c->n);
    cc_voice_stats(p, &st);
    CHECK_MSG(st.far_dropped == c->n - c->rate, "dropped %lld (want %lld)",
              (long long)st.far_dropped, (long long)(c->n - c->rate));
    CHECK(is_finite_all(o, c->n));
    CHECK(cc_voice_far(p, NULL, 5) == CC_ERR(EINVAL));
    CHECK(cc_voice_far(p, c->far, -1) == CC_ERR(EINVAL));
    cc_voice_close(&p);
    free(o);
}

/* Latencies add up; all stages off = the input delayed by the latency, bit for bit; the
 * high-pass keeps 1 kHz and cuts 30 Hz; with echo cancellation the far end goes through the
 * same high-pass (else the canceller would have to learn it: ERLE checked in erle). */
static void test_stages(void)
{
    CcVoiceSettings s;
    CcVoiceProcessor *vp;
    settings(&s, 1, 1, 1);
    CHECK(cc_voice_open(&vp, model, &s) == 0);
    int sum = 0;
    for (int st = 0; st < 4; st++)
        sum += cc_voice_stage_latency(vp, st);
    printf("latency %d = blocking %d + echo %d + noise %d + gain %d\n",
           cc_voice_latency_samples(vp), cc_voice_stage_latency(vp, 0),
           cc_voice_stage_latency(vp, 1), cc_voice_stage_latency(vp, 2),
           cc_voice_stage_latency(vp, 3));
    CHECK(sum == cc_voice_latency_samples(vp) && cc_voice_stage_latency(vp, 1) == 480 &&
          cc_voice_stage_latency(vp, 0) == 480 && cc_voice_stage_latency(vp, 2) > 0);
    cc_voice_close(&vp);

    const int n = 48000;
    float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * (n + 4800));
    for (int i = 0; i < n; i++)
        x[i] = (float)(0.3 * sin(i * 0.37) + 0.1 * sin(i * 0.011));
    settings(&s, 0, 0, 0);
    CHECK(cc_voice_open(&vp, NULL, &s) == 0);
    int lat = cc_voice_latency_samples(vp);
    for (int i = 0; i < n; i += 333)
        cc_voice_process(vp, x + i, y + i, i + 333 <= n ? 333 : n - i);
    CHECK(cc_voice_flush(vp, y + n, lat) == lat && cc_voice_flush(vp, y, 10) == 0);
    int same = 1;
    for (int i = 0; i < n; i++)
        same &= y[i + lat] == x[i];
    CHECK_MSG(same, "all stages off: not the input delayed by %d", lat);
    cc_voice_close(&vp);

    double f[2] = { 30.0, 1000.0 }, got[2];
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < n; i++)
            x[i] = (float)(0.5 * sin(2 * M_PI * f[k] * i / 48000.0));
        settings(&s, 0, 0, 0);
        s.high_pass = 1;
        CHECK(cc_voice_open(&vp, NULL, &s) == 0);
        cc_voice_process(vp, x, y, n);
        cc_voice_close(&vp);
        double e = 0;
        for (int i = n / 2; i < n; i++)
            e += (double)y[i] * y[i];
        got[k] = 10 * log10(e / (n / 2) / 0.125);
    }
    printf("high-pass: 30 Hz %.1f dB, 1 kHz %.2f dB\n", got[0], got[1]);
    CHECK(got[0] < -15 && fabs(got[1]) < 0.2);
    free(x);
    free(y);
}

/* Runs the CLI; returns its exit status, stderr in err. */
static int cli(const char *args, char *err, size_t size)
{
    const char *b = getenv("CC_BUILD_ROOT");
    char cmd[28000], log[] = "/tmp/cc_test_echo_XXXXXX";
    int fd = mkstemp(log);
    if (fd < 0)
        return -1;
    snprintf(cmd, sizeof(cmd), "%s/tools/cleancast denoise %s 2>%s", b ? b : ".", args, log);
    int st = system(cmd);
    FILE *f = fopen(log, "r");
    size_t n = f ? fread(err, 1, size - 1, f) : 0;
    err[n] = 0;
    if (f)
        fclose(f);
    remove(log);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_far(const char *path, const float *x, int64_t n, int rate, int ch)
{
    CcAudioFile a = { rate, ch, n, 0, (float *)x };
    char err[4600];
    if (cc_audio_write(path, &a, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        cc_test_failures++;
    }
}

static void test_cli(void)
{
    CcEchoCase *c = get("r1_fst");
    if (!c)
        return;
    char tmp[] = "/tmp/cc_test_echo_dir_XXXXXX";
    if (!mkdtemp(tmp)) {
        cc_test_failures++;
        return;
    }
    char args[20000], err[8192], out[4200], farp[4200];
    snprintf(out, sizeof(out), "%s/out.wav", tmp);
    snprintf(args, sizeof(args), "%s/%s.mic.wav -o %s --echo-reference %s/%s.far.wav", dir,
             c->name, out, dir, c->name);
    int r = cli(args, err, sizeof(err));
    CHECK_MSG(r == 0, "rc %d: %s", r, err);
    CcAudioFile a;
    char e2[4600];
    if (cc_audio_read(out, &a, e2, sizeof(e2)) == 0) {
        CHECK_MSG(a.frames == c->n && a.channels == 1 && a.sample_rate == c->rate,
                  "output %lld frames %d ch %d Hz", (long long)a.frames, a.channels, a.sample_rate);
        /* the same as the library's chain in 10 ms blocks */
        CcVoiceSettings s;
        settings(&s, 1, 1, 0);
        float *y = run_chain(c, &s, c->rate / 100, c->rate / 100, NULL);
        double e_cli = cc_echo_erle(c, a.samples, 2.0, 0), e_lib = y ? cc_echo_erle(c, y, 2.0, 0) : 0;
        printf("cli: ERLE %.2f dB (library %.2f)\n", e_cli, e_lib);
        CHECK_MSG(fabs(e_cli - e_lib) < 0.5 && e_cli > 20, "cli ERLE %.2f, library %.2f", e_cli, e_lib);
        free(y);
        cc_audio_free(&a);
    } else {
        CHECK_MSG(0, "%s", e2);
    }
    /* errors */
    snprintf(args, sizeof(args), "%s/%s.mic.wav -o %s --echo-reference %s/missing.wav", dir,
             c->name, out, tmp);
    r = cli(args, err, sizeof(err));
    CHECK_MSG(r == 1 && strstr(err, "--echo-reference") && strstr(err, "missing.wav"),
              "missing reference: rc %d: %s", r, err);
    snprintf(farp, sizeof(farp), "%s/far44.wav", tmp);
    write_far(farp, c->far, c->n, 44100, 1);
    snprintf(args, sizeof(args), "%s/%s.mic.wav -o %s --echo-reference %s", dir, c->name, out, farp);
    r = cli(args, err, sizeof(err));
    CHECK_MSG(r == 1 && strstr(err, "44100 Hz"), "other rate: rc %d: %s", r, err);
    float *st2 = malloc(sizeof(float) * 2 * (size_t)c->n);
    for (int64_t i = 0; i < c->n; i++)
        st2[2 * i] = st2[2 * i + 1] = c->mic[i];
    snprintf(farp, sizeof(farp), "%s/stereo_mic.wav", tmp);
    write_far(farp, st2, c->n, c->rate, 2);
    snprintf(args, sizeof(args), "%s -o %s --echo-reference %s/%s.far.wav", farp, out, dir, c->name);
    r = cli(args, err, sizeof(err));
    CHECK_MSG(r == 1 && strstr(err, "mono"), "stereo mic: rc %d: %s", r, err);
    /* a stereo reference is averaged: same result as mono */
    for (int64_t i = 0; i < c->n; i++)
        st2[2 * i] = st2[2 * i + 1] = c->far[i];
    snprintf(farp, sizeof(farp), "%s/stereo_far.wav", tmp);
    write_far(farp, st2, c->n, c->rate, 2);
    snprintf(args, sizeof(args), "%s/%s.mic.wav -o %s --echo-reference %s", dir, c->name, out, farp);
    r = cli(args, err, sizeof(err));
    CHECK_MSG(r == 0, "stereo reference: rc %d: %s", r, err);
    if (r == 0 && cc_audio_read(out, &a, e2, sizeof(e2)) == 0) {
        double e = cc_echo_erle(c, a.samples, 2.0, 0);
        printf("cli, stereo reference: ERLE %.2f dB\n", e);
        CHECK(e > 20);
        cc_audio_free(&a);
    }
    free(st2);
    /* warned and processed: shorter (3 s), silent, NaN */
    const char *what[] = { "shorter", "silent", "NaN" };
    for (int k = 0; k < 3; k++) {
        float *f = malloc(sizeof(float) * (size_t)c->n);
        int64_t n = k == 0 ? 3 * (int64_t)c->rate : c->n;
        for (int64_t i = 0; i < n; i++)
            f[i] = k == 1 ? 0.0f : k == 2 && i % 1000 == 0 ? NAN : c->far[i];
        snprintf(farp, sizeof(farp), "%s/far_%d.wav", tmp, k);
        write_far(farp, f, n, c->rate, 1);
        free(f);
        snprintf(args, sizeof(args), "%s/%s.mic.wav -o %s --echo-reference %s", dir, c->name,
                 out, farp);
        r = cli(args, err, sizeof(err));
        const char *want = k == 0 ? "shorter" : k == 1 ? "silent" : "NaN";
        CHECK_MSG(r == 0 && strstr(err, want), "%s reference: rc %d: %s", what[k], r, err);
        if (r == 0 && cc_audio_read(out, &a, e2, sizeof(e2)) == 0) {
            CHECK(a.frames == c->n && is_finite_all(a.samples, a.frames));
            double e1 = cc_echo_erle(c, a.samples, 2.0, 2.9), e2v = cc_echo_erle(c, a.samples, 4.0, 0);
            printf("cli, %s reference: ERLE 2-2.9 s %.2f dB, from 4 s %.2f dB\n", what[k], e1, e2v);
            if (k == 0) /* cancelled while the reference lasts, not after */
                CHECK(e1 > 15 && e2v < 15);
            if (k == 1) /* nothing to cancel */
                CHECK(e2v < 15);
            if (k == 2) /* a NaN every 1000 samples is silence there: still cancelled */
                CHECK(e2v > 15);
            cc_audio_free(&a);
        }
    }
    char rm[4200];
    snprintf(rm, sizeof(rm), "rm -rf %s", tmp);
    CHECK(system(rm) == 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_echo erle|doubletalk|nearend|agc|badinput|stages|cli\n");
        return 2;
    }
    cc_test_log_to_stderr();
    cc_test_need_data();
    char rel[] = "data/echo_ci/cases.txt", path[4096];
    cc_test_need(path, sizeof(path), rel);
    snprintf(dir, sizeof(dir), "%.*s", (int)(strlen(path) - strlen("/cases.txt")), path);
    ncases = cc_echo_read_list(dir, cases, 16);
    CHECK(ncases == 8);
    char mpath[4096];
    cc_test_need(mpath, sizeof(mpath), "models/" CC_DENOISE_DEFAULT_MODEL ".ccm");
    CHECK(cc_denoise_model_open_file(&model, mpath) == 0);
    if (!strcmp(argv[1], "erle"))
        test_erle();
    else if (!strcmp(argv[1], "doubletalk"))
        test_doubletalk();
    else if (!strcmp(argv[1], "nearend"))
        test_nearend();
    else if (!strcmp(argv[1], "agc"))
        test_agc();
    else if (!strcmp(argv[1], "badinput"))
        test_badinput();
    else if (!strcmp(argv[1], "cli"))
        test_cli();
    else if (!strcmp(argv[1], "stages"))
        test_stages();
    else {
        fprintf(stderr, "test_echo: unknown part %s\n", argv[1]);
        return 2;
    }
    for (int i = 0; i < ncases; i++)
        cc_echo_unload(&cases[i]);
    cc_denoise_model_close(&model);
    return CC_TEST_RESULT();
}
