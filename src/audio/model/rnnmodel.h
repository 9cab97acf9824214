/*
 * RNNoise 0.1 model in memory (internal). Topology (xiph rnnoise v0.1.1, rnn_data.c):
 *   input_dense    42 -> 24, tanh
 *   vad_gru        24 -> 24 (GRU), relu (xiph's activation code for the GRU candidate)
 *   noise_gru      (24+24+42=90) -> 48 (GRU), relu
 *   denoise_gru    (24+48+42=114) -> 96 (GRU), relu
 *   denoise_output 96 -> 22, sigmoid (band gains)
 *   vad_output     24 -> 1, sigmoid (voice activity)
 * Weights are int8 as in rnn_data.c; real value = q / 256 (WEIGHTS_SCALE 1/256).
 * Order of the 87,503 weights in `storage` = FFmpeg's .rnnn order: layers as listed above;
 * inside a layer input weights, then recurrent weights (GRU only), then bias (af_arnndn.c
 * reads them in that order; rnn_data.c declares bias first, but .rnnn puts it last).
 * sha256 of `storage` is 85a2b1d85147dec0df3b05e0f05b0e041bde9974d28814fffb275b70d7740247.
 *
 * Loading: cc_rnn_model_load() (.ccm, models/rnnoise/FORMAT.md) or cc_rnn_model_load_rnnn()
 * (FFmpeg's text format); both check every size against the topology and return
 * CC_ERR_MODEL with a cc_log() message naming the record, field and offset. A loaded model is
 * immutable and may be shared by any number of denoisers and threads.
 */
#ifndef CC_AUDIO_RNNMODEL_H
#define CC_AUDIO_RNNMODEL_H

#include <stddef.h>
#include <stdint.h>

enum { CC_RNN_ACT_TANH = 0, CC_RNN_ACT_SIGMOID = 1, CC_RNN_ACT_RELU = 2 };

typedef struct CcRnnDense {
    int nb_inputs, nb_neurons, activation;
    int8_t *bias;           /* (nb_neurons) */
    int8_t *input_weights;  /* (nb_inputs, nb_neurons), neuron index fastest (rnn_data.c) */
} CcRnnDense;

typedef struct CcRnnGru {
    int nb_inputs, nb_neurons, activation;
    int8_t *bias;              /* (3, nb_neurons): z, r, h */
    int8_t *input_weights;     /* (nb_inputs, 3 * nb_neurons): row k = z[N] r[N] h[N] */
    int8_t *recurrent_weights; /* (nb_neurons, 3 * nb_neurons), same gate order */
} CcRnnGru;

typedef struct CcRnnModel {
    CcRnnDense input_dense;
    CcRnnGru vad_gru, noise_gru, denoise_gru;
    CcRnnDense denoise_output, vad_output;
    int8_t *storage; /* one allocation holding every array above (87,503 bytes), .rnnn order */
    size_t storage_size;
} CcRnnModel;

#define CC_RNN_WEIGHT_COUNT 87503
#define CC_RNN_LAYER_COUNT 6

/* Loads a .ccm image (models/rnnoise/FORMAT.md). buf is only read during the call.
 * On success *out owns a new model (free with cc_rnn_model_free); on error *out = NULL and
 * the return is CC_ERR_MODEL (malformed), CC_ERR(EINVAL) (NULL arguments) or CC_ERR(ENOMEM). */
int cc_rnn_model_load(CcRnnModel **out, const uint8_t *buf, size_t size);
/* Same for FFmpeg arnndn's text format ("rnnoise-nu model file version 1"); buf need not be
 * NUL-terminated. Weights must be integers in -128..127 and the shapes the topology above. */
int cc_rnn_model_load_rnnn(CcRnnModel **out, const uint8_t *buf, size_t size);
/* Picks the format by its first bytes (.ccm magic or the .rnnn version line). */
int cc_rnn_model_load_any(CcRnnModel **out, const uint8_t *buf, size_t size);
/* Which RNNoise a model image holds, by content: 1 for RNNoise 0.1 (.ccm version 1 or
 * .rnnn), 2 for RNNoise 0.2 (.ccm version 2, audio/model/rnn2model.h), CC_ERR_MODEL (logged)
 * for anything else. Looks at the first 16 bytes only; the loaders check the rest. */
int cc_rnn_model_kind(const uint8_t *buf, size_t size);
/* Reads a file and calls cc_rnn_model_load_any(). */
int cc_rnn_model_load_file(CcRnnModel **out, const char *path);

/* Serialise a model. *out is malloc'ed (caller frees with free()), *size its length.
 * The .ccm writer emits the canonical layout (records in .rnnn order) byte for byte as
 * models/rnnoise/extract.mjs does; the .rnnn writer one line per array, as FFmpeg reads it. */
int cc_rnn_model_write_ccm(const CcRnnModel *m, uint8_t **out, size_t *size);
int cc_rnn_model_write_rnnn(const CcRnnModel *m, uint8_t **out, size_t *size);

/* NULL-safe; sets *m = NULL. */
void cc_rnn_model_free(CcRnnModel **m);

/* ---- helpers shared by the loaders and writers (internal) ---- */
/* CRC-32 of the .ccm checksum (IEEE 802.3, reflected; zlib's crc32()). */
uint32_t cc_rnn_crc32(const uint8_t *p, size_t n);
/* The 8 bytes every .ccm file (0.1 and 0.2) starts with. */
extern const uint8_t cc_rnn_ccm_magic[8];

/* Little-endian 32-bit fields of the .ccm formats. */
static inline uint32_t cc_rnn_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void cc_rnn_wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
enum { CC_RNN_KIND_DENSE = 1, CC_RNN_KIND_GRU = 2 };
enum { CC_RNN_ARR_INPUT = 0, CC_RNN_ARR_RECURRENT = 1, CC_RNN_ARR_BIAS = 2, CC_RNN_ARR_COUNT = 3 };

typedef struct CcRnnLayerSpec {
    const char *name;
    int kind, nb_inputs, nb_neurons, activation;
} CcRnnLayerSpec;
/* The six layers in .rnnn order, with the activations of xiph's model. */
extern const CcRnnLayerSpec cc_rnn_topology[CC_RNN_LAYER_COUNT];
/* Array names in .rnnn order: "input_weights", "recurrent_weights", "bias". */
extern const char *const cc_rnn_array_names[CC_RNN_ARR_COUNT];

typedef struct CcRnnLayerView {
    int *nb_inputs, *nb_neurons, *activation;
    int8_t *arrays[CC_RNN_ARR_COUNT]; /* NULL where the layer has no such array */
    size_t counts[CC_RNN_ARR_COUNT];  /* element counts (0 where absent) */
} CcRnnLayerView;
/* Fills v with pointers into layer `layer` (0..5, .rnnn order) of m. */
void cc_rnn_layer_view(const CcRnnModel *m, int layer, CcRnnLayerView *v);
/* A model with shapes and array pointers set (into zeroed storage), activations from the
 * topology table; NULL on allocation failure. */
CcRnnModel *cc_rnn_model_alloc(void);

#endif
