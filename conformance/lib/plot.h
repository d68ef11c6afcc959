/*
 * plot.h - figures drawn with gnuplot: shot records, trace overlays, Taylor
 * remainders, roofline charts, wavefield snapshots.
 *
 * Figures for reports are written twice, <base>.png (pngcairo) and
 * <base>.svg; osib_plot_shot writes one file whose extension chooses the
 * format. Data go to gnuplot through temporary binary files; gnuplot's
 * failure (missing, bad exit status) is an OSIB_E_EXTERNAL error, never a
 * silent empty image. Output files are written atomically.
 */
#ifndef OSIB_PLOT_H
#define OSIB_PLOT_H

#include <stddef.h>

#include "osib_err.h"

typedef struct {
    const double *data; /* nt x ntrace, trace index fastest */
    size_t nt, ntrace;
    double dt_ms;
    const double *trace_x_m; /* x of each trace along a receiver line (osib_receiver_line_x), or NULL: the
                                receiver's number (a 3D carpet, row by row) */
    const char *title;
    const char *out_path; /* .png or .svg */
    double clip;          /* colour scale +-clip; <= 0: the 99th percentile of |data| */
} osib_shot_plot;

/* A shot record: traces across, time down, a symmetric blue-white-red scale. */
osib_status osib_plot_shot(const osib_shot_plot *p, osib_err *err);

/* Up to three shot records side by side (e.g. oracle, implementation,
 * difference), on one colour scale, or the last on its own when
 * last_own_scale is set (a difference a thousand times smaller than the data
 * is blank on theirs). Writes out_base.png and out_base.svg. */
typedef struct {
    const double *panels[3];
    const char *titles[3];
    int npanels;
    size_t nt, ntrace;
    double dt_ms;
    const double *trace_x_m; /* as in osib_shot_plot */
    double clip;             /* <= 0: the 99th percentile of |panel 0| */
    int last_own_scale;      /* the last panel scaled to its own largest |value| */
    const char *title;
    const char *out_base;
} osib_shot_panels;

osib_status osib_plot_shot_panels(const osib_shot_panels *p, osib_err *err);

/* Traces of two series (reference and other) at a few receivers, one
 * stacked panel per receiver. */
typedef struct {
    const double *ref, *other; /* nt x ntrace */
    const char *ref_label, *other_label;
    size_t nt, ntrace;
    double dt_ms;
    const size_t *traces; /* which traces, ntraces_shown of them */
    int ntraces_shown;
    const char *title;
    const char *out_base;
} osib_trace_plot;

osib_status osib_plot_traces(const osib_trace_plot *p, osib_err *err);

/* Taylor remainders e1, e2 against h on log-log axes, with lines of slope 1
 * and 2 through the first points, and the round-off floor. */
osib_status osib_plot_taylor(const double *h, const double *e1, const double *e2, int n, double floor,
                             const char *title, const char *out_base, osib_err *err);

/* A roofline chart: GFlop/s against operational intensity (flop/byte), the
 * bandwidth roof B x OI when bandwidth_gbs > 0, and labelled points. */
typedef struct {
    double intensity, gflops;
    const char *label;
} osib_roofline_point;

osib_status osib_plot_roofline(const osib_roofline_point *pts, int n, double bandwidth_gbs, const char *title,
                               const char *out_base, osib_err *err);

/* A 2D field (nx x nz, z fastest) as an image, x across, z down, symmetric
 * colour scale; the first point at (x0, z0), and an outline of the box
 * [bx0, bx1] x [bz0, bz1] when bx1 > bx0 (the physical grid). */
typedef struct {
    const double *field;
    size_t nx, nz;
    double dx_m, dz_m, x0_m, z0_m;
    double box[4]; /* bx0, bx1, bz0, bz1 */
    const char *title;
    const char *out_base;
} osib_field_plot;

osib_status osib_plot_field(const osib_field_plot *p, osib_err *err);

/* Whether receivers (nrec x ndim coordinates, metres) lie on a line along x
 * at even spacing, as on every 2D case; if so x_m[r] gets their x. A 3D
 * carpet is not one: plots number its receivers instead. */
int osib_receiver_line_x(const double *coords_m, size_t nrec, int ndim, double *x_m);

/* The q-quantile (0..1) of |values|. */
double osib_abs_quantile(const double *values, size_t count, double q);

#endif
