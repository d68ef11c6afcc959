/*
 * cpu_sweep.c - the time loop, plain or in wavefronts (cpu_sweep.h).
 */
#include "cpu_sweep.h"

#include "cpu_fpenv.h"

#include <omp.h>
#include <sched.h>
#include <stdlib.h>

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

/* The forward level t that imaging reads (0 history_levels: all nt kept). */
static const cpu_real *u_level(const cpu_problem *p, const cpu_sweep *sw, size_t t)
{
    const size_t stride = sw->level_stride ? sw->level_stride : p->nstore;
    return sw->u_history + (sw->history_levels ? t % sw->history_levels : t) * stride;
}

/* Where level t is saved (0 save_levels: all nt kept). */
static cpu_real *save_level(const cpu_problem *p, const cpu_sweep *sw, size_t t)
{
    const size_t stride = sw->level_stride ? sw->level_stride : p->nstore;
    return sw->save + (sw->save_levels ? t % sw->save_levels : t) * stride;
}

cpu_real *cpu_sweep_level(const cpu_problem *p, const cpu_sweep *sw, size_t t)
{
    (void)p;
    if (sw->end_levels[0] && (t == sw->end_state || t == sw->end_state + 1))
        return sw->end_levels[t % 2];
    return sw->ring[t % 2];
}

/* A level a step reads: the ring's, or for the two levels of the start
 * state, where the sweep begins from a snapshot, the snapshot's. */
static const cpu_real *read_level(const cpu_problem *p, const cpu_sweep *sw, size_t t)
{
    if (sw->start_levels[0] && (t == sw->start_state || t == sw->start_state + 1))
        return sw->start_levels[t % 2];
    return cpu_sweep_level(p, sw, t);
}

cpu_real *cpu_sweep_level2(const cpu_problem *p, const cpu_sweep *sw, size_t t)
{
    (void)p;
    return sw->ring2[t % 2];
}

static cpu_update update_of(const cpu_problem *p, const cpu_sweep *sw, size_t j)
{
    /* u^1 = 0 (spec/acoustic.md §9: the forward starts from two zero
     * levels), so the last step's image term is 0: no need to read it. */
    const size_t tn = t_new(p, sw, j), tc = t_cur(p, sw, j), to = t_old(p, sw, j);
    const int imaging = sw->g && tc >= 2;
    cpu_update_mode mode = CPU_UPDATE_PLAIN;
    if (imaging)
        mode = CPU_UPDATE_IMAGING;
    else if (sw->dm)
        mode = CPU_UPDATE_BORN;
    cpu_update a = {
        .mode = mode,
        .cur = read_level(p, sw, tc),
        .older = read_level(p, sw, to),
        .newer = cpu_sweep_level(p, sw, tn),
        .g = sw->g,
        .u = sw->g ? u_level(p, sw, tc) : NULL,
        .save = sw->save ? save_level(p, sw, tn) : NULL,
    };
    if (sw->dm) {
        a.cur2 = cpu_sweep_level2(p, sw, tc);
        a.older2 = cpu_sweep_level2(p, sw, to);
        a.newer2 = cpu_sweep_level2(p, sw, tn);
        a.dm = sw->dm;
        a.inv_dt2 = (cpu_real)(1.0 / (p->dt_ms * p->dt_ms));
    }
    return a;
}

void cpu_sweep_block(const cpu_problem *p, const cpu_sweep *sw, size_t j, const cpu_block *b)
{
    cpu_update a = update_of(p, sw, j);
    cpu_update_rows(p, &a, b->ix, b->iy0, b->iy1);
}

static int plane_has_sparse(const cpu_sweep *sw, size_t ix)
{
    return cpu_sparse_in_plane(sw->inject, ix) || (sw->record && cpu_sparse_in_plane(sw->record, ix));
}

void cpu_sweep_sparse(const cpu_problem *p, const cpu_sweep *sw, size_t j, const cpu_block *b)
{
    if (!plane_has_sparse(sw, b->ix))
        return;
    const size_t tn = t_new(p, sw, j), tc = t_cur(p, sw, j);
    cpu_real *newer = cpu_sweep_level(p, sw, tn), *newer2 = sw->dm ? cpu_sweep_level2(p, sw, tn) : NULL;
    const cpu_inject_side side = {
        .g = sw->g,
        .u = sw->g ? u_level(p, sw, tc) : NULL,
        .du = newer2,
        .alpha = p->alpha,
        .dm = sw->dm,
        .inv_dt2 = (cpu_real)(1.0 / (p->dt_ms * p->dt_ms)),
    };
    cpu_sparse_inject_block(sw->inject, b, sw->inject_values + tc * sw->inject->npoint, newer, &side);
    if (sw->record && tn >= 1 && tn <= p->nt - 2)
        cpu_sparse_record_block(sw->record, b, sw->dm ? newer2 : newer, sw->record_values + tn * sw->record->npoint);
}

/* The kernel streams each row to save as it computes it (cpu_kernels.h),
 * before the sparse work: a block that received injected amounts is
 * streamed again once final. These are few (the corners of the sources
 * or receivers in the plane); the fence orders the second streaming
 * stores after the first. */
static void resave_injected(const cpu_problem *p, const cpu_sweep *sw, size_t j, const cpu_block *b)
{
    const cpu_sparse *in = sw->inject;
    if (!sw->save || in->plane_start[b->ix + 1] == in->plane_start[b->ix]) /* no corner to inject here */
        return;
    const size_t tn = t_new(p, sw, j), start = cpu_at(p, b->ix, b->iy0, 0) - (size_t)p->halo[2];
    cpu_stream_fence();
    cpu_stream_copy(save_level(p, sw, tn) + start, cpu_sweep_level(p, sw, tn) + start,
                    (b->iy1 - b->iy0) * p->stride[1]);
}

cpu_block cpu_whole_plane(const cpu_problem *p, size_t ix)
{
    cpu_block b = {.ix = ix, .iy0 = 0, .iy1 = p->N[1]};
    return b;
}

/* One whole step: every plane (threads over planes), then the sparse work
 * plane by plane. */
static void plain_step(const cpu_problem *p, const cpu_sweep *sw, size_t j)
{
    const size_t nx = p->N[0], ny = p->N[1];
    const cpu_update a = update_of(p, sw, j);
#pragma omp parallel
    {
        const cpu_fpenv saved = cpu_fpenv_flush();
#pragma omp for schedule(static)
        for (size_t ix = 0; ix < nx; ix++)
            cpu_update_rows(p, &a, ix, 0, ny);
        cpu_stream_fence(); /* before another thread's sparse work re-saves the rows */
        cpu_fpenv_restore(saved);
    }
    for (size_t ix = 0; ix < nx; ix++) {
        const cpu_block b = cpu_whole_plane(p, ix);
        cpu_sweep_sparse(p, sw, j, &b);
        resave_injected(p, sw, j, &b);
    }
    cpu_stream_fence();
}

/* ---------------------------------------------------------------------------
 * Wavefront tiles (cpu_sweep.h). The rows are cut at y_0 = 0 < y_1 < ... <
 * y_m = N[1]. Tile i owns rows [y_i - s h, y_{i+1} - s h) at the block's
 * step s (h = so/2; clipped to the grid, the first tile starting at 0 and
 * the last ending at N[1] at every step), so at every step the tiles cut
 * the rows into consecutive blocks. A tile sweeps along x in fronts: at
 * front f it does step s on plane f - s h, for s = 0 .. K-1. Tiles go to
 * threads in turn; a thread starts front f of tile i once tile i - 1 has
 * finished front f.
 *
 * Why that is exact. Step s of tile i at plane x reads step s - 1 on planes
 * x - h .. x + h (fronts f and earlier) and on rows down to h below its
 * own, which belong to tile i - 1 (done up to front f) or to tile i itself,
 * and up to h above, which, by the skew, still belong to tile i at step
 * s - 1. It overwrites (in the two-level ring) step s - 2 on its own
 * points, which only step s - 1 within h of them reads: tile i at an
 * earlier front, or tile i - 1 at front f or earlier; never tile i + 1,
 * whose step s - 1 reads no lower than y_{i+1} - s h. So every read sees
 * the value a plain, step-by-step sweep gives it, and every point is
 * computed by the same arithmetic: the same bits for any K, tile height and
 * thread count. The sparse work of a block follows its computation at once,
 * in the thread that computed it (cpu_problem.h: its order at each point
 * does not depend on the cut; a point is interpolated with its last
 * corner's block, which, by the order above, comes after its other
 * corners' blocks).
 *
 * Fronts go in pairs: at fronts f, f + 1 each step s computes its two
 * planes f - s h and f + 1 - s h in one pass, before the sparse work of
 * either (cpu_update_plane_pair), and tile i waits for tile i - 1 to finish
 * both fronts. The argument above still holds: step s on plane f + 1 - s h
 * reads step s - 1 up to plane f + 1 - (s - 1) h, which this pair has
 * already done; its overwrite of step s - 2 comes after step s - 1 read it
 * on that plane's neighbours, up to the same plane; and plane f + 1 - s h
 * reads only step s - 1, so it does not see what the sparse work of plane
 * f - s h adds to step s.
 * ------------------------------------------------------------------------- */

/* Progress of a tile, on its own cache line: fronts finished. */
typedef struct {
    long fronts;
    char pad[64 - sizeof(long)];
} tile_counter;

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void wait_for(const tile_counter *c, long fronts)
{
    unsigned spins = 0;
    while (__atomic_load_n(&c->fronts, __ATOMIC_ACQUIRE) < fronts) {
        cpu_relax();
        if (++spins % 4096 == 0)
            sched_yield(); /* more threads than cores: let the one we wait for run */
    }
}

typedef struct {
    size_t *y, ntile;   /* row cuts */
    tile_counter *done; /* per tile */
} tiling;

/* Rows of tile i at step s. */
static cpu_block tile_block(const tiling *t, size_t ny, size_t i, size_t ix, size_t shift)
{
    cpu_block b = {.ix = ix};
    b.iy0 = (i == 0 || t->y[i] < shift) ? 0 : t->y[i] - shift;
    b.iy1 = i + 1 == t->ntile ? ny : (t->y[i + 1] < shift ? 0 : t->y[i + 1] - shift);
    return b;
}

/* Fronts f and f + 1 of tile i: at each step s, planes f - s h and
 * f + 1 - s h in one pass where both are in the grid
 * (cpu_update_plane_pair), then each plane's sparse work in turn. */
static void front_pair(const cpu_problem *p, const cpu_sweep *sw, size_t j0, size_t k, const tiling *t, size_t i,
                       long front)
{
    const long nx = (long)p->N[0], lag = p->half;
    for (size_t s = 0; s < k; s++) {
        const long ix = front - (long)s * lag;
        const int in[2] = {ix >= 0 && ix < nx, ix + 1 >= 0 && ix + 1 < nx};
        const cpu_block rows = tile_block(t, p->N[1], i, 0, s * (size_t)lag);
        if (rows.iy0 >= rows.iy1 || !(in[0] || in[1]))
            continue;
        if (in[0] && in[1]) {
            const cpu_update a = update_of(p, sw, j0 + s);
            cpu_update_plane_pair(p, &a, (size_t)ix, rows.iy0, rows.iy1);
        }
        for (long q = 0; q < 2; q++) {
            if (!in[q])
                continue;
            cpu_block b = rows;
            b.ix = (size_t)(ix + q);
            if (!(in[0] && in[1]))
                cpu_sweep_block(p, sw, j0 + s, &b);
            cpu_sweep_sparse(p, sw, j0 + s, &b);
            resave_injected(p, sw, j0 + s, &b);
        }
    }
}

static void wavefront_tiles(const cpu_problem *p, const cpu_sweep *sw, size_t j0, size_t k, const tiling *t)
{
    const long nfront = (long)p->N[0] + (long)(k - 1) * p->half;
    for (size_t i = 0; i < t->ntile; i++)
        t->done[i].fronts = 0;
#pragma omp parallel
    {
        const size_t nthread = (size_t)omp_get_num_threads(), me = (size_t)omp_get_thread_num();
        const cpu_fpenv saved = cpu_fpenv_flush();
        for (size_t i = me; i < t->ntile; i += nthread)
            for (long front = 0; front < nfront; front += 2) {
                const long done = front + 2 < nfront ? front + 2 : nfront;
                if (i > 0)
                    wait_for(&t->done[i - 1], done);
                front_pair(p, sw, j0, k, t, i, front);
                __atomic_store_n(&t->done[i].fronts, done, __ATOMIC_RELEASE);
            }
        cpu_stream_fence();
        cpu_fpenv_restore(saved);
    }
}

/* The default tile height: the largest that keeps a tile's wavefront
 * window - the ring's two arrays (four with the Born operator's second
 * field), (K + 1) h + 1 planes each, of tile_y + (K + 1) h rows (the
 * tile's rows and what the skew and the stencil add) - within the window
 * cpu_tune.h chose (CPU_WAVEFRONT_BYTES by default); at least
 * CPU_MIN_TILE_Y rows. */
static size_t rule_tile_y(const cpu_problem *p, const cpu_sweep *sw, size_t k)
{
    const size_t h = (size_t)p->half, planes = (k + 1) * h + 1, row_bytes = p->ext[2] * sizeof(cpu_real);
    const size_t arrays = sw->dm ? 4 : 2, window = p->window_bytes ? p->window_bytes : CPU_WAVEFRONT_BYTES;
    const size_t rows = window / (arrays * planes * row_bytes);
    return rows > (k + 1) * h + CPU_MIN_TILE_Y ? rows - (k + 1) * h : CPU_MIN_TILE_Y;
}

/* Cuts: about tile_y rows per tile (or the rule's), a multiple of the
 * thread count of tiles (so each thread gets as many), cut evenly. */
static int tiling_init(tiling *t, const cpu_problem *p, const cpu_sweep *sw, size_t k)
{
    const size_t ny = p->N[1], nthread = (size_t)omp_get_max_threads();
    const size_t want = p->tile_y > 0 ? (size_t)p->tile_y : rule_tile_y(p, sw, k);
    size_t m = (ny + want - 1) / want;
    m = (m + nthread - 1) / nthread * nthread;
    t->ntile = m > ny ? ny : m;
    t->y = malloc((t->ntile + 1) * sizeof *t->y);
    t->done = cpu_alloc_huge(t->ntile * sizeof *t->done);
    if (!t->y || !t->done) {
        free(t->y);
        free(t->done);
        return -1;
    }
    for (size_t i = 0; i <= t->ntile; i++)
        t->y[i] = i * ny / t->ntile;
    return 0;
}

void cpu_sweep_run(const cpu_problem *p, const cpu_sweep *sw) { cpu_sweep_run_steps(p, sw, 0, p->nt - 2); }

void cpu_sweep_run_steps(const cpu_problem *p, const cpu_sweep *sw, size_t j_begin, size_t j_end)
{
    size_t block = (p->ndim == 3 && sw->time_block > 1) ? (size_t)sw->time_block : 1;
    if (block > j_end - j_begin)
        block = j_end > j_begin ? j_end - j_begin : 1; /* a single step needs no tiling */
    tiling t = {0};
    const cpu_fpenv saved = cpu_fpenv_flush(); /* for the sparse work done here */
    if (block > 1 && tiling_init(&t, p, sw, block) != 0)
        block = 1; /* out of memory for a few cuts: no blocking */
    for (size_t j0 = j_begin; j0 < j_end; j0 += block) {
        const size_t k = j_end - j0 < block ? j_end - j0 : block;
        if (k == 1)
            plain_step(p, sw, j0);
        else
            wavefront_tiles(p, sw, j0, k, &t);
        if (p->progress)
            p->progress(p->progress_ctx, sw->progress_done + (j0 - j_begin) + k, sw->progress_total);
    }
    cpu_fpenv_restore(saved);
    free(t.y);
    free(t.done);
}
