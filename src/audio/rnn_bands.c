/* Band weight tables and their use (see rnn_bands.h). */
#include "audio/rnn_bands.h"

#include <string.h>

/* Band centres in 200 Hz units (4 bins): dense where speech formants are, sparse above. */
static const unsigned char centre_200hz[CC_RNN_BANDS] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 34, 40, 48, 60, 78, 100
};

static int centre_bin(int b)
{
    return 4 * centre_200hz[b];
}

void cc_rnn_bands_init(CcRnnBands *t)
{
    memset(t, 0, sizeof(*t));
    /* Expansion view first: each bin below the last centre is between two centres. */
    for (int b = 0; b + 1 < CC_RNN_BANDS; b++) {
        int lo = centre_bin(b), width = centre_bin(b + 1) - lo;
        for (int k = lo; k < lo + width; k++) {
            float up = (float)(k - lo) / width;
            t->below[k] = (unsigned char)b;
            t->w_above[k] = up;
            t->w_below[k] = 1 - up;
        }
    }
    /* Sum view: band b's row runs from centre b-1 (rising) to centre b+1 (falling). */
    int pos = 0;
    for (int b = 0; b < CC_RNN_BANDS; b++) {
        int from = b > 0 ? centre_bin(b - 1) : 0;
        int to = b + 1 < CC_RNN_BANDS ? centre_bin(b + 1) : CC_RNN_BAND_SPAN;
        /* the end bands see half a triangle: double them so all bands weigh alike */
        float edge_gain = (b == 0 || b == CC_RNN_BANDS - 1) ? 2.0f : 1.0f;
        t->start[b] = (short)from;
        t->taps[b] = (short)((to - from + 7) & ~7);
        t->row[b] = (short)pos;
        for (int k = from; k < to; k++)
            t->weight[pos + k - from] =
                edge_gain * (t->below[k] == b ? t->w_below[k] : t->w_above[k]);
        pos += t->taps[b];
    }
}

void cc_rnn_band_sums(const CcRnnBands *t, const CcRnnKernels *k, const float *v, float *out)
{
    for (int b = 0; b < CC_RNN_BANDS; b++)
        out[b] = k->dot8(t->weight + t->row[b], v + t->start[b], t->taps[b]);
}

void cc_rnn_band_expand(const CcRnnBands *t, const float *band, float *g)
{
    for (int k = 0; k < CC_RNN_BAND_SPAN; k++) {
        int b = t->below[k];
        g[k] = t->w_below[k] * band[b] + t->w_above[k] * band[b + 1];
    }
    for (int k = CC_RNN_BAND_SPAN; k < CC_RNN_SPEC; k++)
        g[k] = 0;
}

void cc_rnn_bin_power(const CcCpx *x, float *v)
{
    for (int k = 0; k < CC_RNN_SPEC; k++)
        v[k] = x[k].re * x[k].re + x[k].im * x[k].im;
}

void cc_rnn_bin_cross(const CcCpx *x, const CcCpx *y, float *v)
{
    for (int k = 0; k < CC_RNN_SPEC; k++)
        v[k] = x[k].re * y[k].re + x[k].im * y[k].im;
}
