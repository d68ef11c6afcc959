/*
 * cpu_problem.h - the CPU implementation of the acoustic operators
 * (reference/cpu): data layout, precomputed coefficients, sparse points.
 * Fields, coefficients and weights are cpu_real: float32, or float64 in the
 * float64 build (cpu_real.h).
 *
 * Layout. Fields are cpu_real on the padded grid plus a halo of so/2 zeros
 * on each active axis; the z extent of a stored row is rounded up to a
 * multiple of 64 bytes (16 floats, 8 doubles: CPU_ALIGN_REALS) and every
 * field is 64-byte aligned, so each z row starts on a cache line and the
 * inner loop vectorises without peeling.
 * 2D cases use the same 3D layout with one y plane and no y halo.
 *
 * Coefficients. One step of spec/acoustic.md section 6 is evaluated as
 *
 *     u_next = alpha (L u) + beta u - gamma u_prev,
 *     alpha = dt^2 / C,  beta = (2m + dt eta) / C,  gamma = m / C,  C = m + dt eta,
 *
 * which is, with e = alpha eta / dt (so that gamma = 1 - e, beta = 2 - e),
 *
 *     u_next = alpha (L u) + 2 u - u_prev - e (u - u_prev).
 *
 * alpha is precomputed per point in float64 and stored as cpu_real. The
 * damping eta = eta_x(x) + eta_y(y) + eta_z(z) is separable (spec §4), so
 * eta / dt is kept as three 1D cpu_real profiles, and e is formed in the
 * loop: the absorbing layer reads no per-point array beyond alpha, and in
 * the interior e = 0 and the last term is skipped. Injection scales by
 * dt^2 vp^2, folded into each corner's weight when the model is set (a
 * per-point array would cost a cache miss per receiver of a carpet at
 * every step), and the Born source enters as alpha b / dt^2.
 */
#ifndef CPU_PROBLEM_H
#define CPU_PROBLEM_H

#include <stddef.h>

#include "cpu_real.h"
#include "fd_weights.h"
#include "osib_err.h"
#include "osib_ops.h"
#include "setup.h"

/* Padded fields an operator works in, at most: TTI's Born operator, rings
 * of 2 for u, v, du and dv, and dm (acoustic Born: 5, cpu_operators.c). */
enum { CPU_WORK_FIELDS = 9, CPU_MAX_SNAPSHOTS = 1 << 20 };

/* Sparse points (sources or receivers) with their multilinear weights and
 * two indexes that let a time step do the sparse work of any block of rows
 * as soon as those rows are computed (cpu_sweep.h):
 *
 *   injection: the corners with a weight, by x plane then y row (entries
 *     by_plane[plane_start[ix] .. plane_start[ix + 1]), rows in
 *     by_plane_row), in increasing point order at each grid point, so the
 *     amounts added to a point are added in the same order however a step
 *     is cut into blocks;
 *   interpolation: the points by their last corner (largest plane, then
 *     largest row; by_last, by_last_row), so a point is interpolated once,
 *     over its corners in corner order, when the block holding its last
 *     corner is done, and its value does not depend on the blocks.
 *
 * What the loops read is copied into arrays in those orders (inject_*,
 * gather_*), so that a block's sparse work reads them front to back: a
 * dense receiver carpet would otherwise gather 96 bytes of weights and
 * offsets per receiver and step from arrays larger than the L2 cache,
 * evicting the wavefront's window (measured: reference/cpu/README.md). */
typedef struct {
    size_t npoint;
    int ncorner;
    size_t *offset;       /* npoint x ncorner */
    cpu_real *weight;     /* npoint x ncorner; 0 for skipped corners */
    size_t *plane_start;  /* N[0] + 1 */
    size_t *by_plane;     /* entries k = point * ncorner + corner */
    size_t *by_plane_row; /* the entries' rows */
    size_t *inject_point; /* the entries' points */
    size_t *inject_offset;
    cpu_real *inject_weight; /* weight x dt^2 vp^2 at the corner (set with the model) */
    size_t *last_start;      /* N[0] + 1 */
    size_t *by_last;         /* points */
    size_t *by_last_row;
    size_t *gather_start;  /* npoint + 1: point by_last[e]'s corners with a weight are */
    size_t *gather_offset; /* gather_start[e] .. gather_start[e + 1], in corner order */
    cpu_real *gather_weight;
} cpu_sparse;

/* A block of one plane: rows iy0 <= iy < iy1 (padded indices), all z. */
typedef struct {
    size_t ix, iy0, iy1;
} cpu_block;

typedef struct {
    int ndim, space_order, half; /* half = so/2 */
    size_t N[3];                 /* padded points per internal axis (x, y, z) */
    size_t n[3];                 /* physical points */
    int nbl;
    int halo[3];
    size_t ext[3];       /* stored extents: N + 2 halo, z rounded up */
    size_t stride[3];    /* element strides */
    size_t nstore;       /* elements per stored field */
    double spacing_m[3]; /* per internal axis */
    double dt_ms;
    size_t nt;
    cpu_real wx[FD_MAX_HALF + 1], wy[FD_MAX_HALF + 1], wz[FD_MAX_HALF + 1]; /* w_k / h^2 per axis */
    cpu_real *alpha;
    cpu_real *eta_dt[3]; /* eta / dt per axis: N[0] planes, N[1] rows, ext[2] stored columns (0 in the halo) */
    /* Work arrays, kept between operator calls (cpu_operators.c): an FWI
     * loop calls the same operators again and again, and fresh memory costs
     * page faults and the kernel's zeroing of every page at each call. */
    cpu_real *work[CPU_WORK_FIELDS]; /* wavefield rings, the image, dm: as many as the last operator used */
    cpu_real *history;               /* the gradient's forward history from the first gradient on: nt fields, or
                                      * (checkpointed) the recomputed forward's two levels and the snapshots */
    size_t history_fields;           /* fields history holds */
    int history_whole;               /* 1: every level (nt fields); 0: a checkpointed ring and snapshots */
    int snapshots;              /* --checkpoints: -1 keep every level (or what the budget allows); s >= 0 Revolve */
    int reverse_block;          /* --reverse-block: W states recomputed and reversed together; 0: choose */
    size_t history_levels;      /* --history-levels: the most forward levels the gradient keeps; 0: no limit */
    double zfp_rate;            /* --zfp-rate: snapshots compressed with ZFP at this many bits per value; 0: not */
    double memory_budget_bytes; /* the case's, for the gradient (0: none): cpu_operators.c chooses to fit it */
    char notes[512];            /* what the last gradient chose, for result.yaml (backend.h, notes) */
    char stream_dir[256];       /* --stream DIR: the gradient streams its history to a file there; "" not */
    struct cpu_histfile *stream_file; /* that file, kept open from one gradient to the next like the work arrays
                                         (closed on an error, and by cpu_problem_free) */
    size_t stream_level_bytes;        /* and its geometry */
    int stream_slots;
    double *residual; /* the gradient's F q - d_obs, nt x receivers */
    cpu_sparse src, rec;
    int time_block;      /* steps per wavefront in 3D (cpu_sweep.h); 1: none */
    int tile_y;          /* rows per wavefront tile in 3D (cpu_sweep.h), or per TTI block; 0: the rule */
    size_t window_bytes; /* the wavefront window tile rows are cut to (cpu_sweep.c); 0: CPU_WAVEFRONT_BYTES */
    int tune_mode, tune_k_given, tuned; /* cpu_tune.h: how K and the window are chosen, once the model is set */
    char tune_note[512];                /* what was chosen and whence, for every operator's notes */
    int tile_x;                         /* planes per TTI block (cpu_tti.h); 0: the rule */
    /* TTI (cpu_tti.h); tti = 0: the acoustic operators. */
    int tti, tti_q;                        /* tti_q: staggered half order ceil(so / 4) */
    cpu_real tti_c[3][FD_MAX_STAGGER + 1]; /* c_j / h_d per internal axis (0 on an inactive one) */
    cpu_real *tti_a, *tti_b;               /* 1 + 2 epsilon, sqrt(1 + 2 delta) */
    cpu_real *tti_n[3];                    /* the symmetry axis; NULL on an inactive axis */
    osib_progress_fn progress;
    void *progress_ctx;
} cpu_problem;

osib_status cpu_problem_init(cpu_problem *p, const osib_setup *s, osib_err *err);
osib_status cpu_problem_set_model(cpu_problem *p, const double *vp_phys, osib_err *err);
void cpu_problem_free(cpu_problem *p);

/* What else an injected amount changes after a fused step (cpu_kernels.h),
 * which saw the field without it: */
typedef struct {
    cpu_real *g; /* IMAGING, or NULL: g -= u * amount (the imaging term) */
    const cpu_real *u;
    cpu_real *du; /* BORN, or NULL: du -= alpha inv_dt2 dm * amount (the Born source) */
    const cpu_real *alpha, *dm;
    cpu_real inv_dt2;
} cpu_inject_side;

/* field[offset] += weight * dt^2 vp^2 * values[point] for the corners in
 * block b (values in float64, added in cpu_real), and what side says
 * (side may be NULL). */
void cpu_sparse_inject_block(const cpu_sparse *s, const cpu_block *b, const double *values, cpu_real *field,
                             const cpu_inject_side *side);

/* out[point] += sum over its corners of weight * field[offset], for the
 * points whose last corner is in block b. */
void cpu_sparse_record_block(const cpu_sparse *s, const cpu_block *b, const cpu_real *field, double *out);

/* Whether plane ix holds a corner to inject or a point's last corner. */
static inline int cpu_sparse_in_plane(const cpu_sparse *s, size_t ix)
{
    return s->plane_start[ix + 1] > s->plane_start[ix] || s->last_start[ix + 1] > s->last_start[ix];
}

/* Bytes allocated for an operator. */
size_t cpu_operator_bytes(const osib_setup *s, osib_op op);

/* bytes of memory (not zeroed), 64-byte aligned, on huge pages when large;
 * free() releases it. NULL when out of memory. */
void *cpu_alloc_huge(size_t bytes);

/* A zeroed, aligned field, or NULL. */
cpu_real *cpu_field_alloc(const cpu_problem *p);

/* The physical point whose value the padded point (ix, iy, iz) takes
 * (the extension E of spec/acoustic.md §3 clamps each axis), as an index
 * into physical arrays; E^T sums the padded points onto it. */
size_t cpu_phys_index(const cpu_problem *p, size_t ix, size_t iy, size_t iz);

/* Offset of padded index (ix, iy, iz). */
static inline size_t cpu_at(const cpu_problem *p, size_t ix, size_t iy, size_t iz)
{
    return (ix + (size_t)p->halo[0]) * p->stride[0] + (iy + (size_t)p->halo[1]) * p->stride[1] + iz +
           (size_t)p->halo[2];
}

#endif
