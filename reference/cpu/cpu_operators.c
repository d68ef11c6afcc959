/*
 * cpu_operators.c - F, F^T, J, J^T and the FWI gradient in float32 with
 * OpenMP threads over the outer axes and SIMD along z
 * (spec/acoustic.md, section 9; layout and coefficients in cpu_problem.h).
 */
#include "cpu_operators.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Hot loops
 * ------------------------------------------------------------------------- */

/* Laplacian at offset x of a stored field (inlined into the step loops). */
static inline float laplacian(const cpu_problem *p, const float *u, size_t x)
{
    const size_t sx = p->stride[0], sy = p->stride[1];
    float lap = (p->wx[0] + p->wy[0] + p->wz[0]) * u[x];
    for (int k = 1; k <= p->half; k++) {
        lap += p->wx[k] * (u[x + (size_t)k * sx] + u[x - (size_t)k * sx]);
        lap += p->wz[k] * (u[x + (size_t)k] + u[x - (size_t)k]);
        if (p->ndim == 3)
            lap += p->wy[k] * (u[x + (size_t)k * sy] + u[x - (size_t)k * sy]);
    }
    return lap;
}

/* next = alpha L cur + beta cur - gamma prev on every padded point. next
 * must not alias cur (it may alias prev). */
static void step(const cpu_problem *p, const float *restrict cur, const float *prev, float *next)
{
    const float *restrict alpha = p->alpha, *restrict beta = p->beta, *restrict gamma = p->gamma;
    const size_t nx = p->N[0], ny = p->N[1], nz = p->N[2];
#pragma omp parallel for collapse(2) schedule(static)
    for (size_t ix = 0; ix < nx; ix++)
        for (size_t iy = 0; iy < ny; iy++) {
            size_t row = cpu_at(p, ix, iy, 0);
#pragma omp simd
            for (size_t iz = 0; iz < nz; iz++) {
                size_t x = row + iz;
                next[x] = alpha[x] * laplacian(p, cur, x) + beta[x] * cur[x] - gamma[x] * prev[x];
            }
        }
}

/* The Born step: du_next = alpha L du + beta du - gamma du_prev
 *                          - (alpha/dt^2) dm (u_next - 2 u + u_prev). */
static void born_step(const cpu_problem *p, const float *restrict du, const float *du_prev, float *du_next,
                      const float *restrict dm, const float *restrict u_next, const float *restrict u,
                      const float *restrict u_prev)
{
    const float *restrict alpha = p->alpha, *restrict beta = p->beta, *restrict gamma = p->gamma;
    const float inv_dt2 = (float)(1.0 / (p->dt_ms * p->dt_ms));
    const size_t nx = p->N[0], ny = p->N[1], nz = p->N[2];
#pragma omp parallel for collapse(2) schedule(static)
    for (size_t ix = 0; ix < nx; ix++)
        for (size_t iy = 0; iy < ny; iy++) {
            size_t row = cpu_at(p, ix, iy, 0);
#pragma omp simd
            for (size_t iz = 0; iz < nz; iz++) {
                size_t x = row + iz;
                float src = dm[x] * (u_next[x] - 2.0f * u[x] + u_prev[x]);
                du_next[x] = alpha[x] * (laplacian(p, du, x) - inv_dt2 * src) + beta[x] * du[x] - gamma[x] * du_prev[x];
            }
        }
}

/* g -= u (v_next - 2 v + v_prev) / dt^2 */
static void imaging(const cpu_problem *p, float *restrict g, const float *restrict u, const float *restrict v_next,
                    const float *restrict v, const float *restrict v_prev)
{
    const float inv_dt2 = (float)(1.0 / (p->dt_ms * p->dt_ms));
    const size_t nx = p->N[0], ny = p->N[1], nz = p->N[2];
#pragma omp parallel for collapse(2) schedule(static)
    for (size_t ix = 0; ix < nx; ix++)
        for (size_t iy = 0; iy < ny; iy++) {
            size_t row = cpu_at(p, ix, iy, 0);
#pragma omp simd
            for (size_t iz = 0; iz < nz; iz++) {
                size_t x = row + iz;
                g[x] -= u[x] * (v_next[x] - 2.0f * v[x] + v_prev[x]) * inv_dt2;
            }
        }
}

static void inject(const cpu_sparse *s, const double *values, const float *scale, float *field)
{
    for (size_t i = 0; i < s->npoint; i++) {
        float v = (float)values[i];
        for (int c = 0; c < s->ncorner; c++) {
            size_t k = i * (size_t)s->ncorner + (size_t)c;
            if (s->weight[k] != 0.0f)
                field[s->offset[k]] += s->weight[k] * scale[s->offset[k]] * v;
        }
    }
}

static void interpolate(const cpu_sparse *s, const float *field, double *out)
{
    for (size_t i = 0; i < s->npoint; i++) {
        float sum = 0.0f;
        for (int c = 0; c < s->ncorner; c++) {
            size_t k = i * (size_t)s->ncorner + (size_t)c;
            if (s->weight[k] != 0.0f)
                sum += s->weight[k] * field[s->offset[k]];
        }
        out[i] = sum;
    }
}

/* ---------------------------------------------------------------------------
 * Wavefields: a ring of three levels, or the whole history.
 * ------------------------------------------------------------------------- */

typedef struct {
    float *ring[3];
    float *history;
    size_t nstore;
} wavefield;

static osib_status wavefield_alloc(wavefield *w, const cpu_problem *p, int keep_history, osib_err *err)
{
    memset(w, 0, sizeof *w);
    w->nstore = p->nstore;
    if (keep_history) {
        size_t bytes = p->nt * p->nstore * sizeof(float);
        w->history = aligned_alloc(64, (bytes + 63) / 64 * 64);
        if (!w->history)
            return osib_fail(err, OSIB_E_NOMEM, "out of memory for the wavefield history (%.1f GiB)",
                             (double)bytes / 1073741824.0);
            /* Only the two initial levels and the halos must be zero; every
             * padded point of later levels is written by the step. Zero it all
             * anyway, in parallel, so the pages are touched by their threads. */
#pragma omp parallel for schedule(static)
        for (size_t n = 0; n < p->nt; n++)
            memset(w->history + n * p->nstore, 0, p->nstore * sizeof(float));
        return OSIB_OK;
    }
    for (int i = 0; i < 3; i++)
        if (!(w->ring[i] = cpu_field_alloc(p))) {
            for (int j = 0; j < i; j++)
                free(w->ring[j]);
            return osib_fail(err, OSIB_E_NOMEM, "out of memory for the wavefields");
        }
    return OSIB_OK;
}

static void wavefield_free(wavefield *w)
{
    free(w->history);
    for (int i = 0; i < 3; i++)
        free(w->ring[i]);
}

static float *level(const wavefield *w, size_t n) { return w->history ? w->history + n * w->nstore : w->ring[n % 3]; }

static void report(const cpu_problem *p, size_t done, size_t total)
{
    if (p->progress)
        p->progress(p->progress_ctx, done, total);
}

/* ---------------------------------------------------------------------------
 * Passes
 * ------------------------------------------------------------------------- */

static void forward_pass(const cpu_problem *p, const double *q, double *d, const wavefield *u, size_t total)
{
    const size_t ns = p->src.npoint, nr = p->rec.npoint;
    if (d) {
        memset(d, 0, nr * sizeof *d);
        memset(d + (p->nt - 1) * nr, 0, nr * sizeof *d);
    }
    for (size_t n = 1; n <= p->nt - 2; n++) {
        step(p, level(u, n), level(u, n - 1), level(u, n + 1));
        inject(&p->src, q + n * ns, p->inj_scale, level(u, n + 1));
        if (d)
            interpolate(&p->rec, level(u, n), d + n * nr);
        report(p, n, total);
    }
}

static void adjoint_pass(const cpu_problem *p, const double *d, double *q, const wavefield *u, float *g,
                         const wavefield *v, size_t done, size_t total)
{
    const size_t ns = p->src.npoint, nr = p->rec.npoint;
    if (q) {
        memset(q, 0, ns * sizeof *q);
        memset(q + (p->nt - 1) * ns, 0, ns * sizeof *q);
    }
    for (size_t k = 0; k < p->nt - 2; k++) {
        size_t n = p->nt - 2 - k;
        float *v_next = level(v, n + 1), *v_cur = level(v, n), *v_prev = level(v, n - 1);
        step(p, v_cur, v_next, v_prev);
        inject(&p->rec, d + n * nr, p->inj_scale, v_prev);
        if (q)
            interpolate(&p->src, v_cur, q + n * ns);
        if (g)
            imaging(p, g, level(u, n), v_next, v_cur, v_prev);
        report(p, done + k + 1, total);
    }
}

/* E^T of a padded float field, in double. */
static void fold(const cpu_problem *p, const float *g, double *image)
{
    const size_t nphys = p->n[0] * p->n[1] * p->n[2];
    memset(image, 0, nphys * sizeof *image);
    for (size_t ix = 0; ix < p->N[0]; ix++)
        for (size_t iy = 0; iy < p->N[1]; iy++)
            for (size_t iz = 0; iz < p->N[2]; iz++) {
                size_t kx =
                    ix < (size_t)p->nbl ? 0 : (ix - (size_t)p->nbl >= p->n[0] ? p->n[0] - 1 : ix - (size_t)p->nbl);
                size_t nbly = p->ndim == 3 ? (size_t)p->nbl : 0;
                size_t ky = iy < nbly ? 0 : (iy - nbly >= p->n[1] ? p->n[1] - 1 : iy - nbly);
                size_t kz =
                    iz < (size_t)p->nbl ? 0 : (iz - (size_t)p->nbl >= p->n[2] ? p->n[2] - 1 : iz - (size_t)p->nbl);
                image[(kx * p->n[1] + ky) * p->n[2] + kz] += g[cpu_at(p, ix, iy, iz)];
            }
}

/* E of a physical array into a padded float field. */
static void extend(const cpu_problem *p, const double *a, float *f)
{
    for (size_t ix = 0; ix < p->N[0]; ix++)
        for (size_t iy = 0; iy < p->N[1]; iy++)
            for (size_t iz = 0; iz < p->N[2]; iz++) {
                size_t kx =
                    ix < (size_t)p->nbl ? 0 : (ix - (size_t)p->nbl >= p->n[0] ? p->n[0] - 1 : ix - (size_t)p->nbl);
                size_t nbly = p->ndim == 3 ? (size_t)p->nbl : 0;
                size_t ky = iy < nbly ? 0 : (iy - nbly >= p->n[1] ? p->n[1] - 1 : iy - nbly);
                size_t kz =
                    iz < (size_t)p->nbl ? 0 : (iz - (size_t)p->nbl >= p->n[2] ? p->n[2] - 1 : iz - (size_t)p->nbl);
                f[cpu_at(p, ix, iy, iz)] = (float)a[(kx * p->n[1] + ky) * p->n[2] + kz];
            }
}

/* ---------------------------------------------------------------------------
 * Operators
 * ------------------------------------------------------------------------- */

osib_status cpu_forward(cpu_problem *p, const double *q, double *d, osib_err *err)
{
    wavefield u;
    osib_status st = wavefield_alloc(&u, p, 0, err);
    if (st != OSIB_OK)
        return st;
    forward_pass(p, q, d, &u, p->nt - 2);
    wavefield_free(&u);
    return OSIB_OK;
}

osib_status cpu_adjoint(cpu_problem *p, const double *d, double *q, osib_err *err)
{
    wavefield v;
    osib_status st = wavefield_alloc(&v, p, 0, err);
    if (st != OSIB_OK)
        return st;
    adjoint_pass(p, d, q, NULL, NULL, &v, 0, p->nt - 2);
    wavefield_free(&v);
    return OSIB_OK;
}

osib_status cpu_born(cpu_problem *p, const double *q, const double *dm, double *d, osib_err *err)
{
    const size_t ns = p->src.npoint, nr = p->rec.npoint;
    wavefield u, du;
    float *dm_pad = NULL;
    osib_status st = wavefield_alloc(&u, p, 0, err);
    if (st != OSIB_OK)
        return st;
    st = wavefield_alloc(&du, p, 0, err);
    if (st != OSIB_OK) {
        wavefield_free(&u);
        return st;
    }
    if (!(dm_pad = cpu_field_alloc(p))) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for dm");
        goto done;
    }
    extend(p, dm, dm_pad);
    memset(d, 0, nr * sizeof *d);
    memset(d + (p->nt - 1) * nr, 0, nr * sizeof *d);
    for (size_t n = 1; n <= p->nt - 2; n++) {
        float *u_next = level(&u, n + 1), *u_cur = level(&u, n), *u_prev = level(&u, n - 1);
        step(p, u_cur, u_prev, u_next);
        inject(&p->src, q + n * ns, p->inj_scale, u_next);
        born_step(p, level(&du, n), level(&du, n - 1), level(&du, n + 1), dm_pad, u_next, u_cur, u_prev);
        interpolate(&p->rec, level(&du, n), d + n * nr);
        report(p, n, p->nt - 2);
    }
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
    wavefield u, v;
    float *g = NULL;
    double *resid = NULL;
    osib_status st = wavefield_alloc(&u, p, 1, err);
    if (st != OSIB_OK)
        return st;
    st = wavefield_alloc(&v, p, 0, err);
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
    forward_pass(p, q, resid, &u, total);
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
    adjoint_pass(p, r, NULL, &u, g, &v, p->nt - 2, total);
    fold(p, g, image);
done:
    free(g);
    free(resid);
    wavefield_free(&u);
    wavefield_free(&v);
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
    double fields = 4; /* alpha, beta, gamma, injection scale */
    switch (op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_ADJOINT: fields += 3; break;
    case OSIB_OP_BORN: fields += 7; break;
    case OSIB_OP_BORN_ADJOINT:
    case OSIB_OP_GRADIENT: fields += (double)s->nt + 4; break;
    case OSIB_OP_COUNT: break;
    }
    double sparse = (double)s->nt * (double)(s->nsrc + 2 * s->nrec) * 2 * sizeof(double);
    double total = fields * field + sparse + 3.0 * (double)N[0] * N[1] * N[2] * sizeof(double);
    return total > (double)SIZE_MAX ? SIZE_MAX : (size_t)total;
}
