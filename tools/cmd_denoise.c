/* cleancast denoise: an audio file in, the same kind of file out (libsndfile); with
   --echo-reference / --agc / --high-pass through the voice processor (doc/ECHO.md). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cleancast/audio.h>

#include "audiofile.h"
#include "commands.h"
#include "options.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cleancast denoise IN -o OUT [options]\n"
            "\n"
            "Removes noise from speech. Output has the input's rate, channels and length,\n"
            "time-aligned with the input (the denoiser's delay is removed), and its container\n"
            "and sample encoding when OUT has the same extension as IN.\n"
            "Files: whatever libsndfile reads: WAV (8/16/24/32-bit PCM, A-law, mu-law, float,\n"
            "double, extensible), RF64, W64, AIFF, AU, CAF, FLAC, Ogg Vorbis, Ogg Opus, MP3;\n"
            "8000..192000 Hz, 1..8 channels. OUT's type follows its extension.\n"
            "\n"
            "  -o, --output PATH    output file (written to a temporary file, then renamed)\n"
            "  --engine NAME        rnnoise (neural, default) or speex (speexdsp, low CPU)\n"
            "  --strength S         0 = bypass .. 1 = full suppression (default 1)\n"
            "  --model M            the denoiser's model: rnnoise2 (RNNoise 0.2, default),\n"
            "                       rnnoise (RNNoise 0.1, 10 ms less delay) or a\n"
            "                       file (.ccm, .rnnn). The name is looked up in\n"
            "                       $CLEANCAST_CACHE/models, $XDG_CACHE_HOME/cleancast/models,\n"
            "                       ~/.cache/cleancast/models, then the installed data folder\n"
            "                       (`make models` fetches it)\n"
            "  --echo-reference FAR what the loudspeakers played (a file with IN's rate, mono\n"
            "                       or more channels, averaged): removes its echo from IN\n"
            "                       before noise suppression (IN must be mono and its rate a\n"
            "                       multiple of 100 Hz). The bulk delay is found inside (up to\n"
            "                       500 ms); FAR's sample 0 is taken as played at IN's sample\n"
            "                       0. Past FAR's end the far end is silent (a warning says\n"
            "                       so); NaN/Inf in FAR count as 0 (warned); see doc/ECHO.md\n"
            "  --agc                automatic gain control: speech to about -19 LUFS\n"
            "                       (off unless asked)\n"
            "  --high-pass          80 Hz high-pass before everything (off unless asked)\n"
            "  -v, --verbose        print what it does\n"
            "  -h, --help           this text\n");
}

/*
 * The voice-processor path (--echo-reference, --agc, --high-pass): high-pass, echo
 * cancellation, noise suppression, AGC (cleancast/audio.h CcVoiceProcessor). The far end is
 * fed 10 ms ahead of the mic of the same time, both in 10 ms blocks; the output is
 * time-aligned with IN and has its length. Returns the exit status.
 */
static int run_voice(const char *in_path, const char *out_path, const char *far_path,
                     CcAudioFile *w, const CcDenoiseModel *model, const CcDenoiserSettings *ds,
                     int agc, int high_pass, int verbose)
{
    char err[4600];
    CcAudioFile far = { 0 };
    CcVoiceProcessor *vp = NULL;
    float *out = NULL;
    int ret = 1;
    if (w->channels != 1) {
        fprintf(stderr, "cleancast denoise: %s: %d channels; --echo-reference, --agc and "
                "--high-pass need a mono microphone\n", in_path, w->channels);
        return 1;
    }
    if (far_path) {
        if (cc_audio_read(far_path, &far, err, sizeof(err)) < 0) {
            fprintf(stderr, "cleancast denoise: --echo-reference: %s\n", err);
            return 1;
        }
        if (far.sample_rate != w->sample_rate) {
            fprintf(stderr, "cleancast denoise: --echo-reference %s is at %d Hz, %s at %d Hz: "
                    "the reference must have the microphone's rate\n", far_path,
                    far.sample_rate, in_path, w->sample_rate);
            goto end;
        }
        if (far.channels < 1 || far.channels > 8) {
            fprintf(stderr, "cleancast denoise: --echo-reference %s: %d channels; 1..8 are "
                    "supported\n", far_path, far.channels);
            goto end;
        }
        if (far.frames < w->frames)
            fprintf(stderr, "cleancast denoise: warning: --echo-reference %s is shorter than "
                    "%s (%.2f s of %.2f s); the far end is taken as silent after its end\n",
                    far_path, in_path, (double)far.frames / far.sample_rate,
                    (double)w->frames / w->sample_rate);
        int nonfinite = 0, audible = 0;
        size_t nf = (size_t)far.frames * (size_t)far.channels;
        for (size_t i = 0; i < nf; i++) {
            if (!isfinite(far.samples[i]))
                nonfinite++;
            else if (fabsf(far.samples[i]) > 1e-4f)
                audible = 1;
        }
        if (nonfinite)
            fprintf(stderr, "cleancast denoise: warning: --echo-reference %s has %d NaN/Inf "
                    "samples; they count as silence\n", far_path, nonfinite);
        if (!audible)
            fprintf(stderr, "cleancast denoise: warning: --echo-reference %s is silent: there "
                    "is no echo of it to remove\n", far_path);
    }
    CcVoiceSettings vs;
    cc_voice_default_settings(&vs);
    vs.sample_rate_hz = w->sample_rate;
    vs.far_channels = far_path ? far.channels : 1;
    vs.echo_cancel = far_path != NULL;
    vs.noise_suppress = 1;
    vs.denoise_engine = ds->engine;
    vs.denoise_strength = ds->strength;
    vs.agc = agc;
    vs.high_pass = high_pass;
    int r = cc_voice_open(&vp, model, &vs);
    if (r < 0) {
        fprintf(stderr, "cleancast denoise: cannot open the voice processor: %s\n",
                cc_strerror(r));
        goto end;
    }
    int lat = cc_voice_latency_samples(vp);
    out = malloc(((size_t)w->frames + (size_t)lat) * sizeof(float));
    if (!out) {
        fprintf(stderr, "cleancast denoise: out of memory\n");
        goto end;
    }
    const int block = w->sample_rate / 100 > 0 ? w->sample_rate / 100 : 1;
    for (int64_t pos = 0; pos < w->frames; pos += block) {
        int n = (int)(w->frames - pos < block ? w->frames - pos : block);
        if (far_path && pos < far.frames) {
            int nfar = (int)(far.frames - pos < n ? far.frames - pos : n);
            cc_voice_far(vp, far.samples + (size_t)pos * (size_t)far.channels, nfar);
        }
        r = cc_voice_process(vp, w->samples + pos, out + pos, n);
        if (r < 0) {
            fprintf(stderr, "cleancast denoise: processing failed: %s\n", cc_strerror(r));
            goto end;
        }
    }
    r = cc_voice_flush(vp, out + w->frames, lat);
    if (r != lat) {
        fprintf(stderr, "cleancast denoise: flush returned %d of %d frames\n", r, lat);
        goto end;
    }
    if (verbose) {
        CcVoiceStats st;
        cc_voice_stats(vp, &st);
        fprintf(stderr, "cleancast denoise: %lld frames, %d Hz, echo %s (delay found %d ms, "
                "ERLE %.1f dB), AGC %s (gain now %.1f dB), high-pass %s, latency %d "
                "compensated\n", (long long)w->frames, w->sample_rate, far_path ? "on" : "off",
                st.echo_delay_ms, st.erle_db, agc ? "on" : "off", st.agc_gain_db,
                high_pass ? "on" : "off", lat);
    }
    float *in_samples = w->samples;
    w->samples = out + lat;
    r = cc_audio_write(out_path, w, err, sizeof(err));
    w->samples = in_samples;
    if (r < 0) {
        fprintf(stderr, "cleancast denoise: %s\n", err);
        goto end;
    }
    ret = 0;
end:
    free(out);
    cc_voice_close(&vp);
    cc_audio_free(&far);
    return ret;
}

int cc_cmd_denoise(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' }, { "engine", required_argument, NULL, 'e' },
        { "strength", required_argument, NULL, 's' }, { "model", required_argument, NULL, 'm' },
        { "verbose", no_argument, NULL, 'v' },      { "help", no_argument, NULL, 'h' },
        { "echo-reference", required_argument, NULL, 'E' }, { "agc", no_argument, NULL, 'A' },
        { "high-pass", no_argument, NULL, 'H' },
        { NULL, 0, NULL, 0 },
    };
    const char *in_path = NULL, *out_path = NULL, *model_name = CC_DENOISE_DEFAULT_MODEL;
    const char *far_path = NULL;
    int agc = 0, high_pass = 0;
    CcDenoiserSettings s;
    cc_denoiser_default_settings(&s);
    int verbose = 0, engine = CC_TOOL_DENOISE_RNNOISE, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "-:o:m:vh", opts, NULL)) != -1) {
        switch (c) {
        case 1:
            if (in_path) {
                fprintf(stderr, "cleancast denoise: more than one input ('%s', '%s')\n",
                        in_path, optarg);
                return 2;
            }
            in_path = optarg;
            break;
        case 'o': out_path = optarg; break;
        case 'e': if (cc_opt_denoise_engine("--engine", optarg, 0, &engine)) return 2; break;
        case 's': if (cc_opt_strength(optarg, &s.strength)) return 2; break;
        case 'm': if (cc_opt_denoise_model("--model", optarg, &model_name)) return 2; break;
        case 'v': verbose++; break;
        case 'E': far_path = optarg; break;
        case 'A': agc = 1; break;
        case 'H': high_pass = 1; break;
        case 'h': usage(stdout); return 0;
        default: return cc_opt_bad_usage("denoise", c, argc, argv);
        }
    }
    if (!in_path || !out_path) {
        fprintf(stderr, "cleancast denoise: need an input and -o OUTPUT (see --help)\n");
        return 2;
    }
    s.engine = engine == CC_TOOL_DENOISE_SPEEX ? CC_DENOISE_SPEEX : CC_DENOISE_RNNOISE;
    cc_tool_log_init(verbose);

    char err[4600];
    CcAudioFile w;
    if (cc_audio_read(in_path, &w, err, sizeof(err)) < 0) {
        fprintf(stderr, "cleancast denoise: %s\n", err);
        return 1;
    }
    int ret = 1;
    CcDenoiseModel *model = NULL;
    CcDenoiser *dn = NULL;
    float *out = NULL;
    if (w.sample_rate < 8000 || w.sample_rate > 192000) {
        fprintf(stderr, "cleancast denoise: %s: sample rate %d Hz outside 8000..192000\n",
                in_path, w.sample_rate);
        goto end;
    }
    if (w.channels > 8) {
        fprintf(stderr, "cleancast denoise: %s: %d channels; at most 8 are supported\n",
                in_path, w.channels);
        goto end;
    }
    if (s.engine == CC_DENOISE_RNNOISE) {
        char model_path[4096];
        if (cc_tool_find_model(model_name, CC_MODEL_DENOISE, model_path, sizeof(model_path)))
            goto end; /* the library said where it looked */
        int r = cc_denoise_model_open_file(&model, model_path);
        if (r < 0) {
            fprintf(stderr, "cleancast denoise: cannot load model %s: %s\n", model_path,
                    cc_strerror(r));
            goto end;
        }
    }
    if (far_path || agc || high_pass) {
        ret = run_voice(in_path, out_path, far_path, &w, model, &s, agc, high_pass, verbose);
        goto end;
    }
    s.sample_rate_hz = w.sample_rate;
    s.channels = w.channels;
    int r = cc_denoiser_open(&dn, model, &s);
    if (r < 0) {
        fprintf(stderr, "cleancast denoise: cannot open the denoiser: %s\n", cc_strerror(r));
        goto end;
    }
    int lat = cc_denoiser_latency_samples(dn);
    size_t ch = (size_t)w.channels;
    out = malloc(((size_t)w.frames + (size_t)lat) * ch * sizeof(float));
    if (!out) {
        fprintf(stderr, "cleancast denoise: out of memory\n");
        goto end;
    }
    /* Whole file through the streaming API, then the tail; drop the first `lat` frames. */
    const int block = 4800;
    for (int64_t pos = 0; pos < w.frames; pos += block) {
        int n = (int)(w.frames - pos < block ? w.frames - pos : block);
        r = cc_denoiser_process(dn, w.samples + (size_t)pos * ch, out + (size_t)pos * ch, n);
        if (r < 0) {
            fprintf(stderr, "cleancast denoise: processing failed: %s\n", cc_strerror(r));
            goto end;
        }
    }
    r = cc_denoiser_flush(dn, out + (size_t)w.frames * ch, lat);
    if (r != lat) {
        fprintf(stderr, "cleancast denoise: flush returned %d of %d frames\n", r, lat);
        goto end;
    }
    if (verbose) {
        char fmt[128];
        fprintf(stderr, "cleancast denoise: %lld frames, %d Hz, %d ch, %s, latency %d "
                "compensated\n", (long long)w.frames, w.sample_rate, w.channels,
                cc_audio_format_name(w.format, fmt, sizeof(fmt)), lat);
    }
    float *in_samples = w.samples;
    w.samples = out + (size_t)lat * ch;
    r = cc_audio_write(out_path, &w, err, sizeof(err));
    w.samples = in_samples;
    if (r < 0) {
        fprintf(stderr, "cleancast denoise: %s\n", err);
        goto end;
    }
    ret = 0;
end:
    free(out);
    cc_denoiser_close(&dn);
    cc_denoise_model_close(&model);
    cc_audio_free(&w);
    return ret;
}
