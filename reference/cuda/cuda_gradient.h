/*
 * cuda_gradient.h - osib-cuda's J^T r and FWI gradient (spec/acoustic.md
 * §9): the forward history kept whole on the device when it fits the
 * device's free memory and the case's memory budget; otherwise Revolve
 * checkpoints of the forward state (conformance/lib/checkpoint.h), as
 * many as fit, the same steps recomputed from them, so the same bits.
 *
 * Under a budget the device's memory and the host's are held to it
 * together (the runner measures the host's only: spec/protocol.md).
 * OSIB_CUDA_SNAPSHOTS=s forces s snapshots. The strategy goes into the
 * task's note.
 */
#ifndef OSIB_CUDA_GRADIENT_H
#define OSIB_CUDA_GRADIENT_H

#include "cuda_call.h"

/* r_is_obs 0: image = J^T r (r_or_dobs is r); 1: the gradient of Phi for
 * observed data r_or_dobs, *phi set. image on the physical grid. */
osib_status cuda_born_adjoint_core(cuda_state *c, const double *q, const double *r_or_dobs, int r_is_obs, double *phi,
                                   double *image, osib_err *err);

#endif
