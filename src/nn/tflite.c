/*
 * TFLite flatbuffer reader: our own, bounds-checked, for the subset of the schema the
 * selfie-segmentation models use. No flatbuffers library.
 *
 * Flatbuffer layout (little endian): the file starts with a u32 offset to the root table
 * and the 4-byte identifier "TFL3". A table starts with an i32 back-offset to its vtable
 * (vtable = table - value); the vtable is u16 vtable_size, u16 table_size, then one u16
 * per field: the field's offset inside the table, 0 when absent (default value). A
 * reference field (table, vector, string) holds a u32 offset relative to the field's own
 * position. A vector is a u32 element count followed by the elements; vectors of tables
 * hold u32 offsets relative to each element's position.
 *
 * Schema subset (field numbers):
 *   Model: 0 version, 1 operator_codes, 2 subgraphs, 4 buffers
 *   OperatorCode: 0 deprecated_builtin_code (i8), 1 custom_code, 3 builtin_code (i32)
 *   SubGraph: 0 tensors, 1 inputs, 2 outputs, 3 operators
 *   Tensor: 0 shape [i32], 1 type (u8), 2 buffer (u32), 3 name, 4 quantization, 6 sparsity
 *   Buffer: 0 data [u8], 1 offset (u64), 2 size (u64)
 *   Operator: 0 opcode_index, 1 inputs, 2 outputs, 3 builtin_options_type, 4 builtin_options,
 *             5 custom_options [u8], 7 mutating_variable_inputs, 8 intermediates
 *
 * Every read goes through fb_* helpers that check the offset and size against the buffer
 * first; all positions are size_t computed from uint64 sums that cannot overflow.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nn/graph.h"

/* ---- flatbuffer primitives ---------------------------------------------------------- */

typedef struct Fb {
    const uint8_t *buf;
    size_t size;
} Fb;

typedef struct FbTable {
    size_t pos;       /* table start */
    size_t vt;        /* vtable start */
    unsigned vt_size; /* bytes */
    unsigned tb_size; /* bytes of inline table data */
} FbTable;

typedef struct FbVec {
    size_t pos; /* first element */
    uint32_t len;
} FbVec;

static int in_range(const Fb *fb, uint64_t pos, uint64_t len)
{
    return pos <= fb->size && len <= fb->size - pos;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

#define BAD(...) do { cc_log(CC_LOG_ERROR, "tflite: " __VA_ARGS__); return CC_ERR_MODEL; } while (0)

/* Opens the table at pos; what names it in messages. */
static int fb_table(const Fb *fb, size_t pos, FbTable *t, const char *what, int idx)
{
    if (!in_range(fb, pos, 4))
        BAD("%s %d: table offset %zu outside the %zu-byte file", what, idx, pos, fb->size);
    int32_t soff = (int32_t)rd32(fb->buf + pos);
    int64_t vt = (int64_t)pos - soff;
    if (vt < 0 || !in_range(fb, (uint64_t)vt, 4))
        BAD("%s %d: vtable offset %lld outside the file", what, idx, (long long)vt);
    t->pos = pos;
    t->vt = (size_t)vt;
    t->vt_size = rd16(fb->buf + t->vt);
    t->tb_size = rd16(fb->buf + t->vt + 2);
    if (t->vt_size < 4 || (t->vt_size & 1) || !in_range(fb, t->vt, t->vt_size))
        BAD("%s %d: bad vtable size %u at offset %zu", what, idx, t->vt_size, t->vt);
    if (t->tb_size < 4 || !in_range(fb, pos, t->tb_size))
        BAD("%s %d: table of %u bytes at offset %zu runs past the end", what, idx, t->tb_size, pos);
    return 0;
}

/* Position of field f with the given width, 0 when absent; -1 (logged) when it lies outside the table. */
static int64_t fb_field(const Fb *fb, const FbTable *t, int f, unsigned width, const char *what, int idx)
{
    (void)fb;
    unsigned slot = 4 + 2 * (unsigned)f;
    if (slot + 2 > t->vt_size)
        return 0;
    unsigned off = rd16(fb->buf + t->vt + slot);
    if (!off)
        return 0;
    if (off < 4 || (uint64_t)off + width > t->tb_size) {
        cc_log(CC_LOG_ERROR, "tflite: %s %d: field %d at table offset %u (width %u) outside the "
               "%u-byte table", what, idx, f, off, width, t->tb_size);
        return -1;
    }
    return (int64_t)(t->pos + off);
}

static int fb_u8(const Fb *fb, const FbTable *t, int f, unsigned def, unsigned *v, const char *what, int idx)
{
    int64_t p = fb_field(fb, t, f, 1, what, idx);
    if (p < 0)
        return CC_ERR_MODEL;
    *v = p ? fb->buf[p] : def;
    return 0;
}

static int fb_i32(const Fb *fb, const FbTable *t, int f, int32_t def, int32_t *v, const char *what, int idx)
{
    int64_t p = fb_field(fb, t, f, 4, what, idx);
    if (p < 0)
        return CC_ERR_MODEL;
    *v = p ? (int32_t)rd32(fb->buf + p) : def;
    return 0;
}

static int fb_u64(const Fb *fb, const FbTable *t, int f, uint64_t *v, const char *what, int idx)
{
    int64_t p = fb_field(fb, t, f, 8, what, idx);
    if (p < 0)
        return CC_ERR_MODEL;
    *v = p ? rd64(fb->buf + p) : 0;
    return 0;
}

/* Follows the reference at field f; *target = 0 when the field is absent. */
static int fb_ref(const Fb *fb, const FbTable *t, int f, size_t *target, const char *what, int idx)
{
    *target = 0;
    int64_t p = fb_field(fb, t, f, 4, what, idx);
    if (p < 0)
        return CC_ERR_MODEL;
    if (!p)
        return 0;
    uint64_t dst = (uint64_t)p + rd32(fb->buf + p);
    if (!in_range(fb, dst, 4))
        BAD("%s %d: field %d points to offset %llu outside the %zu-byte file", what, idx, f,
            (unsigned long long)dst, fb->size);
    *target = (size_t)dst;
    return 0;
}

/* Vector at field f with elements of elem bytes; an absent field is an empty vector. */
static int fb_vec(const Fb *fb, const FbTable *t, int f, unsigned elem, FbVec *v, const char *what, int idx)
{
    size_t p;
    int r = fb_ref(fb, t, f, &p, what, idx);
    v->pos = 0;
    v->len = 0;
    if (r || !p)
        return r;
    uint32_t len = rd32(fb->buf + p);
    if (!in_range(fb, (uint64_t)p + 4, (uint64_t)len * elem))
        BAD("%s %d: field %d: vector of %u x %u bytes at offset %zu runs past the end of the "
            "%zu-byte file", what, idx, f, len, elem, p, fb->size);
    v->pos = p + 4;
    v->len = len;
    return 0;
}

/* Element i of a vector of tables. */
static int fb_vec_table(const Fb *fb, const FbVec *v, uint32_t i, FbTable *t, const char *what)
{
    size_t ep = v->pos + (size_t)i * 4;
    uint64_t dst = (uint64_t)ep + rd32(fb->buf + ep);
    if (!in_range(fb, dst, 4))
        BAD("%s %u: offset %llu outside the %zu-byte file", what, i, (unsigned long long)dst, fb->size);
    return fb_table(fb, (size_t)dst, t, what, (int)i);
}

static int32_t vec_i32(const Fb *fb, const FbVec *v, uint32_t i)
{
    return (int32_t)rd32(fb->buf + v->pos + (size_t)i * 4);
}

/* Copies a string field into out (truncated, always terminated). */
static int fb_string(const Fb *fb, const FbTable *t, int f, char *out, size_t out_size, const char *what, int idx)
{
    FbVec v;
    int r = fb_vec(fb, t, f, 1, &v, what, idx);
    out[0] = 0;
    if (r)
        return r;
    size_t n = CC_MIN((size_t)v.len, out_size - 1);
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = fb->buf[v.pos + i];
        out[i] = ch >= 32 && ch < 127 ? (char)ch : '?';
    }
    out[n] = 0;
    return 0;
}

/* ---- TFLite enums ------------------------------------------------------------------- */

enum {
    TFL_ADD = 0, TFL_AVERAGE_POOL_2D = 1, TFL_CONV_2D = 3, TFL_DEPTHWISE_CONV_2D = 4,
    TFL_DEQUANTIZE = 6, TFL_LOGISTIC = 14, TFL_MUL = 18, TFL_RELU = 19, TFL_RESIZE_BILINEAR = 23,
    TFL_CUSTOM = 32, TFL_MEAN = 40, TFL_HARD_SWISH = 117,
};
enum { TT_FLOAT32 = 0, TT_FLOAT16 = 1, TT_INT32 = 2 };
enum { PAD_SAME = 0, PAD_VALID = 1 };

/* Names of common builtin codes, for messages about ops we do not run. */
static const char *builtin_name(int32_t code)
{
    static const char *const names[] = {
        "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE",
        "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP",
        "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION",
        "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1", "RELU6", "RESHAPE", "RESIZE_BILINEAR",
        "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH",
    };
    if (code >= 0 && code < (int32_t)(sizeof(names) / sizeof(names[0])))
        return names[code];
    switch (code) {
    case 32: return "CUSTOM";
    case 34: return "PAD";
    case 40: return "MEAN";
    case 41: return "SUB";
    case 42: return "DIV";
    case 117: return "HARD_SWISH";
    default: return "?";
    }
}

#define MAX_TENSORS 100000
#define MAX_OPS 100000

typedef struct OpCode {
    int32_t builtin;
    char custom[64];
} OpCode;

typedef struct Parser {
    Fb fb;
    OpCode *codes;
    uint32_t n_codes;
    FbVec buffers;
    FbVec tensors;
    CcNnGraph *g;
    uint8_t *tensor_type;    /* per tensor: TensorType */
    int32_t **int_data;      /* per tensor: static INT32 values (malloc'ed) or NULL */
    const uint8_t **raw;     /* per tensor: static buffer bytes in the file, or NULL */
    size_t *raw_size;
} Parser;

static float half_to_float(uint16_t h)
{
    int s = h >> 15, e = (h >> 10) & 31, m = h & 1023;
    float v;
    if (e == 0)
        v = ldexpf((float)m, -24);
    else if (e == 31)
        v = m ? NAN : INFINITY;
    else
        v = ldexpf((float)(m | 1024), e - 25);
    return s ? -v : v;
}

static int parse_opcodes(Parser *p, const FbTable *model)
{
    const Fb *fb = &p->fb;
    FbVec v;
    int r = fb_vec(fb, model, 1, 4, &v, "model", 0);
    if (r)
        return r;
    if (v.len > 10000)
        BAD("model has %u operator codes", v.len);
    p->codes = cc_calloc(v.len ? v.len : 1, sizeof(*p->codes));
    if (!p->codes)
        return CC_ERR(ENOMEM);
    p->n_codes = v.len;
    for (uint32_t i = 0; i < v.len; i++) {
        FbTable t;
        unsigned dep;
        int32_t code;
        if ((r = fb_vec_table(fb, &v, i, &t, "operator code")) ||
            (r = fb_u8(fb, &t, 0, 0, &dep, "operator code", (int)i)) ||
            (r = fb_i32(fb, &t, 3, 0, &code, "operator code", (int)i)) ||
            (r = fb_string(fb, &t, 1, p->codes[i].custom, sizeof(p->codes[i].custom), "operator code", (int)i)))
            return r;
        /* The schema's rule: the larger of the two fields is the real code. */
        p->codes[i].builtin = CC_MAX((int32_t)(int8_t)dep, code);
    }
    return 0;
}

static int parse_tensor(Parser *p, uint32_t i)
{
    const Fb *fb = &p->fb;
    FbTable t;
    FbVec shape;
    unsigned type;
    int32_t buffer;
    int r;
    int idx = (int)i;
    if ((r = fb_vec_table(fb, &p->tensors, i, &t, "tensor")) ||
        (r = fb_vec(fb, &t, 0, 4, &shape, "tensor", idx)) ||
        (r = fb_u8(fb, &t, 1, 0, &type, "tensor", idx)) ||
        (r = fb_i32(fb, &t, 2, 0, &buffer, "tensor", idx)))
        return r;
    size_t q, sp;
    if ((r = fb_ref(fb, &t, 4, &q, "tensor", idx)) || (r = fb_ref(fb, &t, 6, &sp, "tensor", idx)))
        return r;
    if (sp)
        BAD("tensor %d: sparse tensors are not supported", idx);
    /* Quantization parameters on a float tensor are harmless only when empty; we read
     * nothing from them (the models' fp16 weights go through DEQUANTIZE instead). */
    (void)q;
    if (type != TT_FLOAT32 && type != TT_FLOAT16 && type != TT_INT32) {
        cc_log(CC_LOG_ERROR, "tflite: tensor %d: type %u is not supported (float32, float16, int32)", idx, type);
        return CC_ERR_UNSUPPORTED;
    }
    if (shape.len < 1 || shape.len > 4)
        BAD("tensor %d: rank %u (need 1 to 4)", idx, shape.len);
    int dims[4];
    for (uint32_t d = 0; d < shape.len; d++)
        dims[d] = vec_i32(fb, &shape, d);
    CcNnTensor *ct = &p->g->tensors[i];
    if (cc_nn_tensor_set_shape(ct, (int)shape.len, dims))
        BAD("tensor %d: bad shape [%d,%d,%d,%d] (rank %u)", idx, dims[0], shape.len > 1 ? dims[1] : 0,
            shape.len > 2 ? dims[2] : 0, shape.len > 3 ? dims[3] : 0, shape.len);
    p->tensor_type[i] = (uint8_t)type;
    if (buffer < 0 || (uint32_t)buffer >= p->buffers.len)
        BAD("tensor %d: buffer index %d out of range (model has %u buffers)", idx, buffer, p->buffers.len);
    FbTable bt;
    FbVec data;
    uint64_t boff, bsize;
    if ((r = fb_vec_table(fb, &p->buffers, (uint32_t)buffer, &bt, "buffer")) ||
        (r = fb_vec(fb, &bt, 0, 1, &data, "buffer", buffer)) ||
        (r = fb_u64(fb, &bt, 1, &boff, "buffer", buffer)) ||
        (r = fb_u64(fb, &bt, 2, &bsize, "buffer", buffer)))
        return r;
    if (boff || bsize)
        BAD("buffer %d: external data (offset %llu, size %llu) is not supported", buffer,
            (unsigned long long)boff, (unsigned long long)bsize);
    if (!data.len)
        return 0;
    size_t elem = type == TT_FLOAT16 ? 2 : 4;
    if ((uint64_t)data.len != (uint64_t)ct->count * elem)
        BAD("tensor %d: buffer %d holds %u bytes, shape needs %zu", idx, buffer, data.len, ct->count * elem);
    p->raw[i] = fb->buf + data.pos;
    p->raw_size[i] = data.len;
    const uint8_t *src = p->raw[i];
    if (type == TT_FLOAT32) {
        ct->data = cc_alloc_aligned(ct->count * sizeof(float));
        if (!ct->data)
            return CC_ERR(ENOMEM);
        for (size_t k = 0; k < ct->count; k++) {
            uint32_t u = rd32(src + 4 * k);
            memcpy(&ct->data[k], &u, 4);
        }
    } else if (type == TT_INT32) {
        p->int_data[i] = cc_calloc(ct->count, sizeof(int32_t));
        if (!p->int_data[i])
            return CC_ERR(ENOMEM);
        for (size_t k = 0; k < ct->count; k++)
            p->int_data[i][k] = (int32_t)rd32(src + 4 * k);
    }
    /* float16 stays raw until a DEQUANTIZE converts it. */
    return 0;
}

static int act_range(unsigned act, CcNnOp *op, const char *opname, int k)
{
    switch (act) {
    case 0: op->act_min = -INFINITY; op->act_max = INFINITY; return 0;
    case 1: op->act_min = 0; op->act_max = INFINITY; return 0;
    case 2: op->act_min = -1; op->act_max = 1; return 0;
    case 3: op->act_min = 0; op->act_max = 6; return 0;
    default:
        cc_log(CC_LOG_ERROR, "tflite: operator %d (%s): fused activation %u is not supported", k, opname, act);
        return CC_ERR_UNSUPPORTED;
    }
}

/* TFLite's SAME/VALID padding of a strided conv along one axis. */
static int conv_pad(int padding, int in, int k, int stride, int out, int *before, int *after)
{
    if (padding == PAD_VALID) {
        *before = *after = 0;
        return 0;
    }
    long total = (long)(out - 1) * stride + k - in;
    if (total < 0)
        total = 0;
    *before = (int)(total / 2);
    *after = (int)(total - total / 2);
    return 0;
}

/* Static float data of a tensor that must be a constant. */
static int need_static(Parser *p, int t, const char *opname, int k, const char *role)
{
    if (!p->g->tensors[t].data)
        BAD("operator %d (%s): %s (tensor %d) must be a float constant", k, opname, role, t);
    return 0;
}

static int parse_operator(Parser *p, const FbTable *t, int k, CcNnOp *op, int *emitted)
{
    const Fb *fb = &p->fb;
    CcNnGraph *g = p->g;
    int32_t opcode_index;
    FbVec ins, outs, custom;
    unsigned opt_type;
    size_t opt_pos;
    int r;
    *emitted = 0;
    if ((r = fb_i32(fb, t, 0, 0, &opcode_index, "operator", k)) ||
        (r = fb_vec(fb, t, 1, 4, &ins, "operator", k)) ||
        (r = fb_vec(fb, t, 2, 4, &outs, "operator", k)) ||
        (r = fb_u8(fb, t, 3, 0, &opt_type, "operator", k)) ||
        (r = fb_ref(fb, t, 4, &opt_pos, "operator", k)) ||
        (r = fb_vec(fb, t, 5, 1, &custom, "operator", k)))
        return r;
    if (opcode_index < 0 || (uint32_t)opcode_index >= p->n_codes)
        BAD("operator %d: opcode index %d out of range (model has %u operator codes)", k, opcode_index, p->n_codes);
    const OpCode *code = &p->codes[opcode_index];
    if (ins.len < 1 || ins.len > 8 || outs.len != 1)
        BAD("operator %d: %u inputs and %u outputs", k, ins.len, outs.len);
    int in[8];
    for (uint32_t j = 0; j < ins.len; j++) {
        in[j] = vec_i32(fb, &ins, j);
        if (in[j] < 0 || in[j] >= g->n_tensors)
            BAD("operator %d: input %u is tensor %d, out of range (subgraph has %d tensors)", k, j, in[j], g->n_tensors);
    }
    int out = vec_i32(fb, &outs, 0);
    if (out < 0 || out >= g->n_tensors)
        BAD("operator %d: output is tensor %d, out of range (subgraph has %d tensors)", k, out, g->n_tensors);
    FbTable opt;
    int has_opt = 0;
    if (opt_pos) {
        if ((r = fb_table(fb, opt_pos, &opt, "options of operator", k)))
            return r;
        has_opt = 1;
    }
    const char *what = "options of operator";
    op->out = out;
    op->src_index = k;
    CcNnTensor *yt = &g->tensors[out];
    int32_t b = code->builtin;
    unsigned n_in_need = 1;
    const char *name = "?";
    switch (b) {
    case TFL_DEQUANTIZE: {
        name = "DEQUANTIZE";
        if (ins.len != 1)
            break;
        CcNnTensor *xt = &g->tensors[in[0]];
        if (p->tensor_type[in[0]] != TT_FLOAT16 || !p->raw[in[0]])
            BAD("operator %d (DEQUANTIZE): input tensor %d is not a float16 constant", k, in[0]);
        if (p->tensor_type[out] != TT_FLOAT32 || yt->data || yt->count != xt->count)
            BAD("operator %d (DEQUANTIZE): output tensor %d is not a float32 tensor of %zu values", k, out, xt->count);
        yt->data = cc_alloc_aligned(yt->count * sizeof(float));
        if (!yt->data)
            return CC_ERR(ENOMEM);
        for (size_t i = 0; i < yt->count; i++)
            yt->data[i] = half_to_float(rd16(p->raw[in[0]] + 2 * i));
        return 0; /* folded: no op emitted */
    }
    case TFL_CONV_2D:
    case TFL_DEPTHWISE_CONV_2D: {
        int dw = b == TFL_DEPTHWISE_CONV_2D;
        name = dw ? "DEPTHWISE_CONV_2D" : "CONV_2D";
        n_in_need = 3;
        if (ins.len != 3)
            BAD("operator %d (%s): %u inputs (need input, filter, bias)", k, name, ins.len);
        if (!has_opt)
            BAD("operator %d (%s): options missing", k, name);
        unsigned pad, act;
        int32_t sw, sh, mult = 1, dlw, dlh;
        int f = dw ? 1 : 0; /* depthwise has depth_multiplier at field 3 */
        if ((r = fb_u8(fb, &opt, 0, 0, &pad, what, k)) ||
            (r = fb_i32(fb, &opt, 1, 0, &sw, what, k)) ||
            (r = fb_i32(fb, &opt, 2, 0, &sh, what, k)) ||
            (dw && (r = fb_i32(fb, &opt, 3, 0, &mult, what, k))) ||
            (r = fb_u8(fb, &opt, 3 + f, 0, &act, what, k)) ||
            (r = fb_i32(fb, &opt, 4 + f, 1, &dlw, what, k)) ||
            (r = fb_i32(fb, &opt, 5 + f, 1, &dlh, what, k)))
            return r;
        if (pad > PAD_VALID || dlw != 1 || dlh != 1 || (dw && mult != 1)) {
            cc_log(CC_LOG_ERROR, "tflite: operator %d (%s): padding %u, dilation %dx%d, depth "
                   "multiplier %d not supported", k, name, pad, dlh, dlw, mult);
            return CC_ERR_UNSUPPORTED;
        }
        if (sw < 1 || sh < 1 || sw > 64 || sh > 64)
            BAD("operator %d (%s): stride %dx%d out of range", k, name, sh, sw);
        if ((r = need_static(p, in[1], name, k, "filter")) || (r = need_static(p, in[2], name, k, "bias")) ||
            (r = act_range(act, op, name, k)))
            return r;
        const CcNnTensor *xt = &g->tensors[in[0]], *ft = &g->tensors[in[1]];
        if (ft->rank != 4)
            BAD("operator %d (%s): filter tensor %d has rank %d", k, name, in[1], ft->rank);
        op->kind = dw ? CC_NN_OP_DWCONV2D : CC_NN_OP_CONV2D;
        op->stride_h = sh;
        op->stride_w = sw;
        conv_pad((int)pad, xt->h, ft->dims[1], sh, yt->h, &op->pad_top, &op->pad_bottom);
        conv_pad((int)pad, xt->w, ft->dims[2], sw, yt->w, &op->pad_left, &op->pad_right);
        /* The declared output must be what TFLite computes from the padding mode. */
        int eh = pad == PAD_SAME ? (xt->h + sh - 1) / sh : (xt->h - ft->dims[1] + sh) / sh;
        int ew = pad == PAD_SAME ? (xt->w + sw - 1) / sw : (xt->w - ft->dims[2] + sw) / sw;
        if (eh != yt->h || ew != yt->w)
            BAD("operator %d (%s): output tensor %d is %dx%d, padding mode gives %dx%d", k, name, out,
                yt->h, yt->w, eh, ew);
        break;
    }
    case TFL_CUSTOM: {
        name = code->custom;
        if (strcmp(code->custom, "Convolution2DTransposeBias")) {
            cc_log(CC_LOG_ERROR, "tflite: operator %d: custom op '%s' is not supported", k, code->custom);
            return CC_ERR_UNSUPPORTED;
        }
        n_in_need = 3;
        if (ins.len != 3)
            BAD("operator %d (%s): %u inputs (need input, filter, bias)", k, name, ins.len);
        /* MediaPipe's TfLiteTransposeConvParams: int32 padding (1 SAME, 2 VALID),
         * stride_width, stride_height; exactly 12 bytes (the selfie models: 1, 2, 2). */
        if (custom.len != 12)
            BAD("operator %d (%s): custom options are %u bytes (need 12)", k, name, custom.len);
        int32_t pad = (int32_t)rd32(fb->buf + custom.pos);
        int32_t sw = (int32_t)rd32(fb->buf + custom.pos + 4);
        int32_t sh = (int32_t)rd32(fb->buf + custom.pos + 8);
        if (pad != 1 && pad != 2) {
            cc_log(CC_LOG_ERROR, "tflite: operator %d (%s): padding mode %d not supported", k, name, pad);
            return CC_ERR_UNSUPPORTED;
        }
        if (sw < 1 || sh < 1 || sw > 64 || sh > 64)
            BAD("operator %d (%s): stride %dx%d out of range", k, name, sh, sw);
        if ((r = need_static(p, in[1], name, k, "filter")) || (r = need_static(p, in[2], name, k, "bias")))
            return r;
        const CcNnTensor *xt = &g->tensors[in[0]], *ft = &g->tensors[in[1]];
        if (ft->rank != 4)
            BAD("operator %d (%s): filter tensor %d has rank %d", k, name, in[1], ft->rank);
        int kh = ft->dims[1], kw = ft->dims[2];
        long eh = pad == 1 ? (long)xt->h * sh : (long)(xt->h - 1) * sh + kh;
        long ew = pad == 1 ? (long)xt->w * sw : (long)(xt->w - 1) * sw + kw;
        if (eh != yt->h || ew != yt->w)
            BAD("operator %d (%s): output tensor %d is %dx%d, padding mode gives %ldx%ld", k, name, out,
                yt->h, yt->w, eh, ew);
        /* Like TFLite's transpose conv: out_y = in_y * stride - pad_top + ky, kept when
         * inside the output. Rows the kernel does not reach get only the bias. */
        long th = (long)(xt->h - 1) * sh + kh - yt->h, tw = (long)(xt->w - 1) * sw + kw - yt->w;
        op->kind = CC_NN_OP_DECONV2D;
        op->stride_h = sh;
        op->stride_w = sw;
        op->pad_top = th > 0 ? (int)(th / 2) : 0;
        op->pad_bottom = th > 0 ? (int)(th - th / 2) : 0;
        op->adj_h = th < 0 ? (int)-th : 0;
        op->pad_left = tw > 0 ? (int)(tw / 2) : 0;
        op->pad_right = tw > 0 ? (int)(tw - tw / 2) : 0;
        op->adj_w = tw < 0 ? (int)-tw : 0;
        break;
    }
    case TFL_HARD_SWISH: name = "HARD_SWISH"; op->kind = CC_NN_OP_HARDSWISH; break;
    case TFL_LOGISTIC: name = "LOGISTIC"; op->kind = CC_NN_OP_SIGMOID; break;
    case TFL_RELU:
        name = "RELU";
        op->kind = CC_NN_OP_RELU;
        op->act_min = 0;
        op->act_max = INFINITY;
        break;
    case TFL_ADD:
    case TFL_MUL: {
        name = b == TFL_ADD ? "ADD" : "MUL";
        n_in_need = 2;
        op->kind = b == TFL_ADD ? CC_NN_OP_ADD : CC_NN_OP_MUL;
        unsigned act = 0;
        if (has_opt && (r = fb_u8(fb, &opt, 0, 0, &act, what, k)))
            return r;
        if ((r = act_range(act, op, name, k)))
            return r;
        break;
    }
    case TFL_AVERAGE_POOL_2D: {
        name = "AVERAGE_POOL_2D";
        if (!has_opt)
            BAD("operator %d (%s): options missing", k, name);
        unsigned pad, act;
        int32_t sw, sh, fw, fh;
        if ((r = fb_u8(fb, &opt, 0, 0, &pad, what, k)) || (r = fb_i32(fb, &opt, 1, 0, &sw, what, k)) ||
            (r = fb_i32(fb, &opt, 2, 0, &sh, what, k)) || (r = fb_i32(fb, &opt, 3, 0, &fw, what, k)) ||
            (r = fb_i32(fb, &opt, 4, 0, &fh, what, k)) || (r = fb_u8(fb, &opt, 5, 0, &act, what, k)))
            return r;
        const CcNnTensor *xt = &g->tensors[in[0]];
        /* Only the global form: the window covers the whole input, one output pixel. */
        if (pad != PAD_VALID || fw != xt->w || fh != xt->h || yt->h != 1 || yt->w != 1 || act != 0) {
            cc_log(CC_LOG_ERROR, "tflite: operator %d (%s): only global pooling is supported "
                   "(window %dx%d on %dx%d input, padding %u, activation %u)", k, name, fh, fw, xt->h, xt->w, pad, act);
            return CC_ERR_UNSUPPORTED;
        }
        op->kind = CC_NN_OP_GAVGPOOL;
        break;
    }
    case TFL_MEAN: {
        name = "MEAN";
        n_in_need = 2;
        if (ins.len != 2 || !p->int_data[in[1]])
            BAD("operator %d (MEAN): axes must be an int32 constant", k);
        const CcNnTensor *at = &g->tensors[in[1]];
        int seen = 0;
        for (size_t i = 0; i < at->count; i++) {
            int32_t a = p->int_data[in[1]][i];
            seen |= a == 1 || a == -3 ? 1 : a == 2 || a == -2 ? 2 : 4;
        }
        if (seen != 3 || at->count != 2) {
            cc_log(CC_LOG_ERROR, "tflite: operator %d (MEAN): only the mean over height and width is supported", k);
            return CC_ERR_UNSUPPORTED;
        }
        op->kind = CC_NN_OP_GAVGPOOL;
        break;
    }
    case TFL_RESIZE_BILINEAR: {
        name = "RESIZE_BILINEAR";
        n_in_need = 2;
        unsigned align = 0, half = 0;
        if (has_opt && ((r = fb_u8(fb, &opt, 2, 0, &align, what, k)) || (r = fb_u8(fb, &opt, 3, 0, &half, what, k))))
            return r;
        if (align || !half) {
            cc_log(CC_LOG_ERROR, "tflite: operator %d (%s): only half_pixel_centers without "
                   "align_corners is supported (align_corners %u, half_pixel_centers %u)", k, name, align, half);
            return CC_ERR_UNSUPPORTED;
        }
        if (ins.len != 2 || !p->int_data[in[1]] || g->tensors[in[1]].count != 2)
            BAD("operator %d (%s): size must be an int32 constant of 2 values", k, name);
        const int32_t *sz = p->int_data[in[1]];
        if (sz[0] != yt->h || sz[1] != yt->w)
            BAD("operator %d (%s): size %dx%d differs from output tensor %d (%dx%d)", k, name, sz[0], sz[1],
                out, yt->h, yt->w);
        op->kind = CC_NN_OP_RESIZE;
        break;
    }
    default:
        cc_log(CC_LOG_ERROR, "tflite: operator %d: builtin op %d (%s) is not supported", k, b, builtin_name(b));
        return CC_ERR_UNSUPPORTED;
    }
    if (ins.len != n_in_need)
        BAD("operator %d (%s): %u inputs, expected %u", k, name, ins.len, n_in_need);
    /* Inputs that only carry parameters (MEAN axes, RESIZE size) are not graph inputs. */
    unsigned n_data = b == TFL_MEAN || b == TFL_RESIZE_BILINEAR ? 1 : n_in_need;
    for (unsigned j = 0; j < n_data && j < 3; j++) {
        if (p->tensor_type[in[j]] != TT_FLOAT32)
            BAD("operator %d (%s): input %u (tensor %d) is not float32", k, name, j, in[j]);
        op->in[j] = in[j];
    }
    if (p->tensor_type[out] != TT_FLOAT32)
        BAD("operator %d (%s): output tensor %d is not float32", k, name, out);
    *emitted = 1;
    return 0;
}

static void parser_free(Parser *p)
{
    if (p->int_data)
        for (uint32_t i = 0; i < p->tensors.len; i++)
            free(p->int_data[i]);
    free(p->int_data);
    free(p->codes);
    free(p->tensor_type);
    free(p->raw);
    free(p->raw_size);
}

int cc_nn_graph_parse(CcNnGraph **out, const uint8_t *buf, size_t size)
{
    if (!out)
        return CC_ERR(EINVAL);
    *out = NULL;
    if (!buf)
        return CC_ERR(EINVAL);
    Parser p = {.fb = {buf, size}};
    const Fb *fb = &p.fb;
    FbTable model, sub;
    FbVec subs, ins, outs, ops;
    int r;
    if (size < 8)
        BAD("file of %zu bytes is too short", size);
    if (memcmp(buf + 4, "TFL3", 4))
        BAD("missing 'TFL3' file identifier at offset 4");
    int32_t version;
    if ((r = fb_table(fb, rd32(buf), &model, "model", 0)) ||
        (r = fb_i32(fb, &model, 0, 0, &version, "model", 0)))
        return r;
    if (version != 3)
        BAD("schema version %d (expected 3)", version);
    if ((r = fb_vec(fb, &model, 2, 4, &subs, "model", 0)) || (r = fb_vec(fb, &model, 4, 4, &p.buffers, "model", 0)))
        return r;
    if (subs.len != 1)
        BAD("model has %u subgraphs (expected 1)", subs.len);
    if ((r = fb_vec_table(fb, &subs, 0, &sub, "subgraph")) ||
        (r = fb_vec(fb, &sub, 0, 4, &p.tensors, "subgraph", 0)) ||
        (r = fb_vec(fb, &sub, 1, 4, &ins, "subgraph", 0)) ||
        (r = fb_vec(fb, &sub, 2, 4, &outs, "subgraph", 0)) ||
        (r = fb_vec(fb, &sub, 3, 4, &ops, "subgraph", 0)))
        return r;
    if (p.tensors.len < 1 || p.tensors.len > MAX_TENSORS || ops.len > MAX_OPS)
        BAD("subgraph has %u tensors and %u operators", p.tensors.len, ops.len);
    if (ins.len != 1 || outs.len != 1)
        BAD("subgraph has %u inputs and %u outputs (expected 1 and 1)", ins.len, outs.len);
    if ((r = parse_opcodes(&p, &model)))
        goto fail;
    /* Every buffer must be whole, referenced or not: a cut file fails here. */
    for (uint32_t i = 0; i < p.buffers.len; i++) {
        FbTable bt;
        FbVec data;
        if ((r = fb_vec_table(fb, &p.buffers, i, &bt, "buffer")) ||
            (r = fb_vec(fb, &bt, 0, 1, &data, "buffer", (int)i)))
            goto fail;
    }
    p.g = cc_nn_graph_alloc((int)p.tensors.len, (int)ops.len);
    p.tensor_type = cc_calloc(p.tensors.len, 1);
    p.int_data = cc_calloc(p.tensors.len, sizeof(*p.int_data));
    p.raw = cc_calloc(p.tensors.len, sizeof(*p.raw));
    p.raw_size = cc_calloc(p.tensors.len, sizeof(*p.raw_size));
    if (!p.g || !p.tensor_type || !p.int_data || !p.raw || !p.raw_size) {
        r = CC_ERR(ENOMEM);
        goto fail;
    }
    for (uint32_t i = 0; i < p.tensors.len; i++)
        if ((r = parse_tensor(&p, i)))
            goto fail;
    CcNnGraph *g = p.g;
    g->input = vec_i32(fb, &ins, 0);
    g->output = vec_i32(fb, &outs, 0);
    if (g->input < 0 || g->input >= g->n_tensors || g->output < 0 || g->output >= g->n_tensors) {
        cc_log(CC_LOG_ERROR, "tflite: subgraph input %d / output %d out of range (%d tensors)",
               g->input, g->output, g->n_tensors);
        r = CC_ERR_MODEL;
        goto fail;
    }
    if (p.tensor_type[g->input] != TT_FLOAT32 || p.tensor_type[g->output] != TT_FLOAT32 ||
        p.raw[g->input]) {
        cc_log(CC_LOG_ERROR, "tflite: subgraph input/output tensors must be float32 activations");
        r = CC_ERR_MODEL;
        goto fail;
    }
    int n = 0;
    for (uint32_t k = 0; k < ops.len; k++) {
        FbTable ot;
        int emitted;
        if ((r = fb_vec_table(fb, &ops, k, &ot, "operator")) ||
            (r = parse_operator(&p, &ot, (int)k, &g->ops[n], &emitted)))
            goto fail;
        n += emitted;
    }
    g->n_ops = n;
    if ((r = cc_nn_graph_check(g)))
        goto fail;
    parser_free(&p);
    *out = g;
    cc_log(CC_LOG_DEBUG, "tflite: %d tensors, %d ops (%u in the file)", g->n_tensors, g->n_ops, ops.len);
    return 0;
fail:
    cc_nn_graph_free(&p.g);
    parser_free(&p);
    return r;
}
