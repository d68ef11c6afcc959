/*
 * cpu_operators.c - F, F^T, J, J^T and the FWI gradient in cpu_real with
 * OpenMP threads over the outer axes and SIMD along z
 * (spec/acoustic.md, section 9; layout and coefficients in cpu_problem.h).
 */
#include "cpu_operators.h"

#include "checkpoint.h"
#include "cpu_fpenv.h"
#include "cpu_histfile.h"
#include "cpu_zfp.h"
#include "cpu_sweep.h"
#include "cpu_tti.h"
#include "sysinfo.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Work arrays: the problem's pool of padded fields and the gradient's
 * history, kept between calls (cpu_problem.h).
 * ------------------------------------------------------------------------- */

/* Zero a field, planes split over the threads (each zeroes the pages it
 * will mostly use, and the pass runs at the bandwidth of both cores). */
void cpu_zero_field(const cpu_problem *p, cpu_real *f)
{
#pragma omp parallel for schedule(static)
    for (size_t ix = 0; ix < p->ext[0]; ix++)
        memset(f + ix * p->stride[0], 0, p->stride[0] * sizeof(cpu_real));
}

/* The first n fields of the pool, zeroed, in fields[0 .. n). The pool
 * keeps no more fields than the operator being run uses: the memory a
 * problem holds is what cpu_operator_bytes states for that operator (plus
 * the history, once a gradient has run). */
osib_status cpu_work_fields(cpu_problem *p, int n, cpu_real **fields, osib_err *err)
{
    for (int i = n; i < CPU_WORK_FIELDS; i++) {
        free(p->work[i]);
        p->work[i] = NULL;
    }
    for (int i = 0; i < n; i++) {
        if (!p->work[i] && !(p->work[i] = cpu_alloc_huge(p->nstore * sizeof(cpu_real))))
            return osib_fail(err, OSIB_E_NOMEM, "out of memory for the wavefields");
        cpu_zero_field(p, p->work[i]);
        fields[i] = p->work[i];
    }
    return OSIB_OK;
}

/* Zero what the steps never write: the two initial levels whole, and on
 * every later level the x halo planes and the y halo rows (a step writes
 * each row of the padded grid over its whole stored width, z halo and
 * padding included: cpu_kernels.h). Zeroing the whole history instead
 * would be one more pass over nt fields, as large as the forward pass's
 * own writes. */
static void zero_history(const cpu_problem *p, cpu_real *history)
{
    const size_t hx = (size_t)p->halo[0], hy = (size_t)p->halo[1], sx = p->stride[0], sy = p->stride[1];
    const size_t ex = p->ext[0], ey = p->ext[1];
    memset(history, 0, 2 * p->nstore * sizeof(cpu_real));
#pragma omp parallel for schedule(static)
    for (size_t n = 2; n < p->nt; n++) {
        cpu_real *level = history + n * p->nstore;
        memset(level, 0, hx * sx * sizeof(cpu_real));
        memset(level + (ex - hx) * sx, 0, hx * sx * sizeof(cpu_real));
        for (size_t ix = hx; ix < ex - hx; ix++) {
            memset(level + ix * sx, 0, hy * sy * sizeof(cpu_real));
            memset(level + ix * sx + (ey - hy) * sy, 0, hy * sy * sizeof(cpu_real));
        }
    }
}

/* The history, allocated on the first gradient and kept while the same
 * size and use serve: an FWI loop calls the gradient once per shot and
 * iteration, and the kernel's zeroing of freshly faulted pages costs as
 * much as a third of a gradient here (measured: reference/cpu/README.md).
 * whole: nt levels, every one kept; else a checkpointed gradient's ring
 * and snapshots. Steps never write the halo planes and rows, so both are
 * zeroed where they must be once, when allocated: the whole history's as
 * zero_history says, the snapshots entirely (a snapshot's halo is read
 * when an advance starts from it). */
static osib_status work_history(cpu_problem *p, size_t fields, int whole, osib_err *err)
{
    if (p->history && p->history_fields == fields && p->history_whole == whole)
        return OSIB_OK;
    free(p->history);
    p->history_fields = 0;
    size_t bytes = fields * p->nstore * sizeof(cpu_real);
    if (!(p->history = cpu_alloc_huge(bytes)))
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the wavefield history (%.1f GiB)",
                         (double)bytes / 1073741824.0);
    p->history_fields = fields;
    p->history_whole = whole;
    if (whole)
        zero_history(p, p->history);
    else
        for (size_t f = 0; f < fields; f++)
            cpu_zero_field(p, p->history + f * p->nstore);
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * Passes: the forward pass writes the data d (or, with a history, keeps
 * every level for the adjoint pass); the adjoint pass writes q or, with g,
 * images.
 * ------------------------------------------------------------------------- */

static void forward_pass(const cpu_problem *p, const double *q, double *d, cpu_real *const ring[2], cpu_real *save,
                         size_t total)
{
    if (d)
        memset(d, 0, p->nt * p->rec.npoint * sizeof *d);
    cpu_sweep sw = {
        .backward = 0,
        .ring = {ring[0], ring[1]},
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

static void adjoint_pass(const cpu_problem *p, const double *d, double *q, const cpu_real *u_history, cpu_real *g,
                         cpu_real *const ring[2], size_t history_levels, size_t done, size_t total)
{
    if (q)
        memset(q, 0, p->nt * p->src.npoint * sizeof *q);
    cpu_sweep sw = {
        .backward = 1,
        .ring = {ring[0], ring[1]},
        .inject = &p->rec,
        .inject_values = d,
        .record = q ? &p->src : NULL,
        .record_values = q,
        .g = g,
        .u_history = u_history,
        .history_levels = history_levels,
        .time_block = p->time_block,
        .progress_done = done,
        .progress_total = total,
    };
    cpu_sweep_run(p, &sw);
}

/* E^T of the padded image g, in double, times 1 / dt^2 (the imaging
 * steps leave it out: cpu_kernels.h). Threads take physical planes kx,
 * each zeroing its plane and summing the padded planes that fold onto it
 * (the first and last take the layer's), in increasing ix, iy, iz as a
 * single thread would: no two threads write the same point, and the sums
 * are the same bits for any thread count. */
void cpu_fold_image(const cpu_problem *p, const cpu_real *g, double *image)
{
    const size_t n0 = p->n[0], n2 = p->n[2], nbl = (size_t)p->nbl, plane = p->n[1] * n2;
    const double inv_dt2 = 1.0 / (p->dt_ms * p->dt_ms);
#pragma omp parallel for schedule(static)
    for (size_t kx = 0; kx < n0; kx++) {
        double *out = image + kx * plane;
        memset(out, 0, plane * sizeof *out);
        const size_t ix_lo = kx == 0 ? 0 : kx + nbl, ix_hi = kx + 1 == n0 ? p->N[0] : kx + nbl + 1;
        for (size_t ix = ix_lo; ix < ix_hi; ix++)
            for (size_t iy = 0; iy < p->N[1]; iy++) {
                /* z: the layer's points onto the first physical one, the
                 * interior one to one, the far layer onto the last. */
                double *row = image + cpu_phys_index(p, ix, iy, 0);
                const cpu_real *src = g + cpu_at(p, ix, iy, 0);
                for (size_t iz = 0; iz < nbl; iz++)
                    row[0] += src[iz];
                for (size_t kz = 0; kz < n2; kz++)
                    row[kz] += src[nbl + kz];
                for (size_t iz = nbl + n2; iz < p->N[2]; iz++)
                    row[n2 - 1] += src[iz];
            }
        for (size_t k = 0; k < plane; k++)
            out[k] *= inv_dt2;
    }
}

/* E of a physical array into a padded cpu_real field. */
void cpu_extend_field(const cpu_problem *p, const double *a, cpu_real *f)
{
    for (size_t ix = 0; ix < p->N[0]; ix++)
        for (size_t iy = 0; iy < p->N[1]; iy++)
            for (size_t iz = 0; iz < p->N[2]; iz++)
                f[cpu_at(p, ix, iy, iz)] = (cpu_real)a[cpu_phys_index(p, ix, iy, iz)];
}

/* ---------------------------------------------------------------------------
 * Operators
 * ------------------------------------------------------------------------- */

osib_status cpu_forward(cpu_problem *p, const double *q, double *d, osib_err *err)
{
    cpu_real *ring[2];
    osib_status st = cpu_work_fields(p, 2, ring, err);
    if (st == OSIB_OK)
        forward_pass(p, q, d, ring, NULL, p->nt - 2);
    return st;
}

osib_status cpu_adjoint(cpu_problem *p, const double *d, double *q, osib_err *err)
{
    cpu_real *ring[2];
    osib_status st = cpu_work_fields(p, 2, ring, err);
    if (st == OSIB_OK)
        adjoint_pass(p, d, q, NULL, NULL, ring, 0, 0, p->nt - 2);
    return st;
}

osib_status cpu_born(cpu_problem *p, const double *q, const double *dm, double *d, osib_err *err)
{
    /* One sweep carries both fields (the fused BORN step, cpu_kernels.h):
     * u in a ring of two, injecting q, and du in another, recording d;
     * dm on the padded grid. */
    cpu_real *f[5];
    osib_status st = cpu_work_fields(p, 5, f, err);
    if (st != OSIB_OK)
        return st;
    cpu_extend_field(p, dm, f[4]);
    memset(d, 0, p->nt * p->rec.npoint * sizeof *d);
    cpu_sweep sw = {
        .ring = {f[0], f[1]},
        .ring2 = {f[2], f[3]},
        .dm = f[4],
        .inject = &p->src,
        .inject_values = q,
        .record = &p->rec,
        .record_values = d,
        .time_block = p->time_block,
        .progress_total = p->nt - 2,
    };
    cpu_sweep_run(p, &sw);
    return OSIB_OK;
}

/* The gradient's residual array, allocated on the first gradient and kept. */
osib_status cpu_work_residual(cpu_problem *p, osib_err *err)
{
    const size_t nr = p->rec.npoint;
    if (!p->residual && !(p->residual = malloc(p->nt * (nr ? nr : 1) * sizeof *p->residual)))
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the residual");
    return OSIB_OK;
}

double cpu_residual_objective(cpu_problem *p, const double *d_obs)
{
    double sum = 0.0;
    for (size_t k = 0; k < p->nt * p->rec.npoint; k++) {
        p->residual[k] -= d_obs[k];
        sum += p->residual[k] * p->residual[k];
    }
    return 0.5 * sum;
}

static osib_status full_history_core(cpu_problem *p, const double *q, const double *r_or_dobs, int is_obs, double *phi,
                                     double *image, osib_err *err)
{
    const size_t total = 2 * (p->nt - 2);
    /* The forward pass runs in a ring of two, in cache, and streams each
     * level into the history; the adjoint pass then reuses the ring. */
    cpu_real *f[3];
    osib_status st = work_history(p, p->nt, 1, err);
    if (st == OSIB_OK)
        st = cpu_work_fields(p, 3, f, err);
    if (st == OSIB_OK && is_obs)
        st = cpu_work_residual(p, err);
    if (st != OSIB_OK)
        return st;
    cpu_real *ring[2] = {f[0], f[1]}, *g = f[2];
    double *resid = is_obs ? p->residual : NULL;
    forward_pass(p, q, resid, ring, p->history, total);
    cpu_zero_field(p, ring[0]);
    cpu_zero_field(p, ring[1]);
    const double *r = r_or_dobs;
    if (is_obs) {
        *phi = cpu_residual_objective(p, r_or_dobs);
        r = resid;
    }
    adjoint_pass(p, r, NULL, p->history, g, ring, 0, p->nt - 2, total);
    cpu_fold_image(p, g, image);
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * The checkpointed gradient: Revolve's schedule (conformance/lib/
 * checkpoint.h) over the forward states k = (u^{k+1}, u^k), k = 0 .. nt - 3,
 * of which the adjoint step producing level k needs u^{k+1}, the newer
 * level of state k. The history holds the forward's ring (levels t % 2,
 * as a whole sweep keeps them), s snapshots of two fields each and, when
 * the reversal goes in blocks, a buffer of W levels; the adjoint runs in
 * its own ring. Every step is computed by the same arithmetic as in the
 * whole-history gradient, so the image is the same bits
 * (tests/e2e/cpu_checkpoint.sh).
 *
 * Reversal in blocks (W > 1). One adjoint step at a time against a
 * recomputed state runs without the wavefronts of temporal blocking and
 * pays a parallel region per step; so the schedule runs over blocks of W
 * states instead: Revolve's state b is forward state b W, its advances are
 * W steps each, and reversing block b recomputes the block's forward from
 * its first state into the buffer (levels t % W; the newer level of the
 * first state copied in) and runs the block's W adjoint steps as one sweep
 * against it. That recomputes each state once more (nt - 2 - B steps for B
 * blocks) but runs everything in whole sweeps. The residual of the last
 * block's steps is recorded when that block is first computed, in its
 * reversal, so the objective waits for it there.
 * ------------------------------------------------------------------------- */

typedef struct {
    cpu_problem *p;
    cpu_sweep fw, bw;
    double *resid;       /* the gradient's: recorded on the first sweep; NULL for J^T */
    const double *d_obs; /* the gradient's */
    double *phi;
    size_t state;       /* the current forward state */
    int held;           /* -1: it is in the ring; s >= 0: in snapshot s, not copied (restores are lazy) */
    size_t *slot_state; /* the state each snapshot holds */
    size_t block;       /* W: forward states per Revolve state */
    size_t nstates;     /* nt - 2 */
    cpu_real *buffer;   /* W > 1: a block's recomputed levels, level t at buffer + (t % W) nstore */
    int turn_pending;   /* W > 1: the objective waits for the last block's forward */
    double steps;       /* forward steps taken */
    cpu_zfp *zfp;       /* or NULL: the snapshots, compressed (slot s: levels 2 s + t % 2) */
    osib_status st;     /* the first error (decompression), after which nothing more runs */
    osib_err *err;
} revolve_run;

static cpu_real *snapshot(const cpu_problem *p, int slot, int level)
{
    return p->history + (2 + 2 * (size_t)slot + (size_t)level) * p->nstore;
}

static void copy_field(const cpu_problem *p, cpu_real *dst, const cpu_real *src)
{
#pragma omp parallel for schedule(static)
    for (size_t ix = 0; ix < p->ext[0]; ix++)
        memcpy(dst + ix * p->stride[0], src + ix * p->stride[0], p->stride[0] * sizeof(cpu_real));
}

/* With compressed snapshots, the held state is decompressed into the ring
 * before anything reads it (level t % 2 into ring[t % 2], as a sweep
 * keeps them); then it is the ring's. */
static void materialize(revolve_run *v)
{
    if (!v->zfp || v->held < 0)
        return;
    for (int l = 0; l < 2 && v->st == OSIB_OK; l++)
        v->st = cpu_zfp_load(v->zfp, 2 * (size_t)v->held + (size_t)l, v->fw.ring[l], v->err);
    v->held = -1;
}

/* The forward sweep from state `from`, where it is held (a snapshot: the
 * sweep's start_levels, not copied into the ring first), recording only
 * when `record` (the steps' first computation, for the gradient). */
static cpu_sweep advance_sweep(const revolve_run *v, size_t from, int record)
{
    cpu_sweep sw = v->fw;
    if (!record || !v->resid)
        sw.record = NULL; /* a recomputed step records what the first sweep did */
    if (v->held >= 0) {
        sw.start_levels[0] = snapshot(v->p, v->held, 0);
        sw.start_levels[1] = snapshot(v->p, v->held, 1);
        sw.start_state = from;
    }
    return sw;
}

/* An advance (in Revolve's states, W forward states each) reads the start
 * state where it is held and, when the new state is to be kept in a
 * snapshot, writes its two levels there (the sweep's end_levels: no copy
 * either); the levels between go through the ring. One step leaves the new
 * state's older level where the start state had it: that one level is
 * copied. */
static void rv_advance(void *ctx, size_t from_b, size_t to_b, int first, int slot)
{
    revolve_run *v = ctx;
    const size_t from = from_b * v->block, to = to_b * v->block;
    materialize(v);
    if (v->st != OSIB_OK)
        return;
    cpu_sweep sw = advance_sweep(v, from, first);
    const cpu_real *start[2] = {v->fw.ring[0], v->fw.ring[1]};
    if (v->held >= 0) {
        start[0] = sw.start_levels[0];
        start[1] = sw.start_levels[1];
    }
    cpu_real *end[2] = {v->fw.ring[0], v->fw.ring[1]};
    if (slot >= 0 && !v->zfp) {
        end[0] = sw.end_levels[0] = snapshot(v->p, slot, 0);
        end[1] = sw.end_levels[1] = snapshot(v->p, slot, 1);
        sw.end_state = to;
        v->slot_state[slot] = to;
    }
    const size_t carried = (from + 1) % 2; /* level from + 1: in the new state if to = from + 1 */
    if (to == from + 1 && end[carried] != start[carried])
        copy_field(v->p, end[carried], start[carried]);
    cpu_sweep_run_steps(v->p, &sw, from, to);
    v->held = slot;            /* the new state is in the ring, or in the snapshot */
    if (slot >= 0 && v->zfp) { /* compressed from the ring, which keeps the exact state */
        v->slot_state[slot] = to;
        for (int l = 0; l < 2 && v->st == OSIB_OK; l++)
            v->st = cpu_zfp_store(v->zfp, 2 * (size_t)slot + (size_t)l, v->fw.ring[l], v->err);
        v->held = -1;
    }
    v->state = to;
    v->steps += (double)(to - from);
    v->fw.progress_done += to - from;
    v->bw.progress_done += to - from;
}

static void rv_restore(void *ctx, int slot)
{
    revolve_run *v = ctx;
    if (slot < 0) { /* the initial state: zeros, made again */
        for (int l = 0; l < 2; l++)
            cpu_zero_field(v->p, v->fw.ring[l]);
        v->held = -1;
        v->state = 0;
        return;
    }
    v->held = slot;
    v->state = v->slot_state[slot];
}

static void objective(revolve_run *v)
{
    if (v->resid) {
        *v->phi = cpu_residual_objective(v->p, v->d_obs);
        v->bw.inject_values = v->resid;
    }
}

static void rv_turn(void *ctx)
{
    revolve_run *v = ctx;
    if (v->block > 1)
        v->turn_pending = 1; /* the last block's steps are still to be recorded */
    else
        objective(v);
}

/* W = 1: the adjoint step producing level k reads u^{k+1}, the newer level
 * of state k, wherever the state is held. W > 1: block b, its forward
 * recomputed into the buffer, then its adjoint steps in one sweep. */
static void rv_reverse(void *ctx, size_t b)
{
    revolve_run *v = ctx;
    cpu_problem *p = v->p;
    const size_t nt = p->nt;
    materialize(v);
    if (v->st != OSIB_OK)
        return;
    if (v->block == 1) {
        const size_t j = nt - 3 - b;
        cpu_sweep sw = v->bw;
        sw.u_history = v->held >= 0 ? snapshot(p, v->held, 0) : p->history;
        cpu_sweep_run_steps(p, &sw, j, j + 1);
        v->fw.progress_done += 1;
        v->bw.progress_done += 1;
        return;
    }
    const size_t W = v->block, s0 = b * W, e = s0 + W < v->nstates ? s0 + W : v->nstates; /* states s0 .. e - 1 */
    cpu_sweep sw = advance_sweep(v, s0, v->turn_pending);
    sw.save = v->buffer;
    sw.save_levels = W;
    const cpu_real *newer = v->held >= 0 ? sw.start_levels[(s0 + 1) % 2] : v->fw.ring[(s0 + 1) % 2];
    copy_field(p, v->buffer + ((s0 + 1) % W) * p->nstore, newer);
    if (e - 1 > s0)
        cpu_sweep_run_steps(p, &sw, s0, e - 1); /* levels s0 + 2 .. e */
    v->steps += (double)(e - 1 - s0);
    v->held = -1; /* the ring now holds state e - 1; Revolve restores before it advances again */
    if (v->turn_pending) {
        objective(v);
        v->turn_pending = 0;
    }
    cpu_sweep bw = v->bw;
    bw.u_history = v->buffer;
    bw.history_levels = W;
    cpu_sweep_run_steps(p, &bw, nt - 2 - e, nt - 2 - s0); /* adjoint steps of states e - 1 .. s0 */
    v->fw.progress_done += (e - 1 - s0) + (e - s0);
    v->bw.progress_done += (e - 1 - s0) + (e - s0);
}

/* Forward steps of a blocked reversal: Revolve's over B = ceil(l / W)
 * states with `slots` snapshots besides the initial state, W steps each,
 * and each block's recomputation into the buffer (l - B). */
static double reversal_steps(size_t nstates, size_t W, int slots)
{
    const size_t B = (nstates + W - 1) / W;
    const double revolve =
        (size_t)slots + 1 >= B ? (double)B - 1 : osib_checkpoint_revolve((double)B, (double)slots + 1.0).forward_steps;
    return (double)W * revolve + (double)(nstates - B);
}

/* The plan for at most `levels` forward levels in memory, a snapshot
 * taking snapshot_levels of them (2, or less when compressed). */
static void plan_reversal(size_t nstates, size_t levels, double snapshot_levels, int *snapshots, size_t *block)
{
    /* What a plan costs, in blocked forward steps: its forward steps and
     * the adjoint's (about 1.5 forward steps each, measured), and for
     * W = 1, whose steps all run one at a time, 1.3 times that (measured
     * on bench-budget-3d-100-so8 at 1/16: 5.91 s against the 4.48 s the
     * same steps take in whole sweeps; reference/cpu/README.md). */
    double best = INFINITY;
    *snapshots = 0;
    *block = 1;
    for (size_t W = 1; W + 2 <= levels && W <= nstates; W++) {
        const double fit = floor((double)(levels - 2 - (W > 1 ? W : 0)) / snapshot_levels);
        const int slots = fit > (double)CPU_MAX_SNAPSHOTS ? CPU_MAX_SNAPSHOTS : (int)fit;
        const double cost = (reversal_steps(nstates, W, slots) + 1.5 * (double)nstates) * (W == 1 ? 1.3 : 1.0);
        if (cost < best) {
            best = cost;
            *snapshots = slots;
            *block = W;
        }
    }
}

static osib_status checkpointed_core(cpu_problem *p, int snapshots, size_t W, const double *q, const double *r_or_dobs,
                                     int is_obs, double *phi, double *image, osib_err *err)
{
    const size_t nstates = p->nt - 2;
    if (W < 1)
        W = 1;
    if (W > nstates)
        W = nstates;
    const size_t B = (nstates + W - 1) / W;
    /* More than B - 1 snapshots would hold every state: the schedule never
     * uses them, so they are not allocated. */
    const int slots = (size_t)snapshots + 1 >= B ? (int)B - 1 : snapshots;
    const double steps = reversal_steps(nstates, W, slots);
    cpu_zfp *zfp = NULL;
    osib_status st = p->zfp_rate > 0 ? cpu_zfp_open(&zfp, p, p->zfp_rate, 2 * (size_t)slots, err) : OSIB_OK;
    if (st != OSIB_OK)
        return st;
    /* Compressed snapshots live in the ZFP store, not in the history. */
    const size_t snapshot_fields = zfp ? 0 : 2 * (size_t)slots;
    cpu_real *f[3];
    st = work_history(p, 2 + snapshot_fields + (W > 1 ? W : 0), 0, err);
    if (st == OSIB_OK)
        st = cpu_work_fields(p, 3, f, err); /* the adjoint's ring, the image */
    if (st == OSIB_OK && is_obs)
        st = cpu_work_residual(p, err);
    size_t *slot_state = st == OSIB_OK ? calloc((size_t)slots + 1, sizeof *slot_state) : NULL;
    if (st == OSIB_OK && !slot_state)
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory");
    if (st != OSIB_OK) {
        cpu_zfp_close(zfp);
        return st;
    }
    revolve_run v = {.p = p,
                     .d_obs = r_or_dobs,
                     .phi = phi,
                     .slot_state = slot_state,
                     .block = W,
                     .nstates = nstates,
                     .zfp = zfp,
                     .st = OSIB_OK,
                     .err = err};
    v.buffer = W > 1 ? p->history + (2 + snapshot_fields) * p->nstore : NULL; /* after the snapshots */
    v.resid = is_obs ? p->residual : NULL;
    if (v.resid)
        memset(v.resid, 0, p->nt * p->rec.npoint * sizeof *v.resid);
    v.fw = (cpu_sweep){
        .ring = {p->history, p->history + p->nstore},
        .inject = &p->src,
        .inject_values = q,
        .record = &p->rec,
        .record_values = v.resid,
        .time_block = p->time_block,
        .progress_total = (size_t)steps + nstates,
    };
    v.bw = (cpu_sweep){
        .backward = 1,
        .ring = {f[0], f[1]},
        .inject = &p->rec,
        .inject_values = r_or_dobs,
        .g = f[2],
        .u_history = p->history,
        .history_levels = 2,
        .time_block = p->time_block,
        .progress_total = (size_t)steps + nstates,
    };
    rv_restore(&v, -1);
    const osib_revolve_actions actions = {&v, rv_advance, rv_restore, rv_turn, rv_reverse};
    osib_revolve_counts counts;
    osib_revolve_run(B, slots, &actions, &counts);
    free(slot_state);
    char packed[160] = "";
    if (zfp)
        snprintf(packed, sizeof packed, ", compressed with ZFP at %g bits per value (%.2f MiB a level, %.2f MiB raw)",
                 cpu_zfp_rate(zfp), (double)cpu_zfp_level_bytes(p, p->zfp_rate) / 1048576.0,
                 (double)(p->nstore * sizeof(cpu_real)) / 1048576.0);
    cpu_zfp_close(zfp);
    if (v.st != OSIB_OK)
        return v.st;
    if (W > 1)
        snprintf(p->notes, sizeof p->notes,
                 "forward history checkpointed (Revolve over %zu blocks of %zu steps, reversed a block at a time): "
                 "%d snapshots of 2 levels%s and a block of %zu levels, %.0f forward steps taken for %zu states "
                 "(%.0f predicted, %.2fx one forward sweep)",
                 B, W, slots, packed, W, v.steps, nstates, steps, v.steps / (double)(nstates - 1));
    else
        snprintf(p->notes, sizeof p->notes,
                 "forward history checkpointed (Revolve): %d snapshots of 2 levels%s, %.0f forward steps taken for %zu "
                 "states (%.0f predicted, %.2fx one forward sweep)",
                 slots, packed, v.steps, nstates, steps, v.steps / (double)(nstates - 1));
    cpu_fold_image(p, f[2], image);
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * The streamed gradient: every forward level written to a file as the
 * forward pass makes it, read back as the adjoint pass needs it, with
 * asynchronous I/O (cpu_histfile.h) through a ring of 2 c level buffers, c
 * steps a chunk: the kernels compute one chunk while the other is written
 * or read. Levels are padded to 4096 bytes for O_DIRECT. The same steps as
 * the whole history in memory, so the same bits.
 * ------------------------------------------------------------------------- */

enum { CPU_STREAM_MIN_CHUNK = 4 };

static osib_status streamed_core(cpu_problem *p, const double *q, const double *r_or_dobs, int is_obs, double *phi,
                                 double *image, osib_err *err)
{
    const size_t nsteps = p->nt - 2, total = 2 * nsteps;
    const size_t k = p->ndim == 3 && p->time_block > 1 ? (size_t)p->time_block : 1;
    const size_t chunk = k < CPU_STREAM_MIN_CHUNK ? CPU_STREAM_MIN_CHUNK : k, ring = 2 * chunk;
    const size_t level_bytes = (p->nstore * sizeof(cpu_real) + 4095) / 4096 * 4096;
    const size_t stride = level_bytes / sizeof(cpu_real);
    cpu_real *f[3];
    osib_status st = cpu_work_fields(p, 3, f, err);
    if (st == OSIB_OK && is_obs)
        st = cpu_work_residual(p, err);
    if (st != OSIB_OK)
        return st;
    cpu_real *buf = aligned_alloc(4096, ring * level_bytes);
    if (!buf)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the history's buffers");
    memset(buf, 0, ring * level_bytes);
    /* The file of the last gradient, if it has this geometry: its blocks
     * are allocated already, and freeing 12 GB of them took 2 s here. */
    if (p->stream_file && (p->stream_level_bytes != level_bytes || p->stream_slots != (int)ring)) {
        cpu_histfile_close(p->stream_file);
        p->stream_file = NULL;
    }
    if (!p->stream_file) {
        if ((st = cpu_histfile_open(&p->stream_file, p->stream_dir, level_bytes, (int)ring, err)) != OSIB_OK) {
            free(buf);
            return st;
        }
        p->stream_level_bytes = level_bytes;
        p->stream_slots = (int)ring;
    }
    cpu_histfile *h = p->stream_file;
    double *resid = is_obs ? p->residual : NULL;
    if (resid)
        memset(resid, 0, p->nt * p->rec.npoint * sizeof *resid);
    /* Where the time goes, for the notes: each phase, and within it the
     * time the kernels waited for the disk. */
    double t_fw = omp_get_wtime(), t_bw = 0.0, wait_fw = 0.0, wait_bw = 0.0, t0;
    cpu_sweep fw = {
        .ring = {f[0], f[1]},
        .save = buf,
        .save_levels = ring,
        .level_stride = stride,
        .inject = &p->src,
        .inject_values = q,
        .record = resid ? &p->rec : NULL,
        .record_values = resid,
        .time_block = p->time_block,
        .progress_total = total,
    };
    /* Forward: before a chunk overwrites its buffers, the writes still
     * reading them end; after it, its levels t = j + 2 go to the file. */
    for (size_t j0 = 0; st == OSIB_OK && j0 < nsteps; j0 += chunk) {
        const size_t j1 = j0 + chunk < nsteps ? j0 + chunk : nsteps;
        t0 = omp_get_wtime();
        for (size_t j = j0; st == OSIB_OK && j < j1; j++)
            st = cpu_histfile_wait(h, (int)((j + 2) % ring), err);
        wait_fw += omp_get_wtime() - t0;
        if (st != OSIB_OK)
            break;
        fw.progress_done = j0;
        cpu_sweep_run_steps(p, &fw, j0, j1);
        for (size_t j = j0; st == OSIB_OK && j < j1; j++)
            st = cpu_histfile_write(h, (int)((j + 2) % ring), j + 2, buf + (j + 2) % ring * stride, err);
    }
    t0 = omp_get_wtime();
    for (size_t i = 0; i < ring; i++) {
        osib_status w = cpu_histfile_wait(h, (int)i, err);
        if (st == OSIB_OK)
            st = w;
    }
    wait_fw += omp_get_wtime() - t0;
    t_fw = omp_get_wtime() - t_fw;
    t_bw = omp_get_wtime();
    if (st == OSIB_OK) {
        cpu_zero_field(p, f[0]);
        cpu_zero_field(p, f[1]);
        const double *r = r_or_dobs;
        if (is_obs) {
            *phi = cpu_residual_objective(p, r_or_dobs);
            r = resid;
        }
        cpu_sweep bw = {
            .backward = 1,
            .ring = {f[0], f[1]},
            .inject = &p->rec,
            .inject_values = r,
            .g = f[2],
            .u_history = buf,
            .history_levels = ring,
            .level_stride = stride,
            .time_block = p->time_block,
            .progress_total = total,
        };
        /* Adjoint step j reads level nt - 2 - j (imaging from level 2 up):
         * the next chunk's levels are read while this chunk computes. */
        size_t next = 0; /* the first step whose level has not been asked for */
        for (size_t j0 = 0; st == OSIB_OK && j0 < nsteps; j0 += chunk) {
            const size_t j1 = j0 + chunk < nsteps ? j0 + chunk : nsteps, j2 = j1 + chunk < nsteps ? j1 + chunk : nsteps;
            for (; st == OSIB_OK && next < j2; next++) {
                const size_t t = p->nt - 2 - next;
                if (t >= 2)
                    st = cpu_histfile_read(h, (int)(t % ring), t, buf + t % ring * stride, err);
                else if ((st = cpu_histfile_wait(h, (int)(t % ring), err)) == OSIB_OK)
                    memset(buf + t % ring * stride, 0, level_bytes); /* u^0 = u^1 = 0, never written */
            }
            t0 = omp_get_wtime();
            for (size_t j = j0; st == OSIB_OK && j < j1; j++)
                st = cpu_histfile_wait(h, (int)((p->nt - 2 - j) % ring), err);
            wait_bw += omp_get_wtime() - t0;
            if (st != OSIB_OK)
                break;
            bw.progress_done = nsteps + j0;
            cpu_sweep_run_steps(p, &bw, j0, j1);
        }
    }
    t_bw = omp_get_wtime() - t_bw;
    const int direct = cpu_histfile_direct(h);
    free(buf);
    if (st != OSIB_OK) { /* cancels and waits for anything in flight, and drops the file */
        cpu_histfile_close(h);
        p->stream_file = NULL;
        return st;
    }
    cpu_fold_image(p, f[2], image);
    snprintf(p->notes, sizeof p->notes,
             "forward history streamed: %zu levels of %.1f MiB written to and read back from a file in %s (%s), "
             "%zu levels in memory; forward %.2f s (%.2f s waiting for the disk), reverse %.2f s (%.2f s "
             "waiting)",
             nsteps, level_bytes / 1048576.0, p->stream_dir, direct ? "O_DIRECT" : "through the page cache", ring, t_fw,
             wait_fw, t_bw, wait_bw);
    return OSIB_OK;
}

/* Bytes cpu_alloc_huge takes for n values. */
static double huge_bytes(double values)
{
    const double huge = 2097152.0, bytes = values * sizeof(cpu_real);
    return bytes >= huge ? ceil(bytes / huge) * huge : bytes;
}

/* What running the gradient with a history of `fields` fields adds to the
 * resident memory now: the history (less one already held), the work
 * fields and residual not yet held, the float64 image the fold fills. */
static double added_bytes(const cpu_problem *p, size_t fields)
{
    double add = huge_bytes((double)fields * (double)p->nstore);
    if (p->history)
        add -= huge_bytes((double)p->history_fields * (double)p->nstore);
    for (int i = 0; i < 3; i++)
        add += p->work[i] ? 0.0 : huge_bytes((double)p->nstore);
    if (!p->residual)
        add += 8.0 * (double)p->nt * (double)p->rec.npoint;
    return add + 8.0 * (double)(p->n[0] * p->n[1] * p->n[2]);
}

/* What a snapshot takes, in levels of the stored grid: 2, or two
 * compressed levels. */
static double snapshot_levels(const cpu_problem *p)
{
    if (p->zfp_rate <= 0)
        return 2.0;
    return 2.0 * (double)cpu_zfp_level_bytes(p, p->zfp_rate) / ((double)p->nstore * sizeof(cpu_real));
}

/* The gradient's strategy (spec/acoustic.md §12, "Gradients under a memory
 * budget"): --checkpoints when given (reversed a state at a time, or in
 * blocks of --reverse-block); under a budget, the whole history when it
 * fits beside what the process holds now, else the most forward levels
 * that fit, split between snapshots and a reversal block by plan_reversal;
 * without either, the whole history. *snapshots: -1 for the whole history. */
static osib_status choose_strategy(const cpu_problem *p, int *snapshots, size_t *block, osib_err *err)
{
    *snapshots = p->snapshots;
    *block = p->reverse_block > 0 ? (size_t)p->reverse_block : 1;
    if (p->snapshots >= 0)
        return OSIB_OK;
    if (p->history_levels > 0) {
        if (p->history_levels < p->nt)
            plan_reversal(p->nt - 2, p->history_levels, snapshot_levels(p), snapshots, block);
        return OSIB_OK;
    }
    if (p->memory_budget_bytes <= 0)
        return OSIB_OK;
    /* A margin for what is not counted: HDF5's buffers when the outputs
     * are written, the allocator's own pages. */
    const double margin = 4.0 * 1048576.0 + 0.02 * p->memory_budget_bytes;
    const double room = p->memory_budget_bytes - osib_self_rss_bytes() - margin;
    if (added_bytes(p, p->nt) <= room) {
        *snapshots = -1;
        return OSIB_OK;
    }
    const size_t least = 2 + (p->reverse_block > 1 ? (size_t)p->reverse_block : 0);
    if (added_bytes(p, least) > room)
        return osib_fail(err, OSIB_E_NOMEM,
                         "memory budget %.1f MiB: this process holds %.1f MiB already, and the gradient needs %.1f "
                         "MiB more with no snapshot at all (and a margin of %.1f MiB)",
                         p->memory_budget_bytes / 1048576.0, osib_self_rss_bytes() / 1048576.0,
                         added_bytes(p, least) / 1048576.0, margin / 1048576.0);
    size_t lo = least, hi = p->nt;
    while (lo < hi) { /* the most forward levels that fit */
        const size_t mid = lo + (hi - lo + 1) / 2;
        if (added_bytes(p, mid) <= room)
            lo = mid;
        else
            hi = mid - 1;
    }
    if (p->reverse_block > 0) {
        const double spare = floor((double)(lo - least) / snapshot_levels(p));
        *snapshots = spare > (double)CPU_MAX_SNAPSHOTS ? CPU_MAX_SNAPSHOTS : (int)spare;
    } else
        plan_reversal(p->nt - 2, lo, snapshot_levels(p), snapshots, block);
    return OSIB_OK;
}

static osib_status born_adjoint_core(cpu_problem *p, const double *q, const double *r_or_dobs, int is_obs, double *phi,
                                     double *image, osib_err *err)
{
    int snapshots;
    size_t block;
    osib_status st = choose_strategy(p, &snapshots, &block, err);
    if (st != OSIB_OK)
        return st;
    if (p->memory_budget_bytes > 0 && snapshots < 0)
        snprintf(p->notes, sizeof p->notes, "forward history kept whole (%zu levels): it fits the budget", p->nt);
    if (p->stream_dir[0] && p->nt > 2)
        return streamed_core(p, q, r_or_dobs, is_obs, phi, image, err);
    if (snapshots >= 0 && p->nt > 2)
        return checkpointed_core(p, snapshots, block, q, r_or_dobs, is_obs, phi, image, err);
    return full_history_core(p, q, r_or_dobs, is_obs, phi, image, err);
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
    ext[2] = (ext[2] + CPU_ALIGN_REALS - 1) / CPU_ALIGN_REALS * CPU_ALIGN_REALS;
    double field = (double)ext[0] * (double)ext[1] * (double)ext[2] * sizeof(cpu_real);
    double fields = 1; /* alpha */
    switch (op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_ADJOINT: fields += 2; break;      /* a ring of two levels */
    case OSIB_OP_BORN: fields += 2 + 2 + 1; break; /* rings of 2 for u and du, dm (CPU_WORK_FIELDS) */
    case OSIB_OP_BORN_ADJOINT:
    case OSIB_OP_GRADIENT: fields += 2 + 1; break; /* ring of 2 (u, then v), image; history below */
    case OSIB_OP_COUNT: break;
    }
    if (s->tti) {
        /* a, b and the axis n (cpu_tti.h); two fields where acoustic has one,
         * the Born field's dm and the image once. */
        static const double tti_work[OSIB_OP_COUNT + 1] = {[OSIB_OP_FORWARD] = 4,
                                                           [OSIB_OP_ADJOINT] = 4,
                                                           [OSIB_OP_BORN] = 9,
                                                           [OSIB_OP_BORN_ADJOINT] = 5,
                                                           [OSIB_OP_GRADIENT] = 5};
        fields = 1 + 2 + s->ndim + tti_work[op];
    }
    /* Each field rounded up to a 2 MiB huge page (cpu_alloc_huge). */
    field = ceil(field / 2097152.0) * 2097152.0;
    if (op == OSIB_OP_BORN_ADJOINT || op == OSIB_OP_GRADIENT)
        fields += (s->tti ? 2.0 : 1.0) * (double)s->nt * (double)ext[0] * (double)ext[1] * (double)ext[2] *
                  sizeof(cpu_real) / field;
    if (s->tti) /* per-thread block temporaries (cpu_tti.h), for the default tiles */
        fields += (double)omp_get_max_threads() * CPU_TTI_WINDOW_BYTES / field;
    double sparse = (double)s->nt * (double)(s->nsrc + 2 * s->nrec) * 2 * sizeof(double);
    double total = fields * field + sparse + 3.0 * (double)N[0] * N[1] * N[2] * sizeof(double);
    /* Under a budget the gradient keeps what fits (choose_strategy). */
    if ((op == OSIB_OP_BORN_ADJOINT || op == OSIB_OP_GRADIENT) && s->memory_budget_bytes > 0 && !s->tti &&
        total > s->memory_budget_bytes)
        total = s->memory_budget_bytes;
    return total > (double)SIZE_MAX ? SIZE_MAX : (size_t)total;
}
