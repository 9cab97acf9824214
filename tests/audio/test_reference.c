/*
 * Our RNNoise against the official build and against FFmpeg, on real noisy speech.
 *
 * 16 segments of 5 s (4 DATA.md speakers x keyboard, hum, traffic, applause at -5..15 dB SNR)
 * go through one stream of ours (public API, 48 kHz, delay removed), the official wasm
 * (tests/audio/ref/rnnoise_ref.mjs, node) and Debian FFmpeg's arnndn with the same weights
 * in .rnnn (tests/audio/ref/arnndn_ref.sh, levels aligned).
 *
 * - vs wasm: SNR >= 40 dB in every segment (same algorithm, same float model; only rounding
 *   differs).
 * - vs arnndn: FFmpeg's port uses its own FFT and sees the signal at another scale, so float
 *   rounding differs more and a pitch-search tie can go the other way in a few frames; the
 *   official build itself agrees with arnndn only to ~36 dB. We require ours to agree with
 *   arnndn as well as the wasm does (within 1 dB, per run) and at least 25 dB overall.
 * Skips (77) without node, ffmpeg, the model/wasm or the material. Once it runs, a reference
 * runner that fails or writes a missing or short file is a failure.
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

int main(void)
{
    cc_test_log_to_stderr();
    char ccm[4096], rnnn[4096], wasm[4096], src[4096];
    cc_test_need(ccm, sizeof(ccm), "models/rnnoise.ccm");
    cc_test_need(rnnn, sizeof(rnnn), "models/rnnoise.rnnn");
    cc_test_need(wasm, sizeof(wasm), "models/jitsi-rnnoise-wasm/dist/rnnoise.wasm");
    cc_test_need_data();
    if (system("node --version >/dev/null 2>&1") || system("ffmpeg -version >/dev/null 2>&1")) {
        printf("node or ffmpeg missing: skipped\n");
        return CC_TEST_SKIP;
    }
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
        if (n <= 0) { /* material missing although fetched (see above), or unreadable */
            free(mix);
            return 1;
        }
        memcpy(mix + k * seg, m, sizeof(float) * (size_t)seg);
        free(m);
    }
    char dir[] = "/tmp/cc_audio_ref_XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char mix_path[256], ref_path[256], arn_path[256], cmd[16384], err[512];
    snprintf(mix_path, sizeof(mix_path), "%s/mix.wav", dir);
    snprintf(ref_path, sizeof(ref_path), "%s/wasm.wav", dir);
    snprintf(arn_path, sizeof(arn_path), "%s/arnndn.wav", dir);
    CcAudioFile w = { .sample_rate = RATE, .channels = 1, .frames = total, .samples = mix };
    if (cc_audio_write(mix_path, &w, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }

    /* ours */
    CcDenoiseModel *model = NULL;
    CcDenoiser *d = NULL;
    CcDenoiserSettings s;
    cc_denoiser_default_settings(&s);
    if (cc_denoise_model_open_file(&model, ccm) < 0 || cc_denoiser_open(&d, model, &s) < 0) {
        fprintf(stderr, "cannot open model/denoiser\n");
        return 1;
    }
    int lat = cc_denoiser_latency_samples(d);
    float *ours = malloc(sizeof(float) * (size_t)(total + lat));
    for (int64_t p = 0; p < total; p += 4096) {
        int n = (int)(total - p < 4096 ? total - p : 4096);
        cc_denoiser_process(d, mix + p, ours + p, n);
    }
    CHECK(cc_denoiser_flush(d, ours + total, lat) == lat);
    cc_denoiser_close(&d);
    cc_denoise_model_close(&model);
    float *al = ours + lat;

    /* references */
    cc_test_src_path(src, sizeof(src), "tests/audio/ref");
    snprintf(cmd, sizeof(cmd), "node '%s/rnnoise_ref.mjs' '%s' '%s' --format f32 --wasm '%s'",
             src, mix_path, ref_path, wasm);
    int have_wasm = system(cmd) == 0;
    CHECK_MSG(have_wasm, "wasm reference failed: %s", cmd);
    snprintf(cmd, sizeof(cmd), "bash '%s/arnndn_ref.sh' '%s' '%s' --aligned --format f32 "
             "--model '%s' </dev/null", src, mix_path, arn_path, rnnn);
    int have_arn = system(cmd) == 0;
    CHECK_MSG(have_arn, "arnndn reference failed: %s", cmd);

    /* A reference that failed, is missing or has the wrong length is a failure, never a pass. */
    float *ref = NULL, *arn = NULL;
    if (have_wasm) {
        CHECK_MSG(read_mono(ref_path, total, &ref) == 0, "wasm reference output unreadable");
    }
    if (ref) {
        double worst = 1e9;
        for (int k = 0; k < nseg; k++) {
            double v = snr(ref + k * seg, al + k * seg, seg);
            printf("segment %2d (%s + %s, %+.0f dB): ours vs wasm %.1f dB\n", k,
                   strrchr(speech[k / 4], '/') + 1,
                   strrchr(noise[k % 4], '/') ? strrchr(noise[k % 4], '/') + 1 : noise[k % 4],
                   snrs[k % 5], v);
            worst = fmin(worst, v);
        }
        printf("ours vs wasm: overall %.1f dB, worst segment %.1f dB (need >= 40)\n",
               snr(ref, al, total), worst);
        CHECK(worst >= 40.0);
    }
    if (have_arn) {
        CHECK_MSG(read_mono(arn_path, total, &arn) == 0, "arnndn reference output unreadable");
    }
    if (arn) {
        double oa = snr(arn, al, total);
        printf("ours vs arnndn: %.1f dB", oa);
        if (ref) {
            double wa = snr(arn, ref, total);
            printf(", wasm vs arnndn: %.1f dB (need ours >= wasm - 1 and >= 25)", wa);
            CHECK(oa >= wa - 1.0);
        }
        printf("\n");
        CHECK(oa >= 25.0);
    }
    free(ref);
    free(arn);
    free(mix);
    free(ours);
    unlink(mix_path);
    unlink(ref_path);
    unlink(arn_path);
    rmdir(dir);
    return CC_TEST_RESULT();
}
