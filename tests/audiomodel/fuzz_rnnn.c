/* Fuzz target for the .rnnn (FFmpeg text) loader. Accepted input must round-trip. */
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
    if (cc_rnn_model_load_rnnn(&m, data, size) < 0) {
        if (m)
            abort();
        return 0;
    }
    uint8_t *w = NULL;
    size_t n = 0;
    CcRnnModel *r = NULL;
    if (cc_rnn_model_write_rnnn(m, &w, &n) || cc_rnn_model_load_rnnn(&r, w, n) ||
        memcmp(r->storage, m->storage, CC_RNN_WEIGHT_COUNT))
        abort();
    free(w);
    cc_rnn_model_free(&r);
    cc_rnn_model_free(&m);
    return 0;
}
