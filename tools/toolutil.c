#include "toolutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void cc_tool_extension(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    size_t i = 0;
    if (dot)
        for (dot++; *dot && i + 1 < size; dot++)
            buf[i++] = (char)tolower((unsigned char)*dot);
    buf[i] = 0;
}

int cc_tool_is_image_path(const char *path)
{
    char ext[16];
    cc_tool_extension(path, ext, sizeof(ext));
    return !strcmp(ext, "png") || !strcmp(ext, "jpg") || !strcmp(ext, "jpeg") ||
           !strcmp(ext, "ppm") || !strcmp(ext, "pgm");
}
