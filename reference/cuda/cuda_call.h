/*
 * cuda_call.h - what osib-cuda's operators share (backend_cuda.c: forward,
 * adjoint, born; cuda_gradient.c: born_adjoint and the gradient): the
 * state kept between calls, the device buffers of one call, the memory it
 * needs, and the time steps of the recursions (reference/simple/
 * operators.c, in the same order) as launches of cuda_kernels.h.
 *
 * Internal to osib-cuda. Functions that can fail return OSIB_OK or an
 * error in err; a failed CUDA call is OSIB_E_EXTERNAL with its name and
 * text. Time steps only launch: cuda_check reports their errors.
 */
#ifndef OSIB_CUDA_CALL_H
#define OSIB_CUDA_CALL_H

#include <stddef.h>

#include "backend.h"
#include "cuda_kernels.h"
#include "operators.h"

/* What osib-cuda keeps between calls: the host's set-up and the device's
 * medium, supports and damping. */
typedef struct {
    ref_problem ref; /* the set-up, float64, on the host */
    osib_cuda_grid grid;
    osib_cuda_sparse src, rec;
    size_t nstore, nt;
    double budget_bytes;             /* the case's memory budget (born_adjoint, gradient); 0: none */
    float *dev_m, *dev_scale;        /* stored fields */
    float *dev_etadt;                /* dt eta_a along each axis (osib_cuda_grid) */
    unsigned long long *dev_offsets; /* sources' then receivers' supports */
    float *dev_weights;
    char device[160];
    char note[640];
    osib_progress_fn progress;
    void *progress_ctx;
} cuda_state;

/* The device buffers of one operator call. */
typedef struct {
    float *levels; /* nlevels stored fields, one block */
    size_t nlevels;
    float *traces_in, *traces_out; /* nt x npoint each */
    float *extra;                  /* dm, Born source, image: nextra fields */
    size_t nextra;
} call_buffers;

enum { MEDIUM_FIELDS = 2 }; /* m, the injection scale (eta: three axes' terms) */

osib_status cuda_fail(osib_err *err, const char *why);

/* Stored fields the device holds for op with the whole forward history
 * kept (born_adjoint and gradient: nt levels, v's ring, the image). */
size_t cuda_fields_for(osib_op op, size_t nt);
/* What the device holds with `fields` stored fields: those, the sources'
 * and receivers' supports, the damping's axes and the traces. */
double cuda_device_bytes(const ref_grid *g, size_t nt, size_t nsrc, size_t nrec, size_t fields);

/* nlevels level fields, traces of nin and nout points, nextra more fields,
 * all zeroed, after checking that the device can hold them. */
osib_status cuda_buffers_alloc(cuda_state *c, size_t nlevels, size_t nin, size_t nout, size_t nextra, call_buffers *b,
                               osib_err *err);
void cuda_buffers_free(call_buffers *b);
/* n float64 values to the device as float32, and back. */
osib_status cuda_put_traces(float *dev, const double *host, size_t n, osib_err *err);
osib_status cuda_get_floats(double *host, const float *dev, size_t n, osib_err *err);
/* Whether the launches so far went well (sync: after waiting for them). */
osib_status cuda_check(int sync, osib_err *err);
void cuda_report(const cuda_state *c, size_t done, size_t total);
/* After the time loop (st its outcome): when it went well, stop its timer
 * t and write the task's note (the device, the kernel, the loop's time and
 * rate, then extra); otherwise release the timer. Returns st, or the
 * timer's failure. */
osib_status cuda_finish(cuda_state *c, osib_cuda_timer *t, osib_status st, const char *extra, osib_err *err);

/* A step's arguments with no Born source and no imaging. */
osib_cuda_step_args cuda_step_args(const cuda_state *c, const float *cur, const float *prev, float *next);
/* Forward step n: u^{n+1} into u_next from u^n and u^{n-1}, the wavelets
 * q^n injected; d^n recorded from u^n when d (device traces). */
void cuda_forward_step(cuda_state *c, size_t n, const float *u_cur, const float *u_prev, float *u_next, const float *q,
                       float *d);
/* Adjoint step n over v's ring (level k at v + (k % 3) nstore): v^{n-1}
 * from v^n and v^{n+1}, the data d^n injected; q^n recorded from v^n when
 * q; with img, the imaging condition against u^n (u). */
void cuda_adjoint_step(cuda_state *c, size_t n, float *v, const float *d, float *q, const float *u, float *img);
/* The forward over b's levels (a ring of 3, or the whole history from
 * level 0), the wavelets q, data into d (or NULL); progress of total. */
osib_status cuda_forward_pass(cuda_state *c, const call_buffers *b, const float *q, float *d, size_t total,
                              osib_err *err);
/* The adjoint over the ring of b's levels from vfirst, driven by data d;
 * the wavelets into q (or NULL); with img, the imaging condition against
 * the whole history (levels 0..nt-1); progress from done of total. */
osib_status cuda_adjoint_pass(cuda_state *c, const call_buffers *b, size_t vfirst, const float *d, float *q, float *img,
                              size_t done, size_t total, osib_err *err);

#endif
