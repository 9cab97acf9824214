/* RNNoise 0.1 model: topology table, allocation, format sniffing. */
#include "audio/model/rnnmodel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

const CcRnnLayerSpec cc_rnn_topology[CC_RNN_LAYER_COUNT] = {
    { "input_dense",    CC_RNN_KIND_DENSE, 42,  24, CC_RNN_ACT_TANH },
    { "vad_gru",        CC_RNN_KIND_GRU,   24,  24, CC_RNN_ACT_RELU },
    { "noise_gru",      CC_RNN_KIND_GRU,   90,  48, CC_RNN_ACT_RELU },
    { "denoise_gru",    CC_RNN_KIND_GRU,   114, 96, CC_RNN_ACT_RELU },
    { "denoise_output", CC_RNN_KIND_DENSE, 96,  22, CC_RNN_ACT_SIGMOID },
    { "vad_output",     CC_RNN_KIND_DENSE, 24,  1,  CC_RNN_ACT_SIGMOID },
};

const char *const cc_rnn_array_names[CC_RNN_ARR_COUNT] = {
    "input_weights", "recurrent_weights", "bias",
};

static void dense_view(CcRnnDense *d, CcRnnLayerView *v)
{
    v->nb_inputs = &d->nb_inputs;
    v->nb_neurons = &d->nb_neurons;
    v->activation = &d->activation;
    v->arrays[CC_RNN_ARR_INPUT] = d->input_weights;
    v->arrays[CC_RNN_ARR_RECURRENT] = NULL;
    v->arrays[CC_RNN_ARR_BIAS] = d->bias;
}

static void gru_view(CcRnnGru *g, CcRnnLayerView *v)
{
    v->nb_inputs = &g->nb_inputs;
    v->nb_neurons = &g->nb_neurons;
    v->activation = &g->activation;
    v->arrays[CC_RNN_ARR_INPUT] = g->input_weights;
    v->arrays[CC_RNN_ARR_RECURRENT] = g->recurrent_weights;
    v->arrays[CC_RNN_ARR_BIAS] = g->bias;
}

/* Element counts of layer spec s's arrays (0 where absent). */
static void spec_counts(const CcRnnLayerSpec *s, size_t counts[CC_RNN_ARR_COUNT])
{
    size_t gates = s->kind == CC_RNN_KIND_GRU ? 3 : 1;
    counts[CC_RNN_ARR_INPUT] = (size_t)s->nb_inputs * (size_t)s->nb_neurons * gates;
    counts[CC_RNN_ARR_RECURRENT] = s->kind == CC_RNN_KIND_GRU ?
        (size_t)s->nb_neurons * (size_t)s->nb_neurons * 3 : 0;
    counts[CC_RNN_ARR_BIAS] = (size_t)s->nb_neurons * gates;
}

void cc_rnn_layer_view(const CcRnnModel *cm, int layer, CcRnnLayerView *v)
{
    /* The view hands out writable pointers for the loaders; the model itself is const to
     * its users after loading. */
    CcRnnModel *m = (CcRnnModel *)(uintptr_t)cm;
    switch (layer) {
    case 0: dense_view(&m->input_dense, v); break;
    case 1: gru_view(&m->vad_gru, v); break;
    case 2: gru_view(&m->noise_gru, v); break;
    case 3: gru_view(&m->denoise_gru, v); break;
    case 4: dense_view(&m->denoise_output, v); break;
    default: dense_view(&m->vad_output, v); break;
    }
    spec_counts(&cc_rnn_topology[layer], v->counts);
}

CcRnnModel *cc_rnn_model_alloc(void)
{
    CcRnnModel *m = cc_calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->storage = cc_calloc(CC_RNN_WEIGHT_COUNT, 1);
    if (!m->storage) {
        free(m);
        return NULL;
    }
    m->storage_size = CC_RNN_WEIGHT_COUNT;
    size_t off = 0;
    for (int l = 0; l < CC_RNN_LAYER_COUNT; l++) {
        const CcRnnLayerSpec *s = &cc_rnn_topology[l];
        size_t counts[CC_RNN_ARR_COUNT];
        int8_t *p[CC_RNN_ARR_COUNT] = { NULL, NULL, NULL };
        spec_counts(s, counts);
        for (int a = 0; a < CC_RNN_ARR_COUNT; a++) {
            if (counts[a]) {
                p[a] = m->storage + off;
                off += counts[a];
            }
        }
        CcRnnDense *d = NULL;
        CcRnnGru *g = NULL;
        switch (l) {
        case 0: d = &m->input_dense; break;
        case 1: g = &m->vad_gru; break;
        case 2: g = &m->noise_gru; break;
        case 3: g = &m->denoise_gru; break;
        case 4: d = &m->denoise_output; break;
        default: d = &m->vad_output; break;
        }
        if (d) {
            d->nb_inputs = s->nb_inputs;
            d->nb_neurons = s->nb_neurons;
            d->activation = s->activation;
            d->input_weights = p[CC_RNN_ARR_INPUT];
            d->bias = p[CC_RNN_ARR_BIAS];
        } else {
            g->nb_inputs = s->nb_inputs;
            g->nb_neurons = s->nb_neurons;
            g->activation = s->activation;
            g->input_weights = p[CC_RNN_ARR_INPUT];
            g->recurrent_weights = p[CC_RNN_ARR_RECURRENT];
            g->bias = p[CC_RNN_ARR_BIAS];
        }
    }
    /* off == CC_RNN_WEIGHT_COUNT by construction of the topology table. */
    return m;
}

void cc_rnn_model_free(CcRnnModel **m)
{
    if (!m || !*m)
        return;
    free((*m)->storage);
    free(*m);
    *m = NULL;
}

static const uint8_t ccm_magic[8] = { 0x89, 'C', 'C', 'M', '\r', '\n', 0x1a, '\n' };
static const char rnnn_magic[] = "rnnoise-nu";

int cc_rnn_model_kind(const uint8_t *buf, size_t size)
{
    if (buf && size >= sizeof(ccm_magic) && !memcmp(buf, ccm_magic, sizeof(ccm_magic))) {
        if (size < 12) {
            cc_log(CC_LOG_ERROR, "rnnoise model: .ccm of %zu bytes ends before its version", size);
            return CC_ERR_MODEL;
        }
        uint32_t version = (uint32_t)buf[8] | (uint32_t)buf[9] << 8 | (uint32_t)buf[10] << 16 |
                           (uint32_t)buf[11] << 24;
        if (version == 1 || version == 2)
            return (int)version;
        cc_log(CC_LOG_ERROR, "rnnoise model: .ccm version %u at offset 8; known: 1 (RNNoise "
               "0.1), 2 (RNNoise 0.2)", version);
        return CC_ERR_MODEL;
    }
    if (buf && size >= sizeof(rnnn_magic) - 1 && !memcmp(buf, rnnn_magic, sizeof(rnnn_magic) - 1))
        return 1;
    cc_log(CC_LOG_ERROR, "rnnoise model: neither .ccm (magic \\x89CCM) nor .rnnn "
           "(\"rnnoise-nu model file\") at offset 0");
    return CC_ERR_MODEL;
}

int cc_rnn_model_load_any(CcRnnModel **out, const uint8_t *buf, size_t size)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    if (!buf && size)
        return CC_ERR(EINVAL);
    if (size >= sizeof(ccm_magic) && !memcmp(buf, ccm_magic, sizeof(ccm_magic))) {
        if (size >= 12 && cc_rnn_model_kind(buf, size) == 2) {
            cc_log(CC_LOG_ERROR, "rnnoise model: this is an RNNoise 0.2 model (.ccm version 2), "
                   "not 0.1");
            return CC_ERR_MODEL;
        }
        return cc_rnn_model_load(out, buf, size);
    }
    if (size >= sizeof(rnnn_magic) - 1 && !memcmp(buf, rnnn_magic, sizeof(rnnn_magic) - 1))
        return cc_rnn_model_load_rnnn(out, buf, size);
    cc_log(CC_LOG_ERROR, "rnnoise model: neither .ccm (magic \\x89CCM) nor .rnnn "
           "(\"rnnoise-nu model file\") at offset 0");
    return CC_ERR_MODEL;
}

int cc_rnn_model_load_file(CcRnnModel **out, const char *path)
{
    if (!out || !path)
        return CC_ERR(EINVAL);
    *out = NULL;
    uint8_t *buf;
    size_t size;
    int ret = cc_read_file(path, &buf, &size);
    if (ret < 0)
        return ret;
    ret = cc_rnn_model_load_any(out, buf, size);
    if (ret < 0)
        cc_log(CC_LOG_ERROR, "rnnoise model: %s could not be loaded", path);
    free(buf);
    return ret;
}
