/*
 * stepping.h - the Laplacian and one step of the time recursion
 * (spec/acoustic.md, sections "Laplacian" and "Time stepping").
 *
 * On every padded point i
 *
 *   (L u)(i) = sum_d (1/h_d^2) [ w_0 u(i) + sum_{k=1..p} w_k (u(i+k e_d) + u(i-k e_d)) ]
 *
 * with zeros read beyond the padded grid, and one step of
 *
 *   C u_next = K u_cur - M u_prev + b,
 *   C = m + dt eta,  K = 2m + dt eta + dt^2 L,  M = m,
 *
 * evaluated as
 *
 *   u_next = (dt^2 L u_cur + m (2 u_cur - u_prev) + dt eta u_cur + b) / (m + dt eta).
 *
 * The same function advances the forward recursion (u_prev = u^{n-1},
 * u_next = u^{n+1}) and the adjoint one (u_prev = v^{n+1}, u_next = v^{n-1}):
 * K and M are symmetric, which is what makes the adjoint the same update
 * run backwards in time.
 */
#ifndef REF_STEPPING_H
#define REF_STEPPING_H

#include "fd_weights.h"
#include "grid.h"

typedef struct {
    const ref_grid *grid;
    double weights[FD_MAX_HALF + 1]; /* w_0..w_p, exact rationals rounded once */
    double dt_ms;
    const double *m;   /* squared slowness on the padded grid, s^2/km^2 */
    const double *eta; /* damping on the padded grid */
} ref_stepper;

osib_status ref_stepper_init(ref_stepper *st, const ref_grid *g, double dt_ms, const double *m, const double *eta,
                             osib_err *err);

/* (L u)(i) at one stored offset x of an interior-or-padded point. */
double ref_laplacian_at(const ref_stepper *st, const double *u, size_t x);

/* u_next on every padded point; b is an extra right-hand side (a stored
 * field) or NULL. u_next must not alias u_cur or u_prev. */
void ref_step(const ref_stepper *st, const double *u_cur, const double *u_prev, const double *b, double *u_next);

#endif
