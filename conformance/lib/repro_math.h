/*
 * repro_math.h - exp, sin and cos evaluated by a fixed sequence of IEEE-754
 * operations, so that oracles are identical on every machine.
 *
 * Why not libm: C does not require exp() or sin() to be correctly rounded,
 * and glibc, musl, macOS and vendor libraries differ in the last bit for
 * some arguments. The oracles' inputs (the Ricker wavelet) and the damping
 * profile go through these two functions, and one differing bit would break
 * the bit-for-bit MANIFEST check on another machine. These versions use
 * only +, -, *, /, floor and ldexp, which IEEE-754 and C99 define exactly,
 * and are accurate to about one ulp (tests/unit/test_repro_math.c).
 *
 * They must be compiled without FMA contraction (-ffp-contract=off), as the
 * whole reference is.
 */
#ifndef REF_REPRO_MATH_H
#define REF_REPRO_MATH_H

/* e^x. Returns +inf above the overflow threshold and 0 below -745. */
double repro_exp(double x);

/* sin(x) for |x| <= 1e6 (argument reduction by a three-part pi/2 is exact
 * enough there); NaN outside. */
double repro_sin(double x);

/* cos(x), the same way (the TTI operators' tilt and azimuth). */
double repro_cos(double x);

#endif
