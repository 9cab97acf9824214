/**
 * SECTION:element-cleancastechoprobe
 * @title: cleancastechoprobe
 *
 * Records the far end (what the loudspeakers play) for the echo cancellation of a
 * cleancastaudio element (`echo-cancel=true`). Place it right before the audio sink that plays
 * the call; it passes its buffers through untouched (32-bit float, any rate, 1 to 8 channels)
 * and keeps the last 2 s of them, mixed to mono, with the running time at which each sample
 * is played (the buffer's running time plus the latency the pipeline configured downstream of
 * the probe, i.e. the audio sink's). A cleancastaudio element whose `probe` property names
 * this element takes, for every microphone buffer, the far-end samples played during that
 * buffer's capture (its running time): the two are aligned by their clocks, and the
 * remaining delay (the air, the converters) is found by the canceller itself.
 *
 * The probe must run at the microphone's rate (put an audioresample before it otherwise).
 * One cleancastaudio element per probe.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=call.wav ! decodebin ! audioconvert ! audioresample ! \
 *     audio/x-raw,format=F32LE,rate=48000 ! cleancastechoprobe ! autoaudiosink \
 *     pulsesrc ! audioconvert ! audioresample ! audio/x-raw,format=F32LE,rate=48000,channels=1 ! \
 *     cleancastaudio echo-cancel=true ! audioconvert ! wavenc ! filesink location=mic.wav
 * ]|
 */
#include <string.h>

#include <gst/gst.h>
#include <gst/audio/audio.h>
#include <gst/audio/gstaudiofilter.h>

#include "gstcleancast.h"

#define GST_TYPE_CLEANCAST_ECHO_PROBE (gst_cleancast_echo_probe_get_type ())
G_DECLARE_FINAL_TYPE (GstCleancastEchoProbe, gst_cleancast_echo_probe, GST,
    CLEANCAST_ECHO_PROBE, GstAudioFilter)

/* What is kept: enough for a microphone that lags the loudspeaker by the largest bulk delay
 * the canceller searches (500 ms) plus a sink's buffer. */
#define KEEP_SECONDS 2
/* A buffer that starts further than this from where the last one ended restarts the record. */
#define RESYNC_TOLERANCE (20 * GST_MSECOND)

struct _GstCleancastEchoProbe
{
  GstAudioFilter parent;

  /* Under `lock` (the probe's streaming thread writes, the processor's reads). */
  GMutex lock;
  gint rate, channels;
  GstClockTime latency;         /* downstream of the probe (the LATENCY event) */
  gboolean have_base;
  GstClockTime t_base;          /* play time of record sample 0 (before any drop) */
  guint64 dropped;              /* record samples dropped from the front since t_base */
  gfloat *rec;                  /* mono record, `len` samples, capacity `cap` */
  gsize len, cap;
  gpointer user;                /* the cleancastaudio element that acquired it, or NULL */
  GWeakRef *entry;              /* its entry in `probes` */
};

G_DEFINE_TYPE (GstCleancastEchoProbe, gst_cleancast_echo_probe, GST_TYPE_AUDIO_FILTER);
GST_ELEMENT_REGISTER_DEFINE (cleancastechoprobe, "cleancastechoprobe", GST_RANK_NONE,
    GST_TYPE_CLEANCAST_ECHO_PROBE);

#define GST_CAT_DEFAULT gst_cleancast_echo_probe_debug
GST_DEBUG_CATEGORY_STATIC (gst_cleancast_echo_probe_debug);

#define CAPS_STR "audio/x-raw, format=(string)" GST_AUDIO_NE (F32) \
    ", layout=(string)interleaved, rate=(int)[ 8000, 192000 ], channels=(int)[ 1, 8 ]"

/* The probes that exist, for the processors to find by name: weak references, so a probe
 * being finalized is never handed out (a weak reference to it reads NULL from then on). */
static GMutex probes_lock;
static GList *probes;           /* of GWeakRef * */

static void
record_clear (GstCleancastEchoProbe * self)
{
  self->have_base = FALSE;
  self->len = 0;
  self->dropped = 0;
}

static gboolean
gst_cleancast_echo_probe_setup (GstAudioFilter * filter, const GstAudioInfo * info)
{
  GstCleancastEchoProbe *self = GST_CLEANCAST_ECHO_PROBE (filter);
  g_mutex_lock (&self->lock);
  self->rate = GST_AUDIO_INFO_RATE (info);
  self->channels = GST_AUDIO_INFO_CHANNELS (info);
  self->cap = (gsize) self->rate * KEEP_SECONDS;
  g_free (self->rec);
  self->rec = g_new (gfloat, self->cap);
  record_clear (self);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static GstFlowReturn
gst_cleancast_echo_probe_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstCleancastEchoProbe *self = GST_CLEANCAST_ECHO_PROBE (trans);
  GstClockTime rt;
  GstMapInfo map;
  gsize n, i, keep, add;
  const gfloat *p;

  rt = gst_segment_to_running_time (&trans->segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buf));
  if (!GST_CLOCK_TIME_IS_VALID (rt) || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_FLOW_OK;         /* nothing to place in time: passed through, not recorded */
  g_mutex_lock (&self->lock);
  if (self->rate <= 0 || !self->rec)
    goto done;
  n = map.size / (sizeof (gfloat) * self->channels);
  p = (const gfloat *) map.data;
  rt += self->latency;
  if (self->have_base) {
    GstClockTime end = self->t_base +
        gst_util_uint64_scale_int (self->dropped + self->len, GST_SECOND, self->rate);
    GstClockTimeDiff d = GST_CLOCK_DIFF (end, rt);
    if (d > (GstClockTimeDiff) RESYNC_TOLERANCE && d < (GstClockTimeDiff) GST_SECOND) {
      /* a gap (e.g. a GAP event upstream): silence played meanwhile */
      gsize gap = gst_util_uint64_scale_int ((guint64) d, self->rate, GST_SECOND);
      if (gap >= self->cap) {
        record_clear (self);
      } else {
        if (self->len + gap > self->cap) {
          gsize drop = self->len + gap - self->cap;
          memmove (self->rec, self->rec + drop, (self->len - drop) * sizeof (gfloat));
          self->len -= drop;
          self->dropped += drop;
        }
        memset (self->rec + self->len, 0, gap * sizeof (gfloat));
        self->len += gap;
      }
    } else if (d > (GstClockTimeDiff) RESYNC_TOLERANCE || d < -(GstClockTimeDiff) RESYNC_TOLERANCE) {
      GST_DEBUG_OBJECT (self, "far end jumps by %" GST_STIME_FORMAT ": record restarted",
          GST_STIME_ARGS (d));
      record_clear (self);
    }
  }
  if (!self->have_base) {
    self->t_base = rt;
    self->have_base = TRUE;
  }
  /* keep the newest `cap` samples */
  add = MIN (n, self->cap);
  p += (n - add) * self->channels;
  self->dropped += n - add;
  keep = MIN (self->len, self->cap - add);
  if (keep < self->len) {
    memmove (self->rec, self->rec + (self->len - keep), keep * sizeof (gfloat));
    self->dropped += self->len - keep;
    self->len = keep;
  }
  for (i = 0; i < add; i++) {
    gfloat s = 0.0f;
    for (gint c = 0; c < self->channels; c++)
      s += p[i * self->channels + c];
    self->rec[self->len + i] = s / (gfloat) self->channels;
  }
  self->len += add;
done:
  g_mutex_unlock (&self->lock);
  gst_buffer_unmap (buf, &map);
  return GST_FLOW_OK;
}

static gboolean
gst_cleancast_echo_probe_src_event (GstBaseTransform * trans, GstEvent * event)
{
  GstCleancastEchoProbe *self = GST_CLEANCAST_ECHO_PROBE (trans);
  if (GST_EVENT_TYPE (event) == GST_EVENT_LATENCY) {
    GstClockTime latency;
    gst_event_parse_latency (event, &latency);
    g_mutex_lock (&self->lock);
    self->latency = latency;
    g_mutex_unlock (&self->lock);
    GST_DEBUG_OBJECT (self, "latency %" GST_TIME_FORMAT, GST_TIME_ARGS (latency));
  }
  return GST_BASE_TRANSFORM_CLASS (gst_cleancast_echo_probe_parent_class)->src_event (trans,
      event);
}

static gboolean
gst_cleancast_echo_probe_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstCleancastEchoProbe *self = GST_CLEANCAST_ECHO_PROBE (trans);
  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP) {
    g_mutex_lock (&self->lock);
    record_clear (self);
    g_mutex_unlock (&self->lock);
  }
  return GST_BASE_TRANSFORM_CLASS (gst_cleancast_echo_probe_parent_class)->sink_event (trans,
      event);
}

static gboolean
gst_cleancast_echo_probe_stop (GstBaseTransform * trans)
{
  GstCleancastEchoProbe *self = GST_CLEANCAST_ECHO_PROBE (trans);
  g_mutex_lock (&self->lock);
  record_clear (self);
  self->rate = self->channels = 0;
  self->latency = 0;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static void
gst_cleancast_echo_probe_finalize (GObject * object)
{
  GstCleancastEchoProbe *self = GST_CLEANCAST_ECHO_PROBE (object);
  g_mutex_lock (&probes_lock);
  probes = g_list_remove (probes, self->entry);
  g_mutex_unlock (&probes_lock);
  g_weak_ref_clear (self->entry);
  g_free (self->entry);
  g_free (self->rec);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (gst_cleancast_echo_probe_parent_class)->finalize (object);
}

static void
gst_cleancast_echo_probe_class_init (GstCleancastEchoProbeClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *bt_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstAudioFilterClass *af_class = GST_AUDIO_FILTER_CLASS (klass);
  GstCaps *caps;

  GST_DEBUG_CATEGORY_INIT (gst_cleancast_echo_probe_debug, "cleancastechoprobe", 0,
      "cleancast echo reference probe");
  gobject_class->finalize = gst_cleancast_echo_probe_finalize;
  caps = gst_caps_from_string (CAPS_STR);
  gst_audio_filter_class_add_pad_templates (af_class, caps);
  gst_caps_unref (caps);
  gst_element_class_set_static_metadata (element_class, "cleancast echo probe",
      "Generic/Audio",
      "Records what the loudspeakers play for a cleancastaudio element's echo cancellation "
      "(cleancast)", "cleancast developers");
  bt_class->transform_ip = GST_DEBUG_FUNCPTR (gst_cleancast_echo_probe_transform_ip);
  bt_class->transform_ip_on_passthrough = TRUE;
  bt_class->passthrough_on_same_caps = TRUE;
  bt_class->src_event = GST_DEBUG_FUNCPTR (gst_cleancast_echo_probe_src_event);
  bt_class->sink_event = GST_DEBUG_FUNCPTR (gst_cleancast_echo_probe_sink_event);
  bt_class->stop = GST_DEBUG_FUNCPTR (gst_cleancast_echo_probe_stop);
  af_class->setup = GST_DEBUG_FUNCPTR (gst_cleancast_echo_probe_setup);
}

static void
gst_cleancast_echo_probe_init (GstCleancastEchoProbe * self)
{
  g_mutex_init (&self->lock);
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
  self->entry = g_new0 (GWeakRef, 1);
  g_weak_ref_init (self->entry, self);
  g_mutex_lock (&probes_lock);
  probes = g_list_prepend (probes, self->entry);
  g_mutex_unlock (&probes_lock);
}

/* ------------------------------------------------------------------ for cleancastaudio */

gpointer
gst_cleancast_echo_probe_acquire (const gchar * name, gpointer user, gboolean * busy)
{
  GstCleancastEchoProbe *found = NULL;
  *busy = FALSE;
  g_mutex_lock (&probes_lock);
  for (GList * l = probes; l; l = l->next) {
    GstCleancastEchoProbe *p = g_weak_ref_get (l->data);  /* a ref, or NULL: going away */
    gchar *pn;
    gboolean same;
    if (!p)
      continue;
    pn = gst_object_get_name (GST_OBJECT (p));
    same = g_strcmp0 (pn, name) == 0;
    g_free (pn);
    if (!same) {
      gst_object_unref (p);
      continue;
    }
    g_mutex_lock (&p->lock);
    if (p->user && p->user != user) {
      *busy = TRUE;
    } else {
      p->user = user;
      found = p;                /* keeps the ref */
    }
    g_mutex_unlock (&p->lock);
    if (!found)
      gst_object_unref (p);
    break;
  }
  g_mutex_unlock (&probes_lock);
  return found;
}

void
gst_cleancast_echo_probe_release (gpointer probe)
{
  GstCleancastEchoProbe *p = probe;
  if (!p)
    return;
  g_mutex_lock (&p->lock);
  p->user = NULL;
  g_mutex_unlock (&p->lock);
  gst_object_unref (p);
}

gint
gst_cleancast_echo_probe_read (gpointer probe, GstClockTime rt0, guint64 pos, gint rate,
    gfloat * out, gint n)
{
  GstCleancastEchoProbe *p = probe;
  gint got = 0;
  memset (out, 0, (gsize) n * sizeof (gfloat));
  g_mutex_lock (&p->lock);
  if (p->rate > 0 && p->rate != rate) {
    got = -p->rate;
  } else if (p->have_base && p->len > 0) {
    /* record index of sample `pos` after running time rt0: samples since t_base, less
     * those dropped (rt0 rounded once, so consecutive reads join without a gap) */
    gint64 off;
    if (rt0 >= p->t_base)
      off = (gint64) gst_util_uint64_scale_int_round (rt0 - p->t_base, rate, GST_SECOND);
    else
      off = -(gint64) gst_util_uint64_scale_int_round (p->t_base - rt0, rate, GST_SECOND);
    off += (gint64) pos - (gint64) p->dropped;
    for (gint i = 0; i < n; i++) {
      gint64 j = off + i;
      if (j >= 0 && j < (gint64) p->len) {
        out[i] = p->rec[j];
        got++;
      }
    }
  }
  g_mutex_unlock (&p->lock);
  return got;
}
