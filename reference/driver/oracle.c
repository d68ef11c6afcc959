#include "oracle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_setup.h"
#include "fileutil.h"
#include "h5io.h"
#include "inputs.h"
#include "version.h"

/* Every output of an oracle. */
typedef struct {
    double *forward_data, *adjoint_wavelet, *born_data, *born_adjoint_image, *gradient;
    double objective;
} oracle_outputs;

static void outputs_free(oracle_outputs *o)
{
    free(o->forward_data);
    free(o->adjoint_wavelet);
    free(o->born_data);
    free(o->born_adjoint_image);
    free(o->gradient);
}

static osib_status outputs_alloc(oracle_outputs *o, const osib_case *c, osib_err *err)
{
    memset(o, 0, sizeof *o);
    const size_t nphys = osib_case_physical_points(c);
    const size_t nsrc = c->nt * c->sources.count, nrec = c->nt * c->receivers.count;
    o->forward_data = malloc(nrec * sizeof(double));
    o->adjoint_wavelet = malloc(nsrc * sizeof(double));
    o->born_data = malloc(nrec * sizeof(double));
    o->born_adjoint_image = malloc(nphys * sizeof(double));
    o->gradient = malloc(nphys * sizeof(double));
    if (!o->forward_data || !o->adjoint_wavelet || !o->born_data || !o->born_adjoint_image || !o->gradient) {
        outputs_free(o);
        return osib_fail(err, OSIB_E_NOMEM, "case %s: out of memory for the oracle outputs", c->id);
    }
    return OSIB_OK;
}

static void stage_begin(osib_progress *progress, const osib_case *c, const char *name)
{
    if (progress) {
        char label[160];
        snprintf(label, sizeof label, "%s: %s", c->id, name);
        osib_progress_begin(progress, label);
    }
}

static void stage_end(osib_progress *progress)
{
    if (progress)
        osib_progress_end(progress);
}

/* Every operator on the inputs. */
static osib_status compute(const osib_backend *b, const osib_case *c, const osib_case_setup *cs, const osib_inputs *in,
                           oracle_outputs *o, osib_progress *progress, osib_err *err)
{
    void *state = NULL;
    osib_thomsen th;
    osib_status st = osib_backend_open(b, cs, in->vp, osib_inputs_thomsen(in, c, &th), &state, err);
    if (st != OSIB_OK)
        return st;
    if (progress)
        b->set_progress(state, osib_progress_callback, progress);

    stage_begin(progress, c, "forward");
    st = b->forward(state, in->src_wavelet, o->forward_data, err);
    stage_end(progress);
    if (st == OSIB_OK) {
        stage_begin(progress, c, "adjoint");
        st = b->adjoint(state, in->adjoint_data, o->adjoint_wavelet, err);
        stage_end(progress);
    }
    if (st == OSIB_OK) {
        stage_begin(progress, c, "born");
        st = b->born(state, in->src_wavelet, in->dm, o->born_data, err);
        stage_end(progress);
    }
    if (st == OSIB_OK) {
        stage_begin(progress, c, "born_adjoint");
        st = b->born_adjoint(state, in->src_wavelet, in->adjoint_data, o->born_adjoint_image, err);
        stage_end(progress);
    }
    if (st == OSIB_OK) {
        stage_begin(progress, c, "gradient");
        st = b->gradient(state, in->src_wavelet, in->observed_data, &o->objective, o->gradient, err);
        stage_end(progress);
    }
    b->destroy(state);
    return st;
}

static osib_status write_file(const osib_backend *b, const osib_case *c, const osib_inputs *in, const oracle_outputs *o,
                              const char *path, osib_err *err)
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

    const struct {
        const char *name;
        const double *data;
        int rank;
        const size_t *dims;
        const char *units;
    } datasets[] = {
        {"/inputs/vp", in->vp, D, c->shape, "km/s"},
        {"/inputs/src_wavelet", in->src_wavelet, 2, src_dims, "1"},
        {"/inputs/src_coords", src_coords, 2, src_xy, "m"},
        {"/inputs/rec_coords", rec_coords, 2, rec_xy, "m"},
        {"/inputs/adjoint_data", in->adjoint_data, 2, rec_dims, "1"},
        {"/inputs/dm", in->dm, D, c->shape, "s^2/km^2"},
        {"/inputs/observed_data", in->observed_data, 2, rec_dims, "1"},
        {"/outputs/forward_data", o->forward_data, 2, rec_dims, "1"},
        {"/outputs/adjoint_wavelet", o->adjoint_wavelet, 2, src_dims, "1"},
        {"/outputs/born_data", o->born_data, 2, rec_dims, "1"},
        {"/outputs/born_adjoint_image", o->born_adjoint_image, D, c->shape, "km^2/s^2"},
        {"/outputs/objective", &o->objective, 1, &one, "1"},
        {"/outputs/gradient", o->gradient, D, c->shape, "km^2/s^2"},
    };
    const struct {
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

    char tmp[OSIB_PATH_MAX] = "";
    osib_h5file f = {.id = -1};
    st = osib_atomic_tmpname(path, tmp, sizeof tmp, err);
    if (st == OSIB_OK)
        st = osib_h5_create(&f, tmp, err);
    for (size_t i = 0; st == OSIB_OK && i < sizeof datasets / sizeof datasets[0]; i++)
        st = osib_h5_write(&f, datasets[i].name, datasets[i].data, datasets[i].rank, datasets[i].dims,
                           datasets[i].units, OSIB_H5_COMPRESS, err);
    /* A TTI case's Thomsen fields, inputs like vp (phi only in 3D). */
    const struct {
        const char *name;
        const double *data;
        const char *units;
    } thomsen[] = {
        {"/inputs/epsilon", in->epsilon, "1"},
        {"/inputs/delta", in->delta, "1"},
        {"/inputs/theta", in->theta, "rad"},
        {"/inputs/phi", D == 3 ? in->phi : NULL, "rad"},
    };
    for (size_t i = 0; st == OSIB_OK && osib_case_is_tti(c) && i < sizeof thomsen / sizeof thomsen[0]; i++)
        if (thomsen[i].data)
            st = osib_h5_write(&f, thomsen[i].name, thomsen[i].data, D, c->shape, thomsen[i].units, OSIB_H5_COMPRESS,
                               err);
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

/* The inputs (documented, or from an oracle file), every output, the file. */
static osib_status produce(const osib_backend *b, const osib_case *c, const char *oracle_path, const char *path,
                           osib_progress *progress, osib_err *err)
{
    osib_case_setup cs;
    osib_inputs in = {0};
    oracle_outputs o;
    osib_status st = outputs_alloc(&o, c, err);
    if (st != OSIB_OK)
        return st;
    st = osib_case_setup_init(&cs, c, err);
    if (st == OSIB_OK) {
        st = oracle_path ? osib_inputs_read(&in, c, oracle_path, OSIB_IN_ALL, err)
                         : osib_inputs_documented(&in, c, &cs, b, OSIB_IN_ALL, progress, err);
        if (st == OSIB_OK)
            st = compute(b, c, &cs, &in, &o, progress, err);
        if (st == OSIB_OK)
            st = write_file(b, c, &in, &o, path, err);
        osib_inputs_free(&in);
        osib_case_setup_free(&cs);
    }
    outputs_free(&o);
    return st;
}

osib_status osib_oracle_write(const osib_backend *b, const osib_case *c, const char *path, osib_progress *progress,
                              osib_err *err)
{
    return produce(b, c, NULL, path, progress, err);
}

osib_status osib_oracle_replay(const osib_backend *b, const osib_case *c, const char *oracle_path, const char *path,
                               osib_progress *progress, osib_err *err)
{
    return produce(b, c, oracle_path, path, progress, err);
}
