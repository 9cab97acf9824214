/*
 * The TFLite reader on bad input: a small generated model (every supported op) and the
 * real selfie model, truncated at many lengths, with flipped bytes and overwritten
 * offsets. Every case must return 0 or a negative error, never crash (run it under
 * ASan/UBSan too); truncations must fail. Graphs that still parse are run through the
 * portable executor (and XNNPACK) to prove the checks protect the executors. Deliberate
 * defects must give the right error code and a message naming the problem.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "common.h"
#include "nn/graph.h"
#include "testutil.h"
#include "tflite_writer.h"

static char last_msg[512];
static int n_msgs;

static void capture(void *opaque, int level, const char *msg)
{
    (void)opaque;
    if (level == CC_LOG_ERROR) {
        snprintf(last_msg, sizeof(last_msg), "%s", msg);
        n_msgs++;
    }
}

static uint32_t rng = 99;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static int n_parsed, n_rejected;

/* Parses; on success runs small graphs. Returns the parse result. */
static int try_parse(const uint8_t *buf, size_t size)
{
    CcNnGraph *g = NULL;
    last_msg[0] = 0;
    int r = cc_nn_graph_parse(&g, buf, size);
    CHECK(r <= 0);
    if (r) {
        CHECK(g == NULL);
        CHECK_MSG(last_msg[0] != 0, "error %d without a log message", r);
        n_rejected++;
        return r;
    }
    n_parsed++;
    size_t acts = 0;
    for (int i = 0; i < g->n_tensors; i++)
        acts += g->tensors[i].data ? 0 : g->tensors[i].count;
    if (acts <= 1 << 20) {
        for (int k = 0; k < 2; k++) {
            CcNnExec *e = NULL;
            int er = k ? cc_nn_exec_open(&e, g, CC_BACKEND_XNNPACK, 1) : cc_nn_exec_open_portable(&e, g, 1);
            if (!er) {
                int h, w, c;
                cc_nn_graph_input_shape(g, &h, &w, &c);
                memset(cc_nn_exec_input(e), 0, (size_t)h * w * c * sizeof(float));
                CHECK(cc_nn_exec_run(e) == 0);
                cc_nn_exec_close(&e);
            }
        }
    }
    cc_nn_graph_free(&g);
    return 0;
}

static void mutate_all(const uint8_t *model, size_t size, const char *name, int every_byte, int n_random)
{
    uint8_t *buf = malloc(size);
    /* Truncations: every length for the first 512 bytes (the tables), then spread. */
    int trunc_ok = 1;
    for (size_t len = 0; len < size; len += len < 512 || every_byte ? 1 : 1 + size / 400) {
        uint8_t *cut = malloc(len ? len : 1); /* exact size so ASan sees over-reads */
        memcpy(cut, model, len);
        if (try_parse(cut, len) == 0)
            trunc_ok = 0;
        free(cut);
    }
    CHECK_MSG(trunc_ok, "%s: a truncated file parsed", name);
    /* Single bytes: every byte with three patterns (small model) or random positions. */
    size_t n_flip = every_byte ? size * 3 : (size_t)n_random;
    for (size_t i = 0; i < n_flip; i++) {
        memcpy(buf, model, size);
        size_t pos = every_byte ? i / 3 : rnd() % size;
        static const uint8_t pat[3] = {0xff, 0x01, 0x80};
        buf[pos] ^= every_byte ? pat[i % 3] : (uint8_t)(1 + rnd() % 255);
        try_parse(buf, size);
    }
    /* Offsets: overwrite aligned words in the table area with hostile values. */
    static const uint32_t hostile[] = {0, 1, 3, 4, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffc, 0x10000};
    size_t area = size < 4096 ? size : 4096;
    for (int i = 0; i < n_random; i++) {
        memcpy(buf, model, size);
        size_t pos = (rnd() % (area / 4)) * 4;
        uint32_t v = i % 2 ? hostile[rnd() % (sizeof(hostile) / sizeof(hostile[0]))] : (uint32_t)(rnd() % (2 * size));
        for (int k = 0; k < 4; k++)
            buf[pos + k] = (uint8_t)(v >> (8 * k));
        try_parse(buf, size);
    }
    /* Several random bytes at once. */
    for (int i = 0; i < n_random; i++) {
        memcpy(buf, model, size);
        for (int k = 0; k < 4; k++)
            buf[rnd() % size] = (uint8_t)rnd();
        try_parse(buf, size);
    }
    free(buf);
}

static void expect(int variant, int code, const char *needle)
{
    uint8_t *m;
    size_t size;
    CHECK(tw_tiny_model(&m, &size, variant) == 0);
    CcNnGraph *g = NULL;
    last_msg[0] = 0;
    int r = cc_nn_graph_parse(&g, m, size);
    CHECK_MSG(r == code && strstr(last_msg, needle), "variant %d: got %d '%s', expected %d '%s'", variant, r,
              last_msg, code, needle);
    cc_nn_graph_free(&g);
    free(m);
}

int main(void)
{
    cc_set_log_callback(capture, NULL);
    uint8_t *tiny;
    size_t tiny_size;
    CHECK(tw_tiny_model(&tiny, &tiny_size, TW_VALID) == 0);
    CcNnGraph *g = NULL;
    int r = cc_nn_graph_parse(&g, tiny, tiny_size);
    CHECK_MSG(r == 0, "tiny model: %s (%s)", cc_strerror(r), last_msg);
    if (!r) {
        int h, w, c;
        cc_nn_graph_input_shape(g, &h, &w, &c);
        CHECK(h == 8 && w == 8 && c == 3);
        cc_nn_graph_output_shape(g, &h, &w, &c);
        CHECK(h == 16 && w == 16 && c == 1);
        CHECK(g->n_ops == 12); /* DEQUANTIZE folded */
        cc_nn_graph_free(&g);
    }
    expect(TW_FULLY_CONNECTED, CC_ERR_UNSUPPORTED, "operator 2: builtin op 9 (FULLY_CONNECTED) is not supported");
    expect(TW_CUSTOM_FOO, CC_ERR_UNSUPPORTED, "operator 11: custom op 'Foo' is not supported");
    expect(TW_DILATION, CC_ERR_UNSUPPORTED, "dilation 2x2");
    expect(TW_TCONV_PADDING, CC_ERR_UNSUPPORTED, "padding mode 0");
    expect(TW_BAD_BUFFER, CC_ERR_MODEL, "tensor 0: buffer index 99 out of range (model has 23 buffers)");
    expect(TW_TANH, CC_ERR_UNSUPPORTED, "fused activation 4");
    expect(TW_ALIGN_CORNERS, CC_ERR_UNSUPPORTED, "align_corners 1");
    expect(TW_BAD_SHAPE, CC_ERR_MODEL, "padding mode gives 4x4");
    expect(TW_SHORT_TCONV_OPTS, CC_ERR_MODEL, "custom options are 8 bytes");
    static const uint8_t junk[16] = "0123TFL3abcdefgh";
    CHECK(cc_nn_graph_parse(&g, junk, sizeof(junk)) == CC_ERR_MODEL && !g);
    CHECK(cc_nn_graph_parse(&g, tiny, 7) == CC_ERR_MODEL);
    CHECK(cc_nn_graph_parse(&g, NULL, 100) == CC_ERR(EINVAL));
    CHECK(cc_nn_graph_parse(NULL, tiny, tiny_size) == CC_ERR(EINVAL));
    CcNnExec *e = NULL;
    CHECK(cc_nn_exec_open(&e, NULL, CC_BACKEND_PORTABLE, 1) == CC_ERR(EINVAL) && !e);
    cc_nn_exec_close(&e);
    cc_nn_exec_close(NULL);

    mutate_all(tiny, tiny_size, "tiny model", 1, 3000);
    printf("tiny model (%zu bytes): %d mutants parsed, %d rejected\n", tiny_size, n_parsed, n_rejected);
    free(tiny);

    char path[4096];
    if (cc_test_cache_path(path, sizeof(path), "models/selfie_segmentation.tflite")) {
        uint8_t *model;
        size_t size;
        CHECK(cc_read_file(path, &model, &size) == 0);
        n_parsed = n_rejected = 0;
        mutate_all(model, size, "selfie_segmentation.tflite", 0, 1500);
        printf("selfie model (%zu bytes): %d mutants parsed, %d rejected\n", size, n_parsed, n_rejected);
        free(model);
    } else {
        printf("selfie model not in the cache: only the generated model was mutated\n");
    }
    return CC_TEST_RESULT();
}
