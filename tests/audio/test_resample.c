/*
 * Our fallback resampler (src/audio/resample.c): accuracy of a tone against the exact
 * resampled tone at the reported delay, rejection of a tone above the output's Nyquist,
 * and output independent of how the input is cut.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio/resample.h"
#include "cleancast/cleancast.h"
#include "testutil.h"

static double tone_snr(int in_rate, int out_rate, double f)
{
    CcResampler r;
    CHECK(cc_resampler_init(&r, in_rate, out_rate, 4096) == 0);
    int n_in = in_rate; /* 1 s */
    float *x = malloc(sizeof(float) * n_in);
    float *y = malloc(sizeof(float) * (cc_resampler_max_out(&r, n_in) + 16));
    for (int i = 0; i < n_in; i++)
        x[i] = (float)(0.5 * sin(2 * M_PI * f * i / in_rate));
    int n_out = 0;
    for (int p = 0; p < n_in; p += 4096) {
        int n = n_in - p < 4096 ? n_in - p : 4096;
        n_out += cc_resampler_process(&r, x + p, n, y + n_out);
    }
    double s = 0, e = 0;
    for (int m = out_rate / 10; m < n_out - out_rate / 10; m++) {
        double t = (m - r.delay_out) / out_rate;
        double want = 0.5 * sin(2 * M_PI * f * t);
        s += want * want;
        e += (y[m] - want) * (y[m] - want);
    }
    cc_resampler_free(&r);
    free(x);
    free(y);
    return 10 * log10(s / (e + 1e-30));
}

static double stopband_db(int in_rate, int out_rate, double f)
{
    CcResampler r;
    CHECK(cc_resampler_init(&r, in_rate, out_rate, in_rate) == 0);
    float *x = malloc(sizeof(float) * in_rate);
    float *y = malloc(sizeof(float) * (cc_resampler_max_out(&r, in_rate) + 16));
    for (int i = 0; i < in_rate; i++)
        x[i] = (float)(0.5 * sin(2 * M_PI * f * i / in_rate));
    int n = cc_resampler_process(&r, x, in_rate, y);
    double e = 0;
    for (int m = n / 4; m < n; m++)
        e += (double)y[m] * y[m];
    e /= n - n / 4;
    cc_resampler_free(&r);
    free(x);
    free(y);
    return 10 * log10(e / 0.125 + 1e-30); /* relative to the input tone's power */
}

int main(void)
{
    static const int pairs[][2] = { { 44100, 48000 }, { 48000, 44100 }, { 16000, 48000 },
                                    { 48000, 8000 }, { 22050, 48000 }, { 192000, 48000 },
                                    { 48000, 96000 }, { 11025, 48000 }, { 48000, 11025 } };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        int a = pairs[i][0], b = pairs[i][1], lo = a < b ? a : b;
        double f1 = 1000 * lo / 48000.0 + 101, f2 = 0.35 * lo;
        double s1 = tone_snr(a, b, f1), s2 = tone_snr(a, b, f2);
        printf("%6d -> %6d Hz: tone %.0f Hz %.1f dB, tone %.0f Hz %.1f dB", a, b, f1, s1, f2, s2);
        CHECK_MSG(s1 > 70 && s2 > 60, "%d -> %d: SNR %.1f / %.1f dB", a, b, s1, s2);
        if (b < a) {
            /* a tone between the new and the old Nyquist must not fold back */
            double fa = b / 2.0 + 0.75 * (a / 2.0 - b / 2.0);
            double sb = stopband_db(a, b, fa);
            printf(", %.0f Hz (above the new Nyquist) %.1f dB", fa, sb);
            CHECK_MSG(sb < -50, "%d -> %d: alias only %.1f dB down", a, b, sb);
        }
        printf("\n");
    }
    /* chunking does not matter */
    CcResampler r1, r2;
    CHECK(cc_resampler_init(&r1, 44100, 48000, 5000) == 0);
    CHECK(cc_resampler_init(&r2, 44100, 48000, 5000) == 0);
    int n = 44100;
    float *x = malloc(sizeof(float) * n), *y1 = malloc(sizeof(float) * 60000),
          *y2 = malloc(sizeof(float) * 60000);
    unsigned s = 9;
    for (int i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = (float)(s >> 8) / 16777216.0f - 0.5f;
    }
    int o1 = 0, o2 = 0;
    for (int p = 0; p < n; p += 4410)
        o1 += cc_resampler_process(&r1, x + p, n - p < 4410 ? n - p : 4410, y1 + o1);
    for (int p = 0, k = 0; p < n; k++) {
        int c = 1 + (k * 37) % 500;
        c = c < n - p ? c : n - p;
        o2 += cc_resampler_process(&r2, x + p, c, y2 + o2);
        p += c;
    }
    CHECK(o1 == o2 && !memcmp(y1, y2, sizeof(float) * o1));
    cc_resampler_free(&r1);
    cc_resampler_free(&r2);
    free(x);
    free(y1);
    free(y2);
    CcResampler bad;
    CHECK(cc_resampler_init(&bad, 0, 48000, 10) < 0);
    CHECK(cc_resampler_init(&bad, 47999, 48000, 10) == CC_ERR_UNSUPPORTED);
    return CC_TEST_RESULT();
}
