/*
 * operators.h - the operators of spec/acoustic.md and spec/tti.md, written
 * to be read beside them: F, F^T, J, J^T and the FWI objective with its
 * gradient. The TTI operators are the acoustic ones with two wavefields
 * (u, v) per time level in place of one, advanced together by tti.h's
 * step, both receiving the sources, and receivers reading their sum.
 *
 * All arrays are float64 in C order:
 *   wavelets and data   nt x npoint   (point index fastest)
 *   models, dm, images  the physical grid, shape n (z fastest)
 *
 * The model is given as vp (km/s) on the physical grid; m = 1/vp^2 (s^2/km^2)
 * is what the operators are linear in or differentiated by: born() takes
 * dm in s^2/km^2 and gradient() returns dPhi/dm.
 *
 * The reference is single-threaded and deterministic: same inputs, same
 * bits, on any IEEE-754 machine (compiled without fast-math and without
 * FMA contraction).
 */
#ifndef REF_OPERATORS_H
#define REF_OPERATORS_H

#include <stddef.h>

#include "grid.h"
#include "osib_ops.h"
#include "setup.h"
#include "sparse.h"
#include "stepping.h"
#include "tti.h"

typedef struct {
    ref_grid grid;
    double dt_ms;
    size_t nt;
    ref_sparse src, rec;
    /* The medium, on the padded grid (stored fields). */
    double *m;         /* 1/vp^2 */
    double *eta;       /* damping */
    double *inj_scale; /* dt^2 vp^2, the injection scale at each point */
    ref_stepper stepper;
    /* TTI (setup.tti): two wavefields per time level instead of one, and
     * the rotated operators (tti.h). nfield is 1 or 2. */
    int nfield;
    ref_tti tti;
    osib_progress_fn progress;
    void *progress_ctx;
    /* Optional: the forward wavefield u^n at n = snapshot_step is copied
     * into snapshot (a stored field) by ref_forward, for figures. */
    size_t snapshot_step;
    double *snapshot;
} ref_problem;

/* Build the grid, locate sources and receivers, set the damping; the model
 * must then be set with ref_problem_set_model. */
osib_status ref_problem_init(ref_problem *p, const osib_setup *setup, osib_err *err);

/* m = 1/(E vp)^2 and the injection scale. vp must be finite and > 0. */
osib_status ref_problem_set_model(ref_problem *p, const double *vp_phys, osib_err *err);

/* The Thomsen fields of a TTI problem (isotropic until set). OSIB_E_USAGE
 * on an acoustic problem. */
osib_status ref_problem_set_thomsen(ref_problem *p, const osib_thomsen *th, osib_err *err);

void ref_problem_free(ref_problem *p);

/* Bytes the reference allocates for an operator (fields, history), so a
 * program can refuse a run that will not fit before starting it. Saturates
 * at SIZE_MAX. */
size_t ref_operator_bytes(const osib_setup *setup, osib_op op);

/* d = F q */
osib_status ref_forward(ref_problem *p, const double *q, double *d, osib_err *err);

/* q = F^T d */
osib_status ref_adjoint(ref_problem *p, const double *d, double *q, osib_err *err);

/* d = J dm, linearised about the current model for wavelets q */
osib_status ref_born(ref_problem *p, const double *q, const double *dm, double *d, osib_err *err);

/* image = J^T r, about the current model for wavelets q */
osib_status ref_born_adjoint(ref_problem *p, const double *q, const double *r, double *image, osib_err *err);

/* Phi = 1/2 |F q - d_obs|^2 and grad = J^T (F q - d_obs) */
osib_status ref_gradient(ref_problem *p, const double *q, const double *d_obs, double *phi, double *grad,
                         osib_err *err);

#endif
