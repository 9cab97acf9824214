/* Per-stage timings (--stats) and the terminal progress line. */
#ifndef CC_MEDIA_STATS_H
#define CC_MEDIA_STATS_H

#include <pthread.h>
#include <stdio.h>

#define CC_STAGE_SAMPLES 8192

/* One stage: every duration is summed; up to CC_STAGE_SAMPLES are kept for percentiles. */
typedef struct CcStage {
    const char *name;
    const char *unit;   /* what one count is: "frame", "packet", "10 ms" ... */
    double total_us, max_us;
    long long count;
    float samples[CC_STAGE_SAMPLES];
} CcStage;

void cc_stage_init(CcStage *s, const char *name, const char *unit);
void cc_stage_add(CcStage *s, double us);
/* Prints "name  count  mean  median  p95  max" (ms) to f; nothing if count == 0. */
void cc_stage_print(const CcStage *s, FILE *f);
void cc_stage_print_header(FILE *f, const char *title);
double cc_stage_percentile(const CcStage *s, double p);

typedef struct CcProgress {
    int enabled;
    long long start_us, last_print_us;
    double duration_s;  /* 0 when unknown */
    int printed;
} CcProgress;

void cc_progress_start(CcProgress *p, int enabled, double duration_s);
/* Rate-limited to 4 per second unless force. pos_s = media time done. */
void cc_progress_update(CcProgress *p, double pos_s, long long frames, int force);
void cc_progress_end(CcProgress *p);

#endif
