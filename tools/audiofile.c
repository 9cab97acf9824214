/* Audio files through libsndfile (see audiofile.h). */
#include "audiofile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sndfile.h>

#define MAJOR(f) ((f) & SF_FORMAT_TYPEMASK)
#define SUBTYPE(f) ((f) & SF_FORMAT_SUBMASK)

/* Encodings that are integers in the file: moved as int32 so that nothing is rescaled. */
static int is_integer_subtype(int sub)
{
    switch (sub) {
    case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_U8: case SF_FORMAT_PCM_16: case SF_FORMAT_PCM_24:
    case SF_FORMAT_PCM_32: case SF_FORMAT_ALAW: case SF_FORMAT_ULAW:
        return 1;
    default:
        return 0;
    }
}

const char *cc_audio_format_name(int format, char *buf, size_t size)
{
    SF_FORMAT_INFO maj = { .format = MAJOR(format) }, sub = { .format = SUBTYPE(format) };
    int ok1 = sf_command(NULL, SFC_GET_FORMAT_INFO, &maj, sizeof(maj)) == 0;
    int ok2 = sf_command(NULL, SFC_GET_FORMAT_INFO, &sub, sizeof(sub)) == 0;
    snprintf(buf, size, "%s, %s", ok1 ? maj.name : "?", ok2 ? sub.name : "?");
    return buf;
}

int cc_audio_read(const char *path, CcAudioFile *a, char *err, size_t err_size)
{
    memset(a, 0, sizeof(*a));
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, err_size, "%s: not a regular file", path);
        return -1;
    }
    if (st.st_size == 0) {
        snprintf(err, err_size, "%s: empty file", path);
        return -1;
    }
    SF_INFO info = { 0 };
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf) {
        snprintf(err, err_size, "%s: not an audio file libsndfile reads: %s", path,
                 sf_strerror(NULL));
        return -1;
    }
    int ret = -1;
    /* A cut WAV/RF64/AIFF: libsndfile reads what is there and only logs it ("data : 48000
       (should be 1922)"). Half a recording is an error here, as damaged FLAC/Ogg data is. */
    char log[4096] = "";
    sf_command(sf, SFC_GET_LOG_INFO, log, sizeof(log));
    for (const char *line = log; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        const char *eol = strchr(line, '\n');
        const char *sb = strstr(line, "(should be ");
        if ((strncmp(line, "data :", 6) && strncmp(line, "SSND :", 6)) || !sb || (eol && sb > eol))
            continue;
        unsigned long long said = strtoull(line + 6, NULL, 10), has = strtoull(sb + 11, NULL, 10);
        /* 0 and 0xFFFFFFFF: a streamed file that never went back to write its size. */
        if (said > has && said != 0xFFFFFFFFull) {
            snprintf(err, err_size, "%s: truncated: its header promises more samples than the "
                     "file holds", path);
            goto end;
        }
    }
    if (info.channels < 1 || info.samplerate < 1) {
        snprintf(err, err_size, "%s: no valid channel count or sample rate", path);
        goto end;
    }
    /* Compressed formats may not know their length up front: read in blocks until EOF. */
    int integer = is_integer_subtype(SUBTYPE(info.format));
    size_t ch = (size_t)info.channels, cap = 0, n = 0;
    const size_t block = 16384;
    int32_t *ibuf = integer ? malloc(block * ch * sizeof(int32_t)) : NULL;
    if (integer && !ibuf) {
        snprintf(err, err_size, "%s: out of memory", path);
        goto end;
    }
    for (;;) {
        if (n + block > cap) {
            cap = cap ? cap * 2 : (info.frames > 0 && info.frames < (1 << 28) ?
                                   (size_t)info.frames + block : block * 4);
            float *p = realloc(a->samples, cap * ch * sizeof(float));
            if (!p) {
                snprintf(err, err_size, "%s: out of memory (%zu frames)", path, cap);
                free(ibuf);
                goto end;
            }
            a->samples = p;
        }
        sf_count_t got;
        float *dst = a->samples + n * ch;
        if (integer) {
            got = sf_readf_int(sf, ibuf, (sf_count_t)block);
            for (sf_count_t i = 0; i < got * (sf_count_t)ch; i++)
                dst[i] = (float)ibuf[i] * (1.0f / 2147483648.0f);
        } else {
            got = sf_readf_float(sf, dst, (sf_count_t)block);
        }
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    free(ibuf);
    if (sf_error(sf) != SF_ERR_NO_ERROR) {
        snprintf(err, err_size, "%s: damaged audio data: %s", path, sf_strerror(sf));
        goto end;
    }
    if (info.frames > 0 && (sf_count_t)n < info.frames) {
        snprintf(err, err_size, "%s: truncated: %zu of %lld frames", path, n,
                 (long long)info.frames);
        goto end;
    }
    if (n == 0) {
        snprintf(err, err_size, "%s: no audio samples", path);
        goto end;
    }
    a->sample_rate = info.samplerate;
    a->channels = info.channels;
    a->frames = (int64_t)n;
    a->format = info.format;
    ret = 0;
end:
    sf_close(sf);
    if (ret) {
        free(a->samples);
        a->samples = NULL;
    }
    return ret;
}

static const struct {
    const char *ext;
    int major, subtype; /* subtype: the container's own (0: follow the input) */
} containers[] = {
    { "wav", SF_FORMAT_WAV, 0 },    { "rf64", SF_FORMAT_RF64, 0 }, { "w64", SF_FORMAT_W64, 0 },
    { "flac", SF_FORMAT_FLAC, 0 },  { "ogg", SF_FORMAT_OGG, SF_FORMAT_VORBIS },
    { "oga", SF_FORMAT_OGG, SF_FORMAT_VORBIS }, { "opus", SF_FORMAT_OGG, SF_FORMAT_OPUS },
    { "aif", SF_FORMAT_AIFF, 0 },   { "aiff", SF_FORMAT_AIFF, 0 }, { "au", SF_FORMAT_AU, 0 },
    { "caf", SF_FORMAT_CAF, 0 },    { "mp3", SF_FORMAT_MPEG, SF_FORMAT_MPEG_LAYER_III },
};

/* The file format to write path in, given the format read (see audiofile.h). */
static int output_format(const char *path, const CcAudioFile *a, char *err, size_t err_size)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    int major = 0, subtype = 0;
    for (size_t i = 0; dot && i < sizeof(containers) / sizeof(containers[0]); i++)
        if (!strcasecmp(dot + 1, containers[i].ext)) {
            major = containers[i].major;
            subtype = containers[i].subtype;
        }
    if (!major) {
        snprintf(err, err_size, "%s: unknown audio file type (wav, rf64, w64, flac, ogg, opus, "
                 "aiff, au, caf, mp3)", path);
        return -1;
    }
    int in_major = MAJOR(a->format), in_sub = SUBTYPE(a->format);
    SF_INFO info = { .samplerate = a->sample_rate, .channels = a->channels };
    /* Same container (RF64 and extensible WAV count as .wav): the input's format exactly. */
    if (in_major == major ||
        (major == SF_FORMAT_WAV && (in_major == SF_FORMAT_WAVEX || in_major == SF_FORMAT_RF64))) {
        info.format = a->format;
        if (sf_format_check(&info))
            return a->format;
    }
    /* Another container: keep the encoding when it can, else the nearest one. */
    int tries[4] = { subtype ? subtype : in_sub, 0, 0, 0 };
    int wide = in_sub == 0 /* not read from a file: float */ || in_sub == SF_FORMAT_FLOAT || in_sub == SF_FORMAT_DOUBLE || in_sub == SF_FORMAT_VORBIS ||
               in_sub == SF_FORMAT_OPUS || in_sub == SF_FORMAT_MPEG_LAYER_III;
    tries[1] = wide ? SF_FORMAT_FLOAT : in_sub == SF_FORMAT_PCM_32 ? SF_FORMAT_PCM_32 : SF_FORMAT_PCM_24;
    tries[2] = in_sub == SF_FORMAT_PCM_16 || in_sub == SF_FORMAT_PCM_S8 || in_sub == SF_FORMAT_PCM_U8 ||
               in_sub == SF_FORMAT_ALAW || in_sub == SF_FORMAT_ULAW ? SF_FORMAT_PCM_16 : SF_FORMAT_PCM_24;
    tries[3] = SF_FORMAT_PCM_16;
    for (int i = 0; i < 4; i++) {
        info.format = major | tries[i];
        if (tries[i] && sf_format_check(&info))
            return info.format;
    }
    snprintf(err, err_size, "%s: this container cannot hold %d Hz, %d channel audio", path,
             a->sample_rate, a->channels);
    return -1;
}

int cc_audio_write(const char *path, const CcAudioFile *a, char *err, size_t err_size)
{
    int format = output_format(path, a, err, err_size);
    if (format < 0)
        return -1;
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
    SF_INFO info = { .samplerate = a->sample_rate, .channels = a->channels, .format = format };
    SNDFILE *sf = sf_open(tmp, SFM_WRITE, &info);
    if (!sf) {
        snprintf(err, err_size, "%s: cannot create a temporary file: %s", path, sf_strerror(NULL));
        unlink(tmp);
        return -1;
    }
    /* No PEAK chunk: libsndfile stamps it with the wall-clock time, which made two runs on the
       same input write different bytes (float WAV/AIFF). Same input, same bytes. */
    sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    int ret = 0;
    size_t ch = (size_t)a->channels;
    if (is_integer_subtype(SUBTYPE(format))) {
        /* Our own rounding and clipping to int32, so that unchanged samples round-trip. */
        const size_t block = 16384;
        int32_t *ibuf = malloc(block * ch * sizeof(int32_t));
        if (!ibuf)
            ret = -1;
        for (int64_t pos = 0; !ret && pos < a->frames; pos += (int64_t)block) {
            size_t n = (size_t)(a->frames - pos < (int64_t)block ? a->frames - pos : (int64_t)block);
            const float *s = a->samples + (size_t)pos * ch;
            for (size_t i = 0; i < n * ch; i++) {
                double v = (double)s[i] * 2147483648.0;
                ibuf[i] = !(v == v) ? 0 : v >= 2147483647.0 ? INT32_MAX
                        : v <= -2147483648.0 ? INT32_MIN : (int32_t)lrint(v);
            }
            if (sf_writef_int(sf, ibuf, (sf_count_t)n) != (sf_count_t)n)
                ret = -1;
        }
        free(ibuf);
    } else if (sf_writef_float(sf, a->samples, (sf_count_t)a->frames) != (sf_count_t)a->frames) {
        ret = -1;
    }
    if (ret)
        snprintf(err, err_size, "%s: writing failed: %s", path, sf_strerror(sf));
    if (sf_close(sf) != 0 && !ret) {
        snprintf(err, err_size, "%s: writing failed (disk full?)", path);
        ret = -1;
    }
    if (!ret && rename(tmp, path) != 0) {
        snprintf(err, err_size, "%s: cannot rename the temporary file: %s", path, strerror(errno));
        ret = -1;
    }
    if (ret)
        unlink(tmp);
    return ret;
}

void cc_audio_free(CcAudioFile *a)
{
    free(a->samples);
    memset(a, 0, sizeof(*a));
}
