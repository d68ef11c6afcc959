/*
 * yardstick.h - a reference backend run in the calling process, for the
 * runner (conformance/runner/reference.h): the driver's share of the
 * yardstick the program that certifies hands to the kit.
 *
 *   osib_yardstick y = {&osib_backend_simple, &osib_backend_cpu64,
 *                       osib_yardstick_run, osib_yardstick_bytes};
 */
#ifndef OSIB_YARDSTICK_H
#define OSIB_YARDSTICK_H

#include "reference.h"

/* Compute op on c with b: inputs in the order of osib_case_input_names,
 * out[i] a new array (free()) per output in the order of
 * osib_op_output_names (the objective first for a gradient). Checks that
 * it fits this machine first (OSIB_E_NOMEM). */
osib_status osib_yardstick_run(const osib_backend *b, const osib_case *c, osib_op op, const double *const *inputs,
                               double **out, osib_err *err);

/* What b allocates for op on c (its case's memory budget respected). */
double osib_yardstick_bytes(const osib_backend *b, const osib_case *c, osib_op op);

#endif
