/*
 * verify.h - `osib verify DIR`: a reviewer's re-check of a certification
 * report (spec/protocol.md, "Verifying a report").
 *
 *   1. the report id must be the hash of report.yaml's body (no edits);
 *   2. every kept file must have the SHA-256 the report lists;
 *   3. every check is recomputed from the stored inputs and outputs and the
 *      kit's oracles (themselves checked against oracles/MANIFEST), with
 *      the runner's own functions, and must give the recorded value and
 *      pass/fail;
 *   4. the verdict recomputed from the checks must be the recorded one.
 *
 * Timed repetitions' outputs are not kept; their checks are reported as
 * measured only.
 */
#ifndef OSIB_VERIFY_H
#define OSIB_VERIFY_H

#include <stdio.h>

#include "osib_err.h"
#include "reference.h"

typedef struct {
    int confirmed;
    int conformant; /* the recorded verdict */
    char report_id[17];
    size_t recomputed, measured_only, files_checked, problems;
    size_t notes; /* remarks that do not refute: another spec version, a modified kit */
} osib_verify_result;

/* Re-check the report in dir; each problem found is printed on out as one
 * line, and so is each note ("note: ..."): a report made under another spec
 * version than this kit's, or with a modified ("-dirty") kit, is re-checked
 * all the same, but a reader citing it should know (RULES.md §6, §9). Returns an error only when verification could not
 * be done at all. */
osib_status osib_verify(const char *dir, const char *kit_root, const osib_yardstick *yardstick, FILE *out,
                        osib_verify_result *res, osib_err *err);

#endif
