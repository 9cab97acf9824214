/**
 * @file video.h
 * Person segmentation and background compositing.
 *
 * Lifecycle:
 * @code
 *   CcSegModel *model;                       // immutable, shareable by many streams
 *   cc_seg_model_open_file(&model, "selfie_segmentation.tflite");
 *   CcSegmenterSettings ss;
 *   cc_segmenter_default_settings(&ss);
 *   CcSegmenter *seg;                         // one per stream, one thread at a time
 *   cc_segmenter_open(&seg, model, &ss);
 *   CcCompositorSettings cs;
 *   cc_compositor_default_settings(&cs);
 *   cs.mode = CC_BG_BLUR;
 *   CcCompositor *comp;
 *   cc_compositor_open(&comp, &cs);
 *   for (each frame) {
 *       cc_segmenter_process(seg, &frame, &mask);   // mask: caller's buffer, frame size
 *       cc_compositor_process(comp, &frame, &mask); // in place, same pixel format
 *   }
 *   cc_compositor_close(&comp);
 *   cc_segmenter_close(&seg);
 *   cc_seg_model_close(&model);                // after every segmenter using it
 * @endcode
 */
#ifndef CLEANCAST_VIDEO_H
#define CLEANCAST_VIDEO_H

#include "cleancast.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Pixel formats. All are 8 bits per sample; YUV is BT.601 or BT.709 (see CcFrame). */
typedef enum CcPixelFormat {
    CC_PIX_RGBA = 0,  /**< packed R,G,B,A */
    CC_PIX_BGRA = 1,  /**< packed B,G,R,A (Windows, many capture APIs) */
    CC_PIX_RGB24 = 2, /**< packed R,G,B */
    CC_PIX_I420 = 3,  /**< planar Y, U (w/2 x h/2), V (w/2 x h/2); odd sizes round up */
    CC_PIX_NV12 = 4,  /**< planar Y, interleaved UV (w/2 x h/2) */
    CC_PIX_YUYV = 5,  /**< packed Y0 U Y1 V (YUY2; webcams); width must be even */
} CcPixelFormat;

/** Colour matrix of YUV frames. */
typedef enum CcColorMatrix {
    CC_MATRIX_BT601 = 0,
    CC_MATRIX_BT709 = 1,
} CcColorMatrix;

/**
 * A frame that the caller owns. data[i]/stride[i] are per plane (plane 0 only for
 * packed formats); strides are in bytes and may be larger than the row. The library
 * never keeps the pointers past the call they are passed to.
 */
typedef struct CcFrame {
    CcPixelFormat format;
    int width, height;       /**< pixels, >= 1 */
    uint8_t *data[3];
    int stride[3];           /**< bytes per row of each plane */
    CcColorMatrix matrix;    /**< YUV only */
    int full_range;          /**< YUV only: 1 = 0..255 (JPEG), 0 = 16..235 (video) */
} CcFrame;

/** An 8-bit alpha mask, 255 = person, 0 = background; caller owns data. */
typedef struct CcMask {
    int width, height;
    uint8_t *data;
    int stride;
} CcMask;

/* ---------------------------------------------------------------- model */

typedef struct CcSegModel CcSegModel;

/**
 * Load a MediaPipe selfie-segmentation .tflite model (general 256x256 or landscape
 * 256x144) from a file. On a malformed file returns CC_ERR_MODEL and logs what and where.
 * The model is immutable and may be shared by segmenters on any threads.
 */
CC_API int cc_seg_model_open_file(CcSegModel **out, const char *path);
/** Same from memory; the buffer is copied as needed and may be freed after the call. */
CC_API int cc_seg_model_open_buffer(CcSegModel **out, const uint8_t *buf, size_t size);
/** Model input size in pixels. */
CC_API void cc_seg_model_input_size(const CcSegModel *m, int *width, int *height);
/** NULL-safe; sets *m = NULL. Only after every segmenter opened on it is closed. */
CC_API void cc_seg_model_close(CcSegModel **m);

/* ---------------------------------------------------------------- segmenter */

typedef struct CcSegmenter CcSegmenter;

/** What the segmenter optimises for. */
typedef enum CcQuality {
    CC_QUALITY_REALTIME = 0, /**< one inference per frame, colour guided matte (default) */
    CC_QUALITY_BEST = 1,     /**< for recordings, several times slower: a mirrored pass, a
                                  second zoomed pass on a crop around the person (from the
                                  first pass) at the model's resolution, merged on a grid of
                                  half the frame size, then a soft colour-guided matte at full
                                  resolution. No temporal steadying in the library (a file
                                  pipeline can steady both ways, see the CLI); still latency 0 */
} CcQuality;

typedef struct CcSegmenterSettings {
    int threads;          /**< inference threads (default 1; one per stream is safest) */
    CcBackend backend;    /**< default CC_BACKEND_AUTO */
    int raw;              /**< 1: reproduce the official MediaPipe solution exactly (no
                               refinement, no temporal steadying); default 0 */
    float smoothing;      /**< temporal steadying 0..1 (0 = none, default 0.5); motion
                               is never delayed, only flicker in still regions is damped */
    float edge_radius;    /**< guided-filter radius in output pixels; 0 = automatic */
    int quality;          /**< CcQuality; default CC_QUALITY_REALTIME (raw ignores it) */
    uint8_t reserved[28]; /**< zero; for future fields */
} CcSegmenterSettings;

/** Fill defaults. */
CC_API void cc_segmenter_default_settings(CcSegmenterSettings *s);

/**
 * Open a per-stream segmenter. The model must outlive it. Buffers are sized on the first
 * frame and again when the frame size changes; otherwise process allocates nothing.
 */
CC_API int cc_segmenter_open(CcSegmenter **out, const CcSegModel *model,
                             const CcSegmenterSettings *s);

/**
 * Segment one frame. mask->data must hold frame->height rows of mask->stride bytes, and
 * mask->width/height must equal the frame's. Returns 0, or CC_ERR(EINVAL) for a bad frame
 * description (the segmenter stays usable).
 */
CC_API int cc_segmenter_process(CcSegmenter *seg, const CcFrame *frame, CcMask *mask);

/** Forget temporal history (call on a scene cut or seek). */
CC_API void cc_segmenter_reset(CcSegmenter *seg);

/** Frames of delay between a frame and its mask: always 0 (masks are never stale). */
CC_API int cc_segmenter_latency_frames(const CcSegmenter *seg);

/** Per-stage time of the last process call in microseconds (convert, infer, refine). */
typedef struct CcSegmenterTimings {
    double convert_us, infer_us, refine_us;
} CcSegmenterTimings;
CC_API void cc_segmenter_timings(const CcSegmenter *seg, CcSegmenterTimings *t);

/** NULL-safe; sets *seg = NULL. */
CC_API void cc_segmenter_close(CcSegmenter **seg);

/* ---------------------------------------------------------------- compositor */

typedef enum CcBackgroundMode {
    CC_BG_NONE = 0,        /**< leave the frame as it is */
    CC_BG_BLUR = 1,        /**< lens-like blur of the background */
    CC_BG_COLOR = 2,       /**< flat colour */
    CC_BG_IMAGE = 3,       /**< image set with cc_compositor_set_background(), scaled to cover */
    CC_BG_TRANSPARENT = 4, /**< alpha = mask; RGBA/BGRA frames only (for YUV, the mask
                                itself is the alpha plane) */
} CcBackgroundMode;

typedef struct CcCompositorSettings {
    CcBackgroundMode mode;  /**< default CC_BG_BLUR */
    float blur_strength;    /**< 0..1, default 0.5; 1 is a blur radius of ~3% of the height */
    uint8_t color_rgb[3];   /**< CC_BG_COLOR, default green 0,177,64 */
    float light_wrap;       /**< 0..1, default 0: background light bleeding onto the edge */
    uint8_t reserved[32];
} CcCompositorSettings;

typedef struct CcCompositor CcCompositor;

CC_API void cc_compositor_default_settings(CcCompositorSettings *s);
CC_API int cc_compositor_open(CcCompositor **out, const CcCompositorSettings *s);

/**
 * Background image for CC_BG_IMAGE, any pixel format; it is copied (the caller keeps
 * ownership) and scaled to cover each frame size on first use.
 */
CC_API int cc_compositor_set_background(CcCompositor *c, const CcFrame *image);

/**
 * Composite in place: frame keeps its pixel format and size; mask has the frame's size.
 * Allocates only when the frame size or format changes.
 */
CC_API int cc_compositor_process(CcCompositor *c, CcFrame *frame, const CcMask *mask);

/** NULL-safe; sets *c = NULL. */
CC_API void cc_compositor_close(CcCompositor **c);

#ifdef __cplusplus
}
#endif

#endif
