/*
 * The CLI's options: one parsing helper per option shared by several commands, and the
 * parser of `process` and `live` (getopt_long). Every helper prints a message naming the
 * option and the bad value to stderr and returns -1; the command then exits with 2.
 *
 * One meaning per name: --model is the person-segmentation model everywhere (mask,
 * process, live: general, landscape or a .tflite path); the denoiser's model is
 * `denoise --model` and --denoise-model in process and live (rnnoise or a path). Names are
 * resolved to files by cc_model_find() (the library's lookup) when the model is opened.
 */
#ifndef CC_TOOLS_OPTIONS_H
#define CC_TOOLS_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include <cleancast/cleancast.h>
#include <cleancast/video.h>

/* ---------------------------------------------------------------- one helper per option */

/* --background blur[:S] | replace:IMAGE | color:RRGGBB | transparent | none */
typedef struct CcToolBackground {
    CcBackgroundMode mode;
    float strength;          /* blur 0..1 */
    unsigned char rgb[3];    /* color */
    const char *image_path;  /* replace (points into argv) */
} CcToolBackground;
int cc_opt_background(const char *arg, CcToolBackground *bg);

/* --model general|landscape|PATH (segmentation). *out = arg. A denoiser name is refused. */
int cc_opt_seg_model(const char *arg, const char **out);
/* --denoise-model / denoise --model: rnnoise|PATH. A segmentation name is refused. */
int cc_opt_denoise_model(const char *opt, const char *arg, const char **out);
/* --strength 0..1 (noise suppression; 0 = bypass, 1 = full) */
int cc_opt_strength(const char *arg, float *out);
/* --light-wrap 0..1 */
int cc_opt_light_wrap(const char *arg, float *out);
/* --quality realtime|best -> CC_QUALITY_* */
int cc_opt_quality(const char *arg, int *out);
/* --backend auto|xnnpack|portable */
int cc_opt_backend(const char *arg, CcBackend *out);

enum { CC_TOOL_DENOISE_OFF = 0, CC_TOOL_DENOISE_RNNOISE = 1, CC_TOOL_DENOISE_SPEEX = 2 };
/* --denoise rnnoise|speex|off (process, live) and denoise --engine rnnoise|speex (allow_off 0) */
int cc_opt_denoise_engine(const char *opt, const char *arg, int allow_off, int *out);

/* A number in [lo, hi] (integer: whole numbers only) for opt. */
int cc_opt_float(const char *opt, const char *arg, double lo, double hi, double *out);
int cc_opt_int(const char *opt, const char *arg, int lo, int hi, int *out);

/*
 * Model name or path (as the helpers above stored it) -> file, through cc_model_find().
 * On failure the library's message (every place looked in, how to fetch) has gone to the
 * log callback, i.e. stderr; returns -1.
 */
int cc_tool_find_model(const char *name_or_path, CcModelKind kind, char *path, size_t size);

/*
 * getopt_long returned c = '?' (unknown option) or ':' (missing value; optstring starts
 * with ':'): prints a message naming the argument and returns 2.
 */
int cc_opt_bad_usage(const char *cmd, int c, int argc, char **argv);

/* ---------------------------------------------------------------- process and live */

#define CC_MEDIA_MAX_OUTPUTS 4

typedef struct CcMediaOptions {
    const char *input, *output;   /* process: the file in, -o */
    /* cleaning */
    CcBackgroundMode background;
    float blur_strength;          /* 0..1 */
    unsigned char color_rgb[3];
    const char *bg_image;         /* replace:IMAGE */
    const char *model;            /* --model: general, landscape or a .tflite path */
    int raw;                      /* segmenter raw (official) mode */
    int quality;                  /* CC_QUALITY_*; process only */
    CcBackend backend;            /* inference backend */
    float light_wrap;             /* 0..1 */
    int verbose;
    int denoise;                  /* CC_TOOL_DENOISE_* */
    float strength;               /* denoiser strength 0..1 */
    const char *denoise_model;    /* --denoise-model: rnnoise or a path */
    /* execution */
    int threads;                  /* codec threads; 0 = number of CPUs */
    int stats;                    /* print per-stage timings */
    int progress;                 /* -1 auto (terminal), 0 never, 1 always */
    int quiet;
    /* encoding */
    int crf;                      /* x264/vpx quality */
    const char *preset;           /* x264 preset */
    int audio_bitrate;            /* bits per second */
    /* live only */
    const char *camera, *mic;
    const char *outputs[CC_MEDIA_MAX_OUTPUTS];
    int n_outputs;
    const char *video_size;       /* WxH for the camera */
    const char *framerate;        /* camera frame rate */
    const char *input_format;     /* camera pixel/codec format: yuyv422, mjpeg, nv12 */
    double duration_s;            /* stop after this long (0 = until Ctrl-C) */
    int camera_loop;              /* file stand-in camera: loop at the end */
    int max_queue_frames;         /* video queue bound */
    double av_offset_ms;          /* extra audio delay (+) or advance (-) */
} CcMediaOptions;

/*
 * Parses argv (argv[0] = command name) for `process` (live = 0: one input, one -o) or
 * `live` (live = 1: no positional argument, -o up to CC_MEDIA_MAX_OUTPUTS times).
 * Returns 0, 1 when --help was printed, or 2 after a message on a bad option.
 */
int cc_media_parse_options(CcMediaOptions *o, int argc, char **argv, int live);
void cc_media_usage(FILE *f, int live);

#endif
