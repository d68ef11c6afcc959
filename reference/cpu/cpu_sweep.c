/*
 * cpu_sweep.c - the time loop, plain or in wavefronts (cpu_sweep.h).
 */
#include "cpu_sweep.h"

/* Times of step j: the level it writes, reads, and overwrites. */
static size_t t_new(const cpu_problem *p, const cpu_sweep *sw, size_t j)
{
    return sw->backward ? p->nt - 3 - j : j + 2;
}
static size_t t_cur(const cpu_problem *p, const cpu_sweep *sw, size_t j)
{
    return sw->backward ? t_new(p, sw, j) + 1 : t_new(p, sw, j) - 1;
}
static size_t t_old(const cpu_problem *p, const cpu_sweep *sw, size_t j)
{
    return sw->backward ? t_new(p, sw, j) + 2 : t_new(p, sw, j) - 2;
}

float *cpu_sweep_level(const cpu_problem *p, const cpu_sweep *sw, size_t t)
{
    return sw->history ? sw->history + t * p->nstore : sw->ring[t % (size_t)sw->ring_size];
}

static cpu_update update_of(const cpu_problem *p, const cpu_sweep *sw, size_t j)
{
    cpu_update a = {
        .mode = sw->g ? CPU_UPDATE_IMAGING : CPU_UPDATE_PLAIN,
        .cur = cpu_sweep_level(p, sw, t_cur(p, sw, j)),
        .older = cpu_sweep_level(p, sw, t_old(p, sw, j)),
        .newer = cpu_sweep_level(p, sw, t_new(p, sw, j)),
        .inv_dt2 = (float)(1.0 / (p->dt_ms * p->dt_ms)),
        .g = sw->g,
        .u = sw->g ? sw->u_history + t_cur(p, sw, j) * p->nstore : NULL,
    };
    return a;
}

void cpu_sweep_plane_rows(const cpu_problem *p, const cpu_sweep *sw, size_t j, size_t ix, size_t iy0, size_t iy1)
{
    cpu_update a = update_of(p, sw, j);
    cpu_update_rows(p, &a, ix, iy0, iy1);
}

static int plane_has_sparse(const cpu_sweep *sw, size_t ix)
{
    return cpu_sparse_in_plane(sw->inject, ix) || (sw->record && cpu_sparse_in_plane(sw->record, ix));
}

void cpu_sweep_plane_sparse(const cpu_problem *p, const cpu_sweep *sw, size_t j, size_t ix)
{
    const size_t tn = t_new(p, sw, j), tc = t_cur(p, sw, j);
    float *newer = cpu_sweep_level(p, sw, tn);
    cpu_sparse_inject_plane(sw->inject, ix, sw->inject_values + tc * sw->inject->npoint, p->inj_scale, newer, sw->g,
                            sw->g ? sw->u_history + tc * p->nstore : NULL, (float)(1.0 / (p->dt_ms * p->dt_ms)));
    if (sw->record && tn >= 1 && tn <= p->nt - 2)
        cpu_sparse_record_plane(sw->record, ix, newer, sw->record_values + tn * sw->record->npoint);
}

/* One whole step: every plane (threads over planes and rows), then the
 * sparse work plane by plane. */
static void plain_step(const cpu_problem *p, const cpu_sweep *sw, size_t j)
{
    const size_t nx = p->N[0], ny = p->N[1];
    const cpu_update a = update_of(p, sw, j);
#pragma omp parallel for schedule(static)
    for (size_t ix = 0; ix < nx; ix++)
        cpu_update_rows(p, &a, ix, 0, ny);
    for (size_t ix = 0; ix < nx; ix++)
        if (plane_has_sparse(sw, ix))
            cpu_sweep_plane_sparse(p, sw, j, ix);
}

/* Steps j0 .. j0 + k - 1 as one wavefront along x. The threads split each
 * plane's rows the same way at every step (static schedule), so a thread
 * keeps touching the rows it touched one step before. */
static void wavefront(const cpu_problem *p, const cpu_sweep *sw, size_t j0, size_t k)
{
    const long nx = (long)p->N[0], lag = p->half;
    const size_t ny = p->N[1];
#pragma omp parallel
    for (long front = 0; front < nx + (long)(k - 1) * lag; front++)
        for (size_t s = 0; s < k; s++) {
            const long ix = front - (long)s * lag;
            if (ix < 0 || ix >= nx)
                continue;
#pragma omp for schedule(static)
            for (size_t iy = 0; iy < ny; iy++)
                cpu_sweep_plane_rows(p, sw, j0 + s, (size_t)ix, iy, iy + 1);
            if (plane_has_sparse(sw, (size_t)ix)) {
#pragma omp single
                cpu_sweep_plane_sparse(p, sw, j0 + s, (size_t)ix);
            }
        }
}

void cpu_sweep_run(const cpu_problem *p, const cpu_sweep *sw)
{
    const size_t nsteps = p->nt - 2;
    const size_t block = (p->ndim == 3 && sw->time_block > 1) ? (size_t)sw->time_block : 1;
    for (size_t j0 = 0; j0 < nsteps; j0 += block) {
        const size_t k = nsteps - j0 < block ? nsteps - j0 : block;
        if (k == 1)
            plain_step(p, sw, j0);
        else
            wavefront(p, sw, j0, k);
        if (p->progress)
            p->progress(p->progress_ctx, sw->progress_done + j0 + k, sw->progress_total);
    }
}
