/*
 * model_file.h - the kit's HDF5 model format (datasets/README.md):
 *
 *   /vp          float64, the case's axis order (x, z) or (x, y, z), C order
 *                (z fastest), attribute units = "km/s"
 *   /spacing_m   float64 [ndim]
 *   /origin_m    float64 [ndim]
 *   attributes on "/": osib_model_format ("1"), axis_order ("x,z" or
 *   "x,y,z"), vp_sha256 (of /vp's canonical bytes, hash.h), dataset,
 *   source_file, source_sha256, import (the crop and resampling applied),
 *   licence, citation, created_by.
 *
 * Written atomically (fileutil.h). A model file is itself a valid dataset
 * source: format hdf5, hdf5_dataset /vp, storage order x,z, units km/s.
 */
#ifndef OSIB_MODEL_FILE_H
#define OSIB_MODEL_FILE_H

#include <stddef.h>

#include "model_import.h"
#include "osib_err.h"

typedef struct {
    int ndim;
    size_t shape[3];
    double spacing_m[3], origin_m[3];
    char dataset[64], source_file[256], source_sha256[65];
    char import_desc[512], licence[256], citation[512];
} osib_model_meta;

/* Write vp (meta->shape, C order, km/s) and its metadata; vp_sha256 gets the
 * array's hash. */
osib_status osib_model_file_write(const char *path, const double *vp, const osib_model_meta *meta, char vp_sha256[65],
                                  osib_err *err);

/* The layout of a model file written by osib_model_file_write (grid from
 * /vp and /spacing_m), for reading it back through model_import.h. */
osib_status osib_model_file_layout(const char *path, osib_model_layout *lay, osib_err *err);

/* A one-line description of a crop and resampling, e.g.
 * "crop x 0:500 z 0:125; resample 250x63 at 40x40 m (multilinear)". */
void osib_model_ops_describe(const osib_model_layout *lay, const osib_model_ops *ops, char *buf, size_t cap);

#endif
