/*
 * Compares what a GStreamer pipeline made with what the cleancast CLI made from the same input.
 *
 *   gstcmp video W H A.yuv B.yuv   raw I420 frames: frame counts, largest and mean absolute
 *                                  difference, share of samples differing by more than 2, PSNR
 *   gstcmp audio A.f32 B.f32       raw float samples (one channel): counts, the lag of B
 *                                  against A that fits best (within +-2400 samples), and the
 *                                  SNR of A against B at lag 0 and at the best lag, in dB
 *
 * Prints "key=value" pairs on one line for the test script to check.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "gstcmp: cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "gstcmp: cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static double snr_at(const float *a, size_t na, const float *b, size_t nb, long lag)
{
    /* compares a[i] with b[i + lag] over the overlap */
    double sig = 0, err = 0;
    for (size_t i = 0; i < na; i++) {
        long j = (long)i + lag;
        if (j < 0 || (size_t)j >= nb)
            continue;
        sig += (double)a[i] * a[i];
        double d = (double)a[i] - b[j];
        err += d * d;
    }
    if (err == 0)
        return 200.0;
    return 10.0 * log10((sig + 1e-20) / err);
}

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "video")) {
        int w = atoi(argv[2]), h = atoi(argv[3]);
        size_t fs = (size_t)w * h + 2 * (size_t)((w + 1) / 2) * ((h + 1) / 2);
        size_t na, nb;
        uint8_t *a = slurp(argv[4], &na), *b = slurp(argv[5], &nb);
        size_t fa = na / fs, fb = nb / fs, n = (fa < fb ? fa : fb) * fs;
        double sum = 0, sq = 0;
        size_t big = 0, frames_diff = 0;
        int maxd = 0;
        for (size_t f = 0; f < n / fs; f++) {
            int fd = 0;
            for (size_t i = f * fs; i < (f + 1) * fs; i++) {
                int d = abs((int)a[i] - (int)b[i]);
                sum += d;
                sq += (double)d * d;
                if (d > 2)
                    big++;
                if (d > fd)
                    fd = d;
            }
            if (fd)
                frames_diff++;
            if (fd > maxd)
                maxd = fd;
        }
        double mse = n ? sq / n : 0;
        printf("frames_a=%zu frames_b=%zu max=%d mean=%.5f over2_pct=%.4f frames_differing=%zu "
               "psnr=%.2f\n", fa, fb, maxd, n ? sum / n : 0, n ? 100.0 * big / n : 0, frames_diff,
               mse > 0 ? 10 * log10(255.0 * 255.0 / mse) : 200.0);
        return 0;
    }
    if (argc == 4 && !strcmp(argv[1], "audio")) {
        size_t na, nb;
        float *a = slurp(argv[2], &na), *b = slurp(argv[3], &nb);
        na /= sizeof(float);
        nb /= sizeof(float);
        long best = 0;
        double best_snr = -1e9;
        for (long lag = -2400; lag <= 2400; lag++) {
            double s = snr_at(a, na, b, nb, lag);
            if (s > best_snr) {
                best_snr = s;
                best = lag;
            }
        }
        double maxabs = 0;
        size_t n = na < nb ? na : nb;
        for (size_t i = 0; i < n; i++)
            if (fabs((double)a[i] - b[i]) > maxabs)
                maxabs = fabs((double)a[i] - b[i]);
        printf("samples_a=%zu samples_b=%zu snr0=%.2f best_lag=%ld best_snr=%.2f maxabs0=%.3g\n",
               na, nb, snr_at(a, na, b, nb, 0), best, best_snr, maxabs);
        return 0;
    }
    fprintf(stderr, "usage: gstcmp video W H A.yuv B.yuv | gstcmp audio A.f32 B.f32\n");
    return 2;
}
