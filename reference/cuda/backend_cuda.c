#include "backend_cuda.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_kernels.h"
#include "damping.h"
#include "extend.h"
#include "operators.h"

typedef struct {
    ref_problem ref; /* the set-up, float64, on the host */
    osib_cuda_grid grid;
    osib_cuda_sparse src, rec;
    size_t nstore, nt;
    float *dev_m, *dev_scale;        /* stored fields */
    float *dev_etadt;                /* dt eta_a along each axis (osib_cuda_grid) */
    unsigned long long *dev_offsets; /* sources' then receivers' supports */
    float *dev_weights;
    char device[160];
    char note[320];
    osib_progress_fn progress;
    void *progress_ctx;
} cuda_state;

static osib_status cuda_fail(osib_err *err, const char *why) { return osib_fail(err, OSIB_E_EXTERNAL, "%s", why); }

/* ---------------------------------------------------------------------------
 * Memory accounting: what the device holds for op.
 * ------------------------------------------------------------------------- */

static size_t fields_for(osib_op op, size_t nt)
{
    const size_t medium = 2; /* m, injection scale (eta: three axes' terms) */
    switch (op) {
    case OSIB_OP_FORWARD:
    case OSIB_OP_ADJOINT: return medium + 3;
    case OSIB_OP_BORN: return medium + 3 + 3 + 1; /* u, du, dm */
    case OSIB_OP_BORN_ADJOINT:
    case OSIB_OP_GRADIENT: return medium + nt + 3 + 1; /* history, v, image */
    case OSIB_OP_COUNT: break;
    }
    return medium;
}

static size_t device_bytes(const ref_grid *g, size_t nt, size_t nsrc, size_t nrec, osib_op op)
{
    double fields = (double)fields_for(op, nt) * (double)g->nstore * sizeof(float);
    double sparse = (double)(nsrc + nrec) * (double)(1u << g->ndim) * (sizeof(float) + sizeof(unsigned long long));
    double damping = (double)(g->N[0] + g->N[1] + g->N[2]) * sizeof(float);
    double traces = (double)nt * (double)(nsrc + 2 * nrec) * sizeof(float);
    double total = fields + sparse + damping + traces;
    return total >= (double)SIZE_MAX ? SIZE_MAX : (size_t)total;
}

static size_t memory_bytes(const osib_setup *s, osib_op op)
{
    ref_grid g;
    if (ref_grid_init(&g, s->ndim, s->shape, s->spacing_m, s->origin_m, s->nbl, s->space_order, NULL) != OSIB_OK)
        return SIZE_MAX;
    /* the host's float64 set-up (the simple reference's medium) and the
     * host copies of traces; the device's own memory is checked against
     * the device when an operator starts */
    double host = 4.0 * (double)g.nstore * sizeof(double) + 4.0 * (double)g.nstore * sizeof(float) +
                  (double)s->nt * (double)(s->nsrc + 2 * s->nrec) * 3 * sizeof(double);
    double dev = 0.0;
#ifdef OSIB_CUDA_HOST
    dev = (double)device_bytes(&g, s->nt, s->nsrc, s->nrec, op); /* the "device" is this host */
#else
    (void)op;
#endif
    return host + dev >= (double)SIZE_MAX ? SIZE_MAX : (size_t)(host + dev);
}

/* ---------------------------------------------------------------------------
 * Set-up
 * ------------------------------------------------------------------------- */

static void destroy(void *state)
{
    cuda_state *c = state;
    if (!c)
        return;
    osib_cuda_free(c->dev_m);
    osib_cuda_free(c->dev_etadt);
    osib_cuda_free(c->dev_scale);
    osib_cuda_free(c->dev_offsets);
    osib_cuda_free(c->dev_weights);
    ref_problem_free(&c->ref);
    free(c);
}

/* A stored float64 field rounded to float32 and copied to new device memory. */
static int upload_field(float **dev, const double *host, size_t n, char *why, size_t cap)
{
    float *f = malloc(n * sizeof *f);
    if (!f) {
        snprintf(why, cap, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        f[i] = (float)host[i];
    int rc = *dev ? 0 : osib_cuda_alloc((void **)dev, n * sizeof(float), why, cap);
    if (rc == 0)
        rc = osib_cuda_put(*dev, f, n * sizeof(float), why, cap);
    free(f);
    return rc;
}

static int upload_sparse(cuda_state *c, char *why, size_t cap)
{
    const ref_sparse *sp[2] = {&c->ref.src, &c->ref.rec};
    const size_t nc = (size_t)sp[0]->ncorner, n = (sp[0]->npoint + sp[1]->npoint) * nc;
    unsigned long long *off = malloc((n ? n : 1) * sizeof *off);
    float *w = malloc((n ? n : 1) * sizeof *w);
    int rc = off && w ? 0 : -1;
    if (rc)
        snprintf(why, cap, "out of memory");
    for (size_t k = 0, i = 0; rc == 0 && k < 2; k++)
        for (size_t j = 0; j < sp[k]->npoint * nc; j++, i++) {
            off[i] = sp[k]->offset[j];
            w[i] = (float)sp[k]->weight[j];
        }
    if (rc == 0)
        rc = osib_cuda_alloc((void **)&c->dev_offsets, (n ? n : 1) * sizeof *off, why, cap);
    if (rc == 0)
        rc = osib_cuda_alloc((void **)&c->dev_weights, (n ? n : 1) * sizeof *w, why, cap);
    if (rc == 0)
        rc = osib_cuda_put(c->dev_offsets, off, n * sizeof *off, why, cap);
    if (rc == 0)
        rc = osib_cuda_put(c->dev_weights, w, n * sizeof *w, why, cap);
    free(off);
    free(w);
    const size_t ns = sp[0]->npoint * nc;
    c->src = (osib_cuda_sparse){sp[0]->npoint, (int)nc, c->dev_offsets, c->dev_weights};
    c->rec = (osib_cuda_sparse){sp[1]->npoint, (int)nc, c->dev_offsets + ns, c->dev_weights + ns};
    return rc;
}

static osib_status create(void **state, const osib_setup *s, const void *options, osib_err *err)
{
    (void)options;
    if (s->tti)
        return osib_fail(err, OSIB_E_USAGE, "osib-cuda implements the acoustic operators only (not acoustic-tti)");
    cuda_state *c = calloc(1, sizeof *c);
    if (!c)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    osib_status st = ref_problem_init(&c->ref, s, err);
    if (st != OSIB_OK) {
        free(c);
        return st;
    }
    const ref_grid *g = &c->ref.grid;
    c->nstore = g->nstore;
    c->nt = s->nt;
    c->grid.p = g->space_order / 2;
    c->grid.base = ref_at(g, 0, 0, 0);
    for (int a = 0; a < 3; a++) {
        c->grid.N[a] = g->N[a];
        c->grid.stride[a] = g->stride[a];
        for (int k = 0; k <= c->grid.p && ref_active_axis(g, a); k++)
            c->grid.w[a][k] = (float)(c->ref.stepper.weights[k] / (g->spacing_m[a] * g->spacing_m[a]));
    }
    c->grid.dt2 = (float)(s->dt_ms * s->dt_ms);
    /* The step kernel: streaming along x in 3D, where x-neighbours are
     * planes apart; one thread per point in 2D, where a column of z alone
     * would leave the GPU idle. OSIB_CUDA_KERNEL=point|stream overrides,
     * to race them on a GPU; the note says which ran. */
    const char *kernel = getenv("OSIB_CUDA_KERNEL");
    if (kernel && strcmp(kernel, "point") != 0 && strcmp(kernel, "stream") != 0) {
        destroy(c);
        return osib_fail(err, OSIB_E_USAGE, "OSIB_CUDA_KERNEL=%s: expected point or stream", kernel);
    }
    c->grid.stream = kernel ? strcmp(kernel, "stream") == 0 : g->ndim == 3;
    for (int a = 0; a < 2; a++)
        if (g->N[a] > OSIB_CUDA_MAX_BLOCKS_YZ) {
            destroy(c);
            return osib_fail(err, OSIB_E_USAGE,
                             "osib-cuda: the padded %c axis has %zu points, more than the %d a CUDA launch covers",
                             "xy"[a], g -> N[a], OSIB_CUDA_MAX_BLOCKS_YZ);
        }
    char why[256];
    size_t free_b = 0, total_b = 0;
    int rc = osib_cuda_device(c->device, sizeof c->device, &free_b, &total_b, why, sizeof why);
    if (rc == 0)
        rc = upload_sparse(c, why, sizeof why);
    if (rc == 0) {
        const size_t naxes = g->N[0] + g->N[1] + g->N[2];
        double *etadt = malloc(naxes * sizeof *etadt);
        rc = etadt ? 0 : -1;
        if (!etadt)
            snprintf(why, sizeof why, "out of memory");
        for (size_t a = 0, k = 0; etadt && a < 3; a++)
            for (size_t i = 0; i < g->N[a]; i++, k++)
                etadt[k] = s->dt_ms * ref_damping_axis(g, (int)a, i);
        if (rc == 0)
            rc = upload_field(&c->dev_etadt, etadt, naxes, why, sizeof why);
        free(etadt);
        c->grid.dev_etadt = c->dev_etadt;
    }
    if (rc != 0) {
        destroy(c);
        return cuda_fail(err, why);
    }
    *state = c;
    return OSIB_OK;
}

static osib_status set_model(void *state, const double *vp, osib_err *err)
{
    cuda_state *c = state;
    osib_status st = ref_problem_set_model(&c->ref, vp, err);
    if (st != OSIB_OK)
        return st;
    char why[256];
    if (upload_field(&c->dev_m, c->ref.m, c->nstore, why, sizeof why) != 0 ||
        upload_field(&c->dev_scale, c->ref.inj_scale, c->nstore, why, sizeof why) != 0)
        return cuda_fail(err, why);
    return OSIB_OK;
}

static void set_progress(void *state, osib_progress_fn fn, void *ctx)
{
    cuda_state *c = state;
    c->progress = fn;
    c->progress_ctx = ctx;
}

static void notes(const void *state, char *buf, size_t cap)
{
    const cuda_state *c = state;
    snprintf(buf, cap, "%s", c->note);
}

/* ---------------------------------------------------------------------------
 * Device buffers of one operator call
 * ------------------------------------------------------------------------- */

typedef struct {
    float *levels; /* nlevels stored fields, one block */
    size_t nlevels;
    float *traces_in, *traces_out; /* nt x npoint each */
    float *extra;                  /* dm, Born source, image: nextra fields */
    size_t nextra;
} call_buffers;

static void buffers_free(call_buffers *b)
{
    osib_cuda_free(b->levels);
    osib_cuda_free(b->traces_in);
    osib_cuda_free(b->traces_out);
    osib_cuda_free(b->extra);
    memset(b, 0, sizeof *b);
}

/* Allocate, after checking that the device can hold what op needs. */
static osib_status buffers_alloc(cuda_state *c, osib_op op, size_t nlevels, size_t nin, size_t nout, size_t nextra,
                                 call_buffers *b, osib_err *err)
{
    memset(b, 0, sizeof *b);
    char name[160], why[256];
    size_t free_b = 0, total_b = 0;
    if (osib_cuda_device(name, sizeof name, &free_b, &total_b, why, sizeof why) != 0)
        return cuda_fail(err, why);
    const size_t need = device_bytes(&c->ref.grid, c->nt, c->src.npoint, c->rec.npoint, op);
    if (need > free_b)
        return osib_fail(err, OSIB_E_NOMEM,
                         "%s needs %.2f GiB on the device for %s (its forward history kept whole), %s has %.2f GiB "
                         "free",
                         "osib-cuda", need / 1073741824.0, osib_op_name(op), name, free_b / 1073741824.0);
    const size_t field = c->nstore * sizeof(float);
    b->nlevels = nlevels;
    b->nextra = nextra;
    if (osib_cuda_alloc((void **)&b->levels, nlevels * field, why, sizeof why) != 0 ||
        osib_cuda_alloc((void **)&b->traces_in, c->nt * (nin ? nin : 1) * sizeof(float), why, sizeof why) != 0 ||
        osib_cuda_alloc((void **)&b->traces_out, c->nt * (nout ? nout : 1) * sizeof(float), why, sizeof why) != 0 ||
        (nextra && osib_cuda_alloc((void **)&b->extra, nextra * field, why, sizeof why) != 0)) {
        buffers_free(b);
        return cuda_fail(err, why);
    }
    return OSIB_OK;
}

static float *level(const cuda_state *c, const call_buffers *b, size_t first, size_t n)
{
    return b->levels + (first + (b->nlevels == 3 ? n % 3 : n)) * c->nstore;
}

static osib_status put_traces(float *dev, const double *host, size_t n, osib_err *err)
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

static osib_status get_floats(double *host, const float *dev, size_t n, osib_err *err)
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

static osib_status check(int sync, osib_err *err)
{
    char why[256];
    return osib_cuda_check(sync, why, sizeof why) ? cuda_fail(err, why) : OSIB_OK;
}

static void report(const cuda_state *c, size_t done, size_t total)
{
    if (c->progress)
        c->progress(c->progress_ctx, done, total);
}

/* ---------------------------------------------------------------------------
 * The recursions (reference/simple/operators.c, in the same order)
 * ------------------------------------------------------------------------- */

/* The time loop's device time (timer t started before it), in the task's
 * note with the rate it implies (spec/acoustic.md §12: both sweeps of a
 * gradient count once). Stopping waits for the device. */
static osib_status finish(cuda_state *c, osib_cuda_timer *t, const char *extra, osib_err *err)
{
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

static osib_cuda_step_args step_args(const cuda_state *c, const float *cur, const float *prev, float *next)
{
    osib_cuda_step_args a;
    memset(&a, 0, sizeof a);
    a.m = c->dev_m;
    a.cur = cur;
    a.prev = prev;
    a.next = next;
    return a;
}

/* Forward over levels u (a ring of 3, or the whole history), the wavelets
 * on the device in q, data into d (or NULL). */
static osib_status forward_pass(cuda_state *c, const call_buffers *b, const float *q, float *d, size_t total,
                                osib_err *err)
{
    const size_t ns = c->src.npoint, nr = c->rec.npoint;
    for (size_t n = 1; n <= c->nt - 2; n++) {
        const osib_cuda_step_args a = step_args(c, level(c, b, 0, n), level(c, b, 0, n - 1), level(c, b, 0, n + 1));
        osib_cuda_step(&c->grid, &a);
        osib_cuda_inject(&c->grid, &c->src, q + n * ns, c->dev_scale, a.next, NULL, NULL);
        if (d)
            osib_cuda_interpolate(&c->rec, a.cur, d + n * nr);
        osib_status st = check(0, err);
        if (st != OSIB_OK)
            return st;
        report(c, n, total);
    }
    return OSIB_OK;
}

/* Adjoint over the ring v (levels from vfirst), driven by data d; the
 * wavelets into q (or NULL); with img, the imaging condition against the
 * history u (levels 0..nt-1), fused into the step and the injection. */
static osib_status adjoint_pass(cuda_state *c, const call_buffers *b, size_t vfirst, const float *d, float *q,
                                float *img, size_t done, size_t total, osib_err *err)
{
    const size_t ns = c->src.npoint, nr = c->rec.npoint;
    for (size_t k = 0; k < c->nt - 2; k++) {
        size_t n = c->nt - 2 - k;
        float *v_next = b->levels + (vfirst + (n + 1) % 3) * c->nstore,
              *v_cur = b->levels + (vfirst + n % 3) * c->nstore;
        float *v_prev = b->levels + (vfirst + (n - 1) % 3) * c->nstore;
        const float *u = img ? b->levels + n * c->nstore : NULL;
        osib_cuda_step_args a = step_args(c, v_cur, v_next, v_prev);
        a.u = u;
        a.image = img;
        osib_cuda_step(&c->grid, &a);
        osib_cuda_inject(&c->grid, &c->rec, d + n * nr, c->dev_scale, v_prev, u, img);
        if (q)
            osib_cuda_interpolate(&c->src, v_cur, q + n * ns);
        osib_status st = check(0, err);
        if (st != OSIB_OK)
            return st;
        report(c, done + k + 1, total);
    }
    return OSIB_OK;
}

static osib_status forward(void *state, const double *q, double *d, osib_err *err)
{
    cuda_state *c = state;
    call_buffers b;
    osib_cuda_timer t;
    char why[256];
    const size_t ns = c->src.npoint, nr = c->rec.npoint;
    osib_status st = buffers_alloc(c, OSIB_OP_FORWARD, 3, ns, nr, 0, &b, err);
    if (st == OSIB_OK)
        st = put_traces(b.traces_in, q, c->nt * ns, err);
    if (st == OSIB_OK && osib_cuda_timer_start(&t, why, sizeof why) != 0)
        st = cuda_fail(err, why);
    if (st == OSIB_OK)
        st = forward_pass(c, &b, b.traces_in, b.traces_out, c->nt - 2, err);
    if (st == OSIB_OK)
        st = finish(c, &t, "", err);
    if (st == OSIB_OK)
        st = check(1, err);
    if (st == OSIB_OK)
        st = get_floats(d, b.traces_out, c->nt * nr, err); /* d^0 and d^{nt-1} stay 0 */
    buffers_free(&b);
    return st;
}

static osib_status adjoint(void *state, const double *d, double *q, osib_err *err)
{
    cuda_state *c = state;
    call_buffers b;
    osib_cuda_timer t;
    char why[256];
    const size_t ns = c->src.npoint, nr = c->rec.npoint;
    osib_status st = buffers_alloc(c, OSIB_OP_ADJOINT, 3, nr, ns, 0, &b, err);
    if (st == OSIB_OK)
        st = put_traces(b.traces_in, d, c->nt * nr, err);
    if (st == OSIB_OK && osib_cuda_timer_start(&t, why, sizeof why) != 0)
        st = cuda_fail(err, why);
    if (st == OSIB_OK)
        st = adjoint_pass(c, &b, 0, b.traces_in, b.traces_out, NULL, 0, c->nt - 2, err);
    if (st == OSIB_OK)
        st = finish(c, &t, "", err);
    if (st == OSIB_OK)
        st = check(1, err);
    if (st == OSIB_OK)
        st = get_floats(q, b.traces_out, c->nt * ns, err);
    buffers_free(&b);
    return st;
}

/* Born: u and du side by side (levels 0-2 and 3-5), dm in the extra field;
 * the Born source is computed inside du's step from u's three levels. */
static osib_status born(void *state, const double *q, const double *dm, double *d, osib_err *err)
{
    cuda_state *c = state;
    const ref_grid *g = &c->ref.grid;
    const size_t ns = c->src.npoint, nr = c->rec.npoint;
    call_buffers b;
    osib_cuda_timer t;
    char why[256];
    osib_status st = buffers_alloc(c, OSIB_OP_BORN, 6, ns, nr, 1, &b, err);
    double *dm_pad = st == OSIB_OK ? ref_field_alloc(g) : NULL;
    if (st == OSIB_OK && !dm_pad)
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for dm");
    if (st == OSIB_OK) {
        ref_extend(g, dm, dm_pad);
        if (upload_field(&b.extra, dm_pad, c->nstore, why, sizeof why) != 0)
            st = cuda_fail(err, why);
    }
    if (st == OSIB_OK)
        st = put_traces(b.traces_in, q, c->nt * ns, err);
    if (st == OSIB_OK && osib_cuda_timer_start(&t, why, sizeof why) != 0)
        st = cuda_fail(err, why);
    for (size_t n = 1; st == OSIB_OK && n <= c->nt - 2; n++) {
        float *u_next = b.levels + ((n + 1) % 3) * c->nstore, *u_cur = b.levels + (n % 3) * c->nstore;
        float *u_prev = b.levels + ((n - 1) % 3) * c->nstore;
        const osib_cuda_step_args a = step_args(c, u_cur, u_prev, u_next);
        osib_cuda_step(&c->grid, &a);
        osib_cuda_inject(&c->grid, &c->src, b.traces_in + n * ns, c->dev_scale, u_next, NULL, NULL);
        osib_cuda_step_args da = step_args(c, u_cur + 3 * c->nstore, u_prev + 3 * c->nstore, u_next + 3 * c->nstore);
        da.born_dm = b.extra;
        da.u_next = u_next;
        da.u_cur = u_cur;
        da.u_prev = u_prev;
        osib_cuda_step(&c->grid, &da);
        osib_cuda_interpolate(&c->rec, da.cur, b.traces_out + n * nr);
        st = check(0, err);
        report(c, n, c->nt - 2);
    }
    if (st == OSIB_OK)
        st = finish(c, &t, "", err);
    if (st == OSIB_OK)
        st = check(1, err);
    if (st == OSIB_OK)
        st = get_floats(d, b.traces_out, c->nt * nr, err);
    free(dm_pad);
    buffers_free(&b);
    return st;
}

/* J^T r and the gradient: the forward history u^0..u^{nt-1} on the device
 * (levels 0..nt-1), v's ring after it, the image in the extra field; the
 * residual F q - d_obs and Phi in float64 on the host. */
static osib_status born_adjoint_core(cuda_state *c, const double *q, const double *r_or_dobs, int r_is_obs, double *phi,
                                     double *image, osib_err *err)
{
    const ref_grid *g = &c->ref.grid;
    const size_t ns = c->src.npoint, nr = c->rec.npoint, total = 2 * (c->nt - 2);
    call_buffers b;
    osib_cuda_timer t;
    char why[256];
    osib_op op = r_is_obs ? OSIB_OP_GRADIENT : OSIB_OP_BORN_ADJOINT;
    osib_status st = buffers_alloc(c, op, c->nt + 3, ns, nr, 1, &b, err);
    double *resid = st == OSIB_OK ? malloc(c->nt * (nr ? nr : 1) * sizeof *resid) : NULL;
    double *g_pad = st == OSIB_OK ? ref_field_alloc(g) : NULL;
    if (st == OSIB_OK && (!resid || !g_pad))
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the gradient");
    if (st == OSIB_OK)
        st = put_traces(b.traces_in, q, c->nt * ns, err);
    if (st == OSIB_OK && osib_cuda_timer_start(&t, why, sizeof why) != 0)
        st = cuda_fail(err, why);
    if (st == OSIB_OK)
        st = forward_pass(c, &b, b.traces_in, r_is_obs ? b.traces_out : NULL, total, err);
    if (st == OSIB_OK && r_is_obs) {
        st = get_floats(resid, b.traces_out, c->nt * nr, err);
        double sum = 0.0;
        for (size_t k = 0; st == OSIB_OK && k < c->nt * nr; k++) {
            resid[k] -= r_or_dobs[k];
            sum += resid[k] * resid[k];
        }
        *phi = 0.5 * sum;
    }
    if (st == OSIB_OK)
        st = put_traces(b.traces_out, r_is_obs ? resid : r_or_dobs, c->nt * nr, err); /* the adjoint's source */
    if (st == OSIB_OK)
        st = adjoint_pass(c, &b, c->nt, b.traces_out, NULL, b.extra, c->nt - 2, total, err);
    char extra[96];
    snprintf(extra, sizeof extra, "; forward history of %zu levels kept on the device", c->nt);
    if (st == OSIB_OK)
        st = finish(c, &t, extra, err);
    if (st == OSIB_OK)
        st = check(1, err);
    if (st == OSIB_OK)
        st = get_floats(g_pad, b.extra, c->nstore, err);
    if (st == OSIB_OK)
        ref_extend_transpose(g, g_pad, image);
    free(resid);
    free(g_pad);
    buffers_free(&b);
    return st;
}

static osib_status born_adjoint(void *state, const double *q, const double *r, double *image, osib_err *err)
{
    return born_adjoint_core(state, q, r, 0, NULL, image, err);
}

static osib_status gradient(void *state, const double *q, const double *d_obs, double *phi, double *grad, osib_err *err)
{
    return born_adjoint_core(state, q, d_obs, 1, phi, grad, err);
}

const osib_backend osib_backend_cuda = {
#ifdef OSIB_CUDA_HOST
    .name = "osib-cuda-host",
    .description = "osib-cuda's CUDA kernels run thread by thread on the CPU (reference/cuda), float32",
#else
    .name = "osib-cuda",
    .description = "OSIB's CUDA kernels on an NVIDIA GPU (reference/cuda), float32",
#endif
    .precision = "float32",
    .options = NULL,
    .options_help = NULL,
    .memory_bytes = memory_bytes,
    .create = create,
    .destroy = destroy,
    .set_model = set_model,
    .set_thomsen = NULL,
    .set_progress = set_progress,
    .notes = notes,
    .forward = forward,
    .adjoint = adjoint,
    .born = born,
    .born_adjoint = born_adjoint,
    .gradient = gradient,
};
