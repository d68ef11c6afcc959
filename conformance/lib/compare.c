#include "compare.h"

#include <math.h>

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
