/* Built when libsndfile is not found: `cleancast denoise` says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audiofile.h"

int cc_audio_read(const char *path, CcAudioFile *a, char *err, size_t err_size)
{
    memset(a, 0, sizeof(*a));
    snprintf(err, err_size, "%s: this build has no libsndfile: audio files are not supported",
             path);
    return -1;
}

int cc_audio_write(const char *path, const CcAudioFile *a, char *err, size_t err_size)
{
    (void)a;
    snprintf(err, err_size, "%s: this build has no libsndfile", path);
    return -1;
}

const char *cc_audio_format_name(int format, char *buf, size_t size)
{
    snprintf(buf, size, "format 0x%x", (unsigned)format);
    return buf;
}

void cc_audio_free(CcAudioFile *a)
{
    free(a->samples);
    memset(a, 0, sizeof(*a));
}
