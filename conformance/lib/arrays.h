/*
 * arrays.h - read and write the arrays a request describes (request.h),
 * in either protocol format:
 *
 *   HDF5  datasets in HDF5 files (float32 or float64 on disk);
 *   raw   one file per array: the values in C order, little-endian IEEE-754,
 *         float64 or float32 as the reference's dtype says, nothing else.
 *
 * Paths are relative to a task directory. Reading trusts nothing: the file
 * must be a regular file (not a link to a device or a pipe), an HDF5
 * dataset must have the exact shape, a raw file the exact size, and every
 * value must be finite; each violation is one clear OSIB_E_DATA or
 * OSIB_E_IO error. Writing is atomic per file.
 */
#ifndef OSIB_ARRAYS_H
#define OSIB_ARRAYS_H

#include "osib_err.h"
#include "request.h"

/* Read n arrays into new float64 buffers out[i] (free() each). On failure
 * nothing is left allocated. */
osib_status osib_arrays_read(const char *dir, const osib_array_ref *refs, int n, double **out, osib_err *err);

/* Write n arrays, converting to each reference's dtype. Arrays that share
 * an HDF5 file are written into it together. */
osib_status osib_arrays_write(const char *dir, const osib_array_ref *refs, int n, const double *const *data,
                              osib_err *err);

/* OSIB_OK when path is a regular file, not a symbolic link (opened without
 * blocking and checked on the descriptor, so a FIFO or a link to a device
 * is refused unread); *size (optional) gets its size. */
osib_status osib_regular_file(const char *path, long long *size, osib_err *err);

/* Number of values of a reference. */
size_t osib_array_count(const osib_array_ref *ref);

#endif
