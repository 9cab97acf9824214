/*
 * The RNNoise 0.1 denoising algorithm (Valin, "A Hybrid DSP/Deep Learning Approach to
 * Real-Time Full-Band Speech Enhancement", 2018), one channel, in our own decomposition:
 *
 *   rnn_bands.c   the 22-band layout as weight tables: spectrum -> band sums, bands -> bins
 *   rnn_pitch.c   pitch tracker: decimate + whiten, two-candidate search, octave check
 *   rnn_net.c     the recurrent network (dense, three GRUs, two dense heads)
 *   rnnoise.c     the 10 ms frame: analysis, features, gains, comb filter, synthesis
 *
 * Works on 48 kHz, 480-sample (10 ms) frames of int16-scale floats (+-32768 full scale): the
 * log band energies carry absolute offsets, so the scale matters. Output frame n holds input
 * frame n - 1 (480 samples of delay).
 */
#ifndef CC_AUDIO_RNNOISE_H
#define CC_AUDIO_RNNOISE_H

#include "audio/model/rnnmodel.h"
#include "audio/rnn_bands.h"
#include "audio/rnn_pitch.h"
#include "audio/rnnkernels.h"
#include "dsp/fft.h"

#define CC_RNN_FRAME 480        /* hop, samples at 48 kHz */
#define CC_RNN_WINDOW 960       /* analysis window, two hops */
#define CC_RNN_FEATURES 42      /* network input */
#define CC_RNN_CEPS_HISTORY 8   /* cepstra remembered for the variability feature */
#define CC_RNN_MAX_NEURONS 128  /* widest layer we accept */
#define CC_RNN_TANH_STEPS 200   /* tanh table covers 0..8 in steps of 1/25 */

/* The network as floats (the model's int8 values, exact), shared read-only by streams. */
typedef struct CcRnnLayerF {
    int inputs, units, activation;
    const float *bias;      /* (units); GRU: (3, units) update, reset, candidate */
    const float *w_in;      /* (inputs, units); GRU: (inputs, 3 * units) */
    const float *w_rec;     /* GRU: (units, 3 * units); dense: NULL */
} CcRnnLayerF;

typedef struct CcRnnNet {
    CcRnnLayerF embed;      /* features -> dense */
    CcRnnLayerF vad_gru;    /* dense -> voice-activity memory */
    CcRnnLayerF noise_gru;  /* [dense, vad memory, features] -> noise memory */
    CcRnnLayerF gain_gru;   /* [vad memory, noise memory, features] -> gain memory */
    CcRnnLayerF gain_head;  /* gain memory -> 22 band gains */
    CcRnnLayerF vad_head;   /* vad memory -> speech probability */
    float tanh_table[CC_RNN_TANH_STEPS + 1]; /* tanh(i / 25): the activations' lookup */
    float *storage;         /* the one allocation behind every array above */
} CcRnnNet;

/* Checks the layer shapes against the RNNoise topology and converts: 0, CC_ERR_MODEL,
   CC_ERR(ENOMEM), CC_ERR(EINVAL). */
int cc_rnn_net_init(CcRnnNet *net, const CcRnnModel *m);
void cc_rnn_net_free(CcRnnNet *net);

/* Recurrent memories of one stream. */
typedef struct CcRnnMemory {
    float vad[CC_RNN_MAX_NEURONS];
    float noise[CC_RNN_MAX_NEURONS];
    float gain[CC_RNN_MAX_NEURONS];
    float scratch[3 * CC_RNN_MAX_NEURONS]; /* gate pre-activations, (3, units) */
} CcRnnMemory;

/* One step of the network: features (42) -> gains (22) and the speech probability. */
void cc_rnn_net_run(const CcRnnNet *net, const CcRnnKernels *k, CcRnnMemory *mem,
                    const float *features, float *gains, float *speech_prob);

typedef struct CcRnnoise {
    const CcRnnNet *net;
    const CcRnnKernels *k;
    const CcRnnBands *bands;                 /* owned by the net's holder; read-only */
    float window[CC_RNN_FRAME];              /* rising half of the analysis/synthesis window */
    float dct[CC_RNN_BANDS][CC_RNN_BANDS];   /* orthonormal DCT-II, (band, coefficient) */
    CcRfft fft;                              /* 960 real points */

    /* ---- stream state: everything from here on is zeroed by cc_rnnoise_reset() ---- */
    float hp_state[2];                       /* high-pass biquad */
    float last_input[CC_RNN_FRAME];          /* previous hop, first half of the window */
    float overlap[CC_RNN_FRAME];             /* synthesis tail waiting for the next hop */
    float ceps[CC_RNN_CEPS_HISTORY][CC_RNN_BANDS]; /* ring of recent cepstra */
    int ceps_next;                           /* ring slot the next cepstrum goes to */
    float held_gain[CC_RNN_BANDS];           /* gains of the last analysed frame */
    CcRnnPitch pitch;
    CcRnnMemory mem;

    /* ---- per-frame work, here rather than on the stack ---- */
    float frame_buf[CC_RNN_WINDOW];
    CcCpx spec[CC_RNN_SPEC];                 /* the frame's spectrum */
    CcCpx pitch_spec[CC_RNN_SPEC];           /* spectrum of the signal one period back */
    float bin_val[CC_RNN_SPEC + 8];          /* per-bin power or cross term, padded */
    float bin_gain[CC_RNN_SPEC];
} CcRnnoise;

/* net, bands and k must outlive the state. 0 or CC_ERR(ENOMEM). */
int cc_rnnoise_init(CcRnnoise *st, const CcRnnNet *net, const CcRnnBands *bands,
                    const CcRnnKernels *k);
void cc_rnnoise_free(CcRnnoise *st);
/* Back to the just-initialised stream state. */
void cc_rnnoise_reset(CcRnnoise *st);
/* 1 when the recurrent memories and the overlap tail are all finite. */
int cc_rnnoise_state_finite(const CcRnnoise *st);
/*
 * One hop: in and out are CC_RNN_FRAME int16-scale samples (may alias). gain_floor 0..1 is
 * the least gain any band gets (0 = plain RNNoise). Returns the speech probability (0 on
 * frames too quiet to analyse, which pass through unchanged).
 */
float cc_rnnoise_process_frame(CcRnnoise *st, float *out, const float *in, float gain_floor);

#endif
