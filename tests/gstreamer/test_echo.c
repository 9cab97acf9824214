/*
 * cleancastaudio's echo options and cleancastechoprobe in real GStreamer pipelines (issue 16),
 * on the CI slice of data/build_echo.sh:
 *   erle     the far end (filesrc ! wavparse ! cleancastechoprobe ! queue ! fakesink sync) and
 *            the mic (filesrc ! wavparse ! identity sync ! cleancastaudio echo-cancel=true !
 *            wavenc ! filesink) played together in real time: ERLE from 2 s on >= 20 dB
 *            (tests/audio/echometrics.c), where the same element without echo-cancel (the
 *            plain denoiser) stays under 10 dB; the output against `cleancast denoise
 *            --echo-reference` on the same files (same library, the far end aligned by the
 *            clock instead of by the file).
 *   options  agc raises a quiet talker; high-pass on stereo removes 30 Hz on one channel and
 *            keeps 1 kHz on the other; all off = today's output bit for bit (the element
 *            without the properties set).
 *   latency  echo-cancel adds the voice chain's delay to the latency property, also when
 *            switched on while playing (a latency message is posted).
 *   errors   no probe of that name, a probe at another rate, echo at 22050 Hz, a probe
 *            held by another element: an error message naming the problem, no crash; a
 *            probe that never gets a buffer: the mic flows, far-missing counts it all.
 *   test_gst_echo PART CLEANCAST_EXE   (GST_PLUGIN_PATH names the build's plugin)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gst/gst.h>

#include "audiofile.h"
#include "echometrics.h"
#include "testutil.h"

static int failures;
static gchar *workdir, *cli_exe;

#undef CHECK
#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                               \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fprintf(stderr, "\n");                                                             \
            failures++;                                                                        \
        }                                                                                      \
    } while (0)

/* The echo CI slice (data/build_echo.sh) in the cache (testutil: $CLEANCAST_CACHE, ...):
 * exit 77 when the test material was never fetched, a failure when it was and this is
 * missing. */
static const char *echo_dir(void)
{
    static char dir[4096];
    char path[4096];
    cc_test_need_data();
    cc_test_need(path, sizeof(path), "data/echo_ci/cases.txt");
    snprintf(dir, sizeof(dir), "%.*s", (int)(strlen(path) - strlen("/cases.txt")), path);
    return dir;
}

/* Runs a pipeline to EOS. 0, or -1 with the error message in *msg (g_free). An optional
 * callback sees every element message and may act on the pipeline (opaque). */
typedef void (*MsgFn)(GstElement *pipe, GstMessage *m, void *opaque);
static int run_pipeline(const char *desc, gchar **msg, MsgFn fn, void *opaque)
{
    GError *e = NULL;
    GstElement *pipe = gst_parse_launch(desc, &e);
    int ret = -1;
    if (msg)
        *msg = NULL;
    if (!pipe) {
        fprintf(stderr, "pipeline '%s': %s\n", desc, e ? e->message : "?");
        if (msg)
            *msg = g_strdup(e ? e->message : "parse error");
        g_clear_error(&e);
        return -1;
    }
    GstBus *bus = gst_element_get_bus(pipe);
    gst_element_set_state(pipe, GST_STATE_PLAYING);
    for (;;) {
        GstMessage *m = gst_bus_timed_pop(bus, 120 * GST_SECOND);
        if (!m) {
            if (msg)
                *msg = g_strdup("timeout");
            break;
        }
        if (fn)
            fn(pipe, m, opaque);
        if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS) {
            ret = 0;
            gst_message_unref(m);
            break;
        }
        if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
            GError *err = NULL;
            gchar *dbg = NULL;
            gst_message_parse_error(m, &err, &dbg);
            if (msg)
                *msg = g_strdup_printf("%s (%s)", err->message, dbg ? dbg : "");
            g_clear_error(&err);
            g_free(dbg);
            gst_message_unref(m);
            break;
        }
        gst_message_unref(m);
    }
    gst_element_set_state(pipe, GST_STATE_NULL);
    gst_object_unref(bus);
    gst_object_unref(pipe);
    return ret;
}

static float *read_mono(const char *path, int64_t *n)
{
    CcAudioFile a;
    char err[4600];
    if (cc_audio_read(path, &a, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    if (a.channels != 1) {
        fprintf(stderr, "%s: %d channels\n", path, a.channels);
        cc_audio_free(&a);
        return NULL;
    }
    *n = a.frames;
    return a.samples;
}

static double rms_db(const float *x, int64_t a, int64_t b)
{
    double s = 0;
    for (int64_t i = a; i < b; i++)
        s += (double)x[i] * x[i];
    return 10 * log10(s / (double)(b - a) + 1e-30);
}

static void read_far_missing(GstElement *pipe, GstMessage *m, void *opaque)
{
    if (GST_MESSAGE_TYPE(m) != GST_MESSAGE_EOS)
        return;
    GstElement *el = gst_bin_get_by_name(GST_BIN(pipe), "ca");
    if (el) {
        g_object_get(el, "far-missing", (guint64 *)opaque, NULL);
        gst_object_unref(el);
    }
}

static guint64 last_far_missing;

/* mic file -> cleancastaudio PROPS -> out; the far end through a probe when with_far
 * (last_far_missing: the element's far-missing at EOS) */
static int run_case(const char *dir, const char *name, const char *props, int with_far,
                    const char *out, gchar **msg)
{
    gchar *desc;
    if (with_far)
        /* Both branches in real time on the pipeline clock, as a call plays: the probe sees
         * the far end up to a queue ahead of its playing (as before an audio sink's buffer),
         * the mic reaches the element once it is "captured" (identity sync; 100 ms after its
         * time, as a capture buffer arrives after its capture: without it the first mic
         * buffer sometimes beat the far end's first one to the element under load, and the
         * canceller's start, hence its output, differed from the CLI's). */
        desc = g_strdup_printf(
            "filesrc location=%s/%s.far.wav ! wavparse ! audioconvert ! "
            "cleancastechoprobe name=cleancastechoprobe0 ! "
            "queue max-size-time=500000000 ! fakesink sync=true "
            "filesrc location=%s/%s.mic.wav ! wavparse ! audioconvert ! "
            "identity sync=true ts-offset=100000000 ! "
            "cleancastaudio name=ca %s ! audioconvert ! audio/x-raw,format=F32LE ! wavenc ! "
            "filesink location=%s",
            dir, name, dir, name, props, out);
    else
        desc = g_strdup_printf(
            "filesrc location=%s/%s.mic.wav ! wavparse ! audioconvert ! cleancastaudio %s ! "
            "audioconvert ! audio/x-raw,format=F32LE ! wavenc ! filesink location=%s",
            dir, name, props, out);
    last_far_missing = G_MAXUINT64;
    int r = run_pipeline(desc, msg, with_far ? read_far_missing : NULL, &last_far_missing);
    g_free(desc);
    return r;
}

static int part_erle(void)
{
    const char *dir = echo_dir();
    CcEchoCase c;
    memset(&c, 0, sizeof(c));
    snprintf(c.name, sizeof(c.name), "r1_fst");
    if (cc_echo_load(dir, &c) < 0) {
        fprintf(stderr, "the echo CI slice is missing: make data (data/build_echo.sh)\n");
        return 1;
    }
    gchar *out_on = g_build_filename(workdir, "echo_on.wav", NULL);
    gchar *out_off = g_build_filename(workdir, "echo_off.wav", NULL);
    gchar *out_cli = g_build_filename(workdir, "echo_cli.wav", NULL);
    gchar *msg = NULL;
    int64_t n_on = 0, n_off = 0, n_cli = 0;
    float *on = NULL, *off = NULL, *cli = NULL;

    /* A machine too loaded to play the far branch on time starves the canceller (far-missing
     * > 0) and the output can no longer equal the CLI's: such a run is repeated, at most
     * twice, and a third starved run fails (the comparison below is never skipped). */
    int r = -1;
    guint64 far_missing = G_MAXUINT64;
    for (int attempt = 0; attempt < 3 && far_missing != 0; attempt++) {
        g_free(msg);
        msg = NULL;
        r = run_case(dir, c.name, "echo-cancel=true", 1, out_on, &msg);
        far_missing = last_far_missing;
        printf("%s: run %d: far-end samples missing when the mic needed them: %" G_GUINT64_FORMAT
               "\n", c.name, attempt + 1, far_missing);
        if (r != 0)
            break;
    }
    CHECK(r == 0, "echo-cancel pipeline failed: %s", msg);
    g_free(msg);
    CHECK(far_missing != G_MAXUINT64, "far-missing not read at EOS");
    CHECK(far_missing == 0, "the far end was short by %" G_GUINT64_FORMAT " samples in 3 runs",
          far_missing);
    r = run_case(dir, c.name, "", 0, out_off, &msg);
    CHECK(r == 0, "plain pipeline failed: %s", msg);
    g_free(msg);
    if (r == 0 && (on = read_mono(out_on, &n_on)) && (off = read_mono(out_off, &n_off))) {
        CHECK(n_on == c.n && n_off == c.n, "lengths %lld / %lld, mic %lld", (long long)n_on,
              (long long)n_off, (long long)c.n);
        if (n_on == c.n && n_off == c.n) {
            double e_on = cc_echo_erle(&c, on, 2.0, 0), e_off = cc_echo_erle(&c, off, 2.0, 0);
            printf("%s: ERLE from 2 s: echo-cancel %.1f dB, plain denoiser %.1f dB\n", c.name,
                   e_on, e_off);
            CHECK(e_on >= 20.0, "ERLE with echo-cancel %.1f dB < 20", e_on);
            CHECK(e_off < 10.0, "ERLE of the plain denoiser %.1f dB: the case has no echo?",
                  e_off);
        }
    }
    /* the CLI on the same files: same library, the far end aligned by the file */
    gchar *mic = g_strdup_printf("%s/%s.mic.wav", dir, c.name);
    gchar *far = g_strdup_printf("%s/%s.far.wav", dir, c.name);
    gchar *argv[] = {cli_exe, "denoise", mic, "-o", out_cli, "--echo-reference", far, NULL};
    gint status = -1;
    gchar *err_out = NULL;
    gboolean spawned = g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                    NULL, &err_out, &status, NULL);
    CHECK(spawned && g_spawn_check_wait_status(status, NULL), "cleancast denoise failed: %s",
          err_out ? err_out : "");
    g_free(err_out);
    if (on && n_on == c.n && spawned && (cli = read_mono(out_cli, &n_cli)) && n_cli == c.n) {
        double d = 0, s = 0, maxd = 0;
        for (int64_t i = 0; i < c.n; i++) {
            double x = (double)on[i] - cli[i];
            d += x * x;
            s += (double)cli[i] * cli[i];
            maxd = fmax(maxd, fabs(x));
        }
        double snr = 10 * log10((s + 1e-30) / (d + 1e-30));
        printf("%s: element vs cleancast denoise --echo-reference: %.1f dB difference SNR, "
               "max |diff| %.3g, CLI ERLE %.1f dB\n",
               c.name, snr, maxd, cc_echo_erle(&c, cli, 2.0, 0));
        /* The same samples in, the same library: identical. */
        CHECK(snr >= 30.0, "element output %.1f dB from the CLI's (want >= 30)", snr);
    } else {
        CHECK(0, "no CLI output to compare (%lld frames)", (long long)n_cli);
    }
    free(on);
    free(off);
    free(cli);
    g_free(mic);
    g_free(far);
    g_free(out_on);
    g_free(out_off);
    g_free(out_cli);
    cc_echo_unload(&c);
    return 0;
}

static int part_options(void)
{
    const char *dir = echo_dir();
    gchar *o_plain = g_build_filename(workdir, "plain.wav", NULL);
    gchar *o_off = g_build_filename(workdir, "off.wav", NULL);
    gchar *o_agc = g_build_filename(workdir, "agc.wav", NULL);
    gchar *msg = NULL;
    int64_t n1 = 0, n2 = 0, n3 = 0;
    float *a = NULL, *b = NULL, *g = NULL;
    /* r1_nst: a near talker at -28 dBFS, no far end fed (agc needs none) */
    CHECK(run_case(dir, "r1_nst", "", 0, o_plain, &msg) == 0, "plain: %s", msg);
    g_free(msg);
    CHECK(run_case(dir, "r1_nst", "echo-cancel=false agc=false high-pass=false", 0, o_off,
                   &msg) == 0, "off: %s", msg);
    g_free(msg);
    CHECK(run_case(dir, "r1_nst", "agc=true", 0, o_agc, &msg) == 0, "agc: %s", msg);
    g_free(msg);
    if ((a = read_mono(o_plain, &n1)) && (b = read_mono(o_off, &n2)) &&
        (g = read_mono(o_agc, &n3))) {
        CHECK(n1 == n2 && memcmp(a, b, (size_t)n1 * sizeof(float)) == 0,
              "options set to false changed the output");
        CHECK(n3 == n1, "agc output %lld frames, plain %lld", (long long)n3, (long long)n1);
        if (n3 == n1 && n1 > 48000 * 4) {
            double up = rms_db(g, 48000 * 3, n1) - rms_db(a, 48000 * 3, n1);
            printf("agc: level from 3 s on %+.1f dB against the plain denoiser\n", up);
            CHECK(up >= 4.0, "agc raised a -28 dBFS talker by %.1f dB only", up);
        }
    }
    free(a);
    free(b);
    free(g);
    /* high-pass, stereo (one voice chain per channel): 30 Hz on the left, 1 kHz on the
     * right, through the element with and without it */
    gchar *o_hp0 = g_build_filename(workdir, "hp0.wav", NULL);
    gchar *o_hp1 = g_build_filename(workdir, "hp1.wav", NULL);
    const char *fmt = "interleave name=i ! audio/x-raw,format=F32LE,rate=48000,channels=2 ! "
                      "cleancastaudio engine=speex strength=0 high-pass=%s ! wavenc ! "
                      "filesink location=%s "
                      "audiotestsrc wave=sine freq=30 volume=0.3 num-buffers=100 "
                      "samplesperbuffer=480 ! audio/x-raw,format=F32LE,rate=48000,channels=1 ! i. "
                      "audiotestsrc wave=sine freq=1000 volume=0.3 num-buffers=100 "
                      "samplesperbuffer=480 ! audio/x-raw,format=F32LE,rate=48000,channels=1 ! i.";
    gchar *d0 = g_strdup_printf(fmt, "false", o_hp0), *d1 = g_strdup_printf(fmt, "true", o_hp1);
    CHECK(run_pipeline(d0, &msg, NULL, NULL) == 0, "hp off: %s", msg);
    g_free(msg);
    CHECK(run_pipeline(d1, &msg, NULL, NULL) == 0, "hp on: %s", msg);
    g_free(msg);
    CcAudioFile h0 = {0}, h1 = {0};
    char err[4600] = "";
    if (cc_audio_read(o_hp0, &h0, err, sizeof(err)) == 0 &&
        cc_audio_read(o_hp1, &h1, err, sizeof(err)) == 0 && h0.channels == 2 &&
        h1.channels == 2 && h0.frames == h1.frames && h0.frames > 24000) {
        double cut[2];
        for (int ch = 0; ch < 2; ch++) {
            double e0 = 0, e1 = 0;
            for (int64_t i = 24000; i < h0.frames; i++) {
                e0 += (double)h0.samples[2 * i + ch] * h0.samples[2 * i + ch];
                e1 += (double)h1.samples[2 * i + ch] * h1.samples[2 * i + ch];
            }
            cut[ch] = 10 * log10((e0 + 1e-30) / (e1 + 1e-30));
        }
        printf("high-pass, stereo: 30 Hz (left) down by %.1f dB, 1 kHz (right) %.2f dB\n",
               cut[0], cut[1]);
        CHECK(cut[0] >= 10.0, "high-pass took 30 Hz down by %.1f dB only", cut[0]);
        CHECK(fabs(cut[1]) < 1.0, "high-pass changed 1 kHz by %.2f dB", cut[1]);
    } else {
        CHECK(0, "high-pass outputs missing, not stereo or of different lengths (%s)", err);
    }
    cc_audio_free(&h0);
    cc_audio_free(&h1);
    g_free(d0);
    g_free(d1);
    g_free(o_hp0);
    g_free(o_hp1);
    g_free(o_plain);
    g_free(o_off);
    g_free(o_agc);
    return 0;
}

typedef struct {
    GstClockTime before, after;
    int latency_msgs, switched;
    guint64 buffers;
} LatencyState;

static GstPadProbeReturn count_buf(GstPad *pad, GstPadProbeInfo *info, gpointer opaque)
{
    (void)pad;
    (void)info;
    LatencyState *s = opaque;
    s->buffers++;
    return GST_PAD_PROBE_OK;
}

static void latency_msg(GstElement *pipe, GstMessage *m, void *opaque)
{
    LatencyState *s = opaque;
    GstElement *el = gst_bin_get_by_name(GST_BIN(pipe), "ca");
    if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_LATENCY && s->switched)
        s->latency_msgs++;
    if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_STATE_CHANGED && GST_MESSAGE_SRC(m) ==
        GST_OBJECT(pipe)) {
        GstState st;
        gst_message_parse_state_changed(m, NULL, &st, NULL);
        if (st == GST_STATE_PLAYING && !s->switched) {
            GstPad *pad = gst_element_get_static_pad(el, "src");
            gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, count_buf, s, NULL);
            gst_object_unref(pad);
            g_object_get(el, "latency", &s->before, NULL);
            g_object_set(el, "echo-cancel", TRUE, NULL);
            s->switched = 1;
        }
    }
    if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS)
        g_object_get(el, "latency", &s->after, NULL);
    gst_object_unref(el);
}

static int part_latency(void)
{
    gchar *msg = NULL;
    LatencyState s = {0};
    /* a live source, so the pipeline's latency is configured; echo-cancel switched on once
     * the pipeline plays (the probe is there, fed with silence) */
    const char *desc = "audiotestsrc is-live=true wave=pink-noise num-buffers=60 "
                       "samplesperbuffer=480 ! audio/x-raw,format=F32LE,rate=48000,channels=1 ! "
                       "cleancastaudio name=ca ! fakesink sync=true "
                       "audiotestsrc is-live=true wave=silence samplesperbuffer=480 "
                       "num-buffers=60 ! audio/x-raw,format=F32LE,rate=48000,channels=1 ! "
                       "cleancastechoprobe name=cleancastechoprobe0 ! fakesink sync=true";
    int r = run_pipeline(desc, &msg, latency_msg, &s);
    CHECK(r == 0, "pipeline failed: %s", msg);
    g_free(msg);
    printf("latency: %.1f ms before, %.1f ms with echo-cancel; %d latency messages after the "
           "switch, %llu buffers out\n",
           s.before / 1e6, s.after / 1e6, s.latency_msgs, (unsigned long long)s.buffers);
    /* the echo stage's 10 ms of blocking + 10 ms of overlap-add (doc/ECHO.md) */
    CHECK(s.before > 0 && s.after >= s.before + 19 * GST_MSECOND &&
              s.after <= s.before + 21 * GST_MSECOND,
          "latency %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT " ns (want +20 ms)", s.before,
          s.after);
    CHECK(s.latency_msgs >= 1, "no latency message after echo-cancel was switched on");
    return 0;
}

static void expect_error(const char *desc, const char *want)
{
    gchar *msg = NULL;
    int r = run_pipeline(desc, &msg, NULL, NULL);
    CHECK(r < 0 && msg && strstr(msg, want), "pipeline '%s': want an error with '%s', got %s",
          desc, want, r == 0 ? "EOS" : msg ? msg : "(null)");
    if (msg)
        printf("error as expected: %s\n", msg);
    g_free(msg);
}

static int part_errors(void)
{
    expect_error("audiotestsrc num-buffers=20 ! audio/x-raw,format=F32LE,rate=48000,channels=1 ! "
                 "cleancastaudio echo-cancel=true probe=nosuchprobe ! fakesink",
                 "No cleancastechoprobe named 'nosuchprobe'");
    expect_error("audiotestsrc num-buffers=20 ! audio/x-raw,format=F32LE,rate=48000,channels=1 ! "
                 "identity sync=true ! cleancastaudio echo-cancel=true ! fakesink "
                 "audiotestsrc num-buffers=20 ! audio/x-raw,format=F32LE,rate=44100,channels=2 ! "
                 "cleancastechoprobe name=cleancastechoprobe0 ! fakesink",
                 "runs at 44100 Hz");
    expect_error("audiotestsrc num-buffers=20 ! audio/x-raw,format=F32LE,rate=22050,channels=1 ! "
                 "cleancastaudio echo-cancel=true ! fakesink",
                 "multiple of 100 Hz");
    /* a probe that never gets a buffer: the mic still flows, every far sample counted missing */
    {
        gchar *msg = NULL;
        guint64 missing = G_MAXUINT64;
        int r = run_pipeline("audiotestsrc num-buffers=20 samplesperbuffer=480 ! "
                             "audio/x-raw,format=F32LE,rate=48000,channels=1 ! "
                             "cleancastaudio name=ca echo-cancel=true ! fakesink "
                             "audiotestsrc num-buffers=0 ! audio/x-raw,format=F32LE,rate=48000 ! "
                             "cleancastechoprobe name=cleancastechoprobe0 ! fakesink",
                             &msg, read_far_missing, &missing);
        CHECK(r == 0, "silent probe: %s", msg);
        printf("probe never fed: far-missing %" G_GUINT64_FORMAT " of 9600\n", missing);
        CHECK(missing == 9600, "far-missing %" G_GUINT64_FORMAT " with a probe never fed (want "
              "all 9600 mic samples)", missing);
        g_free(msg);
    }
    /* two processors on one probe */
    expect_error("audiotestsrc num-buffers=20 ! audio/x-raw,format=F32LE,rate=48000,channels=1 ! "
                 "tee name=t ! queue ! cleancastaudio echo-cancel=true ! fakesink "
                 "t. ! queue ! cleancastaudio echo-cancel=true ! fakesink "
                 "audiotestsrc num-buffers=20 ! audio/x-raw,format=F32LE,rate=48000,channels=1 ! "
                 "cleancastechoprobe name=cleancastechoprobe0 ! fakesink",
                 "used by another element");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s erle|options|latency|errors CLEANCAST_EXE\n", argv[0]);
        return 2;
    }
    gst_init(NULL, NULL);
    cli_exe = argv[2];
    GstElementFactory *f = gst_element_factory_find("cleancastechoprobe");
    if (!f) {
        fprintf(stderr, "FAIL: element cleancastechoprobe not found (GST_PLUGIN_PATH=%s)\n",
                g_getenv("GST_PLUGIN_PATH"));
        return 1;
    }
    gst_object_unref(f);
    workdir = g_dir_make_tmp("cc-gst-echo-XXXXXX", NULL);
    if (!strcmp(argv[1], "erle"))
        part_erle();
    else if (!strcmp(argv[1], "options"))
        part_options();
    else if (!strcmp(argv[1], "latency"))
        part_latency();
    else if (!strcmp(argv[1], "errors"))
        part_errors();
    else {
        fprintf(stderr, "unknown part %s\n", argv[1]);
        return 2;
    }
    if (workdir) {
        gchar *cmd[] = {"rm", "-rf", workdir, NULL};
        g_spawn_sync(NULL, cmd, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    }
    printf("%s: %d failure(s)\n", argv[1], failures);
    return failures ? 1 : 0;
}
