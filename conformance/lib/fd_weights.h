/*
 * fd_weights.h - centred second-derivative finite-difference weights
 * (spec/acoustic.md, section "Second-derivative weights").
 *
 * For a space order so = 2p (2 <= so <= 16, even) the weights w_0 .. w_p
 * approximate  d2u/dx2 (x_i) ~ (1/h^2) [ w_0 u_i + sum_k w_k (u_{i+k} + u_{i-k}) ]
 * to order h^so. They are exact rationals:
 *
 *     w_k = 2 (-1)^(k+1) (p!)^2 / ( k^2 (p-k)! (p+k)! ),   k = 1..p
 *     w_0 = -2 sum_{k=1..p} w_k
 *
 * computed here in exact integer arithmetic and reduced to lowest terms.
 * The double value of each weight is the correctly rounded quotient
 * num/den (both are exactly representable), so every IEEE-754 machine gets
 * the same bits. Unlike Devito's default, no rounding to 33 bits.
 */
#ifndef REF_FD_WEIGHTS_H
#define REF_FD_WEIGHTS_H

#include <stdint.h>

enum { FD_MAX_ORDER = 16, FD_MAX_HALF = FD_MAX_ORDER / 2, FD_MAX_STAGGER = (FD_MAX_ORDER + 3) / 4 };

/* One weight as a reduced fraction num/den with den > 0. */
typedef struct {
    int64_t num;
    int64_t den;
} fd_rational;

/* True for the space orders the spec defines: 2, 4, ..., 16. */
int fd_order_is_valid(int space_order);

/* Fill w[0..so/2] with the exact weights. Returns 0, or -1 for an invalid
 * order (w untouched). */
int fd2_weights_rational(int space_order, fd_rational w[FD_MAX_HALF + 1]);

/* Fill w[0..so/2] with the weights as doubles (correctly rounded).
 * Returns 0, or -1 for an invalid order. */
int fd2_weights(int space_order, double w[FD_MAX_HALF + 1]);

/* Staggered first-derivative weights of the TTI operators (spec/tti.md,
 * "Staggered first derivatives"): q = ceil(so/4) weights c_1..c_q with
 *
 *   df/dx (x_i + h/2) ~ (1/h) sum_{j=1..q} c_j ( f_{i+j} - f_{i-j+1} ),
 *   c_j = (-1)^(j+1) ((2q-1)!!)^2 / ( 2^(2q-2) (q+j-1)! (q-j)! (2j-1)^2 ),
 *
 * accurate to order 2q (Devito's staggered derivative of order so/2).
 * c[0] is unused. Returns q, or -1 for an invalid order. */
int fd1_staggered_rational(int space_order, fd_rational c[FD_MAX_STAGGER + 1]);
int fd1_staggered(int space_order, double c[FD_MAX_STAGGER + 1]);

/* Sum of |weights| over all 2p+1 points of the stencil of half-width p,
 * for any p >= 1 (also p > 8, used by the time-step rule, which takes the
 * stencil of order 2*so). Evaluated in double from the product form; it is
 * a stability estimate, not a bit-reproducible quantity. */
double fd2_abs_sum(int half_width);

#endif
