/*
 * Model loaders against malformed input (needs no downloads: a synthetic model with
 * pseudo-random weights goes through our writers, then gets damaged). Every damaged file must
 * give CC_ERR_MODEL and *out == NULL, never a crash (run it under ASan/UBSan too).
 *   .ccm: truncation at every length (raw, and with the header size patched so the parser walks
 *   into the cut), byte flips in every header field with the checksum fixed up (structural
 *   checks) and without (checksum), huge sizes and counts, wrong topology, duplicates;
 *   records and arrays in another order still load (lookup by name).
 *   .rnnn: truncations, out-of-range and non-numeric values, wrong shapes, trailing content.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/model/rnnmodel.h"
#include "common.h"
#include "testutil.h"

static uint32_t lcg = 12345;
static int8_t rnd8(void)
{
    lcg = lcg * 1664525u + 1013904223u;
    return (int8_t)(lcg >> 24);
}

static uint32_t crc_table[256];
static uint32_t crc32_tab(const uint8_t *p, size_t n)
{
    if (!crc_table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            crc_table[i] = c;
        }
    uint32_t c = 0xffffffffu;
    while (n--)
        c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}
static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static void wr32(uint8_t *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }
static void fix_crc(uint8_t *b, size_t n) { wr32(b + n - 4, crc32_tab(b, n - 4)); }

static int quiet_loads;
static void quiet_log(void *o, int level, const char *msg) { (void)o; (void)level; (void)msg; }

/* 0 if the load failed cleanly (CC_ERR_MODEL, *out NULL); loaded model freed otherwise. */
static int load_fails(int rnnn, const uint8_t *b, size_t n)
{
    CcRnnModel *m = (CcRnnModel *)(uintptr_t)1;
    int ret = rnnn ? cc_rnn_model_load_rnnn(&m, b, n) : cc_rnn_model_load(&m, b, n);
    quiet_loads++;
    if (ret == 0) {
        cc_rnn_model_free(&m);
        return 0;
    }
    return ret == CC_ERR_MODEL && m == NULL;
}

/* Loads and returns the model (NULL on failure). */
static CcRnnModel *load(int rnnn, const uint8_t *b, size_t n)
{
    CcRnnModel *m = NULL;
    int ret = rnnn ? cc_rnn_model_load_rnnn(&m, b, n) : cc_rnn_model_load(&m, b, n);
    return ret == 0 ? m : NULL;
}

/* Byte offsets of the .ccm's structure, found by walking our own writer's output. */
typedef struct { size_t off, len; int is_activation; } Field;

static void test_ccm(const CcRnnModel *ref)
{
    uint8_t *f = NULL, *f2 = NULL;
    size_t n = 0, n2 = 0;
    CHECK(cc_rnn_model_write_ccm(ref, &f, &n) == 0);
    CHECK(cc_rnn_model_write_ccm(ref, &f2, &n2) == 0);
    CHECK(n == 88320 && n2 == n && !memcmp(f, f2, n)); /* deterministic, documented size */
    free(f2);
    CcRnnModel *m = load(0, f, n);
    CHECK(m && !memcmp(m->storage, ref->storage, CC_RNN_WEIGHT_COUNT));
    cc_rnn_model_free(&m);
    uint8_t *b = malloc(n);

    /* Header and record/array heads: every byte that is not weight data. */
    Field fields[64];
    int nf = 0;
    fields[nf++] = (Field){ 0, 40, 0 };
    size_t data_ranges[32][2];
    int nd = 0;
    size_t pos = 40;
    for (int r = 0; r < CC_RNN_LAYER_COUNT; r++) {
        size_t rs = rd32(f + pos), na = rd32(f + pos + 44);
        fields[nf++] = (Field){ pos, 40, 0 };
        fields[nf++] = (Field){ pos + 40, 1, 1 };
        fields[nf++] = (Field){ pos + 41, 7, 0 };
        size_t p = pos + 48;
        for (size_t a = 0; a < na; a++) {
            size_t cnt = rd32(f + p + 28), padded = (cnt + 3) & ~(size_t)3;
            fields[nf++] = (Field){ p, 32, 0 };
            data_ranges[nd][0] = p + 32;
            data_ranges[nd++][1] = p + 32 + cnt;
            if (padded > cnt)
                fields[nf++] = (Field){ p + 32 + cnt, padded - cnt, 0 }; /* padding must be 0 */
            p += 32 + padded;
        }
        CHECK(p == pos + rs);
        pos += rs;
    }
    CHECK(pos == n - 4);

    /* 1. Truncation at every length as cut (header.file_size catches it), and with
     *    header.file_size patched to the cut so the parser walks into it: every length of
     *    the first 4 KiB and the last 256 bytes, +-8 around every record and array boundary,
     *    and every 97th length elsewhere. */
    int bad = 0;
    memcpy(b, f, n);
    for (size_t len = 0; len < n; len++) {
        bad += !load_fails(0, f, len); /* the loader must not look past len */
        int near = len < 4096 || n - len < 256 || len % 97 == 0;
        for (int i = 0; i < nf && !near; i++)
            near = len + 8 >= fields[i].off && len <= fields[i].off + 8;
        if (near && len >= 16) {
            wr32(b + 12, (uint32_t)len);
            bad += !load_fails(0, b, len);
        }
    }
    CHECK_MSG(bad == 0, "%d truncated .ccm files loaded", bad);

    /* 2. Flips in every structural byte: checksum fixed (structure must catch it, except an
     *    activation code that stays a valid one) and not fixed (checksum must catch it). */
    bad = 0;
    for (int i = 0; i < nf; i++) {
        for (size_t o = fields[i].off; o < fields[i].off + fields[i].len; o++) {
            static const uint8_t masks[] = { 0x01, 0x80, 0xff };
            for (int k = 0; k < 3; k++) {
                memcpy(b, f, n);
                b[o] ^= masks[k];
                bad += !load_fails(0, b, n);
                fix_crc(b, n);
                if (fields[i].is_activation && b[o] <= CC_RNN_ACT_RELU) {
                    CcRnnModel *mm = load(0, b, n);
                    CHECK(mm != NULL);
                    cc_rnn_model_free(&mm);
                } else {
                    bad += !load_fails(0, b, n);
                }
            }
        }
    }
    CHECK_MSG(bad == 0, "%d .ccm files with a flipped structural byte loaded", bad);

    /* 3. Weight bytes: a flip is caught by the checksum; with it fixed, the new value loads. */
    bad = 0;
    for (int i = 0; i < 600; i++) {
        int r = (int)((unsigned)rnd8() & 0xff) % nd;
        size_t o = data_ranges[r][0] + ((size_t)(uint8_t)rnd8() * 331u + (size_t)i * 7u) %
                   (data_ranges[r][1] - data_ranges[r][0]);
        memcpy(b, f, n);
        b[o] ^= 0x10;
        bad += !load_fails(0, b, n);
        fix_crc(b, n);
        CcRnnModel *mm = load(0, b, n);
        CHECK(mm != NULL);
        if (mm) {
            size_t diff = 0;
            for (size_t k = 0; k < CC_RNN_WEIGHT_COUNT; k++)
                diff += mm->storage[k] != ref->storage[k];
            CHECK(diff == 1);
        }
        cc_rnn_model_free(&mm);
    }
    CHECK_MSG(bad == 0, "%d .ccm files with a flipped weight passed the checksum", bad);

    /* 4. Huge and wrong values, checksum fixed. */
    struct { size_t off; uint32_t v; const char *what; } edits[] = {
        { 8, 2, "version 2" }, { 12, 0xffffffffu, "huge file_size" },
        { 32, 0xffffffffu, "huge record_count" }, { 32, 5, "record_count 5" },
        { 32, 7, "record_count 7" }, { 36, 1, "flags" },
        { 40, 0xfffffffcu, "huge record_size" }, { 40, 48, "record_size too small" },
        { 40, 0, "record_size 0" }, { 40, 46, "record_size not a multiple of 4" },
        { 40 + 28, 2, "dense layer declared GRU" }, { 40 + 32, 43, "input_dense 43 inputs" },
        { 40 + 36, 25, "input_dense 25 neurons" }, { 40 + 40, 3, "activation 3" },
        { 40 + 44, 3, "dense with 3 arrays" }, { 40 + 44, 0xffffffffu, "huge array count" },
        { 40 + 48 + 24, 2, "dtype 2" }, { 40 + 48 + 28, 0xffffffffu, "huge array count" },
        { 40 + 48 + 28, 1007, "array count off by one" },
    };
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        memcpy(b, f, n);
        wr32(b + edits[i].off, edits[i].v);
        fix_crc(b, n);
        CHECK_MSG(load_fails(0, b, n), "accepted: %s", edits[i].what);
    }
    /* names: unterminated, empty, unknown, duplicate layer, wrong arch */
    size_t rec1 = 40 + rd32(f + 40); /* vad_gru record */
    size_t rec2 = rec1 + rd32(f + rec1);
    struct { size_t off; const char *s; size_t len; const char *what; } names[] = {
        { 16, "rnnoise-0.2", 12, "arch rnnoise-0.2" },
        { 16, "0123456789abcdef", 16, "arch without NUL" },
        { 44, "", 1, "empty layer name" },
        { 44, "input_densX", 12, "unknown layer" },
        { 44, "ABCDEFGHIJKLMNOPQRSTUVWX", 24, "layer name without NUL" },
        { rec2 + 4, "vad_gru\0\0", 10, "noise_gru renamed vad_gru (duplicate)" },
        { 88, "bias\0\0\0\0\0\0\0\0\0\0", 14, "input_weights renamed bias (duplicate)" },
        { 88, "recurrent_weights", 18, "recurrent array in a dense layer" },
        { 88, "input_weights\0x", 15, "garbage after the NUL of an array name" },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        memcpy(b, f, n);
        memcpy(b + names[i].off, names[i].s, names[i].len);
        fix_crc(b, n);
        CHECK_MSG(load_fails(0, b, n), "accepted: %s", names[i].what);
    }
    /* Wrong shape with consistent sizes: noise_gru 49 neurons would need other array sizes;
     * the header alone must already be refused. */
    memcpy(b, f, n);
    wr32(b + rec2 + 36, 49);
    fix_crc(b, n);
    CHECK_MSG(load_fails(0, b, n), "accepted noise_gru with 49 neurons");
    /* Trailing bytes inside the file (file_size grown by 4, zeros before the checksum). */
    {
        uint8_t *g = calloc(1, n + 4);
        memcpy(g, f, n - 4);
        wr32(g + 12, (uint32_t)n + 4);
        fix_crc(g, n + 4);
        CHECK_MSG(load_fails(0, g, n + 4), "accepted trailing bytes after the last record");
        free(g);
    }

    /* 5. Records swapped (input_dense <-> vad_gru) and arrays swapped inside input_dense:
     *    lookup is by name, so both still load to the same weights. */
    {
        size_t r0 = 40, s0 = rd32(f + 40), s1 = rd32(f + rec1);
        memcpy(b, f, n);
        memcpy(b + r0, f + rec1, s1);
        memcpy(b + r0 + s1, f + r0, s0);
        fix_crc(b, n);
        CcRnnModel *mm = load(0, b, n);
        CHECK_MSG(mm && !memcmp(mm->storage, ref->storage, CC_RNN_WEIGHT_COUNT),
                  "swapped records did not load to the same weights");
        cc_rnn_model_free(&mm);

        size_t a0 = 88, as0 = 32 + 1008, as1 = 32 + 24; /* input_weights, bias */
        memcpy(b, f, n);
        memcpy(b + a0, f + a0 + as0, as1);
        memcpy(b + a0 + as1, f + a0, as0);
        fix_crc(b, n);
        mm = load(0, b, n);
        CHECK_MSG(mm && !memcmp(mm->storage, ref->storage, CC_RNN_WEIGHT_COUNT),
                  "swapped arrays did not load to the same weights");
        cc_rnn_model_free(&mm);
    }
    free(b);
    free(f);
}

static void test_rnnn(const CcRnnModel *ref)
{
    uint8_t *f = NULL;
    size_t n = 0;
    CHECK(cc_rnn_model_write_rnnn(ref, &f, &n) == 0);
    CcRnnModel *m = load(1, f, n);
    CHECK(m && !memcmp(m->storage, ref->storage, CC_RNN_WEIGHT_COUNT));
    cc_rnn_model_free(&m);
    uint8_t *b = malloc(n + 64);

    /* Truncations: every length of the first 2 KiB and the last 256 bytes, every line end
     * +-2, and every 997th length elsewhere. Only a cut inside the final number (or of the final
     * newline) can still load. */
    size_t last_tok = n - 1;
    while (last_tok > 0 && f[last_tok - 1] != ' ' && f[last_tok - 1] != '\n')
        last_tok--;
    int bad = 0;
    for (size_t len = 0; len < n; len++) {
        int near_nl = 0;
        for (size_t k = len; k < len + 3 && k < n; k++)
            near_nl |= f[k] == '\n';
        if (!(len < 2048 || n - len < 256 || near_nl || len % 997 == 0))
            continue;
        int failed = load_fails(1, f, len);
        if (len > last_tok)
            continue; /* a prefix of the last number is still a number */
        bad += !failed;
    }
    CHECK_MSG(bad == 0, "%d truncated .rnnn files loaded", bad);

    /* Replace the first weight (line 3 starts after "rnnoise-nu ...\n42 24 0\n"). */
    const char *p3 = memchr(f, '\n', n);
    p3 = memchr(p3 + 1, '\n', n - (size_t)(p3 + 1 - (const char *)f)) + 1;
    size_t o3 = (size_t)(p3 - (const char *)f);
    size_t tok = 0;
    while (f[o3 + tok] != ' ')
        tok++;
    const char *vals[] = { "128", "-129", "1x", "abc", "99999999999999999999999", "-", "+",
                           "1.5", "0x10", "", "\x01", "--1" };
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        size_t L = strlen(vals[i]);
        memcpy(b, f, o3);
        memcpy(b + o3, vals[i], L);
        memcpy(b + o3 + L, f + o3 + tok, n - o3 - tok);
        size_t nb = n - tok + L;
        if (!L) { /* value removed: one number short */
            CHECK_MSG(load_fails(1, b, nb), "accepted a missing weight");
            continue;
        }
        CHECK_MSG(load_fails(1, b, nb), "accepted weight \"%s\"", vals[i]);
    }
    /* In-range edge values load. */
    const char *okv[] = { "127", "-128", "+5", "007" };
    for (size_t i = 0; i < 4; i++) {
        size_t L = strlen(okv[i]);
        memcpy(b, f, o3);
        memcpy(b + o3, okv[i], L);
        memcpy(b + o3 + L, f + o3 + tok, n - o3 - tok);
        CcRnnModel *mm = load(1, b, n - tok + L);
        CHECK_MSG(mm && mm->input_dense.input_weights[0] == (int8_t)atoi(okv[i]),
                  "did not load weight \"%s\"", okv[i]);
        cc_rnn_model_free(&mm);
    }
    /* Header and shape lines. */
    const char *hdr_end = memchr(f, '\n', n);
    size_t h = (size_t)(hdr_end - (const char *)f) + 1;
    const char *lines[] = { "rnnoise-nu model file version 2\n42 24 0\n",
                            "rnnoise-nu model file version\n42 24 0\n",
                            "rnnoise-nu model file version x\n42 24 0\n",
                            "rnnoise-nu model file version 1\n42 25 0\n",
                            "rnnoise-nu model file version 1\n41 24 0\n",
                            "rnnoise-nu model file version 1\n42 24 3\n",
                            "rnnoise-nu model file version 1\n42 24 -1\n",
                            "rnnoise-nu model file version 1\n42 24\n",
                            "RNNoise-nu model file version 1\n42 24 0\n" };
    size_t l2 = h + (size_t)((const char *)memchr(f + h, '\n', n - h) - (const char *)(f + h)) + 1;
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        size_t L = strlen(lines[i]);
        memcpy(b, lines[i], L);
        memcpy(b + L, f + l2, n - l2);
        CHECK_MSG(load_fails(1, b, L + n - l2), "accepted header \"%s\"", lines[i]);
    }
    /* Trailing content and embedded NUL. */
    memcpy(b, f, n);
    memcpy(b + n, "5\n", 2);
    CHECK_MSG(load_fails(1, b, n + 2), "accepted an extra number at the end");
    memcpy(b + n, "\n\n \t\r\n", 6);
    m = load(1, b, n + 6);
    CHECK_MSG(m != NULL, "trailing whitespace refused");
    cc_rnn_model_free(&m);
    memcpy(b, f, n);
    b[o3 + tok] = 0;
    CHECK_MSG(load_fails(1, b, n), "accepted a NUL byte between numbers");
    free(b);
    free(f);
}

static void test_api(const CcRnnModel *ref)
{
    CcRnnModel *m = NULL;
    uint8_t *o = NULL;
    size_t n = 0;
    CHECK(cc_rnn_model_load(NULL, (const uint8_t *)"x", 1) == CC_ERR(EINVAL));
    CHECK(cc_rnn_model_load(&m, NULL, 10) == CC_ERR(EINVAL) && !m);
    CHECK(cc_rnn_model_load(&m, NULL, 0) == CC_ERR_MODEL && !m);
    CHECK(cc_rnn_model_load_rnnn(NULL, (const uint8_t *)"x", 1) == CC_ERR(EINVAL));
    CHECK(cc_rnn_model_load_rnnn(&m, NULL, 0) == CC_ERR_MODEL && !m);
    CHECK(cc_rnn_model_load_any(&m, (const uint8_t *)"hello", 5) == CC_ERR_MODEL && !m);
    CHECK(cc_rnn_model_load_file(&m, "/nonexistent/rnnoise.ccm") < 0 && !m);
    CHECK(cc_rnn_model_write_ccm(NULL, &o, &n) == CC_ERR(EINVAL));
    CHECK(cc_rnn_model_write_ccm(ref, NULL, &n) == CC_ERR(EINVAL));
    CHECK(cc_rnn_model_write_rnnn(ref, &o, NULL) == CC_ERR(EINVAL));
    cc_rnn_model_free(NULL);
    cc_rnn_model_free(&m);
}

int main(void)
{
    CcRnnModel *ref = cc_rnn_model_alloc();
    CHECK(ref != NULL);
    if (!ref)
        return 1;
    for (size_t i = 0; i < CC_RNN_WEIGHT_COUNT; i++)
        ref->storage[i] = rnd8();
    ref->storage[0] = -128; /* both ends of the int8 range appear */
    ref->storage[1] = 127;
    cc_set_log_callback(quiet_log, NULL); /* thousands of expected errors */
    test_api(ref);
    test_ccm(ref);
    test_rnnn(ref);
    cc_rnn_model_free(&ref);
    printf("%d damaged inputs tried\n", quiet_loads);
    return CC_TEST_RESULT();
}
