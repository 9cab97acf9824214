/*
 * The RNNoise 0.2 network (see rnn2.h), one step per 10 ms frame:
 *
 *   conv1   [f(t-2), f(t-1), f(t)]          (195) -> 128   float weights, tanh
 *   conv2   [c1(t-2), c1(t-1), c1(t)]       (384) -> 384   int8, dense 8x4 blocks, tanh
 *   gru1    conv2 -> 384 state; gru2: gru1 -> 384; gru3: gru2 -> 384   int8, sparse 8x4
 *   gains   gru3 -> 32   float, sigmoid;  speech probability: gru3 -> 1   float, sigmoid
 *
 * A 1-D convolution of kernel 3 over feature frames is a dense layer over the window of the
 * last three input frames; the two older ones are its memory (no padding besides the zero
 * start, so no delay). An int8 layer quantises its whole input once (127 x rounded half up)
 * and computes scale * (integer dot) + bias per output.
 *
 * GRU step (PyTorch gate convention, as the build has it), state h, input x:
 *   I = W_in q(x) (scaled) + b_in                       (3, 384): z, r, candidate parts
 *   R = W_rec q(h) (scaled) + b_rec + diag .* [h h h]   (3, 384)
 *   z = sigmoid(I_z + R_z)    r = sigmoid(I_r + R_r)    c = tanh(I_c + r .* R_c)
 *   h = z .* h + (1 - z) .* c
 * The reset gate multiplies the recurrent part after the product (so R is computed once from
 * the old h).
 */
#include <string.h>

#include "audio/rnn2.h"
#include "common.h"

static int layer_ok(const char *name, const CcRnn2Layer *l, int in, int out, int kind)
{
    /* kind: 0 float, 1 int8 dense, 2 int8 sparse, 3 int8 sparse with diag */
    int ok = l->nb_inputs == in && l->nb_outputs == out && l->bias;
    if (kind == 0)
        ok = ok && l->weights_float;
    else
        ok = ok && l->weights_int8 && l->scale && (kind == 1) == !l->idx &&
             (kind != 3 || l->diag) && in % 4 == 0 && out % 8 == 0;
    if (!ok)
        cc_log(CC_LOG_ERROR, "rnnoise 0.2: layer %s is not %d -> %d of the expected kind", name,
               in, out);
    return ok;
}

int cc_rnn2_net_check(const CcRnn2Model *m)
{
    if (!m)
        return CC_ERR(EINVAL);
    int ok = layer_ok("conv1", &m->conv1, 3 * CC_RNN2_FEATURES, CC_RNN2_CONV1, 0) &&
             layer_ok("conv2", &m->conv2, 3 * CC_RNN2_CONV1, CC_RNN2_UNITS, 1) &&
             layer_ok("dense_out", &m->dense_out, CC_RNN2_UNITS, CC_RNN2_BANDS, 0) &&
             layer_ok("vad_dense", &m->vad_dense, CC_RNN2_UNITS, 1, 0);
    for (int i = 0; i < 3 && ok; i++)
        ok = layer_ok("gru_input", &m->gru_input[i], CC_RNN2_UNITS, 3 * CC_RNN2_UNITS, 2) &&
             layer_ok("gru_recurrent", &m->gru_recurrent[i], CC_RNN2_UNITS,
                      3 * CC_RNN2_UNITS, 3);
    return ok ? 0 : CC_ERR_MODEL;
}

static void int8_layer(const CcRnn2Kernels *k, const CcRnn2Layer *l, CcRnn2Scratch *s,
                       const float *in, float *out)
{
    k->quantize(s->q, in, l->nb_inputs);
    k->gemv_i8(out, l->weights_int8, l->idx, l->nb_outputs, l->nb_inputs, s->q, l->scale,
               l->bias);
}

/*
 * Convolution of kernel 3 over frames of `width` values: window = [mem (2, width), x];
 * afterwards mem = the window's last two frames.
 */
static float *conv_window(CcRnn2Scratch *s, float *mem, const float *x, int width)
{
    float *w = s->conv_in;
    memcpy(w, mem, sizeof(float) * 2 * (size_t)width);
    memcpy(w + 2 * width, x, sizeof(float) * (size_t)width);
    memcpy(mem, w + width, sizeof(float) * 2 * (size_t)width);
    return w;
}

static void gru_step(const CcRnn2Kernels *k, const CcRnn2Layer *in_l, const CcRnn2Layer *rec_l,
                     CcRnn2Scratch *s, float *h, const float *x)
{
    int8_layer(k, in_l, s, x, s->in_part);
    int8_layer(k, rec_l, s, h, s->rec_part);
    k->gru_update(h, s->in_part, s->rec_part, rec_l->diag, CC_RNN2_UNITS);
}

void cc_rnn2_net_run(const CcRnn2Model *m, const CcRnn2Kernels *k, CcRnn2Memory *mem,
                     CcRnn2Scratch *s, const float *features, float *gains, float *speech_prob)
{
    const float *w = conv_window(s, mem->conv1, features, CC_RNN2_FEATURES);
    k->dense_f32(s->conv1_out, m->conv1.weights_float, 3 * CC_RNN2_FEATURES, CC_RNN2_CONV1, w,
                 m->conv1.bias);
    k->tanh(s->conv1_out, s->conv1_out, CC_RNN2_CONV1);

    w = conv_window(s, mem->conv2, s->conv1_out, CC_RNN2_CONV1);
    int8_layer(k, &m->conv2, s, w, s->conv2_out);
    k->tanh(s->conv2_out, s->conv2_out, CC_RNN2_UNITS);

    gru_step(k, &m->gru_input[0], &m->gru_recurrent[0], s, mem->gru[0], s->conv2_out);
    gru_step(k, &m->gru_input[1], &m->gru_recurrent[1], s, mem->gru[1], mem->gru[0]);
    gru_step(k, &m->gru_input[2], &m->gru_recurrent[2], s, mem->gru[2], mem->gru[1]);

    k->dense_f32(gains, m->dense_out.weights_float, CC_RNN2_UNITS, CC_RNN2_BANDS, mem->gru[2],
                 m->dense_out.bias);
    k->sigmoid(gains, gains, CC_RNN2_BANDS);
    k->dense_f32(speech_prob, m->vad_dense.weights_float, CC_RNN2_UNITS, 1, mem->gru[2],
                 m->vad_dense.bias);
    k->sigmoid(speech_prob, speech_prob, 1);
}
