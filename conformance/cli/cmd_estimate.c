/* osib estimate: what a case will cost, per operator, before running it. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "cli.h"
#include "estimate.h"

static const char *const estimate_usage =
    "usage: osib estimate CASE... [--op OP] [--bandwidth GB/s] [--precision float32|float64] [--markdown | --budgets]\n"
    "Per case and operator, from the spec's cost model (spec/acoustic.md, \"Cost model\"):\n"
    "  memory: wavefields, model arrays, and for born_adjoint and gradient the forward history,\n"
    "          stored in full or checkpointed (s = ceil(sqrt(nt - 2)) leapfrog states, revolve);\n"
    "  flops and compulsory bytes per time step; the predicted time at --bandwidth (default\n"
    "  100 GB/s): total bytes / bandwidth, plus the recomputed forward steps when checkpointed.\n"
    "  Under a case's memory_budget_bytes, the gradient's snapshots that fit and what they cost.\n"
    "OP: forward, adjoint, born, born_adjoint, gradient (default: all). --markdown prints one table\n"
    "(the one in spec/ladder.md); --budgets one row per case with a memory budget (also there).\n"
    "Precision float32 (default) or float64 sets the bytes per value (f32 and f64 are\n"
    "accepted too).";

static const char *bytes_text(double b, char *buf, size_t cap)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (b >= 1024.0 && u < 6) {
        b /= 1024.0;
        u++;
    }
    snprintf(buf, cap, u == 0 ? "%.0f %s" : "%.3g %s", b, unit[u]);
    return buf;
}

static const char *count_text(double v, char *buf, size_t cap)
{
    static const char *const unit[] = {"", "k", "M", "G", "T", "P", "E"};
    int u = 0;
    while (v >= 1000.0 && u < 6) {
        v /= 1000.0;
        u++;
    }
    snprintf(buf, cap, "%.3g%s", v, unit[u]);
    return buf;
}

static const char *time_text(double s, char *buf, size_t cap)
{
    if (s < 1.0)
        snprintf(buf, cap, "%.3g ms", s * 1e3);
    else if (s < 120.0)
        snprintf(buf, cap, "%.3g s", s);
    else if (s < 7200.0)
        snprintf(buf, cap, "%.3g min", s / 60.0);
    else if (s < 3.0 * 86400.0)
        snprintf(buf, cap, "%.3g h", s / 3600.0);
    else
        snprintf(buf, cap, "%.3g days", s / 86400.0);
    return buf;
}

typedef struct {
    osib_estimate e;
    double fields_bytes, model_bytes, history_full_bytes, sparse_bytes;
    double mem_full, mem_ckpt; /* mem_ckpt < 0: not applicable */
    double time_full_s, time_ckpt_s;
    osib_checkpoint_plan plan;
} op_cost;

/* The spec's footprint split into its parts, and the checkpointed variant. */
static op_cost cost_of(const osib_case *c, osib_op op, int vb, double bw_gbs)
{
    op_cost k;
    memset(&k, 0, sizeof k);
    k.e = osib_estimate_op(c, op, vb);
    const double N = k.e.padded_points, B = (double)vb;
    k.sparse_bytes = (double)c->nt * (double)(c->sources.count + c->receivers.count) * B;
    const double arrays = osib_footprint_arrays(c, op);
    const int has_history = op == OSIB_OP_GRADIENT || op == OSIB_OP_BORN_ADJOINT;
    /* m (and dm); a TTI case adds its Thomsen fields and has two wavefields. */
    const double thomsen = osib_case_is_tti(c) ? (c->ndim == 3 ? 4.0 : 3.0) : 0.0;
    const double nfield = osib_case_is_tti(c) ? 2.0 : 1.0;
    const double model_arrays = (op == OSIB_OP_BORN ? 2.0 : 1.0) + thomsen;
    const double history_arrays = has_history ? nfield * (double)c->nt : 0.0;
    k.model_bytes = model_arrays * N * B;
    k.history_full_bytes = history_arrays * N * B;
    k.fields_bytes = (arrays - model_arrays - history_arrays) * N * B;
    k.mem_full = k.e.footprint_bytes;
    k.time_full_s = k.e.total_bytes / (bw_gbs * 1e9);
    k.mem_ckpt = -1.0;
    if (has_history) {
        k.plan = osib_checkpoint_revolve(k.e.time_steps, 0.0);
        k.mem_ckpt = (k.plan.arrays * nfield + thomsen) * N * B + k.sparse_bytes;
        /* Each recomputed step moves the forward propagator's values. */
        double extra = k.plan.recomputed_steps * N * osib_case_values_per_point_step(c, OSIB_OP_FORWARD) * B;
        k.time_ckpt_s = (k.e.total_bytes + extra) / (bw_gbs * 1e9);
    }
    return k;
}

/* Under the case's memory budget: the spec's plan (estimate.h) and its
 * time. snapshots < 0: the whole history. */
typedef struct {
    double snapshots, recomputed_steps, time_s;
} budget_cost;

static budget_cost budget_of(const osib_case *c, int vb, double bw_gbs)
{
    const op_cost k = cost_of(c, OSIB_OP_GRADIENT, vb, bw_gbs);
    const osib_budget_plan p = osib_budget_plan_of(c, vb);
    const double N = k.e.padded_points;
    budget_cost b = {p.snapshots, p.recomputed_steps, k.time_full_s};
    if (p.snapshots >= 0)
        b.time_s =
            (k.e.total_bytes + p.recomputed_steps * N * osib_case_values_per_point_step(c, OSIB_OP_FORWARD) * vb) /
            (bw_gbs * 1e9);
    return b;
}

static void print_text(const osib_case *c, int only_op, int vb, double bw)
{
    char a[32], b[32], d[32], e[32], f[32], g[32];
    printf("case %s: %dD, padded grid %s points, %zu steps, %s, %g GB/s\n", c->id, c->ndim,
           count_text((double)osib_case_padded_points(c), a, sizeof a), c->nt - 2, vb == 4 ? "float32" : "float64", bw);
    printf("  %-13s %10s %10s %10s %10s %11s %11s %11s %11s\n", "operator", "flop/step", "bytes/step", "fields",
           "model", "mem full", "mem ckpt", "time full", "time ckpt");
    for (int op = 0; op < OSIB_OP_COUNT; op++) {
        if (only_op >= 0 && op != only_op)
            continue;
        op_cost k = cost_of(c, (osib_op)op, vb, bw);
        char fl[32], by[32];
        printf("  %-13s %10s %10s %10s %10s %11s %11s %11s %11s\n", osib_op_name((osib_op)op),
               count_text(k.e.flops_per_point_step * k.e.padded_points, fl, sizeof fl),
               bytes_text(k.e.bytes_per_point_step * k.e.padded_points, by, sizeof by),
               bytes_text(k.fields_bytes, a, sizeof a), bytes_text(k.model_bytes, b, sizeof b),
               bytes_text(k.mem_full, d, sizeof d), k.mem_ckpt < 0 ? "-" : bytes_text(k.mem_ckpt, e, sizeof e),
               time_text(k.time_full_s, f, sizeof f), k.mem_ckpt < 0 ? "-" : time_text(k.time_ckpt_s, g, sizeof g));
        if (k.mem_ckpt >= 0 && (only_op >= 0 || op == OSIB_OP_GRADIENT))
            printf("  %-13s checkpointed: %.0f snapshots, %.0f recomputed forward steps (%.2fx the forward sweep)\n",
                   "", k.plan.snapshots, k.plan.recomputed_steps, k.plan.recomputed_steps / k.e.time_steps);
        if (k.mem_ckpt >= 0 && (only_op >= 0 || op == OSIB_OP_GRADIENT) && c->memory_budget_bytes > 0) {
            const budget_cost bc = budget_of(c, vb, bw);
            if (bc.snapshots < 0)
                printf("  %-13s within the case's budget of %s: the whole history fits\n", "",
                       bytes_text((double)c->memory_budget_bytes, a, sizeof a));
            else
                printf("  %-13s within the case's budget of %s: %.0f snapshots, %.0f recomputed forward steps "
                       "(%.2fx the forward sweep), %s\n",
                       "", bytes_text((double)c->memory_budget_bytes, a, sizeof a), bc.snapshots, bc.recomputed_steps,
                       bc.recomputed_steps / k.e.time_steps, time_text(bc.time_s, f, sizeof f));
        }
    }
}

static void print_budget_row(const osib_case *c, int vb, double bw)
{
    char a[32], b[32], d[32], e[32];
    const op_cost k = cost_of(c, OSIB_OP_GRADIENT, vb, bw);
    const budget_cost bc = budget_of(c, vb, bw);
    printf("| %s | %s | %s | ", c->id, bytes_text((double)c->memory_budget_bytes, a, sizeof a),
           bytes_text(k.mem_full, b, sizeof b));
    if (bc.snapshots < 0)
        printf("whole history | 0 | 1.00 | %s |\n", time_text(bc.time_s, d, sizeof d));
    else
        printf("%.0f | %.0f | %.2f | %s (full history: %s) |\n", bc.snapshots, bc.recomputed_steps,
               1.0 + bc.recomputed_steps / k.e.time_steps, time_text(bc.time_s, d, sizeof d),
               time_text(k.time_full_s, e, sizeof e));
}

static void print_markdown_row(const osib_case *c, int only_op, int vb, double bw)
{
    char a[32], b[32], d[32], e[32], f[32], g[32], h[32], pts[32];
    count_text((double)osib_case_padded_points(c), pts, sizeof pts);
    for (int op = 0; op < OSIB_OP_COUNT; op++) {
        if (only_op >= 0 && op != only_op)
            continue;
        op_cost k = cost_of(c, (osib_op)op, vb, bw);
        printf("| %s | %s | %s | %zu | %s | %s | %s | %s | %s | %s |\n", op == 0 || only_op >= 0 ? c->id : "",
               osib_op_name((osib_op)op), op == 0 || only_op >= 0 ? pts : "", c->nt - 2,
               count_text(k.e.flops_per_point_step * k.e.padded_points, a, sizeof a),
               bytes_text(k.e.bytes_per_point_step * k.e.padded_points, b, sizeof b),
               bytes_text(k.mem_full, d, sizeof d), k.mem_ckpt < 0 ? "" : bytes_text(k.mem_ckpt, e, sizeof e),
               time_text(k.time_full_s, f, sizeof f), k.mem_ckpt < 0 ? "" : time_text(k.time_ckpt_s, g, sizeof g));
        (void)h;
    }
}

int cmd_estimate(int argc, char **argv)
{
    static const struct option options[] = {{"op", required_argument, NULL, 'o'},
                                            {"bandwidth", required_argument, NULL, 'b'},
                                            {"precision", required_argument, NULL, 'p'},
                                            {"markdown", no_argument, NULL, 'm'},
                                            {"budgets", no_argument, NULL, 'B'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    int only_op = -1, vb = 4, markdown = 0, budgets = 0, opt;
    double bw = 100.0;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        char *end;
        switch (opt) {
        case 'o':
            only_op = osib_op_parse(optarg);
            if (only_op < 0)
                return cli_error(OSIB_E_USAGE,
                                 "estimate: unknown operator \"%s\" (forward, adjoint, born, born_adjoint, gradient)",
                                 optarg);
            break;
        case 'b':
            bw = strtod(optarg, &end);
            if (end == optarg || *end || !(bw > 0.0 && bw <= 1e6))
                return cli_error(OSIB_E_USAGE, "estimate: --bandwidth takes GB/s in (0, 1e6], got \"%s\"", optarg);
            break;
        case 'p':
            if (strcmp(optarg, "f32") == 0 || strcmp(optarg, "float32") == 0)
                vb = 4;
            else if (strcmp(optarg, "f64") == 0 || strcmp(optarg, "float64") == 0)
                vb = 8;
            else
                return cli_error(OSIB_E_USAGE, "estimate: --precision float32 or float64");
            break;
        case 'm': markdown = 1; break;
        case 'B': budgets = 1; break;
        case 'h': puts(estimate_usage); return 0;
        default: return cli_error(OSIB_E_USAGE, "estimate: unknown option or missing value (see osib estimate --help)");
        }
    }
    if (optind >= argc)
        return cli_error(OSIB_E_USAGE, "estimate needs at least one case (see osib estimate --help)");
    if (budgets) {
        printf("| case | memory budget | gradient, full history | snapshots | recomputed forward steps | forward "
               "sweeps | time |\n|---|---:|---:|---:|---:|---:|---:|\n");
    } else if (markdown) {
        printf("| case | operator | padded points | steps | flop/step | bytes/step | memory, full history | "
               "memory, checkpointed | time, full | time, checkpointed |\n");
        printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    }
    int status = 0;
    for (int i = optind; i < argc; i++) {
        osib_case c;
        osib_err err = {0};
        if (cli_load_case(argv[i], &c, &err) != OSIB_OK) {
            status = cli_report(&err);
            continue;
        }
        if (budgets) {
            if (c.memory_budget_bytes > 0 && !osib_case_is_tti(&c))
                print_budget_row(&c, vb, bw);
        } else if (markdown)
            print_markdown_row(&c, only_op, vb, bw);
        else {
            if (i > optind)
                putchar('\n');
            print_text(&c, only_op, vb, bw);
        }
        osib_case_free(&c);
    }
    return status;
}
