/*
 * case.h - OSIB benchmark cases (spec/cases.md): loading, validation,
 * canonical form and hash, model and geometry expansion.
 *
 * A case says everything an implementation needs to compute one benchmark:
 * grid, absorbing layer, space order, time axis, velocity model, wavelet,
 * and source and receiver positions. Loading a case validates it completely
 * (schema, ranges, the stability limit of dt, positions inside the physical
 * grid); a loaded osib_case is always valid.
 *
 * The canonical form is a short text listing every field that changes the
 * numbers, in a fixed order and number format; its SHA-256 is the case hash
 * recorded in oracles and reports. Titles, descriptions and suite tags are
 * not part of it.
 */
#ifndef OSIB_CASE_H
#define OSIB_CASE_H

#include <stddef.h>
#include <stdio.h>

#include "model_import.h"
#include "osib_ops.h"
#include "osib_err.h"
#include "yaml_tree.h"

enum { OSIB_CASE_SCHEMA = 1, OSIB_ID_MAX = 64, OSIB_TEXT_MAX = 512, OSIB_MAX_SUITES = 8, OSIB_CANONICAL_MAX = 4096 };

/* Limits a case must respect (spec/cases.md, "Validation"). */
#define OSIB_MAX_AXIS_POINTS 1000000ULL
#define OSIB_MAX_PADDED_POINTS 1000000000000ULL /* 10^12: beyond any machine */
#define OSIB_MAX_NT 10000000ULL
#define OSIB_MAX_NBL 1000
#define OSIB_MAX_SPARSE_POINTS 100000000ULL
#define OSIB_MAX_VP_KMS 20.0

/* The physics a case computes (key `physics`): the constant-density
 * isotropic acoustic equation (spec/acoustic.md) or the pseudo-acoustic
 * TTI system (spec/tti.md), whose model adds the Thomsen parameters. */
typedef enum { OSIB_PHYSICS_ACOUSTIC_ISO, OSIB_PHYSICS_ACOUSTIC_TTI, OSIB_PHYSICS_COUNT } osib_physics;

/* "acoustic-iso", "acoustic-tti". */
const char *osib_physics_name(osib_physics p);
/* The physics of that name, or -1. */
int osib_physics_parse(const char *name);

/* The medium rules of spec/tti.md at one point: 0 <= epsilon < 1,
 * -1/2 < delta <= epsilon, |theta|, |phi| <= 2 pi, all finite. NULL when
 * they hold, else the rule broken, in words. */
const char *osib_thomsen_violation(double epsilon, double delta, double theta_rad, double phi_rad);

/* Model presets (spec/cases.md, "Model presets"). The acoustic operators
 * use vp only; layers-tti also defines Thomsen fields for the TTI benchmark
 * (osib_case_model_tti). */
typedef enum {
    OSIB_MODEL_CONSTANT,
    OSIB_MODEL_LAYERS,
    OSIB_MODEL_CIRCLE,
    OSIB_MODEL_GRADIENT,
    OSIB_MODEL_LAYERS_TTI,
    OSIB_MODEL_DATASET
} osib_model_kind;

typedef struct {
    osib_model_kind kind;
    double vp_kms;        /* constant */
    double vp_top_kms;    /* layers-isotropic, layers-tti, gradient */
    double vp_bottom_kms; /* layers-isotropic, layers-tti, gradient */
    int nlayers;          /* layers-isotropic, layers-tti */
    double dip;           /* layers: interface depth change per x point, in points (0: flat, the default) */
    double vp_background_kms, vp_circle_kms, radius_points; /* circle */
    /* layers-tti: epsilon = c_eps (vp - vp_top), and so on (per km/s) */
    double epsilon_per_kms, delta_per_kms, theta_rad_per_kms, phi_rad_per_kms;
    /* dataset: a model imported from a dataset file */
    char dataset[OSIB_ID_MAX];
    char file[256];
    char file_sha256[65]; /* "" when the case does not pin the file */
    char sha256[65];      /* of the imported vp array (float64 LE, C order) */
    osib_model_layout source;
    osib_model_ops ops;
    double vp_min_kms, vp_max_kms; /* of the imported array, exactly */
} osib_model;

/* A set of points: an explicit list, or a lattice (the Cartesian product of
 * one linspace per axis, last axis fastest). */
typedef enum { OSIB_POINTS_LIST, OSIB_POINTS_LATTICE } osib_points_kind;

typedef struct {
    double start_m, end_m;
    size_t count;
} osib_axis_range;

typedef struct {
    osib_points_kind kind;
    size_t count;            /* total points */
    double *list_m;          /* LIST: count x ndim coordinates (owned) */
    osib_axis_range axis[3]; /* LATTICE */
} osib_points;

typedef struct {
    char id[OSIB_ID_MAX];
    char title[OSIB_TEXT_MAX];
    char suites[OSIB_MAX_SUITES][OSIB_ID_MAX];
    int nsuites;
    int oracle; /* whether `make oracles` computes an oracle for it */
    /* The operators the case is certified with (key `operators`; all five
     * when absent): a benchmark case whose gradient needs more memory than
     * a reference machine has lists the others. Not part of the
     * computation, so neither canonical nor written into requests. */
    int operators[OSIB_OP_COUNT];

    /* The peak resident memory allowed to a born_adjoint or gradient task
     * (key `memory_budget_bytes`; 0: none; acoustic-iso only): the
     * implementation chooses how to fit (spec/acoustic.md §12, "Gradients
     * under a memory budget"), the runner enforces it (protocol.md §2.4).
     * Not part of the computation, so not canonical; written into
     * requests. */
    long long memory_budget_bytes;

    osib_physics physics;
    int ndim;
    int space_order;
    size_t shape[3];
    double spacing_m[3];
    double origin_m[3];
    int nbl;

    double dt_ms;
    size_t nt;

    osib_model model;

    double f0_khz, t0_ms, amplitude; /* Ricker wavelet */

    osib_points sources, receivers;

    char path[512]; /* where it was loaded from, for messages; not canonical */
} osib_case;

/* Load and fully validate a case file. On failure err names the file, line
 * and key, and *c holds nothing to free. */
osib_status osib_case_load(const char *path, osib_case *c, osib_err *err);

/* A case given as a file, or as the id of one of a kit's cases
 * (KIT/spec/cases/ID.yaml, KIT the kit_root given, or NULL for this
 * program's kit): a path that exists, or that holds a '/' or ".yaml", is
 * loaded as a file; anything else is looked up as an id. A missing file or
 * unknown id is OSIB_E_IO (exit 4 in every program) with one line saying
 * both. */
osib_status osib_case_load_file_or_id(const char *path_or_id, const char *kit_root, osib_case *c, osib_err *err);

/* The same from an already parsed mapping (a case embedded in a request). */
osib_status osib_case_from_node(const osib_ynode *root, osib_case *c, osib_err *err);

void osib_case_free(osib_case *c);

/* A deep copy of src (its point lists duplicated); free with osib_case_free. */
osib_status osib_case_copy(osib_case *dst, const osib_case *src, osib_err *err);

/* Whether the case is tagged with a suite; suite "oracle" holds every case
 * with an oracle. */
int osib_case_in_suite(const osib_case *c, const char *suite);

/* The least memory_budget_bytes a case may carry: the arrays a gradient
 * with no snapshot at all holds (spec/acoustic.md §12), in float32. */
double osib_case_min_budget_bytes(const osib_case *c);

/* Derived sizes. */
size_t osib_case_padded_points(const osib_case *c);
size_t osib_case_physical_points(const osib_case *c);

/* Largest velocity of the model, km/s. */
double osib_case_vp_max(const osib_case *c);

/* Largest Thomsen epsilon of a TTI case's model (0 for acoustic-iso, and
 * for models without Thomsen fields). */
double osib_case_epsilon_max(const osib_case *c);

/* Whether the operators of case c read the Thomsen fields (a TTI case). */
static inline int osib_case_is_tti(const osib_case *c) { return c->physics == OSIB_PHYSICS_ACOUSTIC_TTI; }

/* vp on the physical grid (C order, z fastest), km/s; vp has
 * osib_case_physical_points values. A dataset model is read from the data
 * directories (datadir.h) and imported; its file hash (when the case gives
 * one), the imported array's SHA-256 and its range must equal the case's
 * (OSIB_E_MISMATCH otherwise; OSIB_E_IO when the file is absent). */
osib_status osib_case_model_vp(const osib_case *c, double *vp, osib_err *err);

/* Thomsen parameters of a layers-tti model on the physical grid (each
 * osib_case_physical_points values; phi is zero in 2D). Isotropic presets
 * give zeros everywhere. Any of the four may be NULL. */
osib_status osib_case_model_tti(const osib_case *c, double *epsilon, double *delta, double *theta_rad, double *phi_rad,
                                osib_err *err);

/* Whether the model needs files from a dataset (preset dataset). */
int osib_case_needs_data(const osib_case *c);

/* Coordinates of every source / receiver, count x ndim, metres. */
void osib_points_expand(const osib_points *p, int ndim, double *out);

/* Time-step limits (spec/acoustic.md, "Time step"): the stability bound of
 * the leapfrog scheme with this Laplacian, and the default dt of the spec's
 * rule (Devito's critical_dt, rounded to 4 significant digits). For a TTI
 * case both are divided by sqrt(1 + 2 max epsilon) (spec/tti.md). */
double osib_case_dt_stability_ms(const osib_case *c);
double osib_case_dt_default_ms(const osib_case *c);

/* Canonical text (NUL-terminated, at most OSIB_CANONICAL_MAX bytes) and its
 * SHA-256 as 64 lower-case hex digits. */
osib_status osib_case_canonical(const osib_case *c, char *buf, size_t cap, osib_err *err);
osib_status osib_case_hash(const osib_case *c, char hex[65], osib_err *err);

/* Write the case as a YAML mapping (schema 1) that loads back to the same
 * case, every line prefixed by indent (for embedding in a request). Numbers
 * are written so that they read back exactly. Returns OSIB_E_IO on a write
 * error. */
osib_status osib_case_write_yaml(const osib_case *c, FILE *out, const char *indent, osib_err *err);

/* Shortest decimal that reads back as exactly v (as "%.{1..17}g"). */
void osib_format_double(double v, char *buf, size_t cap);

/* The same, written as a YAML 1.1 float where it has an exponent
 * ("1.0e-05", not "1e-05", which PyYAML would read as a string). */
void osib_format_yaml_double(double v, char *buf, size_t cap);

#endif
