/*
 * Dot tests of the simple reference (spec/acoustic.md, "Exactness of the
 * adjoints"): with random inputs on layered models,
 *
 *   |<F q, d> - <q, F^T d>| / (|F q| |d|)      <= 1e-13
 *   |<J dm, d> - <dm, J^T d>| / (|J dm| |d|)   <= 1e-13
 *   |<P u, d> - <u, P^T d>| / (|P u| |d|)      <= 1e-13   (interpolation / injection alone)
 *
 * Sources and receivers sit off the grid nodes so that the multilinear
 * weights are exercised, and several of them share cells.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "testutil.h"

#define DOT_TOL 1e-13

/* A layered case with off-grid sources and receivers. */
static void layered_case(osib_case *c, int ndim, int so, size_t nt)
{
    char yaml[4096];
    if (ndim == 2)
        snprintf(yaml, sizeof yaml,
                 "osib_case: 1\nid: dot-2d\nphysics: acoustic-iso\ndimensions: 2\nspace_order: %d\n"
                 "grid: {shape: [60, 70], spacing_m: [15.0, 15.0], origin_m: [0.0, 0.0], nbl: 10}\n"
                 "time: {dt_ms: 1.5, nt: %zu}\n"
                 "model: {preset: layers-isotropic, vp_top_kms: 1.5, vp_bottom_kms: 3.0, nlayers: 2}\n"
                 "wavelet: {kind: ricker, f0_khz: 0.015}\n"
                 "sources: {lattice: [[201.3, 700.2, 3], [22.7, 40.1, 2]]}\n"
                 "receivers: {lattice: [[0.0, 885.0, 37], [31.4, 31.4, 1]]}\n",
                 so, nt);
    else
        snprintf(yaml, sizeof yaml,
                 "osib_case: 1\nid: dot-3d\nphysics: acoustic-iso\ndimensions: 3\nspace_order: %d\n"
                 "grid: {shape: [22, 24, 26], spacing_m: [15.0, 15.0, 15.0], origin_m: [0.0, 0.0, 0.0], nbl: 6}\n"
                 "time: {dt_ms: 1.2, nt: %zu}\n"
                 "model: {preset: layers-isotropic, vp_top_kms: 1.5, vp_bottom_kms: 3.0, nlayers: 2}\n"
                 "wavelet: {kind: ricker, f0_khz: 0.015}\n"
                 "sources: {points: [[157.5, 172.2, 20.3], [100.1, 200.9, 50.0]]}\n"
                 "receivers: {lattice: [[0.0, 315.0, 7], [11.1, 333.3, 5], [31.4, 31.4, 1]]}\n",
                 so, nt);
    osib_err err = {0};
    if (test_case_from_text(yaml, c, &err) != OSIB_OK)
        fail_msg("%s", err.msg);
}

static void dot_test_F(int ndim, int so, size_t nt)
{
    osib_case c;
    osib_case_setup cs;
    ref_problem p;
    double *vp;
    osib_err err = {0};
    layered_case(&c, ndim, so, nt);
    test_problem(&c, &cs, &p, &vp);

    const size_t nq = c.nt * c.sources.count, nd = c.nt * c.receivers.count;
    double *q = test_alloc(nq), *d = test_alloc(nd), *Fq = test_alloc(nd), *Ftd = test_alloc(nq);
    gsl_rng *r = test_rng(1000u + (unsigned)(ndim * 100 + so));
    test_randn(r, q, nq);
    test_randn(r, d, nd);
    assert_int_equal(ref_forward(&p, q, Fq, &err), OSIB_OK);
    assert_int_equal(ref_adjoint(&p, d, Ftd, &err), OSIB_OK);

    double lhs = test_dot(Fq, d, nd), rhs = test_dot(q, Ftd, nq);
    double rel = fabs(lhs - rhs) / (test_norm(Fq, nd) * test_norm(d, nd));
    print_message("F/F^T %dD so=%d nt=%zu: <Fq,d> = %.17g, <q,F^T d> = %.17g, relative %.3e\n", ndim, so, nt, lhs, rhs,
                  rel);
    assert_true(test_norm(Fq, nd) > 0.0);
    assert_true(rel <= DOT_TOL);

    gsl_rng_free(r);
    free(q), free(d), free(Fq), free(Ftd), free(vp);
    ref_problem_free(&p);
    osib_case_setup_free(&cs);
    osib_case_free(&c);
}

static void dot_test_J(int ndim, int so, size_t nt)
{
    osib_case c;
    osib_case_setup cs;
    ref_problem p;
    double *vp;
    osib_err err = {0};
    layered_case(&c, ndim, so, nt);
    test_problem(&c, &cs, &p, &vp);

    const size_t nm = osib_case_physical_points(&c), nd = c.nt * c.receivers.count;
    const size_t nq = c.nt * c.sources.count;
    double *q = test_alloc(nq), *dm = test_alloc(nm), *d = test_alloc(nd);
    double *Jdm = test_alloc(nd), *Jtd = test_alloc(nm);
    gsl_rng *r = test_rng(2000u + (unsigned)(ndim * 100 + so));
    osib_input_wavelets(&c, q);
    test_randn(r, dm, nm);
    test_randn(r, d, nd);
    assert_int_equal(ref_born(&p, q, dm, Jdm, &err), OSIB_OK);
    assert_int_equal(ref_born_adjoint(&p, q, d, Jtd, &err), OSIB_OK);

    double lhs = test_dot(Jdm, d, nd), rhs = test_dot(dm, Jtd, nm);
    double rel = fabs(lhs - rhs) / (test_norm(Jdm, nd) * test_norm(d, nd));
    print_message("J/J^T %dD so=%d nt=%zu: <J dm,d> = %.17g, <dm,J^T d> = %.17g, relative %.3e\n", ndim, so, nt, lhs,
                  rhs, rel);
    assert_true(test_norm(Jdm, nd) > 0.0);
    assert_true(rel <= DOT_TOL);

    gsl_rng_free(r);
    free(q), free(dm), free(d), free(Jdm), free(Jtd), free(vp);
    ref_problem_free(&p);
    osib_case_setup_free(&cs);
    osib_case_free(&c);
}

/* Interpolation and injection alone, on a random field. */
static void dot_test_sparse(int ndim)
{
    osib_case c;
    osib_case_setup cs;
    ref_problem p;
    double *vp;
    layered_case(&c, ndim, 4, 10);
    test_problem(&c, &cs, &p, &vp);

    const size_t n = p.grid.nstore, nr = c.receivers.count;
    double *u = test_alloc(n), *d = test_alloc(nr), *Pu = test_alloc(nr), *Ptd = test_alloc(n);
    gsl_rng *r = test_rng(3000u + (unsigned)ndim);
    for (size_t ix = 0; ix < p.grid.N[0]; ix++)
        for (size_t iy = 0; iy < p.grid.N[1]; iy++)
            for (size_t iz = 0; iz < p.grid.N[2]; iz++)
                u[ref_at(&p.grid, ix, iy, iz)] = gsl_rng_uniform(r) - 0.5;
    test_randn(r, d, nr);
    ref_interpolate(&p.rec, u, Pu);
    ref_inject(&p.rec, d, NULL, Ptd);

    double lhs = test_dot(Pu, d, nr), rhs = test_dot(u, Ptd, n);
    double rel = fabs(lhs - rhs) / (test_norm(Pu, nr) * test_norm(d, nr));
    print_message("P/P^T %dD: relative %.3e\n", ndim, rel);
    assert_true(rel <= DOT_TOL);

    gsl_rng_free(r);
    free(u), free(d), free(Pu), free(Ptd), free(vp);
    ref_problem_free(&p);
    osib_case_setup_free(&cs);
    osib_case_free(&c);
}

static void test_F_2d(void **state)
{
    (void)state;
    for (int so = 2; so <= 16; so += 2)
        dot_test_F(2, so, 300);
}

static void test_F_3d(void **state)
{
    (void)state;
    dot_test_F(3, 4, 120);
    dot_test_F(3, 8, 120);
}

static void test_J_2d(void **state)
{
    (void)state;
    dot_test_J(2, 4, 300);
    dot_test_J(2, 8, 300);
    dot_test_J(2, 16, 300);
}

static void test_J_3d(void **state)
{
    (void)state;
    dot_test_J(3, 4, 120);
    dot_test_J(3, 8, 120);
}

static void test_sparse_2d(void **state)
{
    (void)state;
    dot_test_sparse(2);
}

static void test_sparse_3d(void **state)
{
    (void)state;
    dot_test_sparse(3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sparse_2d), cmocka_unit_test(test_sparse_3d), cmocka_unit_test(test_F_2d),
        cmocka_unit_test(test_F_3d),      cmocka_unit_test(test_J_2d),      cmocka_unit_test(test_J_3d),
    };
    return cmocka_run_group_tests_name("adjoint (dot tests)", tests, NULL, NULL);
}
