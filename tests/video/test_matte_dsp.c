/*
 * checkasm-style: every matte kernel variant this CPU has against the C reference, on
 * random and edge-case inputs (saturating values, both luma steps, odd widths). Float
 * kernels may differ by one step of the final rounding (FMA vs separate multiply-add).
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "video/matte_dsp.h"

static float frand(unsigned *s, float lo, float hi)
{
    *s = *s * 1103515245u + 12345u;
    return lo + (hi - lo) * ((*s >> 8) & 0xffff) / 65535.0f;
}

int main(void)
{
    CcMatteDsp c, best;
    cc_matte_dsp_init_c(&c);
    cc_matte_dsp_init(&best);
    if (best.apply_row_u8 == c.apply_row_u8) {
        fprintf(stderr, "SKIP: no SIMD variant on this CPU\n");
        return CC_TEST_SKIP;
    }
    enum { W = 1037 };
    float a0[W], a1[W], b0[W], b1[W];
    uint8_t y8[2 * W + 16], out_c[W + 16], out_s[W + 16];
    unsigned seed = 1;
    int worst = 0;
    for (int iter = 0; iter < 200; iter++) {
        float range = iter % 3 == 0 ? 40.0f : 2.0f; /* large coefficients saturate */
        for (int i = 0; i < W; i++) {
            a0[i] = frand(&seed, -range, range);
            a1[i] = frand(&seed, -range, range);
            b0[i] = frand(&seed, -range, range);
            b1[i] = frand(&seed, -range, range);
        }
        for (int i = 0; i < 2 * W + 16; i++)
            y8[i] = (uint8_t)(frand(&seed, 0, 256));
        int w = 1 + iter * 5 % W, step = 1 + (iter & 1);
        float wy = frand(&seed, 0, 1), yoff = iter & 2 ? 16.0f : 0.0f;
        float ymul = iter & 2 ? 1.0f / 219.0f : 1.0f / 255.0f;
        memset(out_c, 0x5A, sizeof(out_c));
        memset(out_s, 0x5A, sizeof(out_s));
        c.apply_row_u8(a0, a1, b0, b1, wy, yoff, ymul, y8, step, out_c, w);
        best.apply_row_u8(a0, a1, b0, b1, wy, yoff, ymul, y8, step, out_s, w);
        for (int i = 0; i < w; i++) {
            int d = abs(out_c[i] - out_s[i]);
            worst = d > worst ? d : worst;
        }
        CHECK_MSG(!memcmp(out_c + w, out_s + w, 16) && out_s[w] == 0x5A, "wrote past w=%d", w);
    }
    CHECK_MSG(worst <= 1, "SIMD differs from C by %d", worst);
    return CC_TEST_RESULT();
}
