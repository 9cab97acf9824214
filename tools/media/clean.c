/* Cleaning steps on AVFrames through libcleancast's public API. */
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include <cleancast/audio.h>
#include <cleancast/video.h>

#include "../imageio.h"
#include "clean.h"


struct CcMediaVideoCleaner {
    CcBackgroundMode mode;
    CcSegModel *model;
    CcSegmenter *seg;
    CcCompositor *comp;
    uint8_t *mask;
    int mask_w, mask_h;
    double seg_us, infer_us, comp_us;
};

static long long now_us(void) { return cc_media_now_us(); }

int cc_media_vclean_open(CcMediaVideoCleaner **out, const CcMediaOptions *o)
{
    CcMediaVideoCleaner *c = calloc(1, sizeof(*c));
    if (!c)
        return CC_ERR(ENOMEM);
    c->mode = o->background;
    *out = c;
    if (c->mode == CC_BG_NONE)
        return 0;
    char path[4096];
    if (cc_tool_find_model(o->model, CC_MODEL_SEGMENTATION, path, sizeof(path)))
        return CC_ERR(ENOENT);
    int ret = cc_seg_model_open_file(&c->model, path);
    if (ret < 0) {
        fprintf(stderr, "cleancast: cannot load segmentation model '%s': %s\n", path,
                cc_strerror(ret));
        return ret;
    }
    CcSegmenterSettings ss;
    cc_segmenter_default_settings(&ss);
    ss.threads = 1;
    ss.raw = o->raw;
    ss.quality = o->quality;
    ss.backend = o->backend;
    if ((ret = cc_segmenter_open(&c->seg, c->model, &ss)) < 0) {
        fprintf(stderr, "cleancast: cannot open the segmenter: %s\n", cc_strerror(ret));
        return ret;
    }
    if (c->mode == CC_BG_TRANSPARENT)
        return 0; /* the mask is the alpha plane */
    CcCompositorSettings cs;
    cc_compositor_default_settings(&cs);
    cs.mode = c->mode;
    cs.blur_strength = o->blur_strength;
    cs.light_wrap = o->light_wrap;
    memcpy(cs.color_rgb, o->color_rgb, 3);
    if ((ret = cc_compositor_open(&c->comp, &cs)) < 0) {
        fprintf(stderr, "cleancast: cannot open the compositor: %s\n", cc_strerror(ret));
        return ret;
    }
    if (c->mode == CC_BG_IMAGE) {
        /* The same reader, with the same corrupt-file checks, as `process` images. */
        CcImage img;
        if (cc_image_read(o->bg_image, &img))
            return CC_ERR_DATA;
        CcFrame cf = { .format = CC_PIX_RGBA, .width = img.width, .height = img.height,
                       .data = { img.data }, .stride = { img.stride } };
        ret = cc_compositor_set_background(c->comp, &cf);
        cc_image_free(&img);
        if (ret < 0) {
            fprintf(stderr, "cleancast: background image '%s' rejected: %s\n", o->bg_image,
                    cc_strerror(ret));
            return ret;
        }
    }
    return 0;
}

int cc_media_vclean_format_ok(int fmt, int transparent)
{
    if (transparent)
        return fmt == AV_PIX_FMT_YUVA420P || fmt == AV_PIX_FMT_RGBA || fmt == AV_PIX_FMT_BGRA;
    switch (fmt) {
    case AV_PIX_FMT_YUV420P: case AV_PIX_FMT_YUVJ420P: case AV_PIX_FMT_NV12:
    case AV_PIX_FMT_YUYV422: case AV_PIX_FMT_RGB24: case AV_PIX_FMT_RGBA: case AV_PIX_FMT_BGRA:
        return 1;
    default:
        return 0;
    }
}

static int to_ccframe(CcFrame *cf, const AVFrame *f)
{
    memset(cf, 0, sizeof(*cf));
    cf->width = f->width;
    cf->height = f->height;
    for (int i = 0; i < 3; i++) {
        cf->data[i] = f->data[i];
        cf->stride[i] = f->linesize[i];
    }
    cf->full_range = f->color_range == AVCOL_RANGE_JPEG || f->format == AV_PIX_FMT_YUVJ420P;
    cf->matrix = f->colorspace == AVCOL_SPC_BT709 ||
                 (f->colorspace == AVCOL_SPC_UNSPECIFIED && f->height >= 720)
                     ? CC_MATRIX_BT709 : CC_MATRIX_BT601;
    switch (f->format) {
    case AV_PIX_FMT_YUV420P: case AV_PIX_FMT_YUVJ420P: case AV_PIX_FMT_YUVA420P:
        cf->format = CC_PIX_I420; break;
    case AV_PIX_FMT_NV12: cf->format = CC_PIX_NV12; break;
    case AV_PIX_FMT_YUYV422: cf->format = CC_PIX_YUYV; break;
    case AV_PIX_FMT_RGB24: cf->format = CC_PIX_RGB24; break;
    case AV_PIX_FMT_RGBA: cf->format = CC_PIX_RGBA; break;
    case AV_PIX_FMT_BGRA: cf->format = CC_PIX_BGRA; break;
    default: return CC_ERR(EINVAL);
    }
    return 0;
}

int cc_media_vclean_segment(CcMediaVideoCleaner *c, AVFrame *f, uint8_t *mask)
{
    c->seg_us = c->infer_us = c->comp_us = 0;
    if (c->mode == CC_BG_NONE)
        return 0;
    CcFrame cf;
    int ret = to_ccframe(&cf, f);
    if (ret < 0)
        return ret;
    CcMask m = { .width = f->width, .height = f->height, .data = mask, .stride = f->width };
    long long t0 = now_us();
    if ((ret = cc_segmenter_process(c->seg, &cf, &m)) < 0)
        return ret;
    c->seg_us = (double)(now_us() - t0);
    CcSegmenterTimings st;
    cc_segmenter_timings(c->seg, &st);
    c->infer_us = st.infer_us;
    return 0;
}

int cc_media_vclean_frame(CcMediaVideoCleaner *c, AVFrame *f)
{
    if (c->mode == CC_BG_NONE) {
        c->seg_us = c->infer_us = c->comp_us = 0;
        return 0;
    }
    if (f->width != c->mask_w || f->height != c->mask_h) {
        free(c->mask);
        c->mask = malloc((size_t)f->width * (size_t)f->height);
        if (!c->mask)
            return CC_ERR(ENOMEM);
        c->mask_w = f->width;
        c->mask_h = f->height;
    }
    int ret = cc_media_vclean_segment(c, f, c->mask);
    if (ret < 0)
        return ret;
    return cc_media_vclean_apply(c, f, c->mask);
}

int cc_media_vclean_apply(CcMediaVideoCleaner *c, AVFrame *f, const uint8_t *mask)
{
    c->comp_us = 0;
    if (c->mode == CC_BG_NONE)
        return 0;
    CcFrame cf;
    int ret = to_ccframe(&cf, f);
    if (ret < 0)
        return ret;
    CcMask m = { .width = f->width, .height = f->height, .data = (uint8_t *)mask,
                 .stride = f->width };
    long long t1 = now_us();
    if (c->mode == CC_BG_TRANSPARENT && f->format == AV_PIX_FMT_YUVA420P) {
        for (int y = 0; y < f->height; y++)
            memcpy(f->data[3] + (size_t)y * f->linesize[3], mask + (size_t)y * m.stride,
                   (size_t)f->width);
    } else if (c->mode == CC_BG_TRANSPARENT) {
        int ai = f->format == AV_PIX_FMT_RGBA || f->format == AV_PIX_FMT_BGRA ? 3 : -1;
        for (int y = 0; ai >= 0 && y < f->height; y++) {
            uint8_t *row = f->data[0] + (size_t)y * f->linesize[0];
            const uint8_t *mrow = mask + (size_t)y * m.stride;
            for (int x = 0; x < f->width; x++)
                row[4 * x + ai] = mrow[x];
        }
    } else {
        if ((ret = cc_compositor_process(c->comp, &cf, &m)) < 0)
            return ret;
    }
    c->comp_us = (double)(now_us() - t1);
    return 0;
}

void cc_media_vclean_last_timings(const CcMediaVideoCleaner *c, double *segment_us,
                                  double *infer_us, double *composite_us)
{
    *segment_us = c->seg_us;
    *infer_us = c->infer_us;
    *composite_us = c->comp_us;
}

void cc_media_vclean_close(CcMediaVideoCleaner **pc)
{
    CcMediaVideoCleaner *c = *pc;
    if (!c)
        return;
    if (c->comp)
        cc_compositor_close(&c->comp);
    if (c->seg)
        cc_segmenter_close(&c->seg);
    if (c->model)
        cc_seg_model_close(&c->model);
    free(c->mask);
    free(c);
    *pc = NULL;
}

/* ------------------------------------------------------------------ audio */

struct CcMediaAudioCleaner {
    CcDenoiseModel *model;
    CcDenoiser *dn;
    int channels, latency, to_skip, compensate;
};

int cc_media_aclean_open(CcMediaAudioCleaner **out, const CcMediaOptions *o, int rate_hz,
                         int channels, int compensate)
{
    CcMediaAudioCleaner *c = calloc(1, sizeof(*c));
    if (!c)
        return CC_ERR(ENOMEM);
    *out = c;
    c->channels = channels;
    c->compensate = compensate;
    if (o->denoise == CC_MEDIA_DENOISE_OFF)
        return 0;
    if (channels < 1 || channels > 8) {
        fprintf(stderr, "cleancast: the denoiser takes 1 to 8 channels, this audio has %d "
                        "(use --denoise off)\n", channels);
        return CC_ERR_UNSUPPORTED;
    }
    if (rate_hz < 8000 || rate_hz > 192000) {
        fprintf(stderr, "cleancast: the denoiser takes 8000..192000 Hz, this audio is %d Hz\n",
                rate_hz);
        return CC_ERR_UNSUPPORTED;
    }
    int ret;
    if (o->denoise == CC_MEDIA_DENOISE_RNNOISE) {
        char path[4096];
        if (cc_tool_find_model(o->denoise_model, CC_MODEL_DENOISE, path, sizeof(path)))
            return CC_ERR(ENOENT);
        ret = cc_denoise_model_open_file(&c->model, path);
        if (ret < 0) {
            fprintf(stderr, "cleancast: cannot load denoise model '%s': %s\n", path,
                    cc_strerror(ret));
            return ret;
        }
    }
    CcDenoiserSettings s;
    cc_denoiser_default_settings(&s);
    s.engine = o->denoise == CC_MEDIA_DENOISE_SPEEX ? CC_DENOISE_SPEEX : CC_DENOISE_RNNOISE;
    s.sample_rate_hz = rate_hz;
    s.channels = channels;
    s.strength = o->strength;
    if ((ret = cc_denoiser_open(&c->dn, c->model, &s)) < 0) {
        fprintf(stderr, "cleancast: cannot open the denoiser (%d Hz, %d channels): %s\n", rate_hz,
                channels, cc_strerror(ret));
        return ret;
    }
    c->latency = cc_denoiser_latency_samples(c->dn);
    c->to_skip = compensate ? c->latency : 0;
    return 0;
}

int cc_media_aclean_process(CcMediaAudioCleaner *c, const float *in, float *out, int frames)
{
    if (!c->dn) {
        if (out != in)
            memcpy(out, in, (size_t)frames * (size_t)c->channels * sizeof(float));
        return frames;
    }
    int ret = cc_denoiser_process(c->dn, in, out, frames);
    if (ret < 0)
        return ret;
    if (c->to_skip > 0) {
        int skip = c->to_skip < frames ? c->to_skip : frames;
        c->to_skip -= skip;
        memmove(out, out + (size_t)skip * c->channels,
                (size_t)(frames - skip) * (size_t)c->channels * sizeof(float));
        return frames - skip;
    }
    return frames;
}

int cc_media_aclean_flush(CcMediaAudioCleaner *c, float *out, int max_frames)
{
    if (!c->dn || !c->compensate)
        return 0;
    int ret = cc_denoiser_flush(c->dn, out, max_frames);
    if (ret < 0)
        return ret;
    /* A stream shorter than the latency: part of the tail is still to be skipped. */
    if (c->to_skip > 0) {
        int skip = c->to_skip < ret ? c->to_skip : ret;
        c->to_skip -= skip;
        memmove(out, out + (size_t)skip * c->channels,
                (size_t)(ret - skip) * (size_t)c->channels * sizeof(float));
        ret -= skip;
    }
    return ret;
}

int cc_media_aclean_latency(const CcMediaAudioCleaner *c) { return c->latency; }

float cc_media_aclean_vad(const CcMediaAudioCleaner *c)
{
    return c->dn ? cc_denoiser_vad(c->dn) : 0.0f;
}

void cc_media_aclean_close(CcMediaAudioCleaner **pc)
{
    CcMediaAudioCleaner *c = *pc;
    if (!c)
        return;
    if (c->dn)
        cc_denoiser_close(&c->dn);
    if (c->model)
        cc_denoise_model_close(&c->model);
    free(c);
    *pc = NULL;
}
