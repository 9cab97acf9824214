#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleancast/cleancast.h"

int cc_test_failures;

const char *cc_test_cache_dir(void)
{
    static char dir[1024];
    /* The same order as scripts/cachedir.sh and cc_model_find(). */
    const char *env = getenv("CLEANCAST_CACHE");
    if (env && *env)
        return env;
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (xdg && xdg[0] == '/')
        snprintf(dir, sizeof(dir), "%s/cleancast", xdg);
    else
        snprintf(dir, sizeof(dir), "%s/.cache/cleancast", home ? home : "/tmp");
    return dir;
}

int cc_test_cache_path(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/%s", cc_test_cache_dir(), rel);
    return access(buf, R_OK) == 0;
}

void cc_test_need(char *buf, size_t size, const char *rel)
{
    if (!cc_test_cache_path(buf, size, rel)) {
        char manifest[4096];
        /* Material listed in data/: once data/fetch.sh has run (its manifest is written
           last), a missing file is a broken cache, not a machine that cannot run the test. */
        if (!strncmp(rel, "data/", 5) && strcmp(rel, "data/MANIFEST.sha256") &&
            cc_test_cache_path(manifest, sizeof(manifest), "data/MANIFEST.sha256")) {
            fprintf(stderr, "FAIL: test material %s missing although data/fetch.sh ran "
                    "(data/fetch.sh --force)\n", buf);
            exit(1);
        }
        fprintf(stderr, "SKIP: test material %s missing (run `make setup`)\n", buf);
        exit(CC_TEST_SKIP);
    }
}

void cc_test_need_data(void)
{
    char buf[4096];
    cc_test_need(buf, sizeof(buf), "data/MANIFEST.sha256");
}

void cc_test_src_path(char *buf, size_t size, const char *rel)
{
    const char *root = getenv("CC_SOURCE_ROOT");
    snprintf(buf, size, "%s/%s", root ? root : ".", rel);
}

static int read_token(FILE *f, int *val)
{
    int c;
    do {
        c = fgetc(f);
        if (c == '#')
            while (c != '\n' && c != EOF)
                c = fgetc(f);
    } while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    if (c < '0' || c > '9')
        return -1;
    long v = 0;
    while (c >= '0' && c <= '9') {
        v = v * 10 + (c - '0');
        if (v > 1 << 20)
            return -1;
        c = fgetc(f);
    }
    *val = (int)v;
    return 0;
}

int cc_test_read_pnm(const char *path, uint8_t **pix, int *w, int *h, int *channels)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char magic[2];
    int maxval;
    if (fread(magic, 1, 2, f) != 2 || magic[0] != 'P' || (magic[1] != '5' && magic[1] != '6') ||
        read_token(f, w) || read_token(f, h) || read_token(f, &maxval) || maxval != 255 ||
        *w <= 0 || *h <= 0) {
        fclose(f);
        return -1;
    }
    *channels = magic[1] == '5' ? 1 : 3;
    size_t n = (size_t)*w * *h * *channels;
    *pix = malloc(n);
    if (!*pix || fread(*pix, 1, n, f) != n) {
        free(*pix);
        *pix = NULL;
        fclose(f);
        return -1;
    }
    fclose(f);
    return 0;
}

int cc_test_write_pnm(const char *path, const uint8_t *pix, int w, int h, int channels)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fprintf(f, "P%c\n%d %d\n255\n", channels == 1 ? '5' : '6', w, h);
    size_t n = (size_t)w * h * channels;
    int ok = fwrite(pix, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

static void log_cb(void *opaque, int level, const char *msg)
{
    (void)opaque;
    fprintf(stderr, "[cc %d] %s\n", level, msg);
}

void cc_test_log_to_stderr(void)
{
    cc_set_log_callback(log_cb, NULL);
}
