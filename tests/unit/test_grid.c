/*
 * The reference's small library (reference/simple): model extension E and
 * its transpose, the damping profile, and the sparse operators' weights
 * (spec/acoustic.md, sections 2, 3 and 7).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "damping.h"
#include "extend.h"
#include "grid.h"
#include "sparse.h"
#include "testutil.h"

static void make_grid(ref_grid *g, int ndim, int nbl, int so)
{
    size_t shape[3] = {7, 5, 6};
    double h[3] = {10.0, 12.5, 8.0}, o[3] = {100.0, -50.0, 0.0};
    osib_err err = {0};
    assert_int_equal(ref_grid_init(g, ndim, shape, h, o, nbl, so, &err), OSIB_OK);
}

/* <E a, b> = <a, E^T b> exactly on random data, in 2D and 3D; and E copies
 * edge values into the layer. */
static void test_extension(void **state)
{
    (void)state;
    for (int ndim = 2; ndim <= 3; ndim++) {
        ref_grid g;
        make_grid(&g, ndim, 3, 4);
        double *a = test_alloc(g.nphys), *ea = ref_field_alloc(&g), *b = ref_field_alloc(&g);
        double *etb = test_alloc(g.nphys);
        gsl_rng *r = test_rng(11 + (unsigned)ndim);
        test_randn(r, a, g.nphys);
        for (size_t ix = 0; ix < g.N[0]; ix++)
            for (size_t iy = 0; iy < g.N[1]; iy++)
                for (size_t iz = 0; iz < g.N[2]; iz++)
                    b[ref_at(&g, ix, iy, iz)] = gsl_rng_uniform(r);
        ref_extend(&g, a, ea);
        ref_extend_transpose(&g, b, etb);
        double lhs = test_dot(ea, b, g.nstore), rhs = test_dot(a, etb, g.nphys);
        assert_true(fabs(lhs - rhs) <= 1e-13 * fabs(lhs));
        /* corner of the padded grid holds the physical corner value */
        assert_true(ea[ref_at(&g, 0, 0, 0)] == a[0]);
        assert_true(ea[ref_at(&g, g.N[0] - 1, g.N[1] - 1, g.N[2] - 1)] == a[g.nphys - 1]);
        /* halo untouched */
        assert_true(ea[0] == 0.0);
        gsl_rng_free(r);
        free(a), free(ea), free(b), free(etb);
    }
}

static void test_damping(void **state)
{
    (void)state;
    ref_grid g;
    make_grid(&g, 2, 10, 4);
    double *eta = ref_field_alloc(&g);
    ref_damping(&g, eta);
    /* zero on the physical grid */
    for (size_t kx = 0; kx < g.n[0]; kx++)
        for (size_t kz = 0; kz < g.n[2]; kz++)
            assert_true(eta[ref_at(&g, kx + 10, 0, kz + 10)] == 0.0);
    /* the formula of section 3 at the outermost point of the x layer, and
     * corners add the two axes */
    double a = 1.5 * log(1000.0) / 10, r = 11.0 / 10.0;
    double outer_x = a * (r - sin(2 * M_PI * r) / (2 * M_PI)) / g.spacing_m[0];
    double outer_z = a * (r - sin(2 * M_PI * r) / (2 * M_PI)) / g.spacing_m[2];
    assert_true(fabs(eta[ref_at(&g, 0, 0, 12)] - outer_x) <= 1e-14 * outer_x);
    assert_true(fabs(eta[ref_at(&g, 0, 0, 0)] - (outer_x + outer_z)) <= 1e-14 * (outer_x + outer_z));
    /* increasing towards the edge, symmetric */
    for (int j = 0; j < 9; j++) {
        assert_true(ref_damping_profile(10, j, 1.0) > ref_damping_profile(10, j + 1, 1.0));
        assert_true(eta[ref_at(&g, (size_t)j, 0, 12)] == eta[ref_at(&g, g.N[0] - 1 - (size_t)j, 0, 12)]);
    }
    assert_true(ref_damping_profile(10, 9, 1.0) > 0.0);
    free(eta);
    /* no layer, no damping */
    make_grid(&g, 3, 0, 4);
    eta = ref_field_alloc(&g);
    ref_damping(&g, eta);
    for (size_t k = 0; k < g.nstore; k++)
        assert_true(eta[k] == 0.0);
    free(eta);
}

/* Interpolating a field linear in x, y, z returns the coordinates; the
 * weights of every point sum to one; a point on a node touches one node. */
static void test_sparse_linear(void **state)
{
    (void)state;
    for (int ndim = 2; ndim <= 3; ndim++) {
        ref_grid g;
        make_grid(&g, ndim, 4, 4);
        double *f = ref_field_alloc(&g);
        for (size_t ix = 0; ix < g.N[0]; ix++)
            for (size_t iy = 0; iy < g.N[1]; iy++)
                for (size_t iz = 0; iz < g.N[2]; iz++) {
                    double x = g.origin_m[0] + ((double)ix - g.nbl) * g.spacing_m[0];
                    double y = g.origin_m[1] + ((double)iy - (ndim == 3 ? g.nbl : 0)) * g.spacing_m[1];
                    double z = g.origin_m[2] + ((double)iz - g.nbl) * g.spacing_m[2];
                    f[ref_at(&g, ix, iy, iz)] = 3.0 * x - 2.0 * z + (ndim == 3 ? 0.5 * y : 0.0) + 7.0;
                }
        /* points in the physical box, two exactly on nodes (the first and
         * the last corner); 2D axes are (x, z) = spacings (10, 12.5) */
        double pts2[] = {100.0, 0.0, 131.7, 17.3, 160.0, 50.0, 113.3, 3.9};
        double pts3[] = {100.0, -50.0, 0.0, 131.7, -20.1, 17.3, 160.0, 0.0, 40.0, 113.3, -44.4, 3.9};
        double *pts = ndim == 2 ? pts2 : pts3;
        ref_sparse s;
        osib_err err = {0};
        assert_int_equal(ref_sparse_init(&s, &g, 4, pts, &err), OSIB_OK);
        double out[4];
        ref_interpolate(&s, f, out);
        for (int p = 0; p < 4; p++) {
            const double *c = pts + p * ndim;
            double want = 3.0 * c[0] - 2.0 * c[ndim - 1] + (ndim == 3 ? 0.5 * c[1] : 0.0) + 7.0;
            assert_true(fabs(out[p] - want) <= 1e-12 * fabs(want));
            double wsum = 0.0;
            int nonzero = 0;
            for (int k = 0; k < s.ncorner; k++) {
                wsum += s.weight[p * s.ncorner + k];
                nonzero += s.weight[p * s.ncorner + k] != 0.0;
            }
            assert_true(fabs(wsum - 1.0) <= 1e-15);
            if (p == 0 || p == 2)
                assert_int_equal(nonzero, 1); /* on a node */
        }
        ref_sparse_free(&s);
        free(f);
    }
}

static void test_sparse_outside(void **state)
{
    (void)state;
    ref_grid g;
    make_grid(&g, 2, 2, 4);
    double far[] = {-1000.0, 0.0};
    ref_sparse s;
    osib_err err = {0};
    assert_int_equal(ref_sparse_init(&s, &g, 1, far, &err), OSIB_E_CASE);
    double nan_pt[] = {NAN, 0.0};
    assert_int_equal(ref_sparse_init(&s, &g, 1, nan_pt, &err), OSIB_E_CASE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extension),
        cmocka_unit_test(test_damping),
        cmocka_unit_test(test_sparse_linear),
        cmocka_unit_test(test_sparse_outside),
    };
    return cmocka_run_group_tests_name("grid, extension, damping, sparse", tests, NULL, NULL);
}
