/**
 * SECTION:element-cleancastaudio
 * @title: cleancastaudio
 *
 * Removes the noise around a voice with cleancast's denoiser: RNNoise (neural) or speexdsp
 * (classical), on 32-bit float interleaved audio at any rate from 8 to 192 kHz, 1 to 8
 * channels, buffers of any size.
 *
 * Timing. The denoiser works on 10 ms frames and its output lags its input by a fixed number
 * of samples (10 ms for RNNoise 0.1 and speex at 48 kHz, 20 ms for RNNoise 0.2, plus the
 * resampler's delay at other rates). The element holds those samples back and gives every
 * sample it outputs the timestamp of the input sample it came from, so the output stays in
 * sync with the input (and with the video of the same capture); the first buffers of a stream
 * are shorter by the held samples, and at EOS (or before a timestamp gap, caps change or
 * engine change) the held samples are drained. The hold is this element's latency: it adds it
 * to the LATENCY query, and posts a latency message whenever it changes (engine, model or
 * rate). `strength` never changes it.
 *
 * Voice activity. The `vad` property is the voice probability of the latest 10 ms frame;
 * with `post-messages` (default on) an element message named `cleancast-vad` is posted every
 * `interval` of input:
 *
 * * `timestamp`, `stream-time`, `running-time`, `duration` (GstClockTime): the input span
 * * `vad` (gdouble): the largest 10 ms voice probability in the span, 0..1
 * * `speaking` (gboolean): `vad` >= `vad-threshold`
 *
 * Property defaults are those of `cleancast denoise` with no options: RNNoise with the
 * `rnnoise2` model (RNNoise 0.2, CC_DENOISE_DEFAULT_MODEL; `model=rnnoise` is 0.1), strength 1.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 audiotestsrc wave=pink-noise num-buffers=100 ! audioconvert ! \
 *     cleancastaudio strength=0.8 ! audioconvert ! fakesink
 * ]|
 * and a file:
 * |[
 * gst-launch-1.0 filesrc location=in.wav ! decodebin ! audioconvert ! audioresample ! \
 *     cleancastaudio ! audioconvert ! wavenc ! filesink location=out.wav
 * ]|
 */
#include <string.h>

#include <gst/gst.h>
#include <gst/audio/audio.h>
#include <gst/audio/gstaudiofilter.h>

#include <cleancast/audio.h>
#include <cleancast/cleancast.h>

#include "gstcleancast.h"

#define GST_TYPE_CLEANCAST_AUDIO (gst_cleancast_audio_get_type ())
G_DECLARE_FINAL_TYPE (GstCleancastAudio, gst_cleancast_audio, GST, CLEANCAST_AUDIO,
    GstAudioFilter)

#define GST_TYPE_CLEANCAST_ENGINE (gst_cleancast_engine_get_type ())

#define DEFAULT_STRENGTH 1.0f
#define DEFAULT_ENGINE CC_DENOISE_RNNOISE
#define DEFAULT_MODEL CC_DENOISE_DEFAULT_MODEL
#define DEFAULT_POST_MESSAGES TRUE
#define DEFAULT_INTERVAL (100 * GST_MSECOND)
#define DEFAULT_VAD_THRESHOLD 0.5f
/* A buffer whose timestamp is further than this from the running sample count starts a new
 * stream (drain, reset); smaller jitter is absorbed (GstAudioEncoder's default tolerance). */
#define RESYNC_TOLERANCE (40 * GST_MSECOND)

enum
{
  PROP_0,
  PROP_STRENGTH,
  PROP_ENGINE,
  PROP_MODEL,
  PROP_VAD,
  PROP_VAD_THRESHOLD,
  PROP_POST_MESSAGES,
  PROP_INTERVAL,
  PROP_LATENCY,
};

struct _GstCleancastAudio
{
  GstAudioFilter parent;

  /* Properties (object lock). */
  gfloat strength;
  CcDenoiseEngine engine;
  gchar *model;
  gfloat vad_threshold;
  gboolean post_messages;
  GstClockTime interval;
  gboolean engine_dirty;        /* engine or model changed: reopen at the next buffer */
  gboolean model_dirty;
  gfloat vad;                   /* latest 10 ms frame */
  GstClockTime latency;         /* the hold, in time; what the LATENCY query adds */

  /* Streaming state (streaming thread; changed under the object lock). */
  CcDenoiseModel *dmodel;
  CcDenoiser *dn;
  gint rate, channels, bpf;
  gint hold;                    /* latency in samples */
  gint skip_left;               /* output samples still to drop after (re)open or reset */
  gfloat strength_applied;
  gboolean have_base;
  GstClockTime ts_base;         /* input time of sample 0 since the last reset */
  guint64 in_samples, out_samples;
  guint64 frame_k;              /* 10 ms frames ended since the reset */
  gboolean discont;             /* mark the next output buffer DISCONT */
  /* VAD message being gathered */
  guint64 msg_start;
  gfloat msg_vad;
  GstClockTime latency_posted;
};

G_DEFINE_TYPE (GstCleancastAudio, gst_cleancast_audio, GST_TYPE_AUDIO_FILTER);
GST_ELEMENT_REGISTER_DEFINE (cleancastaudio, "cleancastaudio", GST_RANK_NONE,
    GST_TYPE_CLEANCAST_AUDIO);

#define GST_CAT_DEFAULT gst_cleancast_audio_debug
GST_DEBUG_CATEGORY_STATIC (gst_cleancast_audio_debug);

#define CAPS_STR "audio/x-raw, format=(string)" GST_AUDIO_NE (F32) \
    ", layout=(string)interleaved, rate=(int)[ 8000, 192000 ], channels=(int)[ 1, 8 ]"

static GType
gst_cleancast_engine_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CC_DENOISE_RNNOISE, "RNNoise (neural; model property)", "rnnoise"},
    {CC_DENOISE_SPEEX, "speexdsp preprocessor (classical, low CPU)", "speex"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstCleancastEngine", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

typedef struct
{
  GQuark domain;
  gint code;
  gchar *text, *debug;
} PendingError;

static void
pending_set (PendingError * e, GQuark domain, gint code, gchar * text, gchar * debug)
{
  if (e->text) {
    g_free (text);
    g_free (debug);
    return;
  }
  e->domain = domain;
  e->code = code;
  e->text = text;
  e->debug = debug;
}

static void
pending_post (GstCleancastAudio * self, PendingError * e)
{
  if (!e->text)
    return;
  gst_element_message_full (GST_ELEMENT (self), GST_MESSAGE_ERROR, e->domain, e->code,
      e->text, e->debug, __FILE__, GST_FUNCTION, __LINE__);
  e->text = e->debug = NULL;
}

/* ------------------------------------------------------------------ library objects */

/* Object lock held. */
static gboolean
load_model (GstCleancastAudio * self, PendingError * err)
{
  char path[4096];
  int r;
  CcDenoiseModel *m = NULL;
  gst_cleancast_take_last_error ();
  r = cc_model_find (self->model, CC_MODEL_DENOISE, path, sizeof (path));
  if (r < 0) {
    pending_set (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        g_strdup_printf ("Denoise model '%s' not found", self->model),
        g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
    return FALSE;
  }
  r = cc_denoise_model_open_file (&m, path);
  if (r < 0) {
    pending_set (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
        g_strdup_printf ("Cannot load denoise model '%s'", path),
        g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
    return FALSE;
  }
  cc_denoiser_close (&self->dn);        /* it used the old model */
  cc_denoise_model_close (&self->dmodel);
  self->dmodel = m;
  self->model_dirty = FALSE;
  GST_INFO_OBJECT (self, "denoise model %s", path);
  return TRUE;
}

static void
reset_stream (GstCleancastAudio * self)
{
  if (self->dn)
    cc_denoiser_reset (self->dn);
  self->skip_left = self->hold;
  self->have_base = FALSE;
  self->in_samples = self->out_samples = 0;
  self->frame_k = 0;
  self->discont = TRUE;
  self->msg_start = 0;
  self->msg_vad = 0.0f;
}

/* Object lock held. (Re)opens the denoiser for the negotiated format and the engine. */
static gboolean
open_denoiser (GstCleancastAudio * self, PendingError * err)
{
  CcDenoiserSettings s;
  int r;
  cc_denoiser_close (&self->dn);
  if (self->engine == CC_DENOISE_RNNOISE && (!self->dmodel || self->model_dirty) &&
      !load_model (self, err))
    return FALSE;
  cc_denoiser_default_settings (&s);
  s.engine = self->engine;
  s.sample_rate_hz = self->rate;
  s.channels = self->channels;
  s.strength = self->strength;
  gst_cleancast_take_last_error ();
  r = cc_denoiser_open (&self->dn, self->dmodel, &s);
  if (r < 0) {
    pending_set (err, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT,
        g_strdup_printf ("Cannot open the %s denoiser at %d Hz, %d channels",
            self->engine == CC_DENOISE_SPEEX ? "speex" : "rnnoise", self->rate,
            self->channels),
        g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
    return FALSE;
  }
  self->strength_applied = self->strength;
  self->hold = cc_denoiser_latency_samples (self->dn);
  self->latency = gst_util_uint64_scale_int_ceil (self->hold, GST_SECOND, self->rate);
  self->engine_dirty = FALSE;
  /* a fresh denoiser: its first `hold` output samples come before the stream's start */
  self->skip_left = self->hold;
  GST_INFO_OBJECT (self, "denoiser open: %d Hz, %d ch, latency %d samples", self->rate,
      self->channels, self->hold);
  return TRUE;
}

static void
stamp (GstCleancastAudio * self, GstBuffer * buf, guint64 n)
{
  GstClockTime t0 = self->ts_base +
      gst_util_uint64_scale_int (self->out_samples, GST_SECOND, self->rate);
  GstClockTime t1 = self->ts_base +
      gst_util_uint64_scale_int (self->out_samples + n, GST_SECOND, self->rate);
  GST_BUFFER_PTS (buf) = t0;
  GST_BUFFER_DTS (buf) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (buf) = t1 - t0;
  GST_BUFFER_OFFSET (buf) = self->out_samples;
  GST_BUFFER_OFFSET_END (buf) = self->out_samples + n;
  if (self->discont) {
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
    self->discont = FALSE;
  } else {
    GST_BUFFER_FLAG_UNSET (buf, GST_BUFFER_FLAG_DISCONT);
  }
  self->out_samples += n;
}

/* Object lock held. The samples still held, with their own timestamps; NULL when none.
 * keep_timeline: the stream goes on (engine or model change: the caller opens a new
 * denoiser, whose output continues the timeline); otherwise a new stream starts at the next
 * buffer (EOS, segment, timestamp gap, format change). */
static GstBuffer *
drain (GstCleancastAudio * self, gboolean keep_timeline)
{
  GstBuffer *buf = NULL;
  guint64 held;
  if (!self->dn || !self->have_base || self->in_samples == 0) {
    if (!keep_timeline)
      reset_stream (self);
    return NULL;
  }
  held = self->in_samples - self->out_samples;
  if (held > 0) {
    GstMapInfo map;
    gint got, skip;
    buf = gst_buffer_new_allocate (NULL, (gsize) self->hold * self->bpf, NULL);
    gst_buffer_map (buf, &map, GST_MAP_WRITE);
    got = cc_denoiser_flush (self->dn, (float *) map.data, self->hold);
    gst_buffer_unmap (buf, &map);
    if (got < 0)
      got = 0;
    /* a stream shorter than the hold: part of the flushed tail is still to be skipped */
    skip = MIN (self->skip_left, got);
    if ((guint64) (got - skip) > held)
      got = skip + (gint) held;
    if (got - skip <= 0) {
      gst_buffer_unref (buf);
      buf = NULL;
    } else {
      gst_buffer_resize (buf, (gssize) skip * self->bpf, (gssize) (got - skip) * self->bpf);
      stamp (self, buf, got - skip);
    }
  }
  GST_DEBUG_OBJECT (self, "drained %" G_GUINT64_FORMAT " held samples", held);
  if (!keep_timeline)
    reset_stream (self);
  return buf;
}

static void
push_drained (GstCleancastAudio * self, GstBuffer * buf)
{
  if (buf) {
    GstFlowReturn r = gst_pad_push (GST_BASE_TRANSFORM_SRC_PAD (self), buf);
    if (r != GST_FLOW_OK)
      GST_DEBUG_OBJECT (self, "drained tail: %s", gst_flow_get_name (r));
  }
}

/* ------------------------------------------------------------------ GstBaseTransform */

static gboolean
gst_cleancast_audio_start (GstBaseTransform * trans)
{
  GstCleancastAudio *self = GST_CLEANCAST_AUDIO (trans);
  PendingError err = { 0 };
  gboolean ok = TRUE;
  gst_cleancast_init_log ();
  GST_OBJECT_LOCK (self);
  self->rate = self->channels = 0;
  self->latency_posted = GST_CLOCK_TIME_NONE;
  /* a wrong model name or file fails the state change, with the reason */
  if (self->engine == CC_DENOISE_RNNOISE && (!self->dmodel || self->model_dirty))
    ok = load_model (self, &err);
  GST_OBJECT_UNLOCK (self);
  pending_post (self, &err);
  return ok;
}

static gboolean
gst_cleancast_audio_stop (GstBaseTransform * trans)
{
  GstCleancastAudio *self = GST_CLEANCAST_AUDIO (trans);
  GST_OBJECT_LOCK (self);
  cc_denoiser_close (&self->dn);
  cc_denoise_model_close (&self->dmodel);
  self->rate = self->channels = 0;
  self->latency = 0;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static void
post_latency_if_changed (GstCleancastAudio * self)
{
  gboolean post;
  GST_OBJECT_LOCK (self);
  post = self->dn && self->latency != self->latency_posted;
  if (post)
    self->latency_posted = self->latency;
  GST_OBJECT_UNLOCK (self);
  if (post) {
    GST_INFO_OBJECT (self, "latency now %" GST_TIME_FORMAT, GST_TIME_ARGS (self->latency));
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_latency (GST_OBJECT (self)));
  }
}

static gboolean
gst_cleancast_audio_setup (GstAudioFilter * filter, const GstAudioInfo * info)
{
  GstCleancastAudio *self = GST_CLEANCAST_AUDIO (filter);
  PendingError err = { 0 };
  GstBuffer *tail = NULL;
  gboolean ok = TRUE;

  GST_OBJECT_LOCK (self);
  if (!self->dn || self->rate != GST_AUDIO_INFO_RATE (info) ||
      self->channels != GST_AUDIO_INFO_CHANNELS (info)) {
    tail = drain (self, FALSE); /* still in the old format, pushed before the new caps */
    self->rate = GST_AUDIO_INFO_RATE (info);
    self->channels = GST_AUDIO_INFO_CHANNELS (info);
    self->bpf = GST_AUDIO_INFO_BPF (info);
    ok = open_denoiser (self, &err);
  }
  GST_OBJECT_UNLOCK (self);
  push_drained (self, tail);
  pending_post (self, &err);
  if (ok)
    post_latency_if_changed (self);
  return ok;
}

static GstFlowReturn
gst_cleancast_audio_generate_output (GstBaseTransform * trans, GstBuffer ** outbuf)
{
  GstCleancastAudio *self = GST_CLEANCAST_AUDIO (trans);
  GstBuffer *in = trans->queued_buf, *tail = NULL, *gap_tail = NULL;
  PendingError err = { 0 };
  GList *msgs = NULL;
  GstMapInfo map;
  GstClockTime pts, st;
  gsize n, skip, done;
  float *p;
  gboolean reopened = FALSE;

  trans->queued_buf = NULL;
  *outbuf = NULL;
  if (!in)
    return GST_FLOW_OK;
  pts = GST_BUFFER_PTS (in);
  st = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME, pts);
  if (GST_CLOCK_TIME_IS_VALID (st))
    gst_object_sync_values (GST_OBJECT (self), st);

  GST_OBJECT_LOCK (self);
  if (self->engine_dirty || self->model_dirty || !self->dn) {
    tail = drain (self, TRUE);
    if (!open_denoiser (self, &err))
      goto fail;
    reopened = TRUE;
  }
  if (self->strength != self->strength_applied) {
    cc_denoiser_set_strength (self->dn, self->strength);
    self->strength_applied = self->strength;
  }
  if (self->have_base && GST_CLOCK_TIME_IS_VALID (pts)) {
    GstClockTime expect = self->ts_base +
        gst_util_uint64_scale_int (self->in_samples, GST_SECOND, self->rate);
    GstClockTimeDiff d = GST_CLOCK_DIFF (expect, pts);
    if (d > (GstClockTimeDiff) RESYNC_TOLERANCE || d < -(GstClockTimeDiff) RESYNC_TOLERANCE) {
      GST_INFO_OBJECT (self, "timestamp jump of %" GST_STIME_FORMAT ": new stream",
          GST_STIME_ARGS (d));
      gap_tail = drain (self, FALSE);
    }
  }
  if (!self->have_base) {
    self->ts_base = GST_CLOCK_TIME_IS_VALID (pts) ? pts : trans->segment.start;
    self->have_base = TRUE;
  }

  in = gst_buffer_make_writable (in);
  if (!gst_buffer_map (in, &map, GST_MAP_READWRITE)) {
    pending_set (&err, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        g_strdup ("Cannot map the buffer"), NULL);
    goto fail;
  }
  n = map.size / self->bpf;
  p = (float *) map.data;
  /* In pieces that end on the stream's 10 ms boundaries (frame k * rate / 100), so the VAD
   * is read once per 10 ms frame whatever the buffer size. */
  for (done = 0; done < n;) {
    guint64 pos = self->in_samples + done;
    guint64 bound = (self->frame_k + 1) * (guint64) self->rate / 100;
    gsize piece = MIN (n - done, bound - pos);
    int r = cc_denoiser_process (self->dn, p + done * self->channels,
        p + done * self->channels, (int) piece);
    if (r < 0) {
      gst_buffer_unmap (in, &map);
      pending_set (&err, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
          g_strdup ("Denoising failed"),
          g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
      goto fail;
    }
    done += piece;
    if (pos + piece == bound) {
      guint64 span;
      self->frame_k++;
      self->vad = cc_denoiser_vad (self->dn);
      self->msg_vad = MAX (self->msg_vad, self->vad);
      span = bound - self->msg_start;
      if (span >= gst_util_uint64_scale_int_ceil (self->interval, self->rate, GST_SECOND)) {
        if (self->post_messages) {
          GstClockTime t0 = self->ts_base +
              gst_util_uint64_scale_int (self->msg_start, GST_SECOND, self->rate);
          GstClockTime t1 = self->ts_base +
              gst_util_uint64_scale_int (bound, GST_SECOND, self->rate);
          GstStructure *s = gst_structure_new ("cleancast-vad",
              "timestamp", G_TYPE_UINT64, t0,
              "stream-time", G_TYPE_UINT64,
              gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME, t0),
              "running-time", G_TYPE_UINT64,
              gst_segment_to_running_time (&trans->segment, GST_FORMAT_TIME, t0),
              "duration", G_TYPE_UINT64, t1 - t0,
              "vad", G_TYPE_DOUBLE, (gdouble) self->msg_vad,
              "speaking", G_TYPE_BOOLEAN, self->msg_vad >= self->vad_threshold, NULL);
          msgs = g_list_prepend (msgs, gst_message_new_element (GST_OBJECT (self), s));
        }
        self->msg_start = bound;
        self->msg_vad = 0.0f;
      }
    }
  }
  gst_buffer_unmap (in, &map);
  self->in_samples += n;
  skip = MIN ((gsize) self->skip_left, n);
  self->skip_left -= (gint) skip;
  if (skip == n) {
    gst_buffer_unref (in);      /* all of it still held */
  } else {
    if (skip)
      gst_buffer_resize (in, (gssize) skip * self->bpf, (gssize) (n - skip) * self->bpf);
    stamp (self, in, n - skip);
    *outbuf = in;
  }
  GST_OBJECT_UNLOCK (self);

  push_drained (self, tail);
  push_drained (self, gap_tail);
  if (reopened)
    post_latency_if_changed (self);
  msgs = g_list_reverse (msgs);
  for (GList * l = msgs; l; l = l->next)
    gst_element_post_message (GST_ELEMENT (self), l->data);
  g_list_free (msgs);
  return GST_FLOW_OK;

fail:
  GST_OBJECT_UNLOCK (self);
  gst_buffer_unref (in);
  if (tail)
    gst_buffer_unref (tail);
  if (gap_tail)
    gst_buffer_unref (gap_tail);
  g_list_free_full (msgs, (GDestroyNotify) gst_message_unref);
  pending_post (self, &err);
  return GST_FLOW_ERROR;
}

static gboolean
gst_cleancast_audio_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstCleancastAudio *self = GST_CLEANCAST_AUDIO (trans);
  GstBuffer *tail = NULL;
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
    case GST_EVENT_SEGMENT:    /* a new segment: what is held belongs to the old one */
      GST_OBJECT_LOCK (self);
      tail = drain (self, FALSE);
      GST_OBJECT_UNLOCK (self);
      push_drained (self, tail);
      break;
    case GST_EVENT_FLUSH_STOP:
      GST_OBJECT_LOCK (self);
      reset_stream (self);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (gst_cleancast_audio_parent_class)->sink_event (trans,
      event);
}

static gboolean
gst_cleancast_audio_query (GstBaseTransform * trans, GstPadDirection direction,
    GstQuery * query)
{
  GstCleancastAudio *self = GST_CLEANCAST_AUDIO (trans);
  gboolean ok = GST_BASE_TRANSFORM_CLASS (gst_cleancast_audio_parent_class)->query (trans,
      direction, query);
  if (ok && direction == GST_PAD_SRC && GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    gboolean live;
    GstClockTime min, max, ours;
    GST_OBJECT_LOCK (self);
    ours = self->latency;
    GST_OBJECT_UNLOCK (self);
    gst_query_parse_latency (query, &live, &min, &max);
    GST_DEBUG_OBJECT (self, "upstream latency %" GST_TIME_FORMAT ", ours %" GST_TIME_FORMAT,
        GST_TIME_ARGS (min), GST_TIME_ARGS (ours));
    min += ours;
    if (GST_CLOCK_TIME_IS_VALID (max))
      max += ours;
    gst_query_set_latency (query, live, min, max);
  }
  return ok;
}

/* ------------------------------------------------------------------ properties */

static void
gst_cleancast_audio_set_property (GObject * object, guint prop_id, const GValue * value,
    GParamSpec * pspec)
{
  GstCleancastAudio *self = GST_CLEANCAST_AUDIO (object);
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_STRENGTH:
      self->strength = g_value_get_float (value);
      break;
    case PROP_ENGINE:{
      CcDenoiseEngine e = g_value_get_enum (value);
      if (e != self->engine) {
        self->engine = e;
        self->engine_dirty = TRUE;
      }
      break;
    }
    case PROP_MODEL:{
      const gchar *m = g_value_get_string (value);
      if (!m)
        m = DEFAULT_MODEL;
      if (g_strcmp0 (m, self->model)) {
        g_free (self->model);
        self->model = g_strdup (m);
        self->model_dirty = TRUE;
      }
      break;
    }
    case PROP_VAD_THRESHOLD:
      self->vad_threshold = g_value_get_float (value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    case PROP_INTERVAL:
      self->interval = g_value_get_uint64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cleancast_audio_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstCleancastAudio *self = GST_CLEANCAST_AUDIO (object);
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_STRENGTH:
      g_value_set_float (value, self->strength);
      break;
    case PROP_ENGINE:
      g_value_set_enum (value, self->engine);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_VAD:
      g_value_set_float (value, self->vad);
      break;
    case PROP_VAD_THRESHOLD:
      g_value_set_float (value, self->vad_threshold);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    case PROP_INTERVAL:
      g_value_set_uint64 (value, self->interval);
      break;
    case PROP_LATENCY:
      g_value_set_uint64 (value, self->latency);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cleancast_audio_finalize (GObject * object)
{
  GstCleancastAudio *self = GST_CLEANCAST_AUDIO (object);
  cc_denoiser_close (&self->dn);
  cc_denoise_model_close (&self->dmodel);
  g_free (self->model);
  G_OBJECT_CLASS (gst_cleancast_audio_parent_class)->finalize (object);
}

static void
gst_cleancast_audio_class_init (GstCleancastAudioClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *bt_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstAudioFilterClass *af_class = GST_AUDIO_FILTER_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  GstCaps *caps;

  GST_DEBUG_CATEGORY_INIT (gst_cleancast_audio_debug, "cleancastaudio", 0,
      "cleancast noise removal");

  gobject_class->set_property = gst_cleancast_audio_set_property;
  gobject_class->get_property = gst_cleancast_audio_get_property;
  gobject_class->finalize = gst_cleancast_audio_finalize;

  g_object_class_install_property (gobject_class, PROP_STRENGTH,
      g_param_spec_float ("strength", "Strength",
          "Noise suppression 0 (bypass, delayed) .. 1 (full); below 1 every band keeps at "
          "least 10^(-strength*40/20) of its level (--strength)", 0.0f, 1.0f,
          DEFAULT_STRENGTH, rw | GST_PARAM_CONTROLLABLE | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_ENGINE,
      g_param_spec_enum ("engine", "Engine",
          "Denoiser (--engine); a change drains what is held and may change the latency",
          GST_TYPE_CLEANCAST_ENGINE, DEFAULT_ENGINE, rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_MODEL,
      g_param_spec_string ("model", "Model",
          "RNNoise model: rnnoise2 (0.2, the default), rnnoise (0.1: 10 ms less latency), "
          "looked up like the CLI's --model, or a .ccm/.rnnn path", DEFAULT_MODEL,
          rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_VAD,
      g_param_spec_float ("vad", "Voice activity",
          "Voice probability of the latest 10 ms frame, 0..1", 0.0f, 1.0f, 0.0f,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_VAD_THRESHOLD,
      g_param_spec_float ("vad-threshold", "VAD threshold",
          "A message's vad at or above this says speaking=true", 0.0f, 1.0f,
          DEFAULT_VAD_THRESHOLD, rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post a cleancast-vad element message every interval", DEFAULT_POST_MESSAGES,
          rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_INTERVAL,
      g_param_spec_uint64 ("interval", "Interval",
          "Input time between cleancast-vad messages in ns (rounded up to 10 ms frames)",
          10 * GST_MSECOND, G_MAXUINT64, DEFAULT_INTERVAL, rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_LATENCY,
      g_param_spec_uint64 ("latency", "Latency",
          "Delay the element adds in ns (0 until the format is known)", 0, G_MAXUINT64, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  caps = gst_caps_from_string (CAPS_STR);
  gst_audio_filter_class_add_pad_templates (af_class, caps);
  gst_caps_unref (caps);
  gst_element_class_set_static_metadata (element_class, "cleancast noise removal",
      "Filter/Effect/Audio",
      "Removes the noise around a voice: RNNoise or speexdsp, any rate, 1-8 channels "
      "(cleancast)", "cleancast developers");

  bt_class->start = GST_DEBUG_FUNCPTR (gst_cleancast_audio_start);
  bt_class->stop = GST_DEBUG_FUNCPTR (gst_cleancast_audio_stop);
  bt_class->generate_output = GST_DEBUG_FUNCPTR (gst_cleancast_audio_generate_output);
  bt_class->sink_event = GST_DEBUG_FUNCPTR (gst_cleancast_audio_sink_event);
  bt_class->query = GST_DEBUG_FUNCPTR (gst_cleancast_audio_query);
  bt_class->passthrough_on_same_caps = FALSE;
  af_class->setup = GST_DEBUG_FUNCPTR (gst_cleancast_audio_setup);

  gst_type_mark_as_plugin_api (GST_TYPE_CLEANCAST_ENGINE, 0);
}

static void
gst_cleancast_audio_init (GstCleancastAudio * self)
{
  self->strength = DEFAULT_STRENGTH;
  self->engine = DEFAULT_ENGINE;
  self->model = g_strdup (DEFAULT_MODEL);
  self->vad_threshold = DEFAULT_VAD_THRESHOLD;
  self->post_messages = DEFAULT_POST_MESSAGES;
  self->interval = DEFAULT_INTERVAL;
  self->latency_posted = GST_CLOCK_TIME_NONE;
}
