/*
 * gates.h - the gates of a certification (spec/protocol.md §3). Each runs
 * tasks through the implementation and adds checks to the report.
 *
 *   oracle     cases with an oracle: the published inputs, every output
 *              against the oracle, and the precision floor
 *   challenge  cases with an oracle: a fresh variant (model perturbed by a
 *              smooth random field, sources moved to random positions,
 *              wavelet, data and perturbation changed), every output
 *              against the simple reference computed here on those very
 *              inputs: an implementation cannot recognise published inputs
 *   dot        <F q, d> against <q, F^T d>, <J dm, d> against <dm, J^T d>,
 *              on fresh random q, d, dm; on a case with an oracle, an
 *              operator certified without its partner is paired with the
 *              kit's reference
 *   linearity  F(a q1 + b q2) against a F q1 + b F q2, fresh random
 *   taylor     the gradient against the objective's own derivative
 *   timing     repetitions on fresh inputs, each a random scaling of the
 *              published inputs plus a fresh random part; once all have
 *              run, a hidden random combination of their outputs is
 *              compared with the kit's reference of the same combination
 *              of their inputs (one reference run validates them all, and
 *              no cache of earlier answers can produce it)
 */
#ifndef OSIB_GATES_H
#define OSIB_GATES_H

#include "checks.h"
#include "runner.h"

osib_status osib_gate_oracle(osib_runner *rn, const osib_case_ctx *cx, osib_err *err);
osib_status osib_gate_challenge(osib_runner *rn, const osib_case_ctx *cx, osib_err *err);
osib_status osib_gate_dot(osib_runner *rn, const osib_case_ctx *cx, osib_err *err);
osib_status osib_gate_linearity(osib_runner *rn, const osib_case_ctx *cx, osib_err *err);
osib_status osib_gate_taylor(osib_runner *rn, const osib_case_ctx *cx, osib_err *err);
osib_status osib_gate_timing(osib_runner *rn, const osib_case_ctx *cx, osib_op op, int repeat, osib_err *err);

/* The smooth random direction of the Taylor test: a few positive Gaussian
 * bumps of 15 to 30% of the squared slowness at their centres (slower
 * everywhere, so the perturbed models stay stable). */
void osib_taylor_direction(const osib_case *c, const double *vp, gsl_rng *rng, double *dm);

/* A smooth random field on the physical grid: nbumps (at most 8) Gaussian
 * bumps with random centres in the middle 80% of every axis, widths of 1/10
 * to 1/4 of the smallest axis, heights of random sign (or all positive, with
 * positive) between 1/2 and 1 in magnitude. */
void osib_smooth_field(const osib_case *c, gsl_rng *rng, int nbumps, int positive, double *f);

/* f = the sum of nbumps Gaussian bumps on the physical grid: bump b
 * centred at centre[b] (grid indices, case axis order), of width sigma[b]
 * points and height amp[b]. */
void osib_bumps(const osib_case *c, int nbumps, const double (*centre)[3], const double *sigma, const double *amp,
                double *f);

/* Shared by the gates: the progress label, and a task's "completed"
 * check (value 1 when it completed with valid outputs). */
void osib_gate_phase(osib_runner *rn, const char *gate, const osib_case *c, const char *what);
osib_status osib_check_task(osib_runner *rn, const char *gate, const osib_case *c, const osib_task *t,
                            const char *label, osib_err *err);

/* Output checks of a task's outputs against want[] (its op's outputs). */
osib_status osib_check_task_outputs(osib_runner *rn, const char *gate, const osib_case *c, const osib_task *t,
                                    const double *const *want, const char *reference, int with_precision,
                                    const char *suffix, osib_err *err);

#endif
