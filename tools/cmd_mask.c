/* cleancast mask IN -o OUT.pgm [--model general|landscape|PATH] [--raw] [--backend B] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "imageio.h"
#include "imgseg.h"
#include "options.h"

static void help(FILE *f)
{
    fprintf(f,
        "usage: cleancast mask IN -o OUT.pgm [options]\n"
        "Writes the person mask of an image (PNG, JPEG or PPM) as an 8-bit PGM of the\n"
        "same size: 255 = person, 0 = background.\n\n"
        "  -o, --output FILE     output .pgm (or .png)\n"
        "  --model NAME          segmentation model: general (256x256, default), landscape\n"
        "                        (256x144) or a .tflite path; names are looked up in\n"
        "                        $CLEANCAST_CACHE/models, $XDG_CACHE_HOME/cleancast/models,\n"
        "                        ~/.cache/cleancast/models, then the installed data folder\n"
        "  --raw                 reproduce the official MediaPipe solution exactly (no refinement)\n"
        "  --backend B           auto (default), xnnpack or portable\n"
        "  -v, --verbose         more messages\n"
        "  -h, --help            this help\n");
}

int cc_cmd_mask(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' }, { "model", required_argument, NULL, 'm' },
        { "raw", no_argument, NULL, 'r' },          { "backend", required_argument, NULL, 'b' },
        { "verbose", no_argument, NULL, 'v' },      { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL, *model_name = "general";
    int raw = 0, c;
    CcBackend backend = CC_BACKEND_AUTO;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:m:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'm': if (cc_opt_seg_model(optarg, &model_name)) return 2; break;
        case 'r': raw = 1; break;
        case 'b': if (cc_opt_backend(optarg, &backend)) return 2; break;
        case 'v': cc_tool_log_init(1); break;
        case 'h': help(stdout); return 0;
        default: return cc_opt_bad_usage("mask", c, argc, argv);
        }
    }
    if (optind != argc - 1 || !out) {
        fprintf(stderr, "cleancast mask: want one input and -o OUTPUT\n");
        help(stderr);
        return 2;
    }
    char model_path[4096];
    if (cc_tool_find_model(model_name, CC_MODEL_SEGMENTATION, model_path, sizeof(model_path)))
        return 1;
    CcImage img, gray;
    if (cc_image_read(argv[optind], &img))
        return 1;
    CcMask mask;
    if (cc_tool_segment_image(&img, model_path, backend, raw, CC_QUALITY_REALTIME, &mask)) {
        cc_image_free(&img);
        return 1;
    }
    gray = (CcImage){ mask.width, mask.height, 1, mask.stride, mask.data };
    int ret = cc_image_write(out, &gray);
    free(mask.data);
    cc_image_free(&img);
    return ret ? 1 : 0;
}
