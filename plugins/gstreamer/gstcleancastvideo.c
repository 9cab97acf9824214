/**
 * SECTION:element-cleancastvideo
 * @title: cleancastvideo
 *
 * Blurs, replaces or removes the background behind the person in raw video, in place, with
 * cleancast's person segmentation and compositor. The mask of each frame is computed from that
 * same frame, so the element adds no latency (0 frames).
 *
 * Formats: I420, YV12, NV12, YUY2, RGBA, BGRA, RGBx, BGRx, RGB at any size (strides as the
 * buffer's video meta says); `background=transparent` negotiates a format with alpha (A420,
 * RGBA, BGRA) and writes the mask into it.
 *
 * Property defaults are those of `cleancast process` with no options: background blur at
 * strength 0.5, the `general` model, no light wrap, refined (not raw) masks.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=60 ! video/x-raw,width=640,height=360 ! \
 *     cleancastvideo background=color color=0xff00b140 ! videoconvert ! fakesink
 * ]|
 * and a file:
 * |[
 * gst-launch-1.0 filesrc location=in.mp4 ! decodebin ! videoconvert ! cleancastvideo ! \
 *     videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4
 * ]|
 */
#include <string.h>

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

#include <cleancast/cleancast.h>
#include <cleancast/video.h>

#include "gstcleancast.h"

#define GST_TYPE_CLEANCAST_VIDEO (gst_cleancast_video_get_type ())
G_DECLARE_FINAL_TYPE (GstCleancastVideo, gst_cleancast_video, GST, CLEANCAST_VIDEO,
    GstVideoFilter)

#define GST_TYPE_CLEANCAST_BACKGROUND (gst_cleancast_background_get_type ())
#define GST_TYPE_CLEANCAST_BACKEND (gst_cleancast_backend_get_type ())

/* The values are the library's CcBackgroundMode, so they convert by a cast. */
typedef enum
{
  BG_NONE = CC_BG_NONE,
  BG_BLUR = CC_BG_BLUR,
  BG_COLOR = CC_BG_COLOR,
  BG_REPLACE = CC_BG_IMAGE,
  BG_TRANSPARENT = CC_BG_TRANSPARENT,
} GstCleancastBackground;

#define DEFAULT_BACKGROUND BG_BLUR
#define DEFAULT_BLUR_STRENGTH 0.5f
#define DEFAULT_COLOR 0xff00b140u       /* ARGB: the CLI's green screen 0,177,64 */
#define DEFAULT_LIGHT_WRAP 0.0f
#define DEFAULT_MODEL "general"
#define DEFAULT_RAW FALSE
#define DEFAULT_BACKEND CC_BACKEND_AUTO

enum
{
  PROP_0,
  PROP_BACKGROUND,
  PROP_BLUR_STRENGTH,
  PROP_COLOR,
  PROP_BACKGROUND_IMAGE,
  PROP_LIGHT_WRAP,
  PROP_MODEL,
  PROP_RAW,
  PROP_BACKEND,
  PROP_LATENCY,
};

struct _GstCleancastVideo
{
  GstVideoFilter parent;

  /* Properties (object lock). */
  GstCleancastBackground background;
  gfloat blur_strength, light_wrap;
  guint color;                  /* 0xAARRGGBB; alpha ignored */
  gchar *image_location;
  gchar *model;
  gboolean raw;
  CcBackend backend;
  gboolean seg_dirty;           /* model, raw or backend changed */
  gboolean comp_dirty;          /* compositor settings changed */
  gboolean image_dirty;         /* background-image changed */
  gboolean caps_need_alpha;     /* background is transparent */

  /* Streaming state (streaming thread; changed under the object lock). */
  CcSegModel *seg_model;
  CcSegmenter *seg;
  CcCompositor *comp;
  CcCompositorSettings comp_applied;
  guint8 *image;                /* RGBA, tightly packed */
  gint image_w, image_h;
  guint8 *mask;
  gint mask_w, mask_h;
  gboolean warned_alpha;
};

G_DEFINE_TYPE (GstCleancastVideo, gst_cleancast_video, GST_TYPE_VIDEO_FILTER);
GST_ELEMENT_REGISTER_DEFINE (cleancastvideo, "cleancastvideo", GST_RANK_NONE,
    GST_TYPE_CLEANCAST_VIDEO);

#define GST_CAT_DEFAULT gst_cleancast_video_debug
GST_DEBUG_CATEGORY_STATIC (gst_cleancast_video_debug);

#define ALL_FORMATS "{ I420, YV12, A420, NV12, YUY2, RGBA, BGRA, RGBx, BGRx, RGB }"
#define ALPHA_FORMATS "{ A420, RGBA, BGRA }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (ALL_FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (ALL_FORMATS)));

static GType
gst_cleancast_background_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {BG_NONE, "Leave the frame as it is", "none"},
    {BG_BLUR, "Blur the background (blur-strength)", "blur"},
    {BG_COLOR, "Flat colour (color)", "color"},
    {BG_REPLACE, "Image from background-image, scaled to cover", "replace"},
    {BG_TRANSPARENT, "Alpha = person mask (A420, RGBA, BGRA)", "transparent"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstCleancastBackground", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static GType
gst_cleancast_backend_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CC_BACKEND_AUTO, "XNNPACK where built, else portable", "auto"},
    {CC_BACKEND_XNNPACK, "XNNPACK", "xnnpack"},
    {CC_BACKEND_PORTABLE, "cleancast's own C executor", "portable"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstCleancastBackend", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* An error found while holding the object lock, posted after it is released. */
typedef struct
{
  GQuark domain;
  gint code;
  gchar *text, *debug;
} PendingError;

static void
pending_set (PendingError * e, GQuark domain, gint code, gchar * text, gchar * debug)
{
  if (e->text) {                /* keep the first */
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
pending_post (GstCleancastVideo * self, PendingError * e)
{
  if (!e->text)
    return;
  gst_element_message_full (GST_ELEMENT (self), GST_MESSAGE_ERROR, e->domain, e->code,
      e->text, e->debug, __FILE__, GST_FUNCTION, __LINE__);
  e->text = e->debug = NULL;    /* taken by gst_element_message_full */
}

/* ------------------------------------------------------------------ library objects */

static void
close_segmenter (GstCleancastVideo * self)
{
  cc_segmenter_close (&self->seg);
  cc_seg_model_close (&self->seg_model);
}

/* Object lock held. */
static gboolean
open_segmenter (GstCleancastVideo * self, PendingError * err)
{
  char path[4096];
  int r;
  close_segmenter (self);
  gst_cleancast_take_last_error ();
  r = cc_model_find (self->model, CC_MODEL_SEGMENTATION, path, sizeof (path));
  if (r < 0) {
    pending_set (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        g_strdup_printf ("Segmentation model '%s' not found", self->model),
        g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
    return FALSE;
  }
  r = cc_seg_model_open_file (&self->seg_model, path);
  if (r < 0) {
    pending_set (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
        g_strdup_printf ("Cannot load segmentation model '%s'", path),
        g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
    return FALSE;
  }
  CcSegmenterSettings ss;
  cc_segmenter_default_settings (&ss);
  ss.threads = 1;               /* one inference thread per stream (DESIGN.md) */
  ss.raw = self->raw;
  ss.backend = self->backend;
  r = cc_segmenter_open (&self->seg, self->seg_model, &ss);
  if (r < 0) {
    pending_set (err, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT,
        g_strdup ("Cannot open the segmenter"),
        g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
    cc_seg_model_close (&self->seg_model);
    return FALSE;
  }
  GST_INFO_OBJECT (self, "segmentation model %s", path);
  return TRUE;
}

/*
 * Decodes the background image with GStreamer itself (any format the system can decode:
 * PNG, JPEG...) into tightly packed RGBA: filesrc ! decodebin ! videoconvert ! RGBA ! fakesink,
 * prerolled, and the sink's last sample taken.
 */
static gboolean
load_image (GstCleancastVideo * self, const gchar * location, PendingError * err)
{
  GError *gerr = NULL;
  GstElement *pipe = NULL, *src, *sink;
  GstSample *sample = NULL;
  GstMessage *msg = NULL;
  gboolean ok = FALSE;
  gchar *why = NULL;

  g_free (self->image);
  self->image = NULL;
  self->image_w = self->image_h = 0;
  if (!location || !*location) {
    pending_set (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        g_strdup ("background=replace needs the background-image property"), NULL);
    return FALSE;
  }
  pipe = gst_parse_launch ("filesrc name=src ! decodebin ! videoconvert ! "
      "video/x-raw,format=RGBA ! fakesink name=sink enable-last-sample=true sync=false",
      &gerr);
  if (!pipe) {
    why = g_strdup_printf ("cannot build the image decoder: %s",
        gerr ? gerr->message : "?");
    goto done;
  }
  src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  g_object_set (src, "location", location, NULL);
  gst_object_unref (src);
  gst_element_set_state (pipe, GST_STATE_PAUSED);
  {
    GstBus *bus = gst_element_get_bus (pipe);
    msg = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
        GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
    gst_object_unref (bus);
  }
  if (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *e = NULL;
    gst_message_parse_error (msg, &e, NULL);
    why = g_strdup (e ? e->message : "decoder error");
    g_clear_error (&e);
  } else if (!msg) {
    why = g_strdup ("timed out decoding it");
  } else {
    g_object_get (sink, "last-sample", &sample, NULL);
  }
  gst_object_unref (sink);
  if (sample) {
    GstVideoInfo info;
    GstVideoFrame f;
    GstBuffer *buf = gst_sample_get_buffer (sample);
    if (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) &&
        gst_video_frame_map (&f, &info, buf, GST_MAP_READ)) {
      gint w = GST_VIDEO_INFO_WIDTH (&info), h = GST_VIDEO_INFO_HEIGHT (&info);
      self->image = g_malloc ((gsize) w * h * 4);
      for (gint y = 0; y < h; y++)
        memcpy (self->image + (gsize) y * w * 4,
            (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
            (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0), (gsize) w * 4);
      self->image_w = w;
      self->image_h = h;
      gst_video_frame_unmap (&f);
      ok = TRUE;
    } else {
      why = g_strdup ("unexpected decoded image");
    }
    gst_sample_unref (sample);
  } else if (!why) {
    why = g_strdup ("no picture decoded");
  }
done:
  if (msg)
    gst_message_unref (msg);
  if (pipe) {
    gst_element_set_state (pipe, GST_STATE_NULL);
    gst_object_unref (pipe);
  }
  g_clear_error (&gerr);
  if (!ok)
    pending_set (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
        g_strdup_printf ("Cannot read background image '%s'", location), why);
  else
    g_free (why);
  GST_INFO_OBJECT (self, "background image %s: %dx%d", location, self->image_w,
      self->image_h);
  return ok;
}

/* Object lock held. Opens the compositor when the settings differ from the applied ones
 * (the API has no setter: a changed setting means a new compositor). */
static gboolean
ensure_compositor (GstCleancastVideo * self, PendingError * err)
{
  CcCompositorSettings cs;
  int r;
  if (self->background == BG_NONE || self->background == BG_TRANSPARENT)
    return TRUE;
  cc_compositor_default_settings (&cs);
  cs.mode = (CcBackgroundMode) self->background;
  cs.blur_strength = self->blur_strength;
  cs.light_wrap = self->light_wrap;
  cs.color_rgb[0] = (self->color >> 16) & 0xff;
  cs.color_rgb[1] = (self->color >> 8) & 0xff;
  cs.color_rgb[2] = self->color & 0xff;
  if (self->comp && !self->comp_dirty && !self->image_dirty &&
      !memcmp (&cs, &self->comp_applied, sizeof (cs)))
    return TRUE;
  self->comp_dirty = FALSE;
  cc_compositor_close (&self->comp);
  if (cs.mode == CC_BG_IMAGE && (self->image_dirty || !self->image)) {
    self->image_dirty = FALSE;
    if (!load_image (self, self->image_location, err))
      return FALSE;
  }
  gst_cleancast_take_last_error ();
  if ((r = cc_compositor_open (&self->comp, &cs)) < 0) {
    pending_set (err, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT,
        g_strdup ("Cannot open the compositor"),
        g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
    return FALSE;
  }
  if (cs.mode == CC_BG_IMAGE) {
    CcFrame img = {.format = CC_PIX_RGBA,.width = self->image_w,.height = self->image_h,
      .data = {self->image},.stride = {self->image_w * 4}
    };
    if ((r = cc_compositor_set_background (self->comp, &img)) < 0) {
      pending_set (err, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
          g_strdup_printf ("Background image '%s' rejected", self->image_location),
          g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
      cc_compositor_close (&self->comp);
      return FALSE;
    }
  }
  self->comp_applied = cs;
  return TRUE;
}

/* ------------------------------------------------------------------ GstBaseTransform */

static gboolean
gst_cleancast_video_start (GstBaseTransform * trans)
{
  GstCleancastVideo *self = GST_CLEANCAST_VIDEO (trans);
  PendingError err = { 0 };
  gboolean ok;

  gst_cleancast_init_log ();
  GST_OBJECT_LOCK (self);
  ok = open_segmenter (self, &err);
  self->seg_dirty = FALSE;
  /* A missing background image is reported now, not at the first frame. */
  if (ok && self->background == BG_REPLACE)
    ok = ensure_compositor (self, &err);
  self->warned_alpha = FALSE;
  GST_OBJECT_UNLOCK (self);
  pending_post (self, &err);
  return ok;
}

static gboolean
gst_cleancast_video_stop (GstBaseTransform * trans)
{
  GstCleancastVideo *self = GST_CLEANCAST_VIDEO (trans);
  GST_OBJECT_LOCK (self);
  cc_compositor_close (&self->comp);
  close_segmenter (self);
  g_free (self->mask);
  self->mask = NULL;
  self->mask_w = self->mask_h = 0;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static GstCaps *
gst_cleancast_video_transform_caps (GstBaseTransform * trans, GstPadDirection direction,
    GstCaps * caps, GstCaps * filter)
{
  GstCleancastVideo *self = GST_CLEANCAST_VIDEO (trans);
  GstCaps *ret;
  gboolean alpha;

  GST_OBJECT_LOCK (self);
  alpha = self->caps_need_alpha;
  GST_OBJECT_UNLOCK (self);
  ret = gst_caps_ref (caps);
  if (alpha) {
    GstCaps *a = gst_caps_from_string (GST_VIDEO_CAPS_MAKE (ALPHA_FORMATS));
    GstCaps *t = gst_caps_intersect_full (ret, a, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (a);
    gst_caps_unref (ret);
    ret = t;
  }
  if (filter) {
    GstCaps *t = gst_caps_intersect_full (filter, ret, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (ret);
    ret = t;
  }
  GST_DEBUG_OBJECT (self, "%s caps %" GST_PTR_FORMAT,
      direction == GST_PAD_SINK ? "src" : "sink", ret);
  (void) direction;
  return ret;
}

static gboolean
gst_cleancast_video_set_info (GstVideoFilter * filter, GstCaps * incaps,
    GstVideoInfo * in_info, GstCaps * outcaps, GstVideoInfo * out_info)
{
  GstCleancastVideo *self = GST_CLEANCAST_VIDEO (filter);
  /* YUY2 of odd width: the buffer holds the whole last pair, so the library gets it all. */
  gint w = GST_ROUND_UP_2 (GST_VIDEO_INFO_WIDTH (in_info));
  gint h = GST_VIDEO_INFO_HEIGHT (in_info);
  (void) incaps;
  (void) outcaps;
  (void) out_info;
  GST_OBJECT_LOCK (self);
  if (w != self->mask_w || h != self->mask_h) {
    g_free (self->mask);
    self->mask = g_malloc ((gsize) w * h);
    self->mask_w = w;
    self->mask_h = h;
  }
  self->warned_alpha = FALSE;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static void
gst_cleancast_video_before_transform (GstBaseTransform * trans, GstBuffer * buf)
{
  GstClockTime ts = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME,
      GST_BUFFER_PTS (buf));
  if (GST_CLOCK_TIME_IS_VALID (ts))
    gst_object_sync_values (GST_OBJECT (trans), ts);
}

static gboolean
to_ccframe (GstVideoFrame * vf, CcFrame * cf)
{
  const GstVideoColorimetry *col = &GST_VIDEO_INFO_COLORIMETRY (&vf->info);
  memset (cf, 0, sizeof (*cf));
  cf->width = GST_VIDEO_FRAME_WIDTH (vf);
  cf->height = GST_VIDEO_FRAME_HEIGHT (vf);
  cf->matrix = col->matrix == GST_VIDEO_COLOR_MATRIX_BT709 ||
      col->matrix == GST_VIDEO_COLOR_MATRIX_BT2020 ? CC_MATRIX_BT709 : CC_MATRIX_BT601;
  cf->full_range = col->range == GST_VIDEO_COLOR_RANGE_0_255;
  switch (GST_VIDEO_FRAME_FORMAT (vf)) {
    case GST_VIDEO_FORMAT_I420:
    case GST_VIDEO_FORMAT_YV12:
    case GST_VIDEO_FORMAT_A420:
      /* by component: YV12's swapped planes come out as U, V */
      cf->format = CC_PIX_I420;
      for (int i = 0; i < 3; i++) {
        cf->data[i] = GST_VIDEO_FRAME_COMP_DATA (vf, i);
        cf->stride[i] = GST_VIDEO_FRAME_COMP_STRIDE (vf, i);
      }
      return TRUE;
    case GST_VIDEO_FORMAT_NV12:
      cf->format = CC_PIX_NV12;
      for (int i = 0; i < 2; i++) {
        cf->data[i] = GST_VIDEO_FRAME_PLANE_DATA (vf, i);
        cf->stride[i] = GST_VIDEO_FRAME_PLANE_STRIDE (vf, i);
      }
      return TRUE;
    case GST_VIDEO_FORMAT_YUY2:
      cf->format = CC_PIX_YUYV;
      cf->width = GST_ROUND_UP_2 (cf->width);
      break;
    case GST_VIDEO_FORMAT_RGBA:
    case GST_VIDEO_FORMAT_RGBx:
      cf->format = CC_PIX_RGBA;
      break;
    case GST_VIDEO_FORMAT_BGRA:
    case GST_VIDEO_FORMAT_BGRx:
      cf->format = CC_PIX_BGRA;
      break;
    case GST_VIDEO_FORMAT_RGB:
      cf->format = CC_PIX_RGB24;
      break;
    default:
      return FALSE;
  }
  cf->data[0] = GST_VIDEO_FRAME_PLANE_DATA (vf, 0);
  cf->stride[0] = GST_VIDEO_FRAME_PLANE_STRIDE (vf, 0);
  return TRUE;
}

/* Transparent: the mask becomes the frame's alpha (as `cleancast process` does). */
static gboolean
write_alpha (GstVideoFrame * vf, const CcMask * m)
{
  gint w = GST_VIDEO_FRAME_WIDTH (vf), h = GST_VIDEO_FRAME_HEIGHT (vf);
  switch (GST_VIDEO_FRAME_FORMAT (vf)) {
    case GST_VIDEO_FORMAT_A420:{
      guint8 *a = GST_VIDEO_FRAME_COMP_DATA (vf, GST_VIDEO_COMP_A);
      gint as = GST_VIDEO_FRAME_COMP_STRIDE (vf, GST_VIDEO_COMP_A);
      for (gint y = 0; y < h; y++)
        memcpy (a + (gsize) y * as, m->data + (gsize) y * m->stride, w);
      return TRUE;
    }
    case GST_VIDEO_FORMAT_RGBA:
    case GST_VIDEO_FORMAT_BGRA:{
      guint8 *p = GST_VIDEO_FRAME_PLANE_DATA (vf, 0);
      gint ps = GST_VIDEO_FRAME_PLANE_STRIDE (vf, 0);
      for (gint y = 0; y < h; y++) {
        guint8 *row = p + (gsize) y * ps;
        const guint8 *mrow = m->data + (gsize) y * m->stride;
        for (gint x = 0; x < w; x++)
          row[4 * x + 3] = mrow[x];
      }
      return TRUE;
    }
    default:
      return FALSE;
  }
}

static GstFlowReturn
gst_cleancast_video_transform_frame_ip (GstVideoFilter * filter, GstVideoFrame * vf)
{
  GstCleancastVideo *self = GST_CLEANCAST_VIDEO (filter);
  PendingError err = { 0 };
  GstFlowReturn ret = GST_FLOW_OK;
  gboolean warn_alpha = FALSE;
  CcFrame cf;
  int r;

  GST_OBJECT_LOCK (self);
  if (self->background == BG_NONE)
    goto out;
  if (self->seg_dirty || !self->seg) {
    self->seg_dirty = FALSE;
    if (!open_segmenter (self, &err))
      goto fail;
  }
  if (!ensure_compositor (self, &err))
    goto fail;
  if (!to_ccframe (vf, &cf)) {
    pending_set (&err, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        g_strdup ("Unsupported video format"), NULL);
    goto fail;
  }
  if (self->background == BG_TRANSPARENT && !GST_VIDEO_INFO_HAS_ALPHA (&vf->info)) {
    /* renegotiation to an alpha format is pending: leave the frame as it is */
    warn_alpha = !self->warned_alpha;
    self->warned_alpha = TRUE;
    goto out;
  }
  {
    CcMask m = {.width = cf.width,.height = cf.height,.data = self->mask,
      .stride = self->mask_w
    };
    if (cf.width > self->mask_w || cf.height != self->mask_h) {
      pending_set (&err, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
          g_strdup ("Frame size differs from the negotiated size"), NULL);
      goto fail;
    }
    if ((r = cc_segmenter_process (self->seg, &cf, &m)) < 0) {
      pending_set (&err, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
          g_strdup ("Segmentation failed"),
          g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
      goto fail;
    }
    if (self->background == BG_TRANSPARENT) {
      write_alpha (vf, &m);
    } else if ((r = cc_compositor_process (self->comp, &cf, &m)) < 0) {
      pending_set (&err, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
          g_strdup ("Compositing failed"),
          g_strdup_printf ("%s: %s", cc_strerror (r), gst_cleancast_take_last_error ()));
      goto fail;
    }
  }
out:
  GST_OBJECT_UNLOCK (self);
  if (warn_alpha)
    GST_ELEMENT_WARNING (self, STREAM, FORMAT,
        ("background=transparent needs a format with alpha (A420, RGBA, BGRA)"),
        ("frames pass unchanged until upstream renegotiates"));
  return ret;
fail:
  GST_OBJECT_UNLOCK (self);
  pending_post (self, &err);
  return GST_FLOW_ERROR;
}

static gboolean
gst_cleancast_video_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstCleancastVideo *self = GST_CLEANCAST_VIDEO (trans);
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_STOP:
    case GST_EVENT_STREAM_START:
      /* a seek or a new stream: no temporal history across it */
      GST_OBJECT_LOCK (self);
      if (self->seg)
        cc_segmenter_reset (self->seg);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (gst_cleancast_video_parent_class)->sink_event (trans,
      event);
}

/* Latency: what upstream reports plus the segmenter's frames of delay (0: masks are never
 * stale), one frame duration each. */
static gboolean
gst_cleancast_video_query (GstBaseTransform * trans, GstPadDirection direction,
    GstQuery * query)
{
  GstCleancastVideo *self = GST_CLEANCAST_VIDEO (trans);
  gboolean ok = GST_BASE_TRANSFORM_CLASS (gst_cleancast_video_parent_class)->query (trans,
      direction, query);
  if (ok && direction == GST_PAD_SRC && GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    GstVideoInfo *info = &GST_VIDEO_FILTER (self)->in_info;
    gboolean live;
    GstClockTime min, max, ours = 0;
    int frames;
    GST_OBJECT_LOCK (self);
    frames = self->seg ? cc_segmenter_latency_frames (self->seg) : 0;
    GST_OBJECT_UNLOCK (self);
    if (frames > 0 && GST_VIDEO_INFO_FPS_N (info) > 0)
      ours = gst_util_uint64_scale_ceil (frames * GST_SECOND,
          GST_VIDEO_INFO_FPS_D (info), GST_VIDEO_INFO_FPS_N (info));
    gst_query_parse_latency (query, &live, &min, &max);
    min += ours;
    if (GST_CLOCK_TIME_IS_VALID (max))
      max += ours;
    gst_query_set_latency (query, live, min, max);
  }
  return ok;
}

/* ------------------------------------------------------------------ properties */

static void
gst_cleancast_video_set_property (GObject * object, guint prop_id, const GValue * value,
    GParamSpec * pspec)
{
  GstCleancastVideo *self = GST_CLEANCAST_VIDEO (object);
  gboolean renegotiate = FALSE;

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_BACKGROUND:{
      GstCleancastBackground bg = g_value_get_enum (value);
      gboolean alpha = bg == BG_TRANSPARENT;
      renegotiate = alpha != self->caps_need_alpha;
      self->caps_need_alpha = alpha;
      if (bg != self->background) {
        self->background = bg;
        self->comp_dirty = TRUE;
      }
      break;
    }
    case PROP_BLUR_STRENGTH:
      self->blur_strength = g_value_get_float (value);
      break;
    case PROP_COLOR:
      self->color = g_value_get_uint (value);
      break;
    case PROP_BACKGROUND_IMAGE:
      g_free (self->image_location);
      self->image_location = g_value_dup_string (value);
      self->image_dirty = TRUE;
      break;
    case PROP_LIGHT_WRAP:
      self->light_wrap = g_value_get_float (value);
      break;
    case PROP_MODEL:
      g_free (self->model);
      self->model = g_value_dup_string (value);
      if (!self->model)
        self->model = g_strdup (DEFAULT_MODEL);
      self->seg_dirty = TRUE;
      break;
    case PROP_RAW:
      self->raw = g_value_get_boolean (value);
      self->seg_dirty = TRUE;
      break;
    case PROP_BACKEND:
      self->backend = g_value_get_enum (value);
      self->seg_dirty = TRUE;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
  if (prop_id == PROP_BACKGROUND)       /* none: buffers pass untouched, unmapped */
    gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self),
        g_value_get_enum (value) == BG_NONE);
  if (renegotiate) {
    /* transparent <-> not: the accepted formats change */
    gst_base_transform_reconfigure_sink (GST_BASE_TRANSFORM (self));
    gst_base_transform_reconfigure_src (GST_BASE_TRANSFORM (self));
  }
}

static void
gst_cleancast_video_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstCleancastVideo *self = GST_CLEANCAST_VIDEO (object);
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_BACKGROUND:
      g_value_set_enum (value, self->background);
      break;
    case PROP_BLUR_STRENGTH:
      g_value_set_float (value, self->blur_strength);
      break;
    case PROP_COLOR:
      g_value_set_uint (value, self->color);
      break;
    case PROP_BACKGROUND_IMAGE:
      g_value_set_string (value, self->image_location);
      break;
    case PROP_LIGHT_WRAP:
      g_value_set_float (value, self->light_wrap);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_RAW:
      g_value_set_boolean (value, self->raw);
      break;
    case PROP_BACKEND:
      g_value_set_enum (value, self->backend);
      break;
    case PROP_LATENCY:
      g_value_set_uint (value, self->seg ? cc_segmenter_latency_frames (self->seg) : 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cleancast_video_finalize (GObject * object)
{
  GstCleancastVideo *self = GST_CLEANCAST_VIDEO (object);
  cc_compositor_close (&self->comp);
  close_segmenter (self);
  g_free (self->mask);
  g_free (self->image);
  g_free (self->image_location);
  g_free (self->model);
  G_OBJECT_CLASS (gst_cleancast_video_parent_class)->finalize (object);
}

static void
gst_cleancast_video_class_init (GstCleancastVideoClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *bt_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *vf_class = GST_VIDEO_FILTER_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  const GParamFlags rwc = rw | GST_PARAM_CONTROLLABLE | GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (gst_cleancast_video_debug, "cleancastvideo", 0,
      "cleancast background removal");

  gobject_class->set_property = gst_cleancast_video_set_property;
  gobject_class->get_property = gst_cleancast_video_get_property;
  gobject_class->finalize = gst_cleancast_video_finalize;

  g_object_class_install_property (gobject_class, PROP_BACKGROUND,
      g_param_spec_enum ("background", "Background",
          "What becomes of the background (as cleancast process --background)",
          GST_TYPE_CLEANCAST_BACKGROUND, DEFAULT_BACKGROUND, rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_BLUR_STRENGTH,
      g_param_spec_float ("blur-strength", "Blur strength",
          "Background blur 0..1; 1 is a radius of about 3% of the height (--background blur:S)",
          0.0f, 1.0f, DEFAULT_BLUR_STRENGTH, rwc));
  g_object_class_install_property (gobject_class, PROP_COLOR,
      g_param_spec_uint ("color", "Colour",
          "Background colour for background=color, 0xAARRGGBB (alpha ignored)",
          0, G_MAXUINT32, DEFAULT_COLOR, rwc));
  g_object_class_install_property (gobject_class, PROP_BACKGROUND_IMAGE,
      g_param_spec_string ("background-image", "Background image",
          "Image file for background=replace (any format GStreamer decodes), scaled to cover",
          NULL, rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_LIGHT_WRAP,
      g_param_spec_float ("light-wrap", "Light wrap",
          "Background light bleeding onto the person's edge, 0..1 (--light-wrap)",
          0.0f, 1.0f, DEFAULT_LIGHT_WRAP, rwc));
  g_object_class_install_property (gobject_class, PROP_MODEL,
      g_param_spec_string ("model", "Model",
          "Segmentation model: general, landscape (looked up like the CLI's --model) or a "
          ".tflite path", DEFAULT_MODEL, rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_RAW,
      g_param_spec_boolean ("raw", "Raw mask",
          "Official MediaPipe mask: no refinement, no temporal steadying (--raw)",
          DEFAULT_RAW, rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_BACKEND,
      g_param_spec_enum ("backend", "Backend", "Inference backend (--backend)",
          GST_TYPE_CLEANCAST_BACKEND, DEFAULT_BACKEND, rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_LATENCY,
      g_param_spec_uint ("latency", "Latency",
          "Frames between a frame and the mask it is composited with (always 0)",
          0, G_MAXINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "cleancast background",
      "Filter/Effect/Video",
      "Blurs, replaces or removes the background behind a person (cleancast)",
      "cleancast developers");

  bt_class->start = GST_DEBUG_FUNCPTR (gst_cleancast_video_start);
  bt_class->stop = GST_DEBUG_FUNCPTR (gst_cleancast_video_stop);
  bt_class->transform_caps = GST_DEBUG_FUNCPTR (gst_cleancast_video_transform_caps);
  bt_class->before_transform = GST_DEBUG_FUNCPTR (gst_cleancast_video_before_transform);
  bt_class->sink_event = GST_DEBUG_FUNCPTR (gst_cleancast_video_sink_event);
  bt_class->query = GST_DEBUG_FUNCPTR (gst_cleancast_video_query);
  vf_class->set_info = GST_DEBUG_FUNCPTR (gst_cleancast_video_set_info);
  vf_class->transform_frame_ip = GST_DEBUG_FUNCPTR (gst_cleancast_video_transform_frame_ip);

  gst_type_mark_as_plugin_api (GST_TYPE_CLEANCAST_BACKGROUND, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_CLEANCAST_BACKEND, 0);
}

static void
gst_cleancast_video_init (GstCleancastVideo * self)
{
  self->background = DEFAULT_BACKGROUND;
  self->blur_strength = DEFAULT_BLUR_STRENGTH;
  self->color = DEFAULT_COLOR;
  self->light_wrap = DEFAULT_LIGHT_WRAP;
  self->model = g_strdup (DEFAULT_MODEL);
  self->raw = DEFAULT_RAW;
  self->backend = DEFAULT_BACKEND;
  self->caps_need_alpha = FALSE;
}
