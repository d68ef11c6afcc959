/*
 * case_setup.h - from a validated OSIB case to what an implementation
 * needs: the problem description (setup.h), a ready backend instance, and
 * the spec's documented inputs (spec/acoustic.md, section 11).
 */
#ifndef OSIB_CASE_SETUP_H
#define OSIB_CASE_SETUP_H

#include "backend.h"
#include "case.h"

typedef struct {
    osib_setup setup;
    double *src_coords_m; /* owned */
    double *rec_coords_m; /* owned */
} osib_case_setup;

osib_status osib_case_setup_init(osib_case_setup *cs, const osib_case *c, osib_err *err);
void osib_case_setup_free(osib_case_setup *cs);

/* A backend instance for the case with velocity model vp. */
osib_status osib_backend_open(const osib_backend *b, const osib_case_setup *cs, const double *vp, void **state,
                              osib_err *err);

/* Documented inputs, each into a caller-provided array:
 *   wavelets     nt x nsrc   the case's Ricker wavelet at every source
 *   adjoint data nt x nrec   the same wavelet reversed in time at every receiver
 *   dm           physical    OSIB_DM_AMPLITUDE inside the middle third of
 *                            every axis, 0 elsewhere
 *   observed-data model       vp_obs(x, y, z) = 0.9 vp(x, y, z = top row): a
 *                physical    near surface 10% slower and no structure below it,
 *                            so that the residual is of the size of the data */
void osib_input_wavelets(const osib_case *c, double *q);
void osib_input_adjoint_data(const osib_case *c, double *d);
void osib_input_dm(const osib_case *c, double *dm);
void osib_input_observed_model(const osib_case *c, const double *vp, double *vp_obs);

/* Velocity factor of the observed-data model (slower: always stable). */
#define OSIB_OBSERVED_VP_FACTOR 0.9

/* Amplitude of the documented perturbation, s^2/km^2. */
#define OSIB_DM_AMPLITUDE 0.01

#endif
