#include "verify.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arrays.h"
#include "compare.h"
#include "gates.h"
#include "h5io.h"
#include "hash.h"
#include "measures.h"
#include "report.h"
#include "version.h"

enum { MAX_ORACLES = 32 };

typedef struct {
    const char *dir, *kit_root;
    FILE *out;
    osib_verify_result *res;
    osib_case cases[MAX_ORACLES];
    osib_oracle oracles[MAX_ORACLES];
    int noracles;
    int dtype_bytes; /* of the report's precision class */
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

/* One array of a task, by input or output name; the task's request.yaml
 * says where it is. *c_out (optional) receives the request's case. */
static osib_status task_array(verifier *v, const char *task, const char *name, double **data, size_t *count,
                              osib_err *err)
{
    char tdir[OSIB_PATH_MAX], path[OSIB_PATH_MAX];
    snprintf(tdir, sizeof tdir, "%s/tasks/%s", v->dir, task);
    snprintf(path, sizeof path, "%s/request.yaml", tdir);
    osib_request r;
    osib_status st = osib_request_load(path, &r, err);
    if (st != OSIB_OK)
        return st;
    const osib_array_ref *ref = osib_request_output(&r, name);
    if (!ref)
        ref = osib_request_input(&r, name);
    if (!ref)
        st = osib_fail(err, OSIB_E_DATA, "task %s has no array %s", task, name);
    else {
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
    char path[OSIB_PATH_MAX];
    snprintf(path, sizeof path, "%s/tasks/%s/request.yaml", v->dir, task);
    osib_request r;
    if (osib_request_load(path, &r, err) != OSIB_OK)
        return NULL;
    v->cases[v->noracles] = r.c; /* the request's case now belongs here */
    if (osib_oracle_load(&v->oracles[v->noracles], &v->cases[v->noracles], v->kit_root, err) != OSIB_OK) {
        osib_case_free(&v->cases[v->noracles]);
        return NULL;
    }
    return &v->oracles[v->noracles++];
}

static int same(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b));
}

static int passes(const osib_check *k, double value)
{
    return (!k->has_lo || value >= k->lo) && (!k->has_hi || value <= k->hi) && !isnan(value);
}

/* The first word of a space-separated task list, or the n-th. */
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

/* Recompute one check; *value gets the result. Returns 0 when the check
 * cannot be recomputed from kept files (measured only). */
static int recompute(verifier *v, const osib_check *k, double *value, osib_err *err)
{
    char t0[16], t1[16], t2[16];
    nth_task(k->tasks, 0, t0, sizeof t0);
    nth_task(k->tasks, 1, t1, sizeof t1);
    nth_task(k->tasks, 2, t2, sizeof t2);
    double *a = NULL, *b = NULL, *c = NULL, *d = NULL;
    size_t na = 0, nb = 0, nc = 0, nd = 0;
    osib_status st = OSIB_OK;
    int done = 1;

    if (strcmp(k->gate, "timing") == 0) {
        done = 0; /* the timed outputs were checked during the run and deleted */
    } else if ((strcmp(k->gate, "oracle") == 0 || strcmp(k->gate, "precision") == 0) && k->output[0]) {
        const osib_oracle *o = oracle_for(v, k->case_id, t0, err);
        if (!o)
            st = err->status ? err->status : OSIB_E_INTERNAL;
        if (st == OSIB_OK)
            st = task_array(v, t0, k->output, &a, &na, err);
        if (st == OSIB_OK) {
            const double *want = osib_oracle_array(o, k->output);
            if (strcmp(k->measure, "narrow") == 0) {
                char path[OSIB_PATH_MAX];
                snprintf(path, sizeof path, "%s/tasks/%s/request.yaml", v->dir, t0);
                osib_request r;
                st = osib_request_load(path, &r, err);
                if (st == OSIB_OK) {
                    *value = osib_narrow_fraction(a, na, r.dtype_bytes, NULL);
                    osib_request_free(&r);
                }
            } else {
                osib_diff diff = osib_compare(want, a, na);
                *value = strcmp(k->measure, "e2") == 0 ? diff.rel_l2 : diff.rel_max;
            }
        }
    } else if (strcmp(k->gate, "oracle") == 0) {
        /* "completed": the outputs must be readable now as they were then */
        done = 0;
    } else if (strcmp(k->gate, "dot") == 0) {
        int is_j = strstr(k->id, "/J/") != NULL;
        if ((st = task_array(v, t0, is_j ? "dm" : "src_wavelet", &a, &na, err)) == OSIB_OK &&
            (st = task_array(v, t0, is_j ? "born_data" : "forward_data", &b, &nb, err)) == OSIB_OK &&
            (st = task_array(v, t1, "adjoint_data", &c, &nc, err)) == OSIB_OK &&
            (st = task_array(v, t1, is_j ? "born_adjoint_image" : "adjoint_wavelet", &d, &nd, err)) == OSIB_OK)
            *value = osib_dot_mismatch(a, d, na, c, b, nc);
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
        int nh = k->nparams >= 1 + OSIB_TAYLOR_STEPS ? OSIB_TAYLOR_STEPS : 0;
        if ((st = task_array(v, t0, "objective", &a, &na, err)) == OSIB_OK &&
            (st = task_array(v, t0, "gradient", &b, &nb, err)) == OSIB_OK) {
            char path[OSIB_PATH_MAX];
            snprintf(path, sizeof path, "%s/taylor-%s.h5", v->dir, k->case_id);
            osib_h5file f = {.id = -1};
            int rank;
            size_t dims[OSIB_MAX_RANK];
            if ((st = osib_h5_open(&f, path, err)) == OSIB_OK) {
                if ((st = osib_h5_shape(&f, "/taylor/dm", &rank, dims, err)) == OSIB_OK)
                    st = osib_h5_read_alloc(&f, "/taylor/dm", rank, dims, &dm, err);
                osib_h5_close(&f, NULL);
            }
        }
        for (int i = 0; st == OSIB_OK && i < nh; i++) {
            char ti[16];
            double *p = NULL;
            size_t np;
            nth_task(k->tasks, i + 1, ti, sizeof ti);
            h[i] = k->params[1 + i];
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
            osib_taylor_fit(h, phi, nh, a[0], (double)gdm, k->params[0] * fabs(a[0]),
                            OSIB_TAYLOR_WINDOW(v->dtype_bytes), &tf);
            if (strcmp(k->measure, "slope1") == 0)
                *value = tf.slope1;
            else if (strcmp(k->measure, "slope2") == 0)
                *value = tf.slope2;
            else
                *value = tf.used1 < tf.used2 ? tf.used1 : tf.used2;
        }
        free(dm);
    } else {
        done = 0;
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

osib_status osib_verify(const char *dir, const char *kit_root, FILE *out, osib_verify_result *res, osib_err *err)
{
    memset(res, 0, sizeof *res);
    verifier v;
    memset(&v, 0, sizeof v);
    v.dir = dir;
    v.kit_root = kit_root;
    v.out = out;
    v.res = res;

    osib_report r;
    char body[OSIB_SHA256_HEX];
    osib_status st = osib_report_read(&r, dir, body, err);
    if (st != OSIB_OK)
        return st;
    snprintf(res->report_id, sizeof res->report_id, "%s", r.report_id);
    res->conformant = r.conformant;
    v.dtype_bytes = strcmp(r.precision, "float32") == 0 ? 4 : 8;

    /* 0. what the report was made with, as notes: they refute nothing */
    if (strcmp(r.spec_version, osib_spec_version()) != 0) {
        fprintf(out, "note: the report is for spec %s, this kit implements spec %s\n", r.spec_version,
                osib_spec_version());
        res->notes++;
    }
    size_t clen = strlen(r.kit_commit);
    if (clen >= 6 && strcmp(r.kit_commit + clen - 6, "-dirty") == 0) {
        fprintf(out, "note: the report was made with a modified kit (commit %s)\n", r.kit_commit);
        res->notes++;
    }

    /* 1. the id is the hash of the body */
    if (strncmp(r.report_id, body, 16) != 0)
        problem(&v, "report.yaml: its body hashes to %.16s, not to its id %s: it was edited after it was written", body,
                r.report_id);

    /* 2. every kept file is the one the report hashed */
    for (size_t i = 0; i < r.nfiles; i++) {
        if (!r.files[i].kept)
            continue;
        char path[OSIB_PATH_MAX], hex[OSIB_SHA256_HEX];
        snprintf(path, sizeof path, "%s/%s", dir, r.files[i].path);
        osib_err ferr = {0};
        if (osib_sha256_file(path, hex, &ferr) != OSIB_OK)
            problem(&v, "%s: %s", r.files[i].path, ferr.msg);
        else if (strcmp(hex, r.files[i].sha256) != 0)
            problem(&v, "%s: SHA-256 %.16s..., the report lists %.16s...: the file was altered", r.files[i].path, hex,
                    r.files[i].sha256);
        res->files_checked++;
    }

    /* 2b. this kit's oracles are the ones the report was made with */
    for (int i = 0; i < r.ncases; i++) {
        const osib_case_record *cr = &r.cases[i];
        char task[16] = "";
        for (size_t k = 0; k < r.nchecks && !task[0]; k++)
            if (strcmp(r.checks[k].case_id, cr->id) == 0 && r.checks[k].tasks[0])
                nth_task(r.checks[k].tasks, 0, task, sizeof task);
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

    /* 3. every check, recomputed */
    int all_pass = 1;
    for (size_t i = 0; i < r.nchecks; i++) {
        const osib_check *k = &r.checks[i];
        osib_err cerr = {0};
        double value = NAN;
        int passed = k->passed;
        if (recompute(&v, k, &value, &cerr)) {
            res->recomputed++;
            passed = passes(k, value);
            if (!same(value, k->value))
                problem(&v, "%s: recomputed %.17g, the report says %.17g", k->id, value, k->value);
        } else {
            res->measured_only++;
            if (passes(k, k->value) != k->passed)
                problem(&v, "%s: value %.17g and its limits do not give the recorded result", k->id, k->value);
        }
        if (passed != k->passed)
            problem(&v, "%s: %s on recomputation, the report says %s", k->id, passed ? "passes" : "fails",
                    k->passed ? "passed" : "failed");
        all_pass = all_pass && passed;
    }

    /* 4. the verdict */
    int conformant = all_pass && r.nchecks > 0;
    if (conformant != r.conformant)
        problem(&v, "verdict: the checks give %s, the report says %s", conformant ? "CONFORMANT" : "NON-CONFORMANT",
                r.conformant ? "CONFORMANT" : "NON-CONFORMANT");
    res->confirmed = res->problems == 0;

    for (int i = 0; i < v.noracles; i++) {
        osib_oracle_free(&v.oracles[i]);
        osib_case_free(&v.cases[i]);
    }
    osib_report_free(&r);
    return OSIB_OK;
}
