/* The CLI's option helpers and the process/live parser (see options.h). */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cleancast/audio.h>

int cc_opt_float(const char *opt, const char *arg, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "cleancast: %s wants a number from %g to %g, not '%s'\n", opt, lo, hi,
                arg);
        return -1;
    }
    *out = v;
    return 0;
}

int cc_opt_int(const char *opt, const char *arg, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < lo || v > hi) {
        fprintf(stderr, "cleancast: %s wants a whole number from %d to %d, not '%s'\n", opt, lo,
                hi, arg);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int cc_opt_strength(const char *arg, float *out)
{
    double v;
    if (cc_opt_float("--strength", arg, 0.0, 1.0, &v))
        return -1;
    *out = (float)v;
    return 0;
}

int cc_opt_light_wrap(const char *arg, float *out)
{
    double v;
    if (cc_opt_float("--light-wrap", arg, 0.0, 1.0, &v))
        return -1;
    *out = (float)v;
    return 0;
}

int cc_opt_quality(const char *arg, int *out)
{
    if (!strcmp(arg, "realtime"))
        *out = CC_QUALITY_REALTIME;
    else if (!strcmp(arg, "best"))
        *out = CC_QUALITY_BEST;
    else {
        fprintf(stderr, "cleancast: --quality must be realtime or best, not '%s'\n", arg);
        return -1;
    }
    return 0;
}

int cc_opt_backend(const char *arg, CcBackend *out)
{
    if (!strcmp(arg, "auto"))
        *out = CC_BACKEND_AUTO;
    else if (!strcmp(arg, "xnnpack"))
        *out = CC_BACKEND_XNNPACK;
    else if (!strcmp(arg, "portable"))
        *out = CC_BACKEND_PORTABLE;
    else {
        fprintf(stderr, "cleancast: unknown --backend '%s' (auto, xnnpack, portable)\n", arg);
        return -1;
    }
    return 0;
}

int cc_opt_denoise_engine(const char *opt, const char *arg, int allow_off, int *out)
{
    if (!strcmp(arg, "rnnoise"))
        *out = CC_TOOL_DENOISE_RNNOISE;
    else if (!strcmp(arg, "speex"))
        *out = CC_TOOL_DENOISE_SPEEX;
    else if (allow_off && (!strcmp(arg, "off") || !strcmp(arg, "none")))
        *out = CC_TOOL_DENOISE_OFF;
    else {
        fprintf(stderr, "cleancast: unknown %s '%s' (%s)\n", opt, arg,
                allow_off ? "rnnoise, speex or off" : "rnnoise or speex");
        return -1;
    }
    return 0;
}

int cc_opt_background(const char *arg, CcToolBackground *bg)
{
    memset(bg, 0, sizeof(*bg));
    bg->strength = 0.5f;
    bg->rgb[1] = 177; /* green screen */
    bg->rgb[2] = 64;
    if (!strcmp(arg, "none")) {
        bg->mode = CC_BG_NONE;
    } else if (!strcmp(arg, "transparent")) {
        bg->mode = CC_BG_TRANSPARENT;
    } else if (!strncmp(arg, "blur", 4) && (arg[4] == 0 || arg[4] == ':')) {
        bg->mode = CC_BG_BLUR;
        double s;
        if (arg[4] == ':') {
            if (cc_opt_float("--background blur:STRENGTH", arg + 5, 0.0, 1.0, &s))
                return -1;
            bg->strength = (float)s;
        }
    } else if (!strncmp(arg, "replace:", 8) && arg[8]) {
        bg->mode = CC_BG_IMAGE;
        bg->image_path = arg + 8;
    } else if (!strncmp(arg, "color:", 6)) {
        const char *hex = arg + 6;
        if (*hex == '#')
            hex++;
        unsigned v[3];
        if (strlen(hex) != 6 || strspn(hex, "0123456789abcdefABCDEF") != 6 ||
            sscanf(hex, "%2x%2x%2x", &v[0], &v[1], &v[2]) != 3) {
            fprintf(stderr, "cleancast: --background color:RRGGBB wants 6 hex digits, not '%s'\n",
                    arg + 6);
            return -1;
        }
        bg->mode = CC_BG_COLOR;
        for (int i = 0; i < 3; i++)
            bg->rgb[i] = (unsigned char)v[i];
    } else {
        fprintf(stderr, "cleancast: unknown --background '%s' (blur[:0..1], replace:IMAGE, "
                "color:RRGGBB, transparent, none)\n", arg);
        return -1;
    }
    return 0;
}

/*
 * Name or path? The names win unless written as a path (./general). Anything else that names
 * an existing file, or looks like a path (a '/' or a '.'), is a path, checked when opened;
 * a bare word that is neither is a typo, reported now.
 */
static int model_arg(const char *opt, const char *arg, CcModelKind kind, const char **out)
{
    static const struct { const char *name; CcModelKind kind; } names[] = {
        { "general", CC_MODEL_SEGMENTATION },
        { "landscape", CC_MODEL_SEGMENTATION },
        { "rnnoise", CC_MODEL_DENOISE },
        { "rnnoise2", CC_MODEL_DENOISE },
    };
    const char *want = kind == CC_MODEL_SEGMENTATION ? "general, landscape or a .tflite path"
                                                     : "rnnoise, rnnoise2 or a model file (.ccm, .rnnn)";
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(arg, names[i].name))
            continue;
        if (names[i].kind != kind) {
            fprintf(stderr, "cleancast: %s '%s': that is a %s model; %s takes %s%s\n", opt, arg,
                    names[i].kind == CC_MODEL_DENOISE ? "noise-suppression" : "segmentation",
                    opt, want,
                    kind == CC_MODEL_SEGMENTATION ? " (the denoiser's model is --denoise-model)"
                                                  : "");
            return -1;
        }
        *out = arg;
        return 0;
    }
    struct stat st;
    if (!*arg || (stat(arg, &st) != 0 && !strchr(arg, '/') && !strchr(arg, '.'))) {
        fprintf(stderr, "cleancast: unknown %s '%s' (%s)\n", opt, arg, want);
        return -1;
    }
    *out = arg;
    return 0;
}

int cc_opt_seg_model(const char *arg, const char **out)
{
    return model_arg("--model", arg, CC_MODEL_SEGMENTATION, out);
}

int cc_opt_denoise_model(const char *opt, const char *arg, const char **out)
{
    return model_arg(opt, arg, CC_MODEL_DENOISE, out);
}

int cc_tool_find_model(const char *name_or_path, CcModelKind kind, char *path, size_t size)
{
    return cc_model_find(name_or_path, kind, path, size) < 0 ? -1 : 0;
}

int cc_opt_bad_usage(const char *cmd, int c, int argc, char **argv)
{
    /* getopt_long leaves the offending element at optind - 1. */
    const char *arg = optind >= 1 && optind - 1 < argc ? argv[optind - 1] : "?";
    if (c == ':')
        fprintf(stderr, "cleancast %s: %s needs a value\n", cmd, arg);
    else
        fprintf(stderr, "cleancast %s: unknown option '%s' (see cleancast %s --help)\n", cmd, arg,
                cmd);
    return 2;
}

/* ---------------------------------------------------------------- process and live */

void cc_media_usage(FILE *f, int live)
{
    if (live)
        fprintf(f,
"usage: cleancast live --camera DEV --mic DEV -o DEST [-o DEST2] [options]\n"
"  --camera DEV      /dev/videoN (V4L2), pipewire[:NODE] (a PipeWire camera node), or a\n"
"                    media file/URL read at its own pace (stands in for a camera), or 'none'\n"
"  --mic DEV         pulse[:SOURCE] | alsa[:DEVICE] | a media file read at its pace | none\n"
"  -o DEST           FILE.mkv|.mp4|.flv|.ts, rtmp://..., srt://..., /dev/videoN\n"
"                    (v4l2loopback virtual camera), pipewire[:NAME] (PipeWire camera node,\n"
"                    default cleancast-camera), pulse[:SINK] (virtual microphone)\n"
"  --video-size WxH  --framerate FPS  --input-format yuyv422|mjpeg|nv12   camera mode\n"
"  --duration SEC    stop after SEC seconds (default: until Ctrl-C / SIGTERM)\n"
"  --loop            loop a file camera/mic at its end\n"
"  --max-queue N     video frames queued before late ones are dropped (default 2)\n"
"  --av-offset MS    shift audio later (+) or earlier (-) by MS\n");
    else
        fprintf(f,
"usage: cleancast process IN -o OUT [options]\n"
"Blurs, replaces or removes the background behind the person in an image\n"
"(PNG, JPEG, PPM in; PNG, JPEG, PPM out) or a video file (MP4, MKV, WebM, MOV, AVI in;\n"
"MP4, MKV, WebM, MOV out), and cleans a video file's sound.\n\n"
"  -o, --output FILE  output file (written under a temporary name, renamed when done)\n");
    fprintf(f,
"  --background MODE  blur[:STRENGTH 0..1] (default blur:0.5), replace:IMAGE,\n"
"                     color:RRGGBB, transparent%s, none\n"
"  --model NAME       segmentation model: general (256x256, default), landscape (256x144)\n"
"                     or a .tflite path\n"
"  --raw              official MediaPipe mask (no refinement, no temporal steadying)\n"
"%s"
"  --backend B        auto (default), xnnpack or portable   --light-wrap 0..1 (default 0)\n"
"  -v, --verbose      more messages            -h, --help   this help\n"
"%s"
"  --denoise E        noise suppression: rnnoise (default), speex or off\n"
"  --denoise-model M  the denoiser's model: rnnoise2 (RNNoise 0.2, default), rnnoise\n"
"                     (RNNoise 0.1, 10 ms less delay) or a file (.ccm, .rnnn)\n"
"  --strength 0..1    noise suppression strength (default 1)\n"
"  --threads N        codec threads (default: all CPUs%s); inference uses one\n"
"  --crf N  --preset NAME  --audio-bitrate BPS   encoder settings (x264 default crf 20 %s)\n"
"  --stats            print per-stage timings%s\n"
"  --progress / --no-progress   progress line (default: only on a terminal)\n"
"  -q, --quiet        no summary\n"
"Model names are looked up in $CLEANCAST_CACHE/models, $XDG_CACHE_HOME/cleancast/models,\n"
"~/.cache/cleancast/models, then the installed data folder (`make models` fetches them).\n",
            live ? "" : " (PNG with alpha; video: MKV/WebM/MOV with alpha)",
            live ? "" : "  --quality Q        realtime (default) or best: zoomed and mirrored passes and a\n"
                        "                     soft matte, several times slower (for recordings)\n",
            live ? "" : "Video files only:\n",
            live ? ", at most 2" : "", live ? "ultrafast, zerolatency" : "veryfast",
            live ? " and the added latency of video and audio" : "");
}

int cc_media_parse_options(CcMediaOptions *o, int argc, char **argv, int live)
{
    enum {
        O_BG = 256, O_MODEL, O_RAW, O_BACKEND, O_WRAP, O_DENOISE, O_STRENGTH, O_DMODEL,
        O_THREADS, O_STATS, O_PROGRESS, O_NOPROGRESS, O_CRF, O_PRESET, O_ABITRATE,
        O_QUALITY, O_CAMERA, O_MIC, O_VSIZE, O_FPS, O_IFMT, O_DURATION, O_LOOP, O_MAXQ, O_AVOFF,
    };
    static const struct option common[] = {
        { "output", required_argument, NULL, 'o' },
        { "background", required_argument, NULL, O_BG },
        { "model", required_argument, NULL, O_MODEL },
        { "raw", no_argument, NULL, O_RAW },
        { "backend", required_argument, NULL, O_BACKEND },
        { "light-wrap", required_argument, NULL, O_WRAP },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "denoise", required_argument, NULL, O_DENOISE },
        { "strength", required_argument, NULL, O_STRENGTH },
        { "denoise-model", required_argument, NULL, O_DMODEL },
        { "threads", required_argument, NULL, O_THREADS },
        { "stats", no_argument, NULL, O_STATS },
        { "progress", no_argument, NULL, O_PROGRESS },
        { "no-progress", no_argument, NULL, O_NOPROGRESS },
        { "quiet", no_argument, NULL, 'q' },
        { "crf", required_argument, NULL, O_CRF },
        { "preset", required_argument, NULL, O_PRESET },
        { "audio-bitrate", required_argument, NULL, O_ABITRATE },
        { "quality", required_argument, NULL, O_QUALITY },
        /* live only (refused below for process) */
        { "camera", required_argument, NULL, O_CAMERA },
        { "mic", required_argument, NULL, O_MIC },
        { "video-size", required_argument, NULL, O_VSIZE },
        { "framerate", required_argument, NULL, O_FPS },
        { "input-format", required_argument, NULL, O_IFMT },
        { "duration", required_argument, NULL, O_DURATION },
        { "loop", no_argument, NULL, O_LOOP },
        { "max-queue", required_argument, NULL, O_MAXQ },
        { "av-offset", required_argument, NULL, O_AVOFF },
        { NULL, 0, NULL, 0 },
    };
    const char *cmd = live ? "live" : "process";
    memset(o, 0, sizeof(*o));
    CcToolBackground bg;
    cc_opt_background("blur", &bg);
    o->model = "general";
    o->denoise = CC_TOOL_DENOISE_RNNOISE;
    o->denoise_model = CC_DENOISE_DEFAULT_MODEL;
    o->strength = 1.0f;
    o->progress = -1;
    o->crf = 20;
    o->preset = "veryfast";
    o->audio_bitrate = 128000;
    o->max_queue_frames = 2;

    optind = 0; /* GNU: full re-initialisation, argv[0] is the command */
    opterr = 0;
    int c, idx;
    double d;
    while ((c = getopt_long(argc, argv, "-:o:b:m:vhq", common, &idx)) != -1) {
        if (c == O_QUALITY && live) {
            fprintf(stderr, "cleancast live: --quality is for files (live is always realtime)\n");
            return 2;
        }
        if (c >= O_CAMERA && !live) {
            fprintf(stderr, "cleancast process: --%s is a live option (see cleancast live --help)\n",
                    common[idx].name);
            return 2;
        }
        switch (c) {
        case 1: /* positional, in order */
            if (live || o->input) {
                fprintf(stderr, "cleancast %s: unexpected argument '%s'\n", cmd, optarg);
                return 2;
            }
            o->input = optarg;
            break;
        case 'o':
            if (live) {
                if (o->n_outputs == CC_MEDIA_MAX_OUTPUTS) {
                    fprintf(stderr, "cleancast live: at most %d outputs\n", CC_MEDIA_MAX_OUTPUTS);
                    return 2;
                }
                o->outputs[o->n_outputs++] = optarg;
            } else if (o->output) {
                fprintf(stderr, "cleancast process: one -o OUTPUT only\n");
                return 2;
            } else {
                o->output = optarg;
            }
            break;
        case 'b': case O_BG: if (cc_opt_background(optarg, &bg)) return 2; break;
        case 'm': case O_MODEL: if (cc_opt_seg_model(optarg, &o->model)) return 2; break;
        case O_RAW: o->raw = 1; break;
        case O_QUALITY: if (cc_opt_quality(optarg, &o->quality)) return 2; break;
        case O_BACKEND: if (cc_opt_backend(optarg, &o->backend)) return 2; break;
        case O_WRAP: if (cc_opt_light_wrap(optarg, &o->light_wrap)) return 2; break;
        case 'v': o->verbose++; break;
        case 'h': cc_media_usage(stdout, live); return 1;
        case O_DENOISE:
            if (cc_opt_denoise_engine("--denoise", optarg, 1, &o->denoise))
                return 2;
            break;
        case O_STRENGTH: if (cc_opt_strength(optarg, &o->strength)) return 2; break;
        case O_DMODEL:
            if (cc_opt_denoise_model("--denoise-model", optarg, &o->denoise_model))
                return 2;
            break;
        case O_THREADS:
            if (cc_opt_int("--threads", optarg, 0, 64, &o->threads))
                return 2;
            break;
        case O_STATS: o->stats = 1; break;
        case O_PROGRESS: o->progress = 1; break;
        case O_NOPROGRESS: o->progress = 0; break;
        case 'q': o->quiet = 1; o->progress = 0; break;
        case O_CRF: if (cc_opt_int("--crf", optarg, 0, 63, &o->crf)) return 2; break;
        case O_PRESET: o->preset = optarg; break;
        case O_ABITRATE:
            if (cc_opt_int("--audio-bitrate", optarg, 8000, 1024000, &o->audio_bitrate))
                return 2;
            break;
        case O_CAMERA: o->camera = optarg; break;
        case O_MIC: o->mic = optarg; break;
        case O_VSIZE: {
            int w, h;
            char x;
            if (sscanf(optarg, "%dx%d%c", &w, &h, &x) != 2 || w < 2 || h < 2 || w > 16384 ||
                h > 16384) {
                fprintf(stderr, "cleancast live: --video-size wants WIDTHxHEIGHT, not '%s'\n",
                        optarg);
                return 2;
            }
            o->video_size = optarg;
            break;
        }
        case O_FPS:
            if (cc_opt_float("--framerate", optarg, 1, 240, &d))
                return 2;
            o->framerate = optarg;
            break;
        case O_IFMT: o->input_format = optarg; break;
        case O_DURATION:
            if (cc_opt_float("--duration", optarg, 0, 1e7, &o->duration_s))
                return 2;
            break;
        case O_LOOP: o->camera_loop = 1; break;
        case O_MAXQ:
            if (cc_opt_int("--max-queue", optarg, 1, 64, &o->max_queue_frames))
                return 2;
            break;
        case O_AVOFF:
            if (cc_opt_float("--av-offset", optarg, -5000, 5000, &o->av_offset_ms))
                return 2;
            break;
        default:
            return cc_opt_bad_usage(cmd, c, argc, argv);
        }
    }
    o->background = bg.mode;
    o->blur_strength = bg.strength;
    memcpy(o->color_rgb, bg.rgb, 3);
    o->bg_image = bg.image_path;
    if (o->threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o->threads = n > 0 ? (int)n : 1;
        /* live: capture, work and output threads need cores too; codecs get at most two */
        if (live && o->threads > 2)
            o->threads = 2;
    }
    return 0;
}
