/*
 * backend_simple.c - the simple reference seen through the driver's
 * backend interface (reference/driver/backend.h). Pure forwarding: the
 * reference already works in float64 on the driver's arrays.
 */
#include "backend_simple.h"

#include <stdlib.h>

#include "operators.h"

static osib_status create(void **state, const osib_setup *s, const void *options, osib_err *err)
{
    (void)options;
    ref_problem *p = malloc(sizeof *p);
    if (!p)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    osib_status st = ref_problem_init(p, s, err);
    if (st != OSIB_OK) {
        free(p);
        return st;
    }
    *state = p;
    return OSIB_OK;
}

static void destroy(void *state)
{
    if (state) {
        ref_problem_free(state);
        free(state);
    }
}

static osib_status set_model(void *state, const double *vp, osib_err *err)
{
    return ref_problem_set_model(state, vp, err);
}

static osib_status set_thomsen(void *state, const osib_thomsen *th, osib_err *err)
{
    return ref_problem_set_thomsen(state, th, err);
}

static void set_progress(void *state, osib_progress_fn fn, void *ctx)
{
    ref_problem *p = state;
    p->progress = fn;
    p->progress_ctx = ctx;
}

static osib_status forward(void *state, const double *q, double *d, osib_err *err)
{
    return ref_forward(state, q, d, err);
}

static osib_status adjoint(void *state, const double *d, double *q, osib_err *err)
{
    return ref_adjoint(state, d, q, err);
}

static osib_status born(void *state, const double *q, const double *dm, double *d, osib_err *err)
{
    return ref_born(state, q, dm, d, err);
}

static osib_status born_adjoint(void *state, const double *q, const double *r, double *image, osib_err *err)
{
    return ref_born_adjoint(state, q, r, image, err);
}

static osib_status gradient(void *state, const double *q, const double *d_obs, double *phi, double *grad, osib_err *err)
{
    return ref_gradient(state, q, d_obs, phi, grad, err);
}

const osib_backend osib_backend_simple = {
    .name = "osib-ref",
    .description = "reference/simple, float64, one thread",
    .precision = "float64",
    .memory_bytes = ref_operator_bytes,
    .create = create,
    .destroy = destroy,
    .set_model = set_model,
    .set_thomsen = set_thomsen,
    .set_progress = set_progress,
    .forward = forward,
    .adjoint = adjoint,
    .born = born,
    .born_adjoint = born_adjoint,
    .gradient = gradient,
};
