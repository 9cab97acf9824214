/*
 * CcVoiceProcessor (cleancast/audio.h): high-pass -> echo cancellation (echo.c) -> noise
 * suppression (a CcDenoiser) -> automatic gain control, on 10 ms blocks at the stream rate.
 * The far end is queued by cc_voice_far() and taken 10 ms per block.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio/echo.h"
#include "cleancast/audio.h"
#include "common.h"

#define VP_PI 3.14159265358979323846

struct CcVoiceProcessor {
    CcVoiceSettings s;
    int rate, n;
    /* blocking */
    float *inblk, *outblk;
    int fill;
    /* far queue (ring) */
    float *fq;
    int fq_cap, fq_len, fq_head;
    float *farblk;
    int64_t far_underrun, far_dropped;
    int far_nan_logged, mic_nan_logged;
    int flushing;
    /* stages */
    double hp_b[3], hp_a[3], hp_z[2], hp_zf[2]; /* mic and far-end states */
    CcEcho echo;
    int echo_on;
    float *tmp;
    CcDenoiser *dn;
    int dn_lat;
    /* AGC */
    float agc_gain_db, agc_floor_db, agc_speech_db, agc_speech_pow, agc_env;
    int agc_speech_blocks, agc_far_hold;
    int latency, flushed;
};

void cc_voice_default_settings(CcVoiceSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->sample_rate_hz = 48000;
    s->far_channels = 1;
    s->high_pass = 0;
    s->echo_cancel = 1;
    s->echo_suppress = 1;
    s->echo_tail_ms = 400;
    s->max_delay_ms = 500;
    s->noise_suppress = 1;
    s->denoise_engine = CC_DENOISE_RNNOISE;
    s->denoise_strength = 1.0f;
    s->agc = 0;
    s->agc_target_dbfs = -20.0f;
    s->agc_max_gain_db = 30.0f;
}

static void agc_reset(CcVoiceProcessor *vp)
{
    vp->agc_gain_db = 0;
    vp->agc_floor_db = -60;
    vp->agc_speech_db = vp->s.agc_target_dbfs;
    vp->agc_speech_pow = 0;
    vp->agc_env = 0;
    vp->agc_speech_blocks = 0;
    vp->agc_far_hold = 0;
}

void cc_voice_reset(CcVoiceProcessor *vp)
{
    if (!vp)
        return;
    memset(vp->inblk, 0, sizeof(float) * (size_t)vp->n);
    memset(vp->outblk, 0, sizeof(float) * (size_t)vp->n);
    vp->fill = 0;
    vp->fq_len = vp->fq_head = 0;
    vp->far_underrun = vp->far_dropped = 0;
    vp->flushing = 0;
    vp->hp_z[0] = vp->hp_z[1] = vp->hp_zf[0] = vp->hp_zf[1] = 0;
    if (vp->echo_on)
        cc_echo_reset(&vp->echo);
    if (vp->dn)
        cc_denoiser_reset(vp->dn);
    agc_reset(vp);
    vp->flushed = 0;
}

void cc_voice_close(CcVoiceProcessor **pvp)
{
    if (!pvp || !*pvp)
        return;
    CcVoiceProcessor *vp = *pvp;
    if (vp->echo_on)
        cc_echo_free(&vp->echo);
    cc_denoiser_close(&vp->dn);
    free(vp->inblk);
    free(vp->outblk);
    free(vp->fq);
    free(vp->farblk);
    free(vp->tmp);
    free(vp);
    *pvp = NULL;
}

int cc_voice_open(CcVoiceProcessor **out, const CcDenoiseModel *model, const CcVoiceSettings *s)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    if (!s) {
        cc_log(CC_LOG_ERROR, "voice: no settings");
        return CC_ERR(EINVAL);
    }
    if (s->sample_rate_hz < 8000 || s->sample_rate_hz > 192000) {
        cc_log(CC_LOG_ERROR, "voice: sample rate %d Hz outside 8000..192000", s->sample_rate_hz);
        return CC_ERR(EINVAL);
    }
    if (s->far_channels < 1 || s->far_channels > 8) {
        cc_log(CC_LOG_ERROR, "voice: %d far-end channels; 1..8 are supported", s->far_channels);
        return CC_ERR(EINVAL);
    }
    if (s->echo_cancel && (s->echo_tail_ms < 20 || s->echo_tail_ms > 2000 ||
                           s->max_delay_ms < 0 || s->max_delay_ms > 2000)) {
        cc_log(CC_LOG_ERROR, "voice: echo tail %d ms (20..2000) or max delay %d ms (0..2000) "
               "out of range", s->echo_tail_ms, s->max_delay_ms);
        return CC_ERR(EINVAL);
    }
    if (s->agc && (!(s->agc_target_dbfs >= -60.0f && s->agc_target_dbfs <= -3.0f) ||
                   !(s->agc_max_gain_db >= 0.0f && s->agc_max_gain_db <= 60.0f))) {
        cc_log(CC_LOG_ERROR, "voice: AGC target %g dBFS (-60..-3) or max gain %g dB (0..60) "
               "out of range", s->agc_target_dbfs, s->agc_max_gain_db);
        return CC_ERR(EINVAL);
    }
    if (s->echo_cancel && s->sample_rate_hz % 100) {
        cc_log(CC_LOG_ERROR, "voice: echo cancellation works on 10 ms blocks; %d Hz is not a "
               "multiple of 100 (resample to 48000)", s->sample_rate_hz);
        return CC_ERR_UNSUPPORTED;
    }
    CcVoiceProcessor *vp = calloc(1, sizeof(*vp));
    if (!vp)
        return CC_ERR(ENOMEM);
    vp->s = *s;
    vp->rate = s->sample_rate_hz;
    /* 10 ms blocks (rate / 100, rounded down without echo cancellation: 220 at 22050 Hz) */
    vp->n = vp->rate / 100;
    vp->inblk = calloc((size_t)vp->n, sizeof(float));
    vp->outblk = calloc((size_t)vp->n, sizeof(float));
    vp->tmp = calloc((size_t)vp->n, sizeof(float));
    vp->farblk = calloc((size_t)vp->n, sizeof(float));
    vp->fq_cap = vp->rate; /* 1 s */
    vp->fq = calloc((size_t)vp->fq_cap, sizeof(float));
    int r = 0;
    if (!vp->inblk || !vp->outblk || !vp->tmp || !vp->farblk || !vp->fq)
        r = CC_ERR(ENOMEM);
    if (!r && s->echo_cancel) {
        r = cc_echo_init(&vp->echo, vp->rate, s->echo_tail_ms, s->max_delay_ms, s->echo_suppress);
        vp->echo_on = r == 0;
    }
    if (!r && s->noise_suppress) {
        CcDenoiserSettings ds;
        cc_denoiser_default_settings(&ds);
        ds.engine = s->denoise_engine;
        ds.sample_rate_hz = vp->rate;
        ds.channels = 1;
        ds.strength = s->denoise_strength;
        r = cc_denoiser_open(&vp->dn, model, &ds);
        if (!r)
            vp->dn_lat = cc_denoiser_latency_samples(vp->dn);
    }
    if (r < 0) {
        cc_voice_close(&vp);
        return r;
    }
    /* 2nd-order Butterworth high-pass, 80 Hz (bilinear transform, prewarped). */
    double w = tan(VP_PI * 80.0 / vp->rate), q = sqrt(0.5);
    double norm = 1.0 / (1.0 + w / q + w * w);
    vp->hp_b[0] = norm;
    vp->hp_b[1] = -2.0 * norm;
    vp->hp_b[2] = norm;
    vp->hp_a[1] = 2.0 * (w * w - 1.0) * norm;
    vp->hp_a[2] = (1.0 - w / q + w * w) * norm;
    vp->latency = vp->n + (vp->echo_on ? vp->n : 0) + vp->dn_lat;
    cc_voice_reset(vp);
    *out = vp;
    return 0;
}

int cc_voice_latency_samples(const CcVoiceProcessor *vp)
{
    return vp ? vp->latency : 0;
}

int cc_voice_stage_latency(const CcVoiceProcessor *vp, int stage)
{
    if (!vp)
        return 0;
    switch (stage) {
    case 0: return vp->n;
    case 1: return vp->echo_on ? vp->n : 0;
    case 2: return vp->dn_lat;
    default: return 0;
    }
}

int cc_voice_far(CcVoiceProcessor *vp, const float *far, int frames)
{
    if (!vp || frames < 0 || (frames > 0 && !far))
        return CC_ERR(EINVAL);
    if (!vp->echo_on)
        return frames;
    const int ch = vp->s.far_channels;
    for (int i = 0; i < frames; i++) {
        float v = 0;
        for (int c = 0; c < ch; c++)
            v += far[(size_t)i * (size_t)ch + (size_t)c];
        v /= (float)ch;
        if (!isfinite(v)) {
            if (!vp->far_nan_logged)
                cc_log(CC_LOG_WARNING, "voice: NaN/Inf in the far end taken as 0");
            vp->far_nan_logged = 1;
            v = 0;
        }
        v = CC_CLAMP(v, -4.0f, 4.0f);
        if (vp->fq_len == vp->fq_cap) { /* drop the oldest */
            vp->fq_head = (vp->fq_head + 1) % vp->fq_cap;
            vp->fq_len--;
            vp->far_dropped++;
        }
        vp->fq[(vp->fq_head + vp->fq_len) % vp->fq_cap] = v;
        vp->fq_len++;
    }
    return frames;
}

static void agc_block(CcVoiceProcessor *vp, float *x, int n, int far_active)
{
    const CcVoiceSettings *s = &vp->s;
    double e = 0;
    for (int i = 0; i < n; i++)
        e += (double)x[i] * x[i];
    float lvl = (float)(10.0 * log10(e / n + 1e-12));
    /* noise floor: follows drops at once, rises 1 dB/s */
    if (lvl < vp->agc_floor_db)
        vp->agc_floor_db = lvl;
    else
        vp->agc_floor_db += CC_MIN(0.01f, lvl - vp->agc_floor_db);
    if (far_active)
        vp->agc_far_hold = 100; /* after the far end: no gain up on residual echo */
    else if (vp->agc_far_hold > 0)
        vp->agc_far_hold--;
    int speech = lvl > vp->agc_floor_db + 10.0f && lvl > -70.0f;
    if (speech) {
        /* speech level: power mean over speech blocks (~0.5 s, 0.2 s for the first second),
           so it follows the RMS of speech as a loudness meter does, not the mean of dB */
        float a = vp->agc_speech_blocks < 100 ? 0.05f : 0.02f;
        float p = powf(10.0f, lvl / 10.0f);
        vp->agc_speech_pow = vp->agc_speech_blocks ? vp->agc_speech_pow + a * (p - vp->agc_speech_pow) : p;
        vp->agc_speech_db = 10.0f * log10f(vp->agc_speech_pow + 1e-12f);
        vp->agc_speech_blocks++;
        float want = CC_CLAMP(s->agc_target_dbfs - vp->agc_speech_db, -10.0f, s->agc_max_gain_db);
        float d = want - vp->agc_gain_db;
        if (d > 0 && !vp->agc_far_hold)
            vp->agc_gain_db += CC_MIN(d, 0.15f);  /* up 15 dB/s, in speech only */
        else if (d < 0)
            vp->agc_gain_db += CC_MAX(d, -0.3f); /* down 30 dB/s */
    }
    /* pauses: the gain is held, so the noise floor does not pump */
    float g = powf(10.0f, vp->agc_gain_db / 20.0f);
    /* peak limiter at -1 dBFS: instant attack, ~50 ms release */
    const float lim = 0.89f, rel = expf(-1.0f / (0.05f * (float)vp->rate));
    for (int i = 0; i < n; i++) {
        float a = fabsf(x[i]) * g;
        vp->agc_env = a > vp->agc_env ? a : vp->agc_env * rel;
        float gl = vp->agc_env > lim ? lim / vp->agc_env : 1.0f;
        x[i] *= g * gl;
    }
}

/* In-place biquad, transposed direct form II, state z[2]. */
static void biquad(const double *b, const double *a, double *z, float *x, int n)
{
    for (int i = 0; i < n; i++) {
        double v = x[i];
        double y = b[0] * v + z[0];
        z[0] = b[1] * v - a[1] * y + z[1];
        z[1] = b[2] * v - a[2] * y;
        x[i] = (float)y;
    }
}

static void run_block(CcVoiceProcessor *vp)
{
    const int n = vp->n;
    float *x = vp->inblk;
    if (vp->s.high_pass)
        biquad(vp->hp_b, vp->hp_a, vp->hp_z, x, n);
    int far_active = 0;
    if (vp->echo_on) {
        int take = CC_MIN(n, vp->fq_len);
        for (int i = 0; i < take; i++)
            vp->farblk[i] = vp->fq[(vp->fq_head + i) % vp->fq_cap];
        for (int i = take; i < n; i++)
            vp->farblk[i] = 0;
        vp->fq_head = (vp->fq_head + take) % vp->fq_cap;
        vp->fq_len -= take;
        if (!vp->flushing)
            vp->far_underrun += n - take;
        /* the far end through the same high-pass: the canceller then sees the room alone
           between reference and mic (measured: r6 of the whole set 15.9 -> 18.5 dB) */
        if (vp->s.high_pass)
            biquad(vp->hp_b, vp->hp_a, vp->hp_zf, vp->farblk, n);
        cc_echo_block(&vp->echo, vp->farblk, x, vp->tmp);
        memcpy(x, vp->tmp, sizeof(float) * (size_t)n);
        far_active = vp->echo.far_active;
    }
    if (vp->dn)
        cc_denoiser_process(vp->dn, x, x, n);
    if (vp->s.agc)
        agc_block(vp, x, n, far_active);
}

int cc_voice_process(CcVoiceProcessor *vp, const float *mic, float *out, int frames)
{
    if (!vp || frames < 0 || (frames > 0 && (!mic || !out)))
        return CC_ERR(EINVAL);
    for (int i = 0; i < frames; i++) {
        float v = mic[i];
        if (!isfinite(v)) {
            if (!vp->mic_nan_logged)
                cc_log(CC_LOG_WARNING, "voice: NaN/Inf in the mic replaced by 0");
            vp->mic_nan_logged = 1;
            v = 0;
        }
        vp->inblk[vp->fill] = CC_CLAMP(v, -4.0f, 4.0f);
        out[i] = vp->outblk[vp->fill];
        if (++vp->fill == vp->n) {
            run_block(vp);
            memcpy(vp->outblk, vp->inblk, sizeof(float) * (size_t)vp->n);
            vp->fill = 0;
        }
    }
    return frames;
}

int cc_voice_flush(CcVoiceProcessor *vp, float *out, int max_frames)
{
    if (!vp || max_frames < 0 || (max_frames > 0 && !out))
        return CC_ERR(EINVAL);
    int want = CC_MIN(max_frames, vp->latency - vp->flushed);
    if (want <= 0)
        return 0;
    vp->flushing = 1;
    for (int i = 0; i < want; i++) {
        float z = 0;
        cc_voice_process(vp, &z, out + i, 1);
    }
    vp->flushed += want;
    return want;
}

void cc_voice_stats(const CcVoiceProcessor *vp, CcVoiceStats *st)
{
    memset(st, 0, sizeof(*st));
    st->echo_delay_ms = -1;
    if (!vp)
        return;
    if (vp->echo_on) {
        st->echo_delay_ms = cc_echo_delay_ms(&vp->echo);
        st->erle_db = cc_echo_erle_db(&vp->echo);
    }
    st->agc_gain_db = vp->s.agc ? vp->agc_gain_db : 0;
    st->far_underrun = vp->far_underrun;
    st->far_dropped = vp->far_dropped;
}
