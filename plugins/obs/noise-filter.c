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
}

static obs_properties_t *ns_properties(void *data)
{
    UNUSED_PARAMETER(data);
    obs_properties_t *props = obs_properties_create();
    obs_property_t *p = obs_properties_add_list(props, S_METHOD, T_("Method"), OBS_COMBO_TYPE_LIST,
                                                OBS_COMBO_FORMAT_STRING);
    obs_property_list_add_string(p, T_("Method.RNNoise2"), "rnnoise2"); /* the default */
    obs_property_list_add_string(p, T_("Method.RNNoise"), "rnnoise");
    obs_property_list_add_string(p, T_("Method.Speex"), "speex");
    obs_properties_add_float_slider(props, S_STRENGTH, T_("Strength"), 0.0, 1.0, 0.01);
    obs_properties_add_path(props, S_MODEL_PATH, T_("DenoiseModel.Path"), OBS_PATH_FILE,
                            "RNNoise models (*.ccm *.rnnn);;All files (*.*)", NULL);
    return props;
}

/* Opens model + denoiser for the settings; on failure both stay NULL (pass-through). */
static void open_denoiser(struct ns_filter *f, const char *method, const char *model_name,
                          float strength, CcDenoiseModel **model, CcDenoiser **dn)
{
    *model = NULL;
    *dn = NULL;
    CcDenoiserSettings s;
    cc_denoiser_default_settings(&s);
    s.engine = !strcmp(method, "speex") ? CC_DENOISE_SPEEX : CC_DENOISE_RNNOISE;
    s.sample_rate_hz = f->rate_hz;
    s.channels = f->channels;
    s.strength = strength;
    int ret;
    if (s.engine == CC_DENOISE_RNNOISE) {
        char path[4096];
        if ((ret = cc_model_find(model_name, CC_MODEL_DENOISE, path, sizeof(path))) < 0) {
            blog_f(f, LOG_ERROR, "denoiser model '%s' not found (%s); audio passes through "
                   "unchanged. `make models` in the source tree fetches the models.", model_name,
                   cc_strerror(ret));
            return;
        }
        if ((ret = cc_denoise_model_open_file(model, path)) < 0) {
            blog_f(f, LOG_ERROR, "cannot load denoiser model '%s': %s", path, cc_strerror(ret));
            return;
        }
    }
    if ((ret = cc_denoiser_open(dn, *model, &s)) < 0) {
        blog_f(f, LOG_ERROR, "cannot open the %s denoiser at %d Hz, %d channel(s): %s", method,
               f->rate_hz, f->channels, cc_strerror(ret));
        cc_denoise_model_close(model);
    }
}

static void ns_update(void *data, obs_data_t *settings)
{
    struct ns_filter *f = data;
    const char *method = obs_data_get_string(settings, S_METHOD);
    if (strcmp(method, "speex") && strcmp(method, "rnnoise") && strcmp(method, "rnnoise2"))
        method = CC_DENOISE_DEFAULT_MODEL;
    const char *path = obs_data_get_string(settings, S_MODEL_PATH);
    const char *model_name = !strcmp(method, "speex") ? "" : path && *path ? path : method;
    float strength = (float)obs_data_get_double(settings, S_STRENGTH);

    pthread_mutex_lock(&f->mutex);
    bool reopen = !f->dn || strcmp(f->method, method) || strcmp(f->model_name, model_name);
    if (!reopen) {
        if (strength != f->strength)
            cc_denoiser_set_strength(f->dn, strength);
        f->strength = strength;
        pthread_mutex_unlock(&f->mutex);
        return;
    }
    pthread_mutex_unlock(&f->mutex);

    CcDenoiseModel *model;
    CcDenoiser *dn;
    open_denoiser(f, method, model_name, strength, &model, &dn);
    int latency = dn ? cc_denoiser_latency_samples(dn) : 0;

    pthread_mutex_lock(&f->mutex);
    CcDenoiseModel *old_model = f->model;
    CcDenoiser *old_dn = f->dn;
    f->model = model;
    f->dn = dn;
    snprintf(f->method, sizeof(f->method), "%s", method);
    snprintf(f->model_name, sizeof(f->model_name), "%s", model_name);
    f->strength = strength;
    f->latency_samples = latency;
    f->latency_ns = (uint64_t)latency * 1000000000ull / (uint64_t)f->rate_hz;
    pthread_mutex_unlock(&f->mutex);
    cc_denoiser_close(&old_dn);
    cc_denoise_model_close(&old_model);
    if (dn)
        blog_f(f, LOG_INFO, "%s%s%s, strength %.2f, %d Hz, %d channel(s): latency %d samples "
               "(%.1f ms), output timestamps moved back by it", method, *path ? " " : "", path,
               strength, f->rate_hz, f->channels, latency, f->latency_ns / 1e6);
}

static struct obs_audio_data *ns_filter_audio(void *data, struct obs_audio_data *audio)
{
    struct ns_filter *f = data;
    uint32_t n = audio->frames;
    pthread_mutex_lock(&f->mutex);
    if (!f->dn || !n) {
        pthread_mutex_unlock(&f->mutex);
        return audio;
    }
    if (f->next_ts) {
        int64_t diff = (int64_t)audio->timestamp - (int64_t)f->next_ts;
        if (llabs(diff) > 1000000000LL) {
            cc_denoiser_reset(f->dn); /* a new stream: no old audio mixed into it */
            f->resets++;
        }
    }
    f->next_ts = audio->timestamp + (uint64_t)n * 1000000000ull / (uint64_t)f->rate_hz;
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
    calldata_set_bool(cd, "active", f->dn != NULL);
    pthread_mutex_unlock(&f->mutex);
}

static void ns_destroy(void *data)
{
    struct ns_filter *f = data;
    cc_denoiser_close(&f->dn);
    cc_denoise_model_close(&f->model);
    bfree(f->buf);
    pthread_mutex_destroy(&f->mutex);
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
    f->buf_frames = AUDIO_OUTPUT_FRAMES;
    f->buf = bmalloc(sizeof(float) * f->buf_frames * (size_t)f->channels);
    proc_handler_add(obs_source_get_proc_handler(ctx),
                     "void get_stats(out int latency_samples, out int latency_ns, out int resets, "
                     "out bool active)", get_stats, f);
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
};
