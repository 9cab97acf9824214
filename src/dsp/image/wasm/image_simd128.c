/*
 * WebAssembly SIMD128 variants of the compositor's image kernels (table in image.h), chosen at
 * compile time in the wasm build: blend_lerp, wacc1, waccn (4 channels), expand_mask
 * (4 channels), hup and span_add, the ones a blurred RGBA frame spends its time in, and
 * mask_down2x2 and hsum_u16 (I420 frames: the chroma mask, the downsample's block sums). Integer arithmetic in 16-bit
 * lanes with the C reference's exact formulas (every intermediate fits 16 bits unsigned, and
 * the uint16_t accumulators wrap the same way), so the results equal C byte for byte; the
 * other shapes go to C.
 */
#ifndef __wasm_simd128__
#error "image_simd128.c needs -msimd128"
#endif
#include <stddef.h>
#include <stdint.h>
#include <wasm_simd128.h>

#include "dsp/image/image.h"

#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))
#define U16 wasm_u16x8_splat

void cc_blend_lerp_simd128(uint8_t *dst, const uint8_t *a, const uint8_t *b, int wy,
                           const uint8_t *m, int n)
{
    const v128_t wa = U16((uint16_t)(256 - wy)), wb = U16((uint16_t)wy), k128 = U16(128),
                 k255 = U16(255);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        v128_t vm = LD(m + i);
        /* every byte 0 or 255 (a block of person or background, also with the 255 alpha byte of
           an expanded RGBA mask): a byte with m = 255 keeps dst, one with m = 0 becomes bg, the
           same bytes as the blend's rounding division of 255 dst or 255 bg by 255 */
        v128_t full = wasm_i8x16_eq(vm, wasm_i8x16_splat((int8_t)0xFF));
        if (wasm_i8x16_all_true(wasm_v128_or(full, wasm_i8x16_eq(vm, wasm_i8x16_splat(0))))) {
            if (wasm_i8x16_all_true(full))
                continue;
            v128_t va = LD(a + i), vb = LD(b + i), bg[2];
            for (int h = 0; h < 2; h++) {
                v128_t a16 = h ? wasm_u16x8_extend_high_u8x16(va) : wasm_u16x8_extend_low_u8x16(va);
                v128_t b16 = h ? wasm_u16x8_extend_high_u8x16(vb) : wasm_u16x8_extend_low_u8x16(vb);
                bg[h] = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(wasm_i16x8_mul(a16, wa),
                                                                     wasm_i16x8_mul(b16, wb)), k128), 8);
            }
            ST(dst + i, wasm_v128_bitselect(LD(dst + i), wasm_u8x16_narrow_i16x8(bg[0], bg[1]), full));
            continue;
        }
        v128_t va = LD(a + i), vb = LD(b + i), vd = LD(dst + i);
        v128_t out[2];
        for (int h = 0; h < 2; h++) {
            v128_t a16 = h ? wasm_u16x8_extend_high_u8x16(va) : wasm_u16x8_extend_low_u8x16(va);
            v128_t b16 = h ? wasm_u16x8_extend_high_u8x16(vb) : wasm_u16x8_extend_low_u8x16(vb);
            v128_t m16 = h ? wasm_u16x8_extend_high_u8x16(vm) : wasm_u16x8_extend_low_u8x16(vm);
            v128_t d16 = h ? wasm_u16x8_extend_high_u8x16(vd) : wasm_u16x8_extend_low_u8x16(vd);
            /* bg = (a wa + b wb + 128) >> 8 (<= 65408) */
            v128_t bg = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(wasm_i16x8_mul(a16, wa),
                                                                     wasm_i16x8_mul(b16, wb)), k128), 8);
            /* t = m dst + (255 - m) bg + 128 (<= 65153); dst = (t + (t >> 8)) >> 8 */
            v128_t t = wasm_i16x8_add(wasm_i16x8_add(wasm_i16x8_mul(m16, d16),
                                                     wasm_i16x8_mul(wasm_i16x8_sub(k255, m16), bg)), k128);
            out[h] = wasm_u16x8_shr(wasm_i16x8_add(t, wasm_u16x8_shr(t, 8)), 8);
        }
        ST(dst + i, wasm_u8x16_narrow_i16x8(out[0], out[1])); /* values <= 255 */
    }
    if (i < n)
        cc_blend_lerp_c(dst + i, a + i, b + i, wy, m + i, n - i);
}

/*
 * wacc1: 16 pixels a step, one instance per shift (0..5) so that V8 shifts by an immediate,
 * the first row's stores apart from the accumulating ones (the I420 planes run through here:
 * a third of a 720p I420 composite).
 */
#define WACC1(SH)                                                                             \
    static void wacc1_##SH(uint16_t *acc, uint16_t *accw, const uint8_t *src,                \
                           const uint8_t *m, int n, int first)                                \
    {                                                                                         \
        const v128_t rnd = U16((uint16_t)(1u << SH >> 1)), k256 = U16(256);                  \
        for (int i = 0; i + 16 <= n; i += 16) {                                               \
            const v128_t mm = LD(m + i), ss = LD(src + i);                                    \
            const v128_t w0 = wasm_i16x8_sub(k256, wasm_u16x8_extend_low_u8x16(mm));         \
            const v128_t w1 = wasm_i16x8_sub(k256, wasm_u16x8_extend_high_u8x16(mm));        \
            const v128_t p0 = wasm_u16x8_shr(wasm_i16x8_add(                                  \
                wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(ss), w0), rnd), SH);              \
            const v128_t p1 = wasm_u16x8_shr(wasm_i16x8_add(                                  \
                wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(ss), w1), rnd), SH);             \
            if (first) {                                                                      \
                ST(acc + i, p0);                                                              \
                ST(acc + i + 8, p1);                                                          \
                ST(accw + i, w0);                                                             \
                ST(accw + i + 8, w1);                                                         \
            } else {                                                                          \
                ST(acc + i, wasm_i16x8_add(LD(acc + i), p0));                                 \
                ST(acc + i + 8, wasm_i16x8_add(LD(acc + i + 8), p1));                         \
                ST(accw + i, wasm_i16x8_add(LD(accw + i), w0));                               \
                ST(accw + i + 8, wasm_i16x8_add(LD(accw + i + 8), w1));                       \
            }                                                                                 \
        }                                                                                     \
    }
WACC1(0)
WACC1(1)
WACC1(2)
WACC1(3)
WACC1(4)
WACC1(5)

void cc_wacc1_simd128(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m,
                      int n, int shift, int first)
{
    static void (*const fn[6])(uint16_t *, uint16_t *, const uint8_t *, const uint8_t *, int,
                               int) = { wacc1_0, wacc1_1, wacc1_2, wacc1_3, wacc1_4, wacc1_5 };
    int i = 0;
    if (shift >= 0 && shift <= 5) {
        i = n & ~15;
        fn[shift](acc, accw, src, m, i, first);
    }
    if (i < n)
        cc_wacc1_c(acc + i, accw + i, src + i, m + i, n - i, shift, first);
}

/*
 * waccn for 4 channels, one instance per shift (0..5) so that V8 shifts by an immediate (a
 * variable i16x8 shift costs it a mask and a move per shift), and the first row's stores
 * apart from the accumulating ones.
 */
#define WACCN4(SH)                                                                            \
    static void waccn4_##SH(uint16_t *acc, uint16_t *accw, const uint8_t *src,               \
                            const uint8_t *m, int w, int first)                               \
    {                                                                                         \
        const v128_t rnd = U16((uint16_t)(1u << SH >> 1)), k256 = U16(256);                  \
        for (int x = 0; x + 8 <= w; x += 8) {                                                 \
            v128_t wt = wasm_i16x8_sub(k256, wasm_u16x8_load8x8(m + x)); /* 8 pixels */      \
            v128_t s0 = LD(src + 4 * x), s1 = LD(src + 4 * x + 16);                           \
            /* each pixel's weight on its 4 channels: u16 lanes of wt, pairs of pixels */     \
            v128_t w01 = wasm_i8x16_shuffle(wt, wt, 0, 1, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 2, 3);         \
            v128_t w23 = wasm_i8x16_shuffle(wt, wt, 4, 5, 4, 5, 4, 5, 4, 5, 6, 7, 6, 7, 6, 7, 6, 7);         \
            v128_t w45 = wasm_i8x16_shuffle(wt, wt, 8, 9, 8, 9, 8, 9, 8, 9, 10, 11, 10, 11, 10, 11, 10, 11); \
            v128_t w67 = wasm_i8x16_shuffle(wt, wt, 12, 13, 12, 13, 12, 13, 12, 13, 14, 15, 14, 15, 14, 15, 14, 15); \
            v128_t v[4] = {                                                                   \
                wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(s0), w01), rnd), SH),  \
                wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(s0), w23), rnd), SH), \
                wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(s1), w45), rnd), SH),  \
                wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(s1), w67), rnd), SH), \
            };                                                                                \
            uint16_t *a = acc + 4 * x;                                                        \
            if (first) {                                                                      \
                for (int k = 0; k < 4; k++)                                                   \
                    ST(a + 8 * k, v[k]);                                                      \
                ST(accw + x, wt);                                                             \
            } else {                                                                          \
                for (int k = 0; k < 4; k++)                                                   \
                    ST(a + 8 * k, wasm_i16x8_add(LD(a + 8 * k), v[k]));                       \
                ST(accw + x, wasm_i16x8_add(LD(accw + x), wt));                               \
            }                                                                                 \
        }                                                                                     \
    }
WACCN4(0)
WACCN4(1)
WACCN4(2)
WACCN4(3)
WACCN4(4)
WACCN4(5)

void cc_waccn_simd128(uint16_t *acc, uint16_t *accw, const uint8_t *src, const uint8_t *m, int w,
                      int nc, int shift, int first)
{
    if (nc != 4 || shift < 0 || shift > 5) {
        cc_waccn_c(acc, accw, src, m, w, nc, shift, first);
        return;
    }
    static void (*const fn[6])(uint16_t *, uint16_t *, const uint8_t *, const uint8_t *, int, int) = {
        waccn4_0, waccn4_1, waccn4_2, waccn4_3, waccn4_4, waccn4_5,
    };
    fn[shift](acc, accw, src, m, w, first);
    const int x = w & ~7;
    if (x < w)
        cc_waccn_c(acc + 4 * x, accw + x, src + 4 * x, m + x, w - x, nc, shift, first);
}

void cc_expand_mask_simd128(uint8_t *dst, const uint8_t *m, int w, int nc, int alpha)
{
    if (nc != 4) {
        cc_expand_mask_c(dst, m, w, nc, alpha);
        return;
    }
    const v128_t amask = wasm_i32x4_splat(alpha ? (int32_t)0xFF000000u : 0);
    int x = 0;
    for (; x + 16 <= w; x += 16) {
        v128_t vm = LD(m + x);
        /* alpha: byte 3 = 255 (OR); else byte 3 = m, as bytes 0-2 */
        ST(dst + 4 * x, wasm_v128_or(wasm_i8x16_shuffle(vm, vm, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3), amask));
        ST(dst + 4 * x + 16, wasm_v128_or(wasm_i8x16_shuffle(vm, vm, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7), amask));
        ST(dst + 4 * x + 32, wasm_v128_or(wasm_i8x16_shuffle(vm, vm, 8, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10, 11, 11, 11, 11), amask));
        ST(dst + 4 * x + 48, wasm_v128_or(wasm_i8x16_shuffle(vm, vm, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15), amask));
    }
    if (x < w)
        cc_expand_mask_c(dst + 4 * x, m + x, w - x, nc, alpha);
}

/* Horizontal upsampling (CcHupTable): the two taps of 16 output bytes by i8x16.swizzle of the
   16-byte window (every index < 16 when simd_ok), then (l (256 - wt) + r wt + 128) >> 8 in
   16-bit lanes (at most 255 * 256 + 128: fits unsigned). */
void cc_hup_simd128(uint8_t *dst, const uint8_t *lo, const CcHupTable *t)
{
    if (!t->simd_ok) {
        cc_hup_c(dst, lo, t);
        return;
    }
    const v128_t k256 = U16(256), k128 = U16(128);
    for (int i = 0; i < t->nblk; i++) {
        v128_t win = LD(lo + t->base[i]);
        v128_t l = wasm_i8x16_swizzle(win, LD(t->il + 16 * i));
        v128_t r = wasm_i8x16_swizzle(win, LD(t->ir + 16 * i));
        v128_t w0 = LD(t->wt + 16 * i), w1 = LD(t->wt + 16 * i + 8);
        v128_t v0 = wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(l), wasm_i16x8_sub(k256, w0)),
                                   wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(r), w0));
        v128_t v1 = wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(l), wasm_i16x8_sub(k256, w1)),
                                   wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(r), w1));
        v0 = wasm_u16x8_shr(wasm_i16x8_add(v0, k128), 8);
        v1 = wasm_u16x8_shr(wasm_i16x8_add(v1, k128), 8);
        ST(dst + 16 * i, wasm_u8x16_narrow_i16x8(v0, v1));
    }
}

/* Disc blur span adder: 32-bit lanes wrap like the C's uint32_t. */
void cc_span_add_simd128(uint32_t *out, const uint32_t *hi, const uint32_t *lo,
                         const uint32_t *hi2, const uint32_t *lo2, uint32_t wa, uint32_t wb,
                         int n, int first)
{
    const v128_t va = wasm_i32x4_splat((int32_t)wa), vb = wasm_i32x4_splat((int32_t)wb);
    int x = 0;
    for (; x + 4 <= n; x += 4) {
        v128_t v = wasm_i32x4_add(wasm_i32x4_mul(va, wasm_i32x4_sub(LD(hi + x), LD(lo + x))),
                                  wasm_i32x4_mul(vb, wasm_i32x4_sub(LD(hi2 + x), LD(lo2 + x))));
        ST(out + x, first ? v : wasm_i32x4_add(LD(out + x), v));
    }
    for (; x < n; x++) {
        uint32_t v = wa * (hi[x] - lo[x]) + wb * (hi2[x] - lo2[x]);
        out[x] = first ? v : out[x] + v;
    }
}

/* Inclusive prefix sums of u16 into u32, 8 per step: in-register prefix of each 4 lanes (two
   shift-and-add steps), then the running total; integer sums mod 2^32 like the C's, any order. */
void cc_prefix_u16_simd128(uint32_t *dst, const uint16_t *src, int n)
{
    v128_t run = wasm_i32x4_splat(0);
    const v128_t z = wasm_i32x4_splat(0);
    int x = 0;
    for (; x + 8 <= n; x += 8) {
        v128_t v = LD(src + x);
        v128_t lo = wasm_u32x4_extend_low_u16x8(v), hi = wasm_u32x4_extend_high_u16x8(v);
        lo = wasm_i32x4_add(lo, wasm_i32x4_shuffle(z, lo, 0, 4, 5, 6)); /* + lane to the left */
        hi = wasm_i32x4_add(hi, wasm_i32x4_shuffle(z, hi, 0, 4, 5, 6));
        lo = wasm_i32x4_add(lo, wasm_i32x4_shuffle(z, lo, 0, 1, 4, 5)); /* + two lanes left */
        hi = wasm_i32x4_add(hi, wasm_i32x4_shuffle(z, hi, 0, 1, 4, 5));
        lo = wasm_i32x4_add(lo, run);
        hi = wasm_i32x4_add(hi, wasm_i32x4_shuffle(lo, lo, 3, 3, 3, 3));
        ST(dst + x, lo);
        ST(dst + x + 4, hi);
        run = wasm_i32x4_shuffle(hi, hi, 3, 3, 3, 3);
    }
    uint32_t s = x ? dst[x - 1] : 0;
    for (; x < n; x++) {
        s += src[x];
        dst[x] = s;
    }
}

/*
 * Chroma mask of I420/NV12 frames: 2x2 means of 16 outputs per step, pairwise widening adds
 * (the 4 terms + 2 fit 16 bits), >> 2, narrowed back; the odd last column in C.
 */
void cc_mask_down2x2_simd128(uint8_t *dst, const uint8_t *r0, const uint8_t *r1, int src_w)
{
    const int n = src_w / 2;
    const v128_t two = U16(2);
    int x = 0;
    for (; x + 16 <= n; x += 16) {
        v128_t a = wasm_i16x8_add(wasm_u16x8_extadd_pairwise_u8x16(LD(r0 + 2 * x)),
                                  wasm_u16x8_extadd_pairwise_u8x16(LD(r1 + 2 * x)));
        v128_t b = wasm_i16x8_add(wasm_u16x8_extadd_pairwise_u8x16(LD(r0 + 2 * x + 16)),
                                  wasm_u16x8_extadd_pairwise_u8x16(LD(r1 + 2 * x + 16)));
        a = wasm_u16x8_shr(wasm_i16x8_add(a, two), 2);
        b = wasm_u16x8_shr(wasm_i16x8_add(b, two), 2);
        ST(dst + x, wasm_u8x16_narrow_i16x8(a, b));
    }
    if (x < n || (src_w & 1))
        cc_mask_down2x2_c(dst + x, r0 + 2 * x, r1 + 2 * x, src_w - 2 * x);
}

/* Sums of adjacent 16-bit pairs of s[0..7] as 4 32-bit values (exact). */
static inline v128_t pair_sums(const uint16_t *s)
{
    return wasm_u32x4_extadd_pairwise_u16x8(LD(s));
}

/* The 4 sums of three of 12 consecutive 32-bit values in v0, v1, v2. */
static inline v128_t sum_triples(v128_t v0, v128_t v1, v128_t v2)
{
    v128_t a = wasm_i32x4_shuffle(wasm_i32x4_shuffle(v0, v1, 0, 3, 6, 0), v2, 0, 1, 2, 5);
    v128_t b = wasm_i32x4_shuffle(wasm_i32x4_shuffle(v0, v1, 1, 4, 7, 0), v2, 0, 1, 2, 6);
    v128_t c = wasm_i32x4_shuffle(wasm_i32x4_shuffle(v0, v1, 2, 5, 0, 0), v2, 0, 1, 4, 7);
    return wasm_i32x4_add(wasm_i32x4_add(a, b), c);
}

/* Sums of adjacent 32-bit pairs of a (lanes 0..3) and b (4..7), in order. */
static inline v128_t pairs32(v128_t a, v128_t b)
{
    return wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 2, 4, 6), wasm_i32x4_shuffle(a, b, 1, 3, 5, 7));
}

/*
 * Block sums of the blur's downsample: f = 2, 4, 8 (720p luma and chroma blocks) from pairwise
 * widening adds, f = 3, 6 (1080p) through sum_triples; 4 outputs per step, the rest in C.
 */
void cc_hsum_u16_simd128(uint32_t *out, const uint16_t *src, int f, int nout)
{
    int X = 0;
    if (f == 2) {
        for (; X + 4 <= nout; X += 4)
            ST(out + X, pair_sums(src + (size_t)X * 2));
    } else if (f == 4) {
        for (; X + 4 <= nout; X += 4) {
            const uint16_t *s = src + (size_t)X * 4;
            ST(out + X, pairs32(pair_sums(s), pair_sums(s + 8)));
        }
    } else if (f == 8) {
        for (; X + 4 <= nout; X += 4) {
            const uint16_t *s = src + (size_t)X * 8;
            v128_t q0 = pairs32(pair_sums(s), pair_sums(s + 8));
            v128_t q1 = pairs32(pair_sums(s + 16), pair_sums(s + 24));
            ST(out + X, pairs32(q0, q1));
        }
    } else if (f == 3) {
        /* 16 values loaded for 12 used: stop while 6 outputs (18 values) remain */
        for (; X + 6 <= nout; X += 4) {
            const uint16_t *s = src + (size_t)X * 3;
            v128_t lo = LD(s), hi = LD(s + 8);
            ST(out + X, sum_triples(wasm_u32x4_extend_low_u16x8(lo),
                                    wasm_u32x4_extend_high_u16x8(lo),
                                    wasm_u32x4_extend_low_u16x8(hi)));
        }
    } else if (f == 6) {
        for (; X + 4 <= nout; X += 4) {
            const uint16_t *s = src + (size_t)X * 6;
            ST(out + X, sum_triples(pair_sums(s), pair_sums(s + 8), pair_sums(s + 16)));
        }
    }
    if (X < nout)
        cc_hsum_u16_c(out + X, src + (size_t)X * f, f, nout - X);
}

void cc_image_dsp_init_wasm(CcImageDsp *dsp, unsigned flags)
{
    if (!(flags & CC_CPU_SIMD128))
        return;
    dsp->blend_lerp = cc_blend_lerp_simd128;
    dsp->wacc1 = cc_wacc1_simd128;
    dsp->waccn = cc_waccn_simd128;
    dsp->expand_mask = cc_expand_mask_simd128;
    dsp->hup = cc_hup_simd128;
    dsp->span_add = cc_span_add_simd128;
    dsp->prefix_u16 = cc_prefix_u16_simd128;
    dsp->mask_down2x2 = cc_mask_down2x2_simd128;
    dsp->hsum_u16 = cc_hsum_u16_simd128;
}
