/*
 * Our RNNoise 0.2 against the official 0.2 build, on real noisy speech.
 *
 * The 16 segments of test_reference.c (4 DATA.md speakers x keyboard, hum, traffic, applause at
 * -5..15 dB SNR, 5 s each) go through one stream of ours (public API, 48 kHz, the reported
 * latency removed, 480-sample blocks) and through the official build (@jitsi/rnnoise-wasm
 * 0.2.1 dist/rnnoise-sync.js in node: tests/audio/ref/rnnoise2_ref.mjs, its 960-sample delay
 * removed).
 *
 * - SNR >= 40 dB in every segment (same algorithm and weights; the integer parts of the
 *   network are exact, only float rounding in the FFT and a few sums differs).
 * - The speech probability of every 10 ms frame within 0.02 of the official one, on all but
 *   0.5 % of the frames.
 * The model (models/fetch_rnnoise2.sh), the official module (models/fetch_rnnoise.sh), node
 * and the runner's output are all required: anything missing is a failure, not a skip. Only
 * never-fetched DATA.md material skips (77).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cleancast/audio.h>

#include "mixes.h"
#include "testutil.h"
#include "audiofile.h"

#define SEG_S 5.0
#define RATE 48000
#define HOP 480

static double snr(const float *ref, const float *x, int64_t n)
{
    double s = 0, e = 0;
    for (int64_t i = 0; i < n; i++) {
        s += (double)ref[i] * ref[i];
        e += (double)(x[i] - ref[i]) * (x[i] - ref[i]);
    }
    return e == 0 ? 200.0 : 10 * log10(s / e);
}

static int read_mono(const char *path, int64_t n, float **out)
{
    CcAudioFile w;
    char err[512];
    if (cc_audio_read(path, &w, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    if (w.frames != n || w.channels != 1) {
        fprintf(stderr, "%s: %lld frames x %d, expected %lld x 1\n", path, (long long)w.frames,
                w.channels, (long long)n);
        cc_audio_free(&w);
        return -1;
    }
    *out = w.samples;
    return 0;
}

/* "frame prob" lines; returns the count read (at most max). */
static int read_vad(const char *path, float *v, int max)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = 0, idx;
    float p;
    while (n < max && fscanf(f, "%d %f", &idx, &p) == 2 && idx == n)
        v[n++] = p;
    fclose(f);
    return n;
}

int main(void)
{
    cc_test_log_to_stderr();
    char ccm[4096], js[4096], src[4096];
    /* required: missing means failure */
    if (!cc_test_cache_path(ccm, sizeof(ccm), "models/rnnoise2.ccm")) {
        fprintf(stderr, "FAIL: %s missing: run models/fetch_rnnoise2.sh\n", ccm);
        return 1;
    }
    if (!cc_test_cache_path(js, sizeof(js), "models/jitsi-rnnoise-wasm/dist/rnnoise-sync.js")) {
        fprintf(stderr, "FAIL: %s missing: run models/fetch_rnnoise.sh\n", js);
        return 1;
    }
    if (system("node --version >/dev/null 2>&1")) {
        fprintf(stderr, "FAIL: node is needed to run the official RNNoise 0.2 build\n");
        return 1;
    }
    cc_test_need_data();
    static const char *speech[] = { "data/speech/allison_vm_options_16k.wav",
                                     "data/speech/jfk_16k.wav",
                                     "data/speech/codec2_speech_orig_16k.wav",
                                     "data/speech/alsa_front_left_48k.wav" };
    static const char *noise[] = { "keys", "data/noise/sonicpi_ambi_drone_44k.wav",
                                   "data/noise/opensfx_truck_pullaway_44k.wav",
                                   "data/noise/opensfx_applause_44k.wav" };
    static const float snrs[] = { -5, 0, 5, 10, 15 };
    int nseg = 16;
    int64_t seg = (int64_t)(SEG_S * RATE), total = seg * nseg;
    float *mix = malloc(sizeof(float) * (size_t)total);
    for (int k = 0; k < nseg; k++) {
        CcMixSpec spec = { speech[k / 4], noise[k % 4], snrs[k % 5] };
        float *m = NULL;
        int64_t n = cc_mix_make(&spec, SEG_S, 1000u + (unsigned)k, &m, NULL);
        if (n <= 0) {
            fprintf(stderr, "cannot make mix %d (%s + %s)\n", k, spec.speech, spec.noise);
            free(mix);
            return 1;
        }
        memcpy(mix + k * seg, m, sizeof(float) * (size_t)seg);
        free(m);
    }
    char dir[] = "/tmp/cc_audio_ref2_XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char mix_path[256], ref_path[256], vad_path[256], cmd[16384], err[512];
    snprintf(mix_path, sizeof(mix_path), "%s/mix.wav", dir);
    snprintf(ref_path, sizeof(ref_path), "%s/wasm2.wav", dir);
    snprintf(vad_path, sizeof(vad_path), "%s/vad.txt", dir);
    CcAudioFile w = { .sample_rate = RATE, .channels = 1, .frames = total, .samples = mix };
    if (cc_audio_write(mix_path, &w, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }

    /* ours, in 10 ms blocks so that the VAD of every frame can be read */
    CcDenoiseModel *model = NULL;
    CcDenoiser *d = NULL;
    CcDenoiserSettings s;
    cc_denoiser_default_settings(&s);
    if (cc_denoise_model_open_file(&model, ccm) < 0 || cc_denoiser_open(&d, model, &s) < 0) {
        fprintf(stderr, "cannot open model/denoiser\n");
        return 1;
    }
    CHECK(cc_denoise_model_kind(model) == CC_DENOISE_MODEL_RNNOISE_0_2);
    int lat = cc_denoiser_latency_samples(d);
    CHECK_MSG(lat == HOP - 1 + 2 * HOP, "latency %d", lat); /* framing + two frames */
    int nframes = (int)(total / HOP);
    float *ours = malloc(sizeof(float) * (size_t)(total + lat));
    float *vad = malloc(sizeof(float) * (size_t)nframes * 2);
    float *vad_ref = vad + nframes;
    for (int f = 0; f < nframes; f++) {
        cc_denoiser_process(d, mix + (int64_t)f * HOP, ours + (int64_t)f * HOP, HOP);
        vad[f] = cc_denoiser_vad(d);
    }
    CHECK(cc_denoiser_flush(d, ours + total, lat) == lat);
    cc_denoiser_close(&d);
    cc_denoise_model_close(&model);
    float *al = ours + lat;

    /* the official build */
    cc_test_src_path(src, sizeof(src), "tests/audio/ref");
    snprintf(cmd, sizeof(cmd), "node '%s/rnnoise2_ref.mjs' '%s' '%s' --format f32 --js '%s' "
             "--vad '%s'", src, mix_path, ref_path, js, vad_path);
    int have_ref = system(cmd) == 0;
    CHECK_MSG(have_ref, "official 0.2 reference failed: %s", cmd);

    /* A reference that failed, is missing or has the wrong length is a failure, never a pass. */
    float *ref = NULL;
    if (have_ref)
        CHECK_MSG(read_mono(ref_path, total, &ref) == 0, "reference output unreadable");
    if (ref) {
        double worst = 1e9;
        for (int k = 0; k < nseg; k++) {
            double v = snr(ref + k * seg, al + k * seg, seg);
            printf("segment %2d (%s + %s, %+.0f dB): ours vs official 0.2 %.1f dB\n", k,
                   strrchr(speech[k / 4], '/') + 1,
                   strrchr(noise[k % 4], '/') ? strrchr(noise[k % 4], '/') + 1 : noise[k % 4],
                   snrs[k % 5], v);
            worst = fmin(worst, v);
        }
        printf("ours vs official 0.2: overall %.1f dB, worst segment %.1f dB (need >= 40)\n",
               snr(ref, al, total), worst);
        CHECK(worst >= 40.0);

        int nv = read_vad(vad_path, vad_ref, nframes);
        CHECK_MSG(nv == nframes, "reference VAD: %d of %d frames", nv, nframes);
        int off = 0;
        double max_diff = 0;
        for (int f = 0; f < nv; f++) {
            double diff = fabs(vad[f] - vad_ref[f]);
            off += diff > 0.02;
            max_diff = fmax(max_diff, diff);
        }
        printf("speech probability: %d of %d frames differ by > 0.02 (max %.4f)\n", off, nv,
               max_diff);
        CHECK(off <= nv / 200);
    }
    free(ref);
    free(mix);
    free(ours);
    free(vad);
    unlink(mix_path);
    unlink(ref_path);
    unlink(vad_path);
    rmdir(dir);
    return CC_TEST_RESULT();
}
