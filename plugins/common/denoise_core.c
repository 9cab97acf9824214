/*
 * Shared core of the LADSPA and LV2 denoisers (see denoise_core.h).
 *
 * Engines. Both denoisers are opened at instantiate; only the selected one runs. Their
 * latencies differ at some rates (RNNoise resamples to 48 kHz, speexdsp runs at the stream
 * rate up to 48 kHz), so each engine's output goes through a pad delay up to the larger of
 * the two: the reported latency never changes. Switching engines runs both for a while: the
 * new one first plays out what it held when it was paused and settles on the current input
 * (its latency plus 200 ms), then a 20 ms crossfade hands over and the old one pauses. A
 * switch asked for during a hand-over waits for it to end.
 *
 * Gate (gate plugins). Work is cut at 10 ms stream boundaries (frame k*rate/100, counted
 * from activate), so the gate sees the denoiser's VAD at the same stream positions whatever
 * the host's block size. A VAD at or above the threshold opens the gate and re-arms the hold;
 * the gate closes when the hold has run out. The gain applies to the denoised signal after a
 * fixed look-back delay: when the VAD fires, the audio that reaches the output is still
 * CCP_LOOKBACK_MS older than the frame that fired, so a word's onset is already inside the
 * open gate (look-back, not look-ahead). The gain moves linearly: 5 ms to open, 100 ms to close.
 */
#include "denoise_core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cleancast/audio.h>
#include <cleancast/cleancast.h>

#define PIECE 512          /* frames per inner step (interleave buffers) */
#define NENGINES 2
#define WARM_MS 200
#define FADE_MS 20
#define ATTACK_MS 5.0
#define RELEASE_MS 100.0

typedef struct Delay {
    float *buf; /* (len, ch) ring */
    int len, pos;
} Delay;

struct CcpDenoise {
    int rate, ch, has_gate;
    CcDenoiseModel *model;
    CcDenoiser *dn[NENGINES];   /* [0] RNNoise, [1] speexdsp (NULL without speexdsp) */
    Delay pad[NENGINES];        /* up to the larger engine latency */
    int latency;                /* denoiser part; + look-back for gate plugins */
    float *inter, *eo[NENGINES]; /* (PIECE, ch) */
    int cur, prev;              /* engine in use; engine handing over (-1: none) */
    int64_t trans_pos, warm_len, fade_len;
    float strength;             /* last applied (-1 = none yet) */
    int64_t pos;                /* stream frames since activate */
    int64_t block_k, next_bound; /* 10 ms boundary count and the frame where the next ends */
    /* gate */
    Delay look;
    int open;
    int64_t hold_left;
    float gain, attack_step, release_step;
};

static void log_cb(void *opaque, int level, const char *msg)
{
    (void)opaque;
    if (level <= CC_LOG_WARNING)
        fprintf(stderr, "cleancast plugin: %s\n", msg);
}

static int delay_init(Delay *d, int len, int ch)
{
    d->len = len;
    d->pos = 0;
    d->buf = NULL;
    if (len <= 0)
        return 0;
    d->buf = calloc((size_t)len * (size_t)ch, sizeof(float));
    return d->buf ? 0 : -1;
}

/* In place over n interleaved frames. */
static void delay_run(Delay *d, float *x, int n, int ch)
{
    if (d->len <= 0)
        return;
    for (int i = 0; i < n; i++) {
        float *slot = d->buf + (size_t)d->pos * ch;
        for (int c = 0; c < ch; c++) {
            float t = slot[c];
            slot[c] = x[i * ch + c];
            x[i * ch + c] = t;
        }
        if (++d->pos == d->len)
            d->pos = 0;
    }
}

static void delay_clear(Delay *d, int ch)
{
    if (d->buf)
        memset(d->buf, 0, sizeof(float) * (size_t)d->len * (size_t)ch);
    d->pos = 0;
}

void ccp_close(CcpDenoise *p)
{
    if (!p)
        return;
    for (int e = 0; e < NENGINES; e++) {
        cc_denoiser_close(&p->dn[e]);
        free(p->pad[e].buf);
        free(p->eo[e]);
    }
    cc_denoise_model_close(&p->model);
    free(p->look.buf);
    free(p->inter);
    free(p);
}

CcpDenoise *ccp_open(double rate_hz, int channels, int has_gate)
{
    static int log_set;
    if (!log_set) { /* this plugin's own copy of the library (linked statically) */
        cc_set_log_callback(log_cb, NULL);
        log_set = 1;
    }
    int rate = (int)lround(rate_hz);
    if (rate < 8000 || rate > 192000 || fabs(rate_hz - rate) > 1e-6) {
        fprintf(stderr, "cleancast plugin: sample rate %g Hz not supported (8000..192000)\n",
                rate_hz);
        return NULL;
    }
    CcpDenoise *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->rate = rate;
    p->ch = channels;
    p->has_gate = has_gate;

    const char *name = getenv(CCP_MODEL_ENV);
    if (!name || !*name)
        name = CC_DENOISE_DEFAULT_MODEL;
    char path[4096];
    int r = cc_model_find(name, CC_MODEL_DENOISE, path, sizeof(path));
    if (r < 0) {
        fprintf(stderr, "cleancast plugin: no denoise model '%s' (%s; set %s to a name or "
                "a file)\n", name, cc_strerror(r), CCP_MODEL_ENV);
        goto fail;
    }
    r = cc_denoise_model_open_file(&p->model, path);
    if (r < 0) {
        fprintf(stderr, "cleancast plugin: cannot load model %s: %s\n", path, cc_strerror(r));
        goto fail;
    }
    int lat[NENGINES] = { 0, 0 }, lmax = 0;
    for (int e = 0; e < NENGINES; e++) {
        CcDenoiserSettings s;
        cc_denoiser_default_settings(&s);
        s.engine = e == 0 ? CC_DENOISE_RNNOISE : CC_DENOISE_SPEEX;
        s.sample_rate_hz = rate;
        s.channels = channels;
        r = cc_denoiser_open(&p->dn[e], p->model, &s);
        if (r < 0 && e == 0) {
            fprintf(stderr, "cleancast plugin: cannot open the denoiser: %s\n", cc_strerror(r));
            goto fail;
        }
        if (r < 0) /* no speexdsp in this build: the engine control stays on neural */
            continue;
        lat[e] = cc_denoiser_latency_samples(p->dn[e]);
        if (lat[e] > lmax)
            lmax = lat[e];
    }
    for (int e = 0; e < NENGINES; e++) {
        if (delay_init(&p->pad[e], p->dn[e] ? lmax - lat[e] : 0, channels) < 0)
            goto fail;
        if (!(p->eo[e] = calloc((size_t)PIECE * channels, sizeof(float))))
            goto fail;
    }
    if (!(p->inter = calloc((size_t)PIECE * channels, sizeof(float))))
        goto fail;
    p->latency = lmax;
    if (has_gate) {
        int g = (int)((int64_t)rate * CCP_LOOKBACK_MS / 1000);
        if (delay_init(&p->look, g, channels) < 0)
            goto fail;
        p->latency += g;
        p->attack_step = (float)(1.0 / (ATTACK_MS * 1e-3 * rate));
        p->release_step = (float)(1.0 / (RELEASE_MS * 1e-3 * rate));
    }
    p->warm_len = lmax + (int64_t)rate * WARM_MS / 1000;
    p->fade_len = (int64_t)rate * FADE_MS / 1000;
    ccp_reset(p);
    return p;
fail:
    ccp_close(p);
    return NULL;
}

int ccp_latency(const CcpDenoise *p)
{
    return p->latency;
}

void ccp_reset(CcpDenoise *p)
{
    for (int e = 0; e < NENGINES; e++) {
        if (p->pos != 0 || e != 0) /* a fresh denoiser needs no reset */
            cc_denoiser_reset(p->dn[e]);
        delay_clear(&p->pad[e], p->ch);
    }
    delay_clear(&p->look, p->ch);
    p->cur = 0;
    p->prev = -1;
    p->trans_pos = 0;
    p->strength = -1.0f;
    p->pos = 0;
    p->block_k = 1;
    p->next_bound = p->rate / 100;
    p->open = 0;
    p->hold_left = 0;
    p->gain = 0.0f;
}

static float clampf(float v, float lo, float hi, float dflt)
{
    if (!(v == v)) /* NaN */
        return dflt;
    return v < lo ? lo : v > hi ? hi : v;
}

/* One 10 ms block has ended: the gate looks at the VAD of the engine being heard. */
static void gate_decide(CcpDenoise *p, const CcpControls *c, int64_t block_len)
{
    float thr = clampf(c->vad_threshold, 0.0f, 1.0f, CCP_VAD_THRESHOLD_DEFAULT);
    float hold_ms = clampf(c->hold_ms, 0.0f, CCP_HOLD_MAX_MS, CCP_HOLD_DEFAULT_MS);
    int heard = p->prev >= 0 ? p->prev : p->cur;
    if (cc_denoiser_vad(p->dn[heard]) >= thr) {
        p->open = 1;
        p->hold_left = (int64_t)(hold_ms * 1e-3f * p->rate);
    } else if (p->open) {
        p->hold_left -= block_len;
        if (p->hold_left <= 0)
            p->open = 0;
    }
}

static void gate_apply(CcpDenoise *p, const CcpControls *c, float *x, int n)
{
    float range = clampf(c->range_db, 0.0f, CCP_RANGE_MAX_DB, CCP_RANGE_DEFAULT_DB);
    float floor_gain = powf(10.0f, -range / 20.0f);
    float target = p->open ? 1.0f : floor_gain;
    delay_run(&p->look, x, n, p->ch);
    float g = p->gain;
    for (int i = 0; i < n; i++) {
        if (g < target)
            g = fminf(target, g + p->attack_step);
        else if (g > target)
            g = fmaxf(target, g - p->release_step);
        for (int ch = 0; ch < p->ch; ch++)
            x[i * p->ch + ch] *= g;
    }
    p->gain = g;
}

void ccp_run(CcpDenoise *p, const CcpControls *c, const float *const *in, float *const *out,
             uint32_t frames)
{
    int ch = p->ch;
    float atten = clampf(c->atten_db, 0.0f, CCP_ATTEN_MAX_DB, CCP_ATTEN_DEFAULT_DB);
    float strength = atten >= CCP_ATTEN_MAX_DB ? 1.0f : atten / CCP_ATTEN_MAX_DB;
    if (strength != p->strength) {
        for (int e = 0; e < NENGINES; e++)
            cc_denoiser_set_strength(p->dn[e], strength);
        p->strength = strength;
    }
    int want = clampf(c->engine, 0.0f, 1.0f, 0.0f) >= 0.5f && p->dn[1] ? 1 : 0;
    if (want != p->cur && p->prev < 0) {
        if (p->pos == 0) { /* nothing heard yet: start on the wanted engine */
            p->cur = want;
        } else {
            p->prev = p->cur;
            p->cur = want;
            p->trans_pos = 0;
        }
    }

    uint32_t done = 0;
    while (done < frames) {
        int64_t n64 = frames - done;
        if (n64 > PIECE)
            n64 = PIECE;
        if (n64 > p->next_bound - p->pos)
            n64 = p->next_bound - p->pos;
        int n = (int)n64;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < ch; k++)
                p->inter[i * ch + k] = in[k][done + i];
        int e = p->cur;
        cc_denoiser_process(p->dn[e], p->inter, p->eo[e], n);
        delay_run(&p->pad[e], p->eo[e], n, ch);
        float *y = p->eo[e];
        if (p->prev >= 0) {
            int o = p->prev;
            cc_denoiser_process(p->dn[o], p->inter, p->eo[o], n);
            delay_run(&p->pad[o], p->eo[o], n, ch);
            for (int i = 0; i < n; i++) {
                int64_t t = p->trans_pos + i - p->warm_len;
                float w = t < 0 ? 0.0f : t >= p->fade_len ? 1.0f : (float)t / (float)p->fade_len;
                for (int k = 0; k < ch; k++) {
                    float *a = &p->eo[o][i * ch + k];
                    *a += w * (p->eo[e][i * ch + k] - *a);
                }
            }
            y = p->eo[o];
            p->trans_pos += n;
            if (p->trans_pos >= p->warm_len + p->fade_len)
                p->prev = -1;
        }
        p->pos += n;
        if (p->has_gate) {
            /* The decision at the end of a 10 ms block applies from the next sample on. */
            gate_apply(p, c, y, n);
            if (p->pos == p->next_bound)
                gate_decide(p, c, p->next_bound - (int64_t)(p->block_k - 1) * p->rate / 100);
        }
        if (p->pos == p->next_bound) {
            p->block_k++;
            p->next_bound = p->block_k * p->rate / 100;
        }
        for (int i = 0; i < n; i++)
            for (int k = 0; k < ch; k++)
                out[k][done + i] = y[i * ch + k];
        done += (uint32_t)n;
    }
}

/* ---- Echo canceller plugins (see denoise_core.h) ---- */

struct CcpEcho {
    int rate;
    CcpDenoise *dn;          /* all options off: the mono denoiser, unchanged */
    CcVoiceProcessor *vp;    /* any option on */
    int key;                 /* configuration in use: bit 0 echo, 1 agc, 2 high-pass, 3 speex;
                                -1 none yet */
    float strength;          /* of vp's noise stage */
    int check_first_run;     /* set by reset: the first run() re-reads the controls */
    int warned_rate;
};

static int echo_key(const CcpEcho *p, const CcpEchoControls *c, float *strength)
{
    int echo = clampf(c->echo_cancel, 0.0f, 1.0f, 0.0f) >= 0.5f;
    int agc = clampf(c->agc, 0.0f, 1.0f, 0.0f) >= 0.5f;
    int hp = clampf(c->high_pass, 0.0f, 1.0f, 0.0f) >= 0.5f;
    if (!echo && !agc && !hp)
        return 0;
    int speex = clampf(c->dn.engine, 0.0f, 1.0f, 0.0f) >= 0.5f && p->dn->dn[1];
    float atten = clampf(c->dn.atten_db, 0.0f, CCP_ATTEN_MAX_DB, CCP_ATTEN_DEFAULT_DB);
    *strength = atten >= CCP_ATTEN_MAX_DB ? 1.0f : atten / CCP_ATTEN_MAX_DB;
    return echo | agc << 1 | hp << 2 | speex << 3;
}

/* Opens the voice processor for `key` (not real-time: activate, or the first run). */
static void echo_configure(CcpEcho *p, int key, float strength)
{
    cc_voice_close(&p->vp);
    p->key = 0;
    if (!key)
        return;
    CcVoiceSettings s;
    cc_voice_default_settings(&s);
    s.sample_rate_hz = p->rate;
    s.echo_cancel = key & 1;
    s.agc = (key >> 1) & 1;
    s.high_pass = (key >> 2) & 1;
    s.denoise_engine = key & 8 ? CC_DENOISE_SPEEX : CC_DENOISE_RNNOISE;
    s.denoise_strength = strength;
    if (s.echo_cancel && p->rate % 100) {
        if (!p->warned_rate)
            fprintf(stderr, "cleancast plugin: echo cancellation needs a rate that is a multiple "
                    "of 100 Hz (10 ms blocks), not %d Hz: running without it (resample the "
                    "stream to 48000)\n", p->rate);
        p->warned_rate = 1;
        s.echo_cancel = 0;
        key &= ~1;
        if (!(key & 6)) /* nothing else asked: the plain denoiser */
            return;
    }
    int r = cc_voice_open(&p->vp, p->dn->model, &s);
    if (r < 0) {
        fprintf(stderr, "cleancast plugin: cannot open the voice processor (%s): running the "
                "plain denoiser\n", cc_strerror(r));
        return;
    }
    p->key = key;
    p->strength = strength;
}

CcpEcho *ccp_echo_open(double rate_hz)
{
    CcpEcho *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    if (!(p->dn = ccp_open(rate_hz, 1, 0))) {
        free(p);
        return NULL;
    }
    p->rate = p->dn->rate;
    p->key = -1;
    p->check_first_run = 1;
    return p;
}

void ccp_echo_close(CcpEcho *p)
{
    if (!p)
        return;
    cc_voice_close(&p->vp);
    ccp_close(p->dn);
    free(p);
}

void ccp_echo_reset(CcpEcho *p, const CcpEchoControls *c)
{
    float strength = 1.0f;
    int key = echo_key(p, c, &strength);
    if (key != p->key || (key && strength != p->strength))
        echo_configure(p, key, strength);
    else if (p->vp)
        cc_voice_reset(p->vp);
    ccp_reset(p->dn);
    p->check_first_run = 1;
}

int ccp_echo_latency(const CcpEcho *p)
{
    return p->vp ? cc_voice_latency_samples(p->vp) : ccp_latency(p->dn);
}

void ccp_echo_run(CcpEcho *p, const CcpEchoControls *c, const float *mic, const float *ref,
                  float *out, uint32_t frames)
{
    if (p->check_first_run) {
        /* Controls set between activate() and the first run() (or no activate at all). */
        float strength = 1.0f;
        int key = echo_key(p, c, &strength);
        if (key != p->key || (key && strength != p->strength)) {
            echo_configure(p, key, strength);
            ccp_reset(p->dn);
        }
        p->check_first_run = 0;
    }
    if (!p->vp) {
        ccp_run(p->dn, &c->dn, &mic, &out, frames);
        return;
    }
    /* In pieces, the far end of each piece first (it is what played while the mic was
     * captured); pieces keep the far queue well under its 1 s. */
    for (uint32_t done = 0; done < frames;) {
        int n = frames - done > PIECE ? PIECE : (int)(frames - done);
        if (ref && (p->key & 1))
            cc_voice_far(p->vp, ref + done, n);
        cc_voice_process(p->vp, mic + done, out + done, n);
        done += (uint32_t)n;
    }
}

/* ---- the plugins' ports ---------------------------------------------------------------- */

static float port(float *const ctl[CCP_NPORTS], int i, float dflt)
{
    return ctl[i] ? *ctl[i] : dflt;
}

static CcpEchoControls echo_controls(float *const ctl[CCP_NPORTS])
{
    return (CcpEchoControls){
        .dn = { .atten_db = port(ctl, CCP_PORT_ATTEN, CCP_ATTEN_DEFAULT_DB),
                .engine = port(ctl, CCP_PORT_ENGINE, 0.0f) },
        .echo_cancel = port(ctl, CCP_PORT_ECHO, 0.0f),
        .agc = port(ctl, CCP_PORT_AGC, 0.0f),
        .high_pass = port(ctl, CCP_PORT_HIGHPASS, 0.0f),
    };
}

void ccp_activate_ports(CcpDenoise *dn, CcpEcho *echo, float *const ctl[CCP_NPORTS])
{
    if (echo) {
        CcpEchoControls c = echo_controls(ctl);
        ccp_echo_reset(echo, &c);
        return;
    }
    ccp_reset(dn);
}

void ccp_run_ports(CcpDenoise *dn, CcpEcho *echo, float *const ctl[CCP_NPORTS],
                   const float *const *in, const float *ref, float *const *out, uint32_t frames)
{
    if (echo) {
        CcpEchoControls e = echo_controls(ctl);
        ccp_echo_run(echo, &e, in[0], ref, out[0], frames);
        if (ctl[CCP_PORT_LATENCY]) /* after the run: the first run() may change the set-up */
            *ctl[CCP_PORT_LATENCY] = (float)ccp_echo_latency(echo);
        return;
    }
    CcpControls c = {
        .atten_db = port(ctl, CCP_PORT_ATTEN, CCP_ATTEN_DEFAULT_DB),
        .engine = port(ctl, CCP_PORT_ENGINE, 0.0f),
        .vad_threshold = port(ctl, CCP_PORT_THRESHOLD, CCP_VAD_THRESHOLD_DEFAULT),
        .hold_ms = port(ctl, CCP_PORT_HOLD, CCP_HOLD_DEFAULT_MS),
        .range_db = port(ctl, CCP_PORT_RANGE, CCP_RANGE_DEFAULT_DB),
    };
    if (ctl[CCP_PORT_LATENCY])
        *ctl[CCP_PORT_LATENCY] = (float)ccp_latency(dn);
    ccp_run(dn, &c, in, out, frames);
}
