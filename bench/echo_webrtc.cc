// The WebRTC audio-processing library 0.3 (Debian's libwebrtc-audio-processing, what
// PulseAudio's and PipeWire's echo-cancel modules run) behind one C function, for
// bench/echo_eval.c only: the engine comparison of issue 16 (doc/ECHO.md). Configured as the
// issue measured it: AEC with extended filter and delay-agnostic mode, high-pass, and with
// ns = 1 its noise suppression (high), 10 ms float frames at the stream rate.
#include <time.h>

#include <webrtc/modules/audio_processing/include/audio_processing.h>

extern "C" double cc_bench_webrtc_run(const float *mic, const float *far, float *out, long n,
                                      int rate, int ns, int out_lag);

static double cpu_s()
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Runs mic and far through the APM; out[i] = output sample i + out_lag (the APM's delay),
// zeros at the end. Returns CPU seconds, -1 on an error.
double cc_bench_webrtc_run(const float *mic, const float *far, float *out, long n, int rate,
                           int ns, int out_lag)
{
    webrtc::Config config;
    config.Set<webrtc::ExtendedFilter>(new webrtc::ExtendedFilter(true));
    config.Set<webrtc::DelayAgnostic>(new webrtc::DelayAgnostic(true));
    webrtc::AudioProcessing *apm = webrtc::AudioProcessing::Create(config);
    if (!apm)
        return -1;
    apm->high_pass_filter()->Enable(true);
    apm->echo_cancellation()->enable_drift_compensation(false);
    apm->echo_cancellation()->Enable(true);
    apm->echo_cancellation()->enable_metrics(true);
    if (ns) {
        apm->noise_suppression()->set_level(webrtc::NoiseSuppression::kHigh);
        apm->noise_suppression()->Enable(true);
    }
    const long blk = rate / 100;
    float fbuf[1920], mbuf[1920], obuf[1920];
    for (long i = 0; i < n; i++)
        out[i] = 0;
    double t0 = cpu_s();
    int err = 0;
    for (long i = 0; i + blk <= n; i += blk) {
        for (long j = 0; j < blk; j++) {
            fbuf[j] = far[i + j];
            mbuf[j] = mic[i + j];
        }
        const float *fp = fbuf, *mp = mbuf;
        float *op = obuf;
        if (apm->AnalyzeReverseStream(&fp, blk, rate, webrtc::AudioProcessing::kMono) != 0)
            err = 1;
        apm->set_stream_delay_ms(0);
        if (apm->ProcessStream(&mp, blk, rate, webrtc::AudioProcessing::kMono, rate,
                               webrtc::AudioProcessing::kMono, &op) != 0)
            err = 1;
        for (long j = 0; j < blk; j++)
            if (i + j - out_lag >= 0)
                out[i + j - out_lag] = obuf[j];
    }
    double t = cpu_s() - t0;
    delete apm;
    return err ? -1 : t;
}
