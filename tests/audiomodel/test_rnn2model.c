/*
 * The RNNoise 0.2 model as fetched ($CLEANCAST_CACHE/models/rnnoise2.ccm, written by
 * models/fetch_rnnoise2.sh): it loads; the canonical serialisation of its table (FORMAT.md)
 * has the pinned sha256; every array has the name, type and size of xiph's table and every
 * layer the shape of the topology; the sparse layers have 4608 blocks of 8x4; our writer gives
 * back the file byte for byte; the kind is told by content (0.1 vs 0.2) in the internal and
 * public API; cc_denoiser_open() with a 0.2 model runs it, one 10 ms frame later than 0.1.
 * With --cross NODE EXTRACT2_MJS REL: runs the extractor on another source in the cache and
 * checks it gives the same file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/model/rnn2model.h"
#include "audio/model/rnnmodel.h"
#include "cleancast/audio.h"
#include "common.h"
#include "sha256.h"
#include "testutil.h"

/* xiph's table as the two npm builds hold it: name, type code, bytes. */
static const struct { const char *name; int type; size_t bytes; } table[CC_RNN2_ARRAY_COUNT] = {
    { "conv1_weights_float", 0, 99840 }, { "conv1_bias", 0, 512 },
    { "conv2_weights_int8", 3, 147456 }, { "conv2_subias", 0, 1536 },
    { "conv2_scale", 0, 1536 }, { "conv2_bias", 0, 1536 },
#define GRU(n) \
    { "gru" #n "_input_weights_int8", 3, 147456 }, { "gru" #n "_input_weights_idx", 1, 19008 }, \
    { "gru" #n "_input_subias", 0, 4608 }, { "gru" #n "_input_scale", 0, 4608 }, \
    { "gru" #n "_input_bias", 0, 4608 }, { "gru" #n "_recurrent_weights_diag", 0, 4608 }, \
    { "gru" #n "_recurrent_weights_int8", 3, 147456 }, \
    { "gru" #n "_recurrent_weights_idx", 1, 19008 }, { "gru" #n "_recurrent_subias", 0, 4608 }, \
    { "gru" #n "_recurrent_scale", 0, 4608 }, { "gru" #n "_recurrent_bias", 0, 4608 }
    GRU(1), GRU(2), GRU(3),
#undef GRU
    { "dense_out_weights_float", 0, 49152 }, { "dense_out_bias", 0, 128 },
    { "vad_dense_weights_float", 0, 1536 }, { "vad_dense_bias", 0, 4 },
};

static char last_log[512];
static void keep_log(void *o, int level, const char *msg)
{
    (void)o;
    (void)level;
    snprintf(last_log, sizeof(last_log), "%s", msg);
    fprintf(stderr, "log: %s\n", msg);
}

/* sha256 of the canonical serialisation: name, NUL, u32 type, u32 bytes, data; table order. */
static void canonical_sha(const CcRnn2Model *m, char hex[65])
{
    size_t n = 0;
    for (int a = 0; a < CC_RNN2_ARRAY_COUNT; a++)
        n += strlen(m->arrays[a].name) + 1 + 8 + m->arrays[a].bytes;
    uint8_t *b = malloc(n), *p = b;
    if (!b) {
        hex[0] = 0;
        return;
    }
    for (int a = 0; a < CC_RNN2_ARRAY_COUNT; a++) {
        const CcRnn2Array *x = &m->arrays[a];
        size_t l = strlen(x->name) + 1;
        memcpy(p, x->name, l);
        p += l;
        uint32_t v[2] = { (uint32_t)x->type, (uint32_t)x->bytes };
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < 4; i++)
                *p++ = (uint8_t)(v[k] >> (8 * i));
        /* Elements as little-endian bytes (the host is little-endian on every target). */
        memcpy(p, x->data, x->bytes);
        p += x->bytes;
    }
    cc_test_sha256_hex(b, n, hex);
    free(b);
}

static void check_layer(const char *what, const CcRnn2Layer *L, int in, int out, int int8,
                        int sparse, int diag)
{
    CHECK_MSG(L->nb_inputs == in && L->nb_outputs == out, "%s: %d -> %d", what, L->nb_inputs,
              L->nb_outputs);
    CHECK_MSG(!!L->weights_float == !int8 && !!L->weights_int8 == !!int8, "%s: weights", what);
    CHECK_MSG(!!L->idx == !!sparse && !!L->diag == !!diag && L->bias, "%s: arrays", what);
    CHECK_MSG(!!L->scale == !!int8 && !!L->subias == !!int8, "%s: scale/subias", what);
    if (int8)
        CHECK_MSG(L->nb_blocks == (sparse ? 4608u : (size_t)in * out / 32), "%s: %zu blocks",
                  what, L->nb_blocks);
    if (sparse)
        CHECK_MSG(L->idx_count == 4752, "%s: %zu idx", what, L->idx_count);
    /* Every array 64-byte aligned. */
    const void *p[] = { L->weights_float, L->weights_int8, L->idx, L->bias, L->subias, L->scale,
                        L->diag };
    for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
        CHECK(((uintptr_t)p[i] & 63) == 0);
}

static int cross(const char *node, const char *extract, const char *rel)
{
    char src[4096], ccm_path[4096], tmp[] = "/tmp/cc_rnn2_cross_XXXXXX";
    cc_test_need(src, sizeof(src), rel);
    cc_test_need(ccm_path, sizeof(ccm_path), "models/rnnoise2.ccm");
    int fd = mkstemp(tmp);
    CHECK(fd >= 0);
    if (fd < 0)
        return 1;
    close(fd);
    char cmd[16384];
    snprintf(cmd, sizeof(cmd), "'%s' '%s' --quiet --input '%s' --ccm '%s'", node, extract, src, tmp);
    int rc = system(cmd);
    CHECK_MSG(rc == 0, "extractor failed on %s: %s", rel, cmd);
    uint8_t *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    if (rc == 0 && cc_read_file(tmp, &a, &na) == 0 && cc_read_file(ccm_path, &b, &nb) == 0)
        CHECK_MSG(na == nb && !memcmp(a, b, na), "%s gives another rnnoise2.ccm", rel);
    unlink(tmp);
    free(a);
    free(b);
    return CC_TEST_RESULT();
}

int main(int argc, char **argv)
{
    cc_set_log_callback(keep_log, NULL);
    if (argc == 5 && !strcmp(argv[1], "--cross"))
        return cross(argv[2], argv[3], argv[4]);

    char path[4096];
    cc_test_need(path, sizeof(path), "models/rnnoise2.ccm");
    uint8_t *buf = NULL;
    size_t size = 0;
    CHECK(cc_read_file(path, &buf, &size) == 0);
    if (!buf)
        return 1;
    CHECK(cc_rnn_model_kind(buf, size) == 2);

    CcRnn2Model *m = NULL, *f = NULL;
    CHECK(cc_rnn2_model_load(&m, buf, size) == 0);
    CHECK(cc_rnn2_model_load_file(&f, path) == 0);
    if (!m || !f)
        return 1;

    char hex[65];
    canonical_sha(m, hex);
    CHECK_MSG(!strcmp(hex, CC_RNN2_TABLE_SHA256), "table sha256 %s, want %s", hex,
              CC_RNN2_TABLE_SHA256);
    size_t values = 0, matrix = 0;
    for (int a = 0; a < CC_RNN2_ARRAY_COUNT; a++) {
        const CcRnn2Array *x = &m->arrays[a];
        CHECK_MSG(!strcmp(x->name, table[a].name) && x->type == table[a].type &&
                  x->bytes == table[a].bytes, "array %d: %s type %d, %zu bytes", a, x->name,
                  x->type, x->bytes);
        CHECK(cc_rnn2_model_find(m, table[a].name, table[a].type, x->count) == x);
        CHECK(cc_rnn2_model_find(m, table[a].name, table[a].type, 0) == x);
        CHECK(!memcmp(f->arrays[a].data, x->data, x->bytes));
        values += x->count;
        if (strstr(x->name, "_weights_float") || strstr(x->name, "_weights_int8"))
            matrix += x->count;
    }
    CHECK_MSG(values == 1123841 && matrix == 1069824, "%zu values, %zu matrix entries", values,
              matrix);
    /* Lookups with the wrong type, count or name find nothing. */
    CHECK(!cc_rnn2_model_find(m, "conv1_bias", CC_RNN2_INT8, 0));
    CHECK(!cc_rnn2_model_find(m, "conv1_bias", CC_RNN2_FLOAT, 127));
    CHECK(!cc_rnn2_model_find(m, "conv1_weights_int8", CC_RNN2_INT8, 0));
    CHECK(!cc_rnn2_model_find(NULL, "conv1_bias", CC_RNN2_FLOAT, 0));

    check_layer("conv1", &m->conv1, 195, 128, 0, 0, 0);
    check_layer("conv2", &m->conv2, 384, 384, 1, 0, 0);
    for (int g = 0; g < 3; g++) {
        check_layer("gru input", &m->gru_input[g], 384, 1152, 1, 1, 0);
        check_layer("gru recurrent", &m->gru_recurrent[g], 384, 1152, 1, 1, 1);
    }
    check_layer("dense_out", &m->dense_out, 384, 32, 0, 0, 0);
    check_layer("vad_dense", &m->vad_dense, 384, 1, 0, 0, 0);
    CHECK(m->conv1.weights_float == m->arrays[0].data && m->vad_dense.bias == m->arrays[42].data);

    /* Our writer gives the bytes extract2.mjs wrote. */
    uint8_t *w = NULL;
    size_t n = 0;
    CHECK(cc_rnn2_model_write_ccm(m, &w, &n) == 0);
    CHECK_MSG(w && n == size && !memcmp(w, buf, size), "C writer differs from extract2.mjs");
    free(w);

    /* The 0.1 loader refuses a 0.2 file (and says so); the 0.2 loader refuses 0.1 files. */
    CcRnnModel *x = (CcRnnModel *)1;
    CHECK(cc_rnn_model_load_any(&x, buf, size) == CC_ERR_MODEL && x == NULL);
    CHECK(strstr(last_log, "RNNoise 0.2") != NULL);
    char p01[4096];
    if (cc_test_cache_path(p01, sizeof(p01), "models/rnnoise.ccm")) {
        uint8_t *b01 = NULL;
        size_t n01 = 0;
        CHECK(cc_read_file(p01, &b01, &n01) == 0);
        CHECK(cc_rnn_model_kind(b01, n01) == 1);
        CcRnn2Model *y = (CcRnn2Model *)1;
        CHECK(cc_rnn2_model_load(&y, b01, n01) == CC_ERR_MODEL && y == NULL);
        CcDenoiseModel *d01 = NULL;
        CHECK(cc_denoise_model_open_buffer(&d01, b01, n01) == 0);
        CHECK(cc_denoise_model_kind(d01) == CC_DENOISE_MODEL_RNNOISE_0_1);
        cc_denoise_model_close(&d01);
        free(b01);
    }

    /* Public API: a 0.2 model opens, says it is 0.2, and a denoiser runs it (fidelity is
       tests/audio/test_reference2.c's). */
    CcDenoiseModel *dm = NULL;
    CHECK(cc_denoise_model_open_buffer(&dm, buf, size) == 0);
    CHECK(cc_denoise_model_kind(dm) == CC_DENOISE_MODEL_RNNOISE_0_2);
    CHECK(cc_denoise_model_kind(NULL) == CC_ERR(EINVAL));
    CcDenoiserSettings s;
    cc_denoiser_default_settings(&s);
    CcDenoiser *dn = (CcDenoiser *)1;
    CHECK(cc_denoiser_open(&dn, dm, &s) == 0 && dn != NULL);
    /* 479 samples of framing + 960 of RNNoise 0.2 (0.1: 479 + 480) */
    CHECK_MSG(cc_denoiser_latency_samples(dn) == 479 + 960, "latency %d",
              cc_denoiser_latency_samples(dn));
    cc_denoiser_close(&dn);
    cc_denoise_model_close(&dm);
    CHECK(cc_denoise_model_open_file(&dm, path) == 0 &&
          cc_denoise_model_kind(dm) == CC_DENOISE_MODEL_RNNOISE_0_2);
    cc_denoise_model_close(&dm);

    free(buf);
    cc_rnn2_model_free(&m);
    cc_rnn2_model_free(&f);
    cc_rnn2_model_free(&m); /* NULL-safe twice */
    cc_rnn2_model_free(NULL);
    return CC_TEST_RESULT();
}
