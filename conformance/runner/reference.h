/*
 * reference.h - the kit computing an operator itself, in the runner's own
 * process, as the yardstick for outputs no published oracle covers: the
 * challenge variants of oracle cases, the adjoint partner of an operator
 * certified without its own, and the combination of timed repetitions
 * (spec/protocol.md §3).
 *
 *   simple  reference/simple: float64, one thread, the same bits on every
 *           IEEE-754 machine, so osib verify recomputes it and must get
 *           identical numbers. For the cases that have oracles (small).
 *   fast    reference/cpu built in float64 (OpenMP, SIMD, temporal
 *           blocking): for benchmark-size cases, where the simple
 *           reference would take hours. Its bits depend on the machine
 *           (FMA, vector width), not on threads or blocking; verify
 *           recomputes what it can from the stored numbers, and
 *           `osib reproduce` re-runs.
 *
 * Running in-process means nothing the implementation can touch (a kit
 * binary it could replace mid-run) stands between the runner and its
 * reference. The kit's library holds no implementation: the program that
 * runs certifications (osib) hands in an osib_yardstick, the references'
 * backends and the driver that runs one in process
 * (reference/driver/yardstick.h). Without one a case cannot be judged
 * beyond its oracle, and without its fast backend a benchmark case cannot
 * be certified.
 */
#ifndef OSIB_REFERENCE_H
#define OSIB_REFERENCE_H

#include "backend.h"
#include "case.h"
#include "osib_err.h"
#include "osib_ops.h"

typedef enum { OSIB_REF_SIMPLE, OSIB_REF_FAST } osib_reference_kind;

/* What the runner computes with. run computes op on c with backend b (the
 * inputs in the order of osib_case_input_names; out[i] a new array for
 * each output, in the order of osib_op_output_names); bytes says what b
 * needs for it. */
typedef struct osib_yardstick {
    const osib_backend *simple; /* reference/simple */
    const osib_backend *fast;   /* reference/cpu in float64, or NULL */
    osib_status (*run)(const osib_backend *b, const osib_case *c, osib_op op, const double *const *inputs, double **out,
                       osib_err *err);
    double (*bytes)(const osib_backend *b, const osib_case *c, osib_op op);
} osib_yardstick;

/* "osib-ref (float64)" / "osib-cpu float64" for reports. */
const char *osib_reference_name(osib_reference_kind kind);

/* The kind a case calls for: simple for cases with an oracle, fast for
 * the others. */
osib_reference_kind osib_reference_for(const osib_case *c);

/* Whether y can compute with kind (y may be NULL). */
int osib_reference_available(const osib_yardstick *y, osib_reference_kind kind);

/* Compute op on case c from inputs with the yardstick's reference of that
 * kind (OSIB_E_USAGE when there is none); out[i] receives a new array
 * (free()) for each output, in the order of osib_op_output_names. The
 * case's memory budget binds the implementation, not the reference.
 * Refused with OSIB_E_NOMEM when it cannot fit. */
osib_status osib_reference_run(osib_reference_kind kind, const osib_yardstick *y, const osib_case *c, osib_op op,
                               const double *const *inputs, double **out, osib_err *err);

/* Bytes the reference needs for op on c (its own arrays, not the
 * caller's inputs and outputs); 0 when y has none of that kind. */
double osib_reference_bytes(osib_reference_kind kind, const osib_yardstick *y, const osib_case *c, osib_op op);

#endif
