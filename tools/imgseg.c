#include "imgseg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CcFrame cc_tool_frame_of(const CcImage *img)
{
    CcFrame f;
    memset(&f, 0, sizeof(f));
    f.format = CC_PIX_RGBA;
    f.width = img->width;
    f.height = img->height;
    f.data[0] = img->data;
    f.stride[0] = img->stride;
    return f;
}

int cc_tool_segment_image(const CcImage *img, const char *model_path, CcBackend backend, int raw,
                          int quality,
                          CcMask *mask)
{
    CcSegModel *model = NULL;
    CcSegmenter *seg = NULL;
    memset(mask, 0, sizeof(*mask));
    int ret = cc_seg_model_open_file(&model, model_path);
    if (ret < 0) {
        fprintf(stderr, "cleancast: cannot load model %s: %s\n", model_path, cc_strerror(ret));
        return -1;
    }
    CcSegmenterSettings ss;
    cc_segmenter_default_settings(&ss);
    ss.backend = backend;
    ss.raw = raw;
    ss.quality = quality;
    ret = cc_segmenter_open(&seg, model, &ss);
    if (ret < 0) {
        fprintf(stderr, "cleancast: cannot open segmenter: %s\n", cc_strerror(ret));
        cc_seg_model_close(&model);
        return -1;
    }
    mask->width = img->width;
    mask->height = img->height;
    mask->stride = img->width;
    mask->data = malloc((size_t)img->width * img->height);
    CcFrame frame = cc_tool_frame_of(img);
    ret = mask->data ? cc_segmenter_process(seg, &frame, mask) : CC_ERR(ENOMEM);
    cc_segmenter_close(&seg);
    cc_seg_model_close(&model);
    if (ret < 0) {
        fprintf(stderr, "cleancast: segmentation failed: %s\n", cc_strerror(ret));
        free(mask->data);
        mask->data = NULL;
        return -1;
    }
    return 0;
}
