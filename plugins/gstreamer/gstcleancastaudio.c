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
 * Echo cancellation, gain control, high-pass (`echo-cancel`, `agc`, `high-pass`, all off by
 * default): with any of them on, the element runs the library's voice chain (CcVoiceProcessor,
 * one per channel) instead of the bare denoiser; with `echo-cancel` the far end comes from the
 * cleancastechoprobe named by `probe`, placed before the audio sink that plays the call, and
 * is taken by running time (doc/GSTREAMER.md). The latency grows by 20 ms with echo
 * cancellation; `vad` is not updated while the voice chain runs.
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
#define DEFAULT_ECHO_CANCEL FALSE
#define DEFAULT_AGC FALSE
#define DEFAULT_HIGH_PASS FALSE
#define DEFAULT_PROBE "cleancastechoprobe0"
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
  PROP_ECHO_CANCEL,
  PROP_PROBE,
  PROP_AGC,
  PROP_HIGH_PASS,
  PROP_FAR_MISSING,
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
  gboolean echo_cancel, agc, high_pass;
  gchar *probe_name;
  gboolean probe_dirty;         /* probe renamed: release the one held */
  guint64 far_missing;          /* far-end samples the probe had nothing for */

  /* Streaming state (streaming thread; changed under the object lock). */
  CcDenoiseModel *dmodel;
  CcDenoiser *dn;
  /* With echo-cancel, agc or high-pass: one voice processor per channel instead of dn. */
  CcVoiceProcessor *vp[8];
  gboolean voice;
  gpointer probe;               /* the cleancastechoprobe acquired (a ref) */
  GstClockTime rt0;             /* running time of the stream's sample 0 (far-end alignment) */
  gfloat *mono, *far;           /* scratch, scratch_n samples each */
  gsize scratch_n;
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

static gboolean
voice_wanted (GstCleancastAudio * self)
{
  return self->echo_cancel || self->agc || self->high_pass;
}

static gboolean
is_open (GstCleancastAudio * self)
{
  return self->dn || self->vp[0];
}

static void
close_processors (GstCleancastAudio * self)
{
  cc_denoiser_close (&self->dn);
  for (gint c = 0; c < 8; c++)
    cc_voice_close (&self->vp[c]);
  self->voice = FALSE;
}

static void
release_probe (GstCleancastAudio * self)
{
  gst_cleancast_echo_probe_release (self->probe);
  self->probe = NULL;
}

static void
scratch_reserve (GstCleancastAudio * self, gsize n)
{
  if (n <= self->scratch_n)
    return;
  g_free (self->mono);
  g_free (self->far);
  self->mono = g_new (gfloat, n);
  self->far = g_new (gfloat, n);
  self->scratch_n = n;
}

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
  close_processors (self);      /* they used the old model */
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
  for (gint c = 0; c < 8; c++)
    if (self->vp[c])
      cc_voice_reset (self->vp[c]);
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
  close_processors (self);
  if (self->engine == CC_DENOISE_RNNOISE && (!self->dmodel || self->model_dirty) &&
      !load_model (self, err))
    return FALSE;
  if (voice_wanted (self)) {
    /* echo cancellation / gain control / high-pass: the library's voice chain (high-pass,
     * echo, the same denoiser, AGC), one mono processor per channel, all fed the same far end */
    CcVoiceSettings vs;
    cc_voice_default_settings (&vs);
    vs.sample_rate_hz = self->rate;
    vs.far_channels = 1;
    vs.echo_cancel = self->echo_cancel;
    vs.agc = self->agc;
    vs.high_pass = self->high_pass;
    vs.noise_suppress = 1;
    vs.denoise_engine = self->engine;
    vs.denoise_strength = self->strength;
    gst_cleancast_take_last_error ();
    for (gint c = 0; c < self->channels; c++) {
      r = cc_voice_open (&self->vp[c], self->dmodel, &vs);
      if (r < 0) {
        close_processors (self);
        pending_set (err, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT,
            g_strdup_printf ("Cannot open the voice chain (echo-cancel=%d agc=%d "
                "high-pass=%d) at %d Hz%s", self->echo_cancel, self->agc, self->high_pass,
                self->rate, r == CC_ERR_UNSUPPORTED ?
                ": echo cancellation needs a rate that is a multiple of 100 Hz "
                "(put audioresample before, e.g. to 48000)" : ""),
            g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
        return FALSE;
      }
    }
    self->voice = TRUE;
    self->strength_applied = self->strength;
    self->hold = cc_voice_latency_samples (self->vp[0]);
    self->latency = gst_util_uint64_scale_int_ceil (self->hold, GST_SECOND, self->rate);
    self->engine_dirty = FALSE;
    self->skip_left = self->hold;
    GST_INFO_OBJECT (self, "voice chain open: %d Hz, %d ch, echo %d, agc %d, high-pass %d, "
        "latency %d samples", self->rate, self->channels, self->echo_cancel, self->agc,
        self->high_pass, self->hold);
    return TRUE;
  }
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
  if (!is_open (self) || !self->have_base || self->in_samples == 0) {
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
    if (self->voice) {
      gfloat *o = (gfloat *) map.data;
      scratch_reserve (self, (gsize) self->hold);
      got = 0;
      for (gint c = 0; c < self->channels; c++) {
        got = cc_voice_flush (self->vp[c], self->mono, self->hold);
        for (gint i = 0; i < got; i++)
          o[i * self->channels + c] = self->mono[i];
      }
    } else {
      got = cc_denoiser_flush (self->dn, (float *) map.data, self->hold);
    }
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
  self->far_missing = 0;
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
  close_processors (self);
  release_probe (self);
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
  post = is_open (self) && self->latency != self->latency_posted;
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
  if (!is_open (self) || self->rate != GST_AUDIO_INFO_RATE (info) ||
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
  if (self->engine_dirty || self->model_dirty || !is_open (self)) {
    tail = drain (self, TRUE);
    if (!open_denoiser (self, &err))
      goto fail;
    reopened = TRUE;
  }
  if (self->strength != self->strength_applied && !self->voice) {
    cc_denoiser_set_strength (self->dn, self->strength);
    self->strength_applied = self->strength;
  }
  if (self->probe_dirty) {
    release_probe (self);
    self->probe_dirty = FALSE;
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
    self->rt0 = gst_segment_to_running_time (&trans->segment, GST_FORMAT_TIME, self->ts_base);
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
  if (self->voice) {
    scratch_reserve (self, n);
    if (self->echo_cancel) {
      gint got;
      if (!self->probe) {
        gboolean busy;
        self->probe = gst_cleancast_echo_probe_acquire (self->probe_name, self, &busy);
        if (!self->probe) {
          gst_buffer_unmap (in, &map);
          pending_set (&err, GST_CORE_ERROR, GST_CORE_ERROR_PAD,
              g_strdup_printf (busy ? "The echo probe '%s' is used by another element" :
                  "No cleancastechoprobe named '%s' (echo-cancel needs one before the "
                  "audio sink; see the probe property)", self->probe_name), NULL);
          goto fail;
        }
      }
      /* what was played during this buffer's capture: the probe's record at the same
       * running time (silence where it has none: the far end stopped or is late) */
      got = GST_CLOCK_TIME_IS_VALID (self->rt0) ?
          gst_cleancast_echo_probe_read (self->probe, self->rt0, self->in_samples, self->rate,
          self->far, (gint) n) : (memset (self->far, 0, n * sizeof (gfloat)), 0);
      if (got >= 0 && (gsize) got < n)
        self->far_missing += n - (gsize) got;
      if (got >= 0 && (gsize) got < n)
        GST_DEBUG_OBJECT (self, "far end: %d of %" G_GSIZE_FORMAT " samples at %"
            G_GUINT64_FORMAT " (the probe has nothing there: not started, stopped or late)",
            got, n, self->in_samples);
      if (got < 0) {
        gst_buffer_unmap (in, &map);
        pending_set (&err, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
            g_strdup_printf ("The echo probe '%s' runs at %d Hz, the microphone at %d Hz "
                "(put audioresample before the probe)", self->probe_name, -got, self->rate),
            NULL);
        goto fail;
      }
    }
    for (gint c = 0; c < self->channels; c++) {
      int r = 0;
      for (gsize i = 0; i < n; i++)
        self->mono[i] = p[i * self->channels + c];
      if (self->echo_cancel)
        r = cc_voice_far (self->vp[c], self->far, (int) n);
      if (r >= 0)
        r = cc_voice_process (self->vp[c], self->mono, self->mono, (int) n);
      if (r < 0) {
        gst_buffer_unmap (in, &map);
        pending_set (&err, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
            g_strdup ("Voice processing failed"),
            g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
        goto fail;
      }
      for (gsize i = 0; i < n; i++)
        p[i * self->channels + c] = self->mono[i];
    }
    done = n;
  }
  /* In pieces that end on the stream's 10 ms boundaries (frame k * rate / 100), so the VAD
   * is read once per 10 ms frame whatever the buffer size. */
  for (done = self->voice ? n : 0; done < n;) {
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
    case PROP_ECHO_CANCEL:
    case PROP_AGC:
    case PROP_HIGH_PASS:{
      gboolean v = g_value_get_boolean (value);
      gboolean *f = prop_id == PROP_ECHO_CANCEL ? &self->echo_cancel :
          prop_id == PROP_AGC ? &self->agc : &self->high_pass;
      if (v != *f) {
        *f = v;
        self->engine_dirty = TRUE;      /* reopen at the next buffer; the latency changes */
      }
      break;
    }
    case PROP_PROBE:{
      const gchar *m = g_value_get_string (value);
      if (!m)
        m = DEFAULT_PROBE;
      if (g_strcmp0 (m, self->probe_name)) {
        g_free (self->probe_name);
        self->probe_name = g_strdup (m);
        self->probe_dirty = TRUE;
      }
      break;
    }
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
    case PROP_ECHO_CANCEL:
      g_value_set_boolean (value, self->echo_cancel);
      break;
    case PROP_AGC:
      g_value_set_boolean (value, self->agc);
      break;
    case PROP_HIGH_PASS:
      g_value_set_boolean (value, self->high_pass);
      break;
    case PROP_PROBE:
      g_value_set_string (value, self->probe_name);
      break;
    case PROP_FAR_MISSING:
      g_value_set_uint64 (value, self->far_missing);
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
  close_processors (self);
  release_probe (self);
  cc_denoise_model_close (&self->dmodel);
  g_free (self->model);
  g_free (self->probe_name);
  g_free (self->mono);
  g_free (self->far);
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
  g_object_class_install_property (gobject_class, PROP_ECHO_CANCEL,
      g_param_spec_boolean ("echo-cancel", "Echo cancellation",
          "Remove the echo of what the loudspeakers play, recorded by the cleancastechoprobe "
          "named by probe (--echo-reference); adds 20 ms of latency. With echo-cancel, agc "
          "or high-pass the element runs the library's voice chain: the vad property and "
          "messages are not updated, and a strength change applies at the next restart "
          "(caps, engine or option change)", DEFAULT_ECHO_CANCEL,
          rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_PROBE,
      g_param_spec_string ("probe", "Echo probe",
          "Name of the cleancastechoprobe element that records the far end", DEFAULT_PROBE,
          rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_FAR_MISSING,
      g_param_spec_uint64 ("far-missing", "Far end missing",
          "With echo-cancel: far-end samples the probe had nothing for when the microphone "
          "needed them (silence used: far end not started, stopped, late, or a probe in "
          "another pipeline); counted since the element started", 0, G_MAXUINT64, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_AGC,
      g_param_spec_boolean ("agc", "Automatic gain",
          "Automatic gain control after the noise suppression (--agc)", DEFAULT_AGC,
          rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_HIGH_PASS,
      g_param_spec_boolean ("high-pass", "High-pass",
          "80 Hz high-pass before everything else (--high-pass)", DEFAULT_HIGH_PASS,
          rw | GST_PARAM_MUTABLE_PLAYING));

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
  self->echo_cancel = DEFAULT_ECHO_CANCEL;
  self->agc = DEFAULT_AGC;
  self->high_pass = DEFAULT_HIGH_PASS;
  self->probe_name = g_strdup (DEFAULT_PROBE);
  self->latency_posted = GST_CLOCK_TIME_NONE;
}
