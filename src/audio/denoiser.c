/*
 * The public denoiser (audio.h): edge conversion, resampling, framing, strength, bypass.
 *
 *   in (stream rate, +-1, interleaved)
 *     -> sanitize (NaN/Inf -> 0, clamp +-4), x32768, deinterleave        [chunks <= CHUNK]
 *     -> resample to the engine rate (speexdsp, or resample.c without it; only when
 *        the rates differ)
 *     -> 10 ms frames per channel: RNNoise (48 kHz, 480) or speex preprocess (int16)
 *     -> resample back -> output FIFO primed with `prime` zeros
 *     -> mix with the dry input delayed by the same latency (strength 0 = dry exactly)
 *
 * Each stage consumes everything it is given and its output sequence depends only on its
 * input sequence, so the result does not depend on the caller's block size; the FIFO's
 * zeros cover the worst case between "input received" and "frame complete".
 * Latency = prime + resampler delays + the engine's own delay: one frame (overlap-add) for
 * RNNoise 0.1 and speex, two for RNNoise 0.2 (its gains shape the previous frame).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "cleancast/audio.h"
#include "audio/model/rnn2model.h"
#include "audio/model/rnnmodel.h"
#include "audio/resample.h"
#include "audio/rnn2.h"
#include "audio/rnnoise.h"
#include "common.h"

#if CC_HAVE_SPEEXDSP
#include <speex/speex_preprocess.h>
#include <speex/speex_resampler.h>
#endif

#define MAX_CHANNELS 8
#define CHUNK 256          /* stream frames handled per inner step */
#define SCALE 32768.0f     /* +-1 float <-> int16 scale of the engines */
#define CLAMP_IN 4.0f
#define RESAMPLE_QUALITY 5 /* speexdsp "desktop" */
#define ENGINE_RATE_RNN 48000

struct CcDenoiseModel {
    CcRnnModel *rnn;
    CcRnn2Model *rnn2; /* an RNNoise 0.2 model instead of rnn */
    CcRnnNet net;      /* float copy for inference */
    CcRnnBands bands;  /* band weight tables, shared by every stream of this model */
};

struct CcDenoiser {
    CcDenoiserSettings s;
    const CcDenoiseModel *model;
    int channels, rate;
    int engine_rate, frame;       /* engine's rate and 10 ms frame */
    float strength, gain_floor;
    float mix;                    /* 0 = dry .. 1 = processed, ramps at 1/frame per sample */
    CcRnnKernels k;
    CcRnn2Kernels k2;
    CcRnnoise *rn[MAX_CHANNELS];
    CcRnnoise2 *rn2[MAX_CHANNELS]; /* instead of rn with an RNNoise 0.2 model */
#if CC_HAVE_SPEEXDSP
    SpeexPreprocessState *sp[MAX_CHANNELS];
    SpeexResamplerState *rs_in[MAX_CHANNELS], *rs_out[MAX_CHANNELS]; /* mono each */
    int16_t *pcm16;               /* (frame) */
#else
    CcResampler *rs_in, *rs_out;  /* (channels) our own, when there is no speexdsp */
#endif
    int resampled;                /* stream rate != engine rate */
    /* per-channel work, (channel, capacity) */
    float *cin;                   /* (ch, CHUNK) deinterleaved, int16 scale */
    float *eng_in;                /* (ch, eng_cap) engine-rate samples, frame accumulator */
    int eng_n, eng_cap;
    float *eng_out;               /* (ch, eng_cap) processed engine-rate samples */
    float *res_out;               /* (ch, res_cap) back at the stream rate */
    int res_cap;
    /* interleaved rings at the stream rate */
    float *fifo;                  /* (fifo_cap, ch) processed output */
    int fifo_cap, fifo_r, fifo_n;
    float *dry;                   /* (latency, ch) delay line of the sanitized input */
    int dry_len, dry_pos;
    int prime, latency, flushed;
    float vad;
    int warned_nan, warned_state, warned_underflow;
};

/* ------------------------------------------------------------------ model */

int cc_denoise_model_open_buffer(CcDenoiseModel **out, const uint8_t *buf, size_t size)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    if (!buf)
        return CC_ERR(EINVAL);
    CcDenoiseModel *m = cc_calloc(1, sizeof(*m));
    if (!m)
        return CC_ERR(ENOMEM);
    int ret = cc_rnn_model_kind(buf, size);
    if (ret == 2) {
        ret = cc_rnn2_model_load(&m->rnn2, buf, size);
        if (ret >= 0 && (ret = cc_rnn2_net_check(m->rnn2)) < 0)
            cc_rnn2_model_free(&m->rnn2);
        if (ret < 0) {
            free(m);
            return ret;
        }
        *out = m;
        return 0;
    }
    if (ret >= 0)
        ret = cc_rnn_model_load_any(&m->rnn, buf, size);
    cc_rnn_bands_init(&m->bands);
    if (ret >= 0 && (ret = cc_rnn_net_init(&m->net, m->rnn)) < 0)
        cc_rnn_model_free(&m->rnn);
    if (ret < 0) {
        free(m);
        return ret;
    }
    *out = m;
    return 0;
}

int cc_denoise_model_open_file(CcDenoiseModel **out, const char *path)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    if (!path)
        return CC_ERR(EINVAL);
    uint8_t *buf;
    size_t size;
    int ret = cc_read_file(path, &buf, &size);
    if (ret < 0)
        return ret;
    ret = cc_denoise_model_open_buffer(out, buf, size);
    if (ret < 0)
        cc_log(CC_LOG_ERROR, "rnnoise model: %s could not be loaded", path);
    free(buf);
    return ret;
}

int cc_denoise_model_kind(const CcDenoiseModel *m)
{
    if (!m)
        return CC_ERR(EINVAL);
    return m->rnn2 ? CC_DENOISE_MODEL_RNNOISE_0_2 : CC_DENOISE_MODEL_RNNOISE_0_1;
}

void cc_denoise_model_close(CcDenoiseModel **m)
{
    if (!m || !*m)
        return;
    cc_rnn_net_free(&(*m)->net);
    cc_rnn_model_free(&(*m)->rnn);
    cc_rnn2_model_free(&(*m)->rnn2);
    free(*m);
    *m = NULL;
}

/* ------------------------------------------------------------------ settings */

void cc_denoiser_default_settings(CcDenoiserSettings *s)
{
    if (!s)
        return;
    memset(s, 0, sizeof(*s));
    s->engine = CC_DENOISE_RNNOISE;
    s->sample_rate_hz = 48000;
    s->channels = 1;
    s->strength = 1.0f;
}

static float floor_of(float strength)
{
    if (strength >= 1.0f)
        return 0.0f;
    return powf(10.0f, -strength * CC_DENOISE_MAX_ATTEN_DB / 20.0f);
}

static float clamp_strength(float s)
{
    if (!(s >= 0.0f)) /* also NaN */
        return 0.0f;
    return s > 1.0f ? 1.0f : s;
}

#if CC_HAVE_SPEEXDSP
static void speex_apply_strength(CcDenoiser *d)
{
    int db = -(int)lrintf(d->strength * CC_DENOISE_MAX_ATTEN_DB);
    for (int c = 0; c < d->channels; c++)
        if (d->sp[c])
            speex_preprocess_ctl(d->sp[c], SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &db);
}
#endif

void cc_denoiser_set_strength(CcDenoiser *d, float strength)
{
    if (!d)
        return;
    d->strength = clamp_strength(strength);
    d->gain_floor = floor_of(d->strength);
#if CC_HAVE_SPEEXDSP
    if (d->s.engine == CC_DENOISE_SPEEX)
        speex_apply_strength(d);
#endif
}

/* ------------------------------------------------------------------ open / close */

void cc_denoiser_close(CcDenoiser **pd)
{
    if (!pd || !*pd)
        return;
    CcDenoiser *d = *pd;
    for (int c = 0; c < MAX_CHANNELS; c++) {
        if (d->rn[c]) {
            cc_rnnoise_free(d->rn[c]);
            cc_free_aligned(d->rn[c]);
        }
        if (d->rn2[c]) {
            cc_rnnoise2_free(d->rn2[c]);
            cc_free_aligned(d->rn2[c]);
        }
#if CC_HAVE_SPEEXDSP
        if (d->sp[c])
            speex_preprocess_state_destroy(d->sp[c]);
#endif
    }
#if CC_HAVE_SPEEXDSP
    for (int c = 0; c < MAX_CHANNELS; c++) {
        if (d->rs_in[c])
            speex_resampler_destroy(d->rs_in[c]);
        if (d->rs_out[c])
            speex_resampler_destroy(d->rs_out[c]);
    }
    free(d->pcm16);
#else
    for (int c = 0; c < MAX_CHANNELS && d->rs_in; c++) {
        cc_resampler_free(&d->rs_in[c]);
        cc_resampler_free(&d->rs_out[c]);
    }
    free(d->rs_in);
    free(d->rs_out);
#endif
    free(d->cin);
    free(d->eng_in);
    free(d->eng_out);
    free(d->res_out);
    free(d->fifo);
    free(d->dry);
    free(d);
    *pd = NULL;
}

#if CC_HAVE_SPEEXDSP
static int open_speex_states(CcDenoiser *d)
{
    for (int c = 0; c < d->channels; c++) {
        d->sp[c] = speex_preprocess_state_init(d->frame, d->engine_rate);
        if (!d->sp[c])
            return CC_ERR(ENOMEM);
        int on = 1, off = 0;
        speex_preprocess_ctl(d->sp[c], SPEEX_PREPROCESS_SET_DENOISE, &on);
        speex_preprocess_ctl(d->sp[c], SPEEX_PREPROCESS_SET_AGC, &off);
        speex_preprocess_ctl(d->sp[c], SPEEX_PREPROCESS_SET_DEREVERB, &off);
    }
    speex_apply_strength(d);
    return 0;
}
#endif

int cc_denoiser_open(CcDenoiser **out, const CcDenoiseModel *model, const CcDenoiserSettings *s)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    if (!s) {
        cc_log(CC_LOG_ERROR, "denoiser: no settings");
        return CC_ERR(EINVAL);
    }
    if (s->engine != CC_DENOISE_RNNOISE && s->engine != CC_DENOISE_SPEEX) {
        cc_log(CC_LOG_ERROR, "denoiser: unknown engine %d", (int)s->engine);
        return CC_ERR(EINVAL);
    }
    if (s->sample_rate_hz < 8000 || s->sample_rate_hz > 192000) {
        cc_log(CC_LOG_ERROR, "denoiser: sample rate %d Hz outside 8000..192000",
               s->sample_rate_hz);
        return CC_ERR(EINVAL);
    }
    if (s->channels < 1 || s->channels > MAX_CHANNELS) {
        cc_log(CC_LOG_ERROR, "denoiser: %d channels outside 1..%d", s->channels, MAX_CHANNELS);
        return CC_ERR(EINVAL);
    }
    if (s->engine == CC_DENOISE_RNNOISE && (!model || (!model->rnn && !model->rnn2))) {
        cc_log(CC_LOG_ERROR, "denoiser: the rnnoise engine needs a model");
        return CC_ERR(EINVAL);
    }
#if !CC_HAVE_SPEEXDSP
    if (s->engine == CC_DENOISE_SPEEX) {
        cc_log(CC_LOG_ERROR, "denoiser: this build has no speexdsp");
        return CC_ERR(ENOSYS);
    }
#endif
    CcDenoiser *d = cc_calloc(1, sizeof(*d));
    if (!d)
        return CC_ERR(ENOMEM);
    int ret = CC_ERR(ENOMEM);
    d->s = *s;
    d->model = model;
    d->channels = s->channels;
    d->rate = s->sample_rate_hz;
    if (s->engine == CC_DENOISE_RNNOISE) {
        d->engine_rate = ENGINE_RATE_RNN;
        d->frame = CC_RNN_FRAME;
    } else {
        d->engine_rate = CC_MIN(d->rate, 48000);
        d->frame = d->engine_rate / 100;
    }
    int ch = d->channels;
    int resample = d->engine_rate != d->rate;
    /* Engine-rate samples per CHUNK stream frames, with slack for the resampler. */
    int eng_per_chunk = (int)(((int64_t)CHUNK * d->engine_rate + d->rate - 1) / d->rate) + 8;
    d->eng_cap = d->frame + eng_per_chunk;
    d->res_cap = (int)(((int64_t)d->eng_cap * d->rate + d->engine_rate - 1) / d->engine_rate) + 8;
    int lat_res = 0;
    if (resample) {
        d->prime = (int)(((int64_t)(d->frame + 1) * d->rate + d->engine_rate - 1) /
                         d->engine_rate) + 2;
#if CC_HAVE_SPEEXDSP
        /* One mono resampler per channel: speexdsp's multichannel state gave output that
           depended on the block size (seen with 2 and 3 channels at 44.1 kHz). */
        int err = 0;
        for (int c = 0; c < ch; c++) {
            d->rs_in[c] = speex_resampler_init(1, (spx_uint32_t)d->rate,
                                               (spx_uint32_t)d->engine_rate, RESAMPLE_QUALITY,
                                               &err);
            d->rs_out[c] = speex_resampler_init(1, (spx_uint32_t)d->engine_rate,
                                                (spx_uint32_t)d->rate, RESAMPLE_QUALITY, &err);
            if (!d->rs_in[c] || !d->rs_out[c])
                goto fail;
        }
        lat_res = speex_resampler_get_input_latency(d->rs_in[0]) +
                  speex_resampler_get_output_latency(d->rs_out[0]);
#else
        d->rs_in = cc_calloc((size_t)MAX_CHANNELS, sizeof(CcResampler));
        d->rs_out = cc_calloc((size_t)MAX_CHANNELS, sizeof(CcResampler));
        if (!d->rs_in || !d->rs_out)
            goto fail;
        for (int c = 0; c < ch; c++) {
            ret = cc_resampler_init(&d->rs_in[c], d->rate, d->engine_rate, CHUNK);
            if (ret >= 0)
                ret = cc_resampler_init(&d->rs_out[c], d->engine_rate, d->rate, d->eng_cap);
            if (ret < 0)
                goto fail;
        }
        ret = CC_ERR(ENOMEM);
        /* delays in output samples: the first converted back to stream samples */
        lat_res = (int)lrint(d->rs_in[0].delay_out * d->rate / d->engine_rate +
                             d->rs_out[0].delay_out);
#endif
        d->resampled = 1;
    } else {
        d->prime = d->frame - 1;
    }
    /* The engine's delay at the engine rate (one frame of overlap-add; RNNoise 0.2 one more),
       in stream samples (rounded). */
    int delay_eng = d->frame * (s->engine == CC_DENOISE_RNNOISE && model->rnn2 ? 2 : 1);
    int lat_alg = (int)(((int64_t)delay_eng * d->rate + d->engine_rate / 2) / d->engine_rate);
    d->latency = d->prime + lat_res + lat_alg;
    d->fifo_cap = d->prime + d->res_cap + CHUNK + 8;
    d->dry_len = d->latency;

    d->cin = cc_calloc((size_t)ch * CHUNK, sizeof(float));
    d->eng_in = cc_calloc((size_t)ch * d->eng_cap, sizeof(float));
    d->eng_out = cc_calloc((size_t)ch * d->eng_cap, sizeof(float));
    d->res_out = cc_calloc((size_t)ch * d->res_cap, sizeof(float));
    d->fifo = cc_calloc((size_t)ch * d->fifo_cap, sizeof(float));
    d->dry = cc_calloc((size_t)ch * d->dry_len, sizeof(float));
    if (!d->cin || !d->eng_in || !d->eng_out || !d->res_out || !d->fifo || !d->dry)
        goto fail;
    if (s->engine == CC_DENOISE_RNNOISE && model->rnn2) {
        cc_rnn_kernels_init(&d->k);
        cc_rnn2_kernels_init(&d->k2);
        for (int c = 0; c < ch; c++) {
            d->rn2[c] = cc_alloc_aligned(sizeof(CcRnnoise2));
            if (!d->rn2[c])
                goto fail;
            ret = cc_rnnoise2_init(d->rn2[c], model->rnn2, &d->k2, &d->k);
            if (ret < 0)
                goto fail;
        }
        ret = CC_ERR(ENOMEM);
    } else if (s->engine == CC_DENOISE_RNNOISE) {
        cc_rnn_kernels_init(&d->k);
        for (int c = 0; c < ch; c++) {
            d->rn[c] = cc_alloc_aligned(sizeof(CcRnnoise));
            if (!d->rn[c])
                goto fail;
            ret = cc_rnnoise_init(d->rn[c], &model->net, &model->bands, &d->k);
            if (ret < 0)
                goto fail;
        }
        ret = CC_ERR(ENOMEM);
    }
#if CC_HAVE_SPEEXDSP
    else {
        d->pcm16 = cc_calloc((size_t)d->frame, sizeof(int16_t));
        if (!d->pcm16 || open_speex_states(d) < 0)
            goto fail;
    }
#endif
    cc_denoiser_set_strength(d, s->strength);
    cc_denoiser_reset(d);
#if CC_HAVE_SPEEXDSP
    if (s->engine == CC_DENOISE_SPEEX && !d->sp[ch - 1])
        goto fail;
#endif
    cc_log(CC_LOG_DEBUG, "denoiser: %s, %d Hz x %d, engine %d Hz, latency %d samples, "
           "kernels %s", s->engine != CC_DENOISE_RNNOISE ? "speex"
           : model->rnn2 ? "rnnoise 0.2" : "rnnoise", d->rate, ch, d->engine_rate, d->latency,
           s->engine != CC_DENOISE_RNNOISE ? "-" : model->rnn2 ? d->k2.name : d->k.name);
    *out = d;
    return 0;
fail:
    cc_denoiser_close(&d);
    return ret;
}

void cc_denoiser_reset(CcDenoiser *d)
{
    if (!d)
        return;
    int ch = d->channels;
    for (int c = 0; c < ch; c++)
        if (d->rn[c])
            cc_rnnoise_reset(d->rn[c]);
        else if (d->rn2[c])
            cc_rnnoise2_reset(d->rn2[c]);
#if CC_HAVE_SPEEXDSP
    if (d->s.engine == CC_DENOISE_SPEEX) {
        for (int c = 0; c < ch; c++) {
            if (d->sp[c])
                speex_preprocess_state_destroy(d->sp[c]);
            d->sp[c] = NULL;
        }
        /* Re-creating allocates, but reset is not a per-frame call. */
        if (open_speex_states(d) < 0)
            cc_log(CC_LOG_ERROR, "denoiser: out of memory re-creating the speex states; "
                   "output is silence");
    }
    for (int c = 0; c < ch && d->resampled; c++) {
        speex_resampler_reset_mem(d->rs_in[c]);
        speex_resampler_reset_mem(d->rs_out[c]);
    }
#else
    for (int c = 0; c < ch && d->resampled; c++) {
        cc_resampler_reset(&d->rs_in[c]);
        cc_resampler_reset(&d->rs_out[c]);
    }
#endif
    d->eng_n = 0;
    memset(d->fifo, 0, sizeof(float) * (size_t)ch * d->fifo_cap);
    d->fifo_r = 0;
    d->fifo_n = d->prime;
    memset(d->dry, 0, sizeof(float) * (size_t)ch * d->dry_len);
    d->dry_pos = 0;
    d->flushed = 0;
    d->vad = 0;
    d->mix = d->strength > 0 ? 1.0f : 0.0f;
}

int cc_denoiser_latency_samples(const CcDenoiser *d)
{
    return d ? d->latency : CC_ERR(EINVAL);
}

float cc_denoiser_vad(const CcDenoiser *d)
{
    return d ? d->vad : 0.0f;
}

/* ------------------------------------------------------------------ processing */

/* Runs every complete engine frame in eng_in; appends results to eng_out[.. *n_out]. */
static void run_frames(CcDenoiser *d, int *n_out)
{
    int ch = d->channels, f = d->frame, done = 0;
    while (d->eng_n - done >= f) {
        float vad = 0;
        for (int c = 0; c < ch; c++) {
            float *in = d->eng_in + (size_t)c * d->eng_cap + done;
            float *out = d->eng_out + (size_t)c * d->eng_cap + *n_out;
            if (d->rn[c]) {
                float v = cc_rnnoise_process_frame(d->rn[c], out, in, d->gain_floor);
                if (!cc_rnnoise_state_finite(d->rn[c])) {
                    if (!d->warned_state++)
                        cc_log(CC_LOG_WARNING, "denoiser: non-finite state, channel reset");
                    cc_rnnoise_reset(d->rn[c]);
                    memset(out, 0, sizeof(float) * (size_t)f);
                    v = 0;
                }
                vad = CC_MAX(vad, v);
            } else if (d->rn2[c]) {
                float v = cc_rnnoise2_process_frame(d->rn2[c], out, in, d->gain_floor);
                if (!cc_rnnoise2_state_finite(d->rn2[c])) {
                    if (!d->warned_state++)
                        cc_log(CC_LOG_WARNING, "denoiser: non-finite state, channel reset");
                    cc_rnnoise2_reset(d->rn2[c]);
                    memset(out, 0, sizeof(float) * (size_t)f);
                    v = 0;
                }
                vad = CC_MAX(vad, v);
            }
#if CC_HAVE_SPEEXDSP
            else if (d->sp[c]) {
                for (int i = 0; i < f; i++) {
                    float x = in[i];
                    x = x > 32767.0f ? 32767.0f : x < -32768.0f ? -32768.0f : x;
                    d->pcm16[i] = (int16_t)lrintf(x);
                }
                speex_preprocess_run(d->sp[c], d->pcm16);
                for (int i = 0; i < f; i++)
                    out[i] = d->pcm16[i];
                int prob = 0;
                speex_preprocess_ctl(d->sp[c], SPEEX_PREPROCESS_GET_PROB, &prob);
                vad = CC_MAX(vad, prob / 100.0f);
            }
#endif
            else { /* no engine state (a failed re-creation in reset): silence, not junk */
                memset(out, 0, sizeof(float) * (size_t)f);
            }
        }
        d->vad = vad;
        done += f;
        *n_out += f;
    }
    if (done) {
        for (int c = 0; c < ch; c++) {
            float *b = d->eng_in + (size_t)c * d->eng_cap;
            memmove(b, b + done, sizeof(float) * (size_t)(d->eng_n - done));
        }
        d->eng_n -= done;
    }
}

static void fifo_push(CcDenoiser *d, const float *planar, int stride, int n)
{
    int ch = d->channels;
    if (d->fifo_n + n > d->fifo_cap) { /* cannot happen with the sizes from open */
        n = d->fifo_cap - d->fifo_n;
        if (!d->warned_underflow++)
            cc_log(CC_LOG_ERROR, "denoiser: output FIFO overflow");
    }
    int w = (d->fifo_r + d->fifo_n) % d->fifo_cap;
    for (int i = 0; i < n;) { /* runs up to the ring's wrap point */
        int run = CC_MIN(n - i, d->fifo_cap - w);
        float *dst = d->fifo + (size_t)w * ch;
        for (int c = 0; c < ch; c++) {
            const float *src = planar + (size_t)c * stride + i;
            for (int k = 0; k < run; k++)
                dst[(size_t)k * ch + c] = src[k] * (1.0f / SCALE);
        }
        w += run;
        if (w == d->fifo_cap)
            w = 0;
        i += run;
    }
    d->fifo_n += n;
}

/*
 * Pops n frames into out, each the processed sample mixed with the delayed dry input (the
 * mix ramping towards target at one step per sample), and stores this chunk's input in the
 * dry delay line in their place. The general path, sample by sample.
 */
static void mix_out(CcDenoiser *d, float *out, int n, float target)
{
    int ch = d->channels;
    float step = 1.0f / (float)(d->frame * d->rate / d->engine_rate + 1);
    for (int i = 0; i < n; i++) {
        float *o = out + (size_t)i * ch;
        float *dry = d->dry + (size_t)d->dry_pos * ch;
        const float *wet = d->fifo + (size_t)d->fifo_r * ch;
        int have = d->fifo_n > 0;
        if (!have && !d->warned_underflow++)
            cc_log(CC_LOG_ERROR, "denoiser: output FIFO underflow");
        if (d->mix != target) {
            d->mix += target > d->mix ? step : -step;
            if (d->mix > 1 || d->mix < 0 || fabsf(d->mix - target) < step * 0.5f)
                d->mix = target;
        }
        /* read the delayed dry sample, then store this input in its place */
        for (int c = 0; c < ch; c++) {
            float dv = dry[c], wv = have ? wet[c] : 0.0f;
            if (d->mix == 0.0f)
                o[c] = dv;
            else if (d->mix == 1.0f)
                o[c] = wv;
            else
                o[c] = d->mix * wv + (1 - d->mix) * dv;
            dry[c] = d->cin[(size_t)c * CHUNK + i] * (1.0f / SCALE);
        }
        if (++d->dry_pos == d->dry_len)
            d->dry_pos = 0;
        if (have) {
            if (++d->fifo_r == d->fifo_cap)
                d->fifo_r = 0;
            d->fifo_n--;
        }
    }
}

/*
 * The same when nothing ramps (mix is 0 or 1 and stays) and the FIFO holds all n frames: runs
 * between the wrap points of the two rings, each a copy of one side and a store of the input.
 */
static void mix_out_steady(CcDenoiser *d, float *out, int n)
{
    int ch = d->channels;
    for (int i = 0; i < n;) {
        int run = CC_MIN(n - i, CC_MIN(d->dry_len - d->dry_pos, d->fifo_cap - d->fifo_r));
        float *o = out + (size_t)i * ch;
        float *dry = d->dry + (size_t)d->dry_pos * ch;
        const float *src = d->mix == 1.0f ? d->fifo + (size_t)d->fifo_r * ch : dry;
        memcpy(o, src, sizeof(float) * (size_t)run * ch);
        for (int c = 0; c < ch; c++) {
            const float *x = d->cin + (size_t)c * CHUNK + i;
            for (int k = 0; k < run; k++)
                dry[(size_t)k * ch + c] = x[k] * (1.0f / SCALE);
        }
        d->dry_pos += run;
        if (d->dry_pos == d->dry_len)
            d->dry_pos = 0;
        d->fifo_r += run;
        if (d->fifo_r == d->fifo_cap)
            d->fifo_r = 0;
        d->fifo_n -= run;
        i += run;
    }
}

/* One step of at most CHUNK frames. */
static void process_chunk(CcDenoiser *d, const float *in, float *out, int n)
{
    int ch = d->channels;
    /* sanitize into the deinterleaved engine input: NaN/Inf -> 0, clamp to +-CLAMP_IN;
       written with selects (no branches) so that the compiler vectorises it */
    int bad = 0;
    for (int c = 0; c < ch; c++) {
        float *dst = d->cin + (size_t)c * CHUNK;
        for (int i = 0; i < n; i++) {
            float x = in[(size_t)i * ch + c];
            int ok = isfinite(x);
            bad |= !ok;
            x = ok ? x : 0.0f;
            x = x > CLAMP_IN ? CLAMP_IN : x;
            x = x < -CLAMP_IN ? -CLAMP_IN : x;
            dst[i] = x * SCALE;
        }
    }
    if (bad && !d->warned_nan++)
        cc_log(CC_LOG_WARNING, "denoiser: NaN/Inf input samples replaced by silence");

    /* to the engine rate */
    int n_out = 0;
    int resampled = d->resampled;
    if (!resampled) {
        for (int c = 0; c < ch; c++)
            memcpy(d->eng_in + (size_t)c * d->eng_cap + d->eng_n, d->cin + (size_t)c * CHUNK,
                   sizeof(float) * (size_t)n);
        d->eng_n += n;
    }
#if CC_HAVE_SPEEXDSP
    else {
        spx_uint32_t produced = 0;
        for (int c = 0; c < ch; c++) {
            spx_uint32_t in_len = (spx_uint32_t)n;
            spx_uint32_t out_len = (spx_uint32_t)(d->eng_cap - d->eng_n);
            speex_resampler_process_float(d->rs_in[c], 0,
                                          d->cin + (size_t)c * CHUNK, &in_len,
                                          d->eng_in + (size_t)c * d->eng_cap + d->eng_n,
                                          &out_len);
            produced = out_len;
        }
        d->eng_n += (int)produced;
    }
#else
    else {
        int produced = 0;
        for (int c = 0; c < ch; c++)
            produced = cc_resampler_process(&d->rs_in[c], d->cin + (size_t)c * CHUNK, n,
                                            d->eng_in + (size_t)c * d->eng_cap + d->eng_n);
        d->eng_n += produced;
    }
#endif
    run_frames(d, &n_out);

    /* back to the stream rate, into the FIFO */
    if (n_out) {
        if (!resampled) {
            fifo_push(d, d->eng_out, d->eng_cap, n_out);
        }
#if CC_HAVE_SPEEXDSP
        else {
            spx_uint32_t produced = 0;
            for (int c = 0; c < ch; c++) {
                spx_uint32_t in_len = (spx_uint32_t)n_out;
                spx_uint32_t out_len = (spx_uint32_t)d->res_cap;
                speex_resampler_process_float(d->rs_out[c], 0,
                                              d->eng_out + (size_t)c * d->eng_cap, &in_len,
                                              d->res_out + (size_t)c * d->res_cap, &out_len);
                produced = out_len;
            }
            fifo_push(d, d->res_out, d->res_cap, (int)produced);
        }
#else
        else {
            int produced = 0;
            for (int c = 0; c < ch; c++)
                produced = cc_resampler_process(&d->rs_out[c],
                                                d->eng_out + (size_t)c * d->eng_cap, n_out,
                                                d->res_out + (size_t)c * d->res_cap);
            fifo_push(d, d->res_out, d->res_cap, produced);
        }
#endif
    }

    float target = d->strength > 0 ? 1.0f : 0.0f;
    if (d->mix == target && d->fifo_n >= n)
        mix_out_steady(d, out, n);
    else
        mix_out(d, out, n, target);
}

int cc_denoiser_process(CcDenoiser *d, const float *in, float *out, int frames)
{
    if (!d || frames < 0 || (frames > 0 && (!in || !out)))
        return CC_ERR(EINVAL);
    int ch = d->channels;
    for (int done = 0; done < frames;) {
        int n = CC_MIN(CHUNK, frames - done);
        process_chunk(d, in + (size_t)done * ch, out + (size_t)done * ch, n);
        done += n;
    }
    return frames;
}

int cc_denoiser_flush(CcDenoiser *d, float *out, int max_frames)
{
    if (!d || max_frames < 0 || (max_frames > 0 && !out))
        return CC_ERR(EINVAL);
    static const float zeros[CHUNK * MAX_CHANNELS];
    int ch = d->channels, total = 0;
    int want = CC_MIN(max_frames, d->latency - d->flushed);
    while (total < want) {
        int n = CC_MIN(CHUNK, want - total);
        process_chunk(d, zeros, out + (size_t)total * ch, n);
        total += n;
    }
    d->flushed += total;
    return total;
}
