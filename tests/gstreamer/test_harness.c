/*
 * gst-check (GstHarness) tests of the cleancastvideo and cleancastaudio elements, loaded from
 * the build folder (GST_PLUGIN_PATH, set by meson). The audio reference is the library itself
 * (linked here as a shared library), run the way `cleancast denoise` runs it.
 *
 * Exit 77 when the models were never fetched (make models).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gst/audio/audio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include <cleancast/audio.h>
#include <cleancast/cleancast.h>

/* ------------------------------------------------------------------ helpers */

static guint32 rng = 12345;
static guint32 next_rand (void)
{
  rng = rng * 1664525u + 1013904223u;
  return rng >> 8;
}

/* A noisy voice-like test signal: pink-ish noise plus pitched, amplitude-modulated bursts. */
static float *
make_signal (gint rate, gint ch, gsize frames)
{
  float *x = g_new (float, frames * ch);
  float lp = 0.0f;
  for (gsize i = 0; i < frames; i++) {
    double t = (double) i / rate;
    double env = fmod (t, 1.0) < 0.6 ? sin (M_PI * fmod (t, 1.0) / 0.6) : 0.0;
    double voice = 0.25 * env * (sin (2 * M_PI * 180 * t) + 0.5 * sin (2 * M_PI * 360 * t) +
        0.3 * sin (2 * M_PI * 540 * t));
    for (gint c = 0; c < ch; c++) {
      float w = ((gint) (next_rand () % 20001) - 10000) / 10000.0f;
      lp = 0.9f * lp + 0.1f * w;
      x[i * ch + c] = (float) (voice * (c + 1) / ch) + 0.05f * lp + 0.01f * w;
    }
  }
  return x;
}

/* What `cleancast denoise` writes: the whole stream, delay removed, same length. */
static float *
reference_denoise (const float *in, gsize frames, gint rate, gint ch, const char *model_name,
    CcDenoiseEngine engine, float strength, int *latency)
{
  char path[4096];
  CcDenoiseModel *m = NULL;
  CcDenoiser *d = NULL;
  CcDenoiserSettings s;
  if (engine == CC_DENOISE_RNNOISE) {
    fail_unless (cc_model_find (model_name, CC_MODEL_DENOISE, path, sizeof (path)) == 0);
    fail_unless (cc_denoise_model_open_file (&m, path) == 0);
  }
  cc_denoiser_default_settings (&s);
  s.engine = engine;
  s.sample_rate_hz = rate;
  s.channels = ch;
  s.strength = strength;
  fail_unless (cc_denoiser_open (&d, m, &s) == 0);
  int lat = cc_denoiser_latency_samples (d);
  float *out = g_new0 (float, (frames + lat) * ch);
  fail_unless (cc_denoiser_process (d, in, out, (int) frames) == (int) frames);
  fail_unless (cc_denoiser_flush (d, out + frames * ch, lat) == lat);
  memmove (out, out + (gsize) lat * ch, frames * ch * sizeof (float));
  cc_denoiser_close (&d);
  cc_denoise_model_close (&m);
  *latency = lat;
  return out;
}

static GstBuffer *
audio_buffer (const float *x, gsize frames, gint ch, GstClockTime pts, gint rate)
{
  GstBuffer *b = gst_buffer_new_memdup (x, frames * ch * sizeof (float));
  GST_BUFFER_PTS (b) = pts;
  GST_BUFFER_DURATION (b) = gst_util_uint64_scale_int (frames, GST_SECOND, rate);
  return b;
}

static gchar *
caps_f32 (gint rate, gint ch)
{
  return g_strdup_printf ("audio/x-raw,format=F32LE,layout=interleaved,rate=%d,channels=%d"
      "%s", rate, ch, ch > 2 ? ",channel-mask=(bitmask)0" : "");
}

/* Pulls every buffer: checks contiguous timestamps from t0 and gathers the samples. */
static float *
pull_all (GstHarness * h, gint rate, gint ch, GstClockTime t0, gsize * frames_out)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (float));
  GstBuffer *b;
  guint64 n = 0;
  GstClockTime prev_end = 0;
  gboolean first = TRUE;
  while ((b = gst_harness_try_pull (h))) {
    GstMapInfo map;
    GstClockTime expect = t0 + gst_util_uint64_scale_int (n, GST_SECOND, rate);
    gst_buffer_map (b, &map, GST_MAP_READ);
    gsize k = map.size / sizeof (float) / ch;
    fail_unless (map.size == k * ch * sizeof (float));
    /* the input sample's own time (within the 1 ns of integer rounding) */
    fail_unless (ABS (GST_CLOCK_DIFF (expect, GST_BUFFER_PTS (b))) <= 1,
        "buffer at sample %" G_GUINT64_FORMAT ": pts %" GST_TIME_FORMAT ", want %"
        GST_TIME_FORMAT, n, GST_TIME_ARGS (GST_BUFFER_PTS (b)), GST_TIME_ARGS (expect));
    /* and contiguous: each buffer starts where the one before ended */
    fail_unless (first || GST_BUFFER_PTS (b) == prev_end);
    prev_end = GST_BUFFER_PTS (b) + GST_BUFFER_DURATION (b);
    fail_unless (ABS (GST_CLOCK_DIFF (t0 + gst_util_uint64_scale_int (n + k, GST_SECOND,
                    rate), prev_end)) <= 1);
    fail_unless (GST_BUFFER_OFFSET (b) == n);
    fail_unless (first == GST_BUFFER_IS_DISCONT (b));
    first = FALSE;
    g_array_append_vals (a, map.data, k * ch);
    n += k;
    gst_buffer_unmap (b, &map);
    gst_buffer_unref (b);
  }
  *frames_out = n;
  return (float *) g_array_free (a, FALSE);
}

static void
push_in_random_pieces (GstHarness * h, const float *x, gsize frames, gint rate, gint ch,
    GstClockTime t0, gsize max_piece)
{
  gsize pos = 0;
  while (pos < frames) {
    gsize n = 1 + next_rand () % max_piece;
    if (n > frames - pos)
      n = frames - pos;
    GstClockTime pts = t0 + gst_util_uint64_scale_int (pos, GST_SECOND, rate);
    fail_unless_equals_int (gst_harness_push (h, audio_buffer (x + pos * ch, n, ch, pts,
                rate)), GST_FLOW_OK);
    pos += n;
  }
}

/* ------------------------------------------------------------------ audio */

GST_START_TEST (audio_caps)
{
  static const gint fmt[][2] = { {8000, 1}, {16000, 1}, {44100, 2}, {48000, 1},
  {96000, 6}, {192000, 8}
  };
  for (guint i = 0; i < G_N_ELEMENTS (fmt); i++) {
    GstHarness *h = gst_harness_new ("cleancastaudio");
    gchar *caps = caps_f32 (fmt[i][0], fmt[i][1]);
    gst_harness_set_src_caps_str (h, caps);
    g_free (caps);
    float *x = make_signal (fmt[i][0], fmt[i][1], 4800);
    fail_unless_equals_int (gst_harness_push (h, audio_buffer (x, 4800, fmt[i][1], 0,
                fmt[i][0])), GST_FLOW_OK);
    g_free (x);
    guint64 lat = 0;
    g_object_get (h->element, "latency", &lat, NULL);
    fail_unless (lat > 0 && lat < 100 * GST_MSECOND);
    gst_harness_teardown (h);
  }
  /* not accepted: integer samples, planar, 9 channels, 4 kHz */
  static const char *bad[] = {
    "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=1",
    "audio/x-raw,format=F32LE,layout=non-interleaved,rate=48000,channels=2",
    "audio/x-raw,format=F32LE,layout=interleaved,rate=48000,channels=9",
    "audio/x-raw,format=F32LE,layout=interleaved,rate=4000,channels=1",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    GstHarness *h = gst_harness_new ("cleancastaudio");
    gst_harness_set_src_caps_str (h, bad[i]);
    float z[256] = { 0 };
    fail_unless_equals_int (gst_harness_push (h, gst_buffer_new_memdup (z, sizeof (z))),
        GST_FLOW_NOT_NEGOTIATED);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* Any buffer size, any start time: the output is the library's whole-stream output, sample
 * for sample, with the input's timestamps. */
static void
check_odd_sizes (gint rate, gint ch, gsize max_piece, const char *model)
{
  const gsize frames = (gsize) rate * 3 / 2 + 17;
  const GstClockTime t0 = 1 * GST_SECOND + 250 * GST_MSECOND;
  float *x = make_signal (rate, ch, frames);
  int lat;
  float *ref = reference_denoise (x, frames, rate, ch, model, CC_DENOISE_RNNOISE, 1.0f, &lat);
  GstHarness *h = gst_harness_new ("cleancastaudio");
  gchar *caps = caps_f32 (rate, ch);
  g_object_set (h->element, "model", model, NULL);
  gst_harness_set_src_caps_str (h, caps);
  g_free (caps);
  push_in_random_pieces (h, x, frames, rate, ch, t0, max_piece);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  gsize got;
  float *y = pull_all (h, rate, ch, t0, &got);
  fail_unless_equals_uint64 (got, frames);
  gsize differ = 0;
  for (gsize i = 0; i < frames * ch; i++)
    differ += y[i] != ref[i];
  fail_unless (differ == 0, "%zu of %zu samples differ from the library's output "
      "(%d Hz, %d ch, pieces <= %zu)", differ, frames * ch, rate, ch, max_piece);
  guint64 latency;
  g_object_get (h->element, "latency", &latency, NULL);
  fail_unless_equals_uint64 (latency, gst_util_uint64_scale_int_ceil (lat, GST_SECOND, rate));
  g_free (x);
  g_free (y);
  g_free (ref);
  gst_harness_teardown (h);
}

GST_START_TEST (audio_odd_sizes)
{
  check_odd_sizes (48000, 1, 1, "rnnoise");     /* one sample at a time */
  check_odd_sizes (48000, 1, 1500, "rnnoise");
  check_odd_sizes (44100, 2, 3000, "rnnoise");
  check_odd_sizes (16000, 1, 333, "rnnoise2");
  check_odd_sizes (22050, 8, 777, "rnnoise");
}

GST_END_TEST;

GST_START_TEST (audio_short_stream)
{
  /* fewer samples than the latency: everything comes out at EOS, with its timestamps */
  GstHarness *h = gst_harness_new ("cleancastaudio");
  gst_harness_set_src_caps_str (h, "audio/x-raw,format=F32LE,layout=interleaved,"
      "rate=48000,channels=1");
  float *x = make_signal (48000, 1, 100);
  fail_unless_equals_int (gst_harness_push (h, audio_buffer (x, 100, 1, 0, 48000)),
      GST_FLOW_OK);
  fail_unless (gst_harness_try_pull (h) == NULL);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  gsize got;
  float *y = pull_all (h, 48000, 1, 0, &got);
  fail_unless_equals_uint64 (got, 100);
  g_free (x);
  g_free (y);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (audio_latency_query)
{
  struct
  {
    const char *model;
    gint rate;
    GstClockTime want;
  } c[] = {
    {"rnnoise", 48000, 0},
    {"rnnoise2", 48000, 0},
    {NULL, 48000, 0},           /* no model set: the CLI's default, CC_DENOISE_DEFAULT_MODEL */
  };
  for (guint i = 0; i < G_N_ELEMENTS (c); i++) {
    /* what the library says the delay is */
    const char *name = c[i].model ? c[i].model : CC_DENOISE_DEFAULT_MODEL;
    float z[1] = { 0 };
    int samples;
    g_free (reference_denoise (z, 1, 48000, 1, name, CC_DENOISE_RNNOISE, 1.0f, &samples));
    c[i].want = gst_util_uint64_scale_int_ceil (samples, GST_SECOND, 48000);
    GST_INFO ("%s: %d samples", name, samples);
    GstHarness *h = gst_harness_new ("cleancastaudio");
    if (c[i].model)
      g_object_set (h->element, "model", c[i].model, NULL);
    else {
      gchar *m = NULL;
      g_object_get (h->element, "model", &m, NULL);
      fail_unless (!g_strcmp0 (m, CC_DENOISE_DEFAULT_MODEL), "default model '%s'", m);
      g_free (m);
    }
    gst_harness_set_upstream_latency (h, 5 * GST_MSECOND);
    gst_harness_set_src_caps_str (h, "audio/x-raw,format=F32LE,layout=interleaved,"
        "rate=48000,channels=1");
    float *x = make_signal (48000, 1, 960);
    fail_unless_equals_int (gst_harness_push (h, audio_buffer (x, 960, 1, 0, 48000)),
        GST_FLOW_OK);
    g_free (x);
    GstClockTime lat = gst_harness_query_latency (h);
    fail_unless (lat == 5 * GST_MSECOND + c[i].want, "%s: latency %" GST_TIME_FORMAT,
        name, GST_TIME_ARGS (lat));
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* strength and engine changed while running: no sample lost or doubled, timestamps
 * continuous, a latency message when the engine changes the latency. */
GST_START_TEST (audio_property_changes)
{
  const gint rate = 44100;
  const gsize frames = rate * 2;
  float *x = make_signal (rate, 1, frames);
  GstHarness *h = gst_harness_new ("cleancastaudio");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, "audio/x-raw,format=F32LE,layout=interleaved,"
      "rate=44100,channels=1");
  gsize pos = 0, piece = 1000;
  guint64 lat0 = 0, lat1 = 0;
  gboolean latency_msg = FALSE;
  for (int step = 0; pos < frames; step++) {
    gsize n = MIN (piece, frames - pos);
    GstClockTime pts = gst_util_uint64_scale_int (pos, GST_SECOND, rate);
    if (step == 20)
      g_object_set (h->element, "strength", 0.3f, NULL);
    if (step == 40) {
      g_object_get (h->element, "latency", &lat0, NULL);
      /* drain the messages so far (the first latency message at caps) */
      GstMessage *m;
      while ((m = gst_bus_pop (bus)))
        gst_message_unref (m);
      g_object_set (h->element, "engine", 1 /* speex */ , "strength", 1.0f, NULL);
    }
    if (step == 60)
      g_object_set (h->element, "engine", 0, "model", "rnnoise", NULL);
    fail_unless_equals_int (gst_harness_push (h, audio_buffer (x + pos, n, 1, pts, rate)),
        GST_FLOW_OK);
    if (step == 40) {
      g_object_get (h->element, "latency", &lat1, NULL);
      GstMessage *m;
      while ((m = gst_bus_pop (bus))) {
        latency_msg |= GST_MESSAGE_TYPE (m) == GST_MESSAGE_LATENCY;
        gst_message_unref (m);
      }
    }
    pos += n;
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  gsize got;
  float *y = pull_all (h, rate, 1, 0, &got);
  fail_unless_equals_uint64 (got, frames);
  for (gsize i = 0; i < got; i++)
    fail_unless (isfinite (y[i]));
  /* at 44.1 kHz speex runs at the stream rate, RNNoise resamples: different latencies */
  fail_unless (lat0 != lat1, "latency %" G_GUINT64_FORMAT " both ways", lat0);
  fail_unless (latency_msg, "no latency message after the engine changed the latency");
  guint64 lat2;
  g_object_get (h->element, "latency", &lat2, NULL);
  fail_unless (lat2 < lat0);    /* RNNoise 0.1: one 10 ms frame less than the default 0.2 */
  g_free (x);
  g_free (y);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (audio_nan_input)
{
  const gsize frames = 4800;
  float *x = make_signal (48000, 2, frames);
  for (gsize i = 1000; i < 1200; i++)
    x[i] = (i & 1) ? NAN : INFINITY;
  GstHarness *h = gst_harness_new ("cleancastaudio");
  gst_harness_set_src_caps_str (h, "audio/x-raw,format=F32LE,layout=interleaved,"
      "rate=48000,channels=2");
  for (int k = 0; k < 4; k++)
    fail_unless_equals_int (gst_harness_push (h, audio_buffer (x, frames, 2,
                k * 100 * GST_MSECOND, 48000)), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  gsize got;
  float *y = pull_all (h, 48000, 2, 0, &got);
  fail_unless_equals_uint64 (got, 4 * frames);
  for (gsize i = 0; i < got * 2; i++)
    fail_unless (isfinite (y[i]), "sample %zu not finite", i);
  /* the stream after the bad samples is not silent: the denoiser kept working */
  double e = 0;
  for (gsize i = 3 * frames * 2; i < 4 * frames * 2; i++)
    e += y[i] * y[i];
  fail_unless (e > 1e-3);
  g_free (x);
  g_free (y);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Speech (DATA.md, jfk_16k.wav, 48 kHz mono s16): VAD messages and property. */
GST_START_TEST (audio_vad)
{
  gchar *path = g_build_filename (g_getenv ("CC_TEST_DATA"), "speech", "jfk_16k.wav", NULL);
  gchar *wav;
  gsize len;
  fail_unless (g_file_get_contents (path, &wav, &len, NULL), "cannot read %s", path);
  gsize frames = (len - 44) / 2;
  float *x = g_new (float, frames);
  for (gsize i = 0; i < frames; i++)
    x[i] = GINT16_FROM_LE (((gint16 *) (wav + 44))[i]) / 32768.0f;
  GstHarness *h = gst_harness_new ("cleancastaudio");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  g_object_set (h->element, "interval", (guint64) 200 * GST_MSECOND, NULL);
  gst_harness_set_src_caps_str (h, "audio/x-raw,format=F32LE,layout=interleaved,"
      "rate=48000,channels=1");
  push_in_random_pieces (h, x, frames, 48000, 1, 0, 4000);
  gfloat vad = -1;
  g_object_get (h->element, "vad", &vad, NULL);
  fail_unless (vad >= 0.0f && vad <= 1.0f);
  guint nmsg = 0, speaking = 0;
  GstClockTime last = 0;
  GstMessage *m;
  while ((m = gst_bus_pop (bus))) {
    const GstStructure *s = gst_message_get_structure (m);
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT && gst_structure_has_name (s, "cleancast-vad")) {
      GstClockTime ts, dur;
      gdouble v;
      gboolean sp;
      fail_unless (gst_structure_get (s, "timestamp", G_TYPE_UINT64, &ts, "duration",
              G_TYPE_UINT64, &dur, "vad", G_TYPE_DOUBLE, &v, "speaking", G_TYPE_BOOLEAN, &sp,
              NULL));
      fail_unless (v >= 0 && v <= 1);
      fail_unless (nmsg == 0 || ts == last, "messages not contiguous");
      fail_unless (dur == 200 * GST_MSECOND);
      last = ts + dur;
      speaking += sp;
      nmsg++;
    }
    gst_message_unref (m);
  }
  gsize expect = frames / 9600;
  fail_unless (nmsg == expect, "%u messages, want %zu", nmsg, expect);
  fail_unless (speaking > nmsg / 4 && speaking < nmsg, "speaking in %u of %u", speaking, nmsg);
  g_free (x);
  g_free (wav);
  g_free (path);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A pipeline reaching PAUSED must fail with a message naming the problem, not crash. */
static void
expect_state_error (const char *desc, const char *want)
{
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);
  fail_unless (p != NULL, "%s", err ? err->message : "?");
  GstStateChangeReturn r = gst_element_set_state (p, GST_STATE_PLAYING);
  if (r == GST_STATE_CHANGE_ASYNC)
    r = gst_element_get_state (p, NULL, NULL, 10 * GST_SECOND);
  fail_unless (r == GST_STATE_CHANGE_FAILURE, "%s: no failure", desc);
  GstBus *bus = gst_element_get_bus (p);
  GstMessage *m = gst_bus_timed_pop_filtered (bus, 5 * GST_SECOND, GST_MESSAGE_ERROR);
  fail_unless (m != NULL, "%s: no error message", desc);
  GError *e = NULL;
  gchar *dbg = NULL;
  gst_message_parse_error (m, &e, &dbg);
  fail_unless (strstr (e->message, want) != NULL, "%s: error '%s'", desc, e->message);
  g_error_free (e);
  g_free (dbg);
  gst_message_unref (m);
  gst_object_unref (bus);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

GST_START_TEST (bad_model)
{
  expect_state_error ("audiotestsrc num-buffers=5 ! cleancastaudio model=/no/such.ccm ! "
      "fakesink", "/no/such.ccm");
  expect_state_error ("audiotestsrc num-buffers=5 ! cleancastaudio model=general ! fakesink",
      "general");
  expect_state_error ("videotestsrc num-buffers=5 ! cleancastvideo model=/no/such.tflite ! "
      "fakesink", "/no/such.tflite");
  /* a model file of the wrong kind: a denoise model as segmentation model */
  gchar *wrong = g_build_filename (g_getenv ("CC_TEST_MODELS"), "rnnoise.ccm", NULL);
  gchar *d = g_strdup_printf ("videotestsrc num-buffers=5 ! cleancastvideo model=%s ! "
      "fakesink", wrong);
  expect_state_error (d, "Cannot load segmentation model");
  g_free (d);
  g_free (wrong);
  expect_state_error ("videotestsrc num-buffers=5 ! cleancastvideo background=replace "
      "background-image=/no/such.png ! fakesink", "/no/such.png");
}

GST_END_TEST;

/* ------------------------------------------------------------------ video */

static void
fill_frame (GstBuffer * b, const GstVideoInfo * info, int seed)
{
  GstVideoFrame f;
  fail_unless (gst_video_frame_map (&f, info, b, GST_MAP_WRITE));
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&f); p++) {
    guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (&f, p);
    gint st = GST_VIDEO_FRAME_PLANE_STRIDE (&f, p);
    gint rows = GST_VIDEO_FRAME_COMP_HEIGHT (&f, p == 0 ? 0 : MIN (p, 2));
    if (GST_VIDEO_INFO_FORMAT (info) == GST_VIDEO_FORMAT_A420 && p == 3)
      rows = GST_VIDEO_FRAME_HEIGHT (&f);
    for (gint y = 0; y < rows; y++)
      for (gint x = 0; x < st; x++)
        d[(gsize) y * st + x] = (guint8) (((x / 8 + y / 8 + seed) & 1) ? 200 : 40) + (x ^ y) % 16;
  }
  gst_video_frame_unmap (&f);
}

static gsize
count_changed (GstBuffer * a, GstBuffer * b, const GstVideoInfo * info)
{
  GstVideoFrame fa, fb;
  gsize n = 0;
  gst_video_frame_map (&fa, info, a, GST_MAP_READ);
  gst_video_frame_map (&fb, info, b, GST_MAP_READ);
  /* plane 0 over the visible width (bytes per pixel from the format) */
  gint pw = GST_VIDEO_FRAME_COMP_PSTRIDE (&fa, 0);
  gint bytes = GST_VIDEO_FRAME_WIDTH (&fa) * pw;
  for (gint y = 0; y < GST_VIDEO_FRAME_HEIGHT (&fa); y++) {
    const guint8 *ra = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fa, 0) +
        (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&fa, 0);
    const guint8 *rb = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fb, 0) +
        (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&fb, 0);
    for (gint x = 0; x < bytes; x++)
      n += ra[x] != rb[x];
  }
  gst_video_frame_unmap (&fa);
  gst_video_frame_unmap (&fb);
  return n;
}

static void
check_video_format (const char *format, gint w, gint h)
{
  gchar *caps = g_strdup_printf ("video/x-raw,format=%s,width=%d,height=%d,framerate=25/1",
      format, w, h);
  GstVideoInfo info;
  GstCaps *c = gst_caps_from_string (caps);
  fail_unless (gst_video_info_from_caps (&info, c));
  gst_caps_unref (c);
  for (int mode = 0; mode < 2; mode++) {        /* none, color */
    GstHarness *hv = gst_harness_new ("cleancastvideo");
    gst_util_set_object_arg (G_OBJECT (hv->element), "background", mode ? "color" : "none");
    gst_harness_set_src_caps_str (hv, caps);
    for (int k = 0; k < 3; k++) {
      GstBuffer *in = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
      fill_frame (in, &info, k);
      GST_BUFFER_PTS (in) = k * 40 * GST_MSECOND + 7;
      GST_BUFFER_DURATION (in) = 40 * GST_MSECOND;
      GstBuffer *keep = gst_buffer_copy_deep (in);
      GstFlowReturn r = gst_harness_push (hv, in);
      fail_unless (r == GST_FLOW_OK, "%s: push: %s", caps, gst_flow_get_name (r));
      GstBuffer *out = gst_harness_pull (hv);
      fail_unless_equals_uint64 (GST_BUFFER_PTS (out), k * 40 * GST_MSECOND + 7);
      fail_unless_equals_uint64 (GST_BUFFER_DURATION (out), 40 * GST_MSECOND);
      fail_unless_equals_uint64 (gst_buffer_get_size (out), GST_VIDEO_INFO_SIZE (&info));
      gsize changed = count_changed (keep, out, &info);
      if (mode == 0)
        fail_unless (changed == 0, "%s: background=none changed %zu bytes", format, changed);
      else
        fail_unless (changed > (gsize) w * h / 4, "%s %dx%d: colour changed only %zu bytes",
            format, w, h, changed);
      gst_buffer_unref (keep);
      gst_buffer_unref (out);
    }
    gst_harness_teardown (hv);
  }
  g_free (caps);
}

GST_START_TEST (video_formats)
{
  static const char *formats[] = { "I420", "YV12", "A420", "NV12", "YUY2", "RGBA", "BGRA",
    "RGBx", "BGRx", "RGB"
  };
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    check_video_format (formats[i], 161, 121);  /* odd sizes, padded strides */
    check_video_format (formats[i], 64, 36);
  }
  check_video_format ("I420", 1280, 720);
}

GST_END_TEST;

GST_START_TEST (video_transparent_caps)
{
  GstHarness *h = gst_harness_new ("cleancastvideo");
  gst_util_set_object_arg (G_OBJECT (h->element), "background", "transparent");
  gst_harness_set_src_caps_str (h, "video/x-raw,format=I420,width=64,height=48,"
      "framerate=25/1");
  GstBuffer *b = gst_buffer_new_allocate (NULL, 64 * 48 * 3 / 2, NULL);
  gst_buffer_memset (b, 0, 128, 64 * 48 * 3 / 2);
  fail_unless_equals_int (gst_harness_push (h, b), GST_FLOW_NOT_NEGOTIATED);
  gst_harness_teardown (h);

  h = gst_harness_new ("cleancastvideo");
  gst_util_set_object_arg (G_OBJECT (h->element), "background", "transparent");
  gst_harness_set_src_caps_str (h, "video/x-raw,format=RGBA,width=64,height=48,"
      "framerate=25/1");
  b = gst_buffer_new_allocate (NULL, 64 * 48 * 4, NULL);
  gst_buffer_memset (b, 0, 255, 64 * 48 * 4);
  fail_unless_equals_int (gst_harness_push (h, b), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  GstMapInfo map;
  gst_buffer_map (out, &map, GST_MAP_READ);
  gsize low = 0;
  for (gsize i = 3; i < map.size; i += 4)
    low += map.data[i] < 128;
  /* a flat white frame has no person: mostly transparent */
  fail_unless (low > 64 * 48 / 2, "alpha low in only %zu pixels", low);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (video_latency_and_changes)
{
  GstHarness *h = gst_harness_new ("cleancastvideo");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_set_upstream_latency (h, 33 * GST_MSECOND);
  gst_harness_set_src_caps_str (h, "video/x-raw,format=I420,width=160,height=120,"
      "framerate=30/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 160, 120);
  const char *changes[][2] = {
    {"blur-strength", "1.0"}, {"light-wrap", "0.5"}, {"model", "landscape"},
    {"raw", "true"}, {"background", "color"}, {"color", "0xff102030"},
    {"background", "blur"}, {"model", "general"},
  };
  for (guint k = 0; k < G_N_ELEMENTS (changes); k++) {
    gst_util_set_object_arg (G_OBJECT (h->element), changes[k][0], changes[k][1]);
    GstBuffer *in = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
    fill_frame (in, &info, k);
    GST_BUFFER_PTS (in) = k * GST_SECOND / 30;
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (h));
  }
  fail_unless_equals_uint64 (gst_harness_query_latency (h), 33 * GST_MSECOND);
  guint frames = 1;
  g_object_get (h->element, "latency", &frames, NULL);
  fail_unless_equals_int (frames, 0);
  /* a bad model set while running: an error message and GST_FLOW_ERROR, no crash */
  g_object_set (h->element, "model", "/no/such/model.tflite", NULL);
  GstBuffer *in = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  fill_frame (in, &info, 0);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_ERROR);
  GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (m != NULL);
  gst_message_unref (m);
  /* and the element recovers once the model is right again */
  g_object_set (h->element, "model", "general", NULL);
  in = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  fill_frame (in, &info, 0);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (h));
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (video_replace)
{
  gchar *img = g_build_filename (g_getenv ("CC_TEST_DATA"), "images", "astronaut.png", NULL);
  GstHarness *h = gst_harness_new ("cleancastvideo");
  g_object_set (h->element, "background-image", img, NULL);
  gst_util_set_object_arg (G_OBJECT (h->element), "background", "replace");
  gst_harness_set_src_caps_str (h, "video/x-raw,format=NV12,width=320,height=240,"
      "framerate=30/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, 320, 240);
  GstBuffer *in = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  fill_frame (in, &info, 0);
  GstBuffer *keep = gst_buffer_copy_deep (in);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  fail_unless (count_changed (keep, out, &info) > 320 * 240 / 2);
  gst_buffer_unref (keep);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
  g_free (img);
}

GST_END_TEST;

static Suite *
cleancast_suite (void)
{
  Suite *s = suite_create ("cleancast-gst");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 240);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, audio_caps);
  tcase_add_test (tc, audio_odd_sizes);
  tcase_add_test (tc, audio_short_stream);
  tcase_add_test (tc, audio_latency_query);
  tcase_add_test (tc, audio_property_changes);
  tcase_add_test (tc, audio_nan_input);
  tcase_add_test (tc, audio_vad);
  tcase_add_test (tc, bad_model);
  tcase_add_test (tc, video_formats);
  tcase_add_test (tc, video_transparent_caps);
  tcase_add_test (tc, video_latency_and_changes);
  tcase_add_test (tc, video_replace);
  return s;
}

int
main (int argc, char **argv)
{
  char path[4096];
  const char *names[] = { "general", "landscape", "rnnoise", "rnnoise2" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (cc_model_find (names[i], CC_MODEL_ANY, path, sizeof (path)) < 0) {
      fprintf (stderr, "SKIP: model '%s' never fetched (make models)\n", names[i]);
      return 77;
    }
  cc_model_find ("rnnoise", CC_MODEL_ANY, path, sizeof (path));
  gchar *dir = g_path_get_dirname (path);
  g_setenv ("CC_TEST_MODELS", dir, TRUE);
  g_free (dir);
  /* the cache folder as scripts/cachedir.sh finds it */
  const char *cache = g_getenv ("CLEANCAST_CACHE");
  gchar *cdir;
  if (cache && *cache)
    cdir = g_strdup (cache);
  else if (g_getenv ("XDG_CACHE_HOME") && g_getenv ("XDG_CACHE_HOME")[0] == '/')
    cdir = g_build_filename (g_getenv ("XDG_CACHE_HOME"), "cleancast", NULL);
  else
    cdir = g_build_filename (g_get_home_dir (), ".cache", "cleancast", NULL);
  gchar *data = g_build_filename (cdir, "data", NULL);
  gchar *manifest = g_build_filename (data, "MANIFEST.sha256", NULL);
  g_setenv ("CC_TEST_DATA", data, TRUE);
  if (!g_file_test (manifest, G_FILE_TEST_EXISTS)) {
    fprintf (stderr, "SKIP: test material never fetched (make setup)\n");
    return 77;
  }
  gst_check_init (&argc, &argv);
  if (!gst_registry_find_plugin (gst_registry_get (), "cleancast")) {
    fprintf (stderr, "FAIL: plugin 'cleancast' not found (GST_PLUGIN_PATH=%s)\n",
        g_getenv ("GST_PLUGIN_PATH"));
    return 1;
  }
  return gst_check_run_suite (cleancast_suite (), "cleancast", __FILE__);
}
