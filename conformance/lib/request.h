/*
 * request.h - protocol v1 requests (spec/protocol.md): what the runner asks
 * an implementation to compute, in request.yaml inside a task directory.
 *
 * The runner writes requests and reads results; implementations that use
 * this kit (osib-ref, osib-cpu) read requests with the same code. Every
 * array is described by an osib_array_ref: where it is (a file relative to
 * the task directory and, for HDF5, a dataset), its shape and its dtype.
 */
#ifndef OSIB_REQUEST_H
#define OSIB_REQUEST_H

#include <stddef.h>

#include "case.h"
#include "osib_err.h"
#include "osib_ops.h"

enum {
    OSIB_PROTOCOL_VERSION = 1,
    OSIB_REQ_MAX_INPUTS = 8,
    OSIB_REQ_MAX_OUTPUTS = 2,
    OSIB_REQ_PATH_MAX = 256,
    OSIB_REQ_RANK_MAX = 3
};

typedef enum { OSIB_FORMAT_HDF5, OSIB_FORMAT_RAW } osib_array_format;

typedef struct {
    char name[32];                /* vp, src_wavelet, ..., forward_data, ... */
    char file[OSIB_REQ_PATH_MAX]; /* relative to the task directory */
    char dataset[64];             /* HDF5 dataset path; empty for raw files */
    int rank;
    size_t dims[OSIB_REQ_RANK_MAX];
    int dtype_bytes; /* 8 (float64) or 4 (float32) */
} osib_array_ref;

typedef struct {
    int version;
    char task_id[64];
    osib_op op;
    int dtype_bytes; /* the precision class declared by the implementation */
    int repetition;  /* 0: a correctness task; 1..N: a timed repetition */
    osib_array_format format;
    osib_array_ref inputs[OSIB_REQ_MAX_INPUTS];
    int ninputs;
    osib_array_ref outputs[OSIB_REQ_MAX_OUTPUTS];
    int noutputs;
    char result_file[OSIB_REQ_PATH_MAX];
    osib_case c; /* the full case, inline */
} osib_request;

/* Input names an operator needs, and output names it produces, in the
 * order used everywhere (a NULL-terminated list). osib_op_input_names is
 * the acoustic list; osib_case_input_names adds the medium's extra fields
 * of a TTI case (osib_case_medium_names: epsilon, delta, theta, and phi in
 * 3D) after them, so that the acoustic inputs keep their positions. */
const char *const *osib_op_input_names(osib_op op);
const char *const *osib_case_input_names(const osib_case *c, osib_op op);
const char *const *osib_case_medium_names(const osib_case *c);
const char *const *osib_op_output_names(osib_op op);

/* The shape of a named array (an input or output of any operator) for a
 * case: data and wavelets (nt, points), models and images the physical
 * grid, the objective (1). */
void osib_array_shape(const osib_case *c, const char *name, int *rank, size_t *dims);

/* Fill the array references of r for its operator, case and format:
 * inputs in inputs.h5 (/inputs/<name>) or inputs/<name>.bin, outputs in
 * outputs.h5 (/outputs/<name>) or outputs/<name>.bin, result.yaml. */
void osib_request_layout(osib_request *r);

/* Write request.yaml atomically. */
osib_status osib_request_write(const osib_request *r, const char *path, osib_err *err);

/* Read and validate a request (strict schema, safe relative paths, shapes
 * consistent with the case and operator). Free with osib_request_free. */
osib_status osib_request_load(const char *path, osib_request *r, osib_err *err);
void osib_request_free(osib_request *r);

/* Find an input or output reference by name, or NULL. */
const osib_array_ref *osib_request_input(const osib_request *r, const char *name);
const osib_array_ref *osib_request_output(const osib_request *r, const char *name);

/* The result an implementation writes beside its outputs. */
typedef struct {
    char task_id[64];
    double compute_seconds;
    char notes[4096]; /* optional free text, "" when absent; not interpreted */
} osib_result;

/* result.yaml is at most this long (spec/protocol.md §2.3): its keys and a
 * 4095-byte note fit many times over. */
enum { OSIB_RESULT_MAX_BYTES = 64 << 10 };

osib_status osib_result_write(const osib_result *res, const char *path, osib_err *err);
/* Read a result an implementation wrote: a regular file, not a symbolic
 * link, at most OSIB_RESULT_MAX_BYTES, strict schema. */
osib_status osib_result_load(const char *path, osib_result *res, osib_err *err);

#endif
