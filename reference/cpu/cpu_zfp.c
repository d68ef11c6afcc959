/*
 * cpu_zfp.c - snapshots compressed with ZFP in fixed-rate mode (cpu_zfp.h).
 *
 * The padded grid of a level is a ZFP field over the stored array, with
 * the stored strides (z fastest: ZFP's x), so that no copy is made; in 2D
 * the two axes are x and z. Compression runs on OpenMP threads where the
 * library was built with them; decompression is serial in ZFP 1.0.
 */
#include "cpu_zfp.h"

#include <stdlib.h>
#include <zfp.h>

#ifdef OSIB_CPU_FLOAT64
#define CPU_ZFP_TYPE zfp_type_double
#else
#define CPU_ZFP_TYPE zfp_type_float
#endif

struct cpu_zfp {
    const cpu_problem *p;
    double rate;        /* bits per value, as ZFP took it */
    size_t level_bytes; /* the most one compressed level takes */
    size_t nlevels;
    unsigned char *bytes; /* nlevels x level_bytes */
    zfp_stream *zs;
};

/* The padded grid of a level at data (NULL: sizes only). */
static zfp_field *grid_field(const cpu_problem *p, const cpu_real *data)
{
    void *first = data ? (void *)(data + cpu_at(p, 0, 0, 0)) : NULL;
    zfp_field *f;
    if (p->ndim == 3) {
        f = zfp_field_3d(first, CPU_ZFP_TYPE, p->N[2], p->N[1], p->N[0]);
        if (f)
            zfp_field_set_stride_3d(f, 1, (ptrdiff_t)p->stride[1], (ptrdiff_t)p->stride[0]);
    } else {
        f = zfp_field_2d(first, CPU_ZFP_TYPE, p->N[2], p->N[0]);
        if (f)
            zfp_field_set_stride_2d(f, 1, (ptrdiff_t)p->stride[0]);
    }
    return f;
}

static zfp_stream *rate_stream(const cpu_problem *p, double rate, double *took)
{
    zfp_stream *zs = zfp_stream_open(NULL);
    if (zs)
        *took = zfp_stream_set_rate(zs, rate, CPU_ZFP_TYPE, (unsigned)p->ndim, zfp_false);
    return zs;
}

size_t cpu_zfp_level_bytes(const cpu_problem *p, double rate)
{
    double took;
    zfp_stream *zs = rate_stream(p, rate, &took);
    zfp_field *f = grid_field(p, NULL);
    const size_t bytes = zs && f ? zfp_stream_maximum_size(zs, f) : 0;
    zfp_field_free(f);
    zfp_stream_close(zs);
    return bytes;
}

osib_status cpu_zfp_open(cpu_zfp **out, const cpu_problem *p, double rate, size_t nlevels, osib_err *err)
{
    *out = NULL;
    if (!(rate >= 1.0 && rate <= 8.0 * sizeof(cpu_real)))
        return osib_fail(err, OSIB_E_USAGE, "ZFP rate %g: want 1 to %zu bits per value", rate, 8 * sizeof(cpu_real));
    cpu_zfp *z = calloc(1, sizeof *z);
    if (!z)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    z->p = p;
    z->nlevels = nlevels;
    z->zs = rate_stream(p, rate, &z->rate);
    z->level_bytes = cpu_zfp_level_bytes(p, rate);
    if (!z->zs || !z->level_bytes) {
        cpu_zfp_close(z);
        return osib_fail(err, OSIB_E_INTERNAL, "ZFP: cannot set up fixed-rate compression at %g bits", rate);
    }
    zfp_stream_set_execution(z->zs, zfp_exec_omp); /* falls back to serial where unsupported */
    if (nlevels && !(z->bytes = malloc(nlevels * z->level_bytes))) {
        const double mib = (double)(nlevels * z->level_bytes) / 1048576.0;
        cpu_zfp_close(z);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for %zu compressed snapshots' levels (%.1f MiB)", nlevels,
                         mib);
    }
    *out = z;
    return OSIB_OK;
}

void cpu_zfp_close(cpu_zfp *z)
{
    if (!z)
        return;
    zfp_stream_close(z->zs);
    free(z->bytes);
    free(z);
}

double cpu_zfp_rate(const cpu_zfp *z) { return z->rate; }

/* Compress (store) or decompress slot k through level. */
static osib_status code(cpu_zfp *z, size_t k, cpu_real *level, int store, osib_err *err)
{
    if (k >= z->nlevels)
        return osib_fail(err, OSIB_E_INTERNAL, "ZFP: slot %zu of %zu", k, z->nlevels);
    zfp_field *f = grid_field(z->p, level);
    bitstream *bs = stream_open(z->bytes + k * z->level_bytes, z->level_bytes);
    size_t done = 0;
    if (f && bs) {
        zfp_stream_set_bit_stream(z->zs, bs);
        zfp_stream_rewind(z->zs);
        if (store)
            done = zfp_compress(z->zs, f);
        else {
            zfp_stream_set_execution(z->zs, zfp_exec_serial); /* ZFP 1.0 decompresses serially only */
            done = zfp_decompress(z->zs, f);
            zfp_stream_set_execution(z->zs, zfp_exec_omp);
        }
    }
    stream_close(bs);
    zfp_field_free(f);
    return done ? OSIB_OK
                : osib_fail(err, OSIB_E_INTERNAL, "ZFP: %s a level failed", store ? "compressing" : "decompressing");
}

osib_status cpu_zfp_store(cpu_zfp *z, size_t k, const cpu_real *level, osib_err *err)
{
    return code(z, k, (cpu_real *)level, 1, err);
}

osib_status cpu_zfp_load(cpu_zfp *z, size_t k, cpu_real *level, osib_err *err) { return code(z, k, level, 0, err); }
