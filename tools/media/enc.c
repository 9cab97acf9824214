#include <string.h>

#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

#include "enc.h"

const AVOutputFormat *cc_media_guess_format(const char *name)
{
    if (!strncmp(name, "rtmp://", 7) || !strncmp(name, "rtmps://", 8))
        return av_guess_format("flv", NULL, NULL);
    if (!strncmp(name, "srt://", 6) || !strncmp(name, "udp://", 6))
        return av_guess_format("mpegts", NULL, NULL);
    return av_guess_format(NULL, name, NULL);
}

int cc_media_choose_codecs(CcCodecChoice *c, const AVOutputFormat *ofmt, const char *out_name,
                           int transparent, int video)
{
    memset(c, 0, sizeof(*c));
    if (ofmt->video_codec == AV_CODEC_ID_NONE) {
        /* an audio-only container (WAV, FLAC, MP3...): its own default audio codec */
        const AVCodec *a = avcodec_find_encoder(ofmt->audio_codec);
        if (video) {
            fprintf(stderr, "cleancast: '%s' is an audio-only format (%s): it cannot hold the "
                            "video; use .mp4, .mkv or .webm\n", out_name, ofmt->name);
            return AVERROR(EINVAL);
        }
        if (!a) {
            fprintf(stderr, "cleancast: this FFmpeg has no %s encoder for '%s'\n",
                    avcodec_get_name(ofmt->audio_codec), out_name);
            return AVERROR_ENCODER_NOT_FOUND;
        }
        c->audio = a->name;
        return 0;
    }
    int webm = !strcmp(ofmt->name, "webm");
    int mkv = !strcmp(ofmt->name, "matroska");
    if (webm || (transparent && mkv)) {
        c->video = "libvpx-vp9";
        c->pix_fmt = transparent ? AV_PIX_FMT_YUVA420P : AV_PIX_FMT_YUV420P;
        c->audio = "libopus";
        c->audio_rate_fixed = 48000;
    } else if (transparent) {
        fprintf(stderr, "cleancast: --background transparent needs an output that keeps alpha: "
                        ".webm or .mkv (VP9 with alpha), not '%s'\n", out_name);
        return AVERROR(EINVAL);
    } else {
        c->video = "libx264";
        c->pix_fmt = AV_PIX_FMT_YUV420P;
        c->audio = "aac";
    }
    if (!avcodec_find_encoder_by_name(c->video) || !avcodec_find_encoder_by_name(c->audio)) {
        fprintf(stderr, "cleancast: this FFmpeg has no %s or %s encoder\n", c->video, c->audio);
        return AVERROR_ENCODER_NOT_FOUND;
    }
    return 0;
}

int cc_media_open_venc(AVCodecContext **out, const CcCodecChoice *cc, const CcMediaOptions *o,
                       int width, int height, AVRational sar, AVRational time_base,
                       AVRational framerate, const AVCodecContext *colors, int global_header,
                       int realtime)
{
    const AVCodec *codec = avcodec_find_encoder_by_name(cc->video);
    AVCodecContext *e = avcodec_alloc_context3(codec);
    if (!e)
        return AVERROR(ENOMEM);
    e->width = width;
    e->height = height;
    e->pix_fmt = cc->pix_fmt;
    e->sample_aspect_ratio = sar;
    e->time_base = time_base;
    if (framerate.num > 0 && framerate.den > 0)
        e->framerate = framerate;
    e->thread_count = o->threads;
    if (colors) {
        e->color_range = colors->color_range;
        e->colorspace = colors->colorspace;
        e->color_primaries = colors->color_primaries;
        e->color_trc = colors->color_trc;
        e->chroma_sample_location = colors->chroma_sample_location;
    }
    if (global_header)
        e->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    char crf[16];
    snprintf(crf, sizeof(crf), "%d", o->crf);
    if (!strcmp(cc->video, "libx264")) {
        av_opt_set(e->priv_data, "preset", realtime && !strcmp(o->preset, "veryfast")
                                           ? "ultrafast" : o->preset, 0);
        av_opt_set(e->priv_data, "crf", crf, 0);
        if (realtime) {
            av_opt_set(e->priv_data, "tune", "zerolatency", 0);
            e->max_b_frames = 0;
            if (framerate.num > 0)
                e->gop_size = 2 * framerate.num / (framerate.den ? framerate.den : 1);
        }
    } else {
        av_opt_set(e->priv_data, "deadline", "realtime", 0);
        av_opt_set(e->priv_data, "cpu-used", "8", 0);
        av_opt_set(e->priv_data, "row-mt", "1", 0);
        snprintf(crf, sizeof(crf), "%d", o->crf + 12 > 63 ? 63 : o->crf + 12);
        av_opt_set(e->priv_data, "crf", crf, 0);
        e->bit_rate = 0;
    }
    int ret = avcodec_open2(e, codec, NULL);
    if (ret < 0) {
        fprintf(stderr, "cleancast: cannot open the %s encoder (%dx%d %s): %s\n", cc->video, width,
                height, av_get_pix_fmt_name(cc->pix_fmt), av_err2str(ret));
        avcodec_free_context(&e);
        return ret;
    }
    *out = e;
    return 0;
}

static int aac_rate_ok(int r)
{
    static const int rates[] = { 96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000,
                                 12000, 11025, 8000, 7350 };
    for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
        if (rates[i] == r)
            return 1;
    return 0;
}

int cc_media_open_aenc(AVCodecContext **out, const CcCodecChoice *cc, const CcMediaOptions *o,
                       int in_rate, const AVChannelLayout *in_layout, int global_header)
{
    const AVCodec *codec = avcodec_find_encoder_by_name(cc->audio);
    AVCodecContext *e = avcodec_alloc_context3(codec);
    if (!e)
        return AVERROR(ENOMEM);
    e->sample_fmt = codec->sample_fmts ? codec->sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
    e->sample_rate = cc->audio_rate_fixed ? cc->audio_rate_fixed
                   : aac_rate_ok(in_rate) ? in_rate : 48000;
    int nch = in_layout->nb_channels;
    if (!strcmp(cc->audio, "libopus") && nch > 2)
        nch = 2;
    if (nch == in_layout->nb_channels && in_layout->order == AV_CHANNEL_ORDER_NATIVE)
        av_channel_layout_copy(&e->ch_layout, in_layout);
    else
        av_channel_layout_default(&e->ch_layout, nch);
    e->bit_rate = o->audio_bitrate;
    e->time_base = (AVRational){ 1, e->sample_rate };
    e->thread_count = 1;
    if (global_header)
        e->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int ret = avcodec_open2(e, codec, NULL);
    if (ret < 0) {
        fprintf(stderr, "cleancast: cannot open the %s encoder (%d Hz, %d channels): %s\n",
                cc->audio, e->sample_rate, nch, av_err2str(ret));
        avcodec_free_context(&e);
        return ret;
    }
    *out = e;
    return 0;
}

int cc_audio_sink_init(CcAudioSink *s, AVCodecContext *enc, int in_rate,
                       const AVChannelLayout *in_layout, int64_t start_pts)
{
    memset(s, 0, sizeof(*s));
    s->enc = enc;
    s->in_rate = in_rate;
    s->in_channels = in_layout->nb_channels;
    s->next_pts = start_pts;
    int ret = swr_alloc_set_opts2(&s->swr, &enc->ch_layout, enc->sample_fmt, enc->sample_rate,
                                  (AVChannelLayout *)in_layout, AV_SAMPLE_FMT_FLT, in_rate, 0, NULL);
    if (ret < 0 || (ret = swr_init(s->swr)) < 0)
        return ret;
    s->fifo = av_audio_fifo_alloc(enc->sample_fmt, enc->ch_layout.nb_channels, 4096);
    s->frame = av_frame_alloc();
    if (!s->fifo || !s->frame)
        return AVERROR(ENOMEM);
    return 0;
}

static int emit_frames(CcAudioSink *s, int final, int (*emit)(void *, AVFrame *), void *opaque)
{
    int fs = s->enc->frame_size > 0 ? s->enc->frame_size : 1024;
    while (av_audio_fifo_size(s->fifo) >= fs || (final && av_audio_fifo_size(s->fifo) > 0)) {
        int n = av_audio_fifo_size(s->fifo) < fs ? av_audio_fifo_size(s->fifo) : fs;
        AVFrame *f = s->frame;
        av_frame_unref(f);
        f->nb_samples = n;
        f->format = s->enc->sample_fmt;
        f->sample_rate = s->enc->sample_rate;
        av_channel_layout_copy(&f->ch_layout, &s->enc->ch_layout);
        int ret = av_frame_get_buffer(f, 0);
        if (ret < 0)
            return ret;
        av_audio_fifo_read(s->fifo, (void **)f->data, n);
        f->pts = s->next_pts;
        s->next_pts += n;
        if ((ret = emit(opaque, f)) < 0)
            return ret;
    }
    return 0;
}

int cc_audio_sink_write(CcAudioSink *s, const float *in, int frames,
                        int (*emit)(void *opaque, AVFrame *f), void *opaque)
{
    int cap = swr_get_out_samples(s->swr, frames);
    if (cap < 0)
        return cap;
    if (cap > s->conv_cap) {
        if (s->conv)
            av_freep(&s->conv[0]);
        av_freep(&s->conv);
        int ret = av_samples_alloc_array_and_samples(&s->conv, NULL, s->enc->ch_layout.nb_channels,
                                                     cap + 256, s->enc->sample_fmt, 0);
        if (ret < 0)
            return ret;
        s->conv_cap = cap + 256;
    }
    const uint8_t *src[1] = { (const uint8_t *)in };
    int n = swr_convert(s->swr, s->conv, s->conv_cap, in ? src : NULL, in ? frames : 0);
    if (n < 0)
        return n;
    if (n > 0 && av_audio_fifo_write(s->fifo, (void **)s->conv, n) < n)
        return AVERROR(ENOMEM);
    return emit_frames(s, !in, emit, opaque);
}

void cc_audio_sink_free(CcAudioSink *s)
{
    swr_free(&s->swr);
    if (s->fifo)
        av_audio_fifo_free(s->fifo);
    av_frame_free(&s->frame);
    if (s->conv)
        av_freep(&s->conv[0]);
    av_freep(&s->conv);
    memset(s, 0, sizeof(*s));
}
