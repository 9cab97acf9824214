/* Runs a Y4M clip through a segmenter and scores it (tests and benches). */
#ifndef CC_TEST_SEGEVAL_H
#define CC_TEST_SEGEVAL_H

#include <stdio.h>

#include "cleancast/video.h"
#include "segmetrics.h"

typedef struct CcSegEval {
    CcSegScore score;      /* against chroma-key truth (franck), when truth = 1 */
    double flicker;        /* mean |m_t - m_{t-1}| / 255 over still pixels */
    double flicker_all;    /* same over all pixels */
    int frames;
    double us_convert, us_infer, us_refine; /* totals */
} CcSegEval;

/*
 * Every step-th frame of the clip, at most max_frames (0: all). truth: score against the
 * chroma-key truth with a 4 px ignore band and boundary tolerance tol_px. Flicker counts only
 * pixels whose luma changed by at most 3 since the previous processed frame (still pixels).
 * Returns 0, or -1 when the clip cannot be read.
 */
int cc_seg_eval_clip(const char *y4m_path, CcSegmenter *seg, int step, int max_frames,
                     int truth, int tol_px, CcSegEval *out);

/*
 * One clip of the HD development set (data/build_hd.sh): DIR/NAME.mp4 decoded by ffmpeg,
 * scored against DIR/NAME.alpha.mkv (exact compositing alpha) with a 2 px ignore band for
 * IoU and a 2 px boundary tolerance; at most max_frames (0: all). Flicker as above (these
 * clips are 5 fps samples: it is reported, not a webcam figure). Returns 0 or -1.
 */
int cc_seg_eval_hd(const char *dir, const char *name, CcSegmenter *seg, int max_frames,
                   CcSegEval *out);

/* The same with the files' look-ahead steadying (tools/media/lookahead.h) of the given radius
 * applied to the segmenter's masks before scoring (radius 0: none). */
int cc_seg_eval_hd_lookahead(const char *dir, const char *name, CcSegmenter *seg, int max_frames,
                             int radius, CcSegEval *out);

struct CcY4m;
/* Opens the HD set's clip DIR/NAME: its video as I420 Y4M frames (through ffmpeg) into *y and
 * its exact alpha as 8-bit gray frames on *alpha (a pipe: pclose it). 0, or -1 with nothing
 * left open. */
int cc_hd_clip_open(const char *dir, const char *name, struct CcY4m *y, FILE **alpha);

#endif
