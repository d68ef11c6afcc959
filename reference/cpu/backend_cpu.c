/*
 * backend_cpu.c - the CPU implementation seen through the driver's backend
 * interface (reference/driver/backend.h): osib_backend_cpu, or
 * osib_backend_cpu64 in the float64 build (cpu_real.h).
 */
#include "backend_cpu.h"
#include "cpu_tune.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_operators.h"
#include "cpu_tti.h"

/* The value of an integer option in lo..hi, or -1 with a message. */
static int option_value(const char *name, const char *text, long lo, long hi, int *out, char *err, size_t err_cap)
{
    char *end = NULL;
    long k = text ? strtol(text, &end, 10) : 0;
    if (!text || !end || *end || end == text || k < lo || k > hi) {
        snprintf(err, err_cap, "%s %s: want an integer from %ld to %ld", name, text ? text : "(missing)", lo, hi);
        return -1;
    }
    *out = (int)k;
    return 0;
}

int cpu_options_parse(int *argc, char **argv, cpu_options *o, char *err, size_t err_cap)
{
    o->time_block = CPU_DEFAULT_TIME_BLOCK;
    o->tile_y = CPU_DEFAULT_TILE_Y;
    o->tile_x = 0;
    o->float64 = 0;
    o->checkpoints = -1;
    o->reverse_block = 0;
    o->history_levels = 0;
    o->zfp_rate = 0;
    o->stream_dir = NULL;
    o->tune = CPU_TUNE_AUTO;
    while (*argc >= 2) {
        int *out = NULL, lo = 1, hi = 0;
        if (strcmp(argv[1], "--time-block") == 0) {
            out = &o->time_block;
            hi = CPU_MAX_TIME_BLOCK;
        } else if (strcmp(argv[1], "--tile-y") == 0) {
            out = &o->tile_y;
            hi = CPU_MAX_TILE;
        } else if (strcmp(argv[1], "--tile-x") == 0) {
            out = &o->tile_x;
            hi = CPU_MAX_TILE;
        } else if (strcmp(argv[1], "--checkpoints") == 0) {
            out = &o->checkpoints;
            lo = 0;
            hi = CPU_MAX_SNAPSHOTS;
        } else if (strcmp(argv[1], "--reverse-block") == 0) {
            out = &o->reverse_block;
            hi = CPU_MAX_SNAPSHOTS;
        } else if (strcmp(argv[1], "--history-levels") == 0) {
            out = &o->history_levels;
            lo = 2;
            hi = 1 << 30;
        } else if (strcmp(argv[1], "--zfp-rate") == 0) {
            out = &o->zfp_rate;
            hi = 8 * (int)sizeof(cpu_real);
        } else if (strcmp(argv[1], "--stream") == 0) {
            const char *v = *argc >= 3 ? argv[2] : NULL;
            if (!v || !*v || strlen(v) >= 256) {
                snprintf(err, err_cap, "--stream %s: want a directory (under 256 characters)", v ? v : "(missing)");
                return -1;
            }
            o->stream_dir = v;
        } else if (strcmp(argv[1], "--tune") == 0) {
            const char *v = *argc >= 3 ? argv[2] : NULL;
            cpu_tune_mode mode;
            if (!v || cpu_tune_mode_parse(v, &mode) != 0) {
                snprintf(err, err_cap, "--tune %s: want auto, trial, rule or fixed", v ? v : "(missing)");
                return -1;
            }
            o->tune = (int)mode;
        } else if (strcmp(argv[1], "--precision") == 0) {
            const char *v = *argc >= 3 ? argv[2] : NULL;
            if (!v || (strcmp(v, "float32") != 0 && strcmp(v, "float64") != 0)) {
                snprintf(err, err_cap, "--precision %s: want float32 or float64", v ? v : "(missing)");
                return -1;
            }
            o->float64 = strcmp(v, "float64") == 0;
        } else {
            break;
        }
        if (out && option_value(argv[1], *argc >= 3 ? argv[2] : NULL, lo, hi, out, err, err_cap) != 0)
            return -1;
        memmove(argv + 1, argv + 3, (size_t)(*argc - 3 + 1) * sizeof *argv); /* with the final NULL */
        *argc -= 2;
    }
    return 0;
}

int cpu_time_block(const cpu_options *o, int space_order)
{
    if (o->time_block > 0)
        return o->time_block;
    const int half = space_order / 2 > 0 ? space_order / 2 : 1, k = CPU_RULE_PLANES / half;
    return k < 1 ? 1 : (k > CPU_RULE_MAX_TIME_BLOCK ? CPU_RULE_MAX_TIME_BLOCK : k);
}

static osib_status create(void **state, const osib_setup *s, const void *options, osib_err *err)
{
    cpu_problem *p = malloc(sizeof *p);
    if (!p)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    osib_status st = cpu_problem_init(p, s, err);
    if (st != OSIB_OK) {
        free(p);
        return st;
    }
    const cpu_options defaults = {
        .time_block = CPU_DEFAULT_TIME_BLOCK, .tile_y = CPU_DEFAULT_TILE_Y, .float64 = 0, .checkpoints = -1};
    const cpu_options *o = options ? options : &defaults;
    p->time_block = cpu_time_block(o, s->space_order);
    p->tile_y = o->tile_y;
    p->tune_mode = o->tune;
    p->tune_k_given = o->time_block;
    p->snapshots = o->checkpoints;
    p->reverse_block = o->reverse_block;
    p->history_levels = (size_t)o->history_levels;
    p->zfp_rate = o->zfp_rate;
    if (o->stream_dir)
        snprintf(p->stream_dir, sizeof p->stream_dir, "%s", o->stream_dir);
    if ((o->stream_dir != NULL) + (o->checkpoints >= 0) + (o->history_levels > 0) > 1) {
        cpu_problem_free(p);
        free(p);
        return osib_fail(err, OSIB_E_USAGE, "--stream, --checkpoints, --history-levels: one strategy at a time");
    }
    if (o->zfp_rate > 0 && (o->stream_dir || s->tti)) {
        cpu_problem_free(p);
        free(p);
        return osib_fail(err, OSIB_E_USAGE, "--zfp-rate compresses a checkpointed acoustic gradient's snapshots");
    }
    if (o->reverse_block > 0 && o->checkpoints < 0) {
        cpu_problem_free(p);
        free(p);
        return osib_fail(err, OSIB_E_USAGE, "--reverse-block goes with --checkpoints");
    }
    if (s->tti && (p->snapshots >= 0 || p->stream_dir[0] || p->history_levels > 0)) {
        cpu_problem_free(p);
        free(p);
        return osib_fail(err, OSIB_E_USAGE,
                         "--checkpoints, --history-levels, --stream: the TTI gradient keeps its whole history in "
                         "memory");
    }
    if (s->tti) {
        if ((st = cpu_tti_init(p, err)) != OSIB_OK) {
            cpu_problem_free(p);
            free(p);
            return st;
        }
        cpu_tti_tiles(p, o->tile_x, o->tile_y, omp_get_max_threads());
    }
    *state = p;
    return OSIB_OK;
}

static void destroy(void *state)
{
    if (state) {
        cpu_problem_free(state);
        free(state);
    }
}

/* The model set, the problem can run sweeps: the blocking is chosen now,
 * before any operator's clock starts (cpu_tune.h). */
static osib_status set_model(void *state, const double *vp, osib_err *err)
{
    cpu_problem *p = state;
    osib_status st = cpu_problem_set_model(p, vp, err);
    if (st == OSIB_OK && !p->tti && !p->tuned) {
        cpu_tune_choose(p, (cpu_tune_mode)p->tune_mode, p->tune_k_given, p->tile_y);
        p->tuned = 1;
    }
    return st;
}

static osib_status set_thomsen(void *state, const osib_thomsen *th, osib_err *err)
{
    return cpu_tti_set_thomsen(state, th, err);
}

static void set_progress(void *state, osib_progress_fn fn, void *ctx)
{
    cpu_problem *p = state;
    p->progress = fn;
    p->progress_ctx = ctx;
}

static void notes(const void *state, char *buf, size_t cap)
{
    const cpu_problem *p = state;
    snprintf(buf, cap, "%s%s%s", p->notes, p->notes[0] && p->tune_note[0] ? "\n" : "", p->tune_note);
}

/* Each operator call starts with no notes (cpu_problem.h). */
static cpu_problem *call(void *state)
{
    cpu_problem *p = state;
    p->notes[0] = '\0';
    return p;
}

static osib_status forward(void *state, const double *q, double *d, osib_err *err)
{
    const cpu_problem *p = call(state);
    return p->tti ? cpu_tti_forward(state, q, d, err) : cpu_forward(state, q, d, err);
}

static osib_status adjoint(void *state, const double *d, double *q, osib_err *err)
{
    const cpu_problem *p = call(state);
    return p->tti ? cpu_tti_adjoint(state, d, q, err) : cpu_adjoint(state, d, q, err);
}

static osib_status born(void *state, const double *q, const double *dm, double *d, osib_err *err)
{
    const cpu_problem *p = call(state);
    return p->tti ? cpu_tti_born(state, q, dm, d, err) : cpu_born(state, q, dm, d, err);
}

static osib_status born_adjoint(void *state, const double *q, const double *r, double *image, osib_err *err)
{
    const cpu_problem *p = call(state);
    return p->tti ? cpu_tti_born_adjoint(state, q, r, image, err) : cpu_born_adjoint(state, q, r, image, err);
}

static osib_status gradient(void *state, const double *q, const double *d_obs, double *phi, double *grad, osib_err *err)
{
    const cpu_problem *p = call(state);
    return p->tti ? cpu_tti_gradient(state, q, d_obs, phi, grad, err) : cpu_gradient(state, q, d_obs, phi, grad, err);
}

/* Defined as osib_backend_cpu64 in the float64 build (cpu_real.h). */
const osib_backend osib_backend_cpu = {
    .name = "osib-cpu",
    .description = "reference/cpu, " CPU_PRECISION ", OpenMP + SIMD",
    .precision = CPU_PRECISION,
    .options_help = "osib-cpu's own options, before the command (apart from --precision, none changes\n"
                    "a bit of the results):\n"
                    "  --precision P   float32 (default) or float64: the same kernels with float64\n"
                    "                  fields, the float64 precision class\n"
                    "  --time-block K  time steps fused per wavefront in 3D, 1 to 16 (1: none;\n"
                    "                  default: as --tune chooses, whose rule is 16/(so/2) between\n"
                    "                  1 and 8: 4 at so 8)\n"
                    "  --tile-y N      y rows per wavefront tile in 3D (default: the rows that keep a\n"
                    "                  tile's window within the size --tune chooses)\n"
                    "  --tune MODE     3D acoustic: how K and the tile window are chosen: auto (this\n"
                    "                  machine's tuning cache, else a timed trial when the run is\n"
                    "                  long enough to pay for it, else the rule), trial (tune now and\n"
                    "                  save), rule (from the caches sysfs reports: window 11/8 of\n"
                    "                  L2), fixed (2.75 MiB whatever the machine). Cache:\n"
                    "                  $OSIB_CPU_TUNE_CACHE, else ~/.cache/osib/cpu-tune.txt; delete\n"
                    "                  it to tune again (reference/cpu/cpu_tune.h)\n"
                    "                  (reference/cpu/README.md); TTI: y rows per work item\n"
                    "                  (default: about 16, as many items per thread)\n"
                    "  --tile-x N      TTI: x planes per work item (default: all in 3D)\n"
                    "  --checkpoints S gradient and born_adjoint: keep S snapshots of the forward\n"
                    "                  state and recompute the rest (Revolve's binomial schedule)\n"
                    "                  instead of every level; the same bits (default: every level)\n"
                    "  --reverse-block W  with --checkpoints: Revolve over blocks of W states, each\n"
                    "                  block's forward recomputed into W levels and its adjoint run\n"
                    "                  as one sweep (default 1: a state at a time); the same bits\n"
                    "  --history-levels L  gradient and born_adjoint: keep at most L forward levels\n"
                    "                  (the whole history if L >= nt, else snapshots and a reversal\n"
                    "                  block, chosen as under a memory budget); the same bits\n"
                    "  --zfp-rate R    when the gradient checkpoints: its snapshots compressed with\n"
                    "                  ZFP at R bits per value (lossy: no longer the same bits, judged\n"
                    "                  by the class tolerance), so that more of them fit\n"
                    "  --stream DIR    gradient and born_adjoint: write every level to an unnamed file\n"
                    "                  in DIR and read it back, with asynchronous I/O (O_DIRECT where\n"
                    "                  DIR allows); the same bits\n",
    .memory_bytes = cpu_operator_bytes,
    .create = create,
    .destroy = destroy,
    .set_model = set_model,
    .set_thomsen = set_thomsen,
    .set_progress = set_progress,
    .notes = notes,
    .forward = forward,
    .adjoint = adjoint,
    .born = born,
    .born_adjoint = born_adjoint,
    .gradient = gradient,
};
