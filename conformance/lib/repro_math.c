#include "repro_math.h"

#include <math.h>

/* ln 2 split so that k * LN2_HI is exact for |k| < 2^11 (LN2_HI has 32
 * significant bits); LN2_LO carries the rest. */
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;

double repro_exp(double x)
{
    if (isnan(x))
        return x;
    if (x > 709.782712893384)
        return INFINITY;
    if (x < -745.2)
        return 0.0;

    /* x = k ln2 + r with |r| <= ln2/2 (up to rounding). */
    double k = floor(x * INV_LN2 + 0.5);
    double r = (x - k * LN2_HI) - k * LN2_LO;

    /* Taylor series to degree 14, Horner form: the truncation error is
     * below 2^-60 for |r| <= 0.35. */
    double p = 1.0 / 87178291200.0; /* 1/14! */
    static const double inv_fact[14] = {
        1.0,
        1.0,
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5040.0,
        1.0 / 40320.0,
        1.0 / 362880.0,
        1.0 / 3628800.0,
        1.0 / 39916800.0,
        1.0 / 479001600.0,
        1.0 / 6227020800.0,
    };
    for (int i = 13; i >= 0; i--)
        p = p * r + inv_fact[i];

    return ldexp(p, (int)k);
}

/* pi/2 in three parts of 33, 33 and 53 bits (fdlibm's pio2_1, pio2_2,
 * pio2_2t), so that k * PIO2_1 and k * PIO2_2 are exact for |k| < 2^20. */
static const double PIO2_1 = 1.57079632673412561417e+00;
static const double PIO2_2 = 6.07710050630396597660e-11;
static const double PIO2_3 = 2.02226624879595063154e-21;
static const double INV_PIO2 = 6.36619772367581382433e-01;

/* Taylor polynomials on |r| <= pi/4; degree 19 and 20 leave a truncation
 * error below 2^-60. */
static double sin_poly(double r)
{
    double r2 = r * r, p = 0.0;
    /* terms (-1)^j r^(2j+1) / (2j+1)!, j = 9 .. 0 */
    static const double c[10] = {
        1.0,
        -1.0 / 6.0,
        1.0 / 120.0,
        -1.0 / 5040.0,
        1.0 / 362880.0,
        -1.0 / 39916800.0,
        1.0 / 6227020800.0,
        -1.0 / 1307674368000.0,
        1.0 / 355687428096000.0,
        -1.0 / 121645100408832000.0,
    };
    for (int j = 9; j >= 0; j--)
        p = p * r2 + c[j];
    return r * p;
}

static double cos_poly(double r)
{
    double r2 = r * r, p = 0.0;
    static const double c[11] = {
        1.0,
        -1.0 / 2.0,
        1.0 / 24.0,
        -1.0 / 720.0,
        1.0 / 40320.0,
        -1.0 / 3628800.0,
        1.0 / 479001600.0,
        -1.0 / 87178291200.0,
        1.0 / 20922789888000.0,
        -1.0 / 6402373705728000.0,
        1.0 / 2432902008176640000.0,
    };
    for (int j = 10; j >= 0; j--)
        p = p * r2 + c[j];
    return p;
}

double repro_sin(double x)
{
    if (!(fabs(x) <= 1e6))
        return NAN;
    double k = floor(x * INV_PIO2 + 0.5);
    double r = ((x - k * PIO2_1) - k * PIO2_2) - k * PIO2_3;
    long q = (long)k & 3;
    switch (q) {
    case 0: return sin_poly(r);
    case 1: return cos_poly(r);
    case 2: return -sin_poly(r);
    default: return -cos_poly(r);
    }
}

double repro_cos(double x)
{
    if (!(fabs(x) <= 1e6))
        return NAN;
    /* cos(x) = sin(x + pi/2): the same reduction, one quadrant on. */
    double k = floor(x * INV_PIO2 + 0.5);
    double r = ((x - k * PIO2_1) - k * PIO2_2) - k * PIO2_3;
    long q = ((long)k + 1) & 3;
    switch (q) {
    case 0: return sin_poly(r);
    case 1: return cos_poly(r);
    case 2: return -sin_poly(r);
    default: return -cos_poly(r);
    }
}
