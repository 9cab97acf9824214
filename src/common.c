#include "common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static CcLogCallback log_cb;
static void *log_opaque;

void cc_set_log_callback(CcLogCallback cb, void *opaque)
{
    log_cb = cb;
    log_opaque = opaque;
}

void cc_log(int level, const char *fmt, ...)
{
    if (!log_cb)
        return;
    char line[4096]; /* a missing model's message lists four folders */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_cb(log_opaque, level, line);
}

const char *cc_strerror(int err)
{
    switch (err) {
    case 0: return "success";
    case CC_ERR_MODEL: return "malformed or unsupported model file";
    case CC_ERR_UNSUPPORTED: return "unsupported input or operation";
    case CC_ERR_BACKEND: return "inference backend failure";
    case CC_ERR_DATA: return "malformed media data";
    case CC_ERR(EINVAL): return "invalid argument";
    case CC_ERR(ENOMEM): return "out of memory";
    case CC_ERR(ENOENT): return "no such file";
    case CC_ERR(EIO): return "input/output error";
    case CC_ERR(ENOSYS): return "not built into this library";
    case CC_ERR(ERANGE): return "value out of range";
    default: return err < 0 && err > -4096 ? "system error" : "unknown error";
    }
}

const char *cc_version(void)
{
    return CC_VERSION_STRING;
}

void *cc_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *cc_alloc_aligned(size_t size)
{
    void *p = NULL;
    size = (size + 63) & ~(size_t)63;
    if (posix_memalign(&p, 64, size ? size : 64))
        return NULL;
    memset(p, 0, size ? size : 64);
    return p;
}

void cc_free_aligned(void *p)
{
    free(p);
}

int cc_read_file(const char *path, uint8_t **out, size_t *size)
{
    *out = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        cc_log(CC_LOG_ERROR, "cannot open '%s': %s", path, strerror(e));
        return CC_ERR(e ? e : EIO);
    }
    if (fseek(f, 0, SEEK_END) || ftell(f) < 0) {
        cc_log(CC_LOG_ERROR, "cannot seek in '%s'", path);
        fclose(f);
        return CC_ERR(EIO);
    }
    long len = ftell(f);
    rewind(f);
    uint8_t *buf = malloc(len ? (size_t)len : 1);
    if (!buf) {
        fclose(f);
        return CC_ERR(ENOMEM);
    }
    if (len && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        cc_log(CC_LOG_ERROR, "short read from '%s'", path);
        free(buf);
        fclose(f);
        return CC_ERR(EIO);
    }
    fclose(f);
    *out = buf;
    *size = (size_t)len;
    return 0;
}
