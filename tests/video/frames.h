/* Builds test frames of every pixel format from an RGB picture (the test's own conversion). */
#ifndef CC_TEST_FRAMES_H
#define CC_TEST_FRAMES_H

#include <stdint.h>

#include "cleancast/video.h"

typedef struct TestFrame {
    CcFrame frame;
    uint8_t *buf[3];
} TestFrame;

/* rgb (h, w, 3). pad = extra stride bytes per row (filled with 0xAB guard). Full-range BT.601. */
int test_frame_make(TestFrame *t, CcPixelFormat fmt, const uint8_t *rgb, int w, int h, int pad);
void test_frame_free(TestFrame *t);

#endif
