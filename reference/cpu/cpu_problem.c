#include "cpu_problem.h"
#include "cpu_histfile.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu_tti.h"
#include "damping.h"

/* Internal axis of case axis d: (x,z) -> (0,2), (x,y,z) -> (0,1,2). */
static int axis_of(int ndim, int d) { return (ndim == 2 && d == 1) ? 2 : d; }

static size_t round_up(size_t v, size_t m) { return (v + m - 1) / m * m; }

static osib_status layout(cpu_problem *p, const osib_setup *s, osib_err *err)
{
    if (s->ndim != 2 && s->ndim != 3)
        return osib_fail(err, OSIB_E_CASE, "dimensions = %d", s->ndim);
    if (!fd_order_is_valid(s->space_order))
        return osib_fail(err, OSIB_E_CASE, "space_order = %d", s->space_order);
    if (s->nt < 3)
        return osib_fail(err, OSIB_E_CASE, "nt = %zu: at least 3", s->nt);
    p->ndim = s->ndim;
    p->space_order = s->space_order;
    p->half = s->space_order / 2;
    p->nbl = s->nbl;
    p->dt_ms = s->dt_ms;
    p->nt = s->nt;
    p->memory_budget_bytes = s->memory_budget_bytes;
    for (int a = 0; a < 3; a++) {
        p->n[a] = p->N[a] = 1;
        p->halo[a] = (s->ndim == 3 || a != 1) ? p->half : 0;
    }
    for (int d = 0; d < s->ndim; d++) {
        int a = axis_of(s->ndim, d);
        p->n[a] = s->shape[d];
        p->N[a] = s->shape[d] + 2 * (size_t)s->nbl;
    }
    for (int a = 0; a < 3; a++)
        p->ext[a] = p->N[a] + 2 * (size_t)p->halo[a];
    p->ext[2] = round_up(p->ext[2], CPU_ALIGN_REALS);
    p->stride[2] = 1;
    p->stride[1] = p->ext[2];
    p->stride[0] = p->ext[1] * p->ext[2];
    double total = (double)p->ext[0] * (double)p->ext[1] * (double)p->ext[2];
    if (total > (double)(SIZE_MAX / 8))
        return osib_fail(err, OSIB_E_NOMEM, "grid too large");
    p->nstore = p->ext[0] * p->stride[0];
    return OSIB_OK;
}

void *cpu_alloc_huge(size_t bytes)
{
    /* 2 MiB alignment and transparent huge pages where the kernel allows
     * them (madvise mode): a stencil reads 2 so + 1 rows spread over so + 1
     * planes hundreds of KiB apart, more 4 KiB pages than the TLB holds. */
    const size_t huge = (size_t)2 << 20;
    bytes = round_up(bytes ? bytes : 1, bytes >= huge ? huge : 64);
    void *f = aligned_alloc(bytes >= huge ? huge : 64, bytes);
#ifdef MADV_HUGEPAGE
    if (f && bytes >= huge)
        (void)madvise(f, bytes, MADV_HUGEPAGE); /* advice only: failure is harmless */
#endif
    return f;
}

cpu_real *cpu_field_alloc(const cpu_problem *p)
{
    size_t bytes = round_up(p->nstore * sizeof(cpu_real), 64);
    cpu_real *f = cpu_alloc_huge(bytes);
    if (f)
        memset(f, 0, bytes);
    return f;
}

static osib_status index_planes(cpu_sparse *sp, const cpu_problem *p, osib_err *err);

static osib_status sparse_init(cpu_sparse *sp, const cpu_problem *p, const osib_setup *s, size_t npoint,
                               const double *coords, osib_err *err)
{
    sp->npoint = npoint;
    sp->ncorner = 1 << p->ndim;
    sp->offset = calloc(npoint * (size_t)sp->ncorner + 1, sizeof *sp->offset);
    sp->weight = calloc(npoint * (size_t)sp->ncorner + 1, sizeof *sp->weight);
    if (!sp->offset || !sp->weight)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for %zu sparse points", npoint);
    for (size_t i = 0; i < npoint; i++) {
        long base[3] = {0, 0, 0};
        double w[3][2] = {{1, 0}, {1, 0}, {1, 0}};
        for (int d = 0; d < p->ndim; d++) {
            int a = axis_of(p->ndim, d);
            double h = s->spacing_m[d];
            double pos = (coords[i * (size_t)p->ndim + (size_t)d] - (s->origin_m[d] - s->nbl * h)) / h;
            if (!(pos >= 0.0 && pos <= (double)(p->N[a] - 1)))
                return osib_fail(err, OSIB_E_CASE, "sparse point %zu outside the padded grid", i);
            double fl = floor(pos);
            base[a] = (long)fl;
            w[a][0] = 1.0 - (pos - fl);
            w[a][1] = pos - fl;
        }
        for (int c = 0; c < sp->ncorner; c++) {
            long idx[3] = {base[0], base[1], base[2]};
            double weight = 1.0;
            for (int d = 0; d < p->ndim; d++) {
                int a = axis_of(p->ndim, d), bit = (c >> (p->ndim - 1 - d)) & 1;
                idx[a] += bit;
                weight *= w[a][bit];
            }
            size_t k = i * (size_t)sp->ncorner + (size_t)c;
            if (weight == 0.0)
                continue;
            sp->weight[k] = (cpu_real)weight;
            sp->offset[k] = cpu_at(p, (size_t)idx[0], (size_t)idx[1], (size_t)idx[2]);
        }
    }
    return index_planes(sp, p, err);
}

/* Plane and row of entry k: its offset divided by the strides, less the
 * halos. */
static size_t plane_of(const cpu_problem *p, size_t offset) { return offset / p->stride[0] - (size_t)p->halo[0]; }
static size_t row_of(const cpu_problem *p, size_t offset)
{
    return offset % p->stride[0] / p->stride[1] - (size_t)p->halo[1];
}

/* Counting sort of n keys (plane, row) into order (a stable sort by plane,
 * then row): start gets the N[0] + 1 plane boundaries. Within a plane the
 * rows are few and the entries fewer, so an insertion sort by row (stable)
 * finishes it. */
static osib_status sort_by_plane_row(const cpu_problem *p, size_t n, const size_t *plane, const size_t *row,
                                     const unsigned char *keep, size_t *start, size_t *order, size_t *order_row)
{
    for (size_t k = 0; k < n; k++)
        if (keep[k])
            start[plane[k] + 1]++;
    for (size_t ix = 0; ix < p->N[0]; ix++)
        start[ix + 1] += start[ix];
    size_t *fill = malloc((p->N[0] + 1) * sizeof *fill);
    if (!fill)
        return OSIB_E_NOMEM;
    memcpy(fill, start, (p->N[0] + 1) * sizeof *fill);
    for (size_t k = 0; k < n; k++)
        if (keep[k])
            order[fill[plane[k]]++] = k;
    free(fill);
    for (size_t ix = 0; ix < p->N[0]; ix++)
        for (size_t e = start[ix] + 1; e < start[ix + 1]; e++) {
            size_t k = order[e], f = e;
            while (f > start[ix] && row[order[f - 1]] > row[k]) {
                order[f] = order[f - 1];
                f--;
            }
            order[f] = k;
        }
    for (size_t e = 0; e < start[p->N[0]]; e++)
        order_row[e] = row[order[e]];
    return OSIB_OK;
}

/* The inject_* and gather_* arrays of cpu_sparse, from the two indexes. */
static osib_status copy_in_order(cpu_sparse *sp, const cpu_problem *p)
{
    const size_t ninject = sp->plane_start[p->N[0]], np = sp->npoint;
    sp->inject_point = calloc(ninject + 1, sizeof *sp->inject_point);
    sp->inject_offset = calloc(ninject + 1, sizeof *sp->inject_offset);
    sp->inject_weight = calloc(ninject + 1, sizeof *sp->inject_weight);
    sp->gather_start = calloc(np + 1, sizeof *sp->gather_start);
    sp->gather_offset = calloc(ninject + 1, sizeof *sp->gather_offset);
    sp->gather_weight = calloc(ninject + 1, sizeof *sp->gather_weight);
    if (!sp->inject_point || !sp->inject_offset || !sp->inject_weight || !sp->gather_start || !sp->gather_offset ||
        !sp->gather_weight)
        return OSIB_E_NOMEM;
    for (size_t e = 0; e < ninject; e++) {
        sp->inject_point[e] = sp->by_plane[e] / (size_t)sp->ncorner;
        sp->inject_offset[e] = sp->offset[sp->by_plane[e]];
    }
    /* Every corner with a weight is one injection entry and one gather
     * entry: the same count. */
    size_t n = 0;
    for (size_t e = 0; e < np; e++) {
        for (int c = 0; c < sp->ncorner; c++) {
            const size_t k = sp->by_last[e] * (size_t)sp->ncorner + (size_t)c;
            if (sp->weight[k] == 0)
                continue;
            sp->gather_offset[n] = sp->offset[k];
            sp->gather_weight[n] = sp->weight[k];
            n++;
        }
        sp->gather_start[e + 1] = n;
    }
    return OSIB_OK;
}

/* The two indexes of cpu_sparse: corners by (plane, row) for injection,
 * points by their last corner for interpolation. */
static osib_status index_planes(cpu_sparse *sp, const cpu_problem *p, osib_err *err)
{
    const size_t nentry = sp->npoint * (size_t)sp->ncorner, np = sp->npoint;
    size_t *plane = calloc(nentry + np + 1, sizeof *plane), *row = calloc(nentry + np + 1, sizeof *row);
    unsigned char *keep = calloc(nentry + np + 1, 1);
    sp->plane_start = calloc(p->N[0] + 1, sizeof *sp->plane_start);
    sp->by_plane = calloc(nentry + 1, sizeof *sp->by_plane);
    sp->by_plane_row = calloc(nentry + 1, sizeof *sp->by_plane_row);
    sp->last_start = calloc(p->N[0] + 1, sizeof *sp->last_start);
    sp->by_last = calloc(np + 1, sizeof *sp->by_last);
    sp->by_last_row = calloc(np + 1, sizeof *sp->by_last_row);
    osib_status st = OSIB_E_NOMEM;
    if (plane && row && keep && sp->plane_start && sp->by_plane && sp->by_plane_row && sp->last_start && sp->by_last &&
        sp->by_last_row) {
        for (size_t k = 0; k < nentry; k++) {
            keep[k] = sp->weight[k] != 0;
            plane[k] = plane_of(p, sp->offset[k]);
            row[k] = row_of(p, sp->offset[k]);
        }
        /* A point's last corner: its largest plane and largest row (each
         * over the corners with a weight), which may be two corners. */
        size_t *lp = plane + nentry, *lr = row + nentry;
        for (size_t i = 0; i < np; i++) {
            keep[nentry + i] = 1;
            for (int c = 0; c < sp->ncorner; c++) {
                size_t k = i * (size_t)sp->ncorner + (size_t)c;
                if (!keep[k])
                    continue;
                lp[i] = plane[k] > lp[i] ? plane[k] : lp[i];
                lr[i] = row[k] > lr[i] ? row[k] : lr[i];
            }
        }
        st = sort_by_plane_row(p, nentry, plane, row, keep, sp->plane_start, sp->by_plane, sp->by_plane_row);
        if (st == OSIB_OK)
            st = sort_by_plane_row(p, np, lp, lr, keep + nentry, sp->last_start, sp->by_last, sp->by_last_row);
    }
    free(plane);
    free(row);
    free(keep);
    if (st == OSIB_OK)
        st = copy_in_order(sp, p);
    return st == OSIB_OK ? OSIB_OK : osib_fail(err, OSIB_E_NOMEM, "out of memory for %zu sparse points", sp->npoint);
}

/* First entry e in [lo, hi) of a sorted row list with rows[e] >= row. */
static size_t lower_row(const size_t *rows, size_t lo, size_t hi, size_t row)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rows[mid] < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void cpu_sparse_inject_block(const cpu_sparse *s, const cpu_block *b, const double *values, cpu_real *field,
                             const cpu_inject_side *side)
{
    const size_t end = s->plane_start[b->ix + 1];
    for (size_t e = lower_row(s->by_plane_row, s->plane_start[b->ix], end, b->iy0);
         e < end && s->by_plane_row[e] < b->iy1; e++) {
        const size_t o = s->inject_offset[e];
        const cpu_real add = s->inject_weight[e] * (cpu_real)values[s->inject_point[e]];
        field[o] += add;
        if (side && side->g)
            side->g[o] -= side->u[o] * add;
        if (side && side->du)
            side->du[o] -= side->alpha[o] * (side->inv_dt2 * side->dm[o] * add);
    }
}

void cpu_sparse_record_block(const cpu_sparse *s, const cpu_block *b, const cpu_real *field, double *out)
{
    const size_t end = s->last_start[b->ix + 1];
    for (size_t e = lower_row(s->by_last_row, s->last_start[b->ix], end, b->iy0); e < end && s->by_last_row[e] < b->iy1;
         e++) {
        double sum = 0.0;
        for (size_t c = s->gather_start[e]; c < s->gather_start[e + 1]; c++)
            sum += (double)(s->gather_weight[c] * field[s->gather_offset[c]]);
        out[s->by_last[e]] += sum;
    }
}

osib_status cpu_problem_init(cpu_problem *p, const osib_setup *s, osib_err *err)
{
    memset(p, 0, sizeof *p);
    p->snapshots = -1;
    osib_status st = layout(p, s, err);
    if (st != OSIB_OK)
        return st;
    double w[FD_MAX_HALF + 1];
    fd2_weights(s->space_order, w);
    double h[3] = {1, 1, 1};
    for (int d = 0; d < s->ndim; d++)
        h[axis_of(s->ndim, d)] = s->spacing_m[d];
    for (int a = 0; a < 3; a++)
        p->spacing_m[a] = h[a];
    for (int k = 0; k <= p->half; k++) {
        p->wx[k] = (cpu_real)(w[k] / (h[0] * h[0]));
        p->wy[k] = s->ndim == 3 ? (cpu_real)(w[k] / (h[1] * h[1])) : 0;
        p->wz[k] = (cpu_real)(w[k] / (h[2] * h[2]));
    }
    p->alpha = cpu_field_alloc(p);
    p->eta_dt[0] = calloc(p->N[0], sizeof(cpu_real));
    p->eta_dt[1] = calloc(p->N[1], sizeof(cpu_real));
    p->eta_dt[2] = cpu_alloc_huge(p->ext[2] * sizeof(cpu_real));
    if (p->eta_dt[2])
        memset(p->eta_dt[2], 0, p->ext[2] * sizeof(cpu_real));
    if (!p->alpha || !p->eta_dt[0] || !p->eta_dt[1] || !p->eta_dt[2]) {
        cpu_problem_free(p);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the coefficients (%zu points)", p->nstore);
    }
    st = sparse_init(&p->src, p, s, s->nsrc, s->src_coords_m, err);
    if (st == OSIB_OK)
        st = sparse_init(&p->rec, p, s, s->nrec, s->rec_coords_m, err);
    if (st != OSIB_OK) {
        cpu_problem_free(p);
        return st;
    }
    return OSIB_OK;
}

/* The damping profile at padded index i of internal axis a. */
static double damping_1d(const cpu_problem *p, int a, size_t i, double h)
{
    if (p->nbl == 0 || (p->ndim == 2 && a == 1))
        return 0.0;
    size_t nbl = (size_t)p->nbl;
    if (i < nbl)
        return ref_damping_profile(p->nbl, (int)i, h);
    if (i >= p->N[a] - nbl)
        return ref_damping_profile(p->nbl, (int)(p->N[a] - 1 - i), h);
    return 0.0;
}

osib_status cpu_problem_set_model(cpu_problem *p, const double *vp_phys, osib_err *err)
{
    const size_t nphys = p->n[0] * p->n[1] * p->n[2];
    for (size_t k = 0; k < nphys; k++)
        if (!(vp_phys[k] > 0.0) || !isfinite(vp_phys[k]))
            return osib_fail(err, OSIB_E_DATA, "vp[%zu] = %g: velocities must be positive and finite", k, vp_phys[k]);
    const double dt = p->dt_ms;
    for (int a = 0; a < 3; a++)
        for (size_t i = 0; i < p->N[a]; i++)
            p->eta_dt[a][i + (a == 2 ? (size_t)p->halo[2] : 0)] = (cpu_real)(damping_1d(p, a, i, p->spacing_m[a]) / dt);
    for (size_t ix = 0; ix < p->N[0]; ix++) {
        double eta_x = damping_1d(p, 0, ix, p->spacing_m[0]);
        for (size_t iy = 0; iy < p->N[1]; iy++) {
            double eta_xy = eta_x + damping_1d(p, 1, iy, p->spacing_m[1]);
            for (size_t iz = 0; iz < p->N[2]; iz++) {
                double eta = eta_xy + damping_1d(p, 2, iz, p->spacing_m[2]);
                size_t k = cpu_phys_index(p, ix, iy, iz);
                double vp = vp_phys[k], m = 1.0 / (vp * vp), C = m + dt * eta;
                size_t x = cpu_at(p, ix, iy, iz);
                p->alpha[x] = (cpu_real)(dt * dt / C);
            }
        }
    }
    /* Injection weights: weight * dt^2 vp^2 at the corner, in cpu_real as
     * the product weight * scale the injection formula would form. */
    cpu_sparse *sets[2] = {&p->src, &p->rec};
    for (int i = 0; i < 2; i++) {
        cpu_sparse *sp = sets[i];
        for (size_t e = 0; e < sp->plane_start[p->N[0]]; e++) {
            const size_t k = sp->by_plane[e], o = sp->offset[k], ix = plane_of(p, o), iy = row_of(p, o);
            const size_t iz = o % p->stride[1] - (size_t)p->halo[2];
            const size_t kp = cpu_phys_index(p, ix, iy, iz);
            const cpu_real scale = (cpu_real)(dt * dt * vp_phys[kp] * vp_phys[kp]);
            sp->inject_weight[e] = sp->weight[k] * scale;
        }
    }
    return OSIB_OK;
}

void cpu_problem_free(cpu_problem *p)
{
    cpu_tti_free(p);
    free(p->alpha);
    for (int a = 0; a < 3; a++)
        free(p->eta_dt[a]);
    for (int i = 0; i < CPU_WORK_FIELDS; i++)
        free(p->work[i]);
    free(p->history);
    free(p->residual);
    cpu_histfile_close(p->stream_file);
    p->stream_file = NULL;
    cpu_sparse *sets[2] = {&p->src, &p->rec};
    for (int i = 0; i < 2; i++) {
        cpu_sparse *sp = sets[i];
        free(sp->offset);
        free(sp->weight);
        free(sp->plane_start);
        free(sp->by_plane);
        free(sp->by_plane_row);
        free(sp->inject_point);
        free(sp->inject_offset);
        free(sp->inject_weight);
        free(sp->last_start);
        free(sp->by_last);
        free(sp->by_last_row);
        free(sp->gather_start);
        free(sp->gather_offset);
        free(sp->gather_weight);
    }
    memset(p, 0, sizeof *p);
}

/* The physical index of padded index i on internal axis a (E clamps). */
static size_t clamp_phys(const cpu_problem *p, int a, size_t i)
{
    size_t nbl = (p->ndim == 3 || a != 1) ? (size_t)p->nbl : 0;
    if (i < nbl)
        return 0;
    return (i - nbl >= p->n[a]) ? p->n[a] - 1 : i - nbl;
}

size_t cpu_phys_index(const cpu_problem *p, size_t ix, size_t iy, size_t iz)
{
    return (clamp_phys(p, 0, ix) * p->n[1] + clamp_phys(p, 1, iy)) * p->n[2] + clamp_phys(p, 2, iz);
}
