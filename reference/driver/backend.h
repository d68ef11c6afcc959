/*
 * backend.h - what the driver (run, oracle, protocol) needs from an
 * implementation of the operators (acoustic, and TTI where it has them). The simple reference and the
 * optimised CPU kernels each provide one table of these functions; the
 * driver does everything else (cases, inputs, files, memory checks).
 *
 * Arrays cross this interface as float64 in C order, whatever precision the
 * implementation computes in: wavelets (nt x nsrc), data (nt x nrec),
 * models, perturbations and images on the physical grid
 * (spec/acoustic.md, section 9).
 */
#ifndef OSIB_BACKEND_H
#define OSIB_BACKEND_H

#include "osib_err.h"
#include "osib_ops.h"
#include "setup.h"

typedef struct {
    const char *name;         /* program name, e.g. "osib-ref" */
    const char *description;  /* one line: where it lives, precision, threads */
    const char *precision;    /* "float64" or "float32" */
    const void *options;      /* passed to create; NULL for defaults */
    const char *options_help; /* lines for --help about them, or NULL */

    /* Bytes this implementation allocates for op, so a run that cannot fit
     * is refused before it starts. */
    size_t (*memory_bytes)(const osib_setup *s, osib_op op);

    /* options: the implementation's own settings from its command line
     * (options below), never anything that changes the problem. */
    osib_status (*create)(void **state, const osib_setup *s, const void *options, osib_err *err);
    void (*destroy)(void *state);
    /* vp (km/s) on the physical grid; may be called again to change it. */
    osib_status (*set_model)(void *state, const double *vp, osib_err *err);
    /* The Thomsen fields of a TTI problem (setup.tti); may be called again.
     * NULL for an implementation of the acoustic operators only, whose
     * create() refuses a TTI setup. */
    osib_status (*set_thomsen)(void *state, const osib_thomsen *th, osib_err *err);
    void (*set_progress)(void *state, osib_progress_fn fn, void *ctx);
    /* What the last operator call chose for itself (e.g. the gradient's
     * strategy under a memory budget), one line for result.yaml's notes
     * and the run command's stderr; "" when nothing. May be NULL. */
    void (*notes)(const void *state, char *buf, size_t cap);

    osib_status (*forward)(void *state, const double *q, double *d, osib_err *err);
    osib_status (*adjoint)(void *state, const double *d, double *q, osib_err *err);
    osib_status (*born)(void *state, const double *q, const double *dm, double *d, osib_err *err);
    osib_status (*born_adjoint)(void *state, const double *q, const double *r, double *image, osib_err *err);
    osib_status (*gradient)(void *state, const double *q, const double *d_obs, double *phi, double *grad,
                            osib_err *err);
} osib_backend;

#endif
