#include "operators.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "damping.h"
#include "extend.h"

/* ---------------------------------------------------------------------------
 * Problem set-up
 * ------------------------------------------------------------------------- */

osib_status ref_problem_init(ref_problem *p, const osib_setup *s, osib_err *err)
{
    memset(p, 0, sizeof *p);
    osib_status st = ref_grid_init(&p->grid, s->ndim, s->shape, s->spacing_m, s->origin_m, s->nbl, s->space_order, err);
    if (st != OSIB_OK)
        return st;
    if (s->nt < 3)
        return osib_fail(err, OSIB_E_CASE, "nt = %zu: at least 3 time samples are needed", s->nt);
    if (!(s->dt_ms > 0.0) || !isfinite(s->dt_ms))
        return osib_fail(err, OSIB_E_CASE, "dt_ms = %g: must be positive and finite", s->dt_ms);
    p->dt_ms = s->dt_ms;
    p->nt = s->nt;
    p->nfield = s->tti ? 2 : 1;

    p->m = ref_field_alloc(&p->grid);
    p->eta = ref_field_alloc(&p->grid);
    p->inj_scale = ref_field_alloc(&p->grid);
    if (!p->m || !p->eta || !p->inj_scale) {
        ref_problem_free(p);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the medium (%zu points)", p->grid.nstore);
    }
    ref_damping(&p->grid, p->eta);

    st = ref_sparse_init(&p->src, &p->grid, s->nsrc, s->src_coords_m, err);
    if (st == OSIB_OK)
        st = ref_sparse_init(&p->rec, &p->grid, s->nrec, s->rec_coords_m, err);
    if (st == OSIB_OK)
        st = ref_stepper_init(&p->stepper, &p->grid, p->dt_ms, p->m, p->eta, err);
    if (st == OSIB_OK && s->tti)
        st = ref_tti_init(&p->tti, &p->grid, err);
    if (st != OSIB_OK)
        ref_problem_free(p);
    return st;
}

osib_status ref_problem_set_thomsen(ref_problem *p, const osib_thomsen *th, osib_err *err)
{
    if (p->nfield != 2)
        return osib_fail(err, OSIB_E_USAGE, "Thomsen parameters given to an acoustic problem");
    return ref_tti_set_thomsen(&p->tti, th, err);
}

osib_status ref_problem_set_model(ref_problem *p, const double *vp_phys, osib_err *err)
{
    const ref_grid *g = &p->grid;
    for (size_t k = 0; k < g->nphys; k++)
        if (!(vp_phys[k] > 0.0) || !isfinite(vp_phys[k]))
            return osib_fail(err, OSIB_E_DATA, "vp[%zu] = %g: velocities must be positive and finite", k, vp_phys[k]);

    double *vp = ref_field_alloc(g);
    if (!vp)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the padded model");
    ref_extend(g, vp_phys, vp);
    const double dt = p->dt_ms;
    for (size_t ix = 0; ix < g->N[0]; ix++)
        for (size_t iy = 0; iy < g->N[1]; iy++)
            for (size_t iz = 0; iz < g->N[2]; iz++) {
                size_t x = ref_at(g, ix, iy, iz);
                p->m[x] = 1.0 / (vp[x] * vp[x]);
                p->inj_scale[x] = (dt * dt) * (vp[x] * vp[x]);
            }
    free(vp);
    return OSIB_OK;
}

void ref_problem_free(ref_problem *p)
{
    free(p->m);
    free(p->eta);
    free(p->inj_scale);
    ref_sparse_free(&p->src);
    ref_sparse_free(&p->rec);
    if (p->nfield == 2)
        ref_tti_free(&p->tti);
    p->m = p->eta = p->inj_scale = NULL;
}

/* ---------------------------------------------------------------------------
 * Memory accounting
 * ------------------------------------------------------------------------- */

static size_t sat_mul(size_t a, size_t b) { return (a != 0 && b > SIZE_MAX / a) ? SIZE_MAX : a * b; }
static size_t sat_add(size_t a, size_t b) { return (a > SIZE_MAX - b) ? SIZE_MAX : a + b; }

size_t ref_operator_bytes(const osib_setup *s, osib_op op)
{
    ref_grid g;
    if (ref_grid_init(&g, s->ndim, s->shape, s->spacing_m, s->origin_m, s->nbl, s->space_order, NULL) != OSIB_OK)
        return SIZE_MAX;
    /* m, eta, injection scale, and one temporary while the model is set;
     * for TTI a, b, n (3) and four step temporaries; every wavefield twice. */
    const size_t nf = s->tti ? 2 : 1;
    size_t fields = 4 + (s->tti ? 9 : 0);
    switch (op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_ADJOINT: fields += 3 * nf; break;
    case OSIB_OP_BORN: fields += (3 + 3 + 1) * nf + 1; break; /* u, du rings, Born source, dm */
    case OSIB_OP_BORN_ADJOINT:
    case OSIB_OP_GRADIENT: fields = sat_add(fields + 3 * nf + 1, sat_mul(nf, s->nt)); break; /* history, v, image */
    case OSIB_OP_COUNT: break;
    }
    size_t bytes = sat_mul(sat_mul(fields, g.nstore), sizeof(double));
    /* Sparse data: wavelets, data, residual; and physical-grid arrays. */
    size_t sparse = sat_mul(sat_mul(s->nt, s->nsrc + 2 * s->nrec), 2 * sizeof(double));
    size_t phys = sat_mul(g.nphys, 3 * sizeof(double));
    return sat_add(sat_add(bytes, sparse), phys);
}

/* ---------------------------------------------------------------------------
 * Wavefield storage: a ring of the three most recent time levels, or the
 * whole history when the gradient needs u^n on the way back. A time level
 * holds the problem's nfield fields one after the other (u, then v).
 * ------------------------------------------------------------------------- */

typedef struct {
    double *ring[3];
    double *history; /* nt levels, or NULL */
    size_t nstore;   /* doubles per field */
    size_t nlevel;   /* doubles per time level: nfield x nstore */
} wavefield;

static osib_status wavefield_alloc(wavefield *w, const ref_problem *p, size_t nt_history, osib_err *err)
{
    const ref_grid *g = &p->grid;
    *w = (wavefield){.nstore = g->nstore, .nlevel = (size_t)p->nfield * g->nstore};
    if (nt_history > 0) {
        if (nt_history > SIZE_MAX / w->nlevel)
            return osib_fail(err, OSIB_E_NOMEM, "wavefield history too large");
        w->history = calloc(nt_history * w->nlevel, sizeof(double));
        if (!w->history)
            return osib_fail(err, OSIB_E_NOMEM,
                             "out of memory for the wavefield history (%zu time levels x %zu points)", nt_history,
                             g->nstore);
        return OSIB_OK;
    }
    for (int i = 0; i < 3; i++) {
        w->ring[i] = calloc(w->nlevel, sizeof(double));
        if (!w->ring[i]) {
            for (int j = 0; j < i; j++)
                free(w->ring[j]);
            return osib_fail(err, OSIB_E_NOMEM, "out of memory for wavefields (%zu points)", g->nstore);
        }
    }
    return OSIB_OK;
}

static void wavefield_free(wavefield *w)
{
    free(w->history);
    for (int i = 0; i < 3; i++)
        free(w->ring[i]);
}

/* Field f of time level n. */
static double *field(const wavefield *w, size_t n, int f)
{
    return (w->history ? w->history + n * w->nlevel : w->ring[n % 3]) + (size_t)f * w->nstore;
}

/* One step of every field of a level: the acoustic step (stepping.h), or
 * the TTI one (tti.h), forward or transposed. b holds one right-hand side
 * per field (a level-sized buffer) or is NULL. */
static void step(const ref_problem *p, int transpose, const wavefield *w, size_t n_cur, size_t n_prev, const double *b,
                 size_t n_next)
{
    if (p->nfield == 1) {
        ref_step(&p->stepper, field(w, n_cur, 0), field(w, n_prev, 0), b, field(w, n_next, 0));
        return;
    }
    double *const cur[2] = {field(w, n_cur, 0), field(w, n_cur, 1)};
    double *const prev[2] = {field(w, n_prev, 0), field(w, n_prev, 1)};
    double *const next[2] = {field(w, n_next, 0), field(w, n_next, 1)};
    double *const rhs[2] = {(double *)b, b ? (double *)b + w->nstore : NULL};
    ref_tti_step(&p->tti, &p->stepper, transpose, cur, prev, rhs, next);
}

/* The same injection into every field of time level n. */
static void inject(const ref_problem *p, const ref_sparse *sp, const double *values, const wavefield *w, size_t n)
{
    for (int f = 0; f < p->nfield; f++)
        ref_inject(sp, values, p->inj_scale, field(w, n, f));
}

/* Interpolation of time level n: of u, or of the sum of the two fields. */
static void interpolate(const ref_problem *p, const ref_sparse *sp, const wavefield *w, size_t n, double *out)
{
    if (p->nfield == 1)
        ref_interpolate(sp, field(w, n, 0), out);
    else
        ref_interpolate_sum(sp, field(w, n, 0), field(w, n, 1), out);
}

static void report(const ref_problem *p, size_t done, size_t total)
{
    if (p->progress)
        p->progress(p->progress_ctx, done, total);
}

/* ---------------------------------------------------------------------------
 * The recursions. Time levels n = 0..nt-1; steps n = 1..nt-2.
 * ------------------------------------------------------------------------- */

/* Forward: u^0 = u^1 = 0, and for n = 1..nt-2
 *   u^{n+1} = step(u^n, u^{n-1}) + D P_s^T q^n      (D = dt^2 vp^2)
 *   d^n     = P_r u^n
 * with d^0 = d^{nt-1} = 0. d may be NULL. */
static void forward_pass(const ref_problem *p, const double *q, double *d, const wavefield *u, size_t steps_total)
{
    const size_t ns = p->src.npoint, nr = p->rec.npoint;
    if (d) {
        memset(d, 0, nr * sizeof *d);
        memset(d + (p->nt - 1) * nr, 0, nr * sizeof *d);
    }
    for (size_t n = 1; n <= p->nt - 2; n++) {
        step(p, 0, u, n, n - 1, NULL, n + 1);
        inject(p, &p->src, q + n * ns, u, n + 1);
        if (d)
            interpolate(p, &p->rec, u, n, d + n * nr);
        if (p->snapshot && n == p->snapshot_step)
            for (size_t x = 0; x < p->grid.nstore; x++) /* what the receivers read */
                p->snapshot[x] = p->nfield == 1 ? field(u, n, 0)[x] : field(u, n, 0)[x] + field(u, n, 1)[x];
        report(p, n, steps_total);
    }
}

/* Adjoint: v^{nt-1} = v^{nt-2} = 0, and for n = nt-2 down to 1
 *   v^{n-1} = step(v^n, v^{n+1}) + D P_r^T d^n
 *   q^n     = P_s v^n                                   (if q != NULL)
 *   g      += -u^n (v^{n+1} - 2 v^n + v^{n-1}) / dt^2    (if g != NULL)
 * with q^0 = q^{nt-1} = 0. */
static void adjoint_pass(const ref_problem *p, const double *d, double *q, const wavefield *u, double *g,
                         const wavefield *v, size_t steps_done, size_t steps_total)
{
    const ref_grid *gr = &p->grid;
    const size_t ns = p->src.npoint, nr = p->rec.npoint;
    const double dt2 = p->dt_ms * p->dt_ms;
    if (q) {
        memset(q, 0, ns * sizeof *q);
        memset(q + (p->nt - 1) * ns, 0, ns * sizeof *q);
    }
    for (size_t k = 0; k < p->nt - 2; k++) {
        size_t n = p->nt - 2 - k;
        step(p, 1, v, n, n + 1, NULL, n - 1);
        inject(p, &p->rec, d + n * nr, v, n - 1);
        if (q)
            interpolate(p, &p->src, v, n, q + n * ns);
        for (int f = 0; g && f < p->nfield; f++) { /* u with p, then v with r */
            const double *u_n = field(u, n, f);
            const double *v_next = field(v, n + 1, f), *v_cur = field(v, n, f), *v_prev = field(v, n - 1, f);
            for (size_t ix = 0; ix < gr->N[0]; ix++)
                for (size_t iy = 0; iy < gr->N[1]; iy++)
                    for (size_t iz = 0; iz < gr->N[2]; iz++) {
                        size_t x = ref_at(gr, ix, iy, iz);
                        g[x] -= u_n[x] * (v_next[x] - 2.0 * v_cur[x] + v_prev[x]) / dt2;
                    }
        }
        report(p, steps_done + k + 1, steps_total);
    }
}

/* ---------------------------------------------------------------------------
 * The operators
 * ------------------------------------------------------------------------- */

osib_status ref_forward(ref_problem *p, const double *q, double *d, osib_err *err)
{
    wavefield u;
    osib_status st = wavefield_alloc(&u, p, 0, err);
    if (st != OSIB_OK)
        return st;
    forward_pass(p, q, d, &u, p->nt - 2);
    wavefield_free(&u);
    return OSIB_OK;
}

osib_status ref_adjoint(ref_problem *p, const double *d, double *q, osib_err *err)
{
    wavefield v;
    osib_status st = wavefield_alloc(&v, p, 0, err);
    if (st != OSIB_OK)
        return st;
    adjoint_pass(p, d, q, NULL, NULL, &v, 0, p->nt - 2);
    wavefield_free(&v);
    return OSIB_OK;
}

/* Born: u as in the forward pass, du^0 = du^1 = 0, and for n = 1..nt-2
 *   du^{n+1} = step(du^n, du^{n-1}, b),  b = -dm_pad (u^{n+1} - 2 u^n + u^{n-1})
 *   d^n      = P_r du^n
 * where u^{n+1} already holds the injected source. */
osib_status ref_born(ref_problem *p, const double *q, const double *dm, double *d, osib_err *err)
{
    const ref_grid *g = &p->grid;
    const size_t ns = p->src.npoint, nr = p->rec.npoint;
    wavefield u, du;
    osib_status st = wavefield_alloc(&u, p, 0, err);
    if (st != OSIB_OK)
        return st;
    st = wavefield_alloc(&du, p, 0, err);
    if (st != OSIB_OK) {
        wavefield_free(&u);
        return st;
    }
    double *dm_pad = ref_field_alloc(g), *b = calloc(u.nlevel, sizeof(double));
    if (!dm_pad || !b) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the Born source");
        goto done;
    }
    ref_extend(g, dm, dm_pad);

    memset(d, 0, nr * sizeof *d);
    memset(d + (p->nt - 1) * nr, 0, nr * sizeof *d);
    for (size_t n = 1; n <= p->nt - 2; n++) {
        step(p, 0, &u, n, n - 1, NULL, n + 1);
        inject(p, &p->src, q + n * ns, &u, n + 1);
        for (int f = 0; f < p->nfield; f++) {
            double *u_next = field(&u, n + 1, f), *u_cur = field(&u, n, f), *u_prev = field(&u, n - 1, f);
            double *bf = b + (size_t)f * u.nstore;
            for (size_t ix = 0; ix < g->N[0]; ix++)
                for (size_t iy = 0; iy < g->N[1]; iy++)
                    for (size_t iz = 0; iz < g->N[2]; iz++) {
                        size_t x = ref_at(g, ix, iy, iz);
                        bf[x] = -dm_pad[x] * (u_next[x] - 2.0 * u_cur[x] + u_prev[x]);
                    }
        }
        step(p, 0, &du, n, n - 1, b, n + 1);
        interpolate(p, &p->rec, &du, n, d + n * nr);
        report(p, n, p->nt - 2);
    }
done:
    free(dm_pad);
    free(b);
    wavefield_free(&u);
    wavefield_free(&du);
    return st;
}

/* J^T r: the forward pass keeps every u^n, the adjoint pass driven by r
 * accumulates the image on the padded grid, and E^T folds the absorbing
 * layer back onto the physical grid. d_syn, when not NULL, receives F q. */
static osib_status born_adjoint_core(ref_problem *p, const double *q, const double *r_or_dobs, int r_is_obs,
                                     double *phi, double *image, osib_err *err)
{
    const ref_grid *g = &p->grid;
    const size_t nr = p->rec.npoint;
    const size_t steps_total = 2 * (p->nt - 2);
    wavefield u, v;
    osib_status st = wavefield_alloc(&u, p, p->nt, err);
    if (st != OSIB_OK)
        return st;
    st = wavefield_alloc(&v, p, 0, err);
    if (st != OSIB_OK) {
        wavefield_free(&u);
        return st;
    }
    double *g_pad = ref_field_alloc(g);
    double *resid = r_is_obs ? malloc(p->nt * (nr ? nr : 1) * sizeof *resid) : NULL;
    if (!g_pad || (r_is_obs && !resid)) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the gradient");
        goto done;
    }

    const double *r = r_or_dobs;
    forward_pass(p, q, resid, &u, steps_total);
    if (r_is_obs) {
        /* Residual F q - d_obs over every sample, and Phi in sample order. */
        double sum = 0.0;
        for (size_t k = 0; k < p->nt * nr; k++) {
            resid[k] -= r_or_dobs[k];
            sum += resid[k] * resid[k];
        }
        *phi = 0.5 * sum;
        r = resid;
    }
    adjoint_pass(p, r, NULL, &u, g_pad, &v, p->nt - 2, steps_total);
    ref_extend_transpose(g, g_pad, image);
done:
    free(g_pad);
    free(resid);
    wavefield_free(&u);
    wavefield_free(&v);
    return st;
}

osib_status ref_born_adjoint(ref_problem *p, const double *q, const double *r, double *image, osib_err *err)
{
    return born_adjoint_core(p, q, r, 0, NULL, image, err);
}

osib_status ref_gradient(ref_problem *p, const double *q, const double *d_obs, double *phi, double *grad, osib_err *err)
{
    return born_adjoint_core(p, q, d_obs, 1, phi, grad, err);
}
