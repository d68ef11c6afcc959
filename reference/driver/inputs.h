/*
 * inputs.h - the inputs of the acoustic operators: the spec's documented
 * inputs (spec/acoustic.md, section 11), or the same datasets read from an
 * HDF5 file (an oracle, or a file prepared by the conformance runner).
 *
 *   name            shape          operators that need it
 *   vp              physical grid  all
 *   src_wavelet     nt x nsrc      forward, born, born_adjoint, gradient
 *   adjoint_data    nt x nrec      adjoint, born_adjoint
 *   dm              physical grid  born
 *   observed_data   nt x nrec      gradient
 *   epsilon, delta, physical grid  all, on a TTI case (spec/tti.md);
 *   theta, phi                     phi only in 3D
 *
 * In a file they are /inputs/<name>. Arrays are float64, C order.
 */
#ifndef OSIB_INPUTS_H
#define OSIB_INPUTS_H

#include "backend.h"
#include "case.h"
#include "case_setup.h"
#include "progress.h"
#include "spec_inputs.h"

enum {
    OSIB_IN_VP = 1,
    OSIB_IN_SRC_WAVELET = 2,
    OSIB_IN_ADJOINT_DATA = 4,
    OSIB_IN_DM = 8,
    OSIB_IN_OBSERVED_DATA = 16,
    OSIB_IN_THOMSEN = 32, /* epsilon, delta, theta (and phi in 3D): TTI cases */
    OSIB_IN_ALL = 63
};

typedef struct {
    double *vp, *src_wavelet, *adjoint_data, *dm, *observed_data; /* NULL unless loaded */
    double *epsilon, *delta, *theta, *phi;                        /* TTI: OSIB_IN_THOMSEN */
} osib_inputs;

/* The inputs an operator reads on a case (a mask of OSIB_IN_*): the
 * operator's own, and the Thomsen fields of a TTI case. */
unsigned osib_inputs_needed(const osib_case *c, osib_op op);

/* Where the input of that name (request.h's names) goes in *in; NULL for
 * a name that is not an input. */
double **osib_inputs_slot(osib_inputs *in, const char *name);

/* The Thomsen fields loaded in *in, as the backend takes them; NULL for an
 * acoustic case. */
const osib_thomsen *osib_inputs_thomsen(const osib_inputs *in, const osib_case *c, osib_thomsen *buf);

/* Read the selected inputs from /inputs/... of an HDF5 file, checking shapes
 * and finiteness. */
osib_status osib_inputs_read(osib_inputs *in, const osib_case *c, const char *path, unsigned which, osib_err *err);

/* Compute the selected documented inputs. The observed data need a forward
 * run, done by backend b (progress may be NULL). */
osib_status osib_inputs_documented(osib_inputs *in, const osib_case *c, const osib_case_setup *cs,
                                   const osib_backend *b, unsigned which, osib_progress *progress, osib_err *err);

void osib_inputs_free(osib_inputs *in);

/* The documented inputs one by one (osib_input_wavelets, ...) are the
 * kit's: spec_inputs.h. */

#endif
