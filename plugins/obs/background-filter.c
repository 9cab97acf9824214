/*
 * "cleancast background": person segmentation and background compositing for async video
 * sources (cameras, media, capture cards) and sync ones (images, browser, scenes: below).
 *
 *   source thread --obs_source_output_video--> libobs async cache
 *   graphics thread: filter_video(frame N)  -- hands N to the worker, returns the frame the
 *                                              worker finished (N-1), or NULL; never waits
 *   worker thread:   segment N -> mask N -> composite N in place (same frame, same mask)
 *
 * So every frame leaves the filter composited with its own mask, one source frame later
 * than it came in: the filter adds exactly one source frame of video delay. While the worker
 * is still busy when a frame arrives, that new frame is dropped whole (released to libobs
 * unshown, counted, logged), so the delay never grows past one frame plus one frame's work.
 *
 * Transparent output: RGBA/BGRA frames get the mask as alpha on the worker; for YUV frames
 * the mask of the frame being shown is uploaded as a texture and applied as alpha in
 * data/cleancast_alpha.effect (the parent is rendered to a texture first, so the frame and
 * the mask are from the same filter_video call).
 *
 * Colour: YUV frames carry their matrix and range (OBS's color_matrix, full_range); the
 * library composites in the frame's own format and colour space, so nothing is converted.
 *
 * Sync sources (image, browser, game capture, scenes) have no frames to hold; video_render
 * does it on the GPU side, once per OBS frame, never waiting:
 *
 *   frame N:   render the parent to a texrender (its size, BGRA) -> gs_stage_texture(ring[N])
 *   frame N+1: map ring[N] (staged one frame earlier, never in the frame it was staged),
 *              copy to a pool frame, hand it to the same worker (or drop it whole when the
 *              worker is busy: counted), unmap
 *   worker:    segment + composite that copy in place (its own mask)
 *   frame N+2: upload the finished composite to a texture and draw it; until the next one
 *              is done, the last finished composite is drawn again (never the raw input)
 *
 * So the output lags by STAGE_RING-1 staging frames plus one worker frame (2 frames).
 */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <obs-module.h>
#include <util/platform.h>
#include <util/threading.h>
#include <media-io/video-io.h>
#include <graphics/graphics.h>

#include <cleancast/video.h>

#include "cleancast-obs.h"

#define FILTER_NAME "cleancast background"

#define S_BACKGROUND "background"
#define S_BLUR_STRENGTH "blur_strength"
#define S_IMAGE "image"
#define S_COLOR "color"
#define S_LIGHT_WRAP "light_wrap"
#define S_MODEL "model"
#define S_MODEL_PATH "model_path"
#define S_REFINE "refine"
#define S_SMOOTHING "smoothing"
#define S_EDGE_RADIUS "edge_radius"
#define S_DELAY_INFO "delay_info"

#define T_(s) obs_module_text(s)

#define STAGE_RING 2 /* staging surfaces: each is mapped STAGE_RING-1 frames after staging */
#define SYNC_POOL 3  /* CPU frames for sync sources: worker (1) + done (1) + spare */

#define blog_f(f, level, fmt, ...) \
    blog(level, "[" FILTER_NAME ": '%s'] " fmt, obs_source_get_name((f)->ctx), ##__VA_ARGS__)

/* What the worker needs to (re)open its objects; copied whole under the lock. */
struct bg_config {
    CcBackgroundMode mode;
    float blur_strength, light_wrap;
    uint8_t rgb[3];
    char model[1024]; /* name or path for cc_model_find() */
    int raw;
    float smoothing, edge_radius;
    char image[1024];
};

struct bg_filter {
    obs_source_t *ctx;

    pthread_t thread;
    bool thread_started;
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    bool stop;

    /* Frame slots, under mutex. At most one of pending/busy is set; done is taken by the
       next filter_video. */
    struct obs_source_frame *pending, *busy, *done;
    bool done_has_mask;       /* done is a YUV frame in transparent mode: alpha on the GPU */
    uint8_t *mask_work;       /* worker's mask (frame size), swapped with mask_show */
    uint8_t *mask_show;       /* mask of the frame last returned (graphics thread) */
    int mask_w, mask_h, mask_cap;
    int show_w, show_h;
    bool show_dirty, show_valid;

    struct bg_config cfg_next; /* under mutex */
    bool cfg_dirty;
    bool reset_next;          /* timestamp jump: forget temporal history */
    atomic_int render_mode;   /* CcBackgroundMode for the graphics thread */

    /* Worker-owned. */
    struct bg_config cfg;
    CcSegModel *model;
    CcSegmenter *seg;
    CcCompositor *comp;
    bool broken;              /* model/objects failed to open: pass frames through */
    bool warned_format;

    /* Statistics (atomics: read by the proc handler from any thread). */
    atomic_llong frames_in, frames_out, dropped, worker_ns, worker_frames;
    uint64_t last_ts, interval_ns;
    uint64_t last_drop_log_ns;
    long long dropped_logged;

    /* Graphics thread. */
    gs_effect_t *effect;
    gs_texture_t *mask_tex;

    /* Sync sources (graphics thread; the pool's use flags under mutex). */
    atomic_bool sync;         /* the parent is a sync source: the staging path runs */
    gs_texrender_t *sync_render;
    gs_stagesurf_t *stage[STAGE_RING];
    bool staged[STAGE_RING];
    int stage_next;
    uint32_t sync_w, sync_h;
    gs_texture_t *sync_tex;   /* last finished composite */
    bool sync_tex_valid;
    uint64_t sync_frame_time; /* obs_get_video_frame_time() of the last frame processed */
    struct obs_source_frame *pool[SYNC_POOL];
    bool pool_used[SYNC_POOL];
    bool sync_logged;
};

static const char *bg_get_name(void *unused)
{
    UNUSED_PARAMETER(unused);
    return obs_module_text("CleancastBackground");
}

/* ------------------------------------------------------------------ settings */

static void bg_defaults(obs_data_t *s)
{
    /* The library's defaults are the CLI's: `cleancast process` with no options is
       --background blur:0.5 --model general --light-wrap 0, refined, smoothing 0.5. */
    CcCompositorSettings cs;
    cc_compositor_default_settings(&cs);
    CcSegmenterSettings ss;
    cc_segmenter_default_settings(&ss);
    obs_data_set_default_string(s, S_BACKGROUND, "blur");
    obs_data_set_default_double(s, S_BLUR_STRENGTH, cs.blur_strength);
    obs_data_set_default_string(s, S_IMAGE, "");
    obs_data_set_default_int(s, S_COLOR, 0xFF000000u | (uint32_t)cs.color_rgb[2] << 16 |
                                             (uint32_t)cs.color_rgb[1] << 8 | cs.color_rgb[0]);
    obs_data_set_default_double(s, S_LIGHT_WRAP, cs.light_wrap);
    obs_data_set_default_string(s, S_MODEL, "general");
    obs_data_set_default_string(s, S_MODEL_PATH, "");
    obs_data_set_default_bool(s, S_REFINE, !ss.raw);
    obs_data_set_default_double(s, S_SMOOTHING, ss.smoothing);
    obs_data_set_default_double(s, S_EDGE_RADIUS, ss.edge_radius);
}

static bool mode_changed(obs_properties_t *props, obs_property_t *p, obs_data_t *s)
{
    UNUSED_PARAMETER(p);
    const char *mode = obs_data_get_string(s, S_BACKGROUND);
    obs_property_set_visible(obs_properties_get(props, S_BLUR_STRENGTH), !strcmp(mode, "blur"));
    obs_property_set_visible(obs_properties_get(props, S_IMAGE), !strcmp(mode, "image"));
    obs_property_set_visible(obs_properties_get(props, S_COLOR), !strcmp(mode, "color"));
    obs_property_set_visible(obs_properties_get(props, S_LIGHT_WRAP),
                             strcmp(mode, "transparent") && strcmp(mode, "none"));
    return true;
}

static bool refine_changed(obs_properties_t *props, obs_property_t *p, obs_data_t *s)
{
    UNUSED_PARAMETER(p);
    bool refine = obs_data_get_bool(s, S_REFINE);
    obs_property_set_enabled(obs_properties_get(props, S_SMOOTHING), refine);
    obs_property_set_enabled(obs_properties_get(props, S_EDGE_RADIUS), refine);
    return true;
}

static obs_properties_t *bg_properties(void *data)
{
    obs_properties_t *props = obs_properties_create();
    obs_property_t *p = obs_properties_add_list(props, S_BACKGROUND, T_("Background"),
                                                OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
    obs_property_list_add_string(p, T_("Background.Blur"), "blur");
    obs_property_list_add_string(p, T_("Background.Image"), "image");
    obs_property_list_add_string(p, T_("Background.Color"), "color");
    obs_property_list_add_string(p, T_("Background.Transparent"), "transparent");
    obs_property_list_add_string(p, T_("Background.None"), "none");
    obs_property_set_modified_callback(p, mode_changed);

    obs_properties_add_float_slider(props, S_BLUR_STRENGTH, T_("BlurStrength"), 0.0, 1.0, 0.01);
    obs_properties_add_path(props, S_IMAGE, T_("Image"), OBS_PATH_FILE,
                            "Images (*.png *.jpg *.jpeg *.bmp *.tga *.gif *.webp);;All files (*.*)",
                            NULL);
    obs_properties_add_color(props, S_COLOR, T_("Color"));
    obs_properties_add_float_slider(props, S_LIGHT_WRAP, T_("LightWrap"), 0.0, 1.0, 0.01);

    p = obs_properties_add_list(props, S_MODEL, T_("Model"), OBS_COMBO_TYPE_LIST,
                                OBS_COMBO_FORMAT_STRING);
    obs_property_list_add_string(p, T_("Model.General"), "general");
    obs_property_list_add_string(p, T_("Model.Landscape"), "landscape");
    obs_properties_add_path(props, S_MODEL_PATH, T_("Model.Path"), OBS_PATH_FILE,
                            "TFLite models (*.tflite);;All files (*.*)", NULL);
    p = obs_properties_add_bool(props, S_REFINE, T_("Refine"));
    obs_property_set_modified_callback(p, refine_changed);
    obs_properties_add_float_slider(props, S_SMOOTHING, T_("Smoothing"), 0.0, 1.0, 0.01);
    obs_properties_add_float(props, S_EDGE_RADIUS, T_("EdgeRadius"), 0.0, 64.0, 0.5);
    struct bg_filter *f = data;
    obs_properties_add_text(props, S_DELAY_INFO,
                            T_(f && atomic_load(&f->sync) ? "Delay.InfoSync" : "Delay.Info"),
                            OBS_TEXT_INFO);
    return props;
}

static void read_config(struct bg_config *c, obs_data_t *s)
{
    memset(c, 0, sizeof(*c));
    const char *mode = obs_data_get_string(s, S_BACKGROUND);
    c->mode = !strcmp(mode, "image") ? CC_BG_IMAGE : !strcmp(mode, "color") ? CC_BG_COLOR
            : !strcmp(mode, "transparent") ? CC_BG_TRANSPARENT : !strcmp(mode, "none") ? CC_BG_NONE
            : CC_BG_BLUR;
    c->blur_strength = (float)obs_data_get_double(s, S_BLUR_STRENGTH);
    c->light_wrap = (float)obs_data_get_double(s, S_LIGHT_WRAP);
    uint32_t col = (uint32_t)obs_data_get_int(s, S_COLOR); /* 0xAABBGGRR */
    c->rgb[0] = col & 0xFF;
    c->rgb[1] = (col >> 8) & 0xFF;
    c->rgb[2] = (col >> 16) & 0xFF;
    const char *path = obs_data_get_string(s, S_MODEL_PATH);
    snprintf(c->model, sizeof(c->model), "%s", path && *path ? path : obs_data_get_string(s, S_MODEL));
    c->raw = !obs_data_get_bool(s, S_REFINE);
    c->smoothing = (float)obs_data_get_double(s, S_SMOOTHING);
    c->edge_radius = (float)obs_data_get_double(s, S_EDGE_RADIUS);
    snprintf(c->image, sizeof(c->image), "%s", obs_data_get_string(s, S_IMAGE));
}

static void bg_update(void *data, obs_data_t *s)
{
    struct bg_filter *f = data;
    struct bg_config c;
    read_config(&c, s);
    pthread_mutex_lock(&f->mutex);
    f->cfg_next = c;
    f->cfg_dirty = true;
    pthread_cond_signal(&f->cond);
    pthread_mutex_unlock(&f->mutex);
    atomic_store(&f->render_mode, (int)c.mode);
}

/* ------------------------------------------------------------------ worker */

static bool same_segmenter(const struct bg_config *a, const struct bg_config *b)
{
    return !strcmp(a->model, b->model) && a->raw == b->raw && a->smoothing == b->smoothing &&
           a->edge_radius == b->edge_radius;
}

/* Loads an image file with libobs's own reader (no graphics context needed). */
static int load_background(struct bg_filter *f, const char *path)
{
    if (!path || !*path) {
        blog_f(f, LOG_WARNING, "image background chosen but no image file set");
        return -1;
    }
    enum gs_color_format fmt = GS_UNKNOWN;
    uint32_t w = 0, h = 0;
    uint8_t *pix = gs_create_texture_file_data(path, &fmt, &w, &h);
    if (!pix || (fmt != GS_RGBA && fmt != GS_BGRA && fmt != GS_BGRX)) {
        blog_f(f, LOG_WARNING, "cannot read background image '%s'", path);
        bfree(pix);
        return -1;
    }
    CcFrame img = { .format = fmt == GS_RGBA ? CC_PIX_RGBA : CC_PIX_BGRA, .width = (int)w,
                    .height = (int)h, .data = { pix }, .stride = { (int)w * 4 } };
    int ret = cc_compositor_set_background(f->comp, &img);
    bfree(pix);
    if (ret < 0) {
        blog_f(f, LOG_WARNING, "background image '%s' rejected: %s", path, cc_strerror(ret));
        return -1;
    }
    blog_f(f, LOG_INFO, "background image '%s' (%ux%u)", path, w, h);
    return 0;
}

/* Worker thread: (re)opens what changed. Never called on the graphics thread. */
static void apply_config(struct bg_filter *f, const struct bg_config *c, bool first)
{
    int ret;
    if (first || !same_segmenter(c, &f->cfg) || !f->seg) {
        cc_segmenter_close(&f->seg);
        cc_seg_model_close(&f->model);
        char path[4096];
        if ((ret = cc_model_find(c->model, CC_MODEL_SEGMENTATION, path, sizeof(path))) < 0) {
            blog_f(f, LOG_ERROR, "segmentation model '%s' not found (%s); frames pass through "
                   "unchanged. `make models` in the source tree fetches the models.",
                   c->model, cc_strerror(ret));
        } else if ((ret = cc_seg_model_open_file(&f->model, path)) < 0) {
            blog_f(f, LOG_ERROR, "cannot load segmentation model '%s': %s", path, cc_strerror(ret));
        } else {
            CcSegmenterSettings ss;
            cc_segmenter_default_settings(&ss);
            ss.threads = 1; /* one inference thread per stream, as the CLI */
            ss.raw = c->raw;
            ss.smoothing = c->smoothing;
            ss.edge_radius = c->edge_radius;
            if ((ret = cc_segmenter_open(&f->seg, f->model, &ss)) < 0)
                blog_f(f, LOG_ERROR, "cannot open the segmenter: %s", cc_strerror(ret));
            else
                blog_f(f, LOG_INFO, "model '%s' (%s)%s, smoothing %.2f, edge radius %.1f", c->model,
                       path, c->raw ? ", raw mask" : "", c->smoothing, c->edge_radius);
        }
    }
    cc_compositor_close(&f->comp);
    if (c->mode != CC_BG_NONE) {
        CcCompositorSettings cs;
        cc_compositor_default_settings(&cs);
        cs.mode = c->mode;
        cs.blur_strength = c->blur_strength;
        cs.light_wrap = c->light_wrap;
        memcpy(cs.color_rgb, c->rgb, 3);
        if ((ret = cc_compositor_open(&f->comp, &cs)) < 0)
            blog_f(f, LOG_ERROR, "cannot open the compositor: %s", cc_strerror(ret));
        else if (c->mode == CC_BG_IMAGE && load_background(f, c->image) < 0) {
            /* No image: show the background as it is rather than a black one. */
            cc_compositor_close(&f->comp);
        }
    }
    f->cfg = *c;
    f->broken = !f->seg;
}

/* OBS frame -> library frame; false for formats the library does not composite. */
static bool to_ccframe(CcFrame *cf, struct obs_source_frame *fr)
{
    memset(cf, 0, sizeof(*cf));
    cf->width = (int)fr->width;
    cf->height = (int)fr->height;
    for (int i = 0; i < 3; i++) {
        cf->data[i] = fr->data[i];
        cf->stride[i] = (int)fr->linesize[i];
    }
    switch (fr->format) {
    case VIDEO_FORMAT_I420: cf->format = CC_PIX_I420; break;
    case VIDEO_FORMAT_NV12: cf->format = CC_PIX_NV12; break;
    case VIDEO_FORMAT_YUY2: cf->format = CC_PIX_YUYV; break;
    case VIDEO_FORMAT_RGBA: cf->format = CC_PIX_RGBA; break;
    case VIDEO_FORMAT_BGRA: case VIDEO_FORMAT_BGRX: cf->format = CC_PIX_BGRA; break;
    default: return false;
    }
    /* Matrix: whichever of OBS's 601/709 matrices for this range the frame's is closest to
       (sources fill color_matrix with video_format_get_parameters()). */
    cf->full_range = fr->full_range;
    float m601[16], m709[16], mn[3], mx[3];
    enum video_range_type range = fr->full_range ? VIDEO_RANGE_FULL : VIDEO_RANGE_PARTIAL;
    video_format_get_parameters(VIDEO_CS_601, range, m601, mn, mx);
    video_format_get_parameters(VIDEO_CS_709, range, m709, mn, mx);
    float d601 = 0, d709 = 0;
    for (int i = 0; i < 16; i++) {
        d601 += fabsf(fr->color_matrix[i] - m601[i]);
        d709 += fabsf(fr->color_matrix[i] - m709[i]);
    }
    cf->matrix = d709 < d601 ? CC_MATRIX_BT709 : CC_MATRIX_BT601;
    return true;
}

static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Segment and composite one frame in place. Returns true when the frame got its mask as
   alpha on the GPU (mask_work holds it). */
static bool process_frame(struct bg_filter *f, struct obs_source_frame *fr)
{
    CcFrame cf;
    if (!to_ccframe(&cf, fr)) {
        if (!f->warned_format) {
            blog_f(f, LOG_WARNING, "pixel format %s is not supported; frames pass through "
                   "unchanged (use I420, NV12, YUY2, RGBA or BGRA)", get_video_format_name(fr->format));
            f->warned_format = true;
        }
        return false;
    }
    if (f->broken || f->cfg.mode == CC_BG_NONE)
        return false;
    int need = cf.width * cf.height;
    if (need > f->mask_cap) {
        /* Only on a larger frame size: both buffers, swapped under the lock later. */
        pthread_mutex_lock(&f->mutex);
        bfree(f->mask_work);
        bfree(f->mask_show);
        f->mask_work = bzalloc(need);
        f->mask_show = bzalloc(need);
        f->mask_cap = need;
        f->show_valid = false;
        pthread_mutex_unlock(&f->mutex);
    }
    f->mask_w = cf.width;
    f->mask_h = cf.height;
    CcMask m = { .width = cf.width, .height = cf.height, .data = f->mask_work, .stride = cf.width };
    int ret = cc_segmenter_process(f->seg, &cf, &m);
    if (ret < 0) {
        blog_f(f, LOG_WARNING, "segmenter: %s", cc_strerror(ret));
        return false;
    }
    if (f->cfg.mode == CC_BG_TRANSPARENT) {
        if (cf.format == CC_PIX_RGBA || cf.format == CC_PIX_BGRA) {
            if (f->comp)
                cc_compositor_process(f->comp, &cf, &m);
            if (fr->format == VIDEO_FORMAT_BGRX)
                fr->format = VIDEO_FORMAT_BGRA; /* the alpha written is now meaningful */
            return false;
        }
        return true; /* YUV: alpha applied on the GPU from this mask */
    }
    if (f->comp && (ret = cc_compositor_process(f->comp, &cf, &m)) < 0)
        blog_f(f, LOG_WARNING, "compositor: %s", cc_strerror(ret));
    return false;
}

static void *bg_worker(void *data)
{
    struct bg_filter *f = data;
    os_set_thread_name("cleancast-bg");
    bool first = true;
    pthread_mutex_lock(&f->mutex);
    for (;;) {
        while (!f->stop && !f->pending && !f->cfg_dirty)
            pthread_cond_wait(&f->cond, &f->mutex);
        if (f->stop)
            break;
        if (f->cfg_dirty) {
            struct bg_config c = f->cfg_next;
            f->cfg_dirty = false;
            pthread_mutex_unlock(&f->mutex);
            apply_config(f, &c, first); /* model loads happen here, never on a render thread */
            first = false;
            pthread_mutex_lock(&f->mutex);
            continue;
        }
        struct obs_source_frame *fr = f->pending;
        f->pending = NULL;
        f->busy = fr;
        bool reset = f->reset_next;
        f->reset_next = false;
        pthread_mutex_unlock(&f->mutex);

        int64_t t0 = thread_cpu_ns();
        if (reset && f->seg)
            cc_segmenter_reset(f->seg);
        bool gpu_alpha = process_frame(f, fr);
        atomic_fetch_add(&f->worker_ns, thread_cpu_ns() - t0);
        atomic_fetch_add(&f->worker_frames, 1);

        pthread_mutex_lock(&f->mutex);
        f->busy = NULL;
        f->done = fr;
        f->done_has_mask = gpu_alpha;
    }
    pthread_mutex_unlock(&f->mutex);
    return NULL;
}

/* ------------------------------------------------------------------ graphics thread */

static struct obs_source_frame *bg_filter_video(void *data, struct obs_source_frame *frame)
{
    struct bg_filter *f = data;
    uint64_t now = os_gettime_ns();
    atomic_fetch_add(&f->frames_in, 1);
    if (f->last_ts) {
        uint64_t d = frame->timestamp > f->last_ts ? frame->timestamp - f->last_ts
                                                   : f->last_ts - frame->timestamp;
        if (d > 1000000000ull || frame->timestamp < f->last_ts) {
            pthread_mutex_lock(&f->mutex);
            f->reset_next = true; /* seek or restart: no temporal history across it */
            pthread_mutex_unlock(&f->mutex);
        } else if (!f->interval_ns && d) {
            f->interval_ns = d;
            blog_f(f, LOG_INFO, "%ux%u %s: adds 1 source frame of video delay (%.1f ms); each "
                   "frame is composited with its own mask on a worker thread", frame->width,
                   frame->height, get_video_format_name(frame->format), d / 1e6);
        }
    }
    f->last_ts = frame->timestamp;

    struct obs_source_frame *out, *drop = NULL;
    pthread_mutex_lock(&f->mutex);
    out = f->done;
    f->done = NULL;
    if (out) {
        if (f->done_has_mask) {
            uint8_t *t = f->mask_show;
            f->mask_show = f->mask_work;
            f->mask_work = t;
            f->show_w = f->mask_w;
            f->show_h = f->mask_h;
            f->show_dirty = true;
            f->show_valid = true;
        } else {
            f->show_valid = false;
        }
    }
    if (!f->pending && !f->busy) {
        f->pending = frame;
        pthread_cond_signal(&f->cond);
    } else {
        drop = frame; /* the worker is behind: drop this frame whole, never unmasked */
    }
    pthread_mutex_unlock(&f->mutex);

    if (drop) {
        obs_source_release_frame(obs_filter_get_parent(f->ctx), drop);
        long long n = atomic_fetch_add(&f->dropped, 1) + 1;
        if (now - f->last_drop_log_ns > 5000000000ull) {
            blog_f(f, LOG_WARNING, "the machine cannot keep up: %lld frame(s) dropped so far "
                   "(%lld since the last report)", n, n - f->dropped_logged);
            f->last_drop_log_ns = now;
            f->dropped_logged = n;
        }
    }
    if (out)
        atomic_fetch_add(&f->frames_out, 1);
    return out;
}

static void sync_render(struct bg_filter *f);

static void bg_render(void *data, gs_effect_t *unused)
{
    UNUSED_PARAMETER(unused);
    struct bg_filter *f = data;
    obs_source_t *parent = obs_filter_get_parent(f->ctx);
    if (parent && !(obs_source_get_output_flags(parent) & OBS_SOURCE_ASYNC)) {
        sync_render(f);
        return;
    }
    if (atomic_load(&f->render_mode) != CC_BG_TRANSPARENT || !f->effect) {
        obs_source_skip_video_filter(f->ctx);
        return;
    }
    /* Render the parent first (no direct rendering): that is where libobs calls
       filter_video, which selects the frame and its mask for this tick. */
    if (!obs_source_process_filter_begin(f->ctx, GS_RGBA, OBS_NO_DIRECT_RENDERING))
        return;
    pthread_mutex_lock(&f->mutex);
    bool valid = f->show_valid;
    if (valid && f->show_dirty) {
        if (!f->mask_tex || gs_texture_get_width(f->mask_tex) != (uint32_t)f->show_w ||
            gs_texture_get_height(f->mask_tex) != (uint32_t)f->show_h) {
            gs_texture_destroy(f->mask_tex);
            f->mask_tex = gs_texture_create(f->show_w, f->show_h, GS_R8, 1, NULL, GS_DYNAMIC);
        }
        if (f->mask_tex)
            gs_texture_set_image(f->mask_tex, f->mask_show, f->show_w, false);
        f->show_dirty = false;
    }
    pthread_mutex_unlock(&f->mutex);
    if (!valid || !f->mask_tex) {
        /* RGBA/BGRA frames already carry the alpha; nothing else to apply. */
        gs_effect_t *def = obs_get_base_effect(OBS_EFFECT_DEFAULT);
        obs_source_process_filter_end(f->ctx, def, 0, 0);
        return;
    }
    gs_effect_set_texture(gs_effect_get_param_by_name(f->effect, "mask"), f->mask_tex);
    gs_blend_state_push();
    gs_blend_function(GS_BLEND_ONE, GS_BLEND_INVSRCALPHA);
    obs_source_process_filter_end(f->ctx, f->effect, 0, 0);
    gs_blend_state_pop();
}

/* ------------------------------------------------------------------ sync sources */

/* True (and the slot freed) when fr is one of the sync path's own frames. Under mutex. */
static bool pool_put_locked(struct bg_filter *f, struct obs_source_frame *fr)
{
    for (int i = 0; i < SYNC_POOL; i++)
        if (f->pool[i] == fr) {
            f->pool_used[i] = false;
            return true;
        }
    return false;
}

/* A free pool frame of w x h BGRA (reallocated on a size change), or NULL. Under mutex. */
static struct obs_source_frame *pool_get_locked(struct bg_filter *f, uint32_t w, uint32_t h)
{
    for (int i = 0; i < SYNC_POOL; i++) {
        if (f->pool_used[i])
            continue;
        if (f->pool[i] && (f->pool[i]->width != w || f->pool[i]->height != h)) {
            obs_source_frame_destroy(f->pool[i]);
            f->pool[i] = NULL;
        }
        if (!f->pool[i])
            f->pool[i] = obs_source_frame_create(VIDEO_FORMAT_BGRA, w, h);
        if (!f->pool[i])
            return NULL;
        f->pool_used[i] = true;
        return f->pool[i];
    }
    return NULL;
}

static void count_drop(struct bg_filter *f)
{
    uint64_t now = os_gettime_ns();
    long long n = atomic_fetch_add(&f->dropped, 1) + 1;
    if (now - f->last_drop_log_ns > 5000000000ull) {
        blog_f(f, LOG_WARNING, "the machine cannot keep up: %lld frame(s) dropped so far "
               "(%lld since the last report)", n, n - f->dropped_logged);
        f->last_drop_log_ns = now;
        f->dropped_logged = n;
    }
}

/* Maps the surface staged STAGE_RING-1 frames ago and hands a copy to the worker, or drops
   it whole when the worker is still busy. Never maps a surface staged in this frame. */
static void sync_hand_over(struct bg_filter *f, int slot)
{
    if (!f->staged[slot])
        return;
    f->staged[slot] = false;
    struct obs_source_frame *fr = NULL;
    pthread_mutex_lock(&f->mutex);
    if (!f->pending && !f->busy)
        fr = pool_get_locked(f, f->sync_w, f->sync_h);
    pthread_mutex_unlock(&f->mutex);
    if (!fr) {
        count_drop(f);
        return;
    }
    uint8_t *data;
    uint32_t linesize;
    bool ok = gs_stagesurface_map(f->stage[slot], &data, &linesize);
    if (ok) {
        size_t row = (size_t)f->sync_w * 4;
        if (linesize == fr->linesize[0]) {
            memcpy(fr->data[0], data, row * f->sync_h);
        } else {
            for (uint32_t y = 0; y < f->sync_h; y++)
                memcpy(fr->data[0] + (size_t)y * fr->linesize[0], data + (size_t)y * linesize, row);
        }
        gs_stagesurface_unmap(f->stage[slot]);
    }
    pthread_mutex_lock(&f->mutex);
    if (ok) {
        fr->timestamp = f->sync_frame_time;
        f->pending = fr;
        pthread_cond_signal(&f->cond);
    } else {
        pool_put_locked(f, fr);
    }
    pthread_mutex_unlock(&f->mutex);
    if (!ok)
        count_drop(f);
}

/* Renders what is below this filter into sync_render and stages it into stage[slot]. */
static void sync_stage(struct bg_filter *f, obs_source_t *target, obs_source_t *parent, int slot)
{
    if (!f->sync_render)
        f->sync_render = gs_texrender_create(GS_BGRA, GS_ZS_NONE);
    if (!f->stage[slot])
        f->stage[slot] = gs_stagesurface_create(f->sync_w, f->sync_h, GS_BGRA);
    if (!f->sync_render || !f->stage[slot])
        return;
    uint32_t flags = obs_source_get_output_flags(target);
    bool custom_draw = (flags & OBS_SOURCE_CUSTOM_DRAW) != 0;
    gs_texrender_reset(f->sync_render);
    gs_blend_state_push();
    gs_blend_function(GS_BLEND_ONE, GS_BLEND_ZERO);
    if (gs_texrender_begin(f->sync_render, f->sync_w, f->sync_h)) {
        struct vec4 clear;
        vec4_zero(&clear);
        gs_clear(GS_CLEAR_COLOR, &clear, 0.0f, 0);
        gs_ortho(0.0f, (float)f->sync_w, 0.0f, (float)f->sync_h, -100.0f, 100.0f);
        if (target == parent && !custom_draw)
            obs_source_default_render(target);
        else
            obs_source_video_render(target);
        gs_texrender_end(f->sync_render);
        gs_stage_texture(f->stage[slot], gs_texrender_get_texture(f->sync_render));
        f->staged[slot] = true;
    }
    gs_blend_state_pop();
}

static void sync_reset(struct bg_filter *f)
{
    for (int i = 0; i < STAGE_RING; i++) {
        gs_stagesurface_destroy(f->stage[i]);
        f->stage[i] = NULL;
        f->staged[i] = false;
    }
    f->sync_tex_valid = false;
}

static void sync_render(struct bg_filter *f)
{
    obs_source_t *target = obs_filter_get_target(f->ctx);
    obs_source_t *parent = obs_filter_get_parent(f->ctx);
    uint32_t w = target ? obs_source_get_base_width(target) : 0;
    uint32_t h = target ? obs_source_get_base_height(target) : 0;
    if (!w || !h || atomic_load(&f->render_mode) == CC_BG_NONE) {
        if (f->sync_w || f->sync_tex_valid)
            sync_reset(f);
        f->sync_w = f->sync_h = 0;
        obs_source_skip_video_filter(f->ctx);
        return;
    }
    atomic_store(&f->sync, true);

    /* Once per OBS frame, however many views draw this source. */
    uint64_t now = obs_get_video_frame_time();
    if (now != f->sync_frame_time) {
        f->sync_frame_time = now;
        atomic_fetch_add(&f->frames_in, 1);
        if (w != f->sync_w || h != f->sync_h) {
            sync_reset(f);
            f->sync_w = w;
            f->sync_h = h;
            f->stage_next = 0;
            uint64_t iv = obs_get_frame_interval_ns();
            blog_f(f, LOG_INFO, "%ux%u sync source: adds %d frames of video delay (%.1f ms: %d "
                   "staging, 1 worker); each frame is composited with its own mask on a worker "
                   "thread", w, h, STAGE_RING, STAGE_RING * iv / 1e6, STAGE_RING - 1);
        }
        /* A finished composite replaces the one shown. */
        pthread_mutex_lock(&f->mutex);
        struct obs_source_frame *done = f->done;
        f->done = NULL;
        pthread_mutex_unlock(&f->mutex);
        if (done) {
            if (done->width == w && done->height == h) {
                if (!f->sync_tex || gs_texture_get_width(f->sync_tex) != w ||
                    gs_texture_get_height(f->sync_tex) != h) {
                    gs_texture_destroy(f->sync_tex);
                    f->sync_tex = gs_texture_create(w, h, GS_BGRA, 1, NULL, GS_DYNAMIC);
                }
                if (f->sync_tex) {
                    gs_texture_set_image(f->sync_tex, done->data[0], done->linesize[0], false);
                    f->sync_tex_valid = true;
                    atomic_fetch_add(&f->frames_out, 1);
                }
            }
            pthread_mutex_lock(&f->mutex);
            pool_put_locked(f, done);
            pthread_mutex_unlock(&f->mutex);
        }
        /* The oldest staged surface (STAGE_RING-1 frames old) to the worker, then this
           frame into the slot it freed. */
        int slot = f->stage_next;
        f->stage_next = (slot + 1) % STAGE_RING;
        sync_hand_over(f, f->stage_next);
        sync_stage(f, target, parent, slot);
    }

    if (!f->sync_tex_valid)
        return; /* nothing finished yet: draw nothing rather than an unmasked frame */
    gs_effect_t *eff = obs_get_base_effect(OBS_EFFECT_DEFAULT);
    gs_eparam_t *img = gs_effect_get_param_by_name(eff, "image");
    bool prev = gs_framebuffer_srgb_enabled();
    gs_enable_framebuffer_srgb(true);
    gs_effect_set_texture_srgb(img, f->sync_tex);
    while (gs_effect_loop(eff, "Draw"))
        gs_draw_sprite(f->sync_tex, 0, w, h);
    gs_enable_framebuffer_srgb(prev);
}

/* ------------------------------------------------------------------ lifecycle */

static void get_stats(void *data, calldata_t *cd)
{
    struct bg_filter *f = data;
    calldata_set_int(cd, "frames_in", atomic_load(&f->frames_in));
    calldata_set_int(cd, "frames_out", atomic_load(&f->frames_out));
    calldata_set_int(cd, "dropped", atomic_load(&f->dropped));
    long long n = atomic_load(&f->worker_frames);
    calldata_set_int(cd, "worker_frames", n);
    calldata_set_int(cd, "worker_cpu_ns", atomic_load(&f->worker_ns));
    /* Async: one source frame. Sync: STAGE_RING-1 staging frames + one worker frame. */
    calldata_set_int(cd, "delay_frames", atomic_load(&f->sync) ? STAGE_RING : 1);
}

static void release_frames(struct bg_filter *f, obs_source_t *parent)
{
    pthread_mutex_lock(&f->mutex);
    struct obs_source_frame *fr[2] = { f->pending, f->done };
    f->pending = f->done = NULL;
    for (int i = 0; i < 2; i++)
        if (fr[i] && pool_put_locked(f, fr[i]))
            fr[i] = NULL;
    pthread_mutex_unlock(&f->mutex);
    for (int i = 0; i < 2; i++)
        if (fr[i])
            obs_source_release_frame(parent, fr[i]);
}

static void stop_worker(struct bg_filter *f)
{
    if (!f->thread_started)
        return;
    pthread_mutex_lock(&f->mutex);
    f->stop = true;
    pthread_cond_signal(&f->cond);
    pthread_mutex_unlock(&f->mutex);
    pthread_join(f->thread, NULL);
    f->thread_started = false;
    /* The worker ends between frames, so busy is NULL and its frame sits in done. */
}

static void bg_filter_remove(void *data, obs_source_t *parent)
{
    struct bg_filter *f = data;
    release_frames(f, parent);
}

static void bg_destroy(void *data)
{
    struct bg_filter *f = data;
    stop_worker(f);
    release_frames(f, obs_filter_get_parent(f->ctx));
    long long n = atomic_load(&f->worker_frames);
    blog_f(f, LOG_INFO, "closed: %lld frames in, %lld out, %lld dropped, worker %.2f ms CPU "
           "per frame", (long long)atomic_load(&f->frames_in), (long long)atomic_load(&f->frames_out),
           (long long)atomic_load(&f->dropped), n ? atomic_load(&f->worker_ns) / 1e6 / n : 0.0);
    obs_enter_graphics();
    gs_texture_destroy(f->mask_tex);
    gs_effect_destroy(f->effect);
    gs_texrender_destroy(f->sync_render);
    for (int i = 0; i < STAGE_RING; i++)
        gs_stagesurface_destroy(f->stage[i]);
    gs_texture_destroy(f->sync_tex);
    obs_leave_graphics();
    for (int i = 0; i < SYNC_POOL; i++)
        obs_source_frame_destroy(f->pool[i]);
    cc_compositor_close(&f->comp);
    cc_segmenter_close(&f->seg);
    cc_seg_model_close(&f->model);
    bfree(f->mask_work);
    bfree(f->mask_show);
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->mutex);
    bfree(f);
}

static void *bg_create(obs_data_t *settings, obs_source_t *ctx)
{
    struct bg_filter *f = bzalloc(sizeof(*f));
    f->ctx = ctx;
    pthread_mutex_init(&f->mutex, NULL);
    pthread_cond_init(&f->cond, NULL);

    char *path = obs_module_file("cleancast_alpha.effect");
    obs_enter_graphics();
    char *err = NULL;
    f->effect = path ? gs_effect_create_from_file(path, &err) : NULL;
    obs_leave_graphics();
    if (!f->effect)
        blog_f(f, LOG_WARNING, "cannot load cleancast_alpha.effect (%s): transparent mode on YUV "
               "sources shows the picture without alpha", err ? err : "file not found");
    bfree(err);
    bfree(path);

    proc_handler_t *ph = obs_source_get_proc_handler(ctx);
    proc_handler_add(ph, "void get_stats(out int frames_in, out int frames_out, out int dropped, "
                         "out int worker_frames, out int worker_cpu_ns, out int delay_frames)",
                     get_stats, f);

    bg_update(f, settings); /* the worker opens the model: create never waits for it */
    if (pthread_create(&f->thread, NULL, bg_worker, f) != 0) {
        blog_f(f, LOG_ERROR, "cannot start the worker thread");
        pthread_cond_destroy(&f->cond);
        pthread_mutex_destroy(&f->mutex);
        bfree(f);
        return NULL;
    }
    f->thread_started = true;
    return f;
}

struct obs_source_info cleancast_background_filter = {
    .id = "cleancast_background_filter",
    .type = OBS_SOURCE_TYPE_FILTER,
    /* Not OBS_SOURCE_ASYNC: offered on every video source (OBS's "Effect Filters");
       libobs still calls filter_video for async parents, which takes the async path. */
    .output_flags = OBS_SOURCE_VIDEO,
    .get_name = bg_get_name,
    .create = bg_create,
    .destroy = bg_destroy,
    .get_defaults = bg_defaults,
    .get_properties = bg_properties,
    .update = bg_update,
    .filter_video = bg_filter_video,
    .video_render = bg_render,
    .filter_remove = bg_filter_remove,
};
