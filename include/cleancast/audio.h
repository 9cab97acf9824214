/**
 * @file audio.h
 * Noise suppression for a microphone stream: RNNoise (neural) or speexdsp (classical).
 *
 * Lifecycle:
 * @code
 *   CcDenoiseModel *model;                      // immutable, shareable by many streams
 *   cc_denoise_model_open_file(&model, "rnnoise.ccm");
 *   CcDenoiserSettings s;
 *   cc_denoiser_default_settings(&s);
 *   s.sample_rate_hz = 44100;
 *   s.channels = 2;
 *   s.strength = 0.8f;
 *   CcDenoiser *dn;                             // one per stream, one thread at a time
 *   cc_denoiser_open(&dn, model, &s);
 *   int delay = cc_denoiser_latency_samples(dn); // output lags input by this much
 *   while (capture(in, n))                      // any block size n, interleaved floats
 *       cc_denoiser_process(dn, in, out, n);    // writes exactly n frames
 *   n = cc_denoiser_flush(dn, tail, delay);     // the last `delay` frames
 *   cc_denoiser_close(&dn);
 *   cc_denoise_model_close(&model);             // after every denoiser using it
 * @endcode
 *
 * Samples at this API are floats at full scale +-1.0. RNNoise itself works on 48 kHz,
 * 480-sample (10 ms) frames of int16-scale floats (+-32768); the denoiser resamples and
 * scales at its edges, so callers never see either.
 */
#ifndef CLEANCAST_AUDIO_H
#define CLEANCAST_AUDIO_H

#include "cleancast.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- model */

/** An RNNoise model: 0.1 (87,503 int8 weights) or 0.2 (see cc_denoise_model_kind()).
 *  Immutable after open; any thread may use it. */
typedef struct CcDenoiseModel CcDenoiseModel;

/**
 * Load an RNNoise model from a file: cleancast's binary .ccm (version 1: RNNoise 0.1,
 * version 2: RNNoise 0.2) or FFmpeg's text .rnnn (0.1), told apart by content.
 * CC_ERR_MODEL on a malformed or wrongly shaped file (the log says what), CC_ERR(ENOENT)
 * when the file is missing. Any thread.
 */
CC_API int cc_denoise_model_open_file(CcDenoiseModel **out, const char *path);

/** Same from memory; buf is only read during the call (the model keeps its own copy). */
CC_API int cc_denoise_model_open_buffer(CcDenoiseModel **out, const uint8_t *buf, size_t size);

/** Which network a CcDenoiseModel holds (cc_denoise_model_kind()). */
typedef enum CcDenoiseModelKind {
    CC_DENOISE_MODEL_RNNOISE_0_1 = 1, /**< RNNoise 0.1 (xiph 2017): .ccm version 1 or .rnnn */
    CC_DENOISE_MODEL_RNNOISE_0_2 = 2, /**< RNNoise 0.2 (xiph 2024): .ccm version 2 */
} CcDenoiseModelKind;

/**
 * The kind of a loaded model (a CcDenoiseModelKind), told by the file's content at open;
 * CC_ERR(EINVAL) for NULL. CC_DENOISE_RNNOISE runs whichever network the model holds;
 * RNNoise 0.2 delays by one 10 ms frame more than 0.1 (cc_denoiser_latency_samples()). Any
 * thread.
 */
CC_API int cc_denoise_model_kind(const CcDenoiseModel *m);

/** Free a model; NULL-safe, sets *m = NULL. Only after every denoiser using it is closed. */
CC_API void cc_denoise_model_close(CcDenoiseModel **m);

/**
 * The denoiser model every cleancast host uses when the user names none: the CLI
 * (`cleancast denoise --model`, `process`/`live --denoise-model`), the LADSPA/LV2 plugins
 * (CLEANCAST_DENOISE_MODEL unset), the OBS filter, the GStreamer element's `model`
 * property, the Node/browser build and the demo. "rnnoise2" is RNNoise 0.2 (xiph 2024):
 * cc_denoiser_latency_samples() 1439 at 48 kHz (30 ms); the name "rnnoise" keeps naming
 * RNNoise 0.1 (959 samples, 20 ms). A name, not a path: it is looked up with
 * cc_model_find() (CC_MODEL_DENOISE), like a name given by the user.
 */
#define CC_DENOISE_DEFAULT_MODEL "rnnoise2"

/* ---------------------------------------------------------------- denoiser */

/** Per-stream denoiser state. Not thread-safe: one thread at a time. */
typedef struct CcDenoiser CcDenoiser;

typedef enum CcDenoiseEngine {
    CC_DENOISE_RNNOISE = 0, /**< neural, 48 kHz 10 ms frames (needs a model) */
    CC_DENOISE_SPEEX = 1,   /**< speexdsp preprocessor: low CPU, no model */
} CcDenoiseEngine;

typedef struct CcDenoiserSettings {
    CcDenoiseEngine engine; /**< default CC_DENOISE_RNNOISE */
    int sample_rate_hz;     /**< stream rate, 8000..192000 (default 48000); resampled inside */
    int channels;           /**< 1..8 interleaved (default 1); each channel is denoised alone */
    /**
     * 0 = bypass (the input, delayed, bit for bit) .. 1 = full suppression (default 1).
     * A soft attenuation limit, not a gate: every band keeps at least
     * 10^(-strength * CC_DENOISE_MAX_ATTEN_DB / 20) of its level, and strength 1 removes
     * the limit (plain RNNoise).
     */
    float strength;
    uint8_t reserved[32];   /**< zero */
} CcDenoiserSettings;

/** Attenuation limit in dB at strength just below 1 (see CcDenoiserSettings.strength). */
#define CC_DENOISE_MAX_ATTEN_DB 40.0f

/** Fill *s with the defaults: RNNoise, 48000 Hz, mono, strength 1. Any thread. */
CC_API void cc_denoiser_default_settings(CcDenoiserSettings *s);

/**
 * Open a denoiser. model: required for CC_DENOISE_RNNOISE (it must outlive the denoiser),
 * ignored (may be NULL) for CC_DENOISE_SPEEX. CC_ERR(EINVAL) for settings out of range,
 * CC_ERR(ENOSYS) for the speex engine in a build without speexdsp. Resampling uses
 * speexdsp's resampler, or without it (wasm) cleancast's own, which handles the common
 * rates and returns CC_ERR_UNSUPPORTED for odd ones (e.g. 47999 Hz).
 * Everything is allocated here; process/flush allocate nothing.
 */
CC_API int cc_denoiser_open(CcDenoiser **out, const CcDenoiseModel *model, const CcDenoiserSettings *s);

/**
 * Denoise `frames` interleaved frames (channels samples each) of any count >= 0.
 * in and out may be the same buffer. Writes exactly `frames` frames to out, delayed by
 * cc_denoiser_latency_samples() (the first ones are silence). The output for a stream
 * does not depend on how it is cut into blocks. NaN/Inf samples are replaced by 0 (logged
 * once per denoiser as a warning) and never reach later frames; samples beyond +-4.0 are
 * clamped. Returns `frames` or a negative error.
 */
CC_API int cc_denoiser_process(CcDenoiser *d, const float *in, float *out, int frames);

/**
 * Algorithmic plus buffering delay in frames at the stream rate (constant after open). The
 * algorithmic part is 10 ms for RNNoise 0.1 and speex, 20 ms for RNNoise 0.2 (its gains,
 * computed from the newest frame, shape the frame before it).
 */
CC_API int cc_denoiser_latency_samples(const CcDenoiser *d);

/**
 * End of stream: feeds silence to push out the delayed tail and writes up to
 * min(max_frames, latency - already flushed) frames to out. Returns frames written
 * (0 once drained). Call cc_denoiser_reset() before reusing the denoiser for a new stream.
 */
CC_API int cc_denoiser_flush(CcDenoiser *d, float *out, int max_frames);

/**
 * Voice-activity probability 0..1 of the latest 10 ms frame processed (the largest over
 * channels). RNNoise: the network's VAD output (0 on frames too quiet to analyse); speex:
 * the preprocessor's speech probability. Not smoothed; hosts that gate on it should add hold.
 */
CC_API float cc_denoiser_vad(const CcDenoiser *d);

/** Change the strength (clamped to 0..1) from the next 10 ms frame on; glitch-free. */
CC_API void cc_denoiser_set_strength(CcDenoiser *d, float strength);

/** Forget the stream: back to the state right after open. */
CC_API void cc_denoiser_reset(CcDenoiser *d);

/** Free; NULL-safe, sets *d = NULL. */
CC_API void cc_denoiser_close(CcDenoiser **d);

/* ---------------------------------------------------------------- voice processor */

/**
 * The microphone chain a call needs (issue 16; doc/ECHO.md): high-pass, acoustic echo
 * cancellation, noise suppression (a CcDenoiser) and automatic gain control, in that order,
 * each switchable. Mono microphone; the far end (what the loudspeakers play) is fed
 * separately, in any block size.
 *
 * @code
 *   CcVoiceSettings s;
 *   cc_voice_default_settings(&s);          // 48 kHz, echo cancellation + noise suppression
 *   s.agc = 1;
 *   CcVoiceProcessor *vp;
 *   cc_voice_open(&vp, model, &s);          // model: as for cc_denoiser_open()
 *   int delay = cc_voice_latency_samples(vp);
 *   for (;;) {
 *       cc_voice_far(vp, played, n_played); // what went to the speakers since the last call
 *       cc_voice_process(vp, mic, out, n);  // the mic captured meanwhile; exactly n out
 *   }
 *   n = cc_voice_flush(vp, tail, delay);
 *   cc_voice_close(&vp);
 * @endcode
 *
 * Far end: every sample given to cc_voice_far() is queued; each 10 ms of microphone
 * processed takes the oldest 10 ms of the queue as "what the speakers played while this was
 * captured". The echo path's bulk delay (the audio stack's buffering plus the room, up to
 * CcVoiceSettings.max_delay_ms) is estimated inside, so the host need not know it, only feed
 * the far end no later than the microphone of the same time. When the queue runs short
 * (the far end stopped, e.g. a call on hold, or lags) the missing part is silence: nothing
 * is cancelled or learnt from it, the filter is kept, and cc_voice_stats() counts the
 * samples (far_underrun). Far samples that arrive late stay queued, so the reference falls
 * behind by that much; the delay estimator follows the new alignment. More than 1 s queued
 * (a far end fed far ahead) drops the oldest samples (far_dropped). NaN/Inf far samples are
 * taken as 0 (logged once).
 */
/** Per-stream voice processor state. Not thread-safe: one thread at a time (feed the far
 *  end from the thread that processes the mic, or lock around both calls). */
typedef struct CcVoiceProcessor CcVoiceProcessor;

typedef struct CcVoiceSettings {
    int sample_rate_hz;        /**< 8000..192000 (default 48000); a multiple of 100 when
                                    echo_cancel is on (10 ms blocks) */
    int far_channels;          /**< interleaved channels of the far end, 1..8, averaged
                                    (default 1) */
    int high_pass;             /**< 80 Hz 2nd-order high-pass on the mic (default 0) */
    int echo_cancel;           /**< echo cancellation (default 1) */
    int echo_suppress;         /**< residual-echo suppressor after the adaptive filter
                                    (default 1; 0 = the linear filter alone) */
    int echo_tail_ms;          /**< adaptive filter length after the bulk delay, 20..2000
                                    (default 400) */
    int max_delay_ms;          /**< largest bulk delay searched, 0..2000 (default 500) */
    int noise_suppress;        /**< noise suppression with a CcDenoiser (default 1) */
    CcDenoiseEngine denoise_engine; /**< default CC_DENOISE_RNNOISE (needs a model) */
    float denoise_strength;    /**< as CcDenoiserSettings.strength (default 1) */
    int agc;                   /**< automatic gain control (default 0) */
    float agc_target_dbfs;     /**< speech level the AGC aims at: the power mean, dBFS,
                                    of its 10 ms speech blocks (default -20: about -19 LUFS
                                    out, see doc/ECHO.md) */
    float agc_max_gain_db;     /**< most gain it adds (default 30); it cuts down to -10 dB */
    uint8_t reserved[32];      /**< zero */
} CcVoiceSettings;

/** Statistics of a voice processor (cc_voice_stats()). */
typedef struct CcVoiceStats {
    int echo_delay_ms;         /**< bulk delay found (10 ms steps), -1 before any */
    float erle_db;             /**< mic-to-output power ratio of the echo stage while the
                                    far end plays, smoothed over ~1 s */
    float agc_gain_db;         /**< gain the AGC applies now */
    int64_t far_underrun;      /**< far samples missing when the mic needed them */
    int64_t far_dropped;       /**< far samples dropped (more than 1 s queued) */
} CcVoiceStats;

/** Defaults (see CcVoiceSettings). Any thread. */
CC_API void cc_voice_default_settings(CcVoiceSettings *s);

/**
 * Open a processor. model: for noise_suppress with CC_DENOISE_RNNOISE (it must outlive the
 * processor), else may be NULL. CC_ERR(EINVAL) for settings out of range (logged: which),
 * CC_ERR_UNSUPPORTED for echo_cancel at a rate that is not a multiple of 100 Hz (e.g.
 * 22050), and what cc_denoiser_open() returns. Everything is allocated here.
 */
CC_API int cc_voice_open(CcVoiceProcessor **out, const CcDenoiseModel *model,
                         const CcVoiceSettings *s);

/** Queue `frames` far-end frames (far_channels interleaved floats each). Returns frames or
 *  a negative error. Without echo_cancel the far end is ignored (and may be never fed). */
CC_API int cc_voice_far(CcVoiceProcessor *vp, const float *far, int frames);

/**
 * Process `frames` mono mic samples (any count >= 0); writes exactly `frames` to out
 * (may be the same buffer), delayed by cc_voice_latency_samples(). NaN/Inf mic samples are
 * replaced by 0. Returns frames or a negative error.
 */
CC_API int cc_voice_process(CcVoiceProcessor *vp, const float *mic, float *out, int frames);

/**
 * Delay of the output behind the mic, in samples (constant after open): 10 ms of blocking,
 * 10 ms more with echo cancellation (the suppressor's overlap-add, also without it, so the
 * delay does not depend on echo_suppress) and the denoiser's own
 * (cc_denoiser_latency_samples()) with noise_suppress. High-pass and AGC add none.
 */
CC_API int cc_voice_latency_samples(const CcVoiceProcessor *vp);

/** The delay each stage adds, samples: stage 0 blocking, 1 echo, 2 noise, 3 gain. */
CC_API int cc_voice_stage_latency(const CcVoiceProcessor *vp, int stage);

/** End of stream: up to min(max_frames, latency - flushed) frames of the tail (silent mic
 *  and far end pushed in). Returns frames written, 0 once drained. */
CC_API int cc_voice_flush(CcVoiceProcessor *vp, float *out, int max_frames);

/** Current statistics. */
CC_API void cc_voice_stats(const CcVoiceProcessor *vp, CcVoiceStats *st);

/** Forget the stream (filters, delay, queue, gain): back to the state right after open. */
CC_API void cc_voice_reset(CcVoiceProcessor *vp);

/** Free; NULL-safe, sets *vp = NULL. */
CC_API void cc_voice_close(CcVoiceProcessor **vp);

#ifdef __cplusplus
}
#endif

#endif
