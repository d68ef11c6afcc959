/*
 * cuda_call.c - one operator call of osib-cuda on the device (cuda_call.h).
 */
#include "cuda_call.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------- */

osib_status cuda_fail(osib_err *err, const char *why) { return osib_fail(err, OSIB_E_EXTERNAL, "%s", why); }

/* Stored fields the device holds for op with the whole forward history
 * kept (born_adjoint and gradient: nt levels, v's ring, the image). */
size_t cuda_fields_for(osib_op op, size_t nt)
{
    switch (op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_ADJOINT: return MEDIUM_FIELDS + 3;
    case OSIB_OP_BORN: return MEDIUM_FIELDS + 3 + 3 + 1; /* u, du, dm */
    case OSIB_OP_BORN_ADJOINT:
    case OSIB_OP_GRADIENT: return MEDIUM_FIELDS + nt + 3 + 1;
    case OSIB_OP_COUNT: break;
    }
    return MEDIUM_FIELDS;
}

/* What the device holds with `fields` stored fields: those, the sources'
 * and receivers' supports, the damping's axes and the traces. */
double cuda_device_bytes(const ref_grid *g, size_t nt, size_t nsrc, size_t nrec, size_t fields)
{
    double stored = (double)fields * (double)g->nstore * sizeof(float);
    double sparse = (double)(nsrc + nrec) * (double)(1u << g->ndim) * (sizeof(float) + sizeof(unsigned long long));
    double damping = (double)(g->N[0] + g->N[1] + g->N[2]) * sizeof(float);
    double traces = (double)nt * (double)(nsrc + 2 * nrec) * sizeof(float);
    return stored + sparse + damping + traces;
}

/* ---------------------------------------------------------------------------
 * Device buffers of one operator call
 * ------------------------------------------------------------------------- */

void cuda_buffers_free(call_buffers *b)
{
    osib_cuda_free(b->levels);
    osib_cuda_free(b->traces_in);
    osib_cuda_free(b->traces_out);
    osib_cuda_free(b->extra);
    memset(b, 0, sizeof *b);
}

/* The caller chose what to allocate to fit (cuda_gradient.c: the
 * history's strategy); this checks the device's free memory once more. */
osib_status cuda_buffers_alloc(cuda_state *c, size_t nlevels, size_t nin, size_t nout, size_t nextra, call_buffers *b,
                               osib_err *err)
{
    memset(b, 0, sizeof *b);
    char name[160], why[256];
    size_t free_b = 0, total_b = 0;
    if (osib_cuda_device(name, sizeof name, &free_b, &total_b, why, sizeof why) != 0)
        return cuda_fail(err, why);
    const double need =
        cuda_device_bytes(&c->ref.grid, c->nt, c->src.npoint, c->rec.npoint, MEDIUM_FIELDS + nlevels + nextra);
    if (need > (double)free_b)
        return osib_fail(err, OSIB_E_NOMEM, "osib-cuda needs %.2f GiB on the device, %s has %.2f GiB free",
                         need / 1073741824.0, name, free_b / 1073741824.0);
    const size_t field = c->nstore * sizeof(float);
    b->nlevels = nlevels;
    b->nextra = nextra;
    if (osib_cuda_alloc((void **)&b->levels, nlevels * field, why, sizeof why) != 0 ||
        osib_cuda_alloc((void **)&b->traces_in, c->nt * (nin ? nin : 1) * sizeof(float), why, sizeof why) != 0 ||
        osib_cuda_alloc((void **)&b->traces_out, c->nt * (nout ? nout : 1) * sizeof(float), why, sizeof why) != 0 ||
        (nextra && osib_cuda_alloc((void **)&b->extra, nextra * field, why, sizeof why) != 0)) {
        cuda_buffers_free(b);
        return cuda_fail(err, why);
    }
    return OSIB_OK;
}

static float *level(const cuda_state *c, const call_buffers *b, size_t first, size_t n)
{
    return b->levels + (first + (b->nlevels == 3 ? n % 3 : n)) * c->nstore;
}

osib_status cuda_put_traces(float *dev, const double *host, size_t n, osib_err *err)
{
    char why[256];
    float *f = malloc((n ? n : 1) * sizeof *f);
    if (!f)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        f[i] = (float)host[i];
    int rc = osib_cuda_put(dev, f, n * sizeof *f, why, sizeof why);
    free(f);
    return rc ? cuda_fail(err, why) : OSIB_OK;
}

osib_status cuda_get_floats(double *host, const float *dev, size_t n, osib_err *err)
{
    char why[256];
    float *f = malloc((n ? n : 1) * sizeof *f);
    if (!f)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    int rc = osib_cuda_get(f, dev, n * sizeof *f, why, sizeof why);
    for (size_t i = 0; rc == 0 && i < n; i++)
        host[i] = f[i];
    free(f);
    return rc ? cuda_fail(err, why) : OSIB_OK;
}

osib_status cuda_check(int sync, osib_err *err)
{
    char why[256];
    return osib_cuda_check(sync, why, sizeof why) ? cuda_fail(err, why) : OSIB_OK;
}

void cuda_report(const cuda_state *c, size_t done, size_t total)
{
    if (c->progress)
        c->progress(c->progress_ctx, done, total);
}

/* The rate in the note counts both sweeps of a gradient once
 * (spec/acoustic.md §12). */
osib_status cuda_finish(cuda_state *c, osib_cuda_timer *t, osib_status st, const char *extra, osib_err *err)
{
    if (st != OSIB_OK) {
        osib_cuda_timer_drop(t);
        return st;
    }
    char why[256];
    double seconds = 0.0;
    if (osib_cuda_timer_stop(t, &seconds, why, sizeof why) != 0)
        return cuda_fail(err, why);
    const ref_grid *g = &c->ref.grid;
    const double points = (double)g->N[0] * (double)g->N[1] * (double)g->N[2] * (double)(c->nt - 2);
#ifdef OSIB_CUDA_HOST
    const char *clock = "host clock";
#else
    const char *clock = "CUDA events";
#endif
    snprintf(c->note, sizeof c->note, "%s; %s step kernel; time loop %.4f s (%s), %.3f GPts/s%s", c->device,
             c->grid.stream ? "streaming" : "point", seconds, clock, seconds > 0.0 ? points / seconds / 1e9 : 0.0,
             extra);
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * The recursions (reference/simple/operators.c, in the same order)
 * ------------------------------------------------------------------------- */

osib_cuda_step_args cuda_step_args(const cuda_state *c, const float *cur, const float *prev, float *next)
{
    osib_cuda_step_args a;
    memset(&a, 0, sizeof a);
    a.m = c->dev_m;
    a.cur = cur;
    a.prev = prev;
    a.next = next;
    return a;
}

/* Forward step n: u^{n+1} into u_next from u^n and u^{n-1}, the wavelets
 * q^n injected; d^n recorded from u^n when d (device traces). */
void cuda_forward_step(cuda_state *c, size_t n, const float *u_cur, const float *u_prev, float *u_next, const float *q,
                       float *d)
{
    const osib_cuda_step_args a = cuda_step_args(c, u_cur, u_prev, u_next);
    osib_cuda_step(&c->grid, &a);
    osib_cuda_inject(&c->grid, &c->src, q + n * c->src.npoint, c->dev_scale, u_next, NULL, NULL);
    if (d)
        osib_cuda_interpolate(&c->rec, u_cur, d + n * c->rec.npoint);
}

/* Adjoint step n over v's ring (level k at v + (k % 3) nstore): v^{n-1}
 * from v^n and v^{n+1}, the data d^n injected; q^n recorded from v^n when
 * q; with img, the imaging condition against u^n (u). */
void cuda_adjoint_step(cuda_state *c, size_t n, float *v, const float *d, float *q, const float *u, float *img)
{
    float *v_next = v + ((n + 1) % 3) * c->nstore, *v_cur = v + (n % 3) * c->nstore;
    float *v_prev = v + ((n - 1) % 3) * c->nstore;
    osib_cuda_step_args a = cuda_step_args(c, v_cur, v_next, v_prev);
    a.u = img ? u : NULL;
    a.image = img;
    osib_cuda_step(&c->grid, &a);
    osib_cuda_inject(&c->grid, &c->rec, d + n * c->rec.npoint, c->dev_scale, v_prev, a.u, img);
    if (q)
        osib_cuda_interpolate(&c->src, v_cur, q + n * c->src.npoint);
}

/* Forward over levels u (a ring of 3, or the whole history), the wavelets
 * on the device in q, data into d (or NULL). */
osib_status cuda_forward_pass(cuda_state *c, const call_buffers *b, const float *q, float *d, size_t total,
                              osib_err *err)
{
    for (size_t n = 1; n <= c->nt - 2; n++) {
        cuda_forward_step(c, n, level(c, b, 0, n), level(c, b, 0, n - 1), level(c, b, 0, n + 1), q, d);
        osib_status st = cuda_check(0, err);
        if (st != OSIB_OK)
            return st;
        cuda_report(c, n, total);
    }
    return OSIB_OK;
}

/* Adjoint over the ring v (levels from vfirst), driven by data d; the
 * wavelets into q (or NULL); with img, the imaging condition against the
 * whole history u (levels 0..nt-1). */
osib_status cuda_adjoint_pass(cuda_state *c, const call_buffers *b, size_t vfirst, const float *d, float *q, float *img,
                              size_t done, size_t total, osib_err *err)
{
    for (size_t k = 0; k < c->nt - 2; k++) {
        const size_t n = c->nt - 2 - k;
        cuda_adjoint_step(c, n, b->levels + vfirst * c->nstore, d, q, b->levels + n * c->nstore, img);
        osib_status st = cuda_check(0, err);
        if (st != OSIB_OK)
            return st;
        cuda_report(c, done + k + 1, total);
    }
    return OSIB_OK;
}
