/*
 * required.h - the checks a report must hold, derived from what it says
 * it certified: its cases (with or without oracle), the operators
 * certified on each, the repetitions, and whether the correctness gates
 * all passed (only then do timed repetitions run). The runner and
 * osib verify derive the list with this one function: a report that lacks
 * a required check, or holds one that is not required, is refuted
 * (spec/protocol.md §4.1).
 */
#ifndef OSIB_REQUIRED_H
#define OSIB_REQUIRED_H

#include <stddef.h>

#include "case.h"
#include "osib_err.h"
#include "osib_ops.h"

typedef struct {
    const osib_case *c;
    int has_oracle;
    int ops[OSIB_OP_COUNT];
} osib_required_case;

typedef struct {
    char (*ids)[160];
    size_t n, cap;
} osib_required;

/* Every required check id. timed: whether the timed repetitions ran
 * (every correctness check passed); repeat: how many. */
osib_status osib_required_checks(const osib_required_case *cases, int ncases, int repeat, int timed, osib_required *out,
                                 osib_err *err);
void osib_required_free(osib_required *r);

/* Whether id is in the list. */
int osib_required_has(const osib_required *r, const char *id);

#endif
