/* libgstcleancast: the cleancastvideo, cleancastaudio and cleancastechoprobe elements. */
#define PACKAGE "cleancast"
#include <stdio.h>
#include <string.h>

#include <cleancast/cleancast.h>
#include <cleancast/version.h>

#include "gstcleancast.h"

GST_DEBUG_CATEGORY (gst_cleancast_debug);

static __thread gchar last_error[512];

static void
log_cb (void *opaque, int level, const char *msg)
{
  (void) opaque;
  switch (level) {
    case CC_LOG_ERROR:
      g_strlcpy (last_error, msg, sizeof (last_error));
      GST_CAT_ERROR (gst_cleancast_debug, "%s", msg);
      break;
    case CC_LOG_WARNING:
      GST_CAT_WARNING (gst_cleancast_debug, "%s", msg);
      break;
    case CC_LOG_INFO:
      GST_CAT_INFO (gst_cleancast_debug, "%s", msg);
      break;
    default:
      GST_CAT_DEBUG (gst_cleancast_debug, "%s", msg);
      break;
  }
}

void
gst_cleancast_init_log (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done)) {
    cc_set_log_callback (log_cb, NULL);
    g_once_init_leave (&done, 1);
  }
}

const gchar *
gst_cleancast_take_last_error (void)
{
  static __thread gchar copy[512];
  g_strlcpy (copy, last_error, sizeof (copy));
  last_error[0] = '\0';
  return copy;
}

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ok = FALSE;
  GST_DEBUG_CATEGORY_INIT (gst_cleancast_debug, "cleancast", 0,
      "cleancast library messages");
  gst_cleancast_init_log ();
  ok |= GST_ELEMENT_REGISTER (cleancastvideo, plugin);
  ok |= GST_ELEMENT_REGISTER (cleancastaudio, plugin);
  ok |= GST_ELEMENT_REGISTER (cleancastechoprobe, plugin);
  return ok;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, cleancast,
    "Real-time background and noise removal (cleancast)", plugin_init,
    CC_VERSION_STRING, "BSD", "cleancast", "cleancast (doc/GSTREAMER.md)")
