/*
 * certify.h - `osib certify`: drive an implementation through the
 * correctness gates on every selected case and, only if all pass, through
 * timed repetitions; write the report (spec/protocol.md).
 *
 * Before anything runs, the manifest and every case are validated, every
 * oracle is checked against oracles/MANIFEST, and DIR must not already hold
 * a report (nothing earlier is ever overwritten).
 */
#ifndef OSIB_CERTIFY_H
#define OSIB_CERTIFY_H

#include "reference.h"
#include "osib_err.h"
#include "osib_ops.h"

typedef struct {
    const char *impl_path;
    const char *out_dir;
    const char *kit_root;
    const char *suite;        /* cases of a suite, or */
    const char *case_ids[32]; /* explicit cases (ids or paths) */
    int ncases;
    int ops[OSIB_OP_COUNT]; /* 1: selected; all zero: every supported operator */
    int repeat;             /* timed repetitions per case and operator */
    int have_seed;
    unsigned long long seed;
    double bandwidth_gbs;            /* <= 0: measure it (STREAM triad) */
    int force;                       /* run cases that do not fit in memory */
    const osib_yardstick *yardstick; /* the kit's references (reference.h), or NULL */
    const char *command_line;
} osib_certify_options;

/* Returns OSIB_OK with *conformant set when a verdict was reached (whatever
 * it is), or the error that prevented one. *report_id gets the id. */
osib_status osib_certify(const osib_certify_options *o, int *conformant, char report_id[17], osib_err *err);

#endif
