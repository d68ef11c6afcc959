#include "inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5io.h"

unsigned osib_inputs_needed(const osib_case *c, osib_op op)
{
    const unsigned medium = OSIB_IN_VP | (osib_case_is_tti(c) ? OSIB_IN_THOMSEN : 0u);
    switch (op) {
    case OSIB_OP_FORWARD: return medium | OSIB_IN_SRC_WAVELET;
    case OSIB_OP_ADJOINT: return medium | OSIB_IN_ADJOINT_DATA;
    case OSIB_OP_BORN: return medium | OSIB_IN_SRC_WAVELET | OSIB_IN_DM;
    case OSIB_OP_BORN_ADJOINT: return medium | OSIB_IN_SRC_WAVELET | OSIB_IN_ADJOINT_DATA;
    case OSIB_OP_GRADIENT: return medium | OSIB_IN_SRC_WAVELET | OSIB_IN_OBSERVED_DATA;
    case OSIB_OP_COUNT: break;
    }
    return 0;
}

const osib_thomsen *osib_inputs_thomsen(const osib_inputs *in, const osib_case *c, osib_thomsen *buf)
{
    if (!osib_case_is_tti(c))
        return NULL;
    *buf = (osib_thomsen){in->epsilon, in->delta, in->theta, c->ndim == 3 ? in->phi : NULL};
    return buf;
}

double **osib_inputs_slot(osib_inputs *in, const char *name)
{
    struct {
        const char *name;
        double **slot;
    } const slots[] = {
        {"vp", &in->vp},
        {"src_wavelet", &in->src_wavelet},
        {"adjoint_data", &in->adjoint_data},
        {"dm", &in->dm},
        {"observed_data", &in->observed_data},
        {"epsilon", &in->epsilon},
        {"delta", &in->delta},
        {"theta", &in->theta},
        {"phi", &in->phi},
    };
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
        if (strcmp(name, slots[i].name) == 0)
            return slots[i].slot;
    return NULL;
}

void osib_inputs_free(osib_inputs *in)
{
    free(in->vp);
    free(in->src_wavelet);
    free(in->adjoint_data);
    free(in->dm);
    free(in->observed_data);
    free(in->epsilon);
    free(in->delta);
    free(in->theta);
    free(in->phi);
    memset(in, 0, sizeof *in);
}

osib_status osib_inputs_read(osib_inputs *in, const osib_case *c, const char *path, unsigned which, osib_err *err)
{
    const size_t src_dims[2] = {c->nt, c->sources.count}, rec_dims[2] = {c->nt, c->receivers.count};
    struct {
        unsigned bit;
        const char *name;
        int rank;
        const size_t *dims;
        double **dst;
    } table[] = {
        {OSIB_IN_VP, "/inputs/vp", c->ndim, c->shape, &in->vp},
        {OSIB_IN_SRC_WAVELET, "/inputs/src_wavelet", 2, src_dims, &in->src_wavelet},
        {OSIB_IN_ADJOINT_DATA, "/inputs/adjoint_data", 2, rec_dims, &in->adjoint_data},
        {OSIB_IN_DM, "/inputs/dm", c->ndim, c->shape, &in->dm},
        {OSIB_IN_OBSERVED_DATA, "/inputs/observed_data", 2, rec_dims, &in->observed_data},
        {OSIB_IN_THOMSEN, "/inputs/epsilon", c->ndim, c->shape, &in->epsilon},
        {OSIB_IN_THOMSEN, "/inputs/delta", c->ndim, c->shape, &in->delta},
        {OSIB_IN_THOMSEN, "/inputs/theta", c->ndim, c->shape, &in->theta},
        {OSIB_IN_THOMSEN, "/inputs/phi", c->ndim, c->shape, c->ndim == 3 ? &in->phi : NULL},
    };
    if (!osib_case_is_tti(c)) /* an acoustic file has no Thomsen fields, whatever OSIB_IN_ALL asks */
        which &= ~(unsigned)OSIB_IN_THOMSEN;
    osib_h5file f = {.id = -1};
    osib_status st = osib_h5_open(&f, path, err);
    for (size_t i = 0; st == OSIB_OK && i < sizeof table / sizeof table[0]; i++)
        if ((which & table[i].bit) && table[i].dst)
            st = osib_h5_read_alloc(&f, table[i].name, table[i].rank, table[i].dims, table[i].dst, err);
    osib_h5_close(&f, NULL);
    if (st != OSIB_OK)
        osib_inputs_free(in);
    return st;
}

static double *alloc_doubles(size_t n) { return malloc((n ? n : 1) * sizeof(double)); }

osib_status osib_inputs_documented(osib_inputs *in, const osib_case *c, const osib_case_setup *cs,
                                   const osib_backend *b, unsigned which, osib_progress *progress, osib_err *err)
{
    const size_t nphys = osib_case_physical_points(c);
    const size_t nsrc = c->nt * c->sources.count, nrec = c->nt * c->receivers.count;
    memset(in, 0, sizeof *in);
    /* vp is needed to derive the observed data, whether asked for or not. */
    in->vp = alloc_doubles(nphys);
    if ((which & OSIB_IN_SRC_WAVELET) || (which & OSIB_IN_OBSERVED_DATA))
        in->src_wavelet = alloc_doubles(nsrc);
    if (which & OSIB_IN_ADJOINT_DATA)
        in->adjoint_data = alloc_doubles(nrec);
    if (which & OSIB_IN_DM)
        in->dm = alloc_doubles(nphys);
    if (which & OSIB_IN_OBSERVED_DATA)
        in->observed_data = alloc_doubles(nrec);
    const int tti = osib_case_is_tti(c);
    if (tti) { /* like vp, always: the observed data need them */
        in->epsilon = alloc_doubles(nphys);
        in->delta = alloc_doubles(nphys);
        in->theta = alloc_doubles(nphys);
        in->phi = c->ndim == 3 ? alloc_doubles(nphys) : NULL;
    }
    if ((tti && (!in->epsilon || !in->delta || !in->theta || (c->ndim == 3 && !in->phi))) || !in->vp ||
        (((which & OSIB_IN_SRC_WAVELET) || (which & OSIB_IN_OBSERVED_DATA)) && !in->src_wavelet) ||
        ((which & OSIB_IN_ADJOINT_DATA) && !in->adjoint_data) || ((which & OSIB_IN_DM) && !in->dm) ||
        ((which & OSIB_IN_OBSERVED_DATA) && !in->observed_data)) {
        osib_inputs_free(in);
        return osib_fail(err, OSIB_E_NOMEM, "case %s: out of memory for the inputs", c->id);
    }

    osib_status st = osib_case_model_vp(c, in->vp, err);
    if (st == OSIB_OK && tti)
        st = osib_case_model_tti(c, in->epsilon, in->delta, in->theta, in->phi, err);
    if (st == OSIB_OK && in->src_wavelet)
        osib_input_wavelets(c, in->src_wavelet);
    if (st == OSIB_OK && in->adjoint_data)
        osib_input_adjoint_data(c, in->adjoint_data);
    if (st == OSIB_OK && in->dm)
        osib_input_dm(c, in->dm);
    if (st == OSIB_OK && in->observed_data) {
        double *vp_obs = alloc_doubles(nphys);
        void *state = NULL;
        if (!vp_obs)
            st = osib_fail(err, OSIB_E_NOMEM, "case %s: out of memory for the observed-data model", c->id);
        if (st == OSIB_OK) {
            osib_input_observed_model(c, in->vp, vp_obs);
            /* Slower, with the same anisotropy (spec/tti.md, documented inputs). */
            osib_thomsen th;
            st = osib_backend_open(b, cs, vp_obs, osib_inputs_thomsen(in, c, &th), &state, err);
        }
        if (st == OSIB_OK) {
            if (progress) {
                char label[160];
                snprintf(label, sizeof label, "%s: observed data", c->id);
                osib_progress_begin(progress, label);
                b->set_progress(state, osib_progress_callback, progress);
            }
            st = b->forward(state, in->src_wavelet, in->observed_data, err);
            if (progress)
                osib_progress_end(progress);
            b->destroy(state);
        }
        free(vp_obs);
    }
    if (st == OSIB_OK && !(which & OSIB_IN_SRC_WAVELET)) {
        free(in->src_wavelet);
        in->src_wavelet = NULL;
    }
    if (st == OSIB_OK && tti && !(which & OSIB_IN_THOMSEN)) {
        double **fields[4] = {&in->epsilon, &in->delta, &in->theta, &in->phi};
        for (int k = 0; k < 4; k++) {
            free(*fields[k]);
            *fields[k] = NULL;
        }
    }
    if (st != OSIB_OK)
        osib_inputs_free(in);
    return st;
}
