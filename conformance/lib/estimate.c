#include "estimate.h"

#include <math.h>

#include "checkpoint.h"

/* The TTI propagator (spec/tti.md, cost model), with G f computed once per
 * point: the Laplacian of u (3 D p + 1), Gzz of each field (D (6q + 2):
 * D staggered derivatives of 3q and D products for G, D products n_d G,
 * D staggered derivatives for D-), Gh, Hu, Hv (6), two updates (10). */
static double tti_propagator_flops(int ndim, int space_order)
{
    const double p = space_order / 2, q = (space_order + 3) / 4, D = ndim;
    return 3.0 * D * p + 1.0 + 2.0 * D * (6.0 * q + 2.0) + 6.0 + 10.0;
}

double osib_case_flops_per_point_step(const osib_case *c, osib_op op)
{
    if (!osib_case_is_tti(c))
        return osib_flops_per_point_step(c->ndim, c->space_order, op);
    const double prop = tti_propagator_flops(c->ndim, c->space_order);
    switch (op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_ADJOINT: return prop;
    case OSIB_OP_BORN:
        return 2.0 * prop + 11.0; /* dm / (m + dt eta) once (1), then per field u+ - 2u + u- (3), x (1), add (1) */
    case OSIB_OP_BORN_ADJOINT:
    case OSIB_OP_GRADIENT: return 2.0 * prop + 10.0; /* the acoustic imaging's 5, per field */
    case OSIB_OP_COUNT: break;
    }
    return 0.0;
}

/* Medium values a TTI step reads: m, epsilon, delta, theta, and phi in 3D. */
static double tti_medium_values(const osib_case *c) { return c->ndim == 3 ? 5.0 : 4.0; }

double osib_case_values_per_point_step(const osib_case *c, osib_op op)
{
    if (!osib_case_is_tti(c))
        return osib_values_per_point_step(op);
    const double M = tti_medium_values(c);
    switch (op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_ADJOINT: return 6.0 + M; /* u^n, u^{n-1} -> u^{n+1}, the same for v (6), the medium */
    case OSIB_OP_BORN: return 13.0 + M;   /* the forward's, du and dv as u and v (6), dm */
    case OSIB_OP_BORN_ADJOINT:
    case OSIB_OP_GRADIENT:
        /* forward sweep keeping u, v (6 + M); adjoint sweep: p, r (6), the
         * medium, u^n and v^n, the image read and written (10 + M). */
        return 16.0 + 2.0 * M;
    case OSIB_OP_COUNT: break;
    }
    return 0.0;
}

double osib_flops_per_point_step(int ndim, int space_order, osib_op op)
{
    /* Laplacian with symmetric pairs: per axis p pair sums, p products, p
     * accumulations, plus the centre product (3 D p + 1); the update
     * a L + b u - c u_prev with precomputed a, b, c adds 5. */
    const double prop = 3.0 * ndim * (space_order / 2) + 6.0;
    switch (op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_ADJOINT: return prop;
    case OSIB_OP_BORN: return 2.0 * prop + 6.0; /* Born source: u+ - 2u + u- (3), x dm (1), into the update (2) */
    case OSIB_OP_BORN_ADJOINT:
    case OSIB_OP_GRADIENT: return 2.0 * prop + 5.0; /* imaging: v+ - 2v + v- (3), x u (1), accumulate (1) */
    case OSIB_OP_COUNT: break;
    }
    return 0.0;
}

double osib_values_per_point_step(osib_op op)
{
    switch (op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_ADJOINT: return 4.0; /* read u^n, u^{n-1}, m; write u^{n+1} over u^{n-1} */
    case OSIB_OP_BORN: return 8.0;    /* the forward 4, plus du^n, du^{n-1} -> du^{n+1}, and dm */
    case OSIB_OP_BORN_ADJOINT:
    case OSIB_OP_GRADIENT:
        /* forward sweep keeping u: read u^n, u^{n-1}, m, write u^{n+1} (4);
         * adjoint sweep: read v^n, v^{n+1} -> write v^{n-1}, m, u^n, and
         * the image read and written (7). */
        return 11.0;
    case OSIB_OP_COUNT: break;
    }
    return 0.0;
}

double osib_footprint_arrays(const osib_case *c, osib_op op)
{
    if (osib_case_is_tti(c)) {
        const double M = tti_medium_values(c);
        switch (op) {
        case OSIB_OP_FORWARD:
        case OSIB_OP_ADJOINT: return 4.0 + M; /* two levels of two fields, the medium */
        case OSIB_OP_BORN: return 9.0 + M;    /* two levels of u, v, du, dv, dm, the medium */
        case OSIB_OP_BORN_ADJOINT:
        case OSIB_OP_GRADIENT: return 2.0 * (double)c->nt + 5.0 + M; /* history of u and v, p and r, image */
        case OSIB_OP_COUNT: break;
        }
        return 0.0;
    }
    switch (op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_ADJOINT: return 3.0; /* m and two time levels */
    case OSIB_OP_BORN: return 6.0;    /* m, dm, two levels of u and of du */
    case OSIB_OP_BORN_ADJOINT:
    case OSIB_OP_GRADIENT: return (double)c->nt + 4.0; /* history of u, m, two levels of v, image */
    case OSIB_OP_COUNT: break;
    }
    return 0.0;
}

osib_estimate osib_estimate_op(const osib_case *c, osib_op op, int value_bytes)
{
    osib_estimate e;
    e.padded_points = (double)osib_case_padded_points(c);
    e.time_steps = (double)(c->nt - 2);
    e.flops_per_point_step = osib_case_flops_per_point_step(c, op);
    e.values_per_point_step = osib_case_values_per_point_step(c, op);
    e.bytes_per_point_step = e.values_per_point_step * value_bytes;
    double sparse_values = (double)c->nt * (double)(c->sources.count + c->receivers.count);
    e.footprint_bytes = (osib_footprint_arrays(c, op) * e.padded_points + sparse_values) * value_bytes;
    e.total_flops = e.flops_per_point_step * e.padded_points * e.time_steps;
    e.total_bytes = e.bytes_per_point_step * e.padded_points * e.time_steps;
    return e;
}

double osib_roofline_gpts(const osib_case *c, osib_op op, int value_bytes, double bandwidth_gbs)
{
    return bandwidth_gbs / (osib_case_values_per_point_step(c, op) * value_bytes);
}

osib_budget_plan osib_budget_plan_of(const osib_case *c, int value_bytes)
{
    osib_budget_plan b = {-1.0, 0.0, 1.0};
    const osib_estimate e = osib_estimate_op(c, OSIB_OP_GRADIENT, value_bytes);
    const double budget = (double)c->memory_budget_bytes, N = e.padded_points, l = e.time_steps;
    if (c->memory_budget_bytes <= 0 || budget >= e.footprint_bytes)
        return b;
    const double least =
        6.0 * value_bytes * N + 8.0 * (double)c->nt * (double)(c->sources.count + 2 * c->receivers.count);
    b.snapshots = fmax(0.0, floor((budget - least) / (2.0 * value_bytes * N)));
    b.recomputed_steps =
        b.snapshots + 1.0 >= l ? 0.0 : osib_checkpoint_revolve(l, b.snapshots + 1.0).forward_steps - (l - 1.0);
    b.forward_sweeps = 1.0 + b.recomputed_steps / l;
    return b;
}
