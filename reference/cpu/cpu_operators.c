/*
 * cpu_operators.c - F, F^T, J, J^T and the FWI gradient in float32 with
 * OpenMP threads over the outer axes and SIMD along z
 * (spec/acoustic.md, section 9; layout and coefficients in cpu_problem.h).
 */
#include "cpu_operators.h"

#include "cpu_fpenv.h"
#include "cpu_sweep.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Wavefields: a ring of two levels (updated in place) or three, or the
 * whole history.
 * ------------------------------------------------------------------------- */

typedef struct {
    float *ring[3];
    int ring_size;
    float *history;
} wavefield;

enum { HISTORY = 0 };

/* Zero what the steps never write: the two initial levels whole, and on
 * every later level the x halo planes and the y halo rows (a step writes
 * each row of the padded grid over its whole stored width, z halo and
 * padding included: cpu_kernels.h). Zeroing the whole history instead
 * would be one more pass over nt fields, as large as the forward pass's
 * own writes. */
static void zero_history(const cpu_problem *p, float *history)
{
    const size_t hx = (size_t)p->halo[0], hy = (size_t)p->halo[1], sx = p->stride[0], sy = p->stride[1];
    const size_t ex = p->ext[0], ey = p->ext[1];
    memset(history, 0, 2 * p->nstore * sizeof(float));
#pragma omp parallel for schedule(static)
    for (size_t n = 2; n < p->nt; n++) {
        float *level = history + n * p->nstore;
        memset(level, 0, hx * sx * sizeof(float));
        memset(level + (ex - hx) * sx, 0, hx * sx * sizeof(float));
        for (size_t ix = hx; ix < ex - hx; ix++) {
            memset(level + ix * sx, 0, hy * sy * sizeof(float));
            memset(level + ix * sx + (ey - hy) * sy, 0, hy * sy * sizeof(float));
        }
    }
}

/* levels: 2 or 3 for a ring, HISTORY for all nt levels. The history is
 * the problem's (cpu_problem.h): allocated on first use and kept, because
 * an FWI loop calls the gradient once per shot and iteration, and the
 * kernel's zeroing of freshly faulted pages costs as much as a third of a
 * gradient here (measured: reference/cpu/README.md). */
static osib_status wavefield_alloc(wavefield *w, cpu_problem *p, int levels, osib_err *err)
{
    memset(w, 0, sizeof *w);
    if (levels == HISTORY) {
        size_t bytes = p->nt * p->nstore * sizeof(float);
        if (!p->history) {
            if (!(p->history = cpu_alloc_huge(bytes)))
                return osib_fail(err, OSIB_E_NOMEM, "out of memory for the wavefield history (%.1f GiB)",
                                 (double)bytes / 1073741824.0);
            zero_history(p, p->history); /* once: what it zeroes is never written */
        }
        w->history = p->history;
        return OSIB_OK;
    }
    w->ring_size = levels;
    for (int i = 0; i < levels; i++)
        if (!(w->ring[i] = cpu_field_alloc(p))) {
            for (int j = 0; j < i; j++)
                free(w->ring[j]);
            return osib_fail(err, OSIB_E_NOMEM, "out of memory for the wavefields");
        }
    return OSIB_OK;
}

static void wavefield_free(wavefield *w)
{
    /* the history stays with the problem */
    for (int i = 0; i < 3; i++)
        free(w->ring[i]);
}

static void report(const cpu_problem *p, size_t done, size_t total)
{
    if (p->progress)
        p->progress(p->progress_ctx, done, total);
}

/* ---------------------------------------------------------------------------
 * Passes: the forward pass writes the data d (or, with a history, keeps
 * every level for the adjoint pass); the adjoint pass writes q or, with g,
 * images.
 * ------------------------------------------------------------------------- */

static void forward_pass(const cpu_problem *p, const double *q, double *d, const wavefield *u, float *save,
                         size_t total)
{
    if (d)
        memset(d, 0, p->nt * p->rec.npoint * sizeof *d);
    cpu_sweep sw = {
        .backward = 0,
        .ring = {u->ring[0], u->ring[1], u->ring[2]},
        .ring_size = u->ring_size,
        .history = u->history,
        .save = save,
        .inject = &p->src,
        .inject_values = q,
        .record = d ? &p->rec : NULL,
        .record_values = d,
        .time_block = p->time_block,
        .progress_done = 0,
        .progress_total = total,
    };
    cpu_sweep_run(p, &sw);
}

static void adjoint_pass(const cpu_problem *p, const double *d, double *q, const wavefield *u, float *g,
                         const wavefield *v, size_t done, size_t total)
{
    if (q)
        memset(q, 0, p->nt * p->src.npoint * sizeof *q);
    cpu_sweep sw = {
        .backward = 1,
        .ring = {v->ring[0], v->ring[1], v->ring[2]},
        .ring_size = v->ring_size,
        .history = v->history,
        .inject = &p->rec,
        .inject_values = d,
        .record = q ? &p->src : NULL,
        .record_values = q,
        .g = g,
        .u_history = u ? u->history : NULL,
        .time_block = p->time_block,
        .progress_done = done,
        .progress_total = total,
    };
    cpu_sweep_run(p, &sw);
}

/* E^T of a padded float field, in double. Threads take physical planes
 * kx, each summing the padded planes that fold onto it (the first and last
 * take the layer's), in increasing ix as a single thread would: no two
 * threads write the same point, and the sums are the same bits. */
static void fold(const cpu_problem *p, const float *g, double *image)
{
    const size_t nphys = p->n[0] * p->n[1] * p->n[2], n0 = p->n[0], nbl = (size_t)p->nbl;
    memset(image, 0, nphys * sizeof *image);
#pragma omp parallel for schedule(static)
    for (size_t kx0 = 0; kx0 < n0; kx0++) {
        const size_t ix_lo = kx0 == 0 ? 0 : kx0 + nbl, ix_hi = kx0 + 1 == n0 ? p->N[0] : kx0 + nbl + 1;
        for (size_t ix = ix_lo; ix < ix_hi; ix++)
            for (size_t iy = 0; iy < p->N[1]; iy++)
                for (size_t iz = 0; iz < p->N[2]; iz++)
                    image[cpu_phys_index(p, ix, iy, iz)] += g[cpu_at(p, ix, iy, iz)];
    }
}

/* E of a physical array into a padded float field. */
static void extend(const cpu_problem *p, const double *a, float *f)
{
    for (size_t ix = 0; ix < p->N[0]; ix++)
        for (size_t iy = 0; iy < p->N[1]; iy++)
            for (size_t iz = 0; iz < p->N[2]; iz++)
                f[cpu_at(p, ix, iy, iz)] = (float)a[cpu_phys_index(p, ix, iy, iz)];
}

/* ---------------------------------------------------------------------------
 * Operators
 * ------------------------------------------------------------------------- */

osib_status cpu_forward(cpu_problem *p, const double *q, double *d, osib_err *err)
{
    wavefield u;
    osib_status st = wavefield_alloc(&u, p, 2, err);
    if (st != OSIB_OK)
        return st;
    forward_pass(p, q, d, &u, NULL, p->nt - 2);
    wavefield_free(&u);
    return OSIB_OK;
}

osib_status cpu_adjoint(cpu_problem *p, const double *d, double *q, osib_err *err)
{
    wavefield v;
    osib_status st = wavefield_alloc(&v, p, 2, err);
    if (st != OSIB_OK)
        return st;
    adjoint_pass(p, d, q, NULL, NULL, &v, 0, p->nt - 2);
    wavefield_free(&v);
    return OSIB_OK;
}

/* One Born step: the background u (ring of 3: the Born source reads three
 * of its levels), then the scattered du (ring of 2, in place), each with
 * its sparse work plane by plane. */
static void born_step(const cpu_problem *p, const cpu_sweep *su, const cpu_sweep *sdu, size_t j, const float *dm)
{
    const size_t nx = p->N[0], ny = p->N[1], n = j + 1;
    cpu_update a = {
        .mode = CPU_UPDATE_BORN,
        .cur = cpu_sweep_level(p, sdu, n),
        .older = cpu_sweep_level(p, sdu, n - 1),
        .newer = cpu_sweep_level(p, sdu, n + 1),
        .inv_dt2 = (float)(1.0 / (p->dt_ms * p->dt_ms)),
        .dm = dm,
        .u_next = cpu_sweep_level(p, su, n + 1),
        .u_cur = cpu_sweep_level(p, su, n),
        .u_prev = cpu_sweep_level(p, su, n - 1),
    };
#pragma omp parallel
    {
        const cpu_fpenv saved = cpu_fpenv_flush();
#pragma omp for collapse(2) schedule(static)
        for (size_t ix = 0; ix < nx; ix++)
            for (size_t iy = 0; iy < ny; iy++) {
                const cpu_block b = {.ix = ix, .iy0 = iy, .iy1 = iy + 1};
                cpu_sweep_block(p, su, j, &b);
            }
        cpu_fpenv_restore(saved);
    }
    for (size_t ix = 0; ix < nx; ix++) {
        const cpu_block b = cpu_whole_plane(p, ix);
        cpu_sweep_sparse(p, su, j, &b);
    }
#pragma omp parallel
    {
        const cpu_fpenv saved = cpu_fpenv_flush();
#pragma omp for collapse(2) schedule(static)
        for (size_t ix = 0; ix < nx; ix++)
            for (size_t iy = 0; iy < ny; iy++)
                cpu_update_rows(p, &a, ix, iy, iy + 1);
        cpu_fpenv_restore(saved);
    }
    if (n + 1 <= p->nt - 2)
        for (size_t ix = 0; ix < nx; ix++) {
            const cpu_block b = cpu_whole_plane(p, ix);
            cpu_sparse_record_block(&p->rec, &b, a.newer, sdu->record_values + (n + 1) * p->rec.npoint);
        }
}

osib_status cpu_born(cpu_problem *p, const double *q, const double *dm, double *d, osib_err *err)
{
    wavefield u, du;
    float *dm_pad = NULL;
    osib_status st = wavefield_alloc(&u, p, 3, err);
    if (st != OSIB_OK)
        return st;
    st = wavefield_alloc(&du, p, 2, err);
    if (st != OSIB_OK) {
        wavefield_free(&u);
        return st;
    }
    if (!(dm_pad = cpu_field_alloc(p))) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for dm");
        goto done;
    }
    extend(p, dm, dm_pad);
    memset(d, 0, p->nt * p->rec.npoint * sizeof *d);
    /* The background records nothing; the scattered field injects nothing
     * (its source is the Born term) and records d. */
    cpu_sweep su = {.ring = {u.ring[0], u.ring[1], u.ring[2]}, .ring_size = 3, .inject = &p->src, .inject_values = q};
    cpu_sweep sdu = {.ring = {du.ring[0], du.ring[1]}, .ring_size = 2, .record = &p->rec, .record_values = d};
    const cpu_fpenv saved = cpu_fpenv_flush(); /* the sparse work (cpu_fpenv.h) */
    for (size_t j = 0; j < p->nt - 2; j++) {
        born_step(p, &su, &sdu, j, dm_pad);
        report(p, j + 1, p->nt - 2);
    }
    cpu_fpenv_restore(saved);
done:
    free(dm_pad);
    wavefield_free(&u);
    wavefield_free(&du);
    return st;
}

static osib_status born_adjoint_core(cpu_problem *p, const double *q, const double *r_or_dobs, int is_obs, double *phi,
                                     double *image, osib_err *err)
{
    const size_t nr = p->rec.npoint, total = 2 * (p->nt - 2);
    /* The forward pass runs in a ring of two, in cache, and streams each
     * level into the history; the adjoint pass then reuses the ring. */
    wavefield u, ring;
    float *g = NULL;
    double *resid = NULL;
    osib_status st = wavefield_alloc(&u, p, HISTORY, err);
    if (st != OSIB_OK)
        return st;
    st = wavefield_alloc(&ring, p, 2, err);
    if (st != OSIB_OK) {
        wavefield_free(&u);
        return st;
    }
    g = cpu_field_alloc(p);
    resid = is_obs ? malloc(p->nt * (nr ? nr : 1) * sizeof *resid) : NULL;
    if (!g || (is_obs && !resid)) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the gradient");
        goto done;
    }
    forward_pass(p, q, resid, &ring, u.history, total);
    for (int i = 0; i < 2; i++)
        memset(ring.ring[i], 0, p->nstore * sizeof(float));
    const double *r = r_or_dobs;
    if (is_obs) {
        double sum = 0.0;
        for (size_t k = 0; k < p->nt * nr; k++) {
            resid[k] -= r_or_dobs[k];
            sum += resid[k] * resid[k];
        }
        *phi = 0.5 * sum;
        r = resid;
    }
    adjoint_pass(p, r, NULL, &u, g, &ring, p->nt - 2, total);
    fold(p, g, image);
done:
    free(g);
    free(resid);
    wavefield_free(&u);
    wavefield_free(&ring);
    return st;
}

osib_status cpu_born_adjoint(cpu_problem *p, const double *q, const double *r, double *image, osib_err *err)
{
    return born_adjoint_core(p, q, r, 0, NULL, image, err);
}

osib_status cpu_gradient(cpu_problem *p, const double *q, const double *d_obs, double *phi, double *grad, osib_err *err)
{
    return born_adjoint_core(p, q, d_obs, 1, phi, grad, err);
}

size_t cpu_operator_bytes(const osib_setup *s, osib_op op)
{
    /* Sizes only: no allocation. */
    size_t ext[3] = {1, 1, 1}, N[3] = {1, 1, 1};
    int half = s->space_order / 2;
    for (int d = 0; d < s->ndim; d++) {
        int a = (s->ndim == 2 && d == 1) ? 2 : d;
        N[a] = s->shape[d] + 2 * (size_t)s->nbl;
        ext[a] = N[a] + 2 * (size_t)half;
    }
    ext[2] = (ext[2] + CPU_ALIGN_FLOATS - 1) / CPU_ALIGN_FLOATS * CPU_ALIGN_FLOATS;
    double field = (double)ext[0] * (double)ext[1] * (double)ext[2] * sizeof(float);
    double fields = 1; /* alpha */
    switch (op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_ADJOINT: fields += 2; break;      /* a ring of two levels */
    case OSIB_OP_BORN: fields += 3 + 2 + 1; break; /* u ring of 3, du ring of 2, dm */
    case OSIB_OP_BORN_ADJOINT:
    case OSIB_OP_GRADIENT: fields += 2 + 1; break; /* ring of 2 (u, then v), image; history below */
    case OSIB_OP_COUNT: break;
    }
    /* Each field rounded up to a 2 MiB huge page (cpu_alloc_huge). */
    field = ceil(field / 2097152.0) * 2097152.0;
    if (op == OSIB_OP_BORN_ADJOINT || op == OSIB_OP_GRADIENT)
        fields += (double)s->nt * (double)ext[0] * (double)ext[1] * (double)ext[2] * sizeof(float) / field;
    double sparse = (double)s->nt * (double)(s->nsrc + 2 * s->nrec) * 2 * sizeof(double);
    double total = fields * field + sparse + 3.0 * (double)N[0] * N[1] * N[2] * sizeof(double);
    return total > (double)SIZE_MAX ? SIZE_MAX : (size_t)total;
}
