#include "model_import.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "case.h"
#include "h5io.h"
#include "segy_read.h"

static const char *const axis2[] = {"x", "z"};
static const char *const axis3[] = {"x", "y", "z"};

static const char *axis_name(int ndim, int d) { return ndim == 2 ? axis2[d] : axis3[d]; }

static int axis_index(int ndim, const char *s)
{
    for (int d = 0; d < ndim; d++)
        if (strcmp(s, axis_name(ndim, d)) == 0)
            return d;
    return -1;
}

const char *osib_src_format_name(osib_src_format f)
{
    switch (f) {
    case OSIB_SRC_RAW: return "raw";
    case OSIB_SRC_HDF5: return "hdf5";
    case OSIB_SRC_SEGY: return "segy";
    }
    return "?";
}

const char *osib_src_units_name(osib_src_units u)
{
    switch (u) {
    case OSIB_SRC_VP_KMS: return "km/s";
    case OSIB_SRC_VP_MS: return "m/s";
    case OSIB_SRC_SLOWNESS2_S2KM2: return "s2/km2";
    }
    return "?";
}

void osib_storage_order_name(int ndim, const int order[3], char *buf, size_t cap)
{
    if (ndim == 2)
        snprintf(buf, cap, "%s,%s", axis_name(2, order[0]), axis_name(2, order[1]));
    else
        snprintf(buf, cap, "%s,%s,%s", axis_name(3, order[0]), axis_name(3, order[1]), axis_name(3, order[2]));
}

static int valid_order(int ndim, const int order[3])
{
    int seen[3] = {0, 0, 0};
    for (int d = 0; d < ndim; d++) {
        if (order[d] < 0 || order[d] >= ndim || seen[order[d]])
            return 0;
        seen[order[d]] = 1;
    }
    return 1;
}

/* ---------------------------------------------------------------------------
 * Command-line forms
 * ------------------------------------------------------------------------- */

/* Split s at commas into at most 3 fields; returns the count, -1 if more. */
static int split_commas(const char *s, char fields[3][64])
{
    int n = 0;
    const char *p = s;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (n == 3 || len >= 64)
            return -1;
        memcpy(fields[n], p, len);
        fields[n][len] = '\0';
        n++;
        if (!c)
            return n;
        p = c + 1;
    }
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    if (!s[0] || s[0] == '-')
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > OSIB_MAX_AXIS_POINTS * 10)
        return 0;
    *out = (size_t)v;
    return 1;
}

osib_status osib_parse_storage_order(const char *s, int ndim, int order[3], osib_err *err)
{
    char f[3][64];
    int n = split_commas(s, f);
    if (n != ndim)
        return osib_fail(err, OSIB_E_USAGE, "storage order \"%s\": give %d axis names slowest first, e.g. %s", s, ndim,
                         ndim == 2 ? "x,z" : "x,y,z");
    for (int d = 0; d < ndim; d++)
        order[d] = axis_index(ndim, f[d]);
    if (!valid_order(ndim, order))
        return osib_fail(err, OSIB_E_USAGE, "storage order \"%s\": each of %s exactly once", s,
                         ndim == 2 ? "x, z" : "x, y, z");
    return OSIB_OK;
}

osib_status osib_parse_crop(const char *s, int ndim, osib_model_ops *ops, osib_err *err)
{
    char f[3][64];
    if (split_commas(s, f) != ndim)
        return osib_fail(err, OSIB_E_USAGE, "crop \"%s\": give START:COUNT for each of the %d axes", s, ndim);
    for (int d = 0; d < ndim; d++) {
        char *colon = strchr(f[d], ':');
        if (!colon)
            return osib_fail(err, OSIB_E_USAGE, "crop \"%s\": axis %d needs START:COUNT", s, d);
        *colon = '\0';
        if (!parse_size(f[d], &ops->crop_start[d]) || !parse_size(colon + 1, &ops->crop_count[d]) ||
            ops->crop_count[d] < 2)
            return osib_fail(err, OSIB_E_USAGE, "crop \"%s\": axis %d needs a start >= 0 and a count >= 2", s, d);
    }
    return OSIB_OK;
}

osib_status osib_parse_sizes(const char *s, int ndim, size_t out[3], const char *what, osib_err *err)
{
    char f[3][64];
    if (split_commas(s, f) != ndim)
        return osib_fail(err, OSIB_E_USAGE, "%s \"%s\": give %d comma-separated counts", what, s, ndim);
    for (int d = 0; d < ndim; d++)
        if (!parse_size(f[d], &out[d]) || out[d] < 2)
            return osib_fail(err, OSIB_E_USAGE, "%s \"%s\": each count must be an integer >= 2", what, s);
    return OSIB_OK;
}

osib_status osib_parse_doubles(const char *s, int ndim, double out[3], const char *what, osib_err *err)
{
    char f[3][64];
    if (split_commas(s, f) != ndim)
        return osib_fail(err, OSIB_E_USAGE, "%s \"%s\": give %d comma-separated numbers", what, s, ndim);
    for (int d = 0; d < ndim; d++) {
        char *end;
        out[d] = strtod(f[d], &end);
        if (end == f[d] || *end || !isfinite(out[d]) || out[d] <= 0.0 || out[d] > 1e5)
            return osib_fail(err, OSIB_E_USAGE, "%s \"%s\": each value must be a number in (0, 100000]", what, s);
    }
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * YAML forms
 * ------------------------------------------------------------------------- */

osib_status osib_layout_from_node(const osib_ynode *map, int ndim, osib_model_layout *lay, osib_err *err)
{
    memset(lay, 0, sizeof *lay);
    char s[128];
    osib_ynode n;
    osib_status st = osib_ymap_string(map, "format", 1, s, sizeof s, err);
    if (st != OSIB_OK)
        return st;
    osib_ymap_get(map, "format", 1, &n, NULL);
    if (strcmp(s, "raw") == 0)
        lay->format = OSIB_SRC_RAW;
    else if (strcmp(s, "hdf5") == 0)
        lay->format = OSIB_SRC_HDF5;
    else if (strcmp(s, "segy") == 0)
        lay->format = OSIB_SRC_SEGY;
    else
        return osib_yfail(err, &n, "unknown format \"%s\" (known: raw, hdf5, segy)", s);

    long long shape[3];
    size_t len = 0;
    st = osib_ymap_int_list(map, "shape", (size_t)ndim, 3, shape, &len, err);
    if (st != OSIB_OK)
        return st;
    lay->ndim = ndim ? ndim : (int)len;
    osib_ymap_get(map, "shape", 1, &n, NULL);
    if (lay->ndim < 2 || lay->ndim > 3)
        return osib_yfail(err, &n, "a model has 2 or 3 axes");
    for (int d = 0; d < lay->ndim; d++) {
        if (shape[d] < 2 || (unsigned long long)shape[d] > OSIB_MAX_AXIS_POINTS)
            return osib_yfail(err, &n, "%lld points: each axis needs 2 to %llu", shape[d], OSIB_MAX_AXIS_POINTS);
        lay->shape[d] = (size_t)shape[d];
    }
    st = osib_ymap_double_list(map, "spacing_m", (size_t)lay->ndim, 3, lay->spacing_m, NULL, err);
    if (st != OSIB_OK)
        return st;
    for (int d = 0; d < lay->ndim; d++)
        if (!(lay->spacing_m[d] > 0.0 && lay->spacing_m[d] <= 1e5)) {
            osib_ymap_get(map, "spacing_m", 1, &n, NULL);
            return osib_yfail(err, &n, "spacing %g m: must be in (0, 100000]", lay->spacing_m[d]);
        }

    /* storage_order: a list of axis names, slowest first. */
    osib_ynode so, item;
    if ((st = osib_ymap_get(map, "storage_order", 1, &so, err)) != OSIB_OK || (st = osib_yseq_len(&so, &len, err)))
        return st;
    if (len != (size_t)lay->ndim)
        return osib_yfail(err, &so, "give the %d axes slowest first, e.g. [%s]", lay->ndim,
                          lay->ndim == 2 ? "x, z" : "x, y, z");
    for (int d = 0; d < lay->ndim; d++) {
        if ((st = osib_yseq_at(&so, (size_t)d, &item, err)) != OSIB_OK ||
            (st = osib_yget_string(&item, s, sizeof s, err)) != OSIB_OK)
            return st;
        lay->storage_order[d] = axis_index(lay->ndim, s);
    }
    if (!valid_order(lay->ndim, lay->storage_order))
        return osib_yfail(err, &so, "each of %s exactly once", lay->ndim == 2 ? "x, z" : "x, y, z");
    if (lay->format == OSIB_SRC_SEGY && lay->storage_order[lay->ndim - 1] != lay->ndim - 1)
        return osib_yfail(err, &so, "a SEG-Y trace runs in depth: z must be the fastest (last) axis");

    osib_ynode dt, bo, hd;
    osib_ymap_get(map, "dtype", 0, &dt, NULL);
    osib_ymap_get(map, "byte_order", 0, &bo, NULL);
    osib_ymap_get(map, "hdf5_dataset", 0, &hd, NULL);
    if (lay->format == OSIB_SRC_RAW) {
        if ((st = osib_ymap_string(map, "dtype", 1, s, sizeof s, err)) != OSIB_OK)
            return st;
        if (strcmp(s, "float32") == 0)
            lay->value_bytes = 4;
        else if (strcmp(s, "float64") == 0)
            lay->value_bytes = 8;
        else
            return osib_yfail(err, &dt, "unknown dtype \"%s\" (known: float32, float64)", s);
    } else if (dt.node)
        return osib_yfail(err, &dt, "dtype is for raw files (HDF5 and SEG-Y files say their own)");
    if (lay->format != OSIB_SRC_HDF5) {
        if ((st = osib_ymap_string(map, "byte_order", lay->format == OSIB_SRC_RAW, s, sizeof s, err)) != OSIB_OK)
            return st;
        if (bo.node) {
            if (strcmp(s, "little") == 0)
                lay->big_endian = 0;
            else if (strcmp(s, "big") == 0)
                lay->big_endian = 1;
            else
                return osib_yfail(err, &bo, "byte order \"%s\": little or big", s);
        } else
            lay->big_endian = 1; /* SEG-Y's standard */
    } else if (bo.node)
        return osib_yfail(err, &bo, "byte_order is for raw and SEG-Y files");
    if (lay->format == OSIB_SRC_HDF5) {
        if ((st = osib_ymap_string(map, "hdf5_dataset", 1, lay->hdf5_dataset, sizeof lay->hdf5_dataset, err)))
            return st;
    } else if (hd.node)
        return osib_yfail(err, &hd, "hdf5_dataset is for HDF5 files");

    if ((st = osib_ymap_string(map, "units", 1, s, sizeof s, err)) != OSIB_OK)
        return st;
    osib_ymap_get(map, "units", 1, &n, NULL);
    if (strcmp(s, "km/s") == 0)
        lay->units = OSIB_SRC_VP_KMS;
    else if (strcmp(s, "m/s") == 0)
        lay->units = OSIB_SRC_VP_MS;
    else if (strcmp(s, "s2/km2") == 0)
        lay->units = OSIB_SRC_SLOWNESS2_S2KM2;
    else
        return osib_yfail(err, &n, "unknown units \"%s\" (known: km/s, m/s for vp; s2/km2 for m = 1/vp^2)", s);
    return OSIB_OK;
}

osib_status osib_ops_from_node(const osib_ynode *map, int ndim, osib_model_ops *ops, osib_err *err)
{
    memset(ops, 0, sizeof *ops);
    osib_ynode crop, rs, item, v;
    osib_status st;
    osib_ymap_get(map, "crop", 0, &crop, NULL);
    if (crop.node) {
        size_t len;
        if ((st = osib_yseq_len(&crop, &len, err)) != OSIB_OK)
            return st;
        if (len != (size_t)ndim)
            return osib_yfail(err, &crop, "give [start, count] for each of the %d axes", ndim);
        for (int d = 0; d < ndim; d++) {
            long long a, b;
            size_t l2;
            if ((st = osib_yseq_at(&crop, (size_t)d, &item, err)) != OSIB_OK ||
                (st = osib_yseq_len(&item, &l2, err)) != OSIB_OK)
                return st;
            if (l2 != 2)
                return osib_yfail(err, &item, "expected [start, count]");
            if ((st = osib_yseq_at(&item, 0, &v, err)) != OSIB_OK || (st = osib_yget_int(&v, &a, err)) != OSIB_OK ||
                (st = osib_yseq_at(&item, 1, &v, err)) != OSIB_OK || (st = osib_yget_int(&v, &b, err)) != OSIB_OK)
                return st;
            if (a < 0 || b < 2 || (unsigned long long)a > OSIB_MAX_AXIS_POINTS ||
                (unsigned long long)b > OSIB_MAX_AXIS_POINTS)
                return osib_yfail(err, &item, "start must be >= 0 and count >= 2");
            ops->crop_start[d] = (size_t)a;
            ops->crop_count[d] = (size_t)b;
        }
    }
    osib_ymap_get(map, "resample", 0, &rs, NULL);
    if (rs.node) {
        static const char *const keys[] = {"shape", "spacing_m", NULL};
        long long shape[3];
        if ((st = osib_ymap_check_keys(&rs, keys, err)) != OSIB_OK ||
            (st = osib_ymap_int_list(&rs, "shape", (size_t)ndim, 3, shape, NULL, err)) != OSIB_OK ||
            (st = osib_ymap_double_list(&rs, "spacing_m", (size_t)ndim, 3, ops->out_spacing_m, NULL, err)) != OSIB_OK)
            return st;
        for (int d = 0; d < ndim; d++) {
            if (shape[d] < 2 || (unsigned long long)shape[d] > OSIB_MAX_AXIS_POINTS)
                return osib_yfail(err, &rs, "shape: %lld points: each axis needs 2 to %llu", shape[d],
                                  OSIB_MAX_AXIS_POINTS);
            if (!(ops->out_spacing_m[d] > 0.0 && ops->out_spacing_m[d] <= 1e5))
                return osib_yfail(err, &rs, "spacing %g m: must be in (0, 100000]", ops->out_spacing_m[d]);
            ops->out_shape[d] = (size_t)shape[d];
        }
        ops->resample = 1;
    }
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * Grids
 * ------------------------------------------------------------------------- */

osib_status osib_import_grid(const osib_model_layout *lay, const osib_model_ops *ops, size_t shape[3],
                             double spacing_m[3], osib_err *err)
{
    for (int d = 0; d < lay->ndim; d++) {
        size_t start = ops->crop_start[d], count = ops->crop_count[d] ? ops->crop_count[d] : 0;
        if (start >= lay->shape[d] || (count && count > lay->shape[d] - start))
            return osib_fail(err, OSIB_E_DATA,
                             "crop of axis %s (start %zu, count %zu) is outside the %zu stored points",
                             axis_name(lay->ndim, d), start, count, lay->shape[d]);
        if (!count)
            count = lay->shape[d] - start;
        if (count < 2)
            return osib_fail(err, OSIB_E_DATA, "crop of axis %s keeps %zu point(s); at least 2 are needed",
                             axis_name(lay->ndim, d), count);
        shape[d] = count;
        spacing_m[d] = lay->spacing_m[d];
        if (ops->resample) {
            /* The resampled grid must lie inside the cropped one: no
             * extrapolation. */
            double extent = (double)(count - 1) * lay->spacing_m[d];
            double want = (double)(ops->out_shape[d] - 1) * ops->out_spacing_m[d];
            if (want > extent)
                return osib_fail(err, OSIB_E_DATA,
                                 "resampled axis %s spans %g m (%zu points at %g m), more than the %g m of the "
                                 "(cropped) model",
                                 axis_name(lay->ndim, d), want, ops->out_shape[d], ops->out_spacing_m[d], extent);
            shape[d] = ops->out_shape[d];
            spacing_m[d] = ops->out_spacing_m[d];
        }
    }
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------- */

static size_t count_of(const size_t *shape, int ndim)
{
    size_t n = 1;
    for (int d = 0; d < ndim; d++)
        n *= shape[d];
    return n;
}

/* The C-order offset in the file of the point with case indices idx. */
static size_t storage_offset(const osib_model_layout *lay, const size_t idx[3])
{
    size_t off = 0;
    for (int k = 0; k < lay->ndim; k++) {
        int d = lay->storage_order[k];
        off = off * lay->shape[d] + idx[d];
    }
    return off;
}

/* Unit conversion to vp in km/s (spec/cases.md): one correctly rounded
 * operation for m/s, sqrt then a division for slowness squared. */
static int to_vp_kms(osib_src_units u, double v, double *out)
{
    if (!isfinite(v))
        return 0;
    switch (u) {
    case OSIB_SRC_VP_KMS: *out = v; break;
    case OSIB_SRC_VP_MS: *out = v / 1000.0; break;
    case OSIB_SRC_SLOWNESS2_S2KM2:
        if (!(v > 0.0))
            return 0;
        *out = 1.0 / sqrt(v);
        break;
    }
    /* Below 0.1 km/s (slower than sound in air) is a misread file. */
    return *out >= OSIB_MIN_IMPORT_VP_KMS && *out <= OSIB_MAX_VP_KMS;
}

static double raw_value(const unsigned char *p, int bytes, int big_endian)
{
    unsigned char b[8];
    for (int i = 0; i < bytes; i++)
        b[i] = big_endian ? p[bytes - 1 - i] : p[i]; /* little-endian order in b */
    if (bytes == 4) {
        uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        float f;
        memcpy(&f, &u, sizeof f);
        return (double)f;
    }
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | b[i];
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static osib_status read_raw(const osib_model_layout *lay, const char *path, double *stored, osib_err *err)
{
    const size_t n = count_of(lay->shape, lay->ndim);
    const unsigned long long want = (unsigned long long)n * (unsigned long long)lay->value_bytes;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return osib_fail(err, OSIB_E_IO, "%s: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return osib_fail(err, OSIB_E_IO, "%s: not a regular file", path);
    if ((unsigned long long)sb.st_size < want)
        return osib_fail(err, OSIB_E_IO, "%s: %lld bytes, expected %llu (%zu values of %d bytes): truncated file?",
                         path, (long long)sb.st_size, want, n, lay->value_bytes);
    if ((unsigned long long)sb.st_size > want)
        return osib_fail(err, OSIB_E_DATA,
                         "%s: %lld bytes, expected %llu (%zu values of %d bytes): wrong shape or dtype?", path,
                         (long long)sb.st_size, want, n, lay->value_bytes);
    FILE *f = fopen(path, "rb");
    if (!f)
        return osib_fail(err, OSIB_E_IO, "%s: %s", path, strerror(errno));
    unsigned char buf[1 << 16];
    size_t done = 0;
    osib_status st = OSIB_OK;
    const size_t per = sizeof buf / (size_t)lay->value_bytes;
    while (done < n) {
        size_t want_n = n - done < per ? n - done : per;
        size_t got = fread(buf, (size_t)lay->value_bytes, want_n, f);
        if (got != want_n) {
            st = osib_fail(err, OSIB_E_IO, "%s: read error after %zu values", path, done + got);
            break;
        }
        for (size_t i = 0; i < got; i++)
            stored[done + i] = raw_value(buf + i * (size_t)lay->value_bytes, lay->value_bytes, lay->big_endian);
        done += got;
    }
    fclose(f);
    return st;
}

static osib_status read_hdf5(const osib_model_layout *lay, const char *path, double *stored, osib_err *err)
{
    osib_h5file f;
    osib_status st = osib_h5_open(&f, path, err);
    if (st != OSIB_OK)
        return st;
    size_t dims[3];
    for (int k = 0; k < lay->ndim; k++)
        dims[k] = lay->shape[lay->storage_order[k]];
    /* h5io checks type, rank, dimensions and finiteness; NaN is bad data. */
    st = osib_h5_read(&f, lay->hdf5_dataset, lay->ndim, dims, stored, err);
    osib_h5_close(&f, NULL);
    return st;
}

static osib_status read_segy(const osib_model_layout *lay, const char *path, double *stored, osib_err *err)
{
    size_t nsamples = lay->shape[lay->ndim - 1];
    size_t ntraces = count_of(lay->shape, lay->ndim) / nsamples;
    return osib_segy_read(path, !lay->big_endian, ntraces, nsamples, stored, err);
}

osib_status osib_model_read(const osib_model_layout *lay, const char *path, double **vp_kms, osib_err *err)
{
    *vp_kms = NULL;
    const size_t n = count_of(lay->shape, lay->ndim);
    if ((double)n * 16.0 > 64e9)
        return osib_fail(err, OSIB_E_NOMEM, "%s: a model of %zu points is beyond what import handles in memory", path,
                         n);
    double *stored = malloc(n * sizeof *stored), *vp = malloc(n * sizeof *vp);
    if (!stored || !vp) {
        free(stored);
        free(vp);
        return osib_fail(err, OSIB_E_NOMEM, "%s: out of memory for %zu values", path, n);
    }
    osib_status st = lay->format == OSIB_SRC_RAW    ? read_raw(lay, path, stored, err)
                     : lay->format == OSIB_SRC_HDF5 ? read_hdf5(lay, path, stored, err)
                                                    : read_segy(lay, path, stored, err);
    /* Reorder to case axis order and convert units. */
    size_t idx[3] = {0, 0, 0};
    for (size_t k = 0; k < n && st == OSIB_OK; k++) {
        size_t rem = k;
        for (int d = lay->ndim - 1; d >= 0; d--) {
            idx[d] = rem % lay->shape[d];
            rem /= lay->shape[d];
        }
        size_t off = storage_offset(lay, idx);
        if (!to_vp_kms(lay->units, stored[off], &vp[k])) {
            char where[96];
            if (lay->ndim == 2)
                snprintf(where, sizeof where, "(x %zu, z %zu)", idx[0], idx[1]);
            else
                snprintf(where, sizeof where, "(x %zu, y %zu, z %zu)", idx[0], idx[1], idx[2]);
            st = osib_fail(err, OSIB_E_DATA,
                           "%s: value %g %s at %s does not give a velocity in [%g, %g] km/s (wrong units, dtype or "
                           "byte order?)",
                           path, stored[off], osib_src_units_name(lay->units), where, OSIB_MIN_IMPORT_VP_KMS,
                           OSIB_MAX_VP_KMS);
        }
    }
    free(stored);
    if (st != OSIB_OK) {
        free(vp);
        return st;
    }
    *vp_kms = vp;
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * Crop and resample
 * ------------------------------------------------------------------------- */

/* Per axis and target index: the lower source index and the weight of the
 * upper one (spec/cases.md, "Resampling"). */
typedef struct {
    size_t *i0;
    double *f;
} axis_weights;

static void axis_setup(size_t n_src, double h_src, size_t n_out, double h_out, int resample, axis_weights *w)
{
    for (size_t j = 0; j < n_out; j++) {
        if (!resample) {
            w->i0[j] = j;
            w->f[j] = 0.0;
            continue;
        }
        double s = ((double)j * h_out) / h_src;
        double last = (double)(n_src - 1);
        if (s > last)
            s = last;
        double fl = floor(s);
        size_t i0 = (size_t)fl;
        if (i0 >= n_src - 1)
            i0 = n_src - 2;
        w->i0[j] = i0;
        w->f[j] = s - (double)i0;
    }
}

/* (1 - f) a + f b, evaluated as written: exact at f = 0 and f = 1. */
static double lerp(double a, double b, double f)
{
    double g = 1.0 - f;
    double p = g * a;
    double q = f * b;
    return p + q;
}

osib_status osib_model_transform(const osib_model_layout *lay, const osib_model_ops *ops, const double *vp_kms,
                                 double **out, osib_err *err)
{
    size_t shape[3];
    double spacing[3];
    *out = NULL;
    osib_status st = osib_import_grid(lay, ops, shape, spacing, err);
    if (st != OSIB_OK)
        return st;
    const int nd = lay->ndim;
    size_t crop_n[3];
    for (int d = 0; d < nd; d++)
        crop_n[d] = ops->crop_count[d] ? ops->crop_count[d] : lay->shape[d] - ops->crop_start[d];
    axis_weights w[3] = {{0}};
    for (int d = 0; d < nd; d++) {
        w[d].i0 = malloc(shape[d] * sizeof(size_t));
        w[d].f = malloc(shape[d] * sizeof(double));
        if (!w[d].i0 || !w[d].f)
            st = osib_fail(err, OSIB_E_NOMEM, "out of memory for resampling weights");
        else
            axis_setup(crop_n[d], lay->spacing_m[d], shape[d],
                       ops->resample ? ops->out_spacing_m[d] : lay->spacing_m[d], ops->resample, &w[d]);
    }
    const size_t n = count_of(shape, nd);
    double *v = st == OSIB_OK ? malloc(n * sizeof *v) : NULL;
    if (st == OSIB_OK && !v)
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the imported model (%zu values)", n);
    if (st == OSIB_OK) {
        const size_t *src = lay->shape;
        const size_t *c0 = ops->crop_start;
#define SRC2(i, k) vp_kms[((c0[0] + (i)) * src[1]) + c0[1] + (k)]
#define SRC3(i, j, k) vp_kms[(((c0[0] + (i)) * src[1]) + c0[1] + (j)) * src[2] + c0[2] + (k)]
        size_t k = 0;
        if (nd == 2) {
            for (size_t a = 0; a < shape[0]; a++)
                for (size_t c = 0; c < shape[1]; c++, k++) {
                    size_t i = w[0].i0[a], kk = w[1].i0[c];
                    double fx = w[0].f[a], fz = w[1].f[c];
                    if (fx == 0.0 && fz == 0.0) {
                        v[k] = SRC2(i, kk);
                        continue;
                    }
                    double lo = lerp(SRC2(i, kk), SRC2(i, kk + 1), fz);
                    double hi = lerp(SRC2(i + 1, kk), SRC2(i + 1, kk + 1), fz);
                    v[k] = lerp(lo, hi, fx);
                }
        } else {
            for (size_t a = 0; a < shape[0]; a++)
                for (size_t b = 0; b < shape[1]; b++)
                    for (size_t c = 0; c < shape[2]; c++, k++) {
                        size_t i = w[0].i0[a], j = w[1].i0[b], kk = w[2].i0[c];
                        double fx = w[0].f[a], fy = w[1].f[b], fz = w[2].f[c];
                        if (fx == 0.0 && fy == 0.0 && fz == 0.0) {
                            v[k] = SRC3(i, j, kk);
                            continue;
                        }
                        double l00 = lerp(SRC3(i, j, kk), SRC3(i, j, kk + 1), fz);
                        double l01 = lerp(SRC3(i, j + 1, kk), SRC3(i, j + 1, kk + 1), fz);
                        double l10 = lerp(SRC3(i + 1, j, kk), SRC3(i + 1, j, kk + 1), fz);
                        double l11 = lerp(SRC3(i + 1, j + 1, kk), SRC3(i + 1, j + 1, kk + 1), fz);
                        v[k] = lerp(lerp(l00, l01, fy), lerp(l10, l11, fy), fx);
                    }
        }
#undef SRC2
#undef SRC3
    }
    for (int d = 0; d < nd; d++) {
        free(w[d].i0);
        free(w[d].f);
    }
    if (st != OSIB_OK) {
        free(v);
        return st;
    }
    *out = v;
    return OSIB_OK;
}

osib_status osib_model_import(const osib_model_layout *lay, const osib_model_ops *ops, const char *path, double **out,
                              size_t shape[3], double spacing_m[3], osib_err *err)
{
    double *vp = NULL;
    *out = NULL;
    osib_status st = osib_import_grid(lay, ops, shape, spacing_m, err);
    if (st == OSIB_OK)
        st = osib_model_read(lay, path, &vp, err);
    if (st == OSIB_OK)
        st = osib_model_transform(lay, ops, vp, out, err);
    free(vp);
    return st;
}

void osib_array_range(const double *v, size_t n, double *lo, double *hi)
{
    double a = v[0], b = v[0];
    for (size_t i = 1; i < n; i++) {
        a = fmin(a, v[i]);
        b = fmax(b, v[i]);
    }
    *lo = a;
    *hi = b;
}
