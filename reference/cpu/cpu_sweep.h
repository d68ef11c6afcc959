/*
 * cpu_sweep.h - the time loop of reference/cpu: nt - 2 steps of the
 * recursion, forward or backward in time, with source injection, receiver
 * interpolation and (for J^T and the gradient) the imaging condition, and
 * optionally with temporal blocking.
 *
 * Levels. A sweep produces level t_new from t_cur and t_old: forward
 * t_new = t_cur + 1 = t_old + 2 for t_cur = 1 .. nt-2; backward (the
 * adjoint) t_new = t_cur - 1 = t_old - 2 for t_cur = nt-2 .. 1. Levels live
 * in a ring of 2 arrays (t_new overwrites t_old in place). The caller
 * zeroes the two starting levels. With dm (the Born operator J), the sweep
 * also carries the scattered field du, in a second ring, through the fused
 * BORN step (cpu_kernels.h), and records du instead of u. With save, a sweep also streams
 * each new level into save + t_new nstore (the gradient's history: the ring
 * stays in cache, the copy goes to memory with streaming stores), row by
 * row as the kernel computes it; a block that then receives injected
 * amounts is streamed again.
 *
 * Sparse work, per block of rows of a new level, right after the block is
 * computed: inject values[t_cur] scaled by dt^2 vp^2 into it, then, for
 * 1 <= t_new <= nt-2, add into record[t_new] the interpolation of the
 * points whose last corner is in the block (cpu_problem.h). The caller
 * zeroes record. This is spec/acoustic.md section 9's order.
 *
 * Temporal blocking (time_block K > 1, 3D only): K consecutive steps in one
 * sweep along x, step s + 1 lagging step s by so/2 planes, so that the
 * planes a step reads are still in cache from the step before (a
 * wavefront); the y rows are cut into tiles of about tile_y rows, skewed by
 * so/2 rows per step, each swept on its own so that what a sweep touches
 * stays in cache, and the tiles are pipelined over the threads (cpu_sweep.c
 * says why that is exact). Two consecutive fronts are computed together, so
 * that the two planes of a step share the rows their x neighbours come from
 * (cpu_update_plane_pair). Every point is computed by the same
 * arithmetic in the same order as with K = 1, so the results are the same
 * bits (tests/e2e/cpu_kernels.sh checks it).
 */
#ifndef CPU_SWEEP_H
#define CPU_SWEEP_H

#include "cpu_kernels.h"
#include "cpu_problem.h"

/* The default tile height keeps a tile's wavefront window under this many
 * bytes (cpu_sweep.c): measured on the benchmark machine (2 MiB of L2 per
 * core), 2.6 MiB was best at 256^3 and 384^3, so 8; 3.8 MiB ran 30% slower
 * (reference/cpu/README.md). A rule about the cache, so in bytes: the
 * float64 build's tiles hold about half the rows. */
enum { CPU_WAVEFRONT_BYTES = 2816 * 1024, CPU_MIN_TILE_Y = 8 };

typedef struct {
    int backward;       /* 0: forward in time; 1: adjoint, backward */
    cpu_real *ring[2];  /* the wavefield's two levels */
    cpu_real *ring2[2]; /* BORN: the scattered field's */
    const cpu_real *dm; /* BORN: the model perturbation, padded; NULL otherwise */
    cpu_real *save;     /* or NULL: every new level also copied to save + t nstore */
    const cpu_sparse *inject;
    const double *inject_values; /* nt x inject->npoint */
    const cpu_sparse *record;    /* or NULL */
    double *record_values;       /* nt x record->npoint, zeroed by the caller */
    cpu_real *g;                 /* imaging: the image times dt^2 (cpu_kernels.h), or NULL */
    const cpu_real *u_history;   /* imaging: forward level t at u_history + (t % history_levels) nstore */
    size_t history_levels;       /* 2: the ring of a recomputed forward; 0: all nt levels */
    size_t save_levels;          /* save: level t at save + (t % save_levels) level_stride; 0: all nt */
    size_t level_stride;         /* elements from one level of save or u_history to the next; 0: nstore */
    /* Or NULL: a forward sweep that starts from state k (levels k + 1 and
     * k) held elsewhere, a checkpointed gradient's snapshot, reads those two
     * levels from start_levels[t % 2] and writes its new levels into the
     * ring, so that the snapshot need not be copied into the ring first. */
    const cpu_real *start_levels[2];
    size_t start_state;
    /* Or NULL: the two levels of end_state (end_state + 1 and end_state),
     * where the sweep ends, are written to (and read from) end_levels[t % 2]
     * instead of the ring: a snapshot taken without a copy. */
    cpu_real *end_levels[2];
    size_t end_state;
    int time_block; /* steps per wavefront, >= 1 */
    size_t progress_done, progress_total;
} cpu_sweep;

/* Run all nt - 2 steps. */
void cpu_sweep_run(const cpu_problem *p, const cpu_sweep *sw);

/* Run steps j_begin .. j_end - 1 only (a checkpointed gradient's advances
 * and single adjoint steps): the same bits as inside a whole sweep. */
void cpu_sweep_run_steps(const cpu_problem *p, const cpu_sweep *sw, size_t j_begin, size_t j_end);

/* The level array of time t, where steps write it (the scattered field's:
 * cpu_sweep_level2). */
cpu_real *cpu_sweep_level(const cpu_problem *p, const cpu_sweep *sw, size_t t);
cpu_real *cpu_sweep_level2(const cpu_problem *p, const cpu_sweep *sw, size_t t);

/* One step j (0 .. nt-3) on a block, and the sparse work of that block:
 * the units every loop is made of. */
void cpu_sweep_block(const cpu_problem *p, const cpu_sweep *sw, size_t j, const cpu_block *b);
void cpu_sweep_sparse(const cpu_problem *p, const cpu_sweep *sw, size_t j, const cpu_block *b);

/* The block of a whole plane. */
cpu_block cpu_whole_plane(const cpu_problem *p, size_t ix);

#endif
