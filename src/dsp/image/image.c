/* C references of the image kernels and the function-table init. */
#include "dsp/image/image.h"

#include "cc_config.h"

void cc_blend_lerp_c(uint8_t *dst, const uint8_t *a, const uint8_t *b, int wy,
                     const uint8_t *m, int n)
{
    const unsigned wa = 256 - (unsigned)wy, wb = (unsigned)wy;
    for (int i = 0; i < n; i++) {
        unsigned bg = (a[i] * wa + b[i] * wb + 128) >> 8;
        /* round(t / 255) for t <= 255*255: (t + 128 + ((t + 128) >> 8)) >> 8 */
        unsigned t = m[i] * (unsigned)dst[i] + (255u - m[i]) * bg + 128;
        dst[i] = (uint8_t)((t + (t >> 8)) >> 8);
    }
}

void cc_wacc1_c(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m,
                int n, int shift, int first)
{
    const unsigned rnd = 1u << shift >> 1;
    for (int i = 0; i < n; i++) {
        unsigned w = 256u - m[i];
        unsigned p = (src[i] * w + rnd) >> shift;
        if (first) {
            acc[i] = (uint16_t)p;
            accw[i] = (uint16_t)w;
        } else {
            acc[i] = (uint16_t)(acc[i] + p);
            accw[i] = (uint16_t)(accw[i] + w);
        }
    }
}

void cc_mask_down2x2_c(uint8_t *dst, const uint8_t *r0, const uint8_t *r1, int src_w)
{
    int x;
    for (x = 0; x < src_w / 2; x++)
        dst[x] = (uint8_t)((r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1] + 2) >> 2);
    if (src_w & 1)
        dst[x] = (uint8_t)((r0[2 * x] + r1[2 * x] + 1) >> 1);
}

void cc_span_add_c(uint32_t *out, const uint32_t *hi, const uint32_t *lo, int n, int first)
{
    if (first)
        for (int x = 0; x < n; x++)
            out[x] = hi[x] - lo[x];
    else
        for (int x = 0; x < n; x++)
            out[x] += hi[x] - lo[x];
}

unsigned cc_image_cpu_flags(void)
{
    unsigned f = 0;
#if CC_ARCH_X86_64 && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        f |= CC_CPU_AVX2;
    if ((f & CC_CPU_AVX2) && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
        f |= CC_CPU_AVX512;
#endif
    return f;
}

void cc_image_dsp_init(CcImageDsp *dsp, unsigned flags)
{
    dsp->blend_lerp = cc_blend_lerp_c;
    dsp->wacc1 = cc_wacc1_c;
    dsp->mask_down2x2 = cc_mask_down2x2_c;
    dsp->span_add = cc_span_add_c;
#if CC_ARCH_X86_64
    cc_image_dsp_init_x86(dsp, flags);
#else
    (void)flags;
#endif
}
