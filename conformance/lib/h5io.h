/*
 * h5io.h - reading and writing OSIB arrays in HDF5, defensively.
 *
 * Arrays are float64 in memory, in C order. Writing stores float64, with
 * a "units" attribute, optionally deflate-compressed, without object
 * timestamps. Reading trusts nothing: a dataset must exist, be a floating
 * point dataset (float32 or float64, converted to double on read), have
 * exactly the expected rank and dimensions, and hold only finite values;
 * anything else is one clear error. Dimensions are checked before any
 * allocation, so a file that claims 10^15 elements costs nothing. Files may
 * come from an implementation, so a path to a dataset is followed through
 * hard links only (an external link would open another file), and a
 * dataset stored in external files, as a virtual dataset, or through a
 * filter other than deflate, shuffle and Fletcher-32 is refused; filter
 * plugins are never loaded. The file itself must be a regular file.
 *
 * HDF5's own error stack is silenced inside these functions (H5E_BEGIN_TRY),
 * so nothing is printed; the caller gets an osib_err.
 */
#ifndef OSIB_H5IO_H
#define OSIB_H5IO_H

#include <hdf5.h>
#include <stddef.h>

#include "osib_err.h"

enum { OSIB_MAX_RANK = 4 };

typedef struct {
    hid_t id;
    char path[1024];
} osib_h5file;

/* Create (truncate) a file for writing / open one read-only. */
osib_status osib_h5_create(osib_h5file *f, const char *path, osib_err *err);
osib_status osib_h5_open(osib_h5file *f, const char *path, osib_err *err);
osib_status osib_h5_close(osib_h5file *f, osib_err *err);

enum {
    OSIB_H5_COMPRESS = 1, /* deflate + shuffle, for arrays of 4096 values or more */
    OSIB_H5_FLOAT32 = 2   /* store as float32 (converted) instead of float64 */
};

/* Write an array at a path such as "/outputs/forward_data", creating the
 * groups on the way. units may be NULL; flags are OSIB_H5_*. */
osib_status osib_h5_write(osib_h5file *f, const char *name, const double *data, int rank, const size_t *dims,
                          const char *units, int flags, osib_err *err);

/* Whether a dataset exists at name. */
int osib_h5_exists(osib_h5file *f, const char *name);

/* Rank and dimensions of a floating-point dataset. */
osib_status osib_h5_shape(osib_h5file *f, const char *name, int *rank, size_t dims[OSIB_MAX_RANK], osib_err *err);

/* Read a dataset that must have exactly this rank and these dimensions,
 * hold floating-point values, and contain no NaN or Inf. */
osib_status osib_h5_read(osib_h5file *f, const char *name, int rank, const size_t *dims, double *out, osib_err *err);

/* The same into a new buffer (free() it). */
osib_status osib_h5_read_alloc(osib_h5file *f, const char *name, int rank, const size_t *dims, double **out,
                               osib_err *err);

/* String and number attributes on the object at name ("/" for the file). */
osib_status osib_h5_set_attr_string(osib_h5file *f, const char *name, const char *attr, const char *value,
                                    osib_err *err);
osib_status osib_h5_set_attr_double(osib_h5file *f, const char *name, const char *attr, double value, osib_err *err);
osib_status osib_h5_get_attr_string(osib_h5file *f, const char *name, const char *attr, char *buf, size_t cap,
                                    osib_err *err);
osib_status osib_h5_get_attr_double(osib_h5file *f, const char *name, const char *attr, double *value, osib_err *err);

/* Call fn for every dataset in the file, in name order (HDF5 index order),
 * with its full path. Stops at the first non-OK return. */
typedef osib_status (*osib_h5_visit_fn)(void *ctx, const char *path);
osib_status osib_h5_each_dataset(osib_h5file *f, osib_h5_visit_fn fn, void *ctx, osib_err *err);

#endif
