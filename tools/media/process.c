/*
 * `cleancast process` for video files with or without sound.
 *
 *   main thread:  demux ─► video decode ─► [slot queue] ─► video thread: clean ─► encode ─┐
 *                   │                                                                     ├─► mux
 *                   ├──► audio decode ─► float ─► denoise (latency compensated) ─► encode ┘
 *                   └──► other streams copied with their timestamps
 *
 * Frames keep their decoded timestamps, so frame count, duration and A/V alignment are those
 * of the input. Output goes to a temporary name beside OUT and is renamed when complete.
 */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include <cleancast/cleancast.h>

#include "aresync.h"
#include "clean.h"
#include "lookahead.h"
#include "enc.h"
#include "media.h"
#include "mopts.h"
#include "queue.h"
#include "stats.h"

#define NSLOTS 8 /* decoded ahead + being cleaned (3 with look-ahead) + waiting for / in the encoder */

enum {
    ST_DEMUX, ST_VDEC, ST_VCONV, ST_VCONV_OUT, ST_SEG, ST_INFER, ST_COMP, ST_VENC, ST_ADEC, ST_DENOISE,
    ST_AENC, ST_MUX, ST_COUNT
};

typedef struct Proc {
    CcMediaOptions *o;
    AVFormatContext *ic, *oc;
    int vi, ai;
    int *map;                       /* input stream -> output stream for copied streams */
    AVCodecContext *vdec, *adec, *venc, *aenc;
    AVStream *vost, *aost;
    CcCodecChoice codecs;
    int transparent;

    /* video: slots travel free -> (decoded) -> work -> free */
    AVFrame *slot[NSLOTS];
    CcQueue q_free, q_work, q_enc;
    int work_fmt;                   /* pixel format cleaned in place */
    struct SwsContext *sws_in, *sws_out;
    AVFrame *enc_frame;             /* work -> encoder format, when they differ */
    CcMediaVideoCleaner *vclean;
    pthread_t vthread, ethread;
    int vthread_started;
    int64_t last_vpts;
    long long frames_in, frames_out;
    _Atomic long long frames_done;
    _Atomic int64_t done_pts_us;

    /* audio */
    AVFrame *aframe;
    CcResync rs_in;                 /* decoded -> float, kept on its timestamps */
    float *abuf, *aout;
    int abuf_cap;
    CcMediaAudioCleaner *aclean;
    CcAudioSink sink;
    int audio_started;
    long long audio_in_samples, audio_out_samples;

    pthread_mutex_t mux_lock;
    AVPacket *vpkt, *apkt;
    _Atomic int failed;
    long long damaged;              /* packets the decoders rejected */
    CcStage st[ST_COUNT];
} Proc;

static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { (void)sig; interrupted = 1; }

static long long now_us(void) { return cc_media_now_us(); }

static void fail(Proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(Proc *p, const char *fmt, ...)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&p->failed, &expected, 1))
        return; /* first error only */
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%scleancast: ", isatty(2) ? "\r\033[K" : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int write_packet(Proc *p, AVPacket *pkt)
{
    long long t = now_us();
    pthread_mutex_lock(&p->mux_lock);
    int ret = av_interleaved_write_frame(p->oc, pkt);
    cc_stage_add(&p->st[ST_MUX], (double)(now_us() - t));
    pthread_mutex_unlock(&p->mux_lock);
    if (ret < 0)
        fail(p, "writing the output failed: %s", av_err2str(ret));
    return ret;
}

/* Sends f (NULL = flush) to enc and writes every packet that comes out. */
static int encode_write(Proc *p, AVCodecContext *enc, AVStream *ost, AVFrame *f, AVPacket *pkt,
                        CcStage *st)
{
    long long t = now_us();
    int ret = avcodec_send_frame(enc, f);
    if (ret < 0 && ret != AVERROR_EOF) {
        fail(p, "encoding failed (%s): %s", enc->codec->name, av_err2str(ret));
        return ret;
    }
    for (;;) {
        ret = avcodec_receive_packet(enc, pkt);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            break;
        if (ret < 0) {
            fail(p, "encoding failed (%s): %s", enc->codec->name, av_err2str(ret));
            return ret;
        }
        if (st && f) {
            cc_stage_add(st, (double)(now_us() - t));
            st = NULL;
        }
        pkt->stream_index = ost->index;
        av_packet_rescale_ts(pkt, enc->time_base, ost->time_base);
        if ((ret = write_packet(p, pkt)) < 0)
            return ret;
        t = now_us();
    }
    if (st && f)
        cc_stage_add(st, (double)(now_us() - t));
    return 0;
}

/* ---------------------------------------------------------------- video */

static void add_seg_timings(Proc *p)
{
    double seg, infer, comp;
    cc_media_vclean_last_timings(p->vclean, &seg, &infer, &comp);
    cc_stage_add(&p->st[ST_SEG], seg);
    cc_stage_add(&p->st[ST_INFER], infer);
}

/*
 * --quality best on video files: look-ahead steadying. Frame t is composited once the masks of
 * t + 1 .. t + LA_RADIUS exist, with the per-pixel median of the masks t - r .. t + r
 * (tools/media/lookahead.h): flicker goes, motion keeps its place, and every output frame keeps
 * its own timestamp (only the pipeline runs LA_RADIUS frames later).
 */
#define LA_RADIUS 2
#define LA_RING (2 * LA_RADIUS + 1)

static void *video_thread_lookahead(Proc *p)
{
    AVFrame *held[LA_RADIUS + 1]; /* frames t .. newest, oldest first */
    uint8_t *ring[LA_RING] = { 0 }, *out = NULL;
    int nheld = 0;
    long long n = 0; /* frames segmented */
    size_t npix = 0;
    AVFrame *f;
    for (;;) {
        f = cc_queue_pop(&p->q_work);
        int eos = f == NULL;
        if (f && !atomic_load(&p->failed)) {
            size_t np = (size_t)f->width * f->height;
            if (!out) {
                npix = np;
                out = malloc(npix);
                for (int i = 0; i < LA_RING && out; i++)
                    if (!(ring[i] = malloc(npix)))
                        out = NULL;
                if (!out)
                    fail(p, "out of memory");
            }
            int ret = atomic_load(&p->failed) ? -1
                    : cc_media_vclean_segment(p->vclean, f, ring[n % LA_RING]);
            if (ret < 0 && !atomic_load(&p->failed))
                fail(p, "cleaning video frame %lld failed: %s", n, cc_strerror(ret));
            if (ret >= 0) {
                add_seg_timings(p);
                held[nheld++] = f;
                n++;
                f = NULL;
            }
        }
        if (f) /* failed: recycle */
            cc_queue_push(&p->q_free, f);
        /* emit while the oldest held frame has its look-ahead (or the stream ended) */
        while (nheld > 0 && (nheld > LA_RADIUS || eos) && !atomic_load(&p->failed)) {
            long long t = n - nheld;
            const uint8_t *win[LA_RING];
            /* window t - r .. t + r within frames 0 .. n - 1 (n is final at eos) */
            long long lo = t - LA_RADIUS < 0 ? 0 : t - LA_RADIUS;
            long long hi = t + LA_RADIUS > n - 1 ? n - 1 : t + LA_RADIUS;
            for (long long j = lo; j <= hi; j++)
                win[j - lo] = ring[j % LA_RING];
            /* at eos n is the whole length; before it, frames after n are unknown but t +
             * LA_RADIUS < n holds, so the window is centred either way */
            cc_lookahead_median(win, (int)(hi - lo + 1), (int)(t - lo), LA_RADIUS, npix, out);
            AVFrame *g = held[0];
            memmove(held, held + 1, sizeof(held[0]) * (size_t)(--nheld));
            int ret = cc_media_vclean_apply(p->vclean, g, out);
            if (ret < 0) {
                fail(p, "cleaning video frame %lld failed: %s", t, cc_strerror(ret));
                cc_queue_push(&p->q_free, g);
                break;
            }
            double seg, infer, comp;
            cc_media_vclean_last_timings(p->vclean, &seg, &infer, &comp);
            cc_stage_add(&p->st[ST_COMP], comp);
            if (cc_queue_push(&p->q_enc, g) < 0)
                cc_queue_push(&p->q_free, g);
        }
        if (eos || atomic_load(&p->failed)) {
            while (nheld > 0)
                cc_queue_push(&p->q_free, held[--nheld]);
            if (eos)
                break;
        }
    }
    for (int i = 0; i < LA_RING; i++)
        free(ring[i]);
    free(out);
    cc_queue_close(&p->q_enc);
    return NULL;
}

/* Video thread: segment + composite each frame in place, hand it to the encoder thread. */
static void *video_thread(void *arg)
{
    Proc *p = arg;
    if (p->o->quality == CC_QUALITY_BEST && !p->o->raw && p->o->background != CC_BG_NONE)
        return video_thread_lookahead(p);
    AVFrame *f;
    long long n = 0;
    while ((f = cc_queue_pop(&p->q_work))) {
        if (!atomic_load(&p->failed)) {
            int ret = cc_media_vclean_frame(p->vclean, f);
            if (ret < 0) {
                fail(p, "cleaning video frame %lld failed: %s", n, cc_strerror(ret));
            } else {
                double seg, infer, comp;
                cc_media_vclean_last_timings(p->vclean, &seg, &infer, &comp);
                if (p->o->background != CC_BG_NONE) {
                    cc_stage_add(&p->st[ST_SEG], seg);
                    cc_stage_add(&p->st[ST_INFER], infer);
                    cc_stage_add(&p->st[ST_COMP], comp);
                }
                n++;
                if (cc_queue_push(&p->q_enc, f) == 0)
                    continue;
            }
        }
        cc_queue_push(&p->q_free, f);
    }
    cc_queue_close(&p->q_enc);
    return NULL;
}

/* Encoder thread: convert to the encoder's format where needed, encode, mux; recycle the slot.
   Separate from the video thread so segmentation of the next frame overlaps encoding. */
static void *encode_thread(void *arg)
{
    Proc *p = arg;
    AVFrame *f;
    while ((f = cc_queue_pop(&p->q_enc))) {
        if (!atomic_load(&p->failed)) {
            AVFrame *ef = f;
            int jpeg_fmt = 0;
            if (p->sws_out) {
                long long t = now_us();
                ef = p->enc_frame;
                if (av_frame_make_writable(ef) < 0) {
                    fail(p, "out of memory");
                } else {
                    sws_scale(p->sws_out, (const uint8_t *const *)f->data, f->linesize, 0,
                              f->height, ef->data, ef->linesize);
                    ef->pts = f->pts;
                    cc_stage_add(&p->st[ST_VCONV_OUT], (double)(now_us() - t));
                }
            } else if (f->format == AV_PIX_FMT_YUVJ420P) {
                f->format = AV_PIX_FMT_YUV420P; /* same layout; range says full */
                f->color_range = AVCOL_RANGE_JPEG;
                jpeg_fmt = 1;
            }
            if (!atomic_load(&p->failed)) {
                ef->pict_type = AV_PICTURE_TYPE_NONE;
                int64_t pts = ef->pts;
                encode_write(p, p->venc, p->vost, ef, p->vpkt, &p->st[ST_VENC]);
                p->frames_out++;
                atomic_store(&p->frames_done, p->frames_out);
                atomic_store(&p->done_pts_us,
                             av_rescale_q(pts, p->venc->time_base, AV_TIME_BASE_Q));
            }
            if (jpeg_fmt)
                f->format = AV_PIX_FMT_YUVJ420P;
        }
        cc_queue_push(&p->q_free, f);
    }
    if (!atomic_load(&p->failed))
        encode_write(p, p->venc, p->vost, NULL, p->vpkt, NULL);
    return NULL;
}

/* Copies (or converts) a decoded frame into a free slot and queues it for the video thread. */
static int queue_video_frame(Proc *p, AVFrame *dec)
{
    AVFrame *s = cc_queue_pop(&p->q_free);
    if (!s)
        return AVERROR_EXIT;
    long long t = now_us();
    int ret = av_frame_make_writable(s);
    if (ret < 0)
        return ret;
    if (dec->width != s->width || dec->height != s->height) {
        fail(p, "the video size changes mid-stream (%dx%d -> %dx%d); not supported", s->width,
             s->height, dec->width, dec->height);
        return AVERROR_PATCHWELCOME;
    }
    if (p->sws_in) {
        sws_scale(p->sws_in, (const uint8_t *const *)dec->data, dec->linesize, 0, dec->height,
                  s->data, s->linesize);
        cc_stage_add(&p->st[ST_VCONV], (double)(now_us() - t));
    } else if (dec->format != s->format) {
        fail(p, "the pixel format changes mid-stream; not supported");
        return AVERROR_PATCHWELCOME;
    } else {
        av_frame_copy(s, dec);
    }
    if (s->format == AV_PIX_FMT_YUVA420P && p->o->background != CC_BG_TRANSPARENT)
        memset(s->data[3], 255, (size_t)s->linesize[3] * s->height);
    s->color_range = dec->color_range;
    s->colorspace = dec->colorspace;
    s->sample_aspect_ratio = dec->sample_aspect_ratio;
    /* Keep the decoded timestamp; repair the rare missing or non-increasing one, since
       encoders need strictly increasing pts. */
    int64_t pts = dec->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE)
        pts = p->last_vpts == AV_NOPTS_VALUE ? 0 : p->last_vpts + (dec->pkt_duration > 0 ? dec->pkt_duration : 1);
    if (p->last_vpts != AV_NOPTS_VALUE && pts <= p->last_vpts)
        pts = p->last_vpts + 1;
    p->last_vpts = pts;
    s->pts = pts;
    p->frames_in++;
    return cc_queue_push(&p->q_work, s) < 0 ? AVERROR_EXIT : 0;
}

/* Damaged input: FFmpeg conceals what it can; say so for the first few, then count. */
static void damaged(Proc *p, const char *what, int err)
{
    if (++p->damaged <= 3)
        fprintf(stderr, "%scleancast: warning: %s decode error (concealed): %s\n",
                isatty(2) ? "\r\033[K" : "", what, av_err2str(err));
}

static int decode_video(Proc *p, AVPacket *pkt, AVFrame *frame)
{
    long long t = now_us();
    int ret = avcodec_send_packet(p->vdec, pkt);
    if (ret < 0 && ret != AVERROR_EOF) {
        damaged(p, "video", ret);
        return 0;
    }
    for (;;) {
        ret = avcodec_receive_frame(p->vdec, frame);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            return 0;
        if (ret < 0) {
            damaged(p, "video", ret);
            return 0;
        }
        cc_stage_add(&p->st[ST_VDEC], (double)(now_us() - t));
        ret = queue_video_frame(p, frame);
        av_frame_unref(frame);
        if (ret < 0)
            return ret;
        t = now_us();
    }
}

static int setup_video(Proc *p)
{
    AVStream *ist = p->ic->streams[p->vi];
    const AVCodec *codec = avcodec_find_decoder(ist->codecpar->codec_id);
    if (!codec) {
        fail(p, "%s: no decoder for the video codec '%s'", p->ic->url,
             avcodec_get_name(ist->codecpar->codec_id));
        return AVERROR_DECODER_NOT_FOUND;
    }
    p->vdec = avcodec_alloc_context3(codec);
    avcodec_parameters_to_context(p->vdec, ist->codecpar);
    p->vdec->thread_count = p->o->threads;
    p->vdec->pkt_timebase = ist->time_base;
    int ret = avcodec_open2(p->vdec, codec, NULL);
    if (ret < 0) {
        fail(p, "cannot open the %s decoder: %s", codec->name, av_err2str(ret));
        return ret;
    }
    int w = p->vdec->width, h = p->vdec->height, in_fmt = p->vdec->pix_fmt;
    if (w < 1 || h < 1 || in_fmt < 0) {
        fail(p, "%s: video stream #%d has no valid size or pixel format (corrupt file?)",
             p->ic->url, p->vi);
        return AVERROR_INVALIDDATA;
    }
    /* Work in the decoder's format when the cleaner takes it; else convert to the encoder's. */
    if (p->transparent)
        p->work_fmt = AV_PIX_FMT_YUVA420P;
    else if (cc_media_vclean_format_ok(in_fmt, 0))
        p->work_fmt = in_fmt;
    else
        p->work_fmt = p->codecs.pix_fmt;
    if (p->work_fmt != in_fmt) {
        p->sws_in = sws_getContext(w, h, in_fmt, w, h, p->work_fmt, SWS_BICUBIC, NULL, NULL, NULL);
        if (!p->sws_in) {
            fail(p, "cannot convert %s video", av_get_pix_fmt_name(in_fmt));
            return AVERROR(EINVAL);
        }
    }
    int enc_fmt = p->codecs.pix_fmt;
    int work_is_enc = p->work_fmt == enc_fmt ||
                      (p->work_fmt == AV_PIX_FMT_YUVJ420P && enc_fmt == AV_PIX_FMT_YUV420P);
    if (!work_is_enc) {
        p->sws_out = sws_getContext(w, h, p->work_fmt, w, h, enc_fmt, SWS_BICUBIC, NULL, NULL, NULL);
        p->enc_frame = av_frame_alloc();
        if (!p->sws_out || !p->enc_frame)
            return AVERROR(ENOMEM);
        p->enc_frame->format = enc_fmt;
        p->enc_frame->width = w;
        p->enc_frame->height = h;
        if ((ret = av_frame_get_buffer(p->enc_frame, 0)) < 0)
            return ret;
    }
    for (int i = 0; i < NSLOTS; i++) {
        AVFrame *s = p->slot[i] = av_frame_alloc();
        if (!s)
            return AVERROR(ENOMEM);
        s->format = p->work_fmt;
        s->width = w;
        s->height = h;
        if ((ret = av_frame_get_buffer(s, 0)) < 0)
            return ret;
        cc_queue_push(&p->q_free, s);
    }
    AVCodecContext colors = *p->vdec; /* only the colour fields are read */
    if (p->work_fmt == AV_PIX_FMT_YUVJ420P || in_fmt == AV_PIX_FMT_YUVJ420P)
        colors.color_range = AVCOL_RANGE_JPEG;
    AVRational fr = av_guess_frame_rate(p->ic, ist, NULL);
    ret = cc_media_open_venc(&p->venc, &p->codecs, p->o, w, h, p->vdec->sample_aspect_ratio,
                             ist->time_base, fr, &colors,
                             !!(p->oc->oformat->flags & AVFMT_GLOBALHEADER), 0);
    if (ret < 0) {
        atomic_store(&p->failed, 1);
        return ret;
    }
    p->vost = avformat_new_stream(p->oc, NULL);
    if (!p->vost)
        return AVERROR(ENOMEM);
    avcodec_parameters_from_context(p->vost->codecpar, p->venc);
    p->vost->time_base = ist->time_base;
    p->vost->avg_frame_rate = ist->avg_frame_rate;
    p->vost->r_frame_rate = ist->r_frame_rate;
    p->vost->sample_aspect_ratio = p->venc->sample_aspect_ratio;
    p->vost->disposition = ist->disposition;
    av_dict_copy(&p->vost->metadata, ist->metadata, 0);
    if ((ret = cc_media_vclean_open(&p->vclean, p->o)) < 0)
        atomic_store(&p->failed, 1); /* the cleaner said why */
    return ret;
}

/* ---------------------------------------------------------------- audio */

static int emit_audio(void *opaque, AVFrame *f)
{
    Proc *p = opaque;
    p->audio_out_samples += f->nb_samples;
    return encode_write(p, p->aenc, p->aost, f, p->apkt, &p->st[ST_AENC]);
}

static int setup_audio(Proc *p)
{
    AVStream *ist = p->ic->streams[p->ai];
    const AVCodec *codec = avcodec_find_decoder(ist->codecpar->codec_id);
    if (!codec) {
        fail(p, "%s: no decoder for the audio codec '%s'", p->ic->url,
             avcodec_get_name(ist->codecpar->codec_id));
        return AVERROR_DECODER_NOT_FOUND;
    }
    p->adec = avcodec_alloc_context3(codec);
    avcodec_parameters_to_context(p->adec, ist->codecpar);
    p->adec->pkt_timebase = ist->time_base;
    int ret = avcodec_open2(p->adec, codec, NULL);
    if (ret < 0) {
        fail(p, "cannot open the %s decoder: %s", codec->name, av_err2str(ret));
        return ret;
    }
    if (p->adec->sample_rate <= 0 || p->adec->ch_layout.nb_channels <= 0) {
        fail(p, "%s: audio stream #%d has no valid rate or channel count (corrupt file?)",
             p->ic->url, p->ai);
        return AVERROR_INVALIDDATA;
    }
    if (p->adec->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
        int n = p->adec->ch_layout.nb_channels;
        av_channel_layout_uninit(&p->adec->ch_layout);
        av_channel_layout_default(&p->adec->ch_layout, n);
    }
    ret = cc_media_open_aenc(&p->aenc, &p->codecs, p->o, p->adec->sample_rate,
                             &p->adec->ch_layout, !!(p->oc->oformat->flags & AVFMT_GLOBALHEADER));
    if (ret < 0) {
        atomic_store(&p->failed, 1);
        return ret;
    }
    p->aost = avformat_new_stream(p->oc, NULL);
    if (!p->aost)
        return AVERROR(ENOMEM);
    avcodec_parameters_from_context(p->aost->codecpar, p->aenc);
    p->aost->time_base = p->aenc->time_base;
    p->aost->disposition = ist->disposition;
    av_dict_copy(&p->aost->metadata, ist->metadata, 0);
    ret = cc_media_aclean_open(&p->aclean, p->o, p->adec->sample_rate,
                               p->adec->ch_layout.nb_channels, 1);
    if (ret < 0) {
        atomic_store(&p->failed, 1);
        return ret;
    }
    p->aframe = av_frame_alloc();
    return p->aframe ? 0 : AVERROR(ENOMEM);
}


/* Decoded audio -> interleaved float at the stream's rate and layout -> denoise -> encoder. */
static int process_audio_frame(Proc *p, AVFrame *f)
{
    int ret;
    int nch = p->adec->ch_layout.nb_channels;
    if (!p->audio_started) {
        /* Keep audio on its timestamps with libswresample's own compensation (aresync.h):
           where the timestamps and the sample count disagree by more than 20 ms, a hole in the
           input (lost packets, a cut) is filled with silence and an overlap is trimmed, so
           everything after it stays aligned with the video. async=1: fill and trim only. */
        static const CcResyncParams comp = { .min_hard_comp = 0.020, .async = 1 };
        if ((ret = cc_resync_init(&p->rs_in, &p->adec->ch_layout, p->adec->sample_rate, f,
                                  &comp)) < 0) {
            fail(p, "cannot convert the audio: %s", av_err2str(ret));
            return ret;
        }
        int64_t start = f->best_effort_timestamp;
        if (start == AV_NOPTS_VALUE)
            start = 0;
        start = av_rescale_q(start, p->ic->streams[p->ai]->time_base,
                             (AVRational){ 1, p->aenc->sample_rate });
        if ((ret = cc_audio_sink_init(&p->sink, p->aenc, p->adec->sample_rate,
                                      &p->adec->ch_layout, start)) < 0) {
            fail(p, "cannot set up the audio encoder input: %s", av_err2str(ret));
            return ret;
        }
        p->audio_started = 1;
    }
    if (f && f->best_effort_timestamp != AV_NOPTS_VALUE)
        cc_resync_timestamp(&p->rs_in, f->best_effort_timestamp, p->ic->streams[p->ai]->time_base,
                            f->nb_samples);
    int cap = cc_resync_out_room(&p->rs_in, f ? f->nb_samples : 0);
    if (cap < 0)
        return cap;
    if (cap + 1024 > p->abuf_cap) {
        p->abuf_cap = cap + 1024;
        free(p->abuf);
        free(p->aout);
        p->abuf = malloc((size_t)p->abuf_cap * nch * sizeof(float));
        p->aout = malloc((size_t)p->abuf_cap * nch * sizeof(float));
        if (!p->abuf || !p->aout)
            return AVERROR(ENOMEM);
    }
    int n = cc_resync_convert(&p->rs_in, p->abuf, p->abuf_cap, f);
    if (n < 0) {
        fail(p, "audio conversion failed: %s", av_err2str(n));
        return n;
    }
    p->audio_in_samples += n;
    long long t = now_us();
    int m = cc_media_aclean_process(p->aclean, p->abuf, p->aout, n);
    if (m < 0) {
        fail(p, "denoising failed: %s", cc_strerror(m));
        return m;
    }
    if (p->o->denoise != CC_MEDIA_DENOISE_OFF && n > 0)
        cc_stage_add(&p->st[ST_DENOISE], (double)(now_us() - t) * 480.0 * p->adec->sample_rate / 48000.0 / n);
    if (!f) { /* end: drain the denoiser's delayed tail too */
        int k = cc_media_aclean_flush(p->aclean, p->aout + (size_t)m * nch, p->abuf_cap - m);
        if (k < 0) {
            fail(p, "denoiser flush failed: %s", cc_strerror(k));
            return k;
        }
        m += k;
    }
    if (m > 0 && (ret = cc_audio_sink_write(&p->sink, p->aout, m, emit_audio, p)) < 0)
        return ret;
    if (!f && (ret = cc_audio_sink_write(&p->sink, NULL, 0, emit_audio, p)) < 0)
        return ret;
    return 0;
}

static int decode_audio(Proc *p, AVPacket *pkt)
{
    long long t = now_us();
    int ret = avcodec_send_packet(p->adec, pkt);
    if (ret < 0 && ret != AVERROR_EOF) {
        damaged(p, "audio", ret);
        return 0;
    }
    for (;;) {
        ret = avcodec_receive_frame(p->adec, p->aframe);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            break;
        if (ret < 0) {
            damaged(p, "audio", ret);
            break;
        }
        cc_stage_add(&p->st[ST_ADEC], (double)(now_us() - t));
        ret = process_audio_frame(p, p->aframe);
        av_frame_unref(p->aframe);
        if (ret < 0)
            return ret;
        t = now_us();
    }
    if (!pkt && p->audio_started) {
        if ((ret = process_audio_frame(p, NULL)) < 0)
            return ret;
        return encode_write(p, p->aenc, p->aost, NULL, p->apkt, NULL);
    }
    return 0;
}

/* ---------------------------------------------------------------- main */

static int ext_is(const char *name, const char *const *exts)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return 0;
    for (; *exts; exts++)
        if (!strcasecmp(dot + 1, *exts))
            return 1;
    return 0;
}

static void print_stats(Proc *p, double wall_s)
{
    cc_stage_print_header(stderr, "stage");
    for (int i = 0; i < ST_COUNT; i++)
        cc_stage_print(&p->st[i], stderr);
    fprintf(stderr, "threads: %d codec threads, 1 inference thread; wall %.2f s\n", p->o->threads,
            wall_s);
}

int cc_media_process(const CcMediaOptions *opts)
{
    static const char *const out_exts[] = { "mp4", "mkv", "webm", "mov", "m4v", NULL };
    CcMediaOptions o = *opts;
    const char *in = o.input, *out = o.output;
    if (!in || !out) {
        fprintf(stderr, "cleancast process: need an input and -o OUTPUT\n");
        return 2;
    }
    if (!ext_is(out, out_exts)) {
        fprintf(stderr, "cleancast process: output '%s' must end in .mp4, .mkv, .webm or .mov\n", out);
        return 2;
    }
    if (!strcmp(in, out)) {
        fprintf(stderr, "cleancast process: input and output are the same file\n");
        return 2;
    }
    /* FFmpeg's own messages only with -v: ours say what failed, naming the file. */
    av_log_set_level(o.verbose ? AV_LOG_WARNING : AV_LOG_FATAL);

    Proc *p = calloc(1, sizeof(*p));
    if (!p)
        return 1;
    p->o = &o;
    p->vi = p->ai = -1;
    p->last_vpts = AV_NOPTS_VALUE;
    p->transparent = o.background == CC_BG_TRANSPARENT;
    pthread_mutex_init(&p->mux_lock, NULL);
    static const char *names[ST_COUNT][2] = {
        { "demux", "packet" }, { "video decode", "frame" }, { "pixel convert in", "frame" },
        { "pixel convert out", "frame" },
        { "segment", "frame" }, { " of which infer", "frame" }, { "composite", "frame" },
        { "video encode", "frame" }, { "audio decode", "frame" }, { "denoise", "10ms" },
        { "audio encode", "frame" }, { "mux", "packet" } };
    for (int i = 0; i < ST_COUNT; i++)
        cc_stage_init(&p->st[i], names[i][0], names[i][1]);
    cc_queue_init(&p->q_free, NSLOTS);
    cc_queue_init(&p->q_work, NSLOTS);
    cc_queue_init(&p->q_enc, NSLOTS);
    p->vpkt = av_packet_alloc();
    p->apkt = av_packet_alloc();
    AVPacket *pkt = av_packet_alloc();
    AVFrame *vframe = av_frame_alloc();
    char tmp[4096] = "";
    int ret, tmp_open = 0, completed = 0;
    long long t_start = now_us();

    /* Input: bounded probing, so a corrupt or unreachable input fails in bounded time. */
    AVDictionary *iopts = NULL;
    av_dict_set(&iopts, "rw_timeout", "10000000", 0);
    ret = avformat_open_input(&p->ic, in, NULL, &iopts);
    av_dict_free(&iopts);
    if (ret < 0) {
        fail(p, "cannot open input '%s': %s", in, av_err2str(ret));
        goto end;
    }
    if ((ret = avformat_find_stream_info(p->ic, NULL)) < 0) {
        fail(p, "cannot read stream information from '%s': %s", in, av_err2str(ret));
        goto end;
    }
    p->vi = av_find_best_stream(p->ic, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (p->vi >= 0 && (p->ic->streams[p->vi]->disposition & AV_DISPOSITION_ATTACHED_PIC))
        p->vi = -1;
    p->ai = av_find_best_stream(p->ic, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (p->vi < 0) {
        fail(p, "'%s' has no video stream (for audio-only files use `cleancast denoise`)", in);
        ret = AVERROR_STREAM_NOT_FOUND;
        goto end;
    }

    const AVOutputFormat *ofmt = cc_media_guess_format(out);
    if (!ofmt) {
        fail(p, "no muxer for '%s'", out);
        ret = AVERROR_MUXER_NOT_FOUND;
        goto end;
    }
    if ((ret = cc_media_choose_codecs(&p->codecs, ofmt, out, p->transparent, 1)) < 0) {
        atomic_store(&p->failed, 1);
        goto end;
    }
    /* Temporary name beside OUT: same folder (rename stays atomic), same extension. */
    {
        const char *slash = strrchr(out, '/');
        int dirlen = slash ? (int)(slash - out + 1) : 0;
        snprintf(tmp, sizeof(tmp), "%.*s.%s.part%d%s", dirlen, out, out + dirlen, (int)getpid(),
                 strrchr(out, '.'));
    }
    if ((ret = avformat_alloc_output_context2(&p->oc, ofmt, NULL, tmp)) < 0) {
        fail(p, "cannot create output: %s", av_err2str(ret));
        goto end;
    }
    if ((ret = setup_video(p)) < 0) {
        goto end;
    }
    if (p->ai >= 0 && !avcodec_find_decoder(p->ic->streams[p->ai]->codecpar->codec_id)) {
        /* Nothing to clean it with: carry it over untouched instead of failing. */
        fprintf(stderr, "cleancast: warning: no decoder for the audio codec '%s'; copying it "
                "without noise suppression\n",
                avcodec_get_name(p->ic->streams[p->ai]->codecpar->codec_id));
        p->ai = -1;
    }
    if (p->ai >= 0 && (ret = setup_audio(p)) < 0)
        goto end;
    /* Streams we do not touch: copied, where the container can hold them. */
    p->map = calloc(p->ic->nb_streams, sizeof(int));
    for (unsigned i = 0; i < p->ic->nb_streams; i++) {
        AVStream *ist = p->ic->streams[i];
        p->map[i] = -1;
        if ((int)i == p->vi || (int)i == p->ai)
            continue;
        enum AVMediaType type = ist->codecpar->codec_type;
        if (type != AVMEDIA_TYPE_AUDIO && type != AVMEDIA_TYPE_VIDEO &&
            type != AVMEDIA_TYPE_SUBTITLE && type != AVMEDIA_TYPE_DATA)
            continue;
        if (avformat_query_codec(ofmt, ist->codecpar->codec_id, FF_COMPLIANCE_NORMAL) != 1) {
            fprintf(stderr, "cleancast: warning: stream #%u (%s %s) cannot go into %s; dropped\n", i,
                    av_get_media_type_string(type), avcodec_get_name(ist->codecpar->codec_id),
                    ofmt->name);
            continue;
        }
        AVStream *ost = avformat_new_stream(p->oc, NULL);
        if (!ost || avcodec_parameters_copy(ost->codecpar, ist->codecpar) < 0) {
            ret = AVERROR(ENOMEM);
            goto end;
        }
        ost->codecpar->codec_tag = 0;
        ost->time_base = ist->time_base;
        ost->disposition = ist->disposition;
        av_dict_copy(&ost->metadata, ist->metadata, 0);
        p->map[i] = ost->index;
    }
    av_dict_copy(&p->oc->metadata, p->ic->metadata, 0);
    if ((ret = avio_open(&p->oc->pb, tmp, AVIO_FLAG_WRITE)) < 0) {
        fail(p, "cannot write '%s' (as temporary '%s'): %s", out, tmp, av_err2str(ret));
        goto end;
    }
    tmp_open = 1;
    if ((ret = avformat_write_header(p->oc, NULL)) < 0) {
        fail(p, "cannot write the output header: %s", av_err2str(ret));
        goto end;
    }

    if (pthread_create(&p->ethread, NULL, encode_thread, p)) {
        ret = AVERROR(EAGAIN);
        goto end;
    }
    if (pthread_create(&p->vthread, NULL, video_thread, p)) {
        cc_queue_close(&p->q_enc);
        pthread_join(p->ethread, NULL);
        ret = AVERROR(EAGAIN);
        goto end;
    }
    p->vthread_started = 1;

    struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    interrupted = 0;

    CcProgress prog;
    double dur = p->ic->duration > 0 ? p->ic->duration / 1e6 : 0;
    int64_t start_us = p->ic->start_time != AV_NOPTS_VALUE ? p->ic->start_time : 0;
    cc_progress_start(&prog, o.progress < 0 ? isatty(2) : o.progress, dur);
    while (!atomic_load(&p->failed) && !interrupted) {
        long long t = now_us();
        ret = av_read_frame(p->ic, pkt);
        if (ret == AVERROR_EOF || (ret < 0 && avio_feof(p->ic->pb)))
            break;
        if (ret < 0) {
            fail(p, "reading '%s' failed: %s", in, av_err2str(ret));
            break;
        }
        cc_stage_add(&p->st[ST_DEMUX], (double)(now_us() - t));
        if (pkt->stream_index == p->vi) {
            if (decode_video(p, pkt, vframe) < 0)
                fail(p, "video pipeline stopped");
        } else if (pkt->stream_index == p->ai) {
            decode_audio(p, pkt);
        } else if (p->map[pkt->stream_index] >= 0) {
            AVStream *ist = p->ic->streams[pkt->stream_index];
            AVStream *ost = p->oc->streams[p->map[pkt->stream_index]];
            av_packet_rescale_ts(pkt, ist->time_base, ost->time_base);
            pkt->stream_index = ost->index;
            pkt->pos = -1;
            write_packet(p, pkt);
        }
        av_packet_unref(pkt);
        cc_progress_update(&prog, (atomic_load(&p->done_pts_us) - start_us) / 1e6,
                           atomic_load(&p->frames_done), 0);
    }
    av_packet_unref(pkt);
    if (interrupted)
        fail(p, "interrupted");
    /* Drain: decoders, the video thread (which flushes its encoder), the audio chain. */
    if (!atomic_load(&p->failed))
        decode_video(p, NULL, vframe);
    cc_queue_close(&p->q_work);
    pthread_join(p->vthread, NULL); /* closes q_enc when done */
    pthread_join(p->ethread, NULL);
    p->vthread_started = 0;
    if (!atomic_load(&p->failed) && p->ai >= 0)
        decode_audio(p, NULL);
    cc_progress_update(&prog, (atomic_load(&p->done_pts_us) - start_us) / 1e6,
                       atomic_load(&p->frames_done), 1);
    cc_progress_end(&prog);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (p->frames_out == 0 && !atomic_load(&p->failed))
        fail(p, "'%s' has no decodable video frames", in);
    if (!atomic_load(&p->failed)) {
        if ((ret = av_write_trailer(p->oc)) < 0)
            fail(p, "cannot finish the output: %s", av_err2str(ret));
    }
    if (tmp_open) {
        avio_closep(&p->oc->pb);
        tmp_open = 0;
    }
    if (!atomic_load(&p->failed)) {
        if (rename(tmp, out) < 0) {
            fail(p, "cannot rename '%s' to '%s': %s", tmp, out, strerror(errno));
        } else {
            tmp[0] = 0;
            completed = 1;
        }
    }
    if (!atomic_load(&p->failed)) {
        double wall = (now_us() - t_start) / 1e6;
        double media = dur > 0 ? dur : 0;
        if (!o.quiet && (o.progress > 0 || (o.progress < 0 && isatty(2)) || o.stats))
            fprintf(stderr, "cleancast: %s: %lld video frames%s in %.2f s (%.1f fps, %.2fx real time)\n",
                    out, p->frames_out, p->ai >= 0 ? " with audio" : "", wall,
                    wall > 0 ? p->frames_out / wall : 0, wall > 0 ? media / wall : 0);
        if (o.stats)
            print_stats(p, wall);
        if (p->damaged)
            fprintf(stderr, "cleancast: warning: %lld damaged packets in '%s' were concealed\n",
                    p->damaged, in);
        int64_t end_us = atomic_load(&p->done_pts_us);
        if (dur > 2 && end_us - start_us < (int64_t)((dur - 1.0) * 1e6))
            fprintf(stderr, "cleancast: warning: '%s' ends at %.1f s although it says %.1f s "
                    "(truncated?); the output has what could be read\n", in,
                    (end_us - start_us) / 1e6, dur);
        if (p->rs_in.added || p->rs_in.removed)
            fprintf(stderr, "cleancast: warning: the input's audio has holes or overlaps: %.0f ms "
                    "filled with silence, %.0f ms trimmed, to stay aligned with the video\n",
                    p->rs_in.added * 1000.0 / p->adec->sample_rate,
                    p->rs_in.removed * 1000.0 / p->adec->sample_rate);
    }
end:
    if (p->vthread_started) {
        atomic_store(&p->failed, 1);
        cc_queue_close(&p->q_work);
        cc_queue_close(&p->q_free);
        pthread_join(p->vthread, NULL);
        pthread_join(p->ethread, NULL);
    }
    if (p->oc && tmp_open)
        avio_closep(&p->oc->pb);
    if (tmp[0])
        unlink(tmp); /* never leave a half-written file under the final name */
    if (!completed && !atomic_load(&p->failed))
        fail(p, "processing '%s' failed: %s", in, av_err2str(ret));
    int status = completed ? 0 : 1;
    av_packet_free(&pkt);
    av_frame_free(&vframe);
    av_packet_free(&p->vpkt);
    av_packet_free(&p->apkt);
    for (int i = 0; i < NSLOTS; i++)
        av_frame_free(&p->slot[i]);
    av_frame_free(&p->enc_frame);
    av_frame_free(&p->aframe);
    sws_freeContext(p->sws_in);
    sws_freeContext(p->sws_out);
    cc_resync_free(&p->rs_in);
    cc_audio_sink_free(&p->sink);
    free(p->abuf);
    free(p->aout);
    cc_media_vclean_close(&p->vclean);
    cc_media_aclean_close(&p->aclean);
    avcodec_free_context(&p->vdec);
    avcodec_free_context(&p->adec);
    avcodec_free_context(&p->venc);
    avcodec_free_context(&p->aenc);
    avformat_close_input(&p->ic);
    avformat_free_context(p->oc);
    free(p->map);
    cc_queue_destroy(&p->q_free);
    cc_queue_destroy(&p->q_work);
    cc_queue_destroy(&p->q_enc);
    pthread_mutex_destroy(&p->mux_lock);
    free(p);
    return status;
}
