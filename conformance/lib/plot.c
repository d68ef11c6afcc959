#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileutil.h"

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

static const char *terminal_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && strcmp(dot, ".svg") == 0)
        return "svg size 900,700 dynamic enhanced font 'Sans,11'";
    return "pngcairo size 900,700 enhanced font 'Sans,11'";
}

/* gnuplot reads its script from a pipe; its output goes to our stderr. */
static osib_status gnuplot_open(FILE **gp, osib_err *err)
{
    *gp = popen("gnuplot 1>&2", "w");
    if (!*gp)
        return osib_fail(err, OSIB_E_EXTERNAL, "cannot start gnuplot: %s", strerror(errno));
    return OSIB_OK;
}

/* Wait for gnuplot; fail unless it exited 0. */
static osib_status gnuplot_close(FILE *gp, osib_err *err)
{
    int status = pclose(gp);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return osib_fail(err, OSIB_E_EXTERNAL, "gnuplot failed (exit status %d); is gnuplot installed?",
                         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return OSIB_OK;
}

osib_status osib_plot_shot(const osib_shot_plot *p, osib_err *err)
{
    if (p->nt == 0 || p->ntrace == 0)
        return osib_fail(err, OSIB_E_DATA, "nothing to plot");

    /* gnuplot reads the record as a float64 array, x (trace) fastest. */
    char data_path[OSIB_PATH_MAX];
    snprintf(data_path, sizeof data_path, "%s.data.%ld", p->out_path, (long)getpid());
    FILE *f = fopen(data_path, "wb");
    if (!f)
        return osib_fail(err, OSIB_E_IO, "%s: cannot create: %s", data_path, strerror(errno));
    size_t count = p->nt * p->ntrace;
    int ok = fwrite(p->data, sizeof(double), count, f) == count;
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        unlink(data_path);
        return osib_fail(err, OSIB_E_IO, "%s: write failed", data_path);
    }

    double clip = p->clip > 0.0 ? p->clip : osib_abs_quantile(p->data, count, 0.99);
    if (!(clip > 0.0))
        clip = 1.0;
    double x0 = p->trace_x_m ? p->trace_x_m[0] : 0.0;
    double dx = (p->trace_x_m && p->ntrace > 1) ? (p->trace_x_m[p->ntrace - 1] - x0) / (double)(p->ntrace - 1) : 1.0;
    if (dx == 0.0)
        dx = 1.0;

    char tmp_out[OSIB_PATH_MAX];
    osib_status st = osib_atomic_tmpname(p->out_path, tmp_out, sizeof tmp_out, err);
    if (st != OSIB_OK) {
        unlink(data_path);
        return st;
    }
    FILE *gp;
    st = gnuplot_open(&gp, err);
    if (st != OSIB_OK) {
        unlink(data_path);
        return st;
    }
    fprintf(gp, "set terminal %s\n", terminal_for(p->out_path));
    fprintf(gp, "set output '%s'\n", tmp_out);
    fprintf(gp, "set title \"%s\" noenhanced\n", p->title ? p->title : "shot record");
    fprintf(gp, "set xlabel '%s'\n", p->trace_x_m ? "receiver x (m)" : "trace");
    fprintf(gp, "set ylabel 'time (ms)'\n");
    fprintf(gp, "set yrange [%.17g:%.17g] reverse\n", -0.5 * p->dt_ms, ((double)p->nt - 0.5) * p->dt_ms);
    fprintf(gp, "set xrange [%.17g:%.17g]\n", x0 - 0.5 * dx, x0 + ((double)p->ntrace - 0.5) * dx);
    fprintf(gp, "set cbrange [%.17g:%.17g]\n", -clip, clip);
    fprintf(gp, "set cblabel 'amplitude (clipped at +-%.3g)'\n", clip);
    fprintf(gp, "set palette defined (0 '#08306b', 0.35 '#6baed6', 0.5 'white', 0.65 '#fc9272', 1 '#67000d')\n");
    fprintf(gp, "set tics out\n");
    fprintf(gp,
            "plot '%s' binary array=(%zu,%zu) format='%%float64' origin=(%.17g,0) dx=%.17g dy=%.17g "
            "with image notitle\n",
            data_path, p->ntrace, p->nt, x0, dx, p->dt_ms);
    st = gnuplot_close(gp, err);
    unlink(data_path);
    if (st == OSIB_OK)
        st = osib_atomic_commit(tmp_out, p->out_path, err);
    else
        osib_atomic_abort(tmp_out);
    return st;
}
