/*
 * osib_err.h - error reporting shared by every OSIB library and program.
 *
 * Contract
 *   Library functions never print and never exit. A function that can fail
 *   returns an osib_status (0 = OSIB_OK) and, when given a non-NULL
 *   osib_err, fills it with the same status and a one-line message that
 *   names the offending file, key or value. Programs print that line once,
 *   prefixed with their own name, and exit with osib_exit_code(status).
 *
 *   The status values double as the documented exit codes of every OSIB
 *   program (README.md, spec/protocol.md), so that a script can tell a bad
 *   case file from a missing file from an out-of-memory refusal.
 */
#ifndef OSIB_ERR_H
#define OSIB_ERR_H

#include <stddef.h>

typedef enum {
    OSIB_OK = 0,
    OSIB_E_NONCONFORMANT = 1, /* a certification verdict, not a failure of the tool */
    OSIB_E_USAGE = 2,         /* bad command line */
    OSIB_E_CASE = 3,          /* case file malformed or invalid (schema, CFL, geometry) */
    OSIB_E_IO = 4,            /* file missing, unreadable, unwritable, not HDF5 */
    OSIB_E_NOMEM = 5,         /* the operation needs more memory than this machine has */
    OSIB_E_DATA = 6,          /* an array has the wrong shape, type, or holds NaN/Inf */
    OSIB_E_MISMATCH = 7,      /* a hash or bit-for-bit comparison failed */
    OSIB_E_EXTERNAL = 8,      /* an external program (gnuplot, an implementation) failed */
    OSIB_E_INTERNAL = 9       /* a bug in OSIB itself */
} osib_status;

enum { OSIB_ERR_MSG_MAX = 512 };

typedef struct {
    osib_status status;
    char msg[OSIB_ERR_MSG_MAX];
} osib_err;

/* Record an error and return its status, so that callers can write
 * `return osib_fail(err, OSIB_E_CASE, "...", ...);`. err may be NULL. */
osib_status osib_fail(osib_err *err, osib_status status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefix the message already in err with more context ("file.yaml: ").
 * Keeps the status. Safe to call with err == NULL. */
void osib_err_prefix(osib_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void osib_err_clear(osib_err *err);

/* Short lower-case name of a status, e.g. "case" or "io", for messages. */
const char *osib_status_name(osib_status status);

/* The process exit code for a status (the numeric value itself). */
int osib_exit_code(osib_status status);

#endif
