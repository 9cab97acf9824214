/* Small helpers shared by the CLI's commands (public API only). */
#ifndef CC_TOOLS_TOOLUTIL_H
#define CC_TOOLS_TOOLUTIL_H

#include <stddef.h>

#include <cleancast/video.h>

/* $CLEANCAST_CACHE, else $HOME/.cache/cleancast. */
const char *cc_tool_cache_dir(void);

/*
 * Segmentation model path for --model: "general", "landscape", or a path to a .tflite file.
 * Returns 0, or -1 after printing an error for an unknown name.
 */
int cc_tool_seg_model_path(const char *name, char *buf, size_t size);

/* Parsed --background value. */
typedef struct CcToolBackground {
    CcBackgroundMode mode;
    float strength;          /* blur */
    unsigned char rgb[3];    /* color */
    const char *image_path;  /* replace (points into argv) */
} CcToolBackground;

/* Parses blur[:S] | replace:IMAGE | color:RRGGBB | transparent | none. -1 + message on error. */
int cc_tool_parse_background(const char *arg, CcToolBackground *bg);

/* Parses a float in [lo, hi]; -1 + message naming opt on error. */
int cc_tool_parse_float(const char *opt, const char *arg, float lo, float hi, float *out);

/* Extension of path, lower-cased into buf ("" if none). */
void cc_tool_extension(const char *path, char *buf, size_t size);

/* Is path an image by its extension (png, jpg, jpeg, ppm, pgm)? */
int cc_tool_is_image_path(const char *path);

#endif
