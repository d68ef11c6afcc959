/*
 * refs.h - the kit's reference records in a report directory.
 *
 * Whenever the runner judges outputs against its own computation instead
 * of a published oracle (challenge variants, an adjoint partner, timed
 * repetitions), it keeps what it computed:
 *
 *   refs/<name>.h5    /inputs/<name>    the inputs the kit computed from
 *                     /outputs/<name>   the reference's outputs
 *                     /compared/<name>  optional: the implementation's
 *                                       outputs combined (timed repetitions)
 *                     /weights          optional: the combination's weights
 *                     attributes        operator, reference kind
 *   refs/<name>.yaml  the case it was computed for
 *
 * Both are hashed into the report. osib verify recomputes the outputs of a
 * record made with the simple reference and requires the same bits.
 */
#ifndef OSIB_REFS_H
#define OSIB_REFS_H

#include <stddef.h>

#include "case.h"
#include "osib_err.h"
#include "osib_ops.h"
#include "reference.h"
#include "report.h"
#include "request.h"

typedef struct {
    osib_op op;
    osib_reference_kind kind;
    const osib_case *c;
    const double *inputs[OSIB_REQ_MAX_INPUTS];    /* in the order of osib_op_input_names */
    const double *outputs[OSIB_REQ_MAX_OUTPUTS];  /* in the order of osib_op_output_names */
    const double *compared[OSIB_REQ_MAX_OUTPUTS]; /* optional, same order */
    const double *weights;                        /* optional */
    size_t nweights;
} osib_ref_record;

/* Write refs/<name>.h5 and .yaml into dir and list both in the report;
 * rel gets "refs/<name>.h5". */
osib_status osib_ref_write(const char *dir, osib_report *report, const char *name, const osib_ref_record *r,
                           char rel[128], osib_err *err);

/* A record read back; every array owned (osib_ref_free). */
typedef struct {
    osib_case c;
    osib_op op;
    osib_reference_kind kind;
    double *inputs[OSIB_REQ_MAX_INPUTS];
    double *outputs[OSIB_REQ_MAX_OUTPUTS];
    double *compared[OSIB_REQ_MAX_OUTPUTS]; /* NULL when absent */
    double *weights;
    size_t nweights;
} osib_ref_loaded;

osib_status osib_ref_read(const char *dir, const char *rel, osib_ref_loaded *r, osib_err *err);
void osib_ref_free(osib_ref_loaded *r);

#endif
