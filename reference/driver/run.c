#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_setup.h"
#include "inputs.h"
#include "fileutil.h"
#include "h5io.h"
#include "sysinfo.h"
#include "version.h"

osib_setup osib_setup_sizes(const osib_case *c)
{
    osib_setup s = {.ndim = c->ndim,
                    .nbl = c->nbl,
                    .space_order = c->space_order,
                    .dt_ms = c->dt_ms,
                    .nt = c->nt,
                    .nsrc = c->sources.count,
                    .nrec = c->receivers.count,
                    .memory_budget_bytes = (double)c->memory_budget_bytes};
    for (int d = 0; d < c->ndim; d++) {
        s.shape[d] = c->shape[d];
        s.spacing_m[d] = c->spacing_m[d];
        s.origin_m[d] = c->origin_m[d];
    }
    return s;
}

osib_status osib_check_memory(const osib_backend *b, const osib_case *c, osib_op op, osib_err *err)
{
    osib_setup s = osib_setup_sizes(c);
    double need = (double)b->memory_bytes(&s, op);
    double have = osib_physical_memory_bytes();
    if (have > 0.0 && need > 0.9 * have)
        return osib_fail(err, OSIB_E_NOMEM, "case %s, operator %s: %s needs %.1f GiB, this machine has %.1f GiB", c->id,
                         osib_op_name(op), b->name, need / 1073741824.0, have / 1073741824.0);
    return OSIB_OK;
}

/* The output arrays of one operator. */
typedef struct {
    double *out, objective;
} run_output;

static osib_status write_output(const osib_run_request *r, const run_output *o, osib_err *err)
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
        case OSIB_OP_FORWARD: st = osib_h5_write(&f, "/outputs/forward_data", o->out, 2, rec_dims, "1", 0, err); break;
        case OSIB_OP_ADJOINT:
            st = osib_h5_write(&f, "/outputs/adjoint_wavelet", o->out, 2, src_dims, "1", 0, err);
            break;
        case OSIB_OP_BORN: st = osib_h5_write(&f, "/outputs/born_data", o->out, 2, rec_dims, "1", 0, err); break;
        case OSIB_OP_BORN_ADJOINT:
            st = osib_h5_write(&f, "/outputs/born_adjoint_image", o->out, c->ndim, c->shape, "km^2/s^2", 0, err);
            break;
        case OSIB_OP_GRADIENT:
            st = osib_h5_write(&f, "/outputs/objective", &o->objective, 1, &one, "1", 0, err);
            if (st == OSIB_OK)
                st = osib_h5_write(&f, "/outputs/gradient", o->out, c->ndim, c->shape, "km^2/s^2", 0, err);
            break;
        case OSIB_OP_COUNT: break;
        }
    }
    const struct {
        const char *k, *v;
    } attrs[] = {
        {"case_id", c->id},
        {"operator", osib_op_name(r->op)},
        {"generator", r->backend->name},
        {"generator_description", r->backend->description},
        {"generator_commit", osib_git_commit()},
        {"precision", r->backend->precision},
    };
    for (size_t i = 0; st == OSIB_OK && i < sizeof attrs / sizeof attrs[0]; i++)
        st = osib_h5_set_attr_string(&f, "/", attrs[i].k, attrs[i].v, err);
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

osib_status osib_compute(const osib_backend *b, void *state, osib_op op, const osib_inputs *in, double *out,
                         double *objective, osib_err *err)
{
    switch (op) {
    case OSIB_OP_FORWARD: return b->forward(state, in->src_wavelet, out, err);
    case OSIB_OP_ADJOINT: return b->adjoint(state, in->adjoint_data, out, err);
    case OSIB_OP_BORN: return b->born(state, in->src_wavelet, in->dm, out, err);
    case OSIB_OP_BORN_ADJOINT: return b->born_adjoint(state, in->src_wavelet, in->adjoint_data, out, err);
    case OSIB_OP_GRADIENT: return b->gradient(state, in->src_wavelet, in->observed_data, objective, out, err);
    case OSIB_OP_COUNT: break;
    }
    return osib_fail(err, OSIB_E_INTERNAL, "no operator");
}

size_t osib_output_count(const osib_case *c, osib_op op)
{
    switch (op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_BORN: return c->nt * c->receivers.count;
    case OSIB_OP_ADJOINT: return c->nt * c->sources.count;
    default: return osib_case_physical_points(c);
    }
}

static osib_status compute(osib_run_request *r, void *state, const osib_inputs *in, run_output *o, osib_err *err)
{
    const osib_backend *b = r->backend;
    if (r->progress) {
        char label[160];
        snprintf(label, sizeof label, "%s %s", osib_op_name(r->op), r->c->id);
        osib_progress_begin(r->progress, label);
        b->set_progress(state, osib_progress_callback, r->progress);
    }
    double t0 = osib_now_seconds();
    osib_status st = osib_compute(b, state, r->op, in, o->out, &o->objective, err);
    r->compute_seconds = osib_now_seconds() - t0;
    if (r->progress)
        osib_progress_end(r->progress);
    char notes[1536] = "";
    if (st == OSIB_OK && b->notes)
        b->notes(state, notes, sizeof notes);
    if (notes[0])
        fprintf(stderr, "%s: %s\n", b->name, notes);
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
    osib_inputs in = {0};
    unsigned which = osib_inputs_needed(c, r->op);
    st = r->inputs_path ? osib_inputs_read(&in, c, r->inputs_path, which, err)
                        : osib_inputs_documented(&in, c, &cs, b, which, r->progress, err);

    size_t out_count = osib_output_count(c, r->op);
    run_output o = {0};
    if (st == OSIB_OK && !(o.out = malloc(out_count * sizeof(double))))
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the output");

    void *state = NULL;
    osib_thomsen th;
    if (st == OSIB_OK)
        st = osib_backend_open(b, &cs, in.vp, osib_inputs_thomsen(&in, c, &th), &state, err);
    if (st == OSIB_OK)
        st = compute(r, state, &in, &o, err);
    if (st == OSIB_OK)
        st = write_output(r, &o, err);
    if (state)
        b->destroy(state);
    free(o.out);
    osib_inputs_free(&in);
    osib_case_setup_free(&cs);
    return st;
}
