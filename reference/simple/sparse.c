#include "sparse.h"

#include <math.h>
#include <stdlib.h>

osib_status ref_sparse_init(ref_sparse *s, const ref_grid *g, size_t npoint, const double *coords_m, osib_err *err)
{
    *s = (ref_sparse){.npoint = npoint, .ncorner = 1 << g->ndim};
    s->offset = malloc((npoint ? npoint : 1) * (size_t)s->ncorner * sizeof *s->offset);
    s->weight = malloc((npoint ? npoint : 1) * (size_t)s->ncorner * sizeof *s->weight);
    if (!s->offset || !s->weight) {
        ref_sparse_free(s);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for %zu sparse points", npoint);
    }

    /* Internal axes in case order: (x,z) -> (0,2), (x,y,z) -> (0,1,2). */
    int axes[REF_AXES], naxes = 0;
    for (int a = 0; a < REF_AXES; a++)
        if (ref_active_axis(g, a))
            axes[naxes++] = a;

    for (size_t p = 0; p < npoint; p++) {
        long base[REF_AXES] = {0, 0, 0};
        double w[REF_AXES][2] = {{1.0, 0.0}, {1.0, 0.0}, {1.0, 0.0}};
        for (int d = 0; d < naxes; d++) {
            int a = axes[d];
            double h = g->spacing_m[a];
            double origin_padded = g->origin_m[a] - g->nbl * h;
            double pos = (coords_m[p * (size_t)g->ndim + (size_t)d] - origin_padded) / h;
            if (!(pos >= 0.0 && pos <= (double)(g->N[a] - 1))) { /* also rejects NaN */
                ref_sparse_free(s);
                return osib_fail(err, OSIB_E_CASE, "sparse point %zu lies outside the padded grid on axis %d", p, d);
            }
            double fl = floor(pos);
            base[a] = (long)fl;
            w[a][0] = 1.0 - (pos - fl);
            w[a][1] = pos - fl;
        }
        for (int c = 0; c < s->ncorner; c++) {
            /* Corner bits in case-axis order, first axis most significant. */
            long idx[REF_AXES] = {base[0], base[1], base[2]};
            double weight = 1.0;
            for (int d = 0; d < naxes; d++) {
                int a = axes[d];
                int bit = (c >> (naxes - 1 - d)) & 1;
                idx[a] += bit;
                weight *= w[a][bit];
            }
            size_t k = p * (size_t)s->ncorner + (size_t)c;
            s->weight[k] = weight;
            s->offset[k] = 0;
            if (weight == 0.0)
                continue;
            for (int a = 0; a < REF_AXES; a++)
                if (idx[a] < 0 || (size_t)idx[a] >= g->N[a]) {
                    ref_sparse_free(s);
                    return osib_fail(err, OSIB_E_CASE, "sparse point %zu has support outside the padded grid", p);
                }
            s->offset[k] = ref_at(g, (size_t)idx[0], (size_t)idx[1], (size_t)idx[2]);
        }
    }
    return OSIB_OK;
}

void ref_sparse_free(ref_sparse *s)
{
    free(s->offset);
    free(s->weight);
    s->offset = NULL;
    s->weight = NULL;
}

void ref_interpolate(const ref_sparse *s, const double *field, double *out)
{
    for (size_t p = 0; p < s->npoint; p++) {
        double sum = 0.0;
        for (int c = 0; c < s->ncorner; c++) {
            size_t k = p * (size_t)s->ncorner + (size_t)c;
            if (s->weight[k] != 0.0)
                sum += s->weight[k] * field[s->offset[k]];
        }
        out[p] = sum;
    }
}

void ref_interpolate_sum(const ref_sparse *s, const double *f0, const double *f1, double *out)
{
    for (size_t p = 0; p < s->npoint; p++) {
        double sum = 0.0;
        for (int c = 0; c < s->ncorner; c++) {
            size_t k = p * (size_t)s->ncorner + (size_t)c, x = s->offset[k];
            if (s->weight[k] != 0.0)
                sum += s->weight[k] * (f0[x] + f1[x]);
        }
        out[p] = sum;
    }
}

void ref_inject(const ref_sparse *s, const double *values, const double *scale, double *field)
{
    for (size_t p = 0; p < s->npoint; p++)
        for (int c = 0; c < s->ncorner; c++) {
            size_t k = p * (size_t)s->ncorner + (size_t)c;
            if (s->weight[k] == 0.0)
                continue;
            size_t x = s->offset[k];
            double sc = scale ? scale[x] : 1.0;
            field[x] += s->weight[k] * sc * values[p];
        }
}
