/*
 * Live pipelines (is-live=true sources, synchronising sinks) with the cleancast elements:
 *
 *  1. audio: the pipeline's LATENCY query answers what the same pipeline without the element
 *     answers plus the element's latency (the library's delay at the stream rate), and the
 *     sink receives each buffer on time for that latency (lateness measured at the sink:
 *     arrival running time - (buffer running time + pipeline latency)); a model change while
 *     PLAYING (the default RNNoise 0.2 -> model=rnnoise, 0.1) posts a latency message, and
 *     the recalculated pipeline latency shrinks by the 10 ms that 0.1 does not delay.
 *  2. audio + video: the pipeline latency is the larger branch's, and cleancastvideo adds 0
 *     (its inference time falls under the sinks' processing-deadline, 20 ms by default,
 *     which GStreamer already counts in the latency).
 *
 * Prints the figures; exits 1 on a failed check, 77 when the models were never fetched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gst/gst.h>

#include <cleancast/audio.h>
#include <cleancast/cleancast.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { printf ("FAIL: " __VA_ARGS__); printf ("\n"); \
      failures++; } else { printf ("ok: " __VA_ARGS__); printf ("\n"); } } while (0)

typedef struct
{
  GstElement *pipe;
  GstClockTime latency;         /* configured on the pipeline */
  GArray *late;                 /* lateness of each buffer at the sink, ns (gint64) */
  GMutex lock;
} Run;

static void
on_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, gpointer user)
{
  Run *r = user;
  GstClock *clock = gst_element_get_clock (sink);
  GstSegment *seg = NULL;
  GstEvent *ev = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  if (!clock || !ev) {
    if (clock)
      gst_object_unref (clock);
    if (ev)
      gst_event_unref (ev);
    return;
  }
  gst_event_parse_segment (ev, (const GstSegment **) &seg);
  GstClockTime rt = gst_segment_to_running_time (seg, GST_FORMAT_TIME, GST_BUFFER_PTS (buf));
  GstClockTime now = gst_clock_get_time (clock) - gst_element_get_base_time (sink);
  g_mutex_lock (&r->lock);
  if (GST_CLOCK_TIME_IS_VALID (rt)) {
    gint64 late = (gint64) now - (gint64) (rt + r->latency);
    g_array_append_val (r->late, late);
  }
  g_mutex_unlock (&r->lock);
  gst_event_unref (ev);
  gst_object_unref (clock);
}

static gint
cmp64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* Runs `desc` live for `secs`, optionally setting model=rnnoise (RNNoise 0.1; the default is
 * 0.2) on element "a" halfway.
 * Returns the pipeline latency before (and *after) the change. */
static GstClockTime
run_live (const char *desc, double secs, gboolean change_model, GstClockTime * after,
    GArray ** late_out)
{
  GError *err = NULL;
  Run r = { 0 };
  g_mutex_init (&r.lock);
  r.late = g_array_new (FALSE, FALSE, sizeof (gint64));
  r.pipe = gst_parse_launch (desc, &err);
  if (!r.pipe) {
    printf ("SETUP FAILED: %s: %s\n", desc, err ? err->message : "?");
    exit (1);
  }
  GstElement *sink = gst_bin_get_by_name (GST_BIN (r.pipe), "s");
  if (sink) {
    g_object_set (sink, "signal-handoffs", TRUE, NULL);
    g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), &r);
  }
  GstBus *bus = gst_element_get_bus (r.pipe);
  gst_element_set_state (r.pipe, GST_STATE_PLAYING);
  GstClockTime before = GST_CLOCK_TIME_NONE, end = 0;
  gint64 t_end = g_get_monotonic_time () + (gint64) (secs * 1e6);
  gint64 t_change = g_get_monotonic_time () + (gint64) (secs * 0.5e6);
  gboolean changed = FALSE, latency_msg = FALSE;
  while (g_get_monotonic_time () < t_end) {
    GstMessage *m = gst_bus_timed_pop (bus, 20 * GST_MSECOND);
    if (m) {
      switch (GST_MESSAGE_TYPE (m)) {
        case GST_MESSAGE_ERROR:{
          GError *e;
          gchar *dbg;
          gst_message_parse_error (m, &e, &dbg);
          printf ("SETUP FAILED: %s: %s (%s)\n", desc, e->message, dbg ? dbg : "");
          exit (1);
        }
        case GST_MESSAGE_LATENCY:
          /* what gst-launch and applications do */
          if (changed)
            latency_msg = TRUE;
          gst_bin_recalculate_latency (GST_BIN (r.pipe));
          break;
        default:
          break;
      }
      gst_message_unref (m);
    }
    GstClockTime lat = gst_pipeline_get_latency (GST_PIPELINE (r.pipe));
    if (!GST_CLOCK_TIME_IS_VALID (lat)) {
      GstQuery *q = gst_query_new_latency ();
      if (gst_element_query (r.pipe, q)) {
        gboolean live;
        gst_query_parse_latency (q, &live, &lat, NULL);
      }
      gst_query_unref (q);
    }
    g_mutex_lock (&r.lock);
    r.latency = lat;
    g_mutex_unlock (&r.lock);
    if (change_model && !changed && g_get_monotonic_time () >= t_change) {
      GstQuery *q = gst_query_new_latency ();
      gboolean live;
      if (gst_element_query (r.pipe, q))
        gst_query_parse_latency (q, &live, &before, NULL);
      gst_query_unref (q);
      GstElement *a = gst_bin_get_by_name (GST_BIN (r.pipe), "a");
      g_object_set (a, "model", "rnnoise", NULL);
      gst_object_unref (a);
      changed = TRUE;
    }
  }
  {
    GstQuery *q = gst_query_new_latency ();
    gboolean live;
    if (gst_element_query (r.pipe, q))
      gst_query_parse_latency (q, &live, &end, NULL);
    gst_query_unref (q);
  }
  if (!change_model)
    before = end;
  else
    CHECK (latency_msg, "a latency message after the model change");
  gst_element_set_state (r.pipe, GST_STATE_NULL);
  if (sink)
    gst_object_unref (sink);
  gst_object_unref (bus);
  gst_object_unref (r.pipe);
  if (after)
    *after = end;
  if (late_out)
    *late_out = r.late;
  else
    g_array_free (r.late, TRUE);
  return before;
}

static void
report_lateness (const char *what, GArray * late, gboolean strict)
{
  /* the first 300 ms settle (preroll of a live pipeline) */
  guint skip = late->len / 10;
  GArray *a = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = skip; i < late->len; i++)
    g_array_append_val (a, g_array_index (late, gint64, i));
  g_array_sort (a, cmp64);
  if (a->len == 0) {
    CHECK (FALSE, "%s: no buffers at the sink", what);
    return;
  }
  gint64 p50 = g_array_index (a, gint64, a->len / 2);
  gint64 p95 = g_array_index (a, gint64, a->len * 95 / 100);
  gint64 mx = g_array_index (a, gint64, a->len - 1);
  printf ("   %s: %u buffers, lateness at the sink p50 %.2f ms, p95 %.2f ms, max %.2f ms\n",
      what, a->len, p50 / 1e6, p95 / 1e6, mx / 1e6);
  /* on time: the reported latency covers the element's hold (an under-report of even a
   * few ms shows in the median; p95 allows for a shared, loaded machine) */
  if (strict)
    CHECK (p50 <= 2 * GST_MSECOND && p95 <= 8 * GST_MSECOND,
        "%s: buffers reach the sink within the reported latency", what);
  /* else: reported only. Inference time is the sinks' processing-deadline (20 ms), not
   * latency; on a machine shared with other work frames overrun it, which says how busy the
   * CPU is, not whether the latency is right. */
  g_array_free (a, TRUE);
}

int
main (int argc, char **argv)
{
  char path[4096];
  if (cc_model_find ("rnnoise", CC_MODEL_DENOISE, path, sizeof (path)) < 0 ||
      cc_model_find ("rnnoise2", CC_MODEL_DENOISE, path, sizeof (path)) < 0 ||
      cc_model_find ("general", CC_MODEL_SEGMENTATION, path, sizeof (path)) < 0) {
    printf ("SKIP: models never fetched (make models)\n");
    return 77;
  }
  gst_init (&argc, &argv);
  if (!gst_registry_find_plugin (gst_registry_get (), "cleancast")) {
    printf ("FAIL: plugin 'cleancast' not found (GST_PLUGIN_PATH=%s)\n",
        g_getenv ("GST_PLUGIN_PATH"));
    return 1;
  }
  /* The element's own answer, from a denoiser opened as it opens one. */
  GstElement *probe = gst_parse_launch ("audiotestsrc num-buffers=3 samplesperbuffer=480 ! "
      "audio/x-raw,format=F32LE,rate=48000,channels=1 ! cleancastaudio name=a ! fakesink",
      NULL);
  gst_element_set_state (probe, GST_STATE_PLAYING);
  gst_element_get_state (probe, NULL, NULL, 5 * GST_SECOND);
  GstElement *a = gst_bin_get_by_name (GST_BIN (probe), "a");
  guint64 el_lat = 0;
  g_object_get (a, "latency", &el_lat, NULL);
  gst_object_unref (a);
  gst_element_set_state (probe, GST_STATE_NULL);
  gst_object_unref (probe);
  printf ("   cleancastaudio latency at 48 kHz (default model, %s): %.3f ms\n",
      CC_DENOISE_DEFAULT_MODEL, el_lat / 1e6);
  CHECK (el_lat > 0, "element reports a latency");

  const char *src = "audiotestsrc is-live=true wave=pink-noise samplesperbuffer=480 ! "
      "audio/x-raw,format=F32LE,rate=48000,channels=1";
  gchar *with = g_strdup_printf ("%s ! cleancastaudio name=a ! "
      "fakesink name=s sync=true", src);
  gchar *without = g_strdup_printf ("%s ! identity name=a ! fakesink name=s sync=true", src);
  GArray *late = NULL;
  GstClockTime base = run_live (without, 1.0, FALSE, NULL, NULL);
  GstClockTime after = 0;
  GstClockTime ours = run_live (with, 4.0, TRUE, &after, &late);
  printf ("   audio: pipeline latency without %.3f ms, with cleancastaudio %.3f ms, after "
      "model=rnnoise %.3f ms\n", base / 1e6, ours / 1e6, after / 1e6);
  CHECK (ours == base + el_lat, "audio pipeline latency = source + element");
  CHECK (after + 10 * GST_MSECOND == ours,
      "rnnoise (0.1) takes one 10 ms frame off the default rnnoise2's latency");
  report_lateness ("audio", late, TRUE);
  g_array_free (late, TRUE);
  g_free (with);
  g_free (without);

  const char *vsrc = "videotestsrc is-live=true pattern=ball ! "
      "video/x-raw,format=I420,width=320,height=240,framerate=30/1";
  gchar *av = g_strdup_printf ("%s ! cleancastvideo ! fakesink name=s sync=true  "
      "%s ! cleancastaudio name=a ! fakesink sync=true", vsrc, src);
  gchar *av0 = g_strdup_printf ("%s ! identity ! fakesink name=s sync=true  "
      "%s ! identity name=a ! fakesink sync=true", vsrc, src);
  gchar *v0 = g_strdup_printf ("%s ! fakesink name=s sync=true", vsrc);
  GstClockTime vbase = run_live (v0, 1.0, FALSE, NULL, NULL);
  GstClockTime avbase = run_live (av0, 1.0, FALSE, NULL, NULL);
  GstClockTime avours = run_live (av, 3.0, FALSE, NULL, &late);
  GstClockTime want = MAX (vbase, base + el_lat);
  printf ("   audio+video: pipeline latency without the elements %.3f ms, with %.3f ms "
      "(video branch %.3f ms, audio branch %.3f ms)\n", avbase / 1e6, avours / 1e6,
      vbase / 1e6, (base + el_lat) / 1e6);
  CHECK (avours == want, "A/V pipeline latency = the larger branch's (video adds 0 frames)");
  report_lateness ("video", late, FALSE);
  g_array_free (late, TRUE);
  g_free (av);
  g_free (av0);
  g_free (v0);
  printf ("%s\n", failures ? "some checks failed" : "all checks passed");
  return failures ? 1 : 0;
}
