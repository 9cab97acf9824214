/*
 * cc_model_find(): every place in order ($CLEANCAST_CACHE, $XDG_CACHE_HOME, ~/.cache, the
 * data directory), a path overriding a name, the wrong kind of name, and the message for a
 * missing model (it names every place and how to fetch). Temporary folders and environment
 * variables only; no fetched material needed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "testutil.h"

static char last_msg[8192];
static int n_errors;

static void log_cb(void *opaque, int level, const char *msg)
{
    (void)opaque;
    if (level == CC_LOG_ERROR) {
        snprintf(last_msg, sizeof(last_msg), "%s", msg);
        n_errors++;
    }
}

static void mkdirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(tmp, 0700);
            *p = '/';
        }
    mkdir(tmp, 0700);
}

static void touch(const char *dir, const char *file)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s", dir, file);
    FILE *f = fopen(p, "wb");
    if (f) {
        fputs("x", f);
        fclose(f);
    }
}

static void rm(const char *dir, const char *file)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s", dir, file);
    unlink(p);
}

int main(void)
{
    cc_set_log_callback(log_cb, NULL);
    char root[] = "/tmp/cc_model_find_XXXXXX";
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    char d_env[512], d_xdg[512], d_home[512], d_data[512], xdg[256], home[256], cc[256];
    snprintf(cc, sizeof(cc), "%s/cc", root);
    snprintf(xdg, sizeof(xdg), "%s/xdg", root);
    snprintf(home, sizeof(home), "%s/home", root);
    snprintf(d_env, sizeof(d_env), "%s/models", cc);
    snprintf(d_xdg, sizeof(d_xdg), "%s/cleancast/models", xdg);
    snprintf(d_home, sizeof(d_home), "%s/.cache/cleancast/models", home);
    snprintf(d_data, sizeof(d_data), "%s/share/cleancast/models", root);
    const char *dirs[4] = { d_env, d_xdg, d_home, d_data };
    for (int i = 0; i < 4; i++) {
        mkdirs(dirs[i]);
        touch(dirs[i], "rnnoise.ccm");
        touch(dirs[i], "selfie_segmentation_landscape.tflite");
    }
    setenv("CLEANCAST_CACHE", cc, 1);
    setenv("XDG_CACHE_HOME", xdg, 1);
    setenv("HOME", home, 1);

    char path[4096], want[4096];
    /* Each place in order: remove the winner, the next one wins. */
    for (int i = 0; i < 4; i++) {
        snprintf(want, sizeof(want), "%s/rnnoise.ccm", dirs[i]);
        int r = cc_model_find_in("rnnoise", CC_MODEL_DENOISE, d_data, path, sizeof(path));
        CHECK_MSG(r == 0 && !strcmp(path, want), "place %d: got %d '%s', want '%s'", i + 1, r,
                  r == 0 ? path : "", want);
        rm(dirs[i], "rnnoise.ccm");
    }
    /* RNNoise 0.2 by its own name, the same places. */
    touch(d_home, "rnnoise2.ccm");
    snprintf(want, sizeof(want), "%s/rnnoise2.ccm", d_home);
    int r2 = cc_model_find_in("rnnoise2", CC_MODEL_DENOISE, d_data, path, sizeof(path));
    CHECK_MSG(r2 == 0 && !strcmp(path, want), "rnnoise2: got %d '%s'", r2, r2 == 0 ? path : "");
    rm(d_home, "rnnoise2.ccm");
    /* Found nowhere: ENOENT, one message naming all four places and how to fetch. */
    n_errors = 0;
    int r = cc_model_find_in("rnnoise", CC_MODEL_DENOISE, d_data, path, sizeof(path));
    CHECK(r == CC_ERR(ENOENT));
    CHECK(n_errors == 1);
    for (int i = 0; i < 4; i++)
        CHECK_MSG(strstr(last_msg, dirs[i]) != NULL, "message lacks %s: %s", dirs[i], last_msg);
    CHECK_MSG(strstr(last_msg, "make models") && strstr(last_msg, "rnnoise.ccm"),
              "message: %s", last_msg);
    printf("missing model message: %s\n", last_msg);

    /* Unset variables: their places are left out and the message says so. */
    unsetenv("CLEANCAST_CACHE");
    setenv("XDG_CACHE_HOME", "relative/xdg", 1); /* ignored, as the XDG spec says */
    r = cc_model_find_in("rnnoise", CC_MODEL_DENOISE, d_data, path, sizeof(path));
    CHECK(r == CC_ERR(ENOENT));
    CHECK_MSG(strstr(last_msg, "$CLEANCAST_CACHE/models (not set)") &&
              strstr(last_msg, "$XDG_CACHE_HOME/cleancast/models (not set)"), "%s", last_msg);
    snprintf(want, sizeof(want), "%s/selfie_segmentation_landscape.tflite", d_home);
    r = cc_model_find_in("landscape", CC_MODEL_SEGMENTATION, d_data, path, sizeof(path));
    CHECK_MSG(r == 0 && !strcmp(path, want), "relative XDG_CACHE_HOME: %d %s", r, path);
    /* The public entry point agrees (its data directory is the installed one). */
    r = cc_model_find("landscape", CC_MODEL_ANY, path, sizeof(path));
    CHECK_MSG(r == 0 && !strcmp(path, want), "cc_model_find: %d %s", r, path);

    /* A path overrides a name; ./general is a path, not the name. */
    touch(root, "general");
    snprintf(want, sizeof(want), "%s/general", root);
    r = cc_model_find(want, CC_MODEL_SEGMENTATION, path, sizeof(path));
    CHECK(r == 0 && !strcmp(path, want));
    CHECK(chdir(root) == 0);
    r = cc_model_find("./general", CC_MODEL_SEGMENTATION, path, sizeof(path));
    CHECK(r == 0 && !strcmp(path, "./general"));
    /* ...and the name 'general' still means the model, which is missing here. */
    r = cc_model_find("general", CC_MODEL_SEGMENTATION, path, sizeof(path));
    CHECK(r == CC_ERR(ENOENT) && strstr(last_msg, "selfie_segmentation.tflite"));
    /* A path that is not there, or a folder: ENOENT naming it. */
    r = cc_model_find("/nonexistent/m.tflite", CC_MODEL_SEGMENTATION, path, sizeof(path));
    CHECK(r == CC_ERR(ENOENT) && strstr(last_msg, "/nonexistent/m.tflite"));
    r = cc_model_find(root, CC_MODEL_ANY, path, sizeof(path));
    CHECK(r == CC_ERR(ENOENT));
    r = cc_model_find("rnnoize", CC_MODEL_DENOISE, path, sizeof(path));
    CHECK_MSG(r == CC_ERR(ENOENT) && strstr(last_msg, "rnnoise"), "typo: %s", last_msg);

    /* The wrong kind of name, bad arguments, a buffer too small. */
    r = cc_model_find("landscape", CC_MODEL_DENOISE, path, sizeof(path));
    CHECK_MSG(r == CC_ERR(EINVAL) && strstr(last_msg, "segmentation"), "%s", last_msg);
    r = cc_model_find("rnnoise", CC_MODEL_SEGMENTATION, path, sizeof(path));
    CHECK_MSG(r == CC_ERR(EINVAL) && strstr(last_msg, "general, landscape"), "%s", last_msg);
    CHECK(cc_model_find(NULL, CC_MODEL_ANY, path, sizeof(path)) == CC_ERR(EINVAL));
    CHECK(cc_model_find("", CC_MODEL_ANY, path, sizeof(path)) == CC_ERR(EINVAL));
    CHECK(cc_model_find("general", CC_MODEL_ANY, NULL, 10) == CC_ERR(EINVAL));
    char tiny[8];
    r = cc_model_find("landscape", CC_MODEL_ANY, tiny, sizeof(tiny));
    CHECK(r == CC_ERR(ERANGE));

    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", root);
    return CC_TEST_RESULT();
}
