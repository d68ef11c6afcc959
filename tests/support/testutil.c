#include "testutil.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

osib_status test_case_from_text(const char *yaml, osib_case *c, osib_err *err)
{
    osib_yaml y;
    osib_ynode root;
    memset(c, 0, sizeof *c);
    osib_status st = osib_yaml_load_string(&y, yaml, strlen(yaml), "test.yaml", OSIB_E_CASE, err);
    if (st != OSIB_OK)
        return st;
    st = osib_yaml_root(&y, &root, err);
    if (st == OSIB_OK)
        st = osib_case_from_node(&root, c, err);
    osib_yaml_free(&y);
    return st;
}

const char *test_root(void)
{
    const char *r = getenv("OSIB_ROOT");
    return (r && r[0]) ? r : ".";
}

void test_load_spec_case(const char *id, osib_case *c)
{
    char path[1024];
    osib_err err = {0};
    snprintf(path, sizeof path, "%s/spec/cases/%s.yaml", test_root(), id);
    osib_status st = osib_case_load(path, c, &err);
    if (st != OSIB_OK)
        fail_msg("%s", err.msg);
}

void test_problem(const osib_case *c, osib_case_setup *cs, ref_problem *p, double **vp)
{
    osib_err err = {0};
    *vp = test_alloc(osib_case_physical_points(c));
    if (osib_case_setup_init(cs, c, &err) != OSIB_OK || osib_case_model_vp(c, *vp, &err) != OSIB_OK ||
        ref_problem_init(p, &cs->setup, &err) != OSIB_OK || ref_problem_set_model(p, *vp, &err) != OSIB_OK)
        fail_msg("%s", err.msg);
    if (osib_case_is_tti(c)) { /* the case's own Thomsen fields */
        size_t n = osib_case_physical_points(c);
        double *e = test_alloc(n), *d = test_alloc(n), *t = test_alloc(n), *ph = test_alloc(n);
        osib_thomsen th = {e, d, t, c->ndim == 3 ? ph : NULL};
        if (osib_case_model_tti(c, e, d, t, ph, &err) != OSIB_OK || ref_problem_set_thomsen(p, &th, &err) != OSIB_OK)
            fail_msg("%s", err.msg);
        free(e), free(d), free(t), free(ph);
    }
}

gsl_rng *test_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed);
    return r;
}

void test_randn(gsl_rng *r, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = gsl_ran_ugaussian(r);
}

double test_dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

double test_norm(const double *a, size_t n) { return sqrt(test_dot(a, a, n)); }

double *test_alloc(size_t n)
{
    double *p = calloc(n ? n : 1, sizeof *p);
    assert_non_null(p);
    return p;
}
