/*
 * The TTI operators of the simple reference (spec/tti.md):
 *
 *   - the staggered first-derivative weights are the exact rationals of the
 *     spec, of accuracy order 2q;
 *   - the isotropic limit: with epsilon = delta = 0 and any tilt and
 *     azimuth, every TTI output is exactly twice the acoustic one (the
 *     gradient: Phi_tti(d) = 4 Phi_ac(d/2), grad_tti(d) = 4 grad_ac(d/2)),
 *     to round-off;
 *   - dot tests of F / F^T and J / J^T on layered TTI media with tilt,
 *     azimuth, negative delta and off-grid points, <= 1e-13;
 *   - the Born operator is the derivative of F: Taylor remainders of order 1
 *     and 2;
 *   - convergence at the design order: in a homogeneous tilted medium with
 *     the time step fixed, the data's differences between grids h, h/2,
 *     h/4 shrink by 2^(2q) (the staggered derivatives' order), measured for
 *     space orders 4 and 8.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fd_weights.h"
#include "testutil.h"

#define DOT_TOL 1e-13
#define ISO_TOL 1e-12

static void case_or_fail(const char *yaml, osib_case *c)
{
    osib_err err = {0};
    if (test_case_from_text(yaml, c, &err) != OSIB_OK)
        fail_msg("%s", err.msg);
}

/* ---------------------------------------------------------------------------
 * Weights
 * ------------------------------------------------------------------------- */

static void test_staggered_weights(void **state)
{
    (void)state;
    static const long long want[4][4][2] = {
        {{1, 1}},
        {{9, 8}, {-1, 24}},
        {{75, 64}, {-25, 384}, {3, 640}},
        {{1225, 1024}, {-245, 3072}, {49, 5120}, {-5, 7168}},
    };
    for (int so = 2; so <= 16; so += 2) {
        fd_rational c[FD_MAX_STAGGER + 1];
        int q = fd1_staggered_rational(so, c);
        assert_int_equal(q, (so + 3) / 4);
        for (int j = 1; j <= q; j++) {
            assert_int_equal(c[j].num, want[q - 1][j - 1][0]);
            assert_int_equal(c[j].den, want[q - 1][j - 1][1]);
        }
        /* Odd moments at the half-integer offsets: sum_j c_j 2 (j-1/2)^(2l-1)
         * is 1 for l = 1 and 0 for l = 2..q (order 2q). */
        for (int l = 1; l <= q; l++) {
            double m = 0.0;
            for (int j = 1; j <= q; j++)
                m += (double)c[j].num / (double)c[j].den * 2.0 * pow(j - 0.5, 2 * l - 1);
            assert_true(fabs(m - (l == 1 ? 1.0 : 0.0)) < 1e-13);
        }
    }
    assert_int_equal(fd1_staggered_rational(5, NULL), -1);
}

/* ---------------------------------------------------------------------------
 * The isotropic limit
 * ------------------------------------------------------------------------- */

static const char *const grid2d = "grid: {shape: [60, 50], spacing_m: [15.0, 12.0], origin_m: [0.0, 0.0], nbl: 10}\n"
                                  "time: {dt_ms: 1.2, nt: 160}\n";
static const char *const grid3d =
    "grid: {shape: [20, 22, 24], spacing_m: [15.0, 15.0, 15.0], origin_m: [0.0, 0.0, 0.0], nbl: 6}\n"
    "time: {dt_ms: 1.1, nt: 120}\n";

static void layered(char *yaml, size_t cap, const char *physics, int ndim, int so, const char *model)
{
    snprintf(yaml, cap,
             "osib_case: 1\nid: tti-unit\nphysics: %s\ndimensions: %d\nspace_order: %d\n%s"
             "model: {%s}\nwavelet: {kind: ricker, f0_khz: 0.015}\n%s",
             physics, ndim, so, ndim == 2 ? grid2d : grid3d, model,
             ndim == 2 ? "sources: {lattice: [[201.3, 700.2, 3], [22.7, 40.1, 2]]}\n"
                         "receivers: {lattice: [[0.0, 885.0, 37], [31.4, 31.4, 1]]}\n"
                       : "sources: {points: [[157.5, 172.2, 20.3], [100.1, 200.9, 50.0]]}\n"
                         "receivers: {lattice: [[0.0, 285.0, 7], [11.1, 313.3, 5], [31.4, 31.4, 1]]}\n");
}

static double rel_diff(const double *y, const double *x, double scale_x, size_t n)
{
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = y[i] - scale_x * x[i];
        num += d * d;
        den += scale_x * x[i] * scale_x * x[i];
    }
    return den > 0.0 ? sqrt(num / den) : (num > 0.0 ? INFINITY : 0.0);
}

static void isotropic_limit(int ndim, int so)
{
    char yaml[4096];
    const char *iso_model = "preset: layers-isotropic, vp_top_kms: 1.5, vp_bottom_kms: 3.0, nlayers: 3";
    const char *tti_model = ndim == 3 ? "preset: layers-tti, vp_top_kms: 1.5, vp_bottom_kms: 3.0, nlayers: 3, "
                                        "epsilon_per_kms: 0.0, delta_per_kms: 0.0, theta_rad_per_kms: 0.7, "
                                        "phi_rad_per_kms: 0.4"
                                      : "preset: layers-tti, vp_top_kms: 1.5, vp_bottom_kms: 3.0, nlayers: 3, "
                                        "epsilon_per_kms: 0.0, delta_per_kms: 0.0, theta_rad_per_kms: 0.7";
    osib_case ca, ct;
    layered(yaml, sizeof yaml, "acoustic-iso", ndim, so, iso_model);
    case_or_fail(yaml, &ca);
    layered(yaml, sizeof yaml, "acoustic-tti", ndim, so, tti_model);
    case_or_fail(yaml, &ct);

    osib_case_setup csa, cst;
    ref_problem pa, pt;
    double *vpa, *vpt;
    osib_err err = {0};
    test_problem(&ca, &csa, &pa, &vpa);
    test_problem(&ct, &cst, &pt, &vpt);

    const size_t nq = ca.nt * ca.sources.count, nd = ca.nt * ca.receivers.count, nm = osib_case_physical_points(&ca);
    double *q = test_alloc(nq), *d = test_alloc(nd), *dm = test_alloc(nm), *half = test_alloc(nd);
    double *ya = test_alloc(nd > nm ? nd : nm), *yt = test_alloc(nd > nm ? nd : nm);
    double *qa = test_alloc(nq), *qt = test_alloc(nq);
    gsl_rng *r = test_rng(3000u + (unsigned)(ndim * 100 + so));
    osib_input_wavelets(&ca, q);
    test_randn(r, d, nd);
    test_randn(r, dm, nm);
    for (size_t i = 0; i < nm; i++)
        dm[i] *= 0.01;

    assert_int_equal(ref_forward(&pa, q, ya, &err), OSIB_OK);
    assert_int_equal(ref_forward(&pt, q, yt, &err), OSIB_OK);
    double eF = rel_diff(yt, ya, 2.0, nd);
    assert_int_equal(ref_adjoint(&pa, d, qa, &err), OSIB_OK);
    assert_int_equal(ref_adjoint(&pt, d, qt, &err), OSIB_OK);
    double eFt = rel_diff(qt, qa, 2.0, nq);
    assert_int_equal(ref_born(&pa, q, dm, ya, &err), OSIB_OK);
    assert_int_equal(ref_born(&pt, q, dm, yt, &err), OSIB_OK);
    double eJ = rel_diff(yt, ya, 2.0, nd);
    assert_int_equal(ref_born_adjoint(&pa, q, d, ya, &err), OSIB_OK);
    assert_int_equal(ref_born_adjoint(&pt, q, d, yt, &err), OSIB_OK);
    double eJt = rel_diff(yt, ya, 2.0, nm);
    /* Phi_tti(d) = 1/2 |2 F q - d|^2 = 4 Phi_ac(d/2), and its gradient 4 grad_ac(d/2) */
    for (size_t i = 0; i < nd; i++)
        half[i] = 0.5 * d[i];
    double phia, phit;
    assert_int_equal(ref_gradient(&pa, q, half, &phia, ya, &err), OSIB_OK);
    assert_int_equal(ref_gradient(&pt, q, d, &phit, yt, &err), OSIB_OK);
    double eG = rel_diff(yt, ya, 4.0, nm), ePhi = fabs(phit - 4.0 * phia) / (4.0 * phia);
    print_message("isotropic limit %dD so=%d: F %.1e, F^T %.1e, J %.1e, J^T %.1e, Phi %.1e, grad %.1e\n", ndim, so, eF,
                  eFt, eJ, eJt, ePhi, eG);
    assert_true(eF <= ISO_TOL && eFt <= ISO_TOL && eJ <= ISO_TOL && eJt <= ISO_TOL && ePhi <= ISO_TOL && eG <= ISO_TOL);

    gsl_rng_free(r);
    free(q), free(d), free(dm), free(half), free(ya), free(yt), free(qa), free(qt), free(vpa), free(vpt);
    ref_problem_free(&pa);
    ref_problem_free(&pt);
    osib_case_setup_free(&csa);
    osib_case_setup_free(&cst);
    osib_case_free(&ca);
    osib_case_free(&ct);
}

static void test_isotropic_limit_2d(void **state)
{
    (void)state;
    isotropic_limit(2, 8);
}

static void test_isotropic_limit_3d(void **state)
{
    (void)state;
    isotropic_limit(3, 4);
}

/* A TTI medium to test the operators on: layers with tilt, azimuth in 3D,
 * negative delta. */
static void tti_case(osib_case *c, int ndim, int so)
{
    char yaml[4096];
    layered(yaml, sizeof yaml, "acoustic-tti", ndim, so,
            ndim == 3 ? "preset: layers-tti, vp_top_kms: 1.5, vp_bottom_kms: 3.0, nlayers: 3, "
                        "epsilon_per_kms: 0.15, delta_per_kms: -0.05, theta_rad_per_kms: 0.7, phi_rad_per_kms: 0.4"
                      : "preset: layers-tti, vp_top_kms: 1.5, vp_bottom_kms: 3.0, nlayers: 3, dip: 0.2, "
                        "epsilon_per_kms: 0.15, delta_per_kms: 0.1, theta_rad_per_kms: -0.7");
    case_or_fail(yaml, c);
}

/* ---------------------------------------------------------------------------
 * Dot tests
 * ------------------------------------------------------------------------- */

static void dot_tests(int ndim, int so)
{
    osib_case c;
    osib_case_setup cs;
    ref_problem p;
    double *vp;
    osib_err err = {0};
    tti_case(&c, ndim, so);
    test_problem(&c, &cs, &p, &vp);
    const size_t nq = c.nt * c.sources.count, nd = c.nt * c.receivers.count, nm = osib_case_physical_points(&c);
    double *q = test_alloc(nq), *d = test_alloc(nd), *Fq = test_alloc(nd), *Ftd = test_alloc(nq);
    double *dm = test_alloc(nm), *Jdm = test_alloc(nd), *Jtd = test_alloc(nm), *q0 = test_alloc(nq);
    gsl_rng *r = test_rng(4000u + (unsigned)(ndim * 100 + so));
    test_randn(r, q, nq);
    test_randn(r, d, nd);
    test_randn(r, dm, nm);
    osib_input_wavelets(&c, q0);

    assert_int_equal(ref_forward(&p, q, Fq, &err), OSIB_OK);
    assert_int_equal(ref_adjoint(&p, d, Ftd, &err), OSIB_OK);
    double relF = fabs(test_dot(Fq, d, nd) - test_dot(q, Ftd, nq)) / (test_norm(Fq, nd) * test_norm(d, nd));
    assert_int_equal(ref_born(&p, q0, dm, Jdm, &err), OSIB_OK);
    assert_int_equal(ref_born_adjoint(&p, q0, d, Jtd, &err), OSIB_OK);
    double relJ = fabs(test_dot(Jdm, d, nd) - test_dot(dm, Jtd, nm)) / (test_norm(Jdm, nd) * test_norm(d, nd));
    print_message("TTI dot tests %dD so=%d: F/F^T %.2e, J/J^T %.2e\n", ndim, so, relF, relJ);
    assert_true(test_norm(Fq, nd) > 0.0 && test_norm(Jdm, nd) > 0.0);
    assert_true(relF <= DOT_TOL);
    assert_true(relJ <= DOT_TOL);

    gsl_rng_free(r);
    free(q), free(d), free(Fq), free(Ftd), free(dm), free(Jdm), free(Jtd), free(q0), free(vp);
    ref_problem_free(&p);
    osib_case_setup_free(&cs);
    osib_case_free(&c);
}

static void test_dot_2d_so4(void **state)
{
    (void)state;
    dot_tests(2, 4);
}

static void test_dot_2d_so16(void **state)
{
    (void)state;
    dot_tests(2, 16);
}

static void test_dot_3d_so8(void **state)
{
    (void)state;
    dot_tests(3, 8);
}

/* The medium rules hold for arrays too: a point with delta > epsilon, or
 * a non-finite tilt, is refused with OSIB_E_DATA, naming the point. */
static void test_unstable_medium_refused(void **state)
{
    (void)state;
    osib_case c;
    osib_case_setup cs;
    ref_problem p;
    double *vp;
    osib_err err = {0};
    tti_case(&c, 2, 4);
    test_problem(&c, &cs, &p, &vp);
    size_t nm = osib_case_physical_points(&c);
    double *e = test_alloc(nm), *d = test_alloc(nm), *t = test_alloc(nm);
    for (size_t k = 0; k < nm; k++)
        e[k] = 0.2, d[k] = 0.1, t[k] = 0.3;
    osib_thomsen th = {e, d, t, NULL};
    assert_int_equal(ref_problem_set_thomsen(&p, &th, &err), OSIB_OK);
    d[nm / 2] = 0.25;
    assert_int_equal(ref_problem_set_thomsen(&p, &th, &err), OSIB_E_DATA);
    assert_non_null(strstr(err.msg, "delta must not exceed epsilon"));
    d[nm / 2] = 0.1;
    t[7] = NAN;
    assert_int_equal(ref_problem_set_thomsen(&p, &th, &err), OSIB_E_DATA);
    assert_non_null(strstr(err.msg, "point 7"));
    free(e), free(d), free(t), free(vp);
    ref_problem_free(&p);
    osib_case_setup_free(&cs);
    osib_case_free(&c);
}

/* ---------------------------------------------------------------------------
 * Taylor: J is the derivative of F
 * ------------------------------------------------------------------------- */

static double slope(const double *h, const double *e, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        double x = log(h[i]), y = log(e[i]);
        sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

static void test_taylor_born(void **state)
{
    (void)state;
    osib_case c;
    osib_case_setup cs;
    ref_problem p;
    double *vp;
    osib_err err = {0};
    tti_case(&c, 2, 8);
    test_problem(&c, &cs, &p, &vp);
    const size_t nq = c.nt * c.sources.count, nd = c.nt * c.receivers.count, nm = osib_case_physical_points(&c);
    double *q = test_alloc(nq), *dm = test_alloc(nm), *d0 = test_alloc(nd), *dh = test_alloc(nd);
    double *Jdm = test_alloc(nd), *vph = test_alloc(nm);
    osib_input_wavelets(&c, q);
    osib_input_dm(&c, dm);
    assert_int_equal(ref_forward(&p, q, d0, &err), OSIB_OK);
    assert_int_equal(ref_born(&p, q, dm, Jdm, &err), OSIB_OK);
    enum { NH = 5 };
    double h[NH], e1[NH], e2[NH];
    for (int i = 0; i < NH; i++) {
        h[i] = ldexp(1.0, -(i + 1));
        for (size_t k = 0; k < nm; k++)
            vph[k] = 1.0 / sqrt(1.0 / (vp[k] * vp[k]) + h[i] * dm[k]);
        assert_int_equal(ref_problem_set_model(&p, vph, &err), OSIB_OK);
        assert_int_equal(ref_forward(&p, q, dh, &err), OSIB_OK);
        double a = 0.0, b = 0.0;
        for (size_t k = 0; k < nd; k++) {
            a += (dh[k] - d0[k]) * (dh[k] - d0[k]);
            double rem = dh[k] - d0[k] - h[i] * Jdm[k];
            b += rem * rem;
        }
        e1[i] = sqrt(a), e2[i] = sqrt(b);
    }
    double s1 = slope(h, e1, NH), s2 = slope(h, e2, NH);
    print_message("TTI Taylor (Born) 2D so=8: slopes %.3f and %.3f\n", s1, s2);
    assert_true(fabs(s1 - 1.0) < 0.1);
    assert_true(fabs(s2 - 2.0) < 0.1);
    free(q), free(dm), free(d0), free(dh), free(Jdm), free(vph), free(vp);
    ref_problem_free(&p);
    osib_case_setup_free(&cs);
    osib_case_free(&c);
}

/* ---------------------------------------------------------------------------
 * Convergence at the design order
 * ------------------------------------------------------------------------- */

/* F q in a homogeneous tilted medium on a 1200 m square at spacing h, no
 * absorbing layer (the edges are too far for a reflection to come back
 * before the end), with a fixed time step: the time error is the same on
 * every grid and cancels in the differences. Source and receivers (240 to
 * 283 m away, in five directions) sit on nodes of every grid, so that
 * their bilinear weights, accurate to order 2 only, play no part. */
static double *homogeneous_data(int so, double h, double theta, size_t *nd)
{
    char yaml[2048];
    size_t n = (size_t)(1200.0 / h) + 1;
    snprintf(yaml, sizeof yaml,
             "osib_case: 1\nid: tti-conv\nphysics: acoustic-tti\ndimensions: 2\nspace_order: %d\n"
             "grid: {shape: [%zu, %zu], spacing_m: [%g, %g], origin_m: [0.0, 0.0], nbl: 0}\n"
             "time: {dt_ms: 1.0, nt: 401}\n"
             "model: {preset: layers-tti, vp_top_kms: 1.5, vp_bottom_kms: 2.0, nlayers: 1, "
             "epsilon_per_kms: 0.0, delta_per_kms: 0.0, theta_rad_per_kms: 0.0}\n"
             "wavelet: {kind: ricker, f0_khz: 0.008, t0_ms: 130.0}\n"
             "sources: {points: [[600.0, 600.0]]}\n"
             "receivers: {points: [[840.0, 600.0], [600.0, 840.0], [800.0, 800.0], [400.0, 800.0], [360.0, 600.0]]}\n",
             so, n, n, h, h);
    osib_case c;
    case_or_fail(yaml, &c);
    osib_case_setup cs;
    ref_problem p;
    double *vp;
    test_problem(&c, &cs, &p, &vp);
    /* A homogeneous medium: vp 1.5 km/s, epsilon 0.25, delta 0.1, tilt theta. */
    size_t nm = osib_case_physical_points(&c);
    double *e = test_alloc(nm), *dl = test_alloc(nm), *th = test_alloc(nm);
    for (size_t k = 0; k < nm; k++)
        e[k] = 0.2, dl[k] = 0.2, th[k] = theta;
    osib_thomsen t = {e, dl, th, NULL};
    osib_err err = {0};
    assert_int_equal(ref_problem_set_thomsen(&p, &t, &err), OSIB_OK);
    *nd = c.nt * c.receivers.count;
    double *q = test_alloc(c.nt), *d = test_alloc(*nd);
    osib_input_wavelets(&c, q);
    assert_int_equal(ref_forward(&p, q, d, &err), OSIB_OK);
    free(q), free(e), free(dl), free(th), free(vp);
    ref_problem_free(&p);
    osib_case_setup_free(&cs);
    osib_case_free(&c);
    return d;
}

static void convergence(int so, double h0, double theta, double want_order)
{
    size_t nd;
    double *d[3];
    for (int i = 0; i < 3; i++) {
        double h = h0 / (double)(1 << i);
        d[i] = homogeneous_data(so, h, theta, &nd);
        /* The source is not divided by the cell area (spec/acoustic.md §7):
         * the field of a unit point source is d / h^2. */
        for (size_t k = 0; k < nd; k++)
            d[i][k] /= h * h;
    }
    double e01 = 0.0, e12 = 0.0;
    for (size_t k = 0; k < nd; k++) {
        e01 += (d[0][k] - d[1][k]) * (d[0][k] - d[1][k]);
        e12 += (d[1][k] - d[2][k]) * (d[1][k] - d[2][k]);
    }
    double order = log2(sqrt(e01 / e12));
    print_message("TTI convergence so=%d theta=%g, h = %g, %g, %g m: differences %.3e, %.3e, observed order %.2f "
                  "(design %g)\n",
                  so, theta, h0, h0 / 2, h0 / 4, sqrt(e01), sqrt(e12), order, want_order);
    assert_true(fabs(order - want_order) < 0.3 * want_order);
    for (int i = 0; i < 3; i++)
        free(d[i]);
}

static void test_convergence_so4(void **state)
{
    (void)state;
    convergence(4, 20.0, 0.6, 2.0);
}

static void test_convergence_so8(void **state)
{
    (void)state;
    convergence(8, 20.0, 0.6, 2.0);
    convergence(8, 20.0, 0.0, 4.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_staggered_weights),  cmocka_unit_test(test_isotropic_limit_2d),
        cmocka_unit_test(test_isotropic_limit_3d), cmocka_unit_test(test_dot_2d_so4),
        cmocka_unit_test(test_dot_2d_so16),        cmocka_unit_test(test_dot_3d_so8),
        cmocka_unit_test(test_taylor_born),        cmocka_unit_test(test_unstable_medium_refused),
        cmocka_unit_test(test_convergence_so4),    cmocka_unit_test(test_convergence_so8),
    };
    return cmocka_run_group_tests_name("TTI (reference operators)", tests, NULL, NULL);
}
