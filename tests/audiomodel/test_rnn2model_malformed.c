/*
 * The RNNoise 0.2 loader (.ccm version 2) against malformed input. Base files: the committed
 * synthetic model (corpus/ccm2/valid_synth.ccm, from make_corpus2.mjs: no download needed)
 * and, when fetched, the real rnnoise2.ccm. Every damaged file must give CC_ERR_MODEL and
 * *out == NULL, never a crash (run it under ASan/UBSan too):
 *   truncation at every header boundary (raw, and with the header size and CRC patched so the
 *   parser walks into the cut); every header field; every record's size, type, byte count and
 *   name (unterminated, empty, unknown, duplicate), huge sizes; block indices out of range,
 *   not multiples of 4, decreasing, counts that overrun or leave entries; NaN and Inf floats;
 *   the checksum. Damage is made with the CRC fixed up, so the structural check itself must
 *   catch it. Records in another order still load (lookup by name); random byte flips either
 *   load or fail cleanly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/model/rnn2model.h"
#include "audio/model/rnnmodel.h"
#include "cleancast/audio.h"
#include "common.h"
#include "testutil.h"

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static void wr32(uint8_t *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }
static void fix_crc(uint8_t *b, size_t n) { wr32(b + n - 4, cc_rnn_crc32(b, n - 4)); }
static void quiet_log(void *o, int level, const char *msg) { (void)o; (void)level; (void)msg; }

static int cases;
/* 1 if loading fails cleanly (CC_ERR_MODEL, *out NULL). */
static int fails(const uint8_t *b, size_t n)
{
    CcRnn2Model *m = (CcRnn2Model *)(uintptr_t)1;
    int ret = cc_rnn2_model_load(&m, b, n);
    cases++;
    if (ret == 0) {
        cc_rnn2_model_free(&m);
        return 0;
    }
    return ret == CC_ERR_MODEL && m == NULL;
}

#define MAXREC CC_RNN2_ARRAY_COUNT
typedef struct File {
    const uint8_t *b;
    size_t n;
    size_t rec[MAXREC]; /* record offsets */
    const char *what;
} File;

static uint8_t *copy(const File *f)
{
    uint8_t *c = malloc(f->n);
    if (!c)
        abort();
    memcpy(c, f->b, f->n);
    return c;
}

/* A copy with one u32 replaced at off, CRC fixed (fix) or not; must fail. */
static void expect_u32(const File *f, size_t off, uint32_t v, int fix, const char *why)
{
    uint8_t *c = copy(f);
    wr32(c + off, v);
    if (fix)
        fix_crc(c, f->n);
    CHECK_MSG(fails(c, f->n), "%s: %s (offset %zu = 0x%x) was accepted", f->what, why, off, v);
    free(c);
}

static void truncations(const File *f)
{
    size_t cuts[8 * MAXREC + 64];
    int nc = 0;
    for (size_t c = 0; c <= 44; c++)
        cuts[nc++] = c;
    for (int r = 0; r < MAXREC; r++) {
        size_t o = f->rec[r];
        size_t in[] = { o + 4, o + 8, o + 12, o + 63, o + 64, o + 64 + (rd32(f->b + o + 8) / 2) };
        for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
            cuts[nc++] = in[i];
    }
    cuts[nc++] = f->n - 5;
    cuts[nc++] = f->n - 4;
    cuts[nc++] = f->n - 1;
    uint8_t *c = malloc(f->n + 4);
    for (int i = 0; i < nc; i++) {
        size_t cut = cuts[i];
        CHECK_MSG(fails(f->b, cut), "%s: raw cut at %zu accepted", f->what, cut);
        if (cut < 40 || cut == f->n - 4) /* n - 4 + a CRC is the intact file */
            continue;
        /* Header says cut + 4 bytes, a valid CRC follows: the walk runs into the cut. */
        memcpy(c, f->b, cut);
        wr32(c + 12, (uint32_t)(cut + 4));
        fix_crc(c, cut + 4);
        CHECK_MSG(fails(c, cut + 4), "%s: patched cut at %zu accepted", f->what, cut);
    }
    free(c);
}

static void header(const File *f)
{
    for (int i = 0; i < 8; i++) {
        uint8_t *c = copy(f);
        c[i] ^= 0x20;
        fix_crc(c, f->n);
        CHECK_MSG(fails(c, f->n), "%s: magic byte %d", f->what, i);
        free(c);
    }
    uint32_t versions[] = { 0, 1, 3, 0xffffffffu };
    for (int i = 0; i < 4; i++)
        expect_u32(f, 8, versions[i], 1, "version");
    expect_u32(f, 12, (uint32_t)f->n - 4, 1, "file size -4");
    expect_u32(f, 12, (uint32_t)f->n + 4, 1, "file size +4");
    expect_u32(f, 12, 0xffffffffu, 1, "file size huge");
    uint32_t counts[] = { 0, 42, 44, 0xffffffffu };
    for (int i = 0; i < 4; i++)
        expect_u32(f, 32, counts[i], 1, "record count");
    expect_u32(f, 36, 1, 1, "flags");
    uint8_t *c = copy(f);
    memcpy(c + 16, "rnnoise-0.1", 12);
    fix_crc(c, f->n);
    CHECK_MSG(fails(c, f->n), "%s: arch rnnoise-0.1", f->what);
    memset(c + 16, 'x', 16);
    fix_crc(c, f->n);
    CHECK_MSG(fails(c, f->n), "%s: arch unterminated", f->what);
    memcpy(c, f->b, f->n);
    c[f->n - 1] ^= 1;
    CHECK_MSG(fails(c, f->n), "%s: bad CRC", f->what);
    memcpy(c, f->b, f->n);
    c[f->rec[2] + 64 + 100] ^= 1; /* a weight byte, CRC not fixed */
    CHECK_MSG(fails(c, f->n), "%s: changed weight, old CRC", f->what);
    fix_crc(c, f->n);
    CHECK_MSG(!fails(c, f->n), "%s: changed weight, new CRC refused", f->what);
    free(c);
}

static void records(const File *f)
{
    for (int r = 0; r < MAXREC; r++) {
        size_t o = f->rec[r];
        uint32_t rs = rd32(f->b + o), ty = rd32(f->b + o + 4), by = rd32(f->b + o + 8);
        uint32_t sizes[] = { 0, 60, 63, rs + 4, rs - 4, 0xfffffffcu };
        for (int i = 0; i < 6; i++)
            expect_u32(f, o, sizes[i], 1, "record size");
        uint32_t types[] = { (ty + 1) & 3, 2, 0xffffffffu };
        for (int i = 0; i < 3; i++)
            expect_u32(f, o + 4, types[i], 1, "type");
        uint32_t bytes[] = { 0, by + 4, by - 4, by + 32, by - 32, 0x80000000u, 0xffffffffu };
        for (int i = 0; i < 7; i++)
            expect_u32(f, o + 8, bytes[i], 1, "byte count");
        /* The same byte count change with a matching record size: the topology rejects it. */
        uint8_t *c = copy(f);
        for (int i = 0; i < 2; i++) {
            memcpy(c, f->b, f->n);
            uint32_t d = i ? 4 : 32;
            if (by < d)
                continue;
            /* shrink data: move the rest of the file down by d bytes */
            memmove(c + o + 64 + by - d, f->b + o + 64 + by, f->n - (o + 64 + by));
            size_t n = f->n - d;
            wr32(c + o, rs - d);
            wr32(c + o + 8, by - d);
            wr32(c + 12, (uint32_t)n);
            fix_crc(c, n);
            CHECK_MSG(fails(c, n), "%s: record %d shrunk by %u with sizes patched", f->what, r, d);
        }
        const char *name = (const char *)f->b + o + 12;
        memcpy(c, f->b, f->n);
        memset(c + o + 12, 'a', 52);
        fix_crc(c, f->n);
        CHECK_MSG(fails(c, f->n), "%s: %s: unterminated name", f->what, name);
        memcpy(c, f->b, f->n);
        memset(c + o + 12, 0, 52);
        fix_crc(c, f->n);
        CHECK_MSG(fails(c, f->n), "%s: %s: empty name", f->what, name);
        memcpy(c, f->b, f->n);
        c[o + 12] ^= 0x20; /* "Conv1_..." */
        fix_crc(c, f->n);
        CHECK_MSG(fails(c, f->n), "%s: %s: unknown name", f->what, name);
        memcpy(c, f->b, f->n);
        c[o + 12 + 51] = 'z'; /* garbage after the NUL */
        fix_crc(c, f->n);
        CHECK_MSG(fails(c, f->n), "%s: %s: garbage in name padding", f->what, name);
        memcpy(c, f->b, f->n);
        memcpy(c + o + 12, f->b + f->rec[(r + 1) % MAXREC] + 12, 52);
        fix_crc(c, f->n);
        CHECK_MSG(fails(c, f->n), "%s: %s: duplicate name", f->what, name);
        free(c);
    }
}

static void idx_damage(const File *f)
{
    for (int r = 0; r < MAXREC; r++) {
        size_t o = f->rec[r];
        if (rd32(f->b + o + 4) != CC_RNN2_INT32)
            continue;
        size_t d = o + 64, n = rd32(f->b + o + 8) / 4;
        /* Find a group with >= 2 blocks, the first column entry, and the last group. */
        size_t p = 0, two = 0, col = 0, last = 0;
        while (p < n) {
            uint32_t nb = rd32(f->b + d + 4 * p);
            if (nb >= 1 && !col)
                col = p + 1;
            if (nb >= 2 && !two)
                two = p;
            last = p;
            p += 1 + nb;
        }
        CHECK_MSG(col && two, "%s: no group with 2 blocks in record %d", f->what, r);
        if (!col || !two)
            continue;
        expect_u32(f, d, 0xffffffffu, 1, "idx: count -1");
        expect_u32(f, d, 97, 1, "idx: count 97 > 384/4");
        expect_u32(f, d, 0x7fffffffu, 1, "idx: count huge");
        uint32_t cols[] = { 384, 381, 2, 0xfffffffcu, 0x7ffffffcu };
        for (int i = 0; i < 5; i++)
            expect_u32(f, d + 4 * col, cols[i], 1, "idx: column");
        /* Two blocks of one group in decreasing order, then equal. */
        uint32_t c0 = rd32(f->b + d + 4 * (two + 1)), c1 = rd32(f->b + d + 4 * (two + 2));
        uint8_t *c = copy(f);
        wr32(c + d + 4 * (two + 1), c1);
        wr32(c + d + 4 * (two + 2), c0);
        fix_crc(c, f->n);
        CHECK_MSG(fails(c, f->n), "%s: idx: decreasing columns", f->what);
        memcpy(c, f->b, f->n);
        wr32(c + d + 4 * (two + 2), c0);
        fix_crc(c, f->n);
        CHECK_MSG(fails(c, f->n), "%s: idx: repeated column", f->what);
        free(c);
        /* The last group claims one block more / less than it lists. */
        uint32_t nb_last = rd32(f->b + d + 4 * last);
        expect_u32(f, d + 4 * last, nb_last + 1, 1, "idx: last group overruns");
        if (nb_last)
            expect_u32(f, d + 4 * last, nb_last - 1, 1, "idx: entries left over");
    }
}

static void floats(const File *f)
{
    uint32_t bad[] = { 0x7fc00000u, 0x7f800000u, 0xff800000u, 0x7f800001u };
    int done = 0;
    for (int r = 0; r < MAXREC && done < 3; r++) {
        size_t o = f->rec[r];
        if (rd32(f->b + o + 4) != CC_RNN2_FLOAT)
            continue;
        for (int i = 0; i < 4; i++)
            expect_u32(f, o + 64 + 4 * (done * 7 % (rd32(f->b + o + 8) / 4)), bad[i], 1,
                       "non-finite float");
        done++;
    }
}

static void reorder_and_flips(const File *f)
{
    /* Records 0 and 1 swapped: lookup by name, same arrays. */
    uint8_t *c = copy(f);
    size_t r0 = f->rec[0], r1 = f->rec[1], s0 = r1 - r0, s1 = f->rec[2] - r1;
    memcpy(c + r0, f->b + r1, s1);
    memcpy(c + r0 + s1, f->b + r0, s0);
    fix_crc(c, f->n);
    CcRnn2Model *a = NULL, *b = NULL;
    CHECK(cc_rnn2_model_load(&a, f->b, f->n) == 0);
    CHECK_MSG(cc_rnn2_model_load(&b, c, f->n) == 0, "%s: swapped records refused", f->what);
    if (a && b)
        for (int i = 0; i < CC_RNN2_ARRAY_COUNT; i++)
            CHECK(a->arrays[i].bytes == b->arrays[i].bytes &&
                  !memcmp(a->arrays[i].data, b->arrays[i].data, a->arrays[i].bytes));
    cc_rnn2_model_free(&a);
    cc_rnn2_model_free(&b);
    /* Random single-byte damage in the first 64 KiB and the headers, CRC fixed. */
    uint32_t s = 777;
    for (int i = 0; i < 600; i++) {
        memcpy(c, f->b, f->n);
        s = s * 1664525u + 1013904223u;
        size_t pos = i % 2 ? f->rec[(s >> 8) % MAXREC] + (s >> 20) % 64 : (s >> 8) % 65536;
        c[pos] ^= (uint8_t)(1u << (s >> 29));
        fix_crc(c, f->n);
        CcRnn2Model *m = (CcRnn2Model *)(uintptr_t)1;
        int ret = cc_rnn2_model_load(&m, c, f->n);
        cases++;
        CHECK_MSG(ret == 0 ? m != NULL : ret == CC_ERR_MODEL && m == NULL,
                  "%s: flip at %zu: ret %d", f->what, pos, ret);
        cc_rnn2_model_free(&m);
    }
    free(c);
}

static void public_api(const File *f)
{
    uint8_t *c = copy(f);
    c[f->n - 1] ^= 1;
    CcDenoiseModel *m = (CcDenoiseModel *)(uintptr_t)1;
    CHECK(cc_denoise_model_open_buffer(&m, c, f->n) == CC_ERR_MODEL && m == NULL);
    m = (CcDenoiseModel *)(uintptr_t)1;
    CHECK(cc_denoise_model_open_buffer(&m, c, 11) == CC_ERR_MODEL && m == NULL);
    wr32(c + 8, 3);
    CHECK(cc_rnn_model_kind(c, f->n) == CC_ERR_MODEL);
    CHECK(cc_rnn_model_kind(c, 11) == CC_ERR_MODEL);
    CHECK(cc_rnn_model_kind(NULL, 0) == CC_ERR_MODEL);
    m = (CcDenoiseModel *)(uintptr_t)1;
    CHECK(cc_denoise_model_open_buffer(&m, c, f->n) == CC_ERR_MODEL && m == NULL);
    CHECK(cc_denoise_model_open_buffer(&m, f->b, f->n) == 0 &&
          cc_denoise_model_kind(m) == CC_DENOISE_MODEL_RNNOISE_0_2);
    cc_denoise_model_close(&m);
    CcRnn2Model *x = (CcRnn2Model *)(uintptr_t)1;
    CHECK(cc_rnn2_model_load(NULL, f->b, f->n) == CC_ERR(EINVAL));
    CHECK(cc_rnn2_model_load(&x, NULL, 5) == CC_ERR(EINVAL) && x == NULL);
    free(c);
}

static int index_file(File *f)
{
    size_t pos = 40;
    for (int r = 0; r < MAXREC; r++) {
        if (pos + 64 > f->n)
            return -1;
        f->rec[r] = pos;
        pos += rd32(f->b + pos);
    }
    return pos + 4 == f->n ? 0 : -1;
}

static void run(File *f, int full)
{
    CHECK_MSG(!fails(f->b, f->n), "%s: the intact file is refused", f->what);
    CHECK_MSG(index_file(f) == 0, "%s: cannot index records", f->what);
    if (cc_test_failures)
        return;
    truncations(f);
    header(f);
    if (full) {
        records(f);
        reorder_and_flips(f);
    }
    idx_damage(f);
    floats(f);
    public_api(f);
}

int main(void)
{
    char path[4096];
    uint8_t *b = NULL;
    size_t n = 0;
    cc_test_src_path(path, sizeof(path), "tests/audiomodel/corpus/ccm2/valid_synth.ccm");
    CHECK_MSG(cc_read_file(path, &b, &n) == 0, "cannot read %s", path);
    if (!b)
        return 1;
    cc_set_log_callback(quiet_log, NULL);
    File syn = { b, n, { 0 }, "synthetic" };
    run(&syn, 1);
    free(b);
    /* The real model too, when fetched (the mutations that need no full walk each time). */
    if (cc_test_cache_path(path, sizeof(path), "models/rnnoise2.ccm") &&
        cc_read_file(path, &b, &n) == 0) {
        File real = { b, n, { 0 }, "rnnoise2.ccm" };
        run(&real, 0);
        free(b);
    }
    fprintf(stderr, "%d damaged files refused or handled cleanly\n", cases);
    return CC_TEST_RESULT();
}
