/* Minimal YUV4MPEG2 (Y4M) reader for tests and benches: 8-bit 420 (C420*, or no C tag). */
#ifndef CC_TEST_Y4M_H
#define CC_TEST_Y4M_H

#include <stdint.h>
#include <stdio.h>

typedef struct CcY4m {
    FILE *f;
    int is_pipe;        /* f came from popen() */
    int width, height;
    int fps_num, fps_den;
    uint8_t *planes[3]; /* Y (h, w), U, V (ceil(h/2), ceil(w/2)) */
} CcY4m;

/* 0 on success; -1 with a message on stderr for a missing or unsupported file. */
int cc_y4m_open(CcY4m *y, const char *path);
/* Same, reading the Y4M written to stdout by a shell command (e.g. ffmpeg decoding a file). */
int cc_y4m_open_cmd(CcY4m *y, const char *cmd);
/* 1 = a frame was read, 0 = end of file, -1 = error (truncated frame). */
int cc_y4m_read(CcY4m *y);
void cc_y4m_close(CcY4m *y);

#endif
