#include "grid.h"

#include <stdint.h>
#include <stdlib.h>

#include "fd_weights.h"

static int mul_overflows(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return 1;
    *out = a * b;
    return 0;
}

osib_status ref_grid_init(ref_grid *g, int ndim, const size_t *shape, const double *spacing_m, const double *origin_m,
                          int nbl, int space_order, osib_err *err)
{
    if (ndim != 2 && ndim != 3)
        return osib_fail(err, OSIB_E_CASE, "dimensions = %d: must be 2 or 3", ndim);
    if (!fd_order_is_valid(space_order))
        return osib_fail(err, OSIB_E_CASE, "space_order = %d: must be even, 2..16", space_order);
    if (nbl < 0)
        return osib_fail(err, OSIB_E_CASE, "nbl = %d: must be >= 0", nbl);

    *g = (ref_grid){.ndim = ndim, .space_order = space_order, .nbl = nbl};
    /* Case axis d maps to internal axis a: (x,z) -> (0,2), (x,y,z) -> (0,1,2). */
    for (int a = 0; a < REF_AXES; a++) {
        g->n[a] = 1;
        g->N[a] = 1;
        g->spacing_m[a] = 1.0;
        g->origin_m[a] = 0.0;
    }
    for (int d = 0; d < ndim; d++) {
        int a = (ndim == 2 && d == 1) ? 2 : d;
        if (shape[d] < 1)
            return osib_fail(err, OSIB_E_CASE, "grid shape[%d] = %zu: must be >= 1", d, shape[d]);
        g->n[a] = shape[d];
        g->N[a] = shape[d] + 2 * (size_t)nbl;
        g->spacing_m[a] = spacing_m[d];
        g->origin_m[a] = origin_m[d];
    }
    for (int a = 0; a < REF_AXES; a++)
        g->halo[a] = (ndim == 3 || a != 1) ? space_order / 2 : 0;

    size_t ext[REF_AXES];
    for (int a = 0; a < REF_AXES; a++)
        ext[a] = g->N[a] + 2 * (size_t)g->halo[a];
    g->stride[2] = 1;
    if (mul_overflows(ext[2], 1, &g->stride[1]) || mul_overflows(ext[1], g->stride[1], &g->stride[0]) ||
        mul_overflows(ext[0], g->stride[0], &g->nstore))
        return osib_fail(err, OSIB_E_CASE, "grid too large: stored field size overflows");
    if (mul_overflows(g->N[0], g->N[1], &g->npad) || mul_overflows(g->npad, g->N[2], &g->npad))
        return osib_fail(err, OSIB_E_CASE, "grid too large: padded point count overflows");
    g->nphys = g->n[0] * g->n[1] * g->n[2];
    return OSIB_OK;
}

double *ref_field_alloc(const ref_grid *g) { return calloc(g->nstore, sizeof(double)); }
