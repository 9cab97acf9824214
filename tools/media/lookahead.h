/*
 * Two-way temporal steadying of masks for files (`process --quality best`): the mask of frame
 * t is the per-pixel median of the masks of frames t - r .. t + r, r = min(radius, t, last - t).
 * A median over a window centred on t leaves every monotonic change (an edge moving steadily
 * across a pixel, a person stepping in) exactly where it is, so there is no lag either way;
 * what it removes is a pixel that flips for fewer than r + 1 frames and flips back (flicker).
 * No FFmpeg here: the CLI's file pipeline and the tests share it.
 */
#ifndef CC_TOOLS_LOOKAHEAD_H
#define CC_TOOLS_LOOKAHEAD_H

#include <stddef.h>
#include <stdint.h>

#define CC_LOOKAHEAD_MAX 4 /* largest radius */

/* out = median over masks[t - r .. t + r] (r as above, n frames in all, last = n - 1, so
 * masks[t - r] .. masks[t + r] must be valid pointers); npix bytes each. */
void cc_lookahead_median(const uint8_t *const *masks, int n, int t, int radius, size_t npix,
                         uint8_t *out);

#endif
