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

/* The windowed error (spec/acoustic.md §13), which sees what the normwise
 * errors average away: an output wrong only where it is weak (the deep
 * part of an image, late times of the data). The array (C order, shape
 * dims[0..rank-1]) is cut into OSIB_WINDOW_BANDS bands along its first
 * axis and as many along its last (an axis shorter than that gives one
 * band per index; an axis of length 1 none). Band b of an axis of length
 * n holds the indices floor(b n / B) .. floor((b+1) n / B) - 1 of that axis
 * and all of the others. A band is judged when its oracle norm is at least
 * floor_rel times the largest band norm of its axis, and the measure is
 * the largest relative error |y_b - x_b|_2 / |x_b|_2 of a judged band. */
enum { OSIB_WINDOW_BANDS = 8 };
typedef struct {
    double worst;         /* the measure; 0 when no band is judged */
    int axis, band;       /* where it is (axis 0 or rank - 1) */
    double band_rel_norm; /* that band's norm over the largest of its axis */
    int judged;           /* how many bands were judged */
} osib_windowed;

osib_windowed osib_compare_windowed(const double *x, const double *y, int rank, const size_t *dims, double floor_rel);

#endif
