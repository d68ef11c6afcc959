#include "measures.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static long double dotl(const double *a, const double *b, size_t n)
{
    long double s = 0.0L;
    for (size_t i = 0; i < n; i++)
        s += (long double)a[i] * b[i];
    return s;
}

double osib_dot_mismatch(const double *x, const double *aty, size_t nx, const double *y, const double *ax, size_t ny)
{
    long double lhs = dotl(ax, y, ny), rhs = dotl(x, aty, nx);
    long double norm = sqrtl(dotl(ax, ax, ny)) * sqrtl(dotl(y, y, ny));
    if (norm == 0.0L)
        return lhs == rhs ? 0.0 : INFINITY;
    return (double)(fabsl(lhs - rhs) / norm);
}

double osib_linearity_error(double a, double b, const double *f1, const double *f2, const double *f12, size_t n)
{
    long double num = 0.0L, den = 0.0L;
    for (size_t i = 0; i < n; i++) {
        long double r = (long double)f12[i] - (long double)a * f1[i] - (long double)b * f2[i];
        num += r * r;
        den += (long double)f12[i] * f12[i];
    }
    if (den == 0.0L)
        return num == 0.0L ? 0.0 : INFINITY;
    return (double)sqrtl(num / den);
}

/* Representable in IEEE binary16: a float whose significand fits in 11
 * bits, in binary16's range (subnormals included). */
static int is_binary16(double v)
{
    float f = (float)v;
    if ((double)f != v || v == 0.0)
        return 0;
    int e;
    double m = frexp(fabs(v), &e); /* v = m 2^e, 0.5 <= m < 1 */
    if (e > 16 || e < -23)
        return 0;
    int bits = e >= -13 ? 11 : 11 - (-13 - e); /* subnormals keep fewer bits */
    double s = ldexp(m, bits);
    return s == floor(s);
}

static int is_bfloat16(double v)
{
    float f = (float)v;
    if ((double)f != v || v == 0.0)
        return 0;
    uint32_t bits;
    memcpy(&bits, &f, 4);
    return (bits & 0xffffu) == 0;
}

static int is_binary32(double v) { return v != 0.0 && (double)(float)v == v; }

double osib_narrow_fraction(const double *v, size_t n, int dtype_bytes, size_t *nonzero)
{
    size_t nz = 0, narrow = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == 0.0)
            continue;
        nz++;
        if (dtype_bytes == 8 ? is_binary32(v[i]) : (is_binary16(v[i]) || is_bfloat16(v[i])))
            narrow++;
    }
    if (nonzero)
        *nonzero = nz;
    return nz ? (double)narrow / (double)nz : 0.0;
}

/* Least-squares slope of log e against log h over at most max_points h
 * whose remainder is above the floor: the largest such h, or the smallest. */
static double fit(const double *h, const double *e, int nh, double floor, osib_taylor_window window, int max_points,
                  int *used)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int n = 0;
    for (int j = 0; j < nh && n < max_points; j++) {
        int i = window == OSIB_TAYLOR_FIT_LARGEST ? j : nh - 1 - j;
        if (!(e[i] > floor))
            continue;
        double x = log(h[i]), y = log(e[i]);
        sx += x, sy += y, sxx += x * x, sxy += x * y;
        n++;
    }
    *used = n;
    if (n < 3)
        return NAN;
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

void osib_taylor_fit(const double *h, const double *phi_h, int nh, double phi0, double gdm, double floor,
                     osib_taylor_window window, osib_taylor *t)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < nh && i < 16; i++) {
        t->e1[i] = fabs(phi_h[i] - phi0);
        t->e2[i] = fabs(phi_h[i] - phi0 - h[i] * gdm);
    }
    t->slope1 = fit(h, t->e1, nh, floor, window, OSIB_TAYLOR_FIT_POINTS, &t->used1);
    t->slope2 = fit(h, t->e2, nh, floor, window, OSIB_TAYLOR_FIT_POINTS, &t->used2);
}
