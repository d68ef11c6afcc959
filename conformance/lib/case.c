#include "case.h"

#include <ctype.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datadir.h"
#include "fd_weights.h"
#include "hash.h"

/* ---------------------------------------------------------------------------
 * Small parsing helpers
 * ------------------------------------------------------------------------- */

static int is_valid_id(const char *s)
{
    if (!s[0] || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
        return 0;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return 0;
    return 1;
}

/* Dataset names are ids that may also hold dots ("marmousi2-devito-7.5m"),
 * never a path. */
static int is_dataset_name(const char *s)
{
    if (!s[0] || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
        return 0;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '.'))
            return 0;
    return strstr(s, "..") == NULL;
}

static int is_sha256_hex(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isdigit((unsigned char)s[n]) && !(s[n] >= 'a' && s[n] <= 'f'))
            return 0;
    return n == 64;
}

static osib_status get_id(const osib_ynode *map, const char *key, char *out, osib_err *err)
{
    osib_ynode n;
    osib_status st = osib_ymap_get(map, key, 1, &n, err);
    if (st == OSIB_OK)
        st = osib_yget_string(&n, out, OSIB_ID_MAX, err);
    if (st == OSIB_OK && !is_valid_id(out))
        return osib_yfail(err, &n, "\"%s\" is not a valid id (lower-case letters, digits and '-')", out);
    return st;
}

/* An integer member in [lo, hi]. */
static osib_status get_int_in(const osib_ynode *map, const char *key, long long lo, long long hi, long long *out,
                              osib_err *err)
{
    osib_ynode n;
    osib_status st = osib_ymap_get(map, key, 1, &n, err);
    if (st == OSIB_OK)
        st = osib_yget_int(&n, out, err);
    if (st == OSIB_OK && (*out < lo || *out > hi))
        return osib_yfail(err, &n, "%lld is out of range [%lld, %lld]", *out, lo, hi);
    return st;
}

/* A number member in (lo, hi] (lo exclusive when open_lo). */
static osib_status get_double_in(const osib_ynode *map, const char *key, int required, double lo, int open_lo,
                                 double hi, double *out, osib_err *err)
{
    osib_ynode n;
    osib_status st = osib_ymap_get(map, key, required, &n, err);
    if (st != OSIB_OK || !n.node)
        return st;
    st = osib_yget_double(&n, out, err);
    if (st == OSIB_OK && ((open_lo ? *out <= lo : *out < lo) || *out > hi))
        return osib_yfail(err, &n, "%g is out of range %s%g, %g]", *out, open_lo ? "(" : "[", lo, hi);
    return st;
}

/* ---------------------------------------------------------------------------
 * Sections
 * ------------------------------------------------------------------------- */

static osib_status parse_grid(const osib_ynode *root, osib_case *c, osib_err *err)
{
    static const char *const keys[] = {"shape", "spacing_m", "origin_m", "nbl", NULL};
    osib_ynode g, item;
    osib_status st = osib_ymap_get(root, "grid", 1, &g, err);
    if (st == OSIB_OK)
        st = osib_ymap_check_keys(&g, keys, err);
    if (st != OSIB_OK)
        return st;

    long long shape[3];
    st = osib_ymap_int_list(&g, "shape", (size_t)c->ndim, 3, shape, NULL, err);
    if (st != OSIB_OK)
        return st;
    osib_ynode list;
    osib_ymap_get(&g, "shape", 1, &list, NULL);
    for (int d = 0; d < c->ndim; d++) {
        if (shape[d] < 2 || (unsigned long long)shape[d] > OSIB_MAX_AXIS_POINTS) {
            osib_yseq_at(&list, (size_t)d, &item, NULL);
            return osib_yfail(err, &item, "%lld points: each axis needs 2 to %llu points", shape[d],
                              OSIB_MAX_AXIS_POINTS);
        }
        c->shape[d] = (size_t)shape[d];
    }

    st = osib_ymap_double_list(&g, "spacing_m", (size_t)c->ndim, 3, c->spacing_m, NULL, err);
    if (st != OSIB_OK)
        return st;
    osib_ymap_get(&g, "spacing_m", 1, &list, NULL);
    for (int d = 0; d < c->ndim; d++)
        if (!(c->spacing_m[d] > 0.0 && c->spacing_m[d] <= 1e5)) {
            osib_yseq_at(&list, (size_t)d, &item, NULL);
            return osib_yfail(err, &item, "spacing %g m: must be in (0, 100000]", c->spacing_m[d]);
        }

    osib_ynode origin;
    osib_ymap_get(&g, "origin_m", 0, &origin, NULL);
    if (origin.node) {
        st = osib_ymap_double_list(&g, "origin_m", (size_t)c->ndim, 3, c->origin_m, NULL, err);
        if (st != OSIB_OK)
            return st;
        for (int d = 0; d < c->ndim; d++)
            if (fabs(c->origin_m[d]) > 1e8)
                return osib_yfail(err, &origin, "origin %g m is absurd (|origin| > 1e8 m)", c->origin_m[d]);
    }

    long long nbl;
    st = get_int_in(&g, "nbl", 0, OSIB_MAX_NBL, &nbl, err);
    if (st != OSIB_OK)
        return st;
    c->nbl = (int)nbl;

    /* The padded grid must be countable: a 10^12-point grid is beyond any
     * machine, and its product must not wrap around. */
    double padded = 1.0;
    for (int d = 0; d < c->ndim; d++)
        padded *= (double)c->shape[d] + 2.0 * c->nbl;
    if (padded > (double)OSIB_MAX_PADDED_POINTS)
        return osib_yfail(err, &g, "the padded grid has %.4g points; at most %.4g are allowed (no machine holds more)",
                          padded, (double)OSIB_MAX_PADDED_POINTS);
    return OSIB_OK;
}

/* A model imported from a dataset: where the file is, how it is stored, the
 * crop and resampling, and what the result must be. */
static osib_status parse_dataset_model(const osib_ynode *m, osib_case *c, osib_err *err)
{
    static const char *const keys[] = {"preset", "dataset",  "file",         "file_sha256", "source",
                                       "crop",   "resample", "vp_range_kms", "sha256",      NULL};
    osib_model *md = &c->model;
    osib_ynode n, src;
    osib_status st = osib_ymap_check_keys(m, keys, err);
    if (st == OSIB_OK)
        st = osib_ymap_string(m, "dataset", 1, md->dataset, sizeof md->dataset, err);
    if (st == OSIB_OK && !is_dataset_name(md->dataset)) {
        osib_ymap_get(m, "dataset", 1, &n, NULL);
        return osib_yfail(err, &n, "\"%s\" is not a dataset name (lower-case letters, digits, '-' and '.')",
                          md->dataset);
    }
    if (st == OSIB_OK)
        st = osib_ymap_string(m, "file", 1, md->file, sizeof md->file, err);
    if (st != OSIB_OK)
        return st;
    osib_ymap_get(m, "file", 1, &n, NULL);
    if (!md->file[0] || strchr(md->file, '/') || strcmp(md->file, "..") == 0 || strcmp(md->file, ".") == 0)
        return osib_yfail(err, &n, "\"%s\": a plain file name inside the dataset's directory", md->file);
    static const char *const hash_keys[] = {"file_sha256", "sha256"};
    char *hash_out[] = {md->file_sha256, md->sha256};
    for (int i = 0; i < 2; i++) {
        if ((st = osib_ymap_string(m, hash_keys[i], i == 1, hash_out[i], 65, err)) != OSIB_OK)
            return st;
        osib_ymap_get(m, hash_keys[i], 0, &n, NULL);
        if (n.node && !is_sha256_hex(hash_out[i]))
            return osib_yfail(err, &n, "expected 64 lower-case hex digits (a SHA-256)");
    }
    if ((st = osib_ymap_get(m, "source", 1, &src, err)) != OSIB_OK)
        return st;
    static const char *const src_keys[] = {"format",        "dtype",        "byte_order", "shape", "spacing_m",
                                           "storage_order", "hdf5_dataset", "units",      NULL};
    if ((st = osib_ymap_check_keys(&src, src_keys, err)) != OSIB_OK ||
        (st = osib_layout_from_node(&src, c->ndim, &md->source, err)) != OSIB_OK ||
        (st = osib_ops_from_node(m, c->ndim, &md->ops, err)) != OSIB_OK)
        return st;

    /* The import must give exactly the case's grid. */
    size_t shape[3];
    double spacing[3];
    osib_err e2 = {0};
    if (osib_import_grid(&md->source, &md->ops, shape, spacing, &e2) != OSIB_OK)
        return osib_yfail(err, m, "%s", e2.msg);
    for (int d = 0; d < c->ndim; d++)
        if (shape[d] != c->shape[d] || spacing[d] != c->spacing_m[d])
            return osib_yfail(err, m, "the import gives %zu points at %g m on axis %d, but grid has %zu at %g m",
                              shape[d], spacing[d], d, c->shape[d], c->spacing_m[d]);

    double range[2];
    if ((st = osib_ymap_double_list(m, "vp_range_kms", 2, 2, range, NULL, err)) != OSIB_OK)
        return st;
    osib_ymap_get(m, "vp_range_kms", 1, &n, NULL);
    if (!(range[0] > 0.0 && range[0] <= range[1] && range[1] <= OSIB_MAX_VP_KMS))
        return osib_yfail(err, &n, "[%g, %g]: need 0 < min <= max <= %g km/s", range[0], range[1], OSIB_MAX_VP_KMS);
    md->vp_min_kms = range[0];
    md->vp_max_kms = range[1];
    return OSIB_OK;
}

static osib_status parse_model(const osib_ynode *root, osib_case *c, osib_err *err)
{
    osib_ynode m;
    char preset[OSIB_ID_MAX];
    osib_status st = osib_ymap_get(root, "model", 1, &m, err);
    if (st == OSIB_OK)
        st = osib_ymap_string(&m, "preset", 1, preset, sizeof preset, err);
    if (st != OSIB_OK)
        return st;
    osib_model *md = &c->model;

    if (strcmp(preset, "constant") == 0) {
        static const char *const keys[] = {"preset", "vp_kms", NULL};
        md->kind = OSIB_MODEL_CONSTANT;
        st = osib_ymap_check_keys(&m, keys, err);
        if (st == OSIB_OK)
            st = get_double_in(&m, "vp_kms", 1, 0.0, 1, OSIB_MAX_VP_KMS, &md->vp_kms, err);
        return st;
    }
    if (strcmp(preset, "layers-isotropic") == 0 || strcmp(preset, "layers-tti") == 0) {
        static const char *const keys[] = {"preset", "vp_top_kms", "vp_bottom_kms", "nlayers", "dip", NULL};
        static const char *const tti_keys[] = {
            "preset",          "vp_top_kms",    "vp_bottom_kms",     "nlayers",         "dip",
            "epsilon_per_kms", "delta_per_kms", "theta_rad_per_kms", "phi_rad_per_kms", NULL};
        const int tti = strcmp(preset, "layers-tti") == 0;
        md->kind = tti ? OSIB_MODEL_LAYERS_TTI : OSIB_MODEL_LAYERS;
        long long nlayers = 1;
        st = osib_ymap_check_keys(&m, tti ? tti_keys : keys, err);
        if (st == OSIB_OK)
            st = get_double_in(&m, "vp_top_kms", 1, 0.0, 1, OSIB_MAX_VP_KMS, &md->vp_top_kms, err);
        if (st == OSIB_OK)
            st = get_double_in(&m, "vp_bottom_kms", 1, 0.0, 1, OSIB_MAX_VP_KMS, &md->vp_bottom_kms, err);
        if (st == OSIB_OK)
            st = get_int_in(&m, "nlayers", 1, (long long)c->shape[c->ndim - 1], &nlayers, err);
        md->nlayers = (int)nlayers;
        if (st == OSIB_OK)
            st = get_double_in(&m, "dip", 0, -4.0, 0, 4.0, &md->dip, err);
        if (st != OSIB_OK || !tti)
            return st;
        /* Devito's layers-tti scalings, per km/s above the top velocity. */
        md->epsilon_per_kms = 0.1;
        md->delta_per_kms = 0.05;
        md->theta_rad_per_kms = 0.5;
        md->phi_rad_per_kms = c->ndim == 3 ? 0.25 : 0.0;
        st = get_double_in(&m, "epsilon_per_kms", 0, -10.0, 0, 10.0, &md->epsilon_per_kms, err);
        if (st == OSIB_OK)
            st = get_double_in(&m, "delta_per_kms", 0, -10.0, 0, 10.0, &md->delta_per_kms, err);
        if (st == OSIB_OK)
            st = get_double_in(&m, "theta_rad_per_kms", 0, -10.0, 0, 10.0, &md->theta_rad_per_kms, err);
        if (st == OSIB_OK)
            st = get_double_in(&m, "phi_rad_per_kms", 0, -10.0, 0, 10.0, &md->phi_rad_per_kms, err);
        if (st == OSIB_OK && c->ndim == 2 && md->phi_rad_per_kms != 0.0) {
            osib_ynode p;
            osib_ymap_get(&m, "phi_rad_per_kms", 1, &p, NULL);
            return osib_yfail(err, &p, "a 2D model has no azimuth: phi_rad_per_kms must be 0");
        }
        return st;
    }
    if (strcmp(preset, "circle") == 0) {
        static const char *const keys[] = {"preset", "vp_background_kms", "vp_circle_kms", "radius_points", NULL};
        md->kind = OSIB_MODEL_CIRCLE;
        st = osib_ymap_check_keys(&m, keys, err);
        if (st == OSIB_OK)
            st = get_double_in(&m, "vp_background_kms", 1, 0.0, 1, OSIB_MAX_VP_KMS, &md->vp_background_kms, err);
        if (st == OSIB_OK)
            st = get_double_in(&m, "vp_circle_kms", 1, 0.0, 1, OSIB_MAX_VP_KMS, &md->vp_circle_kms, err);
        if (st == OSIB_OK)
            st = get_double_in(&m, "radius_points", 1, 0.0, 1, 1e6, &md->radius_points, err);
        return st;
    }
    if (strcmp(preset, "gradient") == 0) {
        static const char *const keys[] = {"preset", "vp_top_kms", "vp_bottom_kms", NULL};
        md->kind = OSIB_MODEL_GRADIENT;
        st = osib_ymap_check_keys(&m, keys, err);
        if (st == OSIB_OK)
            st = get_double_in(&m, "vp_top_kms", 1, 0.0, 1, OSIB_MAX_VP_KMS, &md->vp_top_kms, err);
        if (st == OSIB_OK)
            st = get_double_in(&m, "vp_bottom_kms", 1, 0.0, 1, OSIB_MAX_VP_KMS, &md->vp_bottom_kms, err);
        return st;
    }
    if (strcmp(preset, "dataset") == 0) {
        md->kind = OSIB_MODEL_DATASET;
        return parse_dataset_model(&m, c, err);
    }
    osib_ynode p;
    osib_ymap_get(&m, "preset", 1, &p, NULL);
    return osib_yfail(err, &p,
                      "unknown model preset \"%s\" (known: constant, layers-isotropic, layers-tti, circle, gradient, "
                      "dataset)",
                      preset);
}

static osib_status parse_wavelet(const osib_ynode *root, osib_case *c, osib_err *err)
{
    static const char *const keys[] = {"kind", "f0_khz", "t0_ms", "amplitude", NULL};
    osib_ynode w, kind;
    char name[OSIB_ID_MAX];
    osib_status st = osib_ymap_get(root, "wavelet", 1, &w, err);
    if (st == OSIB_OK)
        st = osib_ymap_check_keys(&w, keys, err);
    if (st == OSIB_OK)
        st = osib_ymap_get(&w, "kind", 1, &kind, err);
    if (st == OSIB_OK)
        st = osib_yget_string(&kind, name, sizeof name, err);
    if (st != OSIB_OK)
        return st;
    if (strcmp(name, "ricker") != 0)
        return osib_yfail(err, &kind, "unknown wavelet \"%s\" (known: ricker)", name);
    st = get_double_in(&w, "f0_khz", 1, 0.0, 1, 1.0, &c->f0_khz, err);
    if (st != OSIB_OK)
        return st;
    c->t0_ms = 1.0 / c->f0_khz;
    c->amplitude = 1.0;
    st = get_double_in(&w, "t0_ms", 0, -1e9, 0, 1e9, &c->t0_ms, err);
    if (st == OSIB_OK)
        st = get_double_in(&w, "amplitude", 0, -1e30, 0, 1e30, &c->amplitude, err);
    return st;
}

/* sources / receivers: {points: [[x, z], ...]} or {lattice: [[start, end, count], ...]} */
static osib_status parse_points(const osib_ynode *root, const char *key, const osib_case *c, osib_points *pts,
                                osib_err *err)
{
    static const char *const keys[] = {"points", "lattice", NULL};
    osib_ynode s, list, item, val;
    osib_status st = osib_ymap_get(root, key, 1, &s, err);
    if (st == OSIB_OK)
        st = osib_ymap_check_keys(&s, keys, err);
    if (st != OSIB_OK)
        return st;
    osib_ynode points, lattice;
    osib_ymap_get(&s, "points", 0, &points, NULL);
    osib_ymap_get(&s, "lattice", 0, &lattice, NULL);
    if ((points.node != NULL) == (lattice.node != NULL))
        return osib_yfail(err, &s, "give exactly one of \"points\" or \"lattice\"");

    size_t n;
    if (lattice.node) {
        pts->kind = OSIB_POINTS_LATTICE;
        st = osib_yseq_len(&lattice, &n, err);
        if (st != OSIB_OK)
            return st;
        if (n != (size_t)c->ndim)
            return osib_yfail(err, &lattice, "expected one [start_m, end_m, count] per axis (%d), got %zu", c->ndim, n);
        double total = 1.0;
        for (int d = 0; d < c->ndim; d++) {
            size_t len;
            long long count;
            osib_axis_range *ax = &pts->axis[d];
            if ((st = osib_yseq_at(&lattice, (size_t)d, &item, err)) != OSIB_OK ||
                (st = osib_yseq_len(&item, &len, err)) != OSIB_OK)
                return st;
            if (len != 3)
                return osib_yfail(err, &item, "expected [start_m, end_m, count]");
            if ((st = osib_yseq_at(&item, 0, &val, err)) != OSIB_OK ||
                (st = osib_yget_double(&val, &ax->start_m, err)) != OSIB_OK ||
                (st = osib_yseq_at(&item, 1, &val, err)) != OSIB_OK ||
                (st = osib_yget_double(&val, &ax->end_m, err)) != OSIB_OK ||
                (st = osib_yseq_at(&item, 2, &val, err)) != OSIB_OK ||
                (st = osib_yget_int(&val, &count, err)) != OSIB_OK)
                return st;
            if (count < 1 || (unsigned long long)count > OSIB_MAX_SPARSE_POINTS)
                return osib_yfail(err, &val, "count %lld: must be 1 to %llu", count, OSIB_MAX_SPARSE_POINTS);
            if (count == 1 && ax->start_m != ax->end_m)
                return osib_yfail(err, &item, "a single point needs start_m == end_m");
            ax->count = (size_t)count;
            total *= (double)count;
        }
        if (total > (double)OSIB_MAX_SPARSE_POINTS)
            return osib_yfail(err, &lattice, "%.3g points: at most %llu allowed", total, OSIB_MAX_SPARSE_POINTS);
        pts->count = (size_t)total;
        return OSIB_OK;
    }

    pts->kind = OSIB_POINTS_LIST;
    st = osib_yseq_len(&points, &n, err);
    if (st != OSIB_OK)
        return st;
    if (n < 1 || n > 100000)
        return osib_yfail(err, &points, "%zu points: an explicit list holds 1 to 100000 (use a lattice for more)", n);
    pts->list_m = malloc(n * (size_t)c->ndim * sizeof(double));
    if (!pts->list_m)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    pts->count = n;
    for (size_t i = 0; i < n; i++) {
        if ((st = osib_yseq_at(&points, i, &list, err)) != OSIB_OK)
            return st;
        size_t len;
        if ((st = osib_yseq_len(&list, &len, err)) != OSIB_OK)
            return st;
        if (len != (size_t)c->ndim)
            return osib_yfail(err, &list, "expected %d coordinates, got %zu", c->ndim, len);
        for (int d = 0; d < c->ndim; d++)
            if ((st = osib_yseq_at(&list, (size_t)d, &val, err)) != OSIB_OK ||
                (st = osib_yget_double(&val, &pts->list_m[i * (size_t)c->ndim + (size_t)d], err)) != OSIB_OK)
                return st;
    }
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * Whole-case checks
 * ------------------------------------------------------------------------- */

static double lattice_coord(const osib_axis_range *ax, size_t i)
{
    /* numpy.linspace: start + i*step, the last point exactly end. */
    if (ax->count == 1)
        return ax->start_m;
    if (i == ax->count - 1)
        return ax->end_m;
    double step = (ax->end_m - ax->start_m) / (double)(ax->count - 1);
    return (double)i * step + ax->start_m;
}

void osib_points_expand(const osib_points *p, int ndim, double *out)
{
    if (p->kind == OSIB_POINTS_LIST) {
        memcpy(out, p->list_m, p->count * (size_t)ndim * sizeof *out);
        return;
    }
    for (size_t k = 0; k < p->count; k++) {
        size_t rem = k;
        for (int d = ndim - 1; d >= 0; d--) {
            size_t i = rem % p->axis[d].count;
            rem /= p->axis[d].count;
            out[k * (size_t)ndim + (size_t)d] = lattice_coord(&p->axis[d], i);
        }
    }
}

/* Every point must lie in the closed physical box, where the damping is
 * zero: that is what makes the stated adjoints exact. For a lattice, the
 * extreme coordinates of each axis decide. */
static osib_status check_positions(const osib_ynode *root, const char *key, const osib_case *c, const osib_points *p,
                                   osib_err *err)
{
    osib_ynode at;
    osib_ymap_get(root, key, 1, &at, NULL);
    for (int d = 0; d < c->ndim; d++) {
        double lo = c->origin_m[d], hi = c->origin_m[d] + (double)(c->shape[d] - 1) * c->spacing_m[d];
        if (p->kind == OSIB_POINTS_LATTICE) {
            double a = p->axis[d].start_m, b = p->axis[d].end_m;
            if (a < lo || a > hi || b < lo || b > hi)
                return osib_yfail(err, &at,
                                  "axis %d spans [%g, %g] m, outside the physical grid [%g, %g] m "
                                  "(points in the absorbing layer are not allowed)",
                                  d, a < b ? a : b, a < b ? b : a, lo, hi);
            continue;
        }
        for (size_t i = 0; i < p->count; i++) {
            double x = p->list_m[i * (size_t)c->ndim + (size_t)d];
            if (x < lo || x > hi)
                return osib_yfail(err, &at,
                                  "point %zu: coordinate %d = %g m is outside the physical grid [%g, %g] m "
                                  "(points in the absorbing layer are not allowed)",
                                  i, d, x, lo, hi);
        }
    }
    return OSIB_OK;
}

double osib_case_vp_max(const osib_case *c)
{
    switch (c->model.kind) {
    case OSIB_MODEL_CONSTANT: return c->model.vp_kms;
    case OSIB_MODEL_CIRCLE: return fmax(c->model.vp_background_kms, c->model.vp_circle_kms);
    case OSIB_MODEL_DATASET: return c->model.vp_max_kms;
    case OSIB_MODEL_LAYERS:
    case OSIB_MODEL_LAYERS_TTI:
    case OSIB_MODEL_GRADIENT: break;
    }
    return fmax(c->model.vp_top_kms, c->model.vp_bottom_kms);
}

/* The epsilon of the deepest layer-tti layer: the preset is linear in the
 * velocity excess, so its extremes are there and in the top layer (0). */
static void layers_tti_extremes(const osib_model *m, double *epsilon, double *delta, double *theta, double *phi)
{
    double dv = m->vp_bottom_kms - m->vp_top_kms;
    *epsilon = m->epsilon_per_kms * dv;
    *delta = m->delta_per_kms * dv;
    *theta = m->theta_rad_per_kms * dv;
    *phi = m->phi_rad_per_kms * dv;
}

double osib_case_epsilon_max(const osib_case *c)
{
    if (!osib_case_is_tti(c) || c->model.kind != OSIB_MODEL_LAYERS_TTI)
        return 0.0;
    double e, d, t, p;
    layers_tti_extremes(&c->model, &e, &d, &t, &p);
    return fmax(0.0, e);
}

/* sqrt(1 + 2 max epsilon): TTI's fastest wave is horizontal to the symmetry
 * axis (spec/tti.md, time step). */
static double thomsen_speedup(const osib_case *c) { return sqrt(1.0 + 2.0 * osib_case_epsilon_max(c)); }

double osib_case_dt_stability_ms(const osib_case *c)
{
    double s = fd2_abs_sum(c->space_order / 2), sum = 0.0;
    for (int d = 0; d < c->ndim; d++)
        sum += s / (c->spacing_m[d] * c->spacing_m[d]);
    return 2.0 / (osib_case_vp_max(c) * thomsen_speedup(c) * sqrt(sum));
}

double osib_case_dt_default_ms(const osib_case *c)
{
    double hmin = c->spacing_m[0];
    for (int d = 1; d < c->ndim; d++)
        hmin = fmin(hmin, c->spacing_m[d]);
    /* Devito's rule: the sum of |weights| of the stencil of order 2*so. */
    double cfl = sqrt(4.0 / (c->ndim * fd2_abs_sum(c->space_order)));
    double dt = cfl * hmin / (osib_case_vp_max(c) * thomsen_speedup(c));
    char buf[32];
    snprintf(buf, sizeof buf, "%.3e", dt);
    return strtod(buf, NULL);
}

const char *osib_physics_name(osib_physics p)
{
    switch (p) {
    case OSIB_PHYSICS_ACOUSTIC_ISO: return "acoustic-iso";
    case OSIB_PHYSICS_ACOUSTIC_TTI: return "acoustic-tti";
    case OSIB_PHYSICS_COUNT: break;
    }
    return "?";
}

int osib_physics_parse(const char *name)
{
    for (int p = 0; p < OSIB_PHYSICS_COUNT; p++)
        if (strcmp(name, osib_physics_name((osib_physics)p)) == 0)
            return p;
    return -1;
}

const char *osib_thomsen_violation(double epsilon, double delta, double theta_rad, double phi_rad)
{
    const double two_pi = 6.283185307179586;
    if (!isfinite(epsilon) || !isfinite(delta) || !isfinite(theta_rad) || !isfinite(phi_rad))
        return "Thomsen parameters must be finite";
    if (!(epsilon >= 0.0 && epsilon < 1.0))
        return "epsilon must be in [0, 1)";
    if (!(delta > -0.5))
        return "delta must be above -1/2 (sqrt(1 + 2 delta) is taken)";
    if (delta > epsilon)
        return "delta must not exceed epsilon (the pseudo-acoustic system is unstable where delta > epsilon)";
    if (fabs(theta_rad) > two_pi || fabs(phi_rad) > two_pi)
        return "theta and phi must be within [-2 pi, 2 pi] radians";
    return NULL;
}

/* A TTI case's medium must obey spec/tti.md's rules everywhere; the
 * layers-tti preset is linear in the velocity excess, so checking its top
 * layer (all zero) and its bottom layer checks every layer. */
static osib_status check_thomsen(const osib_ynode *root, osib_case *c, osib_err *err)
{
    if (!osib_case_is_tti(c) || c->model.kind != OSIB_MODEL_LAYERS_TTI)
        return OSIB_OK;
    double e, d, t, p;
    layers_tti_extremes(&c->model, &e, &d, &t, &p);
    const char *why = osib_thomsen_violation(e, d, t, p);
    if (!why)
        return OSIB_OK;
    osib_ynode m;
    osib_ymap_get(root, "model", 1, &m, NULL);
    return osib_yfail(err, &m, "the bottom layer has epsilon %g, delta %g, theta %g, phi %g: %s", e, d, t, p, why);
}

static osib_status parse_time(const osib_ynode *root, osib_case *c, osib_err *err)
{
    static const char *const keys[] = {"dt_ms", "nt", NULL};
    osib_ynode t, dtn;
    osib_status st = osib_ymap_get(root, "time", 1, &t, err);
    if (st == OSIB_OK)
        st = osib_ymap_check_keys(&t, keys, err);
    long long nt;
    if (st == OSIB_OK)
        st = get_int_in(&t, "nt", 3, (long long)OSIB_MAX_NT, &nt, err);
    if (st == OSIB_OK)
        st = get_double_in(&t, "dt_ms", 1, 0.0, 1, 1e6, &c->dt_ms, err);
    if (st != OSIB_OK)
        return st;
    c->nt = (size_t)nt;
    double limit = osib_case_dt_stability_ms(c);
    if (c->dt_ms >= limit) {
        osib_ymap_get(&t, "dt_ms", 1, &dtn, NULL);
        char tti[64] = "";
        if (osib_case_is_tti(c))
            snprintf(tti, sizeof tti, ", TTI epsilon max %g", osib_case_epsilon_max(c));
        return osib_yfail(err, &dtn,
                          "%g ms is not below the stability limit %.6g ms for space order %d and vp max %g km/s%s "
                          "(the spec's rule gives %g ms)",
                          c->dt_ms, limit, c->space_order, osib_case_vp_max(c), tti, osib_case_dt_default_ms(c));
    }
    return OSIB_OK;
}

double osib_case_min_budget_bytes(const osib_case *c)
{
    /* m, two levels of the forward field, two of the adjoint, the image;
     * the wavelet, the data and the residual in float64. */
    const double sparse = 8.0 * (double)c->nt * (double)(c->sources.count + 2 * c->receivers.count);
    return 6.0 * 4.0 * (double)osib_case_padded_points(c) + sparse;
}

/* memory_budget_bytes: optional, for acoustic-iso, at least what a gradient
 * with no snapshot needs, at most 2^60. */
static osib_status parse_budget(const osib_ynode *root, osib_case *c, osib_err *err)
{
    osib_ynode n;
    osib_ymap_get(root, "memory_budget_bytes", 0, &n, NULL);
    if (!n.node)
        return OSIB_OK;
    long long v;
    osib_status st = get_int_in(root, "memory_budget_bytes", 1, 1LL << 60, &v, err);
    if (st != OSIB_OK)
        return st;
    if (c->physics != OSIB_PHYSICS_ACOUSTIC_ISO)
        return osib_yfail(err, &n, "memory budgets are defined for acoustic-iso cases only (spec/acoustic.md §12)");
    const double least = osib_case_min_budget_bytes(c);
    if ((double)v < least)
        return osib_yfail(err, &n,
                          "%lld bytes is below the %.0f bytes (%.1f MiB) any gradient of this case needs: six "
                          "padded arrays in float32 and the sparse data (spec/acoustic.md §12)",
                          v, least, least / 1048576.0);
    c->memory_budget_bytes = v;
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * Entry points
 * ------------------------------------------------------------------------- */

osib_status osib_case_from_node(const osib_ynode *root, osib_case *c, osib_err *err)
{
    static const char *const keys[] = {
        "osib_case",           "id",          "title", "description", "suites", "oracle",  "operators", "physics",
        "dimensions",          "space_order", "grid",  "time",        "model",  "wavelet", "sources",   "receivers",
        "memory_budget_bytes", NULL};
    char path_saved[sizeof c->path];
    memcpy(path_saved, c->path, sizeof path_saved);
    memset(c, 0, sizeof *c);
    memcpy(c->path, path_saved, sizeof path_saved);

    osib_status st = osib_ymap_check_keys(root, keys, err);
    if (st != OSIB_OK)
        return st;

    long long v;
    osib_ynode n;
    if ((st = osib_ymap_int(root, "osib_case", 1, &v, err)) != OSIB_OK)
        return st;
    if (v != OSIB_CASE_SCHEMA) {
        osib_ymap_get(root, "osib_case", 1, &n, NULL);
        return osib_yfail(err, &n, "schema version %lld is not supported (this kit reads version %d)", v,
                          OSIB_CASE_SCHEMA);
    }
    if ((st = get_id(root, "id", c->id, err)) != OSIB_OK)
        return st;
    if ((st = osib_ymap_string(root, "title", 0, c->title, sizeof c->title, err)) != OSIB_OK)
        return st;
    osib_ymap_get(root, "description", 0, &n, NULL);
    if (n.node && n.node->type != YAML_SCALAR_NODE)
        return osib_yfail(err, &n, "expected text");

    osib_ynode suites;
    osib_ymap_get(root, "suites", 0, &suites, NULL);
    if (suites.node) {
        size_t ns;
        if ((st = osib_yseq_len(&suites, &ns, err)) != OSIB_OK)
            return st;
        if (ns > OSIB_MAX_SUITES)
            return osib_yfail(err, &suites, "at most %d suites", OSIB_MAX_SUITES);
        for (size_t i = 0; i < ns; i++) {
            if ((st = osib_yseq_at(&suites, i, &n, err)) != OSIB_OK ||
                (st = osib_yget_string(&n, c->suites[i], OSIB_ID_MAX, err)) != OSIB_OK)
                return st;
            if (!is_valid_id(c->suites[i]))
                return osib_yfail(err, &n, "\"%s\" is not a valid suite name", c->suites[i]);
        }
        c->nsuites = (int)ns;
    }
    if ((st = osib_ymap_bool(root, "oracle", 0, &c->oracle, err)) != OSIB_OK)
        return st;
    osib_ynode ops;
    osib_ymap_get(root, "operators", 0, &ops, NULL);
    for (int op = 0; op < OSIB_OP_COUNT; op++)
        c->operators[op] = ops.node == NULL;
    if (ops.node) {
        size_t nops;
        if ((st = osib_yseq_len(&ops, &nops, err)) != OSIB_OK)
            return st;
        if (nops == 0)
            return osib_yfail(err, &ops, "at least one operator");
        for (size_t i = 0; i < nops; i++) {
            char name[32];
            if ((st = osib_yseq_at(&ops, i, &n, err)) != OSIB_OK ||
                (st = osib_yget_string(&n, name, sizeof name, err)) != OSIB_OK)
                return st;
            int op = osib_op_parse(name);
            if (op < 0)
                return osib_yfail(err, &n, "unknown operator \"%s\"", name);
            if (c->operators[op])
                return osib_yfail(err, &n, "operator \"%s\" listed twice", name);
            c->operators[op] = 1;
        }
    }

    char physics[OSIB_ID_MAX];
    if ((st = osib_ymap_string(root, "physics", 1, physics, sizeof physics, err)) != OSIB_OK)
        return st;
    int ph = osib_physics_parse(physics);
    if (ph < 0) {
        osib_ymap_get(root, "physics", 1, &n, NULL);
        return osib_yfail(err, &n, "unknown physics \"%s\" (this kit implements acoustic-iso and acoustic-tti)",
                          physics);
    }
    c->physics = (osib_physics)ph;
    if ((st = get_int_in(root, "dimensions", 2, 3, &v, err)) != OSIB_OK)
        return st;
    c->ndim = (int)v;
    if ((st = get_int_in(root, "space_order", 2, FD_MAX_ORDER, &v, err)) != OSIB_OK)
        return st;
    if (!fd_order_is_valid((int)v)) {
        osib_ymap_get(root, "space_order", 1, &n, NULL);
        return osib_yfail(err, &n, "%lld: space orders are even, 2 to 16", v);
    }
    c->space_order = (int)v;

    if ((st = parse_grid(root, c, err)) != OSIB_OK || (st = parse_model(root, c, err)) != OSIB_OK ||
        (st = check_thomsen(root, c, err)) != OSIB_OK || (st = parse_time(root, c, err)) != OSIB_OK ||
        (st = parse_wavelet(root, c, err)) != OSIB_OK ||
        (st = parse_points(root, "sources", c, &c->sources, err)) != OSIB_OK ||
        (st = parse_points(root, "receivers", c, &c->receivers, err)) != OSIB_OK ||
        (st = check_positions(root, "sources", c, &c->sources, err)) != OSIB_OK ||
        (st = check_positions(root, "receivers", c, &c->receivers, err)) != OSIB_OK ||
        (st = parse_budget(root, c, err)) != OSIB_OK) {
        osib_case_free(c);
        return st;
    }
    return OSIB_OK;
}

osib_status osib_case_load(const char *path, osib_case *c, osib_err *err)
{
    memset(c, 0, sizeof *c);
    osib_yaml y;
    osib_ynode root;
    osib_status st = osib_yaml_load_file(&y, path, OSIB_E_CASE, err);
    if (st != OSIB_OK)
        return st;
    snprintf(c->path, sizeof c->path, "%s", path);
    st = osib_yaml_root(&y, &root, err);
    if (st == OSIB_OK)
        st = osib_case_from_node(&root, c, err);
    osib_yaml_free(&y);
    return st;
}

void osib_case_free(osib_case *c)
{
    free(c->sources.list_m);
    free(c->receivers.list_m);
    c->sources.list_m = c->receivers.list_m = NULL;
}

osib_status osib_case_copy(osib_case *dst, const osib_case *src, osib_err *err)
{
    *dst = *src;
    dst->sources.list_m = dst->receivers.list_m = NULL;
    const osib_points *from[2] = {&src->sources, &src->receivers};
    osib_points *to[2] = {&dst->sources, &dst->receivers};
    for (int k = 0; k < 2; k++) {
        if (!from[k]->list_m)
            continue;
        size_t bytes = from[k]->count * (size_t)src->ndim * sizeof(double);
        to[k]->list_m = malloc(bytes ? bytes : 1);
        if (!to[k]->list_m) {
            osib_case_free(dst);
            return osib_fail(err, OSIB_E_NOMEM, "out of memory copying case %s", src->id);
        }
        memcpy(to[k]->list_m, from[k]->list_m, bytes);
    }
    return OSIB_OK;
}

int osib_case_in_suite(const osib_case *c, const char *suite)
{
    if (strcmp(suite, "oracle") == 0) /* every case with an oracle (RULES.md §6) */
        return c->oracle;
    for (int i = 0; i < c->nsuites; i++)
        if (strcmp(c->suites[i], suite) == 0)
            return 1;
    return 0;
}

size_t osib_case_padded_points(const osib_case *c)
{
    size_t n = 1;
    for (int d = 0; d < c->ndim; d++)
        n *= c->shape[d] + 2 * (size_t)c->nbl;
    return n;
}

size_t osib_case_physical_points(const osib_case *c)
{
    size_t n = 1;
    for (int d = 0; d < c->ndim; d++)
        n *= c->shape[d];
    return n;
}

/* Devito's layers-isotropic: layer i (of nlayers) starts at depth index
 * i * floor(nz / nlayers) and has the i-th of nlayers evenly spaced
 * velocities from top to bottom (numpy.linspace). */
/* The layer of depth index iz at x index ix: interface i (1..nl-1) lies at
 * depth i floor(nz / nl) + dip (ix - (nx - 1) / 2), every operation in
 * binary64 as written (exact for dip 0: the flat layers of Devito's
 * preset). */
static double layers_vp(const osib_model *m, size_t nx, size_t ix, size_t nz, size_t iz)
{
    const int nl = m->nlayers;
    const size_t thickness = nz / (size_t)nl;
    const double top = m->vp_top_kms, bottom = m->vp_bottom_kms;
    const double shift = m->dip * ((double)ix - (double)(nx - 1) / 2.0);
    int layer = 0;
    for (int i = 1; i < nl; i++)
        if ((double)iz >= (double)((size_t)i * thickness) + shift)
            layer = i;
    if (layer == 0)
        return top;
    if (layer == nl - 1)
        return bottom;
    return (double)layer * ((bottom - top) / (double)(nl - 1)) + top;
}

/* Whether grid point k lies in Devito's circle: the squared index distance
 * from (n_d / 2) is at most r^2 (every term exact in binary64). */
static int in_circle(const osib_case *c, size_t k)
{
    double sum = 0.0;
    size_t rem = k;
    for (int d = c->ndim - 1; d >= 0; d--) {
        size_t i = rem % c->shape[d];
        rem /= c->shape[d];
        double t = (double)i - (double)c->shape[d] / 2.0;
        sum += t * t;
    }
    return sum <= c->model.radius_points * c->model.radius_points;
}

static osib_status dataset_vp(const osib_case *c, double *vp, osib_err *err)
{
    const osib_model *m = &c->model;
    char path[OSIB_PATH_MAX], hex[OSIB_SHA256_HEX];
    osib_status st = osib_data_find(m->dataset, m->file, path, sizeof path, err);
    if (st != OSIB_OK) {
        osib_err_prefix(err, "case %s: model data absent: ", c->id);
        return st;
    }
    if (m->file_sha256[0]) {
        if ((st = osib_sha256_file(path, hex, err)) != OSIB_OK)
            return st;
        if (strcmp(hex, m->file_sha256) != 0)
            return osib_fail(err, OSIB_E_MISMATCH,
                             "case %s: %s has SHA-256 %.12s..., the case expects %.12s...: a different or damaged copy "
                             "(fetch it again with `osib dataset fetch %s`)",
                             c->id, path, hex, m->file_sha256, m->dataset);
    }
    double *out = NULL;
    size_t shape[3];
    double spacing[3];
    if ((st = osib_model_import(&m->source, &m->ops, path, &out, shape, spacing, err)) != OSIB_OK)
        return st;
    const size_t n = osib_case_physical_points(c);
    double lo, hi;
    osib_array_range(out, n, &lo, &hi);
    st = osib_sha256_doubles(out, n, hex, err);
    if (st == OSIB_OK && strcmp(hex, m->sha256) != 0)
        st = osib_fail(err, OSIB_E_MISMATCH,
                       "case %s: the model imported from %s has SHA-256 %.12s..., the case expects %.12s...", c->id,
                       path, hex, m->sha256);
    if (st == OSIB_OK && (lo != m->vp_min_kms || hi != m->vp_max_kms))
        st = osib_fail(err, OSIB_E_MISMATCH,
                       "case %s: the imported model spans [%.17g, %.17g] km/s, the case says [%.17g, %.17g]", c->id, lo,
                       hi, m->vp_min_kms, m->vp_max_kms);
    if (st == OSIB_OK)
        memcpy(vp, out, n * sizeof *vp);
    free(out);
    return st;
}

int osib_case_needs_data(const osib_case *c) { return c->model.kind == OSIB_MODEL_DATASET; }

osib_status osib_case_model_vp(const osib_case *c, double *vp, osib_err *err)
{
    const size_t npts = osib_case_physical_points(c);
    const size_t nz = c->shape[c->ndim - 1];
    const osib_model *m = &c->model;
    switch (m->kind) {
    case OSIB_MODEL_CONSTANT:
        for (size_t k = 0; k < npts; k++)
            vp[k] = m->vp_kms;
        return OSIB_OK;
    case OSIB_MODEL_LAYERS:
    case OSIB_MODEL_LAYERS_TTI:
        for (size_t k = 0; k < npts; k++)
            vp[k] = layers_vp(m, c->shape[0], k / (npts / c->shape[0]), nz, k % nz);
        return OSIB_OK;
    case OSIB_MODEL_CIRCLE:
        for (size_t k = 0; k < npts; k++)
            vp[k] = in_circle(c, k) ? m->vp_circle_kms : m->vp_background_kms;
        return OSIB_OK;
    case OSIB_MODEL_GRADIENT: {
        /* numpy.linspace(top, bottom, nz) down each column. */
        const double step = (m->vp_bottom_kms - m->vp_top_kms) / (double)(nz - 1);
        for (size_t k = 0; k < npts; k++) {
            size_t iz = k % nz;
            vp[k] = iz == nz - 1 ? m->vp_bottom_kms : (double)iz * step + m->vp_top_kms;
        }
        return OSIB_OK;
    }
    case OSIB_MODEL_DATASET: return dataset_vp(c, vp, err);
    }
    return osib_fail(err, OSIB_E_INTERNAL, "case %s: unknown model kind", c->id);
}

osib_status osib_case_model_tti(const osib_case *c, double *epsilon, double *delta, double *theta_rad, double *phi_rad,
                                osib_err *err)
{
    const size_t npts = osib_case_physical_points(c);
    const osib_model *m = &c->model;
    if (m->kind != OSIB_MODEL_LAYERS_TTI) {
        double *const all[4] = {epsilon, delta, theta_rad, phi_rad};
        for (int f = 0; f < 4; f++)
            if (all[f])
                memset(all[f], 0, npts * sizeof(double));
        return OSIB_OK;
    }
    const size_t nz = c->shape[c->ndim - 1];
    (void)err;
    for (size_t k = 0; k < npts; k++) {
        /* The excess over the top velocity, then one product each. */
        double dv = layers_vp(m, c->shape[0], k / (npts / c->shape[0]), nz, k % nz) - m->vp_top_kms;
        if (epsilon)
            epsilon[k] = m->epsilon_per_kms * dv;
        if (delta)
            delta[k] = m->delta_per_kms * dv;
        if (theta_rad)
            theta_rad[k] = m->theta_rad_per_kms * dv;
        if (phi_rad)
            phi_rad[k] = m->phi_rad_per_kms * dv;
    }
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * Canonical form
 * ------------------------------------------------------------------------- */

void osib_format_double(double v, char *buf, size_t cap)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

void osib_format_yaml_double(double v, char *buf, size_t cap)
{
    char tmp[40];
    osib_format_double(v, tmp, sizeof tmp);
    char *e = strchr(tmp, 'e');
    if (e && !strchr(tmp, '.'))
        snprintf(buf, cap, "%.*s.0%s", (int)(e - tmp), tmp, e);
    else
        snprintf(buf, cap, "%s", tmp);
}

typedef struct {
    char *buf;
    size_t cap, len;
    int overflow;
} textbuf;

static void put(textbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(textbuf *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= t->cap - t->len) {
        t->overflow = 1;
        return;
    }
    t->len += (size_t)n;
}

static void put_num(textbuf *t, double v)
{
    char b[40];
    osib_format_double(v, b, sizeof b);
    put(t, "%s", b);
}

static void put_nums(textbuf *t, const char *key, const double *v, int n)
{
    put(t, "%s", key);
    for (int i = 0; i < n; i++) {
        put(t, " ");
        put_num(t, v[i]);
    }
    put(t, "\n");
}

static osib_status put_points(textbuf *t, const char *key, const osib_points *p, int ndim, osib_err *err)
{
    if (p->kind == OSIB_POINTS_LATTICE) {
        put(t, "%s lattice", key);
        for (int d = 0; d < ndim; d++) {
            put(t, " ");
            put_num(t, p->axis[d].start_m);
            put(t, ":");
            put_num(t, p->axis[d].end_m);
            put(t, ":%zu", p->axis[d].count);
        }
        put(t, "\n");
        return OSIB_OK;
    }
    char hex[OSIB_SHA256_HEX];
    osib_status st = osib_sha256_doubles(p->list_m, p->count * (size_t)ndim, hex, err);
    if (st == OSIB_OK)
        put(t, "%s list count=%zu sha256=%s\n", key, p->count, hex);
    return st;
}

osib_status osib_case_canonical(const osib_case *c, char *buf, size_t cap, osib_err *err)
{
    textbuf t = {buf, cap, 0, 0};
    put(&t, "osib-case-canonical %d\n", OSIB_CASE_SCHEMA);
    put(&t, "physics %s\n", osib_physics_name(c->physics));
    put(&t, "dimensions %d\n", c->ndim);
    put(&t, "space_order %d\n", c->space_order);
    put(&t, "shape");
    for (int d = 0; d < c->ndim; d++)
        put(&t, " %zu", c->shape[d]);
    put(&t, "\n");
    put_nums(&t, "spacing_m", c->spacing_m, c->ndim);
    put_nums(&t, "origin_m", c->origin_m, c->ndim);
    put(&t, "nbl %d\n", c->nbl);
    put_nums(&t, "dt_ms", &c->dt_ms, 1);
    put(&t, "nt %zu\n", c->nt);
    const osib_model *m = &c->model;
    switch (m->kind) {
    case OSIB_MODEL_CONSTANT:
        put(&t, "model constant vp_kms=");
        put_num(&t, m->vp_kms);
        break;
    case OSIB_MODEL_LAYERS:
    case OSIB_MODEL_LAYERS_TTI:
        put(&t, "model %s vp_top_kms=", m->kind == OSIB_MODEL_LAYERS ? "layers-isotropic" : "layers-tti");
        put_num(&t, m->vp_top_kms);
        put(&t, " vp_bottom_kms=");
        put_num(&t, m->vp_bottom_kms);
        put(&t, " nlayers=%d", m->nlayers);
        if (m->dip != 0.0) { /* absent when flat: the hashes of flat cases stay */
            put(&t, " dip=");
            put_num(&t, m->dip);
        }
        if (m->kind == OSIB_MODEL_LAYERS_TTI) {
            put(&t, " epsilon_per_kms=");
            put_num(&t, m->epsilon_per_kms);
            put(&t, " delta_per_kms=");
            put_num(&t, m->delta_per_kms);
            put(&t, " theta_rad_per_kms=");
            put_num(&t, m->theta_rad_per_kms);
            put(&t, " phi_rad_per_kms=");
            put_num(&t, m->phi_rad_per_kms);
        }
        break;
    case OSIB_MODEL_CIRCLE:
        put(&t, "model circle vp_background_kms=");
        put_num(&t, m->vp_background_kms);
        put(&t, " vp_circle_kms=");
        put_num(&t, m->vp_circle_kms);
        put(&t, " radius_points=");
        put_num(&t, m->radius_points);
        break;
    case OSIB_MODEL_GRADIENT:
        put(&t, "model gradient vp_top_kms=");
        put_num(&t, m->vp_top_kms);
        put(&t, " vp_bottom_kms=");
        put_num(&t, m->vp_bottom_kms);
        break;
    case OSIB_MODEL_DATASET:
        /* The array's hash stands for the model: the same numbers from
         * another source or import are the same computation. */
        put(&t, "model dataset sha256=%s", m->sha256);
        break;
    }
    put(&t, "\nwavelet ricker f0_khz=");
    put_num(&t, c->f0_khz);
    put(&t, " t0_ms=");
    put_num(&t, c->t0_ms);
    put(&t, " amplitude=");
    put_num(&t, c->amplitude);
    put(&t, "\n");
    osib_status st = put_points(&t, "sources", &c->sources, c->ndim, err);
    if (st == OSIB_OK)
        st = put_points(&t, "receivers", &c->receivers, c->ndim, err);
    if (st != OSIB_OK)
        return st;
    if (t.overflow)
        return osib_fail(err, OSIB_E_INTERNAL, "case %s: canonical form longer than %zu bytes", c->id, cap);
    return OSIB_OK;
}

osib_status osib_case_hash(const osib_case *c, char hex[65], osib_err *err)
{
    char text[OSIB_CANONICAL_MAX];
    osib_status st = osib_case_canonical(c, text, sizeof text, err);
    if (st == OSIB_OK)
        st = osib_sha256_bytes(text, strlen(text), hex, err);
    return st;
}

osib_status osib_case_load_file_or_id(const char *path_or_id, const char *kit_root, osib_case *c, osib_err *err)
{
    struct stat sb;
    if (stat(path_or_id, &sb) == 0 || strchr(path_or_id, '/') || strstr(path_or_id, ".yaml"))
        return osib_case_load(path_or_id, c, err);
    char root[OSIB_PATH_MAX], path[OSIB_PATH_MAX + 64];
    if (kit_root)
        snprintf(root, sizeof root, "%s", kit_root);
    else
        osib_kit_root(root, sizeof root);
    snprintf(path, sizeof path, "%s/spec/cases/%s.yaml", root, path_or_id);
    if (stat(path, &sb) != 0)
        return osib_fail(err, OSIB_E_IO, "%s: no such case file, and no case with that id in %s/spec/cases", path_or_id,
                         root);
    return osib_case_load(path, c, err);
}
