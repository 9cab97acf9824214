/*
 * PipeWire video for `cleancast live` (libpipewire-0.3; tools/ only, never src/):
 *   - an output: the cleaned pictures published as a PipeWire Video/Source node (a virtual
 *     camera that needs no kernel module), -o pipewire[:NAME];
 *   - an input: a PipeWire camera node read as the camera, --camera pipewire[:NODE].
 * Built from pwvideo.c when libpipewire-0.3 is found (meson option `pipewire`), else from
 * nopwvideo.c, whose functions say clearly that PipeWire support is not built.
 */
#ifndef CC_MEDIA_PWVIDEO_H
#define CC_MEDIA_PWVIDEO_H

#include <stdio.h>

#include <libavutil/frame.h>
#include <libavutil/rational.h>

#define CC_PW_DEFAULT_NODE "cleancast-camera"

/* 1 when `pipewire` / `pipewire:X` names a PipeWire device (output or camera). */
int cc_pw_is_pipewire(const char *dest);

typedef struct CcPwOut CcPwOut;

/*
 * Opens the Video/Source node named after dest (`pipewire` -> cleancast-camera,
 * `pipewire:NAME` -> NAME) for width x height pictures at fps. Offers I420, NV12 and YUY2 and
 * takes what the client negotiates. Never blocks on clients: with none connected, pictures are
 * counted and dropped. Returns NULL after printing why (not built, no daemon).
 */
CcPwOut *cc_pw_out_open(const char *dest, int width, int height, AVRational fps);
/* Hands one YUV 4:2:0 picture (YUV420P or YUVA420P, alpha ignored) captured at t_cap_us
   (monotonic, us) to the node: converted into a free PipeWire buffer and queued, or dropped
   (counted) when no client is connected or no buffer is free. Never waits for a client. */
void cc_pw_out_push(CcPwOut *o, const AVFrame *f, long long t_cap_us);
/* One or two lines: pictures offered / delivered / dropped, capture -> buffer latency, CPU. */
void cc_pw_out_print_stats(CcPwOut *o, FILE *fp, double wall_s);
void cc_pw_out_close(CcPwOut **o);

typedef struct CcPwIn CcPwIn;

/*
 * Connects to the PipeWire video node named by dev (`pipewire:NODE`; `pipewire` alone: the
 * session manager's default camera) and waits up to timeout_ms for a format. Returns NULL after
 * printing why.
 */
CcPwIn *cc_pw_in_open(const char *dev, int timeout_ms);
/* The negotiated picture: size, frame rate (0/1 when the node gives none), AVPixelFormat. */
void cc_pw_in_info(CcPwIn *in, int *width, int *height, AVRational *fps, int *pix_fmt);
/*
 * Waits up to timeout_ms for the next picture; *out gets a new frame (the caller frees it) and
 * *t_cap_us its arrival (monotonic). Only the newest picture is kept between calls (a slow
 * reader drops the older ones, counted in *dropped when not NULL). 1: a picture, 0: none yet,
 * < 0: the node is gone (stream error or unconnected).
 */
int cc_pw_in_read(CcPwIn *in, AVFrame **out, long long *t_cap_us, int timeout_ms, long long *dropped);
void cc_pw_in_close(CcPwIn **in);

#endif
