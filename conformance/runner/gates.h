/*
 * gates.h - the correctness gates of a certification (spec/protocol.md,
 * "Gates") and the timed repetitions that follow them. Each gate runs
 * tasks through the implementation and adds checks to the report.
 *
 *   oracle     the published inputs; every output against the oracle with
 *              the class tolerance, and the precision floor
 *   dot        <F q, d> against <q, F^T d>, <J dm, d> against <dm, J^T d>,
 *              on fresh random q, d, dm
 *   linearity  F(a q1 + b q2) against a F q1 + b F q2, fresh random
 *   taylor     Phi(m + h dm) for h = 2^-1 .. 2^-7 along a fresh random
 *              smooth direction: remainder slopes 1 and 2
 *   timing     repetitions on the published inputs, each output checked
 *              against the oracle again
 */
#ifndef OSIB_GATES_H
#define OSIB_GATES_H

#include "runner.h"

/* A case's oracle file, checked against oracles/MANIFEST when loaded. */
typedef struct {
    const osib_case *c;
    char path[OSIB_PATH_MAX];
    char rel_path[320]; /* as given in reports: relative to the kit */
    double *arrays[13];
    char datasets[13][48];
    char sha256[13][65]; /* of each array's canonical bytes, equal to oracles/MANIFEST */
    int narrays;
} osib_oracle;

osib_status osib_oracle_load(osib_oracle *o, const osib_case *c, const char *kit_root, osib_err *err);
void osib_oracle_free(osib_oracle *o);

/* An oracle array by its dataset name ("vp", "forward_data", ...). */
const double *osib_oracle_array(const osib_oracle *o, const char *name);

/* The published inputs of op, in the order of osib_op_input_names. */
void osib_oracle_inputs(const osib_oracle *o, osib_op op, const double **inputs);

/* Each gate; ops[] says which operators the implementation supports and
 * the user selected. */
osib_status osib_gate_oracle(osib_runner *rn, const osib_oracle *o, const int *ops, osib_err *err);
osib_status osib_gate_dot(osib_runner *rn, const osib_oracle *o, const int *ops, osib_err *err);
osib_status osib_gate_linearity(osib_runner *rn, const osib_oracle *o, const int *ops, osib_err *err);
osib_status osib_gate_taylor(osib_runner *rn, const osib_oracle *o, osib_err *err);
osib_status osib_gate_timing(osib_runner *rn, const osib_oracle *o, osib_op op, int repeat, double bandwidth_gbs,
                             osib_err *err);

/* Compare one output with the oracle: adds the e2, einf and precision
 * checks, prefix "oracle" or "timing". Exposed for osib verify. */
osib_status osib_check_output(osib_report *report, const char *gate, const osib_case *c, osib_op op, const char *output,
                              const double *got, const double *want, size_t n, int dtype_bytes, const char *tasks,
                              int with_precision, osib_err *err);

/* The smooth random direction of the Taylor test: a few positive Gaussian
 * bumps of 15 to 30% of the squared slowness at their centres (slower
 * everywhere, so the perturbed models stay stable). */
void osib_taylor_direction(const osib_case *c, const double *vp, gsl_rng *rng, double *dm);

#endif
