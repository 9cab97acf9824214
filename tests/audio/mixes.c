#include "mixes.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "audiofile.h"

static unsigned lcg(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static int load(const char *rel, CcAudioFile *w)
{
    char path[4096], err[512];
    if (!cc_test_cache_path(path, sizeof(path), rel)) {
        fprintf(stderr, "mixes: %s missing (run data/fetch.sh)\n", path);
        return 0;
    }
    if (cc_audio_read(path, w, err, sizeof(err)) < 0) {
        fprintf(stderr, "mixes: %s\n", err);
        return -1;
    }
    if (w->sample_rate != 48000) {
        fprintf(stderr, "mixes: %s is %d Hz, expected the canonical 48000\n", path,
                w->sample_rate);
        cc_audio_free(w);
        return -1;
    }
    return 1;
}

/* Keyboard: presses of even scancodes, 80-250 ms apart. */
static int make_keys(float *out, int64_t n, unsigned *seed)
{
    char dir[4096];
    cc_test_cache_path(dir, sizeof(dir), "data/noise/keys");
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "mixes: %s missing (run data/fetch.sh)\n", dir);
        return 0;
    }
    char names[128][64];
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) && count < 128) {
        unsigned code;
        char press;
        if (sscanf(e->d_name, "buckle_%x-%c", &code, &press) == 2 && !(code & 1) &&
            press == '0' && strlen(e->d_name) < 64)
            snprintf(names[count++], 64, "%s", e->d_name);
    }
    closedir(d);
    if (!count) {
        fprintf(stderr, "mixes: no key press files in %s\n", dir);
        return 0;
    }
    memset(out, 0, sizeof(float) * (size_t)n);
    int64_t pos = 0;
    while (pos < n) {
        char rel[256];
        snprintf(rel, sizeof(rel), "data/noise/keys/%s", names[lcg(seed) % (unsigned)count]);
        CcAudioFile w;
        if (load(rel, &w) <= 0)
            return -1;
        for (int64_t i = 0; i < w.frames && pos + i < n; i++)
            out[pos + i] += w.samples[i * w.channels];
        cc_audio_free(&w);
        pos += 48000 * (80 + (int64_t)(lcg(seed) % 171)) / 1000;
    }
    return 1;
}

int64_t cc_mix_make(const CcMixSpec *spec, double seconds, unsigned seed, float **mix,
                    float **clean)
{
    int64_t n = (int64_t)(seconds * 48000);
    CcAudioFile sp;
    int r = load(spec->speech, &sp);
    if (r <= 0)
        return r;
    float *s = calloc((size_t)n, sizeof(float)), *z = calloc((size_t)n, sizeof(float));
    /* speech from the start (looped if short), normalised to -26 dBFS RMS */
    double es = 0;
    for (int64_t i = 0; i < n; i++) {
        s[i] = sp.samples[(i % sp.frames) * sp.channels];
        es += (double)s[i] * s[i];
    }
    cc_audio_free(&sp);
    double gs = 0.05 / sqrt(es / n + 1e-20);
    for (int64_t i = 0; i < n; i++)
        s[i] = (float)(s[i] * gs);
    if (!strcmp(spec->noise, "keys")) {
        r = make_keys(z, n, &seed);
    } else {
        CcAudioFile nw;
        r = load(spec->noise, &nw);
        if (r > 0) {
            int64_t off = lcg(&seed) % (unsigned)nw.frames;
            for (int64_t i = 0; i < n; i++)
                z[i] = nw.samples[((off + i) % nw.frames) * nw.channels];
            cc_audio_free(&nw);
        }
    }
    if (r <= 0) {
        free(s);
        free(z);
        return r;
    }
    double en = 0;
    for (int64_t i = 0; i < n; i++)
        en += (double)z[i] * z[i];
    double gn = 0.05 / sqrt(en / n + 1e-20) * pow(10, -spec->snr_db / 20);
    float peak = 0;
    for (int64_t i = 0; i < n; i++) {
        z[i] = (float)(s[i] + z[i] * gn);
        peak = fmaxf(peak, fabsf(z[i]));
    }
    if (peak > 0.99f) { /* keep it unclipped */
        float g = 0.99f / peak;
        for (int64_t i = 0; i < n; i++) {
            z[i] *= g;
            s[i] *= g;
        }
    }
    *mix = z;
    if (clean)
        *clean = s;
    else
        free(s);
    return n;
}
