/*
 * cpu_tti_operators.c - F, F^T, J, J^T and the FWI gradient of the TTI
 * benchmark (spec/tti.md section 8) in cpu_real: the time loop around
 * cpu_tti.h's blocks, with source injection into both fields, receivers
 * reading their sum, and the imaging condition on both.
 *
 * A time step runs every block of the new level (threads over blocks),
 * then the sparse work plane by plane, in one thread: injection into each
 * field, with what it changes elsewhere (cpu_problem.h's cpu_inject_side:
 * the image, or the Born field), then the receivers. No temporal
 * blocking: a TTI step does 3-4 times the acoustic arithmetic per point
 * on the same fields, so it is bound by the arithmetic and the caches
 * that feed it, not by memory bandwidth (reference/cpu/README.md).
 *
 * Levels. Each field lives in a ring of two levels (the new one
 * overwrites the one two steps back, in place). The gradient's forward
 * pass copies every new level of u and v into the history (level t of
 * field f at history + (2 t + f) nstore), with streaming stores.
 */
#include "cpu_fpenv.h"
#include "cpu_kernels.h"
#include "cpu_operators.h"
#include "cpu_sweep.h"
#include "cpu_tti.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int backward;
    cpu_real *ring[2][2];  /* [field][t % 2]: u, v (forward) or p, r (adjoint) */
    cpu_real *ring2[2][2]; /* BORN: du, dv */
    const cpu_real *dm;    /* BORN, or NULL */
    cpu_real *save;        /* or NULL: every new level of both fields copied here */
    const cpu_sparse *inject;
    const double *inject_values;
    const cpu_sparse *record; /* or NULL */
    double *record_values;
    cpu_real *g;                    /* imaging, or NULL */
    const cpu_real *u_history;      /* imaging: the forward levels */
    const cpu_tti_scratch *scratch; /* one per thread */
    size_t progress_done, progress_total;
} tti_sweep;

static size_t t_new(const cpu_problem *p, const tti_sweep *sw, size_t j)
{
    return sw->backward ? p->nt - 3 - j : j + 2;
}

static const cpu_real *history_level(const cpu_problem *p, const cpu_real *h, size_t t, int f)
{
    return h + (2 * t + (size_t)f) * p->nstore;
}

/* Blocks: tile_x planes by tile_y rows (one row in 2D), numbered plane
 * block first. */
static size_t nblock_y(const cpu_problem *p)
{
    return p->ndim == 3 ? (p->N[1] + (size_t)p->tile_y - 1) / (size_t)p->tile_y : 1;
}

static void tti_step(const cpu_problem *p, const tti_sweep *sw, size_t j)
{
    const size_t tn = t_new(p, sw, j), tc = sw->backward ? tn + 1 : tn - 1, to = sw->backward ? tn + 2 : tn - 2;
    const size_t tx = (size_t)p->tile_x, ty = p->ndim == 3 ? (size_t)p->tile_y : 1;
    const size_t nbx = (p->N[0] + tx - 1) / tx, nby = nblock_y(p);
    const int imaging = sw->g && tc >= 2; /* u^1 = v^1 = 0: no image term */
    cpu_tti_update a = {.mode = CPU_TTI_FORWARD};
    for (int f = 0; f < 2; f++) {
        a.cur[f] = sw->ring[f][tc % 2];
        a.older[f] = sw->ring[f][to % 2];
        a.newer[f] = sw->ring[f][tn % 2];
    }
    a.x = a.cur[0];
    a.y = a.cur[1];
    if (sw->save) {
        a.save[0] = (cpu_real *)history_level(p, sw->save, tn, 0);
        a.save[1] = (cpu_real *)history_level(p, sw->save, tn, 1);
    }
    if (sw->backward) {
        a.mode = imaging ? CPU_TTI_IMAGING : CPU_TTI_ADJOINT; /* operands w2, w1 made by the blocks */
        a.x = a.y = NULL;
        if (imaging) {
            a.g = sw->g;
            a.uh = history_level(p, sw->u_history, tc, 0);
            a.vh = history_level(p, sw->u_history, tc, 1);
        }
    } else if (sw->dm) {
        a.mode = CPU_TTI_BORN;
        for (int f = 0; f < 2; f++) {
            a.cur2[f] = sw->ring2[f][tc % 2];
            a.older2[f] = sw->ring2[f][to % 2];
            a.newer2[f] = sw->ring2[f][tn % 2];
        }
        a.dm = sw->dm;
        a.inv_dt2 = (cpu_real)(1.0 / (p->dt_ms * p->dt_ms));
    }
#pragma omp parallel
    {
        const cpu_fpenv saved = cpu_fpenv_flush();
        const cpu_tti_scratch *s = &sw->scratch[omp_get_thread_num()];
#pragma omp for schedule(static)
        for (size_t b = 0; b < nbx * nby; b++) {
            const size_t ix0 = b / nby * tx, iy0 = b % nby * ty;
            const size_t ix1 = ix0 + tx < p->N[0] ? ix0 + tx : p->N[0], iy1 = iy0 + ty < p->N[1] ? iy0 + ty : p->N[1];
            cpu_tti_block(p, &a, s, ix0, ix1, iy0, iy1);
        }
        cpu_stream_fence(); /* before another thread's sparse work re-saves the rows */
        cpu_fpenv_restore(saved);
    }

    /* Sparse work, plane by plane: inject into each field of the new
     * level (and its side effect), then record; a plane that received
     * injected amounts is saved again. */
    const cpu_real inv_dt2 = (cpu_real)(1.0 / (p->dt_ms * p->dt_ms));
    for (size_t ix = 0; ix < p->N[0]; ix++) {
        if (!cpu_sparse_in_plane(sw->inject, ix) && !(sw->record && cpu_sparse_in_plane(sw->record, ix)))
            continue;
        const cpu_block b = cpu_whole_plane(p, ix);
        for (int f = 0; f < 2; f++) {
            const cpu_inject_side side = {
                .g = sw->g,
                .u = sw->g ? history_level(p, sw->u_history, tc, f) : NULL,
                .du = sw->dm ? sw->ring2[f][tn % 2] : NULL,
                .alpha = p->alpha,
                .dm = sw->dm,
                .inv_dt2 = inv_dt2,
            };
            cpu_sparse_inject_block(sw->inject, &b, sw->inject_values + tc * sw->inject->npoint, a.newer[f], &side);
        }
        if (sw->record && tn >= 1 && tn <= p->nt - 2)
            for (int f = 0; f < 2; f++)
                cpu_sparse_record_block(sw->record, &b, sw->dm ? sw->ring2[f][tn % 2] : a.newer[f],
                                        sw->record_values + tn * sw->record->npoint);
        if (sw->save && sw->inject->plane_start[ix + 1] > sw->inject->plane_start[ix]) {
            const size_t start = cpu_at(p, ix, 0, 0) - (size_t)p->halo[2], n = p->N[1] * p->stride[1];
            for (int f = 0; f < 2; f++)
                cpu_stream_copy(a.save[f] + start, a.newer[f] + start, n);
        }
    }
    cpu_stream_fence();
}

static osib_status tti_sweep_run(const cpu_problem *p, tti_sweep *sw, osib_err *err)
{
    const int nthread = omp_get_max_threads();
    cpu_tti_scratch *s = calloc((size_t)nthread, sizeof *s);
    osib_status st = s ? OSIB_OK : osib_fail(err, OSIB_E_NOMEM, "out of memory for the TTI temporaries");
    for (int i = 0; st == OSIB_OK && i < nthread; i++)
        st = cpu_tti_scratch_init(p, &s[i], err);
    if (st == OSIB_OK) {
        sw->scratch = s;
        const cpu_fpenv saved = cpu_fpenv_flush(); /* for the sparse work done here */
        for (size_t j = 0; j < p->nt - 2; j++) {
            tti_step(p, sw, j);
            if (p->progress)
                p->progress(p->progress_ctx, sw->progress_done + j + 1, sw->progress_total);
        }
        cpu_fpenv_restore(saved);
    }
    for (int i = 0; s && i < nthread; i++)
        cpu_tti_scratch_free(&s[i]);
    free(s);
    return st;
}

osib_status cpu_tti_forward(cpu_problem *p, const double *q, double *d, osib_err *err)
{
    cpu_real *f[4];
    osib_status st = cpu_work_fields(p, 4, f, err);
    if (st != OSIB_OK)
        return st;
    memset(d, 0, p->nt * p->rec.npoint * sizeof *d);
    tti_sweep sw = {
        .ring = {{f[0], f[1]}, {f[2], f[3]}},
        .inject = &p->src,
        .inject_values = q,
        .record = &p->rec,
        .record_values = d,
        .progress_total = p->nt - 2,
    };
    return tti_sweep_run(p, &sw, err);
}

osib_status cpu_tti_adjoint(cpu_problem *p, const double *d, double *q, osib_err *err)
{
    cpu_real *f[4];
    osib_status st = cpu_work_fields(p, 4, f, err);
    if (st != OSIB_OK)
        return st;
    memset(q, 0, p->nt * p->src.npoint * sizeof *q);
    tti_sweep sw = {
        .backward = 1,
        .ring = {{f[0], f[1]}, {f[2], f[3]}},
        .inject = &p->rec,
        .inject_values = d,
        .record = &p->src,
        .record_values = q,
        .progress_total = p->nt - 2,
    };
    return tti_sweep_run(p, &sw, err);
}

osib_status cpu_tti_born(cpu_problem *p, const double *q, const double *dm, double *d, osib_err *err)
{
    cpu_real *f[9];
    osib_status st = cpu_work_fields(p, 9, f, err);
    if (st != OSIB_OK)
        return st;
    cpu_extend_field(p, dm, f[8]);
    memset(d, 0, p->nt * p->rec.npoint * sizeof *d);
    tti_sweep sw = {
        .ring = {{f[0], f[1]}, {f[2], f[3]}},
        .ring2 = {{f[4], f[5]}, {f[6], f[7]}},
        .dm = f[8],
        .inject = &p->src,
        .inject_values = q,
        .record = &p->rec,
        .record_values = d,
        .progress_total = p->nt - 2,
    };
    return tti_sweep_run(p, &sw, err);
}

/* The history of both fields, allocated on the first gradient and kept
 * (cpu_operators.c says why); levels 0 and 1 are zero, every later level
 * is written whole by the forward pass. */
static osib_status tti_history(cpu_problem *p, osib_err *err)
{
    if (p->history)
        return OSIB_OK;
    const size_t bytes = 2 * p->nt * p->nstore * sizeof(cpu_real);
    if (!(p->history = cpu_alloc_huge(bytes)))
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the wavefield history (%.1f GiB)",
                         (double)bytes / 1073741824.0);
    memset(p->history, 0, 4 * p->nstore * sizeof(cpu_real));
    return OSIB_OK;
}

static osib_status tti_born_adjoint_core(cpu_problem *p, const double *q, const double *r_or_dobs, int is_obs,
                                         double *phi, double *image, osib_err *err)
{
    const size_t nr = p->rec.npoint, total = 2 * (p->nt - 2);
    cpu_real *f[5];
    osib_status st = tti_history(p, err);
    if (st == OSIB_OK)
        st = cpu_work_fields(p, 5, f, err);
    if (st == OSIB_OK && is_obs)
        st = cpu_work_residual(p, err);
    if (st != OSIB_OK)
        return st;
    double *resid = is_obs ? p->residual : NULL;
    if (resid)
        memset(resid, 0, p->nt * nr * sizeof *resid);
    tti_sweep fw = {
        .ring = {{f[0], f[1]}, {f[2], f[3]}},
        .save = p->history,
        .inject = &p->src,
        .inject_values = q,
        .record = resid ? &p->rec : NULL,
        .record_values = resid,
        .progress_total = total,
    };
    if ((st = tti_sweep_run(p, &fw, err)) != OSIB_OK)
        return st;
    for (int k = 0; k < 4; k++)
        cpu_zero_field(p, f[k]);
    const double *r = r_or_dobs;
    if (is_obs) {
        *phi = cpu_residual_objective(p, r_or_dobs);
        r = resid;
    }
    tti_sweep bw = {
        .backward = 1,
        .ring = {{f[0], f[1]}, {f[2], f[3]}},
        .inject = &p->rec,
        .inject_values = r,
        .g = f[4],
        .u_history = p->history,
        .progress_done = p->nt - 2,
        .progress_total = total,
    };
    if ((st = tti_sweep_run(p, &bw, err)) != OSIB_OK)
        return st;
    cpu_fold_image(p, f[4], image);
    return OSIB_OK;
}

osib_status cpu_tti_born_adjoint(cpu_problem *p, const double *q, const double *r, double *image, osib_err *err)
{
    return tti_born_adjoint_core(p, q, r, 0, NULL, image, err);
}

osib_status cpu_tti_gradient(cpu_problem *p, const double *q, const double *d_obs, double *phi, double *grad,
                             osib_err *err)
{
    return tti_born_adjoint_core(p, q, d_obs, 1, phi, grad, err);
}
