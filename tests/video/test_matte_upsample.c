/*
 * The matte's coefficient upsampling (integer factors, written-out phases for 2, 4 and 6)
 * against the plain half-pixel bilinear formula, for frame widths that give factors 1..6 and
 * widths that are not multiples of the factor.
 */
#include <math.h>
#include <stdlib.h>

#include "testutil.h"
#include "video/matte.h"

int main(void)
{
    const int widths[] = { 7, 400, 481, 640, 959, 960, 1280, 1279, 1920, 1918, 2560, 2881 };
    for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
        int w = widths[i];
        CcMatte *m = NULL;
        CHECK(cc_matte_open(&m, 16, 16, w, 9, 0.5f, 0.0f, 0) == 0);
        if (!m)
            return 1;
        int ww = cc_matte_work_width(m);
        int f = (w + ww - 1) / ww;
        float *src = malloc(sizeof(float) * ww), *dst = malloc(sizeof(float) * w);
        for (int x = 0; x < ww; x++)
            src[x] = (float)((x * 7919) % 101) / 100.0f - 0.3f;
        cc_matte_upsample_row(m, src, dst);
        double worst = 0;
        for (int x = 0; x < w; x++) {
            double fx = (x + 0.5) / f - 0.5;
            if (fx < 0)
                fx = 0;
            int x0 = (int)fx < ww - 1 ? (int)fx : ww - 1, x1 = x0 + 1 < ww ? x0 + 1 : ww - 1;
            double want = src[x0] + (src[x1] - src[x0]) * (fx - x0 > 1 ? 1 : fx - x0);
            worst = fmax(worst, fabs(want - dst[x]));
        }
        CHECK_MSG(worst < 1e-5, "width %d (factor %d): max error %g", w, f, worst);
        free(src);
        free(dst);
        cc_matte_close(&m);
    }
    return CC_TEST_RESULT();
}
