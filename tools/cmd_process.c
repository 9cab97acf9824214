/*
 * cleancast process IN -o OUT [--background ...] [--model ...]
 * Images here; anything else goes to the media pipeline (tools/media/).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "imageio.h"
#include "imgseg.h"
#include "media/media.h"
#include "toolutil.h"

static void help(FILE *f)
{
    fprintf(f,
        "usage: cleancast process IN -o OUT [options]\n"
        "Blurs, replaces or removes the background behind the person in an image\n"
        "(PNG, JPEG, PPM in; PNG, JPEG, PPM out) or a video file (see below).\n\n"
        "  -o, --output FILE          output file\n"
        "  --background MODE          blur[:STRENGTH 0..1] (default blur:0.5), replace:IMAGE,\n"
        "                             color:RRGGBB, transparent (PNG with alpha), none\n"
        "  --light-wrap X             0..1, background light over the person's edge (default 0)\n"
        "  --model NAME               general (default), landscape or a .tflite path\n"
        "  --backend B                auto (default), xnnpack or portable\n"
        "  --raw                      official MediaPipe mask (no refinement, no steadying)\n"
        "  -v, --verbose              more messages\n"
        "  -h, --help                 this help\n\n"
        "Video files (MP4, MKV, WebM, MOV, AVI in; MP4, MKV, WebM out; sound is cleaned too):\n"
        "  --denoise rnnoise|speex|off  noise suppression (default rnnoise)\n"
        "  --strength 0..1            noise suppression strength (default 1)\n"
        "  --denoise-model FILE       RNNoise model (.ccm or .rnnn)\n"
        "  --threads N                codec threads (inference uses one)\n"
        "  --crf N, --preset NAME, --audio-bitrate BPS   encoder settings\n"
        "  --stats                    per-stage timings\n"
        "  --progress / --no-progress progress line (default: only on a terminal)\n"
        "  -q, --quiet                no summary line\n");
}

static int process_image(const char *in, const char *out, const CcToolBackground *bg,
                         float light_wrap, const char *model_path, CcBackend backend, int raw)
{
    CcImage img, bgimg = { 0 };
    CcCompositor *comp = NULL;
    CcMask mask = { 0 };
    int status = 1;
    if (cc_image_read(in, &img))
        return 1;
    if (bg->mode == CC_BG_IMAGE && cc_image_read(bg->image_path, &bgimg))
        goto done;
    if (bg->mode != CC_BG_NONE && cc_tool_segment_image(&img, model_path, backend, raw, &mask))
        goto done;
    CcCompositorSettings cs;
    cc_compositor_default_settings(&cs);
    cs.mode = bg->mode;
    cs.blur_strength = bg->strength;
    memcpy(cs.color_rgb, bg->rgb, 3);
    cs.light_wrap = light_wrap;
    int ret = cc_compositor_open(&comp, &cs);
    if (ret < 0) {
        fprintf(stderr, "cleancast: cannot open compositor: %s\n", cc_strerror(ret));
        goto done;
    }
    if (bg->mode == CC_BG_IMAGE) {
        CcFrame bf = cc_tool_frame_of(&bgimg);
        if ((ret = cc_compositor_set_background(comp, &bf)) < 0) {
            fprintf(stderr, "cleancast: background image %s: %s\n", bg->image_path, cc_strerror(ret));
            goto done;
        }
    }
    if (bg->mode != CC_BG_NONE) {
        CcFrame frame = cc_tool_frame_of(&img);
        if ((ret = cc_compositor_process(comp, &frame, &mask)) < 0) {
            fprintf(stderr, "cleancast: compositing failed: %s\n", cc_strerror(ret));
            goto done;
        }
    }
    if (bg->mode != CC_BG_TRANSPARENT) {
        /* Opaque result: drop alpha so that PNG/JPEG/PPM all get plain RGB. */
        for (int y = 0; y < img.height; y++) {
            uint8_t *row = img.data + (size_t)y * img.stride;
            for (int x = 0; x < img.width; x++)
                memmove(row + x * 3, row + x * 4, 3);
        }
        img.channels = 3;
    }
    status = cc_image_write(out, &img) ? 1 : 0;
done:
    free(mask.data);
    cc_compositor_close(&comp);
    cc_image_free(&bgimg);
    cc_image_free(&img);
    return status;
}

int cc_cmd_process(int argc, char **argv)
{
    enum { O_RAW = 255, O_BG = 256, O_MODEL, O_BACKEND, O_WRAP, O_IGNORE_ARG, O_IGNORE };
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },
        { "background", required_argument, NULL, O_BG },
        { "model", required_argument, NULL, O_MODEL },
        { "backend", required_argument, NULL, O_BACKEND },
        { "light-wrap", required_argument, NULL, O_WRAP },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        /* video-only options, parsed by the media pipeline */
        { "denoise", required_argument, NULL, O_IGNORE_ARG },
        { "strength", required_argument, NULL, O_IGNORE_ARG },
        { "threads", required_argument, NULL, O_IGNORE_ARG },
        { "denoise-model", required_argument, NULL, O_IGNORE_ARG },
        { "stats", no_argument, NULL, O_IGNORE },
        { "progress", no_argument, NULL, O_IGNORE },
        { "no-progress", no_argument, NULL, O_IGNORE },
        { "quiet", no_argument, NULL, O_IGNORE },
        { "raw", no_argument, NULL, O_RAW },
        { "crf", required_argument, NULL, O_IGNORE_ARG },
        { "preset", required_argument, NULL, O_IGNORE_ARG },
        { "audio-bitrate", required_argument, NULL, O_IGNORE_ARG },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL, *model_name = "general";
    CcToolBackground bg;
    cc_tool_parse_background("blur", &bg);
    CcBackend backend = CC_BACKEND_AUTO;
    float light_wrap = 0.0f;
    int c, raw = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:vhq", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case O_BG: if (cc_tool_parse_background(optarg, &bg)) return 2; break;
        case O_MODEL: model_name = optarg; break;
        case O_BACKEND: if (cc_tool_parse_backend(optarg, &backend)) return 2; break;
        case O_WRAP:
            if (cc_tool_parse_float("--light-wrap", optarg, 0.0f, 1.0f, &light_wrap))
                return 2;
            break;
        case O_RAW: raw = 1; break;
        case O_IGNORE_ARG: case O_IGNORE: case 'q': break;
        case 'v': cc_tool_log_init(1); break;
        case 'h': help(stdout); return 0;
        default:
            fprintf(stderr, "cleancast process: bad option '%s'\n", argv[optind - 1]);
            help(stderr);
            return 2;
        }
    }
    if (optind != argc - 1 || !out) {
        fprintf(stderr, "cleancast process: want one input and -o OUTPUT\n");
        help(stderr);
        return 2;
    }
    const char *in = argv[optind];
    if (!cc_tool_is_image_path(in))
        return cc_media_process(in, out, argc, argv);
    if (!cc_tool_is_image_path(out)) {
        fprintf(stderr, "cleancast process: an image input needs an image output (.png, .jpg, "
                ".ppm), not '%s'\n", out);
        return 2;
    }
    char ext[16];
    cc_tool_extension(out, ext, sizeof(ext));
    if (bg.mode == CC_BG_TRANSPARENT && strcmp(ext, "png")) {
        fprintf(stderr, "cleancast: --background transparent needs a .png output, not '%s'\n", out);
        return 2;
    }
    char model_path[4096];
    if (cc_tool_seg_model_path(model_name, model_path, sizeof(model_path)))
        return 2;
    return process_image(in, out, &bg, light_wrap, model_path, backend, raw);
}
