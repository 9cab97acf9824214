/* Built when libpipewire-0.3 was not found (meson option `pipewire`): -o pipewire and
   --camera pipewire say clearly that this cleancast has no PipeWire support. */
#include <string.h>

#include "pwvideo.h"

#define NOT_BUILT "PipeWire support is not built into this cleancast (libpipewire-0.3 was not " \
                  "found at build time: apt-get install libpipewire-0.3-dev, then meson setup " \
                  "--reconfigure -Dpipewire=enabled); use /dev/videoN (v4l2loopback) instead"

int cc_pw_is_pipewire(const char *d)
{
    return d && !strncmp(d, "pipewire", 8) && (!d[8] || d[8] == ':');
}

CcPwOut *cc_pw_out_open(const char *dest, int width, int height, AVRational fps)
{
    (void)width, (void)height, (void)fps;
    fprintf(stderr, "cleancast live: -o %s: " NOT_BUILT "\n", dest);
    return NULL;
}

void cc_pw_out_push(CcPwOut *o, const AVFrame *f, long long t_cap_us) { (void)o, (void)f, (void)t_cap_us; }
void cc_pw_out_print_stats(CcPwOut *o, FILE *fp, double wall_s) { (void)o, (void)fp, (void)wall_s; }
void cc_pw_out_close(CcPwOut **o) { *o = NULL; }

CcPwIn *cc_pw_in_open(const char *dev, int timeout_ms)
{
    (void)timeout_ms;
    fprintf(stderr, "cleancast live: --camera %s: " NOT_BUILT "\n", dev);
    return NULL;
}

void cc_pw_in_info(CcPwIn *in, int *w, int *h, AVRational *fps, int *pix_fmt)
{
    (void)in, *w = *h = 0, *fps = (AVRational){ 0, 1 }, *pix_fmt = -1;
}

int cc_pw_in_read(CcPwIn *in, AVFrame **out, long long *t, int timeout_ms, long long *dropped)
{
    (void)in, (void)out, (void)t, (void)timeout_ms, (void)dropped;
    return -1;
}

void cc_pw_in_close(CcPwIn **in) { *in = NULL; }
