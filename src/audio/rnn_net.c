/*
 * The RNNoise 0.1 network (see rnnoise.h for the layers). The model stores int8 weights
 * that mean w / 256; we keep them as exact floats and apply the 1/256 once per output, so
 * every product equals an int8-by-float one.
 *
 * A GRU step with input x (given as several consecutive parts, so that no concatenated copy
 * is made) and memory s:
 *
 *   u = sigmoid(b_u + W_u x + R_u s)          update gate
 *   f = sigmoid(b_f + W_f x + R_f s)          reset ("forget") gate
 *   c = act(b_c + W_c x + R_c (f .* s))       candidate
 *   s = u .* s + (1 - u) .* c
 *
 * The three gates' weights sit side by side in each row (stride 3 units), so one
 * matrix-vector kernel call per input part fills all three pre-activations. Each output adds
 * its terms bias first, then inputs in order, then memory in order.
 */
#include <math.h>
#include <string.h>

#include "audio/rnnoise.h"
#include "common.h"

#define INT8_SCALE (1.f / 256)

/*
 * tanh(x) from the table at the nearest multiple of 1/25, corrected by one step of its
 * Taylor series in the residual d: tanh(a + d) ~ t + d (1 - t^2)(1 - t d). Saturates beyond
 * |x| = 8 and maps NaN to 0 (a NaN gate would poison the memory for good).
 */
static float tanh_approx(const float *table, float x)
{
    float mag = fabsf(x);
    if (!(mag < 8)) /* saturated, or NaN */
        return x != x ? 0.0f : x < 0 ? -1.0f : 1.0f;
    /* 0 <= 25 mag + .5 < 200.5: truncation is rounding here, and needs no libm call */
    int idx = (int)(.5f + 25 * mag);
    float d = mag - .04f * idx, t = table[idx];
    float slope = 1 - t * t;
    float y = t + d * slope * (1 - t * d);
    return x < 0 ? -y : y;
}

static float sigmoid_approx(const float *table, float x)
{
    return .5f + .5f * tanh_approx(table, .5f * x);
}

static float activation(const float *table, int kind, float x)
{
    switch (kind) {
    case CC_RNN_ACT_SIGMOID:
        return sigmoid_approx(table, x);
    case CC_RNN_ACT_TANH:
        return tanh_approx(table, x);
    default:
        return x < 0 ? 0 : x;
    }
}

typedef struct Part {
    const float *v;
    int len;
} Part;

/* acc (cols) += W x over the input parts in order; W rows follow the parts. */
static void feed(const CcRnnKernels *k, float *acc, const float *w, int stride, int cols,
                 const Part *parts, int nparts)
{
    int row = 0;
    for (int p = 0; p < nparts; p++) {
        k->gemv(acc, w + (size_t)row * stride, parts[p].len, cols, stride, parts[p].v);
        row += parts[p].len;
    }
}

static void dense_step(const float *table, const CcRnnLayerF *l, const CcRnnKernels *k, const float *in, float *out)
{
    Part x = { in, l->inputs };
    memcpy(out, l->bias, sizeof(float) * (size_t)l->units);
    feed(k, out, l->w_in, l->units, l->units, &x, 1);
    for (int i = 0; i < l->units; i++)
        out[i] = activation(table, l->activation, INT8_SCALE * out[i]);
}

static void gru_step(const float *table, const CcRnnLayerF *l, const CcRnnKernels *k, float *mem, float *pre,
                     const Part *parts, int nparts)
{
    int u = l->units, stride = 3 * u;
    float *pre_u = pre, *pre_f = pre + u, *pre_c = pre + 2 * u;
    float gate_u[CC_RNN_MAX_NEURONS], reset_mem[CC_RNN_MAX_NEURONS];

    memcpy(pre, l->bias, sizeof(float) * (size_t)stride);
    feed(k, pre, l->w_in, stride, stride, parts, nparts);
    /* memory terms for the two gates now; the candidate's need the reset gate first */
    k->gemv(pre, l->w_rec, u, 2 * u, stride, mem);
    for (int i = 0; i < u; i++) {
        gate_u[i] = sigmoid_approx(table, INT8_SCALE * pre_u[i]);
        reset_mem[i] = mem[i] * sigmoid_approx(table, INT8_SCALE * pre_f[i]);
    }
    k->gemv(pre_c, l->w_rec + 2 * u, u, u, stride, reset_mem);
    for (int i = 0; i < u; i++) {
        float cand = activation(table, l->activation, INT8_SCALE * pre_c[i]);
        mem[i] = gate_u[i] * mem[i] + (1 - gate_u[i]) * cand;
    }
}

void cc_rnn_net_run(const CcRnnNet *net, const CcRnnKernels *k, CcRnnMemory *m,
                    const float *features, float *gains, float *speech_prob)
{
    float embed[CC_RNN_MAX_NEURONS];
    dense_step(net->tanh_table, &net->embed, k, features, embed);

    Part vad_in[1] = { { embed, net->embed.units } };
    gru_step(net->tanh_table, &net->vad_gru, k, m->vad, m->scratch, vad_in, 1);
    dense_step(net->tanh_table, &net->vad_head, k, m->vad, speech_prob);

    Part noise_in[3] = { { embed, net->embed.units },
                         { m->vad, net->vad_gru.units },
                         { features, CC_RNN_FEATURES } };
    gru_step(net->tanh_table, &net->noise_gru, k, m->noise, m->scratch, noise_in, 3);

    Part gain_in[3] = { { m->vad, net->vad_gru.units },
                        { m->noise, net->noise_gru.units },
                        { features, CC_RNN_FEATURES } };
    gru_step(net->tanh_table, &net->gain_gru, k, m->gain, m->scratch, gain_in, 3);
    dense_step(net->tanh_table, &net->gain_head, k, m->gain, gains);
}

/* ------------------------------------------------------------------ model conversion */

typedef struct Want {
    const char *what;
    int inputs, units; /* units 0: any width up to CC_RNN_MAX_NEURONS */
    int is_gru;
} Want;

static int shape_ok(int inputs, int units, const int8_t *bias, const int8_t *w_in,
                    const int8_t *w_rec, const Want *want)
{
    if (inputs != want->inputs || units <= 0 || units > CC_RNN_MAX_NEURONS)
        return 0;
    if (want->units && units != want->units)
        return 0;
    return bias && w_in && (!want->is_gru || w_rec);
}

static const float *to_float(float **cursor, const int8_t *src, size_t n)
{
    float *dst = *cursor;
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
    *cursor = dst + n;
    return dst;
}

static size_t layer_floats(int inputs, int units, int gates, int recurrent)
{
    size_t width = (size_t)gates * units;
    return width * (1 + (size_t)inputs + (recurrent ? (size_t)units : 0));
}

static void take_dense(CcRnnLayerF *f, const CcRnnDense *l, float **cursor)
{
    f->inputs = l->nb_inputs;
    f->units = l->nb_neurons;
    f->activation = l->activation;
    f->bias = to_float(cursor, l->bias, (size_t)f->units);
    f->w_in = to_float(cursor, l->input_weights, (size_t)f->inputs * f->units);
    f->w_rec = NULL;
}

static void take_gru(CcRnnLayerF *f, const CcRnnGru *l, float **cursor)
{
    size_t width = 3 * (size_t)l->nb_neurons;
    f->inputs = l->nb_inputs;
    f->units = l->nb_neurons;
    f->activation = l->activation;
    f->bias = to_float(cursor, l->bias, width);
    f->w_in = to_float(cursor, l->input_weights, (size_t)f->inputs * width);
    f->w_rec = to_float(cursor, l->recurrent_weights, (size_t)f->units * width);
}

int cc_rnn_net_init(CcRnnNet *net, const CcRnnModel *m)
{
    memset(net, 0, sizeof(*net));
    if (!m)
        return CC_ERR(EINVAL);
    for (int i = 0; i <= CC_RNN_TANH_STEPS; i++)
        net->tanh_table[i] = (float)tanh(.04 * i);
    int emb = m->input_dense.nb_neurons, vad = m->vad_gru.nb_neurons;
    int noise = m->noise_gru.nb_neurons, gain = m->denoise_gru.nb_neurons;
    /* The topology ties each layer's input width to the widths before it. */
    const Want w_embed = { "input dense", CC_RNN_FEATURES, 0, 0 };
    const Want w_vad = { "vad gru", emb, 0, 1 };
    const Want w_noise = { "noise gru", emb + vad + CC_RNN_FEATURES, 0, 1 };
    const Want w_gain = { "denoise gru", vad + noise + CC_RNN_FEATURES, 0, 1 };
    const Want w_ghead = { "denoise output", gain, CC_RNN_BANDS, 0 };
    const Want w_vhead = { "vad output", vad, 1, 0 };
    const Want *bad = NULL;
#define CHECK_DENSE(l, w) if (!bad && !shape_ok((l).nb_inputs, (l).nb_neurons, (l).bias, \
        (l).input_weights, NULL, &(w))) bad = &(w)
#define CHECK_GRU(l, w) if (!bad && !shape_ok((l).nb_inputs, (l).nb_neurons, (l).bias, \
        (l).input_weights, (l).recurrent_weights, &(w))) bad = &(w)
    CHECK_DENSE(m->input_dense, w_embed);
    CHECK_GRU(m->vad_gru, w_vad);
    CHECK_GRU(m->noise_gru, w_noise);
    CHECK_GRU(m->denoise_gru, w_gain);
    CHECK_DENSE(m->denoise_output, w_ghead);
    CHECK_DENSE(m->vad_output, w_vhead);
#undef CHECK_DENSE
#undef CHECK_GRU
    if (bad) {
        cc_log(CC_LOG_ERROR, "rnnoise: the model's %s layer does not fit the RNNoise 0.1 "
               "topology (expected %d inputs)", bad->what, bad->inputs);
        return CC_ERR_MODEL;
    }
    size_t total = layer_floats(CC_RNN_FEATURES, emb, 1, 0) +
                   layer_floats(m->vad_gru.nb_inputs, vad, 3, 1) +
                   layer_floats(m->noise_gru.nb_inputs, noise, 3, 1) +
                   layer_floats(m->denoise_gru.nb_inputs, gain, 3, 1) +
                   layer_floats(gain, CC_RNN_BANDS, 1, 0) + layer_floats(vad, 1, 1, 0);
    net->storage = cc_alloc_aligned(total * sizeof(float));
    if (!net->storage)
        return CC_ERR(ENOMEM);
    float *cursor = net->storage;
    take_dense(&net->embed, &m->input_dense, &cursor);
    take_gru(&net->vad_gru, &m->vad_gru, &cursor);
    take_gru(&net->noise_gru, &m->noise_gru, &cursor);
    take_gru(&net->gain_gru, &m->denoise_gru, &cursor);
    take_dense(&net->gain_head, &m->denoise_output, &cursor);
    take_dense(&net->vad_head, &m->vad_output, &cursor);
    return 0;
}

void cc_rnn_net_free(CcRnnNet *net)
{
    cc_free_aligned(net->storage);
    net->storage = NULL;
}
