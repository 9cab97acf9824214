/*
 * checkasm-style test of the image kernels: every variant this CPU has against the C
 * reference on random and extreme inputs, all lengths 0..130 and unaligned pointers.
 * Integer kernels: results must be identical, including bytes past n (untouched).
 * `checkasm_image c` checks the C table against direct formulas; `checkasm_image simd` the
 * variants against C, and exits 77 on a CPU that has none (no C-vs-C pass).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/image/image.h"
#include "testutil.h"

static uint32_t seed = 12345;
static uint32_t rnd(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
}

/* random bytes with a good share of the extremes 0 and 255 */
static void fill_u8(uint8_t *p, int n)
{
    for (int i = 0; i < n; i++) {
        uint32_t r = rnd();
        p[i] = r % 5 == 0 ? 0 : r % 5 == 1 ? 255 : (uint8_t)(r >> 4);
    }
}

#define MAXN 160
#define PAD 64

static void check_variant(const char *name, const CcImageDsp *ref, const CcImageDsp *v)
{
    int fails = 0;
    for (int iter = 0; iter < 40; iter++)
        for (int n = 0; n <= 130; n++) {
            int off = (int)(rnd() % 7);
            uint8_t a[MAXN + PAD], b[MAXN + PAD], m[MAXN + PAD], d0[MAXN + PAD], d1[MAXN + PAD];
            fill_u8(a, MAXN + PAD);
            fill_u8(b, MAXN + PAD);
            fill_u8(m, MAXN + PAD);
            if (iter % 3 == 1) /* runs of 0 and 255 (whole SIMD blocks), now and then a mixed one */
                for (int i = 0; i < MAXN + PAD;) {
                    int len = 16 + (int)(rnd() % 80);
                    uint8_t v = rnd() % 4 == 0 ? (uint8_t)rnd() : rnd() & 1 ? 255 : 0;
                    for (; len-- > 0 && i < MAXN + PAD; i++)
                        m[i] = v;
                }
            fill_u8(d0, MAXN + PAD);
            memcpy(d1, d0, sizeof(d0));
            int wy = iter % 4 == 0 ? 0 : iter % 4 == 1 ? 256 : (int)(rnd() % 257);
            ref->blend_lerp(d0 + off, a + off, b + off, wy, m + off, n);
            v->blend_lerp(d1 + off, a + off, b + off, wy, m + off, n);
            if (memcmp(d0, d1, sizeof(d0))) {
                if (!fails++)
                    fprintf(stderr, "%s blend_lerp differs: n %d wy %d off %d\n", name, n, wy, off);
            }

            uint16_t acc0[MAXN + PAD], acc1[MAXN + PAD], w0[MAXN + PAD], w1[MAXN + PAD];
            for (int i = 0; i < MAXN + PAD; i++) {
                acc0[i] = acc1[i] = (uint16_t)(rnd() & 0x3fff);
                w0[i] = w1[i] = (uint16_t)(rnd() & 0x3ff);
            }
            int shift = (int)(rnd() % 5), first = iter & 1;
            ref->wacc1(acc0 + off, w0 + off, a + off, m + off, n, shift, first);
            v->wacc1(acc1 + off, w1 + off, a + off, m + off, n, shift, first);
            if (memcmp(acc0, acc1, sizeof(acc0)) || memcmp(w0, w1, sizeof(w0))) {
                if (!fails++)
                    fprintf(stderr, "%s wacc1 differs: n %d shift %d first %d\n", name, n,
                            shift, first);
            }

            memset(d0, 0x77, sizeof(d0));
            memset(d1, 0x77, sizeof(d1));
            const uint8_t *r1 = iter % 3 == 0 ? a : b; /* r1 == r0: the last odd row */
            ref->mask_down2x2(d0 + off, a, r1, n);
            v->mask_down2x2(d1 + off, a, r1, n);
            if (memcmp(d0, d1, sizeof(d0))) {
                if (!fails++)
                    fprintf(stderr, "%s mask_down2x2 differs: n %d\n", name, n);
            }

            uint32_t hi[MAXN + PAD], lo[MAXN + PAD], o0[MAXN + PAD], o1[MAXN + PAD];
            for (int i = 0; i < MAXN + PAD; i++) {
                hi[i] = rnd() * 977u;
                lo[i] = rnd() * 131u;
                o0[i] = o1[i] = rnd();
            }
            uint32_t wa = rnd() % 17, wb = 16 - wa;
            ref->span_add(o0 + off, hi + off + 1, lo + off + 1, hi + off + 2, lo + off, wa, wb,
                          n, first);
            v->span_add(o1 + off, hi + off + 1, lo + off + 1, hi + off + 2, lo + off, wa, wb,
                        n, first);
            if (memcmp(o0, o1, sizeof(o0))) {
                if (!fails++)
                    fprintf(stderr, "%s span_add differs: n %d first %d\n", name, n, first);
            }

            /* prefix sums: large samples so the 32-bit sums wrap within a long row */
            uint16_t ps[MAXN + PAD];
            for (int i = 0; i < MAXN + PAD; i++)
                ps[i] = (uint16_t)(iter & 2 ? rnd() : 0xffff - rnd() % 7);
            for (int i = 0; i < MAXN + PAD; i++)
                o0[i] = o1[i] = 0x5a5a5a5au;
            ref->prefix_u16(o0 + off, ps + off, n);
            v->prefix_u16(o1 + off, ps + off, n);
            if (memcmp(o0, o1, sizeof(o0))) {
                if (!fails++)
                    fprintf(stderr, "%s prefix_u16 differs: n %d\n", name, n);
            }
        }
    /* multi-channel accumulation and mask expansion, nc 1..4 */
    for (int iter = 0; iter < 200; iter++) {
        int nc = 1 + iter % 4, w = (int)(rnd() % 70), off = (int)(rnd() % 5);
        int shift = (int)(rnd() % 5), first = (iter >> 2) & 1, alpha = nc == 4 && (iter & 8);
        uint8_t src[4 * 80 + PAD], m[80 + PAD], e0[4 * 80 + PAD], e1[4 * 80 + PAD];
        uint16_t a0[4 * 80 + PAD], a1[4 * 80 + PAD], w0[80 + PAD], w1[80 + PAD];
        fill_u8(src, sizeof(src));
        fill_u8(m, sizeof(m));
        for (size_t i = 0; i < sizeof(a0) / 2; i++)
            a0[i] = a1[i] = (uint16_t)(rnd() & 0x3fff);
        for (size_t i = 0; i < sizeof(w0) / 2; i++)
            w0[i] = w1[i] = (uint16_t)(rnd() & 0x3ff);
        ref->waccn(a0 + off, w0 + off, src + off, m + off, w, nc, shift, first);
        v->waccn(a1 + off, w1 + off, src + off, m + off, w, nc, shift, first);
        if (memcmp(a0, a1, sizeof(a0)) || memcmp(w0, w1, sizeof(w0))) {
            if (!fails++)
                fprintf(stderr, "%s waccn differs: w %d nc %d\n", name, w, nc);
        }
        memset(e0, 0x33, sizeof(e0));
        memset(e1, 0x33, sizeof(e1));
        ref->expand_mask(e0 + off, m, w, nc, alpha);
        v->expand_mask(e1 + off, m, w, nc, alpha);
        if (memcmp(e0, e1, sizeof(e0))) {
            if (!fails++)
                fprintf(stderr, "%s expand_mask differs: w %d nc %d alpha %d\n", name, w, nc, alpha);
        }
    }
    /* YUYV split and merge */
    for (int pairs = 0; pairs <= 40; pairs++) {
        uint8_t src[4 * 40 + PAD], y0[80 + PAD], y1[80 + PAD], u0[40 + PAD], u1[40 + PAD];
        uint8_t v0[40 + PAD], v1[40 + PAD], d0[4 * 40 + PAD], d1[4 * 40 + PAD];
        fill_u8(src, sizeof(src));
        memset(y0, 1, sizeof(y0)); memset(y1, 1, sizeof(y1));
        memset(u0, 2, sizeof(u0)); memset(u1, 2, sizeof(u1));
        memset(v0, 3, sizeof(v0)); memset(v1, 3, sizeof(v1));
        ref->yuyv_split(y0, u0, v0, src, pairs);
        v->yuyv_split(y1, u1, v1, src, pairs);
        if (memcmp(y0, y1, sizeof(y0)) || memcmp(u0, u1, sizeof(u0)) || memcmp(v0, v1, sizeof(v0))) {
            if (!fails++)
                fprintf(stderr, "%s yuyv_split differs: pairs %d\n", name, pairs);
        }
        memset(d0, 9, sizeof(d0));
        memset(d1, 9, sizeof(d1));
        ref->yuyv_merge(d0, y0, u0, v0, pairs);
        v->yuyv_merge(d1, y0, u0, v0, pairs);
        if (memcmp(d0, d1, sizeof(d0)) || memcmp(d0, src, (size_t)4 * pairs)) {
            if (!fails++)
                fprintf(stderr, "%s yuyv_merge differs or does not invert split: pairs %d\n",
                        name, pairs);
        }
    }
    /* table-driven upsampling for factors 1..9 and nc 1..4 (f = 1 exercises the
       fallback when a block needs more than a 16-byte window) */
    for (int nc = 1; nc <= 4; nc++)
        for (int f = 1; f <= 9; f++)
            for (int w = 1; w <= 90; w += 7) {
                int lw = (w + f - 1) / f;
                CcHupTable t;
                if (cc_hup_table_init(&t, w, nc, lw, f)) {
                    fails++;
                    fprintf(stderr, "hup table init failed: w %d nc %d f %d\n", w, nc, f);
                    continue;
                }
                uint8_t lo[4 * 90 + 32], o0[4 * 90 + 32], o1[4 * 90 + 32];
                fill_u8(lo, sizeof(lo));
                memset(o0, 0x11, sizeof(o0));
                memset(o1, 0x11, sizeof(o1));
                ref->hup(o0, lo, &t);
                v->hup(o1, lo, &t);
                if (memcmp(o0, o1, (size_t)w * nc)) {
                    if (!fails++)
                        fprintf(stderr, "%s hup differs: w %d nc %d f %d\n", name, w, nc, f);
                }
                /* against plain bilinear with half-pixel centres */
                for (int x = 0; x < w; x++)
                    for (int k = 0; k < nc; k++) {
                        double u = (x + 0.5) / f - 0.5;
                        u = u < 0 ? 0 : u > lw - 1 ? lw - 1 : u;
                        int x0 = (int)u, x1 = x0 + 1 < lw ? x0 + 1 : x0;
                        double want = lo[x0 * nc + k] * (1 - (u - x0)) + lo[x1 * nc + k] * (u - x0);
                        if (fabs(o0[x * nc + k] - want) > 1.0) {
                            if (!fails++)
                                fprintf(stderr, "hup_c wrong: w %d nc %d f %d x %d: %d vs %.2f\n",
                                        w, nc, f, x, o0[x * nc + k], want);
                        }
                    }
                cc_hup_table_free(&t);
            }
    /* block sums of every factor the compositor uses, all 16-bit values up to 65535 */
    for (int f = 1; f <= 16; f++)
        for (int nout = 0; nout <= 37; nout += 1 + nout / 8) {
            static uint16_t hsrc[16 * 40 + PAD];
            static uint32_t h0[40 + PAD], h1[40 + PAD];
            for (int i = 0; i < 16 * 40 + PAD; i++)
                hsrc[i] = (uint16_t)(f & 1 ? rnd() : 65535 - rnd() % 3);
            for (int i = 0; i < 40 + PAD; i++)
                h0[i] = h1[i] = 0xa5a5a5a5u;
            ref->hsum_u16(h0, hsrc, f, nout);
            v->hsum_u16(h1, hsrc, f, nout);
            if (memcmp(h0, h1, sizeof(h0)) && !fails++)
                fprintf(stderr, "%s hsum_u16 differs: f %d nout %d\n", name, f, nout);
        }
    { /* one long row whose prefix sums wrap past 2^32 */
        enum { PN = 70001 };
        static uint16_t ps[PN];
        static uint32_t p0[PN], p1[PN];
        for (int i = 0; i < PN; i++)
            ps[i] = (uint16_t)(65535 - rnd() % 5);
        ref->prefix_u16(p0, ps, PN);
        v->prefix_u16(p1, ps, PN);
        if (memcmp(p0, p1, sizeof(p0)) && !fails++)
            fprintf(stderr, "%s prefix_u16 differs on a wrapping row\n", name);
    }
    printf("%s: %s\n", name, fails ? "FAILED" : "ok");
    CHECK(fails == 0);
}

int main(int argc, char **argv)
{
    int simd = argc == 2 && !strcmp(argv[1], "simd");
    if (argc != 2 || (!simd && strcmp(argv[1], "c"))) {
        fprintf(stderr, "usage: %s c|simd\n", argv[0]);
        return 2;
    }
    CcImageDsp ref, v;
    cc_image_dsp_init(&ref, 0);
    if (simd)
        goto variants;
    /* the C table must really be C */
    CHECK(ref.blend_lerp == cc_blend_lerp_c && ref.wacc1 == cc_wacc1_c &&
          ref.mask_down2x2 == cc_mask_down2x2_c && ref.span_add == cc_span_add_c &&
          ref.hup == cc_hup_c && ref.waccn == cc_waccn_c && ref.expand_mask == cc_expand_mask_c &&
          ref.yuyv_split == cc_yuyv_split_c && ref.yuyv_merge == cc_yuyv_merge_c &&
          ref.prefix_u16 == cc_prefix_u16_c && ref.hsum_u16 == cc_hsum_u16_c);

    /* the reference against a direct formula, so C itself can fail */
    uint8_t d = 200, a = 10, b = 250, m = 128;
    ref.blend_lerp(&d, &a, &b, 64, &m, 1);
    int bg = (10 * 192 + 250 * 64 + 128) >> 8; /* 70 */
    int want = (int)((128.0 * 200 + 127.0 * bg) / 255.0 + 0.5);
    CHECK_MSG(d == want, "blend_lerp_c %d, want %d", d, want);
    for (int t = 0; t <= 255 * 255; t += 17) { /* rounding division by 255 */
        uint8_t dd = (uint8_t)(t / 255), aa = 0, mm = 255;
        ref.blend_lerp(&dd, &aa, &aa, 0, &mm, 1);
        CHECK(dd == t / 255);
    }
    /* block sums against a direct sum */
    {
        uint16_t src[6 * 9];
        uint32_t out[9];
        for (int i = 0; i < 6 * 9; i++)
            src[i] = (uint16_t)(60000 + i);
        for (int f = 1; f <= 6; f++) {
            ref.hsum_u16(out, src, f, 9);
            for (int X = 0; X < 9; X++) {
                uint32_t want = 0;
                for (int j = 0; j < f; j++)
                    want += 60000u + (uint32_t)(X * f + j);
                CHECK_MSG(out[X] == want, "hsum_u16_c f %d X %d: %u, want %u", f, X, out[X], want);
            }
        }
    }
    /* prefix sums against a direct sum, with 32-bit wrap-around */
    {
        enum { PN = 70000 };
        static uint16_t src[PN];
        static uint32_t dst[PN];
        for (int i = 0; i < PN; i++)
            src[i] = (uint16_t)(65535 - i % 3);
        ref.prefix_u16(dst, src, PN);
        uint64_t sum = 0;
        int bad = 0;
        for (int i = 0; i < PN; i++) {
            sum += src[i];
            bad += dst[i] != (uint32_t)sum;
        }
        CHECK_MSG(bad == 0, "prefix_u16_c: %d of %d sums wrong", bad, PN);
    }
    return CC_TEST_RESULT();

variants:;
    unsigned have = cc_image_cpu_flags();
    static const struct { unsigned flag; const char *name; } levels[] = {
        {CC_CPU_AVX2, "avx2"}, {CC_CPU_AVX2 | CC_CPU_AVX512, "avx512"},
        {CC_CPU_SIMD128, "simd128"}, /* the wasm build (tests/web, under node) */
    };
    int tested = 0;
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        if ((have & levels[i].flag) != levels[i].flag)
            continue;
        cc_image_dsp_init(&v, levels[i].flag);
        check_variant(levels[i].name, &ref, &v);
        tested++;
    }
    if (!tested) {
        printf("SKIP: no SIMD image kernels for this CPU\n");
        return CC_TEST_SKIP;
    }
    return CC_TEST_RESULT();
}
