#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileutil.h"
#include "text.h"

/* A colour map from dark blue through white to dark red, for signed data. */
static const char *const palette =
    "set palette defined (0 '#08306b', 0.35 '#6baed6', 0.5 'white', 0.65 '#fc9272', 1 '#67000d')\n";

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double osib_abs_quantile(const double *values, size_t count, double q)
{
    if (count == 0)
        return 0.0;
    double *abs_values = malloc(count * sizeof *abs_values);
    if (!abs_values)
        return 0.0;
    for (size_t i = 0; i < count; i++)
        abs_values[i] = fabs(values[i]);
    qsort(abs_values, count, sizeof *abs_values, compare_doubles);
    size_t k = (size_t)(q * (double)(count - 1));
    double v = abs_values[k];
    free(abs_values);
    return v;
}

/* ---------------------------------------------------------------------------
 * Temporary data files and running gnuplot
 * ------------------------------------------------------------------------- */

typedef struct {
    char path[8][OSIB_PATH_MAX];
    int n;
} data_files;

static void data_files_remove(data_files *d)
{
    for (int i = 0; i < d->n; i++)
        unlink(d->path[i]);
    d->n = 0;
}

/* A new temporary file next to out_base; its path is returned in d. */
static FILE *data_file(data_files *d, const char *out_base, const char *mode, const char **path, osib_err *err)
{
    if (d->n == 8) {
        osib_fail(err, OSIB_E_INTERNAL, "too many plot data files");
        return NULL;
    }
    snprintf(d->path[d->n], sizeof d->path[0], "%s.data%d.%ld", out_base, d->n, (long)getpid());
    FILE *f = fopen(d->path[d->n], mode);
    if (!f) {
        osib_fail(err, OSIB_E_IO, "%s: cannot create: %s", d->path[d->n], strerror(errno));
        return NULL;
    }
    *path = d->path[d->n++];
    return f;
}

static osib_status binary_file(data_files *d, const char *out_base, const double *v, size_t n, const char **path,
                               osib_err *err)
{
    FILE *f = data_file(d, out_base, "wb", path, err);
    if (!f)
        return err ? err->status : OSIB_E_IO;
    int ok = fwrite(v, sizeof *v, n, f) == n;
    ok = fclose(f) == 0 && ok;
    return ok ? OSIB_OK : osib_fail(err, OSIB_E_IO, "%s: write failed", *path);
}

/* Run gnuplot with a terminal, an output file and a script; fail unless it
 * exits 0. The output is written to a temporary name and renamed. */
static osib_status render(const char *out_path, const char *terminal, const char *script, osib_err *err)
{
    char tmp[OSIB_PATH_MAX];
    osib_status st = osib_atomic_tmpname(out_path, tmp, sizeof tmp, err);
    if (st != OSIB_OK)
        return st;
    FILE *gp = popen("gnuplot 1>&2", "w");
    if (!gp)
        return osib_fail(err, OSIB_E_EXTERNAL, "cannot start gnuplot: %s", strerror(errno));
    fprintf(gp, "set terminal %s\nset output '%s'\n%s", terminal, tmp, script);
    int status = pclose(gp);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        osib_atomic_abort(tmp);
        return osib_fail(err, OSIB_E_EXTERNAL, "gnuplot failed on %s (exit status %d); is gnuplot installed?", out_path,
                         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return osib_atomic_commit(tmp, out_path, err);
}

static osib_status render_both(const char *out_base, int width, int height, const osib_text *script, osib_err *err)
{
    if (script->failed)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for a plot");
    char path[OSIB_PATH_MAX], terminal[160];
    snprintf(path, sizeof path, "%s.png", out_base);
    snprintf(terminal, sizeof terminal, "pngcairo size %d,%d enhanced font 'Sans,10'", width, height);
    osib_status st = render(path, terminal, script->buf, err);
    if (st == OSIB_OK) {
        snprintf(path, sizeof path, "%s.svg", out_base);
        snprintf(terminal, sizeof terminal, "svg size %d,%d dynamic enhanced font 'Sans,10'", width, height);
        st = render(path, terminal, script->buf, err);
    }
    return st;
}

/* ---------------------------------------------------------------------------
 * Shot records
 * ------------------------------------------------------------------------- */

static void trace_axis(const double *trace_x_m, size_t ntrace, double *x0, double *dx, const char **label);

osib_status osib_plot_shot(const osib_shot_plot *p, osib_err *err)
{
    if (p->nt == 0 || p->ntrace == 0)
        return osib_fail(err, OSIB_E_DATA, "nothing to plot");
    data_files d = {.n = 0};
    const char *data;
    osib_status st = binary_file(&d, p->out_path, p->data, p->nt * p->ntrace, &data, err);
    if (st != OSIB_OK) {
        data_files_remove(&d);
        return st;
    }
    double clip = p->clip > 0.0 ? p->clip : osib_abs_quantile(p->data, p->nt * p->ntrace, 0.99);
    if (!(clip > 0.0))
        clip = 1.0;
    double x0, dx;
    const char *xlabel;
    trace_axis(p->trace_x_m, p->ntrace, &x0, &dx, &xlabel);

    osib_text s;
    osib_text_init(&s);
    osib_text_printf(&s, "set title \"%s\" noenhanced\n", p->title ? p->title : "shot record");
    osib_text_printf(&s, "set xlabel '%s'\nset ylabel 'time (ms)'\n", xlabel);
    /* time down: gnuplot ignores "reverse" on explicit ranges */
    osib_text_printf(&s, "set yrange [%.17g:%.17g]\n", ((double)p->nt - 0.5) * p->dt_ms, -0.5 * p->dt_ms);
    osib_text_printf(&s, "set xrange [%.17g:%.17g]\n", x0 - 0.5 * dx, x0 + ((double)p->ntrace - 0.5) * dx);
    osib_text_printf(&s, "set cbrange [%.17g:%.17g]\nset cblabel 'amplitude (clipped at +-%.3g)'\n%sset tics out\n",
                     -clip, clip, clip, palette);
    osib_text_printf(&s,
                     "plot '%s' binary array=(%zu,%zu) format='%%float64' origin=(%.17g,0) dx=%.17g dy=%.17g "
                     "with image notitle\n",
                     data, p->ntrace, p->nt, x0, dx, p->dt_ms);
    const char *dot = strrchr(p->out_path, '.');
    int svg = dot && strcmp(dot, ".svg") == 0;
    st = s.failed ? osib_fail(err, OSIB_E_NOMEM, "out of memory")
                  : render(p->out_path,
                           svg ? "svg size 900,700 dynamic enhanced font 'Sans,11'"
                               : "pngcairo size 900,700 enhanced font 'Sans,11'",
                           s.buf, err);
    osib_text_free(&s);
    data_files_remove(&d);
    return st;
}

int osib_receiver_line_x(const double *coords_m, size_t nrec, int ndim, double *x_m)
{
    if (nrec < 2)
        return 0;
    double dx = coords_m[ndim] - coords_m[0];
    if (!(fabs(dx) > 0.0))
        return 0;
    for (size_t r = 0; r < nrec; r++) {
        double want = coords_m[0] + (double)r * dx;
        if (fabs(coords_m[r * (size_t)ndim] - want) > 1e-6 * fabs(dx))
            return 0;
        for (int d = 1; d < ndim; d++)
            if (coords_m[r * (size_t)ndim + d] != coords_m[d])
                return 0;
    }
    for (size_t r = 0; r < nrec; r++)
        x_m[r] = coords_m[r * (size_t)ndim];
    return 1;
}

/* The x axis of a shot record: receivers' x in metres along a line, or
 * their numbers. */
static void trace_axis(const double *trace_x_m, size_t ntrace, double *x0, double *dx, const char **label)
{
    *x0 = trace_x_m ? trace_x_m[0] : 0.0;
    *dx = (trace_x_m && ntrace > 1) ? (trace_x_m[ntrace - 1] - *x0) / (double)(ntrace - 1) : 1.0;
    if (*dx == 0.0)
        *dx = 1.0;
    *label = trace_x_m ? "receiver x (m)" : "receiver number";
}

osib_status osib_plot_shot_panels(const osib_shot_panels *p, osib_err *err)
{
    if (p->npanels < 1 || p->npanels > 3 || p->nt == 0 || p->ntrace == 0)
        return osib_fail(err, OSIB_E_DATA, "nothing to plot");
    data_files d = {.n = 0};
    const char *files[3];
    osib_status st = OSIB_OK;
    for (int i = 0; st == OSIB_OK && i < p->npanels; i++)
        st = binary_file(&d, p->out_base, p->panels[i], p->nt * p->ntrace, &files[i], err);
    double clip = p->clip > 0.0 ? p->clip : osib_abs_quantile(p->panels[0], p->nt * p->ntrace, 0.99);
    if (!(clip > 0.0))
        clip = 1.0;
    const int own = p->last_own_scale && p->npanels > 1;
    double own_clip = own ? osib_abs_quantile(p->panels[p->npanels - 1], p->nt * p->ntrace, 1.0) : 0.0;
    if (!(own_clip > 0.0))
        own_clip = clip; /* identical panels: nothing to scale */
    double x0, dx;
    const char *xlabel;
    trace_axis(p->trace_x_m, p->ntrace, &x0, &dx, &xlabel);
    osib_text s;
    osib_text_init(&s);
    osib_text_printf(&s, "%sset tics out\n", palette);
    osib_text_printf(&s, "set multiplot layout 1,%d title \"%s\" noenhanced\n", p->npanels, p->title ? p->title : "");
    osib_text_printf(&s, "set yrange [%.17g:%.17g]\nset xrange [%.17g:%.17g]\n", ((double)p->nt - 0.5) * p->dt_ms,
                     -0.5 * p->dt_ms, x0 - 0.5 * dx, x0 + ((double)p->ntrace - 0.5) * dx);
    for (int i = 0; i < p->npanels; i++) {
        const int last = i + 1 == p->npanels, mine = own && last;
        /* a colour bar closes each run of panels that share a scale */
        const int bar = last || (own && i + 2 == p->npanels);
        osib_text_printf(&s, "set title \"%s\" noenhanced\nset xlabel '%s'\n", p->titles[i] ? p->titles[i] : "",
                         xlabel);
        osib_text_printf(&s, i == 0 ? "set ylabel 'time (ms)'\n" : "unset ylabel\n");
        osib_text_printf(&s, "set cbrange [%.17g:%.17g]\n", mine ? -own_clip : -clip, mine ? own_clip : clip);
        /* a panel with a colour bar keeps room on its right for the bar's
         * numbers and label */
        if (bar)
            osib_text_printf(&s, "set colorbox\nset rmargin 16\nset format cb '%s'\nset cblabel '%s'\n",
                             mine ? "%.1e" : "%g",
                             mine ? "difference (its own scale)" : "amplitude (clipped at 99th pct of |oracle|)");
        else
            osib_text_printf(&s, "unset colorbox\nset rmargin 3\nunset cblabel\n");
        osib_text_printf(&s,
                         "plot '%s' binary array=(%zu,%zu) format='%%float64' origin=(%.17g,0) dx=%.17g dy=%.17g "
                         "with image notitle\n",
                         files[i], p->ntrace, p->nt, x0, dx, p->dt_ms);
    }
    osib_text_printf(&s, "unset multiplot\n");
    if (st == OSIB_OK)
        st = render_both(p->out_base, 430 * p->npanels + 160, 540, &s, err);
    osib_text_free(&s);
    data_files_remove(&d);
    return st;
}

/* ---------------------------------------------------------------------------
 * Traces, Taylor remainders, rooflines, fields
 * ------------------------------------------------------------------------- */

osib_status osib_plot_traces(const osib_trace_plot *p, osib_err *err)
{
    data_files d = {.n = 0};
    const char *path;
    FILE *f = data_file(&d, p->out_base, "w", &path, err);
    if (!f)
        return err ? err->status : OSIB_E_IO;
    /* columns: t, then (ref, other) for each trace shown */
    for (size_t n = 0; n < p->nt; n++) {
        fprintf(f, "%.9g", (double)n * p->dt_ms);
        for (int k = 0; k < p->ntraces_shown; k++)
            fprintf(f, " %.9g %.9g", p->ref[n * p->ntrace + p->traces[k]], p->other[n * p->ntrace + p->traces[k]]);
        fputc('\n', f);
    }
    int ok = fclose(f) == 0;
    osib_text s;
    osib_text_init(&s);
    osib_text_printf(&s, "set multiplot layout %d,1 title \"%s\" noenhanced\n", p->ntraces_shown,
                     p->title ? p->title : "");
    osib_text_printf(&s, "set key top right\nset xlabel ''\nset grid\n");
    for (int k = 0; k < p->ntraces_shown; k++) {
        if (k + 1 == p->ntraces_shown)
            osib_text_printf(&s, "set xlabel 'time (ms)'\n");
        osib_text_printf(&s, "set ylabel 'receiver %zu'\n", p->traces[k]);
        osib_text_printf(&s,
                         "plot '%s' using 1:%d with lines lw 2 lc rgb '#1f3b73' title \"%s\" noenhanced, "
                         "'' using 1:%d with lines lw 1 dt 2 lc rgb '#d62728' title \"%s\" noenhanced\n",
                         path, 2 + 2 * k, p->ref_label, 3 + 2 * k, p->other_label);
    }
    osib_text_printf(&s, "unset multiplot\n");
    osib_status st = ok ? render_both(p->out_base, 900, 220 * p->ntraces_shown + 60, &s, err)
                        : osib_fail(err, OSIB_E_IO, "%s: write failed", path);
    osib_text_free(&s);
    data_files_remove(&d);
    return st;
}

osib_status osib_plot_taylor(const double *h, const double *e1, const double *e2, int n, double floor,
                             const char *title, const char *out_base, osib_err *err)
{
    if (n < 1)
        return osib_fail(err, OSIB_E_DATA, "nothing to plot");
    data_files d = {.n = 0};
    const char *path;
    FILE *f = data_file(&d, out_base, "w", &path, err);
    if (!f)
        return err ? err->status : OSIB_E_IO;
    double smallest = INFINITY;
    for (int i = 0; i < n; i++) {
        fprintf(f, "%.17g %.17g %.17g\n", h[i], e1[i] > 0 ? e1[i] : NAN, e2[i] > 0 ? e2[i] : NAN);
        if (e2[i] > 0 && e2[i] < smallest)
            smallest = e2[i];
    }
    int ok = fclose(f) == 0;
    osib_text s;
    osib_text_init(&s);
    osib_text_printf(&s, "set title \"%s\" noenhanced\nset logscale xy\nset grid\nset key bottom right\n",
                     title ? title : "Taylor test");
    osib_text_printf(&s, "set xlabel 'h'\nset ylabel 'remainder'\nset format y '10^{%%L}'\n");
    osib_text_printf(&s, "h0 = %.17g\nr1 = %.17g\nr2 = %.17g\n", h[0], e1[0], e2[0] > 0 ? e2[0] : 1.0);
    osib_text_printf(
        &s,
        "plot '%s' using 1:2 with linespoints pt 7 lw 2 lc rgb '#1f3b73' title 'e_1 = |{/Symbol F}(m+h dm) "
        "- {/Symbol F}(m)|', ",
        path);
    osib_text_printf(&s, "'' using 1:3 with linespoints pt 5 lw 2 lc rgb '#d62728' title 'e_2 = |... - h <g, dm>|', ");
    osib_text_printf(&s, "r1*(x/h0) with lines dt 2 lc rgb '#1f3b73' title 'slope 1', ");
    osib_text_printf(&s, "r2*(x/h0)**2 with lines dt 2 lc rgb '#d62728' title 'slope 2'");
    if (floor > 0 && floor >= smallest / 100)
        osib_text_printf(&s, ", %.17g with lines dt 3 lc rgb 'gray50' title 'round-off floor'", floor);
    osib_text_printf(&s, "\n");
    osib_status st =
        ok ? render_both(out_base, 720, 520, &s, err) : osib_fail(err, OSIB_E_IO, "%s: write failed", path);
    osib_text_free(&s);
    data_files_remove(&d);
    return st;
}

/* "set xtics (1, 2, 5, 10, ...)" over [lo, hi]: every 1-2-5 value inside. */
static void tics_125(osib_text *s, const char *which, double lo, double hi)
{
    if (!(lo > 0.0 && isfinite(hi) && hi >= lo)) { /* nothing to place on a log axis: gnuplot's own */
        osib_text_printf(s, "set %s autofreq\n", which);
        return;
    }
    osib_text_printf(s, "set %s (", which);
    int n = 0;
    for (int e = (int)floor(log10(lo)); e <= (int)ceil(log10(hi)) && n < 60; e++)
        for (int k = 0; k < 3; k++) {
            double v = (k == 0 ? 1.0 : k == 1 ? 2.0 : 5.0) * pow(10.0, e);
            if (v >= lo && v <= hi)
                osib_text_printf(s, "%s%.3g", n++ ? ", " : "", v);
        }
    osib_text_printf(s, ")\n");
}

osib_status osib_plot_roofline(const osib_roofline_point *pts, int n, double bandwidth_gbs, const char *title,
                               const char *out_base, osib_err *err)
{
    if (n < 1)
        return osib_fail(err, OSIB_E_DATA, "nothing to plot");
    data_files d = {.n = 0};
    const char *path;
    FILE *f = data_file(&d, out_base, "w", &path, err);
    if (!f)
        return err ? err->status : OSIB_E_IO;
    double lo = INFINITY, hi = 0, ymin = INFINITY, ymax = 0;
    for (int i = 0; i < n; i++) {
        fprintf(f, "%.9g %.9g \"%s\"\n", pts[i].intensity, pts[i].gflops, pts[i].label);
        lo = fmin(lo, pts[i].intensity);
        hi = fmax(hi, pts[i].intensity);
        ymin = fmin(ymin, pts[i].gflops);
        ymax = fmax(ymax, pts[i].gflops);
    }
    int ok = fclose(f) == 0;
    osib_text s;
    osib_text_init(&s);
    osib_text_printf(&s, "set title \"%s\" noenhanced\nset logscale xy\nset grid\nset key outside right top\n",
                     title ? title : "roofline");
    osib_text_printf(&s, "set xlabel 'operational intensity (flop/byte, spec cost model)'\nset ylabel 'GFlop/s'\n");
    /* Both axes span at least a decade and carry 1-2-5 ticks: a log axis
     * over less than a decade would show one tick or none. */
    double xlo = lo / 3, xhi = hi * 3;
    double yhi = bandwidth_gbs > 0 ? fmax(ymax, bandwidth_gbs * hi * 3) * 2 : ymax * 3;
    double ylo = fmin(ymin / 3, yhi / 10);
    osib_text_printf(&s, "set xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\n", xlo, xhi, ylo, yhi);
    tics_125(&s, "xtics", xlo, xhi);
    tics_125(&s, "ytics", ylo, yhi);
    if (bandwidth_gbs > 0)
        osib_text_printf(&s, "plot %.9g*x with lines lw 2 lc rgb 'gray40' title 'memory roof (%.3g GB/s)', ",
                         bandwidth_gbs, bandwidth_gbs);
    else
        osib_text_printf(&s, "set label 1 'no bandwidth given (osib certify --bandwidth): no roof drawn' at graph "
                             "0.03, graph 0.92\nplot ");
    /* one series per point, named in the key (labels on the chart overlap);
     * eight colours by eight marker shapes, so no two points look alike */
    static const char *const colours[8] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                           "#9467bd", "#8c564b", "#e377c2", "#17becf"};
    static const int shapes[8] = {7, 5, 9, 11, 13, 6, 4, 8};
    for (int i = 0; i < n; i++)
        osib_text_printf(&s,
                         "%s'%s' every ::%d::%d using 1:2 with points pt %d ps 1.6 lc rgb '%s' title \"%s\" "
                         "noenhanced",
                         i ? ", " : "", path, i, i, shapes[(i / 8) % 8], colours[i % 8], pts[i].label);
    osib_text_printf(&s, "\n");
    osib_status st =
        ok ? render_both(out_base, 980, 520, &s, err) : osib_fail(err, OSIB_E_IO, "%s: write failed", path);
    osib_text_free(&s);
    data_files_remove(&d);
    return st;
}

osib_status osib_plot_field(const osib_field_plot *p, osib_err *err)
{
    const size_t nx = p->nx, nz = p->nz;
    /* gnuplot reads x fastest: write the field depth-major. */
    double *t = malloc(nx * nz * sizeof *t);
    if (!t)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for a plot");
    for (size_t ix = 0; ix < nx; ix++)
        for (size_t iz = 0; iz < nz; iz++)
            t[iz * nx + ix] = p->field[ix * nz + iz];
    double clip = osib_abs_quantile(t, nx * nz, 0.995);
    if (!(clip > 0.0))
        clip = 1.0;
    data_files d = {.n = 0};
    const char *path;
    osib_status st = binary_file(&d, p->out_base, t, nx * nz, &path, err);
    free(t);
    osib_text s;
    osib_text_init(&s);
    osib_text_printf(&s, "set title \"%s\" noenhanced\n%sset cbrange [%.17g:%.17g]\nset size ratio -1\n",
                     p->title ? p->title : "", palette, -clip, clip);
    osib_text_printf(&s, "set xlabel 'x (m)'\nset ylabel 'depth (m)'\nset tics out\n");
    osib_text_printf(&s, "set xrange [%.17g:%.17g]\nset yrange [%.17g:%.17g]\n", p->x0_m - 0.5 * p->dx_m,
                     p->x0_m + ((double)nx - 0.5) * p->dx_m, p->z0_m + ((double)nz - 0.5) * p->dz_m,
                     p->z0_m - 0.5 * p->dz_m);
    if (p->box[1] > p->box[0])
        osib_text_printf(&s,
                         "set object 1 rectangle from %.17g,%.17g to %.17g,%.17g front fillstyle empty border "
                         "lc rgb 'gray30' dt 2\n",
                         p->box[0], p->box[2], p->box[1], p->box[3]);
    osib_text_printf(&s,
                     "plot '%s' binary array=(%zu,%zu) format='%%float64' origin=(%.17g,%.17g) dx=%.17g dy=%.17g "
                     "with image notitle\n",
                     path, nx, nz, p->x0_m, p->z0_m, p->dx_m, p->dz_m);
    if (st == OSIB_OK)
        st = render_both(p->out_base, 760, 620, &s, err);
    osib_text_free(&s);
    data_files_remove(&d);
    return st;
}
