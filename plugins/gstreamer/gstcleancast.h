/*
 * cleancast GStreamer plugin: what the two elements share.
 *
 * The plugin carries its own copy of libcleancast (linked statically, symbols hidden), so its
 * log callback and model lookup never clash with another copy of the library in the process.
 */
#ifndef GST_CLEANCAST_H
#define GST_CLEANCAST_H

#include <gst/gst.h>

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_cleancast_debug);

/* Installs the library's log callback (once): messages go to the "cleancast" debug
 * category; the last CC_LOG_ERROR line of the calling thread is kept for error messages. */
void gst_cleancast_init_log (void);

/* The last library error logged on this thread ("" if none); cleared by reading. */
const gchar *gst_cleancast_take_last_error (void);

GST_ELEMENT_REGISTER_DECLARE (cleancastvideo);
GST_ELEMENT_REGISTER_DECLARE (cleancastaudio);
GST_ELEMENT_REGISTER_DECLARE (cleancastechoprobe);

/* cleancastechoprobe, for cleancastaudio's echo cancellation (gstcleancastechoprobe.c).
 * acquire: the probe named `name`, reserved for `user` (a ref; NULL if none has the name, or
 * with *busy set if another element holds it). read: the far end (mono) played from running
 * time rt0 + pos samples at `rate`, n samples into out, silence where the record has none;
 * returns the samples found, or -(the probe's rate) when it runs at another rate. */
gpointer gst_cleancast_echo_probe_acquire (const gchar * name, gpointer user, gboolean * busy);
void gst_cleancast_echo_probe_release (gpointer probe);
gint gst_cleancast_echo_probe_read (gpointer probe, GstClockTime rt0, guint64 pos, gint rate,
    gfloat * out, gint n);

G_END_DECLS

#endif
