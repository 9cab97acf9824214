/*
 * cleancast noise suppression as LV2 plugins (bundle cleancast.lv2; the ports are described
 * in cleancast.ttl). Four plugins, the same as the LADSPA library:
 *
 *   urn:cleancast:lv2:denoise-mono        urn:cleancast:lv2:denoise-gate-mono
 *   urn:cleancast:lv2:denoise-stereo      urn:cleancast:lv2:denoise-gate-stereo
 *   urn:cleancast:lv2:echo-mono: ports input, reference (the far end), output,
 *        attenuation_db, engine, latency, echo_cancel, agc, high_pass (toggles, default off:
 *        then exactly denoise-mono). See the LADSPA file for why it is a plugin of its own.
 *
 * Port indices follow the .ttl: audio ins, audio outs, attenuation_db, engine, latency
 * (lv2:designation lv2:latency), then for the gate plugins vad_threshold, hold_ms,
 * gate_range_db. The model is looked up by name ("rnnoise2", RNNoise 0.2, as every cleancast
 * host does); CLEANCAST_DENOISE_MODEL in the host's environment overrides it (name, e.g.
 * "rnnoise" for RNNoise 0.1, or file path).
 */
#include <lv2/core/lv2.h>
#include <stdlib.h>
#include <string.h>

#include "denoise_core.h"

#define URI_PREFIX "urn:cleancast:lv2:"


typedef struct Plugin {
    CcpDenoise *core;
    CcpEcho *echo;     /* echo-mono (core is NULL) */
    const float *ref;
    int channels;
    const float *in[2];
    float *out[2];
    float *ctl[CCP_NPORTS];
} Plugin;

static LV2_Handle instantiate(const LV2_Descriptor *d, double rate, const char *bundle,
                              const LV2_Feature *const *features)
{
    (void)bundle;
    (void)features;
    int channels = strstr(d->URI, "stereo") ? 2 : 1;
    int has_gate = strstr(d->URI, "gate") != NULL;
    Plugin *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    if (strstr(d->URI, "echo")) {
        p->channels = 1;
        if (!(p->echo = ccp_echo_open(rate))) {
            free(p);
            return NULL;
        }
        return p;
    }
    p->channels = channels;
    p->core = ccp_open(rate, channels, has_gate);
    if (!p->core) {
        free(p);
        return NULL;
    }
    return p;
}

static void connect_port(LV2_Handle h, uint32_t port, void *data)
{
    Plugin *p = h;
    uint32_t ch = (uint32_t)p->channels;
    if (p->echo) {
        if (port == 0)
            p->in[0] = data;
        else if (port == 1)
            p->ref = data;
        else if (port == 2)
            p->out[0] = data;
        else if (port - 3 < CCP_NECHO_PORTS)
            p->ctl[port - 3] = data;
        return;
    }
    if (port < ch)
        p->in[port] = data;
    else if (port < 2 * ch)
        p->out[port - ch] = data;
    else if (port - 2 * ch < CCP_NPORTS)
        p->ctl[port - 2 * ch] = data;
}

static void activate(LV2_Handle h)
{
    Plugin *p = h;
    ccp_activate_ports(p->core, p->echo, p->ctl);
}

static void run(LV2_Handle h, uint32_t frames)
{
    Plugin *p = h;
    ccp_run_ports(p->core, p->echo, p->ctl, (const float *const *)p->in, p->ref, p->out, frames);
}

static void cleanup(LV2_Handle h)
{
    Plugin *p = h;
    ccp_close(p->core);
    ccp_echo_close(p->echo);
    free(p);
}

#define DESCRIPTOR(name) \
    { URI_PREFIX name, instantiate, connect_port, activate, run, NULL, cleanup, NULL }

static const LV2_Descriptor descriptors[] = {
    DESCRIPTOR("denoise-mono"),
    DESCRIPTOR("denoise-stereo"),
    DESCRIPTOR("denoise-gate-mono"),
    DESCRIPTOR("denoise-gate-stereo"),
    DESCRIPTOR("echo-mono"),
};

LV2_SYMBOL_EXPORT const LV2_Descriptor *lv2_descriptor(uint32_t index)
{
    return index < sizeof(descriptors) / sizeof(descriptors[0]) ? &descriptors[index] : NULL;
}
