/*
 * compare.h - how far an implementation's output is from the oracle
 * (spec/acoustic.md, section 13): normwise relative errors
 *
 *   e2   = |y - x|_2   / |x|_2
 *   einf = max|y - x|  / max|x|
 *
 * with x the oracle and y the implementation. When x is identically zero the
 * errors are absolute (|y|_2 and max|y|), so a nonzero answer still fails.
 */
#ifndef OSIB_COMPARE_H
#define OSIB_COMPARE_H

#include <stddef.h>

typedef struct {
    double rel_l2;
    double rel_max;
    size_t worst_index; /* where |y - x| is largest */
    double ref_l2;      /* |x|_2, to tell a zero oracle */
} osib_diff;

osib_diff osib_compare(const double *x, const double *y, size_t n);

#endif
