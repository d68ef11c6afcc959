/*
 * taylor-data - the raw numbers of the certification runner's Taylor gate
 * (spec/protocol.md, "The Taylor test in detail"), for many seeds, so that
 * the gate can be redesigned from data rather than from a handful of runs.
 *
 *   taylor-data --case CASE --backend ref|cpu --seeds A-B --out FILE.csv
 *               [--h-min-exp E] [--resume] [--fresh]
 *               [--write-inputs DIR] [--write-tasks DIR] [--task-precision float32|float64]
 *
 * For every seed s in A..B: GSL's MT19937 seeded with s draws the base
 * model's dither and then the direction, exactly as osib_gate_taylor draws
 * them from the runner's generator (so `osib certify --ops gradient --seed
 * s`, where no gate draws before the Taylor gate, uses the same m_b and dm;
 * in a full certification the dot and linearity gates draw first). The
 * backend, in this process, computes the gradient operator at m_b and at
 * m_b + h dm for h = 2^1 .. 2^E (default E = -14), on the case's published
 * wavelet and observed data.
 * Every array that crosses the backend interface is the one the gate's
 * tasks would carry (the inputs are float64 in a task's files, so nothing
 * is lost there); the gradient is rounded to float32 for a float32 backend,
 * as the protocol writes it (spec/protocol.md: outputs in the declared
 * precision), before <g, dm> is taken in long double as the gate does.
 *
 * CSV, one line per seed after a header:
 *   seed, phi0, gdm, gnorm, dmnorm, phi(2^1), phi(2^0), ..., phi(2^E)
 * every number with %.17g.
 *
 * --write-inputs DIR  DIR/case.yaml (the case as a request carries it),
 *                     DIR/inputs.h5 (/vp, /src_wavelet, /observed_data) and,
 *                     per seed, DIR/seed-NNNNNN.h5 with /vp_base and /dm:
 *                     what tools/study/taylor-devito.py reads.
 * --write-tasks DIR   per seed, the gate's tasks as protocol directories
 *                     (DIR/seed-NNNNNN/<tag>/request.yaml and inputs.h5, tag
 *                     "base" or "h<exp>"), in the backend's precision class
 *                     or --task-precision: for checking this program's
 *                     numbers against `osib-cpu protocol` bit for bit
 *                     (tools/study/taylor-check-bits.py).
 * --fresh             a new backend instance for every run, as each of the
 *                     gate's tasks is a new process (default: one instance,
 *                     its model changed with set_model; the same bits, which
 *                     --fresh is there to show).
 * --resume            keep the seeds already in FILE.csv and append the rest.
 *
 * Run from the repository root (the oracle is looked up in oracles/). Built
 * by tools/study/taylor.mk; tools/study/taylor-collect runs the whole study.
 */
#include <getopt.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_cpu.h"
#include "arrays.h"
#include "backend_simple.h"
#include "case_setup.h"
#include "fileutil.h"
#include "gates.h"
#include "h5io.h"
#include "inputs.h"
#include "request.h"
#include "sysinfo.h"

/* osib_gate_taylor's dither of the base model (gates.c, TAYLOR_DITHER). It
 * is private to gates.c; if it changes there, this study is of another gate. */
#define GATE_DITHER 1e-4

enum { H_MAX_EXP = 1, H_DEFAULT_MIN_EXP = -14, MAX_STEPS = 32 };

typedef struct {
    const char *case_path, *backend_name, *out_path, *inputs_dir, *tasks_dir;
    unsigned long seed_first, seed_last;
    int h_min_exp, resume, fresh, task_dtype_bytes;
} options;

static const char usage[] =
    "usage: taylor-data --case CASE --backend ref|cpu --seeds A-B --out FILE.csv\n"
    "                   [--h-min-exp E] [--resume] [--fresh]\n"
    "                   [--write-inputs DIR] [--write-tasks DIR] [--task-precision float32|float64]\n"
    "The Taylor gate's objective values for seeds A..B (tools/study/taylor-data.c).\n";

static int parse_seeds(const char *s, unsigned long *a, unsigned long *b)
{
    char *end = NULL;
    *a = strtoul(s, &end, 10);
    if (end == s)
        return -1;
    if (*end == '\0') {
        *b = *a;
        return 0;
    }
    if (*end != '-')
        return -1;
    const char *t = end + 1;
    *b = strtoul(t, &end, 10);
    return (end == t || *end || *b < *a) ? -1 : 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"case", required_argument, NULL, 'c'},
        {"backend", required_argument, NULL, 'b'},
        {"seeds", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},
        {"h-min-exp", required_argument, NULL, 'e'},
        {"resume", no_argument, NULL, 'r'},
        {"fresh", no_argument, NULL, 'f'},
        {"write-inputs", required_argument, NULL, 'i'},
        {"write-tasks", required_argument, NULL, 't'},
        {"task-precision", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->h_min_exp = H_DEFAULT_MIN_EXP;
    int opt, have_seeds = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c': o->case_path = optarg; break;
        case 'b': o->backend_name = optarg; break;
        case 's':
            if (parse_seeds(optarg, &o->seed_first, &o->seed_last) != 0) {
                fprintf(stderr, "taylor-data: --seeds %s: want A-B with A <= B\n", optarg);
                return 2;
            }
            have_seeds = 1;
            break;
        case 'o': o->out_path = optarg; break;
        case 'e': o->h_min_exp = atoi(optarg); break;
        case 'r': o->resume = 1; break;
        case 'f': o->fresh = 1; break;
        case 'i': o->inputs_dir = optarg; break;
        case 't': o->tasks_dir = optarg; break;
        case 'p':
            o->task_dtype_bytes = strcmp(optarg, "float32") == 0 ? 4 : strcmp(optarg, "float64") == 0 ? 8 : -1;
            if (o->task_dtype_bytes < 0) {
                fprintf(stderr, "taylor-data: --task-precision must be float32 or float64\n");
                return 2;
            }
            break;
        case 'h': fputs(usage, stdout); return 1;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind < argc || !o->case_path || !o->backend_name || !have_seeds || !o->out_path) {
        fputs(usage, stderr);
        return 2;
    }
    if (o->h_min_exp > H_MAX_EXP || H_MAX_EXP - o->h_min_exp + 1 > MAX_STEPS) {
        fprintf(stderr, "taylor-data: --h-min-exp must be from %d to %d\n", H_MAX_EXP - MAX_STEPS + 1, H_MAX_EXP);
        return 2;
    }
    return 0;
}

/* Everything one seed needs, allocated once. */
typedef struct {
    const osib_case *c;
    const osib_backend *b;
    const osib_case_setup *cs;
    const options *opt;
    osib_inputs in; /* vp (published), src_wavelet, observed_data, a TTI case's Thomsen fields */
    void *state;    /* reused unless --fresh */
    size_t nm;
    double *vp_base, *dm, *vp_h, *grad;
    int nh;
    double h[MAX_STEPS];
    gsl_rng *rng;
} study;

/* One gradient run, as one of the gate's tasks: Phi at vp, and the gradient
 * into s->grad. */
static osib_status gradient_at(study *s, const double *vp, double *phi, osib_err *err)
{
    osib_status st = OSIB_OK;
    osib_thomsen th; /* a TTI case's medium: the published one, as in the gate */
    if (s->opt->fresh || !s->state)
        st = osib_backend_open(s->b, s->cs, vp, osib_inputs_thomsen(&s->in, s->c, &th), &s->state, err);
    else
        st = s->b->set_model(s->state, vp, err);
    if (st == OSIB_OK)
        st = s->b->gradient(s->state, s->in.src_wavelet, s->in.observed_data, phi, s->grad, err);
    if (s->opt->fresh && s->state) {
        s->b->destroy(s->state);
        s->state = NULL;
    }
    return st;
}

/* The base model and direction of seed, drawn as osib_gate_taylor draws
 * them: one uniform per point for the dither, in index order, then the
 * direction from the same generator, around the published model. */
static void draw(study *s, unsigned long seed)
{
    gsl_rng_set(s->rng, seed);
    for (size_t k = 0; k < s->nm; k++)
        s->vp_base[k] = s->in.vp[k] * (1.0 + GATE_DITHER * (2.0 * gsl_rng_uniform(s->rng) - 1.0));
    osib_taylor_direction(s->c, s->in.vp, s->rng, s->dm);
}

/* vp_h as the gate computes it: a step h along dm in squared slowness. */
static void perturbed(study *s, double h)
{
    for (size_t k = 0; k < s->nm; k++)
        s->vp_h[k] = 1.0 / sqrt(1.0 / (s->vp_base[k] * s->vp_base[k]) + h * s->dm[k]);
}

static void seed_path(char *buf, size_t cap, const char *dir, unsigned long seed, const char *suffix)
{
    snprintf(buf, cap, "%s/seed-%06lu%s", dir, seed, suffix);
}

static osib_status write_seed_inputs(const study *s, unsigned long seed, osib_err *err)
{
    char path[OSIB_PATH_MAX];
    seed_path(path, sizeof path, s->opt->inputs_dir, seed, ".h5");
    osib_h5file f = {.id = -1};
    osib_status st = osib_h5_create(&f, path, err);
    if (st == OSIB_OK)
        st = osib_h5_write(&f, "/vp_base", s->vp_base, s->c->ndim, s->c->shape, "km/s", 0, err);
    if (st == OSIB_OK)
        st = osib_h5_write(&f, "/dm", s->dm, s->c->ndim, s->c->shape, "s^2/km^2", 0, err);
    if (st == OSIB_OK)
        st = osib_h5_set_attr_double(&f, "/", "seed", (double)seed, err);
    osib_status cst = osib_h5_close(&f, st == OSIB_OK ? err : NULL);
    return st == OSIB_OK ? cst : st;
}

/* What every seed shares: the case as a request carries it (the Devito
 * adapter's Problem takes that mapping) and the published inputs. */
static osib_status write_common_inputs(const study *s, osib_err *err)
{
    const osib_case *c = s->c;
    char path[OSIB_PATH_MAX];
    osib_status st = osib_mkdir_p(s->opt->inputs_dir, err);
    if (st != OSIB_OK)
        return st;
    snprintf(path, sizeof path, "%s/case.yaml", s->opt->inputs_dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return osib_fail(err, OSIB_E_IO, "%s: cannot create", path);
    st = osib_case_write_yaml(c, f, "", err);
    if (fclose(f) != 0 && st == OSIB_OK)
        st = osib_fail(err, OSIB_E_IO, "%s: write failed", path);
    if (st != OSIB_OK)
        return st;

    const size_t src_dims[2] = {c->nt, c->sources.count}, rec_dims[2] = {c->nt, c->receivers.count};
    snprintf(path, sizeof path, "%s/inputs.h5", s->opt->inputs_dir);
    osib_h5file h = {.id = -1};
    st = osib_h5_create(&h, path, err);
    if (st == OSIB_OK)
        st = osib_h5_write(&h, "/vp", s->in.vp, c->ndim, c->shape, "km/s", 0, err);
    if (st == OSIB_OK)
        st = osib_h5_write(&h, "/src_wavelet", s->in.src_wavelet, 2, src_dims, "1", 0, err);
    if (st == OSIB_OK)
        st = osib_h5_write(&h, "/observed_data", s->in.observed_data, 2, rec_dims, "1", 0, err);
    if (st == OSIB_OK)
        st = osib_h5_set_attr_string(&h, "/", "case_id", c->id, err);
    osib_status cst = osib_h5_close(&h, st == OSIB_OK ? err : NULL);
    return st == OSIB_OK ? cst : st;
}

/* One of the gate's gradient tasks as a protocol directory, laid out and
 * written by the runner's own code (request.c, arrays.c). */
static osib_status write_task(const study *s, unsigned long seed, const char *tag, const double *vp, osib_err *err)
{
    char dir[OSIB_PATH_MAX], base[OSIB_PATH_MAX], path[OSIB_PATH_MAX];
    seed_path(base, sizeof base, s->opt->tasks_dir, seed, "");
    snprintf(dir, sizeof dir, "%s/%s", base, tag);
    osib_status st = osib_mkdir_p(dir, err);
    if (st != OSIB_OK)
        return st;
    osib_request r;
    memset(&r, 0, sizeof r);
    r.version = OSIB_PROTOCOL_VERSION;
    snprintf(r.task_id, sizeof r.task_id, "taylor-%lu-%s", seed, tag);
    r.op = OSIB_OP_GRADIENT;
    r.dtype_bytes =
        s->opt->task_dtype_bytes ? s->opt->task_dtype_bytes : (strcmp(s->b->precision, "float32") == 0 ? 4 : 8);
    r.format = OSIB_FORMAT_HDF5;
    r.c = *s->c; /* shallow, as the runner does: the request only reads it */
    osib_request_layout(&r);
    const double *inputs[] = {vp, s->in.src_wavelet, s->in.observed_data};
    st = osib_arrays_write(dir, r.inputs, r.ninputs, inputs, err);
    snprintf(path, sizeof path, "%s/request.yaml", dir);
    if (st == OSIB_OK)
        st = osib_request_write(&r, path, err);
    return st;
}

/* The seeds already in a CSV from an earlier run (--resume): done[i] for
 * seed first + i. */
static void seeds_done(const char *path, unsigned long first, unsigned long last, unsigned char *done)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        char *end = NULL;
        unsigned long seed = strtoul(line, &end, 10);
        /* only complete lines: a killed run may leave half of one */
        if (end != line && *end == ',' && strchr(line, '\n') && seed >= first && seed <= last)
            done[seed - first] = 1;
    }
    fclose(f);
}

/* The gate reads a float32 class's gradient back from a float32 file. */
static double as_gate_reads(double v, int float32) { return float32 ? (double)(float)v : v; }

static osib_status run_seed(study *s, unsigned long seed, FILE *csv, osib_err *err)
{
    draw(s, seed);
    osib_status st = OSIB_OK;
    if (s->opt->inputs_dir)
        st = write_seed_inputs(s, seed, err);
    if (st == OSIB_OK && s->opt->tasks_dir) {
        st = write_task(s, seed, "base", s->vp_base, err);
        for (int i = 0; st == OSIB_OK && i < s->nh; i++) {
            char tag[16];
            snprintf(tag, sizeof tag, "h%d", H_MAX_EXP - i);
            perturbed(s, s->h[i]);
            st = write_task(s, seed, tag, s->vp_h, err);
        }
    }
    double phi0 = 0.0, phi[MAX_STEPS];
    if (st == OSIB_OK)
        st = gradient_at(s, s->vp_base, &phi0, err);
    if (st != OSIB_OK)
        return st;
    const int float32 = strcmp(s->b->precision, "float32") == 0;
    long double gdm = 0.0L, gg = 0.0L, dd = 0.0L;
    for (size_t k = 0; k < s->nm; k++) {
        double g = as_gate_reads(s->grad[k], float32);
        gdm += (long double)g * s->dm[k]; /* as osib_gate_taylor */
        gg += (long double)g * g;
        dd += (long double)s->dm[k] * s->dm[k];
    }
    for (int i = 0; st == OSIB_OK && i < s->nh; i++) {
        perturbed(s, s->h[i]);
        st = gradient_at(s, s->vp_h, &phi[i], err);
    }
    if (st != OSIB_OK)
        return st;
    fprintf(csv, "%lu,%.17g,%.17g,%.17g,%.17g", seed, phi0, (double)gdm, (double)sqrtl(gg), (double)sqrtl(dd));
    for (int i = 0; i < s->nh; i++)
        fprintf(csv, ",%.17g", phi[i]);
    fputc('\n', csv);
    /* each line whole on disk: a long run killed midway loses one seed */
    if (fflush(csv) != 0 || ferror(csv))
        return osib_fail(err, OSIB_E_IO, "%s: write failed", s->opt->out_path);
    return OSIB_OK;
}

/* The published inputs the gate reads from the oracle are those the simple
 * reference computes (the oracle's generator); this checks they are the
 * same bits, so that these numbers are the gate's. */
static osib_status check_against_oracle(const study *s, osib_err *err)
{
    osib_oracle o;
    osib_err oerr = {0};
    if (osib_oracle_load(&o, s->c, ".", &oerr) != OSIB_OK) {
        fprintf(stderr, "taylor-data: no oracle to compare the inputs with (%s)\n", oerr.msg);
        return OSIB_OK;
    }
    const struct {
        const char *name;
        const double *mine;
        size_t n;
    } arrays[] = {
        {"vp", s->in.vp, s->nm},
        {"src_wavelet", s->in.src_wavelet, s->c->nt * s->c->sources.count},
        {"observed_data", s->in.observed_data, s->c->nt * s->c->receivers.count},
    };
    osib_status st = OSIB_OK;
    for (size_t i = 0; st == OSIB_OK && i < sizeof arrays / sizeof arrays[0]; i++) {
        const double *theirs = osib_oracle_array(&o, arrays[i].name);
        if (!theirs || memcmp(theirs, arrays[i].mine, arrays[i].n * sizeof(double)) != 0)
            st = osib_fail(err, OSIB_E_MISMATCH, "%s: the documented %s differs from the oracle's", s->c->id,
                           arrays[i].name);
    }
    if (st == OSIB_OK)
        fprintf(stderr, "taylor-data: %s: vp, src_wavelet and observed_data equal the oracle's bit for bit\n",
                s->c->id);
    osib_oracle_free(&o);
    return st;
}

static osib_status run(const options *opt, osib_err *err)
{
    const osib_backend *b = strcmp(opt->backend_name, "ref") == 0   ? &osib_backend_simple
                            : strcmp(opt->backend_name, "cpu") == 0 ? &osib_backend_cpu
                                                                    : NULL;
    if (!b)
        return osib_fail(err, OSIB_E_USAGE, "--backend must be ref or cpu");
    osib_case c;
    osib_status st = osib_case_load(opt->case_path, &c, err);
    if (st != OSIB_OK)
        return st;
    osib_case_setup cs;
    st = osib_case_setup_init(&cs, &c, err);
    if (st != OSIB_OK) {
        osib_case_free(&c);
        return st;
    }
    study s = {.c = &c, .b = b, .cs = &cs, .opt = opt, .nm = osib_case_physical_points(&c)};
    s.nh = H_MAX_EXP - opt->h_min_exp + 1;
    for (int i = 0; i < s.nh; i++)
        s.h[i] = ldexp(1.0, H_MAX_EXP - i);
    const size_t nseeds = opt->seed_last - opt->seed_first + 1;
    unsigned char *done = calloc(nseeds, 1);
    FILE *csv = NULL;
    s.vp_base = malloc(s.nm * sizeof(double));
    s.dm = malloc(s.nm * sizeof(double));
    s.vp_h = malloc(s.nm * sizeof(double));
    s.grad = malloc(s.nm * sizeof(double));
    s.rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!done || !s.vp_base || !s.dm || !s.vp_h || !s.grad || !s.rng) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory");
        goto out;
    }

    /* The published inputs, by the simple reference whatever the backend:
     * the gate's observed data are the oracle's. */
    st = osib_inputs_documented(&s.in, &c, &cs, &osib_backend_simple, osib_inputs_needed(&c, OSIB_OP_GRADIENT), NULL,
                                err);
    if (st == OSIB_OK)
        st = check_against_oracle(&s, err);
    if (st == OSIB_OK && opt->inputs_dir)
        st = write_common_inputs(&s, err);
    if (st != OSIB_OK)
        goto out;

    int fresh_file = 1;
    if (opt->resume) {
        FILE *probe = fopen(opt->out_path, "r");
        if (probe) {
            fresh_file = 0;
            fclose(probe);
            seeds_done(opt->out_path, opt->seed_first, opt->seed_last, done);
        }
    }
    if (!(csv = fopen(opt->out_path, fresh_file ? "w" : "a"))) {
        st = osib_fail(err, OSIB_E_IO, "%s: cannot open for writing", opt->out_path);
        goto out;
    }
    if (fresh_file) {
        fprintf(csv, "seed,phi0,gdm,gnorm,dmnorm");
        for (int i = 0; i < s.nh; i++)
            fprintf(csv, ",phi_h2^%d", H_MAX_EXP - i);
        fputc('\n', csv);
    }

    const double t0 = osib_now_seconds();
    size_t ran = 0, todo = 0;
    for (size_t i = 0; i < nseeds; i++)
        todo += !done[i];
    for (unsigned long seed = opt->seed_first; st == OSIB_OK && seed <= opt->seed_last; seed++) {
        if (done[seed - opt->seed_first])
            continue;
        st = run_seed(&s, seed, csv, err);
        ran++;
        if (st == OSIB_OK && (ran % 10 == 0 || ran == todo)) {
            double el = osib_now_seconds() - t0;
            fprintf(stderr, "taylor-data: %s %s: %zu/%zu seeds, %.1f s, %.2f s per seed\n", c.id, b->precision, ran,
                    todo, el, el / (double)ran);
        }
    }
    if (st != OSIB_OK)
        osib_err_prefix(err, "%s, %s: ", c.id, b->name);
out:
    if (csv && fclose(csv) != 0 && st == OSIB_OK)
        st = osib_fail(err, OSIB_E_IO, "%s: write failed", opt->out_path);
    if (s.state)
        b->destroy(s.state);
    if (s.rng)
        gsl_rng_free(s.rng);
    osib_inputs_free(&s.in);
    free(s.vp_base);
    free(s.dm);
    free(s.vp_h);
    free(s.grad);
    free(done);
    osib_case_setup_free(&cs);
    osib_case_free(&c);
    return st;
}

int main(int argc, char **argv)
{
    options opt;
    int rc = parse_options(argc, argv, &opt);
    if (rc != 0)
        return rc == 1 ? 0 : rc;
    osib_err err = {0};
    osib_status st = run(&opt, &err);
    if (st != OSIB_OK) {
        fprintf(stderr, "taylor-data: %s\n", err.msg);
        return osib_exit_code(st);
    }
    return 0;
}
