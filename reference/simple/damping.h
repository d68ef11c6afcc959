/*
 * damping.h - the absorbing-layer damping profile eta
 * (spec/acoustic.md, section "Absorbing layer"), Devito's "damp" profile.
 *
 * For each active axis d, a padded point at distance j (0 = outermost)
 * from the padded-grid edge inside the nbl-point layer contributes
 *
 *     eta_d = a (r - sin(2 pi r) / (2 pi)) / h_d,
 *     r = (nbl - j + 1) / nbl,   a = 1.5 ln(1000) / nbl,
 *
 * and eta is the sum over axes (corners add up). eta = 0 on the physical
 * grid and everywhere when nbl = 0.
 */
#ifndef REF_DAMPING_H
#define REF_DAMPING_H

#include "grid.h"

/* ln(1000) rounded to the nearest double; the spec's constant. */
#define REF_LN_1000 6.907755278982137

/* Fill eta (a stored field) on every padded point. */
void ref_damping(const ref_grid *g, double *eta);

/* Axis a's term eta_a at padded index i along it (0 on an inactive axis,
 * on the physical grid, and everywhere when nbl = 0): eta at a point is
 * the sum of its three axes' terms in the order x, y, z. For programs
 * that compute eta on the fly rather than store it (osib-cuda). */
double ref_damping_axis(const ref_grid *g, int a, size_t i);

/* The one-axis profile value at layer distance j (0 = outermost), for a
 * layer of nbl points and spacing h. Exposed for the tests. */
double ref_damping_profile(int nbl, int j, double spacing_m);

#endif
