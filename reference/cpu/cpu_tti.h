/*
 * cpu_tti.h - the TTI medium and one TTI time step over a block of rows
 * (spec/tti.md sections 3, 4 and 6), in cpu_real, for reference/cpu.
 *
 * The operators. For a field f on the padded grid (zero beyond it),
 *
 *     G f   = sum_d n_d D+_d f                  (a scalar field)
 *     Gzz f = sum_d D-_d (n_d G f)              (spec/tti.md §4)
 *     Gh f  = L f - Gzz f
 *
 * with D+_d f(x) = sum_j c_j (f(x + j e_d) - f(x - (j-1) e_d)) / h_d and
 * D-_d the same with offsets j-1 and -j, j = 1 .. q, q = ceil(so / 4).
 * A step of the forward pair (u, v) evaluates Gzz u, Gzz v and L u at
 * every point; the adjoint pair (p, r) evaluates Gzz w2, L w2 and Gzz w1
 * of w2 = a p + b r, w1 = b p + r (spec/tti.md §8: the coefficients
 * multiply inside the operators).
 *
 * What is computed once per point. The naive form evaluates G f at each
 * of the 2q nodes of each D-_d, 6q times per point in 3D. Here G f is
 * computed once per point and field, and the three products P_d = n_d G f
 * are kept in per-block temporaries (Devito's cross-iteration redundancy
 * elimination, spelt out): P_x over the block's rows widened by q - 1 and
 * q planes along x, P_y widened along y, P_z over the block itself. Only
 * the widened rows compute G f twice (once per neighbouring block).
 *
 * Blocks. A step is cut into blocks of tile_x planes by tile_y rows, each
 * over the whole stored z extent (the halo and padding columns have
 * alpha = 0 and n_d = 0, so they get 0 again, and every vector is full).
 * Every point of a block is computed by the same arithmetic in the same
 * order whatever the block sizes and the thread that computes it: the
 * results are the same bits for any tiling and thread count
 * (tests/e2e/cpu_kernels.sh checks it). The temporaries are written
 * before they are read, within the block, by its own thread.
 *
 * The update, per field, is the acoustic one of cpu_kernels.h with the
 * TTI H in place of L u:
 *
 *     newer = alpha H + 2 cur - older - alpha eta/dt (cur - older).
 *
 * Modes:
 *   FORWARD  pair (u, v): H_u = a Gh u + b Gzz v, H_v = b Gh u + Gzz v;
 *            with save, each new row of u and v is also copied there with
 *            streaming stores (the gradient's history: cpu_kernels.h's
 *            cpu_stream_copy), while it is in cache;
 *   ADJOINT  pair (p, r), given w2 and w1: H_p = Gh w2, H_r = Gzz w1;
 *   IMAGING  ADJOINT, and g -= uh d2p, then g -= vh d2r, with d2 the
 *            second difference the step adds (before injection), formed
 *            as alpha H - alpha eta/dt (cur - older): the image times
 *            dt^2 (cpu_kernels.h);
 *   BORN     FORWARD for (u, v) and for (du, dv), whose H carries the
 *            Born source - inv_dt2 dm d2u (d2v), d2 as in IMAGING.
 */
#ifndef CPU_TTI_H
#define CPU_TTI_H

#include <stddef.h>

#include "cpu_problem.h"
#include "setup.h"

typedef enum { CPU_TTI_FORWARD, CPU_TTI_ADJOINT, CPU_TTI_IMAGING, CPU_TTI_BORN } cpu_tti_mode;

typedef struct {
    cpu_tti_mode mode;
    const cpu_real *x, *y;     /* the operands: u, v (FORWARD, BORN) or w2, w1 (ADJOINT, IMAGING) */
    const cpu_real *cur[2];    /* the stepped pair's current levels */
    const cpu_real *older[2];  /* two steps back */
    cpu_real *newer[2];        /* written; may be older */
    const cpu_real *cur2[2];   /* BORN: du, dv (also the second operands) */
    const cpu_real *older2[2]; /* BORN */
    cpu_real *newer2[2];       /* BORN; may be older2 */
    const cpu_real *dm;        /* BORN: model perturbation, padded */
    cpu_real inv_dt2;          /* BORN: 1 / dt^2 */
    cpu_real *g;               /* IMAGING: image times dt^2 */
    const cpu_real *uh, *vh;   /* IMAGING: forward u and v at cur's time */
    cpu_real *save[2];         /* FORWARD, or NULL: each new row of u, v also streamed here */
} cpu_tti_update;

/* One thread's temporaries for blocks of at most tile_x x tile_y rows. */
typedef struct {
    cpu_real *mem;
    cpu_real *px[4], *py[4], *pz[4]; /* per operand field: x, y, x2, y2 */
    cpu_real *w[2];                  /* the adjoint's operands w2, w1 on 2H + 1 planes of the rows widened by H */
    size_t row;                      /* elements per temporary row */
} cpu_tti_scratch;

/* The medium's arrays (zero outside the padded grid) and the staggered
 * weights; allocated by cpu_tti_init, isotropic (a = b = 1, n along z)
 * until cpu_tti_set_thomsen. */
osib_status cpu_tti_init(cpu_problem *p, osib_err *err);
void cpu_tti_free(cpu_problem *p);

/* The Thomsen fields, validated point by point (spec/tti.md §10). */
osib_status cpu_tti_set_thomsen(cpu_problem *p, const osib_thomsen *th, osib_err *err);

/* Work items: tile_x planes by tile_y rows (3D; one row in 2D), each
 * swept along x. 0 takes the default: in 3D whole sweeps over the most
 * rows whose cache window (the temporaries and the operand rows the
 * stencils read) fits CPU_TTI_WINDOW_BYTES, the same number of items for
 * each of nthread threads; in 2D a quarter of a thread's share of the
 * planes. At most the grid's. Measured on a Xeon VM with 2 MiB of L2 per
 * core at 256^3 so 8 (reference/cpu/README.md): 16 rows (0.83 MiB) 0.16,
 * 30 rows (1.4 MiB) 0.33, 48 rows (2.1 MiB) 0.25 GPts/s. A rule about the
 * cache, so in bytes. */
enum { CPU_TTI_WINDOW_BYTES = 1280 * 1024, CPU_TTI_MIN_TILE_Y = 4 };
void cpu_tti_tiles(cpu_problem *p, int tile_x, int tile_y, int nthread);

/* Temporaries for one thread; cpu_tti_scratch_free releases them. */
osib_status cpu_tti_scratch_init(const cpu_problem *p, cpu_tti_scratch *s, osib_err *err);
void cpu_tti_scratch_free(cpu_tti_scratch *s);

/* Bytes of one thread's temporaries. */
size_t cpu_tti_scratch_bytes(const cpu_problem *p);

/* One step on planes ix0 <= ix < ix1 and rows iy0 <= iy < iy1 (padded
 * indices), at most tile_x x tile_y. */
void cpu_tti_block(const cpu_problem *p, const cpu_tti_update *a, const cpu_tti_scratch *s, size_t ix0, size_t ix1,
                   size_t iy0, size_t iy1);

/* Flops the loops execute per padded point and step for operator op,
 * counted from the code with the problem's tiles; the gradient's two
 * sweeps together. reference/cpu/README.md compares them with the spec's
 * nominal count and Devito's. */
double cpu_tti_flops_per_point(const cpu_problem *p, osib_op op);

#endif
