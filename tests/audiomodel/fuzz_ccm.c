/* Fuzz target for the .ccm loader. Anything it accepts must survive write -> load unchanged. */
#include <stdlib.h>
#include <string.h>

#include "audio/model/rnnmodel.h"
#include "common.h"

static void quiet(void *o, int level, const char *msg) { (void)o; (void)level; (void)msg; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_set_log_callback(quiet, NULL);
    CcRnnModel *m = NULL;
    if (cc_rnn_model_load(&m, data, size) < 0) {
        if (m)
            abort(); /* a failed load must leave *out NULL */
        return 0;
    }
    uint8_t *w = NULL;
    size_t n = 0;
    CcRnnModel *r = NULL;
    if (cc_rnn_model_write_ccm(m, &w, &n) || cc_rnn_model_load(&r, w, n) ||
        memcmp(r->storage, m->storage, CC_RNN_WEIGHT_COUNT))
        abort();
    free(w);
    cc_rnn_model_free(&r);
    cc_rnn_model_free(&m);
    return 0;
}
