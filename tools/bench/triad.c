/* triad.c - see triad.h. */
#include "triad.h"

#include <stdlib.h>

#include "sysinfo.h"

double osib_triad_gbs(size_t n, int repeat)
{
    float *a = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    float *b = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    float *c = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    if (!a || !b || !c) {
        free(a);
        free(b);
        free(c);
        return -1.0;
    }
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        a[i] = 0.0f;
        b[i] = 1.0f;
        c[i] = 2.0f;
    }
    const float s = 3.0f;
    double best = 0.0;
    for (int r = 0; r < repeat; r++) {
        double t0 = osib_now_seconds();
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] + s * c[i];
        double gbs = 12.0 * (double)n / (osib_now_seconds() - t0) / 1e9;
        if (gbs > best)
            best = gbs;
    }
    /* Read the result so that the loops cannot be dropped. */
    volatile float sink = a[n / 2];
    (void)sink;
    free(a);
    free(b);
    free(c);
    return best;
}
