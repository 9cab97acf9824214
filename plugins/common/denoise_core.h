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

/* ---- Echo canceller plugins (cleancast_echo_mono, urn:cleancast:lv2:echo-mono) ----
 *
 *   mic in, reference in (the far end: what the speakers play, e.g. the sink's monitor)
 *     -> echo/agc/high_pass all off: exactly the mono denoiser above (CcpDenoise)
 *     -> any of them on: CcVoiceProcessor (high-pass -> echo cancellation -> noise
 *        suppression with the chosen engine and strength -> AGC), the reference fed with
 *        cc_voice_far() before the mic block of the same run() (a duplex callback)
 *
 * The voice processor's stages are fixed when it is opened, so echo_cancel, agc, high_pass,
 * and (while one of them is on) engine and attenuation take effect at activate(), or at the
 * first run() after it if they changed in between (the only run() that may allocate). A
 * change later in the stream waits for the next activate(); the latency stays constant while
 * active. A reference port the host leaves unconnected (NULL) is silence: nothing is
 * cancelled. Echo cancellation needs a rate that is a multiple of 100 Hz; at another (22050)
 * the plugin says so on stderr and runs the other stages without it. */
typedef struct CcpEchoControls {
    CcpControls dn;      /* atten_db, engine (the gate fields are unused) */
    float echo_cancel;   /* >= 0.5: on (default 0) */
    float agc;           /* >= 0.5: on (default 0) */
    float high_pass;     /* >= 0.5: on (default 0) */
} CcpEchoControls;

typedef struct CcpEcho CcpEcho;

CcpEcho *ccp_echo_open(double rate_hz);
void ccp_echo_close(CcpEcho *p);
/* activate(): back to the start, with the stages the controls ask for (allocates). */
void ccp_echo_reset(CcpEcho *p, const CcpEchoControls *c);
/* Latency of the configuration in use (constant between two resets). */
int ccp_echo_latency(const CcpEcho *p);
/* mic, ref (may be NULL: silence), out (may alias mic or ref): `frames` each. */
void ccp_echo_run(CcpEcho *p, const CcpEchoControls *c, const float *mic, const float *ref,
                  float *out, uint32_t frames);

/* ---- the plugins' ports (LADSPA and LV2 alike) ---------------------------------------- */

/* Control ports in port order after the audio ports; the echo plugin's toggles take the gate's
 * places. A NULL port (not connected) reads as its default. */
enum { CCP_PORT_ATTEN, CCP_PORT_ENGINE, CCP_PORT_LATENCY, CCP_PORT_THRESHOLD, CCP_PORT_HOLD,
       CCP_PORT_RANGE, CCP_NPORTS };
enum { CCP_PORT_ECHO = 3, CCP_PORT_AGC, CCP_PORT_HIGHPASS, CCP_NECHO_PORTS };

/* A plugin's activate() and run() from its control ports: dn for the denoisers, echo for the
 * echo plugin (the other NULL). run writes the latency port. */
void ccp_activate_ports(CcpDenoise *dn, CcpEcho *echo, float *const ctl[CCP_NPORTS]);
void ccp_run_ports(CcpDenoise *dn, CcpEcho *echo, float *const ctl[CCP_NPORTS],
                   const float *const *in, const float *ref, float *const *out, uint32_t frames);

#endif
