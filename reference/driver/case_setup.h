/*
 * case_setup.h - from a validated OSIB case to what an implementation
 * needs: the problem description (setup.h) and a ready backend instance.
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

/* A backend instance for the case with velocity model vp and, for a TTI
 * case, the Thomsen fields th (ignored, and may be NULL, for an acoustic
 * case). OSIB_E_USAGE when b has no TTI operators and the case needs them. */
osib_status osib_backend_open(const osib_backend *b, const osib_case_setup *cs, const double *vp,
                              const osib_thomsen *th, void **state, osib_err *err);

#endif
