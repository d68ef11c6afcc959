/*
 * osib-bench - the CPU benchmark of `make bench` (reference/cpu/README.md).
 *
 * For each case and operator: STREAM triad, the operator `repeat` times
 * with osib-cpu's kernels (the same library osib-cpu certifies with), the
 * triad again; then throughput against the roofline bound that the
 * bandwidth measured around it sets (spec/acoustic.md, "Cost model").
 * Never a test: timings are reported, not asserted.
 */
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_cpu.h"
#include "cpu_problem.h"
#include "cpu_tti.h"
#include "cpu_tune.h"
#include "case.h"
#include "case_setup.h"
#include "estimate.h"
#include "fileutil.h"
#include "inputs.h"
#include "run.h"
#include "sysinfo.h"
#include "machine.h"
#include "version.h"

static const char *const usage =
    "usage: osib-bench [--ops OP,...] [--repeat N] [--pairs N] [--time-block K] [--tile-y N] [--tune MODE]\n"
    "                  [--checkpoints S [--reverse-block W] | --history-levels L | --stream DIR]\n"
    "                  [--out FILE.yaml] CASE...\n"
    "       osib-bench triad [--repeat N]\n"
    "       osib-bench --help | --version\n"
    "\n"
    "Times osib-cpu's kernels (reference/cpu) on each case: one untimed run,\n"
    "STREAM triad, the operator N times (median), triad again, and prints GPts/s, GFlop/s, the\n"
    "per-core rate and the % of the roofline bound (triad bandwidth over the\n"
    "spec's compulsory bytes per point and step) and of the streaming bound\n"
    "(the bytes of a sweep that moves its fields once per K fused steps; the\n"
    "gradient's history, written and read once per step, is not shared). A case run\n"
    "with forward and gradient also gets gradient / forward time: of the medians, of\n"
    "the fastest calls, and the median over alternated calls on one instance\n"
    "(forward, gradient, forward, ...: each gradient against the forwards either\n"
    "side of it, which a machine drifting by the minute does not move).\n"
    "Threads: OMP_NUM_THREADS (pin them with OMP_PROC_BIND=close).\n"
    "\n"
    "  --ops LIST       operators (default forward,gradient)\n"
    "  --repeat N       timed runs per case and operator (default 3)\n"
    "  --pairs N        alternated gradient / forward pairs (default 3; 0: none)\n"
    "  --time-block K   osib-cpu's --time-block (default: as --tune chooses)\n"
    "  --tile-y N       osib-cpu's --tile-y (default: as --tune chooses)\n"
    "  --tune MODE      osib-cpu's --tune: auto, trial, rule or fixed (reference/cpu/cpu_tune.h);\n"
    "                   trial tunes with the first case and operator, and the rest read the cache\n"
    "  --checkpoints S  osib-cpu's --checkpoints: the gradient with S Revolve snapshots\n"
    "                   (default: the whole history; tools/bench/bench-budget)\n"
    "  --reverse-block W  osib-cpu's --reverse-block: with --checkpoints, reversal in blocks of W\n"
    "  --history-levels L  osib-cpu's --history-levels: the gradient keeps at most L forward\n"
    "                   levels, its reversal planned to fit (tools/bench/bench-budget)\n"
    "  --stream DIR     osib-cpu's --stream: the gradient's history in a file in DIR\n"
    "  --out FILE       also write the rows as YAML, atomically\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 invalid case, 5 not enough memory, 9 other.\n";

typedef struct {
    char id[OSIB_ID_MAX];
    int ndim, space_order, time_block, threads, repeat;
    size_t shape[3];
    osib_op op;
    int tti;
    double seconds, seconds_min, seconds_max, gpts, gflops, bytes_per_point;
    double exec_flops_per_point, gflops_exec, peak_gflops; /* executed flops: TTI (cpu_tti.h); 0 otherwise */
    double triad_before, triad_after, roofline_gpts, streaming_gpts;
    char notes[1024]; /* what the kernels chose (blocking, the gradient's checkpoints), one line, or "" */
} bench_row;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Inputs for timing: the documented wavelets, and the reversed wavelets as
 * adjoint and observed data (any data costs the same). */
static osib_status bench_inputs(const osib_case *c, osib_op op, osib_inputs *in, osib_err *err)
{
    memset(in, 0, sizeof *in);
    size_t nphys = osib_case_physical_points(c), ndata = c->nt * c->receivers.count;
    in->vp = malloc(nphys * sizeof *in->vp);
    in->src_wavelet = malloc(c->nt * c->sources.count * sizeof *in->src_wavelet);
    in->adjoint_data = malloc((ndata ? ndata : 1) * sizeof *in->adjoint_data);
    if (!in->vp || !in->src_wavelet || !in->adjoint_data)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the inputs");
    osib_status st = osib_case_model_vp(c, in->vp, err);
    if (st != OSIB_OK)
        return st;
    if (c->physics == OSIB_PHYSICS_ACOUSTIC_TTI) {
        double **tf[4] = {&in->epsilon, &in->delta, &in->theta, &in->phi};
        for (int k = 0; k < 4; k++)
            if (!(*tf[k] = malloc(nphys * sizeof(double))))
                return osib_fail(err, OSIB_E_NOMEM, "out of memory for the Thomsen fields");
        if ((st = osib_case_model_tti(c, in->epsilon, in->delta, in->theta, in->phi, err)) != OSIB_OK)
            return st;
        if (c->ndim != 3) { /* no azimuth in 2D */
            free(in->phi);
            in->phi = NULL;
        }
    }
    osib_input_wavelets(c, in->src_wavelet);
    osib_input_adjoint_data(c, in->adjoint_data);
    if (op == OSIB_OP_BORN) {
        if (!(in->dm = malloc(nphys * sizeof *in->dm)))
            return osib_fail(err, OSIB_E_NOMEM, "out of memory for dm");
        osib_input_dm(c, in->dm);
    }
    if (op == OSIB_OP_GRADIENT) {
        if (!(in->observed_data = malloc((ndata ? ndata : 1) * sizeof *in->observed_data)))
            return osib_fail(err, OSIB_E_NOMEM, "out of memory for the data");
        memcpy(in->observed_data, in->adjoint_data, ndata * sizeof *in->observed_data);
    }
    return OSIB_OK;
}

/* Values per point and step of a time loop that streams its fields once per
 * block of k steps (osib-cpu's wavefronts): every operator's fields and the
 * image are shared by the k steps, the gradient's history is not - the
 * forward sweep writes one level and the adjoint sweep reads one per step.
 * Forward and adjoint 4/k, born 8/k, born_adjoint and gradient 10/k + 2
 * (two rings of 4/k, the image 2/k), never more than the spec's compulsory
 * count, which a loop without blocking can reach (estimate.h). */
static double streaming_values(osib_op op, int k)
{
    double v = osib_values_per_point_step(op);
    if (op == OSIB_OP_BORN_ADJOINT || op == OSIB_OP_GRADIENT) {
        double blocked = 10.0 / k + 2.0;
        return blocked < v ? blocked : v;
    }
    return v / k;
}

/* The machine's float32 arithmetic peak as these kernels can reach it:
 * every thread runs 12 independent chains of vector multiply-adds (FMA
 * with -ffp-contract=fast, at the widest vectors -march=native allows),
 * the best of three runs. What "% of peak" is measured against. */
typedef float peak_vec __attribute__((vector_size(64)));

static double peak_gflops(void)
{
    enum { CHAINS = 12, LANES = 16 };
    const long iters = 20000000;
    double best = 0.0;
    for (int rep = 0; rep < 3; rep++) {
        volatile float sink = 0.0f;
        const double t0 = osib_now_seconds();
#pragma omp parallel
        {
            peak_vec acc[CHAINS], mul, add;
            for (int l = 0; l < LANES; l++) {
                mul[l] = 0.999999f;
                add[l] = 1e-7f * (float)(l + 1);
            }
            for (int k = 0; k < CHAINS; k++)
                acc[k] = add * (float)(k + 1);
            for (long i = 0; i < iters; i++)
                for (int k = 0; k < CHAINS; k++)
                    acc[k] = acc[k] * mul + add;
            float total = 0.0f;
            for (int k = 0; k < CHAINS; k++)
                for (int l = 0; l < LANES; l++)
                    total += acc[k][l];
#pragma omp atomic
            sink += total;
        }
        const double seconds = osib_now_seconds() - t0;
        const double flops = 2.0 * CHAINS * LANES * (double)iters * omp_get_max_threads();
        if (flops / seconds / 1e9 > best)
            best = flops / seconds / 1e9;
        (void)sink;
    }
    return best;
}

/* One open instance of osib-cpu on a case, with inputs for op (those of
 * the gradient serve the forward too) and room for either's output. */
typedef struct {
    osib_case c;
    osib_case_setup cs;
    osib_inputs in;
    osib_backend backend;
    void *state;
    double *out;
} bench_instance;

static void instance_close(bench_instance *b)
{
    if (b->state)
        b->backend.destroy(b->state);
    free(b->out);
    osib_inputs_free(&b->in);
    osib_case_setup_free(&b->cs);
    osib_case_free(&b->c);
}

static osib_status instance_open(bench_instance *b, const char *path, osib_op op, const cpu_options *opt, osib_err *err)
{
    memset(b, 0, sizeof *b);
    osib_thomsen th;
    b->backend = osib_backend_cpu;
    b->backend.options = opt;
    osib_status st = osib_case_load(path, &b->c, err);
    if (st != OSIB_OK)
        return st; /* nothing to close: the case did not load */
    if ((st = osib_check_memory(&b->backend, &b->c, op, err)) != OSIB_OK ||
        (st = bench_inputs(&b->c, op, &b->in, err)) != OSIB_OK ||
        (st = osib_case_setup_init(&b->cs, &b->c, err)) != OSIB_OK ||
        (st = osib_backend_open(&b->backend, &b->cs, b->in.vp, osib_inputs_thomsen(&b->in, &b->c, &th), &b->state,
                                err)) != OSIB_OK) {
        instance_close(b);
        return st;
    }
    size_t nout = osib_output_count(&b->c, op), nfwd = osib_output_count(&b->c, OSIB_OP_FORWARD);
    if (nfwd > nout)
        nout = nfwd;
    if (!(b->out = malloc((nout ? nout : 1) * sizeof *b->out))) {
        instance_close(b);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the output");
    }
    return OSIB_OK;
}

/* One call of op, timed. */
static osib_status instance_run(bench_instance *b, osib_op op, double *seconds, osib_err *err)
{
    double objective = 0.0, t0 = osib_now_seconds();
    osib_status st = osib_compute(&b->backend, b->state, op, &b->in, b->out, &objective, err);
    *seconds = osib_now_seconds() - t0;
    return st;
}

static double median_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static osib_status bench_one(const char *path, osib_op op, const cpu_options *opt, int repeat, double peak,
                             bench_row *row, osib_err *err)
{
    bench_instance b;
    osib_status st = instance_open(&b, path, op, opt, err);
    if (st != OSIB_OK)
        return st;
    const osib_case *c = &b.c;
    double *times = malloc((size_t)repeat * sizeof *times), seconds = 0.0;
    if (!times) {
        instance_close(&b);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the timings");
    }
    memset(row, 0, sizeof *row);
    snprintf(row->id, sizeof row->id, "%s", c->id);
    row->ndim = c->ndim;
    for (int d = 0; d < c->ndim; d++)
        row->shape[d] = c->shape[d];
    row->space_order = c->space_order;
    row->op = op;
    row->tti = c->physics == OSIB_PHYSICS_ACOUSTIC_TTI;
    /* K as chosen for this machine (cpu_tune.h), when the model was set. */
    row->time_block = c->ndim == 3 && !row->tti ? ((const cpu_problem *)b.state)->time_block : 1; /* TTI: none */
    row->threads = omp_get_max_threads();
    row->repeat = repeat;
    row->peak_gflops = peak;
    /* One untimed run first: page faults of fresh memory and the first
     * touch of the model arrays are not the kernel's speed. */
    st = instance_run(&b, op, &seconds, err);
    if (st != OSIB_OK)
        goto done;
    row->triad_before = osib_machine_triad_gbs(5);
    for (int r = 0; r < repeat && st == OSIB_OK; r++)
        st = instance_run(&b, op, &times[r], err);
    row->triad_after = osib_machine_triad_gbs(5);
    if (st != OSIB_OK)
        goto done;
    if (b.backend.notes) {
        /* one line: its lines joined by "; " */
        char notes[sizeof row->notes];
        b.backend.notes(b.state, notes, sizeof notes);
        size_t n = 0;
        for (const char *s = notes; *s && n + 3 < sizeof row->notes; s++)
            if (*s == '\n') {
                row->notes[n++] = ';';
                row->notes[n++] = ' ';
            } else
                row->notes[n++] = *s;
        row->notes[n] = '\0';
    }
    row->seconds = median_of(times, repeat);
    row->seconds_min = times[0];
    row->seconds_max = times[repeat - 1];
    osib_estimate e = osib_estimate_op(c, op, 4);
    row->gpts = e.padded_points * e.time_steps / row->seconds / 1e9;
    row->gflops = e.total_flops / row->seconds / 1e9;
    row->bytes_per_point = e.bytes_per_point_step;
    double bw = 0.5 * (row->triad_before + row->triad_after);
    row->roofline_gpts = osib_roofline_gpts(c, op, 4, bw);
    /* TTI streams every field once per step: its bound is the roofline. */
    row->streaming_gpts = row->tti ? row->roofline_gpts : bw / (streaming_values(op, row->time_block) * 4);
    if (row->tti) {
        row->exec_flops_per_point = cpu_tti_flops_per_point(b.state, op);
        row->gflops_exec = row->exec_flops_per_point * e.padded_points * e.time_steps / row->seconds / 1e9;
    }
done:
    free(times);
    instance_close(&b);
    return st;
}

/* The gradient / forward time ratio from alternated calls on one instance:
 * F_0 G_1 F_1 ... G_n F_n, pair i's ratio G_i / ((F_{i-1} + F_i) / 2). The
 * machines this runs on drift by 20% within minutes (reference/cpu/
 * README.md), so a ratio of medians taken a minute apart measures the
 * drift as much as the kernels; a gradient and the forwards on either side
 * of it, seconds apart, see the same machine. */
typedef struct {
    char id[OSIB_ID_MAX];
    int pairs;
    double median, min, max;
    double *ratio; /* pairs, in call order */
} bench_ratio;

static osib_status bench_pairs(const char *path, const cpu_options *opt, int pairs, bench_ratio *r, osib_err *err)
{
    bench_instance b;
    osib_status st = instance_open(&b, path, OSIB_OP_GRADIENT, opt, err);
    if (st != OSIB_OK)
        return st;
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", b.c.id);
    r->pairs = pairs;
    double *sorted = malloc((size_t)pairs * sizeof *sorted), f_before = 0.0, f_after = 0.0, g = 0.0;
    r->ratio = malloc((size_t)pairs * sizeof *r->ratio);
    if (!sorted || !r->ratio) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the timings");
        goto done;
    }
    /* Untimed: the history's first touch, and the forward's arrays. */
    if ((st = instance_run(&b, OSIB_OP_GRADIENT, &g, err)) != OSIB_OK ||
        (st = instance_run(&b, OSIB_OP_FORWARD, &f_before, err)) != OSIB_OK)
        goto done;
    for (int i = 0; i < pairs; i++) {
        if ((st = instance_run(&b, OSIB_OP_GRADIENT, &g, err)) != OSIB_OK ||
            (st = instance_run(&b, OSIB_OP_FORWARD, &f_after, err)) != OSIB_OK)
            goto done;
        r->ratio[i] = sorted[i] = g / (0.5 * (f_before + f_after));
        f_before = f_after;
    }
    r->median = median_of(sorted, pairs);
    r->min = sorted[0];
    r->max = sorted[pairs - 1];
done:
    if (st != OSIB_OK) {
        free(r->ratio);
        r->ratio = NULL;
    }
    free(sorted);
    instance_close(&b);
    return st;
}

static void print_header(void)
{
    printf("%-24s %-13s %2s %-8s %2s %8s %8s %9s %9s %6s %8s %8s %9s %9s\n", "case", "grid", "so", "operator", "K",
           "seconds", "GPts/s", "GFlop/s", "executed", "%peak", "per core", "triad", "%roofline", "%stream");
}

static void print_row(const bench_row *r)
{
    char grid[32], exec[16] = "-";
    if (r->ndim == 3)
        snprintf(grid, sizeof grid, "%zux%zux%zu", r->shape[0], r->shape[1], r->shape[2]);
    else
        snprintf(grid, sizeof grid, "%zux%zu", r->shape[0], r->shape[1]);
    if (r->tti)
        snprintf(exec, sizeof exec, "%.1f", r->gflops_exec);
    printf("%-24s %-13s %2d %-8s %2d %8.3f %8.3f %9.1f %9s %5.0f%% %8.3f %8.1f %8.0f%% %8.0f%%\n", r->id, grid,
           r->space_order, osib_op_name(r->op), r->time_block, r->seconds, r->gpts, r->gflops, exec,
           100.0 * (r->tti ? r->gflops_exec : r->gflops) / r->peak_gflops, r->gpts / r->threads,
           0.5 * (r->triad_before + r->triad_after), 100.0 * r->gpts / r->roofline_gpts,
           100.0 * r->gpts / r->streaming_gpts);
    if (r->notes[0])
        printf("    %s\n", r->notes);
    fflush(stdout);
}

static void yaml_row(FILE *f, const bench_row *r)
{
    fprintf(f, "  - case: %s\n    dimensions: %d\n    shape: [%zu, %zu", r->id, r->ndim, r->shape[0], r->shape[1]);
    if (r->ndim == 3)
        fprintf(f, ", %zu", r->shape[2]);
    fprintf(f,
            "]\n    space_order: %d\n    operator: %s\n    time_block: %d\n    threads: %d\n    repeat: %d\n"
            "    seconds_median: %.6g\n    seconds_min: %.6g\n    seconds_max: %.6g\n    gpts_per_s: %.6g\n"
            "    gflop_per_s: %.6g\n    per_core_gpts_per_s: %.6g\n    bytes_per_point_step: %g\n"
            "    triad_gbs_before: %.4g\n    triad_gbs_after: %.4g\n    roofline_gpts_per_s: %.6g\n"
            "    roofline_fraction: %.4f\n    streaming_bound_gpts_per_s: %.6g\n    streaming_fraction: %.4f\n",
            r->space_order, osib_op_name(r->op), r->time_block, r->threads, r->repeat, r->seconds, r->seconds_min,
            r->seconds_max, r->gpts, r->gflops, r->gpts / r->threads, r->bytes_per_point, r->triad_before,
            r->triad_after, r->roofline_gpts, r->gpts / r->roofline_gpts, r->streaming_gpts,
            r->gpts / r->streaming_gpts);
    fprintf(f, "    physics: %s\n    peak_gflop_per_s: %.6g\n", r->tti ? "acoustic-tti" : "acoustic-iso",
            r->peak_gflops);
    if (r->tti)
        fprintf(f, "    executed_flops_per_point_step: %.6g\n    gflop_per_s_executed: %.6g\n", r->exec_flops_per_point,
                r->gflops_exec);
    fprintf(f, "    compute_fraction: %.4f\n", (r->tti ? r->gflops_exec : r->gflops) / r->peak_gflops);
    if (r->notes[0])
        fprintf(f, "    notes: \"%s\"\n", r->notes); /* osib-cpu's own words: no quotes in them */
}

static void yaml_ratio(FILE *f, const bench_ratio *r)
{
    fprintf(f, "  - case: %s\n    pairs: %d\n    median: %.4f\n    min: %.4f\n    max: %.4f\n    per_pair: [", r->id,
            r->pairs, r->median, r->min, r->max);
    for (int i = 0; i < r->pairs; i++)
        fprintf(f, "%s%.4f", i ? ", " : "", r->ratio[i]);
    fprintf(f, "]\n");
}

static int write_yaml(const char *path, const bench_row *rows, size_t n, const bench_ratio *ratios, size_t nratio)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return -1;
    fprintf(f, "# osib-bench: osib-cpu kernels timed against STREAM triad (reference/cpu/README.md)\n");
    fprintf(f, "osib_bench: 1\nkit_version: \"%s\"\ncommit: \"%s\"\nrows:\n", osib_kit_version(), osib_git_commit());
    for (size_t i = 0; i < n; i++)
        yaml_row(f, &rows[i]);
    /* gradient time / forward time of alternated calls (bench_pairs) */
    fprintf(f, "gradient_over_forward:%s\n", nratio ? "" : " []");
    for (size_t i = 0; i < nratio; i++)
        yaml_ratio(f, &ratios[i]);
    fclose(f);
    osib_err err = {0};
    osib_status st = osib_write_text_atomic(path, text, len, &err);
    free(text);
    if (st != OSIB_OK)
        fprintf(stderr, "osib-bench: %s\n", err.msg);
    return st == OSIB_OK ? 0 : -1;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!end || *end || end == s || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* The second target, when a case ran both: gradient time over
 * forward time (reference/cpu/README.md), of the medians and of the
 * fastest calls. Both, because a disturbance lasting seconds moves the
 * medians of the short forward far more than the gradient's: on the VMs
 * measured, the host reclaims the gigabytes a gradient's history frees,
 * and the calls of the next ten seconds or so run up to 15% slower. */
static int print_gradient_ratio(const bench_row *rows, size_t n)
{
    const bench_row *fwd = NULL, *grad = NULL;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].op == OSIB_OP_FORWARD)
            fwd = &rows[i];
        if (rows[i].op == OSIB_OP_GRADIENT)
            grad = &rows[i];
    }
    if (fwd && grad)
        printf("%-24s gradient / forward time = %.2f (medians), %.2f (fastest calls)\n", fwd->id,
               grad->seconds / fwd->seconds, grad->seconds_min / fwd->seconds_min);
    return fwd && grad;
}

static void print_pairs(const bench_ratio *r)
{
    printf("%-24s gradient / forward time = %.2f (median of %d alternated pairs, %.2f-%.2f)\n", r->id, r->median,
           r->pairs, r->min, r->max);
    fflush(stdout);
}

static int fail_usage(const char *msg)
{
    fprintf(stderr, "osib-bench: %s (see osib-bench --help)\n", msg);
    return 2;
}

int main(int argc, char **argv)
{
    int repeat = 3, pairs = 3;
    cpu_options opt = {
        .time_block = CPU_DEFAULT_TIME_BLOCK, .tile_y = CPU_DEFAULT_TILE_Y, .checkpoints = -1, .tune = CPU_TUNE_AUTO};
    const char *out_path = NULL, *ops_arg = "forward,gradient";
    if (argc >= 2 && strcmp(argv[1], "triad") == 0) {
        int r = 5;
        if (argc == 4 && strcmp(argv[2], "--repeat") == 0) {
            if (parse_int(argv[3], 1, 64, &r) != 0)
                return fail_usage("--repeat wants an integer from 1 to 64");
        } else if (argc != 2) {
            return fail_usage("triad takes only --repeat N");
        }
        double gbs = osib_machine_triad_gbs(r);
        if (gbs < 0) {
            fprintf(stderr, "osib-bench: out of memory for the triad arrays\n");
            return 5;
        }
        printf("triad %.2f GB/s (%d threads, best of %d)\n", gbs, omp_get_max_threads(), r);
        return 0;
    }
    static const struct option longopts[] = {{"ops", required_argument, NULL, 'o'},
                                             {"repeat", required_argument, NULL, 'r'},
                                             {"time-block", required_argument, NULL, 'k'},
                                             {"tile-y", required_argument, NULL, 'y'},
                                             {"tune", required_argument, NULL, 't'},
                                             {"pairs", required_argument, NULL, 'p'},
                                             {"checkpoints", required_argument, NULL, 'c'},
                                             {"stream", required_argument, NULL, 's'},
                                             {"reverse-block", required_argument, NULL, 'W'},
                                             {"history-levels", required_argument, NULL, 'L'},
                                             {"out", required_argument, NULL, 'O'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"version", no_argument, NULL, 'V'},
                                             {NULL, 0, NULL, 0}};
    int ch;
    opterr = 0; /* one line of our own for a bad option, not getopt's as well */
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o': ops_arg = optarg; break;
        case 'r':
            if (parse_int(optarg, 1, 1000, &repeat) != 0)
                return fail_usage("--repeat wants an integer from 1 to 64");
            break;
        case 'k':
            if (parse_int(optarg, 1, CPU_MAX_TIME_BLOCK, &opt.time_block) != 0)
                return fail_usage("--time-block wants an integer from 1 to 16");
            break;
        case 'y':
            if (parse_int(optarg, 1, CPU_MAX_TILE, &opt.tile_y) != 0)
                return fail_usage("--tile-y wants a positive integer");
            break;
        case 't': {
            cpu_tune_mode mode;
            if (cpu_tune_mode_parse(optarg, &mode) != 0)
                return fail_usage("--tune wants auto, trial, rule or fixed");
            opt.tune = (int)mode;
            break;
        }
        case 'p':
            if (parse_int(optarg, 0, 1000, &pairs) != 0)
                return fail_usage("--pairs wants an integer from 0 to 1000");
            break;
        case 'c':
            if (parse_int(optarg, 0, CPU_MAX_SNAPSHOTS, &opt.checkpoints) != 0)
                return fail_usage("--checkpoints wants an integer from 0 to 1048576");
            break;
        case 's': opt.stream_dir = optarg; break;
        case 'W':
            if (parse_int(optarg, 1, CPU_MAX_SNAPSHOTS, &opt.reverse_block) != 0)
                return fail_usage("--reverse-block wants an integer from 1 to 1048576");
            break;
        case 'L':
            if (parse_int(optarg, 2, 1 << 30, &opt.history_levels) != 0)
                return fail_usage("--history-levels wants an integer of at least 2");
            break;
        case 'O': out_path = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        case 'V':
            printf("osib-bench %s (reference/cpu, float32; spec %s, commit %s)\n", osib_kit_version(),
                   osib_spec_version(), osib_git_commit());
            return 0;
        default: {
            char msg[160];
            snprintf(msg, sizeof msg, "unknown option, or one without its value: %s", argv[optind - 1]);
            return fail_usage(msg);
        }
        }
    }
    if (optind >= argc)
        return fail_usage("no case given");
    osib_op ops[OSIB_OP_COUNT];
    int nops = 0;
    char opsbuf[256];
    snprintf(opsbuf, sizeof opsbuf, "%s", ops_arg);
    for (char *save = NULL, *tok = strtok_r(opsbuf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int op = osib_op_parse(tok);
        if (nops == OSIB_OP_COUNT || op < 0)
            return fail_usage("--ops: unknown operator");
        ops[nops++] = (osib_op)op;
    }
    size_t nrows = (size_t)(argc - optind) * (size_t)nops, n = 0;
    bench_row *rows = calloc(nrows, sizeof *rows);
    bench_ratio *ratios = calloc((size_t)(argc - optind), sizeof *ratios);
    size_t nratio = 0;
    if (!rows || !ratios) {
        free(rows);
        free(ratios);
        return 5;
    }
    const double peak = peak_gflops();
    char caches[256];
    osib_caches mc = osib_machine_caches();
    osib_caches_describe(&mc, caches, sizeof caches);
    printf("osib-bench %s: %d threads, %d runs each (median); caches %s; float32 FMA peak %.0f GFlop/s\n",
           osib_kit_version(), omp_get_max_threads(), repeat, caches, peak);
    print_header();
    int rc = 0;
    for (int i = optind; i < argc; i++) {
        const size_t first = n;
        for (int k = 0; k < nops; k++) {
            osib_err err = {0};
            osib_status st = bench_one(argv[i], ops[k], &opt, repeat, peak, &rows[n], &err);
            if (opt.tune == CPU_TUNE_TRIAL)
                opt.tune = CPU_TUNE_AUTO; /* tuned once: the rest read the cache */
            if (st != OSIB_OK) {
                rc = osib_exit_code(st);
                if (st == OSIB_E_IO || st == OSIB_E_CASE) { /* the case itself: once, not per operator */
                    fprintf(stderr, "osib-bench: %s\n", err.msg);
                    break;
                }
                fprintf(stderr, "osib-bench: %s %s: %s\n", argv[i], osib_op_name(ops[k]), err.msg);
                continue;
            }
            print_row(&rows[n++]);
        }
        if (print_gradient_ratio(rows + first, n - first) && pairs > 0) {
            osib_err err = {0};
            osib_status st = bench_pairs(argv[i], &opt, pairs, &ratios[nratio], &err);
            if (st != OSIB_OK) {
                rc = osib_exit_code(st);
                fprintf(stderr, "osib-bench: %s alternated pairs: %s\n", argv[i], err.msg);
            } else {
                print_pairs(&ratios[nratio++]);
            }
        }
    }
    if (out_path && write_yaml(out_path, rows, n, ratios, nratio) != 0 && rc == 0)
        rc = 4;
    for (size_t i = 0; i < nratio; i++)
        free(ratios[i].ratio);
    free(ratios);
    free(rows);
    return rc;
}
