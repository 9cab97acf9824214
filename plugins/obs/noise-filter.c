/*
 * "cleancast noise suppression": cleancast's denoiser (RNNoise 0.1 / 0.2, or speexdsp) on an
 * audio source, at OBS's mix rate and channel count.
 *
 * filter_audio runs on the thread that delivers the source's audio. Each packet is denoised
 * in place (the denoiser takes any block size and returns as many frames as it is given,
 * delayed by cc_denoiser_latency_samples()), and its timestamp is moved back by that latency,
 * as OBS's own noise-suppress filter does with its 10 ms: the cleaned sound lands on the
 * timeline where it was captured, so A/V sync holds. A timestamp jump of more than a second
 * (seek, restart, device change) resets the denoiser, as OBS's filter clears its buffers.
 *
 * Settings changes open a new denoiser on the UI thread and swap it in under a mutex that
 * filter_audio holds only while it runs; a strength change is applied glitch-free in place.
 *
 * Echo cancellation, automatic gain and high-pass (issue 16; all off by default, so the
 * filter's defaults stay `cleancast denoise`'s): with any of them on, the filter runs the
 * library's voice chain (CcVoiceProcessor, one per channel) instead of the bare denoiser. OBS
 * gives a filter no far-end pin, so the far end is another source's audio (the "echo
 * reference": desktop audio, i.e. what the speakers play), read with
 * obs_source_add_audio_capture_callback() as OBS's own sidechain filters do. The callback
 * (on the reference's audio thread) records it mono with its timestamps, the last 2 s; for
 * each microphone packet filter_audio takes the reference samples of the same timestamps
 * (silence where there are none) and feeds them before the packet; the rest of the delay is
 * found by the canceller.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <obs-module.h>
#include <media-io/audio-io.h>

#include <cleancast/audio.h>

#include "cleancast-obs.h"

#define FILTER_NAME "cleancast noise suppression"

#define S_METHOD "method"
#define S_STRENGTH "strength"
#define S_MODEL_PATH "model_path"
#define S_ECHO "echo_cancel"
#define S_ECHO_REF "echo_reference"
#define S_AGC "agc"
#define S_HIGH_PASS "high_pass"

/* far-end record: seconds kept, and the jump that restarts it */
#define FAR_KEEP_S 2
#define FAR_RESYNC_NS 20000000LL
/* a mic packet this far from where the last one ended re-anchors the far-end reading */
#define MIC_RESYNC_NS 10000000LL

#define T_(s) obs_module_text(s)

#define blog_f(f, level, fmt, ...) \
    blog(level, "[" FILTER_NAME ": '%s'] " fmt, obs_source_get_name((f)->ctx), ##__VA_ARGS__)

struct ns_filter {
    obs_source_t *ctx;
    int rate_hz, channels;

    pthread_mutex_t mutex;   /* guards everything below against update() */
    CcDenoiseModel *model;
    CcDenoiser *dn;
    char method[16], model_name[1024];
    float strength;
    int latency_samples;
    uint64_t latency_ns;

    float *buf;              /* interleaved, (frames, channels) */
    size_t buf_frames;
    uint64_t next_ts;        /* expected timestamp of the next packet */
    long long resets;

    /* Voice chain (echo / agc / high-pass on): replaces dn. */
    CcVoiceProcessor *vp[8];
    bool echo, agc, high_pass;       /* as applied */
    char ref_name[256];              /* echo reference source, as applied */
    float *far;                      /* scratch for one packet of far end */
    size_t far_frames;
    bool mic_anchored;
    uint64_t mic_t0, mic_pos;        /* timestamp of mic sample 0 since the anchor, count */

    /* The reference source (UI thread; ref_weak also under ref_mutex for the tick). */
    pthread_mutex_t ref_mutex;
    obs_weak_source_t *ref_weak;
    float ref_retry_s;

    /* Far-end record (the reference's audio thread writes, filter_audio reads). */
    pthread_mutex_t far_mutex;
    float *rec;
    size_t rec_len, rec_cap;
    bool rec_have;
    uint64_t rec_t0, rec_dropped;    /* timestamp of record sample 0 before any drop */
    long long far_packets;
};

static const char *ns_get_name(void *unused)
{
    UNUSED_PARAMETER(unused);
    return obs_module_text("CleancastNoise");
}

static void ns_defaults(obs_data_t *s)
{
    /* = `cleancast denoise` with no options: RNNoise 0.2 (CC_DENOISE_DEFAULT_MODEL,
     * "rnnoise2"), strength 1. The method names the model; "rnnoise" keeps RNNoise 0.1. */
    CcDenoiserSettings d;
    cc_denoiser_default_settings(&d);
    obs_data_set_default_string(s, S_METHOD, d.engine == CC_DENOISE_SPEEX ? "speex"
                                                                   : CC_DENOISE_DEFAULT_MODEL);
    obs_data_set_default_double(s, S_STRENGTH, d.strength);
    obs_data_set_default_string(s, S_MODEL_PATH, "");
    obs_data_set_default_bool(s, S_ECHO, false);
    obs_data_set_default_string(s, S_ECHO_REF, "");
    obs_data_set_default_bool(s, S_AGC, false);
    obs_data_set_default_bool(s, S_HIGH_PASS, false);
}

struct ref_list {
    obs_property_t *list;
    obs_source_t *parent;
};

/* The echo reference list: every audio source but the one this filter is on. */
static bool add_ref_source(void *param, obs_source_t *src)
{
    struct ref_list *rl = param;
    const char *name = obs_source_get_name(src);
    if (src != rl->parent && name && *name && (obs_source_get_output_flags(src) & OBS_SOURCE_AUDIO))
        obs_property_list_add_string(rl->list, name, name);
    return true;
}

static obs_properties_t *ns_properties(void *data)
{
    obs_properties_t *props = obs_properties_create();
    obs_property_t *p = obs_properties_add_list(props, S_METHOD, T_("Method"), OBS_COMBO_TYPE_LIST,
                                                OBS_COMBO_FORMAT_STRING);
    obs_property_list_add_string(p, T_("Method.RNNoise2"), "rnnoise2"); /* the default */
    obs_property_list_add_string(p, T_("Method.RNNoise"), "rnnoise");
    obs_property_list_add_string(p, T_("Method.Speex"), "speex");
    obs_properties_add_float_slider(props, S_STRENGTH, T_("Strength"), 0.0, 1.0, 0.01);
    obs_properties_add_path(props, S_MODEL_PATH, T_("DenoiseModel.Path"), OBS_PATH_FILE,
                            "RNNoise models (*.ccm *.rnnn);;All files (*.*)", NULL);
    obs_properties_add_bool(props, S_ECHO, T_("EchoCancel"));
    p = obs_properties_add_list(props, S_ECHO_REF, T_("EchoReference"), OBS_COMBO_TYPE_LIST,
                                OBS_COMBO_FORMAT_STRING);
    obs_property_list_add_string(p, T_("EchoReference.None"), "");
    struct ref_list rl = { p, data ? obs_filter_get_parent(((struct ns_filter *)data)->ctx) : NULL };
    obs_enum_sources(add_ref_source, &rl);
    obs_properties_add_bool(props, S_AGC, T_("AutomaticGain"));
    obs_properties_add_bool(props, S_HIGH_PASS, T_("HighPass"));
    return props;
}

/* Opens model + denoiser for the settings; on failure both stay NULL (pass-through). */
/* The processors one settings set needs; on failure all stay NULL (pass-through). */
typedef struct Chain {
    CcDenoiseModel *model;
    CcDenoiser *dn;
    CcVoiceProcessor *vp[8];
    int latency;
} Chain;

typedef struct Wanted {
    const char *method, *model_name;
    float strength;
    bool echo, agc, high_pass;
} Wanted;

static bool wants_voice(const Wanted *w) { return w->echo || w->agc || w->high_pass; }

static void chain_close(Chain *c)
{
    cc_denoiser_close(&c->dn);
    for (int i = 0; i < 8; i++)
        cc_voice_close(&c->vp[i]);
    cc_denoise_model_close(&c->model);
}

static void open_chain(struct ns_filter *f, const Wanted *w, Chain *c)
{
    memset(c, 0, sizeof(*c));
    CcDenoiseEngine engine = !strcmp(w->method, "speex") ? CC_DENOISE_SPEEX : CC_DENOISE_RNNOISE;
    int ret;
    if (engine == CC_DENOISE_RNNOISE) {
        char path[4096];
        if ((ret = cc_model_find(w->model_name, CC_MODEL_DENOISE, path, sizeof(path))) < 0) {
            blog_f(f, LOG_ERROR, "denoiser model '%s' not found (%s); audio passes through "
                   "unchanged. `make models` in the source tree fetches the models.",
                   w->model_name, cc_strerror(ret));
            return;
        }
        if ((ret = cc_denoise_model_open_file(&c->model, path)) < 0) {
            blog_f(f, LOG_ERROR, "cannot load denoiser model '%s': %s", path, cc_strerror(ret));
            return;
        }
    }
    if (wants_voice(w)) {
        /* high-pass, echo cancellation, the same denoiser, AGC: one mono chain per channel */
        CcVoiceSettings vs;
        cc_voice_default_settings(&vs);
        vs.sample_rate_hz = f->rate_hz;
        vs.far_channels = 1;
        vs.echo_cancel = w->echo;
        vs.agc = w->agc;
        vs.high_pass = w->high_pass;
        vs.noise_suppress = 1;
        vs.denoise_engine = engine;
        vs.denoise_strength = w->strength;
        for (int i = 0; i < f->channels; i++) {
            if ((ret = cc_voice_open(&c->vp[i], c->model, &vs)) < 0) {
                blog_f(f, LOG_ERROR, "cannot open the voice chain (echo %d, agc %d, high-pass "
                       "%d) at %d Hz: %s%s; audio passes through unchanged", w->echo, w->agc,
                       w->high_pass, f->rate_hz, cc_strerror(ret), ret == CC_ERR_UNSUPPORTED ?
                       " (echo cancellation needs a sample rate that is a multiple of 100 Hz: "
                       "set OBS's to 48 kHz or 44.1 kHz)" : "");
                chain_close(c);
                return;
            }
        }
        c->latency = cc_voice_latency_samples(c->vp[0]);
        return;
    }
    CcDenoiserSettings s;
    cc_denoiser_default_settings(&s);
    s.engine = engine;
    s.sample_rate_hz = f->rate_hz;
    s.channels = f->channels;
    s.strength = w->strength;
    if ((ret = cc_denoiser_open(&c->dn, c->model, &s)) < 0) {
        blog_f(f, LOG_ERROR, "cannot open the %s denoiser at %d Hz, %d channel(s): %s", w->method,
               f->rate_hz, f->channels, cc_strerror(ret));
        chain_close(c);
        return;
    }
    c->latency = cc_denoiser_latency_samples(c->dn);
}

/* ------------------------------------------------------------------ echo reference */

/* The reference's audio thread: record the far end, mixed to mono, with its timestamps. */
static void far_capture(void *param, obs_source_t *source, const struct audio_data *d, bool muted)
{
    /* Muted in OBS's mixer still plays on the speakers: recorded all the same. */
    UNUSED_PARAMETER(source);
    UNUSED_PARAMETER(muted);
    struct ns_filter *f = param;
    uint32_t n = d->frames;
    if (!n)
        return;
    pthread_mutex_lock(&f->far_mutex);
    const uint64_t rate = (uint64_t)f->rate_hz;
    if (f->rec_have) {
        uint64_t end = f->rec_t0 + (f->rec_dropped + f->rec_len) * 1000000000ull / rate;
        int64_t diff = (int64_t)d->timestamp - (int64_t)end;
        if (diff > FAR_RESYNC_NS && diff < 1000000000LL) {
            /* a gap: nothing was played meanwhile */
            size_t gap = (size_t)((uint64_t)diff * rate / 1000000000ull);
            if (gap >= f->rec_cap) {
                f->rec_have = false;
            } else {
                if (f->rec_len + gap > f->rec_cap) {
                    size_t drop = f->rec_len + gap - f->rec_cap;
                    memmove(f->rec, f->rec + drop, (f->rec_len - drop) * sizeof(float));
                    f->rec_len -= drop;
                    f->rec_dropped += drop;
                }
                memset(f->rec + f->rec_len, 0, gap * sizeof(float));
                f->rec_len += gap;
            }
        } else if (diff > FAR_RESYNC_NS || diff < -FAR_RESYNC_NS) {
            f->rec_have = false;
        }
    }
    if (!f->rec_have) {
        f->rec_have = true;
        f->rec_t0 = d->timestamp;
        f->rec_len = 0;
        f->rec_dropped = 0;
    }
    size_t add = n < f->rec_cap ? n : f->rec_cap, skip = n - add;
    f->rec_dropped += skip;
    size_t keep = f->rec_len < f->rec_cap - add ? f->rec_len : f->rec_cap - add;
    if (keep < f->rec_len) {
        memmove(f->rec, f->rec + (f->rec_len - keep), keep * sizeof(float));
        f->rec_dropped += f->rec_len - keep;
        f->rec_len = keep;
    }
    int planes = 0;
    for (int c = 0; c < f->channels; c++)
        planes += d->data[c] != NULL;
    float *dst = f->rec + f->rec_len;
    memset(dst, 0, add * sizeof(float));
    for (int c = 0; c < f->channels; c++) {
        const float *src = (const float *)d->data[c];
        if (!src)
            continue;
        for (size_t i = 0; i < add; i++)
            dst[i] += src[skip + i];
    }
    if (planes > 1)
        for (size_t i = 0; i < add; i++)
            dst[i] /= (float)planes;
    f->rec_len += add;
    f->far_packets++;
    pthread_mutex_unlock(&f->far_mutex);
}

/* The far end played from timestamp t0 + pos samples, n samples (silence where none). */
static void far_read(struct ns_filter *f, uint64_t t0, uint64_t pos, float *out, size_t n)
{
    memset(out, 0, n * sizeof(float));
    pthread_mutex_lock(&f->far_mutex);
    if (f->rec_have && f->rec_len) {
        const double rate = f->rate_hz;
        int64_t off = (int64_t)llround(((double)t0 - (double)f->rec_t0) * rate / 1e9) +
                      (int64_t)pos - (int64_t)f->rec_dropped;
        for (size_t i = 0; i < n; i++) {
            int64_t j = off + (int64_t)i;
            if (j >= 0 && j < (int64_t)f->rec_len)
                out[i] = f->rec[j];
        }
    }
    pthread_mutex_unlock(&f->far_mutex);
}

/* UI or graphics thread, ref_mutex held. */
static void ref_detach(struct ns_filter *f)
{
    if (!f->ref_weak)
        return;
    obs_source_t *src = obs_weak_source_get_source(f->ref_weak);
    if (src) {
        obs_source_remove_audio_capture_callback(src, far_capture, f);
        obs_source_release(src);
    }
    obs_weak_source_release(f->ref_weak);
    f->ref_weak = NULL;
    pthread_mutex_lock(&f->far_mutex);
    f->rec_have = false;
    pthread_mutex_unlock(&f->far_mutex);
}

/* ref_mutex held. True when attached (or nothing to attach). */
static bool ref_attach(struct ns_filter *f, const char *name, bool log_missing)
{
    if (f->ref_weak || !*name)
        return true;
    obs_source_t *src = obs_get_source_by_name(name);
    if (!src) {
        if (log_missing)
            blog_f(f, LOG_WARNING, "echo reference '%s' not found (yet): no echo is cancelled "
                   "until it exists", name);
        return false;
    }
    if (src == obs_filter_get_parent(f->ctx)) {
        blog_f(f, LOG_WARNING, "echo reference '%s' is the filtered source itself: ignored", name);
        obs_source_release(src);
        return true;
    }
    f->ref_weak = obs_source_get_weak_source(src);
    obs_source_add_audio_capture_callback(src, far_capture, f);
    obs_source_release(src);
    blog_f(f, LOG_INFO, "echo reference: '%s'", name);
    return true;
}

/* Graphics thread: a reference named before it existed (scene loading), or removed and
   created again (a device re-added), is looked up again. */
static void ns_tick(void *data, float seconds)
{
    struct ns_filter *f = data;
    pthread_mutex_lock(&f->ref_mutex);
    if (f->ref_weak && obs_weak_source_expired(f->ref_weak))
        ref_detach(f);
    if (f->echo && f->ref_name[0] && !f->ref_weak) {
        f->ref_retry_s -= seconds;
        if (f->ref_retry_s <= 0) {
            f->ref_retry_s = 1.0f;
            ref_attach(f, f->ref_name, false);
        }
    }
    pthread_mutex_unlock(&f->ref_mutex);
}

/* ------------------------------------------------------------------ settings */

static void ns_update(void *data, obs_data_t *settings)
{
    struct ns_filter *f = data;
    Wanted w;
    w.method = obs_data_get_string(settings, S_METHOD);
    if (strcmp(w.method, "speex") && strcmp(w.method, "rnnoise") && strcmp(w.method, "rnnoise2"))
        w.method = CC_DENOISE_DEFAULT_MODEL;
    const char *path = obs_data_get_string(settings, S_MODEL_PATH);
    w.model_name = !strcmp(w.method, "speex") ? "" : path && *path ? path : w.method;
    w.strength = (float)obs_data_get_double(settings, S_STRENGTH);
    w.echo = obs_data_get_bool(settings, S_ECHO);
    w.agc = obs_data_get_bool(settings, S_AGC);
    w.high_pass = obs_data_get_bool(settings, S_HIGH_PASS);
    const char *ref = w.echo ? obs_data_get_string(settings, S_ECHO_REF) : "";
    if (!ref)
        ref = "";

    /* the reference source first (outside the processing lock: the capture callback takes
       only far_mutex) */
    pthread_mutex_lock(&f->ref_mutex);
    if (strcmp(ref, f->ref_name)) {
        ref_detach(f);
        snprintf(f->ref_name, sizeof(f->ref_name), "%s", ref);
    }
    if (w.echo && !*ref)
        blog_f(f, LOG_WARNING, "echo cancellation is on but no echo reference is chosen: "
               "nothing to cancel");
    ref_attach(f, f->ref_name, true);
    f->ref_retry_s = 1.0f;
    pthread_mutex_unlock(&f->ref_mutex);

    pthread_mutex_lock(&f->mutex);
    bool active = f->dn || f->vp[0];
    bool reopen = !active || strcmp(f->method, w.method) || strcmp(f->model_name, w.model_name) ||
                  f->echo != w.echo || f->agc != w.agc || f->high_pass != w.high_pass ||
                  (f->vp[0] && f->strength != w.strength);
    if (!reopen) {
        if (w.strength != f->strength && f->dn)
            cc_denoiser_set_strength(f->dn, w.strength);
        f->strength = w.strength;
        pthread_mutex_unlock(&f->mutex);
        return;
    }
    pthread_mutex_unlock(&f->mutex);

    Chain c;
    open_chain(f, &w, &c);

    pthread_mutex_lock(&f->mutex);
    Chain old = { .model = f->model, .dn = f->dn };
    memcpy(old.vp, f->vp, sizeof(old.vp));
    f->model = c.model;
    f->dn = c.dn;
    memcpy(f->vp, c.vp, sizeof(f->vp));
    snprintf(f->method, sizeof(f->method), "%s", w.method);
    snprintf(f->model_name, sizeof(f->model_name), "%s", w.model_name);
    f->strength = w.strength;
    f->echo = w.echo;
    f->agc = w.agc;
    f->high_pass = w.high_pass;
    f->latency_samples = c.latency;
    f->latency_ns = (uint64_t)c.latency * 1000000000ull / (uint64_t)f->rate_hz;
    f->mic_anchored = false;
    pthread_mutex_unlock(&f->mutex);
    chain_close(&old);
    if (c.dn || c.vp[0])
        blog_f(f, LOG_INFO, "%s%s%s, strength %.2f%s%s%s, %d Hz, %d channel(s): latency %d "
               "samples (%.1f ms), output timestamps moved back by it", w.method,
               *path ? " " : "", path, w.strength, w.echo ? ", echo cancellation" : "",
               w.agc ? ", automatic gain" : "", w.high_pass ? ", high-pass" : "", f->rate_hz,
               f->channels, c.latency, f->latency_ns / 1e6);
}

/* ------------------------------------------------------------------ audio */

static struct obs_audio_data *ns_filter_audio(void *data, struct obs_audio_data *audio)
{
    struct ns_filter *f = data;
    uint32_t n = audio->frames;
    pthread_mutex_lock(&f->mutex);
    if ((!f->dn && !f->vp[0]) || !n) {
        pthread_mutex_unlock(&f->mutex);
        return audio;
    }
    if (f->next_ts) {
        int64_t diff = (int64_t)audio->timestamp - (int64_t)f->next_ts;
        if (llabs(diff) > 1000000000LL) {
            /* a new stream: no old audio mixed into it */
            if (f->dn)
                cc_denoiser_reset(f->dn);
            for (int c = 0; c < 8; c++)
                if (f->vp[c])
                    cc_voice_reset(f->vp[c]);
            f->resets++;
        }
    }
    f->next_ts = audio->timestamp + (uint64_t)n * 1000000000ull / (uint64_t)f->rate_hz;
    if (f->vp[0]) {
        /* Voice chain, planar as OBS gives it: far end of the same timestamps, then the mic. */
        if (f->echo) {
            if (n > f->far_frames) {
                bfree(f->far);
                f->far = bmalloc(sizeof(float) * n);
                f->far_frames = n;
            }
            uint64_t expect = f->mic_t0 + f->mic_pos * 1000000000ull / (uint64_t)f->rate_hz;
            if (!f->mic_anchored ||
                llabs((int64_t)audio->timestamp - (int64_t)expect) > MIC_RESYNC_NS) {
                f->mic_t0 = audio->timestamp;
                f->mic_pos = 0;
                f->mic_anchored = true;
            }
            far_read(f, f->mic_t0, f->mic_pos, f->far, n);
            f->mic_pos += n;
        }
        for (int c = 0; c < f->channels; c++) {
            float *x = (float *)audio->data[c];
            if (!f->vp[c])
                continue;
            if (f->echo)
                cc_voice_far(f->vp[c], f->far, (int)n);
            if (x)
                cc_voice_process(f->vp[c], x, x, (int)n);
        }
        audio->timestamp -= f->latency_ns;
        pthread_mutex_unlock(&f->mutex);
        return audio;
    }
    if (n > f->buf_frames) {
        /* Only when a source sends a larger packet than any before (OBS: usually <= 1024). */
        bfree(f->buf);
        f->buf = bmalloc(sizeof(float) * n * (size_t)f->channels);
        f->buf_frames = n;
    }
    const int ch = f->channels;
    for (int c = 0; c < ch; c++) {
        const float *src = (const float *)audio->data[c];
        if (!src)
            continue;
        for (uint32_t i = 0; i < n; i++)
            f->buf[(size_t)i * ch + c] = src[i];
    }
    cc_denoiser_process(f->dn, f->buf, f->buf, (int)n);
    for (int c = 0; c < ch; c++) {
        float *dst = (float *)audio->data[c];
        if (!dst)
            continue;
        for (uint32_t i = 0; i < n; i++)
            dst[i] = f->buf[(size_t)i * ch + c];
    }
    /* The sound now in this packet was captured latency earlier: say so. */
    audio->timestamp -= f->latency_ns;
    pthread_mutex_unlock(&f->mutex);
    return audio;
}

static void get_stats(void *data, calldata_t *cd)
{
    struct ns_filter *f = data;
    pthread_mutex_lock(&f->mutex);
    calldata_set_int(cd, "latency_samples", f->latency_samples);
    calldata_set_int(cd, "latency_ns", (long long)f->latency_ns);
    calldata_set_int(cd, "resets", f->resets);
    calldata_set_bool(cd, "active", f->dn != NULL || f->vp[0] != NULL);
    calldata_set_bool(cd, "voice", f->vp[0] != NULL);
    CcVoiceStats st = { .echo_delay_ms = -1 };
    if (f->vp[0])
        cc_voice_stats(f->vp[0], &st);
    calldata_set_int(cd, "echo_delay_ms", st.echo_delay_ms);
    calldata_set_float(cd, "erle_db", st.erle_db);
    calldata_set_float(cd, "agc_gain_db", st.agc_gain_db);
    pthread_mutex_unlock(&f->mutex);
    pthread_mutex_lock(&f->ref_mutex);
    calldata_set_bool(cd, "reference", f->ref_weak && !obs_weak_source_expired(f->ref_weak));
    pthread_mutex_unlock(&f->ref_mutex);
    pthread_mutex_lock(&f->far_mutex);
    calldata_set_int(cd, "far_packets", f->far_packets);
    pthread_mutex_unlock(&f->far_mutex);
}

static void ns_destroy(void *data)
{
    struct ns_filter *f = data;
    pthread_mutex_lock(&f->ref_mutex);
    ref_detach(f); /* no capture callback runs after this */
    pthread_mutex_unlock(&f->ref_mutex);
    Chain c = { .model = f->model, .dn = f->dn };
    memcpy(c.vp, f->vp, sizeof(c.vp));
    chain_close(&c);
    bfree(f->buf);
    bfree(f->far);
    bfree(f->rec);
    pthread_mutex_destroy(&f->mutex);
    pthread_mutex_destroy(&f->ref_mutex);
    pthread_mutex_destroy(&f->far_mutex);
    bfree(f);
}

static void *ns_create(obs_data_t *settings, obs_source_t *ctx)
{
    struct ns_filter *f = bzalloc(sizeof(*f));
    f->ctx = ctx;
    f->rate_hz = (int)audio_output_get_sample_rate(obs_get_audio());
    f->channels = (int)audio_output_get_channels(obs_get_audio());
    if (f->channels > 8)
        f->channels = 8; /* the denoiser's limit; OBS's layouts stop at 8 (7.1) */
    pthread_mutex_init(&f->mutex, NULL);
    pthread_mutex_init(&f->ref_mutex, NULL);
    pthread_mutex_init(&f->far_mutex, NULL);
    f->buf_frames = AUDIO_OUTPUT_FRAMES;
    f->buf = bmalloc(sizeof(float) * f->buf_frames * (size_t)f->channels);
    f->rec_cap = (size_t)f->rate_hz * FAR_KEEP_S;
    f->rec = bmalloc(sizeof(float) * f->rec_cap);
    proc_handler_add(obs_source_get_proc_handler(ctx),
                     "void get_stats(out int latency_samples, out int latency_ns, out int resets, "
                     "out bool active, out bool voice, out int echo_delay_ms, out float erle_db, "
                     "out float agc_gain_db, out bool reference, out int far_packets)",
                     get_stats, f);
    ns_update(f, settings);
    return f;
}

struct obs_source_info cleancast_noise_filter = {
    .id = "cleancast_noise_filter",
    .type = OBS_SOURCE_TYPE_FILTER,
    .output_flags = OBS_SOURCE_AUDIO,
    .get_name = ns_get_name,
    .create = ns_create,
    .destroy = ns_destroy,
    .get_defaults = ns_defaults,
    .get_properties = ns_properties,
    .update = ns_update,
    .filter_audio = ns_filter_audio,
    .video_tick = ns_tick,
};
