#include "model_file.h"

#include <stdio.h>
#include <string.h>

#include "fileutil.h"
#include "h5io.h"
#include "hash.h"
#include "version.h"

void osib_model_ops_describe(const osib_model_layout *lay, const osib_model_ops *ops, char *buf, size_t cap)
{
    static const char *const n2[] = {"x", "z"}, *const n3[] = {"x", "y", "z"};
    const char *const *names = lay->ndim == 2 ? n2 : n3;
    size_t used = 0;
    buf[0] = '\0';
    int cropped = 0;
    for (int d = 0; d < lay->ndim; d++)
        cropped |= ops->crop_count[d] != 0;
    if (cropped) {
        used += (size_t)snprintf(buf + used, cap - used, "crop");
        for (int d = 0; d < lay->ndim && used < cap; d++)
            used += (size_t)snprintf(buf + used, cap - used, " %s %zu:%zu", names[d], ops->crop_start[d],
                                     ops->crop_count[d]);
    }
    if (ops->resample && used < cap) {
        used += (size_t)snprintf(buf + used, cap - used, "%sresample", cropped ? "; " : "");
        for (int d = 0; d < lay->ndim && used < cap; d++)
            used += (size_t)snprintf(buf + used, cap - used, " %s %zu at %g m", names[d], ops->out_shape[d],
                                     ops->out_spacing_m[d]);
        if (used < cap)
            used += (size_t)snprintf(buf + used, cap - used, " (multilinear)");
    }
    if (!cropped && !ops->resample)
        snprintf(buf, cap, "none (the stored grid)");
}

osib_status osib_model_file_write(const char *path, const double *vp, const osib_model_meta *meta, char vp_sha256[65],
                                  osib_err *err)
{
    size_t n = 1;
    for (int d = 0; d < meta->ndim; d++)
        n *= meta->shape[d];
    osib_status st = osib_sha256_doubles(vp, n, vp_sha256, err);
    if (st != OSIB_OK)
        return st;
    char tmp[OSIB_PATH_MAX];
    if ((st = osib_atomic_tmpname(path, tmp, sizeof tmp, err)) != OSIB_OK)
        return st;
    osib_h5file f;
    if ((st = osib_h5_create(&f, tmp, err)) != OSIB_OK)
        return st;
    const size_t nd = (size_t)meta->ndim;
    char axes[16];
    snprintf(axes, sizeof axes, meta->ndim == 2 ? "x,z" : "x,y,z");
    char created[128];
    snprintf(created, sizeof created, "osib %s (spec %s)", osib_kit_version(), osib_spec_version());
    const struct {
        const char *name, *value;
    } attrs[] = {
        {"osib_model_format", "1"},         {"axis_order", axes},
        {"vp_sha256", vp_sha256},           {"dataset", meta->dataset},
        {"source_file", meta->source_file}, {"source_sha256", meta->source_sha256},
        {"import", meta->import_desc},      {"licence", meta->licence},
        {"citation", meta->citation},       {"created_by", created},
    };
    st = osib_h5_write(&f, "/vp", vp, meta->ndim, meta->shape, "km/s", OSIB_H5_COMPRESS, err);
    if (st == OSIB_OK)
        st = osib_h5_write(&f, "/spacing_m", meta->spacing_m, 1, &nd, "m", 0, err);
    if (st == OSIB_OK)
        st = osib_h5_write(&f, "/origin_m", meta->origin_m, 1, &nd, "m", 0, err);
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0] && st == OSIB_OK; i++)
        st = osib_h5_set_attr_string(&f, "/", attrs[i].name, attrs[i].value[0] ? attrs[i].value : "unknown", err);
    osib_status cst = osib_h5_close(&f, st == OSIB_OK ? err : NULL);
    if (st == OSIB_OK)
        st = cst;
    if (st != OSIB_OK) {
        osib_atomic_abort(tmp);
        return st;
    }
    return osib_atomic_commit(tmp, path, err);
}

osib_status osib_model_file_layout(const char *path, osib_model_layout *lay, osib_err *err)
{
    memset(lay, 0, sizeof *lay);
    osib_h5file f;
    osib_status st = osib_h5_open(&f, path, err);
    if (st != OSIB_OK)
        return st;
    int rank;
    size_t dims[OSIB_MAX_RANK];
    st = osib_h5_shape(&f, "/vp", &rank, dims, err);
    if (st == OSIB_OK && rank != 2 && rank != 3)
        st = osib_fail(err, OSIB_E_DATA, "%s: /vp has rank %d; a model has 2 or 3 axes", path, rank);
    if (st == OSIB_OK) {
        size_t nd = (size_t)rank;
        st = osib_h5_read(&f, "/spacing_m", 1, &nd, lay->spacing_m, err);
    }
    osib_h5_close(&f, NULL);
    if (st != OSIB_OK)
        return st;
    lay->format = OSIB_SRC_HDF5;
    lay->ndim = rank;
    for (int d = 0; d < rank; d++) {
        lay->shape[d] = dims[d];
        lay->storage_order[d] = d;
        if (!(lay->spacing_m[d] > 0.0 && lay->spacing_m[d] <= 1e5))
            return osib_fail(err, OSIB_E_DATA, "%s: /spacing_m[%d] = %g m is not a grid spacing", path, d,
                             lay->spacing_m[d]);
    }
    snprintf(lay->hdf5_dataset, sizeof lay->hdf5_dataset, "/vp");
    lay->units = OSIB_SRC_VP_KMS;
    return OSIB_OK;
}
