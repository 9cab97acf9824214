/*
 * AVX2 tensor row of planar YUV frames (I420, NV12); the C reference is cc_tensor_row_yuv_c in
 * ../pixfmt.c. Eight output pixels at a time:
 *   - one 32-bit gather per source row at the luma column x0 brings Y[x0] and Y[x0 + 1]
 *     (x1 = x0 + 1 wherever x0 + 3 < src_w, the vector part), one at the chroma column
 *     (x0 >> 1) cstep brings both chroma taps: byte 0 and, when x0 is odd, byte 1 (I420) /
 *     U0 V0 U1 V1 (NV12, taps 2 bytes apart);
 *   - the lerps and the conversion in float, the same operations in the same order as C
 *     (separate multiplies and adds, never FMA: bit-identical);
 *   - R, G, B planes interleaved to (8, 3) with one permute per plane and output vector.
 * The columns whose 4-byte reads would pass the row's end (the last few) go to the C reference.
 */
#ifndef __AVX2__
#error "build with -mavx2 -mfma"
#endif
#include <immintrin.h>
#include <stddef.h>

#include "video/pixfmt.h"

static inline __m256 lerp(__m256 a, __m256 b, __m256 w)
{
    return _mm256_add_ps(a, _mm256_mul_ps(_mm256_sub_ps(b, a), w));
}

static inline __m256 byte_f(__m256i g, int shift)
{
    return _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(g, shift), _mm256_set1_epi32(255)));
}

static inline __m256 byte_fv(__m256i g, __m256i shift)
{
    return _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srlv_epi32(g, shift), _mm256_set1_epi32(255)));
}

static inline __m256 clamp01(__m256 v)
{
    /* max(v, 0) is v > 0 ? v : 0, min(v, 1) is v < 1 ? v : 1: C's two selects */
    return _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), _mm256_set1_ps(1.0f));
}

#define GATHER(p, idx) _mm256_i32gather_epi32((const int *)(const void *)(p), (idx), 1)

void cc_tensor_row_yuv_avx2(float *o, const uint8_t *const rows[6], int cstep, const int32_t *xi,
                            const float *xw, int n, int src_w, float wy, const CcTensorCoef *k)
{
    const int nv12 = cstep == 2 && rows[4] == rows[2] + 1 && rows[5] == rows[3] + 1;
    if (cstep != 1 && !nv12) {
        cc_tensor_row_yuv_c(o, rows, cstep, xi, xw, n, src_w, wy, k);
        return;
    }
    /* Vector part: the columns whose 4-byte luma and chroma reads stay in the row (xi grows). */
    const int cw = (src_w + 1) / 2;
    int nv = n;
    while (nv > 0 && !(xi[nv - 1] + 3 < src_w && (xi[nv - 1] >> 1) * cstep + 3 < cw * cstep))
        nv--;
    nv &= ~7;
    const __m256 vwy = _mm256_set1_ps(wy), y_off = _mm256_set1_ps(k->y_off);
    const __m256 y_mul = _mm256_set1_ps(k->y_mul), c_mul = _mm256_set1_ps(k->c_mul);
    const __m256 c128 = _mm256_set1_ps(128.0f), rv = _mm256_set1_ps(k->rv);
    const __m256 gu = _mm256_set1_ps(k->gu), gv = _mm256_set1_ps(k->gv), bu = _mm256_set1_ps(k->bu);
    /* output vector j holds pixel p[j][i] channel c[j][i] */
    const __m256i p0 = _mm256_setr_epi32(0, 0, 0, 1, 1, 1, 2, 2);
    const __m256i p1 = _mm256_setr_epi32(2, 3, 3, 3, 4, 4, 4, 5);
    const __m256i p2 = _mm256_setr_epi32(5, 5, 6, 6, 6, 7, 7, 7);
    /* both chroma taps on one row (every other output row of a 4:2:0 frame): gather it once */
    const int cshare = rows[3] == rows[2] && rows[5] == rows[4];
    for (int ox = 0; ox < nv; ox += 8) {
        const __m256i x0 = _mm256_loadu_si256((const __m256i *)(xi + ox));
        const __m256 w = _mm256_loadu_ps(xw + ox);
        const __m256i gy0 = GATHER(rows[0], x0), gy1 = GATHER(rows[1], x0);
        const __m256 yt = lerp(byte_f(gy0, 0), byte_f(gy0, 8), w);
        const __m256 yb = lerp(byte_f(gy1, 0), byte_f(gy1, 8), w);
        /* chroma taps: column c0 = x0 >> 1; c1 = c0 + (x0 & 1) */
        const __m256i odd = _mm256_and_si256(x0, _mm256_set1_epi32(1));
        const __m256i cx = _mm256_srli_epi32(x0, 1);
        __m256 ut, ub, vt, vb;
        if (nv12) {
            const __m256i cx2 = _mm256_add_epi32(cx, cx);
            const __m256i s1 = _mm256_slli_epi32(odd, 4); /* U1 at byte 2 when odd */
            const __m256i s1v = _mm256_add_epi32(s1, _mm256_set1_epi32(8));
            const __m256i g0 = GATHER(rows[2], cx2);
            const __m256i g1 = cshare ? g0 : GATHER(rows[3], cx2);
            ut = lerp(byte_f(g0, 0), byte_fv(g0, s1), w);
            ub = lerp(byte_f(g1, 0), byte_fv(g1, s1), w);
            vt = lerp(byte_f(g0, 8), byte_fv(g0, s1v), w);
            vb = lerp(byte_f(g1, 8), byte_fv(g1, s1v), w);
        } else {
            const __m256i s1 = _mm256_slli_epi32(odd, 3);
            const __m256i gu0 = GATHER(rows[2], cx), gv0 = GATHER(rows[4], cx);
            const __m256i gu1 = cshare ? gu0 : GATHER(rows[3], cx);
            const __m256i gv1 = cshare ? gv0 : GATHER(rows[5], cx);
            ut = lerp(byte_f(gu0, 0), byte_fv(gu0, s1), w);
            ub = lerp(byte_f(gu1, 0), byte_fv(gu1, s1), w);
            vt = lerp(byte_f(gv0, 0), byte_fv(gv0, s1), w);
            vb = lerp(byte_f(gv1, 0), byte_fv(gv1, s1), w);
        }
        const __m256 yy = _mm256_mul_ps(_mm256_sub_ps(lerp(yt, yb, vwy), y_off), y_mul);
        const __m256 u = _mm256_mul_ps(_mm256_sub_ps(lerp(ut, ub, vwy), c128), c_mul);
        const __m256 v = _mm256_mul_ps(_mm256_sub_ps(lerp(vt, vb, vwy), c128), c_mul);
        const __m256 r = clamp01(_mm256_add_ps(yy, _mm256_mul_ps(rv, v)));
        const __m256 g =
            clamp01(_mm256_add_ps(_mm256_add_ps(yy, _mm256_mul_ps(gu, u)), _mm256_mul_ps(gv, v)));
        const __m256 b = clamp01(_mm256_add_ps(yy, _mm256_mul_ps(bu, u)));
        /* channel of element i: (8 j + i) % 3; blend masks pick G (1) and B (2) */
        float *d = o + (size_t)ox * 3;
        __m256 t;
        t = _mm256_blend_ps(_mm256_permutevar8x32_ps(r, p0), _mm256_permutevar8x32_ps(g, p0), 0x92);
        _mm256_storeu_ps(d, _mm256_blend_ps(t, _mm256_permutevar8x32_ps(b, p0), 0x24));
        t = _mm256_blend_ps(_mm256_permutevar8x32_ps(r, p1), _mm256_permutevar8x32_ps(g, p1), 0x24);
        _mm256_storeu_ps(d + 8, _mm256_blend_ps(t, _mm256_permutevar8x32_ps(b, p1), 0x49));
        t = _mm256_blend_ps(_mm256_permutevar8x32_ps(r, p2), _mm256_permutevar8x32_ps(g, p2), 0x49);
        _mm256_storeu_ps(d + 16, _mm256_blend_ps(t, _mm256_permutevar8x32_ps(b, p2), 0x92));
    }
    if (nv < n)
        cc_tensor_row_yuv_c(o + (size_t)nv * 3, rows, cstep, xi + nv, xw + nv, n - nv, src_w, wy,
                            k);
}

/*
 * Column sums of 8-bit rows, 64 columns per pass with the sums in four registers over all the
 * rows (one load and widen per 16 bytes and row, one store per column at the end); step 2
 * widens the even bytes of 32-byte loads (a 16-bit mask). Integer: the C sums exactly.
 */
void cc_colsum_u8_avx2(uint16_t *cs, const uint8_t *src, ptrdiff_t stride, int step, int rows,
                       int n)
{
    if (step != 1 && step != 2) {
        cc_colsum_u8_c(cs, src, stride, step, rows, n);
        return;
    }
    int x = 0;
    if (step == 1) {
        for (; x + 64 <= n; x += 64) {
            __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
            const uint8_t *s = src + x;
            for (int r = 0; r < rows; r++, s += stride) {
                /* the caller's next block of rows, same columns (a prefetch never faults) */
                _mm_prefetch((const char *)(s + rows * stride), _MM_HINT_T0);
                a0 = _mm256_add_epi16(a0, _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)s)));
                a1 = _mm256_add_epi16(a1, _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(s + 16))));
                a2 = _mm256_add_epi16(a2, _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(s + 32))));
                a3 = _mm256_add_epi16(a3, _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(s + 48))));
            }
            _mm256_storeu_si256((__m256i *)(cs + x), a0);
            _mm256_storeu_si256((__m256i *)(cs + x + 16), a1);
            _mm256_storeu_si256((__m256i *)(cs + x + 32), a2);
            _mm256_storeu_si256((__m256i *)(cs + x + 48), a3);
        }
        for (; x + 16 <= n; x += 16) {
            __m256i a0 = _mm256_setzero_si256();
            const uint8_t *s = src + x;
            for (int r = 0; r < rows; r++, s += stride)
                a0 = _mm256_add_epi16(a0, _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)s)));
            _mm256_storeu_si256((__m256i *)(cs + x), a0);
        }
    } else {
        /* a 32-byte load at sample x ends at byte 2 x + 31, the odd byte after sample x + 15:
         * inside the samples only while x + 16 < n */
        const __m256i lo8 = _mm256_set1_epi16(0xff);
        for (; x + 33 <= n; x += 32) {
            __m256i a0 = _mm256_setzero_si256(), a1 = a0;
            const uint8_t *s = src + 2 * (size_t)x;
            for (int r = 0; r < rows; r++, s += stride) {
                a0 = _mm256_add_epi16(a0, _mm256_and_si256(_mm256_loadu_si256((const __m256i *)s), lo8));
                a1 = _mm256_add_epi16(a1, _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(s + 32)), lo8));
            }
            _mm256_storeu_si256((__m256i *)(cs + x), a0);
            _mm256_storeu_si256((__m256i *)(cs + x + 16), a1);
        }
        for (; x + 17 <= n; x += 16) {
            __m256i a0 = _mm256_setzero_si256();
            const uint8_t *s = src + 2 * (size_t)x;
            for (int r = 0; r < rows; r++, s += stride)
                a0 = _mm256_add_epi16(a0, _mm256_and_si256(_mm256_loadu_si256((const __m256i *)s), lo8));
            _mm256_storeu_si256((__m256i *)(cs + x), a0);
        }
    }
    for (; x < n; x++) {
        unsigned sum = 0;
        for (int r = 0; r < rows; r++)
            sum += src[r * stride + (ptrdiff_t)x * step];
        cs[x] = (uint16_t)sum;
    }
}
