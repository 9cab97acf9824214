/* Shared RNNoise frame pieces (see rnn_frame.h). */
#include "audio/rnn_frame.h"

#include <math.h>

#include "common.h"

void cc_rnn_high_pass(float s[2], const float *x, float *y, int n)
{
    static const float fb1 = -1.99599f, fb2 = .99600f; /* feedback */
    static const float ff1 = -2, ff2 = 1;              /* feed-forward (after the 1) */
    for (int i = 0; i < n; i++) {
        float in = x[i], out = in + s[0];
        double din = in, dout = out;
        s[0] = (float)(s[1] + (ff1 * din - fb1 * dout));
        s[1] = (float)(ff2 * din - fb2 * dout);
        y[i] = out;
    }
}

void cc_rnn_window_init(float *w, int hop)
{
    for (int i = 0; i < hop; i++) {
        double s = sin(.5 * M_PI * (i + .5) / hop);
        w[i] = (float)sin(.5 * M_PI * s * s);
    }
}

void cc_rnn_dct_init(float *m, int n)
{
    for (int b = 0; b < n; b++)
        for (int i = 0; i < n; i++)
            m[b * n + i] = (float)(cos((b + .5) * i * M_PI / n) * (i == 0 ? sqrt(.5) : 1.0));
}

void cc_rnn_dct(const float *m, int n, const float *in, float *out, int ncoef, double scale)
{
    /* band by band into all the sums at once (a loop across coefficients, which vectorises);
       each coefficient still adds its terms in band order */
    float acc[32] = { 0 };
    for (int b = 0; b < n; b++) {
        const float *col = m + (size_t)b * n;
        float v = in[b];
        for (int i = 0; i < ncoef; i++)
            acc[i] += v * col[i];
    }
    for (int i = 0; i < ncoef; i++)
        out[i] = (float)(acc[i] * scale);
}

void cc_rnn_windowed_spectrum(CcRfft *fft, const float *w, int hop, float *buf,
                              const float *a, const float *b, CcCpx *out)
{
    for (int i = 0; i < hop; i++) {
        buf[i] = a[i] * w[i];
        buf[hop + i] = b[i] * w[hop - 1 - i];
    }
    cc_rfft_forward(fft, buf, out, 1.0f / (float)(2 * hop));
}

float cc_rnn_comb_amount(float c, float g, float ex, float ep)
{
    float amount = 1;
    if (!(c > g))
        amount = (float)(c * c * (1 - g * g) / (.001 + g * g * (1 - c * c)));
    amount = (float)sqrt(CC_MIN(1, CC_MAX(0, amount)));
    return (float)(amount * sqrt(ex / (1e-8 + ep)));
}

void cc_rnn_hold_gains(float *g, float *held, int nbands, float gain_floor)
{
    for (int b = 0; b < nbands; b++)
        held[b] = g[b] = CC_MAX(g[b], .6f * held[b]);
    if (gain_floor > 0)
        for (int b = 0; b < nbands; b++)
            g[b] = gain_floor + (1 - gain_floor) * g[b];
}

void cc_rnn_scale_bins(CcCpx *x, const float *g, int n)
{
    for (int k = 0; k < n; k++) {
        x[k].re *= g[k];
        x[k].im *= g[k];
    }
}

void cc_rnn_add_bins(CcCpx *x, const float *a, const CcCpx *p, int n)
{
    for (int k = 0; k < n; k++) {
        x[k].re += a[k] * p[k].re;
        x[k].im += a[k] * p[k].im;
    }
}
