#include "oracle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_setup.h"
#include "fileutil.h"
#include "h5io.h"
#include "version.h"

/* Every array of an oracle, inputs and outputs. */
typedef struct {
    double *vp, *q, *adjoint_data, *dm, *vp_obs, *observed_data;
    double *forward_data, *adjoint_wavelet, *born_data, *born_adjoint_image, *gradient;
    double objective;
} oracle_arrays;

static void arrays_free(oracle_arrays *a)
{
    free(a->vp);
    free(a->q);
    free(a->adjoint_data);
    free(a->dm);
    free(a->vp_obs);
    free(a->observed_data);
    free(a->forward_data);
    free(a->adjoint_wavelet);
    free(a->born_data);
    free(a->born_adjoint_image);
    free(a->gradient);
}

static osib_status arrays_alloc(oracle_arrays *a, const osib_case *c, osib_err *err)
{
    memset(a, 0, sizeof *a);
    const size_t nphys = osib_case_physical_points(c);
    const size_t nsrc = c->nt * c->sources.count, nrec = c->nt * c->receivers.count;
    a->vp = malloc(nphys * sizeof(double));
    a->dm = malloc(nphys * sizeof(double));
    a->vp_obs = malloc(nphys * sizeof(double));
    a->gradient = malloc(nphys * sizeof(double));
    a->born_adjoint_image = malloc(nphys * sizeof(double));
    a->q = malloc(nsrc * sizeof(double));
    a->adjoint_wavelet = malloc(nsrc * sizeof(double));
    a->adjoint_data = malloc(nrec * sizeof(double));
    a->observed_data = malloc(nrec * sizeof(double));
    a->forward_data = malloc(nrec * sizeof(double));
    a->born_data = malloc(nrec * sizeof(double));
    if (!a->vp || !a->dm || !a->vp_obs || !a->gradient || !a->born_adjoint_image || !a->q || !a->adjoint_wavelet ||
        !a->adjoint_data || !a->observed_data || !a->forward_data || !a->born_data) {
        arrays_free(a);
        return osib_fail(err, OSIB_E_NOMEM, "case %s: out of memory for the oracle arrays", c->id);
    }
    return OSIB_OK;
}

/* Read the inputs of an oracle file into a. */
static osib_status read_inputs(const osib_case *c, const char *oracle_path, oracle_arrays *a, osib_err *err)
{
    const size_t src_dims[2] = {c->nt, c->sources.count}, rec_dims[2] = {c->nt, c->receivers.count};
    osib_h5file f = {.id = -1};
    osib_status st = osib_h5_open(&f, oracle_path, err);
    if (st == OSIB_OK)
        st = osib_h5_read(&f, "/inputs/vp", c->ndim, c->shape, a->vp, err);
    if (st == OSIB_OK)
        st = osib_h5_read(&f, "/inputs/src_wavelet", 2, src_dims, a->q, err);
    if (st == OSIB_OK)
        st = osib_h5_read(&f, "/inputs/adjoint_data", 2, rec_dims, a->adjoint_data, err);
    if (st == OSIB_OK)
        st = osib_h5_read(&f, "/inputs/dm", c->ndim, c->shape, a->dm, err);
    if (st == OSIB_OK)
        st = osib_h5_read(&f, "/inputs/observed_data", 2, rec_dims, a->observed_data, err);
    osib_h5_close(&f, NULL);
    return st;
}

/* The documented inputs; the observed data need a forward run in the true
 * model, done by the backend. */
static osib_status documented_inputs(const osib_backend *b, const osib_case *c, const osib_case_setup *cs,
                                     oracle_arrays *a, osib_progress *progress, osib_err *err)
{
    osib_status st = osib_case_model_vp(c, a->vp, err);
    if (st != OSIB_OK)
        return st;
    osib_input_wavelets(c, a->q);
    osib_input_adjoint_data(c, a->adjoint_data);
    osib_input_dm(c, a->dm);
    osib_input_observed_model(c, a->vp, a->vp_obs);
    void *state = NULL;
    st = osib_backend_open(b, cs, a->vp_obs, &state, err);
    if (st != OSIB_OK)
        return st;
    char label[160];
    if (progress) {
        snprintf(label, sizeof label, "oracle %s: observed data", c->id);
        osib_progress_begin(progress, label);
        b->set_progress(state, osib_progress_callback, progress);
    }
    st = b->forward(state, a->q, a->observed_data, err);
    if (progress)
        osib_progress_end(progress);
    b->destroy(state);
    return st;
}

/* Every operator on the inputs in a. */
static osib_status compute(const osib_backend *b, const osib_case *c, const osib_case_setup *cs, oracle_arrays *a,
                           osib_progress *progress, osib_err *err)
{
    void *state = NULL;
    osib_status st = osib_backend_open(b, cs, a->vp, &state, err);
    if (st != OSIB_OK)
        return st;
    if (progress)
        b->set_progress(state, osib_progress_callback, progress);
    char label[160];
#define STAGE(name, call)                                                                                              \
    do {                                                                                                               \
        if (st == OSIB_OK) {                                                                                           \
            if (progress) {                                                                                            \
                snprintf(label, sizeof label, "oracle %s: %s", c->id, name);                                           \
                osib_progress_begin(progress, label);                                                                  \
            }                                                                                                          \
            st = (call);                                                                                               \
            if (progress)                                                                                              \
                osib_progress_end(progress);                                                                           \
        }                                                                                                              \
    } while (0)

    STAGE("forward", b->forward(state, a->q, a->forward_data, err));
    STAGE("adjoint", b->adjoint(state, a->adjoint_data, a->adjoint_wavelet, err));
    STAGE("born", b->born(state, a->q, a->dm, a->born_data, err));
    STAGE("born_adjoint", b->born_adjoint(state, a->q, a->adjoint_data, a->born_adjoint_image, err));
    STAGE("gradient", b->gradient(state, a->q, a->observed_data, &a->objective, a->gradient, err));
#undef STAGE
    b->destroy(state);
    return st;
}

static osib_status write_file(const osib_backend *b, const osib_case *c, const oracle_arrays *a, const char *path,
                              osib_err *err)
{
    char hash[65], canonical[OSIB_CANONICAL_MAX];
    osib_status st = osib_case_hash(c, hash, err);
    if (st == OSIB_OK)
        st = osib_case_canonical(c, canonical, sizeof canonical, err);
    if (st != OSIB_OK)
        return st;

    const int D = c->ndim;
    const size_t nt = c->nt, ns = c->sources.count, nr = c->receivers.count;
    const size_t src_dims[2] = {nt, ns}, rec_dims[2] = {nt, nr};
    const size_t src_xy[2] = {ns, (size_t)D}, rec_xy[2] = {nr, (size_t)D};
    const size_t one = 1;
    double *src_coords = malloc(ns * (size_t)D * sizeof(double));
    double *rec_coords = malloc(nr * (size_t)D * sizeof(double));
    if (!src_coords || !rec_coords) {
        free(src_coords);
        free(rec_coords);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    }
    osib_points_expand(&c->sources, D, src_coords);
    osib_points_expand(&c->receivers, D, rec_coords);

    char tmp[OSIB_PATH_MAX] = "";
    osib_h5file f = {.id = -1};
    st = osib_atomic_tmpname(path, tmp, sizeof tmp, err);
    if (st == OSIB_OK)
        st = osib_h5_create(&f, tmp, err);

#define W(name, data, rank, dims, units)                                                                               \
    if (st == OSIB_OK)                                                                                                 \
    st = osib_h5_write(&f, name, data, rank, dims, units, 1, err)
    W("/inputs/vp", a->vp, D, c->shape, "km/s");
    W("/inputs/src_wavelet", a->q, 2, src_dims, "1");
    W("/inputs/src_coords", src_coords, 2, src_xy, "m");
    W("/inputs/rec_coords", rec_coords, 2, rec_xy, "m");
    W("/inputs/adjoint_data", a->adjoint_data, 2, rec_dims, "1");
    W("/inputs/dm", a->dm, D, c->shape, "s^2/km^2");
    W("/inputs/observed_data", a->observed_data, 2, rec_dims, "1");
    W("/outputs/forward_data", a->forward_data, 2, rec_dims, "1");
    W("/outputs/adjoint_wavelet", a->adjoint_wavelet, 2, src_dims, "1");
    W("/outputs/born_data", a->born_data, 2, rec_dims, "1");
    W("/outputs/born_adjoint_image", a->born_adjoint_image, D, c->shape, "km^2/s^2");
    W("/outputs/objective", &a->objective, 1, &one, "1");
    W("/outputs/gradient", a->gradient, D, c->shape, "km^2/s^2");
#undef W
    struct {
        const char *k, *v;
    } attrs[] = {
        {"osib_file", "oracle"},
        {"oracle_format", OSIB_ORACLE_FORMAT},
        {"case_id", c->id},
        {"case_sha256", hash},
        {"case_canonical", canonical},
        {"spec_version", osib_spec_version()},
        {"kit_version", osib_kit_version()},
        {"generator", b->name},
        {"generator_description", b->description},
        {"generator_commit", osib_git_commit()},
        {"precision", b->precision},
    };
    for (size_t i = 0; st == OSIB_OK && i < sizeof attrs / sizeof attrs[0]; i++)
        st = osib_h5_set_attr_string(&f, "/", attrs[i].k, attrs[i].v, err);

    if (st == OSIB_OK)
        st = osib_h5_set_attr_double(&f, "/", "dt_ms", c->dt_ms, err);
    osib_status close_st = osib_h5_close(&f, st == OSIB_OK ? err : NULL);
    if (st == OSIB_OK)
        st = close_st;
    if (st == OSIB_OK)
        st = osib_atomic_commit(tmp, path, err);
    else if (tmp[0])
        osib_atomic_abort(tmp);
    free(src_coords);
    free(rec_coords);
    return st;
}

osib_status osib_oracle_write(const osib_backend *b, const osib_case *c, const char *path, osib_progress *progress,
                              osib_err *err)
{
    oracle_arrays a;
    osib_case_setup cs;
    osib_status st = arrays_alloc(&a, c, err);
    if (st != OSIB_OK)
        return st;
    st = osib_case_setup_init(&cs, c, err);
    if (st == OSIB_OK) {
        st = documented_inputs(b, c, &cs, &a, progress, err);
        if (st == OSIB_OK)
            st = compute(b, c, &cs, &a, progress, err);
        if (st == OSIB_OK)
            st = write_file(b, c, &a, path, err);
        osib_case_setup_free(&cs);
    }
    arrays_free(&a);
    return st;
}

osib_status osib_oracle_replay(const osib_backend *b, const osib_case *c, const char *oracle_path, const char *path,
                               osib_progress *progress, osib_err *err)
{
    oracle_arrays a;
    osib_case_setup cs;
    osib_status st = arrays_alloc(&a, c, err);
    if (st != OSIB_OK)
        return st;
    st = osib_case_setup_init(&cs, c, err);
    if (st == OSIB_OK) {
        st = read_inputs(c, oracle_path, &a, err);
        if (st == OSIB_OK)
            st = compute(b, c, &cs, &a, progress, err);
        if (st == OSIB_OK)
            st = write_file(b, c, &a, path, err);
        osib_case_setup_free(&cs);
    }
    arrays_free(&a);
    return st;
}
