#include "tti.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "extend.h"
#include "repro_math.h"

osib_status ref_tti_init(ref_tti *t, const ref_grid *g, osib_err *err)
{
    memset(t, 0, sizeof *t);
    t->grid = g;
    t->q = fd1_staggered(g->space_order, t->c);
    if (t->q < 1)
        return osib_fail(err, OSIB_E_CASE, "space_order = %d: no staggered weights", g->space_order);
    double **fields[] = {&t->a,          &t->b,          &t->n[0],       &t->n[1],      &t->n[2],
                         &t->scratch[0], &t->scratch[1], &t->scratch[2], &t->scratch[3]};
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
        if (!(*fields[k] = ref_field_alloc(g))) {
            ref_tti_free(t);
            return osib_fail(err, OSIB_E_NOMEM, "out of memory for the TTI medium (%zu points)", g->nstore);
        }
    /* Isotropic until told otherwise: a = b = 1, the axis along z. */
    for (size_t ix = 0; ix < g->N[0]; ix++)
        for (size_t iy = 0; iy < g->N[1]; iy++)
            for (size_t iz = 0; iz < g->N[2]; iz++) {
                size_t x = ref_at(g, ix, iy, iz);
                t->a[x] = t->b[x] = t->n[2][x] = 1.0;
            }
    return OSIB_OK;
}

void ref_tti_free(ref_tti *t)
{
    free(t->a);
    free(t->b);
    for (int d = 0; d < REF_AXES; d++)
        free(t->n[d]);
    for (int k = 0; k < 4; k++)
        free(t->scratch[k]);
    memset(t, 0, sizeof *t);
}

osib_status ref_tti_set_thomsen(ref_tti *t, const osib_thomsen *th, osib_err *err)
{
    const ref_grid *g = t->grid;
    for (size_t k = 0; k < g->nphys; k++) {
        double phi = th->phi_rad ? th->phi_rad[k] : 0.0;
        const char *why = osib_thomsen_violation(th->epsilon[k], th->delta[k], th->theta_rad[k], phi);
        if (why)
            return osib_fail(err, OSIB_E_DATA, "point %zu: epsilon %g, delta %g, theta %g, phi %g: %s", k,
                             th->epsilon[k], th->delta[k], th->theta_rad[k], phi, why);
    }
    /* Extend each parameter by edge replication (E), then derive the
     * coefficients point by point; scratch holds the extended fields. */
    double *eps = t->scratch[0], *del = t->scratch[1], *theta = t->scratch[2], *phi = t->scratch[3];
    ref_extend(g, th->epsilon, eps);
    ref_extend(g, th->delta, del);
    ref_extend(g, th->theta_rad, theta);
    if (th->phi_rad)
        ref_extend(g, th->phi_rad, phi);
    for (size_t ix = 0; ix < g->N[0]; ix++)
        for (size_t iy = 0; iy < g->N[1]; iy++)
            for (size_t iz = 0; iz < g->N[2]; iz++) {
                size_t x = ref_at(g, ix, iy, iz);
                double s = repro_sin(theta[x]), c = repro_cos(theta[x]);
                t->a[x] = 1.0 + 2.0 * eps[x];
                t->b[x] = sqrt(1.0 + 2.0 * del[x]);
                if (g->ndim == 3) {
                    t->n[0][x] = s * repro_cos(phi[x]);
                    t->n[1][x] = s * repro_sin(phi[x]);
                } else {
                    t->n[0][x] = s;
                }
                t->n[2][x] = c;
            }
    for (int k = 0; k < 4; k++)
        memset(t->scratch[k], 0, g->nstore * sizeof(double));
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * The rotated operators. Every loop covers the padded grid only, so the
 * halos of f, G f and the n_d stay zero: the stencils read the spec's zero
 * values beyond the padded grid.
 * ------------------------------------------------------------------------- */

/* (D+_d f)(x) and (D-_d f)(x): sum over j ascending, divided by h_d last. */
static double d_plus(const ref_tti *t, const double *f, size_t x, int d)
{
    const size_t s = t->grid->stride[d];
    double sum = 0.0;
    for (int j = 1; j <= t->q; j++)
        sum += t->c[j] * (f[x + (size_t)j * s] - f[x - (size_t)(j - 1) * s]);
    return sum / t->grid->spacing_m[d];
}

/* D-_d (n_d g) at x: the product formed at every stencil node. */
static double d_minus_of_product(const ref_tti *t, const double *nd, const double *gf, size_t x, int d)
{
    const size_t s = t->grid->stride[d];
    double sum = 0.0;
    for (int j = 1; j <= t->q; j++) {
        size_t hi = x + (size_t)(j - 1) * s, lo = x - (size_t)j * s;
        sum += t->c[j] * (nd[hi] * gf[hi] - nd[lo] * gf[lo]);
    }
    return sum / t->grid->spacing_m[d];
}

/* out = Gzz f on every padded point, using gf for G f. */
static void gzz(const ref_tti *t, const double *f, double *gf, double *out)
{
    const ref_grid *g = t->grid;
    for (size_t ix = 0; ix < g->N[0]; ix++)
        for (size_t iy = 0; iy < g->N[1]; iy++)
            for (size_t iz = 0; iz < g->N[2]; iz++) {
                size_t x = ref_at(g, ix, iy, iz);
                double sum = 0.0;
                for (int d = 0; d < REF_AXES; d++)
                    if (ref_active_axis(g, d))
                        sum += t->n[d][x] * d_plus(t, f, x, d);
                gf[x] = sum;
            }
    for (size_t ix = 0; ix < g->N[0]; ix++)
        for (size_t iy = 0; iy < g->N[1]; iy++)
            for (size_t iz = 0; iz < g->N[2]; iz++) {
                size_t x = ref_at(g, ix, iy, iz);
                double sum = 0.0;
                for (int d = 0; d < REF_AXES; d++)
                    if (ref_active_axis(g, d))
                        sum += d_minus_of_product(t, t->n[d], gf, x, d);
                out[x] = sum;
            }
}

/* The acoustic update of stepping.h with h in place of L u. */
static double update(const ref_stepper *st, size_t x, double h, const double *cur, const double *prev, const double *b)
{
    const double dt = st->dt_ms, m = st->m[x], eta = st->eta[x];
    double rhs = dt * dt * h + m * (2.0 * cur[x] - prev[x]) + dt * eta * cur[x];
    if (b)
        rhs += b[x];
    return rhs / (m + dt * eta);
}

void ref_tti_step(const ref_tti *t, const ref_stepper *st, int transpose, double *const cur[2], double *const prev[2],
                  double *const b[2], double *const next[2])
{
    const ref_grid *g = t->grid;
    double *gf = t->scratch[0], *zz0 = t->scratch[1], *zz1 = t->scratch[2], *w = t->scratch[3];
    if (!transpose) {
        /* Hu = a (L u - Gzz u) + b Gzz v,  Hv = b (L u - Gzz u) + Gzz v */
        gzz(t, cur[0], gf, zz0);
        gzz(t, cur[1], gf, zz1);
        for (size_t ix = 0; ix < g->N[0]; ix++)
            for (size_t iy = 0; iy < g->N[1]; iy++)
                for (size_t iz = 0; iz < g->N[2]; iz++) {
                    size_t x = ref_at(g, ix, iy, iz);
                    double gh = ref_laplacian_at(st, cur[0], x) - zz0[x];
                    double hu = t->a[x] * gh + t->b[x] * zz1[x];
                    double hv = t->b[x] * gh + zz1[x];
                    next[0][x] = update(st, x, hu, cur[0], prev[0], b[0]);
                    next[1][x] = update(st, x, hv, cur[1], prev[1], b[1]);
                }
        return;
    }
    /* Hp = Gh(a p + b r) = L w - Gzz w with w = a p + b r, and
     * Hr = Gzz(b p + r): the parameters multiply inside the operators.
     * w first holds b p + r (for zz1), then a p + b r (for zz0 and L). */
    for (size_t ix = 0; ix < g->N[0]; ix++)
        for (size_t iy = 0; iy < g->N[1]; iy++)
            for (size_t iz = 0; iz < g->N[2]; iz++) {
                size_t x = ref_at(g, ix, iy, iz);
                w[x] = t->b[x] * cur[0][x] + cur[1][x];
            }
    gzz(t, w, gf, zz1);
    for (size_t ix = 0; ix < g->N[0]; ix++)
        for (size_t iy = 0; iy < g->N[1]; iy++)
            for (size_t iz = 0; iz < g->N[2]; iz++) {
                size_t x = ref_at(g, ix, iy, iz);
                w[x] = t->a[x] * cur[0][x] + t->b[x] * cur[1][x];
            }
    gzz(t, w, gf, zz0);
    for (size_t ix = 0; ix < g->N[0]; ix++)
        for (size_t iy = 0; iy < g->N[1]; iy++)
            for (size_t iz = 0; iz < g->N[2]; iz++) {
                size_t x = ref_at(g, ix, iy, iz);
                double hp = ref_laplacian_at(st, w, x) - zz0[x];
                next[0][x] = update(st, x, hp, cur[0], prev[0], b[0]);
                next[1][x] = update(st, x, zz1[x], cur[1], prev[1], b[1]);
            }
}
