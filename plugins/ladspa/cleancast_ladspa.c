/*
 * cleancast noise suppression as LADSPA plugins (PipeWire filter-chain, PulseAudio
 * module-ladspa-sink, applyplugin, Audacity, ...). Five plugins in one library:
 *
 *   5771 cleancast_denoise_mono         5773 cleancast_denoise_gate_mono
 *   5772 cleancast_denoise_stereo       5774 cleancast_denoise_gate_stereo
 *   5775 cleancast_echo_mono: mic + reference (far end) in, one out; echo cancellation, AGC,
 *        high-pass as toggles (all off by default: then exactly cleancast_denoise_mono)
 *
 * The echo canceller is a plugin of its own rather than a second input on the mono one: a
 * second audio input changes the plugin's channel count for hosts that map file or stream
 * channels to input ports (applyplugin, PulseAudio's module-ladspa-sink), so existing
 * set-ups of cleancast_denoise_mono would break, and LADSPA hosts must connect every port.
 *
 * Defaults equal `cleancast denoise` with no options (RNNoise 0.2, no attenuation limit). The
 * model is looked up by name like every cleancast host ("rnnoise2": $CLEANCAST_CACHE/models,
 * ~/.cache/cleancast/models, the installed data folder); the environment variable
 * CLEANCAST_DENOISE_MODEL overrides it with another name ("rnnoise" for RNNoise 0.1) or a
 * file path.
 * The output control port "latency" carries the constant delay in frames.
 *
 * Example (ladspa-sdk): applyplugin in.wav out.wav cleancast_ladspa.so cleancast_denoise_mono 40 0
 */
#include <ladspa.h>
#include <stdlib.h>

#include "denoise_core.h"

/* Echo plugin: ports 0 Input, 1 Reference, 2 Output, then CCP_PORT_ATTEN .. CCP_PORT_LATENCY
 * and CCP_PORT_ECHO .. CCP_PORT_HIGHPASS (denoise_core.h). */
#define ECHO_ID 5775

typedef struct Plugin {
    CcpDenoise *core;
    CcpEcho *echo;     /* the echo plugin (core is NULL) */
    const LADSPA_Data *ref;
    int channels, has_gate;
    LADSPA_Data *in[2], *out[2];
    LADSPA_Data *ctl[CCP_NPORTS];
} Plugin;

static const char *const echo_port_names[3 + CCP_NECHO_PORTS] = {
    "Input", "Reference (far end)", "Output",
    "Attenuation limit (dB, 40 = none)", "Engine (0 neural, 1 classical)", "latency",
    "Echo cancellation (needs the reference)", "Automatic gain control", "High-pass 80 Hz",
};
static LADSPA_Descriptor echo_descriptor;
static LADSPA_PortDescriptor echo_port_desc[3 + CCP_NECHO_PORTS];
static LADSPA_PortRangeHint echo_port_hints[3 + CCP_NECHO_PORTS];

/* Port order: audio ins, audio outs, then the controls in enum order (gate ones last). */
typedef struct Variant {
    unsigned long id;
    const char *label, *name;
    int channels, has_gate;
} Variant;

static const Variant variants[] = {
    { 5771, "cleancast_denoise_mono", "cleancast noise suppressor (mono)", 1, 0 },
    { 5772, "cleancast_denoise_stereo", "cleancast noise suppressor (stereo)", 2, 0 },
    { 5773, "cleancast_denoise_gate_mono", "cleancast noise suppressor with voice gate (mono)", 1, 1 },
    { 5774, "cleancast_denoise_gate_stereo", "cleancast noise suppressor with voice gate (stereo)", 2, 1 },
};
#define NVARIANTS (sizeof(variants) / sizeof(variants[0]))

static const char *const audio_names[2][2][2] = {
    /* [channels-1][is_output][channel] */
    { { "Input", NULL }, { "Output", NULL } },
    { { "Input L", "Input R" }, { "Output L", "Output R" } },
};

static const char *const control_names[CCP_NPORTS] = {
    "Attenuation limit (dB, 40 = none)", "Engine (0 neural, 1 classical)", "latency",
    "VAD threshold", "Gate hold (ms)", "Gate range (dB)",
};

static const LADSPA_PortRangeHint control_hints[CCP_NPORTS] = {
    { LADSPA_HINT_BOUNDED_BELOW | LADSPA_HINT_BOUNDED_ABOVE | LADSPA_HINT_DEFAULT_MAXIMUM,
      0.0f, CCP_ATTEN_MAX_DB },
    { LADSPA_HINT_BOUNDED_BELOW | LADSPA_HINT_BOUNDED_ABOVE | LADSPA_HINT_INTEGER |
      LADSPA_HINT_DEFAULT_0, 0.0f, 1.0f },
    { 0, 0.0f, 0.0f },
    /* DEFAULT_MIDDLE: 0.5 */
    { LADSPA_HINT_BOUNDED_BELOW | LADSPA_HINT_BOUNDED_ABOVE | LADSPA_HINT_DEFAULT_MIDDLE,
      0.0f, 1.0f },
    /* DEFAULT_LOW on a linear range: 0.75 * 0 + 0.25 * 1000 = 250 ms */
    { LADSPA_HINT_BOUNDED_BELOW | LADSPA_HINT_BOUNDED_ABOVE | LADSPA_HINT_DEFAULT_LOW,
      0.0f, CCP_HOLD_MAX_MS },
    /* DEFAULT_HIGH: 0.25 * 0 + 0.75 * 80 = 60 dB */
    { LADSPA_HINT_BOUNDED_BELOW | LADSPA_HINT_BOUNDED_ABOVE | LADSPA_HINT_DEFAULT_HIGH,
      0.0f, CCP_RANGE_MAX_DB },
};

static LADSPA_Descriptor descriptors[NVARIANTS];
static LADSPA_PortDescriptor port_desc[NVARIANTS][4 + CCP_NPORTS];
static const char *port_names[NVARIANTS][4 + CCP_NPORTS];
static LADSPA_PortRangeHint port_hints[NVARIANTS][4 + CCP_NPORTS];

static LADSPA_Handle instantiate(const LADSPA_Descriptor *d, unsigned long rate)
{
    const Variant *v = d->ImplementationData;
    Plugin *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    if (d->UniqueID == ECHO_ID) {
        p->channels = 1;
        if (!(p->echo = ccp_echo_open((double)rate))) {
            free(p);
            return NULL;
        }
        return p;
    }
    p->channels = v->channels;
    p->has_gate = v->has_gate;
    p->core = ccp_open((double)rate, v->channels, v->has_gate);
    if (!p->core) {
        free(p);
        return NULL;
    }
    return p;
}

static void connect_port(LADSPA_Handle h, unsigned long port, LADSPA_Data *data)
{
    Plugin *p = h;
    unsigned long ch = (unsigned long)p->channels;
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

static void activate(LADSPA_Handle h)
{
    Plugin *p = h;
    ccp_activate_ports(p->core, p->echo, p->ctl);
}

static void run(LADSPA_Handle h, unsigned long frames)
{
    Plugin *p = h;
    ccp_run_ports(p->core, p->echo, p->ctl, (const float *const *)p->in, p->ref, p->out,
                  (uint32_t)frames);
}

static void cleanup(LADSPA_Handle h)
{
    Plugin *p = h;
    ccp_close(p->core);
    ccp_echo_close(p->echo);
    free(p);
}

/* Filled once when the library is loaded, before any host call. */
__attribute__((constructor)) static void init_descriptors(void)
{
    for (unsigned i = 0; i < NVARIANTS; i++) {
        const Variant *v = &variants[i];
        int n = 0, ch = v->channels;
        for (int io = 0; io < 2; io++)
            for (int c = 0; c < ch; c++, n++) {
                port_desc[i][n] = LADSPA_PORT_AUDIO | (io ? LADSPA_PORT_OUTPUT : LADSPA_PORT_INPUT);
                port_names[i][n] = audio_names[ch - 1][io][c];
                port_hints[i][n] = (LADSPA_PortRangeHint){ 0, 0.0f, 0.0f };
            }
        int nctl = v->has_gate ? CCP_NPORTS : CCP_PORT_LATENCY + 1;
        for (int k = 0; k < nctl; k++, n++) {
            port_desc[i][n] = LADSPA_PORT_CONTROL |
                              (k == CCP_PORT_LATENCY ? LADSPA_PORT_OUTPUT : LADSPA_PORT_INPUT);
            port_names[i][n] = control_names[k];
            port_hints[i][n] = control_hints[k];
        }
        descriptors[i] = (LADSPA_Descriptor){
            .UniqueID = v->id,
            .Label = v->label,
            .Properties = LADSPA_PROPERTY_HARD_RT_CAPABLE,
            .Name = v->name,
            .Maker = "cleancast",
            .Copyright = "BSD-3-Clause (RNNoise model: BSD-3-Clause, Xiph.Org)",
            .PortCount = (unsigned long)n,
            .PortDescriptors = port_desc[i],
            .PortNames = port_names[i],
            .PortRangeHints = port_hints[i],
            .ImplementationData = (void *)v,
            .instantiate = instantiate,
            .connect_port = connect_port,
            .activate = activate,
            .run = run,
            .cleanup = cleanup,
        };
    }
    for (int k = 0; k < 3 + CCP_NECHO_PORTS; k++) {
        int is_out = k == 2 || k == 3 + CCP_PORT_LATENCY;
        echo_port_desc[k] = (k < 3 ? LADSPA_PORT_AUDIO : LADSPA_PORT_CONTROL) |
                            (is_out ? LADSPA_PORT_OUTPUT : LADSPA_PORT_INPUT);
        if (k >= 3 + CCP_PORT_ECHO)
            echo_port_hints[k] = (LADSPA_PortRangeHint){
                LADSPA_HINT_TOGGLED | LADSPA_HINT_DEFAULT_0, 0.0f, 0.0f };
        else if (k >= 3)
            echo_port_hints[k] = control_hints[k - 3];
    }
    echo_descriptor = (LADSPA_Descriptor){
        .UniqueID = ECHO_ID,
        .Label = "cleancast_echo_mono",
        /* not hard-RT: the first run() after activate() opens the stages its controls ask
         * for when they changed since activate() */
        .Properties = 0,
        .Name = "cleancast echo canceller (mono mic + reference)",
        .Maker = "cleancast",
        .Copyright = "BSD-3-Clause (RNNoise model: BSD-3-Clause, Xiph.Org)",
        .PortCount = 3 + CCP_NECHO_PORTS,
        .PortDescriptors = echo_port_desc,
        .PortNames = echo_port_names,
        .PortRangeHints = echo_port_hints,
        .ImplementationData = NULL,
        .instantiate = instantiate,
        .connect_port = connect_port,
        .activate = activate,
        .run = run,
        .cleanup = cleanup,
    };
}

__attribute__((visibility("default"))) const LADSPA_Descriptor *ladspa_descriptor(unsigned long index)
{
    return index < NVARIANTS ? &descriptors[index] : index == NVARIANTS ? &echo_descriptor : NULL;
}
