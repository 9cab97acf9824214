/*
 * RNNoise 0.1 model in memory (internal). Topology (xiph rnnoise v0.1.1):
 *   input_dense   42 -> 24, tanh
 *   vad_gru       24 -> 24 (GRU), relu in xiph's own naming of the recurrent activation
 *   noise_gru     (24+24+42=90) -> 48 (GRU), relu
 *   denoise_gru   (24+48+42=114) -> 96 (GRU), relu
 *   denoise_output 96 -> 22, sigmoid (band gains)
 *   vad_output    24 -> 1, sigmoid (voice activity)
 * Weights are int8 as in rnn_data.c; real value = q / 256 (WEIGHTS_SCALE 1/256).
 * Order of the 87,503 weights = FFmpeg's .rnnn layer order (input_dense, vad_gru,
 * noise_gru, denoise_gru, denoise_output, vad_output; per layer: bias, input weights,
 * recurrent weights (GRU only)).
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
    int8_t *input_weights;     /* (nb_inputs, 3 * nb_neurons) */
    int8_t *recurrent_weights; /* (nb_neurons, 3 * nb_neurons) */
} CcRnnGru;

typedef struct CcRnnModel {
    CcRnnDense input_dense;
    CcRnnGru vad_gru, noise_gru, denoise_gru;
    CcRnnDense denoise_output, vad_output;
    int8_t *storage; /* one allocation holding every array above (87,503 bytes) */
    size_t storage_size;
} CcRnnModel;

#define CC_RNN_WEIGHT_COUNT 87503

#endif
