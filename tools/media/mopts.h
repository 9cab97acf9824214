/* Options shared by `process` (video files) and `live`: tools/options.h; a clock. */
#ifndef CC_MEDIA_MOPTS_H
#define CC_MEDIA_MOPTS_H

#include "../options.h"

enum {
    CC_MEDIA_DENOISE_OFF = CC_TOOL_DENOISE_OFF,
    CC_MEDIA_DENOISE_RNNOISE = CC_TOOL_DENOISE_RNNOISE,
    CC_MEDIA_DENOISE_SPEEX = CC_TOOL_DENOISE_SPEEX,
};

/* Monotonic clock in microseconds. */
long long cc_media_now_us(void);

#endif
