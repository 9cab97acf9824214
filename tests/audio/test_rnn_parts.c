/*
 * The RNNoise building blocks on inputs whose answers are known without the reference:
 *
 * - band tables: the expansion weights of every bin below 20 kHz sum to 1 (a partition of
 *   unity, so a flat gain stays flat); bins above get 0; band sums equal a direct scatter of
 *   each bin into its two neighbouring bands (written here independently) within float
 *   rounding; the two end bands are doubled.
 * - pitch tracker: harmonic signals of known fundamental come out at their period (also
 *   through the octave check, on a signal whose even harmonics dominate), with high gain;
 *   white noise gives a low gain.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio/rnn_bands.h"
#include "audio/rnn_pitch.h"
#include "testutil.h"

static const int centres[CC_RNN_BANDS] = { 0,  4,  8,  12, 16, 20,  24,  28,  32,  40,  48,
                                           56, 64, 80, 96, 112, 136, 160, 192, 240, 312, 400 };

static unsigned rng = 12345u;
static float frand(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (float)((rng >> 8) & 0xFFFF) / 32768.0f - 1.0f;
}

static void check_bands(const CcRnnKernels *k)
{
    CcRnnBands t;
    cc_rnn_bands_init(&t);

    /* partition of unity */
    float ones[CC_RNN_BANDS], g[CC_RNN_SPEC];
    for (int b = 0; b < CC_RNN_BANDS; b++)
        ones[b] = 1;
    cc_rnn_band_expand(&t, ones, g);
    for (int i = 0; i < CC_RNN_SPEC; i++) {
        float want = i < CC_RNN_BAND_SPAN ? 1.0f : 0.0f;
        CHECK_MSG(fabsf(g[i] - want) < 1e-6f, "expansion of ones at bin %d: %g", i, g[i]);
    }
    /* a ramp over bands expands to straight lines between centres */
    float ramp[CC_RNN_BANDS];
    for (int b = 0; b < CC_RNN_BANDS; b++)
        ramp[b] = (float)b;
    cc_rnn_band_expand(&t, ramp, g);
    for (int b = 0; b + 1 < CC_RNN_BANDS; b++) {
        int mid = (centres[b] + centres[b + 1]) / 2;
        float frac = (float)(mid - centres[b]) / (centres[b + 1] - centres[b]);
        CHECK_MSG(fabsf(g[centres[b]] - b) < 1e-5f, "ramp at centre %d", b);
        CHECK_MSG(fabsf(g[mid] - (b + frac)) < 1e-5f, "ramp between %d and %d", b, b + 1);
    }

    /* band sums against a direct scatter, on random positive and mixed-sign values */
    for (int trial = 0; trial < 2; trial++) {
        float v[CC_RNN_SPEC + 8];
        for (int i = 0; i < CC_RNN_SPEC + 8; i++)
            v[i] = trial ? frand() * 1000 : fabsf(frand()) * 1e6f;
        double want[CC_RNN_BANDS] = { 0 };
        for (int b = 0; b + 1 < CC_RNN_BANDS; b++)
            for (int i = centres[b]; i < centres[b + 1]; i++) {
                double f = (double)(i - centres[b]) / (centres[b + 1] - centres[b]);
                want[b] += (1 - f) * v[i];
                want[b + 1] += f * v[i];
            }
        want[0] *= 2;
        want[CC_RNN_BANDS - 1] *= 2;
        float got[CC_RNN_BANDS];
        cc_rnn_band_sums(&t, k, v, got);
        for (int b = 0; b < CC_RNN_BANDS; b++) {
            double mag = 0;
            for (int i = 0; i < CC_RNN_SPEC; i++)
                mag += fabs(v[i]);
            CHECK_MSG(fabs(got[b] - want[b]) <= 1e-6 * mag, "%s band %d sum %.9g vs %.9g",
                      k->name, b, got[b], want[b]);
        }
    }
}

/* Feeds `hops` hops of a signal and returns the last period; *gain gets the last gain. */
static int track(const CcRnnKernels *k, double f0, int odd_harmonics, int noise, float *gain)
{
    CcRnnPitch *p = calloc(1, sizeof(*p));
    float hop[480];
    long t = 0;
    for (int h = 0; h < 12; h++) {
        for (int i = 0; i < 480; i++, t++) {
            double s = 0;
            if (noise) {
                s = 8000 * frand();
            } else {
                for (int m = 1; m * f0 < 4000; m++) {
                    double amp = (m % 2 || !odd_harmonics) ? 3000.0 / m : 0;
                    s += amp * sin(2 * M_PI * f0 * m * t / 48000.0 + 0.3 * m);
                }
            }
            hop[i] = (float)s;
        }
        cc_rnn_pitch_update(p, k, hop, 480);
    }
    int period = p->period;
    *gain = p->gain;
    free(p);
    return period;
}

static void check_pitch(const CcRnnKernels *k)
{
    static const double f0s[] = { 80, 100, 150, 200, 240, 300, 400 };
    for (size_t i = 0; i < sizeof(f0s) / sizeof(f0s[0]); i++) {
        float gain;
        int want = (int)lround(48000 / f0s[i]);
        int got = track(k, f0s[i], 0, 0, &gain);
        CHECK_MSG(abs(got - want) <= 2, "%s: %.0f Hz tone: period %d, want %d", k->name,
                  f0s[i], got, want);
        CHECK_MSG(gain > 0.8f, "%s: %.0f Hz tone: gain %.3f", k->name, f0s[i], gain);
    }
    /* odd harmonics only: the period is still 1/f0, not half of it */
    float gain;
    int got = track(k, 125, 1, 0, &gain);
    CHECK_MSG(abs(got - 384) <= 2, "%s: odd-harmonic 125 Hz: period %d, want 384", k->name, got);
    got = track(k, 0, 0, 1, &gain);
    CHECK_MSG(gain < 0.5f, "%s: white noise: gain %.3f (period %d)", k->name, gain, got);
}

int main(void)
{
    CcRnnKernels c, best;
    cc_rnn_kernels_init_c(&c);
    cc_rnn_kernels_init(&best);
    check_bands(&c);
    check_pitch(&c);
    if (strcmp(best.name, c.name)) {
        check_bands(&best);
        check_pitch(&best);
    }
    printf("rnn parts: bands and pitch checked with kernels '%s' and '%s'\n", c.name, best.name);
    return CC_TEST_RESULT();
}
