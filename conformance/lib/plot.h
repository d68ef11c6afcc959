/*
 * plot.h - figures drawn with gnuplot (pngcairo or svg, chosen by the
 * output file's extension). The data go to gnuplot through a temporary
 * binary file; gnuplot's failure (missing, bad exit status) is an
 * OSIB_E_EXTERNAL error, never a silent empty image.
 */
#ifndef OSIB_PLOT_H
#define OSIB_PLOT_H

#include <stddef.h>

#include "osib_err.h"

typedef struct {
    const double *data; /* nt x ntrace, trace index fastest */
    size_t nt, ntrace;
    double dt_ms;
    const double *trace_x_m; /* horizontal position of each trace, or NULL for the index */
    const char *title;
    const char *out_path; /* .png or .svg */
    double clip;          /* colour scale +-clip; <= 0: the 99th percentile of |data| */
} osib_shot_plot;

/* A shot record: traces across, time down, a symmetric blue-white-red scale. */
osib_status osib_plot_shot(const osib_shot_plot *p, osib_err *err);

/* The q-quantile (0..1) of |values|. */
double osib_abs_quantile(const double *values, size_t count, double q);

#endif
