/*
 * Second-derivative weights (spec/acoustic.md, section 4): the exact
 * rationals of the spec's table, their identities (zero sum, order of
 * consistency, w_0 = -2 sum 1/k^2) checked in exact integer arithmetic,
 * correct rounding to double, and the stability sums behind the time step.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "fd_weights.h"

/* The table of spec/acoustic.md section 4, typed in independently. */
static const int64_t table[8][9][2] = {
    {{-2, 1}, {1, 1}},
    {{-5, 2}, {4, 3}, {-1, 12}},
    {{-49, 18}, {3, 2}, {-3, 20}, {1, 90}},
    {{-205, 72}, {8, 5}, {-1, 5}, {8, 315}, {-1, 560}},
    {{-5269, 1800}, {5, 3}, {-5, 21}, {5, 126}, {-5, 1008}, {1, 3150}},
    {{-5369, 1800}, {12, 7}, {-15, 56}, {10, 189}, {-1, 112}, {2, 1925}, {-1, 16632}},
    {{-266681, 88200}, {7, 4}, {-7, 24}, {7, 108}, {-7, 528}, {7, 3300}, {-7, 30888}, {1, 84084}},
    {{-1077749, 352800},
     {16, 9},
     {-14, 45},
     {112, 1485},
     {-7, 396},
     {112, 32175},
     {-2, 3861},
     {16, 315315},
     {-1, 411840}},
};

static void test_table(void **state)
{
    (void)state;
    for (int so = 2; so <= 16; so += 2) {
        fd_rational w[FD_MAX_HALF + 1];
        assert_int_equal(fd2_weights_rational(so, w), 0);
        for (int k = 0; k <= so / 2; k++) {
            assert_true(w[k].num == table[so / 2 - 1][k][0]);
            assert_true(w[k].den == table[so / 2 - 1][k][1]);
        }
    }
}

/* Exact fractions in 128 bits, kept reduced so that they stay small. */
typedef struct {
    __int128 num, den;
} frac;

static __int128 gcd128(__int128 a, __int128 b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        __int128 t = a % b;
        a = b;
        b = t;
    }
    return a ? a : 1;
}

static frac frac_add(frac a, frac b)
{
    __int128 g = gcd128(a.den, b.den);
    frac r = {a.num * (b.den / g) + b.num * (a.den / g), a.den / g * b.den};
    __int128 h = gcd128(r.num, r.den);
    r.num /= h;
    r.den /= h;
    return r;
}

/* sum_k w_k k^(2j) as an exact fraction. */
static frac moment(const fd_rational *w, int p, int j)
{
    frac sum = {0, 1};
    for (int k = 1; k <= p; k++) {
        __int128 kp = 1;
        for (int e = 0; e < 2 * j; e++)
            kp *= k;
        sum = frac_add(sum, (frac){(__int128)w[k].num * kp, w[k].den});
    }
    return sum;
}

static int moment_equals(const fd_rational *w, int p, int j, int64_t target)
{
    frac m = moment(w, p, j);
    return m.num == (__int128)target * m.den;
}

static void test_identities(void **state)
{
    (void)state;
    for (int so = 2; so <= 16; so += 2) {
        const int p = so / 2;
        fd_rational w[FD_MAX_HALF + 1];
        fd2_weights_rational(so, w);
        /* zero sum: w_0 + 2 sum w_k = 0 */
        frac sum = {w[0].num, w[0].den};
        for (int k = 1; k <= p; k++)
            sum = frac_add(sum, (frac){2 * (__int128)w[k].num, w[k].den});
        assert_true(sum.num == 0);
        /* consistency: sum_k w_k k^2 = 1 (second derivative), higher even
         * moments vanish up to the order. */
        assert_true(moment_equals(w, p, 1, 1));
        for (int j = 2; j <= p; j++)
            assert_true(moment_equals(w, p, j, 0));
        /* the order is exactly so: the next moment does not vanish */
        assert_false(moment_equals(w, p, p + 1, 0));
        /* w_0 = -2 sum 1/k^2 */
        frac h = {0, 1};
        for (int k = 1; k <= p; k++)
            h = frac_add(h, (frac){1, (__int128)k * k});
        assert_true((__int128)w[0].num * h.den == -2 * h.num * w[0].den);
    }
}

static void test_correct_rounding(void **state)
{
    (void)state;
    for (int so = 2; so <= 16; so += 2) {
        fd_rational r[FD_MAX_HALF + 1];
        double w[FD_MAX_HALF + 1];
        fd2_weights_rational(so, r);
        fd2_weights(so, w);
        for (int k = 0; k <= so / 2; k++) {
            /* The correctly rounded quotient is the double nearest num/den:
             * its neighbours must be no closer (long double has 64 bits). */
            long double exact = (long double)r[k].num / (long double)r[k].den;
            long double err = fabsl((long double)w[k] - exact);
            assert_true(err <= fabsl((long double)nextafter(w[k], INFINITY) - exact));
            assert_true(err <= fabsl((long double)nextafter(w[k], -INFINITY) - exact));
        }
    }
}

static void test_invalid_orders(void **state)
{
    (void)state;
    fd_rational r[FD_MAX_HALF + 1];
    double w[FD_MAX_HALF + 1];
    static const int bad[] = {0, 1, 3, 17, 18, -2};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(fd2_weights_rational(bad[i], r), -1);
        assert_int_equal(fd2_weights(bad[i], w), -1);
    }
}

/* Sum of |w| over the stencil of half-width p: the table's weights for
 * p <= 8, and Devito's values of its CFL rule (the stencil of order 2 so)
 * quoted in ../shared research for p = 2..16 at even p. */
static void test_abs_sums(void **state)
{
    (void)state;
    for (int so = 2; so <= 16; so += 2) {
        double s = 0.0;
        for (int k = 0; k <= so / 2; k++)
            s += (k ? 2.0 : 1.0) * fabs((double)table[so / 2 - 1][k][0] / (double)table[so / 2 - 1][k][1]);
        assert_true(fabs(fd2_abs_sum(so / 2) - s) <= 1e-14 * s);
    }
    static const double devito_cfl_sums[8] = {5.333333, 6.501587, 7.072939, 7.426921,
                                              7.673559, 7.858005, 8.002644, 8.119998};
    for (int i = 0; i < 8; i++) {
        int so = 2 * (i + 1);
        assert_true(fabs(fd2_abs_sum(so) - devito_cfl_sums[i]) < 1e-6);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_identities),
        cmocka_unit_test(test_correct_rounding),
        cmocka_unit_test(test_invalid_orders),
        cmocka_unit_test(test_abs_sums),
    };
    return cmocka_run_group_tests_name("fd weights", tests, NULL, NULL);
}
