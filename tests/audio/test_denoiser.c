/*
 * The denoiser through its public API: settings checks, block-size independence at many
 * rates and channel counts, exact delayed bypass at strength 0, monotonic attenuation,
 * per-channel independence, NaN/Inf sanitising, clipping, silence, latency (measured by
 * cross-correlation), flush, reset, VAD.
 *
 * One engine per run: `test_audio_denoiser rnnoise|rnnoise2|speex` (three meson tests;
 * rnnoise2 is the rnnoise engine with the RNNoise 0.2 model). The rnnoise runs need the model and the test material in the cache and exits 77 without them; the speex run
 * exits 77 when the library was built without speexdsp. Once a run starts, every check in it
 * runs: none is skipped, and material that is missing after `make setup` is a failure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cleancast/audio.h>

#include "cc_config.h"
#include "testutil.h"
#include "audiofile.h"

#define TMIN(a, b) ((a) < (b) ? (a) : (b))

static unsigned rng = 1u;
static float frand(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (float)(rng >> 8) / 8388608.0f - 1.0f;
}

/* Synthetic "speech-like" material: harmonic bursts with a moving pitch over noise. */
static float *synth(int frames, int ch, int rate, float noise_amp, unsigned seed)
{
    float *x = malloc(sizeof(float) * (size_t)frames * ch);
    rng = seed;
    for (int c = 0; c < ch; c++) {
        double ph = 0;
        for (int i = 0; i < frames; i++) {
            double t = (double)i / rate;
            double f0 = 120 + 40 * sin(2 * M_PI * 0.7 * t + c);
            ph += 2 * M_PI * f0 / rate;
            double env = sin(2 * M_PI * 1.3 * t + c) > 0.2 ? 0.25 : 0.0;
            double v = 0;
            for (int h = 1; h <= 12 && h * f0 < rate / 2; h++)
                v += sin(h * ph) / h;
            x[(size_t)i * ch + c] = (float)(env * v) + noise_amp * frand();
        }
    }
    return x;
}

static CcDenoiser *open_dn(const CcDenoiseModel *m, int engine, int rate, int ch, float strength)
{
    CcDenoiserSettings s;
    cc_denoiser_default_settings(&s);
    s.engine = (CcDenoiseEngine)engine;
    s.sample_rate_hz = rate;
    s.channels = ch;
    s.strength = strength;
    CcDenoiser *d = NULL;
    int r = cc_denoiser_open(&d, m, &s);
    CHECK_MSG(r == 0, "open engine %d rate %d ch %d: %s", engine, rate, ch, cc_strerror(r));
    return d;
}

/* Runs x through d in blocks (sizes cycling through `blocks`), output same length. */
static void run(CcDenoiser *d, const float *x, float *y, int frames, int ch, const int *blocks,
                int nblocks)
{
    int pos = 0, b = 0;
    while (pos < frames) {
        int n = TMIN(blocks[b % nblocks], frames - pos);
        int r = cc_denoiser_process(d, x + (size_t)pos * ch, y + (size_t)pos * ch, n);
        CHECK(r == n);
        pos += n;
        b++;
    }
}

static int all_finite(const float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(y[i]))
            return 0;
    return 1;
}

static void test_settings(const CcDenoiseModel *m)
{
    CcDenoiserSettings s;
    CcDenoiser *d = NULL;
    cc_denoiser_default_settings(&s);
    CHECK(s.engine == CC_DENOISE_RNNOISE && s.sample_rate_hz == 48000 && s.channels == 1 &&
          s.strength == 1.0f);
    s.sample_rate_hz = 7999;
    CHECK(cc_denoiser_open(&d, m, &s) == CC_ERR(EINVAL) && !d);
    s.sample_rate_hz = 192001;
    CHECK(cc_denoiser_open(&d, m, &s) == CC_ERR(EINVAL) && !d);
    s.sample_rate_hz = 48000;
    s.channels = 0;
    CHECK(cc_denoiser_open(&d, m, &s) == CC_ERR(EINVAL) && !d);
    s.channels = 9;
    CHECK(cc_denoiser_open(&d, m, &s) == CC_ERR(EINVAL) && !d);
    s.channels = 1;
    s.engine = (CcDenoiseEngine)7;
    CHECK(cc_denoiser_open(&d, m, &s) == CC_ERR(EINVAL) && !d);
    s.engine = CC_DENOISE_RNNOISE;
    CHECK(cc_denoiser_open(&d, NULL, &s) == CC_ERR(EINVAL) && !d);
    CHECK(cc_denoiser_open(&d, m, NULL) == CC_ERR(EINVAL) && !d);
    CHECK(cc_denoiser_open(NULL, m, &s) == CC_ERR(EINVAL));
    CHECK(cc_denoiser_process(NULL, NULL, NULL, 10) == CC_ERR(EINVAL));
    CHECK(cc_denoiser_flush(NULL, NULL, 10) == CC_ERR(EINVAL));
    CHECK(cc_denoiser_latency_samples(NULL) < 0);
    cc_denoiser_close(NULL);
    cc_denoiser_close(&d);
    cc_denoise_model_close(NULL);
    CcDenoiseModel *bad = NULL;
    static const uint8_t junk[] = "rnnoise-nu model file version 1\nnot a number\n";
    CHECK(cc_denoise_model_open_buffer(&bad, junk, sizeof(junk) - 1) < 0 && !bad);
    CHECK(cc_denoise_model_open_file(&bad, "/nonexistent/rnnoise.ccm") < 0 && !bad);
    if (m) {
        s.channels = 1;
        d = open_dn(m, CC_DENOISE_RNNOISE, 48000, 1, 1.0f);
        float x[4] = { 0 };
        CHECK(cc_denoiser_process(d, x, NULL, 4) == CC_ERR(EINVAL));
        CHECK(cc_denoiser_process(d, x, x, -1) == CC_ERR(EINVAL));
        CHECK(cc_denoiser_process(d, NULL, NULL, 0) == 0);
        /* 479 of framing + the engine's 480 (0.1) or 960 (0.2) */
        CHECK(cc_denoiser_latency_samples(d) ==
              (cc_denoise_model_kind(m) == CC_DENOISE_MODEL_RNNOISE_0_2 ? 1439 : 959));
        cc_denoiser_close(&d);
        CHECK(d == NULL);
    }
}

/*
 * For one engine/rate/channels: block-size independence, flush, strength-0 bypass, reset,
 * and the latency against the cross-correlation peak.
 */
static void test_stream(const CcDenoiseModel *m, int engine, int rate, int ch)
{
    int frames = rate + rate / 2; /* 1.5 s */
    float *x = synth(frames, ch, rate, 0.02f, (unsigned)(rate + ch));
    size_t n = (size_t)frames * ch;
    float *ya = malloc(sizeof(float) * n), *yb = malloc(sizeof(float) * n);
    float *yc = malloc(sizeof(float) * n);
    static const int blk_a[] = { 1024 };
    static const int blk_b[] = { 128, 441, 1, 4800, 7, 480, 333 };
    static const int blk_c[] = { 1 };

    CcDenoiser *d = open_dn(m, engine, rate, ch, 1.0f);
    if (!d)
        goto end;
    int lat = cc_denoiser_latency_samples(d);
    CHECK_MSG(lat > 0 && lat < rate / 10, "latency %d at %d Hz", lat, rate);
    run(d, x, ya, frames, ch, blk_a, 1);
    float *tail = malloc(sizeof(float) * (size_t)(lat + 10) * ch);
    CHECK(cc_denoiser_flush(d, tail, lat + 10) == lat);
    CHECK(cc_denoiser_flush(d, tail, lat + 10) == 0);
    CHECK(all_finite(ya, n) && all_finite(tail, (size_t)lat * ch));
    free(tail);
    /* reset = fresh; other block sizes = same bytes */
    cc_denoiser_reset(d);
    run(d, x, yb, frames, ch, blk_b, 7);
    size_t first = 0;
    while (first < n && ya[first] == yb[first])
        first++;
    CHECK_MSG(first == n, "engine %d %d Hz x%d: output depends on the block size (from "
              "frame %zu of %d)", engine, rate, ch, first / ch, frames);
    if (rate <= 16000 && ch == 1) {
        cc_denoiser_reset(d);
        run(d, x, yc, frames, ch, blk_c, 1);
        CHECK_MSG(!memcmp(ya, yc, sizeof(float) * n), "engine %d %d Hz: 1-frame blocks differ",
                  engine, rate);
    }
    /* The first `lat` output frames are the FIFO's silence only up to the priming part,
       and the signal must not come out earlier than `lat`: cross-correlation peak. */
    if (ch == 1) {
        int best = -1;
        double bestv = -1e30;
        for (int lag = 0; lag < lat + 200 && lag < frames / 2; lag++) {
            double s = 0;
            for (int i = 0; i + lag < frames; i++)
                s += (double)x[i] * ya[i + lag];
            if (s > bestv) {
                bestv = s;
                best = lag;
            }
        }
        CHECK_MSG(abs(best - lat) <= 2 + rate / 24000, "engine %d %d Hz: correlation peak at %d, latency %d",
                  engine, rate, best, lat);
    }
    cc_denoiser_close(&d);

    /* strength 0: the input delayed by exactly `lat`, bit for bit */
    d = open_dn(m, engine, rate, ch, 0.0f);
    if (!d)
        goto end;
    run(d, x, yb, frames, ch, blk_b, 7);
    int exact = 1;
    for (size_t i = 0; i < n; i++) {
        size_t src = i >= (size_t)lat * ch ? i - (size_t)lat * ch : (size_t)-1;
        float want = src == (size_t)-1 ? 0.0f : x[src];
        if (memcmp(&yb[i], &want, sizeof(float)))
            exact = 0;
    }
    CHECK_MSG(exact, "engine %d %d Hz x%d: strength 0 is not an exact delayed bypass", engine,
              rate, ch);
    cc_denoiser_close(&d);
end:
    free(x);
    free(ya);
    free(yb);
    free(yc);
}

static double energy(const float *y, int from, int to)
{
    double e = 0;
    for (int i = from; i < to; i++)
        e += (double)y[i] * y[i];
    return e;
}

/* Noise only: output energy must fall as strength rises; strength 1 well below input. */
static void test_strength(const CcDenoiseModel *m, int engine)
{
    int rate = 48000, frames = 3 * rate;
    float *x = malloc(sizeof(float) * frames), *y = malloc(sizeof(float) * frames);
    rng = 77;
    /* Real stationary noise when the material is there (RNNoise leaves white noise mostly
       alone, as the reference does), else white noise. */
    int real = 0;
    char path[4096];
    CcAudioFile w;
    char err[256];
    if (cc_test_cache_path(path, sizeof(path), "data/noise/alsa_noise_48k.wav") &&
        cc_audio_read(path, &w, err, sizeof(err)) == 0) {
        for (int i = 0; i < frames; i++)
            x[i] = w.samples[(size_t)(i % w.frames) * w.channels];
        cc_audio_free(&w);
        real = 1;
    } else {
        /* RNNoise leaves white noise mostly alone, so its full-strength check needs the real
           noise (main() made sure the material was fetched). */
        CHECK_MSG(engine != CC_DENOISE_RNNOISE, "cannot read %s", path);
        for (int i = 0; i < frames; i++)
            x[i] = 0.03f * frand();
    }
    double ein = energy(x, rate, frames - rate);
    double prev = 1e300;
    static const float st[] = { 0.0f, 0.25f, 0.5f, 0.75f, 1.0f };
    static const int blk[] = { 512 };
    for (int k = 0; k < 5; k++) {
        CcDenoiser *d = open_dn(m, engine, rate, 1, st[k]);
        if (!d)
            break;
        int lat = cc_denoiser_latency_samples(d);
        run(d, x, y, frames, 1, blk, 1);
        double e = energy(y, rate + lat, frames - rate + lat < frames ? frames - rate + lat : frames);
        double db = 10 * log10(e / ein);
        printf("engine %d strength %.2f: noise %+.1f dB\n", engine, st[k], db);
        CHECK_MSG(e < prev * (k ? 0.97 : 1.01), "engine %d: strength %.2f does not attenuate more "
                  "(%.1f dB)", engine, st[k], db);
        if (k > 0 && k < 4) /* a limit, not a target: never more than strength x 40 dB */
            CHECK_MSG(-db <= st[k] * CC_DENOISE_MAX_ATTEN_DB + 1.0, "engine %d: strength %.2f "
                      "attenuates %.1f dB, beyond its limit", engine, st[k], -db);
        if (k == 4 && (real || engine == CC_DENOISE_SPEEX)) /* rnnoise without real: failed above */
            CHECK_MSG(db < -10, "engine %d: full strength removes only %.1f dB of noise", engine,
                      -db);
        prev = e;
        cc_denoiser_close(&d);
    }
    free(x);
    free(y);
}

/* Switching to strength 0 mid-stream ramps to the exact delayed input within one frame. */
static void test_switch(const CcDenoiseModel *m, int engine)
{
    int rate = 16000, frames = rate * 2, ch = 2;
    float *x = synth(frames, ch, rate, 0.02f, 11), *y = malloc(sizeof(float) * frames * ch);
    CcDenoiser *d = open_dn(m, engine, rate, ch, 1.0f);
    if (!d)
        goto end;
    int lat = cc_denoiser_latency_samples(d), half = frames / 2;
    cc_denoiser_process(d, x, y, half);
    cc_denoiser_set_strength(d, 0.0f);
    cc_denoiser_process(d, x + (size_t)half * ch, y + (size_t)half * ch, frames - half);
    int exact_from = -1;
    for (int i = frames - 1; i >= half; i--) {
        if (memcmp(y + (size_t)i * ch, x + (size_t)(i - lat) * ch, sizeof(float) * ch))
            break;
        exact_from = i;
    }
    CHECK_MSG(exact_from >= 0 && exact_from <= half + rate / 100 + 1,
              "engine %d: after set_strength(0) the output is the exact input only from %d "
              "(switch at %d)", engine, exact_from, half);
    float jump = 0;
    for (int i = half - 1; i < half + rate / 50; i++)
        jump = fmaxf(jump, fabsf(y[(size_t)(i + 1) * ch] - y[(size_t)i * ch]));
    CHECK_MSG(jump < 0.5f, "engine %d: step of %g at the strength switch", engine, jump);
    cc_denoiser_close(&d);
end:
    free(x);
    free(y);
}

/*
 * Strength is a limit, not a gate: on real noisy speech, no 10 ms frame (onsets included)
 * loses more than the limit, here strength 0.5 = 20 dB (+3 dB for window smearing).
 */
static void test_no_gating(const CcDenoiseModel *m)
{
    char sp[4096], nz[4096];
    int have_sp = cc_test_cache_path(sp, sizeof(sp), "data/speech/allison_vm_options_16k.wav");
    int have_nz = cc_test_cache_path(nz, sizeof(nz), "data/noise/opensfx_applause_44k.wav");
    if (!have_sp || !have_nz) {
        CHECK_MSG(0, "no-gating: %s missing (run data/fetch.sh)", have_sp ? nz : sp);
        return;
    }
    CcAudioFile ws, wn;
    char err[256];
    if (cc_audio_read(sp, &ws, err, sizeof(err)) < 0) {
        CHECK_MSG(0, "%s", err);
        return;
    }
    if (cc_audio_read(nz, &wn, err, sizeof(err)) < 0) {
        CHECK_MSG(0, "%s", err);
        cc_audio_free(&ws);
        return;
    }
    int frames = (int)ws.frames;
    float *x = malloc(sizeof(float) * frames), *y = malloc(sizeof(float) * frames);
    for (int i = 0; i < frames; i++)
        x[i] = ws.samples[(size_t)i * ws.channels] +
               0.1f * wn.samples[(size_t)(i % wn.frames) * wn.channels];
    CcDenoiser *d = open_dn(m, CC_DENOISE_RNNOISE, 48000, 1, 0.5f);
    static const int blk[] = { 480 };
    double worst = 0;
    int worst_at = -1;
    if (d) {
        int lat = cc_denoiser_latency_samples(d);
        run(d, x, y, frames, 1, blk, 1);
        for (int f = 0; (f + 1) * 480 + lat <= frames; f++) {
            double ein = energy(x, f * 480, (f + 1) * 480);
            double eout = energy(y, f * 480 + lat, (f + 1) * 480 + lat);
            if (ein < 480 * 1e-6) /* below -60 dBFS: nothing to keep */
                continue;
            double db = 10 * log10((eout + 1e-20) / ein);
            if (db < worst) {
                worst = db;
                worst_at = f;
            }
        }
        cc_denoiser_close(&d);
    }
    printf("no-gating: strength 0.5, largest per-frame loss %.1f dB (frame %d)\n", -worst,
           worst_at);
    CHECK_MSG(worst > -23.0, "strength 0.5 removed %.1f dB from frame %d", -worst, worst_at);
    free(x);
    free(y);
    cc_audio_free(&ws);
    cc_audio_free(&wn);
}

/* Misuse and odd sequences: random blocks (0 included), strengths (NaN, <0, >1), resets,
   flushes mid-stream, bursts of NaN/Inf/huge samples. Output must stay finite and bounded. */
static void test_stress(const CcDenoiseModel *m, int engine)
{
    static const int rates[] = { 48000, 44100, 16000, 8000, 192000 };
    unsigned seed = 4242;
    float *x = malloc(sizeof(float) * 3000 * 8), *y = malloc(sizeof(float) * 3000 * 8);
    for (int trial = 0; trial < 6; trial++) {
        seed = seed * 1103515245u + 12345u;
        int rate = rates[(seed >> 8) % 5], ch = 1 + (int)((seed >> 16) % 8);
        CcDenoiser *d = open_dn(m, engine, rate, ch, 0.7f);
        if (!d)
            continue;
        int ok = 1;
        for (int it = 0; it < 60 && ok; it++) {
            seed = seed * 1103515245u + 12345u;
            int n = (int)((seed >> 8) % 3001), what = (int)((seed >> 20) % 16);
            rng = seed;
            for (int i = 0; i < n * ch; i++)
                x[i] = 0.3f * frand();
            if (what == 0 && n > 10)
                for (int i = 0; i < 10 * ch; i++)
                    x[i] = (i % 3) ? NAN : (i % 2 ? INFINITY : 1e38f);
            if (what == 1)
                cc_denoiser_set_strength(d, NAN);
            if (what == 2)
                cc_denoiser_set_strength(d, -3.0f);
            if (what == 3)
                cc_denoiser_set_strength(d, 7.0f);
            if (what == 4)
                cc_denoiser_set_strength(d, (float)((seed >> 4) % 100) / 100.0f);
            if (what == 5)
                cc_denoiser_reset(d);
            int r = (what == 6) ? cc_denoiser_flush(d, y, n) : cc_denoiser_process(d, x, y, n);
            CHECK(r >= 0 && r <= n);
            float v = cc_denoiser_vad(d);
            CHECK(v >= 0 && v <= 1);
            for (int i = 0; i < r * ch; i++)
                if (!isfinite(y[i]) || fabsf(y[i]) > 16.0f) {
                    CHECK_MSG(0, "engine %d %d Hz x%d: bad output %g (iteration %d)", engine,
                              rate, ch, y[i], it);
                    ok = 0;
                    break;
                }
        }
        cc_denoiser_close(&d);
    }
    free(x);
    free(y);
}

/* Each channel of a multichannel stream equals that signal denoised alone. */
static void test_channels(const CcDenoiseModel *m, int engine, int ch)
{
    int rate = 48000, frames = rate;
    float *x = synth(frames, ch, rate, 0.03f, 99), *y = malloc(sizeof(float) * frames * ch);
    float *mono = malloc(sizeof(float) * frames), *my = malloc(sizeof(float) * frames);
    static const int blk[] = { 1000 };
    CcDenoiser *d = open_dn(m, engine, rate, ch, 1.0f);
    if (d) {
        run(d, x, y, frames, ch, blk, 1);
        cc_denoiser_close(&d);
    }
    for (int c = 0; c < ch; c++) {
        for (int i = 0; i < frames; i++)
            mono[i] = x[(size_t)i * ch + c];
        d = open_dn(m, engine, rate, 1, 1.0f);
        if (!d)
            break;
        run(d, mono, my, frames, 1, blk, 1);
        cc_denoiser_close(&d);
        int same = 1;
        for (int i = 0; i < frames; i++)
            if (my[i] != y[(size_t)i * ch + c])
                same = 0;
        CHECK_MSG(same, "engine %d: channel %d of %d differs from mono processing", engine, c, ch);
    }
    free(x);
    free(y);
    free(mono);
    free(my);
}

/* NaN/Inf become silence: same output as the input with zeros there, all finite. */
static void test_nonfinite(const CcDenoiseModel *m, int engine)
{
    int rate = 48000, frames = rate, ch = 2;
    float *x = synth(frames, ch, rate, 0.02f, 5), *x0 = malloc(sizeof(float) * frames * ch);
    float *y = malloc(sizeof(float) * frames * ch), *y0 = malloc(sizeof(float) * frames * ch);
    memcpy(x0, x, sizeof(float) * frames * ch);
    for (int i = 10000; i < 10500; i += 3) {
        x[i] = (i % 2) ? NAN : INFINITY;
        x[i + 1] = -INFINITY;
        x0[i] = x0[i + 1] = 0;
    }
    static const int blk[] = { 256 };
    CcDenoiser *d = open_dn(m, engine, rate, ch, 1.0f), *d0 = open_dn(m, engine, rate, ch, 1.0f);
    if (d && d0) {
        run(d, x, y, frames, ch, blk, 1);
        run(d0, x0, y0, frames, ch, blk, 1);
        CHECK_MSG(all_finite(y, (size_t)frames * ch), "engine %d: non-finite output", engine);
        CHECK_MSG(!memcmp(y, y0, sizeof(float) * frames * ch),
                  "engine %d: NaN/Inf input not treated as silence", engine);
    }
    cc_denoiser_close(&d);
    cc_denoiser_close(&d0);
    free(x);
    free(x0);
    free(y);
    free(y0);
}

/* Full-scale square wave and out-of-range samples: finite, bounded output. Silence: silence. */
static void test_extremes(const CcDenoiseModel *m, int engine)
{
    int rate = 44100, frames = rate;
    float *x = malloc(sizeof(float) * frames), *y = malloc(sizeof(float) * frames);
    for (int i = 0; i < frames; i++)
        x[i] = ((i / 50) & 1) ? 1.0f : -1.0f;
    for (int i = 20000; i < 20100; i++)
        x[i] = (i & 1) ? 1e30f : -1e30f;
    static const int blk[] = { 441 };
    CcDenoiser *d = open_dn(m, engine, rate, 1, 1.0f);
    if (d) {
        run(d, x, y, frames, 1, blk, 1);
        float peak = 0;
        for (int i = 0; i < frames; i++)
            peak = fmaxf(peak, fabsf(y[i]));
        CHECK_MSG(all_finite(y, frames) && peak < 16.0f, "engine %d: clipping input gave peak %g",
                  engine, peak);
        cc_denoiser_close(&d);
    }
    memset(x, 0, sizeof(float) * frames);
    d = open_dn(m, engine, rate, 1, 1.0f);
    if (d) {
        run(d, x, y, frames, 1, blk, 1);
        float peak = 0;
        for (int i = 0; i < frames; i++)
            peak = fmaxf(peak, fabsf(y[i]));
        CHECK_MSG(peak < 1e-6f, "engine %d: silence in, peak %g out", engine, peak);
        CHECK(cc_denoiser_vad(d) < 0.5f);
        cc_denoiser_close(&d);
    }
    free(x);
    free(y);
}

/* VAD: high on real speech, low on noise alone (needs the speech material). */
static void test_vad(const CcDenoiseModel *m)
{
    char path[4096];
    if (!cc_test_cache_path(path, sizeof(path), "data/speech/allison_vm_options_16k.wav")) {
        CHECK_MSG(0, "vad: %s missing (run data/fetch.sh)", path);
        return;
    }
    CcAudioFile w;
    char err[256];
    if (cc_audio_read(path, &w, err, sizeof(err)) < 0) {
        CHECK_MSG(0, "%s", err);
        return;
    }
    CcDenoiser *d = open_dn(m, CC_DENOISE_RNNOISE, w.sample_rate, w.channels, 1.0f);
    float *y = malloc(sizeof(float) * 480 * w.channels);
    double vmax = 0, vsum = 0;
    int nf = 0;
    for (int64_t pos = 0; d && pos + 480 <= w.frames; pos += 480) {
        cc_denoiser_process(d, w.samples + pos * w.channels, y, 480);
        float v = cc_denoiser_vad(d);
        CHECK(v >= 0 && v <= 1);
        vmax = fmax(vmax, v);
        vsum += v;
        nf++;
    }
    cc_denoiser_close(&d);
    /* noise alone */
    int frames = 48000 * 2;
    float *x = malloc(sizeof(float) * frames), *yn = malloc(sizeof(float) * frames);
    rng = 3;
    for (int i = 0; i < frames; i++)
        x[i] = 0.03f * frand();
    d = open_dn(m, CC_DENOISE_RNNOISE, 48000, 1, 1.0f);
    double nsum = 0;
    int nn = 0;
    for (int pos = 0; d && pos + 480 <= frames; pos += 480) {
        cc_denoiser_process(d, x + pos, yn + pos, 480);
        if (pos > 48000) {
            nsum += cc_denoiser_vad(d);
            nn++;
        }
    }
    cc_denoiser_close(&d);
    printf("vad: speech max %.2f mean %.2f, white noise mean %.2f\n", vmax, vsum / nf, nsum / nn);
    CHECK(vmax > 0.9);
    CHECK(nsum / nn < 0.3 && nsum / nn < vsum / nf);
    free(x);
    free(yn);
    free(y);
    cc_audio_free(&w);
}

int main(int argc, char **argv)
{
    cc_test_log_to_stderr();
    int engine;
    const char *model_rel = "models/rnnoise.ccm";
    if (argc == 2 && !strcmp(argv[1], "rnnoise")) {
        engine = CC_DENOISE_RNNOISE;
    } else if (argc == 2 && !strcmp(argv[1], "rnnoise2")) {
        engine = CC_DENOISE_RNNOISE;
        model_rel = "models/rnnoise2.ccm";
    } else if (argc == 2 && !strcmp(argv[1], "speex")) {
        engine = CC_DENOISE_SPEEX;
    } else {
        fprintf(stderr, "usage: %s rnnoise|rnnoise2|speex\n", argv[0]);
        return 2;
    }
    CcDenoiseModel *m = NULL;
    if (engine == CC_DENOISE_RNNOISE) {
        char path[4096];
        cc_test_need(path, sizeof(path), model_rel);
        cc_test_need_data();
        int r = cc_denoise_model_open_file(&m, path);
        CHECK_MSG(r == 0, "cannot load %s: %s", path, cc_strerror(r));
        if (!m)
            return 1;
    } else if (!CC_HAVE_SPEEXDSP) {
        printf("built without speexdsp: SKIP\n");
        return CC_TEST_SKIP;
    }
    /* The model-free misuse checks run in both; the model ones with the model. */
    test_settings(m);
    static const int rates[][2] = { { 48000, 1 }, { 44100, 2 }, { 16000, 1 }, { 8000, 1 },
                                    { 22050, 3 }, { 96000, 1 }, { 48000, 8 }, { 11025, 1 },
                                    { 44100, 1 }, { 32000, 2 } };
    for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
        test_stream(m, engine, rates[i][0], rates[i][1]);
    test_strength(m, engine);
    test_channels(m, engine, 3);
    test_switch(m, engine);
    test_stress(m, engine);
    test_nonfinite(m, engine);
    test_extremes(m, engine);
    if (m) {
        test_vad(m);
        test_no_gating(m);
    }
    cc_denoise_model_close(&m);
    return CC_TEST_RESULT();
}
