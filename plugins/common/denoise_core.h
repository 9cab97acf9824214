/*
 * The part the LADSPA and LV2 denoisers share: a cleancast denoiser behind planar
 * (one buffer per channel) audio ports of any block size, with the controls both expose.
 *
 *   in ports -> interleave (pieces of <= CCP_PIECE frames, cut at 10 ms stream boundaries)
 *            -> CcDenoiser of the selected engine (neural / classical; both opened at
 *               instantiate, the idle one paused) -> pad delay to the larger engine latency
 *            -> [gate plugins: look-back delay, VAD gate with hold] -> out ports
 *
 * Everything is allocated in ccp_open(); ccp_run() allocates nothing, takes no lock and logs
 * nothing. Only public API (<cleancast/...>) is used.
 */
#ifndef CC_PLUGIN_DENOISE_CORE_H
#define CC_PLUGIN_DENOISE_CORE_H

#include <stdint.h>

/* Control ranges and defaults, shared by the LADSPA descriptors and the LV2 .ttl. */
#define CCP_ATTEN_MAX_DB 40.0f   /* = CC_DENOISE_MAX_ATTEN_DB; the maximum means "no limit" */
#define CCP_ATTEN_DEFAULT_DB 40.0f
#define CCP_VAD_THRESHOLD_DEFAULT 0.5f
#define CCP_HOLD_MAX_MS 1000.0f
#define CCP_HOLD_DEFAULT_MS 250.0f
#define CCP_RANGE_MAX_DB 80.0f
#define CCP_RANGE_DEFAULT_DB 60.0f
#define CCP_LOOKBACK_MS 120      /* gate plugins: fixed look-back delay, part of the latency */

/* Environment variable naming the RNNoise model (name or path); default
 * CC_DENOISE_DEFAULT_MODEL ("rnnoise2", RNNoise 0.2, as the CLI; "rnnoise" is 0.1). */
#define CCP_MODEL_ENV "CLEANCAST_DENOISE_MODEL"

typedef struct CcpControls {
    float atten_db;      /* 0..40; 40 = no limit (plain network, --strength 1) */
    float engine;        /* 0 = neural (RNNoise), 1 = classical (speexdsp) */
    float vad_threshold; /* gate: 0..1 */
    float hold_ms;       /* gate: 0..1000 */
    float range_db;      /* gate: attenuation while closed, 0..80 */
} CcpControls;

typedef struct CcpDenoise CcpDenoise;

/* Opens for `channels` (1 or 2) at `rate_hz`; NULL on failure (message on stderr). */
CcpDenoise *ccp_open(double rate_hz, int channels, int has_gate);
void ccp_close(CcpDenoise *p);
/* Back to the state right after open (host's activate(); may allocate: speexdsp). */
void ccp_reset(CcpDenoise *p);
/* Output lags input by this many frames; constant for the instance. */
int ccp_latency(const CcpDenoise *p);
/* Real-time safe. in/out: `channels` pointers each; in and out may alias. */
void ccp_run(CcpDenoise *p, const CcpControls *c, const float *const *in, float *const *out,
             uint32_t frames);

#endif
