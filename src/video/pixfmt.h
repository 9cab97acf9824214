/*
 * Internal pixel-format helpers for the segmenter: validation, colour conversion of single
 * pixels, and the two samplers the segmenter needs (model input tensor, guide luma).
 */
#ifndef CC_VIDEO_PIXFMT_H
#define CC_VIDEO_PIXFMT_H

#include <stddef.h>
#include <stdint.h>

#include "cleancast/video.h"

/* Half-pixel bilinear taps: destination i reads source i0, i1 with weight w on i1. */
typedef struct CcTap {
    int i0, i1;
    float w;
} CcTap;
/* Taps for a destination axis of n_dst samples over a source axis of n_src (edge-clamped). */
void cc_bilinear_taps(CcTap *t, int n_dst, int n_src);

/* Checks format, size, pointers and strides; logs what is wrong. 0 or CC_ERR(EINVAL). */
int cc_frame_validate(const CcFrame *f, const char *who);

/*
 * Stretches the whole frame to dst_w x dst_h (no letterbox) with half-pixel bilinear
 * sampling (source coordinate (x + 0.5) * sw / dw - 0.5, clamped to the edge) and writes
 * RGB in 0..1 as NHWC floats: dst (dst_h, dst_w, 3). YUV is converted to RGB per source
 * sample before interpolation, with the frame's matrix and range.
 */
void cc_frame_to_tensor(const CcFrame *f, float *dst, int dst_w, int dst_h);

/* YUV -> RGB of the tensor (0..1 out): y' = (Y - y_off) y_mul, c' = (C - 128) c_mul,
 * R = y' + rv v', G = y' + gu u' + gv v', B = y' + bu u' (each clamped to 0..1). */
typedef struct CcTensorCoef {
    float y_off, y_mul, c_mul;
    float rv, gu, gv, bu;
} CcTensorCoef;

/*
 * One tensor row (dst (n, 3) RGB floats) from a planar YUV frame (I420: cstep 1, NV12: cstep 2
 * with V = U + 1). rows: Y top, Y bottom, U top, U bottom, V top, V bottom (the chroma rows of
 * the two luma rows). Output x reads luma columns x0 = xi[x] and x1 = min(x0 + 1, src_w - 1)
 * with weight xw[x] on x1, chroma columns (x0 >> 1) cstep and (x1 >> 1) cstep; each of Y, U, V
 * is lerped across (a + (b - a) w), then down with wy, then converted: the same float
 * operations in the same order in every variant (no FMA), so all give the same bits. Reads
 * luma bytes below src_w and chroma bytes below ((src_w + 1) / 2) cstep of each row only.
 */
typedef void (*CcTensorRowYuv)(float *dst, const uint8_t *const rows[6], int cstep,
                               const int32_t *xi, const float *xw, int n, int src_w, float wy,
                               const CcTensorCoef *k);

/*
 * Column sums of rows 8-bit rows (the guide downsamples): cs[x] = sum over r < rows of
 * src[r stride + x step], x < n; step 1 or 2 (every other byte: YUYV luma, NV12 chroma), rows
 * <= 257 (the sums fit 16 bits). Reads only the bytes it sums.
 */
typedef void (*CcColsumU8)(uint16_t *cs, const uint8_t *src, ptrdiff_t stride, int step, int rows,
                           int n);

typedef struct CcPixfmtDsp {
    CcTensorRowYuv tensor_row_yuv;
    CcColsumU8 colsum_u8;
} CcPixfmtDsp;

/* C reference only (tests), and the best this CPU runs (C first, then overrides). */
void cc_pixfmt_dsp_init_c(CcPixfmtDsp *dsp);
void cc_pixfmt_dsp_init(CcPixfmtDsp *dsp);
void cc_pixfmt_dsp_init_x86(CcPixfmtDsp *dsp);
void cc_pixfmt_dsp_init_wasm(CcPixfmtDsp *dsp); /* SIMD128 build only */

void cc_tensor_row_yuv_c(float *dst, const uint8_t *const rows[6], int cstep, const int32_t *xi,
                         const float *xw, int n, int src_w, float wy, const CcTensorCoef *k);
void cc_colsum_u8_c(uint16_t *cs, const uint8_t *src, ptrdiff_t stride, int step, int rows, int n);
void cc_colsum_u8_avx2(uint16_t *cs, const uint8_t *src, ptrdiff_t stride, int step, int rows,
                       int n);
void cc_tensor_row_yuv_avx2(float *dst, const uint8_t *const rows[6], int cstep,
                            const int32_t *xi, const float *xw, int n, int src_w, float wy,
                            const CcTensorCoef *k);

/* out[i] = cs[i f] + ... + cs[i f + f - 1] as float, i < n (the downsamples' block sums; a
 * matte kernel, cc_matte_block_sums_c and its SIMD variants). */
typedef void (*CcBlockSums)(float *out, const uint16_t *cs, int n, int f);

/*
 * Luma (0..1) of the frame box-averaged over factor x factor blocks:
 * dst (ceil(h / factor), ceil(w / factor)). For YUV this is the Y plane (range-normalised).
 * scratch0, scratch1: w floats each. bsum: the block-sum kernel (NULL: plain C).
 */
void cc_frame_luma_downsample(const CcFrame *f, int factor, float *dst, float *scratch0,
                              float *scratch1, CcBlockSums bsum);

/* Luma of one full-resolution row (0..1), dst (w). */
void cc_frame_luma_row(const CcFrame *f, int y, float *dst);

/*
 * U and V of the colour matte's guide (range-normalised, about -0.5..0.5; for RGB frames
 * 0.564 (B - Y) and 0.713 (R - Y)) box-averaged over factor x factor blocks, like
 * cc_frame_luma_downsample (whose output Y is needed for RGB frames). U, V
 * (ceil(h / factor), ceil(w / factor)); colsum: w floats.
 */
void cc_frame_chroma_downsample(const CcFrame *f, int factor, const float *Y, float *U, float *V,
                                float *colsum, CcBlockSums bsum);

/*
 * The colour matte's whole guide (Y, U, V as cc_frame_luma_downsample and
 * cc_frame_chroma_downsample give them) for a packed RGB frame (RGBA, BGRA, RGB24) in one pass:
 * integer block sums of R, G, B, then the conversion of the block means. cs: 4 w uint16
 * scratch. bsum: unused (the block sums run on interleaved channels).
 */
void cc_frame_rgb_guide_downsample(const CcFrame *f, int factor, float *Y, float *U, float *V,
                                   uint16_t *cs, CcBlockSums bsum);

#endif
