/*
 * Our implementation of the RNNoise 0.1 denoising algorithm (Valin 2017), one channel.
 * Works on 48 kHz, 480-sample (10 ms) frames of int16-scale floats (+-32768 full scale),
 * as the reference does: the band-energy features carry absolute offsets, so the scale
 * matters. Output frame n holds input frame n - 1 (480 samples of delay).
 */
#ifndef CC_AUDIO_RNNOISE_H
#define CC_AUDIO_RNNOISE_H

#include "audio/model/rnnmodel.h"
#include "audio/rnnkernels.h"
#include "dsp/fft.h"

#define CC_RNN_FRAME 480
#define CC_RNN_WINDOW 960
#define CC_RNN_FREQ 481
#define CC_RNN_BANDS 22
#define CC_RNN_CEPS_MEM 8
#define CC_RNN_DELTA_CEPS 6
#define CC_RNN_FEATURES 42
#define CC_RNN_PITCH_MIN 60
#define CC_RNN_PITCH_MAX 768
#define CC_RNN_PITCH_FRAME 960
#define CC_RNN_PITCH_BUF (CC_RNN_PITCH_MAX + CC_RNN_PITCH_FRAME)
#define CC_RNN_MAX_NEURONS 128

/* Tables computed once per state (cheap; keeps the states independent). */
typedef struct CcRnnTables {
    float half_window[CC_RNN_FRAME];          /* Vorbis power-complementary window */
    float dct[CC_RNN_BANDS * CC_RNN_BANDS];   /* DCT-II basis, (band, coef) */
    float tansig[201];                        /* tanh(0.04 i) */
    float band_frac[CC_RNN_FRAME];            /* (float)j / band size, per bin < 20 kHz */
} CcRnnTables;

/* One layer with the model's int8 values as floats (exact), ready for the gemv kernel. */
typedef struct CcRnnLayerF {
    int nb_inputs, nb_neurons, activation;
    const float *bias;              /* (nb_neurons); GRU: (3, nb_neurons) z, r, h */
    const float *input_weights;     /* (nb_inputs, nb_neurons); GRU: (nb_inputs, 3 * nb_neurons) */
    const float *recurrent_weights; /* GRU: (nb_neurons, 3 * nb_neurons); dense: NULL */
} CcRnnLayerF;

/* The network, converted once per model and shared read-only by every stream. */
typedef struct CcRnnNet {
    CcRnnLayerF input_dense, vad_gru, noise_gru, denoise_gru, denoise_output, vad_output;
    float *storage; /* one allocation behind every array above */
} CcRnnNet;

/* Checks the shapes against the RNNoise topology and converts. 0, CC_ERR_MODEL, ENOMEM. */
int cc_rnn_net_init(CcRnnNet *net, const CcRnnModel *m);
void cc_rnn_net_free(CcRnnNet *net);

typedef struct CcRnnoise {
    const CcRnnNet *net;
    const CcRnnKernels *k;
    CcRnnTables t;
    CcRfft fft;                                    /* 960 real points */
    /* stream state */
    float analysis_mem[CC_RNN_FRAME];
    float cepstral_mem[CC_RNN_CEPS_MEM][CC_RNN_BANDS];
    int memid;
    float synthesis_mem[CC_RNN_FRAME];
    float pitch_buf[CC_RNN_PITCH_BUF];
    float last_gain;
    int last_period;
    float mem_hp_x[2];
    float lastg[CC_RNN_BANDS];
    float vad_state[CC_RNN_MAX_NEURONS];
    float noise_state[CC_RNN_MAX_NEURONS];
    float denoise_state[CC_RNN_MAX_NEURONS];
    /* per-frame work, here rather than on the stack */
    CcCpx X[CC_RNN_FREQ], P[CC_RNN_FREQ];          /* spectra of frame and pitch-delayed */
    float win[CC_RNN_WINDOW];
    float pitch_lp[CC_RNN_PITCH_BUF / 2];
    float acc[3 * CC_RNN_MAX_NEURONS];
} CcRnnoise;

/* net and k must outlive the state. 0 or CC_ERR(ENOMEM). */
int cc_rnnoise_init(CcRnnoise *st, const CcRnnNet *net, const CcRnnKernels *k);
void cc_rnnoise_free(CcRnnoise *st);
/* Back to the just-initialised stream state. */
void cc_rnnoise_reset(CcRnnoise *st);
/*
 * One frame: in and out are CC_RNN_FRAME int16-scale samples (may alias). gain_floor 0..1
 * is the least gain any band gets (0 = plain RNNoise). Returns the VAD probability
 * (0 on frames too quiet to analyse, as the reference).
 */
float cc_rnnoise_process_frame(CcRnnoise *st, float *out, const float *in, float gain_floor);

/* The model's inference alone: features (42) -> gains (22), vad; updates GRU states. */
void cc_rnnoise_compute_rnn(CcRnnoise *st, float *gains, float *vad, const float *features);

#endif
