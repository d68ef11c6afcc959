/*
 * setup.h - the description of one discrete problem, shared by every
 * implementation in this tree (the simple reference, the optimised CPU
 * kernels): grid, absorbing layer, space order, time axis, and source and
 * receiver coordinates. The model and the inputs come separately.
 */
#ifndef OSIB_SETUP_H
#define OSIB_SETUP_H

#include <stddef.h>

typedef struct {
    int tti;         /* 0: acoustic (spec/acoustic.md); 1: pseudo-acoustic TTI (spec/tti.md) */
    int ndim;        /* 2: (x, z); 3: (x, y, z) */
    size_t shape[3]; /* physical points per axis, case order */
    double spacing_m[3];
    double origin_m[3];
    int nbl;         /* absorbing-layer points per side */
    int space_order; /* 2, 4, ..., 16 */
    double dt_ms;
    size_t nt;
    size_t nsrc, nrec;
    const double *src_coords_m; /* nsrc x ndim */
    const double *rec_coords_m; /* nrec x ndim */
    double memory_budget_bytes; /* born_adjoint and gradient: the peak resident memory allowed; 0: none */
} osib_setup;

/* The Thomsen parameters of a TTI medium on the physical grid (C order,
 * like vp): epsilon and delta (dimensionless), tilt theta and azimuth phi
 * (radians; phi is NULL in 2D, where there is no azimuth). */
typedef struct {
    const double *epsilon, *delta, *theta_rad, *phi_rad;
} osib_thomsen;

/* Called once per time step with the number of steps done and the total,
 * so that a program can show progress. */
typedef void (*osib_progress_fn)(void *ctx, size_t done, size_t total);

#endif
