/* FFT against a naive double-precision DFT, for the RNNoise size and awkward ones. */
#include <math.h>
#include <stdlib.h>

#include "dsp/fft.h"
#include "testutil.h"

static unsigned rng_state = 12345;
static float frand(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (float)((rng_state >> 8) * (1.0 / 16777216.0)) * 2.0f - 1.0f;
}

static void test_complex(int n)
{
    CcFft f;
    CHECK(cc_fft_init(&f, n) == 0);
    CcCpx *in = calloc((size_t)n, sizeof(*in)), *out = calloc((size_t)n, sizeof(*out));
    for (int j = 0; j < n; j++) {
        in[j].re = frand();
        in[j].im = frand();
    }
    cc_fft_forward(&f, in, out);
    double err = 0, ref = 0;
    for (int k = 0; k < n; k++) {
        double sr = 0, si = 0;
        for (int j = 0; j < n; j++) {
            double ph = -2.0 * M_PI * (double)((long)j * k % n) / n;
            sr += in[j].re * cos(ph) - in[j].im * sin(ph);
            si += in[j].re * sin(ph) + in[j].im * cos(ph);
        }
        err += (sr - out[k].re) * (sr - out[k].re) + (si - out[k].im) * (si - out[k].im);
        ref += sr * sr + si * si;
    }
    double snr = 10 * log10(ref / (err + 1e-30));
    CHECK_MSG(snr > 110, "complex n=%d snr %.1f dB", n, snr);
    free(in);
    free(out);
    cc_fft_free(&f);
}

static void test_real(int n)
{
    CcRfft f;
    CHECK(cc_rfft_init(&f, n) == 0);
    float *x = calloc((size_t)n, sizeof(*x)), *y = calloc((size_t)n, sizeof(*y));
    CcCpx *X = calloc((size_t)n / 2 + 1, sizeof(*X));
    for (int j = 0; j < n; j++)
        x[j] = frand() * 1000.0f;
    float scale = 1.0f / n;
    cc_rfft_forward(&f, x, X, scale);
    double err = 0, ref = 0;
    for (int k = 0; k <= n / 2; k++) {
        double sr = 0, si = 0;
        for (int j = 0; j < n; j++) {
            double ph = -2.0 * M_PI * (double)((long)j * k % n) / n;
            sr += x[j] * cos(ph);
            si += x[j] * sin(ph);
        }
        sr *= scale;
        si *= scale;
        err += (sr - X[k].re) * (sr - X[k].re) + (si - X[k].im) * (si - X[k].im);
        ref += sr * sr + si * si;
    }
    double snr = 10 * log10(ref / (err + 1e-30));
    CHECK_MSG(snr > 110, "real forward n=%d snr %.1f dB", n, snr);
    /* Round trip: inverse is unscaled, forward scaled by 1/n, so y == x. */
    cc_rfft_inverse(&f, X, y);
    err = ref = 0;
    for (int j = 0; j < n; j++) {
        err += (double)(y[j] - x[j]) * (y[j] - x[j]);
        ref += (double)x[j] * x[j];
    }
    snr = 10 * log10(ref / (err + 1e-30));
    CHECK_MSG(snr > 110, "real round trip n=%d snr %.1f dB", n, snr);
    /* Inverse against a naive Hermitian synthesis, including non-zero imag at DC/Nyquist
       (which must be ignored). */
    X[0].im = 5.0f;
    X[n / 2].im = -3.0f;
    cc_rfft_inverse(&f, X, y);
    err = ref = 0;
    for (int j = 0; j < n; j++) {
        double s = X[0].re + X[n / 2].re * ((j & 1) ? -1 : 1);
        for (int k = 1; k < n / 2; k++) {
            double ph = 2.0 * M_PI * (double)((long)j * k % n) / n;
            s += 2 * (X[k].re * cos(ph) - X[k].im * sin(ph));
        }
        err += (s - y[j]) * (s - y[j]);
        ref += s * s;
    }
    snr = 10 * log10(ref / (err + 1e-30));
    CHECK_MSG(snr > 110, "real inverse n=%d snr %.1f dB", n, snr);
    free(x);
    free(y);
    free(X);
    cc_rfft_free(&f);
}

int main(void)
{
    int sizes[] = { 1, 2, 3, 4, 5, 7, 8, 12, 15, 16, 30, 49, 60, 64, 120, 240, 480, 960, 1001 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        test_complex(sizes[i]);
    int rsizes[] = { 2, 4, 6, 10, 16, 30, 96, 240, 480, 960, 1920 };
    for (size_t i = 0; i < sizeof(rsizes) / sizeof(rsizes[0]); i++)
        test_real(rsizes[i]);
    CcFft f;
    CHECK(cc_fft_init(&f, 0) < 0);
    CcRfft r;
    CHECK(cc_rfft_init(&r, 7) < 0);
    return CC_TEST_RESULT();
}
