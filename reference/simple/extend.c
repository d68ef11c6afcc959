#include "extend.h"

#include <string.h>

/* Physical index that padded index i on axis a is copied from. */
static size_t clamp_to_physical(const ref_grid *g, int a, size_t i)
{
    size_t nbl = (g->ndim == 3 || a != 1) ? (size_t)g->nbl : 0;
    if (i < nbl)
        return 0;
    if (i - nbl >= g->n[a])
        return g->n[a] - 1;
    return i - nbl;
}

void ref_extend(const ref_grid *g, const double *phys, double *padded)
{
    for (size_t ix = 0; ix < g->N[0]; ix++)
        for (size_t iy = 0; iy < g->N[1]; iy++)
            for (size_t iz = 0; iz < g->N[2]; iz++)
                padded[ref_at(g, ix, iy, iz)] = phys[ref_phys_at(
                    g, clamp_to_physical(g, 0, ix), clamp_to_physical(g, 1, iy), clamp_to_physical(g, 2, iz))];
}

void ref_extend_transpose(const ref_grid *g, const double *padded, double *phys)
{
    memset(phys, 0, g->nphys * sizeof *phys);
    for (size_t ix = 0; ix < g->N[0]; ix++)
        for (size_t iy = 0; iy < g->N[1]; iy++)
            for (size_t iz = 0; iz < g->N[2]; iz++)
                phys[ref_phys_at(g, clamp_to_physical(g, 0, ix), clamp_to_physical(g, 1, iy),
                                 clamp_to_physical(g, 2, iz))] += padded[ref_at(g, ix, iy, iz)];
}
