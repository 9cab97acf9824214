/*
 * One 10 ms hop of RNNoise 0.1 (see rnnoise.h):
 *
 *   1. high-pass          remove DC and rumble (biquad, double zero at DC)
 *   2. spectra            window [previous hop, this hop], 960-point FFT -> X;
 *                         pitch tracker -> period T; the same for the signal T back -> P
 *   3. features (42)      cepstrum of the log band energies of X and its change over three
 *                         hops, cepstrum of the per-band X/P correlation, T, and how far
 *                         recent cepstra are from each other (stationarity)
 *   4. network            22 band gains and a speech probability
 *   5. comb filter        add P to X where the band is more periodic than the network's
 *                         gain implies, keeping each band's energy (this restores the
 *                         harmonics that the coarse band gains would smear)
 *   6. gains              decay no faster than 0.6 per hop, floored by the strength
 *                         setting, interpolated to bins, applied
 *   7. synthesis          inverse FFT, window, overlap-add with the previous hop's tail
 *
 * Steps 3-6 are skipped on near-silent hops, which then pass through unchanged.
 * The float/double mix of a few expressions (logs, square roots of band ratios, the
 * biquad) follows the published reference's, so that the outputs agree closely.
 */
#include "audio/rnnoise.h"
#include "audio/rnn_frame.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "common.h"

#define HOP CC_RNN_FRAME
#define NB CC_RNN_BANDS
#define NBIN CC_RNN_SPEC
#define CEPS_HIST CC_RNN_CEPS_HISTORY
#define N_DELTA 6 /* cepstral coefficients that also get first and second differences */
#define N_PITCH_CORR 6

/* Feature vector layout. */
enum {
    F_CEPS = 0,                          /* 22: cepstrum (first 6 summed over 3 hops) */
    F_DELTA1 = F_CEPS + NB,              /* 6: first difference over 2 hops */
    F_DELTA2 = F_DELTA1 + N_DELTA,       /* 6: second difference */
    F_PITCH_CORR = F_DELTA2 + N_DELTA,   /* 6: cepstrum of the X/P correlation */
    F_PERIOD = F_PITCH_CORR + N_PITCH_CORR,
    F_VARIABILITY,
    F_COUNT
};
_Static_assert(F_COUNT == CC_RNN_FEATURES, "feature layout and network input disagree");

/* Per-band quantities of one hop. */
typedef struct Bands {
    float ex[NB];   /* energy of X */
    float ep[NB];   /* energy of P */
    float exp_[NB]; /* correlation of X with P, normalised to -1..1 */
} Bands;

/* ------------------------------------------------------------------ spectra */

/* Frame = [a, b] (one hop each), windowed, to spectrum. */
static void spectrum(CcRnnoise *st, const float *a, const float *b, CcCpx *out)
{
    cc_rnn_windowed_spectrum(&st->fft, st->window, HOP, st->frame_buf, a, b, out);
}

/* ------------------------------------------------------------------ features */

static void band_energies(CcRnnoise *st, const CcCpx *spec, float *out)
{
    cc_rnn_bin_power(spec, st->bin_val);
    cc_rnn_band_sums(st->bands, st->k, st->bin_val, out);
}

/* DCT-II of 22 band values (orthonormal; coefficient i from dct[i][.]). */
static void cepstrum(const CcRnnoise *st, const float *in, float *out, int ncoef)
{
    cc_rnn_dct(&st->dct[0][0], NB, in, out, ncoef, sqrt(2. / NB));
}

/*
 * log10 band energies, each floored at 7 decades below the loudest band so far and at no
 * more than 1.5 decades below its lower neighbour (so empty bands do not dominate the
 * cepstrum). Returns the total energy.
 */
static float log_energies(const float *ex, float *ly)
{
    float total = 0;
    for (int b = 0; b < NB; b++) {
        ly[b] = (float)log10(1e-2 + ex[b]);
        total += ex[b];
    }
    float loudest = -2, neighbour = -2; /* running maximum; decaying follower */
    for (int b = 0; b < NB; b++) {
        float lowest = CC_MAX(loudest - 7, neighbour - 1.5f);
        if (lowest > ly[b])
            ly[b] = lowest;
        if (ly[b] > loudest)
            loudest = ly[b];
        neighbour = CC_MAX(neighbour - 1.5f, ly[b]);
    }
    return total;
}

/* Mean over the remembered cepstra of the squared distance to the nearest other one. */
static float variability(const CcRnnoise *st)
{
    float d2[CEPS_HIST][CEPS_HIST];
    for (int i = 0; i < CEPS_HIST; i++)
        for (int j = i + 1; j < CEPS_HIST; j++) {
            float s = 0;
            for (int b = 0; b < NB; b++) {
                float diff = st->ceps[i][b] - st->ceps[j][b];
                s += diff * diff;
            }
            d2[i][j] = d2[j][i] = s; /* (a - b)^2 = (b - a)^2 exactly: one pass serves both */
        }
    float sum = 0;
    for (int i = 0; i < CEPS_HIST; i++) {
        float nearest = 1e15f;
        for (int j = 0; j < CEPS_HIST; j++)
            if (j != i)
                nearest = CC_MIN(nearest, d2[i][j]);
        sum += nearest;
    }
    return sum / CEPS_HIST;
}

/* Returns 0, or 1 for a hop too quiet to analyse (features are then zero). */
static int features(CcRnnoise *st, const float *x, Bands *bd, float *feat)
{
    float ly[NB], corr_ceps[NB];

    spectrum(st, st->last_input, x, st->spec);
    memcpy(st->last_input, x, sizeof(st->last_input));
    band_energies(st, st->spec, bd->ex);

    cc_rnn_pitch_update(&st->pitch, st->k, x, HOP);
    const float *delayed = cc_rnn_pitch_delayed(&st->pitch);
    spectrum(st, delayed, delayed + HOP, st->pitch_spec);
    band_energies(st, st->pitch_spec, bd->ep);
    cc_rnn_bin_cross(st->spec, st->pitch_spec, st->bin_val);
    cc_rnn_band_sums(st->bands, st->k, st->bin_val, bd->exp_);
    for (int b = 0; b < NB; b++)
        bd->exp_[b] = (float)(bd->exp_[b] / sqrt(.001 + bd->ex[b] * bd->ep[b]));

    if (log_energies(bd->ex, ly) < 0.04f) {
        memset(feat, 0, sizeof(float) * F_COUNT);
        return 1;
    }

    /* this hop's cepstrum, offsets removed from the two largest terms, into the ring */
    float *now = st->ceps[st->ceps_next];
    cepstrum(st, ly, now, NB);
    now[0] -= 12;
    now[1] -= 4;
    const float *prev1 = st->ceps[(st->ceps_next + CEPS_HIST - 1) % CEPS_HIST];
    const float *prev2 = st->ceps[(st->ceps_next + CEPS_HIST - 2) % CEPS_HIST];
    st->ceps_next = (st->ceps_next + 1) % CEPS_HIST;

    memcpy(feat + F_CEPS, now, sizeof(float) * NB);
    for (int i = 0; i < N_DELTA; i++) {
        feat[F_CEPS + i] = now[i] + prev1[i] + prev2[i];
        feat[F_DELTA1 + i] = now[i] - prev2[i];
        feat[F_DELTA2 + i] = now[i] - 2 * prev1[i] + prev2[i];
    }
    cepstrum(st, bd->exp_, corr_ceps, N_PITCH_CORR);
    memcpy(feat + F_PITCH_CORR, corr_ceps, sizeof(float) * N_PITCH_CORR);
    feat[F_PITCH_CORR] -= 1.3f;
    feat[F_PITCH_CORR + 1] -= 0.9f;
    feat[F_PERIOD] = (float)(.01 * (st->pitch.period - 300));
    feat[F_VARIABILITY] = (float)(variability(st) - 2.1);
    return 0;
}

/* ------------------------------------------------------------------ filtering */

/* X_k *= g_k, with g expanded from per-band values. */
static void scale_spectrum(CcRnnoise *st, const float *band_gain)
{
    cc_rnn_band_expand(st->bands, band_gain, st->bin_gain);
    cc_rnn_scale_bins(st->spec, st->bin_gain, NBIN);
}

/* X += a P per band, then each band's energy put back to what X had: the filter only
   reshapes within a band (restores harmonics the coarse band gains would smear). */
static void comb_filter(CcRnnoise *st, const Bands *bd, const float *g)
{
    float amount[NB], e_after[NB];
    for (int b = 0; b < NB; b++)
        amount[b] = cc_rnn_comb_amount(bd->exp_[b], g[b], bd->ex[b], bd->ep[b]);
    cc_rnn_band_expand(st->bands, amount, st->bin_gain);
    cc_rnn_add_bins(st->spec, st->bin_gain, st->pitch_spec, NBIN);
    band_energies(st, st->spec, e_after);
    for (int b = 0; b < NB; b++) /* in place: e_after becomes the restoring gain */
        e_after[b] = (float)sqrt(bd->ex[b] / (1e-8 + e_after[b]));
    scale_spectrum(st, e_after);
}

float cc_rnnoise_process_frame(CcRnnoise *st, float *out, const float *in, float gain_floor)
{
    float x[HOP], feat[F_COUNT], g[NB];
    Bands bd;
    float speech = 0;

    cc_rnn_high_pass(st->hp_state, in, x, HOP);
    if (!features(st, x, &bd, feat)) {
        cc_rnn_net_run(st->net, st->k, &st->mem, feat, g, &speech);
        comb_filter(st, &bd, g);
        cc_rnn_hold_gains(g, st->held_gain, NB, gain_floor);
        scale_spectrum(st, g);
    }

    float *f = st->frame_buf;
    cc_rfft_inverse(&st->fft, st->spec, f);
    for (int i = 0; i < HOP; i++) {
        out[i] = f[i] * st->window[i] + st->overlap[i];
        st->overlap[i] = f[HOP + i] * st->window[HOP - 1 - i];
    }
    return speech;
}

/* ------------------------------------------------------------------ set-up */

int cc_rnnoise_init(CcRnnoise *st, const CcRnnNet *net, const CcRnnBands *bands,
                    const CcRnnKernels *k)
{
    memset(st, 0, sizeof(*st));
    if (!net || !net->storage || !bands || !k)
        return CC_ERR(EINVAL);
    st->net = net;
    st->bands = bands;
    st->k = k;
    cc_rnn_window_init(st->window, HOP);
    cc_rnn_dct_init(&st->dct[0][0], NB);
    int ret = cc_rfft_init(&st->fft, CC_RNN_WINDOW);
    if (ret < 0)
        return ret;
    cc_rnnoise_reset(st);
    return 0;
}

void cc_rnnoise_reset(CcRnnoise *st)
{
    size_t from = offsetof(CcRnnoise, hp_state);
    memset((char *)st + from, 0, sizeof(*st) - from);
}

int cc_rnnoise_state_finite(const CcRnnoise *st)
{
    /* a NaN or Inf anywhere poisons the sum; eight partial sums keep it off the add latency */
    float a[8] = { 0 };
    for (int i = 0; i < CC_RNN_MAX_NEURONS; i += 8)
        for (int t = 0; t < 8; t++)
            a[t] += st->mem.vad[i + t] + st->mem.noise[i + t] + st->mem.gain[i + t];
    for (int i = 0; i < HOP; i += 8)
        for (int t = 0; t < 8; t++)
            a[t] += st->overlap[i + t];
    return isfinite(a[0] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7]);
}

void cc_rnnoise_free(CcRnnoise *st)
{
    cc_rfft_free(&st->fft);
}
