/*
 * segy_read.h - read every trace of a SEG-Y file (segyio's C API) as
 * native doubles, defensively.
 *
 * A velocity model in SEG-Y is one trace per horizontal grid point, the
 * samples of a trace running down in depth. The reader checks that the file
 * has a binary header segyio understands, a supported sample format (IBM or
 * IEEE 4-byte floats), a sample count and a trace count that match what the
 * caller expects and a size that is a whole number of traces, before it
 * allocates anything. Byte order follows the SEG-Y standard (big-endian)
 * unless little_endian is set.
 */
#ifndef OSIB_SEGY_READ_H
#define OSIB_SEGY_READ_H

#include <stddef.h>

#include "osib_err.h"

/* Read ntraces traces of nsamples samples into out (ntraces * nsamples
 * values, trace after trace). OSIB_E_IO: missing, unreadable or truncated
 * file; OSIB_E_DATA: not SEG-Y, unsupported format, other counts. */
osib_status osib_segy_read(const char *path, int little_endian, size_t ntraces, size_t nsamples, double *out,
                           osib_err *err);

/* Samples per trace and number of traces of a SEG-Y file (for messages and
 * `osib dataset import` without a stated shape). */
osib_status osib_segy_probe(const char *path, int little_endian, size_t *ntraces, size_t *nsamples, int *format,
                            osib_err *err);

#endif
