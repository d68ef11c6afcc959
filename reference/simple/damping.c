#include "damping.h"

#include <math.h>

#include "repro_math.h"

double ref_damping_profile(int nbl, int j, double spacing_m)
{
    const double two_pi = 2.0 * M_PI;
    double a = 1.5 * REF_LN_1000 / nbl;
    double r = (double)(nbl - j + 1) / nbl;
    return a * (r - repro_sin(two_pi * r) / two_pi) / spacing_m;
}

double ref_damping_axis(const ref_grid *g, int a, size_t i)
{
    if (!ref_active_axis(g, a) || g->nbl == 0)
        return 0.0;
    size_t nbl = (size_t)g->nbl;
    if (i < nbl)
        return ref_damping_profile(g->nbl, (int)i, g->spacing_m[a]);
    if (i >= g->N[a] - nbl)
        return ref_damping_profile(g->nbl, (int)(g->N[a] - 1 - i), g->spacing_m[a]);
    return 0.0;
}

void ref_damping(const ref_grid *g, double *eta)
{
    for (size_t ix = 0; ix < g->N[0]; ix++)
        for (size_t iy = 0; iy < g->N[1]; iy++)
            for (size_t iz = 0; iz < g->N[2]; iz++) {
                /* Sum in axis order x, y, z: fixed for reproducibility. */
                double e = ref_damping_axis(g, 0, ix);
                e += ref_damping_axis(g, 1, iy);
                e += ref_damping_axis(g, 2, iz);
                eta[ref_at(g, ix, iy, iz)] = e;
            }
}
