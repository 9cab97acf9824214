#include "tflite_writer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct W {
    uint8_t *p;
    size_t n, cap;
    int oom;
} W;

static size_t put(W *w, const void *src, size_t n)
{
    if (w->n + n > w->cap) {
        size_t cap = (w->cap + n) * 2 + 256;
        uint8_t *p = realloc(w->p, cap);
        if (!p) {
            w->oom = 1;
            return w->n;
        }
        w->p = p;
        w->cap = cap;
    }
    size_t pos = w->n;
    if (src)
        memcpy(w->p + pos, src, n);
    else
        memset(w->p + pos, 0, n);
    w->n += n;
    return pos;
}

static void align(W *w, size_t a)
{
    while (w->n % a)
        put(w, NULL, 1);
}

static void wr16(W *w, size_t pos, uint16_t v)
{
    w->p[pos] = (uint8_t)v;
    w->p[pos + 1] = (uint8_t)(v >> 8);
}

static void wr32(W *w, size_t pos, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        w->p[pos + i] = (uint8_t)(v >> (8 * i));
}

static size_t put32(W *w, uint32_t v)
{
    size_t pos = put(w, NULL, 4);
    if (!w->oom)
        wr32(w, pos, v);
    return pos;
}

/* Points the reference at pos to target (target after pos). */
static void patch(W *w, size_t pos, size_t target)
{
    if (!w->oom)
        wr32(w, pos, (uint32_t)(target - pos));
}

/* Table with n fields of the given sizes (0 absent, 1 or 4); fpos gets field positions. */
static size_t table(W *w, int n, const int *sizes, const int32_t *vals, size_t *fpos)
{
    unsigned off[16], o = 4;
    for (int i = 0; i < n; i++) {
        if (!sizes[i]) {
            off[i] = 0;
            continue;
        }
        o = (o + (unsigned)sizes[i] - 1) / (unsigned)sizes[i] * (unsigned)sizes[i];
        off[i] = o;
        o += (unsigned)sizes[i];
    }
    unsigned tsize = (o + 3) & ~3u;
    align(w, 2);
    size_t vt = put(w, NULL, 4 + 2 * (size_t)n);
    align(w, 4);
    size_t tb = put(w, NULL, tsize);
    if (w->oom)
        return tb;
    wr16(w, vt, (uint16_t)(4 + 2 * n));
    wr16(w, vt + 2, (uint16_t)tsize);
    for (int i = 0; i < n; i++)
        wr16(w, vt + 4 + 2 * (size_t)i, (uint16_t)off[i]);
    wr32(w, tb, (uint32_t)(tb - vt));
    for (int i = 0; i < n; i++) {
        if (fpos)
            fpos[i] = off[i] ? tb + off[i] : 0;
        if (sizes[i] == 1)
            w->p[tb + off[i]] = (uint8_t)vals[i];
        else if (sizes[i] == 4)
            wr32(w, tb + off[i], (uint32_t)vals[i]);
    }
    return tb;
}

static size_t vec_i32(W *w, int n, const int32_t *v)
{
    align(w, 4);
    size_t pos = put32(w, (uint32_t)n);
    for (int i = 0; i < n; i++)
        put32(w, v ? (uint32_t)v[i] : 0);
    return pos;
}

int tw_write(const TwModel *m, uint8_t **out, size_t *size)
{
    W w = {0};
    size_t fp[8];
    put32(&w, 0);
    put(&w, "TFL3", 4);
    {
        int sz[5] = {4, 4, 4, 0, 4};
        int32_t v[5] = {3, 0, 0, 0, 0};
        size_t root = table(&w, 5, sz, v, fp);
        patch(&w, 0, root);
    }
    size_t f_codes = fp[1], f_subs = fp[2], f_bufs = fp[4];
    /* operator codes: one per op */
    size_t codes = vec_i32(&w, m->n_ops, NULL);
    patch(&w, f_codes, codes);
    for (int i = 0; i < m->n_ops; i++) {
        const TwOp *op = &m->ops[i];
        int sz[4] = {1, op->custom ? 4 : 0, 0, 4};
        int32_t v[4] = {op->builtin < 127 ? op->builtin : 127, 0, 0, op->builtin};
        size_t t = table(&w, 4, sz, v, fp);
        patch(&w, codes + 4 + 4 * (size_t)i, t);
        if (op->custom) {
            align(&w, 4);
            size_t s = put32(&w, (uint32_t)strlen(op->custom));
            put(&w, op->custom, strlen(op->custom) + 1);
            patch(&w, fp[1], s);
        }
    }
    size_t subs = vec_i32(&w, 1, NULL);
    patch(&w, f_subs, subs);
    int ssz[4] = {4, 4, 4, 4};
    int32_t sv[4] = {0};
    size_t sub = table(&w, 4, ssz, sv, fp);
    patch(&w, subs + 4, sub);
    size_t f_tensors = fp[0], f_ins = fp[1], f_outs = fp[2], f_ops = fp[3];
    size_t tens = vec_i32(&w, m->n_tensors, NULL);
    patch(&w, f_tensors, tens);
    for (int i = 0; i < m->n_tensors; i++) {
        const TwTensor *t = &m->t[i];
        int sz[3] = {4, 1, 4};
        int32_t v[3] = {0, t->type, t->data ? i + 1 : 0};
        if (i == 0 && m->bad_buffer)
            v[2] = m->bad_buffer;
        size_t tb = table(&w, 3, sz, v, fp);
        patch(&w, tens + 4 + 4 * (size_t)i, tb);
        patch(&w, fp[0], vec_i32(&w, t->rank, t->dims));
    }
    int32_t io = m->input;
    patch(&w, f_ins, vec_i32(&w, 1, &io));
    io = m->output;
    patch(&w, f_outs, vec_i32(&w, 1, &io));
    size_t ops = vec_i32(&w, m->n_ops, NULL);
    patch(&w, f_ops, ops);
    for (int i = 0; i < m->n_ops; i++) {
        const TwOp *op = &m->ops[i];
        int sz[6] = {4, 4, 4, op->opt_type ? 1 : 0, op->opt_type ? 4 : 0, op->custom_opts ? 4 : 0};
        int32_t v[6] = {i, 0, 0, op->opt_type, 0, 0};
        size_t tb = table(&w, 6, sz, v, fp);
        size_t f[6];
        memcpy(f, fp, sizeof(f));
        patch(&w, ops + 4 + 4 * (size_t)i, tb);
        patch(&w, f[1], vec_i32(&w, op->n_in, op->in));
        io = op->out;
        patch(&w, f[2], vec_i32(&w, 1, &io));
        if (op->opt_type) {
            int osz[8];
            int32_t ov[8];
            for (int k = 0; k < op->n_opt; k++) {
                osz[k] = op->opt[k].size;
                ov[k] = op->opt[k].val;
            }
            patch(&w, f[4], table(&w, op->n_opt, osz, ov, NULL));
        }
        if (op->custom_opts) {
            align(&w, 4);
            size_t p = put32(&w, (uint32_t)op->n_custom_opts);
            put(&w, op->custom_opts, op->n_custom_opts);
            patch(&w, f[5], p);
        }
    }
    size_t bufs = vec_i32(&w, m->n_tensors + 1, NULL);
    patch(&w, f_bufs, bufs);
    for (int i = 0; i <= m->n_tensors; i++) {
        const TwTensor *t = i ? &m->t[i - 1] : NULL;
        int sz[1] = {t && t->data ? 4 : 0};
        int32_t v[1] = {0};
        size_t tb = table(&w, 1, sz, v, fp);
        patch(&w, bufs + 4 + 4 * (size_t)i, tb);
        if (t && t->data) {
            while ((w.n + 4) % 16)
                put(&w, NULL, 1);
            size_t p = put32(&w, (uint32_t)t->data_bytes);
            put(&w, t->data, t->data_bytes);
            patch(&w, fp[0], p);
        }
    }
    if (w.oom) {
        free(w.p);
        return -1;
    }
    *out = w.p;
    *size = w.n;
    return 0;
}

/* float -> IEEE half, round to nearest (values here are small and normal). */
static uint16_t to_half(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    uint32_t s = (u >> 16) & 0x8000;
    int e = (int)((u >> 23) & 255) - 127 + 15;
    uint32_t m = u & 0x7fffff;
    if (e <= 0)
        return (uint16_t)s;
    uint32_t h = s | (uint32_t)e << 10 | m >> 13;
    if (m & 0x1000)
        h++;
    return (uint16_t)h;
}

int tw_tiny_model(uint8_t **out, size_t *size, int variant)
{
    static float conv_w[4 * 3 * 3 * 3], conv_b[4], dw_w[3 * 3 * 4], dw_b[4], de_w[1 * 2 * 2 * 4], de_b[1];
    static uint16_t conv_w16[4 * 3 * 3 * 3];
    static const int32_t axes[2] = {1, 2}, rsize[2] = {8, 8};
    static const int32_t tconv_opts[3] = {1, 2, 2}; /* SAME, stride 2x2 */
    uint32_t seed = 7;
    float *all[5] = {conv_w, conv_b, dw_w, dw_b, de_w};
    size_t cnt[5] = {108, 4, 36, 4, 16};
    for (int a = 0; a < 5; a++)
        for (size_t i = 0; i < cnt[a]; i++) {
            seed = seed * 1664525u + 1013904223u;
            all[a][i] = ((float)(seed >> 8) / (float)(1u << 24) - 0.5f);
        }
    de_b[0] = 0.1f;
    for (int i = 0; i < 108; i++)
        conv_w16[i] = to_half(conv_w[i]);
    enum { IN, W16, W32, CB, A, B, DWW, DWB, C, AX, D, E, F, G, H, I, RS, J, DEW, DEB, K, OUT, NT };
    TwTensor t[NT] = {
        [IN] = {4, {1, 8, 8, 3}, 0, NULL, 0},
        [W16] = {4, {4, 3, 3, 3}, 1, conv_w16, sizeof(conv_w16)},
        [W32] = {4, {4, 3, 3, 3}, 0, NULL, 0},
        [CB] = {1, {4}, 0, conv_b, sizeof(conv_b)},
        [A] = {4, {1, 4, 4, 4}, 0, NULL, 0},
        [B] = {4, {1, 4, 4, 4}, 0, NULL, 0},
        [DWW] = {4, {1, 3, 3, 4}, 0, dw_w, sizeof(dw_w)},
        [DWB] = {1, {4}, 0, dw_b, sizeof(dw_b)},
        [C] = {4, {1, 4, 4, 4}, 0, NULL, 0},
        [AX] = {1, {2}, 2, axes, sizeof(axes)},
        [D] = {4, {1, 1, 1, 4}, 0, NULL, 0},
        [E] = {4, {1, 1, 1, 4}, 0, NULL, 0},
        [F] = {4, {1, 4, 4, 4}, 0, NULL, 0},
        [G] = {4, {1, 1, 1, 4}, 0, NULL, 0},
        [H] = {4, {1, 4, 4, 4}, 0, NULL, 0},
        [I] = {4, {1, 4, 4, 4}, 0, NULL, 0},
        [RS] = {1, {2}, 2, rsize, sizeof(rsize)},
        [J] = {4, {1, 8, 8, 4}, 0, NULL, 0},
        [DEW] = {4, {1, 2, 2, 4}, 0, de_w, sizeof(de_w)},
        [DEB] = {1, {1}, 0, de_b, sizeof(de_b)},
        [K] = {4, {1, 16, 16, 1}, 0, NULL, 0},
        [OUT] = {4, {1, 16, 16, 1}, 0, NULL, 0},
    };
    /* builtin codes: ADD 0, AVERAGE_POOL_2D 1, CONV_2D 3, DEPTHWISE 4, DEQUANTIZE 6,
     * LOGISTIC 14, MUL 18, RELU 19, RESIZE_BILINEAR 23, CUSTOM 32, MEAN 40, HARD_SWISH 117 */
    TwOp ops[] = {
        {6, NULL, 1, {W16}, W32, 0, 0, {{0}}, NULL, 0},
        {3, NULL, 3, {IN, W32, CB}, A, 1, 4, {{1, 0}, {4, 2}, {4, 2}, {1, 0}}, NULL, 0},
        {117, NULL, 1, {A}, B, 0, 0, {{0}}, NULL, 0},
        {4, NULL, 3, {B, DWW, DWB}, C, 2, 5, {{1, 0}, {4, 1}, {4, 1}, {4, 1}, {1, 1}}, NULL, 0},
        {40, NULL, 2, {C, AX}, D, 27, 1, {{1, 1}}, NULL, 0},
        {14, NULL, 1, {D}, E, 0, 0, {{0}}, NULL, 0},
        {18, NULL, 2, {C, E}, F, 21, 1, {{1, 0}}, NULL, 0},
        {1, NULL, 1, {F}, G, 5, 6, {{1, 1}, {4, 1}, {4, 1}, {4, 4}, {4, 4}, {1, 0}}, NULL, 0},
        {0, NULL, 2, {F, G}, H, 11, 1, {{1, 0}}, NULL, 0},
        {19, NULL, 1, {H}, I, 0, 0, {{0}}, NULL, 0},
        {23, NULL, 2, {I, RS}, J, 15, 4, {{0}, {0}, {1, 0}, {1, 1}}, NULL, 0},
        {32, "Convolution2DTransposeBias", 3, {J, DEW, DEB}, K, 0, 0, {{0}},
         (const uint8_t *)tconv_opts, sizeof(tconv_opts)},
        {14, NULL, 1, {K}, OUT, 0, 0, {{0}}, NULL, 0},
    };
    TwModel m = {NT, t, (int)(sizeof(ops) / sizeof(ops[0])), ops, IN, OUT, 0};
    static const int32_t tconv_bad[3] = {0, 2, 2};
    switch (variant) {
    case TW_FULLY_CONNECTED: ops[2].builtin = 9; break;
    case TW_CUSTOM_FOO: ops[11].custom = "Foo"; break;
    case TW_DILATION: ops[1].n_opt = 6; ops[1].opt[4] = (TwField){4, 2}; ops[1].opt[5] = (TwField){4, 2}; break;
    case TW_TCONV_PADDING: ops[11].custom_opts = (const uint8_t *)tconv_bad; break;
    case TW_BAD_BUFFER: m.bad_buffer = 99; break;
    case TW_TANH: ops[1].opt[3] = (TwField){1, 4}; break;
    case TW_ALIGN_CORNERS: ops[10].opt[2] = (TwField){1, 1}; break;
    case TW_BAD_SHAPE: t[A].dims[1] = 5; t[B].dims[1] = 5; break;
    case TW_SHORT_TCONV_OPTS: ops[11].n_custom_opts = 8; break;
    default: break;
    }
    return tw_write(&m, out, size);
}
