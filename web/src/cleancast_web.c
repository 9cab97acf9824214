/*
 * cleancast_web: the WebAssembly export layer. A host like tools/ or plugins/: it includes
 * only the public API (<cleancast/...>) and turns it into flat functions of numbers that
 * JavaScript can call (web/src/cleancast.js wraps them). Handles are the library's pointers
 * into linear memory; negative returns are cc_strerror() codes.
 *
 * Built with clang --target=wasm32-wasi -mexec-model=reactor and no WASI calls reachable,
 * so the module imports nothing (web/build.sh checks).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cleancast/audio.h>
#include <cleancast/cleancast.h>
#include <cleancast/version.h>
#include <cleancast/video.h>

#define EXPORT(name) __attribute__((export_name(#name), visibility("default")))

/* The last error-level log line, for messages thrown on the JS side. */
static char last_log[1024];

static void on_log(void *opaque, int level, const char *msg)
{
    (void)opaque;
    if (level > CC_LOG_WARNING)
        return;
    size_t n = strlen(msg);
    if (n >= sizeof(last_log))
        n = sizeof(last_log) - 1;
    memcpy(last_log, msg, n);
    last_log[n] = 0;
}

EXPORT(cw_init) void cw_init(void)
{
    cc_set_log_callback(on_log, NULL);
}

EXPORT(cw_last_log) const char *cw_last_log(void) { return last_log; }
EXPORT(cw_clear_log) void cw_clear_log(void) { last_log[0] = 0; }
EXPORT(cw_strerror) const char *cw_strerror(int err) { return cc_strerror(err); }
/* 1 in the SIMD128 build (its kernels in the src/ wasm/ folders), 0 in the baseline one. */
EXPORT(cw_simd) int cw_simd(void)
{
#ifdef __wasm_simd128__
    return 1;
#else
    return 0;
#endif
}
EXPORT(cw_version) const char *cw_version(void) { return cc_version(); }
EXPORT(cw_malloc) void *cw_malloc(size_t n) { return malloc(n ? n : 1); }
EXPORT(cw_free) void cw_free(void *p) { free(p); }

/* ---------------------------------------------------------------- video */

/* matrix: CcColorMatrix of YUV frames (0 BT.601, 1 BT.709; JS callers that pass no such
   argument get 0). */
static CcFrame frame_of(int fmt, int w, int h, uint8_t *d0, int s0, uint8_t *d1, int s1,
                        uint8_t *d2, int s2, int full_range, int matrix)
{
    CcFrame f;
    memset(&f, 0, sizeof(f));
    f.format = (CcPixelFormat)fmt;
    f.width = w;
    f.height = h;
    f.data[0] = d0;
    f.data[1] = d1;
    f.data[2] = d2;
    f.stride[0] = s0;
    f.stride[1] = s1;
    f.stride[2] = s2;
    f.matrix = matrix == CC_MATRIX_BT709 ? CC_MATRIX_BT709 : CC_MATRIX_BT601;
    f.full_range = full_range;
    return f;
}

/* Returns a model handle (> 0) or a negative error. buf may be freed after the call. */
EXPORT(cw_seg_model_open) intptr_t cw_seg_model_open(const uint8_t *buf, size_t size)
{
    CcSegModel *m = NULL;
    int r = cc_seg_model_open_buffer(&m, buf, size);
    return r < 0 ? r : (intptr_t)m;
}

EXPORT(cw_seg_model_input_size) int cw_seg_model_input_size(const CcSegModel *m)
{
    int w = 0, h = 0;
    cc_seg_model_input_size(m, &w, &h);
    return w << 16 | h;
}

EXPORT(cw_seg_model_close) void cw_seg_model_close(CcSegModel *m) { cc_seg_model_close(&m); }

EXPORT(cw_seg_open) intptr_t cw_seg_open(const CcSegModel *m, int raw, float smoothing)
{
    CcSegmenterSettings s;
    cc_segmenter_default_settings(&s);
    s.raw = raw;
    s.threads = 1;
    s.backend = CC_BACKEND_AUTO; /* the portable executor: the only one in this build */
    if (smoothing >= 0.f)
        s.smoothing = smoothing;
    CcSegmenter *seg = NULL;
    int r = cc_segmenter_open(&seg, m, &s);
    return r < 0 ? r : (intptr_t)seg;
}

EXPORT(cw_seg_process)
int cw_seg_process(CcSegmenter *seg, int fmt, int w, int h, uint8_t *d0, int s0, uint8_t *d1,
                   int s1, uint8_t *d2, int s2, int full_range, uint8_t *mask, int mask_stride,
                   int matrix)
{
    CcFrame f = frame_of(fmt, w, h, d0, s0, d1, s1, d2, s2, full_range, matrix);
    CcMask m = { w, h, mask, mask_stride };
    return cc_segmenter_process(seg, &f, &m);
}

/* out: convert, infer, refine in microseconds (as measured inside; 0 where the host has no
   clock). */
EXPORT(cw_seg_timings) void cw_seg_timings(const CcSegmenter *seg, double *out)
{
    CcSegmenterTimings t;
    cc_segmenter_timings(seg, &t);
    out[0] = t.convert_us;
    out[1] = t.infer_us;
    out[2] = t.refine_us;
}

EXPORT(cw_seg_reset) void cw_seg_reset(CcSegmenter *seg) { cc_segmenter_reset(seg); }
EXPORT(cw_seg_close) void cw_seg_close(CcSegmenter *seg) { cc_segmenter_close(&seg); }

EXPORT(cw_comp_open)
intptr_t cw_comp_open(int mode, float blur_strength, int r, int g, int b, float light_wrap)
{
    CcCompositorSettings s;
    cc_compositor_default_settings(&s);
    s.mode = (CcBackgroundMode)mode;
    if (blur_strength >= 0.f)
        s.blur_strength = blur_strength;
    if (r >= 0) {
        s.color_rgb[0] = (uint8_t)r;
        s.color_rgb[1] = (uint8_t)g;
        s.color_rgb[2] = (uint8_t)b;
    }
    if (light_wrap >= 0.f)
        s.light_wrap = light_wrap;
    CcCompositor *c = NULL;
    int ret = cc_compositor_open(&c, &s);
    return ret < 0 ? ret : (intptr_t)c;
}

EXPORT(cw_comp_set_background)
int cw_comp_set_background(CcCompositor *c, int fmt, int w, int h, uint8_t *d0, int s0)
{
    CcFrame f = frame_of(fmt, w, h, d0, s0, NULL, 0, NULL, 0, 1, 0);
    return cc_compositor_set_background(c, &f);
}

EXPORT(cw_comp_process)
int cw_comp_process(CcCompositor *c, int fmt, int w, int h, uint8_t *d0, int s0, uint8_t *d1,
                    int s1, uint8_t *d2, int s2, int full_range, uint8_t *mask, int mask_stride,
                    int matrix)
{
    CcFrame f = frame_of(fmt, w, h, d0, s0, d1, s1, d2, s2, full_range, matrix);
    CcMask m = { w, h, mask, mask_stride };
    return cc_compositor_process(c, &f, &m);
}

EXPORT(cw_comp_close) void cw_comp_close(CcCompositor *c) { cc_compositor_close(&c); }

/* ---------------------------------------------------------------- audio */

EXPORT(cw_dn_model_open) intptr_t cw_dn_model_open(const uint8_t *buf, size_t size)
{
    CcDenoiseModel *m = NULL;
    int r = cc_denoise_model_open_buffer(&m, buf, size);
    return r < 0 ? r : (intptr_t)m;
}

EXPORT(cw_dn_model_kind) int cw_dn_model_kind(const CcDenoiseModel *m)
{
    return cc_denoise_model_kind(m);
}

/* The denoiser model name the hosts use when none is given (cleancast/audio.h's
 * CC_DENOISE_DEFAULT_MODEL where the header has it), so that web/cli.mjs and
 * createDenoiserNode() follow the native CLI. */
EXPORT(cw_dn_default_model) const char *cw_dn_default_model(void)
{
#ifdef CC_DENOISE_DEFAULT_MODEL
    return CC_DENOISE_DEFAULT_MODEL;
#else
    return "rnnoise";
#endif
}

EXPORT(cw_dn_model_close) void cw_dn_model_close(CcDenoiseModel *m) { cc_denoise_model_close(&m); }

EXPORT(cw_dn_open)
intptr_t cw_dn_open(const CcDenoiseModel *m, int sample_rate_hz, int channels, float strength)
{
    CcDenoiserSettings s;
    cc_denoiser_default_settings(&s);
    s.engine = CC_DENOISE_RNNOISE;
    s.sample_rate_hz = sample_rate_hz;
    s.channels = channels;
    s.strength = strength;
    CcDenoiser *d = NULL;
    int r = cc_denoiser_open(&d, m, &s);
    return r < 0 ? r : (intptr_t)d;
}

EXPORT(cw_dn_process) int cw_dn_process(CcDenoiser *d, const float *in, float *out, int frames)
{
    return cc_denoiser_process(d, in, out, frames);
}

EXPORT(cw_dn_flush) int cw_dn_flush(CcDenoiser *d, float *out, int max_frames)
{
    return cc_denoiser_flush(d, out, max_frames);
}

EXPORT(cw_dn_latency) int cw_dn_latency(const CcDenoiser *d) { return cc_denoiser_latency_samples(d); }
EXPORT(cw_dn_vad) float cw_dn_vad(const CcDenoiser *d) { return cc_denoiser_vad(d); }
EXPORT(cw_dn_set_strength) void cw_dn_set_strength(CcDenoiser *d, float s) { cc_denoiser_set_strength(d, s); }
EXPORT(cw_dn_reset) void cw_dn_reset(CcDenoiser *d) { cc_denoiser_reset(d); }
EXPORT(cw_dn_close) void cw_dn_close(CcDenoiser *d) { cc_denoiser_close(&d); }
