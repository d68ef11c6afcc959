/*
 * spec_inputs.h - the documented inputs of the acoustic operators
 * (spec/acoustic.md §11), one by one, into caller-provided arrays.
 *
 * They are the spec's formulas, not an implementation: the runner makes a
 * benchmark case's published inputs from them, and the references'
 * drivers (reference/driver/inputs.h) the inputs of an oracle. The
 * wavelet goes through repro_math, so every machine gets the same bits.
 */
#ifndef OSIB_SPEC_INPUTS_H
#define OSIB_SPEC_INPUTS_H

#include "case.h"

/* The documented inputs one by one, into caller-provided arrays:
 *   wavelets        nt x nsrc   the case's Ricker wavelet at every source
 *   adjoint data    nt x nrec   the same wavelet reversed in time at every receiver
 *   dm              physical    OSIB_DM_AMPLITUDE inside the middle third of
 *                               every axis, 0 elsewhere
 *   observed model  physical    vp_obs(x, y, z) = 0.9 vp(x, y, top row): a near
 *                               surface 10% slower and no structure below it, so
 *                               that the residual is as large as the data */
void osib_input_wavelets(const osib_case *c, double *q);
void osib_input_adjoint_data(const osib_case *c, double *d);
void osib_input_dm(const osib_case *c, double *dm);
void osib_input_observed_model(const osib_case *c, const double *vp, double *vp_obs);

/* Amplitude of the documented perturbation, s^2/km^2. */
#define OSIB_DM_AMPLITUDE 0.01
/* Velocity factor of the observed-data model (slower: always stable). */
#define OSIB_OBSERVED_VP_FACTOR 0.9

#endif
