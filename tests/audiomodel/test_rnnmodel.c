/*
 * The RNNoise model as fetched: .ccm and .rnnn from $CLEANCAST_CACHE/models load to identical
 * weights whose sha256 (in .rnnn order) is the pinned hash of xiph's rnn_data.c v0.1.1; the
 * struct fields point where the .rnnn order says; our writers reproduce the files written by
 * models/rnnoise/extract.mjs byte for byte; write -> read round-trips.
 * With --cross NODE EXTRACT_MJS REL: runs the extractor on another source in the cache
 * ($CLEANCAST_CACHE/REL: @jitsi/rnnoise-wasm@0.2.1 dist/rnnoise.wasm, Debian obs-studio's
 * obs-filters.so) and checks it yields the same weights. A source missing once the model
 * was fetched is a failure (meson lists the amd64-only OBS source only on x86_64).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/model/rnnmodel.h"
#include "common.h"
#include "sha256.h"
#include "testutil.h"

#define PINNED "85a2b1d85147dec0df3b05e0f05b0e041bde9974d28814fffb275b70d7740247"

static int read_all(const char *path, uint8_t **buf, size_t *size)
{
    return cc_read_file(path, buf, size);
}

static void check_layout(const CcRnnModel *m)
{
    /* Offsets of every array in .rnnn order, computed here from the topology numbers. */
    const int8_t *s = m->storage;
    size_t o = 0;
    CHECK(m->storage_size == CC_RNN_WEIGHT_COUNT);
#define DENSE(L, IN, N, ACT) do { \
    CHECK(m->L.nb_inputs == IN && m->L.nb_neurons == N && m->L.activation == ACT); \
    CHECK(m->L.input_weights == s + o); o += (size_t)(IN) * (N); \
    CHECK(m->L.bias == s + o); o += (N); } while (0)
#define GRU(L, IN, N) do { \
    CHECK(m->L.nb_inputs == IN && m->L.nb_neurons == N && m->L.activation == CC_RNN_ACT_RELU); \
    CHECK(m->L.input_weights == s + o); o += (size_t)(IN) * 3 * (N); \
    CHECK(m->L.recurrent_weights == s + o); o += (size_t)(N) * 3 * (N); \
    CHECK(m->L.bias == s + o); o += 3 * (N); } while (0)
    DENSE(input_dense, 42, 24, CC_RNN_ACT_TANH);
    GRU(vad_gru, 24, 24);
    GRU(noise_gru, 90, 48);
    GRU(denoise_gru, 114, 96);
    DENSE(denoise_output, 96, 22, CC_RNN_ACT_SIGMOID);
    DENSE(vad_output, 24, 1, CC_RNN_ACT_SIGMOID);
    CHECK(o == CC_RNN_WEIGHT_COUNT);
}

static int cross(const char *node, const char *extract, const char *rel)
{
    char wasm[4096], ccm_path[4096], tmp[] = "/tmp/cc_rnn_cross_XXXXXX";
    /* Skipped only when the model was never fetched. Once models/fetch_rnnoise.sh has run,
       every source meson lists for this machine must be there: a download that failed
       (the script only warns) is a broken setup, not a pass. */
    cc_test_need(ccm_path, sizeof(ccm_path), "models/rnnoise.ccm");
    if (!cc_test_cache_path(wasm, sizeof(wasm), rel)) {
        fprintf(stderr, "SETUP FAILED: %s missing although the model was fetched: "
                "models/fetch_rnnoise.sh could not get it (see its warning; rerun make models)\n",
                wasm);
        return 1;
    }
    int fd = mkstemp(tmp);
    CHECK(fd >= 0);
    if (fd < 0)
        return 1;
    close(fd);
    char cmd[16384];
    snprintf(cmd, sizeof(cmd), "'%s' '%s' --quiet --input '%s' --ccm '%s'", node, extract, wasm, tmp);
    int rc = system(cmd);
    CHECK_MSG(rc == 0, "extractor failed on %s: %s", rel, cmd);
    uint8_t *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    CcRnnModel *mj = NULL, *me = NULL;
    if (rc == 0 && read_all(tmp, &a, &na) == 0 && read_all(ccm_path, &b, &nb) == 0) {
        CHECK(cc_rnn_model_load(&mj, a, na) == 0);
        CHECK(cc_rnn_model_load(&me, b, nb) == 0);
        if (mj && me) {
            CHECK(!memcmp(mj->storage, me->storage, CC_RNN_WEIGHT_COUNT));
            char hex[65];
            cc_test_sha256_hex(mj->storage, mj->storage_size, hex);
            CHECK_MSG(!strcmp(hex, PINNED), "%s: weights sha256 %s", rel, hex);
        }
    }
    unlink(tmp);
    free(a);
    free(b);
    cc_rnn_model_free(&mj);
    cc_rnn_model_free(&me);
    return CC_TEST_RESULT();
}

int main(int argc, char **argv)
{
    cc_test_log_to_stderr();
    if (argc == 5 && !strcmp(argv[1], "--cross"))
        return cross(argv[2], argv[3], argv[4]);

    char ccm_path[4096], rnnn_path[4096];
    cc_test_need(ccm_path, sizeof(ccm_path), "models/rnnoise.ccm");
    cc_test_need(rnnn_path, sizeof(rnnn_path), "models/rnnoise.rnnn");
    uint8_t *ccm = NULL, *rnnn = NULL;
    size_t nccm = 0, nrnnn = 0;
    CHECK(read_all(ccm_path, &ccm, &nccm) == 0);
    CHECK(read_all(rnnn_path, &rnnn, &nrnnn) == 0);
    if (!ccm || !rnnn)
        return 1;

    CcRnnModel *a = NULL, *b = NULL, *c = NULL, *d = NULL;
    CHECK(cc_rnn_model_load(&a, ccm, nccm) == 0);
    CHECK(cc_rnn_model_load_rnnn(&b, rnnn, nrnnn) == 0);
    CHECK(cc_rnn_model_load_file(&c, ccm_path) == 0);
    CHECK(cc_rnn_model_load_file(&d, rnnn_path) == 0);
    /* Each format's loader refuses the other format. */
    CcRnnModel *x = (CcRnnModel *)1;
    CHECK(cc_rnn_model_load(&x, rnnn, nrnnn) == CC_ERR_MODEL && x == NULL);
    x = (CcRnnModel *)1;
    CHECK(cc_rnn_model_load_rnnn(&x, ccm, nccm) == CC_ERR_MODEL && x == NULL);
    if (!a || !b || !c || !d)
        return 1;

    char hex[65];
    cc_test_sha256_hex(a->storage, a->storage_size, hex);
    CHECK_MSG(!strcmp(hex, PINNED), ".ccm weights sha256 %s, want %s", hex, PINNED);
    cc_test_sha256_hex(b->storage, b->storage_size, hex);
    CHECK_MSG(!strcmp(hex, PINNED), ".rnnn weights sha256 %s, want %s", hex, PINNED);
    CHECK(!memcmp(a->storage, b->storage, CC_RNN_WEIGHT_COUNT));
    CHECK(!memcmp(a->storage, c->storage, CC_RNN_WEIGHT_COUNT));
    CHECK(!memcmp(a->storage, d->storage, CC_RNN_WEIGHT_COUNT));
    check_layout(a);
    check_layout(b);

    /* Our writers give the bytes extract.mjs wrote; reading them back gives the same model. */
    uint8_t *w1 = NULL, *w2 = NULL;
    size_t n1 = 0, n2 = 0;
    CHECK(cc_rnn_model_write_ccm(b, &w1, &n1) == 0);
    CHECK(cc_rnn_model_write_rnnn(a, &w2, &n2) == 0);
    CHECK_MSG(n1 == nccm && w1 && !memcmp(w1, ccm, nccm), "C .ccm writer differs from extract.mjs");
    CHECK_MSG(n2 == nrnnn && w2 && !memcmp(w2, rnnn, nrnnn), "C .rnnn writer differs from extract.mjs");
    CcRnnModel *r1 = NULL, *r2 = NULL;
    CHECK(cc_rnn_model_load(&r1, w1, n1) == 0);
    CHECK(cc_rnn_model_load_rnnn(&r2, w2, n2) == 0);
    CHECK(r1 && !memcmp(r1->storage, a->storage, CC_RNN_WEIGHT_COUNT));
    CHECK(r2 && !memcmp(r2->storage, a->storage, CC_RNN_WEIGHT_COUNT));

    free(w1);
    free(w2);
    free(ccm);
    free(rnnn);
    cc_rnn_model_free(&a);
    cc_rnn_model_free(&b);
    cc_rnn_model_free(&c);
    cc_rnn_model_free(&d);
    cc_rnn_model_free(&r1);
    cc_rnn_model_free(&r2);
    cc_rnn_model_free(&a); /* NULL-safe twice */
    cc_rnn_model_free(NULL);
    return CC_TEST_RESULT();
}
