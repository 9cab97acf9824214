/* The cleaning steps on FFmpeg frames, through libcleancast's public API:
 * person segmentation + background compositing (video), noise suppression (audio). */
#ifndef CC_MEDIA_CLEAN_H
#define CC_MEDIA_CLEAN_H

#include <libavutil/frame.h>

#include "mopts.h"

typedef struct CcMediaVideoCleaner CcMediaVideoCleaner;

/* Loads the model and background image; NULL-op cleaner when background is none. */
int cc_media_vclean_open(CcMediaVideoCleaner **out, const CcMediaOptions *o);
/*
 * 1 if frames of this pixel format can be cleaned in place (I420, NV12, YUYV, RGB24, RGBA,
 * BGRA; YUVA420P for transparent output, where the mask becomes the alpha plane).
 */
int cc_media_vclean_format_ok(int av_pix_fmt, int transparent);
/* Cleans f in place (f must be writable). Returns 0 or a negative cleancast error. */
int cc_media_vclean_frame(CcMediaVideoCleaner *c, AVFrame *f);
/* The two halves of cc_media_vclean_frame, for a pipeline that steadies masks between them
 * (process --quality best): the mask of f (width x height bytes, stride width), then f
 * cleaned in place with a given mask. */
int cc_media_vclean_segment(CcMediaVideoCleaner *c, AVFrame *f, uint8_t *mask);
int cc_media_vclean_apply(CcMediaVideoCleaner *c, AVFrame *f, const uint8_t *mask);
/* Time of the last call, microseconds: segment (convert+infer+refine) and composite. */
void cc_media_vclean_last_timings(const CcMediaVideoCleaner *c, double *segment_us,
                                  double *infer_us, double *composite_us);
void cc_media_vclean_close(CcMediaVideoCleaner **c);

typedef struct CcMediaAudioCleaner CcMediaAudioCleaner;

/*
 * Denoiser for interleaved float audio. compensate = 1 (files): the first latency
 * samples of output are dropped and flush() returns the tail, so the output is aligned
 * with the input and as long. compensate = 0 (live): output is delayed by latency().
 */
int cc_media_aclean_open(CcMediaAudioCleaner **out, const CcMediaOptions *o, int rate_hz,
                         int channels, int compensate);
/* Processes frames; writes up to frames to out; returns the number written (>= 0) or < 0. */
int cc_media_aclean_process(CcMediaAudioCleaner *c, const float *in, float *out, int frames);
/* End of stream: writes the delayed tail (at most max_frames), returns frames written. */
int cc_media_aclean_flush(CcMediaAudioCleaner *c, float *out, int max_frames);
int cc_media_aclean_latency(const CcMediaAudioCleaner *c);
float cc_media_aclean_vad(const CcMediaAudioCleaner *c);
void cc_media_aclean_close(CcMediaAudioCleaner **c);

#endif
