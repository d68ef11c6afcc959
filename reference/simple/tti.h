/*
 * tti.h - the rotated operators and one time step of the pseudo-acoustic
 * TTI system (spec/tti.md, sections "Staggered first derivatives",
 * "Rotated operators" and "Time stepping").
 *
 * The medium adds, on the padded grid (stored fields, halo zero):
 *   a = 1 + 2 epsilon,  b = sqrt(1 + 2 delta),
 *   n = (sin theta cos phi, sin theta sin phi, cos theta)  (3D)
 *       (sin theta, cos theta)                            (2D, on x and z)
 * and the operators
 *   G f   = sum_d n_d D+_d f
 *   Gzz f = sum_d D-_d (n_d G f)        (= -G^T G: symmetric)
 *   Gh f  = L f - Gzz f                 (symmetric)
 *
 * One step advances the two fields (u, v) of the forward recursion with
 *   Hu = a Gh u + b Gzz v,   Hv = b Gh u + Gzz v
 * or, transposed, the adjoint fields (p, r) backwards with
 *   Hp = Gh(a p + b r),      Hr = Gzz(b p + r),
 * each field then updated exactly as the acoustic step updates u with L u
 * (stepping.h), H in place of L u.
 */
#ifndef REF_TTI_H
#define REF_TTI_H

#include "fd_weights.h"
#include "grid.h"
#include "setup.h"
#include "stepping.h"

typedef struct {
    const ref_grid *grid;
    int q;                        /* staggered weights per side */
    double c[FD_MAX_STAGGER + 1]; /* c_1..c_q, exact rationals rounded once */
    double *a, *b;                /* 1 + 2 eps, sqrt(1 + 2 delta) */
    double *n[REF_AXES];          /* symmetry-axis direction per axis (0 on 2D's y) */
    double *scratch[4];           /* temporaries of one step */
} ref_tti;

/* Weights and fields for grid g, the medium isotropic (a = b = 1, n along
 * z) until ref_tti_set_thomsen. */
osib_status ref_tti_init(ref_tti *t, const ref_grid *g, osib_err *err);
void ref_tti_free(ref_tti *t);

/* Extend the Thomsen fields (physical grid) to the padded grid and derive
 * a, b and n. Refused with OSIB_E_DATA where a point breaks spec/tti.md's
 * medium rules (osib_thomsen_violation). */
osib_status ref_tti_set_thomsen(ref_tti *t, const osib_thomsen *th, osib_err *err);

/* One step of both fields: next[f] from cur[f] and prev[f] (f = 0, 1) with
 * the extra right-hand sides b[f] (stored fields, or NULL). transpose = 0
 * is the forward step (prev = level n-1, next = n+1), 1 the adjoint one
 * (prev = level n+1, next = n-1). next must not alias cur or prev. */
void ref_tti_step(const ref_tti *t, const ref_stepper *st, int transpose, double *const cur[2], double *const prev[2],
                  double *const b[2], double *const next[2]);

#endif
