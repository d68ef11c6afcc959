/*
 * sparse.h - receiver interpolation P and source injection P^T
 * (spec/acoustic.md, section "Sparse operators").
 *
 * A point with coordinates c (metres) has, on each active axis d,
 *
 *     pos_d  = (c_d - (o_d - nbl h_d)) / h_d      (float64)
 *     base_d = floor(pos_d),  frac_d = pos_d - base_d,
 *     W_d[0] = 1 - frac_d,    W_d[1] = frac_d,
 *
 * and touches the 2^D support points base + corner, corner in {0,1}^D,
 * with the multilinear weight W = prod_d W_d[corner_d] (product in axis
 * order). Terms whose weight is exactly 0 are skipped: they contribute
 * nothing, and skipping them keeps a point on the last physical node from
 * touching the layer beyond it.
 *
 *   interpolation  d_p      = sum_corner W u(base_p + corner)
 *   injection      u(b + c) += W * scale(b + c) * value_p
 *
 * Points are visited in index order, corners in lexicographic order (x
 * slowest), which fixes the summation order.
 */
#ifndef REF_SPARSE_H
#define REF_SPARSE_H

#include <stddef.h>

#include "grid.h"

enum { REF_MAX_CORNERS = 8 };

typedef struct {
    size_t npoint;
    int ncorner;    /* 2^ndim */
    size_t *offset; /* npoint x ncorner stored-field offsets */
    double *weight; /* npoint x ncorner weights */
} ref_sparse;

/* Locate npoint points given as npoint x ndim coordinates (case order).
 * Fails with OSIB_E_CASE if a point's support leaves the padded grid, and
 * OSIB_E_NOMEM on allocation failure. */
osib_status ref_sparse_init(ref_sparse *s, const ref_grid *g, size_t npoint, const double *coords_m, osib_err *err);
void ref_sparse_free(ref_sparse *s);

/* out[p] = sum_corner W u(...) for every point. */
void ref_interpolate(const ref_sparse *s, const double *field, double *out);

/* out[p] = sum_corner W (f0 + f1)(...): the TTI receivers, which read the
 * sum of the two fields (spec/tti.md). */
void ref_interpolate_sum(const ref_sparse *s, const double *f0, const double *f1, double *out);

/* field(x) += W * scale(x) * values[p] at every support point x; scale may
 * be NULL for 1. */
void ref_inject(const ref_sparse *s, const double *values, const double *scale, double *field);

#endif
