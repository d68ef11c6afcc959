#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arrays.h"
#include "checks.h"
#include "compare.h"
#include "estimate.h"
#include "gates.h"
#include "h5io.h"
#include "hash.h"
#include "kitfiles.h"
#include "measures.h"
#include "refs.h"
#include "report.h"
#include "report_html.h"
#include "report_md.h"
#include "required.h"
#include "text.h"
#include "timing.h"
#include "version.h"

enum { MAX_ORACLES = 32, MAX_REFS = 256 };

/* A reference record read once, its outputs recomputed once. */
typedef struct {
    char rel[128];
    osib_ref_loaded rec;
    int ok; /* read, and (simple reference) recomputed to the same bits */
} ref_entry;

typedef struct {
    const char *dir, *kit_root;
    const osib_yardstick *yardstick; /* recomputes the simple reference's records */
    FILE *out;
    osib_verify_result *res;
    osib_case cases[MAX_ORACLES];
    osib_oracle oracles[MAX_ORACLES];
    int noracles;
    int dtype_bytes; /* of the report's precision class */
    ref_entry *refs;
    int nrefs;
    int fast_refs; /* records of the fast reference: read, not recomputed */
} verifier;

static void problem(verifier *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(verifier *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("REFUTED ", v->out);
    vfprintf(v->out, fmt, ap);
    fputc('\n', v->out);
    va_end(ap);
    v->res->problems++;
}

static void note(verifier *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(verifier *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("note: ", v->out);
    vfprintf(v->out, fmt, ap);
    fputc('\n', v->out);
    va_end(ap);
    v->res->notes++;
}

/* A path the report lists must stay inside the report directory. */
static int plain_relative(const char *p)
{
    if (!p[0] || p[0] == '/')
        return 0;
    for (const char *s = p; *s;) {
        const char *slash = strchr(s, '/');
        size_t len = slash ? (size_t)(slash - s) : strlen(s);
        if (len == 0 || (len == 2 && s[0] == '.' && s[1] == '.') || (len == 1 && s[0] == '.'))
            return 0;
        s += len + (slash ? 1 : 0);
    }
    return 1;
}

/* A task's request (its case and arrays). */
static osib_status task_request(verifier *v, const char *task, osib_request *r, osib_err *err)
{
    if (!task[0] || !plain_relative(task))
        return osib_fail(err, OSIB_E_DATA, "task \"%s\"", task);
    char path[OSIB_PATH_MAX];
    snprintf(path, sizeof path, "%s/tasks/%s/request.yaml", v->dir, task);
    return osib_request_load(path, r, err);
}

/* One array of a task, by input or output name. */
static osib_status task_array(verifier *v, const char *task, const char *name, double **data, size_t *count,
                              osib_err *err)
{
    osib_request r;
    osib_status st = task_request(v, task, &r, err);
    if (st != OSIB_OK)
        return st;
    const osib_array_ref *ref = osib_request_output(&r, name);
    if (!ref)
        ref = osib_request_input(&r, name);
    if (!ref)
        st = osib_fail(err, OSIB_E_DATA, "task %s has no array %s", task, name);
    else {
        char tdir[OSIB_PATH_MAX];
        snprintf(tdir, sizeof tdir, "%s/tasks/%s", v->dir, task);
        *count = osib_array_count(ref);
        st = osib_arrays_read(tdir, ref, 1, data, err);
    }
    osib_request_free(&r);
    return st;
}

/* The oracle of a case, loaded once, the case taken from a task's request. */
static const osib_oracle *oracle_for(verifier *v, const char *case_id, const char *task, osib_err *err)
{
    for (int i = 0; i < v->noracles; i++)
        if (strcmp(v->cases[i].id, case_id) == 0)
            return &v->oracles[i];
    if (v->noracles == MAX_ORACLES)
        return NULL;
    osib_request r;
    if (task_request(v, task, &r, err) != OSIB_OK)
        return NULL;
    v->cases[v->noracles] = r.c; /* the request's case now belongs here */
    if (osib_oracle_load(&v->oracles[v->noracles], &v->cases[v->noracles], v->kit_root, err) != OSIB_OK) {
        osib_case_free(&v->cases[v->noracles]);
        return NULL;
    }
    return &v->oracles[v->noracles++];
}

/* A reference record, read and - made by the simple reference -
 * recomputed from its own inputs, once. NULL (with a problem printed) when
 * it cannot be trusted. */
static const ref_entry *ref_for(verifier *v, const char *rel)
{
    for (int i = 0; i < v->nrefs; i++)
        if (strcmp(v->refs[i].rel, rel) == 0)
            return v->refs[i].ok ? &v->refs[i] : NULL;
    if (v->nrefs == MAX_REFS)
        return NULL;
    ref_entry *e = &v->refs[v->nrefs++];
    memset(e, 0, sizeof *e);
    snprintf(e->rel, sizeof e->rel, "%s", rel);
    osib_err err = {0};
    if (osib_ref_read(v->dir, rel, &e->rec, &err) != OSIB_OK) {
        problem(v, "%s: %s", rel, err.msg);
        return NULL;
    }
    if (e->rec.kind == OSIB_REF_FAST) {
        v->fast_refs++;
        e->ok = 1;
        return e;
    }
    double *again[OSIB_REQ_MAX_OUTPUTS] = {0};
    const double *in[OSIB_REQ_MAX_INPUTS];
    for (int i = 0; i < OSIB_REQ_MAX_INPUTS; i++)
        in[i] = e->rec.inputs[i];
    const char *const *names = osib_case_input_names(&e->rec.c, e->rec.op);
    for (int i = 0; names[i]; i++)
        if (!in[i]) {
            problem(v, "%s: input %s is missing", rel, names[i]);
            return NULL;
        }
    if (osib_reference_run(OSIB_REF_SIMPLE, v->yardstick, &e->rec.c, e->rec.op, in, again, &err) != OSIB_OK) {
        problem(v, "%s: cannot recompute: %s", rel, err.msg);
        return NULL;
    }
    const char *const *outs = osib_op_output_names(e->rec.op);
    int same_bits = 1;
    for (int i = 0; outs[i]; i++) {
        int rank;
        size_t dims[OSIB_REQ_RANK_MAX], n = 1;
        osib_array_shape(&e->rec.c, outs[i], &rank, dims);
        for (int d = 0; d < rank; d++)
            n *= dims[d];
        same_bits = same_bits && memcmp(again[i], e->rec.outputs[i], n * sizeof(double)) == 0;
        free(again[i]);
    }
    if (!same_bits) {
        problem(v, "%s: the simple reference recomputes other outputs from its inputs than the record holds", rel);
        return NULL;
    }
    e->ok = 1;
    return e;
}

static int same(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b));
}

/* The n-th word of a space-separated task list. */
static void nth_task(const char *tasks, int n, char *out, size_t cap)
{
    out[0] = '\0';
    char buf[256];
    snprintf(buf, sizeof buf, "%s", tasks);
    int i = 0;
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save), i++)
        if (i == n) {
            snprintf(out, cap, "%s", t);
            return;
        }
}

/* The output name of a check without a repetition suffix ("gradient"). */
static void base_output(const char *output, char *out, size_t cap)
{
    snprintf(out, cap, "%s", output);
    char *rep = strstr(out, "-rep");
    if (rep)
        *rep = '\0';
}

/* e2, einf or ewin of got against want, shaped like output `name` of case c. */
static double measure(const osib_check *k, const osib_case *c, const char *name, const double *want, const double *got)
{
    int rank;
    size_t dims[OSIB_REQ_RANK_MAX], n = 1;
    osib_array_shape(c, name, &rank, dims);
    for (int d = 0; d < rank; d++)
        n *= dims[d];
    if (strcmp(k->measure, "ewin") == 0)
        return osib_compare_windowed(want, got, rank, dims, OSIB_WINDOW_FLOOR).worst;
    osib_diff diff = osib_compare(want, got, n);
    return strcmp(k->measure, "e2") == 0 ? diff.rel_l2 : diff.rel_max;
}

/* Recompute one check; *value gets the result. Returns 0 when the check
 * cannot be recomputed from kept files (measured only). */
static int recompute(verifier *v, const osib_check *k, double *value, osib_err *err)
{
    char t0[16], t1[16], t2[16], out_name[48];
    nth_task(k->tasks, 0, t0, sizeof t0);
    nth_task(k->tasks, 1, t1, sizeof t1);
    nth_task(k->tasks, 2, t2, sizeof t2);
    base_output(k->output, out_name, sizeof out_name);
    double *a = NULL, *b = NULL, *c = NULL, *d = NULL;
    size_t na = 0, nb = 0, nc = 0, nd = 0;
    osib_status st = OSIB_OK;
    int done = 1;
    int is_output_measure =
        strcmp(k->measure, "e2") == 0 || strcmp(k->measure, "einf") == 0 || strcmp(k->measure, "ewin") == 0;

    if (strcmp(k->gate, "oracle") == 0 && is_output_measure) {
        const osib_oracle *o = oracle_for(v, k->case_id, t0, err);
        if (!o)
            st = err->status ? err->status : OSIB_E_INTERNAL;
        if (st == OSIB_OK)
            st = task_array(v, t0, k->output, &a, &na, err);
        if (st == OSIB_OK)
            *value = measure(k, o->c, k->output, osib_oracle_array(o, k->output), a);
    } else if (strcmp(k->gate, "precision") == 0) {
        if (strstr(k->output, "-rep"))
            done = 0; /* a timed repetition's outputs were checked during the run and deleted */
        else if ((st = task_array(v, t0, k->output, &a, &na, err)) == OSIB_OK)
            *value = osib_narrow_fraction(a, na, v->dtype_bytes, NULL);
    } else if ((strcmp(k->gate, "challenge") == 0 || strcmp(k->gate, "timing") == 0) && is_output_measure) {
        const ref_entry *e = ref_for(v, k->reference);
        const char *const *outs = e ? osib_op_output_names(e->rec.op) : NULL;
        if (!e) {
            st = osib_fail(err, OSIB_E_DATA, "its reference record %s cannot be used", k->reference);
        } else if (strcmp(k->gate, "challenge") == 0) {
            int i = 0;
            while (outs[i] && strcmp(outs[i], k->output) != 0)
                i++;
            if (!outs[i])
                st = osib_fail(err, OSIB_E_DATA, "%s has no output %s", k->reference, k->output);
            else if ((st = task_array(v, t0, k->output, &a, &na, err)) == OSIB_OK)
                *value = measure(k, &e->rec.c, k->output, e->rec.outputs[i], a);
        } else if (!e->rec.compared[0]) {
            st = osib_fail(err, OSIB_E_DATA, "%s holds no combined outputs", k->reference);
        } else {
            /* the gradient's image is the reference's born_adjoint_image */
            *value = measure(k, &e->rec.c, outs[0], e->rec.outputs[0], e->rec.compared[0]);
        }
    } else if (strcmp(k->gate, "dot") == 0) {
        int is_j = strstr(k->id, "/J/") != NULL;
        int ref_side = k->nparams >= 1 ? (int)k->params[0] : 0;
        const ref_entry *e = ref_side ? ref_for(v, k->reference) : NULL;
        const char *x_name = is_j ? "dm" : "src_wavelet", *y_name = "adjoint_data";
        if (ref_side && !e)
            st = osib_fail(err, OSIB_E_DATA, "its reference record %s cannot be used", k->reference);
        else if (ref_side == 0) {
            if ((st = task_array(v, t0, x_name, &a, &na, err)) == OSIB_OK &&
                (st = task_array(v, t0, is_j ? "born_data" : "forward_data", &b, &nb, err)) == OSIB_OK &&
                (st = task_array(v, t1, y_name, &c, &nc, err)) == OSIB_OK &&
                (st = task_array(v, t1, is_j ? "born_adjoint_image" : "adjoint_wavelet", &d, &nd, err)) == OSIB_OK)
                *value = osib_dot_mismatch(a, d, na, c, b, nc);
        } else if (ref_side == 1) { /* the adjoint side is the kit's: its record holds y and A^T y */
            if ((st = task_array(v, t0, x_name, &a, &na, err)) == OSIB_OK &&
                (st = task_array(v, t0, is_j ? "born_data" : "forward_data", &b, &nb, err)) == OSIB_OK)
                *value = osib_dot_mismatch(a, e->rec.outputs[0], na, e->rec.inputs[is_j ? 2 : 1], b, nb);
        } else { /* the forward side is the kit's: its record holds x and A x */
            int xi = is_j ? 2 : 1;
            if ((st = task_array(v, t0, y_name, &c, &nc, err)) == OSIB_OK &&
                (st = task_array(v, t0, is_j ? "born_adjoint_image" : "adjoint_wavelet", &d, &nd, err)) == OSIB_OK) {
                size_t nx = is_j ? osib_case_physical_points(&e->rec.c) : e->rec.c.nt * e->rec.c.sources.count;
                *value = osib_dot_mismatch(e->rec.inputs[xi], d, nx, c, e->rec.outputs[0], nc);
            }
        }
    } else if (strcmp(k->gate, "linearity") == 0) {
        if (k->nparams < 2)
            st = osib_fail(err, OSIB_E_DATA, "%s: parameters a, b missing", k->id);
        else if ((st = task_array(v, t0, "forward_data", &a, &na, err)) == OSIB_OK &&
                 (st = task_array(v, t1, "forward_data", &b, &nb, err)) == OSIB_OK &&
                 (st = task_array(v, t2, "forward_data", &c, &nc, err)) == OSIB_OK)
            *value = osib_linearity_error(k->params[0], k->params[1], a, b, c, na);
    } else if (strcmp(k->gate, "taylor") == 0) {
        /* base task, then one task per h; the direction in taylor-<case>.h5 */
        double *dm = NULL, h[OSIB_TAYLOR_STEPS], phi[OSIB_TAYLOR_STEPS];
        int nh = k->nparams >= 4 + OSIB_TAYLOR_STEPS ? OSIB_TAYLOR_STEPS : 0;
        if (nh == 0)
            st = osib_fail(err, OSIB_E_DATA, "%s: parameters missing", k->id);
        if (st == OSIB_OK && (st = task_array(v, t0, "objective", &a, &na, err)) == OSIB_OK &&
            (st = task_array(v, t0, "gradient", &b, &nb, err)) == OSIB_OK) {
            char path[OSIB_PATH_MAX];
            snprintf(path, sizeof path, "%s/taylor-%s.h5", v->dir, k->case_id);
            osib_h5file f = {.id = -1};
            size_t dims[OSIB_MAX_RANK];
            int rank;
            if ((st = osib_h5_open(&f, path, err)) == OSIB_OK) {
                if ((st = osib_h5_shape(&f, "/taylor/dm", &rank, dims, err)) == OSIB_OK) {
                    size_t n = 1;
                    for (int i = 0; i < rank; i++)
                        n *= dims[i];
                    if (n != nb)
                        st =
                            osib_fail(err, OSIB_E_DATA, "%s: /taylor/dm has %zu values, the gradient %zu", path, n, nb);
                    else
                        st = osib_h5_read_alloc(&f, "/taylor/dm", rank, dims, &dm, err);
                }
                osib_h5_close(&f, NULL);
            }
        }
        for (int i = 0; st == OSIB_OK && i < nh; i++) {
            char ti[16];
            double *p = NULL;
            size_t np;
            nth_task(k->tasks, i + 1, ti, sizeof ti);
            h[i] = k->params[4 + i];
            st = task_array(v, ti, "objective", &p, &np, err);
            if (st == OSIB_OK)
                phi[i] = p[0];
            free(p);
        }
        if (st == OSIB_OK) {
            long double gdm = 0.0L;
            for (size_t i = 0; i < nb; i++)
                gdm += (long double)b[i] * dm[i];
            osib_taylor tf;
            osib_taylor_measure(h, phi, nh, a[0], (double)gdm, &tf);
            *value = tf.rho;
        }
        free(dm);
    } else {
        done = 0; /* task completions, the kit's files, a repetition's objective: measured only */
    }
    free(a);
    free(b);
    free(c);
    free(d);
    if (st != OSIB_OK) {
        problem(v, "%s: cannot recompute: %s", k->id, err->msg);
        return 0;
    }
    return done;
}

/* Checks made once the correctness gates had passed. */
static int timing_phase(const osib_check *k)
{
    return strcmp(k->gate, "timing") == 0 || (strcmp(k->gate, "precision") == 0 && strstr(k->output, "-rep"));
}

/* 4b. How the run was chosen (RULES.md §6). The facts compliance follows
 * from must agree with the command line the report records, read as
 * osib certify's getopt_long reads it (unambiguous prefixes, --name=value);
 * and a run of suite oracle must account for every oracle case of this kit:
 * certified, or left out as outside the capabilities it declares. A forger
 * must then rewrite the command line and the cases too. */
static const char *certify_option(const char *token, const char **value)
{
    static const char *const names[] = {"impl",      "suite", "case", "ops",  "repeat", "seed",
                                        "bandwidth", "force", "out",  "help", NULL};
    *value = NULL;
    if (strncmp(token, "--", 2) != 0)
        return NULL;
    const char *name = token + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const char *match = NULL;
    for (int i = 0; names[i] && len > 0; i++) {
        if (strncmp(names[i], name, len) != 0)
            continue;
        if (strlen(names[i]) == len) { /* the whole name, even where it prefixes another */
            match = names[i];
            break;
        }
        match = match ? "" : names[i]; /* "": ambiguous, as getopt_long finds it */
    }
    if (!match || !match[0])
        return NULL;
    *value = eq ? eq + 1 : NULL;
    return match;
}

/* Whether a manifest's recorded capabilities ("iso, tti; 2D, 3D; space
 * orders 4, 8") admit case c. */
static int capable(const char *capabilities, const osib_case *c)
{
    char physics[64], dims[8], order[8];
    snprintf(physics, sizeof physics, "%s", osib_physics_name(c->physics));
    snprintf(dims, sizeof dims, "%dD", c->ndim);
    snprintf(order, sizeof order, "%d", c->space_order);
    const char *orders = strstr(capabilities, "space orders ");
    int has_physics = strstr(capabilities, physics) != NULL && (!orders || strstr(capabilities, physics) < orders);
    int has_dims = strstr(capabilities, dims) != NULL;
    int has_order = 0;
    for (const char *p = orders ? orders + 13 : NULL; p && *p;) {
        size_t n = strcspn(p, ", ");
        has_order |= n == strlen(order) && strncmp(p, order, n) == 0;
        p += n;
        p += strspn(p, ", ");
    }
    return has_physics && has_dims && has_order;
}

static int listed(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list; (p = strstr(p, id)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
            return 1;
    return 0;
}

static void check_conduct(verifier *v, const osib_report *r)
{
    char line[sizeof r->command_line];
    snprintf(line, sizeof line, "%s", r->command_line);
    if (strncmp(line, "osib certify ", 13) == 0) {
        int seed = 0, ops = 0;
        char suite[sizeof r->suite] = "";
        char *save = NULL;
        strtok_r(line, " ", &save); /* osib */
        strtok_r(NULL, " ", &save); /* certify */
        for (char *tok = strtok_r(NULL, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
            const char *value, *opt = certify_option(tok, &value);
            if (!opt)
                continue;
            seed |= strcmp(opt, "seed") == 0;
            ops |= strcmp(opt, "ops") == 0;
            if (strcmp(opt, "suite") == 0) {
                if (!value)
                    value = strtok_r(NULL, " ", &save);
                snprintf(suite, sizeof suite, "%s", value ? value : "");
            }
        }
        if (seed != r->seed_chosen || ops != r->operators_chosen || strcmp(suite, r->suite) != 0)
            problem(v,
                    "report.yaml: run says seed_chosen %s, operators_chosen %s, suite \"%s\", its command line "
                    "says %s, %s, \"%s\"",
                    r->seed_chosen ? "true" : "false", r->operators_chosen ? "true" : "false", r->suite,
                    seed ? "true" : "false", ops ? "true" : "false", suite);
    } else if (strncmp(line, "osib reproduce ", 15) == 0) {
        if (r->seed_chosen || r->suite[0])
            problem(v, "report.yaml: a reproduction (osib reproduce) chooses no seed and names no suite");
    } else if (r->suite[0] || r->seed_chosen || r->operators_chosen)
        problem(v, "report.yaml: run records choices of a command line it does not record");

    if (strcmp(r->suite, "oracle") != 0 || strcmp(r->spec_version, osib_spec_version()) != 0)
        return; /* another spec's oracle cases are not this kit's */
    char dir[OSIB_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/spec/cases", v->kit_root);
    DIR *d = opendir(dir);
    if (!d) {
        problem(v, "%s: cannot list this kit's cases to check suite oracle", dir);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        char path[OSIB_PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        osib_case c;
        osib_err err = {0};
        if (osib_case_load(path, &c, &err) != OSIB_OK)
            continue;
        if (c.oracle) {
            int certified = 0;
            for (int i = 0; i < r->ncases && !certified; i++)
                certified = strcmp(r->cases[i].id, c.id) == 0;
            int left_out = listed(r->cases_left_out, c.id);
            if (!certified && !left_out)
                problem(v, "report.yaml: suite oracle, but oracle case %s is neither certified nor left out", c.id);
            else if (left_out && capable(r->capabilities, &c))
                problem(v, "report.yaml: oracle case %s was left out, but the capabilities (%s) admit it", c.id,
                        r->capabilities);
        }
        osib_case_free(&c);
    }
    closedir(d);
}

/* 4. The set of checks is the one the report's cases and operators require. */
static void check_required(verifier *v, const osib_report *r)
{
    osib_case minimal[32];
    osib_required_case rc[32];
    int timed = 1, any_timing = 0;
    for (size_t i = 0; i < r->nchecks; i++) {
        if (timing_phase(&r->checks[i]))
            any_timing = 1;
        else if (strcmp(r->checks[i].gate, "kit") != 0 && !r->checks[i].passed)
            timed = 0;
    }
    (void)any_timing;
    for (int i = 0; i < r->ncases; i++) {
        memset(&minimal[i], 0, sizeof minimal[i]);
        snprintf(minimal[i].id, sizeof minimal[i].id, "%s", r->cases[i].id);
        rc[i].c = &minimal[i];
        rc[i].has_oracle = r->cases[i].has_oracle;
        memcpy(rc[i].ops, r->cases[i].ops, sizeof rc[i].ops);
    }
    osib_required req;
    osib_err err = {0};
    if (osib_required_checks(rc, r->ncases, r->repeat, timed, &req, &err) != OSIB_OK) {
        problem(v, "cannot derive the required checks: %s", err.msg);
        return;
    }
    for (size_t i = 0; i < req.n; i++) {
        size_t found = 0;
        for (size_t k = 0; k < r->nchecks; k++)
            found += strcmp(r->checks[k].id, req.ids[i]) == 0;
        if (found == 0)
            problem(v, "%s: required by the report's cases and operators, but absent", req.ids[i]);
        else if (found > 1)
            problem(v, "%s: present %zu times", req.ids[i], found);
    }
    for (size_t k = 0; k < r->nchecks; k++)
        if (!osib_required_has(&req, r->checks[k].id))
            problem(v, "%s: not a check the report's cases and operators call for", r->checks[k].id);
    osib_required_free(&req);
}

/* 5a. A check's bounds are the kit's rules for its gate and measure, the
 * report's precision class and its case (length and physics, from the
 * request of its first task): a report cannot pass a check by widening
 * it, whatever else it recomputes consistently. */
static void check_bounds(verifier *v, const osib_check *k)
{
    char first[32] = "";
    sscanf(k->tasks, "%31s", first);
    osib_request req;
    osib_err err = {0};
    int have = first[0] && task_request(v, first, &req, &err) == OSIB_OK;
    osib_check rule;
    double alt_hi;
    if (!osib_check_rule(k, v->dtype_bytes, have ? &req.c : NULL, &rule, &alt_hi))
        problem(v, "%s: the kit has no rule for the bounds of this check%s%s", k->id, have ? "" : ": ",
                have ? "" : err.msg);
    else if (k->has_lo != rule.has_lo || k->has_hi != rule.has_hi || (rule.has_lo && k->lo != rule.lo) ||
             (rule.has_hi && k->hi != rule.hi && !(k->hi == alt_hi)))
        problem(v, "%s: bounds [%s%.17g, %s%.17g] are not the kit's [%.17g, %.17g]", k->id, k->has_lo ? "" : "no ",
                k->lo, k->has_hi ? "" : "no ", k->hi, rule.has_lo ? rule.lo : -INFINITY,
                rule.has_hi ? rule.hi : INFINITY);
    if (have)
        osib_request_free(&req);
}

/* 6. Every timing statistic, derived again from the task records. */
static void check_timings(verifier *v, const osib_report *r)
{
    for (int i = 0; i < r->ntimings; i++) {
        const osib_timing *tm = &r->timings[i];
        int op = osib_op_parse(tm->op);
        char task[16] = "";
        for (size_t k = 0; k < r->ntasks && !task[0]; k++)
            if (strcmp(r->tasks[k].role, "timing") == 0 && strcmp(r->tasks[k].case_id, tm->case_id) == 0 &&
                strcmp(r->tasks[k].op, tm->op) == 0)
                snprintf(task, sizeof task, "%s", r->tasks[k].id);
        osib_request req;
        osib_err err = {0};
        if (op < 0 || !task[0] || task_request(v, task, &req, &err) != OSIB_OK) {
            problem(v, "timing %s %s: no task records to derive it from %s", tm->case_id, tm->op, err.msg);
            continue;
        }
        osib_timing again;
        if (osib_timing_derive(r, &req.c, (osib_op)op, v->dtype_bytes, r->price_per_hour_usd, r->bandwidth_gbs,
                               &again) != OSIB_OK) {
            problem(v, "timing %s %s: its task records do not give a timing", tm->case_id, tm->op);
        } else {
            const double mine[] = {
                tm->wall_s[0],          tm->wall_s[1],       tm->wall_s[2],     tm->compute_s[0],
                tm->compute_s[1],       tm->compute_s[2],    tm->gpts_wall,     tm->gpts_compute,
                tm->gflops_wall,        tm->gflops_compute,  tm->roofline_pct,  tm->roofline_pct_wall,
                tm->cost_per_shot_usd,  tm->peak_memory_gib, tm->footprint_gib, tm->bytes_per_point_step,
                (double)tm->repetitions};
            const double theirs[] = {
                again.wall_s[0],          again.wall_s[1],       again.wall_s[2],     again.compute_s[0],
                again.compute_s[1],       again.compute_s[2],    again.gpts_wall,     again.gpts_compute,
                again.gflops_wall,        again.gflops_compute,  again.roofline_pct,  again.roofline_pct_wall,
                again.cost_per_shot_usd,  again.peak_memory_gib, again.footprint_gib, again.bytes_per_point_step,
                (double)again.repetitions};
            static const char *const names[] = {"median wall time",
                                                "fastest wall time",
                                                "slowest wall time",
                                                "median compute time",
                                                "fastest compute time",
                                                "slowest compute time",
                                                "GPts/s (wall)",
                                                "GPts/s (compute)",
                                                "GFlop/s (wall)",
                                                "GFlop/s (compute)",
                                                "% of roofline (compute)",
                                                "% of roofline (wall)",
                                                "cost per shot",
                                                "peak memory",
                                                "footprint",
                                                "bytes per point and step",
                                                "repetitions"};
            for (size_t f = 0; f < sizeof mine / sizeof mine[0]; f++)
                if (!same(mine[f], theirs[f]))
                    problem(v, "timing %s %s: %s %.9g, the task records give %.9g", tm->case_id, tm->op, names[f],
                            mine[f], theirs[f]);
        }
        /* and every repetition's compute time is physically plausible */
        for (size_t k = 0; k < r->ntasks; k++) {
            const osib_task_record *t = &r->tasks[k];
            double multiple;
            if (strcmp(t->role, "timing") == 0 && strcmp(t->case_id, tm->case_id) == 0 && strcmp(t->op, tm->op) == 0 &&
                !osib_compute_plausible(&req.c, (osib_op)op, v->dtype_bytes, t->compute_s, r->bandwidth_gbs, &multiple))
                problem(v, "task %s: a compute time of %.3g s is %.1f times the roofline: it cannot count", t->id,
                        t->compute_s, multiple);
        }
        osib_request_free(&req);
    }
    /* a conformant report times every operator of every case */
    if (r->conformant)
        for (int i = 0; i < r->ncases; i++)
            for (int op = 0; op < OSIB_OP_COUNT; op++) {
                if (!r->cases[i].ops[op])
                    continue;
                int found = 0;
                for (int k = 0; k < r->ntimings; k++)
                    found += strcmp(r->timings[k].case_id, r->cases[i].id) == 0 &&
                             strcmp(r->timings[k].op, osib_op_name((osib_op)op)) == 0;
                if (found != 1)
                    problem(v, "timing %s %s: %d rows, a conformant report has one", r->cases[i].id,
                            osib_op_name((osib_op)op), found);
            }
    else if (r->ntimings > 0)
        problem(v, "timings: a non-conformant report reports none, this one has %d", r->ntimings);
}

/* 6b. Each case's minimal footprints are the spec's for its size; its
 * memory budget is the one its requests carried (the runner's own files,
 * hashed into the report), and no task the report calls completed went
 * over it (spec/protocol.md §2.4). */
static void check_footprints(verifier *v, const osib_report *r)
{
    for (int i = 0; i < r->ncases; i++) {
        const osib_case_record *cr = &r->cases[i];
        char task[16] = "";
        for (size_t k = 0; k < r->ntasks && !task[0]; k++)
            if (strcmp(r->tasks[k].case_id, cr->id) == 0)
                snprintf(task, sizeof task, "%s", r->tasks[k].id);
        osib_request req;
        osib_err err = {0};
        if (!task[0] || task_request(v, task, &req, &err) != OSIB_OK) {
            problem(v, "case %s: no task to take its size from %s", cr->id, err.msg);
            continue;
        }
        for (int op = 0; op < OSIB_OP_COUNT; op++) {
            double want = osib_estimate_op(&req.c, (osib_op)op, v->dtype_bytes).footprint_bytes / 1073741824.0;
            if (!same(want, cr->footprint_gib[op]))
                problem(v, "case %s: footprint of %s %.9g GiB, the spec's cost model gives %.9g", cr->id,
                        osib_op_name((osib_op)op), cr->footprint_gib[op], want);
        }
        const double budget = (double)req.c.memory_budget_bytes;
        if (cr->memory_budget_bytes >= 0 && budget != cr->memory_budget_bytes)
            problem(v, "case %s: memory budget %.0f bytes, its requests carried %.0f", cr->id, cr->memory_budget_bytes,
                    budget);
        for (size_t k = 0; budget > 0 && k < r->ntasks; k++) {
            const osib_task_record *tk = &r->tasks[k];
            if (tk->ok && strcmp(tk->case_id, cr->id) == 0 &&
                (strcmp(tk->op, "born_adjoint") == 0 || strcmp(tk->op, "gradient") == 0) &&
                tk->peak_memory_bytes > budget)
                problem(v, "task %s: peak memory %.0f bytes over the case's budget of %.0f, yet recorded as completed",
                        tk->id, tk->peak_memory_bytes, budget);
        }
        osib_request_free(&req);
    }
}

/* 7. report.md and report.html are what report.yaml says. */
static void check_rendered(verifier *v, const osib_report *r)
{
    osib_text md, html;
    osib_text_init(&md);
    osib_text_init(&html);
    osib_report_markdown(r, &md);
    osib_err err = {0};
    osib_status hst = osib_report_html(r, v->dir, &html, &err);
    const char *names[2] = {"report.md", "report.html"};
    osib_text *texts[2] = {&md, &html};
    for (int i = 0; i < 2; i++) {
        char path[OSIB_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", v->dir, names[i]);
        char want[OSIB_SHA256_HEX], got[OSIB_SHA256_HEX];
        if (texts[i]->failed || (i == 1 && hst != OSIB_OK)) {
            problem(v, "%s: cannot regenerate it: %s", names[i], err.msg[0] ? err.msg : "out of memory");
            continue;
        }
        osib_sha256_bytes(texts[i]->buf, texts[i]->len, want, NULL);
        osib_err ferr = {0};
        if (osib_sha256_file_limited(path, 1, 256ULL << 20, got, &ferr) != OSIB_OK)
            problem(v, "%s: %s", names[i], ferr.msg);
        else if (strcmp(want, got) != 0)
            problem(v, "%s: not what report.yaml says (regenerated, it differs): it was edited", names[i]);
        v->res->files_checked++;
    }
    osib_text_free(&md);
    osib_text_free(&html);
}

osib_status osib_verify(const char *dir, const char *kit_root, const osib_yardstick *yardstick, FILE *out,
                        osib_verify_result *res, osib_err *err)
{
    memset(res, 0, sizeof *res);
    verifier v;
    memset(&v, 0, sizeof v);
    v.dir = dir;
    v.kit_root = kit_root;
    v.yardstick = yardstick;
    v.out = out;
    v.res = res;
    v.refs = calloc(MAX_REFS, sizeof *v.refs);
    if (!v.refs)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");

    osib_report r;
    char body[OSIB_SHA256_HEX];
    osib_status st = osib_report_read(&r, dir, body, err);
    if (st != OSIB_OK) {
        free(v.refs);
        return st;
    }
    snprintf(res->report_id, sizeof res->report_id, "%s", r.report_id);
    res->conformant = r.conformant;
    v.dtype_bytes = strcmp(r.precision, "float32") == 0 ? 4 : 8;

    /* 0. what the report was made with, as notes: they refute nothing */
    if (strcmp(r.spec_version, osib_spec_version()) != 0)
        note(&v, "the report is for spec %s, this kit implements spec %s", r.spec_version, osib_spec_version());
    size_t clen = strlen(r.kit_commit);
    if (clen >= 6 && strcmp(r.kit_commit + clen - 6, "-dirty") == 0)
        note(&v, "the report was made with a modified kit (commit %s)", r.kit_commit);
    if (strcmp(r.oracle_manifest_sha256, osib_oracle_manifest_sha256()) != 0)
        note(&v, "the report was made with another oracles/MANIFEST (%.16s..., this kit's %.16s...)",
             r.oracle_manifest_sha256, osib_oracle_manifest_sha256());
    osib_err kerr = {0};
    if (osib_kit_manifest_check(kit_root, &kerr) != OSIB_OK)
        problem(&v, "this kit's own oracles cannot be trusted: %s", kerr.msg);

    /* 0b. the compliance it states is the one its record implies (RULES.md §6) */
    {
        char why[1024], want[1100];
        if (osib_report_compliant(&r, why, sizeof why))
            snprintf(want, sizeof want, "yes");
        else
            snprintf(want, sizeof want, "no: %s", why);
        if (strcmp(want, r.compliance) != 0)
            problem(&v, "report.yaml: run.compliance says \"%s\", its record says \"%s\"", r.compliance, want);
    }

    /* 1. the id is the hash of the body */
    if (strncmp(r.report_id, body, 16) != 0)
        problem(&v, "report.yaml: its body hashes to %.16s, not to its id %s: it was edited after it was written", body,
                r.report_id);

    /* 2. every kept file is the one the report hashed */
    for (size_t i = 0; i < r.nfiles; i++) {
        if (!plain_relative(r.files[i].path)) {
            problem(&v, "%s: not a path inside the report directory", r.files[i].path);
            continue;
        }
        if (!r.files[i].kept)
            continue;
        char path[OSIB_PATH_MAX], hex[OSIB_SHA256_HEX];
        snprintf(path, sizeof path, "%s/%s", dir, r.files[i].path);
        osib_err ferr = {0};
        if (osib_sha256_file_limited(path, 1, 64ULL << 30, hex, &ferr) != OSIB_OK)
            problem(&v, "%s: %s", r.files[i].path, ferr.msg);
        else if (strcmp(hex, r.files[i].sha256) != 0)
            problem(&v, "%s: SHA-256 %.16s..., the report lists %.16s...: the file was altered", r.files[i].path, hex,
                    r.files[i].sha256);
        res->files_checked++;
    }

    /* 3. this kit's oracles are the ones the report was made with */
    for (int i = 0; i < r.ncases; i++) {
        const osib_case_record *cr = &r.cases[i];
        if (!cr->has_oracle)
            continue;
        char task[16] = "";
        for (size_t k = 0; k < r.ntasks && !task[0]; k++)
            if (strcmp(r.tasks[k].case_id, cr->id) == 0 && strcmp(r.tasks[k].role, "oracle") == 0)
                snprintf(task, sizeof task, "%s", r.tasks[k].id);
        osib_err oerr = {0};
        const osib_oracle *o = task[0] ? oracle_for(&v, cr->id, task, &oerr) : NULL;
        if (!o) {
            problem(&v, "case %s: no usable oracle in this kit: %s", cr->id, oerr.msg);
            continue;
        }
        for (int a = 0; a < cr->noracle_arrays; a++) {
            int found = 0;
            for (int b = 0; b < o->narrays; b++)
                if (strcmp(o->datasets[b], cr->oracle_arrays[a].dataset) == 0) {
                    found = 1;
                    if (strcmp(o->sha256[b], cr->oracle_arrays[a].sha256) != 0)
                        problem(&v, "case %s: oracle array %s differs from the one the report was made with", cr->id,
                                cr->oracle_arrays[a].dataset);
                }
            if (!found)
                problem(&v, "case %s: this kit's oracle has no %s", cr->id, cr->oracle_arrays[a].dataset);
        }
    }

    /* 4. the checks are the required ones */
    check_required(&v, &r);
    check_conduct(&v, &r);

    /* 5. every check, recomputed */
    int all_pass = 1;
    for (size_t i = 0; i < r.nchecks; i++) {
        const osib_check *k = &r.checks[i];
        osib_err cerr = {0};
        double value = NAN;
        int passed = k->passed;
        check_bounds(&v, k);
        if (recompute(&v, k, &value, &cerr)) {
            res->recomputed++;
            passed = osib_check_passes(k, value);
            if (!same(value, k->value))
                problem(&v, "%s: recomputed %.17g, the report says %.17g", k->id, value, k->value);
        } else {
            res->measured_only++;
            if (osib_check_passes(k, k->value) != k->passed)
                problem(&v, "%s: value %.17g and its limits do not give the recorded result", k->id, k->value);
        }
        if (passed != k->passed)
            problem(&v, "%s: %s on recomputation, the report says %s", k->id, passed ? "passes" : "fails",
                    k->passed ? "passed" : "failed");
        all_pass = all_pass && passed;
    }

    /* 6. timings from the task records, footprints from the cost model */
    check_timings(&v, &r);
    check_footprints(&v, &r);

    /* 7. the pages people read */
    check_rendered(&v, &r);

    /* 8. the verdict */
    int conformant = all_pass && r.nchecks > 0;
    if (conformant != r.conformant)
        problem(&v, "verdict: the checks give %s, the report says %s", conformant ? "CONFORMANT" : "NON-CONFORMANT",
                r.conformant ? "CONFORMANT" : "NON-CONFORMANT");
    if (v.fast_refs)
        note(&v,
             "%d reference record(s) of the benchmark-size reference (osib-cpu float64) were read, not "
             "recomputed: osib reproduce re-runs them",
             v.fast_refs);
    res->confirmed = res->problems == 0;

    for (int i = 0; i < v.noracles; i++) {
        osib_oracle_free(&v.oracles[i]);
        osib_case_free(&v.cases[i]);
    }
    for (int i = 0; i < v.nrefs; i++)
        osib_ref_free(&v.refs[i].rec);
    free(v.refs);
    osib_report_free(&r);
    return OSIB_OK;
}
