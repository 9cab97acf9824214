/* Echo-cancellation metrics; see echometrics.h. */
#include "echometrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audiofile.h"

int cc_echo_read_list(const char *dir, CcEchoCase *cases, int max)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/cases.txt", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "echometrics: cannot open %s (run data/build_echo.sh)\n", path);
        return -1;
    }
    int n = 0;
    char line[512];
    while (n < max && fgets(line, sizeof(line), f)) {
        CcEchoCase *c = &cases[n];
        memset(c, 0, sizeof(*c));
        if (sscanf(line, "%63s %7s %lf %lf %lf %d %lf %lf %lf %lf", c->name, c->kind, &c->rt60,
                   &c->delay_ms, &c->drift_ppm, &c->clip, &c->near_dbfs, &c->ser_db, &c->snr_db,
                   &c->seconds) != 10) {
            fprintf(stderr, "echometrics: %s: bad line: %s", path, line);
            fclose(f);
            return -1;
        }
        n++;
    }
    fclose(f);
    return n;
}

static float *load_one(const char *dir, const char *name, const char *what, int *rate, int64_t *n)
{
    char path[4096], err[4600];
    snprintf(path, sizeof(path), "%s/%s.%s.wav", dir, name, what);
    CcAudioFile a;
    if (cc_audio_read(path, &a, err, sizeof(err)) < 0) {
        fprintf(stderr, "echometrics: %s\n", err);
        return NULL;
    }
    if (a.channels != 1 || (*n && a.frames != *n)) {
        fprintf(stderr, "echometrics: %s: %d channels, %lld frames (want mono, %lld)\n", path,
                a.channels, (long long)a.frames, (long long)*n);
        cc_audio_free(&a);
        return NULL;
    }
    *rate = a.sample_rate;
    *n = a.frames;
    return a.samples;
}

int cc_echo_load(const char *dir, CcEchoCase *c)
{
    c->n = 0;
    c->mic = load_one(dir, c->name, "mic", &c->rate, &c->n);
    c->far = c->mic ? load_one(dir, c->name, "far", &c->rate, &c->n) : NULL;
    c->near = c->far ? load_one(dir, c->name, "near", &c->rate, &c->n) : NULL;
    c->echo = c->near ? load_one(dir, c->name, "echo", &c->rate, &c->n) : NULL;
    if (!c->echo) {
        cc_echo_unload(c);
        return -1;
    }
    return 0;
}

void cc_echo_unload(CcEchoCase *c)
{
    free(c->mic);
    free(c->far);
    free(c->near);
    free(c->echo);
    c->mic = c->far = c->near = c->echo = NULL;
}

static void range(const CcEchoCase *c, double from_s, double to_s, int64_t *a, int64_t *b)
{
    *a = (int64_t)(from_s * c->rate);
    *b = to_s <= 0 ? c->n : (int64_t)(to_s * c->rate);
    if (*a < 0)
        *a = 0;
    if (*b > c->n)
        *b = c->n;
}

double cc_echo_erle(const CcEchoCase *c, const float *out, double from_s, double to_s)
{
    int64_t a, b;
    range(c, from_s, to_s, &a, &b);
    const int64_t fl = c->rate / 50;
    double peak = 0;
    for (int64_t i = 0; i + fl <= c->n; i += fl) {
        double s = 0;
        for (int64_t j = i; j < i + fl; j++)
            s += (double)c->echo[j] * c->echo[j];
        peak = fmax(peak, s);
    }
    double sm = 0, so = 0;
    for (int64_t i = a; i + fl <= b; i += fl) {
        double s = 0, m = 0, o = 0;
        for (int64_t j = i; j < i + fl; j++) {
            s += (double)c->echo[j] * c->echo[j];
            m += (double)c->mic[j] * c->mic[j];
            o += (double)out[j] * out[j];
        }
        if (s > peak * 1e-3) {
            sm += m;
            so += o;
        }
    }
    return 10.0 * log10((sm + 1e-20) / (so + 1e-20));
}

double cc_echo_sisdr(const CcEchoCase *c, const float *est, double from_s, double to_s)
{
    int64_t a, b;
    range(c, from_s, to_s, &a, &b);
    double rr = 0, er = 0;
    for (int64_t i = a; i < b; i++) {
        rr += (double)c->near[i] * c->near[i];
        er += (double)est[i] * c->near[i];
    }
    double alpha = er / (rr + 1e-20), sig = 0, res = 0;
    for (int64_t i = a; i < b; i++) {
        double t = alpha * c->near[i], d = est[i] - t;
        sig += t * t;
        res += d * d;
    }
    return 10.0 * log10((sig + 1e-20) / (res + 1e-20));
}

double cc_echo_near_gain(const CcEchoCase *c, const float *out, double from_s, double to_s)
{
    int64_t a, b;
    range(c, from_s, to_s, &a, &b);
    double rr = 0, er = 0;
    for (int64_t i = a; i < b; i++) {
        rr += (double)c->near[i] * c->near[i];
        er += (double)out[i] * c->near[i];
    }
    return 20.0 * log10(fmax(er, 1e-20) / (rr + 1e-20));
}
