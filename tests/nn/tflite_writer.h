/*
 * Minimal TFLite flatbuffer writer for tests: builds small models (tiny graphs with every
 * op the reader supports, plus deliberate oddities) for parser tests and the fuzz corpus.
 * Writes objects front to back (children after parents: flatbuffer offsets are unsigned
 * and point forward), vtables just before their tables.
 */
#ifndef CC_TFLITE_WRITER_H
#define CC_TFLITE_WRITER_H

#include <stddef.h>
#include <stdint.h>

/* A scalar field of an options table; size 0 = absent, 1 = u8, 4 = i32. */
typedef struct TwField {
    int size;
    int32_t val;
} TwField;

typedef struct TwTensor {
    int rank;
    int dims[4];
    int type;          /* 0 float32, 1 float16, 2 int32 */
    const void *data;  /* static contents or NULL */
    size_t data_bytes;
} TwTensor;

typedef struct TwOp {
    int builtin;            /* BuiltinOperator; 32 = CUSTOM */
    const char *custom;     /* custom code when builtin is 32 */
    int n_in;
    int in[4];
    int out;
    int opt_type;           /* builtin_options_type (0: no options table) */
    int n_opt;
    TwField opt[8];         /* options table fields 0..n_opt-1 */
    const uint8_t *custom_opts;
    size_t n_custom_opts;
} TwOp;

typedef struct TwModel {
    int n_tensors;
    const TwTensor *t;
    int n_ops;
    const TwOp *ops;
    int input, output;
    int bad_buffer; /* when nonzero: tensor 0 claims this buffer index */
} TwModel;

/* *out is malloc'ed. 0 on success. */
int tw_write(const TwModel *m, uint8_t **out, size_t *size);

/* The test model: input [1,8,8,3], every supported op once or more, output [1,16,16,1].
 * variant 0 is valid; the others break one thing each. */
enum {
    TW_VALID, TW_FULLY_CONNECTED, TW_CUSTOM_FOO, TW_DILATION, TW_TCONV_PADDING, TW_BAD_BUFFER,
    TW_TANH, TW_ALIGN_CORNERS, TW_BAD_SHAPE, TW_SHORT_TCONV_OPTS, TW_N_VARIANTS
};
int tw_tiny_model(uint8_t **out, size_t *size, int variant);

#endif
