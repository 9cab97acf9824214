/*
 * RNNoise 0.1 (see rnnoise.h), one 10 ms frame at a time:
 *
 *   x = high-pass(in)                              2nd-order, removes DC and rumble
 *   X = FFT(window([previous frame, x])) / 960     960-point, Vorbis window
 *   Ex = band energies (22 triangular bands)
 *   pitch: decimate the last 1728 samples, search, remove doubling -> period T, gain
 *   P = FFT(window(x delayed by T)); Ep, Exp = energies and correlation of X with P
 *   features (42): DCT of log energies (+ first/second deltas over 3 frames),
 *                  DCT of the pitch correlations, period, spectral variability
 *   gains (22), vad = GRU network(features)
 *   X += r * P (comb filter, per band), energy renormalised; gains smoothed (decay 0.6)
 *   out = overlap-add(window(IFFT(X * interpolated gains)))
 *
 * The expressions keep the reference's types where it mixes float and double (log10,
 * sqrt of band ratios, the biquad), so that the outputs agree closely.
 */
#include "audio/rnnoise.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "audio/pitch.h"
#include "common.h"

#define FRAME CC_RNN_FRAME
#define WINDOW CC_RNN_WINDOW
#define FREQ CC_RNN_FREQ
#define BANDS CC_RNN_BANDS
#define CEPS_MEM CC_RNN_CEPS_MEM
#define DELTA CC_RNN_DELTA_CEPS
#define NFEAT CC_RNN_FEATURES

/* Band edges in units of 4 bins (200 Hz at 48 kHz, 960-point transform). */
static const short band_edge[BANDS] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 34, 40, 48, 60, 78, 100
};
#define EDGE(i) (band_edge[i] << 2)

#define WEIGHT_SCALE (1.f / 256)



static void init_tables(CcRnnTables *t)
{
    for (int i = 0; i < FRAME; i++) {
        double s = sin(.5 * M_PI * (i + .5) / FRAME);
        t->half_window[i] = (float)sin(.5 * M_PI * s * s);
    }
    for (int i = 0; i < BANDS; i++)
        for (int j = 0; j < BANDS; j++) {
            double c = cos((i + .5) * j * M_PI / BANDS);
            if (j == 0)
                c *= sqrt(.5);
            t->dct[i * BANDS + j] = (float)c;
        }
    for (int i = 0; i <= 200; i++)
        t->tansig[i] = (float)tanh(.04 * i);
    for (int i = 0; i < BANDS - 1; i++) {
        int size = EDGE(i + 1) - EDGE(i);
        for (int j = 0; j < size; j++)
            t->band_frac[EDGE(i) + j] = (float)j / size;
    }
}

/* tanh by table (step 0.04) plus a first-order correction, saturating at |x| >= 8. */
static float tansig(const CcRnnTables *t, float x)
{
    float sign = 1;
    if (!(x < 8))
        return 1;
    if (!(x > -8))
        return -1;
    if (x != x)
        return 0;
    if (x < 0) {
        x = -x;
        sign = -1;
    }
    /* 0 <= .5 + 25 x < 200.5 here, so truncation is floor() (and needs no libm call on
       x86-64 baseline, which lacks a rounding instruction) */
    int i = (int)(.5f + 25 * x);
    x -= .04f * i;
    float y = t->tansig[i];
    float dy = 1 - y * y;
    y = y + x * dy * (1 - y * x);
    return sign * y;
}

static float sigmoid(const CcRnnTables *t, float x)
{
    return .5f + .5f * tansig(t, .5f * x);
}

static void activate(const CcRnnTables *t, float *v, int n, int act)
{
    for (int i = 0; i < n; i++) {
        float x = WEIGHT_SCALE * v[i];
        if (act == CC_RNN_ACT_SIGMOID)
            v[i] = sigmoid(t, x);
        else if (act == CC_RNN_ACT_TANH)
            v[i] = tansig(t, x);
        else
            v[i] = x < 0 ? 0 : x;
    }
}

static void dense(CcRnnoise *st, const CcRnnLayerF *l, float *out, const float *in)
{
    int n = l->nb_neurons;
    for (int i = 0; i < n; i++)
        out[i] = l->bias[i];
    st->k->gemv(out, l->input_weights, l->nb_inputs, n, n, in);
    activate(&st->t, out, n, l->activation);
}

/*
 * GRU: z = sig(Wz x + Uz s + bz), r = sig(Wr x + Ur s + br),
 *      h = act(Wh x + Uh (r .* s) + bh), s' = z .* s + (1 - z) .* h.
 * Weights of the three gates side by side in each row (stride 3N).
 */
static void gru(CcRnnoise *st, const CcRnnLayerF *l, float *state, const float *in)
{
    int n = l->nb_neurons, m = l->nb_inputs, stride = 3 * n;
    float *acc = st->acc;          /* (3N): z, r, h pre-activations */
    float z[CC_RNN_MAX_NEURONS], rs[CC_RNN_MAX_NEURONS];
    for (int i = 0; i < stride; i++)
        acc[i] = l->bias[i];
    st->k->gemv(acc, l->input_weights, m, stride, stride, in);
    st->k->gemv(acc, l->recurrent_weights, n, 2 * n, stride, state);
    for (int i = 0; i < n; i++) {
        z[i] = sigmoid(&st->t, WEIGHT_SCALE * acc[i]);
        rs[i] = state[i] * sigmoid(&st->t, WEIGHT_SCALE * acc[n + i]);
    }
    st->k->gemv(acc + 2 * n, l->recurrent_weights + 2 * n, n, n, stride, rs);
    activate(&st->t, acc + 2 * n, n, l->activation);
    for (int i = 0; i < n; i++)
        state[i] = z[i] * state[i] + (1 - z[i]) * acc[2 * n + i];
}

void cc_rnnoise_compute_rnn(CcRnnoise *st, float *gains, float *vad, const float *features)
{
    const CcRnnNet *md = st->net;
    float dense_out[CC_RNN_MAX_NEURONS];
    float cat[3 * CC_RNN_MAX_NEURONS];
    int nd = md->input_dense.nb_neurons, nv = md->vad_gru.nb_neurons;
    int nn = md->noise_gru.nb_neurons;
    dense(st, &md->input_dense, dense_out, features);
    gru(st, &md->vad_gru, st->vad_state, dense_out);
    dense(st, &md->vad_output, vad, st->vad_state);
    /* noise GRU input: dense_out, vad state, features */
    memcpy(cat, dense_out, sizeof(float) * nd);
    memcpy(cat + nd, st->vad_state, sizeof(float) * nv);
    memcpy(cat + nd + nv, features, sizeof(float) * NFEAT);
    gru(st, &md->noise_gru, st->noise_state, cat);
    /* denoise GRU input: vad state, noise state, features */
    memcpy(cat, st->vad_state, sizeof(float) * nv);
    memcpy(cat + nv, st->noise_state, sizeof(float) * nn);
    memcpy(cat + nv + nn, features, sizeof(float) * NFEAT);
    gru(st, &md->denoise_gru, st->denoise_state, cat);
    dense(st, &md->denoise_output, gains, st->denoise_state);
}

/* Triangular bands: each bin's energy is split between the two nearest band centres. */
static void band_energy(const float *frac_tab, float *band, const CcCpx *X)
{
    float sum[BANDS] = { 0 };
    for (int i = 0; i < BANDS - 1; i++) {
        int size = EDGE(i + 1) - EDGE(i);
        for (int j = 0; j < size; j++) {
            float frac = frac_tab[EDGE(i) + j];
            const CcCpx *x = &X[EDGE(i) + j];
            float tmp = x->re * x->re;
            tmp += x->im * x->im;
            sum[i] += (1 - frac) * tmp;
            sum[i + 1] += frac * tmp;
        }
    }
    sum[0] *= 2;
    sum[BANDS - 1] *= 2;
    memcpy(band, sum, sizeof(sum));
}

static void band_corr(const float *frac_tab, float *band, const CcCpx *X, const CcCpx *P)
{
    float sum[BANDS] = { 0 };
    for (int i = 0; i < BANDS - 1; i++) {
        int size = EDGE(i + 1) - EDGE(i);
        for (int j = 0; j < size; j++) {
            float frac = frac_tab[EDGE(i) + j];
            const CcCpx *x = &X[EDGE(i) + j], *p = &P[EDGE(i) + j];
            float tmp = x->re * p->re;
            tmp += x->im * p->im;
            sum[i] += (1 - frac) * tmp;
            sum[i + 1] += frac * tmp;
        }
    }
    sum[0] *= 2;
    sum[BANDS - 1] *= 2;
    memcpy(band, sum, sizeof(sum));
}

/* Per-bin gains interpolated linearly between band centres; bins above 20 kHz get 0. */
static void interp_band_gain(const float *frac_tab, float *g, const float *band)
{
    for (int i = 0; i < FREQ; i++)
        g[i] = 0;
    for (int i = 0; i < BANDS - 1; i++) {
        int size = EDGE(i + 1) - EDGE(i);
        for (int j = 0; j < size; j++) {
            float frac = frac_tab[EDGE(i) + j];
            g[EDGE(i) + j] = (1 - frac) * band[i] + frac * band[i + 1];
        }
    }
}

static void dct(const CcRnnTables *t, float *out, const float *in)
{
    for (int i = 0; i < BANDS; i++) {
        float sum = 0;
        for (int j = 0; j < BANDS; j++)
            sum += in[j] * t->dct[j * BANDS + i];
        out[i] = (float)(sum * sqrt(2. / 22));
    }
}

static void apply_window(const CcRnnTables *t, float *x)
{
    for (int i = 0; i < FRAME; i++) {
        x[i] *= t->half_window[i];
        x[WINDOW - 1 - i] *= t->half_window[i];
    }
}

/* Direct form II transposed biquad with the reference's double intermediate products. */
static void biquad(float *y, float mem[2], const float *x, const float *b, const float *a,
                   int n)
{
    for (int i = 0; i < n; i++) {
        float xi = x[i], yi = x[i] + mem[0];
        mem[0] = (float)(mem[1] + (b[0] * (double)xi - a[0] * (double)yi));
        mem[1] = (float)(b[1] * (double)xi - a[1] * (double)yi);
        y[i] = yi;
    }
}

/* Returns 1 for frames with too little energy to analyse (the state is left alone). */
static int frame_features(CcRnnoise *st, float *Ex, float *Ep, float *Exp, float *features,
                          const float *in)
{
    const CcRnnTables *t = &st->t;
    float *w = st->win;
    float Ly[BANDS], tmp[BANDS];
    float E = 0, spec_variability = 0;

    /* analysis */
    memcpy(w, st->analysis_mem, sizeof(float) * FRAME);
    memcpy(w + FRAME, in, sizeof(float) * FRAME);
    memcpy(st->analysis_mem, in, sizeof(float) * FRAME);
    apply_window(t, w);
    cc_rfft_forward(&st->fft, w, st->X, 1.0f / WINDOW);
    band_energy(t->band_frac, Ex, st->X);

    /* pitch */
    memmove(st->pitch_buf, st->pitch_buf + FRAME, sizeof(float) * (CC_RNN_PITCH_BUF - FRAME));
    memcpy(st->pitch_buf + CC_RNN_PITCH_BUF - FRAME, in, sizeof(float) * FRAME);
    cc_pitch_downsample(st->pitch_buf, st->pitch_lp, CC_RNN_PITCH_BUF);
    int pitch_index;
    cc_pitch_search(st->k, st->pitch_lp + (CC_RNN_PITCH_MAX >> 1), st->pitch_lp,
                    CC_RNN_PITCH_FRAME, CC_RNN_PITCH_MAX - 3 * CC_RNN_PITCH_MIN, &pitch_index);
    pitch_index = CC_RNN_PITCH_MAX - pitch_index;
    float gain = cc_pitch_remove_doubling(st->pitch_lp, CC_RNN_PITCH_MAX, CC_RNN_PITCH_MIN,
                                          CC_RNN_PITCH_FRAME, &pitch_index, st->last_period,
                                          st->last_gain);
    st->last_period = pitch_index;
    st->last_gain = gain;
    memcpy(w, st->pitch_buf + CC_RNN_PITCH_BUF - WINDOW - pitch_index, sizeof(float) * WINDOW);
    apply_window(t, w);
    cc_rfft_forward(&st->fft, w, st->P, 1.0f / WINDOW);
    band_energy(t->band_frac, Ep, st->P);
    band_corr(t->band_frac, Exp, st->X, st->P);
    for (int i = 0; i < BANDS; i++)
        Exp[i] = (float)(Exp[i] / sqrt(.001 + Ex[i] * Ep[i]));
    dct(t, tmp, Exp);
    for (int i = 0; i < DELTA; i++)
        features[BANDS + 2 * DELTA + i] = tmp[i];
    features[BANDS + 2 * DELTA] -= 1.3f;
    features[BANDS + 2 * DELTA + 1] -= 0.9f;
    features[BANDS + 3 * DELTA] = (float)(.01 * (pitch_index - 300));

    /* log band energies, floored relative to the running maximum and a decaying follower */
    float log_max = -2, follow = -2;
    for (int i = 0; i < BANDS; i++) {
        Ly[i] = (float)log10(1e-2 + Ex[i]);
        Ly[i] = CC_MAX(log_max - 7, CC_MAX(follow - 1.5f, Ly[i]));
        log_max = CC_MAX(log_max, Ly[i]);
        follow = CC_MAX(follow - 1.5f, Ly[i]);
        E += Ex[i];
    }
    if (E < 0.04f) {
        memset(features, 0, sizeof(float) * NFEAT);
        return 1;
    }
    dct(t, features, Ly);
    features[0] -= 12;
    features[1] -= 4;
    float *c0 = st->cepstral_mem[st->memid];
    float *c1 = st->cepstral_mem[(st->memid + CEPS_MEM - 1) % CEPS_MEM];
    float *c2 = st->cepstral_mem[(st->memid + CEPS_MEM - 2) % CEPS_MEM];
    for (int i = 0; i < BANDS; i++)
        c0[i] = features[i];
    st->memid++;
    for (int i = 0; i < DELTA; i++) {
        features[i] = c0[i] + c1[i] + c2[i];
        features[BANDS + i] = c0[i] - c2[i];
        features[BANDS + DELTA + i] = c0[i] - 2 * c1[i] + c2[i];
    }
    if (st->memid == CEPS_MEM)
        st->memid = 0;
    /* spectral variability: mean distance of each remembered cepstrum to its nearest other */
    for (int i = 0; i < CEPS_MEM; i++) {
        float mindist = 1e15f;
        for (int j = 0; j < CEPS_MEM; j++) {
            float dist = 0;
            for (int k = 0; k < BANDS; k++) {
                float d = st->cepstral_mem[i][k] - st->cepstral_mem[j][k];
                dist += d * d;
            }
            if (j != i)
                mindist = CC_MIN(mindist, dist);
        }
        spec_variability += mindist;
    }
    features[BANDS + 3 * DELTA + 1] = (float)(spec_variability / CEPS_MEM - 2.1);
    return 0;
}

/*
 * Comb filter in the frequency domain: adds the pitch-delayed spectrum where the network's
 * gain is below the measured pitch correlation, then restores each band's energy.
 */
static void pitch_filter(CcRnnoise *st, const float *Ex, const float *Ep, const float *Exp,
                         const float *g)
{
    CcCpx *X = st->X;
    const CcCpx *P = st->P;
    float r[BANDS], rf[FREQ], newE[BANDS], norm[BANDS], normf[FREQ];
    for (int i = 0; i < BANDS; i++) {
        float ri;
        if (Exp[i] > g[i])
            ri = 1;
        else
            ri = (float)(Exp[i] * Exp[i] * (1 - g[i] * g[i]) /
                         (.001 + g[i] * g[i] * (1 - Exp[i] * Exp[i])));
        ri = (float)sqrt(CC_MIN(1, CC_MAX(0, ri)));
        ri = (float)(ri * sqrt(Ex[i] / (1e-8 + Ep[i])));
        r[i] = ri;
    }
    interp_band_gain(st->t.band_frac, rf, r);
    for (int i = 0; i < FREQ; i++) {
        X[i].re += rf[i] * P[i].re;
        X[i].im += rf[i] * P[i].im;
    }
    band_energy(st->t.band_frac, newE, X);
    for (int i = 0; i < BANDS; i++)
        norm[i] = (float)sqrt(Ex[i] / (1e-8 + newE[i]));
    interp_band_gain(st->t.band_frac, normf, norm);
    for (int i = 0; i < FREQ; i++) {
        X[i].re *= normf[i];
        X[i].im *= normf[i];
    }
}

float cc_rnnoise_process_frame(CcRnnoise *st, float *out, const float *in, float gain_floor)
{
    static const float a_hp[2] = { -1.99599f, 0.99600f };
    static const float b_hp[2] = { -2, 1 };
    float x[FRAME], Ex[BANDS], Ep[BANDS], Exp[BANDS], features[NFEAT], g[BANDS], gf[FREQ];
    float vad = 0;

    biquad(x, st->mem_hp_x, in, b_hp, a_hp, FRAME);
    int silence = frame_features(st, Ex, Ep, Exp, features, x);
    if (!silence) {
        cc_rnnoise_compute_rnn(st, g, &vad, features);
        pitch_filter(st, Ex, Ep, Exp, g);
        for (int i = 0; i < BANDS; i++) {
            g[i] = CC_MAX(g[i], .6f * st->lastg[i]);
            st->lastg[i] = g[i];
        }
        if (gain_floor > 0)
            for (int i = 0; i < BANDS; i++)
                g[i] = gain_floor + (1 - gain_floor) * g[i];
        interp_band_gain(st->t.band_frac, gf, g);
        for (int i = 0; i < FREQ; i++) {
            st->X[i].re *= gf[i];
            st->X[i].im *= gf[i];
        }
    }
    /* synthesis: inverse transform, window, overlap-add */
    float *w = st->win;
    cc_rfft_inverse(&st->fft, st->X, w);
    apply_window(&st->t, w);
    for (int i = 0; i < FRAME; i++)
        out[i] = w[i] + st->synthesis_mem[i];
    memcpy(st->synthesis_mem, w + FRAME, sizeof(float) * FRAME);
    return vad;
}

static int check_dense(const CcRnnDense *l, int in, int out)
{
    return l->nb_inputs == in && l->nb_neurons == out && out > 0 &&
           out <= CC_RNN_MAX_NEURONS && l->bias && l->input_weights;
}

static int check_gru(const CcRnnGru *l, int in)
{
    return l->nb_inputs == in && l->nb_neurons > 0 && l->nb_neurons <= CC_RNN_MAX_NEURONS &&
           l->bias && l->input_weights && l->recurrent_weights;
}

static float *convert(float **dst, const int8_t *src, size_t n)
{
    float *p = *dst;
    for (size_t i = 0; i < n; i++)
        p[i] = src[i];
    *dst += n;
    return p;
}

static void convert_dense(CcRnnLayerF *f, const CcRnnDense *l, float **dst)
{
    f->nb_inputs = l->nb_inputs;
    f->nb_neurons = l->nb_neurons;
    f->activation = l->activation;
    f->bias = convert(dst, l->bias, (size_t)l->nb_neurons);
    f->input_weights = convert(dst, l->input_weights, (size_t)l->nb_inputs * l->nb_neurons);
    f->recurrent_weights = NULL;
}

static void convert_gru(CcRnnLayerF *f, const CcRnnGru *l, float **dst)
{
    size_t n3 = 3 * (size_t)l->nb_neurons;
    f->nb_inputs = l->nb_inputs;
    f->nb_neurons = l->nb_neurons;
    f->activation = l->activation;
    f->bias = convert(dst, l->bias, n3);
    f->input_weights = convert(dst, l->input_weights, (size_t)l->nb_inputs * n3);
    f->recurrent_weights = convert(dst, l->recurrent_weights, (size_t)l->nb_neurons * n3);
}

int cc_rnn_net_init(CcRnnNet *net, const CcRnnModel *m)
{
    memset(net, 0, sizeof(*net));
    if (!m)
        return CC_ERR(EINVAL);
    int nd = m->input_dense.nb_neurons, nv = m->vad_gru.nb_neurons;
    int nn = m->noise_gru.nb_neurons, ndn = m->denoise_gru.nb_neurons;
    if (!check_dense(&m->input_dense, NFEAT, nd) || !check_gru(&m->vad_gru, nd) ||
        !check_gru(&m->noise_gru, nd + nv + NFEAT) ||
        !check_gru(&m->denoise_gru, nv + nn + NFEAT) ||
        !check_dense(&m->denoise_output, ndn, BANDS) || !check_dense(&m->vad_output, nv, 1)) {
        cc_log(CC_LOG_ERROR, "rnnoise: model layer shapes do not fit the RNNoise topology");
        return CC_ERR_MODEL;
    }
    size_t total = 0;
    const CcRnnDense *dl[3] = { &m->input_dense, &m->denoise_output, &m->vad_output };
    const CcRnnGru *gl[3] = { &m->vad_gru, &m->noise_gru, &m->denoise_gru };
    for (int i = 0; i < 3; i++) {
        total += (size_t)dl[i]->nb_neurons * (1 + (size_t)dl[i]->nb_inputs);
        total += 3 * (size_t)gl[i]->nb_neurons * (1 + (size_t)gl[i]->nb_inputs + gl[i]->nb_neurons);
    }
    net->storage = cc_alloc_aligned(total * sizeof(float));
    if (!net->storage)
        return CC_ERR(ENOMEM);
    float *p = net->storage;
    convert_dense(&net->input_dense, &m->input_dense, &p);
    convert_gru(&net->vad_gru, &m->vad_gru, &p);
    convert_gru(&net->noise_gru, &m->noise_gru, &p);
    convert_gru(&net->denoise_gru, &m->denoise_gru, &p);
    convert_dense(&net->denoise_output, &m->denoise_output, &p);
    convert_dense(&net->vad_output, &m->vad_output, &p);
    return 0;
}

void cc_rnn_net_free(CcRnnNet *net)
{
    cc_free_aligned(net->storage);
    net->storage = NULL;
}

int cc_rnnoise_init(CcRnnoise *st, const CcRnnNet *net, const CcRnnKernels *k)
{
    memset(st, 0, sizeof(*st));
    if (!net || !net->storage || !k)
        return CC_ERR(EINVAL);
    st->net = net;
    st->k = k;
    init_tables(&st->t);
    int ret = cc_rfft_init(&st->fft, WINDOW);
    if (ret < 0)
        return ret;
    cc_rnnoise_reset(st);
    return 0;
}

void cc_rnnoise_reset(CcRnnoise *st)
{
    size_t from = offsetof(CcRnnoise, analysis_mem);
    memset((char *)st + from, 0, sizeof(*st) - from);
}

void cc_rnnoise_free(CcRnnoise *st)
{
    cc_rfft_free(&st->fft);
}
