#include "arrays.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"
#include "h5io.h"

size_t osib_array_count(const osib_array_ref *ref)
{
    size_t n = 1;
    for (int i = 0; i < ref->rank; i++)
        n *= ref->dims[i];
    return n;
}

static void join(char *out, size_t cap, const char *dir, const char *file) { snprintf(out, cap, "%s/%s", dir, file); }

/* The file must exist and be a regular file, not a symbolic link: a link
 * to /dev/zero or a FIFO planted by an implementation must not make the
 * runner read forever. Opened without blocking (a FIFO would block an
 * ordinary open) and checked on the descriptor, not the name. */
osib_status osib_regular_file(const char *path, long long *size, osib_err *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return osib_fail(err, OSIB_E_DATA, "%s: %s", path,
                         errno == ELOOP    ? "a symbolic link, not a file"
                         : errno == ENOENT ? "missing"
                                           : strerror(errno));
    struct stat sb;
    int ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
    close(fd);
    if (!ok)
        return osib_fail(err, OSIB_E_DATA, "%s: not a regular file", path);
    if (size)
        *size = (long long)sb.st_size;
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * Raw files
 * ------------------------------------------------------------------------- */

static osib_status read_raw(const char *path, const osib_array_ref *ref, double *out, osib_err *err)
{
    long long size;
    osib_status st = osib_regular_file(path, &size, err);
    if (st != OSIB_OK)
        return st;
    size_t count = osib_array_count(ref), want = count * (size_t)ref->dtype_bytes;
    if ((size_t)size != want)
        return osib_fail(err, OSIB_E_DATA, "%s: %lld bytes, expected %zu (%zu %s values): truncated or wrong shape",
                         path, (long long)size, want, count, ref->dtype_bytes == 4 ? "float32" : "float64");
    FILE *f = fopen(path, "rb");
    if (!f)
        return osib_fail(err, OSIB_E_IO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char buf[8 * 4096];
    size_t done = 0;
    while (done < count) {
        size_t chunk = count - done < 4096 ? count - done : 4096;
        if (fread(buf, (size_t)ref->dtype_bytes, chunk, f) != chunk) {
            fclose(f);
            return osib_fail(err, OSIB_E_IO, "%s: read error", path);
        }
        for (size_t i = 0; i < chunk; i++) {
            const unsigned char *b = buf + i * (size_t)ref->dtype_bytes;
            double v;
            if (ref->dtype_bytes == 8) {
                uint64_t bits = 0;
                for (int k = 7; k >= 0; k--)
                    bits = (bits << 8) | b[k];
                memcpy(&v, &bits, 8);
            } else {
                uint32_t bits = 0;
                float fv;
                for (int k = 3; k >= 0; k--)
                    bits = (bits << 8) | b[k];
                memcpy(&fv, &bits, 4);
                v = fv;
            }
            if (!isfinite(v)) {
                fclose(f);
                return osib_fail(err, OSIB_E_DATA, "%s: %s at flat index %zu", path, isnan(v) ? "NaN" : "Inf",
                                 done + i);
            }
            out[done + i] = v;
        }
        done += chunk;
    }
    fclose(f);
    return OSIB_OK;
}

static osib_status write_raw(const char *path, const osib_array_ref *ref, const double *data, osib_err *err)
{
    char tmp[OSIB_PATH_MAX];
    osib_status st = osib_atomic_tmpname(path, tmp, sizeof tmp, err);
    if (st != OSIB_OK)
        return st;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return osib_fail(err, OSIB_E_IO, "%s: cannot create: %s", tmp, strerror(errno));
    size_t count = osib_array_count(ref);
    int ok = 1;
    for (size_t i = 0; ok && i < count; i++) {
        unsigned char b[8];
        if (ref->dtype_bytes == 8) {
            uint64_t bits;
            memcpy(&bits, &data[i], 8);
            for (int k = 0; k < 8; k++)
                b[k] = (unsigned char)(bits >> (8 * k));
        } else {
            float fv = (float)data[i];
            uint32_t bits;
            memcpy(&bits, &fv, 4);
            for (int k = 0; k < 4; k++)
                b[k] = (unsigned char)(bits >> (8 * k));
        }
        ok = fwrite(b, 1, (size_t)ref->dtype_bytes, f) == (size_t)ref->dtype_bytes;
    }
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        osib_atomic_abort(tmp);
        return osib_fail(err, OSIB_E_IO, "%s: write failed", path);
    }
    return osib_atomic_commit(tmp, path, err);
}

/* ---------------------------------------------------------------------------
 * Sets of arrays
 * ------------------------------------------------------------------------- */

osib_status osib_arrays_read(const char *dir, const osib_array_ref *refs, int n, double **out, osib_err *err)
{
    osib_status st = OSIB_OK;
    char path[OSIB_PATH_MAX];
    for (int i = 0; i < n; i++)
        out[i] = NULL;
    for (int i = 0; st == OSIB_OK && i < n; i++) {
        const osib_array_ref *ref = &refs[i];
        join(path, sizeof path, dir, ref->file);
        if (ref->dataset[0]) {
            osib_h5file f = {.id = -1};
            if ((st = osib_regular_file(path, NULL, err)) == OSIB_OK && (st = osib_h5_open(&f, path, err)) == OSIB_OK) {
                st = osib_h5_read_alloc(&f, ref->dataset, ref->rank, ref->dims, &out[i], err);
                osib_h5_close(&f, NULL);
            }
        } else {
            size_t count = osib_array_count(ref);
            out[i] = malloc((count ? count : 1) * sizeof(double));
            st = out[i] ? read_raw(path, ref, out[i], err)
                        : osib_fail(err, OSIB_E_NOMEM, "out of memory for %s (%zu values)", ref->name, count);
        }
    }
    if (st != OSIB_OK)
        for (int i = 0; i < n; i++) {
            free(out[i]);
            out[i] = NULL;
        }
    return st;
}

osib_status osib_arrays_write(const char *dir, const osib_array_ref *refs, int n, const double *const *data,
                              osib_err *err)
{
    osib_status st = OSIB_OK;
    char path[OSIB_PATH_MAX];
    int done[16] = {0};
    for (int i = 0; st == OSIB_OK && i < n && i < 16; i++) {
        if (done[i])
            continue;
        join(path, sizeof path, dir, refs[i].file);
        if (!refs[i].dataset[0]) {
            st = write_raw(path, &refs[i], data[i], err);
            done[i] = 1;
            continue;
        }
        /* Every array of this HDF5 file, in one atomic write. */
        char tmp[OSIB_PATH_MAX] = "";
        osib_h5file f = {.id = -1};
        st = osib_atomic_tmpname(path, tmp, sizeof tmp, err);
        if (st == OSIB_OK)
            st = osib_h5_create(&f, tmp, err);
        for (int j = i; st == OSIB_OK && j < n && j < 16; j++)
            if (!done[j] && refs[j].dataset[0] && strcmp(refs[j].file, refs[i].file) == 0) {
                st = osib_h5_write(&f, refs[j].dataset, data[j], refs[j].rank, refs[j].dims, NULL,
                                   refs[j].dtype_bytes == 4 ? OSIB_H5_FLOAT32 : 0, err);
                done[j] = 1;
            }
        osib_status cst = osib_h5_close(&f, st == OSIB_OK ? err : NULL);
        if (st == OSIB_OK)
            st = cst;
        if (st == OSIB_OK)
            st = osib_atomic_commit(tmp, path, err);
        else if (tmp[0])
            osib_atomic_abort(tmp);
    }
    return st;
}
