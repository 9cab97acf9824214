/* Options shared by `process` (video files) and `live`: tools/options.h; a clock. */
#ifndef CC_MEDIA_MOPTS_H
#define CC_MEDIA_MOPTS_H

#include "../options.h"

enum {
    CC_MEDIA_DENOISE_OFF = CC_TOOL_DENOISE_OFF,
    CC_MEDIA_DENOISE_RNNOISE = CC_TOOL_DENOISE_RNNOISE,
    CC_MEDIA_DENOISE_SPEEX = CC_TOOL_DENOISE_SPEEX,
};

/* `live` microphone chain beyond the denoiser (issue 16): parsed by tools/cmd_live.c (which
 * defines cc_live_voice), used by live.c. Any of echo_cancel, agc, high_pass on: the mic goes
 * through the library's CcVoiceProcessor (high-pass, echo cancellation, the --denoise engine,
 * AGC) instead of the plain denoiser. */
typedef struct CcLiveVoiceOptions {
    int echo_cancel;              /* --echo-cancel (or implied by --echo-reference) */
    const char *echo_reference;   /* --echo-reference DEV: pulse[:SOURCE] or a file; NULL: the
                                     default sink's monitor, pulse:@DEFAULT_MONITOR@ */
    int agc, high_pass;           /* --agc, --high-pass */
} CcLiveVoiceOptions;
extern CcLiveVoiceOptions cc_live_voice;

/* Monotonic clock in microseconds. */
long long cc_media_now_us(void);

#endif
