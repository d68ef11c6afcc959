#include "case_setup.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wavelet.h"

osib_status osib_case_setup_init(osib_case_setup *cs, const osib_case *c, osib_err *err)
{
    memset(cs, 0, sizeof *cs);
    osib_setup *s = &cs->setup;
    s->ndim = c->ndim;
    for (int d = 0; d < c->ndim; d++) {
        s->shape[d] = c->shape[d];
        s->spacing_m[d] = c->spacing_m[d];
        s->origin_m[d] = c->origin_m[d];
    }
    s->nbl = c->nbl;
    s->space_order = c->space_order;
    s->dt_ms = c->dt_ms;
    s->nt = c->nt;
    s->nsrc = c->sources.count;
    s->nrec = c->receivers.count;
    cs->src_coords_m = malloc(s->nsrc * (size_t)c->ndim * sizeof(double));
    cs->rec_coords_m = malloc(s->nrec * (size_t)c->ndim * sizeof(double));
    if (!cs->src_coords_m || !cs->rec_coords_m) {
        osib_case_setup_free(cs);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for %zu receiver coordinates", s->nrec);
    }
    osib_points_expand(&c->sources, c->ndim, cs->src_coords_m);
    osib_points_expand(&c->receivers, c->ndim, cs->rec_coords_m);
    s->src_coords_m = cs->src_coords_m;
    s->rec_coords_m = cs->rec_coords_m;
    return OSIB_OK;
}

void osib_case_setup_free(osib_case_setup *cs)
{
    free(cs->src_coords_m);
    free(cs->rec_coords_m);
    cs->src_coords_m = cs->rec_coords_m = NULL;
}

osib_status osib_backend_open(const osib_backend *b, const osib_case_setup *cs, const double *vp, void **state,
                              osib_err *err)
{
    osib_status st = b->create(state, &cs->setup, err);
    if (st != OSIB_OK)
        return st;
    st = b->set_model(*state, vp, err);
    if (st != OSIB_OK) {
        b->destroy(*state);
        *state = NULL;
    }
    return st;
}

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
