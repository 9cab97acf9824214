/* Built when FFmpeg's libraries are not found: the media commands say so. */
#include <stdio.h>

#include "media.h"

int cc_media_process(const CcMediaOptions *o)
{
    (void)o;
    fprintf(stderr, "cleancast: this build has no FFmpeg libraries: video files are not supported\n");
    return 1;
}

int cc_media_live(const CcMediaOptions *o)
{
    (void)o;
    fprintf(stderr, "cleancast: this build has no FFmpeg libraries: live mode is not supported\n");
    return 1;
}
