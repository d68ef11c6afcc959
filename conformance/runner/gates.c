#include "gates.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec_inputs.h"
#include "measures.h"
#include "refs.h"
#include "sysinfo.h"

/* ---------------------------------------------------------------------------
 * Shared
 * ------------------------------------------------------------------------- */

/* On a terminal the phase goes into the progress line; otherwise (a pipe,
 * a log, CI) each phase gets a line of its own, so that a long run is never
 * silent for minutes. */
void osib_gate_phase(osib_runner *rn, const char *gate, const osib_case *c, const char *what)
{
    snprintf(rn->phase, sizeof rn->phase, "%s %s %s", c->id, gate, what);
    if (rn->progress.enabled)
        snprintf(rn->progress.label, sizeof rn->progress.label, "certify: %s", rn->phase);
    else
        fprintf(stderr, "certify: %s (task %zu of %zu, %.0f s)\n", rn->phase, rn->tasks_done + 1, rn->tasks_total,
                osib_now_seconds() - rn->progress.t_start);
}

osib_status osib_check_task(osib_runner *rn, const char *gate, const osib_case *c, const osib_task *t,
                            const char *label, osib_err *err)
{
    osib_check k;
    osib_check_init(&k, gate, c->id, osib_op_name(t->op), NULL, label, t->id);
    osib_check_within(&k, t->ok ? 1.0 : 0.0, 1.0, 1.0);
    if (!t->ok)
        snprintf(k.message, sizeof k.message, "%s", t->failure);
    return osib_report_add_check(rn->report, &k, err);
}

osib_status osib_check_task_outputs(osib_runner *rn, const char *gate, const osib_case *c, const osib_task *t,
                                    const double *const *want, const char *reference, int with_precision,
                                    const char *suffix, osib_err *err)
{
    const char *const *names = osib_op_output_names(t->op);
    osib_status st = OSIB_OK;
    for (int i = 0; st == OSIB_OK && names[i]; i++) {
        int rank;
        size_t dims[OSIB_REQ_RANK_MAX];
        osib_array_shape(c, names[i], &rank, dims);
        char output[48];
        snprintf(output, sizeof output, "%s%s", names[i], suffix ? suffix : "");
        osib_output_check oc = {.gate = gate,
                                .case_id = c->id,
                                .output = output,
                                .tasks = t->id,
                                .reference = reference,
                                .op = t->op,
                                .rank = rank,
                                .dims = dims,
                                .dtype_bytes = rn->impl->dtype_bytes,
                                .nt = c->nt,
                                .physics = c->physics,
                                .with_precision = with_precision};
        st = osib_check_output(rn->report, &oc, t->ok ? t->out[i] : NULL, want[i], err);
    }
    return st;
}

static void randn(gsl_rng *rng, double *x, size_t n, double scale)
{
    for (size_t i = 0; i < n; i++)
        x[i] = scale * gsl_ran_gaussian_ziggurat(rng, 1.0);
}

static double *alloc_or_null(size_t n) { return malloc((n ? n : 1) * sizeof(double)); }

void osib_inputs_with_medium(const osib_case *c, const double *const *thomsen, const double **in, int nown)
{
    const char *const *names = osib_case_medium_names(c);
    for (int k = 0; names[k]; k++)
        in[nown + k] = thomsen[k];
}

/* The inputs of op on case c, in the order of osib_case_input_names, from
 * named arrays. */
static void pick_inputs(const osib_case *c, osib_op op, const double **in, const double *vp,
                        const double *const *thomsen, const double *q, const double *d, const double *dm,
                        const double *obs)
{
    const char *const *names = osib_op_input_names(op);
    int i = 0;
    for (; names[i]; i++)
        in[i] = strcmp(names[i], "vp") == 0             ? vp
                : strcmp(names[i], "src_wavelet") == 0  ? q
                : strcmp(names[i], "adjoint_data") == 0 ? d
                : strcmp(names[i], "dm") == 0           ? dm
                                                        : obs;
    osib_inputs_with_medium(c, thomsen, in, i);
}

/* ---------------------------------------------------------------------------
 * Oracle: the published inputs against the published outputs.
 * ------------------------------------------------------------------------- */

osib_status osib_gate_oracle(osib_runner *rn, const osib_case_ctx *cx, osib_err *err)
{
    const osib_case *c = cx->c;
    osib_status st = OSIB_OK;
    for (int op = 0; st == OSIB_OK && op < OSIB_OP_COUNT; op++) {
        if (!cx->ops[op])
            continue;
        osib_gate_phase(rn, "oracle", c, osib_op_name((osib_op)op));
        const double *inputs[OSIB_REQ_MAX_INPUTS] = {0};
        pick_inputs(c, (osib_op)op, inputs, cx->vp, cx->thomsen, cx->wavelet, cx->adjoint_data,
                    osib_oracle_array(cx->oracle, "dm"), cx->observed_data);
        osib_task t;
        st = osib_task_run(rn, c, (osib_op)op, inputs, "oracle", 0, 1, &t, err);
        if (st == OSIB_OK)
            st = osib_check_task(rn, "oracle", c, &t, "completed", err);
        const char *const *names = osib_op_output_names((osib_op)op);
        const double *want[OSIB_REQ_MAX_OUTPUTS];
        for (int i = 0; names[i]; i++)
            want[i] = osib_oracle_array(cx->oracle, names[i]);
        if (st == OSIB_OK)
            st = osib_check_task_outputs(rn, "oracle", c, &t, want, NULL, 1, NULL, err);
        osib_task_free(&t);
    }
    return st;
}

/* ---------------------------------------------------------------------------
 * Challenge: a fresh variant of an oracle case, judged against the simple
 * reference computed here.
 * ------------------------------------------------------------------------- */

void osib_smooth_field(const osib_case *c, gsl_rng *rng, int nbumps, int positive, double *f)
{
    size_t n[3] = {1, 1, 1}, nmin = SIZE_MAX;
    for (int d = 0; d < c->ndim; d++) {
        n[d] = c->shape[d];
        nmin = n[d] < nmin ? n[d] : nmin;
    }
    double centre[8][3], sigma[8], amp[8];
    if (nbumps > 8)
        nbumps = 8;
    for (int b = 0; b < nbumps; b++) {
        for (int d = 0; d < c->ndim; d++)
            centre[b][d] = (0.1 + 0.8 * gsl_rng_uniform(rng)) * (double)(n[d] - 1);
        sigma[b] = fmax(1.5, (0.1 + 0.15 * gsl_rng_uniform(rng)) * (double)nmin);
        amp[b] = (0.5 + 0.5 * gsl_rng_uniform(rng)) * (positive || gsl_rng_uniform(rng) < 0.5 ? 1.0 : -1.0);
    }
    osib_bumps(c, nbumps, centre, sigma, amp, f);
}

void osib_bumps(const osib_case *c, int nbumps, const double (*centre)[3], const double *sigma, const double *amp,
                double *f)
{
    size_t n[3] = {1, 1, 1};
    for (int d = 0; d < c->ndim; d++)
        n[d] = c->shape[d];
    const size_t total = osib_case_physical_points(c);
    for (size_t k = 0; k < total; k++) {
        size_t rem = k, idx[3] = {0, 0, 0};
        for (int d = c->ndim - 1; d >= 0; d--) {
            idx[d] = rem % n[d];
            rem /= n[d];
        }
        double v = 0.0;
        for (int b = 0; b < nbumps; b++) {
            double r2 = 0.0;
            for (int d = 0; d < c->ndim; d++)
                r2 += ((double)idx[d] - centre[b][d]) * ((double)idx[d] - centre[b][d]);
            v += amp[b] * exp(-r2 / (2.0 * sigma[b] * sigma[b]));
        }
        f[k] = v;
    }
}

/* How much slower the challenge model is at most, where its bumps are
 * largest: enough to move every reflection and travel time, and slower
 * only, so that the case's time step stays stable. */
#define CHALLENGE_SLOWDOWN 0.15
/* The amplitude of the challenge's Born perturbation, s^2/km^2 (the
 * documented dm's, spec/acoustic.md §11). */
#define CHALLENGE_DM OSIB_DM_AMPLITUDE
/* A TTI challenge's medium (spec/protocol.md §3.1, challenge_thomsen). */
#define CHALLENGE_WEAKER_MIN 0.4
#define CHALLENGE_WEAKER_MAX 0.7
#define CHALLENGE_WEAKER_BUMPS 0.25
#define CHALLENGE_TURN_RAD 0.3
#define CHALLENGE_TURN_BUMPS_RAD 0.1

/* The challenge variant of a case: every source moved to a random
 * position (in the middle 80% of each horizontal axis, in the top 30% of
 * the depth axis), the wavelet delayed by a random 80-120% of t0 and
 * scaled by 0.5 to 2. */
static osib_status challenge_case(const osib_case *c, gsl_rng *rng, osib_case *cc, osib_err *err)
{
    osib_status st = osib_case_copy(cc, c, err);
    if (st != OSIB_OK)
        return st;
    size_t ns = c->sources.count;
    double *list = malloc(ns * (size_t)c->ndim * sizeof *list);
    if (!list) {
        osib_case_free(cc);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    }
    for (size_t s = 0; s < ns; s++)
        for (int d = 0; d < c->ndim; d++) {
            double extent = (double)(c->shape[d] - 1) * c->spacing_m[d];
            double lo = d == c->ndim - 1 ? 0.0 : 0.1, hi = d == c->ndim - 1 ? 0.3 : 0.9;
            list[s * (size_t)c->ndim + (size_t)d] = c->origin_m[d] + (lo + (hi - lo) * gsl_rng_uniform(rng)) * extent;
        }
    free(cc->sources.list_m);
    cc->sources.kind = OSIB_POINTS_LIST;
    cc->sources.list_m = list;
    cc->t0_ms = c->t0_ms * (0.8 + 0.4 * gsl_rng_uniform(rng));
    cc->amplitude = c->amplitude * exp(log(0.5) + log(4.0) * gsl_rng_uniform(rng));
    return OSIB_OK;
}

/* A TTI challenge's medium, changed everywhere and not only under bumps,
 * so that every wave that meets the anisotropy sees the change (a change
 * under bumps alone can miss the paths of a case's few waves):
 *   epsilon, delta  x s (1 - 0.25 B / max B), s uniform in [0.6, 0.85]:
 *                   weaker by 15 to 55% (delta <= epsilon and the time
 *                   step's bound still hold);
 *   theta (, phi)   + sign (0.2 + 0.1 C / max |C|) rad: the symmetry axis
 *                   turned by 0.1 to 0.3 rad, one random sign per field;
 * B a sum of three positive bumps, C of three of random sign
 * (osib_smooth_field). th receives new arrays (free()). */
static osib_status challenge_thomsen(const osib_case *c, const osib_case_ctx *cx, gsl_rng *rng, double **th,
                                     osib_err *err)
{
    const size_t nm = osib_case_physical_points(c);
    const int nfields = c->ndim == 3 ? 4 : 3;
    double *bumps = alloc_or_null(nm);
    for (int k = 0; k < nfields; k++)
        th[k] = alloc_or_null(nm);
    if (!bumps || !th[0] || !th[1] || !th[2] || (nfields == 4 && !th[3])) {
        free(bumps);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the challenge's medium");
    }
    const double s = CHALLENGE_WEAKER_MIN + (CHALLENGE_WEAKER_MAX - CHALLENGE_WEAKER_MIN) * gsl_rng_uniform(rng);
    osib_smooth_field(c, rng, 3, 1, bumps);
    double big = 0.0;
    for (size_t k = 0; k < nm; k++)
        big = fmax(big, bumps[k]);
    for (size_t k = 0; k < nm; k++) {
        double f = s * (1.0 - CHALLENGE_WEAKER_BUMPS * bumps[k] / (big > 0.0 ? big : 1.0));
        th[0][k] = cx->thomsen[0][k] * f;
        th[1][k] = cx->thomsen[1][k] * f;
    }
    for (int a = 2; a < nfields; a++) { /* theta, phi */
        const double sign = gsl_rng_uniform(rng) < 0.5 ? -1.0 : 1.0;
        osib_smooth_field(c, rng, 3, 0, bumps);
        double amax = 0.0;
        for (size_t k = 0; k < nm; k++)
            amax = fmax(amax, fabs(bumps[k]));
        for (size_t k = 0; k < nm; k++)
            th[a][k] = cx->thomsen[a][k] +
                       sign * (CHALLENGE_TURN_RAD + CHALLENGE_TURN_BUMPS_RAD * bumps[k] / (amax > 0.0 ? amax : 1.0));
    }
    free(bumps);
    return OSIB_OK;
}

osib_status osib_gate_challenge(osib_runner *rn, const osib_case_ctx *cx, osib_err *err)
{
    const osib_case *c = cx->c;
    const size_t nm = osib_case_physical_points(c);
    const size_t nq = c->nt * c->sources.count, nd = c->nt * c->receivers.count;
    osib_case cc;
    osib_status st = challenge_case(c, rn->rng, &cc, err);
    if (st != OSIB_OK)
        return st;
    double *vp = alloc_or_null(nm), *q = alloc_or_null(nq), *d = alloc_or_null(nd), *dm = alloc_or_null(nm);
    double *th[4] = {NULL, NULL, NULL, NULL};
    if (!vp || !q || !d || !dm) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the challenge");
        goto done;
    }
    /* The model: slower by up to CHALLENGE_SLOWDOWN under positive bumps. */
    osib_smooth_field(c, rn->rng, 4, 1, vp);
    double big = 0.0;
    for (size_t k = 0; k < nm; k++)
        big = fmax(big, vp[k]);
    for (size_t k = 0; k < nm; k++)
        vp[k] = cx->vp[k] * (1.0 - CHALLENGE_SLOWDOWN * vp[k] / (big > 0.0 ? big : 1.0));
    if (osib_case_is_tti(c) && (st = challenge_thomsen(c, cx, rn->rng, th, err)) != OSIB_OK)
        goto done;
    osib_input_wavelets(&cc, q);
    /* The adjoint's data: the published data, each trace with its own gain. */
    for (size_t r = 0; r < c->receivers.count; r++) {
        double gain = 0.5 + gsl_rng_uniform(rn->rng);
        for (size_t n = 0; n < c->nt; n++)
            d[n * c->receivers.count + r] = gain * cx->adjoint_data[n * c->receivers.count + r];
    }
    osib_smooth_field(c, rn->rng, 3, 0, dm);
    for (size_t k = 0; k < nm; k++)
        dm[k] *= CHALLENGE_DM;

    for (int op = 0; st == OSIB_OK && op < OSIB_OP_COUNT; op++) {
        if (!cx->ops[op])
            continue;
        osib_gate_phase(rn, "challenge", c, osib_op_name((osib_op)op));
        const double *inputs[OSIB_REQ_MAX_INPUTS] = {0};
        pick_inputs(c, (osib_op)op, inputs, vp, (const double *const *)th, q, d, dm, cx->observed_data);
        osib_task t;
        double *want[OSIB_REQ_MAX_OUTPUTS] = {0};
        st = osib_task_run(rn, &cc, (osib_op)op, inputs, "challenge", 0, 1, &t, err);
        if (st == OSIB_OK)
            st = osib_check_task(rn, "challenge", c, &t, "completed", err);
        char rel[128] = "", name[128];
        if (st == OSIB_OK)
            st = osib_reference_run(cx->ref, rn->yardstick, &cc, (osib_op)op, inputs, want, err);
        if (st == OSIB_OK) {
            osib_ref_record rec = {.op = (osib_op)op, .kind = cx->ref, .c = &cc};
            for (int i = 0; i < OSIB_REQ_MAX_INPUTS; i++)
                rec.inputs[i] = inputs[i];
            for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++)
                rec.outputs[i] = want[i];
            snprintf(name, sizeof name, "%s-challenge-%s", c->id, osib_op_name((osib_op)op));
            st = osib_ref_write(rn->out_dir, rn->report, name, &rec, rel, err);
        }
        if (st == OSIB_OK)
            st = osib_check_task_outputs(rn, "challenge", c, &t, (const double *const *)want, rel, 0, NULL, err);
        for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++)
            free(want[i]);
        osib_task_free(&t);
    }
done:
    free(vp);
    free(q);
    free(d);
    free(dm);
    for (int k = 0; k < 4; k++)
        free(th[k]);
    osib_case_free(&cc);
    return st;
}

/* ---------------------------------------------------------------------------
 * Dot tests
 * ------------------------------------------------------------------------- */

/* One side of a dot test: the implementation's task, or - when the
 * implementation is certified without this operator - the kit's reference,
 * kept as a record. *out gets the output (owned), *ok whether there is one,
 * *failure why not. */
typedef struct {
    osib_task task;
    int from_reference;
    double *ref_out[OSIB_REQ_MAX_OUTPUTS];
    const double *out;
    int ok;
    const char *failure;
} dot_side;

static osib_status dot_side_run(osib_runner *rn, const osib_case_ctx *cx, osib_op op, const double *const *inputs,
                                const char *label, dot_side *s, char *ref_rel, osib_err *err)
{
    memset(s, 0, sizeof *s);
    if (cx->ops[op]) {
        osib_status st = osib_task_run(rn, cx->c, op, inputs, "dot", 0, 1, &s->task, err);
        s->ok = s->task.ok;
        s->out = s->task.out[0];
        s->failure = s->task.failure;
        return st;
    }
    s->from_reference = 1;
    osib_status st = osib_reference_run(cx->ref, rn->yardstick, cx->c, op, inputs, s->ref_out, err);
    if (st != OSIB_OK)
        return st;
    osib_ref_record rec = {.op = op, .kind = cx->ref, .c = cx->c};
    const char *const *names = osib_case_input_names(cx->c, op);
    for (int i = 0; names[i]; i++) /* inputs holds exactly the op's inputs */
        rec.inputs[i] = inputs[i];
    rec.outputs[0] = s->ref_out[0];
    char name[128];
    snprintf(name, sizeof name, "%s-dot-%s-%s", cx->c->id, label, osib_op_name(op));
    s->ok = 1;
    s->out = s->ref_out[0];
    return osib_ref_write(rn->out_dir, rn->report, name, &rec, ref_rel, err);
}

static void dot_side_free(dot_side *s)
{
    osib_task_free(&s->task);
    for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++)
        free(s->ref_out[i]);
}

/* The dot test of a pair; on a case without oracle only when the case
 * certifies both operators (the reference of a benchmark case is costly,
 * and its J^T needs the whole history in memory). */
static osib_status dot_pair(osib_runner *rn, const osib_case_ctx *cx, osib_op fwd, osib_op adj, const char *label,
                            const double *const *fwd_in, const double *x, size_t nx, const double *const *adj_in,
                            const double *y, size_t ny, osib_err *err)
{
    const osib_case *c = cx->c;
    if (!cx->ops[fwd] && !cx->ops[adj])
        return OSIB_OK;
    if (!cx->oracle && !(cx->ops[fwd] && cx->ops[adj]))
        return OSIB_OK;
    osib_gate_phase(rn, "dot", c, label);
    dot_side sf, sa;
    char rel_f[128] = "", rel_a[128] = "";
    memset(&sa, 0, sizeof sa);
    osib_status st = dot_side_run(rn, cx, fwd, fwd_in, label, &sf, rel_f, err);
    if (st == OSIB_OK)
        st = dot_side_run(rn, cx, adj, adj_in, label, &sa, rel_a, err);
    if (st == OSIB_OK) {
        char tasks[64];
        snprintf(tasks, sizeof tasks, "%s%s%s", sf.from_reference ? "" : sf.task.id,
                 !sf.from_reference && !sa.from_reference ? " " : "", sa.from_reference ? "" : sa.task.id);
        osib_check k;
        osib_check_init(&k, "dot", c->id, label, NULL, "mismatch", tasks);
        snprintf(k.reference, sizeof k.reference, "%s", sf.from_reference ? rel_f : rel_a);
        /* which side is the kit's: 0 neither, 1 the adjoint, 2 the forward */
        k.params[0] = sa.from_reference ? 1.0 : sf.from_reference ? 2.0 : 0.0;
        k.nparams = 1;
        double tol = osib_dot_threshold(rn->impl->dtype_bytes, c->physics);
        if (sf.ok && sa.ok) {
            osib_check_upper(&k, osib_dot_mismatch(x, sa.out, nx, y, sf.out, ny), tol);
            if (!k.passed)
                snprintf(k.message, sizeof k.message,
                         "|<%s x, y> - <x, %s y>| / (|%s x| |y|) = %.3g on fresh random inputs: the %s is not the "
                         "transpose of the %s%s",
                         label, adj == OSIB_OP_ADJOINT ? "F^T" : "J^T", label, k.value, osib_op_name(adj),
                         osib_op_name(fwd),
                         sf.from_reference || sa.from_reference ? " (one side is the kit's reference)" : "");
        } else {
            k.value = NAN;
            k.has_hi = 1;
            k.hi = tol;
            snprintf(k.message, sizeof k.message, "%s", sf.ok ? sa.failure : sf.failure);
        }
        st = osib_report_add_check(rn->report, &k, err);
    }
    dot_side_free(&sf);
    dot_side_free(&sa);
    return st;
}

osib_status osib_gate_dot(osib_runner *rn, const osib_case_ctx *cx, osib_err *err)
{
    const osib_case *c = cx->c;
    const size_t nq = c->nt * c->sources.count, nd = c->nt * c->receivers.count;
    const size_t nm = osib_case_physical_points(c);
    osib_status st = OSIB_OK;
    double *q = alloc_or_null(nq), *d = alloc_or_null(nd), *dm = alloc_or_null(nm);
    if (!q || !d || !dm) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the dot tests");
        goto done;
    }
    randn(rn->rng, q, nq, 1.0);
    randn(rn->rng, d, nd, 1.0);
    const double *fin[OSIB_REQ_MAX_INPUTS] = {cx->vp, q}, *ain[OSIB_REQ_MAX_INPUTS] = {cx->vp, d};
    osib_inputs_with_medium(c, cx->thomsen, fin, 2);
    osib_inputs_with_medium(c, cx->thomsen, ain, 2);
    st = dot_pair(rn, cx, OSIB_OP_FORWARD, OSIB_OP_ADJOINT, "F", fin, q, nq, ain, d, nd, err);
    if (st == OSIB_OK) {
        /* J is linearised about the published model and wavelets. */
        randn(rn->rng, dm, nm, 0.01);
        randn(rn->rng, d, nd, 1.0);
        const double *jin[OSIB_REQ_MAX_INPUTS] = {cx->vp, cx->wavelet, dm};
        const double *jain[OSIB_REQ_MAX_INPUTS] = {cx->vp, cx->wavelet, d};
        osib_inputs_with_medium(c, cx->thomsen, jin, 3);
        osib_inputs_with_medium(c, cx->thomsen, jain, 3);
        st = dot_pair(rn, cx, OSIB_OP_BORN, OSIB_OP_BORN_ADJOINT, "J", jin, dm, nm, jain, d, nd, err);
    }
done:
    free(q);
    free(d);
    free(dm);
    return st;
}

/* ---------------------------------------------------------------------------
 * Linearity
 * ------------------------------------------------------------------------- */

osib_status osib_gate_linearity(osib_runner *rn, const osib_case_ctx *cx, osib_err *err)
{
    if (!cx->ops[OSIB_OP_FORWARD])
        return OSIB_OK;
    const osib_case *c = cx->c;
    const size_t nq = c->nt * c->sources.count;
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
    osib_gate_phase(rn, "linearity", c, "forward");
    for (int i = 0; st == OSIB_OK && i < 3; i++) {
        const double *in[OSIB_REQ_MAX_INPUTS] = {cx->vp, q[i]};
        osib_inputs_with_medium(c, cx->thomsen, in, 2);
        st = osib_task_run(rn, c, OSIB_OP_FORWARD, in, "linearity", 0, 1, &t[i], err);
    }
    if (st == OSIB_OK) {
        char tasks[64];
        snprintf(tasks, sizeof tasks, "%s %s %s", t[0].id, t[1].id, t[2].id);
        osib_check k;
        osib_check_init(&k, "linearity", c->id, "forward", NULL, "error", tasks);
        k.params[0] = a;
        k.params[1] = b;
        k.nparams = 2;
        double tol = osib_linearity_threshold(rn->impl->dtype_bytes, c->physics);
        if (t[0].ok && t[1].ok && t[2].ok) {
            osib_check_upper(&k, osib_linearity_error(a, b, t[0].out[0], t[1].out[0], t[2].out[0], t[0].out_count[0]),
                             tol);
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
