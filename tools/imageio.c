/*
 * Still images through libavformat/libavcodec/libswscale. Decoding runs with
 * AV_EF_EXPLODE so that a truncated or damaged file is an error, not a half-grey picture.
 */
#include "imageio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "toolutil.h"

int cc_image_alloc(CcImage *img, int width, int height, int channels)
{
    memset(img, 0, sizeof(*img));
    if (width < 1 || height < 1 || width > 32768 || height > 32768)
        return -1;
    img->data = calloc((size_t)width * height, (size_t)channels);
    if (!img->data)
        return -1;
    img->width = width;
    img->height = height;
    img->channels = channels;
    img->stride = width * channels;
    return 0;
}

void cc_image_free(CcImage *img)
{
    free(img->data);
    memset(img, 0, sizeof(*img));
}

static int av_fail(const char *path, const char *what, int err)
{
    char msg[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(err, msg, sizeof(msg));
    fprintf(stderr, "cleancast: %s: %s: %s\n", path, what, msg);
    return -1;
}

int cc_image_read(const char *path, CcImage *img)
{
    memset(img, 0, sizeof(*img));
    if (access(path, R_OK)) {
        fprintf(stderr, "cleancast: %s: %s\n", path, strerror(errno));
        return -1;
    }
    av_log_set_level(AV_LOG_QUIET);
    AVFormatContext *fmt = NULL;
    AVCodecContext *dec = NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *frame = av_frame_alloc();
    struct SwsContext *sws = NULL;
    int ret = -1, err;

    if (!pkt || !frame)
        goto done;
    if ((err = avformat_open_input(&fmt, path, NULL, NULL)) < 0) {
        av_fail(path, "not a readable image", err);
        goto done;
    }
    if ((err = avformat_find_stream_info(fmt, NULL)) < 0) {
        av_fail(path, "not a readable image", err);
        goto done;
    }
    int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (si < 0) {
        fprintf(stderr, "cleancast: %s: no picture in this file\n", path);
        goto done;
    }
    const AVCodecParameters *par = fmt->streams[si]->codecpar;
    const AVCodec *codec = avcodec_find_decoder(par->codec_id);
    if (!codec) {
        fprintf(stderr, "cleancast: %s: no decoder for %s\n", path, avcodec_get_name(par->codec_id));
        goto done;
    }
    dec = avcodec_alloc_context3(codec);
    if (!dec || avcodec_parameters_to_context(dec, par) < 0)
        goto done;
    dec->err_recognition = AV_EF_EXPLODE | AV_EF_CRCCHECK | AV_EF_BITSTREAM;
    dec->thread_count = 1;
    if ((err = avcodec_open2(dec, codec, NULL)) < 0) {
        av_fail(path, "cannot open decoder", err);
        goto done;
    }
    int got = 0;
    while (!got) {
        err = av_read_frame(fmt, pkt);
        if (err < 0) {
            avcodec_send_packet(dec, NULL); /* drain */
        } else if (pkt->stream_index != si) {
            av_packet_unref(pkt);
            continue;
        } else {
            err = avcodec_send_packet(dec, pkt);
            av_packet_unref(pkt);
            if (err < 0 && err != AVERROR(EAGAIN)) {
                av_fail(path, "corrupt image data", err);
                goto done;
            }
        }
        int r = avcodec_receive_frame(dec, frame);
        if (r == 0) {
            got = 1;
        } else if (r != AVERROR(EAGAIN)) {
            if (r == AVERROR_EOF)
                fprintf(stderr, "cleancast: %s: truncated or empty image (no picture decoded)\n",
                        path);
            else
                av_fail(path, "corrupt image data", r);
            goto done;
        }
    }
    if (frame->decode_error_flags || (frame->flags & AV_FRAME_FLAG_CORRUPT)) {
        fprintf(stderr, "cleancast: %s: corrupt or truncated image data\n", path);
        goto done;
    }
    if (cc_image_alloc(img, frame->width, frame->height, 4)) {
        fprintf(stderr, "cleancast: %s: image size %dx%d not supported\n", path, frame->width,
                frame->height);
        goto done;
    }
    sws = sws_getContext(frame->width, frame->height, frame->format, frame->width, frame->height,
                         AV_PIX_FMT_RGBA, SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
                         NULL, NULL, NULL);
    if (!sws) {
        fprintf(stderr, "cleancast: %s: cannot convert pixel format %s\n", path,
                av_get_pix_fmt_name(frame->format));
        cc_image_free(img);
        goto done;
    }
    uint8_t *dst[4] = { img->data };
    int dst_stride[4] = { img->stride };
    sws_scale(sws, (const uint8_t *const *)frame->data, frame->linesize, 0, frame->height, dst,
              dst_stride);
    ret = 0;
done:
    sws_freeContext(sws);
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
    av_frame_free(&frame);
    av_packet_free(&pkt);
    return ret;
}

static int write_pnm(FILE *f, const CcImage *img, int channels)
{
    fprintf(f, "P%c\n%d %d\n255\n", channels == 1 ? '5' : '6', img->width, img->height);
    uint8_t *row = malloc((size_t)img->width * channels);
    if (!row)
        return -1;
    int ok = 1;
    for (int y = 0; y < img->height && ok; y++) {
        const uint8_t *s = img->data + (size_t)y * img->stride;
        for (int x = 0; x < img->width; x++)
            for (int c = 0; c < channels; c++)
                row[x * channels + c] = img->channels == 1 ? s[x] : s[x * img->channels + c];
        ok = fwrite(row, 1, (size_t)img->width * channels, f) == (size_t)img->width * channels;
    }
    free(row);
    return ok ? 0 : -1;
}

static int write_encoded(FILE *f, const CcImage *img, enum AVCodecID id, const char *path)
{
    const AVCodec *codec = avcodec_find_encoder(id);
    if (!codec) {
        fprintf(stderr, "cleancast: %s: no %s encoder in this FFmpeg\n", path, avcodec_get_name(id));
        return -1;
    }
    enum AVPixelFormat src_fmt = img->channels == 1 ? AV_PIX_FMT_GRAY8
                               : img->channels == 3 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_RGBA;
    enum AVPixelFormat enc_fmt = id == AV_CODEC_ID_MJPEG ? AV_PIX_FMT_YUVJ444P : src_fmt;
    AVCodecContext *enc = avcodec_alloc_context3(codec);
    AVFrame *frame = av_frame_alloc();
    AVPacket *pkt = av_packet_alloc();
    struct SwsContext *sws = NULL;
    int ret = -1;
    if (!enc || !frame || !pkt)
        goto done;
    enc->width = img->width;
    enc->height = img->height;
    enc->pix_fmt = enc_fmt;
    enc->time_base = (AVRational){ 1, 1 };
    if (id == AV_CODEC_ID_MJPEG) {
        enc->flags |= AV_CODEC_FLAG_QSCALE;
        enc->global_quality = FF_QP2LAMBDA * 2;
        enc->color_range = AVCOL_RANGE_JPEG;
    }
    if (avcodec_open2(enc, codec, NULL) < 0) {
        fprintf(stderr, "cleancast: %s: cannot open encoder\n", path);
        goto done;
    }
    frame->format = enc_fmt;
    frame->width = img->width;
    frame->height = img->height;
    if (av_frame_get_buffer(frame, 0) < 0)
        goto done;
    sws = sws_getContext(img->width, img->height, src_fmt, img->width, img->height, enc_fmt,
                         SWS_BILINEAR | SWS_ACCURATE_RND, NULL, NULL, NULL);
    if (!sws)
        goto done;
    const uint8_t *src[4] = { img->data };
    int src_stride[4] = { img->stride };
    sws_scale(sws, src, src_stride, 0, img->height, frame->data, frame->linesize);
    frame->quality = enc->global_quality;
    if (avcodec_send_frame(enc, frame) < 0 || avcodec_send_frame(enc, NULL) < 0)
        goto done;
    while (avcodec_receive_packet(enc, pkt) == 0) {
        if (fwrite(pkt->data, 1, (size_t)pkt->size, f) != (size_t)pkt->size) {
            av_packet_unref(pkt);
            goto done;
        }
        av_packet_unref(pkt);
    }
    ret = 0;
done:
    sws_freeContext(sws);
    avcodec_free_context(&enc);
    av_frame_free(&frame);
    av_packet_free(&pkt);
    return ret;
}

int cc_image_write(const char *path, const CcImage *img)
{
    char ext[16];
    cc_tool_extension(path, ext, sizeof(ext));
    int kind; /* 0 png, 1 jpeg, 2 ppm, 3 pgm */
    if (!strcmp(ext, "png"))
        kind = 0;
    else if (!strcmp(ext, "jpg") || !strcmp(ext, "jpeg"))
        kind = 1;
    else if (!strcmp(ext, "ppm"))
        kind = 2;
    else if (!strcmp(ext, "pgm"))
        kind = 3;
    else {
        fprintf(stderr, "cleancast: %s: unknown image type '.%s' (png, jpg, ppm, pgm)\n", path, ext);
        return -1;
    }
    if (kind == 3 && img->channels != 1) {
        fprintf(stderr, "cleancast: %s: a PGM holds a gray image only\n", path);
        return -1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        fprintf(stderr, "cleancast: %s: cannot write: %s\n", path, strerror(errno));
        return -1;
    }
    int ret;
    if (kind == 0)
        ret = write_encoded(f, img, AV_CODEC_ID_PNG, path);
    else if (kind == 1)
        ret = write_encoded(f, img, AV_CODEC_ID_MJPEG, path);
    else
        ret = write_pnm(f, img, kind == 3 ? 1 : 3);
    if (fclose(f) != 0)
        ret = -1;
    if (ret == 0 && rename(tmp, path) != 0) {
        fprintf(stderr, "cleancast: %s: cannot rename: %s\n", path, strerror(errno));
        ret = -1;
    }
    if (ret != 0) {
        unlink(tmp);
        fprintf(stderr, "cleancast: %s: not written\n", path);
    }
    return ret;
}
