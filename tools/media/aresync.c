/* Audio on its timestamps through libswresample's compensation; see aresync.h. */
#include "aresync.h"

#include <stdlib.h>

#include <libavutil/error.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>

int cc_resync_init(CcResync *r, const AVChannelLayout *out_layout, int out_rate,
                   const AVFrame *first, const CcResyncParams *prm)
{
    *r = (CcResync){ .in_rate = first->sample_rate, .out_rate = out_rate,
                     .last_end = AV_NOPTS_VALUE };
    /* FFmpeg 5.1 declares the layouts non-const but only reads them: shallow copies */
    AVChannelLayout out_cl = *out_layout, in_cl = first->ch_layout;
    int ret = swr_alloc_set_opts2(&r->swr, &out_cl, AV_SAMPLE_FMT_FLT, out_rate, &in_cl,
                                  first->format, first->sample_rate, 0, NULL);
    if (ret >= 0 && prm->min_comp > 0)
        ret = av_opt_set_double(r->swr, "min_comp", prm->min_comp, 0);
    if (ret >= 0)
        ret = av_opt_set_double(r->swr, "min_hard_comp", prm->min_hard_comp, 0);
    if (ret >= 0)
        ret = av_opt_set_double(r->swr, "async", prm->async, 0);
    /* Stretching needs the resampler even at equal rates; set now, not by swr_set_compensation
       re-initialising a running context. */
    if (ret >= 0 && prm->async > 1)
        ret = av_opt_set_int(r->swr, "flags", SWR_FLAG_RESAMPLE, 0);
    if (ret >= 0)
        ret = swr_init(r->swr);
    if (ret < 0)
        swr_free(&r->swr);
    return ret;
}

void cc_resync_timestamp(CcResync *r, int64_t ts, AVRational tb, int nb_samples)
{
    /* swr_next_pts works in 1/(in_rate * out_rate) units (48000*48000: more than an int). */
    int64_t pts = av_rescale(ts, (int64_t)tb.num * r->in_rate * r->out_rate, tb.den);
    int64_t hour = 3600LL * r->in_rate * r->out_rate;
    if (r->last_end == AV_NOPTS_VALUE || llabs(pts - r->last_end) < hour)
        swr_next_pts(r->swr, pts);
    r->last_end = pts + (int64_t)nb_samples * r->out_rate;
}

int cc_resync_out_room(CcResync *r, int nb_samples)
{
    return swr_get_out_samples(r->swr, nb_samples);
}

int cc_resync_convert(CcResync *r, float *dst, int cap, const AVFrame *f)
{
    uint8_t *d[1] = { (uint8_t *)dst };
    int n = swr_convert(r->swr, d, cap, f ? (const uint8_t **)f->extended_data : NULL,
                        f ? f->nb_samples : 0);
    if (n < 0 || !f)
        return n;
    /* What swr added or took away: the output count against the input's, both at out_rate. */
    long long was = r->out_samples - r->in_samples;
    r->in_samples += av_rescale(f->nb_samples, r->out_rate, r->in_rate);
    r->out_samples += n;
    long long now = r->out_samples - r->in_samples;
    if (now > was)
        r->added += now - was;
    else
        r->removed += was - now;
    return n;
}

void cc_resync_free(CcResync *r)
{
    swr_free(&r->swr);
}

void cc_arrival_clock_init(CcArrivalClock *c, int rate)
{
    *c = (CcArrivalClock){ .slack = rate / 5, .wait = (int64_t)rate * 3 / 10 };
}

int64_t cc_arrival_clock_check(CcArrivalClock *c, int64_t arrival, int nb)
{
    if (!c->started) {
        c->started = 1;
        c->in_clock = arrival;
    }
    int64_t late = arrival - c->in_clock, fix = 0;
    if (late > c->slack || late < -c->slack) {
        int64_t mag = llabs(late);
        if (c->run && ((late > 0) != (c->run_min > 0)))
            c->run = 0;
        if (!c->run || mag < llabs(c->run_min))
            c->run_min = late;
        c->run += nb;
    } else {
        c->run = 0;
    }
    if (c->run >= c->wait) {
        fix = c->run_min;
        c->run = 0;
    }
    if (fix > 0)
        c->in_clock += fix;
    return fix;
}
