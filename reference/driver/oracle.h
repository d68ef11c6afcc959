/*
 * oracle.h - compute a case's oracle file (oracles/README.md): the
 * documented inputs of spec/acoustic.md section 11 and every operator's
 * output on them, with the metadata that ties the file to its case, spec
 * version and generator commit.
 *
 * Generated with the simple reference (osib-ref oracle) it is the oracle.
 * Replayed by another implementation on an oracle's own inputs (replay), it
 * is that implementation's answer in the same layout, ready for `osib
 * compare` - how the tolerances of spec/acoustic.md section 13 were measured.
 */
#ifndef OSIB_ORACLE_H
#define OSIB_ORACLE_H

#include "backend.h"
#include "case.h"
#include "progress.h"

/* Format version of oracle files (the layout in oracles/README.md). */
#define OSIB_ORACLE_FORMAT "1"

/* Write the oracle of case c to path, atomically. progress may be NULL. */
osib_status osib_oracle_write(const osib_backend *b, const osib_case *c, const char *path, osib_progress *progress,
                              osib_err *err);

/* Recompute every output from the inputs stored in an oracle file and write
 * the same layout to path. */
osib_status osib_oracle_replay(const osib_backend *b, const osib_case *c, const char *oracle_path, const char *path,
                               osib_progress *progress, osib_err *err);

#endif
