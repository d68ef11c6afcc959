/*
 * grid.h - the padded computational grid of spec/acoustic.md, section "Grid".
 *
 * Axes are (x, y, z) with z (depth) last and fastest in memory. A 2D case
 * is stored as a 3D grid whose y axis has one point and no halo, so every
 * loop in the reference is the same triple loop; active_axis() tells which
 * axes carry a derivative.
 *
 * Index conventions
 *   physical index  k_d in [0, n_d)          coordinate o_d + k_d h_d
 *   padded index    i_d in [0, N_d)          N_d = n_d + 2 nbl, i_d = k_d + nbl
 *   stored fields   padded grid plus a halo of so/2 zeros on each side of
 *                   each active axis, so the Laplacian can read past the
 *                   padded grid and find the spec's zero boundary values.
 *
 * Physical-grid arrays (models, images) are plain C-order arrays of
 * prod(n_d) values without halo.
 */
#ifndef REF_GRID_H
#define REF_GRID_H

#include <stddef.h>

#include "osib_err.h"

enum { REF_AXES = 3 };

typedef struct {
    int ndim;           /* 2 or 3 */
    int space_order;    /* 2, 4, ..., 16 */
    int nbl;            /* absorbing-layer points per side */
    int halo[REF_AXES]; /* so/2 on active axes, 0 on the 2D y axis */
    size_t n[REF_AXES]; /* physical points (1 on the 2D y axis) */
    size_t N[REF_AXES]; /* padded points (1 on the 2D y axis) */
    double spacing_m[REF_AXES];
    double origin_m[REF_AXES]; /* physical origin */
    size_t stride[REF_AXES];   /* element strides of a stored field */
    size_t nstore;             /* elements in a stored field, halo included */
    size_t npad;               /* padded points, prod N_d */
    size_t nphys;              /* physical points, prod n_d */
} ref_grid;

/* Build a grid. shape/spacing/origin have ndim entries in case order
 * ((x,z) in 2D, (x,y,z) in 3D). Fails with OSIB_E_CASE on sizes that
 * overflow size_t. */
osib_status ref_grid_init(ref_grid *g, int ndim, const size_t *shape, const double *spacing_m, const double *origin_m,
                          int nbl, int space_order, osib_err *err);

/* Whether internal axis a (0=x, 1=y, 2=z) carries a derivative. */
static inline int ref_active_axis(const ref_grid *g, int a) { return g->ndim == 3 || a != 1; }

/* Offset in a stored field of padded index (ix, iy, iz). */
static inline size_t ref_at(const ref_grid *g, size_t ix, size_t iy, size_t iz)
{
    return (ix + (size_t)g->halo[0]) * g->stride[0] + (iy + (size_t)g->halo[1]) * g->stride[1] +
           (iz + (size_t)g->halo[2]) * g->stride[2];
}

/* Offset in a physical-grid array of physical index (kx, ky, kz). */
static inline size_t ref_phys_at(const ref_grid *g, size_t kx, size_t ky, size_t kz)
{
    return (kx * g->n[1] + ky) * g->n[2] + kz;
}

/* A zeroed stored field, or NULL when out of memory. */
double *ref_field_alloc(const ref_grid *g);

#endif
