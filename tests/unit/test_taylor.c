/*
 * Taylor tests (spec/acoustic.md, "The FWI objective and its gradient"):
 * for h = 2^-1 ... 2^-7 and a direction dm,
 *
 *   e1(h) = |Phi(m + h dm) - Phi(m)|                    ~ h
 *   e2(h) = |Phi(m + h dm) - Phi(m) - h <grad, dm>|     ~ h^2
 *
 * and the same for the Born operator as the derivative of F:
 *
 *   |F(m + h dm) q - F(m) q|                ~ h
 *   |F(m + h dm) q - F(m) q - h J dm|       ~ h^2
 *
 * The least-squares slopes of log e against log h must lie within 10% of
 * 1 and 2. m is the layered model, the observed data come from m plus the
 * documented box perturbation, and dm is a tenth of that box, or of the box
 * plus white noise. (The tenth keeps the h^2 term of e1 small against its
 * h term up to h = 1/2, so that the slope measures the gradient and not the
 * curvature; e2 is insensitive to it.)
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "testutil.h"

enum { NH = 7 };

static void small_case(osib_case *c, int so)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "osib_case: 1\nid: taylor-2d\nphysics: acoustic-iso\ndimensions: 2\nspace_order: %d\n"
             "grid: {shape: [50, 60], spacing_m: [10.0, 10.0], nbl: 20}\n"
             "time: {dt_ms: 1.0, nt: 400}\n"
             "model: {preset: layers-isotropic, vp_top_kms: 1.5, vp_bottom_kms: 2.5, nlayers: 3}\n"
             "wavelet: {kind: ricker, f0_khz: 0.015}\n"
             "sources: {points: [[245.0, 10.0]]}\n"
             "receivers: {lattice: [[0.0, 490.0, 50], [20.0, 20.0, 1]]}\n",
             so);
    osib_err err = {0};
    if (test_case_from_text(yaml, c, &err) != OSIB_OK)
        fail_msg("%s", err.msg);
}

/* Least-squares slope of log(e) against log(h). */
static double slope(const double *h, const double *e)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < NH; i++) {
        double x = log(h[i]), y = log(e[i]);
        sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    return (NH * sxy - sx * sy) / (NH * sxx - sx * sx);
}

/* vp for m + h dm: 1/sqrt(1/vp^2 + h dm). */
static void perturbed(size_t n, const double *vp, const double *dm, double h, double *out)
{
    for (size_t k = 0; k < n; k++)
        out[k] = 1.0 / sqrt(1.0 / (vp[k] * vp[k]) + h * dm[k]);
}

static void check_slopes(const char *what, const double *h, const double *e1, const double *e2)
{
    for (int i = 0; i < NH; i++)
        print_message("  %s h=%-9g e1=%.6e e2=%.6e\n", what, h[i], e1[i], e2[i]);
    double s1 = slope(h, e1), s2 = slope(h, e2);
    print_message("%s: slope of e1 %.4f (1 +- 0.1), slope of e2 %.4f (2 +- 0.2)\n", what, s1, s2);
    assert_true(fabs(s1 - 1.0) <= 0.1);
    assert_true(fabs(s2 - 2.0) <= 0.2);
}

static void taylor_gradient(int so, int random_direction)
{
    osib_case c;
    osib_case_setup cs;
    ref_problem p;
    double *vp;
    osib_err err = {0};
    small_case(&c, so);
    test_problem(&c, &cs, &p, &vp);

    const size_t nm = osib_case_physical_points(&c), nd = c.nt * c.receivers.count, nq = c.nt * c.sources.count;
    double *q = test_alloc(nq), *box = test_alloc(nm), *vp_true = test_alloc(nm), *d_obs = test_alloc(nd);
    double *dm = test_alloc(nm), *grad = test_alloc(nm), *vp_h = test_alloc(nm);
    osib_input_wavelets(&c, q);
    osib_input_dm(&c, box);
    perturbed(nm, vp, box, 1.0, vp_true); /* the true model: m + box */
    assert_int_equal(ref_problem_set_model(&p, vp_true, &err), OSIB_OK);
    assert_int_equal(ref_forward(&p, q, d_obs, &err), OSIB_OK);

    if (random_direction) {
        gsl_rng *r = test_rng(77);
        test_randn(r, dm, nm);
        /* A white-noise direction alone has a tiny projection on the
         * gradient, so e1 would show the curvature (slope 2); riding on
         * the box it keeps a first-order term while still probing every
         * point. */
        for (size_t k = 0; k < nm; k++)
            dm[k] = 0.1 * (box[k] + 0.002 * dm[k]);
        gsl_rng_free(r);
    } else {
        for (size_t k = 0; k < nm; k++)
            dm[k] = 0.1 * box[k];
    }

    double phi0, phi_h, dummy[1];
    assert_int_equal(ref_problem_set_model(&p, vp, &err), OSIB_OK);
    assert_int_equal(ref_gradient(&p, q, d_obs, &phi0, grad, &err), OSIB_OK);
    double gdm = test_dot(grad, dm, nm);
    (void)dummy;

    double h[NH], e1[NH], e2[NH];
    double *g_h = test_alloc(nm);
    for (int i = 0; i < NH; i++) {
        h[i] = ldexp(1.0, -(i + 1));
        perturbed(nm, vp, dm, h[i], vp_h);
        assert_int_equal(ref_problem_set_model(&p, vp_h, &err), OSIB_OK);
        assert_int_equal(ref_gradient(&p, q, d_obs, &phi_h, g_h, &err), OSIB_OK);
        e1[i] = fabs(phi_h - phi0);
        e2[i] = fabs(phi_h - phi0 - h[i] * gdm);
    }
    char what[64];
    snprintf(what, sizeof what, "gradient so=%d %s dm", so, random_direction ? "random" : "box");
    print_message("%s: Phi(m) = %.10g, <grad, dm> = %.10g\n", what, phi0, gdm);
    check_slopes(what, h, e1, e2);

    free(g_h), free(q), free(box), free(vp_true), free(d_obs), free(dm), free(grad), free(vp_h), free(vp);
    ref_problem_free(&p);
    osib_case_setup_free(&cs);
    osib_case_free(&c);
}

static void taylor_born(int so)
{
    osib_case c;
    osib_case_setup cs;
    ref_problem p;
    double *vp;
    osib_err err = {0};
    small_case(&c, so);
    test_problem(&c, &cs, &p, &vp);

    const size_t nm = osib_case_physical_points(&c), nd = c.nt * c.receivers.count, nq = c.nt * c.sources.count;
    double *q = test_alloc(nq), *dm = test_alloc(nm), *d0 = test_alloc(nd), *dh = test_alloc(nd);
    double *jdm = test_alloc(nd), *vp_h = test_alloc(nm), *diff = test_alloc(nd);
    osib_input_wavelets(&c, q);
    osib_input_dm(&c, dm);
    assert_int_equal(ref_forward(&p, q, d0, &err), OSIB_OK);
    assert_int_equal(ref_born(&p, q, dm, jdm, &err), OSIB_OK);

    double h[NH], e1[NH], e2[NH];
    for (int i = 0; i < NH; i++) {
        h[i] = ldexp(1.0, -(i + 1));
        perturbed(nm, vp, dm, h[i], vp_h);
        assert_int_equal(ref_problem_set_model(&p, vp_h, &err), OSIB_OK);
        assert_int_equal(ref_forward(&p, q, dh, &err), OSIB_OK);
        for (size_t k = 0; k < nd; k++)
            diff[k] = dh[k] - d0[k];
        e1[i] = test_norm(diff, nd);
        for (size_t k = 0; k < nd; k++)
            diff[k] -= h[i] * jdm[k];
        e2[i] = test_norm(diff, nd);
    }
    char what[64];
    snprintf(what, sizeof what, "born so=%d", so);
    check_slopes(what, h, e1, e2);

    free(q), free(dm), free(d0), free(dh), free(jdm), free(vp_h), free(diff), free(vp);
    ref_problem_free(&p);
    osib_case_setup_free(&cs);
    osib_case_free(&c);
}

static void test_gradient_box_so4(void **state)
{
    (void)state;
    taylor_gradient(4, 0);
}

static void test_gradient_random_so8(void **state)
{
    (void)state;
    taylor_gradient(8, 1);
}

static void test_born_so4(void **state)
{
    (void)state;
    taylor_born(4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gradient_box_so4),
        cmocka_unit_test(test_gradient_random_so8),
        cmocka_unit_test(test_born_so4),
    };
    return cmocka_run_group_tests_name("taylor (gradient and Born)", tests, NULL, NULL);
}
