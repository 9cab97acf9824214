/*
 * FFmpeg arnndn's text model format (.rnnn), reader and writer.
 *
 *   rnnoise-nu model file version 1
 *   <nb_inputs> <nb_neurons> <activation>        one line per layer, then one line per array:
 *   <input weights ...>                          nb_inputs * nb_neurons (* 3 for a GRU)
 *   <recurrent weights ...>                      GRU only: nb_neurons * 3 * nb_neurons
 *   <bias ...>                                   nb_neurons (* 3 for a GRU)
 * Layers in the order input_dense, vad_gru, noise_gru, denoise_gru, denoise_output, vad_output.
 * Values are decimal integers; element order equals rnn_data.c's arrays. FFmpeg skips to the
 * next line after each array, so the writer keeps every array on its own line. The reader is
 * stricter than FFmpeg: only whitespace-separated integers in -128..127 (weights) and the
 * exact topology; anything else is an error naming the line and byte offset.
 */
#include "audio/model/rnnmodel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char header[] = "rnnoise-nu model file version ";

typedef struct Cursor {
    const uint8_t *buf;
    size_t size, pos;
    size_t line;
} Cursor;

static void skip_space(Cursor *c)
{
    while (c->pos < c->size) {
        uint8_t ch = c->buf[c->pos];
        if (ch == '\n')
            c->line++;
        else if (ch != ' ' && ch != '\t' && ch != '\r')
            break;
        c->pos++;
    }
}

/* Reads one decimal integer in [lo, hi]. 0 on success; -1 with *why set otherwise. */
static int read_int(Cursor *c, long lo, long hi, long *val, const char **why)
{
    skip_space(c);
    if (c->pos >= c->size) {
        *why = "end of file";
        return -1;
    }
    int neg = 0;
    size_t p = c->pos;
    if (c->buf[p] == '-' || c->buf[p] == '+')
        neg = c->buf[p++] == '-';
    long v = 0;
    size_t digits = 0;
    while (p < c->size && c->buf[p] >= '0' && c->buf[p] <= '9') {
        if (v <= 100000) /* saturate: the range check below rejects anything this large */
            v = v * 10 + (c->buf[p] - '0');
        p++;
        digits++;
    }
    if (!digits) {
        *why = "not an integer";
        return -1;
    }
    if (p < c->size && c->buf[p] != ' ' && c->buf[p] != '\t' && c->buf[p] != '\r' &&
        c->buf[p] != '\n') {
        *why = "garbage after a number";
        return -1;
    }
    if (neg)
        v = -v;
    if (v < lo || v > hi) {
        *why = "value out of range";
        return -1;
    }
    c->pos = p;
    *val = v;
    return 0;
}

#define FAIL(...) do { cc_log(CC_LOG_ERROR, "rnnoise .rnnn: " __VA_ARGS__); goto fail; } while (0)

int cc_rnn_model_load_rnnn(CcRnnModel **out, const uint8_t *buf, size_t size)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    if (!buf && size)
        return CC_ERR(EINVAL);
    CcRnnModel *m = NULL;
    Cursor c = { buf, size, 0, 1 };
    const char *why = "";
    long v;

    if (size < sizeof(header) - 1 || memcmp(buf, header, sizeof(header) - 1))
        FAIL("line 1 is not \"%s1\"", header);
    c.pos = sizeof(header) - 1;
    if (c.pos >= size || buf[c.pos] < '0' || buf[c.pos] > '9' ||
        read_int(&c, 0, 1000000, &v, &why))
        FAIL("line 1: bad version number (%s)", why);
    if (v != 1)
        FAIL("line 1: version %ld, this reader knows version 1", v);

    m = cc_rnn_model_alloc();
    if (!m) {
        cc_log(CC_LOG_ERROR, "rnnoise .rnnn: out of memory");
        return CC_ERR(ENOMEM);
    }
    for (int l = 0; l < CC_RNN_LAYER_COUNT; l++) {
        const CcRnnLayerSpec *s = &cc_rnn_topology[l];
        CcRnnLayerView lv;
        cc_rnn_layer_view(m, l, &lv);
        long nin, nn, act;
        if (read_int(&c, 0, 1000000, &nin, &why) || read_int(&c, 0, 1000000, &nn, &why))
            FAIL("layer %s (line %zu, offset %zu): bad shape (%s)", s->name, c.line, c.pos, why);
        if (nin != s->nb_inputs || nn != s->nb_neurons)
            FAIL("layer %s (line %zu): shape %ld -> %ld, want %d -> %d", s->name, c.line, nin, nn,
                 s->nb_inputs, s->nb_neurons);
        if (read_int(&c, 0, CC_RNN_ACT_RELU, &act, &why))
            FAIL("layer %s (line %zu, offset %zu): bad activation (%s; 0 tanh, 1 sigmoid, "
                 "2 relu)", s->name, c.line, c.pos, why);
        *lv.activation = (int)act;
        for (int k = 0; k < CC_RNN_ARR_COUNT; k++) {
            for (size_t i = 0; i < lv.counts[k]; i++) {
                if (read_int(&c, -128, 127, &v, &why))
                    FAIL("layer %s, %s[%zu] of %zu (line %zu, offset %zu): %s", s->name,
                         cc_rnn_array_names[k], i, lv.counts[k], c.line, c.pos, why);
                lv.arrays[k][i] = (int8_t)v;
            }
        }
    }
    skip_space(&c);
    if (c.pos != size)
        FAIL("unexpected content after the last layer (line %zu, offset %zu)", c.line, c.pos);
    *out = m;
    return 0;
fail:
    cc_rnn_model_free(&m);
    return CC_ERR_MODEL;
}

int cc_rnn_model_write_rnnn(const CcRnnModel *m, uint8_t **out, size_t *size)
{
    if (!m || !out || !size)
        return CC_ERR(EINVAL);
    *out = NULL;
    *size = 0;
    /* At most 5 bytes per weight ("-128 "), plus headers. */
    size_t cap = sizeof(header) + 8 + (size_t)CC_RNN_WEIGHT_COUNT * 5 + CC_RNN_LAYER_COUNT * 64;
    char *b = malloc(cap);
    if (!b)
        return CC_ERR(ENOMEM);
    size_t n = (size_t)snprintf(b, cap, "%s1\n", header);
    for (int l = 0; l < CC_RNN_LAYER_COUNT; l++) {
        CcRnnLayerView v;
        cc_rnn_layer_view(m, l, &v);
        n += (size_t)snprintf(b + n, cap - n, "%d %d %d\n", *v.nb_inputs, *v.nb_neurons,
                              *v.activation);
        for (int k = 0; k < CC_RNN_ARR_COUNT; k++) {
            for (size_t i = 0; i < v.counts[k]; i++)
                n += (size_t)snprintf(b + n, cap - n, i + 1 < v.counts[k] ? "%d " : "%d\n",
                                      v.arrays[k][i]);
        }
    }
    *out = (uint8_t *)b;
    *size = n;
    return 0;
}
