#include "h5io.h"

#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

osib_status osib_h5_create(osib_h5file *f, const char *path, osib_err *err)
{
    snprintf(f->path, sizeof f->path, "%s", path);
    H5E_BEGIN_TRY { f->id = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT); }
    H5E_END_TRY;
    if (f->id < 0)
        return osib_fail(err, OSIB_E_IO, "%s: cannot create HDF5 file", path);
    return OSIB_OK;
}

osib_status osib_h5_open(osib_h5file *f, const char *path, osib_err *err)
{
    snprintf(f->path, sizeof f->path, "%s", path);
    /* The kit never needs a filter plugin (check_storage); with loading
     * off, no file can make the library load code from the plugin path. */
    H5PLset_loading_state(0);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return osib_fail(err, OSIB_E_IO, "%s: no such file or not readable", path);
    struct stat sb;
    int regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
    close(fd);
    if (!regular)
        return osib_fail(err, OSIB_E_IO, "%s: not a regular file", path);
    htri_t is_h5;
    H5E_BEGIN_TRY { is_h5 = H5Fis_hdf5(path); }
    H5E_END_TRY;
    if (is_h5 <= 0)
        return osib_fail(err, OSIB_E_IO, "%s: not an HDF5 file (or truncated)", path);
    H5E_BEGIN_TRY { f->id = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); }
    H5E_END_TRY;
    if (f->id < 0)
        return osib_fail(err, OSIB_E_IO, "%s: cannot open as HDF5 (damaged or truncated?)", path);
    return OSIB_OK;
}

osib_status osib_h5_close(osib_h5file *f, osib_err *err)
{
    if (f->id < 0)
        return OSIB_OK;
    herr_t r;
    H5E_BEGIN_TRY { r = H5Fclose(f->id); }
    H5E_END_TRY;
    f->id = -1;
    if (r < 0)
        return osib_fail(err, OSIB_E_IO, "%s: error closing HDF5 file", f->path);
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------- */

static osib_status write_string_attr(hid_t obj, const char *attr, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    hid_t space = H5Screate(H5S_SCALAR);
    herr_t r = -1;
    if (type >= 0 && space >= 0 && H5Tset_size(type, strlen(value) + 1) >= 0 &&
        H5Tset_strpad(type, H5T_STR_NULLTERM) >= 0) {
        if (H5Aexists(obj, attr) > 0)
            H5Adelete(obj, attr);
        hid_t a = H5Acreate2(obj, attr, type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (a >= 0) {
            r = H5Awrite(a, type, value);
            H5Aclose(a);
        }
    }
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return r < 0 ? OSIB_E_IO : OSIB_OK;
}

osib_status osib_h5_write(osib_h5file *f, const char *name, const double *data, int rank, const size_t *dims,
                          const char *units, int flags, osib_err *err)
{
    if (rank < 0 || rank > OSIB_MAX_RANK)
        return osib_fail(err, OSIB_E_INTERNAL, "%s: rank %d", name, rank);
    hsize_t hd[OSIB_MAX_RANK], chunk[OSIB_MAX_RANK];
    size_t count = 1;
    for (int i = 0; i < rank; i++) {
        hd[i] = chunk[i] = dims[i];
        count *= dims[i];
    }
    osib_status st = OSIB_OK;
    H5E_BEGIN_TRY
    {
        hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        hid_t space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, hd, NULL);
        H5Pset_create_intermediate_group(lcpl, 1);
        H5Pset_obj_track_times(dcpl, 0); /* no timestamps: same numbers, same bytes */
        if ((flags & OSIB_H5_COMPRESS) && rank > 0 && count >= 4096) {
            /* Chunks of at most ~1 MiB along the first axis. */
            size_t row = count / dims[0];
            size_t rows = (1u << 17) / (row ? row : 1);
            chunk[0] = rows < 1 ? 1 : (rows > dims[0] ? dims[0] : rows);
            H5Pset_chunk(dcpl, rank, chunk);
            H5Pset_shuffle(dcpl);
            H5Pset_deflate(dcpl, 6);
        }
        hid_t file_type = (flags & OSIB_H5_FLOAT32) ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
        hid_t ds = H5Dcreate2(f->id, name, file_type, space, lcpl, dcpl, H5P_DEFAULT);
        if (ds < 0 || H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0 ||
            (units && write_string_attr(ds, "units", units) != OSIB_OK))
            st = osib_fail(err, OSIB_E_IO, "%s: cannot write dataset %s", f->path, name);
        if (ds >= 0)
            H5Dclose(ds);
        H5Sclose(space);
        H5Pclose(dcpl);
        H5Pclose(lcpl);
    }
    H5E_END_TRY;
    return st;
}

/* ---------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------- */

int osib_h5_exists(osib_h5file *f, const char *name)
{
    int found = 0;
    H5E_BEGIN_TRY
    {
        /* Walk the path one link at a time, and only through hard links:
         * an external link (or a soft link to one) would make the library
         * open another file - one outside the task directory, or a FIFO
         * that blocks the reader - and H5Lexists on "/a/b" traverses "/a". */
        char buf[512];
        snprintf(buf, sizeof buf, "%s", name);
        found = 1;
        for (char *p = buf + 1; found; p++) {
            char saved = *p;
            if (saved == '/' || saved == '\0') {
                *p = '\0';
                H5L_info_t li;
                if (H5Lexists(f->id, buf, H5P_DEFAULT) <= 0 || H5Lget_info(f->id, buf, &li, H5P_DEFAULT) < 0 ||
                    li.type != H5L_TYPE_HARD)
                    found = 0;
                *p = saved;
                if (saved == '\0')
                    break;
            }
        }
        if (found) {
            H5O_info_t info;
            found = H5Oget_info_by_name(f->id, name, &info, H5P_DEFAULT) >= 0 && info.type == H5O_TYPE_DATASET;
        }
    }
    H5E_END_TRY;
    return found;
}

/* A dataset whose values live in this file and are stored in a way the
 * library reads without help: no external raw-data files, no virtual
 * mapping onto other datasets, and no filter beyond deflate, shuffle and
 * Fletcher-32 (an unknown filter would make the library look for a plugin
 * to load). Files the kit reads can come from an implementation. */
static osib_status check_storage(osib_h5file *f, const char *name, hid_t ds, osib_err *err)
{
    hid_t dcpl = H5Dget_create_plist(ds);
    if (dcpl < 0)
        return osib_fail(err, OSIB_E_IO, "%s: cannot inspect dataset %s", f->path, name);
    osib_status st = OSIB_OK;
    if (H5Pget_external_count(dcpl) != 0)
        st = osib_fail(err, OSIB_E_DATA, "%s: dataset %s keeps its values in external files: not allowed", f->path,
                       name);
    else if (H5Pget_layout(dcpl) == H5D_VIRTUAL)
        st = osib_fail(err, OSIB_E_DATA, "%s: dataset %s is a virtual dataset: not allowed", f->path, name);
    int nfilters = st == OSIB_OK ? H5Pget_nfilters(dcpl) : 0;
    for (int i = 0; st == OSIB_OK && i < nfilters; i++) {
        unsigned flags, config;
        size_t nvalues = 0;
        char filter_name[64];
        H5Z_filter_t id =
            H5Pget_filter2(dcpl, (unsigned)i, &flags, &nvalues, NULL, sizeof filter_name, filter_name, &config);
        if (id != H5Z_FILTER_DEFLATE && id != H5Z_FILTER_SHUFFLE && id != H5Z_FILTER_FLETCHER32)
            st = osib_fail(err, OSIB_E_DATA,
                           "%s: dataset %s uses HDF5 filter %d: only deflate, shuffle and fletcher32 are read", f->path,
                           name, (int)id);
    }
    H5Pclose(dcpl);
    return st;
}

/* The first component of name that is a link but not a hard one ("" when
 * none): an external or soft link the kit will not follow. */
static void soft_link_in(osib_h5file *f, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    H5E_BEGIN_TRY
    {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", name);
        for (char *p = buf + 1;; p++) {
            char saved = *p;
            if (saved == '/' || saved == '\0') {
                *p = '\0';
                H5L_info_t li;
                int exists = H5Lexists(f->id, buf, H5P_DEFAULT) > 0;
                if (exists && H5Lget_info(f->id, buf, &li, H5P_DEFAULT) >= 0 && li.type != H5L_TYPE_HARD)
                    snprintf(out, cap, "%s", buf);
                *p = saved;
                if (!exists || out[0] || saved == '\0')
                    break;
            }
        }
    }
    H5E_END_TRY;
}

osib_status osib_h5_shape(osib_h5file *f, const char *name, int *rank, size_t dims[OSIB_MAX_RANK], osib_err *err)
{
    if (!osib_h5_exists(f, name)) {
        char link[512];
        soft_link_in(f, name, link, sizeof link);
        if (link[0])
            return osib_fail(err, OSIB_E_DATA,
                             "%s: %s is an external or soft link: datasets must be in the file itself", f->path, link);
        return osib_fail(err, OSIB_E_DATA, "%s: dataset %s is missing", f->path, name);
    }
    osib_status st = OSIB_OK;
    H5E_BEGIN_TRY
    {
        hid_t ds = H5Dopen2(f->id, name, H5P_DEFAULT);
        hid_t type = ds >= 0 ? H5Dget_type(ds) : -1;
        hid_t space = ds >= 0 ? H5Dget_space(ds) : -1;
        if (ds < 0 || type < 0 || space < 0) {
            st = osib_fail(err, OSIB_E_IO, "%s: cannot open dataset %s", f->path, name);
        } else if ((st = check_storage(f, name, ds, err)) != OSIB_OK) {
            /* refused */
        } else if (H5Tget_class(type) != H5T_FLOAT) {
            st = osib_fail(err, OSIB_E_DATA, "%s: dataset %s is not floating point", f->path, name);
        } else {
            int r = H5Sget_simple_extent_ndims(space);
            hsize_t hd[H5S_MAX_RANK];
            if (r < 0 || r > OSIB_MAX_RANK || H5Sget_simple_extent_dims(space, hd, NULL) < 0) {
                st = osib_fail(err, OSIB_E_DATA, "%s: dataset %s has rank %d (at most %d expected)", f->path, name, r,
                               OSIB_MAX_RANK);
            } else {
                *rank = r;
                for (int i = 0; i < r; i++)
                    dims[i] = (size_t)hd[i];
            }
        }
        if (space >= 0)
            H5Sclose(space);
        if (type >= 0)
            H5Tclose(type);
        if (ds >= 0)
            H5Dclose(ds);
    }
    H5E_END_TRY;
    return st;
}

static void format_dims(char *buf, size_t cap, int rank, const size_t *dims)
{
    size_t len = 0;
    len += (size_t)snprintf(buf + len, cap - len, "[");
    for (int i = 0; i < rank && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%zu", i ? ", " : "", dims[i]);
    if (len < cap)
        snprintf(buf + len, cap - len, "]");
}

/* The dataset must exist, be floating point, and have exactly this shape;
 * *count gets the number of elements. Nothing is allocated before this. */
static osib_status check_shape(osib_h5file *f, const char *name, int rank, const size_t *dims, size_t *count,
                               osib_err *err)
{
    int r;
    size_t got[OSIB_MAX_RANK];
    osib_status st = osib_h5_shape(f, name, &r, got, err);
    if (st != OSIB_OK)
        return st;
    int same = r == rank;
    for (int i = 0; same && i < rank; i++)
        same = got[i] == dims[i];
    if (!same) {
        char want_s[96], got_s[96];
        format_dims(want_s, sizeof want_s, rank, dims);
        format_dims(got_s, sizeof got_s, r, got);
        return osib_fail(err, OSIB_E_DATA, "%s: dataset %s has shape %s, expected %s", f->path, name, got_s, want_s);
    }
    *count = 1;
    for (int i = 0; i < rank; i++)
        *count *= dims[i];
    return OSIB_OK;
}

static osib_status read_checked(osib_h5file *f, const char *name, size_t count, double *out, osib_err *err)
{
    osib_status st = OSIB_OK;
    H5E_BEGIN_TRY
    {
        hid_t ds = H5Dopen2(f->id, name, H5P_DEFAULT);
        if (ds < 0 || H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
            st = osib_fail(err, OSIB_E_IO, "%s: cannot read dataset %s (truncated or damaged file?)", f->path, name);
        if (ds >= 0)
            H5Dclose(ds);
    }
    H5E_END_TRY;
    if (st != OSIB_OK)
        return st;
    for (size_t k = 0; k < count; k++)
        if (!isfinite(out[k]))
            return osib_fail(err, OSIB_E_DATA, "%s: dataset %s holds %s at flat index %zu", f->path, name,
                             isnan(out[k]) ? "NaN" : "Inf", k);
    return OSIB_OK;
}

osib_status osib_h5_read(osib_h5file *f, const char *name, int rank, const size_t *dims, double *out, osib_err *err)
{
    size_t count;
    osib_status st = check_shape(f, name, rank, dims, &count, err);
    if (st != OSIB_OK)
        return st;
    return read_checked(f, name, count, out, err);
}

osib_status osib_h5_read_alloc(osib_h5file *f, const char *name, int rank, const size_t *dims, double **out,
                               osib_err *err)
{
    size_t count;
    *out = NULL;
    osib_status st = check_shape(f, name, rank, dims, &count, err);
    if (st != OSIB_OK)
        return st;
    if (count > SIZE_MAX / sizeof(double) || !(*out = malloc((count ? count : 1) * sizeof(double))))
        return osib_fail(err, OSIB_E_NOMEM, "%s: out of memory for dataset %s (%zu values)", f->path, name, count);
    st = read_checked(f, name, count, *out, err);
    if (st != OSIB_OK) {
        free(*out);
        *out = NULL;
    }
    return st;
}

/* ---------------------------------------------------------------------------
 * Attributes
 * ------------------------------------------------------------------------- */

osib_status osib_h5_set_attr_string(osib_h5file *f, const char *name, const char *attr, const char *value,
                                    osib_err *err)
{
    osib_status st = OSIB_E_IO;
    H5E_BEGIN_TRY
    {
        hid_t obj = H5Oopen(f->id, name, H5P_DEFAULT);
        if (obj >= 0) {
            st = write_string_attr(obj, attr, value);
            H5Oclose(obj);
        }
    }
    H5E_END_TRY;
    if (st != OSIB_OK)
        return osib_fail(err, OSIB_E_IO, "%s: cannot write attribute %s on %s", f->path, attr, name);
    return OSIB_OK;
}

osib_status osib_h5_set_attr_double(osib_h5file *f, const char *name, const char *attr, double value, osib_err *err)
{
    herr_t r = -1;
    H5E_BEGIN_TRY
    {
        hid_t obj = H5Oopen(f->id, name, H5P_DEFAULT);
        hid_t space = H5Screate(H5S_SCALAR);
        if (obj >= 0 && space >= 0) {
            if (H5Aexists(obj, attr) > 0)
                H5Adelete(obj, attr);
            hid_t a = H5Acreate2(obj, attr, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
            if (a >= 0) {
                r = H5Awrite(a, H5T_NATIVE_DOUBLE, &value);
                H5Aclose(a);
            }
        }
        if (space >= 0)
            H5Sclose(space);
        if (obj >= 0)
            H5Oclose(obj);
    }
    H5E_END_TRY;
    if (r < 0)
        return osib_fail(err, OSIB_E_IO, "%s: cannot write attribute %s on %s", f->path, attr, name);
    return OSIB_OK;
}

osib_status osib_h5_get_attr_string(osib_h5file *f, const char *name, const char *attr, char *buf, size_t cap,
                                    osib_err *err)
{
    osib_status st = OSIB_OK;
    H5E_BEGIN_TRY
    {
        hid_t a = H5Aopen_by_name(f->id, name, attr, H5P_DEFAULT, H5P_DEFAULT);
        hid_t type = a >= 0 ? H5Aget_type(a) : -1;
        if (a < 0 || type < 0 || H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0) {
            st = osib_fail(err, OSIB_E_DATA, "%s: attribute %s of %s is missing or not a fixed-length string", f->path,
                           attr, name);
        } else {
            size_t size = H5Tget_size(type);
            char *tmp = size < (1u << 20) ? calloc(size + 2, 1) : NULL;
            if (!tmp) {
                st = osib_fail(err, OSIB_E_DATA, "%s: attribute %s of %s is too large", f->path, attr, name);
            } else {
                hid_t mem = H5Tcopy(H5T_C_S1);
                H5Tset_size(mem, size + 1);
                H5Tset_strpad(mem, H5T_STR_NULLTERM);
                if (H5Aread(a, mem, tmp) < 0)
                    st = osib_fail(err, OSIB_E_IO, "%s: cannot read attribute %s", f->path, attr);
                else if (strlen(tmp) + 1 > cap)
                    st = osib_fail(err, OSIB_E_DATA, "%s: attribute %s of %s is too long", f->path, attr, name);
                else
                    memcpy(buf, tmp, strlen(tmp) + 1);
                H5Tclose(mem);
                free(tmp);
            }
        }
        if (type >= 0)
            H5Tclose(type);
        if (a >= 0)
            H5Aclose(a);
    }
    H5E_END_TRY;
    return st;
}

osib_status osib_h5_get_attr_double(osib_h5file *f, const char *name, const char *attr, double *value, osib_err *err)
{
    osib_status st = OSIB_OK;
    H5E_BEGIN_TRY
    {
        hid_t a = H5Aopen_by_name(f->id, name, attr, H5P_DEFAULT, H5P_DEFAULT);
        hid_t type = a >= 0 ? H5Aget_type(a) : -1;
        hid_t space = a >= 0 ? H5Aget_space(a) : -1;
        if (a < 0 || type < 0 || space < 0 || H5Tget_class(type) != H5T_FLOAT ||
            H5Sget_simple_extent_npoints(space) != 1 || H5Aread(a, H5T_NATIVE_DOUBLE, value) < 0 || !isfinite(*value))
            st = osib_fail(err, OSIB_E_DATA, "%s: attribute %s of %s is missing or not one finite number", f->path,
                           attr, name);
        if (space >= 0)
            H5Sclose(space);
        if (type >= 0)
            H5Tclose(type);
        if (a >= 0)
            H5Aclose(a);
    }
    H5E_END_TRY;
    return st;
}

/* ---------------------------------------------------------------------------
 * Visiting
 * ------------------------------------------------------------------------- */

typedef struct {
    osib_h5_visit_fn fn;
    void *ctx;
    osib_status st;
} visit_state;

static herr_t visit_cb(hid_t obj, const char *name, const H5O_info_t *info, void *op_data)
{
    (void)obj;
    visit_state *vs = op_data;
    if (info->type != H5O_TYPE_DATASET)
        return 0;
    char path[1024];
    snprintf(path, sizeof path, "/%s", name);
    vs->st = vs->fn(vs->ctx, path);
    return vs->st == OSIB_OK ? 0 : 1;
}

osib_status osib_h5_each_dataset(osib_h5file *f, osib_h5_visit_fn fn, void *ctx, osib_err *err)
{
    visit_state vs = {fn, ctx, OSIB_OK};
    herr_t r;
    H5E_BEGIN_TRY { r = H5Ovisit(f->id, H5_INDEX_NAME, H5_ITER_INC, visit_cb, &vs); }
    H5E_END_TRY;
    if (vs.st != OSIB_OK)
        return vs.st;
    if (r < 0)
        return osib_fail(err, OSIB_E_IO, "%s: cannot list datasets", f->path);
    return OSIB_OK;
}
