/* Options shared by `process` (video files) and `live`. */
#ifndef CC_MEDIA_MOPTS_H
#define CC_MEDIA_MOPTS_H

#include <stdio.h>

#include <cleancast/video.h>

enum { CC_MEDIA_DENOISE_OFF = 0, CC_MEDIA_DENOISE_RNNOISE = 1, CC_MEDIA_DENOISE_SPEEX = 2 };
#define CC_MEDIA_MAX_OUTPUTS 4

typedef struct CcMediaOptions {
    /* cleaning */
    CcBackgroundMode background;
    float blur_strength;          /* 0..1 */
    unsigned char color_rgb[3];
    const char *bg_image;         /* replace:IMAGE */
    char model_path[4096];        /* resolved .tflite */
    int raw;                      /* segmenter raw (official) mode */
    CcBackend backend;            /* inference backend */
    float light_wrap;             /* 0..1 */
    int verbose;
    int denoise;                  /* CC_MEDIA_DENOISE_* */
    float strength;               /* denoiser strength 0..1 */
    char denoise_model[4096];
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
 * Parses argv (argv[0] = command name). In `process` mode one positional argument and
 * -o/--output are accepted and skipped (the caller reads them). Prints a clear message
 * and returns 2 on a bad option, 1 when --help was printed, else 0.
 */
int cc_media_parse_options(CcMediaOptions *o, int argc, char **argv, int live);
void cc_media_usage(FILE *f, int live);
/* $CLEANCAST_CACHE or ~/.cache/cleancast + "/" + rel */
void cc_media_cache_path(char *buf, size_t size, const char *rel);
/* Monotonic clock in microseconds. */
long long cc_media_now_us(void);

#endif
