/*
 * run.h - run one operator of an implementation (a backend) on one case:
 * gather the inputs (from an HDF5 file, or the spec's documented inputs),
 * refuse runs that cannot fit in memory, compute, and write the output file
 * atomically.
 *
 * Input datasets (oracle layout, oracles/README.md):
 *   /inputs/vp             physical grid     every operator
 *   /inputs/src_wavelet    nt x nsrc         forward, born, born_adjoint, gradient
 *   /inputs/adjoint_data   nt x nrec         adjoint, born_adjoint
 *   /inputs/dm             physical grid     born
 *   /inputs/observed_data  nt x nrec         gradient
 * Output datasets:
 *   /outputs/forward_data, /outputs/adjoint_wavelet, /outputs/born_data,
 *   /outputs/born_adjoint_image, /outputs/objective + /outputs/gradient
 */
#ifndef OSIB_RUN_H
#define OSIB_RUN_H

#include "backend.h"
#include "case.h"
#include "inputs.h"
#include "osib_ops.h"
#include "progress.h"

typedef struct {
    const osib_backend *backend;
    const osib_case *c;
    osib_op op;
    const char *inputs_path; /* NULL: the documented inputs */
    const char *out_path;
    osib_progress *progress; /* may be NULL */
    double compute_seconds;  /* out: the operator alone, I/O excluded */
} osib_run_request;

osib_status osib_run(osib_run_request *r, osib_err *err);

/* Run op on a ready backend instance: out receives the operator's array
 * output (osib_output_count values), objective the gradient's Phi. */
osib_status osib_compute(const osib_backend *b, void *state, osib_op op, const osib_inputs *in, double *out,
                         double *objective, osib_err *err);

/* Values of op's array output for case c. */
size_t osib_output_count(const osib_case *c, osib_op op);

/* The sizes of case c as a setup without coordinates: enough for a
 * backend's memory_bytes, which reads no positions. */
osib_setup osib_setup_sizes(const osib_case *c);

/* Refuse with OSIB_E_NOMEM when the backend would need more than 90% of
 * this machine's physical memory for op on c. */
osib_status osib_check_memory(const osib_backend *b, const osib_case *c, osib_op op, osib_err *err);

#endif
