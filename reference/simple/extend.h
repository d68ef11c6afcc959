/*
 * extend.h - the model extension operator E and its transpose
 * (spec/acoustic.md, section "Model extension").
 *
 *   (E a)(i) = a(clamp(i_d - nbl, 0, n_d - 1) for each axis d)
 *
 * copies a physical-grid array into the padded grid by edge replication.
 * Its transpose sums every padded value onto the physical point it was
 * copied from, in ascending padded-index order (fixed, so bit-reproducible).
 * Both work on stored fields (halo untouched by E, ignored by E^T).
 */
#ifndef REF_EXTEND_H
#define REF_EXTEND_H

#include "grid.h"

/* padded[i] = phys[clamp(i)] on every padded point. */
void ref_extend(const ref_grid *g, const double *phys, double *padded);

/* phys = E^T padded: phys is overwritten. */
void ref_extend_transpose(const ref_grid *g, const double *padded, double *phys);

#endif
