#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_setup.h"
#include "fileutil.h"
#include "h5io.h"
#include "sysinfo.h"
#include "version.h"

osib_status osib_check_memory(const osib_backend *b, const osib_case *c, osib_op op, osib_err *err)
{
    /* Only the sizes matter: a setup without coordinates is enough. */
    osib_setup s = {.ndim = c->ndim,
                    .nbl = c->nbl,
                    .space_order = c->space_order,
                    .dt_ms = c->dt_ms,
                    .nt = c->nt,
                    .nsrc = c->sources.count,
                    .nrec = c->receivers.count};
    for (int d = 0; d < c->ndim; d++) {
        s.shape[d] = c->shape[d];
        s.spacing_m[d] = c->spacing_m[d];
        s.origin_m[d] = c->origin_m[d];
    }
    double need = (double)b->memory_bytes(&s, op);
    double have = osib_physical_memory_bytes();
    if (have > 0.0 && need > 0.9 * have)
        return osib_fail(err, OSIB_E_NOMEM, "case %s, operator %s: %s needs %.1f GiB, this machine has %.1f GiB", c->id,
                         osib_op_name(op), b->name, need / 1073741824.0, have / 1073741824.0);
    return OSIB_OK;
}

typedef struct {
    double *vp, *q, *adjoint_data, *dm, *observed_data;
    double *out, objective;
} run_arrays;

static void run_arrays_free(run_arrays *a)
{
    free(a->vp);
    free(a->q);
    free(a->adjoint_data);
    free(a->dm);
    free(a->observed_data);
    free(a->out);
}

static int needs(osib_op op, const char *input)
{
    if (strcmp(input, "src_wavelet") == 0)
        return op != OSIB_OP_ADJOINT;
    if (strcmp(input, "adjoint_data") == 0)
        return op == OSIB_OP_ADJOINT || op == OSIB_OP_BORN_ADJOINT;
    if (strcmp(input, "dm") == 0)
        return op == OSIB_OP_BORN;
    if (strcmp(input, "observed_data") == 0)
        return op == OSIB_OP_GRADIENT;
    return 1;
}

static osib_status read_inputs(const osib_run_request *r, run_arrays *a, osib_err *err)
{
    const osib_case *c = r->c;
    const size_t src_dims[2] = {c->nt, c->sources.count}, rec_dims[2] = {c->nt, c->receivers.count};
    osib_h5file f = {.id = -1};
    osib_status st = osib_h5_open(&f, r->inputs_path, err);
    if (st != OSIB_OK)
        return st;
    st = osib_h5_read_alloc(&f, "/inputs/vp", c->ndim, c->shape, &a->vp, err);
    if (st == OSIB_OK && needs(r->op, "src_wavelet"))
        st = osib_h5_read_alloc(&f, "/inputs/src_wavelet", 2, src_dims, &a->q, err);
    if (st == OSIB_OK && needs(r->op, "adjoint_data"))
        st = osib_h5_read_alloc(&f, "/inputs/adjoint_data", 2, rec_dims, &a->adjoint_data, err);
    if (st == OSIB_OK && needs(r->op, "dm"))
        st = osib_h5_read_alloc(&f, "/inputs/dm", c->ndim, c->shape, &a->dm, err);
    if (st == OSIB_OK && needs(r->op, "observed_data"))
        st = osib_h5_read_alloc(&f, "/inputs/observed_data", 2, rec_dims, &a->observed_data, err);
    osib_h5_close(&f, NULL);
    return st;
}

/* The documented inputs of spec/acoustic.md; observed data need a forward
 * run in the true model. */
static osib_status documented_inputs(const osib_run_request *r, const osib_case_setup *cs, run_arrays *a, osib_err *err)
{
    const osib_case *c = r->c;
    const size_t nphys = osib_case_physical_points(c);
    a->vp = malloc(nphys * sizeof(double));
    a->q = malloc(c->nt * c->sources.count * sizeof(double));
    a->adjoint_data = malloc(c->nt * c->receivers.count * sizeof(double));
    a->dm = malloc(nphys * sizeof(double));
    if (!a->vp || !a->q || !a->adjoint_data || !a->dm)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the inputs");
    osib_status st = osib_case_model_vp(c, a->vp, err);
    if (st != OSIB_OK)
        return st;
    osib_input_wavelets(c, a->q);
    osib_input_adjoint_data(c, a->adjoint_data);
    osib_input_dm(c, a->dm);
    if (r->op != OSIB_OP_GRADIENT)
        return OSIB_OK;

    double *vp_obs = malloc(nphys * sizeof(double));
    a->observed_data = malloc(c->nt * c->receivers.count * sizeof(double));
    if (!vp_obs || !a->observed_data) {
        free(vp_obs);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the observed data");
    }
    osib_input_observed_model(c, a->vp, vp_obs);
    void *state = NULL;
    st = osib_backend_open(r->backend, cs, vp_obs, &state, err);
    if (st == OSIB_OK) {
        st = r->backend->forward(state, a->q, a->observed_data, err);
        r->backend->destroy(state);
    }
    free(vp_obs);
    return st;
}

static osib_status write_output(const osib_run_request *r, const run_arrays *a, osib_err *err)
{
    const osib_case *c = r->c;
    const size_t src_dims[2] = {c->nt, c->sources.count}, rec_dims[2] = {c->nt, c->receivers.count};
    const size_t one = 1;
    char tmp[OSIB_PATH_MAX] = "";
    osib_h5file f = {.id = -1};
    osib_status st = osib_atomic_tmpname(r->out_path, tmp, sizeof tmp, err);
    if (st == OSIB_OK)
        st = osib_h5_create(&f, tmp, err);
    if (st == OSIB_OK) {
        switch (r->op) {
        case OSIB_OP_FORWARD: st = osib_h5_write(&f, "/outputs/forward_data", a->out, 2, rec_dims, "1", 0, err); break;
        case OSIB_OP_ADJOINT:
            st = osib_h5_write(&f, "/outputs/adjoint_wavelet", a->out, 2, src_dims, "1", 0, err);
            break;
        case OSIB_OP_BORN: st = osib_h5_write(&f, "/outputs/born_data", a->out, 2, rec_dims, "1", 0, err); break;
        case OSIB_OP_BORN_ADJOINT:
            st = osib_h5_write(&f, "/outputs/born_adjoint_image", a->out, c->ndim, c->shape, "km^2/s^2", 0, err);
            break;
        case OSIB_OP_GRADIENT:
            st = osib_h5_write(&f, "/outputs/objective", &a->objective, 1, &one, "1", 0, err);
            if (st == OSIB_OK)
                st = osib_h5_write(&f, "/outputs/gradient", a->out, c->ndim, c->shape, "km^2/s^2", 0, err);
            break;
        case OSIB_OP_COUNT: break;
        }
    }
    if (st == OSIB_OK)
        st = osib_h5_set_attr_string(&f, "/", "case_id", c->id, err);
    if (st == OSIB_OK)
        st = osib_h5_set_attr_string(&f, "/", "operator", osib_op_name(r->op), err);
    if (st == OSIB_OK)
        st = osib_h5_set_attr_string(&f, "/", "generator", r->backend->description, err);
    if (st == OSIB_OK)
        st = osib_h5_set_attr_string(&f, "/", "generator_commit", osib_git_commit(), err);
    if (st == OSIB_OK)
        st = osib_h5_set_attr_double(&f, "/", "compute_seconds", r->compute_seconds, err);
    if (st == OSIB_OK)
        st = osib_h5_set_attr_double(&f, "/", "dt_ms", c->dt_ms, err);
    osib_status cst = osib_h5_close(&f, st == OSIB_OK ? err : NULL);
    if (st == OSIB_OK)
        st = cst;
    if (st == OSIB_OK)
        return osib_atomic_commit(tmp, r->out_path, err);
    if (tmp[0])
        osib_atomic_abort(tmp);
    return st;
}

osib_status osib_run(osib_run_request *r, osib_err *err)
{
    const osib_case *c = r->c;
    const osib_backend *b = r->backend;
    osib_status st = osib_check_memory(b, c, r->op, err);
    if (st != OSIB_OK)
        return st;

    osib_case_setup cs;
    st = osib_case_setup_init(&cs, c, err);
    if (st != OSIB_OK)
        return st;
    run_arrays a = {0};
    st = r->inputs_path ? read_inputs(r, &a, err) : documented_inputs(r, &cs, &a, err);

    size_t out_count = 0;
    switch (r->op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_BORN: out_count = c->nt * c->receivers.count; break;
    case OSIB_OP_ADJOINT: out_count = c->nt * c->sources.count; break;
    default: out_count = osib_case_physical_points(c); break;
    }
    if (st == OSIB_OK && !(a.out = malloc(out_count * sizeof(double))))
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the output");

    void *state = NULL;
    if (st == OSIB_OK)
        st = osib_backend_open(b, &cs, a.vp, &state, err);
    if (st == OSIB_OK) {
        if (r->progress) {
            char label[160];
            snprintf(label, sizeof label, "%s %s", osib_op_name(r->op), c->id);
            osib_progress_begin(r->progress, label);
            b->set_progress(state, osib_progress_callback, r->progress);
        }
        double t0 = osib_now_seconds();
        switch (r->op) {
        case OSIB_OP_FORWARD: st = b->forward(state, a.q, a.out, err); break;
        case OSIB_OP_ADJOINT: st = b->adjoint(state, a.adjoint_data, a.out, err); break;
        case OSIB_OP_BORN: st = b->born(state, a.q, a.dm, a.out, err); break;
        case OSIB_OP_BORN_ADJOINT: st = b->born_adjoint(state, a.q, a.adjoint_data, a.out, err); break;
        case OSIB_OP_GRADIENT: st = b->gradient(state, a.q, a.observed_data, &a.objective, a.out, err); break;
        case OSIB_OP_COUNT: st = osib_fail(err, OSIB_E_INTERNAL, "no operator"); break;
        }
        r->compute_seconds = osib_now_seconds() - t0;
        if (r->progress)
            osib_progress_end(r->progress);
    }
    if (st == OSIB_OK)
        st = write_output(r, &a, err);
    if (state)
        b->destroy(state);
    run_arrays_free(&a);
    osib_case_setup_free(&cs);
    return st;
}
