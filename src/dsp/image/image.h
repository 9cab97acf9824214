/*
 * Image kernels shared by the compositor (and anyone else who blurs or resizes):
 * a byte-wise blend with a vertically interpolated background, the mask-weighted
 * accumulation that feeds the normalised ("no bleed") downsample, the 2x2 mask
 * average used for chroma planes, and the span adder of the disc (bokeh) blur.
 *
 * Every kernel has a plain C reference (*_c) that is always built; the x86 file(s)
 * override table entries by CPU flag. All kernels are integer and must give exactly
 * the reference's bytes (tests/composite/checkasm_image.c).
 */
#ifndef CC_DSP_IMAGE_H
#define CC_DSP_IMAGE_H

#include <stdint.h>

/*
 * Horizontal bilinear upsampling of one low-resolution row, table driven: output bytes
 * come in blocks of 16; block i reads the 16-byte window lo + base[i] and gives
 * out[16 i + j] = (win[il[16 i + j]] * (256 - wt) + win[ir[16 i + j]] * wt + 128) >> 8,
 * wt = wt[16 i + j]. simd_ok is 1 when every index is below 16 (a byte shuffle can
 * do it). The output buffer must hold 16 * nblk bytes; lo must be readable up to
 * base[last] + 16.
 */
typedef struct CcHupTable {
    int nblk;
    int simd_ok;
    int32_t *base;   /* (nblk) */
    uint8_t *il, *ir; /* (nblk, 16) */
    uint16_t *wt;     /* (nblk, 16) 0..256 */
} CcHupTable;

typedef struct CcImageDsp {
    /*
     * Background bg[i] = (a[i]*(256-wy) + b[i]*wy + 128) >> 8, wy in 0..256, then
     * dst[i] = round((m[i]*dst[i] + (255-m[i])*bg[i]) / 255). n bytes. With m = 255 dst
     * is unchanged; with m = 0 it becomes bg.
     */
    void (*blend_lerp)(uint8_t *dst, const uint8_t *a, const uint8_t *b, int wy,
                       const uint8_t *m, int n);
    /*
     * Mask-weighted accumulation of one row of a one-channel plane, w = 256 - m:
     * p = (src[i]*w + (1 << shift >> 1)) >> shift; acc[i] = p (first) or acc[i] + p.
     * accw[i] likewise gets w (not shifted). shift in 0..5.
     */
    void (*wacc1)(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m,
                  int n, int shift, int first);
    /*
     * Chroma mask: dst[x] = (r0[2x] + r0[2x+1] + r1[2x] + r1[2x+1] + 2) >> 2 for
     * x < src_w/2; when src_w is odd the last column averages r0/r1 only: (a+b+1)>>1.
     * r1 may equal r0 (last row of an odd height), giving (2a+2b+2)>>2 = (a+b+1)>>1.
     */
    void (*mask_down2x2)(uint8_t *dst, const uint8_t *r0, const uint8_t *r1, int src_w);
    /*
     * Disc blur row with an anti-aliased edge, from prefix sums (mod 2^32):
     * out[x] = (first ? 0 : out[x]) + wa * (hi[x] - lo[x]) + wb * (hi2[x] - lo2[x]), x < n.
     * (hi - lo is a span of width 2s + 1, hi2 - lo2 the span one wider each side.)
     */
    void (*span_add)(uint32_t *out, const uint32_t *hi, const uint32_t *lo,
                     const uint32_t *hi2, const uint32_t *lo2, uint32_t wa, uint32_t wb,
                     int n, int first);
    /* See CcHupTable. */
    void (*hup)(uint8_t *dst, const uint8_t *lo, const CcHupTable *t);
    /*
     * wacc1 for w pixels of nc interleaved channels (all channels of a pixel share its
     * mask): acc has w * nc entries, accw w entries.
     */
    void (*waccn)(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m,
                  int w, int nc, int shift, int first);
    /* dst[x * nc + k] = m[x]; with alpha (nc == 4) byte 3 of each pixel is 255. */
    void (*expand_mask)(uint8_t *dst, const uint8_t *m, int w, int nc, int alpha);
    /* One YUYV row of 2 * pairs pixels to planar Y (2 * pairs), U, V (pairs), and back. */
    void (*yuyv_split)(uint8_t *y, uint8_t *u, uint8_t *v, const uint8_t *src, int pairs);
    void (*yuyv_merge)(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                       int pairs);
    /* Inclusive prefix sums (mod 2^32) of one row: dst[x] = src[0] + ... + src[x], x < n. */
    void (*prefix_u16)(uint32_t *dst, const uint16_t *src, int n);
    /* Block sums of one row: out[X] = src[X f] + ... + src[X f + f - 1], X < nout, f >= 1. */
    void (*hsum_u16)(uint32_t *out, const uint16_t *src, int f, int nout);
} CcImageDsp;

enum {
    CC_CPU_AVX2 = 1 << 0,
    CC_CPU_AVX512 = 1 << 1, /* F + BW + VL */
    CC_CPU_SIMD128 = 1 << 2, /* wasm SIMD128 (the wasm build only: a compile-time choice) */
};

/* CPU flags this machine has (subset of CC_CPU_*). */
unsigned cc_image_cpu_flags(void);
/* Fill with C, then the variants allowed by flags (pass cc_image_cpu_flags() normally). */
void cc_image_dsp_init(CcImageDsp *dsp, unsigned flags);

/* C references (also used by the tests). */
void cc_blend_lerp_c(uint8_t *dst, const uint8_t *a, const uint8_t *b, int wy,
                     const uint8_t *m, int n);
void cc_wacc1_c(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m,
                int n, int shift, int first);
void cc_mask_down2x2_c(uint8_t *dst, const uint8_t *r0, const uint8_t *r1, int src_w);
void cc_span_add_c(uint32_t *out, const uint32_t *hi, const uint32_t *lo, const uint32_t *hi2,
                   const uint32_t *lo2, uint32_t wa, uint32_t wb, int n, int first);
void cc_hup_c(uint8_t *dst, const uint8_t *lo, const CcHupTable *t);
void cc_waccn_c(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m,
                int w, int nc, int shift, int first);
void cc_expand_mask_c(uint8_t *dst, const uint8_t *m, int w, int nc, int alpha);
void cc_yuyv_split_c(uint8_t *y, uint8_t *u, uint8_t *v, const uint8_t *src, int pairs);
void cc_yuyv_merge_c(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                     int pairs);
void cc_prefix_u16_c(uint32_t *dst, const uint16_t *src, int n);
void cc_hsum_u16_c(uint32_t *out, const uint16_t *src, int f, int nout);

/*
 * Build the table for w output pixels of nc channels from a low row of lw pixels with
 * factor f (half-pixel centres: pixel x sits at (x + 0.5) / f - 0.5). Returns 0 or
 * CC_ERR(ENOMEM); free with cc_hup_table_free().
 */
int cc_hup_table_init(CcHupTable *t, int w, int nc, int lw, int f);
void cc_hup_table_free(CcHupTable *t);

void cc_image_dsp_init_x86(CcImageDsp *dsp, unsigned flags);
#if defined(__wasm_simd128__) /* the wasm build only (web/Makefile): wasm/image_simd128.c */
void cc_image_dsp_init_wasm(CcImageDsp *dsp, unsigned flags);
#endif

/* -------------------------------------------------------------- colour (color.c) */

/* Integer-free helpers for the few per-image conversions (not per frame). */
typedef struct CcYuvCoefs {
    float kr, kb;          /* luma weights of R and B */
    float y_off, y_scale;  /* Y = y_off + y_scale * Y' */
    float c_scale;         /* U,V = 128 + c_scale * (B'-Y')/(2(1-kb)) ... */
} CcYuvCoefs;

void cc_yuv_coefs(CcYuvCoefs *k, int bt709, int full_range);
/* One pixel, rounded and clamped to 0..255. */
void cc_rgb_to_yuv(const CcYuvCoefs *k, int r, int g, int b, uint8_t *y, uint8_t *u, uint8_t *v);
void cc_yuv_to_rgb(const CcYuvCoefs *k, int y, int u, int v, uint8_t *r, uint8_t *g, uint8_t *b);

/* -------------------------------------------------------------- resize (resize.c) */

/*
 * Scale an RGB24 image (sw x sh, tightly packed) to cover dw x dh: aspect kept, centred,
 * the excess cropped. Separable triangle filter, widened by the scale factor when
 * shrinking (area-like), plain bilinear when enlarging. dst is dw*dh*3 bytes. Returns 0
 * or CC_ERR(ENOMEM). Not for per-frame use (allocates its temporary).
 */
int cc_resize_cover_rgb(uint8_t *dst, int dw, int dh, const uint8_t *src, int sw, int sh);

#endif
