/* cleancast denoise: WAV in, WAV out, same rate, channels, length and encoding. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cleancast/audio.h>

#include "commands.h"
#include "wav.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cleancast denoise IN.wav -o OUT.wav [options]\n"
            "\n"
            "Removes noise from speech. Output has the input's rate, channels, length and\n"
            "sample encoding, time-aligned with the input (the denoiser's delay is removed).\n"
            "WAV: PCM 16/24/32-bit or float 32/64, plain or extensible; 8000..192000 Hz, 1..8\n"
            "channels.\n"
            "\n"
            "  -o, --output PATH    output WAV (written to a temporary file, then renamed)\n"
            "  --engine NAME        rnnoise (neural, default) or speex (speexdsp, low CPU)\n"
            "  --strength S         0 = bypass .. 1 = full suppression (default 1)\n"
            "  --model PATH         RNNoise model, .ccm or .rnnn (default\n"
            "                       $CLEANCAST_CACHE/models/rnnoise.ccm, else\n"
            "                       ~/.cache/cleancast/models/rnnoise.ccm)\n"
            "  -v, --verbose        print what it does\n"
            "  -h, --help           this text\n");
}

static int default_model(char *buf, size_t n)
{
    const char *cache = getenv("CLEANCAST_CACHE");
    if (cache && *cache) {
        snprintf(buf, n, "%s/models/rnnoise.ccm", cache);
        if (access(buf, R_OK) == 0)
            return 0;
    }
    const char *home = getenv("HOME");
    if (home && *home) {
        snprintf(buf, n, "%s/.cache/cleancast/models/rnnoise.ccm", home);
        if (access(buf, R_OK) == 0)
            return 0;
    }
    return -1;
}

static int need_arg(int i, int argc, const char *opt)
{
    if (i + 1 >= argc) {
        fprintf(stderr, "cleancast denoise: %s needs a value\n", opt);
        return 0;
    }
    return 1;
}

int cc_cmd_denoise(int argc, char **argv)
{
    const char *in_path = NULL, *out_path = NULL, *model_path = NULL;
    CcDenoiserSettings s;
    cc_denoiser_default_settings(&s);
    int verbose = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!need_arg(i, argc, a))
                return 2;
            out_path = argv[++i];
        } else if (!strcmp(a, "--engine")) {
            if (!need_arg(i, argc, a))
                return 2;
            const char *e = argv[++i];
            if (!strcmp(e, "rnnoise"))
                s.engine = CC_DENOISE_RNNOISE;
            else if (!strcmp(e, "speex"))
                s.engine = CC_DENOISE_SPEEX;
            else {
                fprintf(stderr, "cleancast denoise: unknown engine '%s' (rnnoise or speex)\n",
                        e);
                return 2;
            }
        } else if (!strcmp(a, "--strength")) {
            if (!need_arg(i, argc, a))
                return 2;
            const char *v = argv[++i];
            char *end;
            errno = 0;
            float st = strtof(v, &end);
            if (end == v || *end || errno || !(st >= 0.0f && st <= 1.0f)) {
                fprintf(stderr, "cleancast denoise: --strength '%s' is not a number in 0..1\n",
                        v);
                return 2;
            }
            s.strength = st;
        } else if (!strcmp(a, "--model")) {
            if (!need_arg(i, argc, a))
                return 2;
            model_path = argv[++i];
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            verbose++;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "cleancast denoise: unknown option '%s' (see --help)\n", a);
            return 2;
        } else if (!in_path) {
            in_path = a;
        } else {
            fprintf(stderr, "cleancast denoise: more than one input ('%s', '%s')\n", in_path,
                    a);
            return 2;
        }
    }
    if (!in_path || !out_path) {
        fprintf(stderr, "cleancast denoise: need an input and -o OUTPUT (see --help)\n");
        return 2;
    }
    cc_tool_log_init(verbose);

    char err[512];
    CcWav w;
    if (cc_wav_read_file(in_path, &w, err, sizeof(err)) < 0) {
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
        char def[4096];
        if (!model_path) {
            if (default_model(def, sizeof(def)) < 0) {
                fprintf(stderr, "cleancast denoise: no RNNoise model found in "
                        "$CLEANCAST_CACHE/models or ~/.cache/cleancast/models (run "
                        "models/fetch_rnnoise.sh, or pass --model)\n");
                goto end;
            }
            model_path = def;
        }
        int r = cc_denoise_model_open_file(&model, model_path);
        if (r < 0) {
            fprintf(stderr, "cleancast denoise: cannot load model %s: %s\n", model_path,
                    cc_strerror(r));
            goto end;
        }
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
    if (verbose)
        fprintf(stderr, "cleancast denoise: %lld frames, %d Hz, %d ch, latency %d compensated\n",
                (long long)w.frames, w.sample_rate, w.channels, lat);
    float *in_samples = w.samples;
    w.samples = out + (size_t)lat * ch;
    r = cc_wav_write_file(out_path, &w, err, sizeof(err));
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
    cc_wav_free(&w);
    return ret;
}
