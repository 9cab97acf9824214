/*
 * Matte: turns the model's low-resolution person probability into a full-resolution
 * 8-bit mask. Raw mode reproduces MediaPipe's official rendering; product mode steadies
 * the probability over time and refines it to the image's edges with a guided filter.
 */
#ifndef CC_VIDEO_MATTE_H
#define CC_VIDEO_MATTE_H

#include <stdint.h>

#include "cleancast/video.h"

typedef struct CcMatte CcMatte;

/*
 * Buffers for model size mw x mh (the probability grid) and frame size w x h. edge_radius in
 * frame pixels (0: auto). best: the soft matte of CC_QUALITY_BEST (twice the working size, the
 * filter open wherever the model is unsure, a gentle curve).
 */
int cc_matte_open(CcMatte **out, int mw, int mh, int w, int h, float smoothing, float edge_radius,
                  int best);
void cc_matte_close(CcMatte **m);
void cc_matte_reset(CcMatte *m);

/*
 * Raw (official) rendering: m8 = round(255 p) at model size, upsampled bilinearly
 * (half-pixel centres, clamped) to the mask size and rounded.
 */
void cc_matte_raw(CcMatte *m, const float *prob, CcMask *mask);

/*
 * Product rendering. prob (mh, mw) is the model output, tensor (mh, mw, 3) the model input
 * of this frame (used to tell motion from flicker; NULL: no temporal steadying), frame the
 * full-resolution guide.
 */
void cc_matte_refine(CcMatte *m, const float *prob, const float *tensor, const CcFrame *frame,
                     CcMask *mask);

/* Working width of the guided filter (frame width / integer factor, rounded up). */
int cc_matte_work_width(const CcMatte *m);
/* One working-width row upsampled half-pixel bilinearly to the frame width (internal; tests). */
void cc_matte_upsample_row(const CcMatte *m, const float *src, float *dst);

#endif
