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

/* Taylor test (spec/protocol.md §3.1, "The Taylor test"): from the
 * objective at the base model (phi0), at m_b + h dm for each of nh steps h
 * (phi_h) and the gradient's directional derivative gdm = <g, dm>:
 *
 *   derivative  the objective's own directional derivative D, from the
 *               least-squares fit phi_h - phi0 = D h + A h^2 + B h^3 (the
 *               cubic absorbs the curvature that bends the remainders at
 *               large h; the fit's weight on the largest h keeps the
 *               objective's round-off small against D h);
 *   rho         |D - gdm| / |D|: how far the gradient is from the derivative
 *               of the objective (0 for a perfect gradient, 2 for one with
 *               the wrong sign, 1 for one twice too large);
 *   e1, e2      the remainders |phi_h - phi0| and |phi_h - phi0 - h gdm|,
 *               and slope1, slope2 the least-squares slopes of their logs
 *               over every h, reported for readers (Devito's form of the
 *               test), not judged: in float32 round-off bends them. */
typedef struct {
    double e1[16], e2[16];
    double derivative, rho;
    double slope1, slope2;
} osib_taylor;

void osib_taylor_measure(const double *h, const double *phi_h, int nh, double phi0, double gdm, osib_taylor *t);

#endif
