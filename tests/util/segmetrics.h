/* Segmentation quality measures shared by tests and benches. */
#ifndef CC_TEST_SEGMETRICS_H
#define CC_TEST_SEGMETRICS_H

#include <stdint.h>

/*
 * Pseudo ground truth of a blue-screen frame (DATA.md recipe): background where
 * b > 120 && b - r > 60 && b - g > 30 (RGB of the I420 frame, BT.601 limited range);
 * person = the rest, connected to the bottom row. gt (h, w): 1 person, 0 background.
 * ignore (h, w): 1 within band_px of the person's edge (not scored).
 */
void cc_chroma_key_truth(const uint8_t *y, const uint8_t *u, const uint8_t *v, int w, int h,
                         int band_px, uint8_t *gt, uint8_t *ignore);

/*
 * Truth from an exact compositing alpha (h, w), 255 = person: gt = alpha >= 128; ignore =
 * within band_px of the person's edge.
 */
void cc_alpha_truth(const uint8_t *alpha, int w, int h, int band_px, uint8_t *gt, uint8_t *ignore);

typedef struct CcSegScore {
    double inter, uni;        /* IoU = inter / uni (accumulate over frames) */
    double bp_hit, bp_n;      /* boundary precision */
    double br_hit, br_n;      /* boundary recall */
    double halo_sum, halo_n;  /* mask over true background 4..10 px outside the person */
    double bite_sum, bite_n;  /* 1 - mask over the person 4..10 px inside its edge */
    double far_fg, far_n;     /* mask >= 128 on true background more than 8 px outside */
} CcSegScore;

/* Adds one frame: mask (h, w) thresholded at 128, gt/ignore as above, boundary tolerance tol_px. */
void cc_seg_score_add(CcSegScore *s, const uint8_t *mask, const uint8_t *gt, const uint8_t *ignore,
                      int w, int h, int tol_px);
double cc_seg_score_iou(const CcSegScore *s);
double cc_seg_score_boundary_f(const CcSegScore *s);
/* Mean mask (0..1) on background just outside the person: a halo of the old background. */
double cc_seg_score_halo(const CcSegScore *s);
/* Mean missing mask (0..1) just inside the person: bitten-off edges. */
double cc_seg_score_bite(const CcSegScore *s);

/* Share of the true background more than 8 px from the person that the mask calls person. */
double cc_seg_score_far_fg(const CcSegScore *s);

/* IoU of two 8-bit masks thresholded at 128 (1 when both are empty). */
double cc_mask_iou(const uint8_t *a, const uint8_t *b, int n);

/* Mean |a - b| / 255 over pixels where region is nonzero (region NULL: all). */
double cc_mask_mean_abs_diff(const uint8_t *a, const uint8_t *b, const uint8_t *region, int n);

#endif
