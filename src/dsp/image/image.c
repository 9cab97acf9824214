/* C references of the image kernels and the function-table init. */
#include "dsp/image/image.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "common.h"

static void blend_lerp_r(uint8_t *restrict dst, const uint8_t *restrict a,
                         const uint8_t *restrict b, int wy, const uint8_t *restrict m, int n);

/* restrict: lets compilers vectorise the references where they are the production path
   (no SIMD file for the target); the callers never pass overlapping buffers. */
void cc_blend_lerp_c(uint8_t *dst, const uint8_t *a, const uint8_t *b, int wy,
                     const uint8_t *m, int n)
{
    blend_lerp_r(dst, a, b, wy, m, n);
}

static void blend_lerp_r(uint8_t *restrict dst, const uint8_t *restrict a,
                         const uint8_t *restrict b, int wy, const uint8_t *restrict m, int n)
{
    const unsigned wa = 256 - (unsigned)wy, wb = (unsigned)wy;
    for (int i = 0; i < n; i++) {
        unsigned bg = (a[i] * wa + b[i] * wb + 128) >> 8;
        /* round(t / 255) for t <= 255*255: (t + 128 + ((t + 128) >> 8)) >> 8 */
        unsigned t = m[i] * (unsigned)dst[i] + (255u - m[i]) * bg + 128;
        dst[i] = (uint8_t)((t + (t >> 8)) >> 8);
    }
}

void cc_wacc1_c(uint16_t *restrict acc, uint16_t *restrict accw, const uint8_t *restrict src,
                const uint8_t *restrict m, int n, int shift, int first)
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

void cc_span_add_c(uint32_t *out, const uint32_t *hi, const uint32_t *lo, const uint32_t *hi2,
                   const uint32_t *lo2, uint32_t wa, uint32_t wb, int n, int first)
{
    for (int x = 0; x < n; x++) {
        uint32_t v = wa * (hi[x] - lo[x]) + wb * (hi2[x] - lo2[x]);
        out[x] = first ? v : out[x] + v;
    }
}

void cc_prefix_u16_c(uint32_t *dst, const uint16_t *src, int n)
{
    uint32_t s = 0;
    for (int x = 0; x < n; x++) {
        s += src[x];
        dst[x] = s;
    }
}

void cc_hsum_u16_c(uint32_t *out, const uint16_t *src, int f, int nout)
{
    for (int X = 0; X < nout; X++) {
        uint32_t s = 0;
        for (int j = 0; j < f; j++)
            s += src[(size_t)X * f + j];
        out[X] = s;
    }
}

void cc_hup_c(uint8_t *dst, const uint8_t *lo, const CcHupTable *t)
{
    for (int i = 0; i < t->nblk; i++) {
        const uint8_t *win = lo + t->base[i];
        const uint8_t *il = t->il + 16 * i, *ir = t->ir + 16 * i;
        const uint16_t *wt = t->wt + 16 * i;
        for (int j = 0; j < 16; j++)
            dst[16 * i + j] = (uint8_t)((win[il[j]] * (256u - wt[j]) + win[ir[j]] * (unsigned)wt[j] +
                                         128) >> 8);
    }
}

void cc_waccn_c(uint16_t *restrict acc, uint16_t *restrict accw, const uint8_t *restrict src,
                const uint8_t *restrict m, int w, int nc, int shift, int first)
{
    const unsigned rnd = 1u << shift >> 1;
    for (int x = 0; x < w; x++) {
        unsigned wt = 256u - m[x];
        for (int k = 0; k < nc; k++) {
            unsigned v = (src[x * nc + k] * wt + rnd) >> shift;
            acc[x * nc + k] = (uint16_t)(first ? v : acc[x * nc + k] + v);
        }
        accw[x] = (uint16_t)(first ? wt : accw[x] + wt);
    }
}

void cc_expand_mask_c(uint8_t *restrict dst, const uint8_t *restrict m, int w, int nc, int alpha)
{
    if (nc == 2) { /* constant-count loops: compilers vectorise these */
        for (int x = 0; x < w; x++)
            dst[2 * x] = dst[2 * x + 1] = m[x];
    } else if (nc == 4) {
        const uint8_t a = alpha ? 255 : 0;
        for (int x = 0; x < w; x++) {
            dst[4 * x] = dst[4 * x + 1] = dst[4 * x + 2] = m[x];
            dst[4 * x + 3] = alpha ? a : m[x];
        }
    } else {
        for (int x = 0; x < w; x++)
            for (int k = 0; k < nc; k++)
                dst[x * nc + k] = m[x];
    }
}

void cc_yuyv_split_c(uint8_t *y, uint8_t *u, uint8_t *v, const uint8_t *src, int pairs)
{
    for (int x = 0; x < pairs; x++) {
        y[2 * x] = src[4 * x];
        u[x] = src[4 * x + 1];
        y[2 * x + 1] = src[4 * x + 2];
        v[x] = src[4 * x + 3];
    }
}

void cc_yuyv_merge_c(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                     int pairs)
{
    for (int x = 0; x < pairs; x++) {
        dst[4 * x] = y[2 * x];
        dst[4 * x + 1] = u[x];
        dst[4 * x + 2] = y[2 * x + 1];
        dst[4 * x + 3] = v[x];
    }
}

void cc_hup_table_free(CcHupTable *t)
{
    free(t->base);
    free(t->il);
    free(t->ir);
    free(t->wt);
    memset(t, 0, sizeof(*t));
}

int cc_hup_table_init(CcHupTable *t, int w, int nc, int lw, int f)
{
    int n = w * nc;
    memset(t, 0, sizeof(*t));
    t->nblk = (n + 15) / 16;
    t->base = cc_calloc((size_t)t->nblk, sizeof(int32_t));
    t->il = cc_calloc((size_t)t->nblk, 16);
    t->ir = cc_calloc((size_t)t->nblk, 16);
    t->wt = cc_calloc((size_t)t->nblk * 16, sizeof(uint16_t));
    if (!t->base || !t->il || !t->ir || !t->wt) {
        cc_hup_table_free(t);
        return CC_ERR(ENOMEM);
    }
    t->simd_ok = 1;
    for (int i = 0; i < t->nblk; i++) {
        int lo_byte = 0, have = 0;
        for (int j = 0; j < 16; j++) {
            int byte = CC_MIN(16 * i + j, n - 1), x = byte / nc, k = byte % nc;
            int num = 2 * x + 1 - f, den = 2 * f; /* low coordinate num / den */
            int x0 = num < 0 ? 0 : num / den;
            int wx = num < 0 ? 0 : ((num - x0 * den) * 256 + f) / den;
            if (x0 >= lw - 1) {
                x0 = lw - 1;
                wx = 0;
            }
            int x1 = CC_MIN(x0 + 1, lw - 1);
            int bl = x0 * nc + k, br = x1 * nc + k;
            if (!have) { /* window starts at channel 0 of the block's first pixel */
                lo_byte = x0 * nc;
                have = 1;
            }
            t->base[i] = lo_byte;
            int il = bl - lo_byte, ir = br - lo_byte;
            if (il < 0 || ir < 0 || il > 255 || ir > 255) { /* cannot happen: monotonic */
                cc_hup_table_free(t);
                return CC_ERR(EINVAL);
            }
            if (il > 15 || ir > 15)
                t->simd_ok = 0;
            t->il[16 * i + j] = (uint8_t)il;
            t->ir[16 * i + j] = (uint8_t)ir;
            t->wt[16 * i + j] = (uint16_t)wx;
        }
    }
    return 0;
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
#if CC_ARCH_WASM && defined(__wasm_simd128__)
    f |= CC_CPU_SIMD128;
#endif
    return f;
}

void cc_image_dsp_init(CcImageDsp *dsp, unsigned flags)
{
    dsp->blend_lerp = cc_blend_lerp_c;
    dsp->wacc1 = cc_wacc1_c;
    dsp->mask_down2x2 = cc_mask_down2x2_c;
    dsp->span_add = cc_span_add_c;
    dsp->hup = cc_hup_c;
    dsp->waccn = cc_waccn_c;
    dsp->expand_mask = cc_expand_mask_c;
    dsp->yuyv_split = cc_yuyv_split_c;
    dsp->yuyv_merge = cc_yuyv_merge_c;
    dsp->prefix_u16 = cc_prefix_u16_c;
    dsp->hsum_u16 = cc_hsum_u16_c;
#if CC_ARCH_X86_64
    cc_image_dsp_init_x86(dsp, flags);
#elif CC_ARCH_WASM && defined(__wasm_simd128__)
    cc_image_dsp_init_wasm(dsp, flags);
#else
    (void)flags;
#endif
}
