/*
 * RNNoise 0.2 model: .ccm version 2 reader and writer (models/rnnoise/FORMAT.md), lookup by
 * name. The reader walks the file with an explicit cursor; every field is bounds-checked
 * against the bytes left before it is read, names must be NUL-terminated inside their field,
 * each of the 43 arrays must appear exactly once with the type and size the topology gives
 * (rnn2model.h). Then the content: floats finite, block indices in range and increasing and
 * consuming exactly the int8 blocks. The CRC comes last, so a fuzzer reaches every check.
 */
#include "audio/model/rnn2model.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "audio/model/rnnmodel.h"
#include "common.h"

#define HEAD_SIZE 40
#define REC_HEAD 64
#define REC_NAME 52
#define ARCH_FIELD 16
#define VERSION 2


/* ---------------------------------------------------------------- topology */

enum { F_FLOAT, F_INT8, F_SPARSE, F_SPARSE_DIAG };                   /* layer forms */
enum { R_WFLOAT, R_WINT8, R_IDX, R_DIAG, R_SUBIAS, R_SCALE, R_BIAS }; /* array roles */

typedef struct LayerSpec {
    const char *name;
    int nb_inputs, nb_outputs, form;
    size_t field; /* offsetof the CcRnn2Layer in CcRnn2Model */
} LayerSpec;

static const LayerSpec layer_spec[CC_RNN2_LAYER_COUNT] = {
    { "conv1", 3 * 65, 128, F_FLOAT, offsetof(CcRnn2Model, conv1) },
    { "conv2", 3 * 128, 384, F_INT8, offsetof(CcRnn2Model, conv2) },
    { "gru1_input", 384, 3 * 384, F_SPARSE, offsetof(CcRnn2Model, gru_input[0]) },
    { "gru1_recurrent", 384, 3 * 384, F_SPARSE_DIAG, offsetof(CcRnn2Model, gru_recurrent[0]) },
    { "gru2_input", 384, 3 * 384, F_SPARSE, offsetof(CcRnn2Model, gru_input[1]) },
    { "gru2_recurrent", 384, 3 * 384, F_SPARSE_DIAG, offsetof(CcRnn2Model, gru_recurrent[1]) },
    { "gru3_input", 384, 3 * 384, F_SPARSE, offsetof(CcRnn2Model, gru_input[2]) },
    { "gru3_recurrent", 384, 3 * 384, F_SPARSE_DIAG, offsetof(CcRnn2Model, gru_recurrent[2]) },
    { "dense_out", 384, 32, F_FLOAT, offsetof(CcRnn2Model, dense_out) },
    { "vad_dense", 384, 1, F_FLOAT, offsetof(CcRnn2Model, vad_dense) },
};

typedef struct ArraySpec {
    const char *name;
    int layer, role;
} ArraySpec;

#define A_FLOAT(l, p) { p "_weights_float", l, R_WFLOAT }, { p "_bias", l, R_BIAS }
#define A_INT8(l, p) { p "_weights_int8", l, R_WINT8 }, { p "_subias", l, R_SUBIAS }, \
    { p "_scale", l, R_SCALE }, { p "_bias", l, R_BIAS }
#define A_SPARSE(l, p) { p "_weights_int8", l, R_WINT8 }, { p "_weights_idx", l, R_IDX }, \
    { p "_subias", l, R_SUBIAS }, { p "_scale", l, R_SCALE }, { p "_bias", l, R_BIAS }
#define A_GRU(n, l) A_SPARSE(l, "gru" #n "_input"), { "gru" #n "_recurrent_weights_diag", l + 1, R_DIAG }, \
    A_SPARSE(l + 1, "gru" #n "_recurrent")

/* xiph's table order. */
static const ArraySpec array_spec[CC_RNN2_ARRAY_COUNT] = {
    A_FLOAT(0, "conv1"), A_INT8(1, "conv2"), A_GRU(1, 2), A_GRU(2, 4), A_GRU(3, 6),
    A_FLOAT(8, "dense_out"), A_FLOAT(9, "vad_dense"),
};

static int role_type(int role)
{
    return role == R_WINT8 ? CC_RNN2_INT8 : role == R_IDX ? CC_RNN2_INT32 : CC_RNN2_FLOAT;
}

static size_t type_size(int type)
{
    return type == CC_RNN2_INT8 ? 1 : 4;
}

static CcRnn2Layer *layer_of(CcRnn2Model *m, int l)
{
    return (CcRnn2Layer *)(void *)((char *)m + layer_spec[l].field);
}

/* Checks the byte size of array a against the topology; 0 if it fits, else logs why. */
static int size_ok(const ArraySpec *a, uint32_t bytes, size_t off)
{
    const LayerSpec *l = &layer_spec[a->layer];
    size_t in = (size_t)l->nb_inputs, outs = (size_t)l->nb_outputs;
    size_t want = 0;
    switch (a->role) {
    case R_WFLOAT: want = in * outs * 4; break;
    case R_WINT8:
        if (l->form == F_INT8) {
            want = in * outs;
            break;
        }
        /* Block-sparse: whole 8x4 blocks, at most every block of the matrix. */
        if (bytes == 0 || bytes % 32 || bytes > in * outs) {
            cc_log(CC_LOG_ERROR, "rnnoise 0.2 .ccm: %s at offset %zu: %u bytes is not 1..%zu "
                   "whole 8x4 blocks of int8", a->name, off, bytes, in * outs / 32);
            return -1;
        }
        return 0;
    case R_IDX: {
        /* One count per 8 outputs, then at most nb_inputs / 4 column starts each. */
        size_t lo = outs / 8, hi = outs / 8 * (1 + in / 4);
        if (bytes % 4 || bytes / 4 < lo || bytes / 4 > hi) {
            cc_log(CC_LOG_ERROR, "rnnoise 0.2 .ccm: %s at offset %zu: %u bytes, want %zu..%zu "
                   "int32 block indices", a->name, off, bytes, lo, hi);
            return -1;
        }
        return 0;
    }
    default: want = outs * 4; break;
    }
    if (bytes != want) {
        cc_log(CC_LOG_ERROR, "rnnoise 0.2 .ccm: %s at offset %zu: %u bytes, want %zu", a->name,
               off, bytes, want);
        return -1;
    }
    return 0;
}

/* Walks a block index over nb_outputs / 8 row groups; 0 if it stays in range, is increasing
 * inside each group and covers exactly int8_bytes / 32 blocks. */
static int idx_ok(const char *layer, const int32_t *idx, size_t count, int nb_inputs,
                  int nb_outputs, size_t int8_bytes, size_t *nb_blocks)
{
    size_t p = 0, blocks = 0;
    for (int g = 0; g < nb_outputs / 8; g++) {
        if (p >= count) {
            cc_log(CC_LOG_ERROR, "rnnoise 0.2 .ccm: %s_weights_idx ends in row group %d of %d", layer, g,
                   nb_outputs / 8);
            return -1;
        }
        int32_t n = idx[p++];
        if (n < 0 || n > nb_inputs / 4 || (size_t)n > count - p) {
            cc_log(CC_LOG_ERROR, "rnnoise 0.2 .ccm: %s_weights_idx entry %zu: row group %d has %d blocks "
                   "(0..%d allowed, %zu entries left)", layer, p - 1, g, (int)n, nb_inputs / 4,
                   count - p);
            return -1;
        }
        int32_t last = -1;
        for (int32_t j = 0; j < n; j++, p++) {
            int32_t c = idx[p];
            if (c < 0 || c % 4 || c > nb_inputs - 4 || c <= last) {
                cc_log(CC_LOG_ERROR, "rnnoise 0.2 .ccm: %s_weights_idx entry %zu: column %d in row group %d "
                       "(want a multiple of 4 in 0..%d, above %d)", layer, p, (int)c, g,
                       nb_inputs - 4, (int)last);
                return -1;
            }
            last = c;
        }
        blocks += (size_t)n;
    }
    if (p != count) {
        cc_log(CC_LOG_ERROR, "rnnoise 0.2 .ccm: %s_weights_idx: %zu entries after the last row group", layer,
               count - p);
        return -1;
    }
    if (blocks * 32 != int8_bytes) {
        cc_log(CC_LOG_ERROR, "rnnoise 0.2 .ccm: %s_weights_idx: %zu blocks need %zu int8 weights, the "
               "weights array has %zu", layer, blocks, blocks * 32, int8_bytes);
        return -1;
    }
    *nb_blocks = blocks;
    return 0;
}

/* ---------------------------------------------------------------- reader */

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

static size_t round64(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

void cc_rnn2_model_free(CcRnn2Model **m)
{
    if (!m || !*m)
        return;
    cc_free_aligned((*m)->storage);
    free(*m);
    *m = NULL;
}

#define FAIL(...) do { cc_log(CC_LOG_ERROR, "rnnoise 0.2 .ccm: " __VA_ARGS__); goto fail; } while (0)

int cc_rnn2_model_load(CcRnn2Model **out, const uint8_t *buf, size_t size)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    if (!buf && size)
        return CC_ERR(EINVAL);
    CcRnn2Model *m = NULL;
    size_t at[CC_RNN2_ARRAY_COUNT] = { 0 };  /* file offset of each array's data */
    uint32_t len[CC_RNN2_ARRAY_COUNT] = { 0 };
    int seen[CC_RNN2_ARRAY_COUNT] = { 0 };
    size_t w8_bytes[CC_RNN2_LAYER_COUNT] = { 0 }; /* int8 weight bytes per layer */

    if (size < HEAD_SIZE + 4)
        FAIL("file of %zu bytes is shorter than header and checksum (%d bytes)", size,
             HEAD_SIZE + 4);
    if (memcmp(buf, cc_rnn_ccm_magic, sizeof(cc_rnn_ccm_magic)))
        FAIL("bad magic at offset 0 (not a .ccm file)");
    uint32_t version = cc_rnn_rd32(buf + 8);
    if (version != VERSION)
        FAIL("header.version at offset 8 is %u; this reader knows version %d", version, VERSION);
    uint32_t file_size = cc_rnn_rd32(buf + 12);
    if (file_size != size)
        FAIL("header.file_size at offset 12 says %u bytes, the buffer has %zu (truncated or "
             "padded)", file_size, size);
    if (!name_ok(buf + 16, ARCH_FIELD))
        FAIL("header.arch at offset 16 is not a NUL-terminated name");
    if (strcmp((const char *)buf + 16, CC_RNN2_ARCH))
        FAIL("header.arch at offset 16 is \"%s\", want \"%s\"", (const char *)buf + 16,
             CC_RNN2_ARCH);
    uint32_t nrec = cc_rnn_rd32(buf + 32);
    if (nrec != CC_RNN2_ARRAY_COUNT)
        FAIL("header.record_count at offset 32 is %u, want %d", nrec, CC_RNN2_ARRAY_COUNT);
    if (cc_rnn_rd32(buf + 36))
        FAIL("header.flags at offset 36 is 0x%x; version 2 defines none", cc_rnn_rd32(buf + 36));

    /* Structure: every record header, name, type, size and padding. */
    const size_t end = size - 4;
    size_t pos = HEAD_SIZE;
    for (uint32_t r = 0; r < nrec; r++) {
        if (end - pos < REC_HEAD)
            FAIL("record %u at offset %zu: header needs %d bytes, %zu left", r, pos, REC_HEAD,
                 end - pos);
        const uint8_t *h = buf + pos;
        uint32_t rec_size = cc_rnn_rd32(h), type = cc_rnn_rd32(h + 4), bytes = cc_rnn_rd32(h + 8);
        if (rec_size < REC_HEAD || rec_size % 4 || rec_size > end - pos)
            FAIL("record %u at offset %zu: record_size %u is invalid (minimum %d, multiple of 4, "
                 "%zu bytes left)", r, pos, rec_size, REC_HEAD, end - pos);
        if (!name_ok(h + 12, REC_NAME))
            FAIL("record %u at offset %zu: name is not NUL-terminated inside its %d bytes", r,
                 pos + 12, REC_NAME);
        const char *name = (const char *)h + 12;
        int a = 0;
        while (a < CC_RNN2_ARRAY_COUNT && strcmp(name, array_spec[a].name))
            a++;
        if (a == CC_RNN2_ARRAY_COUNT)
            FAIL("record %u at offset %zu: unknown array \"%s\"", r, pos, name);
        if (seen[a]++)
            FAIL("record %u at offset %zu: array %s appears twice", r, pos, name);
        const ArraySpec *s = &array_spec[a];
        if (type != (uint32_t)role_type(s->role))
            FAIL("%s at offset %zu: type %u, want %d", name, pos + 4, type, role_type(s->role));
        if (size_ok(s, bytes, pos + 8) < 0)
            goto fail;
        size_t padded = ((size_t)bytes + 3) & ~(size_t)3;
        if (rec_size - REC_HEAD != padded)
            FAIL("%s at offset %zu: record_size %u, want %zu for %u bytes of data", name, pos,
                 rec_size, REC_HEAD + padded, bytes);
        for (size_t i = bytes; i < padded; i++)
            if (h[REC_HEAD + i])
                FAIL("%s: nonzero padding byte at offset %zu", name, pos + REC_HEAD + i);
        at[a] = pos + REC_HEAD;
        len[a] = bytes;
        pos += rec_size;
    }
    if (pos != end)
        FAIL("%zu unexpected bytes after the last record at offset %zu", end - pos, pos);
    /* 43 records, no unknown name, no duplicate: each array exactly once. */

    m = cc_calloc(1, sizeof(*m));
    size_t total = 0;
    for (int a = 0; a < CC_RNN2_ARRAY_COUNT; a++)
        total += round64(len[a]);
    if (m)
        m->storage = cc_alloc_aligned(total);
    if (!m || !m->storage) {
        cc_log(CC_LOG_ERROR, "rnnoise 0.2 .ccm: out of memory (%zu bytes)", total);
        cc_rnn2_model_free(&m);
        return CC_ERR(ENOMEM);
    }
    m->storage_size = total;

    /* Content: decode little-endian elements, floats finite. */
    uint8_t *dst = m->storage;
    for (int a = 0; a < CC_RNN2_ARRAY_COUNT; a++) {
        const ArraySpec *s = &array_spec[a];
        const uint8_t *src = buf + at[a];
        int type = role_type(s->role);
        CcRnn2Array *arr = &m->arrays[a];
        arr->name = s->name;
        arr->type = type;
        arr->bytes = len[a];
        arr->count = len[a] / type_size(type);
        arr->data = dst;
        if (type == CC_RNN2_INT8) {
            memcpy(dst, src, len[a]);
        } else {
            for (size_t i = 0; i < arr->count; i++) {
                uint32_t u = cc_rnn_rd32(src + 4 * i);
                if (type == CC_RNN2_FLOAT && (u & 0x7f800000u) == 0x7f800000u)
                    FAIL("%s element %zu at offset %zu is %s", s->name, i, at[a] + 4 * i,
                         u & 0x007fffffu ? "NaN" : "infinite");
                memcpy(dst + 4 * i, &u, 4);
            }
        }
        CcRnn2Layer *L = layer_of(m, s->layer);
        L->nb_inputs = layer_spec[s->layer].nb_inputs;
        L->nb_outputs = layer_spec[s->layer].nb_outputs;
        switch (s->role) {
        case R_WFLOAT: L->weights_float = (const float *)(void *)dst; break;
        case R_WINT8: L->weights_int8 = (const int8_t *)dst; w8_bytes[s->layer] = len[a]; break;
        case R_IDX: L->idx = (const int32_t *)(void *)dst; L->idx_count = arr->count; break;
        case R_DIAG: L->diag = (const float *)(void *)dst; break;
        case R_SUBIAS: L->subias = (const float *)(void *)dst; break;
        case R_SCALE: L->scale = (const float *)(void *)dst; break;
        default: L->bias = (const float *)(void *)dst; break;
        }
        dst += round64(len[a]);
    }

    /* Block indices against their int8 weights; dense int8 layers have every block. */
    for (int l = 0; l < CC_RNN2_LAYER_COUNT; l++) {
        const LayerSpec *s = &layer_spec[l];
        CcRnn2Layer *L = layer_of(m, l);
        if (s->form == F_INT8) {
            L->nb_blocks = (size_t)s->nb_inputs * (size_t)s->nb_outputs / 32;
        } else if (s->form == F_SPARSE || s->form == F_SPARSE_DIAG) {
            if (idx_ok(s->name, L->idx, L->idx_count, s->nb_inputs, s->nb_outputs, w8_bytes[l],
                       &L->nb_blocks) < 0)
                goto fail;
        }
    }

    uint32_t crc = cc_rnn_crc32(buf, end), want = cc_rnn_rd32(buf + end);
    if (crc != want)
        FAIL("checksum at offset %zu is 0x%08x, the content gives 0x%08x (corrupt file)", end,
             want, crc);
    *out = m;
    return 0;
fail:
    cc_rnn2_model_free(&m);
    return CC_ERR_MODEL;
}

int cc_rnn2_model_load_file(CcRnn2Model **out, const char *path)
{
    if (!out || !path)
        return CC_ERR(EINVAL);
    *out = NULL;
    uint8_t *buf;
    size_t size;
    int ret = cc_read_file(path, &buf, &size);
    if (ret < 0)
        return ret;
    ret = cc_rnn2_model_load(out, buf, size);
    if (ret < 0)
        cc_log(CC_LOG_ERROR, "rnnoise 0.2 model: %s could not be loaded", path);
    free(buf);
    return ret;
}

const CcRnn2Array *cc_rnn2_model_find(const CcRnn2Model *m, const char *name, int type,
                                      size_t count)
{
    if (!m || !name)
        return NULL;
    for (int a = 0; a < CC_RNN2_ARRAY_COUNT; a++) {
        const CcRnn2Array *arr = &m->arrays[a];
        if (arr->name && !strcmp(arr->name, name))
            return arr->type == type && (!count || arr->count == count) ? arr : NULL;
    }
    return NULL;
}

/* ---------------------------------------------------------------- writer */

int cc_rnn2_model_write_ccm(const CcRnn2Model *m, uint8_t **out, size_t *size)
{
    if (!m || !out || !size)
        return CC_ERR(EINVAL);
    *out = NULL;
    *size = 0;
    size_t total = HEAD_SIZE + 4;
    for (int a = 0; a < CC_RNN2_ARRAY_COUNT; a++)
        total += REC_HEAD + ((m->arrays[a].bytes + 3) & ~(size_t)3);
    uint8_t *b = cc_calloc(total, 1);
    if (!b)
        return CC_ERR(ENOMEM);
    memcpy(b, cc_rnn_ccm_magic, sizeof(cc_rnn_ccm_magic));
    cc_rnn_wr32(b + 8, VERSION);
    cc_rnn_wr32(b + 12, (uint32_t)total);
    memcpy(b + 16, CC_RNN2_ARCH, sizeof(CC_RNN2_ARCH));
    cc_rnn_wr32(b + 32, CC_RNN2_ARRAY_COUNT);
    size_t pos = HEAD_SIZE;
    for (int a = 0; a < CC_RNN2_ARRAY_COUNT; a++) {
        const CcRnn2Array *arr = &m->arrays[a];
        size_t padded = (arr->bytes + 3) & ~(size_t)3;
        cc_rnn_wr32(b + pos, (uint32_t)(REC_HEAD + padded));
        cc_rnn_wr32(b + pos + 4, (uint32_t)arr->type);
        cc_rnn_wr32(b + pos + 8, (uint32_t)arr->bytes);
        memcpy(b + pos + 12, array_spec[a].name, strlen(array_spec[a].name));
        const uint8_t *src = arr->data;
        if (arr->type == CC_RNN2_INT8) {
            memcpy(b + pos + REC_HEAD, src, arr->bytes);
        } else {
            for (size_t i = 0; i < arr->count; i++) {
                uint32_t u;
                memcpy(&u, src + 4 * i, 4);
                cc_rnn_wr32(b + pos + REC_HEAD + 4 * i, u);
            }
        }
        pos += REC_HEAD + padded;
    }
    cc_rnn_wr32(b + pos, cc_rnn_crc32(b, pos));
    *out = b;
    *size = total;
    return 0;
}
