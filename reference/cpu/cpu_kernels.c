/*
 * cpu_kernels.c - one time step over a range of rows (cpu_kernels.h).
 *
 * The loop body is written once, as an always-inlined function whose half
 * order, dimension and mode are arguments; the table at the end
 * instantiates it with constants, so that gcc unrolls the stencil and
 * drops the branches that do not apply. Why specialise at all: the probe in
 * ../shared/research measured the generic loop (order and dimension read at
 * run time) well below the same loop with constants on this machine kind.
 */
#include "cpu_kernels.h"

#include <string.h>
#if defined(__AVX512F__) || defined(__AVX__)
#include <immintrin.h>
#endif

#define INLINE static inline __attribute__((always_inline))

/* The rows a stencil reads around one row of a field: the row itself and
 * its neighbours k rows away along x and y, one pointer each, so the loop
 * indexes them by z alone (plain vector loads). */
typedef struct {
    const cpu_real *c, *xp[FD_MAX_HALF + 1], *xm[FD_MAX_HALF + 1], *yp[FD_MAX_HALF + 1], *ym[FD_MAX_HALF + 1];
} stencil_rows;

/* What the loop over one row reads and writes, set up once per row, so
 * that short segments cost no set-up. */
typedef struct {
    stencil_rows cur;
    const cpu_real *older, *alpha;
    const cpu_real *eta_z; /* eta / dt by stored column */
    cpu_real eta_xy;       /* eta / dt of the row's x and y */
    cpu_real *newer;
    cpu_real *g;
    const cpu_real *u, *dm;
    stencil_rows cur2; /* BORN: the scattered field */
    const cpu_real *older2;
    cpu_real *newer2;
} row_ptrs;

typedef struct {
    cpu_real wx[FD_MAX_HALF + 1], wy[FD_MAX_HALF + 1], wz[FD_MAX_HALF + 1], w0, inv_dt2;
} weights;

INLINE void stencil_setup(const int H, const int D3, const cpu_problem *p, const cpu_real *row, stencil_rows *s)
{
    const size_t sx = p->stride[0], sy = p->stride[1];
    s->c = row;
    for (int k = 1; k <= H; k++) {
        s->xp[k] = row + (size_t)k * sx;
        s->xm[k] = row - (size_t)k * sx;
        s->yp[k] = D3 ? row + (size_t)k * sy : row;
        s->ym[k] = D3 ? row - (size_t)k * sy : row;
    }
}

INLINE void row_setup(const int H, const int D3, const cpu_update_mode MODE, const cpu_problem *p, const cpu_update *a,
                      size_t row, row_ptrs *r)
{
    stencil_setup(H, D3, p, a->cur + row, &r->cur);
    r->older = a->older + row;
    r->newer = a->newer + row;
    r->alpha = p->alpha + row;
    r->eta_z = p->eta_dt[2];
    if (MODE == CPU_UPDATE_IMAGING) {
        r->g = a->g + row;
        r->u = a->u + row;
    }
    if (MODE == CPU_UPDATE_BORN) {
        r->dm = a->dm + row;
        stencil_setup(H, D3, p, a->cur2 + row, &r->cur2);
        r->older2 = a->older2 + row;
        r->newer2 = a->newer2 + row;
    }
}

/* The Laplacian at z, each axis summed separately: a single running sum
 * would chain 3 so/2 dependent adds per point. */
INLINE cpu_real laplacian(const int H, const int D3, const stencil_rows *s, const weights *w, size_t z)
{
    cpu_real lz = w->w0 * s->c[z], lx = 0, ly = 0;
    for (int k = 1; k <= H; k++) {
        lz += w->wz[k] * (s->c[z + (size_t)k] + s->c[z - (size_t)k]);
        lx += w->wx[k] * (s->xp[k][z] + s->xm[k][z]);
        if (D3)
            ly += w->wy[k] * (s->yp[k][z] + s->ym[k][z]);
    }
    return D3 ? (lz + lx) + ly : lz + lx;
}

/* The second difference newer - 2 cur + older that the step adds,
 * alpha lap - e (cur - older), formed on its own rather than recovered
 * from newer, where the sum with 2 cur - older would cancel its digits.
 * IMAGING images with it; BORN uses u's as du's source. */
INLINE cpu_real second_difference(const int DAMPED, cpu_real alpha, cpu_real lap, cpu_real cur, cpu_real old,
                                  cpu_real eta_dt)
{
    cpu_real d2 = alpha * lap;
    if (DAMPED)
        d2 -= alpha * eta_dt * (cur - old);
    return d2;
}

/* The imaging loops read the forward history, a stream from memory that
 * nothing else in the sweep shares (the fields' rows come from the cache),
 * one 64-byte line per vector of points. The hardware prefetchers alone
 * leave the loop waiting on those loads (perf, cpu-clock: the imaging
 * loop's samples pile up on them), so each vector also asks for the line
 * 2 KiB on (HISTORY_AHEAD: 512 floats, 256 doubles) into L2 (prefetcht1):
 * ahead along the tile's rows, which are contiguous in the plane (at 256^3
 * about two rows in float32, one in float64). The distance is in bytes in
 * both builds: what it must cover is the memory's latency, not a number of
 * points. On an AMD EPYC (Zen 4) VM, alternated processes: 256^3 gradient
 * so 8 2.66-2.92 -> 2.38-2.65 s, so 4 1.62-1.87 -> 1.47-1.54 s
 * (reference/cpu/README.md). Earlier tries asked for whole rows at once,
 * or kilobytes ahead into L1, and were slower: one request per line
 * consumed, at a short distance, is what helps. */
enum { HISTORY_AHEAD_BYTES = 2048, HISTORY_AHEAD = HISTORY_AHEAD_BYTES / (int)sizeof(cpu_real) };

INLINE void prefetch_history(const cpu_real *u, size_t z)
{
    __builtin_prefetch(u + z + HISTORY_AHEAD, 0, 2); /* read, locality 2: prefetcht1 on x86 */
}

/* Points a z loop covers per prefetch (IMAGING) or per pass (the others). */
INLINE size_t z_step(const cpu_update_mode MODE, size_t z0, size_t z1)
{
    return MODE == CPU_UPDATE_IMAGING ? (size_t)CPU_ALIGN_REALS : z1 - z0;
}

/* One point of the step: alpha lap + 2 cur - older - e (cur - older). */
INLINE cpu_real step_value(const int DAMPED, cpu_real alpha, cpu_real lap, cpu_real cur, cpu_real old, cpu_real eta_dt)
{
    cpu_real val = alpha * lap + 2 * cur - old;
    if (DAMPED)
        val -= alpha * eta_dt * (cur - old);
    return val;
}

/* newer[z] by the step, and for IMAGING g[z] -= u[z] d2, from the point's
 * Laplacian, cur and older values. */
INLINE void update_point(const cpu_update_mode MODE, const int DAMPED, cpu_real lap, cpu_real cur, cpu_real old,
                         cpu_real alpha, cpu_real eta_dt, cpu_real *newer, cpu_real *g, const cpu_real *u, size_t z)
{
    if (MODE == CPU_UPDATE_IMAGING) {
        /* 1 / dt^2 is applied once, by the fold (cpu_operators.c). */
        const cpu_real d2 = second_difference(DAMPED, alpha, lap, cur, old, eta_dt);
        newer[z] = d2 + (2 * cur - old);
        g[z] -= u[z] * d2;
    } else {
        newer[z] = step_value(DAMPED, alpha, lap, cur, old, eta_dt);
    }
}

/* Points z0 <= z < z1 of one row. DAMPED adds the damping term
 * e (cur - older), e = alpha eta / dt (cpu_problem.h); otherwise eta = 0. */
INLINE void segment(const int H, const int D3, const cpu_update_mode MODE, const int DAMPED, const row_ptrs *r,
                    const weights *w, size_t z0, size_t z1)
{
    /* Local copies: newer is not restrict (it may be older), so gcc could
     * not keep weights or row pointers read through r and w in registers. */
    const stencil_rows sc = r->cur, sc2 = r->cur2;
    const weights wl = *w;
    const cpu_real *restrict cur = sc.c, *restrict cur2 = sc2.c;
    const cpu_real *older = r->older, *older2 = r->older2;
    cpu_real *newer = r->newer, *newer2 = r->newer2;
    const cpu_real *restrict alpha = r->alpha, *restrict eta_z = r->eta_z;
    const cpu_real eta_xy = r->eta_xy;
    cpu_real *restrict g = r->g;
    const cpu_real *restrict u = r->u, *restrict dm = r->dm;

    /* newer may be older: each point reads older[z] before writing
     * newer[z] and no other point reads either, so the iterations are
     * independent, which is what the simd pragma states. IMAGING runs
     * one vector per pass, after asking for the history ahead. */
    const size_t step = z_step(MODE, z0, z1);
    for (size_t zc = z0; zc < z1; zc += step) {
        if (MODE == CPU_UPDATE_IMAGING)
            prefetch_history(u, zc);
#pragma omp simd
        for (size_t k = 0; k < step; k++) {
            const size_t z = zc + k;
            const cpu_real lap = laplacian(H, D3, &sc, &wl, z);
            const cpu_real old = older[z], eta_dt = DAMPED ? eta_xy + eta_z[z] : 0;
            update_point(MODE, DAMPED, lap, cur[z], old, alpha[z], eta_dt, newer, g, u, z);
            if (MODE == CPU_UPDATE_BORN) {
                /* u's second difference is du's source (cpu_kernels.h). */
                const cpu_real d2 = second_difference(DAMPED, alpha[z], lap, cur[z], old, eta_dt);
                const cpu_real lap2 = laplacian(H, D3, &sc2, &wl, z) - wl.inv_dt2 * dm[z] * d2;
                newer2[z] = step_value(DAMPED, alpha[z], lap2, cur2[z], older2[z], eta_dt);
            }
        }
    }
}

/* Rows iy0..iy1 of plane ix, each over its whole stored width: the halo
 * and padding columns have alpha = 0 and zero fields, so
 * they get 0 again, and every vector is full and aligned (no scalar
 * remainder loops, which cost as much as the rest on short rows). The
 * damped formula runs on the aligned vectors that hold any point of the
 * absorbing layer, the cheaper interior one on the rest. */
INLINE void rows(const int H, const int D3, const cpu_update_mode MODE, const cpu_problem *p, const cpu_update *a,
                 size_t ix, size_t iy0, size_t iy1)
{
    const size_t V = CPU_ALIGN_REALS, nbl = (size_t)p->nbl, hz = (size_t)p->halo[2], width = p->ext[2];
    const int x_layer = ix < nbl || ix >= p->N[0] - nbl;
    const size_t lo = (nbl + hz + V - 1) / V * V, hi_raw = (p->N[2] - nbl + hz) / V * V;
    const size_t hi = hi_raw > lo ? hi_raw : lo;
    weights w;
    for (int k = 0; k <= H; k++) {
        w.wx[k] = p->wx[k];
        w.wy[k] = p->wy[k];
        w.wz[k] = p->wz[k];
    }
    w.w0 = w.wx[0] + w.wy[0] + w.wz[0];
    w.inv_dt2 = a->inv_dt2;
    row_ptrs r = {0};
    for (size_t iy = iy0; iy < iy1; iy++) {
        row_setup(H, D3, MODE, p, a, cpu_at(p, ix, iy, 0) - hz, &r);
        r.eta_xy = p->eta_dt[0][ix] + p->eta_dt[1][iy];
        const int layer = x_layer || (D3 && (iy < nbl || iy >= p->N[1] - nbl));
        if (layer) {
            segment(H, D3, MODE, 1, &r, &w, 0, width);
        } else {
            segment(H, D3, MODE, 1, &r, &w, 0, lo);
            segment(H, D3, MODE, 0, &r, &w, lo, hi);
            segment(H, D3, MODE, 1, &r, &w, hi, width);
        }
        if (MODE == CPU_UPDATE_PLAIN && a->save)
            cpu_stream_copy(a->save + (r.newer - a->newer), r.newer, width);
    }
}

typedef void (*rows_fn)(const cpu_problem *p, const cpu_update *a, size_t ix, size_t iy0, size_t iy1);

#define ROWS(H, D3, MODE)                                                                                              \
    static void rows_##H##_##D3##_##MODE(const cpu_problem *p, const cpu_update *a, size_t ix, size_t iy0, size_t iy1) \
    {                                                                                                                  \
        rows(H, D3, MODE, p, a, ix, iy0, iy1);                                                                         \
    }
#define ROWS_MODES(H, D3) ROWS(H, D3, CPU_UPDATE_PLAIN) ROWS(H, D3, CPU_UPDATE_IMAGING) ROWS(H, D3, CPU_UPDATE_BORN)
#define ROWS_ORDER(H) ROWS_MODES(H, 0) ROWS_MODES(H, 1)
ROWS_ORDER(1)
ROWS_ORDER(2)
ROWS_ORDER(3)
ROWS_ORDER(4)
ROWS_ORDER(5)
ROWS_ORDER(6)
ROWS_ORDER(7)
ROWS_ORDER(8)

#define ENTRY_MODES(H, D3)                                                                                             \
    {                                                                                                                  \
        rows_##H##_##D3##_CPU_UPDATE_PLAIN, rows_##H##_##D3##_CPU_UPDATE_IMAGING, rows_##H##_##D3##_CPU_UPDATE_BORN    \
    }
#define ENTRY(H)                                                                                                       \
    {                                                                                                                  \
        ENTRY_MODES(H, 0), ENTRY_MODES(H, 1)                                                                           \
    }

/* [half - 1][3D][mode] */
static const rows_fn rows_table[FD_MAX_HALF][2][3] = {ENTRY(1), ENTRY(2), ENTRY(3), ENTRY(4),
                                                      ENTRY(5), ENTRY(6), ENTRY(7), ENTRY(8)};

void cpu_update_rows(const cpu_problem *p, const cpu_update *a, size_t ix, size_t iy0, size_t iy1)
{
    rows_table[p->half - 1][p->ndim == 3][a->mode](p, a, ix, iy0, iy1);
}

/* ---------------------------------------------------------------------------
 * Two planes at once (cpu_update_plane_pair). A row of plane ix reads the
 * same row of planes ix - H .. ix + H, and plane ix + 1's row reads planes
 * ix + 1 - H .. ix + 1 + H: computed in one loop, the two share 2H of those
 * 2H + 2 rows, which each come into L1 once instead of twice
 * (unroll-and-jam in x). The rows of other planes are most of the loop's
 * cache misses: the next plane's pass over the same row comes a whole
 * wavefront later, when they have left L1. Four planes at once ran slower
 * (the row pointers no longer fit in registers; reference/cpu/README.md).
 * ------------------------------------------------------------------------- */

typedef struct {
    const cpu_real *x[2 * FD_MAX_HALF + 2];                          /* the row on planes ix - H .. ix + 1 + H */
    const cpu_real *yp[2][FD_MAX_HALF + 1], *ym[2][FD_MAX_HALF + 1]; /* plane ix + q's rows iy +- k */
    const cpu_real *older[2], *alpha[2], *u[2];
    cpu_real *newer[2], *g[2];
    const cpu_real *eta_z;
    cpu_real eta_xy[2];
} pair_ptrs;

/* laplacian() of the plane whose row is x[0] (x[-H] .. x[H] its x
 * neighbours), in the same order of operations: the same bits. */
INLINE cpu_real laplacian_at(const int H, const cpu_real *const *x, const cpu_real *const *yp,
                             const cpu_real *const *ym, const weights *w, size_t z)
{
    const cpu_real *c = x[0];
    cpu_real lz = w->w0 * c[z], lx = 0, ly = 0;
    for (int k = 1; k <= H; k++) {
        lz += w->wz[k] * (c[z + (size_t)k] + c[z - (size_t)k]);
        lx += w->wx[k] * (x[k][z] + x[-k][z]);
        ly += w->wy[k] * (yp[k][z] + ym[k][z]);
    }
    return (lz + lx) + ly;
}

INLINE void segment_pair(const int H, const cpu_update_mode MODE, const int DAMPED, const pair_ptrs *r,
                         const weights *w, size_t z0, size_t z1)
{
    /* Local copies, as in segment(); plain arrays, which gcc keeps in
     * registers or reloads from the stack once per use. */
    const cpu_real *x[2 * FD_MAX_HALF + 2], *yp0[FD_MAX_HALF + 1], *ym0[FD_MAX_HALF + 1], *yp1[FD_MAX_HALF + 1],
        *ym1[FD_MAX_HALF + 1];
    for (int j = 0; j < 2 * H + 2; j++)
        x[j] = r->x[j];
    for (int k = 1; k <= H; k++) {
        yp0[k] = r->yp[0][k];
        ym0[k] = r->ym[0][k];
        yp1[k] = r->yp[1][k];
        ym1[k] = r->ym[1][k];
    }
    const weights wl = *w;
    const cpu_real *older0 = r->older[0], *older1 = r->older[1];
    const cpu_real *restrict alpha0 = r->alpha[0], *restrict alpha1 = r->alpha[1], *restrict eta_z = r->eta_z;
    cpu_real *newer0 = r->newer[0], *newer1 = r->newer[1];
    cpu_real *restrict g0 = r->g[0], *restrict g1 = r->g[1];
    const cpu_real *restrict u0 = r->u[0], *restrict u1 = r->u[1];
    const cpu_real eta_xy0 = r->eta_xy[0], eta_xy1 = r->eta_xy[1];

    /* Both Laplacians first: every load of cur before any store (newer
     * may be older, never cur), so each shared row is loaded once. */
    const size_t step = z_step(MODE, z0, z1);
    for (size_t zc = z0; zc < z1; zc += step) {
        if (MODE == CPU_UPDATE_IMAGING) {
            prefetch_history(u0, zc);
            prefetch_history(u1, zc);
        }
#pragma omp simd
        for (size_t k = 0; k < step; k++) {
            const size_t z = zc + k;
            const cpu_real lap0 = laplacian_at(H, x + H, yp0, ym0, &wl, z);
            const cpu_real lap1 = laplacian_at(H, x + H + 1, yp1, ym1, &wl, z);
            const cpu_real cur0 = x[H][z], cur1 = x[H + 1][z], old0 = older0[z], old1 = older1[z];
            const cpu_real eta_dt0 = DAMPED ? eta_xy0 + eta_z[z] : 0, eta_dt1 = DAMPED ? eta_xy1 + eta_z[z] : 0;
            update_point(MODE, DAMPED, lap0, cur0, old0, alpha0[z], eta_dt0, newer0, g0, u0, z);
            update_point(MODE, DAMPED, lap1, cur1, old1, alpha1[z], eta_dt1, newer1, g1, u1, z);
        }
    }
}

/* rows() for planes ix and ix + 1 of a 3D field, PLAIN or IMAGING. A row
 * pair takes the damped formula where either plane is in the absorbing
 * layer: on a point where eta = 0 it subtracts alpha 0 (cur - older) = +-0,
 * which leaves every value as it is. */
INLINE void rows_pair(const int H, const cpu_update_mode MODE, const cpu_problem *p, const cpu_update *a, size_t ix,
                      size_t iy0, size_t iy1)
{
    const size_t V = CPU_ALIGN_REALS, nbl = (size_t)p->nbl, hz = (size_t)p->halo[2], width = p->ext[2];
    const size_t sx = p->stride[0], sy = p->stride[1];
    const int x_layer = ix < nbl || ix + 1 >= p->N[0] - nbl;
    const size_t lo = (nbl + hz + V - 1) / V * V, hi_raw = (p->N[2] - nbl + hz) / V * V;
    const size_t hi = hi_raw > lo ? hi_raw : lo;
    weights w;
    for (int k = 0; k <= H; k++) {
        w.wx[k] = p->wx[k];
        w.wy[k] = p->wy[k];
        w.wz[k] = p->wz[k];
    }
    w.w0 = w.wx[0] + w.wy[0] + w.wz[0];
    w.inv_dt2 = a->inv_dt2;
    pair_ptrs r = {.eta_z = p->eta_dt[2]};
    for (size_t iy = iy0; iy < iy1; iy++) {
        const size_t row = cpu_at(p, ix, iy, 0) - hz;
        for (int j = 0; j < 2 * H + 2; j++)
            r.x[j] = a->cur + row + (size_t)j * sx - (size_t)H * sx;
        for (int q = 0; q < 2; q++) {
            const size_t at = row + (size_t)q * sx;
            for (int k = 1; k <= H; k++) {
                r.yp[q][k] = a->cur + at + (size_t)k * sy;
                r.ym[q][k] = a->cur + at - (size_t)k * sy;
            }
            r.older[q] = a->older + at;
            r.newer[q] = a->newer + at;
            r.alpha[q] = p->alpha + at;
            if (MODE == CPU_UPDATE_IMAGING) {
                r.g[q] = a->g + at;
                r.u[q] = a->u + at;
            }
            r.eta_xy[q] = p->eta_dt[0][ix + (size_t)q] + p->eta_dt[1][iy];
        }
        if (x_layer || iy < nbl || iy >= p->N[1] - nbl) {
            segment_pair(H, MODE, 1, &r, &w, 0, width);
        } else {
            segment_pair(H, MODE, 1, &r, &w, 0, lo);
            segment_pair(H, MODE, 0, &r, &w, lo, hi);
            segment_pair(H, MODE, 1, &r, &w, hi, width);
        }
        if (MODE == CPU_UPDATE_PLAIN && a->save)
            for (int q = 0; q < 2; q++)
                cpu_stream_copy(a->save + (r.newer[q] - a->newer), r.newer[q], width);
    }
}

#define ROWS_PAIR(H, MODE)                                                                                             \
    static void rows_pair_##H##_##MODE(const cpu_problem *p, const cpu_update *a, size_t ix, size_t iy0, size_t iy1)   \
    {                                                                                                                  \
        rows_pair(H, MODE, p, a, ix, iy0, iy1);                                                                        \
    }
#define ROWS_PAIR_MODES(H) ROWS_PAIR(H, CPU_UPDATE_PLAIN) ROWS_PAIR(H, CPU_UPDATE_IMAGING)
ROWS_PAIR_MODES(1)
ROWS_PAIR_MODES(2)
ROWS_PAIR_MODES(3)
ROWS_PAIR_MODES(4)
ROWS_PAIR_MODES(5)
ROWS_PAIR_MODES(6)
ROWS_PAIR_MODES(7)
ROWS_PAIR_MODES(8)

#define ENTRY_PAIR(H)                                                                                                  \
    {                                                                                                                  \
        rows_pair_##H##_CPU_UPDATE_PLAIN, rows_pair_##H##_CPU_UPDATE_IMAGING                                           \
    }

/* [half - 1][mode], PLAIN and IMAGING */
static const rows_fn rows_pair_table[FD_MAX_HALF][2] = {ENTRY_PAIR(1), ENTRY_PAIR(2), ENTRY_PAIR(3), ENTRY_PAIR(4),
                                                        ENTRY_PAIR(5), ENTRY_PAIR(6), ENTRY_PAIR(7), ENTRY_PAIR(8)};

void cpu_update_plane_pair(const cpu_problem *p, const cpu_update *a, size_t ix, size_t iy0, size_t iy1)
{
    if (p->ndim == 3 && a->mode != CPU_UPDATE_BORN) {
        rows_pair_table[p->half - 1][a->mode](p, a, ix, iy0, iy1);
    } else {
        cpu_update_rows(p, a, ix, iy0, iy1);
        cpu_update_rows(p, a, ix + 1, iy0, iy1);
    }
}

/* One vector's load and streaming store, in the element type's own
 * instructions (the same bytes either way). */
#ifdef OSIB_CPU_FLOAT64
#define STREAM_512(d, s) _mm512_stream_pd(d, _mm512_load_pd(s))
#define STREAM_256(d, s) _mm256_stream_pd(d, _mm256_load_pd(s))
#else
#define STREAM_512(d, s) _mm512_stream_ps(d, _mm512_load_ps(s))
#define STREAM_256(d, s) _mm256_stream_ps(d, _mm256_load_ps(s))
#endif

void cpu_stream_copy(cpu_real *restrict dst, const cpu_real *restrict src, size_t n)
{
#if defined(__AVX512F__)
    for (size_t i = 0; i < n; i += CPU_ALIGN_REALS) /* 64 bytes */
        STREAM_512(dst + i, src + i);
#elif defined(__AVX__)
    for (size_t i = 0; i < n; i += CPU_ALIGN_REALS / 2)
        STREAM_256(dst + i, src + i);
#else
    memcpy(dst, src, n * sizeof *dst);
#endif
}

void cpu_stream_fence(void)
{
#if defined(__AVX512F__) || defined(__AVX__)
    _mm_sfence();
#endif
}
