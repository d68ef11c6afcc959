/*
 * testutil.h - helpers shared by the unit tests: cases from strings or from
 * spec/cases, reproducible random inputs (GSL's MT19937 streams), inner
 * products in a fixed order, and a problem built from a case.
 */
#ifndef OSIB_TESTUTIL_H
#define OSIB_TESTUTIL_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "case.h"
#include "case_setup.h"
#include "inputs.h"
#include "operators.h"

/* Parse a case from YAML text; returns the status, fills err. */
osib_status test_case_from_text(const char *yaml, osib_case *c, osib_err *err);

/* Load spec/cases/<id>.yaml (tests run from the repository root). Aborts
 * the test on failure. */
void test_load_spec_case(const char *id, osib_case *c);

/* A problem for case c with the case's model (and Thomsen fields, for a
 * TTI case); aborts on failure. */
void test_problem(const osib_case *c, osib_case_setup *cs, ref_problem *p, double **vp);

/* Standard normal values from a seeded stream. */
gsl_rng *test_rng(unsigned long seed);
void test_randn(gsl_rng *r, double *x, size_t n);

/* Inner product and norm, summed in index order. */
double test_dot(const double *a, const double *b, size_t n);
double test_norm(const double *a, size_t n);

/* Root of the repository (for spec/cases, tests/data). */
const char *test_root(void);

/* Allocate n doubles or abort. */
double *test_alloc(size_t n);

#endif
