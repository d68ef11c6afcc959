/*
 * Physics: in a homogeneous medium the reference must converge to the
 * analytic solution (spec/acoustic.md, sections 1 and 7).
 *
 * With vp = c constant, a point source injected as in section 7 is the
 * continuous source q(t) h^D delta(x - x_s) (no division by the cell
 * volume), so at distance r the pressure is
 *
 *   3D:  u(t) = h^3 q(t - r/c) / (4 pi r)
 *   2D:  u(t) = h^2 / (2 pi) * integral_0^inf q(t - (r/c) cosh s) ds
 *
 * (the 2D Green's function c H(ct - r) / (2 pi sqrt(c^2 t^2 - r^2)) after
 * the substitution t' = (r/c) cosh s, which removes its singularity; the
 * integral is evaluated with GSL's adaptive quadrature). The time window
 * ends before anything reflected by the absorbing layer can reach the
 * receivers, so the only error left is the discretisation's.
 *
 * Grids are refined with the Courant number fixed (dt = 0.3 h ms per m at
 * 1.5 km/s), space order 8: the leapfrog's O(dt^2) error dominates and the
 * relative L2 error of the traces must fall at order 2. The measured orders
 * are printed. OSIB_LONG=1 (make check-long) adds a finer 3D level.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "wavelet.h"

#define C_KMS 1.5
#define F0_KHZ 0.015
#define T0_MS 100.0 /* 1.5 / f0: the wavelet is negligible before t = 0 */

typedef struct {
    double r_over_c, t;
} green2d_args;

static double integrand_2d(double s, void *params)
{
    const green2d_args *a = params;
    return ref_ricker(a->t - a->r_over_c * cosh(s), F0_KHZ, T0_MS, 1.0);
}

/* h^2/(2 pi) * integral_0^smax q(t - (r/c) cosh s) ds, where smax stops at
 * arguments 3/f0 before t0 (the wavelet is below 1e-38 there). */
static double analytic_2d(double r_m, double t_ms, double h_m)
{
    double tau = r_m / C_KMS, reach = t_ms - T0_MS + 3.0 / F0_KHZ;
    if (reach <= tau)
        return 0.0;
    double smax = acosh(reach / tau);
    green2d_args args = {tau, t_ms};
    gsl_function f = {integrand_2d, &args};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    double result = 0.0, abserr = 0.0;
    gsl_set_error_handler_off();
    int rc = gsl_integration_qags(&f, 0.0, smax, 1e-13, 1e-11, 1000, w, &result, &abserr);
    gsl_integration_workspace_free(w);
    assert_true(rc == GSL_SUCCESS || abserr < 1e-9);
    return h_m * h_m * result / (2.0 * M_PI);
}

static double analytic_3d(double r_m, double t_ms, double h_m)
{
    return h_m * h_m * h_m * ref_ricker(t_ms - r_m / C_KMS, F0_KHZ, T0_MS, 1.0) / (4.0 * M_PI * r_m);
}

/* Relative L2 error of the receiver traces at spacing h against the
 * analytic solution. Source in the middle of a cube/square of side L. */
static double trace_error(int ndim, double h, double side_m, double t_end_ms, const double offsets[][3], int nrec)
{
    const double mid = side_m / 2.0;
    const double dt = 0.3 * h; /* Courant number 0.45 */
    const size_t nt = (size_t)llround(t_end_ms / dt) + 1;
    const long n = lround(side_m / h) + 1;
    char yaml[4096], pts[2048] = "";
    size_t len = 0;
    for (int r = 0; r < nrec; r++) {
        if (ndim == 2)
            len += (size_t)snprintf(pts + len, sizeof pts - len, "%s[%.17g, %.17g]", r ? ", " : "", mid + offsets[r][0],
                                    mid + offsets[r][2]);
        else
            len += (size_t)snprintf(pts + len, sizeof pts - len, "%s[%.17g, %.17g, %.17g]", r ? ", " : "",
                                    mid + offsets[r][0], mid + offsets[r][1], mid + offsets[r][2]);
    }
    if (ndim == 2)
        snprintf(yaml, sizeof yaml,
                 "osib_case: 1\nid: physics-2d\nphysics: acoustic-iso\ndimensions: 2\nspace_order: 8\n"
                 "grid: {shape: [%ld, %ld], spacing_m: [%.17g, %.17g], nbl: 10}\n"
                 "time: {dt_ms: %.17g, nt: %zu}\nmodel: {preset: constant, vp_kms: %g}\n"
                 "wavelet: {kind: ricker, f0_khz: %g, t0_ms: %g}\n"
                 "sources: {points: [[%.17g, %.17g]]}\nreceivers: {points: [%s]}\n",
                 n, n, h, h, dt, nt, C_KMS, F0_KHZ, T0_MS, mid, mid, pts);
    else
        snprintf(yaml, sizeof yaml,
                 "osib_case: 1\nid: physics-3d\nphysics: acoustic-iso\ndimensions: 3\nspace_order: 8\n"
                 "grid: {shape: [%ld, %ld, %ld], spacing_m: [%.17g, %.17g, %.17g], nbl: 10}\n"
                 "time: {dt_ms: %.17g, nt: %zu}\nmodel: {preset: constant, vp_kms: %g}\n"
                 "wavelet: {kind: ricker, f0_khz: %g, t0_ms: %g}\n"
                 "sources: {points: [[%.17g, %.17g, %.17g]]}\nreceivers: {points: [%s]}\n",
                 n, n, n, h, h, h, dt, nt, C_KMS, F0_KHZ, T0_MS, mid, mid, mid, pts);
    osib_case c;
    osib_err err = {0};
    if (test_case_from_text(yaml, &c, &err) != OSIB_OK)
        fail_msg("%s", err.msg);
    osib_case_setup cs;
    ref_problem p;
    double *vp;
    test_problem(&c, &cs, &p, &vp);
    double *q = test_alloc(c.nt), *d = test_alloc(c.nt * (size_t)nrec);
    osib_input_wavelets(&c, q);
    assert_int_equal(ref_forward(&p, q, d, &err), OSIB_OK);

    double num = 0.0, den = 0.0;
    for (int r = 0; r < nrec; r++) {
        double dist =
            sqrt(offsets[r][0] * offsets[r][0] + offsets[r][1] * offsets[r][1] + offsets[r][2] * offsets[r][2]);
        for (size_t k = 1; k + 1 < c.nt; k++) {
            double t = (double)k * dt;
            double exact = ndim == 2 ? analytic_2d(dist, t, h) : analytic_3d(dist, t, h);
            double diff = d[k * (size_t)nrec + (size_t)r] - exact;
            num += diff * diff;
            den += exact * exact;
        }
    }
    free(q), free(d), free(vp);
    ref_problem_free(&p);
    osib_case_setup_free(&cs);
    osib_case_free(&c);
    return sqrt(num / den);
}

static void convergence(int ndim, const double *h, int nlevels, double side_m, double t_end_ms,
                        const double offsets[][3], int nrec)
{
    double e[4];
    for (int i = 0; i < nlevels; i++) {
        e[i] = trace_error(ndim, h[i], side_m, t_end_ms, offsets, nrec);
        print_message("%dD h = %5.2f m: relative L2 error of the traces %.4e\n", ndim, h[i], e[i]);
    }
    for (int i = 1; i < nlevels; i++) {
        double order = log(e[i - 1] / e[i]) / log(h[i - 1] / h[i]);
        print_message("%dD order between h = %g and %g: %.3f\n", ndim, h[i - 1], h[i], order);
        assert_true(order > 1.8 && order < 2.3);
    }
    assert_true(e[nlevels - 1] < 0.05);
}

static void test_green_2d(void **state)
{
    (void)state;
    /* Receivers 150 and 200 m away, along x, along z and diagonally. The
     * layer starts 400 m from the source: no reflection before 420 ms. */
    static const double offsets[][3] = {{150, 0, 0}, {0, 0, -200}, {120, 0, 160}};
    static const double h[] = {10.0, 5.0, 2.5};
    convergence(2, h, 3, 800.0, 400.0, offsets, 3);
}

static void test_green_3d(void **state)
{
    (void)state;
    /* Receivers 100 to 130 m away; the layer starts 240 m from the source. */
    static const double offsets[][3] = {{100, 0, 0}, {0, 0, 120}, {60, 80, 0}, {-70, 40, 96}};
    static const double h_short[] = {10.0, 5.0};
    static const double h_long[] = {10.0, 5.0, 2.5};
    const char *lng = getenv("OSIB_LONG");
    if (lng && lng[0] == '1')
        convergence(3, h_long, 3, 480.0, 260.0, offsets, 4);
    else
        convergence(3, h_short, 2, 480.0, 260.0, offsets, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_green_2d),
        cmocka_unit_test(test_green_3d),
    };
    return cmocka_run_group_tests_name("physics (analytic Green's functions)", tests, NULL, NULL);
}
