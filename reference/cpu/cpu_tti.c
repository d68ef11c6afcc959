/*
 * cpu_tti.c - the TTI medium and the TTI step over a block (cpu_tti.h).
 *
 * As in cpu_kernels.c, the loops are written once as always-inlined
 * functions whose orders, dimension and mode are arguments, and a table
 * instantiates them with constants, so that gcc unrolls the stencils and
 * drops the branches that do not apply.
 */
#include "cpu_tti.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cpu_kernels.h"
#include "repro_math.h"

#define INLINE static inline __attribute__((always_inline))

/* ---------------------------------------------------------------------------
 * The medium
 * ------------------------------------------------------------------------- */

static int axis_active(const cpu_problem *p, int a) { return p->ndim == 3 || a != 1; }

osib_status cpu_tti_init(cpu_problem *p, osib_err *err)
{
    double c[FD_MAX_STAGGER + 1] = {0};
    p->tti = 1;
    p->tti_q = fd1_staggered(p->space_order, c);
    if (p->tti_q < 1)
        return osib_fail(err, OSIB_E_CASE, "space_order = %d: no staggered weights", p->space_order);
    for (int a = 0; a < 3; a++)
        for (int j = 0; j <= FD_MAX_STAGGER; j++)
            p->tti_c[a][j] = axis_active(p, a) && j >= 1 && j <= p->tti_q ? (cpu_real)(c[j] / p->spacing_m[a]) : 0;
    p->tti_a = cpu_field_alloc(p);
    p->tti_b = cpu_field_alloc(p);
    int ok = p->tti_a && p->tti_b;
    for (int a = 0; a < 3; a++)
        if (axis_active(p, a))
            ok = ok && (p->tti_n[a] = cpu_field_alloc(p)) != NULL;
    if (!ok) {
        cpu_tti_free(p);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the TTI medium (%zu points)", p->nstore);
    }
    /* Isotropic until told otherwise: a = b = 1, the axis along z. */
    for (size_t ix = 0; ix < p->N[0]; ix++)
        for (size_t iy = 0; iy < p->N[1]; iy++)
            for (size_t iz = 0; iz < p->N[2]; iz++) {
                const size_t x = cpu_at(p, ix, iy, iz);
                p->tti_a[x] = p->tti_b[x] = p->tti_n[2][x] = 1;
            }
    return OSIB_OK;
}

void cpu_tti_free(cpu_problem *p)
{
    free(p->tti_a);
    free(p->tti_b);
    for (int a = 0; a < 3; a++)
        free(p->tti_n[a]);
    p->tti_a = p->tti_b = NULL;
    for (int a = 0; a < 3; a++)
        p->tti_n[a] = NULL;
}

osib_status cpu_tti_set_thomsen(cpu_problem *p, const osib_thomsen *th, osib_err *err)
{
    if (!p->tti)
        return osib_fail(err, OSIB_E_USAGE, "Thomsen parameters given to an acoustic problem");
    const size_t nphys = p->n[0] * p->n[1] * p->n[2];
    for (size_t k = 0; k < nphys; k++) {
        const double phi = th->phi_rad ? th->phi_rad[k] : 0.0;
        const char *why = osib_thomsen_violation(th->epsilon[k], th->delta[k], th->theta_rad[k], phi);
        if (why)
            return osib_fail(err, OSIB_E_DATA, "point %zu: epsilon %g, delta %g, theta %g, phi %g: %s", k,
                             th->epsilon[k], th->delta[k], th->theta_rad[k], phi, why);
    }
    /* Each parameter extended by E (the physical point each padded point
     * takes), the coefficients formed in float64 and stored in cpu_real. */
    for (size_t ix = 0; ix < p->N[0]; ix++)
        for (size_t iy = 0; iy < p->N[1]; iy++)
            for (size_t iz = 0; iz < p->N[2]; iz++) {
                const size_t k = cpu_phys_index(p, ix, iy, iz), x = cpu_at(p, ix, iy, iz);
                const double theta = th->theta_rad[k], s = repro_sin(theta), c = repro_cos(theta);
                p->tti_a[x] = (cpu_real)(1.0 + 2.0 * th->epsilon[k]);
                p->tti_b[x] = (cpu_real)sqrt(1.0 + 2.0 * th->delta[k]);
                if (p->ndim == 3) {
                    const double phi = th->phi_rad ? th->phi_rad[k] : 0.0;
                    p->tti_n[0][x] = (cpu_real)(s * repro_cos(phi));
                    p->tti_n[1][x] = (cpu_real)(s * repro_sin(phi));
                } else {
                    p->tti_n[0][x] = (cpu_real)s;
                }
                p->tti_n[2][x] = (cpu_real)c;
            }
    return OSIB_OK;
}

/* Bytes a work item keeps in cache along its sweep with ty rows: the
 * temporaries of two operands (Born's four take more; the rule is the
 * same for every operator) and the operand rows the stencils read,
 * 2H + 1 planes of ty + 2H rows of u and 2Q planes of ty + 2Q - 1 rows
 * of v. */
static size_t window_bytes(const cpu_problem *p, size_t ty)
{
    const size_t q = (size_t)p->tti_q, h = (size_t)p->half;
    const size_t temps = 2 * (2 * q * ty + q * (ty + 2 * q - 1) + q * ty);
    const size_t rows = temps + (2 * h + 1) * (ty + 2 * h) + 2 * q * (ty + 2 * q - 1);
    return rows * p->ext[2] * sizeof(cpu_real);
}

void cpu_tti_tiles(cpu_problem *p, int tile_x, int tile_y, int nthread)
{
    /* Default work items: in 3D, whole sweeps along x over the most rows
     * whose window fits CPU_TTI_WINDOW_BYTES (at least CPU_TTI_MIN_TILE_Y),
     * cut evenly into a multiple of the thread count; in 2D (one row),
     * sweeps over a quarter of a thread's share of the planes. */
    const size_t nt = nthread > 0 ? (size_t)nthread : 1;
    size_t ty = 1, tx = p->N[0];
    if (p->ndim == 3) {
        size_t want = CPU_TTI_MIN_TILE_Y;
        while (want < p->N[1] && window_bytes(p, want + 1) <= CPU_TTI_WINDOW_BYTES)
            want++;
        size_t n = (p->N[1] + want - 1) / want;
        n = (n + nt - 1) / nt * nt;
        ty = tile_y > 0 ? (size_t)tile_y : (p->N[1] + n - 1) / n;
    } else {
        tx = (p->N[0] + 4 * nt - 1) / (4 * nt);
    }
    if (tile_x > 0)
        tx = (size_t)tile_x;
    p->tile_x = (int)(tx < p->N[0] ? tx : p->N[0]);
    p->tile_y = (int)(ty < p->N[1] ? ty : p->N[1]);
}

/* ---------------------------------------------------------------------------
 * Temporaries: rings of planes along the sweep. Per operand field: P_x on
 * 2q planes of tile_y rows, P_y on q planes of tile_y + 2q - 1 rows (3D),
 * P_z on q planes of tile_y rows. A row holds the stored z extent with a
 * margin of one aligned vector on each side, zero for good, which D-_z
 * reads at the row's ends (there the products are 0 anyway: n_d = 0 in
 * the halo).
 * ------------------------------------------------------------------------- */

static size_t tile_y(const cpu_problem *p) { return p->ndim == 3 ? (size_t)p->tile_y : 1; }

static size_t scratch_rows(const cpu_problem *p, size_t *nx, size_t *ny, size_t *nz, size_t *nw)
{
    const size_t q = (size_t)p->tti_q, h = (size_t)p->half, ty = tile_y(p);
    *nx = 2 * q * ty;
    *ny = p->ndim == 3 ? q * (ty + 2 * q - 1) : 0;
    *nz = q * ty;
    *nw = (2 * h + 1) * (p->ndim == 3 ? ty + 2 * h : ty);
    return 4 * (*nx + *ny + *nz) + 2 * *nw;
}

size_t cpu_tti_scratch_bytes(const cpu_problem *p)
{
    size_t nx, ny, nz, nw, rows = scratch_rows(p, &nx, &ny, &nz, &nw);
    return rows * (p->ext[2] + 2 * (size_t)CPU_ALIGN_REALS) * sizeof(cpu_real);
}

osib_status cpu_tti_scratch_init(const cpu_problem *p, cpu_tti_scratch *s, osib_err *err)
{
    size_t nx, ny, nz, nw;
    scratch_rows(p, &nx, &ny, &nz, &nw);
    const size_t bytes = cpu_tti_scratch_bytes(p);
    memset(s, 0, sizeof *s);
    s->row = p->ext[2] + 2 * (size_t)CPU_ALIGN_REALS;
    if (!(s->mem = cpu_alloc_huge(bytes)))
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the TTI temporaries");
    memset(s->mem, 0, bytes);
    cpu_real *at = s->mem + CPU_ALIGN_REALS;
    for (int k = 0; k < 4; k++) {
        s->px[k] = at;
        at += nx * s->row;
        s->py[k] = at;
        at += ny * s->row;
        s->pz[k] = at;
        at += nz * s->row;
    }
    for (int k = 0; k < 2; k++) {
        s->w[k] = at;
        at += nw * s->row;
    }
    return OSIB_OK;
}

void cpu_tti_scratch_free(cpu_tti_scratch *s)
{
    free(s->mem);
    memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------------------------------
 * The products P_d = n_d G f of one row
 * ------------------------------------------------------------------------- */

typedef struct {
    cpu_real cx[FD_MAX_STAGGER + 1], cy[FD_MAX_STAGGER + 1], cz[FD_MAX_STAGGER + 1];
} stagger;

/* Which products a row of G f feeds. */
enum { WANT_X = 1, WANT_Y = 2, WANT_Z = 4 };

/* An operand of the stencils: a padded field, or (the adjoint's w2, w1)
 * a work item's ring of 2H + 1 planes of its rows widened by H, filled
 * along the sweep (operand_fill). Rows outside the padded grid read
 * zeros either way: the field's halo, or rows the fill zeroes. */
typedef struct {
    const cpu_real *field; /* or NULL: the ring */
    const cpu_real *ring;
    size_t ring_row; /* elements per ring row */
    long iy0, rows;  /* the ring's first row (the item's first less H in 3D), rows per plane */
    long slots;      /* 2H + 1 */
} operand;

INLINE const cpu_real *operand_row(const cpu_problem *p, const operand *o, long ix, long iy)
{
    if (o->field) /* size_t arithmetic wraps back for the halo's negative indexes */
        return o->field + cpu_at(p, (size_t)ix, (size_t)iy, 0) - (size_t)p->halo[2];
    const long n = o->slots, k = ((ix % n) + n) % n;
    return o->ring + (size_t)(k * o->rows + (iy - o->iy0)) * o->ring_row;
}

/* G f on row (ix, iy) of operand f, and the products
 * wanted: D+_x, D+_y, D+_z each summed over j ascending, then
 * n_x dx + n_y dy + n_z dz. */
INLINE void products_row(const int Q, const int D3, const int WANT, const cpu_problem *p, const stagger *c,
                         const operand *f, long ix, long iy, cpu_real *dx, cpu_real *dy, cpu_real *dz)
{
    const size_t w = p->ext[2], row = cpu_at(p, (size_t)ix, (size_t)iy, 0) - (size_t)p->halo[2];
    const cpu_real *xr[2 * FD_MAX_STAGGER], *yr[2 * FD_MAX_STAGGER]; /* offsets -(Q-1) .. Q at [Q-1 + j] */
    for (int j = -(Q - 1); j <= Q; j++) {
        xr[Q - 1 + j] = operand_row(p, f, ix + j, iy);
        yr[Q - 1 + j] = D3 ? operand_row(p, f, ix, iy + j) : xr[Q - 1];
    }
    const cpu_real *restrict cz = xr[Q - 1];
    const cpu_real *restrict nx = p->tti_n[0] + row, *restrict nz = p->tti_n[2] + row;
    const cpu_real *restrict ny = D3 ? p->tti_n[1] + row : nz;
    const stagger cl = *c;
#pragma omp simd
    for (size_t z = 0; z < w; z++) {
        cpu_real ax = 0, ay = 0, az = 0;
        for (int j = 1; j <= Q; j++) {
            ax += cl.cx[j] * (xr[Q - 1 + j][z] - xr[Q - j][z]);
            if (D3)
                ay += cl.cy[j] * (yr[Q - 1 + j][z] - yr[Q - j][z]);
            az += cl.cz[j] * (cz[z + (size_t)j] - cz[z - (size_t)(j - 1)]);
        }
        const cpu_real g = D3 ? (nx[z] * ax + ny[z] * ay) + nz[z] * az : nx[z] * ax + nz[z] * az;
        if (WANT & WANT_X)
            dx[z] = nx[z] * g;
        if (D3 && (WANT & WANT_Y))
            dy[z] = ny[z] * g;
        if (WANT & WANT_Z)
            dz[z] = nz[z] * g;
    }
}

/* Slot of plane ix in a ring of n planes. */
static inline size_t slot(long ix, long n) { return (size_t)(((ix % n) + n) % n); }

/* The products of operand field f (temporaries k) on plane px: P_x on
 * the work item's rows, into its ring of 2Q planes, and, where px is in
 * the grid, P_y on the rows widened by Q and Q - 1 and P_z on the rows,
 * into rings of Q planes. Rows outside the padded grid hold zeros. */
INLINE void products_plane(const int Q, const int D3, const cpu_problem *p, const stagger *c, const operand *f,
                           const cpu_tti_scratch *s, int k, long px, long iy0, long iy1)
{
    const long ty = iy1 - iy0, tyw = ty + 2 * Q - 1, nx = (long)p->N[0], ny = (long)p->N[1];
    const size_t w = p->ext[2], sx = slot(px, 2 * Q), sq = slot(px, Q);
    const int in_x = px >= 0 && px < nx;
    for (long iy = D3 && in_x ? iy0 - Q : iy0; iy < (D3 && in_x ? iy1 + Q - 1 : iy1); iy++) {
        const int in_y = iy >= iy0 && iy < iy1;
        cpu_real *dx = in_y ? s->px[k] + (sx * (size_t)ty + (size_t)(iy - iy0)) * s->row : NULL;
        cpu_real *dy = D3 ? s->py[k] + (sq * (size_t)tyw + (size_t)(iy - iy0 + Q)) * s->row : NULL;
        cpu_real *dz = in_y ? s->pz[k] + (sq * (size_t)ty + (size_t)(iy - iy0)) * s->row : NULL;
        if (!in_x) { /* only P_x is read beyond the grid's planes */
            if (dx)
                memset(dx, 0, w * sizeof(cpu_real));
            continue;
        }
        if (iy < 0 || iy >= ny) { /* only P_y is read beyond the grid's rows */
            if (dy)
                memset(dy, 0, w * sizeof(cpu_real));
            continue;
        }
        if (in_y)
            products_row(Q, D3, WANT_X | WANT_Y | WANT_Z, p, c, f, px, iy, dx, dy, dz);
        else
            products_row(Q, D3, WANT_Y, p, c, f, px, iy, dx, dy, dz);
    }
}

/* ---------------------------------------------------------------------------
 * The update of a block's rows
 * ------------------------------------------------------------------------- */

/* Gzz f at one point from the rows of its products: D-_x P_x + D-_y P_y
 * + D-_z P_z, each summed over j ascending. xr[Q + o] is P_x's row at x
 * offset o (o = -Q .. Q-1), likewise yr. */
INLINE cpu_real gzz_at(const int Q, const int D3, const stagger *c, const cpu_real *const *xr,
                       const cpu_real *const *yr, const cpu_real *pz, size_t z)
{
    cpu_real sx = 0, sy = 0, sz = 0;
    for (int j = 1; j <= Q; j++) {
        sx += c->cx[j] * (xr[Q + j - 1][z] - xr[Q - j][z]);
        if (D3)
            sy += c->cy[j] * (yr[Q + j - 1][z] - yr[Q - j][z]);
        sz += c->cz[j] * (pz[z + (size_t)(j - 1)] - pz[z - (size_t)j]);
    }
    return D3 ? (sx + sy) + sz : sx + sz;
}

typedef struct {
    cpu_real wx[FD_MAX_HALF + 1], wy[FD_MAX_HALF + 1], wz[FD_MAX_HALF + 1], w0;
} lap_weights;

/* L f at one point, as cpu_kernels.c's laplacian(): each axis summed
 * separately. xr[H + o] is f's row at x offset o, likewise yr. */
INLINE cpu_real laplacian_at(const int H, const int D3, const lap_weights *w, const cpu_real *const *xr,
                             const cpu_real *const *yr, size_t z)
{
    const cpu_real *c = xr[H];
    cpu_real lz = w->w0 * c[z], lx = 0, ly = 0;
    for (int k = 1; k <= H; k++) {
        lz += w->wz[k] * (c[z + (size_t)k] + c[z - (size_t)k]);
        lx += w->wx[k] * (xr[H + k][z] + xr[H - k][z]);
        if (D3)
            ly += w->wy[k] * (yr[H + k][z] + yr[H - k][z]);
    }
    return D3 ? (lz + lx) + ly : lz + lx;
}

/* One field's step value and its second difference before injection. */
INLINE cpu_real second_difference(cpu_real alpha, cpu_real h, cpu_real cur, cpu_real old, cpu_real eta_dt)
{
    return alpha * h - alpha * eta_dt * (cur - old);
}

/* Pointers of one operand's products for row (ix, iy) of the block. */
typedef struct {
    const cpu_real *xr[2 * FD_MAX_STAGGER], *yr[2 * FD_MAX_STAGGER], *pz;
} product_rows;

INLINE void product_rows_of(const int Q, const int D3, const cpu_tti_scratch *s, int k, long ix, long dy, long ty,
                            product_rows *r)
{
    const long tyw = ty + 2 * Q - 1;
    const size_t sq = slot(ix, Q);
    for (int o = -Q; o <= Q - 1; o++) {
        r->xr[Q + o] = s->px[k] + (slot(ix + o, 2 * Q) * (size_t)ty + (size_t)dy) * s->row;
        r->yr[Q + o] = D3 ? s->py[k] + (sq * (size_t)tyw + (size_t)(dy + o + Q)) * s->row : r->xr[Q + o];
    }
    r->pz = s->pz[k] + (sq * (size_t)ty + (size_t)dy) * s->row;
}

INLINE void laplacian_rows(const int H, const int D3, const cpu_problem *p, const operand *f, long ix, long iy,
                           const cpu_real **xr, const cpu_real **yr)
{
    for (int o = -H; o <= H; o++) {
        xr[H + o] = operand_row(p, f, ix + o, iy);
        yr[H + o] = D3 ? operand_row(p, f, ix, iy + o) : xr[H];
    }
}

INLINE void update_row(const int H, const int Q, const int D3, const cpu_tti_mode MODE, const cpu_problem *p,
                       const cpu_tti_update *a, const cpu_tti_scratch *s, const stagger *c, const lap_weights *lw,
                       const operand *ops, long iy0, long ty, size_t ix, size_t iy)
{
    const size_t row = cpu_at(p, ix, iy, 0) - (size_t)p->halo[2], w = p->ext[2];
    const long dy = (long)iy - iy0;
    product_rows px, py, px2 = {0}, py2 = {0};
    product_rows_of(Q, D3, s, 0, (long)ix, dy, ty, &px);
    product_rows_of(Q, D3, s, 1, (long)ix, dy, ty, &py);
    if (MODE == CPU_TTI_BORN) {
        product_rows_of(Q, D3, s, 2, (long)ix, dy, ty, &px2);
        product_rows_of(Q, D3, s, 3, (long)ix, dy, ty, &py2);
    }
    const cpu_real *lxr[2 * FD_MAX_HALF + 1], *lyr[2 * FD_MAX_HALF + 1];
    const cpu_real *lxr2[2 * FD_MAX_HALF + 1], *lyr2[2 * FD_MAX_HALF + 1];
    laplacian_rows(H, D3, p, &ops[0], (long)ix, (long)iy, lxr, lyr);
    if (MODE == CPU_TTI_BORN)
        laplacian_rows(H, D3, p, &ops[2], (long)ix, (long)iy, lxr2, lyr2);
    const stagger cl = *c;
    const lap_weights wl = *lw;
    const cpu_real *restrict alpha = p->alpha + row, *restrict eta_z = p->eta_dt[2];
    const cpu_real *restrict ca = p->tti_a + row, *restrict cb = p->tti_b + row;
    const cpu_real eta_xy = p->eta_dt[0][ix] + p->eta_dt[1][iy];
    const cpu_real *restrict u = a->cur[0] + row, *restrict v = a->cur[1] + row;
    const cpu_real *uo = a->older[0] + row, *vo = a->older[1] + row;
    cpu_real *un = a->newer[0] + row, *vn = a->newer[1] + row;
    const cpu_real *restrict du = NULL, *restrict dv = NULL, *duo = NULL, *dvo = NULL, *restrict dm = NULL;
    cpu_real *dun = NULL, *dvn = NULL;
    if (MODE == CPU_TTI_BORN) {
        du = a->cur2[0] + row;
        dv = a->cur2[1] + row;
        duo = a->older2[0] + row;
        dvo = a->older2[1] + row;
        dun = a->newer2[0] + row;
        dvn = a->newer2[1] + row;
        dm = a->dm + row;
    }
    cpu_real *restrict g = MODE == CPU_TTI_IMAGING ? a->g + row : NULL;
    const cpu_real *restrict uh = MODE == CPU_TTI_IMAGING ? a->uh + row : NULL;
    const cpu_real *restrict vh = MODE == CPU_TTI_IMAGING ? a->vh + row : NULL;
    const cpu_real inv_dt2 = a->inv_dt2;

    /* newer may be older: each point reads its own older values before
     * writing, and no other point reads them. */
#pragma omp simd
    for (size_t z = 0; z < w; z++) {
        const cpu_real gx = gzz_at(Q, D3, &cl, px.xr, px.yr, px.pz, z);
        const cpu_real gy = gzz_at(Q, D3, &cl, py.xr, py.yr, py.pz, z);
        const cpu_real lap = laplacian_at(H, D3, &wl, lxr, lyr, z);
        const cpu_real al = alpha[z], ed = eta_xy + eta_z[z];
        const cpu_real u0 = u[z], v0 = v[z], u1 = uo[z], v1 = vo[z];
        if (MODE == CPU_TTI_FORWARD || MODE == CPU_TTI_BORN) {
            const cpu_real gh = lap - gx;
            const cpu_real hu = ca[z] * gh + cb[z] * gy, hv = cb[z] * gh + gy;
            const cpu_real d2u = second_difference(al, hu, u0, u1, ed), d2v = second_difference(al, hv, v0, v1, ed);
            un[z] = d2u + (2 * u0 - u1);
            vn[z] = d2v + (2 * v0 - v1);
            if (MODE == CPU_TTI_BORN) {
                const cpu_real gx2 = gzz_at(Q, D3, &cl, px2.xr, px2.yr, px2.pz, z);
                const cpu_real gy2 = gzz_at(Q, D3, &cl, py2.xr, py2.yr, py2.pz, z);
                const cpu_real gh2 = laplacian_at(H, D3, &wl, lxr2, lyr2, z) - gx2;
                const cpu_real src = inv_dt2 * dm[z];
                const cpu_real hdu = (ca[z] * gh2 + cb[z] * gy2) - src * d2u, hdv = (cb[z] * gh2 + gy2) - src * d2v;
                const cpu_real du0 = du[z], dv0 = dv[z], du1 = duo[z], dv1 = dvo[z];
                dun[z] = second_difference(al, hdu, du0, du1, ed) + (2 * du0 - du1);
                dvn[z] = second_difference(al, hdv, dv0, dv1, ed) + (2 * dv0 - dv1);
            }
        } else {
            const cpu_real hp = lap - gx, hr = gy;
            const cpu_real d2p = second_difference(al, hp, u0, u1, ed), d2r = second_difference(al, hr, v0, v1, ed);
            un[z] = d2p + (2 * u0 - u1);
            vn[z] = d2r + (2 * v0 - v1);
            if (MODE == CPU_TTI_IMAGING) {
                g[z] -= uh[z] * d2p;
                g[z] -= vh[z] * d2r;
            }
        }
    }
    if (MODE == CPU_TTI_FORWARD && a->save[0]) {
        cpu_stream_copy(a->save[0] + row, un, w);
        cpu_stream_copy(a->save[1] + row, vn, w);
    }
}

/* The adjoint's operands on plane fx of a work item's ring: w2 = a p + b r
 * and w1 = b p + r (p, r: the stepped pair's current levels) on its rows,
 * zero outside the padded grid. */
INLINE void combine_ring_plane(const int D3, const cpu_problem *p, const cpu_tti_update *a, const operand *ops, long fx)
{
    const size_t w = p->ext[2];
    for (long iy = ops[0].iy0; iy < ops[0].iy0 + ops[0].rows; iy++) {
        cpu_real *restrict o2 = (cpu_real *)operand_row(p, &ops[0], fx, iy);
        cpu_real *restrict o1 = (cpu_real *)operand_row(p, &ops[1], fx, iy);
        if (fx < 0 || fx >= (long)p->N[0] || iy < 0 || iy >= (long)p->N[1]) {
            memset(o2, 0, w * sizeof(cpu_real));
            memset(o1, 0, w * sizeof(cpu_real));
            continue;
        }
        const size_t row = cpu_at(p, (size_t)fx, (size_t)iy, 0) - (size_t)p->halo[2];
        const cpu_real *restrict pp = a->cur[0] + row, *restrict rr = a->cur[1] + row;
        const cpu_real *restrict ca = p->tti_a + row, *restrict cb = p->tti_b + row;
#pragma omp simd
        for (size_t z = 0; z < w; z++) {
            o2[z] = ca[z] * pp[z] + cb[z] * rr[z];
            o1[z] = cb[z] * pp[z] + rr[z];
        }
    }
    (void)D3;
}

INLINE void block(const int H, const int D3, const cpu_tti_mode MODE, const cpu_problem *p, const cpu_tti_update *a,
                  const cpu_tti_scratch *s, size_t ix0, size_t ix1, size_t iy0, size_t iy1)
{
    const int Q = (H + 1) / 2; /* ceil(so / 4) */
    stagger c;
    lap_weights lw;
    for (int j = 0; j <= FD_MAX_STAGGER; j++) {
        c.cx[j] = p->tti_c[0][j];
        c.cy[j] = p->tti_c[1][j];
        c.cz[j] = p->tti_c[2][j];
    }
    for (int k = 0; k <= H; k++) {
        lw.wx[k] = p->wx[k];
        lw.wy[k] = p->wy[k];
        lw.wz[k] = p->wz[k];
    }
    lw.w0 = lw.wx[0] + lw.wy[0] + lw.wz[0];
    /* Sweep along x: the products of plane px, then the update of plane
     * px - (Q - 1), whose P_x reach px and whose P_y, P_z were made Q - 1
     * planes back. */
    const long x0 = (long)ix0, x1 = (long)ix1, y0 = (long)iy0, y1 = (long)iy1;
    const int nop = MODE == CPU_TTI_BORN ? 4 : 2, ring = MODE == CPU_TTI_ADJOINT || MODE == CPU_TTI_IMAGING;
    const cpu_real *fields[4] = {a->x, a->y, a->cur2[0], a->cur2[1]};
    operand ops[4];
    for (int k = 0; k < nop; k++) {
        ops[k] = (operand){.field = fields[k]};
        if (ring)
            ops[k] = (operand){.ring = s->w[k],
                               .ring_row = s->row,
                               .iy0 = D3 ? y0 - H : y0,
                               .rows = D3 ? y1 - y0 + 2 * H : y1 - y0,
                               .slots = 2 * H + 1};
    }
    long filled = x0 - H - 1; /* the adjoint's ring holds planes up to this one */
    for (long px = x0 - Q; px < x1 + Q - 1; px++) {
        const long ix = px - (Q - 1);
        for (; ring && filled < ix + H; filled++)
            combine_ring_plane(D3, p, a, ops, filled + 1);
        for (int k = 0; k < nop; k++)
            products_plane(Q, D3, p, &c, &ops[k], s, k, px, y0, y1);
        if (ix >= x0)
            for (long iy = y0; iy < y1; iy++)
                update_row(H, Q, D3, MODE, p, a, s, &c, &lw, ops, y0, y1 - y0, (size_t)ix, (size_t)iy);
    }
}

typedef void (*block_fn)(const cpu_problem *p, const cpu_tti_update *a, const cpu_tti_scratch *s, size_t ix0,
                         size_t ix1, size_t iy0, size_t iy1);

#define BLOCK(H, D3, MODE)                                                                                             \
    static void block_##H##_##D3##_##MODE(const cpu_problem *p, const cpu_tti_update *a, const cpu_tti_scratch *s,     \
                                          size_t ix0, size_t ix1, size_t iy0, size_t iy1)                              \
    {                                                                                                                  \
        block(H, D3, MODE, p, a, s, ix0, ix1, iy0, iy1);                                                               \
    }
#define BLOCK_MODES(H, D3)                                                                                             \
    BLOCK(H, D3, CPU_TTI_FORWARD) BLOCK(H, D3, CPU_TTI_ADJOINT) BLOCK(H, D3, CPU_TTI_IMAGING) BLOCK(H, D3, CPU_TTI_BORN)
#define BLOCK_ORDER(H) BLOCK_MODES(H, 0) BLOCK_MODES(H, 1)
BLOCK_ORDER(1)
BLOCK_ORDER(2)
BLOCK_ORDER(3)
BLOCK_ORDER(4)
BLOCK_ORDER(5)
BLOCK_ORDER(6)
BLOCK_ORDER(7)
BLOCK_ORDER(8)

#define ENTRY_MODES(H, D3)                                                                                             \
    {                                                                                                                  \
        block_##H##_##D3##_CPU_TTI_FORWARD, block_##H##_##D3##_CPU_TTI_ADJOINT, block_##H##_##D3##_CPU_TTI_IMAGING,    \
            block_##H##_##D3##_CPU_TTI_BORN                                                                            \
    }
#define ENTRY(H)                                                                                                       \
    {                                                                                                                  \
        ENTRY_MODES(H, 0), ENTRY_MODES(H, 1)                                                                           \
    }

/* [half - 1][3D][mode] */
static const block_fn block_table[FD_MAX_HALF][2][4] = {ENTRY(1), ENTRY(2), ENTRY(3), ENTRY(4),
                                                        ENTRY(5), ENTRY(6), ENTRY(7), ENTRY(8)};

void cpu_tti_block(const cpu_problem *p, const cpu_tti_update *a, const cpu_tti_scratch *s, size_t ix0, size_t ix1,
                   size_t iy0, size_t iy1)
{
    block_table[p->half - 1][p->ndim == 3][a->mode](p, a, s, ix0, ix1, iy0, iy1);
}

double cpu_tti_flops_per_point(const cpu_problem *p, osib_op op)
{
    /* What the loops of this file execute, counted from the code (a fused
     * multiply-add as two): per padded point, over the stored z extent
     * (ext[2] columns for N[2] points), with the rows that only feed P_y
     * (2q - 1 per tile_y) and the adjoint's ring rows (tile_y + so) in 3D. */
    const double q = p->tti_q, h = p->half, d = p->ndim, ty = p->ndim == 3 ? p->tile_y : 1;
    const double halo = p->ndim == 3 ? (2 * q - 1) / ty : 0.0, ring = p->ndim == 3 ? (ty + 2 * h) / ty : 1.0;
    const double products = (3 * q * d + 3 * d - 1) + halo * (3 * q * d + 2 * d); /* G f and n_d G f, per operand */
    const double gzz = 3 * q * d + d - 1, laplacian = 1 + 3 * h * d + d - 1;
    const double forward = 2 * products + 2 * gzz + laplacian + 22;
    const double adjoint = 5 * ring + 2 * products + 2 * gzz + laplacian + 17;
    double per_point;
    switch (op) {
    case OSIB_OP_FORWARD: per_point = forward; break;
    case OSIB_OP_ADJOINT: per_point = adjoint; break;
    case OSIB_OP_BORN:
        per_point = 4 * products + 4 * gzz + 2 * laplacian + 22 + 25;
        break;                                         /* both pairs, Born sources */
    default: per_point = forward + adjoint + 4; break; /* the forward, then the adjoint with the image */
    }
    return per_point * (double)p->ext[2] / (double)p->N[2];
}
