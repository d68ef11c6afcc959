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

#endif
