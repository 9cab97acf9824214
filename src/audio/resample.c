/*
 * Rational resampler (see resample.h). Conceptually: insert up-1 zeros between input
 * samples, low-pass at the lower of the two Nyquist rates, keep every down-th sample. With
 * the filter h split into `up` phases, output m needs only taps input samples:
 *
 *   t = m * down (position on the upsampled grid), n = t / up, p = t % up
 *   y[m] = sum_j coef[p][j] * x[n - j],   coef[p][j] = h[p + j * up]
 *
 * h is a Kaiser-windowed sinc (beta 8, about -80 dB stop band) whose length grows with the
 * decimation factor; each phase is normalised to unit DC gain. Delay: (taps * up - 1) / 2
 * upsampled samples.
 */
#include "audio/resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define BASE_TAPS 32
#define MAX_TABLE (1 << 20)

static int gcd(int a, int b)
{
    while (b) {
        int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* modified Bessel function of the first kind, order 0 */
static double bessel_i0(double x)
{
    double sum = 1, term = 1;
    for (int k = 1; k < 50; k++) {
        term *= (x / (2 * k)) * (x / (2 * k));
        sum += term;
        if (term < 1e-12 * sum)
            break;
    }
    return sum;
}

int cc_resampler_init(CcResampler *r, int in_rate, int out_rate, int max_in)
{
    memset(r, 0, sizeof(*r));
    if (in_rate <= 0 || out_rate <= 0 || max_in <= 0)
        return CC_ERR(EINVAL);
    int g = gcd(in_rate, out_rate);
    r->in_rate = in_rate;
    r->out_rate = out_rate;
    r->up = out_rate / g;
    r->down = in_rate / g;
    double ratio = (double)in_rate / out_rate; /* > 1: decimating */
    r->taps = (int)ceil(BASE_TAPS * (ratio > 1 ? ratio : 1));
    if ((int64_t)r->taps * r->up > MAX_TABLE) {
        cc_log(CC_LOG_ERROR, "resampler: %d -> %d Hz needs a %lld-entry table; use common "
               "rates", in_rate, out_rate, (long long)r->taps * r->up);
        return CC_ERR_UNSUPPORTED;
    }
    int len = r->taps * r->up;
    r->coef = cc_calloc((size_t)len, sizeof(float));
    r->hist_cap = max_in;
    r->hist = cc_calloc((size_t)(r->taps - 1 + max_in), sizeof(float));
    if (!r->coef || !r->hist) {
        cc_resampler_free(r);
        return CC_ERR(ENOMEM);
    }
    /* cutoff in cycles per upsampled sample: the lower Nyquist, minus a transition band */
    double fc = 0.5 / (r->up > r->down ? r->up : r->down) * 0.92;
    double c = (len - 1) / 2.0, beta = 8.0, i0b = bessel_i0(beta);
    for (int p = 0; p < r->up; p++) {
        double sum = 0;
        for (int j = 0; j < r->taps; j++) {
            int i = p + j * r->up;
            double x = i - c, v = 2 * fc;
            if (x != 0)
                v = sin(2 * M_PI * fc * x) / (M_PI * x);
            double u = 2.0 * i / (len - 1) - 1;
            v *= bessel_i0(beta * sqrt(fmax(0, 1 - u * u))) / i0b;
            r->coef[p * r->taps + j] = (float)v;
            sum += v;
        }
        for (int j = 0; j < r->taps && sum != 0; j++)
            r->coef[p * r->taps + j] = (float)(r->coef[p * r->taps + j] / sum);
    }
    r->delay_out = c / r->down;
    cc_resampler_reset(r);
    return 0;
}

void cc_resampler_free(CcResampler *r)
{
    free(r->coef);
    free(r->hist);
    r->coef = r->hist = NULL;
}

void cc_resampler_reset(CcResampler *r)
{
    if (r->hist)
        memset(r->hist, 0, sizeof(float) * (size_t)(r->taps - 1 + r->hist_cap));
    r->hist_n = r->taps - 1; /* zero history: the stream starts after silence */
    r->in_count = 0;
    r->next_t = 0;
}

int cc_resampler_max_out(const CcResampler *r, int in_len)
{
    return (int)(((int64_t)in_len * r->up) / r->down) + 2;
}

int cc_resampler_process(CcResampler *r, const float *in, int in_len, float *out)
{
    if (in_len > r->hist_cap)
        in_len = r->hist_cap; /* callers size max_in; never more */
    memcpy(r->hist + r->hist_n, in, sizeof(float) * (size_t)in_len);
    r->hist_n += in_len;
    r->in_count += in_len;
    /* hist[k] holds input sample (in_count - hist_n + k) */
    int64_t first = r->in_count - r->hist_n;
    int n_out = 0;
    for (;;) {
        int64_t n = r->next_t / r->up;
        if (n >= r->in_count)
            break;
        int p = (int)(r->next_t % r->up);
        const float *cf = r->coef + (size_t)p * r->taps;
        const float *x = r->hist + (n - first); /* x[-j] = input n - j */
        float s = 0;
        for (int j = 0; j < r->taps; j++)
            s += cf[j] * x[-j];
        out[n_out++] = s;
        r->next_t += r->down;
    }
    /* keep the last taps - 1 samples */
    int keep = r->taps - 1;
    memmove(r->hist, r->hist + r->hist_n - keep, sizeof(float) * (size_t)keep);
    r->hist_n = keep;
    return n_out;
}
