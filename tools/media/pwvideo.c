/*
 * PipeWire video in and out for `cleancast live` (see pwvideo.h), on libpipewire-0.3 directly:
 * one pw_thread_loop per stream, no GStreamer in the live path.
 *
 * Output (a virtual camera): a pw_stream with media.class Video/Source and node.name NAME, a
 * driver (it sets the graph's pace: one cycle per cleaned picture). It offers the camera's size
 * and rate in I420, NV12 or YUY2 and lets the client pick. The output thread of `live` calls
 * cc_pw_out_push() per picture: under the loop lock a free buffer is dequeued, the picture
 * converted into it (laid out as GStreamer's default video layout: strides rounded up to 4,
 * planes back to back in one block), stamped (spa_meta_header pts = capture time, ns on
 * CLOCK_MONOTONIC, the clock PipeWire uses) and queued, then the graph is triggered. Nothing is
 * queued inside: a picture either goes into a buffer now or is dropped (no client linked, or the
 * client still holds every buffer), so a slow, late or vanishing client never holds up the other
 * outputs.
 *
 * Input (a camera node): a pw_stream linked by the session manager to target.object NODE; it
 * takes raw YUV/RGB formats of any size. Each buffer is copied into an AVFrame at once and the
 * buffer given back; the newest picture waits for the camera thread (older ones are counted as
 * dropped), the same as a V4L2 camera read by libavdevice.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pipewire/pipewire.h>
#include <spa/param/video/format-utils.h>
#include <spa/pod/builder.h>

#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "mopts.h"
#include "pwvideo.h"
#include "stats.h"

int cc_pw_is_pipewire(const char *d)
{
    return d && !strncmp(d, "pipewire", 8) && (!d[8] || d[8] == ':');
}

static pthread_once_t pw_once = PTHREAD_ONCE_INIT;
static void pw_init_once(void) { pw_init(NULL, NULL); }

static int ru4(int x) { return (x + 3) & ~3; }

static double thread_cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double clock_cpu_us(clockid_t c)
{
    struct timespec ts;
    if (clock_gettime(c, &ts) < 0)
        return 0;
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static const char *remote_hint(void)
{
    const char *r = getenv("PIPEWIRE_REMOTE");
    return r ? r : "pipewire-0";
}

/* ------------------------------------------------------------------ output */

struct CcPwOut {
    struct pw_thread_loop *loop;
    struct pw_context *context;
    struct pw_core *core;
    struct pw_stream *stream;
    struct spa_hook stream_listener;
    char name[256];
    int width, height;
    AVRational fps;
    /* under the loop lock (written by the loop thread's events) */
    enum pw_stream_state state;
    char error[256];
    int negotiated;
    uint32_t spa_format;
    int av_fmt, stride[3], offset[3], size;
    long long links;               /* times a client started streaming */
    int have_loop_clock;
    clockid_t loop_clock;
    /* output thread only */
    struct SwsContext *sws;
    int sws_fmt;
    uint64_t seq;
    long long offered, delivered, no_client, no_buffer;
    double push_cpu_us;
    CcStage lat, push;
};

static void out_state_changed(void *data, enum pw_stream_state old, enum pw_stream_state state,
                              const char *error)
{
    CcPwOut *o = data;
    (void)old;
    if (!o->have_loop_clock && !pthread_getcpuclockid(pthread_self(), &o->loop_clock))
        o->have_loop_clock = 1;
    o->state = state;
    if (state == PW_STREAM_STATE_STREAMING)
        o->links++;
    if (state == PW_STREAM_STATE_ERROR)
        snprintf(o->error, sizeof(o->error), "%s", error ? error : "stream error");
    pw_thread_loop_signal(o->loop, false);
}

/* The client chose a format: lay the picture out for it and ask for buffers of that size. */
static void out_param_changed(void *data, uint32_t id, const struct spa_pod *param)
{
    CcPwOut *o = data;
    if (id != SPA_PARAM_Format)
        return;
    o->negotiated = 0;
    if (!param)
        return;
    struct spa_video_info_raw info;
    memset(&info, 0, sizeof(info));
    if (spa_format_video_raw_parse(param, &info) < 0)
        return;
    int w = o->width, h = o->height, ch = (h + 1) / 2;
    memset(o->offset, 0, sizeof(o->offset));
    memset(o->stride, 0, sizeof(o->stride));
    switch (info.format) {
    case SPA_VIDEO_FORMAT_I420:
        o->av_fmt = AV_PIX_FMT_YUV420P;
        o->stride[0] = ru4(w);
        o->stride[1] = o->stride[2] = ru4((w + 1) / 2);
        o->offset[1] = o->stride[0] * h;
        o->offset[2] = o->offset[1] + o->stride[1] * ch;
        o->size = o->offset[2] + o->stride[2] * ch;
        break;
    case SPA_VIDEO_FORMAT_NV12:
        o->av_fmt = AV_PIX_FMT_NV12;
        o->stride[0] = ru4(w);
        o->stride[1] = ru4((w + 1) / 2 * 2);
        o->offset[1] = o->stride[0] * h;
        o->size = o->offset[1] + o->stride[1] * ch;
        break;
    case SPA_VIDEO_FORMAT_YUY2:
        o->av_fmt = AV_PIX_FMT_YUYV422;
        o->stride[0] = ru4((w + 1) / 2 * 4);
        o->size = o->stride[0] * h;
        break;
    default:
        return;
    }
    o->spa_format = info.format;
    o->negotiated = 1;
    uint8_t buf[1024];
    struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
    const struct spa_pod *params[2];
    /* Few buffers: one being filled, one or two with the client; no queue of our own. */
    params[0] = spa_pod_builder_add_object(&b, SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers,
        SPA_PARAM_BUFFERS_buffers, SPA_POD_CHOICE_RANGE_Int(4, 2, 8),
        SPA_PARAM_BUFFERS_blocks, SPA_POD_Int(1),
        SPA_PARAM_BUFFERS_size, SPA_POD_Int(o->size),
        SPA_PARAM_BUFFERS_stride, SPA_POD_Int(o->stride[0]));
    params[1] = spa_pod_builder_add_object(&b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta,
        SPA_PARAM_META_type, SPA_POD_Id(SPA_META_Header),
        SPA_PARAM_META_size, SPA_POD_Int(sizeof(struct spa_meta_header)));
    pw_stream_update_params(o->stream, params, 2);
}

static const struct pw_stream_events out_events = {
    PW_VERSION_STREAM_EVENTS,
    .state_changed = out_state_changed,
    .param_changed = out_param_changed,
};

static const char *node_name(const char *dest)
{
    return dest[8] == ':' && dest[9] ? dest + 9 : CC_PW_DEFAULT_NODE;
}

CcPwOut *cc_pw_out_open(const char *dest, int width, int height, AVRational fps)
{
    pthread_once(&pw_once, pw_init_once);
    CcPwOut *o = calloc(1, sizeof(*o));
    if (!o)
        return NULL;
    snprintf(o->name, sizeof(o->name), "%s", node_name(dest));
    o->width = width;
    o->height = height;
    o->fps = fps.num > 0 && fps.den > 0 ? fps : (AVRational){ 30, 1 };
    o->sws_fmt = -1;
    cc_stage_init(&o->lat, "capture -> PipeWire buffer", "frame");
    cc_stage_init(&o->push, "PipeWire convert+queue", "frame");
    o->loop = pw_thread_loop_new("cc-pw-out", NULL);
    if (!o->loop)
        goto fail;
    o->context = pw_context_new(pw_thread_loop_get_loop(o->loop), NULL, 0);
    if (!o->context || pw_thread_loop_start(o->loop) < 0)
        goto fail;
    pw_thread_loop_lock(o->loop);
    o->core = pw_context_connect(o->context, NULL, 0);
    if (!o->core) {
        int e = errno;
        pw_thread_loop_unlock(o->loop);
        fprintf(stderr, "cleancast live: -o %s: cannot connect to the PipeWire daemon (%s in "
                        "XDG_RUNTIME_DIR=%s): %s\n", dest, remote_hint(),
                getenv("XDG_RUNTIME_DIR") ? getenv("XDG_RUNTIME_DIR") : "(unset)", strerror(e));
        goto fail;
    }
    struct pw_properties *props = pw_properties_new(
        PW_KEY_MEDIA_TYPE, "Video", PW_KEY_MEDIA_CATEGORY, "Capture", PW_KEY_MEDIA_ROLE, "Camera",
        PW_KEY_MEDIA_CLASS, "Video/Source", PW_KEY_NODE_NAME, o->name,
        PW_KEY_NODE_DESCRIPTION, "cleancast camera", PW_KEY_NODE_NICK, "cleancast camera",
        PW_KEY_MEDIA_NAME, "cleancast camera", PW_KEY_APP_NAME, "cleancast", NULL);
    o->stream = pw_stream_new(o->core, o->name, props);
    if (!o->stream) {
        pw_thread_loop_unlock(o->loop);
        fprintf(stderr, "cleancast live: -o %s: cannot create a PipeWire stream: %s\n", dest,
                strerror(errno));
        goto fail;
    }
    pw_stream_add_listener(o->stream, &o->stream_listener, &out_events, o);
    uint8_t buf[1024];
    struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
    const struct spa_pod *params[1];
    params[0] = spa_pod_builder_add_object(&b, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
        SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
        SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
        SPA_FORMAT_VIDEO_format, SPA_POD_CHOICE_ENUM_Id(4, SPA_VIDEO_FORMAT_I420,
                                                        SPA_VIDEO_FORMAT_I420,
                                                        SPA_VIDEO_FORMAT_NV12,
                                                        SPA_VIDEO_FORMAT_YUY2),
        SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(&SPA_RECTANGLE((uint32_t)width, (uint32_t)height)),
        SPA_FORMAT_VIDEO_framerate, SPA_POD_Fraction(&SPA_FRACTION((uint32_t)o->fps.num,
                                                                   (uint32_t)o->fps.den)));
    int ret = pw_stream_connect(o->stream, PW_DIRECTION_OUTPUT, PW_ID_ANY,
                                PW_STREAM_FLAG_DRIVER | PW_STREAM_FLAG_MAP_BUFFERS, params, 1);
    if (ret < 0) {
        pw_thread_loop_unlock(o->loop);
        fprintf(stderr, "cleancast live: -o %s: cannot connect the PipeWire stream: %s\n", dest,
                strerror(-ret));
        goto fail;
    }
    /* The node exists once the stream is PAUSED (waiting for a client). */
    for (int i = 0; i < 5 && o->state != PW_STREAM_STATE_PAUSED &&
                    o->state != PW_STREAM_STATE_STREAMING && o->state != PW_STREAM_STATE_ERROR; i++)
        pw_thread_loop_timed_wait(o->loop, 1);
    enum pw_stream_state st = o->state;
    pw_thread_loop_unlock(o->loop);
    if (st != PW_STREAM_STATE_PAUSED && st != PW_STREAM_STATE_STREAMING) {
        fprintf(stderr, "cleancast live: -o %s: the PipeWire node '%s' did not come up: %s\n",
                dest, o->name, st == PW_STREAM_STATE_ERROR ? o->error : "no answer in 5 s");
        goto fail;
    }
    return o;
fail:
    cc_pw_out_close(&o);
    return NULL;
}

/* Writes f into dst laid out as negotiated. */
static int out_fill(CcPwOut *o, const AVFrame *f, uint8_t *dst)
{
    uint8_t *planes[4] = { dst + o->offset[0], dst + o->offset[1], dst + o->offset[2], NULL };
    int strides[4] = { o->stride[0], o->stride[1], o->stride[2], 0 };
    if (o->av_fmt == AV_PIX_FMT_YUV420P) {
        int ch = (o->height + 1) / 2, cw = (o->width + 1) / 2;
        av_image_copy_plane(planes[0], strides[0], f->data[0], f->linesize[0], o->width, o->height);
        av_image_copy_plane(planes[1], strides[1], f->data[1], f->linesize[1], cw, ch);
        av_image_copy_plane(planes[2], strides[2], f->data[2], f->linesize[2], cw, ch);
        return 0;
    }
    if (o->sws_fmt != o->av_fmt) {
        sws_freeContext(o->sws);
        /* 4:2:0 -> NV12 is a plane interleave, -> YUY2 a chroma line doubling: point is exact */
        o->sws = sws_getContext(o->width, o->height, AV_PIX_FMT_YUV420P, o->width, o->height,
                                o->av_fmt, SWS_POINT, NULL, NULL, NULL);
        o->sws_fmt = o->sws ? o->av_fmt : -1;
        if (!o->sws)
            return -1;
    }
    sws_scale(o->sws, (const uint8_t *const *)f->data, f->linesize, 0, o->height, planes, strides);
    return 0;
}

void cc_pw_out_push(CcPwOut *o, const AVFrame *f, long long t_cap_us)
{
    if (!o || !f)
        return;
    double cpu0 = thread_cpu_us();
    long long t0 = cc_media_now_us();
    o->offered++;
    pw_thread_loop_lock(o->loop);
    if (o->state != PW_STREAM_STATE_STREAMING || !o->negotiated) {
        pw_thread_loop_unlock(o->loop);
        o->no_client++;
        o->push_cpu_us += thread_cpu_us() - cpu0;
        return;
    }
    struct pw_buffer *b = pw_stream_dequeue_buffer(o->stream);
    if (!b) { /* the client still holds every buffer: this picture is dropped, not queued */
        pw_thread_loop_unlock(o->loop);
        o->no_buffer++;
        o->push_cpu_us += thread_cpu_us() - cpu0;
        return;
    }
    struct spa_data *d = &b->buffer->datas[0];
    int ok = d->data && d->maxsize >= (uint32_t)o->size && out_fill(o, f, d->data) == 0;
    d->chunk->offset = 0;
    d->chunk->size = ok ? (uint32_t)o->size : 0;
    d->chunk->stride = o->stride[0];
    d->chunk->flags = ok ? 0 : SPA_CHUNK_FLAG_CORRUPTED;
    struct spa_meta_header *h = spa_buffer_find_meta_data(b->buffer, SPA_META_Header, sizeof(*h));
    if (h) {
        h->flags = 0;
        h->offset = 0;
        h->pts = (int64_t)t_cap_us * 1000; /* CLOCK_MONOTONIC ns: the capture time */
        h->dts_offset = 0;
        h->seq = o->seq++;
    }
    pw_stream_queue_buffer(o->stream, b);
    pw_stream_trigger_process(o->stream);
    pw_thread_loop_unlock(o->loop);
    long long t1 = cc_media_now_us();
    if (ok) {
        o->delivered++;
        cc_stage_add(&o->lat, (double)(t1 - t_cap_us));
    } else {
        o->no_buffer++;
    }
    cc_stage_add(&o->push, (double)(t1 - t0));
    o->push_cpu_us += thread_cpu_us() - cpu0;
}

void cc_pw_out_print_stats(CcPwOut *o, FILE *fp, double wall_s)
{
    if (!o)
        return;
    cc_stage_print(&o->push, fp);
    cc_stage_print(&o->lat, fp);
    double loop_cpu = 0;
    pw_thread_loop_lock(o->loop);
    if (o->have_loop_clock)
        loop_cpu = clock_cpu_us(o->loop_clock);
    uint32_t fmt = o->spa_format;
    long long links = o->links;
    pw_thread_loop_unlock(o->loop);
    const char *fname = fmt == SPA_VIDEO_FORMAT_I420 ? "I420" : fmt == SPA_VIDEO_FORMAT_NV12 ? "NV12"
                      : fmt == SPA_VIDEO_FORMAT_YUY2 ? "YUY2" : "none";
    fprintf(fp, "pipewire node '%s': %lld pictures offered, %lld delivered, %lld with no client "
                "linked, %lld dropped (no free buffer); format %s %dx%d; %lld client link(s); "
                "CPU: output thread %.2f %% of a core (%.3f ms/picture), PipeWire loop thread "
                "%.2f %%\n",
            o->name, o->offered, o->delivered, o->no_client, o->no_buffer, fname, o->width,
            o->height, links, wall_s > 0 ? o->push_cpu_us / (wall_s * 1e4) : 0,
            o->offered ? o->push_cpu_us / 1000.0 / o->offered : 0,
            wall_s > 0 ? loop_cpu / (wall_s * 1e4) : 0);
}

void cc_pw_out_close(CcPwOut **po)
{
    CcPwOut *o = *po;
    if (!o)
        return;
    if (o->loop)
        pw_thread_loop_lock(o->loop);
    if (o->stream) {
        pw_stream_disconnect(o->stream);
        pw_stream_destroy(o->stream);
    }
    if (o->core)
        pw_core_disconnect(o->core);
    if (o->loop) {
        pw_thread_loop_unlock(o->loop);
        pw_thread_loop_stop(o->loop);
    }
    if (o->context)
        pw_context_destroy(o->context);
    if (o->loop)
        pw_thread_loop_destroy(o->loop);
    sws_freeContext(o->sws);
    free(o);
    *po = NULL;
}

/* ------------------------------------------------------------------ input */

struct CcPwIn {
    struct pw_thread_loop *loop;
    struct pw_context *context;
    struct pw_core *core;
    struct pw_stream *stream;
    struct spa_hook stream_listener;
    /* under the loop lock */
    enum pw_stream_state state;
    char error[256];
    int negotiated, av_fmt, width, height;
    AVRational fps;
    AVFrame *latest;
    long long latest_us, dropped, frames;
};

static const struct { uint32_t spa; int av; } in_formats[] = {
    { SPA_VIDEO_FORMAT_I420, AV_PIX_FMT_YUV420P }, { SPA_VIDEO_FORMAT_NV12, AV_PIX_FMT_NV12 },
    { SPA_VIDEO_FORMAT_YUY2, AV_PIX_FMT_YUYV422 }, { SPA_VIDEO_FORMAT_UYVY, AV_PIX_FMT_UYVY422 },
    { SPA_VIDEO_FORMAT_RGBx, AV_PIX_FMT_RGB0 },    { SPA_VIDEO_FORMAT_BGRx, AV_PIX_FMT_BGR0 },
    { SPA_VIDEO_FORMAT_RGBA, AV_PIX_FMT_RGBA },    { SPA_VIDEO_FORMAT_BGRA, AV_PIX_FMT_BGRA },
    { SPA_VIDEO_FORMAT_RGB, AV_PIX_FMT_RGB24 },    { SPA_VIDEO_FORMAT_BGR, AV_PIX_FMT_BGR24 },
};
#define N_IN_FORMATS (int)(sizeof(in_formats) / sizeof(in_formats[0]))

static void in_state_changed(void *data, enum pw_stream_state old, enum pw_stream_state state,
                             const char *error)
{
    CcPwIn *in = data;
    (void)old;
    in->state = state;
    if (state == PW_STREAM_STATE_ERROR)
        snprintf(in->error, sizeof(in->error), "%s", error ? error : "stream error");
    pw_thread_loop_signal(in->loop, false);
}

static void in_param_changed(void *data, uint32_t id, const struct spa_pod *param)
{
    CcPwIn *in = data;
    if (id != SPA_PARAM_Format || !param)
        return;
    struct spa_video_info_raw info;
    memset(&info, 0, sizeof(info));
    if (spa_format_video_raw_parse(param, &info) < 0)
        return;
    in->av_fmt = -1;
    for (int i = 0; i < N_IN_FORMATS; i++)
        if (in_formats[i].spa == info.format)
            in->av_fmt = in_formats[i].av;
    if (in->av_fmt < 0 || !info.size.width || !info.size.height)
        return;
    in->width = (int)info.size.width;
    in->height = (int)info.size.height;
    in->fps = info.framerate.num ? (AVRational){ (int)info.framerate.num, (int)info.framerate.denom }
            : info.max_framerate.num ? (AVRational){ (int)info.max_framerate.num, (int)info.max_framerate.denom }
            : (AVRational){ 0, 1 };
    in->negotiated = 1;
    uint8_t buf[512];
    struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
    const struct spa_pod *params[1];
    params[0] = spa_pod_builder_add_object(&b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta,
        SPA_PARAM_META_type, SPA_POD_Id(SPA_META_Header),
        SPA_PARAM_META_size, SPA_POD_Int(sizeof(struct spa_meta_header)));
    pw_stream_update_params(in->stream, params, 1);
    pw_thread_loop_signal(in->loop, false);
}

/* Copies one PipeWire buffer into a new AVFrame: planes from separate data blocks, or back to
   back in one block (GStreamer's default layout, strides from the chunk). */
static AVFrame *in_copy(CcPwIn *in, struct spa_buffer *sb)
{
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(in->av_fmt);
    int np = av_pix_fmt_count_planes(in->av_fmt);
    struct spa_data *d0 = &sb->datas[0];
    if (!d0->data || !d0->chunk || !d0->chunk->size || (d0->chunk->flags & SPA_CHUNK_FLAG_CORRUPTED))
        return NULL;
    AVFrame *f = av_frame_alloc();
    if (!f)
        return NULL;
    f->format = in->av_fmt;
    f->width = in->width;
    f->height = in->height;
    if (av_frame_get_buffer(f, 0) < 0) {
        av_frame_free(&f);
        return NULL;
    }
    int linesizes[4] = { 0 };
    av_image_fill_linesizes(linesizes, in->av_fmt, in->width);
    const uint8_t *base = (const uint8_t *)d0->data + (d0->chunk->offset % d0->maxsize);
    uint32_t avail = d0->chunk->size;
    int s0 = d0->chunk->stride > 0 ? d0->chunk->stride : ru4(linesizes[0]);
    size_t off = 0;
    for (int p = 0; p < np; p++) {
        int ph = p == 0 || p == 3 ? in->height : AV_CEIL_RSHIFT(in->height, desc->log2_chroma_h);
        const uint8_t *src;
        int stride;
        if ((int)sb->n_datas >= np && np > 1) {
            struct spa_data *d = &sb->datas[p];
            if (!d->data || !d->chunk) {
                av_frame_free(&f);
                return NULL;
            }
            stride = d->chunk->stride > 0 ? d->chunk->stride : linesizes[p];
            src = (const uint8_t *)d->data + (d->chunk->offset % d->maxsize);
            if ((size_t)stride * (ph - 1) + linesizes[p] > d->chunk->size) {
                av_frame_free(&f);
                return NULL;
            }
        } else {
            /* one block: chroma strides follow the luma one (I420 half, NV12 equal) */
            stride = p == 0 ? s0 : in->av_fmt == AV_PIX_FMT_NV12 ? s0 : s0 / 2;
            src = base + off;
            off += (size_t)stride * ph;
            if (off > avail + (size_t)(stride - linesizes[p])) {
                av_frame_free(&f);
                return NULL;
            }
        }
        av_image_copy_plane(f->data[p], f->linesize[p], src, stride, linesizes[p], ph);
    }
    return f;
}

static void in_process(void *data)
{
    CcPwIn *in = data;
    struct pw_buffer *b = pw_stream_dequeue_buffer(in->stream);
    if (!b)
        return;
    AVFrame *f = in->negotiated ? in_copy(in, b->buffer) : NULL;
    pw_stream_queue_buffer(in->stream, b);
    if (!f)
        return;
    if (in->latest) {
        av_frame_free(&in->latest);
        in->dropped++;
    }
    in->latest = f;
    in->latest_us = cc_media_now_us();
    in->frames++;
    pw_thread_loop_signal(in->loop, false);
}

static const struct pw_stream_events in_events = {
    PW_VERSION_STREAM_EVENTS,
    .state_changed = in_state_changed,
    .param_changed = in_param_changed,
    .process = in_process,
};

CcPwIn *cc_pw_in_open(const char *dev, int timeout_ms)
{
    pthread_once(&pw_once, pw_init_once);
    CcPwIn *in = calloc(1, sizeof(*in));
    if (!in)
        return NULL;
    const char *target = dev[8] == ':' && dev[9] ? dev + 9 : NULL;
    in->loop = pw_thread_loop_new("cc-pw-in", NULL);
    if (!in->loop)
        goto fail;
    in->context = pw_context_new(pw_thread_loop_get_loop(in->loop), NULL, 0);
    if (!in->context || pw_thread_loop_start(in->loop) < 0)
        goto fail;
    pw_thread_loop_lock(in->loop);
    in->core = pw_context_connect(in->context, NULL, 0);
    if (!in->core) {
        int e = errno;
        pw_thread_loop_unlock(in->loop);
        fprintf(stderr, "cleancast live: --camera %s: cannot connect to the PipeWire daemon (%s "
                        "in XDG_RUNTIME_DIR=%s): %s\n", dev, remote_hint(),
                getenv("XDG_RUNTIME_DIR") ? getenv("XDG_RUNTIME_DIR") : "(unset)", strerror(e));
        goto fail;
    }
    struct pw_properties *props = pw_properties_new(
        PW_KEY_MEDIA_TYPE, "Video", PW_KEY_MEDIA_CATEGORY, "Capture", PW_KEY_MEDIA_ROLE, "Camera",
        PW_KEY_APP_NAME, "cleancast", PW_KEY_NODE_NAME, "cleancast-camera-input", NULL);
    if (target) { /* that node or none: no fallback to another camera */
        pw_properties_set(props, PW_KEY_TARGET_OBJECT, target);
        pw_properties_set(props, PW_KEY_NODE_DONT_RECONNECT, "true");
    }
    in->stream = pw_stream_new(in->core, "cleancast camera input", props);
    if (!in->stream) {
        pw_thread_loop_unlock(in->loop);
        fprintf(stderr, "cleancast live: --camera %s: cannot create a PipeWire stream\n", dev);
        goto fail;
    }
    pw_stream_add_listener(in->stream, &in->stream_listener, &in_events, in);
    uint8_t buf[1024];
    struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
    const struct spa_pod *params[1];
    params[0] = spa_pod_builder_add_object(&b, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
        SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
        SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
        SPA_FORMAT_VIDEO_format, SPA_POD_CHOICE_ENUM_Id(11, SPA_VIDEO_FORMAT_I420,
            SPA_VIDEO_FORMAT_I420, SPA_VIDEO_FORMAT_NV12, SPA_VIDEO_FORMAT_YUY2,
            SPA_VIDEO_FORMAT_UYVY, SPA_VIDEO_FORMAT_RGBx, SPA_VIDEO_FORMAT_BGRx,
            SPA_VIDEO_FORMAT_RGBA, SPA_VIDEO_FORMAT_BGRA, SPA_VIDEO_FORMAT_RGB,
            SPA_VIDEO_FORMAT_BGR),
        SPA_FORMAT_VIDEO_size, SPA_POD_CHOICE_RANGE_Rectangle(&SPA_RECTANGLE(640, 480),
            &SPA_RECTANGLE(2, 2), &SPA_RECTANGLE(8192, 8192)),
        SPA_FORMAT_VIDEO_framerate, SPA_POD_CHOICE_RANGE_Fraction(&SPA_FRACTION(30, 1),
            &SPA_FRACTION(0, 1), &SPA_FRACTION(1000, 1)));
    int ret = pw_stream_connect(in->stream, PW_DIRECTION_INPUT, PW_ID_ANY,
                                PW_STREAM_FLAG_AUTOCONNECT | PW_STREAM_FLAG_MAP_BUFFERS, params, 1);
    if (ret < 0) {
        pw_thread_loop_unlock(in->loop);
        fprintf(stderr, "cleancast live: --camera %s: cannot connect the PipeWire stream: %s\n",
                dev, strerror(-ret));
        goto fail;
    }
    struct timespec abst;
    pw_thread_loop_get_time(in->loop, &abst, (int64_t)timeout_ms * SPA_NSEC_PER_MSEC);
    while (!in->negotiated && in->state != PW_STREAM_STATE_ERROR)
        if (pw_thread_loop_timed_wait_full(in->loop, &abst) != 0)
            break;
    int ok = in->negotiated;
    enum pw_stream_state st = in->state;
    pw_thread_loop_unlock(in->loop);
    if (!ok) {
        fprintf(stderr, "cleancast live: --camera %s: no PipeWire video %s within %d ms%s%s\n", dev,
                target ? "node by that name linked" : "camera linked", timeout_ms,
                st == PW_STREAM_STATE_ERROR ? ": " : " (is the node there? pw-cli ls Node; is a "
                "session manager such as WirePlumber running?)", st == PW_STREAM_STATE_ERROR ? in->error : "");
        goto fail;
    }
    return in;
fail:
    cc_pw_in_close(&in);
    return NULL;
}

void cc_pw_in_info(CcPwIn *in, int *width, int *height, AVRational *fps, int *pix_fmt)
{
    pw_thread_loop_lock(in->loop);
    *width = in->width;
    *height = in->height;
    *fps = in->fps;
    *pix_fmt = in->av_fmt;
    pw_thread_loop_unlock(in->loop);
}

int cc_pw_in_read(CcPwIn *in, AVFrame **out, long long *t_cap_us, int timeout_ms, long long *dropped)
{
    int ret = 0;
    struct timespec abst;
    pw_thread_loop_lock(in->loop);
    pw_thread_loop_get_time(in->loop, &abst, (int64_t)timeout_ms * SPA_NSEC_PER_MSEC);
    while (!in->latest && in->state != PW_STREAM_STATE_ERROR &&
           in->state != PW_STREAM_STATE_UNCONNECTED)
        if (pw_thread_loop_timed_wait_full(in->loop, &abst) != 0)
            break;
    if (in->latest) {
        *out = in->latest;
        *t_cap_us = in->latest_us;
        in->latest = NULL;
        ret = 1;
    } else if (in->state == PW_STREAM_STATE_ERROR || in->state == PW_STREAM_STATE_UNCONNECTED) {
        ret = -1;
    }
    if (dropped)
        *dropped = in->dropped;
    pw_thread_loop_unlock(in->loop);
    return ret;
}

void cc_pw_in_close(CcPwIn **pin)
{
    CcPwIn *in = *pin;
    if (!in)
        return;
    if (in->loop)
        pw_thread_loop_lock(in->loop);
    if (in->stream) {
        pw_stream_disconnect(in->stream);
        pw_stream_destroy(in->stream);
    }
    if (in->core)
        pw_core_disconnect(in->core);
    if (in->loop) {
        pw_thread_loop_unlock(in->loop);
        pw_thread_loop_stop(in->loop);
    }
    if (in->context)
        pw_context_destroy(in->context);
    if (in->loop)
        pw_thread_loop_destroy(in->loop);
    av_frame_free(&in->latest);
    free(in);
    *pin = NULL;
}
