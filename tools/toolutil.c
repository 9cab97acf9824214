#include "toolutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cc_tool_cache_dir(void)
{
    static char dir[1024];
    const char *env = getenv("CLEANCAST_CACHE");
    if (env && *env)
        return env;
    const char *home = getenv("HOME");
    snprintf(dir, sizeof(dir), "%s/.cache/cleancast", home && *home ? home : ".");
    return dir;
}

int cc_tool_seg_model_path(const char *name, char *buf, size_t size)
{
    if (!strcmp(name, "general"))
        snprintf(buf, size, "%s/models/selfie_segmentation.tflite", cc_tool_cache_dir());
    else if (!strcmp(name, "landscape"))
        snprintf(buf, size, "%s/models/selfie_segmentation_landscape.tflite", cc_tool_cache_dir());
    else if (strchr(name, '/') || strstr(name, ".tflite"))
        snprintf(buf, size, "%s", name);
    else {
        fprintf(stderr, "cleancast: unknown --model '%s' (general, landscape or a .tflite path)\n",
                name);
        return -1;
    }
    return 0;
}

int cc_tool_parse_float(const char *opt, const char *arg, float lo, float hi, float *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "cleancast: %s wants a number from %g to %g, not '%s'\n", opt, lo, hi,
                arg);
        return -1;
    }
    *out = (float)v;
    return 0;
}

int cc_tool_parse_background(const char *arg, CcToolBackground *bg)
{
    memset(bg, 0, sizeof(*bg));
    bg->strength = 0.5f;
    if (!strcmp(arg, "none")) {
        bg->mode = CC_BG_NONE;
    } else if (!strcmp(arg, "transparent")) {
        bg->mode = CC_BG_TRANSPARENT;
    } else if (!strncmp(arg, "blur", 4) && (arg[4] == 0 || arg[4] == ':')) {
        bg->mode = CC_BG_BLUR;
        if (arg[4] == ':' && cc_tool_parse_float("--background blur:STRENGTH", arg + 5, 0.0f, 1.0f,
                                                 &bg->strength))
            return -1;
    } else if (!strncmp(arg, "replace:", 8) && arg[8]) {
        bg->mode = CC_BG_IMAGE;
        bg->image_path = arg + 8;
    } else if (!strncmp(arg, "color:", 6)) {
        const char *hex = arg + 6;
        if (*hex == '#')
            hex++;
        unsigned v[3];
        if (strlen(hex) != 6 || strspn(hex, "0123456789abcdefABCDEF") != 6 ||
            sscanf(hex, "%2x%2x%2x", &v[0], &v[1], &v[2]) != 3) {
            fprintf(stderr, "cleancast: --background color:RRGGBB wants 6 hex digits, not '%s'\n",
                    arg + 6);
            return -1;
        }
        bg->mode = CC_BG_COLOR;
        for (int i = 0; i < 3; i++)
            bg->rgb[i] = (unsigned char)v[i];
    } else {
        fprintf(stderr, "cleancast: unknown --background '%s' (blur[:0..1], replace:IMAGE, "
                "color:RRGGBB, transparent, none)\n", arg);
        return -1;
    }
    return 0;
}

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
