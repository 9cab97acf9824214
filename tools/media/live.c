/*
 * `cleancast live`: camera + microphone -> cleaned -> files, RTMP, SRT, v4l2loopback, PulseAudio.
 *
 *   camera thread ─► [video packets, bounded: oldest dropped] ─► video thread: decode, segment,
 *                                                                 composite (own mask) ─┐
 *   mic thread ────► [audio packets, large, never dropped] ──► audio thread: decode,    ├─► [items]
 *                                                               resample, denoise ──────┘     │
 *   output thread: encoders per output, mux, reconnect with backoff ◄────────────────────────┘
 *
 * Clock: every packet is stamped with its arrival time on the monotonic clock (a file standing
 * in for a device is released at its own pace: video frames at their pts, audio packets when
 * their last sample is due). Video pts = arrival; audio pts = arrival of the first packet minus
 * its duration, then a running sample count. The denoiser's delay is removed by dropping its
 * first latency_samples of output, so each output sample carries its capture time: lip sync holds
 * whatever the processing delay, and the delay itself is measured and shown (--stats).
 *
 * With --echo-cancel / --agc / --high-pass (mopts.h: cc_live_voice) the audio thread runs the
 * library's CcVoiceProcessor instead of the denoiser, on the mic taken as mono. The echo
 * reference (the speakers' monitor, a PulseAudio source) has a thread of its own:
 *
 *   reference thread: read, decode, resample to 48 kHz mono ─► ring (2 s, by sample index)
 *   audio thread: mic samples [i, i+n) ─► cc_voice_far(the reference samples captured at the
 *                 same time, from the ring) ─► cc_voice_process(mic) ─► items
 *
 * The two streams are lined up by sample count from their first samples' capture times (as
 * the mic's pts are), not by when they reach the processor: feeding the reference as it
 * arrived made the alignment jitter with the audio thread's lag behind the mic queue (tens to
 * hundreds of ms on a loaded machine) and nothing was cancelled (ERLE 0.1-0.5 dB through a
 * PulseAudio daemon, tests/media/test_live_echo.sh). The library finds the remaining bulk
 * delay (the sink's buffer, the air). Reference samples not there when the mic needs them (a
 * suspended sink's monitor delivers nothing, a late packet) are silence to the canceller and
 * counted (--stats); a reference that stops never stops the session.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/time.h>
#include <libswscale/swscale.h>

#include <cleancast/audio.h>
#include <cleancast/cleancast.h>

#include "aresync.h"
#include "clean.h"
#include "enc.h"
#include "media.h"
#include "mopts.h"
#include "pwvideo.h"
#include "queue.h"
#include "stats.h"

#define LIVE_RATE 48000
#define AUDIO_PKT_QUEUE 4096
#define OUT_QUEUE 64

enum { ITEM_VIDEO, ITEM_AUDIO };
typedef struct Item {
    int type;
    AVFrame *frame;       /* video: encoder-ready frame, pts in microseconds */
    float *samples;       /* audio: interleaved float, LIVE_RATE */
    int nb_samples;
    int64_t pts;          /* audio: in 1/LIVE_RATE */
    long long t_cap;      /* monotonic capture time of the (first) source packet, us */
} Item;

typedef struct CapPkt {
    AVPacket *pkt;        /* audio */
    AVFrame *frame;       /* video: decoded picture */
    long long t_cap;
} CapPkt;

enum { OUT_FILE, OUT_NET, OUT_V4L2, OUT_PULSE, OUT_PIPEWIRE };

typedef struct Output {
    const char *dest;
    int kind;
    const AVOutputFormat *ofmt;
    AVFormatContext *oc;
    AVCodecContext *venc, *aenc;
    int vidx, aidx;                /* stream indexes in oc, -1 none */
    CcAudioSink asink;
    int asink_ready;
    int up;                        /* connected / open */
    int need_key;                  /* drop video until a keyframe after (re)connecting */
    long long next_retry_us, backoff_us;
    long long reconnects, dropped_while_down, packets;
    char tmp[4096];
    CcCodecChoice codecs;
    AVPacket *pkt;
    int64_t pulse_pts;             /* pulse: samples handed to the sink so far (its timestamps) */
    atomic_llong pulse_underflows; /* pulse: the sink found none of our audio (FFmpeg's message) */
    CcPwOut *pw;                   /* pipewire: the Video/Source node (pwvideo.c) */
    /* reconnection runs in its own thread so a slow connect never stalls the other outputs */
    pthread_t conn_thread;
    atomic_int conn_state;         /* CONN_IDLE, CONN_BUSY, CONN_DONE */
    AVFormatContext *pending_oc;   /* handed over at CONN_DONE */
    int pending_ret;
} Output;

enum { CONN_IDLE, CONN_BUSY, CONN_DONE };

typedef struct Live Live;
struct Live {
    CcMediaOptions *o;
    long long t0;
    atomic_int stop;               /* 1: stop requested (signal, duration, end, error) */
    atomic_int failed;
    /* camera */
    AVFormatContext *vic;
    CcPwIn *pwin;                  /* --camera pipewire[:NODE] (pwvideo.c), else vic */
    int vsi, v_is_file;
    AVCodecContext *vdec;
    CcQueue q_vpkt;
    atomic_llong v_captured, v_dropped;
    atomic_llong v_last_us, a_last_us;  /* monotonic time of the last delivery */
    /* mic */
    AVFormatContext *aic;
    int asi, a_is_file, channels;
    AVCodecContext *adec;
    CcQueue q_apkt;
    atomic_llong a_captured;
    atomic_int started;            /* the clock (t0) has started; set once, after t0 */
    long long mic_stale_us;        /* recorded before the start and discarded (see capture_loop) */
    /* work */
    CcMediaVideoCleaner *vclean;
    CcMediaAudioCleaner *aclean;
    int width, height, enc_pix_fmt;
    AVRational framerate;
    CcQueue q_out;
    /* outputs */
    Output out[CC_MEDIA_MAX_OUTPUTS];
    int n_out;
    int want_video, want_audio;
    /* stats */
    pthread_mutex_t stats_lock;
    CcStage st_vdec, st_seg, st_comp, st_vconv, st_venc, st_adec, st_den, st_aenc, st_vlat,
        st_alat, st_vqueue;
    long long frames_out;
    int denoise_latency;
    int64_t audio_filled, audio_dropped; /* samples, drift / lost-sample corrections */
    /* voice chain (cc_live_voice) */
    CcVoiceProcessor *vp;          /* NULL: the plain denoiser (aclean) */
    CcDenoiseModel *vmodel;
    pthread_mutex_t vp_lock;       /* the processor is one thread at a time */
    int voice_skip;                /* output samples still to drop (its latency) */
    const char *ref_dev;
    AVFormatContext *ric;
    int rsi, r_is_file;
    AVCodecContext *rdec;
    long long ref_stale_us;
    pthread_mutex_t ring_lock;     /* the reference ring, between its thread and the audio's */
    pthread_cond_t ring_cond;      /* signalled on each write */
    long long ref_last_us;         /* monotonic time of the last write; 0: ended */
    long long ref_waited_us;       /* audio thread: total time waited for the reference */
    float *ring;                   /* REF_RING samples; sample j at ring[j % REF_RING] */
    int64_t ref_written;           /* reference samples written (the next j) */
    int64_t ref_first;             /* capture time of reference sample 0, 1/LIVE_RATE from t0;
                                      INT64_MIN before any */
    int64_t mic_first, mic_count;  /* the same for the mic; samples into the voice chain */
    int64_t ref_missing, ref_overrun; /* samples: not there when needed; overwritten unread */
    int64_t ref_read;              /* highest j read + 1 */
    int64_t ref_clock_filled, ref_clock_dropped; /* the reference's clock corrections */
    float *far_buf;                /* audio thread: the reference for one mic block */
    int far_cap;
};
#define REF_RING (2 * LIVE_RATE)
#define REF_WAIT_US 60000     /* most the mic waits for the reference of its instant */
#define REF_ALIVE_US 300000   /* the reference counts as flowing this long after a write */

static Live *g_live;

static void on_signal(int sig)
{
    (void)sig;
    if (g_live)
        atomic_store(&g_live->stop, 1);
}

static void live_fail(Live *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void live_fail(Live *L, const char *fmt, ...)
{
    int expected = 0;
    if (atomic_compare_exchange_strong(&L->failed, &expected, 1)) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "\ncleancast live: ");
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
    }
    atomic_store(&L->stop, 1);
}

static int interrupt_cb(void *opaque)
{
    Live *L = opaque;
    return atomic_load(&L->stop);
}

static long long now_us(void) { return cc_media_now_us(); }

/* Sleeps until the monotonic time `when`, waking early when stopping. */
static void sleep_until(Live *L, long long when)
{
    for (;;) {
        long long d = when - now_us();
        if (d <= 0 || atomic_load(&L->stop))
            return;
        av_usleep((unsigned)(d > 20000 ? 20000 : d));
    }
}

/* ------------------------------------------------------------------ inputs */

static int open_input(Live *L, AVFormatContext **pic, const char *dev, int video, int *is_file,
                      const char *what)
{
    const AVInputFormat *ifmt = NULL;
    const char *url = dev;
    AVDictionary *opts = NULL;
    *is_file = 0;
    if (video && !strncmp(dev, "/dev/video", 10)) {
        ifmt = av_find_input_format("v4l2");
        if (L->o->video_size)
            av_dict_set(&opts, "video_size", L->o->video_size, 0);
        if (L->o->framerate)
            av_dict_set(&opts, "framerate", L->o->framerate, 0);
        if (L->o->input_format)
            av_dict_set(&opts, "input_format", L->o->input_format, 0);
    } else if (!video && (!strncmp(dev, "pulse", 5) && (!dev[5] || dev[5] == ':'))) {
        ifmt = av_find_input_format("pulse");
        url = dev[5] == ':' ? dev + 6 : "default";
        av_dict_set(&opts, "sample_rate", "48000", 0);
        av_dict_set(&opts, "channels", "1", 0);
        av_dict_set(&opts, "fragment_size", "1920", 0); /* 20 ms of s16 mono: low latency */
        av_dict_set(&opts, "name", "cleancast", 0);
    } else if (!video && (!strncmp(dev, "alsa", 4) && (!dev[4] || dev[4] == ':'))) {
        ifmt = av_find_input_format("alsa");
        url = dev[4] == ':' ? dev + 5 : "default";
        av_dict_set(&opts, "sample_rate", "48000", 0);
    } else {
        *is_file = 1; /* a media file or URL standing in for the device, read at its pace */
    }
    if (!*is_file && !ifmt) {
        fprintf(stderr, "cleancast live: this FFmpeg has no input device for '%s'\n", dev);
        return AVERROR(ENOSYS);
    }
    AVFormatContext *ic = avformat_alloc_context();
    if (!ic)
        return AVERROR(ENOMEM);
    ic->interrupt_callback.callback = interrupt_cb;
    ic->interrupt_callback.opaque = L;
    av_dict_set(&opts, "rw_timeout", "5000000", 0);
    int ret = avformat_open_input(&ic, url, ifmt, &opts);
    av_dict_free(&opts);
    if (ret < 0) {
        fprintf(stderr, "cleancast live: cannot open %s '%s': %s\n", what, dev, av_err2str(ret));
        return ret;
    }
    if ((ret = avformat_find_stream_info(ic, NULL)) < 0) {
        fprintf(stderr, "cleancast live: no stream information from '%s': %s\n", dev, av_err2str(ret));
        avformat_close_input(&ic);
        return ret;
    }
    *pic = ic;
    return 0;
}

static int open_decoder(AVCodecContext **out, AVStream *st, int threads)
{
    const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec)
        return AVERROR_DECODER_NOT_FOUND;
    AVCodecContext *d = avcodec_alloc_context3(codec);
    if (!d)
        return AVERROR(ENOMEM);
    avcodec_parameters_to_context(d, st->codecpar);
    d->pkt_timebase = st->time_base;
    d->thread_count = threads;
    d->flags |= AV_CODEC_FLAG_LOW_DELAY;
    int ret = avcodec_open2(d, codec, NULL);
    if (ret < 0) {
        avcodec_free_context(&d);
        return ret;
    }
    *out = d;
    return 0;
}

/*
 * Capture loop for one input. Reads packets as they come; a file is paced to real time.
 * Video: bounded queue, the oldest waiting packet is dropped when full (capture never blocks).
 * Audio: large queue, never dropped.
 */
static void capture_loop(Live *L, AVFormatContext *ic, int si, int is_file, CcQueue *q, int video,
                         const char *dev)
{
    AVPacket *pkt = av_packet_alloc();
    AVStream *st = ic->streams[si];
    int64_t ref = ic->start_time != AV_NOPTS_VALUE ? ic->start_time : 0; /* AV_TIME_BASE */
    long long loop_offset_us = 0, last_end_us = 0;
    /* A microphone device is read from the moment it is opened (cc_media_live starts this
       thread then), and what it delivers before the clock starts is discarded: the outputs
       can take seconds to open (a PulseAudio sink up to 2 s: pulse_prime()), and a backlog
       kept from then would be stamped as captured now and run ahead of the clock. */
    int early = !video && !is_file;
    while (pkt && !atomic_load(&L->stop)) {
        int ret = av_read_frame(ic, pkt);
        if (ret == AVERROR(EAGAIN)) {
            av_usleep(2000);
            continue;
        }
        if (ret < 0) {
            if (atomic_load(&L->stop))
                break;
            if (is_file && ret == AVERROR_EOF && L->o->camera_loop) {
                loop_offset_us = last_end_us;
                avformat_seek_file(ic, -1, INT64_MIN, ref, ref, 0);
                if (video)
                    avcodec_flush_buffers(L->vdec); /* the decoder is this thread's */
                continue;
            }
            if (is_file && ret == AVERROR_EOF) {
                fprintf(stderr, "\ncleancast live: %s '%s' ended\n", video ? "camera" : "microphone", dev);
                atomic_store(&L->stop, 1);
            } else {
                live_fail(L, "%s '%s' stopped delivering (device gone?): %s",
                          video ? "camera" : "microphone", dev, av_err2str(ret));
            }
            break;
        }
        if (pkt->stream_index != si) {
            av_packet_unref(pkt);
            continue;
        }
        if (early) {
            if (!atomic_load(&L->started)) { /* before the start: not part of the session */
                if (pkt->duration > 0)
                    L->mic_stale_us += av_rescale_q(pkt->duration, st->time_base, AV_TIME_BASE_Q);
                av_packet_unref(pkt);
                continue;
            }
            early = 0;
        }
        if (is_file) {
            /* Release time: video at its dts (decode order), audio when its last sample is due. */
            int64_t ts = video && pkt->dts != AV_NOPTS_VALUE ? pkt->dts
                       : pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
            long long t = ts == AV_NOPTS_VALUE ? 0
                        : av_rescale_q(ts, st->time_base, AV_TIME_BASE_Q) - ref;
            long long dur = pkt->duration > 0 ? av_rescale_q(pkt->duration, st->time_base, AV_TIME_BASE_Q) : 0;
            t += loop_offset_us;
            if (t + dur > last_end_us)
                last_end_us = t + dur;
            sleep_until(L, L->t0 + t + (video ? 0 : dur));
            if (atomic_load(&L->stop)) {
                av_packet_unref(pkt);
                break;
            }
        }
        if (video) {
            /* Decode here (cheap for webcam YUYV/MJPEG): what is queued and possibly dropped
               is a whole picture, never a packet that later pictures depend on. */
            long long t = now_us();
            int ret2 = avcodec_send_packet(L->vdec, pkt);
            av_packet_unref(pkt);
            if (ret2 < 0) {
                fprintf(stderr, "\ncleancast live: warning: camera frame undecodable: %s\n",
                        av_err2str(ret2));
                continue;
            }
            for (;;) {
                AVFrame *f = av_frame_alloc();
                CapPkt *cp = malloc(sizeof(*cp));
                if (!f || !cp) {
                    av_frame_free(&f);
                    free(cp);
                    live_fail(L, "out of memory");
                    break;
                }
                if (avcodec_receive_frame(L->vdec, f) < 0) {
                    av_frame_free(&f);
                    free(cp);
                    break;
                }
                cp->frame = f;
                cp->t_cap = now_us();
                atomic_store(&L->v_last_us, cp->t_cap);
                cc_stage_add(&L->st_vdec, (double)(cp->t_cap - t));
                atomic_fetch_add(&L->v_captured, 1);
                while (cc_queue_try_push(q, cp) < 0) {
                    if (q->closed) {
                        av_frame_free(&cp->frame);
                        free(cp);
                        break;
                    }
                    CapPkt *old = cc_queue_try_pop(q); /* late: drop the oldest waiting picture */
                    if (old) {
                        av_frame_free(&old->frame);
                        free(old);
                        atomic_fetch_add(&L->v_dropped, 1);
                    }
                }
                t = now_us();
            }
            continue;
        }
        CapPkt *cp = malloc(sizeof(*cp));
        AVPacket *copy = av_packet_alloc();
        if (!cp || !copy) {
            free(cp);
            av_packet_free(&copy);
            live_fail(L, "out of memory");
            break;
        }
        av_packet_move_ref(copy, pkt);
        cp->pkt = copy;
        cp->frame = NULL;
        cp->t_cap = now_us();
        atomic_store(&L->a_last_us, cp->t_cap);
        atomic_fetch_add(&L->a_captured, 1);
        if (cc_queue_try_push(q, cp) < 0) {
            av_packet_free(&cp->pkt);
            free(cp);
            live_fail(L, "audio is not being processed in time (queue of %d packets full)",
                      AUDIO_PKT_QUEUE);
            break;
        }
    }
    av_packet_free(&pkt);
    cc_queue_close(q);
}

static void *pw_camera_thread(Live *L);

static void *camera_thread(void *arg)
{
    Live *L = arg;
    if (L->pwin)
        return pw_camera_thread(L);
    capture_loop(L, L->vic, L->vsi, L->v_is_file, &L->q_vpkt, 1, L->o->camera);
    return NULL;
}

static void *mic_thread(void *arg)
{
    Live *L = arg;
    capture_loop(L, L->aic, L->asi, L->a_is_file, &L->q_apkt, 0, L->o->mic);
    return NULL;
}

/*
 * The echo reference: read as it comes (a file standing in: at its pace), decoded, made 48 kHz
 * mono and fed to the voice processor at once. A device is read from the moment it is opened
 * and what comes before the start is discarded, as for the microphone.
 */
static void *ref_thread(void *arg)
{
    Live *L = arg;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    SwrContext *swr = NULL;
    float *buf = NULL;
    int cap = 0;
    AVStream *st = L->ric->streams[L->rsi];
    int64_t ref0 = L->ric->start_time != AV_NOPTS_VALUE ? L->ric->start_time : 0;
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    long long t_cap = 0;
    CcArrivalClock clk; /* the reference on the capture clock, as the mic (audio_thread) */
    cc_arrival_clock_init(&clk, LIVE_RATE);
    while (pkt && f && !atomic_load(&L->stop)) {
        int ret = av_read_frame(L->ric, pkt);
        if (ret == AVERROR(EAGAIN)) {
            av_usleep(2000);
            continue;
        }
        if (ret < 0) {
            if (!atomic_load(&L->stop))
                fprintf(stderr, "\ncleancast live: echo reference '%s' %s: no echo cancelled "
                        "from here on\n", L->ref_dev,
                        L->r_is_file && ret == AVERROR_EOF ? "ended" : "stopped delivering");
            break;
        }
        if (pkt->stream_index != L->rsi) {
            av_packet_unref(pkt);
            continue;
        }
        if (!L->r_is_file && !atomic_load(&L->started)) {
            if (pkt->duration > 0)
                L->ref_stale_us += av_rescale_q(pkt->duration, st->time_base, AV_TIME_BASE_Q);
            av_packet_unref(pkt);
            continue;
        }
        if (L->r_is_file) { /* released when its last sample is due, like the mic */
            int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
            long long t = ts == AV_NOPTS_VALUE ? 0
                        : av_rescale_q(ts, st->time_base, AV_TIME_BASE_Q) - ref0;
            long long dur = pkt->duration > 0 ? av_rescale_q(pkt->duration, st->time_base, AV_TIME_BASE_Q) : 0;
            sleep_until(L, L->t0 + t + dur);
        }
        t_cap = now_us();
        ret = avcodec_send_packet(L->rdec, pkt);
        av_packet_unref(pkt);
        if (ret < 0)
            continue;
        while (avcodec_receive_frame(L->rdec, f) >= 0) {
            if (!swr && (swr_alloc_set_opts2(&swr, &mono, AV_SAMPLE_FMT_FLT, LIVE_RATE,
                                             &f->ch_layout, f->format, f->sample_rate, 0, NULL) < 0 ||
                         swr_init(swr) < 0)) {
                fprintf(stderr, "\ncleancast live: cannot convert the echo reference's audio: "
                        "no echo cancelled\n");
                av_frame_unref(f);
                goto end;
            }
            int need = swr_get_out_samples(swr, f->nb_samples) + 256;
            if (need > cap) {
                free(buf);
                cap = need;
                if (!(buf = malloc((size_t)cap * sizeof(float)))) {
                    live_fail(L, "out of memory");
                    goto end;
                }
            }
            /* captured before it arrived, as the mic's */
            long long dur_us = (long long)f->nb_samples * 1000000 / f->sample_rate;
            int64_t arrival = av_rescale(t_cap - dur_us - L->t0, LIVE_RATE, 1000000);
            int64_t fix = cc_arrival_clock_check(
                &clk, arrival, (int)((int64_t)f->nb_samples * LIVE_RATE / f->sample_rate));
            uint8_t *dst[1] = { (uint8_t *)buf };
            int n = swr_convert(swr, dst, cap, (const uint8_t **)f->extended_data, f->nb_samples);
            av_frame_unref(f);
            if (n < 0)
                n = 0;
            int k0 = 0;
            if (fix < 0) { /* more than the clock allows: drop from the start */
                k0 = (int)(-fix < n ? -fix : n);
                L->ref_clock_dropped += k0;
            }
            pthread_mutex_lock(&L->ring_lock);
            if (L->ref_first == INT64_MIN)
                L->ref_first = arrival;
            for (int64_t k = 0; k < (fix > 0 ? fix : 0) + n - k0; k++) {
                int64_t j = L->ref_written++;
                if (j - REF_RING >= L->ref_read) /* the audio thread is 2 s behind */
                    L->ref_overrun++;
                L->ring[j % REF_RING] = k < fix ? 0.0f : buf[k0 + k - (fix > 0 ? fix : 0)];
            }
            L->ref_last_us = now_us();
            pthread_cond_broadcast(&L->ring_cond);
            pthread_mutex_unlock(&L->ring_lock);
            if (fix > 0)
                L->ref_clock_filled += fix;
            cc_arrival_clock_advance(&clk, n - k0);
        }
    }
end:
    pthread_mutex_lock(&L->ring_lock);
    L->ref_last_us = 0; /* ended: nobody waits for it */
    pthread_cond_broadcast(&L->ring_cond);
    pthread_mutex_unlock(&L->ring_lock);
    swr_free(&swr);
    free(buf);
    av_frame_free(&f);
    av_packet_free(&pkt);
    return NULL;
}

/* Opens the voice chain and, with echo cancellation, the reference (its thread is started by
   the caller). 0 or < 0 after a message. */
static int voice_open(Live *L)
{
    const CcMediaOptions *o = L->o;
    const CcLiveVoiceOptions *v = &cc_live_voice;
    CcVoiceSettings s;
    cc_voice_default_settings(&s);
    s.sample_rate_hz = LIVE_RATE;
    s.far_channels = 1;
    s.echo_cancel = v->echo_cancel;
    s.agc = v->agc;
    s.high_pass = v->high_pass;
    s.noise_suppress = o->denoise != CC_MEDIA_DENOISE_OFF;
    s.denoise_engine = o->denoise == CC_MEDIA_DENOISE_SPEEX ? CC_DENOISE_SPEEX : CC_DENOISE_RNNOISE;
    s.denoise_strength = o->strength;
    int ret;
    if (s.noise_suppress && s.denoise_engine == CC_DENOISE_RNNOISE) {
        char path[4096];
        if (cc_tool_find_model(o->denoise_model, CC_MODEL_DENOISE, path, sizeof(path)))
            return AVERROR(ENOENT);
        if ((ret = cc_denoise_model_open_file(&L->vmodel, path)) < 0) {
            fprintf(stderr, "cleancast live: cannot load denoise model '%s': %s\n", path,
                    cc_strerror(ret));
            return AVERROR(EINVAL);
        }
    }
    if ((ret = cc_voice_open(&L->vp, L->vmodel, &s)) < 0) {
        fprintf(stderr, "cleancast live: cannot open the voice chain: %s\n", cc_strerror(ret));
        return AVERROR(EINVAL);
    }
    L->denoise_latency = L->voice_skip = cc_voice_latency_samples(L->vp);
    cc_stage_init(&L->st_den, "voice chain", "10ms");
    if (!v->echo_cancel)
        return 0;
    L->ref_dev = v->echo_reference ? v->echo_reference : "pulse:@DEFAULT_MONITOR@";
    if ((ret = open_input(L, &L->ric, L->ref_dev, 0, &L->r_is_file, "echo reference")) < 0) {
        if (!v->echo_reference)
            fprintf(stderr, "cleancast live: --echo-cancel takes the default sink's monitor "
                    "as the reference; name one with --echo-reference pulse:SINK.monitor "
                    "(pactl list short sources)\n");
        return ret;
    }
    if (!(L->ring = calloc(REF_RING, sizeof(float))))
        return AVERROR(ENOMEM);
    L->ref_first = INT64_MIN;
    L->rsi = av_find_best_stream(L->ric, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (L->rsi < 0) {
        fprintf(stderr, "cleancast live: echo reference '%s' has no audio\n", L->ref_dev);
        return L->rsi;
    }
    if ((ret = open_decoder(&L->rdec, L->ric->streams[L->rsi], 1)) < 0) {
        fprintf(stderr, "cleancast live: cannot decode the echo reference's audio: %s\n",
                av_err2str(ret));
        return ret;
    }
    return 0;
}

/* ------------------------------------------------------------------ work */

static void *video_thread(void *arg)
{
    Live *L = arg;
    AVFrame *dec = av_frame_alloc();
    struct SwsContext *sws_in = NULL, *sws_out = NULL;
    int work_fmt = -1, last_in_fmt = -1;
    int64_t last_pts = AV_NOPTS_VALUE;
    CapPkt *cp;
    while ((cp = cc_queue_pop(&L->q_vpkt))) {
        long long t_cap = cp->t_cap;
        cc_stage_add(&L->st_vqueue, (double)(now_us() - t_cap));
        av_frame_unref(dec);
        av_frame_move_ref(dec, cp->frame);
        av_frame_free(&cp->frame);
        free(cp);
        int ret;
        {
            if (dec->width != L->width || dec->height != L->height) {
                live_fail(L, "the camera changed size mid-stream (%dx%d -> %dx%d)", L->width,
                          L->height, dec->width, dec->height);
                break;
            }
            if (dec->format != last_in_fmt) {
                sws_freeContext(sws_in);
                sws_freeContext(sws_out);
                sws_in = sws_out = NULL;
                last_in_fmt = dec->format;
                int transparent = L->o->background == CC_BG_TRANSPARENT;
                work_fmt = transparent ? AV_PIX_FMT_YUVA420P
                         : cc_media_vclean_format_ok(dec->format, 0) ? dec->format : L->enc_pix_fmt;
                if (work_fmt != dec->format)
                    sws_in = sws_getContext(L->width, L->height, dec->format, L->width, L->height,
                                            work_fmt, SWS_BILINEAR, NULL, NULL, NULL);
                int same = work_fmt == L->enc_pix_fmt ||
                           (work_fmt == AV_PIX_FMT_YUVJ420P && L->enc_pix_fmt == AV_PIX_FMT_YUV420P);
                if (!same)
                    sws_out = sws_getContext(L->width, L->height, work_fmt, L->width, L->height,
                                             L->enc_pix_fmt, SWS_BILINEAR, NULL, NULL, NULL);
            }
            /* Own copy in the work format (the decoder may still reference its frame). */
            long long tc = now_us();
            AVFrame *w = av_frame_alloc();
            if (w) {
                w->format = work_fmt;
                w->width = L->width;
                w->height = L->height;
            }
            if (!w || av_frame_get_buffer(w, 0) < 0) {
                av_frame_free(&w);
                live_fail(L, "out of memory");
                break;
            }
            if (sws_in)
                sws_scale(sws_in, (const uint8_t *const *)dec->data, dec->linesize, 0, L->height,
                          w->data, w->linesize);
            else
                av_frame_copy(w, dec);
            if (work_fmt == AV_PIX_FMT_YUVA420P && L->o->background != CC_BG_TRANSPARENT)
                memset(w->data[3], 255, (size_t)w->linesize[3] * L->height);
            w->color_range = dec->color_range;
            w->colorspace = dec->colorspace;
            double conv = (double)(now_us() - tc);
            av_frame_unref(dec);
            if ((ret = cc_media_vclean_frame(L->vclean, w)) < 0) {
                av_frame_free(&w);
                live_fail(L, "cleaning a video frame failed: %s", cc_strerror(ret));
                break;
            }
            double seg, infer, comp;
            cc_media_vclean_last_timings(L->vclean, &seg, &infer, &comp);
            if (sws_out) {
                tc = now_us();
                AVFrame *e = av_frame_alloc();
                if (e) {
                    e->format = L->enc_pix_fmt;
                    e->width = L->width;
                    e->height = L->height;
                }
                if (!e || av_frame_get_buffer(e, 0) < 0) {
                    av_frame_free(&e);
                    av_frame_free(&w);
                    live_fail(L, "out of memory");
                    break;
                }
                sws_scale(sws_out, (const uint8_t *const *)w->data, w->linesize, 0, L->height,
                          e->data, e->linesize);
                e->color_range = w->color_range;
                av_frame_free(&w);
                w = e;
                conv += (double)(now_us() - tc);
            }
            if (w->format == AV_PIX_FMT_YUVJ420P)
                w->format = AV_PIX_FMT_YUV420P, w->color_range = AVCOL_RANGE_JPEG;
            w->pts = (t_cap - L->t0) / 1000; /* ms: every muxer keeps it exactly */
            if (last_pts != AV_NOPTS_VALUE && w->pts <= last_pts)
                w->pts = last_pts + 1;
            last_pts = w->pts;
            pthread_mutex_lock(&L->stats_lock);
            cc_stage_add(&L->st_vconv, conv);
            if (L->o->background != CC_BG_NONE) {
                cc_stage_add(&L->st_seg, seg);
                cc_stage_add(&L->st_comp, comp);
            }
            pthread_mutex_unlock(&L->stats_lock);
            Item *it = calloc(1, sizeof(*it));
            if (!it) {
                av_frame_free(&w);
                live_fail(L, "out of memory");
                break;
            }
            it->type = ITEM_VIDEO;
            it->frame = w;
            it->t_cap = t_cap;
            if (cc_queue_push(&L->q_out, it) < 0) {
                av_frame_free(&it->frame);
                free(it);
            }
        }
    }
    /* Leave the queue drained so the camera thread never waits on it. */
    while ((cp = cc_queue_try_pop(&L->q_vpkt))) {
        av_frame_free(&cp->frame);
        free(cp);
    }
    sws_freeContext(sws_in);
    sws_freeContext(sws_out);
    av_frame_free(&dec);
    return NULL;
}

/* The reference captured with mic samples [mic_count, mic_count + n) into far_buf (silence
   where there is none). Audio thread. */
static int ref_block(Live *L, int n)
{
    if (n > L->far_cap) {
        free(L->far_buf);
        L->far_cap = n;
        if (!(L->far_buf = malloc((size_t)n * sizeof(float)))) {
            live_fail(L, "out of memory");
            return -1;
        }
    }
    pthread_mutex_lock(&L->ring_lock);
    /* The reference of the same instant may reach its thread a little after the mic reached
       this one (both come in 20 ms fragments): wait for it, at most REF_WAIT_US, and only while
       it is flowing (a suspended sink's monitor sends nothing: no waiting then). */
    long long t_wait = now_us();
    while (L->ref_first != INT64_MIN && L->ref_last_us &&
           L->mic_first + L->mic_count + n - L->ref_first > L->ref_written &&
           /* a race of a fragment or two, not a reference that is behind for good */
           L->mic_first + L->mic_count + n - L->ref_first - L->ref_written <=
               (int64_t)REF_WAIT_US * LIVE_RATE / 1000000 &&
           now_us() - L->ref_last_us < REF_ALIVE_US && now_us() - t_wait < REF_WAIT_US &&
           !atomic_load(&L->stop)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 5000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&L->ring_cond, &L->ring_lock, &ts);
    }
    L->ref_waited_us += now_us() - t_wait;
    int64_t missing = 0;
    if (L->ref_first == INT64_MIN) {
        memset(L->far_buf, 0, (size_t)n * sizeof(float));
        missing = n;
    } else {
        int64_t j0 = L->mic_first + L->mic_count - L->ref_first;
        for (int k = 0; k < n; k++) {
            int64_t j = j0 + k;
            if (j >= 0 && j < L->ref_written && j >= L->ref_written - REF_RING) {
                L->far_buf[k] = L->ring[j % REF_RING];
            } else {
                L->far_buf[k] = 0.0f;
                missing++;
            }
        }
        if (j0 + n > L->ref_read)
            L->ref_read = j0 + n;
    }
    L->ref_missing += missing;
    pthread_mutex_unlock(&L->ring_lock);
    return 0;
}

/* Denoises n samples of buf and queues what comes out as one item. 0, or < 0 on failure. */
static int audio_out(Live *L, const float *buf, float *outb, int n, int64_t *next_pts,
                     long long t_cap)
{
    long long td = now_us();
    int m;
    if (L->vp) {
        if (L->ric && ref_block(L, n) < 0)
            return AVERROR(ENOMEM);
        pthread_mutex_lock(&L->vp_lock);
        if (L->ric)
            cc_voice_far(L->vp, L->far_buf, n);
        m = cc_voice_process(L->vp, buf, outb, n);
        pthread_mutex_unlock(&L->vp_lock);
        L->mic_count += n;
        if (m >= 0 && L->voice_skip > 0) { /* the chain's delay (see the top) */
            int skip = L->voice_skip < m ? L->voice_skip : m;
            L->voice_skip -= skip;
            memmove(outb, outb + skip, (size_t)(m - skip) * sizeof(float));
            m -= skip;
        }
    } else {
        m = cc_media_aclean_process(L->aclean, buf, outb, n);
    }
    if (m < 0) {
        live_fail(L, "%s failed: %s", L->vp ? "the voice chain" : "denoising", cc_strerror(m));
        return m;
    }
    if ((L->vp || L->o->denoise != CC_MEDIA_DENOISE_OFF) && n > 0)
        cc_stage_add(&L->st_den, (double)(now_us() - td) * 480.0 / n);
    if (m == 0)
        return 0;
    Item *it = calloc(1, sizeof(*it));
    float *s = malloc((size_t)m * L->channels * sizeof(float));
    if (!it || !s) {
        free(it);
        free(s);
        live_fail(L, "out of memory");
        return AVERROR(ENOMEM);
    }
    memcpy(s, outb, (size_t)m * L->channels * sizeof(float));
    it->type = ITEM_AUDIO;
    it->samples = s;
    it->nb_samples = m;
    it->pts = *next_pts;
    it->t_cap = t_cap;
    *next_pts += m;
    if (cc_queue_push(&L->q_out, it) < 0) {
        free(it->samples);
        free(it);
    }
    return 0;
}

/*
 * Audio work. The output is stamped by a running sample count (what encoders need), started
 * from the first packet's capture time; the count is kept on the capture clock by
 * cc_arrival_clock (aresync.h): lost samples or a drifting device clock are filled with silence
 * (or the excess dropped) once packets arrive consistently late (early), so lip sync holds over
 * long sessions, while a late packet or burst (scheduling jitter) changes nothing.
 */
static void *audio_thread(void *arg)
{
    Live *L = arg;
    AVFrame *f = av_frame_alloc();
    SwrContext *swr = NULL;
    AVChannelLayout out_layout;
    av_channel_layout_default(&out_layout, L->channels);
    int64_t next_pts = AV_NOPTS_VALUE; /* 1/LIVE_RATE, of the next sample out of the denoiser */
    CcArrivalClock clk;
    cc_arrival_clock_init(&clk, LIVE_RATE);
    float *buf = NULL, *outb = NULL;
    int cap = 0;
    CapPkt *cp;
    while ((cp = cc_queue_pop(&L->q_apkt))) {
        long long t_cap = cp->t_cap;
        long long t = now_us();
        int ret = avcodec_send_packet(L->adec, cp->pkt);
        av_packet_free(&cp->pkt);
        free(cp);
        if (ret < 0)
            continue;
        while (avcodec_receive_frame(L->adec, f) >= 0) {
            cc_stage_add(&L->st_adec, (double)(now_us() - t));
            long long dur_us = (long long)f->nb_samples * 1000000 / f->sample_rate;
            int64_t arrival = av_rescale(t_cap - dur_us - L->t0, LIVE_RATE, 1000000);
            if (!swr) {
                if (swr_alloc_set_opts2(&swr, &out_layout, AV_SAMPLE_FMT_FLT, LIVE_RATE,
                                        &f->ch_layout, f->format, f->sample_rate, 0, NULL) < 0 ||
                    swr_init(swr) < 0) {
                    live_fail(L, "cannot convert the microphone's audio");
                    break;
                }
                /* The first packet's samples were captured before it arrived. */
                next_pts = arrival + (int64_t)(L->o->av_offset_ms * LIVE_RATE / 1000);
                L->mic_first = arrival; /* the voice chain's reference is lined up on it */
            }
            int need = swr_get_out_samples(swr, f->nb_samples) + 256;
            if (need < LIVE_RATE / 10)
                need = LIVE_RATE / 10;
            if (need > cap) {
                cap = need;
                free(buf);
                free(outb);
                buf = malloc((size_t)cap * L->channels * sizeof(float));
                outb = malloc((size_t)cap * L->channels * sizeof(float));
                if (!buf || !outb) {
                    live_fail(L, "out of memory");
                    break;
                }
            }
            /* Drift / lost samples (see above). */
            int64_t fix = cc_arrival_clock_check(
                &clk, arrival, (int)((int64_t)f->nb_samples * LIVE_RATE / f->sample_rate));
            if (fix > 0) {
                memset(buf, 0, (size_t)cap * L->channels * sizeof(float));
                for (int64_t left = fix; left > 0 && !atomic_load(&L->failed);) {
                    int k = (int)(left < cap ? left : cap);
                    audio_out(L, buf, outb, k, &next_pts, t_cap);
                    left -= k;
                }
                L->audio_filled += fix;
            }
            uint8_t *dst[1] = { (uint8_t *)buf };
            int n = swr_convert(swr, dst, cap, (const uint8_t **)f->extended_data, f->nb_samples);
            av_frame_unref(f);
            if (n <= 0)
                continue;
            if (fix < 0) {
                int k = (int)(-fix < n ? -fix : n);
                memmove(buf, buf + (size_t)k * L->channels, (size_t)(n - k) * L->channels * sizeof(float));
                n -= k;
                L->audio_dropped += k;
            }
            cc_arrival_clock_advance(&clk, n);
            if (n > 0 && audio_out(L, buf, outb, n, &next_pts, t_cap) < 0)
                break;
            t = now_us();
        }
    }
    while ((cp = cc_queue_try_pop(&L->q_apkt))) {
        av_packet_free(&cp->pkt);
        free(cp);
    }
    swr_free(&swr);
    free(buf);
    free(outb);
    av_frame_free(&f);
    return NULL;
}

/* ------------------------------------------------------------------ outputs */

static int classify_output(Output *out, const char *dest)
{
    out->dest = dest;
    out->vidx = out->aidx = -1;
    if (cc_pw_is_pipewire(dest)) { /* a PipeWire Video/Source node: pwvideo.c, no muxer */
        out->kind = OUT_PIPEWIRE;
        return 0;
    }
    if (!strncmp(dest, "rtmp://", 7) || !strncmp(dest, "rtmps://", 8) || !strncmp(dest, "srt://", 6) ||
        !strncmp(dest, "udp://", 6)) {
        out->kind = OUT_NET;
    } else if (!strncmp(dest, "/dev/video", 10)) {
        out->kind = OUT_V4L2;
        out->ofmt = av_guess_format("video4linux2", NULL, NULL);
        if (!out->ofmt)
            out->ofmt = av_guess_format("v4l2", NULL, NULL);
    } else if (!strncmp(dest, "pulse", 5) && (!dest[5] || dest[5] == ':')) {
        out->kind = OUT_PULSE;
        out->ofmt = av_guess_format("pulse", NULL, NULL);
    } else {
        out->kind = OUT_FILE;
    }
    if (!out->ofmt)
        out->ofmt = cc_media_guess_format(dest);
    if (!out->ofmt) {
        fprintf(stderr, "cleancast live: no muxer for output '%s' (use .mkv, .mp4, .flv, .ts, "
                        "rtmp://, srt://, /dev/videoN or pulse[:SINK])\n", dest);
        return AVERROR_MUXER_NOT_FOUND;
    }
    return 0;
}

static int open_output_encoders(Live *L, Output *out)
{
    CcMediaOptions *o = L->o;
    int ret;
    int gh = out->ofmt && (out->ofmt->flags & AVFMT_GLOBALHEADER);
    if (out->kind == OUT_V4L2 || out->kind == OUT_PULSE) {
        if (out->kind == OUT_V4L2 && L->want_video) {
            if (L->width % 2) {
                fprintf(stderr, "cleancast live: virtual cameras need an even width; the camera "
                                "gives %dx%d (use --video-size)\n", L->width, L->height);
                return AVERROR(EINVAL);
            }
            const AVCodec *c = avcodec_find_encoder(AV_CODEC_ID_RAWVIDEO);
            out->venc = avcodec_alloc_context3(c);
            out->venc->width = L->width;
            out->venc->height = L->height;
            out->venc->pix_fmt = AV_PIX_FMT_YUV420P;
            out->venc->time_base = (AVRational){ 1, 1000 };
            out->venc->framerate = L->framerate;
            if ((ret = avcodec_open2(out->venc, c, NULL)) < 0)
                return ret;
        }
        if (out->kind == OUT_PULSE && L->want_audio) {
            const AVCodec *c = avcodec_find_encoder(AV_CODEC_ID_PCM_S16LE);
            out->aenc = avcodec_alloc_context3(c);
            out->aenc->sample_fmt = AV_SAMPLE_FMT_S16;
            out->aenc->sample_rate = LIVE_RATE;
            av_channel_layout_default(&out->aenc->ch_layout, L->channels);
            out->aenc->time_base = (AVRational){ 1, LIVE_RATE };
            if ((ret = avcodec_open2(out->aenc, c, NULL)) < 0)
                return ret;
            out->aenc->frame_size = 480; /* 10 ms writes */
        }
        return 0;
    }
    if ((ret = cc_media_choose_codecs(&out->codecs, out->ofmt, out->dest,
                                      o->background == CC_BG_TRANSPARENT, L->want_video)) < 0)
        return ret;
    if (L->want_video) {
        if (out->codecs.pix_fmt != L->enc_pix_fmt) {
            fprintf(stderr, "cleancast live: outputs need different pixel formats; use one "
                            "transparent output alone\n");
            return AVERROR(EINVAL);
        }
        if ((ret = cc_media_open_venc(&out->venc, &out->codecs, o, L->width, L->height,
                                      (AVRational){ 1, 1 }, (AVRational){ 1, 1000 },
                                      L->framerate, NULL, gh, 1)) < 0)
            return ret;
    }
    if (L->want_audio) {
        AVChannelLayout lay;
        av_channel_layout_default(&lay, L->channels);
        ret = cc_media_open_aenc(&out->aenc, &out->codecs, o, LIVE_RATE, &lay, gh);
        av_channel_layout_uninit(&lay);
        if (ret < 0)
            return ret;
    }
    return 0;
}

/* FFmpeg's pulse muxer reports an underflow (the sink wanted audio and our stream had none, so
   it played silence and what follows plays that much later) as a device-to-application
   message, from its own thread. */
static int pulse_control_cb(AVFormatContext *s, int type, void *data, size_t size)
{
    Output *out = s->opaque;
    (void)data;
    (void)size;
    if (out && type == AV_DEV_TO_APP_BUFFER_UNDERFLOW)
        atomic_fetch_add(&out->pulse_underflows, 1);
    return 0;
}

static int pulse_write_silence(Output *out, AVFormatContext *oc, AVPacket *pkt, int samples)
{
    const int bytes = samples * out->aenc->ch_layout.nb_channels * 2; /* s16 */
    int ret = av_new_packet(pkt, bytes);
    if (ret < 0)
        return ret;
    memset(pkt->data, 0, bytes);
    pkt->stream_index = 0;
    pkt->pts = pkt->dts = av_rescale_q(out->pulse_pts, out->aenc->time_base, oc->streams[0]->time_base);
    pkt->duration = av_rescale_q(samples, out->aenc->time_base, oc->streams[0]->time_base);
    ret = av_write_frame(oc, pkt);
    av_packet_unref(pkt);
    if (ret >= 0)
        out->pulse_pts += samples;
    return ret;
}

/*
 * A PulseAudio sink may not take a new stream's first samples for up to 2 s: an idle
 * module-null-sink (the usual virtual-microphone sink) renders 2 s blocks ahead of time while
 * nobody asks for less, and once a 40 ms stream joins it can rewind only one new 20 ms block, so
 * it pulls nothing from the stream until the idle block already rendered has run out (0-2 s,
 * where it stands in that block; PulseAudio 16, module-null-sink.c). FFmpeg's pulse muxer
 * blocks in the write once its 40 ms buffer is full, so the live audio waited there and was
 * then dropped as too late (69-149 packets of ~650 in tests/media/test_pulse.sh, and the output
 * thread, files and streams with it, stalled as long).
 * So the stream is started here, before the clock: 10 ms blocks of silence are written until a
 * write has to wait for the sink (the buffer is full and the sink is now taking from it in real
 * time, after the idle block if there was one). A sink that is already playing costs one
 * buffer of silence (40 ms, drained before the first cleaned audio arrives).
 * Timestamps given to the muxer are a running sample count (the sink plays what it is given in
 * order; the silence comes first): pulse_pts.
 */
static int pulse_prime(Output *out, AVFormatContext *oc)
{
    const int block = out->aenc->sample_rate / 100; /* 10 ms */
    AVPacket *pkt = av_packet_alloc();
    int ret = 0;
    out->pulse_pts = 0;
    if (!pkt)
        return AVERROR(ENOMEM);
    /* At least 50 ms (more than the 40 ms asked for), then until a write waited >= 4 ms; at
       most 3 s in all (the idle block is at most 2 s) or 100 blocks (a sink granting a buffer
       far larger than asked for: blocking at its pace later is what it would do anyway). */
    long long start = now_us();
    for (int n = 0; n < 100; n++) {
        long long t = now_us();
        if ((ret = pulse_write_silence(out, oc, pkt, block)) < 0)
            break;
        long long now = now_us();
        if ((n >= 4 && now - t >= 4000) || now - start > 3000000)
            break;
    }
    av_packet_free(&pkt);
    return ret < 0 ? ret : 0;
}

/* Opens the muxer of an output (file, device or network connection) into *poc; touches
   nothing the output thread reads, so it may run on a connector thread. */
static int output_open_muxer(Output *out, AVFormatContext **poc)
{
    int ret;
    AVFormatContext *oc = NULL;
    const char *url = out->dest;
    if (out->kind == OUT_FILE) {
        const char *slash = strrchr(out->dest, '/');
        int dirlen = slash ? (int)(slash - out->dest + 1) : 0;
        const char *dot = strrchr(out->dest + dirlen, '.');
        snprintf(out->tmp, sizeof(out->tmp), "%.*s.%s.part%d%s", dirlen, out->dest,
                 out->dest + dirlen, (int)getpid(), dot ? dot : "");
        url = out->tmp;
    } else if (out->kind == OUT_PULSE) {
        url = out->dest[5] == ':' ? out->dest + 6 : "default";
    }
    if ((ret = avformat_alloc_output_context2(&oc, out->ofmt, NULL, url)) < 0)
        return ret;
    if (out->venc) { /* stream 0 (out->vidx) */
        AVStream *st = avformat_new_stream(oc, NULL);
        if (!st) {
            avformat_free_context(oc);
            return AVERROR(ENOMEM);
        }
        avcodec_parameters_from_context(st->codecpar, out->venc);
        st->time_base = out->venc->time_base;
        st->avg_frame_rate = out->venc->framerate;
    }
    if (out->aenc) { /* stream 0 or 1 (out->aidx) */
        AVStream *st = avformat_new_stream(oc, NULL);
        if (!st) {
            avformat_free_context(oc);
            return AVERROR(ENOMEM);
        }
        avcodec_parameters_from_context(st->codecpar, out->aenc);
        st->time_base = out->aenc->time_base;
    }
    AVDictionary *opts = NULL;
    if (out->kind == OUT_NET) {
        av_dict_set(&opts, "rw_timeout", "3000000", 0);
        if (!strncmp(url, "srt://", 6))
            av_dict_set(&opts, "connect_timeout", "2000", 0); /* ms */
        /* (rtmp's "timeout" would mean listen mode; rw_timeout bounds the writes) */
    }
    if (!(out->ofmt->flags & AVFMT_NOFILE)) {
        if ((ret = avio_open2(&oc->pb, url, AVIO_FLAG_WRITE, NULL, &opts)) < 0) {
            av_dict_free(&opts);
            avformat_free_context(oc);
            return ret;
        }
    }
    av_dict_free(&opts);
    AVDictionary *mopts = NULL;
    if (out->kind == OUT_FILE && !strcmp(out->ofmt->name, "mp4"))
        av_dict_set(&mopts, "movflags", "+faststart", 0);
    if (out->kind == OUT_NET && !strcmp(out->ofmt->name, "flv"))
        av_dict_set(&mopts, "flvflags", "no_duration_filesize", 0);
    if (out->kind == OUT_PULSE) {
        av_dict_set(&mopts, "stream_name", "cleancast", 0);
        if (strcmp(url, "default"))
            av_dict_set(&mopts, "device", url, 0);
        av_dict_set(&mopts, "buffer_duration", "40", 0);
        oc->opaque = out;
        oc->control_message_cb = pulse_control_cb;
    }
    ret = avformat_write_header(oc, &mopts);
    av_dict_free(&mopts);
    if (ret >= 0 && out->kind == OUT_PULSE && (ret = pulse_prime(out, oc)) < 0)
        av_write_trailer(oc); /* closes the muxer's connection to the server */
    if (ret < 0) {
        if (!(out->ofmt->flags & AVFMT_NOFILE))
            avio_closep(&oc->pb);
        avformat_free_context(oc);
        return ret;
    }
    *poc = oc;
    return 0;
}

static void output_up(Output *out, AVFormatContext *oc)
{
    out->oc = oc;
    out->up = 1;
    out->need_key = out->venc != NULL;
    out->backoff_us = 500000;
}

/* Opens an output now (at start). Returns 0 or < 0 (output stays down). */
static int output_connect(Live *L, Output *out)
{
    (void)L;
    AVFormatContext *oc = NULL;
    int ret = output_open_muxer(out, &oc);
    if (ret >= 0)
        output_up(out, oc);
    return ret;
}

static void *connector_thread(void *arg)
{
    Output *out = arg;
    AVFormatContext *oc = NULL;
    out->pending_ret = output_open_muxer(out, &oc);
    out->pending_oc = oc;
    atomic_store(&out->conn_state, CONN_DONE);
    return NULL;
}


static void output_close(Output *out, int finish)
{
    if (!out->oc)
        return;
    if (finish)
        av_write_trailer(out->oc);
    if (!(out->ofmt->flags & AVFMT_NOFILE))
        avio_closep(&out->oc->pb);
    avformat_free_context(out->oc);
    out->oc = NULL;
    out->up = 0;
}

static void output_down(Live *L, Output *out, int err)
{
    (void)L;
    fprintf(stderr, "\ncleancast live: output '%s' lost (%s); reconnecting in %.1f s\n", out->dest,
            av_err2str(err), out->backoff_us / 1e6);
    output_close(out, 0);
    out->next_retry_us = now_us() + out->backoff_us;
}

/* Network outputs that are down: start a connection attempt on its own thread when the backoff
   has passed, take the result when it is done. Never blocks the output thread. */
static void output_maybe_reconnect(Live *L, Output *out)
{
    (void)L;
    if (out->up || out->kind != OUT_NET)
        return;
    int st = atomic_load(&out->conn_state);
    if (st == CONN_IDLE && now_us() >= out->next_retry_us) {
        atomic_store(&out->conn_state, CONN_BUSY);
        if (pthread_create(&out->conn_thread, NULL, connector_thread, out)) {
            atomic_store(&out->conn_state, CONN_IDLE);
            out->next_retry_us = now_us() + out->backoff_us;
        }
    } else if (st == CONN_DONE) {
        pthread_join(out->conn_thread, NULL);
        atomic_store(&out->conn_state, CONN_IDLE);
        if (out->pending_ret < 0) {
            out->backoff_us = out->backoff_us * 2 > 8000000 ? 8000000 : out->backoff_us * 2;
            out->next_retry_us = now_us() + out->backoff_us;
            return;
        }
        output_up(out, out->pending_oc);
        out->pending_oc = NULL;
        out->reconnects++;
        fprintf(stderr, "\ncleancast live: output '%s' reconnected\n", out->dest);
    }
}

/* End of the session: wait for a connection attempt in flight and drop what it made. */
static void output_stop_connecting(Output *out)
{
    if (atomic_load(&out->conn_state) == CONN_IDLE)
        return;
    pthread_join(out->conn_thread, NULL);
    atomic_store(&out->conn_state, CONN_IDLE);
    if (out->pending_oc) {
        if (!(out->ofmt->flags & AVFMT_NOFILE))
            avio_closep(&out->pending_oc->pb);
        avformat_free_context(out->pending_oc);
        out->pending_oc = NULL;
    }
}

static void write_pkt(Live *L, Output *out, AVCodecContext *enc, int sidx, AVPacket *pkt)
{
    if (!out->up) {
        out->dropped_while_down++;
        return;
    }
    if (sidx == out->vidx && out->need_key) {
        if (!(pkt->flags & AV_PKT_FLAG_KEY)) {
            out->dropped_while_down++;
            return;
        }
        out->need_key = 0;
    }
    pkt->stream_index = sidx;
    if (out->kind == OUT_PULSE) { /* after the priming silence: the sink plays in order */
        pkt->pts = pkt->dts = out->pulse_pts;
        out->pulse_pts += pkt->size / (2 * enc->ch_layout.nb_channels);
    }
    av_packet_rescale_ts(pkt, enc->time_base, out->oc->streams[sidx]->time_base);
    int ret = av_interleaved_write_frame(out->oc, pkt);
    if (ret < 0) {
        if (out->kind == OUT_NET)
            output_down(L, out, ret);
        else
            live_fail(L, "writing to '%s' failed: %s", out->dest, av_err2str(ret));
        return;
    }
    out->packets++;
}

static void encode_to(Live *L, Output *out, AVCodecContext *enc, int sidx, AVFrame *f)
{
    if (avcodec_send_frame(enc, f) < 0 && f)
        return;
    while (avcodec_receive_packet(enc, out->pkt) >= 0)
        write_pkt(L, out, enc, sidx, out->pkt);
}

typedef struct EmitCtx { Live *L; Output *out; } EmitCtx;

static int emit_audio(void *opaque, AVFrame *f)
{
    EmitCtx *e = opaque;
    encode_to(e->L, e->out, e->out->aenc, e->out->aidx, f);
    return 0;
}

static void *output_thread(void *arg)
{
    Live *L = arg;
    Item *it;
    for (;;) {
        it = cc_queue_pop_timeout(&L->q_out, 100000);
        for (int i = 0; i < L->n_out; i++)
            output_maybe_reconnect(L, &L->out[i]);
        if (!it) {
            if (L->q_out.closed && !cc_queue_count(&L->q_out))
                break;
            continue;
        }
        long long t = now_us();
        if (it->type == ITEM_VIDEO) {
            cc_stage_add(&L->st_vlat, (double)(t - it->t_cap));
            L->frames_out++;
            for (int i = 0; i < L->n_out; i++) {
                Output *out = &L->out[i];
                if (out->pw)
                    cc_pw_out_push(out->pw, it->frame, it->t_cap);
                if (!out->venc)
                    continue;
                if (out->up && out->need_key) /* restart a (re)connected stream on a keyframe */
                    it->frame->pict_type = AV_PICTURE_TYPE_I;
                encode_to(L, out, out->venc, out->vidx, it->frame);
                it->frame->pict_type = AV_PICTURE_TYPE_NONE;
            }
            cc_stage_add(&L->st_venc, (double)(now_us() - t));
            av_frame_free(&it->frame);
        } else {
            /* Capture time of the chunk's last sample -> now: the audio's added latency. */
            long long last_us = L->t0 + av_rescale(it->pts + it->nb_samples, 1000000, LIVE_RATE);
            cc_stage_add(&L->st_alat, (double)(t - last_us));
            for (int i = 0; i < L->n_out; i++) {
                Output *out = &L->out[i];
                if (!out->aenc)
                    continue;
                /* A sound-server sink plays at its own pace and blocks when full: never let
                   it build up delay; skip what is already too late for it. */
                if (out->kind == OUT_PULSE && t - last_us > 150000) {
                    out->dropped_while_down++;
                    continue;
                }
                if (!out->asink_ready) {
                    AVChannelLayout lay;
                    av_channel_layout_default(&lay, L->channels);
                    int64_t start = av_rescale(it->pts, out->aenc->sample_rate, LIVE_RATE);
                    int ret = cc_audio_sink_init(&out->asink, out->aenc, LIVE_RATE, &lay, start);
                    av_channel_layout_uninit(&lay);
                    if (ret < 0) {
                        live_fail(L, "cannot set up audio for '%s'", out->dest);
                        continue;
                    }
                    out->asink_ready = 1;
                }
                EmitCtx e = { L, out };
                cc_audio_sink_write(&out->asink, it->samples, it->nb_samples, emit_audio, &e);
            }
            cc_stage_add(&L->st_aenc, (double)(now_us() - t));
            free(it->samples);
        }
        free(it);
    }
    /* Flush encoders and finish every output (files: trailer, then rename into place). */
    for (int i = 0; i < L->n_out; i++) {
        Output *out = &L->out[i];
        output_stop_connecting(out);
        if (out->aenc && out->asink_ready) {
            EmitCtx e = { L, out };
            cc_audio_sink_write(&out->asink, NULL, 0, emit_audio, &e);
        }
        if (out->venc)
            encode_to(L, out, out->venc, out->vidx, NULL);
        if (out->aenc)
            encode_to(L, out, out->aenc, out->aidx, NULL);
        int was_up = out->up;
        output_close(out, 1);
        if (out->kind == OUT_FILE && was_up) {
            if (rename(out->tmp, out->dest) < 0)
                live_fail(L, "cannot rename '%s' to '%s': %s", out->tmp, out->dest, strerror(errno));
            else
                out->tmp[0] = 0;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ PipeWire (pwvideo.c) */

/* -o pipewire[:NAME]: the cleaned pictures as a Video/Source node (the camera's size and rate). */
static int pw_output_open(Live *L, Output *out)
{
    if (!L->want_video) {
        fprintf(stderr, "cleancast live: output '%s' is a video node and needs a --camera\n",
                out->dest);
        return AVERROR(EINVAL);
    }
    out->pw = cc_pw_out_open(out->dest, L->width, L->height, L->framerate);
    return out->pw ? 0 : AVERROR(EIO);
}

/* --camera pipewire[:NODE]: waits for the node's format, then sets up the cleaning for it. */
static int pw_camera_open(Live *L)
{
    int pix_fmt;
    L->pwin = cc_pw_in_open(L->o->camera, 5000);
    if (!L->pwin)
        return AVERROR(EIO);
    cc_pw_in_info(L->pwin, &L->width, &L->height, &L->framerate, &pix_fmt);
    if (L->framerate.num <= 0)
        L->framerate = (AVRational){ 30, 1 };
    L->want_video = 1;
    return cc_media_vclean_open(&L->vclean, L->o);
}

/* The camera thread for a PipeWire camera: each picture is stamped with its arrival, like a
   V4L2 one, and queued the same way (bounded, the oldest waiting picture dropped). */
static void *pw_camera_thread(Live *L)
{
    long long pw_dropped = 0, counted = 0;
    while (!atomic_load(&L->stop)) {
        AVFrame *f = NULL;
        long long t_cap = 0;
        int r = cc_pw_in_read(L->pwin, &f, &t_cap, 100, &pw_dropped);
        if (pw_dropped > counted) { /* replaced before this thread took them */
            atomic_fetch_add(&L->v_captured, pw_dropped - counted);
            atomic_fetch_add(&L->v_dropped, pw_dropped - counted);
            counted = pw_dropped;
        }
        if (r < 0) {
            live_fail(L, "camera '%s' stopped delivering (PipeWire node gone?)", L->o->camera);
            break;
        }
        if (r == 0)
            continue;
        CapPkt *cp = malloc(sizeof(*cp));
        if (!cp) {
            av_frame_free(&f);
            live_fail(L, "out of memory");
            break;
        }
        cp->pkt = NULL;
        cp->frame = f;
        cp->t_cap = t_cap;
        atomic_store(&L->v_last_us, now_us());
        atomic_fetch_add(&L->v_captured, 1);
        while (cc_queue_try_push(&L->q_vpkt, cp) < 0) {
            if (L->q_vpkt.closed) {
                av_frame_free(&cp->frame);
                free(cp);
                break;
            }
            CapPkt *old = cc_queue_try_pop(&L->q_vpkt); /* late: drop the oldest waiting picture */
            if (old) {
                av_frame_free(&old->frame);
                free(old);
                atomic_fetch_add(&L->v_dropped, 1);
            }
        }
    }
    cc_queue_close(&L->q_vpkt);
    return NULL;
}

/* ------------------------------------------------------------------ main */

/* Joins a capture thread; one stuck in a device read for 2 s is detached and its queue (if
   any) closed so the rest of the pipeline can finish. Returns 1 when abandoned. */
static int join_or_abandon(pthread_t th, CcQueue *q, const char *what)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 2;
    if (pthread_timedjoin_np(th, NULL, &ts) == 0)
        return 0;
    pthread_detach(th);
    if (q)
        cc_queue_close(q);
    fprintf(stderr, "cleancast live: %s did not return; leaving it\n", what);
    return 1;
}

static void print_stats(Live *L, double wall_s)
{
    cc_stage_print_header(stderr, "live stage");
    cc_stage_print(&L->st_vqueue, stderr);
    cc_stage_print(&L->st_vdec, stderr);
    cc_stage_print(&L->st_vconv, stderr);
    cc_stage_print(&L->st_seg, stderr);
    cc_stage_print(&L->st_comp, stderr);
    cc_stage_print(&L->st_venc, stderr);
    cc_stage_print(&L->st_adec, stderr);
    cc_stage_print(&L->st_den, stderr);
    cc_stage_print(&L->st_aenc, stderr);
    cc_stage_print(&L->st_vlat, stderr);
    cc_stage_print(&L->st_alat, stderr);
    fprintf(stderr, "denoiser delay %d samples (%.1f ms), removed from audio timestamps; "
            "clock corrections: %.0f ms of silence added, %.0f ms dropped\n",
            L->denoise_latency, L->denoise_latency * 1000.0 / LIVE_RATE,
            L->audio_filled * 1000.0 / LIVE_RATE, L->audio_dropped * 1000.0 / LIVE_RATE);
    if (L->mic_stale_us)
        fprintf(stderr, "microphone: %.0f ms recorded while the outputs were being opened, "
                "before the start, discarded\n", L->mic_stale_us / 1000.0);
    if (L->vp) {
        CcVoiceStats vs;
        pthread_mutex_lock(&L->vp_lock);
        cc_voice_stats(L->vp, &vs);
        pthread_mutex_unlock(&L->vp_lock);
        fprintf(stderr, "voice chain:%s%s%s%s, delay %d samples\n",
                cc_live_voice.high_pass ? " high-pass" : "",
                cc_live_voice.echo_cancel ? " echo-cancel" : "",
                L->o->denoise != CC_MEDIA_DENOISE_OFF ? " denoise" : "",
                cc_live_voice.agc ? " agc" : "", L->denoise_latency);
        if (L->ric) {
            pthread_mutex_lock(&L->ring_lock);
            fprintf(stderr, "echo reference %s: %.1f s captured, starting %.0f ms after the "
                    "mic (%.0f ms before the start discarded); echo delay %d ms, ERLE %.1f dB; "
                    "reference missing when needed %.2f s, overwritten unread %.2f s; "
                    "clock corrections %.0f ms added, %.0f ms dropped; the mic waited for it "
                    "%.0f ms in all\n",
                    L->ref_dev, (double)L->ref_written / LIVE_RATE,
                    L->ref_first == INT64_MIN ? 0.0 : (L->ref_first - L->mic_first) * 1000.0 / LIVE_RATE,
                    L->ref_stale_us / 1000.0, vs.echo_delay_ms, vs.erle_db,
                    (double)L->ref_missing / LIVE_RATE, (double)L->ref_overrun / LIVE_RATE,
                    L->ref_clock_filled * 1000.0 / LIVE_RATE, L->ref_clock_dropped * 1000.0 / LIVE_RATE,
                    L->ref_waited_us / 1000.0);
            pthread_mutex_unlock(&L->ring_lock);
        }
        if (cc_live_voice.agc)
            fprintf(stderr, "AGC gain %.1f dB\n", vs.agc_gain_db);
    }
    fprintf(stderr, "video: %lld captured, %lld dropped late, %lld out; audio packets %lld; "
                    "wall %.1f s; threads: camera, mic, video, audio, output + %d codec threads\n",
            (long long)atomic_load(&L->v_captured), (long long)atomic_load(&L->v_dropped),
            L->frames_out, (long long)atomic_load(&L->a_captured), wall_s, L->o->threads);
    for (int i = 0; i < L->n_out; i++)
        fprintf(stderr, "output %s: %lld packets, %lld reconnects, %lld dropped (down or too late)\n",
                L->out[i].dest, L->out[i].packets, L->out[i].reconnects, L->out[i].dropped_while_down);
    for (int i = 0; i < L->n_out; i++)
        if (L->out[i].kind == OUT_PULSE)
            fprintf(stderr, "sink %s: %lld underruns (it played silence for want of audio; "
                    "one at the start when the priming silence ran out first)\n", L->out[i].dest,
                    (long long)atomic_load(&L->out[i].pulse_underflows));
    for (int i = 0; i < L->n_out; i++)
        cc_pw_out_print_stats(L->out[i].pw, stderr, wall_s);
}

int cc_media_live(const CcMediaOptions *opts)
{
    CcMediaOptions o = *opts;
    if (!o.camera && !o.mic) {
        fprintf(stderr, "cleancast live: need --camera DEV and/or --mic DEV (see --help)\n");
        return 2;
    }
    if (!o.n_outputs) {
        fprintf(stderr, "cleancast live: need at least one -o DEST\n");
        return 2;
    }
    if (o.camera && !strcmp(o.camera, "none"))
        o.camera = NULL;
    if (o.mic && !strcmp(o.mic, "none"))
        o.mic = NULL;
    avdevice_register_all();
    av_log_set_level(o.verbose ? AV_LOG_WARNING : AV_LOG_FATAL); /* ours name the device */

    const CcLiveVoiceOptions *vo = &cc_live_voice;
    int voice = vo->echo_cancel || vo->agc || vo->high_pass;
    if (voice && !o.mic) {
        fprintf(stderr, "cleancast live: --echo-cancel, --echo-reference, --agc and --high-pass "
                "act on the microphone: need --mic DEV\n");
        return 2;
    }
    Live *L = calloc(1, sizeof(*L));
    if (!L)
        return 1;
    L->o = &o;
    pthread_mutex_init(&L->vp_lock, NULL);
    pthread_mutex_init(&L->ring_lock, NULL);
    pthread_cond_init(&L->ring_cond, NULL);
    L->vsi = L->asi = -1;
    pthread_mutex_init(&L->stats_lock, NULL);
    cc_stage_init(&L->st_vqueue, "camera queue wait", "frame");
    cc_stage_init(&L->st_vdec, "camera decode", "frame");
    cc_stage_init(&L->st_vconv, "pixel convert", "frame");
    cc_stage_init(&L->st_seg, "segment", "frame");
    cc_stage_init(&L->st_comp, "composite", "frame");
    cc_stage_init(&L->st_venc, "video encode+mux", "frame");
    cc_stage_init(&L->st_adec, "mic decode", "packet");
    cc_stage_init(&L->st_den, "denoise", "10ms");
    cc_stage_init(&L->st_aenc, "audio encode+mux", "chunk");
    cc_stage_init(&L->st_vlat, "VIDEO LATENCY", "frame");
    cc_stage_init(&L->st_alat, "AUDIO LATENCY", "chunk");
    cc_queue_init(&L->q_vpkt, o.max_queue_frames);
    cc_queue_init(&L->q_apkt, AUDIO_PKT_QUEUE);
    cc_queue_init(&L->q_out, OUT_QUEUE);
    pthread_t th_cam, th_mic, th_v, th_a, th_out, th_ref;
    int cam_stuck = 0, mic_stuck = 0, mic_joined = 0, started_ref = 0, ref_stuck = 0;
    int started_cam = 0, started_mic = 0, started_v = 0, started_a = 0, started_out = 0;
    int ret = 0;
    L->t0 = now_us();

    if (o.camera && cc_pw_is_pipewire(o.camera) && (ret = pw_camera_open(L)) < 0)
        goto end;
    if (o.camera && !L->pwin) {
        if ((ret = open_input(L, &L->vic, o.camera, 1, &L->v_is_file, "camera")) < 0)
            goto end;
        L->vsi = av_find_best_stream(L->vic, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
        if (L->vsi < 0) {
            fprintf(stderr, "cleancast live: camera '%s' has no video\n", o.camera);
            ret = L->vsi;
            goto end;
        }
        AVStream *st = L->vic->streams[L->vsi];
        if ((ret = open_decoder(&L->vdec, st, 1)) < 0) {
            fprintf(stderr, "cleancast live: cannot decode the camera's %s: %s\n",
                    avcodec_get_name(st->codecpar->codec_id), av_err2str(ret));
            goto end;
        }
        L->width = L->vdec->width;
        L->height = L->vdec->height;
        L->framerate = av_guess_frame_rate(L->vic, st, NULL);
        if (L->framerate.num <= 0)
            L->framerate = (AVRational){ 30, 1 };
        if (L->width < 2 || L->height < 2) {
            fprintf(stderr, "cleancast live: camera '%s' reports no frame size\n", o.camera);
            ret = AVERROR_INVALIDDATA;
            goto end;
        }
        L->want_video = 1;
        if ((ret = cc_media_vclean_open(&L->vclean, &o)) < 0)
            goto end;
    }
    if (o.mic) {
        if ((ret = open_input(L, &L->aic, o.mic, 0, &L->a_is_file, "microphone")) < 0)
            goto end;
        L->asi = av_find_best_stream(L->aic, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
        if (L->asi < 0) {
            fprintf(stderr, "cleancast live: microphone '%s' has no audio\n", o.mic);
            ret = L->asi;
            goto end;
        }
        if ((ret = open_decoder(&L->adec, L->aic->streams[L->asi], 1)) < 0) {
            fprintf(stderr, "cleancast live: cannot decode the microphone's audio: %s\n", av_err2str(ret));
            goto end;
        }
        L->channels = L->adec->ch_layout.nb_channels > 2 ? 2 : L->adec->ch_layout.nb_channels;
        if (L->channels < 1)
            L->channels = 1;
        L->want_audio = 1;
        if (voice) {
            L->channels = 1; /* the voice chain takes a mono microphone */
            if ((ret = voice_open(L)) < 0)
                goto end;
            if (L->ric && !L->r_is_file) /* a device: read from now on, discarded until the start */
                started_ref = !pthread_create(&th_ref, NULL, ref_thread, L);
        } else {
            if ((ret = cc_media_aclean_open(&L->aclean, &o, LIVE_RATE, L->channels, 1)) < 0)
                goto end;
            L->denoise_latency = cc_media_aclean_latency(L->aclean);
        }
        if (!L->a_is_file) { /* a device: read from now on, discarded until the start */
            atomic_store(&L->a_last_us, now_us());
            started_mic = !pthread_create(&th_mic, NULL, mic_thread, L);
        }
    }
    L->enc_pix_fmt = o.background == CC_BG_TRANSPARENT ? AV_PIX_FMT_YUVA420P : AV_PIX_FMT_YUV420P;

    for (int i = 0; i < o.n_outputs; i++) {
        Output *out = &L->out[L->n_out++];
        out->pkt = av_packet_alloc();
        if ((ret = classify_output(out, o.outputs[i])) < 0)
            goto end;
        if (out->kind == OUT_PIPEWIRE) {
            if ((ret = pw_output_open(L, out)) < 0)
                goto end;
            continue;
        }
        if ((ret = open_output_encoders(L, out)) < 0)
            goto end;
        out->vidx = out->venc ? 0 : -1;
        out->aidx = out->aenc ? (out->venc ? 1 : 0) : -1;
        if (!out->venc && !out->aenc) {
            fprintf(stderr, "cleancast live: output '%s' would get no stream (camera/mic missing)\n",
                    out->dest);
            ret = AVERROR(EINVAL);
            goto end;
        }
        if ((ret = output_connect(L, out)) < 0) {
            if (out->kind == OUT_NET) {
                fprintf(stderr, "cleancast live: cannot reach '%s' (%s); will keep retrying\n",
                        out->dest, av_err2str(ret));
                out->backoff_us = 500000;
                out->next_retry_us = now_us() + out->backoff_us;
                ret = 0;
            } else {
                fprintf(stderr, "cleancast live: cannot open output '%s': %s\n", out->dest,
                        av_err2str(ret));
                goto end;
            }
        }
    }

    g_live = L;
    struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    /* Start the clock now that devices and outputs are open. */
    L->t0 = now_us();
    atomic_store(&L->v_last_us, L->t0);
    atomic_store(&L->a_last_us, L->t0);
    atomic_store(&L->started, 1); /* after t0: the mic thread reads t0 once it sees this */
    started_out = !pthread_create(&th_out, NULL, output_thread, L);
    if (L->want_video) {
        started_v = !pthread_create(&th_v, NULL, video_thread, L);
        started_cam = !pthread_create(&th_cam, NULL, camera_thread, L);
    }
    if (L->want_audio) {
        started_a = !pthread_create(&th_a, NULL, audio_thread, L);
        if (L->ric && !started_ref)
            started_ref = !pthread_create(&th_ref, NULL, ref_thread, L);
        if (!started_mic)
            started_mic = !pthread_create(&th_mic, NULL, mic_thread, L);
    }
    int show = o.progress < 0 ? isatty(2) : o.progress;
    long long last_show = 0;
    while (!atomic_load(&L->stop)) {
        av_usleep(50000);
        long long el = now_us() - L->t0;
        if (o.duration_s > 0 && el >= (long long)(o.duration_s * 1e6))
            atomic_store(&L->stop, 1);
        /* A device that stops delivering (unplugged, sound server gone) may leave its read
           blocked for good: notice the silence instead of waiting on it. */
        long long now = now_us(), stall = 3000000;
        if (L->want_video && now - atomic_load(&L->v_last_us) > stall)
            live_fail(L, "camera '%s' delivered nothing for %.1f s (device gone?)", o.camera,
                      (now - atomic_load(&L->v_last_us)) / 1e6);
        if (L->want_audio && now - atomic_load(&L->a_last_us) > stall)
            live_fail(L, "microphone '%s' delivered nothing for %.1f s (device gone?)", o.mic,
                      (now - atomic_load(&L->a_last_us)) / 1e6);
        if (show && el - last_show > 500000) {
            last_show = el;
            fprintf(stderr, "\r%7.1f s  video %lld frames, %lld dropped  audio %lld packets ", el / 1e6,
                    L->frames_out, (long long)atomic_load(&L->v_dropped),
                    (long long)atomic_load(&L->a_captured));
        }
    }
    if (show)
        fputc('\n', stderr);
    /* Stop: capture threads end and close their queues; work threads drain them. */
    cam_stuck = started_cam && join_or_abandon(th_cam, &L->q_vpkt, "a device read");
    mic_stuck = started_mic && join_or_abandon(th_mic, &L->q_apkt, "a device read");
    mic_joined = 1;
    ref_stuck = started_ref && join_or_abandon(th_ref, NULL, "the echo reference's read");
    started_ref = 0;
    if (started_v)
        pthread_join(th_v, NULL);
    if (started_a)
        pthread_join(th_a, NULL);
    cc_queue_close(&L->q_out);
    if (started_out)
        pthread_join(th_out, NULL);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    g_live = NULL;
    double wall = (now_us() - L->t0) / 1e6;
    if (o.stats)
        print_stats(L, wall);
    else if (!o.quiet && show)
        fprintf(stderr, "cleancast live: %lld video frames (%lld dropped), %.1f s\n", L->frames_out,
                (long long)atomic_load(&L->v_dropped), wall);
end:
    if (started_mic && !mic_joined) { /* failed while opening the outputs */
        atomic_store(&L->stop, 1);
        mic_stuck = join_or_abandon(th_mic, &L->q_apkt, "a device read");
    }
    if (started_ref) {
        atomic_store(&L->stop, 1);
        ref_stuck = join_or_abandon(th_ref, NULL, "the echo reference's read");
    }
    for (int i = 0; i < L->n_out; i++) {
        Output *out = &L->out[i];
        output_close(out, 0);
        cc_pw_out_close(&out->pw);
        if (out->tmp[0])
            unlink(out->tmp);
        avcodec_free_context(&out->venc);
        avcodec_free_context(&out->aenc);
        if (out->asink_ready)
            cc_audio_sink_free(&out->asink);
        av_packet_free(&out->pkt);
    }
    CapPkt *cp;
    while ((cp = cc_queue_try_pop(&L->q_vpkt))) {
        av_frame_free(&cp->frame);
        free(cp);
    }
    while ((cp = cc_queue_try_pop(&L->q_apkt))) {
        av_packet_free(&cp->pkt);
        free(cp);
    }
    Item *it;
    while ((it = cc_queue_try_pop(&L->q_out))) {
        av_frame_free(&it->frame);
        free(it->samples);
        free(it);
    }
    cc_media_vclean_close(&L->vclean);
    cc_media_aclean_close(&L->aclean);
    if (!ref_stuck) { /* else its thread still uses them */
        cc_voice_close(&L->vp);
        cc_denoise_model_close(&L->vmodel);
        avcodec_free_context(&L->rdec);
        avformat_close_input(&L->ric);
        free(L->ring);
    }
    free(L->far_buf);
    avcodec_free_context(&L->vdec);
    avcodec_free_context(&L->adec);
    /* An input whose read never returned is left open (its thread still uses it). */
    if (!cam_stuck)
        avformat_close_input(&L->vic);
    if (!cam_stuck)
        cc_pw_in_close(&L->pwin);
    if (!mic_stuck)
        avformat_close_input(&L->aic);
    int status = (ret < 0 || atomic_load(&L->failed)) ? 1 : 0;
    if (!cam_stuck && !mic_stuck && !ref_stuck) { /* else a detached thread may still touch them */
        cc_queue_destroy(&L->q_vpkt);
        cc_queue_destroy(&L->q_apkt);
        cc_queue_destroy(&L->q_out);
        pthread_mutex_destroy(&L->stats_lock);
        pthread_mutex_destroy(&L->vp_lock);
        pthread_mutex_destroy(&L->ring_lock);
        pthread_cond_destroy(&L->ring_cond);
        free(L);
    }
    return status;
}
