/*
 * estimate.h - the spec's cost model (spec/acoustic.md and spec/tti.md, "Cost model"):
 * nominal flops and compulsory memory traffic per padded grid point and
 * time step, and the minimal memory footprint of each operator.
 *
 * These numbers define GFlop/s and the roofline bound everywhere in OSIB.
 * They are properties of the discretisation, not of any implementation:
 * a runner never takes flop counts from an implementation.
 *
 *   points  N = prod_d (n_d + 2 nbl)        (padded grid)
 *   steps   nt - 2                           (time-loop iterations)
 *   GPts/s  = N (nt - 2) / seconds / 1e9     (for every operator, the
 *                                             gradient's two sweeps included)
 */
#ifndef OSIB_ESTIMATE_H
#define OSIB_ESTIMATE_H

#include <stddef.h>

#include "case.h"
#include "osib_ops.h"

typedef struct {
    double padded_points;
    double time_steps;
    double flops_per_point_step;
    double values_per_point_step; /* compulsory array values moved to/from memory */
    double bytes_per_point_step;  /* the same at the requested precision */
    double footprint_bytes;       /* minimal memory: fields, full forward history for gradients, sparse data */
    double total_flops;
    double total_bytes;
} osib_estimate;

/* Nominal flops per point and step: propagator P = 3 D p + 6 (p = so/2);
 * forward and adjoint P, born 2P + 6, born_adjoint and gradient 2P + 5. */
double osib_flops_per_point_step(int ndim, int space_order, osib_op op);

/* Compulsory values per point and step: 4, 4, 8, 11, 11. */
double osib_values_per_point_step(osib_op op);
/* The same for a case of either physics (spec/tti.md, cost model, for TTI:
 * P = 3 D p + 12 D q + 4 D + 17 with q = ceil(so/4); born 2P + 11,
 * born_adjoint and gradient 2P + 10; values 6 + M, 13 + M, 16 + 2M with
 * M = 4 medium values in 2D, 5 in 3D). */
double osib_case_flops_per_point_step(const osib_case *c, osib_op op);
double osib_case_values_per_point_step(const osib_case *c, osib_op op);

/* Arrays of the padded grid an implementation must hold at once (the
 * gradient's forward history counted as nt arrays). */
double osib_footprint_arrays(const osib_case *c, osib_op op);

/* Everything for one case, operator and precision (4 or 8 bytes). */
osib_estimate osib_estimate_op(const osib_case *c, osib_op op, int value_bytes);

/* The spec's plan for a gradient (or born_adjoint) under the case's memory
 * budget B (spec/acoustic.md §12), at a precision (4 or 8 bytes): the whole
 * history when the operator's footprint fits in B; else as many snapshots
 * of two levels as fit in B beside the least budget L (floor((B - L) /
 * (2 N bytes)), at least none) and Revolve's recomputed forward steps with
 * them (the initial state needs no snapshot: t(s + 1, l) - (l - 1)). A case
 * without a budget has the whole history. forward_sweeps is the forward
 * steps over l: 1 for the whole history. */
typedef struct {
    double snapshots; /* < 0: the whole history */
    double recomputed_steps;
    double forward_sweeps;
} osib_budget_plan;

osib_budget_plan osib_budget_plan_of(const osib_case *c, int value_bytes);

/* GPts/s bound at a memory bandwidth (GB/s, 1e9 bytes/s). */
double osib_roofline_gpts(const osib_case *c, osib_op op, int value_bytes, double bandwidth_gbs);

#endif
