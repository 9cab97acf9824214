/* WAV reader/writer (see wav.h). */
#include "wav.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(char *err, size_t n, const char *fmt, ...)
{
    if (err && n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* KSDATAFORMAT_SUBTYPE_* GUIDs share these 14 bytes after the 2-byte format tag. */
static const uint8_t guid_tail[14] = { 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
                                       0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 };

void cc_wav_free(CcWav *w)
{
    if (!w)
        return;
    free(w->samples);
    w->samples = NULL;
}

int cc_wav_parse(const uint8_t *buf, size_t size, CcWav *out, char *err, size_t en)
{
    memset(out, 0, sizeof(*out));
    if (!buf || size < 12)
        return fail(err, en, "too short to be a WAV file (%zu bytes)", size);
    if (memcmp(buf, "RIFF", 4) || memcmp(buf + 8, "WAVE", 4)) {
        if (!memcmp(buf, "RF64", 4))
            return fail(err, en, "RF64 WAV files are not supported");
        return fail(err, en, "not a RIFF/WAVE file");
    }
    size_t pos = 12;
    int have_fmt = 0;
    const uint8_t *data = NULL;
    size_t data_size = 0;
    while (pos + 8 <= size) {
        const uint8_t *ck = buf + pos;
        uint32_t ck_size = rd32(ck + 4);
        size_t body = pos + 8, avail = size - body;
        if (!memcmp(ck, "fmt ", 4)) {
            if (ck_size < 16 || ck_size > avail)
                return fail(err, en, "fmt chunk at offset %zu: bad size %u", pos, ck_size);
            const uint8_t *f = buf + body;
            int tag = rd16(f);
            out->channels = rd16(f + 2);
            uint32_t rate = rd32(f + 4);
            int align = rd16(f + 12);
            out->bits = rd16(f + 14);
            if (tag == 0xFFFE) {
                if (ck_size < 40 || rd16(f + 16) < 22)
                    return fail(err, en, "WAVE_FORMAT_EXTENSIBLE fmt chunk too short (%u)",
                                ck_size);
                int valid = rd16(f + 18);
                out->channel_mask = rd32(f + 20);
                if (memcmp(f + 26, guid_tail, sizeof(guid_tail)))
                    return fail(err, en, "unsupported WAVE_FORMAT_EXTENSIBLE sub-format");
                tag = rd16(f + 24);
                out->extensible = 1;
                if (valid && valid != out->bits)
                    return fail(err, en, "unsupported: %d valid bits in %d-bit containers",
                                valid, out->bits);
            }
            if (tag == 1)
                out->format = CC_WAV_PCM;
            else if (tag == 3)
                out->format = CC_WAV_FLOAT;
            else
                return fail(err, en, "unsupported WAV encoding (format tag 0x%04x); "
                            "need PCM or IEEE float", tag);
            if (out->format == CC_WAV_PCM && out->bits != 16 && out->bits != 24 &&
                out->bits != 32)
                return fail(err, en, "unsupported PCM sample size %d bits (need 16, 24 or 32)",
                            out->bits);
            if (out->format == CC_WAV_FLOAT && out->bits != 32 && out->bits != 64)
                return fail(err, en, "unsupported float sample size %d bits", out->bits);
            if (out->channels < 1 || out->channels > CC_WAV_MAX_CHANNELS)
                return fail(err, en, "unsupported channel count %d", out->channels);
            if (rate < 1 || rate > 1000000)
                return fail(err, en, "implausible sample rate %u Hz", rate);
            out->sample_rate = (int)rate;
            if (align != out->channels * out->bits / 8)
                return fail(err, en, "block align %d does not match %d channels x %d bits",
                            align, out->channels, out->bits);
            have_fmt = 1;
        } else if (!memcmp(ck, "data", 4)) {
            if (!have_fmt)
                return fail(err, en, "data chunk before the fmt chunk");
            if (ck_size == 0xFFFFFFFFu) /* streamed: length unknown, take the rest */
                ck_size = (uint32_t)(avail < 0xFFFFFFFEu ? avail : 0xFFFFFFFEu);
            if (ck_size > avail)
                return fail(err, en, "truncated: data chunk says %u bytes, file has %zu",
                            ck_size, avail);
            data = buf + body;
            data_size = ck_size;
            break;
        }
        if (ck_size > avail)
            return fail(err, en, "truncated: chunk '%.4s' at offset %zu says %u bytes",
                        (const char *)ck, pos, ck_size);
        pos = body + ck_size + (ck_size & 1);
    }
    if (!have_fmt)
        return fail(err, en, "no fmt chunk");
    if (!data)
        return fail(err, en, "no data chunk");
    size_t block = (size_t)out->channels * (size_t)(out->bits / 8);
    if (data_size % block)
        return fail(err, en, "truncated: data size %zu is not a whole number of %zu-byte "
                    "frames", data_size, block);
    out->frames = (int64_t)(data_size / block);
    if (out->frames == 0)
        return fail(err, en, "no audio: the data chunk is empty");
    size_t n = (size_t)out->frames * (size_t)out->channels;
    out->samples = malloc(n * sizeof(float));
    if (!out->samples)
        return fail(err, en, "out of memory for %zu samples", n);
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        float v;
        if (out->format == CC_WAV_PCM) {
            if (out->bits == 16) {
                v = (int16_t)rd16(p) * (1.0f / 32768.0f);
                p += 2;
            } else if (out->bits == 24) {
                int32_t s = (int32_t)((uint32_t)p[0] << 8 | (uint32_t)p[1] << 16 |
                                      (uint32_t)p[2] << 24) >> 8;
                v = (float)s * (1.0f / 8388608.0f);
                p += 3;
            } else {
                v = (float)((double)(int32_t)rd32(p) * (1.0 / 2147483648.0));
                p += 4;
            }
        } else if (out->bits == 32) {
            uint32_t u = rd32(p);
            memcpy(&v, &u, 4);
            p += 4;
        } else {
            uint64_t u = (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
            double dv;
            memcpy(&dv, &u, 8);
            v = (float)dv;
            p += 8;
        }
        out->samples[i] = v;
    }
    return 0;
}

int cc_wav_read_file(const char *path, CcWav *out, char *err, size_t en)
{
    memset(out, 0, sizeof(*out));
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, en, "cannot open %s: %s", path, strerror(errno));
    uint8_t *buf = NULL;
    size_t size = 0, cap = 0;
    for (;;) {
        if (size == cap) {
            size_t ncap = cap ? cap * 2 : 1 << 16;
            uint8_t *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                return fail(err, en, "%s: out of memory", path);
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + size, 1, cap - size, f);
        size += got;
        if (got == 0)
            break;
    }
    int rd_err = ferror(f);
    fclose(f);
    if (rd_err) {
        free(buf);
        return fail(err, en, "cannot read %s", path);
    }
    char sub[400];
    int ret = cc_wav_parse(buf, size, out, sub, sizeof(sub));
    free(buf);
    if (ret < 0)
        return fail(err, en, "%s: %s", path, sub);
    return 0;
}

static void wr16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int64_t quant(float v, double full, int64_t lo, int64_t hi)
{
    if (!(v == v))
        return 0;
    double s = floor((double)v * full + 0.5);
    return s < (double)lo ? lo : s > (double)hi ? hi : (int64_t)s;
}

int cc_wav_write_file(const char *path, const CcWav *w, char *err, size_t en)
{
    int bytes = w->bits / 8;
    if ((w->format != CC_WAV_PCM && w->format != CC_WAV_FLOAT) || bytes < 2 || bytes > 8 ||
        w->channels < 1 || w->channels > CC_WAV_MAX_CHANNELS)
        return fail(err, en, "cannot write this WAV format");
    uint64_t data_size = (uint64_t)w->frames * (uint64_t)w->channels * (uint64_t)bytes;
    if (data_size > 0xFFFFFFFFu - 80)
        return fail(err, en, "output too large for a WAV file (%llu bytes)",
                    (unsigned long long)data_size);
    int ext = w->extensible;
    int fmt_size = ext ? 40 : (w->format == CC_WAV_FLOAT ? 18 : 16);
    uint8_t hdr[80];
    size_t h = 0;
    memcpy(hdr, "RIFF", 4);
    int fact = w->format == CC_WAV_FLOAT && !ext;
    uint32_t riff = (uint32_t)(4 + 8 + fmt_size + (fact ? 12 : 0) + 8 + data_size + (data_size & 1));
    wr32(hdr + 4, riff);
    memcpy(hdr + 8, "WAVEfmt ", 8);
    wr32(hdr + 16, (uint32_t)fmt_size);
    h = 20;
    wr16(hdr + h, ext ? 0xFFFE : (unsigned)w->format);
    wr16(hdr + h + 2, (unsigned)w->channels);
    wr32(hdr + h + 4, (uint32_t)w->sample_rate);
    wr32(hdr + h + 8, (uint32_t)(w->sample_rate * w->channels * bytes));
    wr16(hdr + h + 12, (unsigned)(w->channels * bytes));
    wr16(hdr + h + 14, (unsigned)w->bits);
    h += 16;
    if (ext) {
        wr16(hdr + h, 22);
        wr16(hdr + h + 2, (unsigned)w->bits);
        wr32(hdr + h + 4, w->channel_mask);
        wr16(hdr + h + 8, (unsigned)w->format);
        memcpy(hdr + h + 10, guid_tail, 14);
        h += 24;
    } else if (w->format == CC_WAV_FLOAT) {
        wr16(hdr + h, 0);
        h += 2;
    }
    if (fact) {
        memcpy(hdr + h, "fact", 4);
        wr32(hdr + h + 4, 4);
        wr32(hdr + h + 8, (uint32_t)w->frames);
        h += 12;
    }
    memcpy(hdr + h, "data", 4);
    wr32(hdr + h + 4, (uint32_t)data_size);
    h += 8;

    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp)
        return fail(err, en, "out of memory");
    snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return fail(err, en, "cannot create a temporary file next to %s: %s", path,
                    strerror(e));
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return fail(err, en, "cannot write %s", path);
    }
    int ok = fwrite(hdr, 1, h, f) == h;
    uint8_t blk[4096];
    size_t bn = 0, n = (size_t)w->frames * (size_t)w->channels;
    for (size_t i = 0; ok && i < n; i++) {
        float v = w->samples[i];
        uint8_t *p = blk + bn;
        if (w->format == CC_WAV_FLOAT && bytes == 4) {
            uint32_t u;
            memcpy(&u, &v, 4);
            wr32(p, u);
        } else if (w->format == CC_WAV_FLOAT) {
            double dv = v;
            uint64_t u;
            memcpy(&u, &dv, 8);
            wr32(p, (uint32_t)u);
            wr32(p + 4, (uint32_t)(u >> 32));
        } else if (bytes == 2) {
            wr16(p, (unsigned)(uint16_t)quant(v, 32768.0, -32768, 32767));
        } else if (bytes == 3) {
            uint32_t u = (uint32_t)quant(v, 8388608.0, -8388608, 8388607);
            p[0] = (uint8_t)u;
            p[1] = (uint8_t)(u >> 8);
            p[2] = (uint8_t)(u >> 16);
        } else {
            wr32(p, (uint32_t)quant(v, 2147483648.0, INT32_MIN, INT32_MAX));
        }
        bn += (size_t)bytes;
        if (bn + 8 > sizeof(blk)) {
            ok = fwrite(blk, 1, bn, f) == bn;
            bn = 0;
        }
    }
    if (ok && bn)
        ok = fwrite(blk, 1, bn, f) == bn;
    if (ok && (data_size & 1))
        ok = fputc(0, f) != EOF;
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        ok = 0;
    if (fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return fail(err, en, "cannot rename the temporary file to %s: %s", path, strerror(e));
    }
    if (!ok) {
        unlink(tmp);
        free(tmp);
        return fail(err, en, "write error on %s (disk full?); nothing written", path);
    }
    free(tmp);
    return 0;
}
