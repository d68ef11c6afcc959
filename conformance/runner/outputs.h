/*
 * outputs.h - read the arrays an implementation wrote, so that no file can
 * crash, hang or mislead the runner (spec/protocol.md §2.4).
 *
 * Every output file must be a regular file in the task directory (never a
 * symbolic link, FIFO or device) of a bounded size: a raw file exactly its
 * values' bytes, an HDF5 file at most OSIB_OUTPUT_SLACK times the bytes of
 * its float64 values plus OSIB_OUTPUT_OVERHEAD_BYTES. HDF5 files are parsed
 * by a library with a large attack surface, so they are read in a forked
 * child process under a time limit, and handed back through shared memory:
 * a file that crashes or loops the library fails its task, not the runner.
 * Everything else (shapes, dtypes, NaN/Inf, external links and storage,
 * filters) is checked by arrays.h and h5io.h as for any file.
 */
#ifndef OSIB_OUTPUTS_H
#define OSIB_OUTPUTS_H

#include "osib_err.h"
#include "request.h"

enum { OSIB_OUTPUT_SLACK = 2, OSIB_OUTPUT_OVERHEAD_BYTES = 16 << 20 };

/* Read the n output arrays of a task in dir into new float64 buffers
 * out[i] (free() each). What is wrong with the files is OSIB_E_DATA or
 * OSIB_E_IO with a message; OSIB_E_NOMEM and OSIB_E_INTERNAL are the
 * runner's own trouble. On failure nothing is left allocated. */
osib_status osib_outputs_read(const char *dir, const osib_array_ref *refs, int n, double **out, osib_err *err);

#endif
