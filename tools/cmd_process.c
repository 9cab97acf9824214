/*
 * cleancast process IN -o OUT [--background ...] [--model ...]
 * Images here; anything else goes to the media pipeline (tools/media/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "imageio.h"
#include "imgseg.h"
#include "media/media.h"
#include "options.h"
#include "toolutil.h"

static int process_image(const CcMediaOptions *o, const char *model_path)
{
    const char *in = o->input, *out = o->output;
    const CcToolBackground bgv = { o->background, o->blur_strength,
                                   { o->color_rgb[0], o->color_rgb[1], o->color_rgb[2] },
                                   o->bg_image };
    const CcToolBackground *bg = &bgv;
    CcImage img, bgimg = { 0 };
    CcCompositor *comp = NULL;
    CcMask mask = { 0 };
    int status = 1;
    if (cc_image_read(in, &img))
        return 1;
    if (bg->mode == CC_BG_IMAGE && cc_image_read(bg->image_path, &bgimg))
        goto done;
    if (bg->mode != CC_BG_NONE && cc_tool_segment_image(&img, model_path, o->backend, o->raw, o->quality, &mask))
        goto done;
    CcCompositorSettings cs;
    cc_compositor_default_settings(&cs);
    cs.mode = bg->mode;
    cs.blur_strength = bg->strength;
    memcpy(cs.color_rgb, bg->rgb, 3);
    cs.light_wrap = o->light_wrap;
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
    CcMediaOptions o;
    int r = cc_media_parse_options(&o, argc, argv, 0);
    if (r)
        return r == 1 ? 0 : 2;
    if (o.verbose)
        cc_tool_log_init(o.verbose);
    if (!o.input || !o.output) {
        fprintf(stderr, "cleancast process: want one input and -o OUTPUT (see --help)\n");
        return 2;
    }
    if (!cc_tool_is_image_path(o.input))
        return cc_media_process(&o);
    if (!cc_tool_is_image_path(o.output)) {
        fprintf(stderr, "cleancast process: an image input needs an image output (.png, .jpg, "
                ".ppm), not '%s'\n", o.output);
        return 2;
    }
    char ext[16];
    cc_tool_extension(o.output, ext, sizeof(ext));
    if (o.background == CC_BG_TRANSPARENT && strcmp(ext, "png")) {
        fprintf(stderr, "cleancast: --background transparent needs a .png output, not '%s'\n",
                o.output);
        return 2;
    }
    char model_path[4096] = "";
    if (o.background != CC_BG_NONE &&
        cc_tool_find_model(o.model, CC_MODEL_SEGMENTATION, model_path, sizeof(model_path)))
        return 1;
    return process_image(&o, model_path);
}
