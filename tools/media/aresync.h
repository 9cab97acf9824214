/*
 * Audio kept on its timestamps by libswresample's own compensation (swr_next_pts): where the
 * timestamps and the sample count disagree by more than min_hard_comp, silence is inserted or
 * samples dropped; with async > 1, smaller disagreements above min_comp are taken out by
 * stretching or squeezing the audio by at most `async` samples per second. Used by `process`
 * (file timestamps: holes and overlaps) and `live` (capture times: device clock drift, lost
 * samples).
 */
#ifndef CC_MEDIA_ARESYNC_H
#define CC_MEDIA_ARESYNC_H

#include <stdint.h>

#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>

typedef struct CcResyncParams {
    double min_comp;      /* s: smaller disagreements are left alone (<= 0: swr's default) */
    double min_hard_comp; /* s: larger ones are filled / trimmed at once */
    double async;         /* 1: fill and trim only; N > 1: also stretch by <= N samples/s */
} CcResyncParams;

typedef struct CcResync {
    SwrContext *swr;
    int in_rate, out_rate;
    int64_t last_end;     /* 1/(in_rate*out_rate): end of the last stamped frame */
    long long in_samples; /* input so far, counted at the output rate */
    long long out_samples;
    long long added, removed; /* output samples swr inserted (silence, stretch) / took away */
} CcResync;

/* Converts to interleaved float at out_rate/out_layout from the format of `first`. 0 or < 0. */
int cc_resync_init(CcResync *r, const AVChannelLayout *out_layout, int out_rate,
                   const AVFrame *first, const CcResyncParams *prm);
/* Where the next frame (nb_samples long) starts: ts in tb. A jump of more than an hour from the
   previous frame's end is a broken timestamp, not a gap: not compensated. */
void cc_resync_timestamp(CcResync *r, int64_t ts, AVRational tb, int nb_samples);
/* Room needed in dst for converting nb_samples more input. */
int cc_resync_out_room(CcResync *r, int nb_samples);
/* Converts f (NULL: flush) into dst (cap samples); the number of samples written, or < 0. */
int cc_resync_convert(CcResync *r, float *dst, int cap, const AVFrame *f);
void cc_resync_free(CcResync *r);

/*
 * `live`'s clock check (why not swr_next_pts there: doc/LIVE.md, measured by
 * tests/media/test_live_clock.c). Audio is stamped by a running sample count from the first
 * packet's capture time; each packet's capture time (from its arrival) is compared with that
 * count. A single late packet or a late burst changes nothing; when packets arrive consistently
 * more than `slack` late (or early) for `wait` samples (the device lost samples, or its clock
 * drifted), the smallest lateness of that run is filled with silence (or dropped).
 */
typedef struct CcArrivalClock {
    int started;
    int64_t in_clock;  /* 1/rate: where the next sample goes by the running count */
    int64_t run_min;   /* smallest lateness of the current run, signed */
    int64_t run;       /* samples in the current run of late (early) packets */
    int64_t slack, wait;
} CcArrivalClock;

void cc_arrival_clock_init(CcArrivalClock *c, int rate); /* slack 200 ms, wait 300 ms */
/* A packet of about nb samples whose first sample was captured at `arrival` (1/rate): > 0
   samples of silence to put before it, < 0 samples to drop from its start, 0 nothing. */
int64_t cc_arrival_clock_check(CcArrivalClock *c, int64_t arrival, int nb);
/* n samples went out (silence from check() counts itself; dropped ones do not go out). */
static inline void cc_arrival_clock_advance(CcArrivalClock *c, int64_t n) { c->in_clock += n; }

#endif
