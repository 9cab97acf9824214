#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mopts.h"

long long cc_media_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void cc_media_cache_path(char *buf, size_t size, const char *rel)
{
    const char *c = getenv("CLEANCAST_CACHE");
    if (c && *c)
        snprintf(buf, size, "%s/%s", c, rel);
    else
        snprintf(buf, size, "%s/.cache/cleancast/%s", getenv("HOME") ? getenv("HOME") : ".", rel);
}

void cc_media_usage(FILE *f, int live)
{
    if (live)
        fprintf(f,
"usage: cleancast live --camera DEV --mic DEV -o DEST [-o DEST2] [options]\n"
"  --camera DEV      /dev/videoN (V4L2), or a media file/URL read at its own pace\n"
"                    (stands in for a camera), or 'none'\n"
"  --mic DEV         pulse[:SOURCE] | alsa[:DEVICE] | a media file read at its pace | none\n"
"  -o DEST           FILE.mkv|.mp4|.flv|.ts, rtmp://..., srt://..., /dev/videoN\n"
"                    (v4l2loopback virtual camera), pulse[:SINK] (virtual microphone)\n"
"  --video-size WxH  --framerate FPS  --input-format yuyv422|mjpeg|nv12   camera mode\n"
"  --duration SEC    stop after SEC seconds (default: until Ctrl-C / SIGTERM)\n"
"  --loop            loop a file camera/mic at its end\n"
"  --max-queue N     video frames queued before late ones are dropped (default 2)\n"
"  --av-offset MS    shift audio later (+) or earlier (-) by MS\n");
    else
        fprintf(f,
"usage: cleancast process IN -o OUT [options]   (video: MP4 MKV WebM MOV AVI in; MP4 MKV WebM out)\n");
    fprintf(f,
"  --background blur[:STRENGTH]|replace:IMAGE|color:RRGGBB|transparent|none  (default blur)\n"
"  --model general|landscape|FILE.tflite   segmentation model (default general)\n"
"  --raw             official MediaPipe mask (no refinement, no temporal steadying)\n"
"  --backend auto|xnnpack|portable   --light-wrap 0..1   -v, --verbose\n"
"  --denoise rnnoise|speex|off             (default rnnoise)\n"
"  --strength 0..1   noise suppression strength (default 1)\n"
"  --denoise-model FILE   RNNoise model (.ccm or .rnnn)\n"
"  --threads N       codec threads (default: all CPUs%s); inference uses one\n"
"  --crf N  --preset NAME  --audio-bitrate BPS   encoder settings (x264 default crf 20 %s)\n"
"  --stats           print per-stage timings%s\n"
"  --progress / --no-progress   progress line (default: only on a terminal)\n"
"  -q, --quiet       no summary\n", live ? ", at most 2" : "",
            live ? "ultrafast, zerolatency" : "veryfast",
            live ? " and the added latency of video and audio" : "");
}

static int parse_hex_color(const char *s, unsigned char rgb[3])
{
    if (*s == '#')
        s++;
    if (strlen(s) != 6 || strspn(s, "0123456789abcdefABCDEF") != 6)
        return -1;
    unsigned long v = strtoul(s, NULL, 16);
    rgb[0] = (unsigned char)(v >> 16);
    rgb[1] = (unsigned char)(v >> 8);
    rgb[2] = (unsigned char)v;
    return 0;
}

static int parse_float(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static int bad(const char *cmd, const char *opt, const char *val, const char *why)
{
    fprintf(stderr, "cleancast %s: bad value '%s' for %s: %s\n", cmd, val ? val : "", opt, why);
    return 2;
}

int cc_media_parse_options(CcMediaOptions *o, int argc, char **argv, int live)
{
    const char *cmd = live ? "live" : "process";
    memset(o, 0, sizeof(*o));
    o->background = CC_BG_BLUR;
    o->blur_strength = 0.5f;
    o->color_rgb[0] = 0; o->color_rgb[1] = 177; o->color_rgb[2] = 64;
    o->denoise = CC_MEDIA_DENOISE_RNNOISE;
    o->strength = 1.0f;
    o->progress = -1;
    o->crf = 20;
    o->preset = "veryfast";
    o->audio_bitrate = 128000;
    o->max_queue_frames = 2;
    cc_media_cache_path(o->model_path, sizeof(o->model_path), "models/selfie_segmentation.tflite");
    cc_media_cache_path(o->denoise_model, sizeof(o->denoise_model), "models/rnnoise.ccm");
    int positional = 0;

    for (int i = 1; i < argc; i++) {
        char *arg = argv[i];
        char name[64];
        const char *val = NULL;
        if (arg[0] != '-' || !arg[1]) {
            if (live || positional++) {
                fprintf(stderr, "cleancast %s: unexpected argument '%s'\n", cmd, arg);
                return 2;
            }
            continue;
        }
        /* --opt=value */
        const char *eq = strchr(arg, '=');
        if (!strncmp(arg, "--", 2) && eq && (size_t)(eq - arg) < sizeof(name)) {
            memcpy(name, arg, (size_t)(eq - arg));
            name[eq - arg] = 0;
            val = eq + 1;
        } else {
            snprintf(name, sizeof(name), "%s", arg);
        }
#define FLAG(n) (!strcmp(name, n))
#define NEEDVAL() do { if (!val) { if (i + 1 >= argc) { \
            fprintf(stderr, "cleancast %s: %s needs a value\n", cmd, name); return 2; } \
            val = argv[++i]; } } while (0)
        double d;
        if (FLAG("-h") || FLAG("--help")) {
            cc_media_usage(stdout, live);
            return 1;
        } else if (FLAG("-o") || FLAG("--output")) {
            NEEDVAL();
            if (live) {
                if (o->n_outputs == CC_MEDIA_MAX_OUTPUTS) {
                    fprintf(stderr, "cleancast live: at most %d outputs\n", CC_MEDIA_MAX_OUTPUTS);
                    return 2;
                }
                o->outputs[o->n_outputs++] = val;
            }
        } else if (FLAG("--background") || FLAG("-b")) {
            NEEDVAL();
            if (!strcmp(val, "none")) {
                o->background = CC_BG_NONE;
            } else if (!strcmp(val, "transparent")) {
                o->background = CC_BG_TRANSPARENT;
            } else if (!strncmp(val, "blur", 4) && (!val[4] || val[4] == ':')) {
                o->background = CC_BG_BLUR;
                if (val[4] == ':') {
                    if (parse_float(val + 5, 0, 1, &d))
                        return bad(cmd, name, val, "blur strength must be 0..1");
                    o->blur_strength = (float)d;
                }
            } else if (!strncmp(val, "color:", 6)) {
                o->background = CC_BG_COLOR;
                if (parse_hex_color(val + 6, o->color_rgb))
                    return bad(cmd, name, val, "colour must be RRGGBB hex");
            } else if (!strncmp(val, "replace:", 8) && val[8]) {
                o->background = CC_BG_IMAGE;
                o->bg_image = val + 8;
            } else {
                return bad(cmd, name, val,
                           "use blur[:STRENGTH], replace:IMAGE, color:RRGGBB, transparent or none");
            }
        } else if (FLAG("--model") || FLAG("-m")) {
            NEEDVAL();
            if (!strcmp(val, "general"))
                cc_media_cache_path(o->model_path, sizeof(o->model_path), "models/selfie_segmentation.tflite");
            else if (!strcmp(val, "landscape"))
                cc_media_cache_path(o->model_path, sizeof(o->model_path),
                                    "models/selfie_segmentation_landscape.tflite");
            else if (strlen(val) > 7 && !strcmp(val + strlen(val) - 7, ".tflite"))
                snprintf(o->model_path, sizeof(o->model_path), "%s", val);
            else
                return bad(cmd, name, val, "use general, landscape or a .tflite file");
        } else if (FLAG("--raw")) {
            o->raw = 1;
        } else if (FLAG("--backend")) {
            NEEDVAL();
            if (!strcmp(val, "auto"))
                o->backend = CC_BACKEND_AUTO;
            else if (!strcmp(val, "xnnpack"))
                o->backend = CC_BACKEND_XNNPACK;
            else if (!strcmp(val, "portable"))
                o->backend = CC_BACKEND_PORTABLE;
            else
                return bad(cmd, name, val, "use auto, xnnpack or portable");
        } else if (FLAG("--light-wrap")) {
            NEEDVAL();
            if (parse_float(val, 0, 1, &d))
                return bad(cmd, name, val, "must be a number 0..1");
            o->light_wrap = (float)d;
        } else if (FLAG("-v") || FLAG("--verbose")) {
            o->verbose++;
        } else if (FLAG("--denoise")) {
            NEEDVAL();
            if (!strcmp(val, "rnnoise"))
                o->denoise = CC_MEDIA_DENOISE_RNNOISE;
            else if (!strcmp(val, "speex"))
                o->denoise = CC_MEDIA_DENOISE_SPEEX;
            else if (!strcmp(val, "off") || !strcmp(val, "none"))
                o->denoise = CC_MEDIA_DENOISE_OFF;
            else
                return bad(cmd, name, val, "use rnnoise, speex or off");
        } else if (FLAG("--strength")) {
            NEEDVAL();
            if (parse_float(val, 0, 1, &d))
                return bad(cmd, name, val, "must be a number 0..1");
            o->strength = (float)d;
        } else if (FLAG("--denoise-model")) {
            NEEDVAL();
            snprintf(o->denoise_model, sizeof(o->denoise_model), "%s", val);
        } else if (FLAG("--threads")) {
            NEEDVAL();
            if (parse_float(val, 0, 64, &d) || d != (int)d)
                return bad(cmd, name, val, "must be an integer 0..64 (0 = all CPUs)");
            o->threads = (int)d;
        } else if (FLAG("--stats")) {
            o->stats = 1;
        } else if (FLAG("--progress")) {
            o->progress = 1;
        } else if (FLAG("--no-progress")) {
            o->progress = 0;
        } else if (FLAG("-q") || FLAG("--quiet")) {
            o->quiet = 1;
            o->progress = 0;
        } else if (FLAG("--crf")) {
            NEEDVAL();
            if (parse_float(val, 0, 63, &d) || d != (int)d)
                return bad(cmd, name, val, "must be an integer 0..63");
            o->crf = (int)d;
        } else if (FLAG("--preset")) {
            NEEDVAL();
            o->preset = val;
        } else if (FLAG("--audio-bitrate")) {
            NEEDVAL();
            if (parse_float(val, 8000, 1024000, &d))
                return bad(cmd, name, val, "must be 8000..1024000 bits per second");
            o->audio_bitrate = (int)d;
        } else if (live && FLAG("--camera")) {
            NEEDVAL();
            o->camera = val;
        } else if (live && FLAG("--mic")) {
            NEEDVAL();
            o->mic = val;
        } else if (live && FLAG("--video-size")) {
            NEEDVAL();
            int w, h;
            char c;
            if (sscanf(val, "%dx%d%c", &w, &h, &c) != 2 || w < 2 || h < 2 || w > 16384 || h > 16384)
                return bad(cmd, name, val, "use WIDTHxHEIGHT");
            o->video_size = val;
        } else if (live && FLAG("--framerate")) {
            NEEDVAL();
            if (parse_float(val, 1, 240, &d))
                return bad(cmd, name, val, "must be 1..240");
            o->framerate = val;
        } else if (live && FLAG("--input-format")) {
            NEEDVAL();
            o->input_format = val;
        } else if (live && FLAG("--duration")) {
            NEEDVAL();
            if (parse_float(val, 0, 1e7, &d))
                return bad(cmd, name, val, "must be seconds >= 0");
            o->duration_s = d;
        } else if (live && FLAG("--loop")) {
            o->camera_loop = 1;
        } else if (live && FLAG("--max-queue")) {
            NEEDVAL();
            if (parse_float(val, 1, 64, &d) || d != (int)d)
                return bad(cmd, name, val, "must be an integer 1..64");
            o->max_queue_frames = (int)d;
        } else if (live && FLAG("--av-offset")) {
            NEEDVAL();
            if (parse_float(val, -5000, 5000, &d))
                return bad(cmd, name, val, "must be -5000..5000 ms");
            o->av_offset_ms = d;
        } else {
            fprintf(stderr, "cleancast %s: unknown option '%s' (see cleancast %s --help)\n", cmd, arg, cmd);
            return 2;
        }
#undef FLAG
#undef NEEDVAL
    }
    if (o->threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o->threads = n > 0 ? (int)n : 1;
        /* live: capture, work and output threads need cores too; codecs get at most two */
        if (live && o->threads > 2)
            o->threads = 2;
    }
    return 0;
}
