/*
 * .ccm reader and writer (models/rnnoise/FORMAT.md). The reader walks the file with an
 * explicit cursor: every field is bounds-checked against the bytes left before it is read,
 * names must be NUL-terminated inside their field, and shapes must fit the RNNoise 0.1
 * topology. The CRC is checked last, so the structural checks are reachable by a fuzzer.
 */
#include "audio/model/rnnmodel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define CCM_HEADER_SIZE 40
#define CCM_RECORD_HEAD 48
#define CCM_ARRAY_HEAD 32
#define CCM_NAME_RECORD 24
#define CCM_NAME_ARRAY 24
#define CCM_NAME_ARCH 16
#define CCM_VERSION 1
#define CCM_DTYPE_INT8 1
#define CCM_ARCH "rnnoise-0.1"

const uint8_t cc_rnn_ccm_magic[8] = { 0x89, 'C', 'C', 'M', '\r', '\n', 0x1a, '\n' };

/* CRC-32, IEEE 802.3 polynomial, reflected (zlib's crc32()). The 1 KiB table is built per
 * call (2k operations) so the loader keeps no mutable global state. */
uint32_t cc_rnn_crc32(const uint8_t *p, size_t n)
{
    uint32_t t[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
        t[i] = c;
    }
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++)
        c = t[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

#define FAIL(...) do { cc_log(CC_LOG_ERROR, "rnnoise .ccm: " __VA_ARGS__); goto fail; } while (0)

/* 1 if the len-byte field at p holds a NUL-terminated name followed by NUL padding only. */
static int name_ok(const uint8_t *p, size_t len)
{
    const uint8_t *nul = memchr(p, 0, len);
    if (!nul || nul == p)
        return 0;
    for (const uint8_t *q = nul; q < p + len; q++)
        if (*q)
            return 0;
    return 1;
}

int cc_rnn_model_load(CcRnnModel **out, const uint8_t *buf, size_t size)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    if (!buf && size)
        return CC_ERR(EINVAL);
    CcRnnModel *m = NULL;
    int seen[CC_RNN_LAYER_COUNT] = { 0 };

    if (size < CCM_HEADER_SIZE + 4)
        FAIL("file of %zu bytes is shorter than header and checksum (%d bytes)",
             size, CCM_HEADER_SIZE + 4);
    if (memcmp(buf, cc_rnn_ccm_magic, sizeof(cc_rnn_ccm_magic)))
        FAIL("bad magic at offset 0 (not a .ccm file)");
    uint32_t version = cc_rnn_rd32(buf + 8);
    if (version != CCM_VERSION)
        FAIL("header.version at offset 8 is %u; this reader knows version %d", version, CCM_VERSION);
    uint32_t file_size = cc_rnn_rd32(buf + 12);
    if (file_size != size)
        FAIL("header.file_size at offset 12 says %u bytes, the buffer has %zu (truncated or padded)",
             file_size, size);
    if (!name_ok(buf + 16, CCM_NAME_ARCH))
        FAIL("header.arch at offset 16 is not a NUL-terminated name");
    if (strcmp((const char *)buf + 16, CCM_ARCH))
        FAIL("header.arch at offset 16 is \"%s\", want \"%s\"", (const char *)buf + 16, CCM_ARCH);
    uint32_t nrec = cc_rnn_rd32(buf + 32);
    if (nrec != CC_RNN_LAYER_COUNT)
        FAIL("header.record_count at offset 32 is %u, want %d", nrec, CC_RNN_LAYER_COUNT);
    if (cc_rnn_rd32(buf + 36))
        FAIL("header.flags at offset 36 is 0x%x; version 1 defines none", cc_rnn_rd32(buf + 36));

    m = cc_rnn_model_alloc();
    if (!m) {
        cc_log(CC_LOG_ERROR, "rnnoise .ccm: out of memory");
        return CC_ERR(ENOMEM);
    }

    const size_t end = size - 4; /* records stop before the checksum */
    size_t pos = CCM_HEADER_SIZE;
    for (uint32_t r = 0; r < nrec; r++) {
        const size_t rec = pos;
        if (end - pos < CCM_RECORD_HEAD)
            FAIL("record %u at offset %zu: header needs %d bytes, %zu left", r, rec,
                 CCM_RECORD_HEAD, end - pos);
        const uint8_t *h = buf + rec;
        uint32_t rec_size = cc_rnn_rd32(h);
        if (rec_size < CCM_RECORD_HEAD || rec_size % 4 || rec_size > end - rec)
            FAIL("record %u at offset %zu: record_size %u is invalid (minimum %d, multiple of 4, "
                 "%zu bytes left)", r, rec, rec_size, CCM_RECORD_HEAD, end - rec);
        if (!name_ok(h + 4, CCM_NAME_RECORD))
            FAIL("record %u at offset %zu: name is not NUL-terminated inside its %d bytes",
                 r, rec + 4, CCM_NAME_RECORD);
        const char *name = (const char *)h + 4;
        int l = 0;
        while (l < CC_RNN_LAYER_COUNT && strcmp(name, cc_rnn_topology[l].name))
            l++;
        if (l == CC_RNN_LAYER_COUNT)
            FAIL("record %u at offset %zu: unknown layer \"%s\"", r, rec, name);
        if (seen[l]++)
            FAIL("record %u at offset %zu: layer \"%s\" appears twice", r, rec, name);
        const CcRnnLayerSpec *s = &cc_rnn_topology[l];
        uint32_t kind = cc_rnn_rd32(h + 28), nin = cc_rnn_rd32(h + 32), nn = cc_rnn_rd32(h + 36);
        uint32_t act = cc_rnn_rd32(h + 40), narr = cc_rnn_rd32(h + 44);
        if (kind != (uint32_t)s->kind)
            FAIL("layer %s (offset %zu): kind %u, want %d (%s)", name, rec + 28, kind, s->kind,
                 s->kind == CC_RNN_KIND_GRU ? "GRU" : "dense");
        if (nin != (uint32_t)s->nb_inputs || nn != (uint32_t)s->nb_neurons)
            FAIL("layer %s (offset %zu): shape %u -> %u, want %d -> %d", name, rec + 32, nin, nn,
                 s->nb_inputs, s->nb_neurons);
        if (act > CC_RNN_ACT_RELU)
            FAIL("layer %s (offset %zu): unknown activation %u", name, rec + 40, act);
        CcRnnLayerView v;
        cc_rnn_layer_view(m, l, &v);
        uint32_t want_arrays = s->kind == CC_RNN_KIND_GRU ? 3 : 2;
        if (narr != want_arrays)
            FAIL("layer %s (offset %zu): %u arrays, want %u", name, rec + 44, narr, want_arrays);
        *v.activation = (int)act;

        const size_t rec_end = rec + rec_size;
        int got[CC_RNN_ARR_COUNT] = { 0 };
        pos = rec + CCM_RECORD_HEAD;
        for (uint32_t a = 0; a < narr; a++) {
            const size_t arr = pos;
            if (rec_end - pos < CCM_ARRAY_HEAD)
                FAIL("layer %s, array %u at offset %zu: header needs %d bytes, %zu left in the "
                     "record", name, a, arr, CCM_ARRAY_HEAD, rec_end - pos);
            const uint8_t *ah = buf + arr;
            if (!name_ok(ah, CCM_NAME_ARRAY))
                FAIL("layer %s, array %u at offset %zu: name is not NUL-terminated inside its "
                     "%d bytes", name, a, arr, CCM_NAME_ARRAY);
            const char *aname = (const char *)ah;
            int k = 0;
            while (k < CC_RNN_ARR_COUNT && strcmp(aname, cc_rnn_array_names[k]))
                k++;
            if (k == CC_RNN_ARR_COUNT || !v.counts[k])
                FAIL("layer %s, array %u at offset %zu: unexpected array \"%s\"", name, a, arr,
                     aname);
            if (got[k]++)
                FAIL("layer %s: array %s appears twice (offset %zu)", name, aname, arr);
            uint32_t dtype = cc_rnn_rd32(ah + 24), count = cc_rnn_rd32(ah + 28);
            if (dtype != CCM_DTYPE_INT8)
                FAIL("layer %s, array %s at offset %zu: dtype %u, want %d (int8)", name, aname,
                     arr + 24, dtype, CCM_DTYPE_INT8);
            if (count != v.counts[k])
                FAIL("layer %s, array %s at offset %zu: count %u, want %zu", name, aname,
                     arr + 28, count, v.counts[k]);
            size_t padded = ((size_t)count + 3) & ~(size_t)3;
            if (rec_end - (arr + CCM_ARRAY_HEAD) < padded)
                FAIL("layer %s, array %s at offset %zu: %u bytes of data (padded %zu) run past "
                     "the record end at %zu", name, aname, arr, count, padded, rec_end);
            const uint8_t *data = ah + CCM_ARRAY_HEAD;
            memcpy(v.arrays[k], data, count);
            for (size_t i = count; i < padded; i++)
                if (data[i])
                    FAIL("layer %s, array %s: nonzero padding byte at offset %zu", name, aname,
                         arr + CCM_ARRAY_HEAD + i);
            pos = arr + CCM_ARRAY_HEAD + padded;
        }
        if (pos != rec_end)
            FAIL("layer %s: arrays end at offset %zu but the record ends at %zu", name, pos,
                 rec_end);
    }
    if (pos != end)
        FAIL("%zu unexpected bytes after the last record at offset %zu", end - pos, pos);
    uint32_t crc = cc_rnn_crc32(buf, end), want = cc_rnn_rd32(buf + end);
    if (crc != want)
        FAIL("checksum at offset %zu is 0x%08x, the content gives 0x%08x (corrupt file)", end,
             want, crc);
    *out = m;
    return 0;
fail:
    cc_rnn_model_free(&m);
    return CC_ERR_MODEL;
}

int cc_rnn_model_write_ccm(const CcRnnModel *m, uint8_t **out, size_t *size)
{
    if (!m || !out || !size)
        return CC_ERR(EINVAL);
    *out = NULL;
    *size = 0;
    size_t total = CCM_HEADER_SIZE + 4;
    for (int l = 0; l < CC_RNN_LAYER_COUNT; l++) {
        CcRnnLayerView v;
        cc_rnn_layer_view(m, l, &v);
        total += CCM_RECORD_HEAD;
        for (int k = 0; k < CC_RNN_ARR_COUNT; k++)
            if (v.counts[k])
                total += CCM_ARRAY_HEAD + ((v.counts[k] + 3) & ~(size_t)3);
    }
    uint8_t *b = cc_calloc(total, 1);
    if (!b)
        return CC_ERR(ENOMEM);
    memcpy(b, cc_rnn_ccm_magic, sizeof(cc_rnn_ccm_magic));
    cc_rnn_wr32(b + 8, CCM_VERSION);
    cc_rnn_wr32(b + 12, (uint32_t)total);
    memcpy(b + 16, CCM_ARCH, sizeof(CCM_ARCH));
    cc_rnn_wr32(b + 32, CC_RNN_LAYER_COUNT);
    size_t pos = CCM_HEADER_SIZE;
    for (int l = 0; l < CC_RNN_LAYER_COUNT; l++) {
        const CcRnnLayerSpec *s = &cc_rnn_topology[l];
        CcRnnLayerView v;
        cc_rnn_layer_view(m, l, &v);
        uint8_t *h = b + pos;
        memcpy(h + 4, s->name, strlen(s->name));
        cc_rnn_wr32(h + 28, (uint32_t)s->kind);
        cc_rnn_wr32(h + 32, (uint32_t)*v.nb_inputs);
        cc_rnn_wr32(h + 36, (uint32_t)*v.nb_neurons);
        cc_rnn_wr32(h + 40, (uint32_t)*v.activation);
        cc_rnn_wr32(h + 44, s->kind == CC_RNN_KIND_GRU ? 3 : 2);
        size_t p = pos + CCM_RECORD_HEAD;
        for (int k = 0; k < CC_RNN_ARR_COUNT; k++) {
            if (!v.counts[k])
                continue;
            memcpy(b + p, cc_rnn_array_names[k], strlen(cc_rnn_array_names[k]));
            cc_rnn_wr32(b + p + 24, CCM_DTYPE_INT8);
            cc_rnn_wr32(b + p + 28, (uint32_t)v.counts[k]);
            memcpy(b + p + CCM_ARRAY_HEAD, v.arrays[k], v.counts[k]);
            p += CCM_ARRAY_HEAD + ((v.counts[k] + 3) & ~(size_t)3);
        }
        cc_rnn_wr32(h, (uint32_t)(p - pos));
        pos = p;
    }
    cc_rnn_wr32(b + pos, cc_rnn_crc32(b, pos));
    *out = b;
    *size = total;
    return 0;
}
