/* Small helpers shared by the CLI's commands (public API only). Options: options.h. */
#ifndef CC_TOOLS_TOOLUTIL_H
#define CC_TOOLS_TOOLUTIL_H

#include <stddef.h>

/* Extension of path, lower-cased into buf ("" if none). */
void cc_tool_extension(const char *path, char *buf, size_t size);

/* Is path an image by its extension (png, jpg, jpeg, ppm, pgm)? */
int cc_tool_is_image_path(const char *path);

#endif
