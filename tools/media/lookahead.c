#include "lookahead.h"

static inline void sort2(uint8_t *a, uint8_t *b)
{
    uint8_t x = *a < *b ? *a : *b, y = *a < *b ? *b : *a;
    *a = x;
    *b = y;
}

void cc_lookahead_median(const uint8_t *const *masks, int n, int t, int radius, size_t npix,
                         uint8_t *out)
{
    int r = radius;
    if (r > CC_LOOKAHEAD_MAX)
        r = CC_LOOKAHEAD_MAX;
    if (r > t)
        r = t;
    if (r > n - 1 - t)
        r = n - 1 - t;
    if (r < 0)
        r = 0;
    const uint8_t *const *m = masks + t - r;
    if (r == 0) {
        for (size_t i = 0; i < npix; i++)
            out[i] = m[0][i];
    } else if (r == 1) {
        for (size_t i = 0; i < npix; i++) {
            uint8_t a = m[0][i], b = m[1][i], c = m[2][i];
            sort2(&a, &b);
            sort2(&b, &c);
            sort2(&a, &b);
            out[i] = b;
        }
    } else if (r == 2) {
        for (size_t i = 0; i < npix; i++) {
            /* median of 5 by a partial sorting network */
            uint8_t a = m[0][i], b = m[1][i], c = m[2][i], d = m[3][i], e = m[4][i];
            sort2(&a, &b);
            sort2(&d, &e);
            sort2(&a, &d); /* a is the smallest of a b d e: drop it */
            sort2(&b, &e); /* e is the largest of b d e: drop it */
            sort2(&b, &c);
            sort2(&c, &d);
            sort2(&b, &c);
            out[i] = c;
        }
    } else {
        const int k = 2 * r + 1;
        for (size_t i = 0; i < npix; i++) {
            uint8_t v[2 * CC_LOOKAHEAD_MAX + 1];
            for (int j = 0; j < k; j++) {
                uint8_t x = m[j][i];
                int p = j;
                while (p > 0 && v[p - 1] > x) {
                    v[p] = v[p - 1];
                    p--;
                }
                v[p] = x;
            }
            out[i] = v[r];
        }
    }
}
