/*
 * measures.h - the numbers behind every certification check
 * (spec/protocol.md, "Gates"), as pure functions of arrays. The runner
 * computes them while certifying; `osib verify` recomputes them from the
 * stored files with the same functions, so a reviewer's numbers are the
 * runner's numbers.
 *
 * Sums are accumulated in long double so that a float64 implementation is
 * not judged by the measure's own round-off.
 */
#ifndef OSIB_MEASURES_H
#define OSIB_MEASURES_H

#include <stddef.h>

/* Dot test of an operator A against its claimed transpose:
 *   |<A x, y> - <x, A^T y>| / (|A x| |y|)
 * x and A^T y have nx values, y and A x have ny. */
double osib_dot_mismatch(const double *x, const double *aty, size_t nx, const double *y, const double *ax, size_t ny);

/* Linearity: |F(a q1 + b q2) - a F q1 - b F q2| / |F(a q1 + b q2)|. */
double osib_linearity_error(double a, double b, const double *f1, const double *f2, const double *f12, size_t n);

/* Fraction of the nonzero values that are exactly representable in a
 * narrower format than the declared precision: binary16 or bfloat16 for a
 * float32 class (dtype_bytes 4), binary32 for float64 (8). *nonzero gets
 * the number of nonzero values. */
double osib_narrow_fraction(const double *v, size_t n, int dtype_bytes, size_t *nonzero);

/* Taylor test: remainders e1 = |phi_h - phi0| and e2 = |phi_h - phi0 - h gdm|
 * for each h (h decreasing); the least-squares slopes of log e against
 * log h over OSIB_TAYLOR_FIT_POINTS of the h whose remainder is above floor
 * (the round-off floor of the objective). Which ones is the window's
 * choice: the smallest h, where the higher Taylor terms have died away
 * (float64, whose round-off is far below every remainder), or the largest,
 * the only ones round-off cannot bend (float32). used1/used2 say how many
 * points each slope rests on; a slope is NAN with fewer than 3. */
#define OSIB_TAYLOR_FIT_POINTS 4
typedef enum { OSIB_TAYLOR_FIT_LARGEST, OSIB_TAYLOR_FIT_SMALLEST } osib_taylor_window;
typedef struct {
    double e1[16], e2[16];
    double slope1, slope2;
    int used1, used2;
} osib_taylor;

void osib_taylor_fit(const double *h, const double *phi_h, int nh, double phi0, double gdm, double floor,
                     osib_taylor_window window, osib_taylor *t);

#endif
