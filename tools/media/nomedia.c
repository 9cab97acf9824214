/* Built when FFmpeg's libraries are not found: the media commands say so. */
#include <stdio.h>

#include "media.h"

int cc_media_process(const char *in, const char *out, int argc, char **argv)
{
    (void)in; (void)out; (void)argc; (void)argv;
    fprintf(stderr, "cleancast: this build has no FFmpeg libraries: video files are not supported\n");
    return 1;
}

int cc_media_live(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "cleancast: this build has no FFmpeg libraries: live mode is not supported\n");
    return 1;
}
