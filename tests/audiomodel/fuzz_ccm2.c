/* Fuzz target for the RNNoise 0.2 .ccm (version 2) loader and the kind sniffing in front of
 * it. Anything the loader accepts must survive write -> load unchanged (same size; records
 * may come in another order, the writer uses table order), and every array must be found by
 * name with its type and count. */
#include <stdlib.h>
#include <string.h>

#include "audio/model/rnn2model.h"
#include "audio/model/rnnmodel.h"
#include "common.h"

static void quiet(void *o, int level, const char *msg) { (void)o; (void)level; (void)msg; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_set_log_callback(quiet, NULL);
    int kind = cc_rnn_model_kind(data, size);
    if (kind != 1 && kind != 2 && kind != CC_ERR_MODEL)
        abort();
    CcRnn2Model *m = NULL;
    if (cc_rnn2_model_load(&m, data, size) < 0) {
        if (m)
            abort(); /* a failed load must leave *out NULL */
        return 0;
    }
    if (kind != 2)
        abort();
    uint8_t *w = NULL;
    size_t n = 0;
    CcRnn2Model *r = NULL;
    if (cc_rnn2_model_write_ccm(m, &w, &n) || n != size || cc_rnn2_model_load(&r, w, n))
        abort();
    for (int a = 0; a < CC_RNN2_ARRAY_COUNT; a++) {
        const CcRnn2Array *x = &m->arrays[a];
        if (cc_rnn2_model_find(m, x->name, x->type, x->count) != x ||
            memcmp(r->arrays[a].data, x->data, x->bytes))
            abort();
    }
    free(w);
    cc_rnn2_model_free(&r);
    cc_rnn2_model_free(&m);
    return 0;
}
