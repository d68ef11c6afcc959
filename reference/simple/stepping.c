#include "stepping.h"

osib_status ref_stepper_init(ref_stepper *st, const ref_grid *g, double dt_ms, const double *m, const double *eta,
                             osib_err *err)
{
    *st = (ref_stepper){.grid = g, .dt_ms = dt_ms, .m = m, .eta = eta};
    if (fd2_weights(g->space_order, st->weights) != 0)
        return osib_fail(err, OSIB_E_CASE, "space_order = %d: no weights", g->space_order);
    return OSIB_OK;
}

double ref_laplacian_at(const ref_stepper *st, const double *u, size_t x)
{
    const ref_grid *g = st->grid;
    const int p = g->space_order / 2;
    double lap = 0.0;
    for (int a = 0; a < REF_AXES; a++) {
        if (!ref_active_axis(g, a))
            continue;
        size_t s = g->stride[a];
        double d2 = st->weights[0] * u[x];
        for (int k = 1; k <= p; k++)
            d2 += st->weights[k] * (u[x + (size_t)k * s] + u[x - (size_t)k * s]);
        lap += d2 / (g->spacing_m[a] * g->spacing_m[a]);
    }
    return lap;
}

void ref_step(const ref_stepper *st, const double *u_cur, const double *u_prev, const double *b, double *u_next)
{
    const ref_grid *g = st->grid;
    const double dt = st->dt_ms;
    for (size_t ix = 0; ix < g->N[0]; ix++)
        for (size_t iy = 0; iy < g->N[1]; iy++)
            for (size_t iz = 0; iz < g->N[2]; iz++) {
                size_t x = ref_at(g, ix, iy, iz);
                double m = st->m[x], eta = st->eta[x];
                double rhs =
                    dt * dt * ref_laplacian_at(st, u_cur, x) + m * (2.0 * u_cur[x] - u_prev[x]) + dt * eta * u_cur[x];
                if (b)
                    rhs += b[x];
                u_next[x] = rhs / (m + dt * eta);
            }
}
