/*
 * RNNoise's frequency bands as precomputed weight tables.
 *
 * The 481 bins of a 960-point frame are grouped into 22 overlapping triangular bands whose
 * centres sit on the edges below (in 200 Hz units: 4 bins at 48 kHz). A bin between centres
 * c_b and c_{b+1} belongs to band b with weight 1 - f and to band b + 1 with weight f, where
 * f is its fractional position; bins from 20 kHz up belong to none. So:
 *
 *   band sum    S_b = sum_k T[b][k] v[k]        (v: per-bin power or cross term)
 *   expansion   g[k] = sum_b T[b][k] G_b        (per-band gain -> per-bin gain)
 *
 * with the same table T. For the sums each band's row is stored over its own support only
 * (from the centre below to the centre above), padded with zero weights to a multiple of 8 so
 * that one dot-product kernel (rnnkernels.h) serves every band; the two end bands, which have
 * only half a triangle, carry doubled weights. For the expansion each bin keeps the index of
 * the band below and its two weights.
 */
#ifndef CC_AUDIO_RNN_BANDS_H
#define CC_AUDIO_RNN_BANDS_H

#include "audio/rnnkernels.h"
#include "dsp/fft.h"

#define CC_RNN_BANDS 22
#define CC_RNN_SPEC 481        /* bins of a 960-point real transform */
#define CC_RNN_BAND_SPAN 400   /* bins covered by the bands (below 20 kHz) */
#define CC_RNN_BAND_TAPS 1024  /* room for every band's padded row */

typedef struct CcRnnBands {
    short start[CC_RNN_BANDS];       /* first bin of each band's support */
    short taps[CC_RNN_BANDS];        /* support length, rounded up to a multiple of 8 */
    short row[CC_RNN_BANDS];         /* where the band's weights start in `weight` */
    float weight[CC_RNN_BAND_TAPS];  /* the rows, 32-byte aligned each */
    unsigned char below[CC_RNN_BAND_SPAN]; /* expansion: band whose centre is at or below */
    float w_below[CC_RNN_BAND_SPAN], w_above[CC_RNN_BAND_SPAN];
} CcRnnBands;

void cc_rnn_bands_init(CcRnnBands *b);

/*
 * out[b] = sum over band b's support of weight * v. v must hold CC_RNN_BAND_SPAN + 8
 * readable, finite values (the padding multiplies zero weights).
 */
void cc_rnn_band_sums(const CcRnnBands *b, const CcRnnKernels *k, const float *v, float *out);
/* g[k] for all CC_RNN_SPEC bins from per-band values; 0 from 20 kHz up. */
void cc_rnn_band_expand(const CcRnnBands *b, const float *band, float *g);
/* v[k] = |X_k|^2, or Re(X_k conj(Y_k)) with cc_rnn_bin_cross, for all bins. */
void cc_rnn_bin_power(const CcCpx *x, float *v);
void cc_rnn_bin_cross(const CcCpx *x, const CcCpx *y, float *v);

#endif
