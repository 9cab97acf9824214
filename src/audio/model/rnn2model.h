/*
 * RNNoise 0.2 model in memory (internal): xiph's "regular" model (model 0b50c45 of the v0.2
 * release), as found in the weight-array table of its wasm builds (models/rnnoise/extract2.mjs)
 * and stored in our .ccm version 2 (models/rnnoise/FORMAT.md). This file only holds and checks
 * the weights; it says nothing about how the network runs them.
 *
 * Ten weight layers, each an affine map of nb_inputs -> nb_outputs (the shapes below are
 * what the array sizes and the block indices prove; a convolution's inputs are its kernel of
 * 3 frames times its input width):
 *   conv1           195 (3 x 65) -> 128   float weights
 *   conv2           384 (3 x 128) -> 384  int8 weights, dense, in 8x4 blocks
 *   gruN_input      384 -> 1152 (3 x 384) int8 weights, block-sparse 8x4     N = 1, 2, 3
 *   gruN_recurrent  384 -> 1152 (3 x 384) int8 weights, block-sparse 8x4, plus a diagonal
 *   dense_out       384 -> 32             float weights
 *   vad_dense       384 -> 1              float weights
 * 43 arrays in xiph's table order, 1,123,841 stored values (1,069,824 of them weight-matrix
 * entries). Types are xiph's codes: 0 float32, 1 int32 (block indices), 3 int8.
 *
 * Block-sparse int8 (the 8x4 layout as the sizes and indices show it): the outputs go in
 * groups of 8; for each group, idx holds a block count n, then n column starts (multiples of
 * 4, increasing, start + 4 <= nb_inputs); each block is 32 int8 weights (8 outputs x 4
 * inputs). A dense int8 layer has every block of every group, without idx. The loader proves
 * that idx walks exactly once through the int8 array and never leaves the input range.
 *
 * A loaded model is immutable and may be shared by any number of streams and threads.
 */
#ifndef CC_AUDIO_RNN2MODEL_H
#define CC_AUDIO_RNN2MODEL_H

#include <stddef.h>
#include <stdint.h>

/* xiph's weight type codes (kept as found in the table and in the file). */
enum { CC_RNN2_FLOAT = 0, CC_RNN2_INT32 = 1, CC_RNN2_INT8 = 3 };

#define CC_RNN2_ARRAY_COUNT 43
#define CC_RNN2_LAYER_COUNT 10
#define CC_RNN2_ARCH "rnnoise-0.2"
/* sha256 of the canonical serialisation of the table (FORMAT.md, "Canonical hash"). */
#define CC_RNN2_TABLE_SHA256 "0b70372b7f640a32bd85d34f2441fb5403aeb2a5292bfc4c2c7abf0dbb5f0b4d"

typedef struct CcRnn2Layer {
    int nb_inputs, nb_outputs;
    const float *weights_float;  /* float layers: nb_inputs * nb_outputs values; else NULL */
    const int8_t *weights_int8;  /* int8 layers: nb_blocks * 32 values (8x4 blocks); else NULL */
    const int32_t *idx;          /* block-sparse layers: idx_count values; else NULL */
    size_t idx_count, nb_blocks; /* nb_blocks also for dense int8 (all blocks) */
    const float *bias;           /* (nb_outputs) */
    const float *subias, *scale; /* (nb_outputs) int8 layers only; else NULL */
    const float *diag;           /* (nb_outputs) GRU recurrent layers only; else NULL */
} CcRnn2Layer;

typedef struct CcRnn2Array {
    const char *name; /* xiph's name, e.g. "gru2_recurrent_weights_idx" (static string) */
    int type;         /* CC_RNN2_FLOAT, CC_RNN2_INT32 or CC_RNN2_INT8 */
    size_t count;     /* elements */
    size_t bytes;     /* count * element size, as stored */
    const void *data; /* 64-byte aligned, inside the model's storage */
} CcRnn2Array;

typedef struct CcRnn2Model {
    CcRnn2Layer conv1, conv2;
    CcRnn2Layer gru_input[3], gru_recurrent[3]; /* gru1..gru3 */
    CcRnn2Layer dense_out, vad_dense;
    CcRnn2Array arrays[CC_RNN2_ARRAY_COUNT];    /* xiph's table order */
    void *storage;                              /* one aligned block holding every array */
    size_t storage_size;
} CcRnn2Model;

/* Loads a .ccm version 2 image (FORMAT.md). buf is only read during the call. Checks every
 * size against the topology, every float for finiteness, every block index for range and
 * order, then the CRC. On success *out owns a new model (free with cc_rnn2_model_free); on
 * error *out = NULL and the return is CC_ERR_MODEL (malformed, logged with the array, field
 * and file offset), CC_ERR(EINVAL) (NULL arguments) or CC_ERR(ENOMEM). */
int cc_rnn2_model_load(CcRnn2Model **out, const uint8_t *buf, size_t size);
/* Reads a file and calls cc_rnn2_model_load(). */
int cc_rnn2_model_load_file(CcRnn2Model **out, const char *path);

/* Serialises m as .ccm version 2, arrays in table order: the bytes extract2.mjs writes.
 * *out is malloc'ed (free with free()). */
int cc_rnn2_model_write_ccm(const CcRnn2Model *m, uint8_t **out, size_t *size);

/* The array called name, if it has this type and count elements (count 0: any count);
 * else NULL. */
const CcRnn2Array *cc_rnn2_model_find(const CcRnn2Model *m, const char *name, int type,
                                      size_t count);

/* NULL-safe; sets *m = NULL. */
void cc_rnn2_model_free(CcRnn2Model **m);

#endif
