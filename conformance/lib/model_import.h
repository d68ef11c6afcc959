/*
 * model_import.h - reading stored velocity models (raw binary, HDF5,
 * SEG-Y) into vp in km/s on the case's axis order, then cropping and
 * resampling them (spec/cases.md, "Models from datasets").
 *
 * A layout says how a stored file holds a model: its format, the grid in the
 * case's axis order (x, z) or (x, y, z), the order in which the axes are
 * stored (slowest first), the number type and byte order of raw files, the
 * HDF5 dataset, and which quantity in which units the numbers are (vp in
 * m/s or km/s, or slowness squared m = 1/vp^2 in s^2/km^2).
 *
 * Import is deterministic to the bit: unit conversion, cropping and
 * multilinear resampling are a fixed sequence of correctly rounded IEEE-754
 * binary64 operations (the kit is compiled with -ffp-contract=off), so the
 * SHA-256 of an imported array can be part of a case.
 *
 * Contract: nothing is trusted. A raw file must have exactly the stated
 * size; an HDF5 dataset exactly the stated dimensions; a SEG-Y file exactly
 * the stated traces and samples; every value must be finite and give a
 * velocity in [0.1, OSIB_MAX_VP_KMS] km/s. Every failure is one osib_err line
 * naming the file: OSIB_E_IO for a missing, unreadable or truncated file,
 * OSIB_E_DATA for a wrong shape, type or value.
 */
#ifndef OSIB_MODEL_IMPORT_H
#define OSIB_MODEL_IMPORT_H

#include <stddef.h>

#include "osib_err.h"
#include "yaml_tree.h"

/* Imported velocities must lie in [0.1, OSIB_MAX_VP_KMS] km/s. */
#define OSIB_MIN_IMPORT_VP_KMS 0.1

typedef enum { OSIB_SRC_RAW, OSIB_SRC_HDF5, OSIB_SRC_SEGY } osib_src_format;
typedef enum { OSIB_SRC_VP_KMS, OSIB_SRC_VP_MS, OSIB_SRC_SLOWNESS2_S2KM2 } osib_src_units;

typedef struct {
    osib_src_format format;
    int ndim;
    size_t shape[3];      /* points per axis, case axis order: (x, z) or (x, y, z) */
    double spacing_m[3];  /* grid spacing of the stored model */
    int storage_order[3]; /* case axes from slowest to fastest in the file */
    int value_bytes;      /* raw: 4 (float32) or 8 (float64) */
    int big_endian;       /* raw and SEG-Y */
    char hdf5_dataset[128];
    osib_src_units units; /* vp in km/s or m/s, or m = 1/vp^2 in s^2/km^2 */
} osib_model_layout;

/* Cropping and resampling, in this order. crop_count[d] == 0: to the end. */
typedef struct {
    size_t crop_start[3], crop_count[3];
    int resample;
    size_t out_shape[3];
    double out_spacing_m[3];
} osib_model_ops;

/* Parse a layout from the keys of a YAML mapping: format, dtype, byte_order,
 * shape, spacing_m, storage_order, hdf5_dataset, units. The mapping's other
 * keys are the caller's to check. ndim 0: taken from the length of shape. */
osib_status osib_layout_from_node(const osib_ynode *map, int ndim, osib_model_layout *lay, osib_err *err);

/* Parse crop and resample from a mapping (both optional). */
osib_status osib_ops_from_node(const osib_ynode *map, int ndim, osib_model_ops *ops, osib_err *err);

/* Parse command-line forms: "x,z" or "x,y,z" (storage order), "I:N,I:N"
 * (crop), "N,N" (shape) and "H,H" (spacing). */
osib_status osib_parse_storage_order(const char *s, int ndim, int order[3], osib_err *err);
osib_status osib_parse_crop(const char *s, int ndim, osib_model_ops *ops, osib_err *err);
osib_status osib_parse_sizes(const char *s, int ndim, size_t out[3], const char *what, osib_err *err);
osib_status osib_parse_doubles(const char *s, int ndim, double out[3], const char *what, osib_err *err);

/* Names used in YAML and messages. */
const char *osib_src_format_name(osib_src_format f);
const char *osib_src_units_name(osib_src_units u);
/* "x,z" / "x,y,z" style name of a storage order. */
void osib_storage_order_name(int ndim, const int order[3], char *buf, size_t cap);

/* The grid an import produces (without reading data), checking that the crop
 * lies inside the stored grid and the resampled grid inside the crop. */
osib_status osib_import_grid(const osib_model_layout *lay, const osib_model_ops *ops, size_t shape[3],
                             double spacing_m[3], osib_err *err);

/* Read the stored model at path as vp in km/s, C order in case axis order
 * (the last axis fastest). *vp_kms is malloc'd. */
osib_status osib_model_read(const osib_model_layout *lay, const char *path, double **vp_kms, osib_err *err);

/* Crop and resample a vp array on the layout's grid; *out is malloc'd and
 * has the shape osib_import_grid gives. */
osib_status osib_model_transform(const osib_model_layout *lay, const osib_model_ops *ops, const double *vp_kms,
                                 double **out, osib_err *err);

/* Read, crop and resample in one call. */
osib_status osib_model_import(const osib_model_layout *lay, const osib_model_ops *ops, const char *path, double **out,
                              size_t shape[3], double spacing_m[3], osib_err *err);

/* Smallest and largest value of an array. */
void osib_array_range(const double *v, size_t n, double *lo, double *hi);

#endif
