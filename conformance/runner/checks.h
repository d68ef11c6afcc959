/*
 * checks.h - building the checks of a report (report.h): each is
 * "min <= value <= max" for the bounds it has, with the tasks and the kit
 * reference record it was computed from, and a message in words when it
 * fails. Shared by every gate and by osib verify, so that a check's id,
 * bounds and value are made one way only.
 */
#ifndef OSIB_CHECKS_H
#define OSIB_CHECKS_H

#include <stddef.h>

#include "case.h"
#include "osib_ops.h"
#include "report.h"

/* The bounds of spec/protocol.md §3.1 for a precision class (dtype_bytes
 * 8 or 4) and a physics (osib_physics): the tolerances of spec/acoustic.md
 * §13 or spec/tti.md §12 for a run of nt time samples - the normwise class
 * tolerance and the windowed one, both growing with nt beyond 500 and 2000
 * steps ("Long runs") - and the thresholds of the dot and linearity tests;
 * and the floor below which a band is not judged. */
double osib_tolerance(int dtype_bytes, size_t nt, osib_physics physics);
double osib_window_tolerance(int dtype_bytes, size_t nt, osib_physics physics);
double osib_dot_threshold(int dtype_bytes, osib_physics physics);
double osib_linearity_threshold(int dtype_bytes, osib_physics physics);
/* Largest fraction of an output's nonzero values exactly representable in
 * a narrower format (measures.h). */
double osib_narrow_max(int dtype_bytes, osib_physics physics);
#define OSIB_WINDOW_FLOOR 1e-4

/* The bounds the rules give a check of this gate and measure in a run of
 * precision class dtype_bytes on case c (its length and physics; NULL for
 * the run's own checks), as a check with only has_lo/lo/has_hi/hi set.
 * A narrow check has two allowed upper bounds, 0.01 and 1 (no bound, for
 * an output of fewer than 100 nonzero values): *alt_hi receives the
 * second (NAN for other checks). Returns 0 for a check the rules do not
 * know. osib verify holds every check of a report to these bounds, so
 * that a report cannot pass a check by loosening it. */
int osib_check_rule(const osib_check *k, int dtype_bytes, const osib_case *c, osib_check *rule, double *alt_hi);

/* id "gate/case/op[/output]/measure"; case_id and op may be "" for checks
 * of the whole run ("kit/files/unchanged"). */
void osib_check_init(osib_check *k, const char *gate, const char *case_id, const char *op, const char *output,
                     const char *measure, const char *tasks);
void osib_check_upper(osib_check *k, double value, double hi); /* value <= hi; NaN fails */
void osib_check_within(osib_check *k, double value, double lo, double hi);

/* Whether value passes k's bounds (NaN never does). */
int osib_check_passes(const osib_check *k, double value);

/* The e2, einf and windowed checks of one output against what it should
 * be (want: the oracle or the kit's reference), and with_precision the
 * precision floor. rank/dims: the output's shape. got NULL: the task did
 * not complete, and the same checks are added, failed, so that a report
 * always holds the checks its cases and operators require (required.h). */
typedef struct {
    const char *gate, *case_id, *output, *tasks, *reference;
    osib_op op;
    int rank;
    const size_t *dims;
    int dtype_bytes;
    size_t nt;
    osib_physics physics; /* the tolerances depend on it */
    int with_precision;
} osib_output_check;

osib_status osib_check_output(osib_report *report, const osib_output_check *oc, const double *got, const double *want,
                              osib_err *err);

#endif
