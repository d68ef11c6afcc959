#include "gates.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "estimate.h"
#include "h5io.h"
#include "hash.h"
#include "manifest.h"
#include "measures.h"

/* ---------------------------------------------------------------------------
 * Oracles
 * ------------------------------------------------------------------------- */

static const char *const oracle_names[] = {
    "vp",        "src_wavelet",        "adjoint_data", "dm",      "observed_data", "forward_data", "adjoint_wavelet",
    "born_data", "born_adjoint_image", "objective",    "gradient"};
enum { NORACLE = sizeof oracle_names / sizeof oracle_names[0] };

osib_status osib_oracle_load(osib_oracle *o, const osib_case *c, const char *kit_root, osib_err *err)
{
    memset(o, 0, sizeof *o);
    o->c = c;
    snprintf(o->rel_path, sizeof o->rel_path, "oracles/%s.h5", c->id);
    snprintf(o->path, sizeof o->path, "%s/%s", kit_root, o->rel_path);
    char manifest_path[OSIB_PATH_MAX], hash[65], stored[65];
    snprintf(manifest_path, sizeof manifest_path, "%s/oracles/MANIFEST", kit_root);

    osib_manifest m = {0};
    osib_h5file f = {.id = -1};
    osib_status st = osib_manifest_read(&m, manifest_path, err);
    if (st == OSIB_OK)
        st = osib_h5_open(&f, o->path, err);
    if (st == OSIB_OK)
        st = osib_case_hash(c, hash, err);
    if (st == OSIB_OK && (osib_h5_get_attr_string(&f, "/", "case_sha256", stored, sizeof stored, NULL) != OSIB_OK ||
                          strcmp(stored, hash) != 0))
        st = osib_fail(err, OSIB_E_MISMATCH,
                       "%s was computed for another version of case %s (case hash %.12s, "
                       "oracle says %.12s): regenerate it with make oracles",
                       o->path, c->id, hash, stored);
    for (int i = 0; st == OSIB_OK && i < NORACLE; i++) {
        char dataset[64];
        int rank;
        size_t dims[OSIB_REQ_RANK_MAX], count = 1;
        snprintf(dataset, sizeof dataset, "/%s/%s", i < 5 ? "inputs" : "outputs", oracle_names[i]);
        osib_array_shape(c, oracle_names[i], &rank, dims);
        for (int d = 0; d < rank; d++)
            count *= dims[d];
        st = osib_h5_read_alloc(&f, dataset, rank, dims, &o->arrays[i], err);
        char got[OSIB_SHA256_HEX];
        if (st == OSIB_OK)
            st = osib_sha256_doubles(o->arrays[i], count, got, err);
        const osib_manifest_entry *e = st == OSIB_OK ? osib_manifest_find(&m, c->id, dataset) : NULL;
        if (st == OSIB_OK && (!e || strcmp(e->sha256, got) != 0))
            st = osib_fail(err, OSIB_E_MISMATCH,
                           "%s: %s does not match oracles/MANIFEST: the oracle is not the one "
                           "the kit published",
                           o->path, dataset);
        if (st == OSIB_OK) {
            snprintf(o->datasets[o->narrays], sizeof o->datasets[0], "%s", dataset);
            snprintf(o->sha256[o->narrays], sizeof o->sha256[0], "%s", got);
            o->narrays++;
        }
    }
    osib_h5_close(&f, NULL);
    osib_manifest_free(&m);
    if (st != OSIB_OK)
        osib_oracle_free(o);
    return st;
}

void osib_oracle_free(osib_oracle *o)
{
    for (int i = 0; i < NORACLE; i++) {
        free(o->arrays[i]);
        o->arrays[i] = NULL;
    }
}

const double *osib_oracle_array(const osib_oracle *o, const char *name)
{
    for (int i = 0; i < NORACLE; i++)
        if (strcmp(oracle_names[i], name) == 0)
            return o->arrays[i];
    return NULL;
}

void osib_oracle_inputs(const osib_oracle *o, osib_op op, const double **inputs)
{
    const char *const *names = osib_op_input_names(op);
    for (int i = 0; names[i]; i++)
        inputs[i] = osib_oracle_array(o, names[i]);
}

/* ---------------------------------------------------------------------------
 * Checks
 * ------------------------------------------------------------------------- */

static void check_init(osib_check *k, const char *gate, const osib_case *c, const char *op, const char *output,
                       const char *measure, const char *tasks)
{
    memset(k, 0, sizeof *k);
    snprintf(k->gate, sizeof k->gate, "%s", gate);
    snprintf(k->case_id, sizeof k->case_id, "%s", c->id);
    snprintf(k->op, sizeof k->op, "%s", op);
    snprintf(k->output, sizeof k->output, "%s", output ? output : "");
    snprintf(k->measure, sizeof k->measure, "%s", measure);
    snprintf(k->tasks, sizeof k->tasks, "%s", tasks);
    if (output && output[0])
        snprintf(k->id, sizeof k->id, "%s/%s/%s/%s/%s", gate, c->id, op, output, measure);
    else
        snprintf(k->id, sizeof k->id, "%s/%s/%s/%s", gate, c->id, op, measure);
}

/* value <= hi passes (NaN never does). */
static void upper_bound(osib_check *k, double value, double hi)
{
    k->value = value;
    k->has_hi = 1;
    k->hi = hi;
    k->passed = value <= hi;
}

static void within(osib_check *k, double value, double lo, double hi)
{
    k->value = value;
    k->has_lo = k->has_hi = 1;
    k->lo = lo;
    k->hi = hi;
    k->passed = value >= lo && value <= hi;
}

/* The task completed and its outputs were readable and finite. */
static osib_status check_task(osib_runner *rn, const char *gate, const osib_case *c, const osib_task *t,
                              const char *label, osib_err *err)
{
    osib_check k;
    check_init(&k, gate, c, osib_op_name(t->op), NULL, label, t->id);
    within(&k, t->ok ? 1.0 : 0.0, 1.0, 1.0);
    if (!t->ok)
        snprintf(k.message, sizeof k.message, "%s", t->failure);
    return osib_report_add_check(rn->report, &k, err);
}

osib_status osib_check_output(osib_report *report, const char *gate, const osib_case *c, osib_op op, const char *output,
                              const double *got, const double *want, size_t n, int dtype_bytes, const char *tasks,
                              int with_precision, osib_err *err)
{
    const double tol = osib_class_tolerance(dtype_bytes);
    osib_diff d = osib_compare(want, got, n);
    osib_check k;
    check_init(&k, gate, c, osib_op_name(op), output, "e2", tasks);
    upper_bound(&k, d.rel_l2, tol);
    if (!k.passed)
        snprintf(k.message, sizeof k.message, "relative L2 error %.3g against the oracle exceeds the %s tolerance %g",
                 d.rel_l2, dtype_bytes == 4 ? "float32" : "float64", tol);
    osib_status st = osib_report_add_check(report, &k, err);
    check_init(&k, gate, c, osib_op_name(op), output, "einf", tasks);
    upper_bound(&k, d.rel_max, tol);
    if (!k.passed)
        snprintf(k.message, sizeof k.message,
                 "max-norm error %.3g against the oracle exceeds the %s tolerance %g (worst at flat index %zu)",
                 d.rel_max, dtype_bytes == 4 ? "float32" : "float64", tol, d.worst_index);
    if (st == OSIB_OK)
        st = osib_report_add_check(report, &k, err);
    size_t nonzero;
    double narrow = osib_narrow_fraction(got, n, dtype_bytes, &nonzero);
    if (st == OSIB_OK && with_precision && nonzero >= OSIB_NARROW_MIN_VALUES) {
        check_init(&k, "precision", c, osib_op_name(op), output, "narrow", tasks);
        upper_bound(&k, narrow, OSIB_NARROW_MAX);
        if (!k.passed)
            snprintf(k.message, sizeof k.message,
                     "%.1f%% of the values are exactly representable in %s: computed or stored below the declared "
                     "%s precision",
                     100.0 * narrow, dtype_bytes == 4 ? "binary16 or bfloat16" : "binary32",
                     dtype_bytes == 4 ? "float32" : "float64");
        st = osib_report_add_check(report, &k, err);
    }
    return st;
}

/* ---------------------------------------------------------------------------
 * Gates
 * ------------------------------------------------------------------------- */

static void phase(osib_runner *rn, const char *gate, const osib_case *c, const char *what)
{
    snprintf(rn->phase, sizeof rn->phase, "%s %s %s", c->id, gate, what);
    if (rn->progress.enabled)
        snprintf(rn->progress.label, sizeof rn->progress.label, "certify: %s", rn->phase);
}

osib_status osib_gate_oracle(osib_runner *rn, const osib_oracle *o, const int *ops, osib_err *err)
{
    const osib_case *c = o->c;
    osib_status st = OSIB_OK;
    for (int op = 0; st == OSIB_OK && op < OSIB_OP_COUNT; op++) {
        if (!ops[op])
            continue;
        phase(rn, "oracle", c, osib_op_name((osib_op)op));
        const double *inputs[OSIB_REQ_MAX_INPUTS];
        osib_oracle_inputs(o, (osib_op)op, inputs);
        osib_task t;
        st = osib_task_run(rn, c, (osib_op)op, inputs, "oracle", 0, 1, &t, err);
        if (st == OSIB_OK)
            st = check_task(rn, "oracle", c, &t, "completed", err);
        const char *const *names = osib_op_output_names((osib_op)op);
        for (int i = 0; st == OSIB_OK && t.ok && names[i]; i++)
            st = osib_check_output(rn->report, "oracle", c, (osib_op)op, names[i], t.out[i],
                                   osib_oracle_array(o, names[i]), t.out_count[i], rn->impl->dtype_bytes, t.id, 1, err);
        osib_task_free(&t);
    }
    return st;
}

static void randn(gsl_rng *rng, double *x, size_t n, double scale)
{
    for (size_t i = 0; i < n; i++)
        x[i] = scale * gsl_ran_gaussian_ziggurat(rng, 1.0);
}

static double *alloc_or_null(size_t n) { return malloc((n ? n : 1) * sizeof(double)); }

/* Run a pair of tasks (an operator and its adjoint) and the dot check. */
static osib_status dot_pair(osib_runner *rn, const osib_oracle *o, osib_op fwd, osib_op adj, const char *label,
                            const double *const *fwd_in, const double *x, size_t nx, const double *const *adj_in,
                            const double *y, size_t ny, osib_err *err)
{
    const osib_case *c = o->c;
    osib_task tf, ta;
    phase(rn, "dot", c, label);
    osib_status st = osib_task_run(rn, c, fwd, fwd_in, "dot", 0, 1, &tf, err);
    if (st != OSIB_OK)
        return st;
    st = osib_task_run(rn, c, adj, adj_in, "dot", 0, 1, &ta, err);
    if (st != OSIB_OK) {
        osib_task_free(&tf);
        return st;
    }
    char tasks[64];
    snprintf(tasks, sizeof tasks, "%s %s", tf.id, ta.id);
    osib_check k;
    check_init(&k, "dot", c, osib_op_name(fwd), NULL, "mismatch", tasks);
    snprintf(k.id, sizeof k.id, "dot/%s/%s/mismatch", c->id, label);
    double tol = rn->impl->dtype_bytes == 4 ? OSIB_DOT_FLOAT32 : OSIB_DOT_FLOAT64;
    if (tf.ok && ta.ok) {
        upper_bound(&k, osib_dot_mismatch(x, ta.out[0], nx, y, tf.out[0], ny), tol);
        if (!k.passed)
            snprintf(k.message, sizeof k.message,
                     "|<%s x, y> - <x, %s y>| / (|%s x| |y|) = %.3g on fresh random inputs: the %s is not the "
                     "transpose of the %s",
                     label, adj == OSIB_OP_ADJOINT ? "F^T" : "J^T", label, k.value, osib_op_name(adj),
                     osib_op_name(fwd));
    } else {
        k.value = NAN;
        k.has_hi = 1;
        k.hi = tol;
        snprintf(k.message, sizeof k.message, "%s", tf.ok ? ta.failure : tf.failure);
    }
    st = osib_report_add_check(rn->report, &k, err);
    osib_task_free(&tf);
    osib_task_free(&ta);
    return st;
}

osib_status osib_gate_dot(osib_runner *rn, const osib_oracle *o, const int *ops, osib_err *err)
{
    const osib_case *c = o->c;
    const size_t nq = c->nt * c->sources.count, nd = c->nt * c->receivers.count;
    const size_t nm = osib_case_physical_points(c);
    const double *vp = osib_oracle_array(o, "vp");
    osib_status st = OSIB_OK;
    double *q = alloc_or_null(nq), *d = alloc_or_null(nd), *dm = alloc_or_null(nm);
    if (!q || !d || !dm) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the dot tests");
        goto done;
    }
    if (ops[OSIB_OP_FORWARD] && ops[OSIB_OP_ADJOINT]) {
        randn(rn->rng, q, nq, 1.0);
        randn(rn->rng, d, nd, 1.0);
        const double *fin[] = {vp, q}, *ain[] = {vp, d};
        st = dot_pair(rn, o, OSIB_OP_FORWARD, OSIB_OP_ADJOINT, "F", fin, q, nq, ain, d, nd, err);
    }
    if (st == OSIB_OK && ops[OSIB_OP_BORN] && ops[OSIB_OP_BORN_ADJOINT]) {
        /* J is linearised about the published model and wavelets. */
        const double *wavelet = osib_oracle_array(o, "src_wavelet");
        randn(rn->rng, dm, nm, 0.01);
        randn(rn->rng, d, nd, 1.0);
        const double *fin[] = {vp, wavelet, dm}, *ain[] = {vp, wavelet, d};
        st = dot_pair(rn, o, OSIB_OP_BORN, OSIB_OP_BORN_ADJOINT, "J", fin, dm, nm, ain, d, nd, err);
    }
done:
    free(q);
    free(d);
    free(dm);
    return st;
}

osib_status osib_gate_linearity(osib_runner *rn, const osib_oracle *o, const int *ops, osib_err *err)
{
    if (!ops[OSIB_OP_FORWARD])
        return OSIB_OK;
    const osib_case *c = o->c;
    const size_t nq = c->nt * c->sources.count;
    const double *vp = osib_oracle_array(o, "vp");
    double *q[3] = {alloc_or_null(nq), alloc_or_null(nq), alloc_or_null(nq)};
    osib_task t[3];
    memset(t, 0, sizeof t);
    osib_status st = OSIB_OK;
    if (!q[0] || !q[1] || !q[2]) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the linearity test");
        goto done;
    }
    randn(rn->rng, q[0], nq, 1.0);
    randn(rn->rng, q[1], nq, 1.0);
    /* a, b in [0.5, 2] with random signs */
    double a = (0.5 + 1.5 * gsl_rng_uniform(rn->rng)) * (gsl_rng_uniform(rn->rng) < 0.5 ? -1.0 : 1.0);
    double b = (0.5 + 1.5 * gsl_rng_uniform(rn->rng)) * (gsl_rng_uniform(rn->rng) < 0.5 ? -1.0 : 1.0);
    for (size_t i = 0; i < nq; i++)
        q[2][i] = a * q[0][i] + b * q[1][i];
    phase(rn, "linearity", c, "forward");
    for (int i = 0; st == OSIB_OK && i < 3; i++) {
        const double *in[] = {vp, q[i]};
        st = osib_task_run(rn, c, OSIB_OP_FORWARD, in, "linearity", 0, 1, &t[i], err);
    }
    if (st == OSIB_OK) {
        char tasks[64];
        snprintf(tasks, sizeof tasks, "%s %s %s", t[0].id, t[1].id, t[2].id);
        osib_check k;
        check_init(&k, "linearity", c, "forward", NULL, "error", tasks);
        k.params[0] = a;
        k.params[1] = b;
        k.nparams = 2;
        double tol = rn->impl->dtype_bytes == 4 ? OSIB_LINEARITY_FLOAT32 : OSIB_LINEARITY_FLOAT64;
        if (t[0].ok && t[1].ok && t[2].ok) {
            upper_bound(&k, osib_linearity_error(a, b, t[0].out[0], t[1].out[0], t[2].out[0], t[0].out_count[0]), tol);
            if (!k.passed)
                snprintf(k.message, sizeof k.message,
                         "|F(a q1 + b q2) - a F q1 - b F q2| / |F(a q1 + b q2)| = %.3g: the forward operator is "
                         "not linear in the wavelets",
                         k.value);
        } else {
            k.value = NAN;
            k.has_hi = 1;
            k.hi = tol;
            snprintf(k.message, sizeof k.message, "%s",
                     !t[0].ok   ? t[0].failure
                     : !t[1].ok ? t[1].failure
                                : t[2].failure);
        }
        st = osib_report_add_check(rn->report, &k, err);
    }
done:
    for (int i = 0; i < 3; i++) {
        free(q[i]);
        osib_task_free(&t[i]);
    }
    return st;
}

/* Size of the Taylor direction's bumps, relative to the squared slowness at
 * their centres, and their width as a fraction of the smallest axis: large
 * enough that the second-order remainder stands above float32 round-off of
 * the objective for h down to 2^-4 or 2^-5 (spec/protocol.md, "Taylor"). */
#define TAYLOR_BUMP 0.3
#define TAYLOR_WIDTH (1.0 / 6.0)

void osib_taylor_direction(const osib_case *c, const double *vp, gsl_rng *rng, double *dm)
{
    size_t n[3] = {1, 1, 1};
    for (int d = 0; d < c->ndim; d++)
        n[d] = c->shape[d];
    const size_t total = osib_case_physical_points(c);
    size_t nmin = n[0];
    for (int d = 1; d < c->ndim; d++)
        nmin = n[d] < nmin ? n[d] : nmin;
    const double sigma = nmin * TAYLOR_WIDTH > 2.0 ? nmin * TAYLOR_WIDTH : 2.0;
    enum { NBUMPS = 4 };
    double centre[NBUMPS][3], amp[NBUMPS];
    for (int b = 0; b < NBUMPS; b++) {
        size_t at = 0;
        for (int d = 0; d < c->ndim; d++) {
            centre[b][d] = (0.2 + 0.6 * gsl_rng_uniform(rng)) * (double)(n[d] - 1);
            at = at * n[d] + (size_t)(centre[b][d] + 0.5);
        }
        double m = 1.0 / (vp[at] * vp[at]);
        amp[b] = TAYLOR_BUMP * m * (0.5 + 0.5 * gsl_rng_uniform(rng)); /* s^2/km^2 */
    }
    for (size_t k = 0; k < total; k++) {
        size_t rem = k, idx[3] = {0, 0, 0};
        for (int d = c->ndim - 1; d >= 0; d--) {
            idx[d] = rem % n[d];
            rem /= n[d];
        }
        double v = 0.0;
        for (int b = 0; b < NBUMPS; b++) {
            double r2 = 0.0;
            for (int d = 0; d < c->ndim; d++)
                r2 += ((double)idx[d] - centre[b][d]) * ((double)idx[d] - centre[b][d]);
            v += amp[b] * exp(-r2 / (2.0 * sigma * sigma));
        }
        dm[k] = v;
    }
}

/* Relative size of the dither of the Taylor test's base model: far above
 * float32 round-off (6e-8), far below anything physical. */
#define TAYLOR_DITHER 1e-4

osib_status osib_gate_taylor(osib_runner *rn, const osib_oracle *o, osib_err *err)
{
    const osib_case *c = o->c;
    const size_t nm = osib_case_physical_points(c);
    const double *vp = osib_oracle_array(o, "vp");
    const double *wavelet = osib_oracle_array(o, "src_wavelet"), *d_obs = osib_oracle_array(o, "observed_data");
    double *dm = alloc_or_null(nm), *vp_base = alloc_or_null(nm), *vp_h = alloc_or_null(nm);
    osib_task base;
    memset(&base, 0, sizeof base);
    osib_status st = OSIB_OK;
    if (!dm || !vp_base || !vp_h) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the Taylor test");
        goto done;
    }
    /* The base model is the published one with every point dithered: a
     * layered model rounds to float32 identically at every point of a
     * layer, a coherent error that the perturbed models do not share and
     * that would bias every remainder by the same amount. */
    for (size_t k = 0; k < nm; k++)
        vp_base[k] = vp[k] * (1.0 + TAYLOR_DITHER * (2.0 * gsl_rng_uniform(rn->rng) - 1.0));
    osib_taylor_direction(c, vp, rn->rng, dm);

    /* Keep the base model and the direction for osib verify. */
    char rel[320], path[OSIB_PATH_MAX], hex[OSIB_SHA256_HEX];
    snprintf(rel, sizeof rel, "taylor-%s.h5", c->id);
    snprintf(path, sizeof path, "%s/%s", rn->out_dir, rel);
    osib_h5file f = {.id = -1};
    st = osib_h5_create(&f, path, err);
    if (st == OSIB_OK)
        st = osib_h5_write(&f, "/taylor/vp_base", vp_base, c->ndim, c->shape, "km/s", 0, err);
    if (st == OSIB_OK)
        st = osib_h5_write(&f, "/taylor/dm", dm, c->ndim, c->shape, "s^2/km^2", 0, err);
    osib_h5_close(&f, NULL);
    if (st == OSIB_OK)
        st = osib_sha256_file(path, hex, err);
    if (st == OSIB_OK)
        st = osib_report_add_file(rn->report, rel, hex, 1, err);

    phase(rn, "taylor", c, "gradient");
    const double *base_in[] = {vp_base, wavelet, d_obs};
    if (st == OSIB_OK)
        st = osib_task_run(rn, c, OSIB_OP_GRADIENT, base_in, "taylor", 0, 1, &base, err);
    if (st != OSIB_OK)
        goto done;
    char failure[512] = "";
    if (!base.ok)
        snprintf(failure, sizeof failure, "%s", base.failure);
    long double gdm = 0.0L;
    for (size_t k = 0; base.ok && k < nm; k++)
        gdm += (long double)base.out[1][k] * dm[k];
    const double phi0 = base.ok ? base.out[0][0] : NAN;

    double h[OSIB_TAYLOR_STEPS], phi_h[OSIB_TAYLOR_STEPS];
    char tasks[256];
    size_t len = (size_t)snprintf(tasks, sizeof tasks, "%s", base.id);
    for (int i = 0; st == OSIB_OK && i < OSIB_TAYLOR_STEPS; i++) {
        h[i] = ldexp(1.0, -(i + 1));
        for (size_t k = 0; k < nm; k++)
            vp_h[k] = 1.0 / sqrt(1.0 / (vp_base[k] * vp_base[k]) + h[i] * dm[k]);
        const double *in[] = {vp_h, wavelet, d_obs};
        osib_task t;
        st = osib_task_run(rn, c, OSIB_OP_GRADIENT, in, "taylor", 0, 1, &t, err);
        if (st != OSIB_OK)
            break;
        len += (size_t)snprintf(tasks + len, sizeof tasks - len, " %s", t.id);
        if (t.ok)
            phi_h[i] = t.out[0][0];
        else if (!failure[0])
            snprintf(failure, sizeof failure, "%s", t.failure);
        osib_task_free(&t);
    }
    if (st == OSIB_OK) {
        double floor_rel = rn->impl->dtype_bytes == 4 ? OSIB_TAYLOR_FLOOR_FLOAT32 : OSIB_TAYLOR_FLOOR_FLOAT64;
        osib_taylor tf;
        int bytes = rn->impl->dtype_bytes;
        osib_taylor_fit(h, phi_h, failure[0] ? 0 : OSIB_TAYLOR_STEPS, phi0, (double)gdm, floor_rel * fabs(phi0),
                        OSIB_TAYLOR_WINDOW(bytes), &tf);
        osib_check k;
        const char *measures[3] = {"slope1", "slope2", "points"};
        for (int m = 0; st == OSIB_OK && m < 3; m++) {
            check_init(&k, "taylor", c, "gradient", NULL, measures[m], tasks);
            /* floor, h values, then the remainders themselves (for plots and
             * for reviewers; osib verify recomputes them from the tasks) */
            k.params[0] = floor_rel;
            for (int i = 0; i < OSIB_TAYLOR_STEPS; i++) {
                k.params[1 + i] = h[i];
                k.params[1 + OSIB_TAYLOR_STEPS + i] = failure[0] ? NAN : tf.e1[i];
                k.params[1 + 2 * OSIB_TAYLOR_STEPS + i] = failure[0] ? NAN : tf.e2[i];
            }
            k.nparams = 1 + 3 * OSIB_TAYLOR_STEPS;
            if (m == 0)
                within(&k, tf.slope1, OSIB_TAYLOR_SLOPE1_MIN, OSIB_TAYLOR_SLOPE1_MAX);
            else if (m == 1)
                within(&k, tf.slope2, OSIB_TAYLOR_SLOPE2_MIN(bytes), OSIB_TAYLOR_SLOPE2_MAX(bytes));
            else {
                k.value = tf.used1 < tf.used2 ? tf.used1 : tf.used2;
                k.has_lo = 1;
                k.lo = 3;
                k.passed = k.value >= 3;
            }
            if (failure[0])
                snprintf(k.message, sizeof k.message, "%s", failure);
            else if (!k.passed && m < 2)
                snprintf(k.message, sizeof k.message,
                         "Taylor remainder e%d = |Phi(m + h dm) - Phi(m)%s| falls with slope %.3f in h, not %d: the "
                         "gradient is not the derivative of the objective",
                         m + 1, m == 0 ? "" : " - h <g, dm>", k.value, m + 1);
            else if (!k.passed)
                snprintf(k.message, sizeof k.message,
                         "only %.0f of %d remainders lie above the round-off floor: the objective is too noisy to test",
                         k.value, OSIB_TAYLOR_STEPS);
            st = osib_report_add_check(rn->report, &k, err);
        }
    }
done:
    osib_task_free(&base);
    free(dm);
    free(vp_base);
    free(vp_h);
    return st;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void stats(double *v, int n, double out[3])
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    out[0] = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    out[1] = v[0];
    out[2] = v[n - 1];
}

osib_status osib_gate_timing(osib_runner *rn, const osib_oracle *o, osib_op op, int repeat, double bandwidth_gbs,
                             osib_err *err)
{
    const osib_case *c = o->c;
    const double *inputs[OSIB_REQ_MAX_INPUTS];
    osib_oracle_inputs(o, op, inputs);
    double wall[256], compute[256];
    int ok = 1;
    osib_status st = OSIB_OK;
    if (repeat > 256)
        repeat = 256;
    phase(rn, "timing", c, osib_op_name(op));
    for (int r = 1; st == OSIB_OK && r <= repeat; r++) {
        osib_task t;
        st = osib_task_run(rn, c, op, inputs, "timing", r, 0, &t, err);
        if (st != OSIB_OK)
            break;
        char label[32];
        snprintf(label, sizeof label, "rep%d-completed", r);
        st = check_task(rn, "timing", c, &t, label, err);
        const char *const *names = osib_op_output_names(op);
        for (int i = 0; st == OSIB_OK && t.ok && names[i]; i++) {
            char output[48];
            snprintf(output, sizeof output, "%s-rep%d", names[i], r);
            st = osib_check_output(rn->report, "timing", c, op, output, t.out[i], osib_oracle_array(o, names[i]),
                                   t.out_count[i], rn->impl->dtype_bytes, t.id, 0, err);
        }
        ok = ok && t.ok;
        wall[r - 1] = t.exec.wall_seconds;
        compute[r - 1] = t.compute_seconds;
        osib_task_free(&t);
    }
    if (st != OSIB_OK || !ok || rn->report->ntimings >= 64)
        return st;

    osib_timing *tm = &rn->report->timings[rn->report->ntimings++];
    memset(tm, 0, sizeof *tm);
    snprintf(tm->case_id, sizeof tm->case_id, "%s", c->id);
    snprintf(tm->op, sizeof tm->op, "%s", osib_op_name(op));
    tm->repetitions = repeat;
    stats(wall, repeat, tm->wall_s);
    stats(compute, repeat, tm->compute_s);
    osib_estimate e = osib_estimate_op(c, op, rn->impl->dtype_bytes);
    double work = e.padded_points * e.time_steps;
    tm->gpts_wall = work / tm->wall_s[0] / 1e9;
    tm->gpts_compute = tm->compute_s[0] > 0 ? work / tm->compute_s[0] / 1e9 : NAN;
    tm->gflops_wall = e.total_flops / tm->wall_s[0] / 1e9;
    tm->gflops_compute = tm->compute_s[0] > 0 ? e.total_flops / tm->compute_s[0] / 1e9 : NAN;
    tm->bytes_per_point_step = e.bytes_per_point_step;
    tm->roofline_pct = bandwidth_gbs > 0 && tm->compute_s[0] > 0
                           ? 100.0 * tm->gpts_compute / (bandwidth_gbs / e.bytes_per_point_step)
                           : -1.0;
    tm->cost_per_shot_usd =
        rn->impl->price_per_hour_usd >= 0 ? rn->impl->price_per_hour_usd * tm->wall_s[0] / 3600.0 : -1.0;
    return OSIB_OK;
}
