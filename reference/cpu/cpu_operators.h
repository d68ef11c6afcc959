/*
 * cpu_operators.h - the operators of spec/acoustic.md section 9 in cpu_real
 * (reference/cpu; float32, or float64 in the float64 build: cpu_real.h).
 * Same contract as reference/simple/operators.h: float64 arrays in and
 * out, computation in cpu_real.
 */
#ifndef CPU_OPERATORS_H
#define CPU_OPERATORS_H

#include "cpu_problem.h"

osib_status cpu_forward(cpu_problem *p, const double *q, double *d, osib_err *err);
osib_status cpu_adjoint(cpu_problem *p, const double *d, double *q, osib_err *err);
osib_status cpu_born(cpu_problem *p, const double *q, const double *dm, double *d, osib_err *err);
osib_status cpu_born_adjoint(cpu_problem *p, const double *q, const double *r, double *image, osib_err *err);
osib_status cpu_gradient(cpu_problem *p, const double *q, const double *d_obs, double *phi, double *grad,
                         osib_err *err);

/* Shared with the TTI operators (cpu_tti_operators.c). */

/* The first n fields of the problem's pool, zeroed, in fields[0 .. n). */
osib_status cpu_work_fields(cpu_problem *p, int n, cpu_real **fields, osib_err *err);

/* The gradient's residual (p->residual, nt x receivers), allocated once. */
osib_status cpu_work_residual(cpu_problem *p, osib_err *err);

/* residual -= d_obs, in sample order, and Phi = 1/2 |residual|^2 summed in
 * the same order (spec/acoustic.md §9), for the residual F q just recorded. */
double cpu_residual_objective(cpu_problem *p, const double *d_obs);

/* Zero a padded field, planes split over the threads. */
void cpu_zero_field(const cpu_problem *p, cpu_real *f);

/* image = E^T g / dt^2 on the physical grid (float64), the same bits for
 * any thread count. */
void cpu_fold_image(const cpu_problem *p, const cpu_real *g, double *image);

/* f = E a: a physical float64 array onto the padded grid. */
void cpu_extend_field(const cpu_problem *p, const double *a, cpu_real *f);

/* The TTI operators (physics acoustic-tti, spec/tti.md §8). */
osib_status cpu_tti_forward(cpu_problem *p, const double *q, double *d, osib_err *err);
osib_status cpu_tti_adjoint(cpu_problem *p, const double *d, double *q, osib_err *err);
osib_status cpu_tti_born(cpu_problem *p, const double *q, const double *dm, double *d, osib_err *err);
osib_status cpu_tti_born_adjoint(cpu_problem *p, const double *q, const double *r, double *image, osib_err *err);
osib_status cpu_tti_gradient(cpu_problem *p, const double *q, const double *d_obs, double *phi, double *grad,
                             osib_err *err);

#endif
