/* Segment and composite one still image (shared by `mask` and `process`). */
#ifndef CC_TOOLS_IMGSEG_H
#define CC_TOOLS_IMGSEG_H

#include <cleancast/video.h>

#include "imageio.h"

/* Segments img (RGBA) with the model at model_path; mask->data is allocated (free()). */
int cc_tool_segment_image(const CcImage *img, const char *model_path, CcBackend backend, int raw,
                          int quality,
                          CcMask *mask);

/* CcFrame view of an RGBA image. */
CcFrame cc_tool_frame_of(const CcImage *img);

#endif
