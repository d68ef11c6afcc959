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

/* Least-squares slope of log e against log h (NaN with fewer than two
 * positive remainders). */
static double log_slope(const double *h, const double *e, int nh)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int n = 0;
    for (int i = 0; i < nh; i++) {
        if (!(e[i] > 0.0))
            continue;
        double x = log(h[i]), y = log(e[i]);
        sx += x, sy += y, sxx += x * x, sxy += x * y;
        n++;
    }
    if (n < 2)
        return NAN;
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/* Solve the 3 x 3 system a x = b by Gaussian elimination with partial
 * pivoting; returns 0 when it is singular. */
static int solve3(long double a[3][3], long double b[3], long double x[3])
{
    for (int c = 0; c < 3; c++) {
        int p = c;
        for (int r = c + 1; r < 3; r++)
            if (fabsl(a[r][c]) > fabsl(a[p][c]))
                p = r;
        if (a[p][c] == 0.0L)
            return 0;
        for (int k = 0; k < 3; k++) {
            long double t = a[c][k];
            a[c][k] = a[p][k];
            a[p][k] = t;
        }
        long double t = b[c];
        b[c] = b[p];
        b[p] = t;
        for (int r = c + 1; r < 3; r++) {
            long double f = a[r][c] / a[c][c];
            for (int k = c; k < 3; k++)
                a[r][k] -= f * a[c][k];
            b[r] -= f * b[c];
        }
    }
    for (int r = 2; r >= 0; r--) {
        long double s = b[r];
        for (int k = r + 1; k < 3; k++)
            s -= a[r][k] * x[k];
        x[r] = s / a[r][r];
    }
    return 1;
}

void osib_taylor_measure(const double *h, const double *phi_h, int nh, double phi0, double gdm, osib_taylor *t)
{
    memset(t, 0, sizeof *t);
    if (nh > 16)
        nh = 16;
    /* normal equations of phi_h - phi0 = D h + A h^2 + B h^3 */
    long double m[3][3] = {{0}}, rhs[3] = {0}, x[3] = {0};
    for (int i = 0; i < nh; i++) {
        t->e1[i] = fabs(phi_h[i] - phi0);
        t->e2[i] = fabs(phi_h[i] - phi0 - h[i] * gdm);
        long double p[3] = {h[i], (long double)h[i] * h[i], (long double)h[i] * h[i] * h[i]};
        long double y = (long double)phi_h[i] - phi0;
        for (int r = 0; r < 3; r++) {
            rhs[r] += p[r] * y;
            for (int c = 0; c < 3; c++)
                m[r][c] += p[r] * p[c];
        }
    }
    int ok = nh >= 3 && solve3(m, rhs, x);
    t->derivative = ok ? (double)x[0] : NAN;
    t->rho = ok ? fabs(t->derivative - gdm) / fabs(t->derivative) : NAN;
    t->slope1 = log_slope(h, t->e1, nh);
    t->slope2 = log_slope(h, t->e2, nh);
}
