/* x86 variants of the image kernels; see dsp/image/image.h for what each computes. */
#ifndef CC_DSP_IMAGE_X86_H
#define CC_DSP_IMAGE_X86_H

#include <stdint.h>

#include "dsp/image/image.h"

void cc_blend_lerp_avx2(uint8_t *dst, const uint8_t *a, const uint8_t *b, int wy,
                        const uint8_t *m, int n);
void cc_wacc1_avx2(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m,
                   int n, int shift, int first);
void cc_mask_down2x2_avx2(uint8_t *dst, const uint8_t *r0, const uint8_t *r1, int src_w);
void cc_span_add_avx2(uint32_t *out, const uint32_t *hi, const uint32_t *lo,
                      const uint32_t *hi2, const uint32_t *lo2, uint32_t wa, uint32_t wb,
                      int n, int first);

void cc_hup_avx2(uint8_t *dst, const uint8_t *lo, const CcHupTable *t);
void cc_prefix_u16_avx2(uint32_t *dst, const uint16_t *src, int n);
void cc_hsum_u16_avx2(uint32_t *out, const uint16_t *src, int f, int nout);
void cc_waccn_avx2(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m,
                   int w, int nc, int shift, int first);
void cc_expand_mask_avx2(uint8_t *dst, const uint8_t *m, int w, int nc, int alpha);
void cc_yuyv_split_avx2(uint8_t *y, uint8_t *u, uint8_t *v, const uint8_t *src, int pairs);
void cc_yuyv_merge_avx2(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                        int pairs);
void cc_blend_lerp_avx512(uint8_t *dst, const uint8_t *a, const uint8_t *b, int wy,
                          const uint8_t *m, int n);
void cc_wacc1_avx512(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m,
                     int n, int shift, int first);
void cc_span_add_avx512(uint32_t *out, const uint32_t *hi, const uint32_t *lo,
                        const uint32_t *hi2, const uint32_t *lo2, uint32_t wa, uint32_t wb,
                        int n, int first);

#endif
