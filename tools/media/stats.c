#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mopts.h"
#include "stats.h"

void cc_stage_init(CcStage *s, const char *name, const char *unit)
{
    memset(s, 0, sizeof(*s));
    s->name = name;
    s->unit = unit;
}

void cc_stage_add(CcStage *s, double us)
{
    if (s->count < CC_STAGE_SAMPLES)
        s->samples[s->count] = (float)us;
    else /* keep a spread: overwrite a pseudo-random slot */
        s->samples[(unsigned long long)s->count * 2654435761u % CC_STAGE_SAMPLES] = (float)us;
    s->count++;
    s->total_us += us;
    if (us > s->max_us)
        s->max_us = us;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

double cc_stage_percentile(const CcStage *s, double p)
{
    long long n = s->count < CC_STAGE_SAMPLES ? s->count : CC_STAGE_SAMPLES;
    if (n <= 0)
        return 0;
    float *tmp = malloc((size_t)n * sizeof(float));
    if (!tmp)
        return 0;
    memcpy(tmp, s->samples, (size_t)n * sizeof(float));
    qsort(tmp, (size_t)n, sizeof(float), cmp_float);
    long long k = (long long)floor(p * (double)(n - 1) + 0.5);
    double v = tmp[k];
    free(tmp);
    return v;
}

void cc_stage_print_header(FILE *f, const char *title)
{
    fprintf(f, "%-22s %8s %9s %9s %9s %9s  (ms per unit)\n", title, "count", "mean", "median",
            "p95", "max");
}

void cc_stage_print(const CcStage *s, FILE *f)
{
    if (!s->count)
        return;
    char label[64];
    snprintf(label, sizeof(label), "%s/%s", s->name, s->unit);
    fprintf(f, "%-22s %8lld %9.3f %9.3f %9.3f %9.3f\n", label, s->count,
            s->total_us / (double)s->count / 1000.0, cc_stage_percentile(s, 0.5) / 1000.0,
            cc_stage_percentile(s, 0.95) / 1000.0, s->max_us / 1000.0);
}

void cc_progress_start(CcProgress *p, int enabled, double duration_s)
{
    memset(p, 0, sizeof(*p));
    p->enabled = enabled;
    p->duration_s = duration_s > 0 ? duration_s : 0;
    p->start_us = cc_media_now_us();
}

void cc_progress_update(CcProgress *p, double pos_s, long long frames, int force)
{
    if (!p->enabled)
        return;
    long long now = cc_media_now_us();
    if (!force && now - p->last_print_us < 250000)
        return;
    p->last_print_us = now;
    double el = (now - p->start_us) / 1e6;
    double fps = el > 0 ? frames / el : 0;
    char bar[31];
    if (p->duration_s > 0) {
        double frac = pos_s / p->duration_s;
        frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
        int n = (int)(frac * 30);
        for (int i = 0; i < 30; i++)
            bar[i] = i < n ? '#' : '-';
        bar[30] = 0;
        double eta = frac > 0.001 ? el * (1 - frac) / frac : 0;
        fprintf(stderr, "\r[%s] %5.1f%%  %6.1f fps  %5.1fx  ETA %3d:%02d ", bar, frac * 100, fps,
                el > 0 ? pos_s / el : 0, (int)eta / 60, (int)eta % 60);
    } else {
        fprintf(stderr, "\r%8.1f s  %6.1f fps ", pos_s, fps);
    }
    p->printed = 1;
}

void cc_progress_end(CcProgress *p)
{
    if (p->enabled && p->printed)
        fputc('\n', stderr);
    p->printed = 0;
}
