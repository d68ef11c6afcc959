/*
 * cpu_sweep.h - the time loop of reference/cpu: nt - 2 steps of the
 * recursion, forward or backward in time, with source injection, receiver
 * interpolation and (for J^T and the gradient) the imaging condition, and
 * optionally with temporal blocking.
 *
 * Levels. A sweep produces level t_new from t_cur and t_old: forward
 * t_new = t_cur + 1 = t_old + 2 for t_cur = 1 .. nt-2; backward (the
 * adjoint) t_new = t_cur - 1 = t_old - 2 for t_cur = nt-2 .. 1. Levels live
 * in a ring of 2 arrays (t_new overwrites t_old in place), a ring of 3, or
 * a history of nt arrays (level t at history + t nstore). The caller zeroes
 * the two starting levels.
 *
 * Sparse work, per plane of a new level, in increasing plane order
 * (cpu_problem.h): inject values[t_cur] scaled by dt^2 vp^2 into it, then,
 * for 1 <= t_new <= nt-2, add its interpolation into record[t_new]. The
 * caller zeroes record. This is spec/acoustic.md section 9's order.
 *
 * Temporal blocking (time_block K > 1, 3D only): K consecutive steps are
 * computed in one sweep along x, step s + 1 lagging step s by so/2 planes,
 * so that the planes a step reads are still in cache from the step before
 * (a wavefront). Step s + 1 at plane x needs step s on planes up to
 * x + so/2, all done, and overwrites level t_old at plane x, which no
 * remaining computation reads: the in-place ring stays correct. Every point
 * is computed by the same arithmetic in the same order as with K = 1, so
 * the results are the same bits (tests/unit/test_cpu_sweep.c checks it).
 */
#ifndef CPU_SWEEP_H
#define CPU_SWEEP_H

#include "cpu_kernels.h"
#include "cpu_problem.h"

typedef struct {
    int backward;   /* 0: forward in time; 1: adjoint, backward */
    float *ring[3]; /* ring_size arrays, when history is NULL */
    int ring_size;  /* 2 (in place) or 3 */
    float *history; /* nt levels, or NULL */
    const cpu_sparse *inject;
    const double *inject_values; /* nt x inject->npoint */
    const cpu_sparse *record;    /* or NULL */
    double *record_values;       /* nt x record->npoint, zeroed by the caller */
    float *g;                    /* imaging: the image, or NULL */
    const float *u_history;      /* imaging: forward levels, nt arrays */
    int time_block;              /* steps per wavefront, >= 1 */
    size_t progress_done, progress_total;
} cpu_sweep;

/* Run all nt - 2 steps. */
void cpu_sweep_run(const cpu_problem *p, const cpu_sweep *sw);

/* The level array of time t. */
float *cpu_sweep_level(const cpu_problem *p, const cpu_sweep *sw, size_t t);

/* One step on one plane, then that plane's sparse work (the unit both the
 * plain and the wavefront loops are made of; step j = 0 .. nt-3).
 * Rows iy0..iy1 only; the sparse work is left to plane_sparse. */
void cpu_sweep_plane_rows(const cpu_problem *p, const cpu_sweep *sw, size_t j, size_t ix, size_t iy0, size_t iy1);
void cpu_sweep_plane_sparse(const cpu_problem *p, const cpu_sweep *sw, size_t j, size_t ix);

#endif
