#include "spec_inputs.h"

#include "wavelet.h"

/* ---------------------------------------------------------------------------
 * The documented inputs, one by one
 * ------------------------------------------------------------------------- */

void osib_input_wavelets(const osib_case *c, double *q)
{
    const size_t ns = c->sources.count;
    for (size_t n = 0; n < c->nt; n++) {
        double s = ref_ricker((double)n * c->dt_ms, c->f0_khz, c->t0_ms, c->amplitude);
        for (size_t p = 0; p < ns; p++)
            q[n * ns + p] = s;
    }
}

void osib_input_adjoint_data(const osib_case *c, double *d)
{
    const size_t nr = c->receivers.count;
    for (size_t n = 0; n < c->nt; n++) {
        double s = ref_ricker((double)(c->nt - 1 - n) * c->dt_ms, c->f0_khz, c->t0_ms, c->amplitude);
        for (size_t r = 0; r < nr; r++)
            d[n * nr + r] = s;
    }
}

void osib_input_dm(const osib_case *c, double *dm)
{
    size_t n[3] = {1, 1, 1};
    for (int d = 0; d < c->ndim; d++)
        n[d] = c->shape[d];
    const size_t total = osib_case_physical_points(c);
    for (size_t k = 0; k < total; k++) {
        /* Unravel k (C order, last axis fastest) and test each axis. */
        size_t rem = k;
        int inside = 1;
        for (int d = c->ndim - 1; d >= 0; d--) {
            size_t i = rem % n[d];
            rem /= n[d];
            if (i < n[d] / 3 || i >= 2 * n[d] / 3)
                inside = 0;
        }
        dm[k] = inside ? OSIB_DM_AMPLITUDE : 0.0;
    }
}

void osib_input_observed_model(const osib_case *c, const double *vp, double *vp_obs)
{
    const size_t total = osib_case_physical_points(c), nz = c->shape[c->ndim - 1];
    for (size_t k = 0; k < total; k++)
        vp_obs[k] = OSIB_OBSERVED_VP_FACTOR * vp[k - k % nz]; /* the column's top value */
}
