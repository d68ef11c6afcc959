#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gates.h"
#include "h5io.h"
#include "hash.h"
#include "measures.h"

static double *alloc_or_null(size_t n) { return malloc((n ? n : 1) * sizeof(double)); }

/* Size of the Taylor direction's bumps, relative to the squared slowness at
 * their centres, and their width as a fraction of the smallest axis: large
 * enough that the second-order remainder stands above float32 round-off of
 * the objective for h down to 2^-4 or 2^-5 (spec/protocol.md, "Taylor"). */
#define TAYLOR_BUMP 0.3
#define TAYLOR_WIDTH (1.0 / 6.0)

void osib_taylor_direction(const osib_case *c, const double *vp, gsl_rng *rng, double *dm)
{
    size_t n[3] = {1, 1, 1};
    for (int d = 0; d < c->ndim; d++)
        n[d] = c->shape[d];
    size_t nmin = n[0];
    for (int d = 1; d < c->ndim; d++)
        nmin = n[d] < nmin ? n[d] : nmin;
    const double sigma = nmin * TAYLOR_WIDTH > 2.0 ? nmin * TAYLOR_WIDTH : 2.0;
    enum { NBUMPS = 4 };
    double centre[NBUMPS][3], amp[NBUMPS];
    for (int b = 0; b < NBUMPS; b++) {
        size_t at = 0;
        for (int d = 0; d < c->ndim; d++) {
            centre[b][d] = (0.2 + 0.6 * gsl_rng_uniform(rng)) * (double)(n[d] - 1);
            at = at * n[d] + (size_t)(centre[b][d] + 0.5);
        }
        double m = 1.0 / (vp[at] * vp[at]);
        amp[b] = TAYLOR_BUMP * m * (0.5 + 0.5 * gsl_rng_uniform(rng)); /* s^2/km^2 */
    }
    const double sigmas[NBUMPS] = {sigma, sigma, sigma, sigma};
    osib_bumps(c, NBUMPS, (const double(*)[3])centre, sigmas, amp, dm);
}

/* Relative size of the dither of the Taylor test's base model: far above
 * float32 round-off (6e-8), far below anything physical. */
#define TAYLOR_DITHER 1e-4

osib_status osib_gate_taylor(osib_runner *rn, const osib_case_ctx *cx, osib_err *err)
{
    if (!cx->ops[OSIB_OP_GRADIENT] || !cx->oracle)
        return OSIB_OK;
    const osib_case *c = cx->c;
    const size_t nm = osib_case_physical_points(c);
    const double *vp = cx->vp;
    const double *wavelet = cx->wavelet, *d_obs = cx->observed_data;
    double *dm = alloc_or_null(nm), *vp_base = alloc_or_null(nm), *vp_h = alloc_or_null(nm);
    osib_task base;
    memset(&base, 0, sizeof base);
    osib_status st = OSIB_OK;
    if (!dm || !vp_base || !vp_h) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the Taylor test");
        goto done;
    }
    /* The base model is the published one with every point dithered: a
     * layered model rounds to float32 identically at every point of a
     * layer, a coherent error that the perturbed models do not share and
     * that would bias every remainder by the same amount. */
    for (size_t k = 0; k < nm; k++)
        vp_base[k] = vp[k] * (1.0 + TAYLOR_DITHER * (2.0 * gsl_rng_uniform(rn->rng) - 1.0));
    osib_taylor_direction(c, vp, rn->rng, dm);

    /* Keep the base model and the direction for osib verify. */
    char rel[320], path[OSIB_PATH_MAX], hex[OSIB_SHA256_HEX];
    snprintf(rel, sizeof rel, "taylor-%s.h5", c->id);
    snprintf(path, sizeof path, "%s/%s", rn->out_dir, rel);
    osib_h5file f = {.id = -1};
    st = osib_h5_create(&f, path, err);
    if (st == OSIB_OK)
        st = osib_h5_write(&f, "/taylor/vp_base", vp_base, c->ndim, c->shape, "km/s", 0, err);
    if (st == OSIB_OK)
        st = osib_h5_write(&f, "/taylor/dm", dm, c->ndim, c->shape, "s^2/km^2", 0, err);
    osib_h5_close(&f, NULL);
    if (st == OSIB_OK)
        st = osib_sha256_file(path, hex, err);
    if (st == OSIB_OK)
        st = osib_report_add_file(rn->report, rel, hex, 1, err);

    osib_gate_phase(rn, "taylor", c, "gradient");
    const double *base_in[OSIB_REQ_MAX_INPUTS] = {vp_base, wavelet, d_obs};
    osib_inputs_with_medium(c, cx->thomsen, base_in, 3); /* the direction is in m only */
    if (st == OSIB_OK)
        st = osib_task_run(rn, c, OSIB_OP_GRADIENT, base_in, "taylor", 0, 1, &base, err);
    if (st != OSIB_OK)
        goto done;
    char failure[512] = "";
    if (!base.ok)
        snprintf(failure, sizeof failure, "%s", base.failure);
    long double gdm = 0.0L;
    for (size_t k = 0; base.ok && k < nm; k++)
        gdm += (long double)base.out[1][k] * dm[k];
    const double phi0 = base.ok ? base.out[0][0] : NAN;

    double h[OSIB_TAYLOR_STEPS], phi_h[OSIB_TAYLOR_STEPS];
    char tasks[256];
    size_t len = (size_t)snprintf(tasks, sizeof tasks, "%s", base.id);
    for (int i = 0; st == OSIB_OK && i < OSIB_TAYLOR_STEPS; i++) {
        h[i] = ldexp(1.0, -(i + 1));
        for (size_t k = 0; k < nm; k++)
            vp_h[k] = 1.0 / sqrt(1.0 / (vp_base[k] * vp_base[k]) + h[i] * dm[k]);
        const double *in[OSIB_REQ_MAX_INPUTS] = {vp_h, wavelet, d_obs};
        osib_inputs_with_medium(c, cx->thomsen, in, 3);
        osib_task t;
        st = osib_task_run(rn, c, OSIB_OP_GRADIENT, in, "taylor", 0, 1, &t, err);
        if (st != OSIB_OK)
            break;
        len += (size_t)snprintf(tasks + len, sizeof tasks - len, " %s", t.id);
        if (t.ok)
            phi_h[i] = t.out[0][0];
        else if (!failure[0])
            snprintf(failure, sizeof failure, "%s", t.failure);
        osib_task_free(&t);
    }
    if (st == OSIB_OK) {
        osib_taylor tf;
        osib_taylor_measure(h, phi_h, failure[0] ? 0 : OSIB_TAYLOR_STEPS, phi0, (double)gdm, &tf);
        osib_check k;
        osib_check_init(&k, "taylor", c->id, "gradient", NULL, "derivative", tasks);
        /* <g, dm>, the objective's derivative, the slopes, h, and the
         * remainders (for plots and for reviewers; osib verify recomputes
         * them from the tasks) */
        k.params[0] = (double)gdm;
        k.params[1] = tf.derivative;
        k.params[2] = tf.slope1;
        k.params[3] = tf.slope2;
        for (int i = 0; i < OSIB_TAYLOR_STEPS; i++) {
            k.params[4 + i] = h[i];
            k.params[4 + OSIB_TAYLOR_STEPS + i] = failure[0] ? NAN : tf.e1[i];
            k.params[4 + 2 * OSIB_TAYLOR_STEPS + i] = failure[0] ? NAN : tf.e2[i];
        }
        k.nparams = 4 + 3 * OSIB_TAYLOR_STEPS;
        osib_check_upper(&k, failure[0] ? NAN : tf.rho, OSIB_TAYLOR_RHO_MAX);
        if (failure[0])
            snprintf(k.message, sizeof k.message, "%s", failure);
        else if (!k.passed)
            snprintf(k.message, sizeof k.message,
                     "<g, dm> = %.6g, but the objective changes along dm at %.6g (fitted from Phi(m + h dm), h = 1/2 "
                     "... 1/32): off by %.3g of it, the gradient is not the derivative of the objective",
                     (double)gdm, tf.derivative, tf.rho);
        st = osib_report_add_check(rn->report, &k, err);
    }
done:
    osib_task_free(&base);
    free(dm);
    free(vp_base);
    free(vp_h);
    return st;
}
