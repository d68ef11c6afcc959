/*
 * cpu_kernels.h - the hot loops of reference/cpu: one time step of the
 * acoustic recursion (spec/acoustic.md section 6) over a range of rows.
 *
 * For every point of the rows given,
 *
 *     newer = alpha (L cur) + 2 cur - older - e (cur - older),  e = alpha eta / dt
 *
 * where L is the Laplacian of space order so (cpu_problem.h: this is the
 * spec's step with beta = 2 - e, gamma = 1 - e). The only per-point
 * coefficient read is alpha; eta comes from 1D profiles, and in the
 * interior, where eta = 0, the damping term is skipped. The loops are
 * specialised at compile time for each half order 1..8 and for 2D and 3D,
 * and vectorise along z.
 *
 * newer may be the same array as older (the two-buffer, in-place scheme of
 * cpu_sweep.h); it must not alias cur. Each point is computed the same way
 * whatever range of rows a call covers, so any split of a step into calls
 * (threads, planes, wavefronts) gives the same bits.
 *
 * Two fused variants save a pass over memory:
 *   IMAGING  also g -= u (newer - 2 cur + older), the image times dt^2
 *            (the fold divides), with the second difference formed as
 *            alpha (L cur) - e (cur - older) before the sum that would
 *            cancel it, and older read before newer overwrites it (the
 *            adjoint pass of J^T and of the gradient, spec/acoustic.md
 *            section 9);
 *   BORN     two fields in one pass (the Born operator J): the background
 *            u as in PLAIN, and the scattered field du (cur2, older2,
 *            newer2) by the same step with the source term
 *            - alpha inv_dt2 dm d2u inside alpha's bracket, where d2u is
 *            u's second difference formed as in IMAGING (without what the
 *            sparse work injects into u afterwards: that part is added to
 *            du by cpu_sparse_inject_block).
 */
#ifndef CPU_KERNELS_H
#define CPU_KERNELS_H

#include <stddef.h>

#include "cpu_problem.h"

typedef enum { CPU_UPDATE_PLAIN, CPU_UPDATE_IMAGING, CPU_UPDATE_BORN } cpu_update_mode;

typedef struct {
    cpu_update_mode mode;
    const cpu_real *cur;           /* the level the stencil reads */
    const cpu_real *older;         /* two steps back */
    cpu_real *newer;               /* written; may be older itself */
    cpu_real *g;                   /* IMAGING: image accumulated in place */
    const cpu_real *u;             /* IMAGING: forward wavefield at cur's time */
    cpu_real *save;                /* or NULL: each row of newer also streamed here (PLAIN) */
    const cpu_real *cur2, *older2; /* BORN: the scattered field's levels, like cur, older */
    cpu_real *newer2;              /* BORN: written; may be older2 itself */
    const cpu_real *dm;            /* BORN: model perturbation, padded */
    cpu_real inv_dt2;              /* BORN: 1 / dt^2 */
} cpu_update;

/* One step on rows iy0 <= iy < iy1 of plane ix (padded indices; every z). */
void cpu_update_rows(const cpu_problem *p, const cpu_update *a, size_t ix, size_t iy0, size_t iy1);

/* The same on planes ix and ix + 1, in one loop where that is faster (3D,
 * PLAIN and IMAGING: the two planes share most of the rows their x
 * neighbours come from); otherwise one plane after the other. Each point
 * is computed as cpu_update_rows computes it: the same bits. The caller
 * must allow plane ix + 1 to be computed before plane ix's sparse work. */
void cpu_update_plane_pair(const cpu_problem *p, const cpu_update *a, size_t ix, size_t iy0, size_t iy1);

/* dst[0 .. n) = src[0 .. n) with streaming stores, which bypass the caches
 * (no read of dst's lines first, no eviction of the working set): for a
 * copy that only a later pass reads. dst and src 64-byte aligned, n a
 * multiple of CPU_ALIGN_REALS (64 bytes). The stores are ordered before
 * later ones only after cpu_stream_fence() in the same thread. */
void cpu_stream_copy(cpu_real *restrict dst, const cpu_real *restrict src, size_t n);
void cpu_stream_fence(void);

#endif
