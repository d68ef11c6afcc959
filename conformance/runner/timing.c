/*
 * timing.c - the timed repetitions (spec/protocol.md §3.2) and the
 * statistics derived from their records.
 *
 * Every repetition gets inputs of its own: the published inputs scaled by a
 * random factor, plus a fresh random part (or, for the Born operator, a
 * fresh random perturbation), so that no cache of earlier answers, scaled
 * or not, can produce its outputs. Each repetition also carries a random
 * positive weight, drawn from a generator the run's seed does not set: the
 * weights are known only to the runner, and recorded after the fact. When
 * every repetition has run, the same combination of their inputs is given
 * to the kit's reference, and the combination of their outputs must agree
 * with the reference's output to the class tolerance: one reference run
 * validates them all, because every operator is linear in the inputs that
 * vary (the gradient through its residual, whose objective is checked
 * repetition by repetition exactly).
 */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate.h"
#include "gates.h"
#include "inputs.h"
#include "refs.h"
#include "timing.h"

/* Size of the fresh random part of each repetition's inputs, relative to
 * the root mean square of the published input it is added to; the scale
 * of the published part is log-uniform in [1/2, 2], the weights uniform in
 * [1/2, 3/2]: positive, so the combination never cancels to a norm far
 * below its parts' (which would make round-off look large). */
#define FRESH_PART 0.3
#define SCALE_MIN 0.5
#define SCALE_MAX 2.0
#define WEIGHT_MIN 0.5
#define WEIGHT_MAX 1.5

static double *alloc0(size_t n) { return calloc(n ? n : 1, sizeof(double)); }

static double rms(const double *x, size_t n)
{
    long double s = 0.0L;
    for (size_t i = 0; i < n; i++)
        s += (long double)x[i] * x[i];
    return n ? (double)sqrtl(s / (long double)n) : 0.0;
}

static void axpy(double *y, double a, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] += a * x[i];
}

/* x = s x0 + sigma N(0, 1) */
static void fresh(gsl_rng *rng, double *x, const double *x0, double s, double sigma, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = s * x0[i] + sigma * gsl_ran_gaussian_ziggurat(rng, 1.0);
}

int osib_compute_plausible(const osib_case *c, osib_op op, int dtype_bytes, double compute_s, double bandwidth_gbs,
                           double *multiple)
{
    *multiple = NAN;
    if (!(bandwidth_gbs > 0.0))
        return 1;
    osib_estimate e = osib_estimate_op(c, op, dtype_bytes);
    double bound = bandwidth_gbs / e.bytes_per_point_step; /* GPts/s */
    double achieved = compute_s > 0.0 ? e.padded_points * e.time_steps / compute_s / 1e9 : INFINITY;
    *multiple = achieved / bound;
    return *multiple <= OSIB_PLAUSIBLE_ROOFLINE_MULTIPLE;
}

/* The inputs of one repetition (those the operator reads), generated from
 * the published ones; what the combination accumulates is added to comb[]
 * with weight w. */
typedef struct {
    double *q, *d, *dm, *obs;   /* this repetition's varying inputs */
    double *comb_in;            /* the combined input given to the reference */
    double *comb_out[2];        /* the implementation's outputs combined */
    double *rho0;               /* gradient: the reference's F q0 - observed, float64 */
    double sigma;               /* size of the fresh part */
    double objective_want[256]; /* gradient: each repetition's exact objective */
} series;

osib_status osib_gate_timing(osib_runner *rn, const osib_case_ctx *cx, osib_op op, int repeat, osib_err *err)
{
    const osib_case *c = cx->c;
    const size_t nq = c->nt * c->sources.count, nd = c->nt * c->receivers.count;
    const size_t nm = osib_case_physical_points(c);
    const int bytes = rn->impl->dtype_bytes;
    if (repeat > 256)
        repeat = 256;
    series S;
    memset(&S, 0, sizeof S);
    osib_status st = OSIB_OK;
    const char *const *out_names = osib_op_output_names(op);
    size_t out_count[2] = {0, 0};
    int nout = 0;
    for (; out_names[nout]; nout++) {
        int rank;
        size_t dims[OSIB_REQ_RANK_MAX], n = 1;
        osib_array_shape(c, out_names[nout], &rank, dims);
        for (int d = 0; d < rank; d++)
            n *= dims[d];
        out_count[nout] = n;
    }
    /* The reference's operator and the size of its varying input. */
    osib_op ref_op = op == OSIB_OP_GRADIENT ? OSIB_OP_BORN_ADJOINT : op;
    size_t comb_n = op == OSIB_OP_FORWARD ? nq : op == OSIB_OP_BORN ? nm : nd;
    S.q = alloc0(nq);
    S.d = alloc0(nd);
    S.dm = alloc0(nm);
    S.obs = alloc0(nd);
    S.comb_in = alloc0(comb_n);
    for (int i = 0; i < nout; i++)
        S.comb_out[i] = alloc0(out_count[i]);
    double *want[OSIB_REQ_MAX_OUTPUTS] = {0};
    double weights[256], scales[256];
    char tasks[256] = "";
    size_t tlen = 0;
    int all_ok = 1;
    if (!S.q || !S.d || !S.dm || !S.obs || !S.comb_in || !S.comb_out[0] || (nout > 1 && !S.comb_out[1])) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the timed repetitions");
        goto done;
    }
    osib_gate_phase(rn, "timing", c, osib_op_name(op));

    /* The gradient's residual is linear in the fresh part only around the
     * reference's own F q0 - observed: computed first. */
    const double *obs0 = cx->observed_data; /* NULL for benchmark cases: observed data 0 */
    if (op == OSIB_OP_GRADIENT) {
        double *fq0[OSIB_REQ_MAX_OUTPUTS] = {0};
        const double *fin[OSIB_REQ_MAX_INPUTS] = {cx->vp, cx->wavelet};
        osib_inputs_with_medium(c, cx->thomsen, fin, 2);
        if (cx->oracle) {
            fq0[0] = alloc0(nd);
            if (fq0[0])
                memcpy(fq0[0], osib_oracle_array(cx->oracle, "forward_data"), nd * sizeof(double));
            else
                st = osib_fail(err, OSIB_E_NOMEM, "out of memory");
        } else
            st = osib_reference_run(cx->ref, rn->yardstick, c, OSIB_OP_FORWARD, fin, fq0, err);
        if (st != OSIB_OK)
            goto done;
        S.rho0 = fq0[0];
        for (size_t i = 0; obs0 && i < nd; i++)
            S.rho0[i] -= obs0[i];
        S.sigma = FRESH_PART * rms(fq0[0], nd);
    }

    for (int r = 1; st == OSIB_OK && r <= repeat; r++) {
        double s = exp(log(SCALE_MIN) + log(SCALE_MAX / SCALE_MIN) * gsl_rng_uniform(rn->rng));
        double w = WEIGHT_MIN + (WEIGHT_MAX - WEIGHT_MIN) * gsl_rng_uniform(rn->secret_rng);
        scales[r - 1] = s;
        weights[r - 1] = w;
        const double *in[OSIB_REQ_MAX_INPUTS] = {0};
        switch (op) {
        case OSIB_OP_FORWARD:
            fresh(rn->rng, S.q, cx->wavelet, s, FRESH_PART * rms(cx->wavelet, nq), nq);
            axpy(S.comb_in, w, S.q, nq);
            in[0] = cx->vp, in[1] = S.q;
            break;
        case OSIB_OP_ADJOINT:
            fresh(rn->rng, S.d, cx->adjoint_data, s, FRESH_PART * rms(cx->adjoint_data, nd), nd);
            axpy(S.comb_in, w, S.d, nd);
            in[0] = cx->vp, in[1] = S.d;
            break;
        case OSIB_OP_BORN:
            for (size_t i = 0; i < nq; i++)
                S.q[i] = s * cx->wavelet[i];
            osib_smooth_field(c, rn->rng, 3, 0, S.dm);
            for (size_t i = 0; i < nm; i++)
                S.dm[i] *= OSIB_DM_AMPLITUDE;
            axpy(S.comb_in, w * s, S.dm, nm); /* J(s q0) dm = s J(q0) dm */
            in[0] = cx->vp, in[1] = S.q, in[2] = S.dm;
            break;
        case OSIB_OP_BORN_ADJOINT:
            for (size_t i = 0; i < nq; i++)
                S.q[i] = s * cx->wavelet[i];
            fresh(rn->rng, S.d, cx->adjoint_data, 1.0, FRESH_PART * rms(cx->adjoint_data, nd), nd);
            axpy(S.comb_in, w * s, S.d, nd); /* J(s q0)^T d = s J(q0)^T d */
            in[0] = cx->vp, in[1] = S.q, in[2] = S.d;
            break;
        case OSIB_OP_GRADIENT: {
            /* observed = s obs0 + fresh: residual s rho0 - fresh, gradient
             * s J(q0)^T (s rho0 - fresh), objective |s rho0 - fresh|^2 / 2 */
            for (size_t i = 0; i < nq; i++)
                S.q[i] = s * cx->wavelet[i];
            long double phi = 0.0L;
            for (size_t i = 0; i < nd; i++) {
                double fr = S.sigma * gsl_ran_gaussian_ziggurat(rn->rng, 1.0);
                S.obs[i] = (obs0 ? s * obs0[i] : 0.0) + fr;
                double res = s * S.rho0[i] - fr;
                phi += (long double)res * res;
                S.comb_in[i] += w * s * res;
            }
            S.objective_want[r - 1] = (double)(0.5L * phi);
            in[0] = cx->vp, in[1] = S.q, in[2] = S.obs;
            break;
        }
        case OSIB_OP_COUNT: break;
        }

        osib_inputs_with_medium(c, cx->thomsen, in, op == OSIB_OP_FORWARD || op == OSIB_OP_ADJOINT ? 2 : 3);
        osib_task t;
        st = osib_task_run(rn, c, op, in, "timing", r, 0, &t, err);
        if (st != OSIB_OK)
            break;
        double multiple;
        if (t.ok && !osib_compute_plausible(c, op, bytes, t.compute_seconds, rn->bandwidth_gbs, &multiple)) {
            snprintf(t.failure, sizeof t.failure,
                     "%s %s: reports %.3g s of compute, %.1f times the roofline at %.3g GB/s: not physically "
                     "plausible (at most %d times)",
                     t.id, osib_op_name(op), t.compute_seconds, multiple, rn->bandwidth_gbs,
                     OSIB_PLAUSIBLE_ROOFLINE_MULTIPLE);
            t.ok = 0;
            osib_report_task_failed(rn->report, t.id, t.failure);
        }
        tlen += (size_t)snprintf(tasks + tlen, tlen < sizeof tasks ? sizeof tasks - tlen : 0, "%s%s", tlen ? " " : "",
                                 t.id);
        if (tlen >= sizeof tasks)
            tlen = sizeof tasks - 1;
        char label[32], suffix[16];
        snprintf(label, sizeof label, "rep%d-completed", r);
        snprintf(suffix, sizeof suffix, "-rep%d", r);
        st = osib_check_task(rn, "timing", c, &t, label, err);
        /* The precision floor of every repetition's outputs; the objective
         * of a gradient, repetition by repetition, exactly. A repetition
         * that failed gets them too, failed (NaN). */
        for (int i = 0; st == OSIB_OK && i < nout; i++) {
            osib_check k;
            char output[48];
            snprintf(output, sizeof output, "%s%s", out_names[i], suffix);
            if (strcmp(out_names[i], "objective") == 0) {
                osib_check_init(&k, "timing", c->id, osib_op_name(op), output, "error", t.id);
                double want_phi = S.objective_want[r - 1];
                double got = t.ok ? t.out[i][0] : NAN;
                osib_check_upper(&k, fabs(got - want_phi) / fabs(want_phi), osib_tolerance(bytes, c->nt, c->physics));
                k.params[0] = want_phi;
                k.nparams = 1;
                if (!t.ok)
                    snprintf(k.message, sizeof k.message, "no objective: task %s did not complete", t.id);
                else if (!k.passed)
                    snprintf(k.message, sizeof k.message,
                             "objective %.9g, the repetition's inputs give %.9g: relative error %.3g", got, want_phi,
                             k.value);
                st = osib_report_add_check(rn->report, &k, err);
                continue;
            }
            osib_check_init(&k, "precision", c->id, osib_op_name(op), output, "narrow", t.id);
            if (!t.ok) {
                osib_check_upper(&k, NAN, osib_narrow_max(bytes, c->physics));
                snprintf(k.message, sizeof k.message, "no output to judge: task %s did not complete", t.id);
            } else {
                size_t nonzero;
                double narrow = osib_narrow_fraction(t.out[i], out_count[i], bytes, &nonzero);
                osib_check_upper(&k, narrow,
                                 nonzero >= OSIB_NARROW_MIN_VALUES ? osib_narrow_max(bytes, c->physics) : 1.0);
                if (!k.passed)
                    snprintf(k.message, sizeof k.message,
                             "%.1f%% of the values are exactly representable in a narrower format than %s",
                             100.0 * narrow, bytes == 4 ? "float32" : "float64");
            }
            st = osib_report_add_check(rn->report, &k, err);
        }
        for (int i = 0; t.ok && i < nout; i++)
            if (strcmp(out_names[i], "objective") != 0)
                axpy(S.comb_out[i], w, t.out[i], out_count[i]);
        all_ok = all_ok && t.ok;
        osib_task_free(&t);
    }
    if (st != OSIB_OK)
        goto done;

    /* The reference on the combined inputs, and the combination of the
     * outputs against it. */
    {
        const double *rin[OSIB_REQ_MAX_INPUTS] = {0};
        /* (vp, combined q or d) for F and F^T; (vp, q0, combined dm or d)
         * for J and J^T */
        rin[0] = cx->vp;
        if (ref_op == OSIB_OP_FORWARD || ref_op == OSIB_OP_ADJOINT)
            rin[1] = S.comb_in;
        else
            rin[1] = cx->wavelet, rin[2] = S.comb_in;
        osib_inputs_with_medium(c, cx->thomsen, rin, ref_op == OSIB_OP_FORWARD || ref_op == OSIB_OP_ADJOINT ? 2 : 3);
        double *ref_out[OSIB_REQ_MAX_OUTPUTS] = {0};
        if (all_ok)
            st = osib_reference_run(cx->ref, rn->yardstick, c, ref_op, rin, ref_out, err);
        char rel[128] = "", name[128];
        if (st == OSIB_OK && all_ok) {
            /* the gradient's image is the implementation's "gradient" (its
             * output 1); the objective was checked above */
            int gi = op == OSIB_OP_GRADIENT ? 1 : 0;
            want[gi] = ref_out[0];
            osib_ref_record rec = {
                .op = ref_op, .kind = cx->ref, .c = c, .weights = weights, .nweights = (size_t)repeat};
            for (int i = 0; i < OSIB_REQ_MAX_INPUTS; i++)
                rec.inputs[i] = rin[i];
            if (cx->ref == OSIB_REF_FAST)
                rec.inputs[0] = NULL; /* the case's model: not copied (it can be a gigabyte) */
            rec.outputs[0] = ref_out[0];
            rec.compared[0] = S.comb_out[gi];
            snprintf(name, sizeof name, "%s-timing-%s", c->id, osib_op_name(op));
            st = osib_ref_write(rn->out_dir, rn->report, name, &rec, rel, err);
        } else {
            for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++)
                free(ref_out[i]);
        }
        /* A series with a failed repetition has no combination: its checks
         * fail, with the reason (checks.h). */
        for (int i = 0; st == OSIB_OK && i < nout; i++) {
            if (strcmp(out_names[i], "objective") == 0)
                continue;
            int rank;
            size_t dims[OSIB_REQ_RANK_MAX];
            osib_array_shape(c, out_names[i], &rank, dims);
            osib_output_check oc = {.gate = "timing",
                                    .case_id = c->id,
                                    .output = out_names[i],
                                    .tasks = tasks,
                                    .reference = rel,
                                    .op = op,
                                    .rank = rank,
                                    .dims = dims,
                                    .dtype_bytes = bytes,
                                    .nt = c->nt,
                                    .physics = c->physics};
            st = osib_check_output(rn->report, &oc, all_ok ? S.comb_out[i] : NULL, want[i], err);
        }
    }
    if (st == OSIB_OK && all_ok && rn->report->ntimings < 64) {
        osib_timing *tm = &rn->report->timings[rn->report->ntimings];
        if (osib_timing_derive(rn->report, c, op, bytes, rn->impl->price_per_hour_usd, rn->bandwidth_gbs, tm) ==
            OSIB_OK)
            rn->report->ntimings++;
    }
done:
    free(S.q);
    free(S.d);
    free(S.dm);
    free(S.obs);
    free(S.comb_in);
    free(S.rho0);
    for (int i = 0; i < 2; i++)
        free(S.comb_out[i]);
    for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++)
        free(want[i]);
    (void)scales;
    return st;
}

/* ---------------------------------------------------------------------------
 * Statistics from the records
 * ------------------------------------------------------------------------- */

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

osib_status osib_timing_derive(const osib_report *r, const osib_case *c, osib_op op, int dtype_bytes,
                               double price_per_hour_usd, double bandwidth_gbs, osib_timing *tm)
{
    double wall[256], compute[256], peak = 0.0;
    int n = 0;
    for (size_t i = 0; i < r->ntasks && n < 256; i++) {
        const osib_task_record *t = &r->tasks[i];
        if (strcmp(t->role, "timing") != 0 || strcmp(t->case_id, c->id) != 0 || strcmp(t->op, osib_op_name(op)) != 0)
            continue;
        if (!t->ok)
            return OSIB_E_DATA;
        wall[n] = t->wall_s;
        compute[n] = t->compute_s;
        peak = fmax(peak, t->peak_memory_bytes);
        n++;
    }
    if (n == 0)
        return OSIB_E_DATA;
    memset(tm, 0, sizeof *tm);
    snprintf(tm->case_id, sizeof tm->case_id, "%s", c->id);
    snprintf(tm->op, sizeof tm->op, "%s", osib_op_name(op));
    tm->repetitions = n;
    stats(wall, n, tm->wall_s);
    stats(compute, n, tm->compute_s);
    osib_estimate e = osib_estimate_op(c, op, dtype_bytes);
    double work = e.padded_points * e.time_steps;
    tm->gpts_wall = work / tm->wall_s[0] / 1e9;
    tm->gpts_compute = tm->compute_s[0] > 0 ? work / tm->compute_s[0] / 1e9 : NAN;
    tm->gflops_wall = e.total_flops / tm->wall_s[0] / 1e9;
    tm->gflops_compute = tm->compute_s[0] > 0 ? e.total_flops / tm->compute_s[0] / 1e9 : NAN;
    tm->bytes_per_point_step = e.bytes_per_point_step;
    double bound = bandwidth_gbs > 0 ? bandwidth_gbs / e.bytes_per_point_step : NAN;
    tm->roofline_pct = bandwidth_gbs > 0 && tm->compute_s[0] > 0 ? 100.0 * tm->gpts_compute / bound : -1.0;
    tm->roofline_pct_wall = bandwidth_gbs > 0 ? 100.0 * tm->gpts_wall / bound : -1.0;
    tm->cost_per_shot_usd = price_per_hour_usd >= 0 ? price_per_hour_usd * tm->wall_s[0] / 3600.0 : -1.0;
    tm->peak_memory_gib = peak / 1073741824.0;
    tm->footprint_gib = e.footprint_bytes / 1073741824.0;
    return OSIB_OK;
}
