/*
 * Inner kernels of the RNNoise 0.2 network, behind a function table: a C reference that is
 * always built and tested, overridden by SIMD variants the CPU has (src/audio/x86/).
 *
 * Every variant gives the same bits as the C reference:
 *   - the int8 layers accumulate exact integers (|sum| < 2^23, so any order is exact) and
 *     then do one float multiply by the scale and one float add of the bias;
 *   - float work is element-wise or keeps each output's sum in input order, with multiply
 *     and add separate (no fused multiply-add), in the order written below.
 * This arithmetic is the official 0.2 build's (doc/RNNOISE2-FACTS.md, sections 6.3, 6.4):
 * signed inputs rounded half up, signed weights; not the unsigned-byte x86 trick.
 */
#ifndef CC_AUDIO_RNN2KERNELS_H
#define CC_AUDIO_RNN2KERNELS_H

#include <stdint.h>

/* The activation approximations (a rational tanh; sigmoid through it). */
#define CC_RNN2_TANH_N0 952.52801514f
#define CC_RNN2_TANH_N1 96.39235687f
#define CC_RNN2_TANH_N2 0.60863042f
#define CC_RNN2_TANH_D0 952.72399902f
#define CC_RNN2_TANH_D1 413.36801147f
#define CC_RNN2_TANH_D2 11.88600922f

/*
 * tanh(x) ~ x (N0 + N1 x^2 + N2 x^4) / (D0 + D1 x^2 + D2 x^4), clamped to [-1, 1], evaluated
 * in exactly this order. A NaN stays NaN (the denoiser resets a stream whose state is not
 * finite).
 */
static inline float cc_rnn2_tanh(float x)
{
    float x2 = x * x;
    float num = ((CC_RNN2_TANH_N2 * x2 + CC_RNN2_TANH_N1) * x2 + CC_RNN2_TANH_N0) * x;
    float den = (CC_RNN2_TANH_D2 * x2 + CC_RNN2_TANH_D1) * x2 + CC_RNN2_TANH_D0;
    float y = num / den;
    y = 1.0f < y ? 1.0f : y;   /* min(1, y) */
    y = -1.0f > y ? -1.0f : y; /* max(-1, y) */
    return y;
}

static inline float cc_rnn2_sigmoid(float x)
{
    return .5f + .5f * cc_rnn2_tanh(.5f * x);
}

/* Lane i of gru_update (below) in the reference's order: the C kernel, and the SIMD kernels'
   tails and NaN lanes. */
static inline void cc_rnn2_gru_lane(float *h, const float *in, const float *rec,
                                    const float *diag, int n, int i)
{
    float rz = rec[i] + diag[i] * h[i];
    float rr = rec[n + i] + diag[n + i] * h[i];
    float rn = rec[2 * n + i] + diag[2 * n + i] * h[i];
    float z = cc_rnn2_sigmoid(in[i] + rz);
    float r = cc_rnn2_sigmoid(in[n + i] + rr);
    float c = cc_rnn2_tanh(in[2 * n + i] + r * rn);
    h[i] = z * h[i] + (1 - z) * c;
}

typedef struct CcRnn2Kernels {
    /*
     * q[j] = floor(0.5 + 127 x[j]) (127 x in float, the rest in double), clamped to
     * -128..127 (NaN -> -128); the network's inputs are within [-1, 1], so the clamp never
     * acts on them. n a multiple of 8.
     */
    void (*quantize)(int16_t *q, const float *x, int n);
    /*
     * Block-sparse int8 layer, 8x4 blocks (audio/model/rnn2model.h): for each group of 8
     * outputs, a_i = sum over the group's blocks of w * q (exact), then
     * out[i] = scale[i] * a_i + bias[i] (float, multiply then add).
     * idx: per group a block count, then that many column starts; NULL for a dense layer
     * (every block, columns 0, 4, 8, ...). q: nb_inputs values (quantize()).
     */
    void (*gemv_i8)(float *out, const int8_t *w, const int32_t *idx, int nb_outputs,
                    int nb_inputs, const int16_t *q, const float *scale, const float *bias);
    /*
     * Float dense layer: out[i] = (sum_{j < rows} w[j * cols + i] * x[j], j in order from 0)
     * + bias[i], for i < cols.
     */
    void (*dense_f32)(float *out, const float *w, int rows, int cols, const float *x,
                      const float *bias);
    /* y[i] = cc_rnn2_tanh(x[i]) or cc_rnn2_sigmoid(x[i]); in place allowed; n % 8 == 0 or
       any n (the tail is scalar). */
    void (*tanh)(float *y, const float *x, int n);
    void (*sigmoid)(float *y, const float *x, int n);
    /*
     * One GRU state update from its input part in = (3, n) and recurrent part rec = (3, n)
     * (gate order update z, reset r, candidate; each with its scale and bias already in),
     * diag (3, n) and the state h (n), in place:
     *   R_z = rec_z + d_z h, R_r = rec_r + d_r h, R_n = rec_n + d_n h
     *   z = sigmoid(in_z + R_z), r = sigmoid(in_r + R_r), c = tanh(in_n + r R_n)
     *   h = z h + (1 - z) c
     */
    void (*gru_update)(float *h, const float *in, const float *rec, const float *diag, int n);
    const char *name;
} CcRnn2Kernels;

void cc_rnn2_quantize_c(int16_t *q, const float *x, int n);
void cc_rnn2_gemv_i8_c(float *out, const int8_t *w, const int32_t *idx, int nb_outputs,
                       int nb_inputs, const int16_t *q, const float *scale, const float *bias);
void cc_rnn2_dense_f32_c(float *out, const float *w, int rows, int cols, const float *x,
                         const float *bias);
void cc_rnn2_tanh_c(float *y, const float *x, int n);
void cc_rnn2_sigmoid_c(float *y, const float *x, int n);
void cc_rnn2_gru_update_c(float *h, const float *in, const float *rec, const float *diag, int n);

/* C reference only. */
void cc_rnn2_kernels_init_c(CcRnn2Kernels *k);
/* Best the CPU has (C reference plus overrides). */
void cc_rnn2_kernels_init(CcRnn2Kernels *k);

#if defined(__x86_64__) || defined(_M_X64)
void cc_rnn2_kernels_init_x86(CcRnn2Kernels *k);
void cc_rnn2_quantize_avx2(int16_t *q, const float *x, int n);
void cc_rnn2_gemv_i8_avx2(float *out, const int8_t *w, const int32_t *idx, int nb_outputs,
                          int nb_inputs, const int16_t *q, const float *scale,
                          const float *bias);
void cc_rnn2_dense_f32_avx2(float *out, const float *w, int rows, int cols, const float *x,
                            const float *bias);
void cc_rnn2_tanh_avx2(float *y, const float *x, int n);
void cc_rnn2_sigmoid_avx2(float *y, const float *x, int n);
void cc_rnn2_gru_update_avx2(float *h, const float *in, const float *rec, const float *diag,
                             int n);
/* AVX2 + AVX-VNNI (vpdpbusd); only built when the compiler has -mavxvnni. */
void cc_rnn2_gemv_i8_avxvnni(float *out, const int8_t *w, const int32_t *idx, int nb_outputs,
                             int nb_inputs, const int16_t *q, const float *scale,
                             const float *bias);
/* Level names for tests: "avx2" or "avxvnni"; fills k from C up to that level and returns 0,
   or -1 when this CPU or build lacks it. */
int cc_rnn2_kernels_init_x86_level(CcRnn2Kernels *k, const char *level);
#endif

#if defined(__wasm_simd128__) /* the wasm build only (web/Makefile): audio/wasm/rnn2_simd128.c */
void cc_rnn2_kernels_init_wasm(CcRnn2Kernels *k);
#endif

#endif
