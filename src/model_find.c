/*
 * cc_model_find(): model names to fetched files. The order of the places is the contract
 * shared with scripts/cachedir.sh (where `make models` puts them) and tests/util/testutil.c:
 * $CLEANCAST_CACHE, $XDG_CACHE_HOME/cleancast, $HOME/.cache/cleancast, then the installed
 * data directory (CC_MODEL_DATADIR, set by meson from the prefix).
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CC_MODEL_DATADIR
#define CC_MODEL_DATADIR "/usr/local/share/cleancast/models"
#endif

typedef struct ModelName {
    const char *name;
    const char *file;
    CcModelKind kind;
} ModelName;

static const ModelName model_names[] = {
    { "general", "selfie_segmentation.tflite", CC_MODEL_SEGMENTATION },
    { "landscape", "selfie_segmentation_landscape.tflite", CC_MODEL_SEGMENTATION },
    { "rnnoise", "rnnoise.ccm", CC_MODEL_DENOISE },
    { "rnnoise2", "rnnoise2.ccm", CC_MODEL_DENOISE },
};
#define N_NAMES (sizeof(model_names) / sizeof(model_names[0]))

static const char *kind_text(CcModelKind k)
{
    return k == CC_MODEL_SEGMENTATION ? "segmentation" : k == CC_MODEL_DENOISE ? "noise-suppression"
                                                                                 : "any";
}

/* "general, landscape" for kind (all names for CC_MODEL_ANY). */
static void names_of(CcModelKind kind, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < N_NAMES; i++) {
        if (kind != CC_MODEL_ANY && model_names[i].kind != kind)
            continue;
        int w = snprintf(buf + n, size - n, "%s%s", n ? ", " : "", model_names[i].name);
        if (w < 0 || (size_t)w >= size - n)
            return;
        n += (size_t)w;
    }
}

static int is_readable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

static int copy_out(const char *src, char *path, size_t path_size)
{
    size_t len = strlen(src);
    if (len >= path_size) {
        cc_log(CC_LOG_ERROR, "model path '%s' does not fit in %zu bytes", src, path_size);
        return CC_ERR(ERANGE);
    }
    memcpy(path, src, len + 1);
    return 0;
}

int cc_model_find_in(const char *name_or_path, CcModelKind kind, const char *datadir, char *path,
                     size_t path_size)
{
    if (!name_or_path || !*name_or_path || !path || !path_size) {
        cc_log(CC_LOG_ERROR, "cc_model_find: empty model name or no output buffer");
        return CC_ERR(EINVAL);
    }
    const ModelName *m = NULL;
    for (size_t i = 0; i < N_NAMES; i++)
        if (!strcmp(name_or_path, model_names[i].name))
            m = &model_names[i];
    if (!m) { /* a path: taken as it is */
        if (!is_readable_file(name_or_path)) {
            char names[128];
            names_of(kind, names, sizeof(names));
            cc_log(CC_LOG_ERROR, "model '%s': no such readable file, and not a model name (%s)",
                   name_or_path, names);
            return CC_ERR(ENOENT);
        }
        return copy_out(name_or_path, path, path_size);
    }
    if (kind != CC_MODEL_ANY && m->kind != kind) {
        char names[128];
        names_of(kind, names, sizeof(names));
        cc_log(CC_LOG_ERROR, "model '%s' is a %s model; a %s model is wanted here (%s, or a path)",
               m->name, kind_text(m->kind), kind_text(kind), names);
        return CC_ERR(EINVAL);
    }

    /* The places, in order; an unset variable leaves its place out (and says so). */
    enum { N_PLACES = 4 };
    char dirs[N_PLACES][2048];
    const char *what[N_PLACES] = { "$CLEANCAST_CACHE/models", "$XDG_CACHE_HOME/cleancast/models",
                                   "~/.cache/cleancast/models", "installed data directory" };
    const char *env = getenv("CLEANCAST_CACHE");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (env && *env)
        snprintf(dirs[0], sizeof(dirs[0]), "%s/models", env);
    else
        dirs[0][0] = 0;
    if (xdg && xdg[0] == '/') /* the XDG spec: relative values are ignored */
        snprintf(dirs[1], sizeof(dirs[1]), "%s/cleancast/models", xdg);
    else
        dirs[1][0] = 0;
    if (home && *home)
        snprintf(dirs[2], sizeof(dirs[2]), "%s/.cache/cleancast/models", home);
    else
        dirs[2][0] = 0;
    snprintf(dirs[3], sizeof(dirs[3]), "%s", datadir ? datadir : "");

    char file[4096];
    for (int i = 0; i < N_PLACES; i++) {
        if (!dirs[i][0])
            continue;
        snprintf(file, sizeof(file), "%s/%s", dirs[i], m->file);
        if (is_readable_file(file)) {
            cc_log(CC_LOG_DEBUG, "model '%s': %s", m->name, file);
            return copy_out(file, path, path_size);
        }
    }
    /* Not found: one message naming every place. */
    char msg[4096];
    size_t n = (size_t)snprintf(msg, sizeof(msg), "model '%s' (%s) not found; looked in", m->name,
                                m->file);
    for (int i = 0; i < N_PLACES && n < sizeof(msg); i++)
        n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s %s%s", i ? "," : "",
                              dirs[i][0] ? dirs[i] : what[i], dirs[i][0] ? "" : " (not set)");
    if (n < sizeof(msg))
        snprintf(msg + n, sizeof(msg) - n,
                 ". Fetch it with `make models` in the cleancast source tree, or give a path");
    cc_log(CC_LOG_ERROR, "%s", msg);
    return CC_ERR(ENOENT);
}

int cc_model_find(const char *name_or_path, CcModelKind kind, char *path, size_t path_size)
{
    return cc_model_find_in(name_or_path, kind, CC_MODEL_DATADIR, path, path_size);
}
