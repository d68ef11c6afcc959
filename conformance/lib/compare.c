#include "compare.h"

#include <math.h>
#include <string.h>

osib_diff osib_compare(const double *x, const double *y, size_t n)
{
    /* Sums of squares in long double: a float64 oracle compared with a
     * float64 implementation must not be judged by the comparison's own
     * round-off. */
    long double dd = 0.0L, xx = 0.0L;
    double dmax = 0.0, xmax = 0.0;
    size_t worst = 0;
    for (size_t k = 0; k < n; k++) {
        double diff = y[k] - x[k];
        dd += (long double)diff * diff;
        xx += (long double)x[k] * x[k];
        if (fabs(diff) > dmax) {
            dmax = fabs(diff);
            worst = k;
        }
        if (fabs(x[k]) > xmax)
            xmax = fabs(x[k]);
    }
    osib_diff r;
    r.ref_l2 = (double)sqrtl(xx);
    r.rel_l2 = xx > 0.0L ? (double)sqrtl(dd / xx) : (double)sqrtl(dd);
    r.rel_max = xmax > 0.0 ? dmax / xmax : dmax;
    r.worst_index = worst;
    return r;
}

/* Squared norms of x and of y - x over the bands of one axis: the array
 * seen as (outer, n, inner) with the axis in the middle. */
static void band_sums(const double *x, const double *y, size_t outer, size_t n, size_t inner, int bands,
                      long double *xx, long double *dd)
{
    for (int b = 0; b < bands; b++) {
        xx[b] = dd[b] = 0.0L;
        size_t first = (size_t)b * n / (size_t)bands, last = (size_t)(b + 1) * n / (size_t)bands;
        for (size_t o = 0; o < outer; o++)
            for (size_t i = first; i < last; i++) {
                const double *xr = x + (o * n + i) * inner, *yr = y + (o * n + i) * inner;
                for (size_t k = 0; k < inner; k++) {
                    long double d = (long double)yr[k] - xr[k];
                    xx[b] += (long double)xr[k] * xr[k];
                    dd[b] += d * d;
                }
            }
    }
}

osib_windowed osib_compare_windowed(const double *x, const double *y, int rank, const size_t *dims, double floor_rel)
{
    osib_windowed w;
    memset(&w, 0, sizeof w);
    if (rank < 1)
        return w;
    size_t total = 1;
    for (int d = 0; d < rank; d++)
        total *= dims[d];
    int axes[2] = {0, rank - 1};
    for (int a = 0; a < (rank > 1 ? 2 : 1); a++) {
        int axis = axes[a];
        size_t n = dims[axis];
        if (n < 2)
            continue;
        int bands = n < OSIB_WINDOW_BANDS ? (int)n : OSIB_WINDOW_BANDS;
        size_t outer = 1, inner = 1;
        for (int d = 0; d < axis; d++)
            outer *= dims[d];
        inner = total / outer / n;
        long double xx[OSIB_WINDOW_BANDS], dd[OSIB_WINDOW_BANDS], big = 0.0L;
        band_sums(x, y, outer, n, inner, bands, xx, dd);
        for (int b = 0; b < bands; b++)
            if (xx[b] > big)
                big = xx[b];
        for (int b = 0; b < bands && big > 0.0L; b++) {
            double rel_norm = (double)sqrtl(xx[b] / big);
            if (rel_norm < floor_rel)
                continue;
            w.judged++;
            double e = (double)sqrtl(dd[b] / xx[b]);
            if (e > w.worst) {
                w.worst = e;
                w.axis = axis;
                w.band = b;
                w.band_rel_norm = rel_norm;
            }
        }
    }
    return w;
}
