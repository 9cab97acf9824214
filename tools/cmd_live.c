/* `cleancast live`: camera and microphone, cleaned, to files, streams and virtual devices. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "media/media.h"
#include "media/mopts.h"
#include "options.h"

CcLiveVoiceOptions cc_live_voice;

static void voice_usage(FILE *f)
{
    fprintf(f,
            "\nEcho cancellation and gain (the microphone; doc/LIVE.md, doc/ECHO.md):\n"
            "  --echo-cancel          take the speakers' echo out of the microphone; the\n"
            "                         reference is the default sink's monitor\n"
            "                         (pulse:@DEFAULT_MONITOR@) unless --echo-reference is given\n"
            "  --echo-reference DEV   the reference (what the speakers play): pulse:SINK.monitor\n"
            "                         (pactl list short sources), pulse:SOURCE, or a file read at\n"
            "                         its pace; implies --echo-cancel\n"
            "  --agc                  automatic gain control (after the denoiser)\n"
            "  --high-pass            80 Hz high-pass on the microphone\n"
            "  All off by default. With any of them the microphone is taken as mono.\n");
}

/* Takes the echo options out of argv (the shared parser does not know them). */
static int take_voice_options(int *argc, char **argv)
{
    int w = 1;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--echo-cancel")) {
            cc_live_voice.echo_cancel = 1;
        } else if (!strcmp(a, "--echo-reference") || !strncmp(a, "--echo-reference=", 17)) {
            const char *v = a[16] == '=' ? a + 17 : i + 1 < *argc ? argv[++i] : NULL;
            if (!v || !*v) {
                fprintf(stderr, "cleancast live: --echo-reference needs a device or file "
                                "(e.g. pulse:alsa_output.pci-0000_00_1f.3.analog-stereo.monitor)\n");
                return -1;
            }
            cc_live_voice.echo_reference = v;
            cc_live_voice.echo_cancel = 1;
        } else if (!strcmp(a, "--agc")) {
            cc_live_voice.agc = 1;
        } else if (!strcmp(a, "--high-pass")) {
            cc_live_voice.high_pass = 1;
        } else {
            argv[w++] = argv[i];
        }
    }
    *argc = w;
    argv[w] = NULL;
    return 0;
}

int cc_cmd_live(int argc, char **argv)
{
    if (take_voice_options(&argc, argv) < 0)
        return 2;
    CcMediaOptions o;
    int r = cc_media_parse_options(&o, argc, argv, 1);
    if (r == 1)
        voice_usage(stdout);
    if (r)
        return r == 1 ? 0 : 2;
    if (o.verbose)
        cc_tool_log_init(o.verbose);
    return cc_media_live(&o);
}
