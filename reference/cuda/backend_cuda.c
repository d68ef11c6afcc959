#include "backend_cuda.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_call.h"
#include "cuda_gradient.h"
#include "damping.h"
#include "extend.h"

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
    dev = cuda_device_bytes(&g, s->nt, s->nsrc, s->nrec, cuda_fields_for(op, s->nt)); /* the "device" is this host */
#endif
    double total = host + dev;
    /* Under a budget the gradient keeps what fits (choose_history). */
    if ((op == OSIB_OP_BORN_ADJOINT || op == OSIB_OP_GRADIENT) && s->memory_budget_bytes > 0 &&
        total > s->memory_budget_bytes)
        total = s->memory_budget_bytes;
    return total >= (double)SIZE_MAX ? SIZE_MAX : (size_t)total;
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
    c->budget_bytes = s->memory_budget_bytes;
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

static osib_status forward(void *state, const double *q, double *d, osib_err *err)
{
    cuda_state *c = state;
    call_buffers b;
    osib_cuda_timer t = {0};
    char why[256];
    const size_t ns = c->src.npoint, nr = c->rec.npoint;
    osib_status st = cuda_buffers_alloc(c, 3, ns, nr, 0, &b, err);
    if (st == OSIB_OK)
        st = cuda_put_traces(b.traces_in, q, c->nt * ns, err);
    if (st == OSIB_OK && osib_cuda_timer_start(&t, why, sizeof why) != 0)
        st = cuda_fail(err, why);
    if (st == OSIB_OK)
        st = cuda_forward_pass(c, &b, b.traces_in, b.traces_out, c->nt - 2, err);
    st = cuda_finish(c, &t, st, "", err);
    if (st == OSIB_OK)
        st = cuda_check(1, err);
    if (st == OSIB_OK)
        st = cuda_get_floats(d, b.traces_out, c->nt * nr, err); /* d^0 and d^{nt-1} stay 0 */
    cuda_buffers_free(&b);
    return st;
}

static osib_status adjoint(void *state, const double *d, double *q, osib_err *err)
{
    cuda_state *c = state;
    call_buffers b;
    osib_cuda_timer t = {0};
    char why[256];
    const size_t ns = c->src.npoint, nr = c->rec.npoint;
    osib_status st = cuda_buffers_alloc(c, 3, nr, ns, 0, &b, err);
    if (st == OSIB_OK)
        st = cuda_put_traces(b.traces_in, d, c->nt * nr, err);
    if (st == OSIB_OK && osib_cuda_timer_start(&t, why, sizeof why) != 0)
        st = cuda_fail(err, why);
    if (st == OSIB_OK)
        st = cuda_adjoint_pass(c, &b, 0, b.traces_in, b.traces_out, NULL, 0, c->nt - 2, err);
    st = cuda_finish(c, &t, st, "", err);
    if (st == OSIB_OK)
        st = cuda_check(1, err);
    if (st == OSIB_OK)
        st = cuda_get_floats(q, b.traces_out, c->nt * ns, err);
    cuda_buffers_free(&b);
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
    osib_cuda_timer t = {0};
    char why[256];
    osib_status st = cuda_buffers_alloc(c, 6, ns, nr, 1, &b, err);
    double *dm_pad = st == OSIB_OK ? ref_field_alloc(g) : NULL;
    if (st == OSIB_OK && !dm_pad)
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for dm");
    if (st == OSIB_OK) {
        ref_extend(g, dm, dm_pad);
        if (upload_field(&b.extra, dm_pad, c->nstore, why, sizeof why) != 0)
            st = cuda_fail(err, why);
    }
    if (st == OSIB_OK)
        st = cuda_put_traces(b.traces_in, q, c->nt * ns, err);
    if (st == OSIB_OK && osib_cuda_timer_start(&t, why, sizeof why) != 0)
        st = cuda_fail(err, why);
    for (size_t n = 1; st == OSIB_OK && n <= c->nt - 2; n++) {
        float *u_next = b.levels + ((n + 1) % 3) * c->nstore, *u_cur = b.levels + (n % 3) * c->nstore;
        float *u_prev = b.levels + ((n - 1) % 3) * c->nstore;
        const osib_cuda_step_args a = cuda_step_args(c, u_cur, u_prev, u_next);
        osib_cuda_step(&c->grid, &a);
        osib_cuda_inject(&c->grid, &c->src, b.traces_in + n * ns, c->dev_scale, u_next, NULL, NULL);
        osib_cuda_step_args da =
            cuda_step_args(c, u_cur + 3 * c->nstore, u_prev + 3 * c->nstore, u_next + 3 * c->nstore);
        da.born_dm = b.extra;
        da.u_next = u_next;
        da.u_cur = u_cur;
        da.u_prev = u_prev;
        osib_cuda_step(&c->grid, &da);
        osib_cuda_interpolate(&c->rec, da.cur, b.traces_out + n * nr);
        st = cuda_check(0, err);
        cuda_report(c, n, c->nt - 2);
    }
    st = cuda_finish(c, &t, st, "", err);
    if (st == OSIB_OK)
        st = cuda_check(1, err);
    if (st == OSIB_OK)
        st = cuda_get_floats(d, b.traces_out, c->nt * nr, err);
    free(dm_pad);
    cuda_buffers_free(&b);
    return st;
}

static osib_status born_adjoint(void *state, const double *q, const double *r, double *image, osib_err *err)
{
    return cuda_born_adjoint_core(state, q, r, 0, NULL, image, err);
}

static osib_status gradient(void *state, const double *q, const double *d_obs, double *phi, double *grad, osib_err *err)
{
    return cuda_born_adjoint_core(state, q, d_obs, 1, phi, grad, err);
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
