/*
 * Audio files through libsndfile, for `cleancast denoise` and the tests: WAV (8/16/24/32-bit
 * PCM, A-law, mu-law, float, double, extensible), RF64, W64, AIFF, AU, CAF, FLAC, Ogg Vorbis,
 * Ogg Opus, MP3 - whatever the installed libsndfile reads. Samples in memory are interleaved
 * floats at full scale +-1.0. Integer encodings travel as 32-bit integers through libsndfile,
 * so reading and writing back unchanged samples gives the same bytes.
 */
#ifndef CC_TOOLS_AUDIOFILE_H
#define CC_TOOLS_AUDIOFILE_H

#include <stddef.h>
#include <stdint.h>

typedef struct CcAudioFile {
    int sample_rate;   /* Hz */
    int channels;
    int64_t frames;
    int format;        /* libsndfile SF_FORMAT_* (container | encoding) read; 0: by extension */
    float *samples;    /* (frames, channels), malloc'ed */
} CcAudioFile;

/*
 * Reads a whole file. 0, or -1 with a message naming the file and the problem in err
 * (missing, not audio, truncated, no samples).
 */
int cc_audio_read(const char *path, CcAudioFile *a, char *err, size_t err_size);

/*
 * Writes a to path. The container follows path's extension (.wav .rf64 .w64 .flac .ogg .oga
 * .opus .aif .aiff .au .caf .mp3); when it is a->format's own container (an RF64 or
 * extensible WAV stays one when written to .wav), a->format is kept as it is, encoding
 * included, else the encoding is the nearest one the container takes. Integer encodings
 * are clipped. Written to a temporary file beside path and renamed only when complete; on
 * failure path is left as it was. 0, or -1 with a message in err.
 */
int cc_audio_write(const char *path, const CcAudioFile *a, char *err, size_t err_size);

/* Describes a->format, e.g. "WAV, 16-bit PCM" (static storage). */
const char *cc_audio_format_name(int format, char *buf, size_t size);

void cc_audio_free(CcAudioFile *a);

#endif
