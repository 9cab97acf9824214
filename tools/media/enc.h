/* Encoder set-up shared by `process` and `live`. */
#ifndef CC_MEDIA_ENC_H
#define CC_MEDIA_ENC_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswresample/swresample.h>
#include <libavutil/audio_fifo.h>

#include "mopts.h"

/* Codec choice for a container: H.264+AAC for MP4/MOV/MKV/FLV/TS, VP9+Opus for WebM
 * (and for transparent output, VP9 with alpha in WebM/MKV). */
typedef struct CcCodecChoice {
    const char *video;      /* encoder name */
    int pix_fmt;            /* encoder input format */
    const char *audio;
    int audio_rate_fixed;   /* 48000 for opus, 0 = keep input rate */
} CcCodecChoice;

/* Returns 0, or prints why the container cannot take what is asked and returns < 0.
 * video: the output gets a video stream. An audio-only container (no default video codec)
 * gets its own default audio codec and no video encoder (c->video NULL). */
int cc_media_choose_codecs(CcCodecChoice *c, const AVOutputFormat *ofmt, const char *out_name,
                           int transparent, int video);

/* Opens a video encoder. realtime = 1 for live (no B-frames, zerolatency tuning). */
int cc_media_open_venc(AVCodecContext **out, const CcCodecChoice *cc, const CcMediaOptions *o,
                       int width, int height, AVRational sar, AVRational time_base,
                       AVRational framerate, const AVCodecContext *colors, int global_header,
                       int realtime);

/* Opens an audio encoder taking the input's layout (stereo at most for Opus). */
int cc_media_open_aenc(AVCodecContext **out, const CcCodecChoice *cc, const CcMediaOptions *o,
                       int in_rate, const AVChannelLayout *in_layout, int global_header);

/*
 * Audio sink: interleaved float at the stream rate in, encoder frames out. Resamples to the
 * encoder's format and rate, cuts encoder-sized frames, stamps them from a running sample count.
 */
typedef struct CcAudioSink {
    AVCodecContext *enc;
    SwrContext *swr;
    AVAudioFifo *fifo;
    AVFrame *frame;
    int in_rate, in_channels;
    int64_t next_pts;       /* in 1/enc->sample_rate */
    uint8_t **conv;         /* conversion buffer */
    int conv_cap;
} CcAudioSink;

int cc_audio_sink_init(CcAudioSink *s, AVCodecContext *enc, int in_rate,
                       const AVChannelLayout *in_layout, int64_t start_pts);
/*
 * Feeds frames of interleaved float (NULL, 0 at the end: flushes the resampler and the
 * last partial frame). emit(opaque, frame) is called for each encoder frame.
 */
int cc_audio_sink_write(CcAudioSink *s, const float *in, int frames,
                        int (*emit)(void *opaque, AVFrame *f), void *opaque);
void cc_audio_sink_free(CcAudioSink *s);

/* Guesses the output format from a name (or a URL scheme for live outputs). */
const AVOutputFormat *cc_media_guess_format(const char *name);

#endif
