#include "figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrays.h"
#include "estimate.h"
#include "fileutil.h"
#include "hash.h"
#include "plot.h"

/* Record a drawn figure (both files) in the report. */
static osib_status add_figure(osib_report *r, const char *out_dir, const char *rel_base, const char *caption,
                              osib_err *err)
{
    static const char *const ext[] = {".png", ".svg"};
    osib_status st = OSIB_OK;
    for (int i = 0; st == OSIB_OK && i < 2; i++) {
        char rel[340], path[OSIB_PATH_MAX], hex[OSIB_SHA256_HEX];
        snprintf(rel, sizeof rel, "%s%s", rel_base, ext[i]);
        snprintf(path, sizeof path, "%s/%s", out_dir, rel);
        st = osib_sha256_file(path, hex, err);
        if (st == OSIB_OK)
            st = osib_report_add_file(r, rel, hex, 1, err);
    }
    if (st == OSIB_OK && r->nfigures < (int)(sizeof r->figures / sizeof r->figures[0])) {
        osib_figure *f = &r->figures[r->nfigures++];
        snprintf(f->base, sizeof f->base, "%s", rel_base);
        snprintf(f->caption, sizeof f->caption, "%s", caption);
    }
    return st;
}

static const osib_check *find_check(const osib_report *r, const char *id)
{
    for (size_t i = 0; i < r->nchecks; i++)
        if (strcmp(r->checks[i].id, id) == 0)
            return &r->checks[i];
    return NULL;
}

/* The implementation's forward data from the oracle task, if it completed. */
static double *task_forward_data(const char *out_dir, const char *task, osib_err *err)
{
    char tdir[OSIB_PATH_MAX], path[OSIB_PATH_MAX];
    snprintf(tdir, sizeof tdir, "%s/tasks/%s", out_dir, task);
    snprintf(path, sizeof path, "%s/request.yaml", tdir);
    osib_request req;
    if (osib_request_load(path, &req, err) != OSIB_OK)
        return NULL;
    double *data = NULL;
    const osib_array_ref *ref = osib_request_output(&req, "forward_data");
    if (ref)
        osib_arrays_read(tdir, ref, 1, &data, err);
    osib_request_free(&req);
    return data;
}

static osib_status shot_figures(osib_report *r, const osib_oracle *o, const char *out_dir, osib_err *err)
{
    const osib_case *c = o->c;
    char id[200];
    snprintf(id, sizeof id, "oracle/%s/forward/forward_data/e2", c->id);
    const osib_check *k = find_check(r, id);
    if (!k || !k->tasks[0])
        return OSIB_OK; /* forward not certified, or it failed to run */
    double *impl = task_forward_data(out_dir, k->tasks, err);
    if (!impl)
        return err->status ? err->status : OSIB_E_IO;
    const double *want = osib_oracle_array(o, "forward_data");
    const size_t nt = c->nt, nr = c->receivers.count, n = nt * nr;
    double *diff = malloc(n * sizeof *diff);
    if (!diff) {
        free(impl);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the figures");
    }
    double dmax = 0.0, wmax = 0.0;
    for (size_t i = 0; i < n; i++) {
        diff[i] = impl[i] - want[i];
        dmax = fmax(dmax, fabs(diff[i]));
        wmax = fmax(wmax, fabs(want[i]));
    }
    /* Receivers along a line (every 2D case) are drawn at their x in
     * metres, as osib plot shot draws them; a 3D carpet by number. */
    double *rec = malloc(nr * (size_t)c->ndim * sizeof *rec), *line_x = malloc(nr * sizeof *line_x);
    if (!rec || !line_x) {
        free(rec);
        free(line_x);
        free(diff);
        free(impl);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the figures");
    }
    osib_points_expand(&c->receivers, c->ndim, rec);
    int on_line = osib_receiver_line_x(rec, nr, c->ndim, line_x);
    char rel[320], path[OSIB_PATH_MAX], title[256], dtitle[128], caption[256];
    snprintf(dtitle, sizeof dtitle, "difference, own scale (max %.2g of max |oracle|)", wmax > 0 ? dmax / wmax : dmax);
    snprintf(rel, sizeof rel, "plots/shot-%s", c->id);
    snprintf(path, sizeof path, "%s/%s", out_dir, rel);
    snprintf(title, sizeof title, "%s: forward data", c->id);
    osib_shot_panels sp = {.panels = {want, impl, diff},
                           .titles = {"oracle", "implementation", dtitle},
                           .npanels = 3,
                           .nt = nt,
                           .ntrace = nr,
                           .dt_ms = c->dt_ms,
                           .trace_x_m = on_line ? line_x : NULL,
                           .last_own_scale = 1,
                           .title = title,
                           .out_base = path};
    osib_status st = osib_plot_shot_panels(&sp, err);
    snprintf(caption, sizeof caption,
             "%s: shot record of the oracle and of the implementation on one colour scale, and their difference on "
             "its own (its colour bar says how large)%s",
             c->id, on_line ? "" : "; receivers numbered row by row across the carpet");
    if (st == OSIB_OK)
        st = add_figure(r, out_dir, rel, caption, err);

    if (st == OSIB_OK) {
        size_t traces[4] = {0, nr / 4, nr / 2, (3 * nr) / 4};
        int shown = nr >= 4 ? 4 : (int)nr;
        snprintf(rel, sizeof rel, "plots/traces-%s", c->id);
        snprintf(path, sizeof path, "%s/%s", out_dir, rel);
        snprintf(title, sizeof title, "%s: forward data at four receivers", c->id);
        osib_trace_plot tp = {.ref = want,
                              .other = impl,
                              .ref_label = "oracle",
                              .other_label = "implementation",
                              .nt = nt,
                              .ntrace = nr,
                              .dt_ms = c->dt_ms,
                              .traces = traces,
                              .ntraces_shown = shown,
                              .title = title,
                              .out_base = path};
        st = osib_plot_traces(&tp, err);
        snprintf(caption, sizeof caption, "%s: traces of the oracle (solid) and the implementation (dashed)", c->id);
        if (st == OSIB_OK)
            st = add_figure(r, out_dir, rel, caption, err);
    }
    free(rec);
    free(line_x);
    free(diff);
    free(impl);
    return st;
}

static osib_status taylor_figure(osib_report *r, const osib_case *c, const char *out_dir, osib_err *err)
{
    char id[200];
    snprintf(id, sizeof id, "taylor/%s/gradient/derivative", c->id);
    const osib_check *k = find_check(r, id);
    if (!k || k->nparams < 4 + 3 * OSIB_TAYLOR_STEPS || isnan(k->params[4 + OSIB_TAYLOR_STEPS]))
        return OSIB_OK; /* no Taylor test, or its tasks failed */
    const double *h = &k->params[4], *e1 = &k->params[4 + OSIB_TAYLOR_STEPS];
    const double *e2 = &k->params[4 + 2 * OSIB_TAYLOR_STEPS];
    char rel[320], path[OSIB_PATH_MAX], title[256], caption[256];
    snprintf(rel, sizeof rel, "plots/taylor-%s", c->id);
    snprintf(path, sizeof path, "%s/%s", out_dir, rel);
    snprintf(title, sizeof title, "%s: Taylor test (slopes %.2f, %.2f; <g,dm> off by %.2g of dPhi)", c->id,
             k->params[2], k->params[3], k->value);
    osib_status st = osib_plot_taylor(h, e1, e2, OSIB_TAYLOR_STEPS, 0.0, title, path, err);
    snprintf(caption, sizeof caption,
             "%s: first- and second-order Taylor remainders against h, with lines of slope 1 and 2", c->id);
    if (st == OSIB_OK)
        st = add_figure(r, out_dir, rel, caption, err);
    return st;
}

static osib_status roofline_figure(osib_report *r, const osib_case *cases, int ncases, const char *out_dir,
                                   osib_err *err)
{
    if (r->ntimings == 0)
        return OSIB_OK;
    osib_roofline_point pts[64];
    char labels[64][96];
    int n = 0;
    int bytes = strcmp(r->precision, "float32") == 0 ? 4 : 8;
    for (int i = 0; i < r->ntimings && n < 64; i++) {
        const osib_timing *t = &r->timings[i];
        const osib_case *c = NULL;
        for (int k = 0; k < ncases; k++)
            if (strcmp(cases[k].id, t->case_id) == 0)
                c = &cases[k];
        int op = osib_op_parse(t->op);
        if (!c || op < 0 || !(t->gflops_compute > 0))
            continue;
        double flops = osib_case_flops_per_point_step(c, (osib_op)op);
        pts[n].intensity = flops / (osib_case_values_per_point_step(c, (osib_op)op) * bytes);
        pts[n].gflops = t->gflops_compute;
        snprintf(labels[n], sizeof labels[n], "%s %s", t->op, t->case_id);
        pts[n].label = labels[n];
        n++;
    }
    if (n == 0)
        return OSIB_OK;
    char rel[320] = "plots/roofline", path[OSIB_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", out_dir, rel);
    osib_status st =
        osib_plot_roofline(pts, n, r->bandwidth_gbs, "roofline (spec cost model, compute time)", path, err);
    if (st == OSIB_OK)
        st = add_figure(r, out_dir, rel,
                        "Achieved GFlop/s (reported compute time) against the spec's operational intensity, "
                        "under the memory-bandwidth roof when a bandwidth was given",
                        err);
    return st;
}

osib_status osib_figures_make(osib_report *r, const osib_case *cases, const osib_oracle *oracles, int ncases,
                              const char *out_dir, FILE *warn, osib_err *err)
{
    char dir[OSIB_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/plots", out_dir);
    osib_status st = osib_mkdir_p(dir, err);
    if (st != OSIB_OK)
        return st;
    for (int i = 0; i < ncases; i++) {
        osib_err ferr = {0};
        if (!oracles[i].c)
            continue; /* a benchmark case: no oracle to draw against */
        if (shot_figures(r, &oracles[i], out_dir, &ferr) != OSIB_OK ||
            taylor_figure(r, oracles[i].c, out_dir, &ferr) != OSIB_OK) {
            if (warn)
                fprintf(warn, "osib: warning: figures for %s: %s\n", oracles[i].c->id, ferr.msg);
            if (ferr.status == OSIB_E_NOMEM || ferr.status == OSIB_E_INTERNAL) {
                *err = ferr;
                return ferr.status;
            }
        }
    }
    osib_err ferr = {0};
    if (roofline_figure(r, cases, ncases, out_dir, &ferr) != OSIB_OK && warn)
        fprintf(warn, "osib: warning: roofline figure: %s\n", ferr.msg);
    return OSIB_OK;
}
