/*
 * cuda_gradient.c - osib-cuda's J^T and FWI gradient (cuda_gradient.h).
 */
#include "cuda_gradient.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "extend.h"
#include "sysinfo.h"

/* How many snapshots of 2 levels to keep besides the rings (-1: the whole
 * history). Under a budget, the device's memory and the host's together
 * are held to it: in the host build that is what the runner measures; on a
 * GPU the runner sees the host's only, and osib-cuda keeps the device
 * within the rest. OSIB_CUDA_SNAPSHOTS=s forces s snapshots. */
static osib_status choose_history(cuda_state *c, int *slots, osib_err *err)
{
    char name[160], why[256];
    size_t free_b = 0, total_b = 0;
    if (osib_cuda_device(name, sizeof name, &free_b, &total_b, why, sizeof why) != 0)
        return cuda_fail(err, why);
    const ref_grid *g = &c->ref.grid;
    const size_t ns = c->src.npoint, nr = c->rec.npoint, nstates = c->nt - 2;
    const double field = (double)c->nstore * sizeof(float);
    const double whole = cuda_device_bytes(g, c->nt, ns, nr, cuda_fields_for(OSIB_OP_GRADIENT, c->nt));
    const double least = cuda_device_bytes(g, c->nt, ns, nr, MEDIUM_FIELDS + 3 + 3 + 1); /* the rings, the image */
    /* More than nstates - 1 snapshots would hold every state: never used. */
    const int most = nstates - 1 < (size_t)INT_MAX ? (int)(nstates - 1) : INT_MAX;
    *slots = -1;
    if (nstates < 2) /* nothing to reverse that a snapshot could help */
        return OSIB_OK;
    const char *forced = getenv("OSIB_CUDA_SNAPSHOTS");
    if (forced) {
        char *end = NULL;
        long n = strtol(forced, &end, 10);
        if (!*forced || *end || n < 0)
            return osib_fail(err, OSIB_E_USAGE, "OSIB_CUDA_SNAPSHOTS=%s: expected a number of snapshots, 0 or more",
                             forced);
        *slots = n > most ? most : (int)n;
        if (least + 2.0 * field * *slots > (double)free_b)
            return osib_fail(err, OSIB_E_NOMEM,
                             "osib-cuda needs %.2f GiB on the device for %d snapshots, %s has %.2f GiB free",
                             (least + 2.0 * field * *slots) / 1073741824.0, *slots, name, free_b / 1073741824.0);
        return OSIB_OK;
    }
    double room = (double)free_b, margin = 0.0, held = 0.0;
    if (c->budget_bytes > 0) {
        /* A margin for what is not counted: HDF5's buffers when the outputs
         * are written, the allocator's own pages. */
        margin = 4.0 * 1048576.0 + 0.02 * c->budget_bytes;
        held = osib_self_rss_bytes();
        if (c->budget_bytes - held - margin < room)
            room = c->budget_bytes - held - margin;
    }
    if (whole <= room)
        return OSIB_OK;
    if (least > room && c->budget_bytes > 0 && least <= (double)free_b)
        return osib_fail(err, OSIB_E_NOMEM,
                         "memory budget %.1f MiB: this process holds %.1f MiB already, and the gradient needs %.1f MiB "
                         "more with no snapshot at all (and a margin of %.1f MiB)",
                         c->budget_bytes / 1048576.0, held / 1048576.0, least / 1048576.0, margin / 1048576.0);
    if (least > room)
        return osib_fail(err, OSIB_E_NOMEM,
                         "osib-cuda needs %.2f GiB on the device for the gradient even with no snapshot, %s has %.2f "
                         "GiB free",
                         least / 1073741824.0, name, free_b / 1073741824.0);
    const double fit = floor((room - least) / (2.0 * field));
    *slots = fit >= (double)most ? most : (int)fit;
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * What both strategies share
 * ------------------------------------------------------------------------- */

typedef struct {
    call_buffers b;    /* levels as the strategy lays them out; the image in the extra field */
    double *resid;     /* the gradient's residual, on the host */
    double *g_pad;     /* the image read back, padded grid */
    osib_cuda_timer t; /* started by gradient_begin, released by gradient_end */
} gradient_call;

/* Allocate (nlevels level fields), send the wavelets q and, for J^T, r
 * (the adjoint's source from the start; NULL for the gradient), and start
 * the time loop's timer. */
static osib_status gradient_begin(cuda_state *c, size_t nlevels, const double *q, const double *r, gradient_call *k,
                                  osib_err *err)
{
    const size_t ns = c->src.npoint, nr = c->rec.npoint;
    char why[256];
    memset(k, 0, sizeof *k);
    osib_status st = cuda_buffers_alloc(c, nlevels, ns, nr, 1, &k->b, err);
    if (st != OSIB_OK)
        return st;
    k->resid = malloc(c->nt * (nr ? nr : 1) * sizeof *k->resid);
    k->g_pad = ref_field_alloc(&c->ref.grid);
    if (!k->resid || !k->g_pad)
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the gradient");
    if (st == OSIB_OK)
        st = cuda_put_traces(k->b.traces_in, q, c->nt * ns, err);
    if (st == OSIB_OK && r)
        st = cuda_put_traces(k->b.traces_out, r, c->nt * nr, err);
    if (st == OSIB_OK && osib_cuda_timer_start(&k->t, why, sizeof why) != 0)
        st = cuda_fail(err, why);
    return st;
}

/* The forward's data F q (traces_out, on the device) minus d_obs: the
 * residual and Phi in float64 on the host, then the residual back in
 * traces_out as the adjoint's source. */
static osib_status residual(cuda_state *c, gradient_call *k, const double *d_obs, double *phi, osib_err *err)
{
    const size_t n = c->nt * c->rec.npoint;
    osib_status st = cuda_get_floats(k->resid, k->b.traces_out, n, err);
    double sum = 0.0;
    for (size_t i = 0; st == OSIB_OK && i < n; i++) {
        k->resid[i] -= d_obs[i];
        sum += k->resid[i] * k->resid[i];
    }
    *phi = 0.5 * sum;
    return st == OSIB_OK ? cuda_put_traces(k->b.traces_out, k->resid, n, err) : st;
}

/* After the loop (st its outcome): the note, with extra; the image back on
 * the physical grid; everything freed. */
static osib_status gradient_end(cuda_state *c, gradient_call *k, osib_status st, const char *extra, double *image,
                                osib_err *err)
{
    st = cuda_finish(c, &k->t, st, extra, err);
    if (st == OSIB_OK)
        st = cuda_check(1, err);
    if (st == OSIB_OK)
        st = cuda_get_floats(k->g_pad, k->b.extra, c->nstore, err);
    if (st == OSIB_OK)
        ref_extend_transpose(&c->ref.grid, k->g_pad, image);
    free(k->resid);
    free(k->g_pad);
    cuda_buffers_free(&k->b);
    return st;
}

/* ---------------------------------------------------------------------------
 * The whole history
 * ------------------------------------------------------------------------- */

/* u^0..u^{nt-1} in levels 0..nt-1, v's ring after them. */
static osib_status whole_history_core(cuda_state *c, const double *q, const double *r, const double *d_obs, double *phi,
                                      double *image, osib_err *err)
{
    const size_t total = 2 * (c->nt - 2);
    gradient_call k;
    osib_status st = gradient_begin(c, c->nt + 3, q, r, &k, err);
    if (st == OSIB_OK)
        st = cuda_forward_pass(c, &k.b, k.b.traces_in, d_obs ? k.b.traces_out : NULL, total, err);
    if (st == OSIB_OK && d_obs)
        st = residual(c, &k, d_obs, phi, err);
    if (st == OSIB_OK)
        st = cuda_adjoint_pass(c, &k.b, c->nt, k.b.traces_out, NULL, k.b.extra, c->nt - 2, total, err);
    char extra[128];
    snprintf(extra, sizeof extra, "; forward history of %zu levels kept on the device%s", c->nt,
             c->budget_bytes > 0 ? " (it fits the budget)" : "");
    return gradient_end(c, &k, st, extra, image, err);
}

/* ---------------------------------------------------------------------------
 * Revolve checkpoints
 * ------------------------------------------------------------------------- */

/* What Revolve's actions work on. State k is the forward state after k
 * steps, (u^{k+1}, u^k); the adjoint step n needs u^n, the newer level of
 * state n - 1. */
typedef struct {
    cuda_state *c;
    gradient_call *call;
    float *u, *v;        /* rings of 3: level k at + (k % 3) nstore */
    float *snap;         /* snapshot i: level k at + (2 i + k % 2) nstore */
    size_t *slot_state;  /* the state each snapshot holds */
    const double *d_obs; /* the gradient's observed data (host), or NULL (J^T) */
    double *phi;
    size_t done, total;
    double steps;
    osib_status st;
    osib_err *err;
} cuda_revolve;

static float *ring_at(const cuda_revolve *v, float *ring, size_t k) { return ring + (k % 3) * v->c->nstore; }
static float *snap_at(const cuda_revolve *v, int slot, size_t k)
{
    return v->snap + (2 * (size_t)slot + k % 2) * v->c->nstore;
}

static void rv_copy(cuda_revolve *v, float *to, const float *from)
{
    char why[256];
    if (v->st == OSIB_OK && osib_cuda_copy(to, from, v->c->nstore * sizeof(float), why, sizeof why) != 0)
        v->st = cuda_fail(v->err, why);
}

static void rv_advance(void *ctx, size_t from, size_t to, int first, int slot)
{
    cuda_revolve *v = ctx;
    float *d = first && v->d_obs ? v->call->b.traces_out : NULL; /* data only on the first sweep */
    for (size_t k = from; k < to && v->st == OSIB_OK; k++) {
        const size_t n = k + 1;
        cuda_forward_step(v->c, n, ring_at(v, v->u, n), ring_at(v, v->u, n - 1), ring_at(v, v->u, n + 1),
                          v->call->b.traces_in, d);
        v->st = cuda_check(0, v->err);
        cuda_report(v->c, ++v->done, v->total);
    }
    v->steps += (double)(to - from);
    if (slot >= 0) {
        rv_copy(v, snap_at(v, slot, to + 1), ring_at(v, v->u, to + 1));
        rv_copy(v, snap_at(v, slot, to), ring_at(v, v->u, to));
        v->slot_state[slot] = to;
    }
}

static void rv_restore(void *ctx, int slot)
{
    cuda_revolve *v = ctx;
    char why[256];
    if (slot < 0) { /* the initial state: zeros */
        for (size_t k = 0; k < 2 && v->st == OSIB_OK; k++)
            if (osib_cuda_zero(ring_at(v, v->u, k), v->c->nstore * sizeof(float), why, sizeof why) != 0)
                v->st = cuda_fail(v->err, why);
        return;
    }
    const size_t k = v->slot_state[slot];
    rv_copy(v, ring_at(v, v->u, k + 1), snap_at(v, slot, k + 1));
    rv_copy(v, ring_at(v, v->u, k), snap_at(v, slot, k));
}

/* The first sweep is at state nt - 3: the last datum, d^{nt-2} from
 * u^{nt-2}, then the residual as in the whole-history gradient. */
static void rv_turn(void *ctx)
{
    cuda_revolve *v = ctx;
    cuda_state *c = v->c;
    if (v->st != OSIB_OK || !v->d_obs)
        return;
    osib_cuda_interpolate(&c->rec, ring_at(v, v->u, c->nt - 2), v->call->b.traces_out + (c->nt - 2) * c->rec.npoint);
    v->st = residual(c, v->call, v->d_obs, v->phi, v->err);
}

static void rv_reverse(void *ctx, size_t k)
{
    cuda_revolve *v = ctx;
    if (v->st != OSIB_OK)
        return;
    const size_t n = k + 1;
    cuda_adjoint_step(v->c, n, v->v, v->call->b.traces_out, NULL, ring_at(v, v->u, n), v->call->b.extra);
    v->st = cuda_check(0, v->err);
    cuda_report(v->c, ++v->done, v->total);
}

/* The rings of u and v, then `slots` snapshots of two levels. */
static osib_status checkpointed_core(cuda_state *c, int slots, const double *q, const double *r, const double *d_obs,
                                     double *phi, double *image, osib_err *err)
{
    const size_t nstates = c->nt - 2;
    const double predicted = (size_t)slots + 1 >= nstates
                                 ? (double)nstates - 1
                                 : osib_checkpoint_revolve((double)nstates, (double)slots + 1.0).forward_steps;
    gradient_call k;
    osib_status st = gradient_begin(c, 6 + 2 * (size_t)slots, q, r, &k, err);
    size_t *slot_state = st == OSIB_OK ? calloc((size_t)slots + 1, sizeof *slot_state) : NULL;
    if (st == OSIB_OK && !slot_state)
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the gradient");
    cuda_revolve v = {.c = c,
                      .call = &k,
                      .u = k.b.levels,
                      .v = k.b.levels + 3 * c->nstore,
                      .snap = k.b.levels + 6 * c->nstore,
                      .slot_state = slot_state,
                      .d_obs = d_obs,
                      .phi = phi,
                      .total = (size_t)predicted + nstates,
                      .st = st,
                      .err = err};
    if (st == OSIB_OK) {
        const osib_revolve_actions actions = {&v, rv_advance, rv_restore, rv_turn, rv_reverse};
        osib_revolve_counts counts;
        rv_restore(&v, -1);
        osib_revolve_run(nstates, slots, &actions, &counts);
        st = v.st;
    }
    free(slot_state);
    char extra[256];
    snprintf(extra, sizeof extra,
             "; forward history checkpointed (Revolve): %d snapshots of 2 levels on the device, %.0f forward steps "
             "taken for %zu states (%.0f predicted, %.2fx one forward sweep)",
             slots, v.steps, nstates, predicted, v.steps / (double)(nstates - 1));
    return gradient_end(c, &k, st, extra, image, err);
}

osib_status cuda_born_adjoint_core(cuda_state *c, const double *q, const double *r_or_dobs, int r_is_obs, double *phi,
                                   double *image, osib_err *err)
{
    int slots = -1;
    osib_status st = choose_history(c, &slots, err);
    if (st != OSIB_OK)
        return st;
    const double *r = r_is_obs ? NULL : r_or_dobs, *d_obs = r_is_obs ? r_or_dobs : NULL;
    return slots < 0 ? whole_history_core(c, q, r, d_obs, phi, image, err)
                     : checkpointed_core(c, slots, q, r, d_obs, phi, image, err);
}
