#include "case_setup.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

osib_status osib_case_setup_init(osib_case_setup *cs, const osib_case *c, osib_err *err)
{
    memset(cs, 0, sizeof *cs);
    osib_setup *s = &cs->setup;
    s->tti = osib_case_is_tti(c);
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
    s->memory_budget_bytes = (double)c->memory_budget_bytes;
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

osib_status osib_backend_open(const osib_backend *b, const osib_case_setup *cs, const double *vp,
                              const osib_thomsen *th, void **state, osib_err *err)
{
    if (cs->setup.tti && (!b->set_thomsen || !th))
        return osib_fail(err, OSIB_E_USAGE, "%s implements the acoustic operators only, not TTI", b->name);
    osib_status st = b->create(state, &cs->setup, b->options, err);
    if (st != OSIB_OK)
        return st;
    st = b->set_model(*state, vp, err);
    if (st == OSIB_OK && cs->setup.tti)
        st = b->set_thomsen(*state, th, err);
    if (st != OSIB_OK) {
        b->destroy(*state);
        *state = NULL;
    }
    return st;
}
