/*
 * repro_exp, repro_sin and repro_cos (conformance/lib/repro_math.h): within two ulps
 * of the C library on the ranges the reference uses, exact where the
 * answer is exact, and sensible at the edges.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "repro_math.h"

/* Distance in units in the last place between two finite doubles. */
static double ulps(double a, double b)
{
    if (a == b)
        return 0.0;
    double u = nextafter(fabs(b), INFINITY) - fabs(b);
    return fabs(a - b) / u;
}

static void test_exp_accuracy(void **state)
{
    (void)state;
    double worst = 0.0, at = 0.0;
    /* The Ricker wavelet needs exp(-r^2) for r^2 up to a few hundred. */
    for (int i = 0; i <= 200000; i++) {
        double x = -700.0 + 1400.0 * i / 200000.0 + 1e-7 * (i % 7);
        double u = ulps(repro_exp(x), exp(x));
        if (u > worst)
            worst = u, at = x;
    }
    print_message("repro_exp: worst %.2f ulp at x = %.17g\n", worst, at);
    assert_true(worst <= 2.0);
}

static void test_exp_special(void **state)
{
    (void)state;
    assert_true(repro_exp(0.0) == 1.0);
    assert_true(repro_exp(-800.0) == 0.0);
    assert_true(isinf(repro_exp(800.0)));
    assert_true(isnan(repro_exp(NAN)));
    assert_true(ulps(repro_exp(1.0), M_E) <= 1.0);
}

static void test_sin_accuracy(void **state)
{
    (void)state;
    double worst = 0.0, at = 0.0;
    /* The damping profile needs sin(2 pi r) for r in (0, 2]; test wider. */
    for (int i = 0; i <= 200000; i++) {
        double x = -50.0 + 100.0 * i / 200000.0 + 1e-9 * (i % 11);
        double ref = sin(x);
        if (fabs(ref) < 1e-3)
            continue; /* relative ulps near zeros measure the reduction, checked below */
        double u = ulps(repro_sin(x), ref);
        if (u > worst)
            worst = u, at = x;
    }
    print_message("repro_sin: worst %.2f ulp at x = %.17g\n", worst, at);
    assert_true(worst <= 2.0);
    /* near the zeros: absolute error at round-off level */
    for (int k = -15; k <= 15; k++) {
        double x = k * M_PI;
        assert_true(fabs(repro_sin(x) - sin(x)) <= 4e-16 * (1 + fabs(x)));
    }
}

static void test_sin_special(void **state)
{
    (void)state;
    assert_true(repro_sin(0.0) == 0.0);
    assert_true(isnan(repro_sin(2e6)));
    assert_true(isnan(repro_sin(NAN)));
    assert_true(ulps(repro_sin(M_PI / 2), 1.0) <= 1.0);
}

/* The TTI operators take cos of the tilt and azimuth (spec/tti.md). */
static void test_cos_accuracy(void **state)
{
    (void)state;
    double worst = 0.0, at = 0.0;
    for (int i = 0; i <= 200000; i++) {
        double x = -50.0 + 100.0 * i / 200000.0 + 1e-9 * (i % 11);
        double ref = cos(x);
        if (fabs(ref) < 1e-3)
            continue;
        double u = ulps(repro_cos(x), ref);
        if (u > worst)
            worst = u, at = x;
    }
    print_message("repro_cos: worst %.2f ulp at x = %.17g\n", worst, at);
    assert_true(worst <= 2.0);
    for (int k = -15; k <= 15; k++) {
        double x = (k + 0.5) * M_PI;
        assert_true(fabs(repro_cos(x) - cos(x)) <= 4e-16 * (1 + fabs(x)));
    }
    assert_true(repro_cos(0.0) == 1.0);
    assert_true(isnan(repro_cos(2e6)) && isnan(repro_cos(NAN)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_accuracy), cmocka_unit_test(test_exp_special),  cmocka_unit_test(test_sin_accuracy),
        cmocka_unit_test(test_sin_special),  cmocka_unit_test(test_cos_accuracy),
    };
    return cmocka_run_group_tests_name("repro math", tests, NULL, NULL);
}
