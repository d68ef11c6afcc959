#include "certify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envinfo.h"
#include "estimate.h"
#include "figures.h"
#include "gates.h"
#include "hash.h"
#include "spec_inputs.h"
#include "kitfiles.h"
#include "machine.h"
#include "required.h"
#include "sysinfo.h"
#include "version.h"

enum { MAX_CASES = 32 };

/* ---------------------------------------------------------------------------
 * Cases
 * ------------------------------------------------------------------------- */

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The selected cases, loaded and validated. A case without an oracle (a
 * benchmark case) is certified only beside a case with an oracle of the
 * same physics, dimensions and space order: what is timed at scale must
 * have been shown right where the oracle can tell (spec/protocol.md §3). */
static osib_status select_cases(const osib_certify_options *o, const osib_impl *impl, osib_case *cases, int *ncases,
                                char *left_out, size_t left_cap, osib_err *err)
{
    *ncases = 0;
    left_out[0] = '\0';
    size_t left_len = 0;
    char why[OSIB_PATH_MAX + 128];
    osib_status st = OSIB_OK;
    if (o->suite) {
        char dir[OSIB_PATH_MAX];
        snprintf(dir, sizeof dir, "%s/spec/cases", o->kit_root);
        DIR *d = opendir(dir);
        if (!d)
            return osib_fail(err, OSIB_E_IO, "%s: cannot list the cases", dir);
        char *names[256];
        int n = 0;
        struct dirent *e;
        while (n < 256 && (e = readdir(d)) != NULL) {
            size_t len = strlen(e->d_name);
            if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0)
                names[n++] = strdup(e->d_name);
        }
        closedir(d);
        qsort(names, (size_t)n, sizeof *names, compare_names);
        for (int i = 0; i < n; i++) {
            if (st == OSIB_OK && *ncases < MAX_CASES) {
                char path[OSIB_PATH_MAX];
                snprintf(path, sizeof path, "%s/%s", dir, names[i]);
                osib_case *c = &cases[*ncases];
                st = osib_case_load(path, c, err);
                int in = st == OSIB_OK && osib_case_in_suite(c, o->suite),
                    can = in && osib_impl_can(impl, c, why, sizeof why);
                if (in && !can && left_len < left_cap) /* outside what the manifest declares: recorded */
                    left_len +=
                        (size_t)snprintf(left_out + left_len, left_cap - left_len, "%s%s", left_len ? ", " : "", c->id);
                if (can)
                    (*ncases)++;
                else if (st == OSIB_OK)
                    osib_case_free(c);
            }
            free(names[i]);
        }
        if (st == OSIB_OK && *ncases == 0)
            st = osib_fail(err, OSIB_E_USAGE, "no case of suite \"%s\"%s", o->suite,
                           left_len ? " is within what the manifest declares (physics, dimensions, space_orders)"
                                    : " exists");
    } else {
        for (int i = 0; st == OSIB_OK && i < o->ncases && i < MAX_CASES; i++) {
            st = osib_case_load_file_or_id(o->case_ids[i], o->kit_root, &cases[*ncases], err);
            if (st == OSIB_OK && !osib_impl_can(impl, &cases[*ncases], why, sizeof why)) {
                st = osib_fail(err, OSIB_E_USAGE, "case %s is %s (spec/protocol.md §1)", cases[*ncases].id, why);
                osib_case_free(&cases[*ncases]);
            }
            if (st == OSIB_OK)
                (*ncases)++;
        }
    }
    for (int i = 0; st == OSIB_OK && i < *ncases; i++) {
        if (cases[i].oracle)
            continue;
        if (!osib_reference_available(o->yardstick, OSIB_REF_FAST)) {
            st = osib_fail(err, OSIB_E_USAGE,
                           "case %s has no oracle, and this program has no benchmark-size "
                           "reference to judge it by",
                           cases[i].id);
            break;
        }
        int companion = 0;
        for (int j = 0; j < *ncases && !companion; j++)
            companion = cases[j].oracle && cases[j].physics == cases[i].physics && cases[j].ndim == cases[i].ndim &&
                        cases[j].space_order == cases[i].space_order;
        if (!companion)
            st = osib_fail(err, OSIB_E_USAGE,
                           "case %s has no oracle: certify it together with a case that has one, of the same "
                           "physics, dimensions (%d) and space order (%d)",
                           cases[i].id, cases[i].ndim, cases[i].space_order);
    }
    if (st != OSIB_OK) {
        for (int i = 0; i < *ncases; i++)
            osib_case_free(&cases[i]);
        *ncases = 0;
    }
    return st;
}

/* ---------------------------------------------------------------------------
 * The run
 * ------------------------------------------------------------------------- */

static unsigned long long fresh_seed(void)
{
    unsigned long long s = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, &s, sizeof s);
        close(fd);
        if (n != (ssize_t)sizeof s)
            s = 0;
    }
    if (s == 0)
        s = (unsigned long long)getpid() * 2654435761ULL ^ (unsigned long long)(osib_now_seconds() * 1e6);
    return s & 0x7fffffffffffffffULL; /* fits a signed YAML integer */
}

static void fill_meta(osib_report *r, const osib_impl *impl, const osib_certify_options *o, const int *ops)
{
    snprintf(r->kit_version, sizeof r->kit_version, "%s", osib_kit_version());
    snprintf(r->kit_commit, sizeof r->kit_commit, "%s", osib_git_commit());
    snprintf(r->spec_version, sizeof r->spec_version, "%s", osib_spec_version());
    snprintf(r->impl_name, sizeof r->impl_name, "%s", impl->name);
    snprintf(r->impl_version, sizeof r->impl_version, "%s", impl->version);
    snprintf(r->impl_vendor, sizeof r->impl_vendor, "%s", impl->vendor);
    snprintf(r->impl_contact, sizeof r->impl_contact, "%s", impl->contact);
    snprintf(r->impl_notes, sizeof r->impl_notes, "%s", impl->hardware_notes);
    snprintf(r->impl_manifest, sizeof r->impl_manifest, "%s", impl->path);
    snprintf(r->impl_manifest_sha256, sizeof r->impl_manifest_sha256, "%s", impl->sha256);
    snprintf(r->impl_executable, sizeof r->impl_executable, "%s", impl->executable);
    if (osib_sha256_file(impl->executable, r->impl_executable_sha256, NULL) != OSIB_OK)
        snprintf(r->impl_executable_sha256, sizeof r->impl_executable_sha256, "unreadable");
    snprintf(r->precision, sizeof r->precision, "%s", impl->dtype_bytes == 4 ? "float32" : "float64");
    snprintf(r->array_format, sizeof r->array_format, "%s", impl->format == OSIB_FORMAT_RAW ? "raw" : "hdf5");
    size_t len = 0;
    for (int op = 0; op < OSIB_OP_COUNT; op++)
        if (ops[op])
            len += (size_t)snprintf(r->operators + len, sizeof r->operators - len, "%s%s", len ? ", " : "",
                                    osib_op_name((osib_op)op));
    r->price_per_hour_usd = impl->price_per_hour_usd;
    snprintf(r->command_line, sizeof r->command_line, "%s", o->command_line ? o->command_line : "");
    r->repeat = o->repeat;
    r->seed_chosen = o->have_seed;
    int chosen = 0;
    for (int op = 0; op < OSIB_OP_COUNT; op++)
        chosen |= o->ops[op];
    r->operators_chosen = chosen;
    snprintf(r->suite, sizeof r->suite, "%s", o->suite ? o->suite : "");
    osib_impl_capabilities(impl, r->capabilities, sizeof r->capabilities);
    osib_envinfo_fill(r);
}

/* How many tasks the run will start, for the progress line. */
static size_t count_tasks(const osib_case_ctx *cx, int ncases, int repeat)
{
    size_t total = 0;
    for (int i = 0; i < ncases; i++) {
        size_t nops = 0;
        for (int op = 0; op < OSIB_OP_COUNT; op++)
            nops += cx[i].ops[op] != 0;
        total += nops * (size_t)(repeat + (cx[i].oracle ? 2 : 0));
        total += (cx[i].ops[OSIB_OP_FORWARD] + cx[i].ops[OSIB_OP_ADJOINT]);
        total += (cx[i].ops[OSIB_OP_BORN] + cx[i].ops[OSIB_OP_BORN_ADJOINT]);
        total += cx[i].ops[OSIB_OP_FORWARD] ? 3 : 0;
        total += cx[i].oracle && cx[i].ops[OSIB_OP_GRADIENT] ? OSIB_TAYLOR_STEPS + 1 : 0;
    }
    return total;
}

/* What the run needs at once, at most, for one case and operator: the
 * implementation's minimal footprint (spec §12), or the kit's reference
 * with the runner's own arrays, whichever is more (they never run
 * together). */
static double run_bytes(const osib_case *c, osib_op op, int dtype_bytes, const osib_yardstick *y)
{
    osib_estimate e = osib_estimate_op(c, op, dtype_bytes);
    double ref = osib_reference_bytes(osib_reference_for(c), y, c, op);
    double mine = 8.0 * (4.0 * (double)osib_case_physical_points(c) +
                         6.0 * (double)c->nt * (double)(c->sources.count + c->receivers.count));
    return fmax(e.footprint_bytes, ref + mine);
}

/* A benchmark case's published inputs, computed from the case. */
typedef struct {
    double *vp, *wavelet, *adjoint_data, *thomsen[4];
} owned_inputs;

static osib_status case_context(const osib_case *c, const osib_oracle *o, const int *ops, osib_case_ctx *cx,
                                owned_inputs *own, osib_err *err)
{
    memset(cx, 0, sizeof *cx);
    memset(own, 0, sizeof *own);
    cx->c = c;
    cx->oracle = o;
    cx->ref = osib_reference_for(c);
    for (int op = 0; op < OSIB_OP_COUNT; op++)
        cx->ops[op] = ops[op] && c->operators[op];
    if (o) {
        cx->vp = osib_oracle_array(o, "vp");
        cx->wavelet = osib_oracle_array(o, "src_wavelet");
        cx->adjoint_data = osib_oracle_array(o, "adjoint_data");
        cx->observed_data = osib_oracle_array(o, "observed_data");
        const char *const *medium = osib_case_medium_names(c);
        for (int k = 0; medium[k]; k++)
            cx->thomsen[k] = osib_oracle_array(o, medium[k]);
        return OSIB_OK;
    }
    size_t nm = osib_case_physical_points(c);
    own->vp = malloc(nm * sizeof(double));
    own->wavelet = malloc(c->nt * c->sources.count * sizeof(double));
    own->adjoint_data = malloc(c->nt * c->receivers.count * sizeof(double));
    if (!own->vp || !own->wavelet || !own->adjoint_data)
        return osib_fail(err, OSIB_E_NOMEM, "case %s: out of memory for its inputs", c->id);
    osib_status st = osib_case_model_vp(c, own->vp, err);
    if (st != OSIB_OK)
        return st;
    if (osib_case_is_tti(c)) {
        for (int k = 0; k < c->ndim + 1; k++) /* epsilon, delta, theta (, phi) */
            if (!(own->thomsen[k] = malloc(nm * sizeof(double))))
                return osib_fail(err, OSIB_E_NOMEM, "case %s: out of memory for its medium", c->id);
        if ((st = osib_case_model_tti(c, own->thomsen[0], own->thomsen[1], own->thomsen[2], own->thomsen[3], err)) !=
            OSIB_OK)
            return st;
        for (int k = 0; k < 4; k++)
            cx->thomsen[k] = own->thomsen[k];
    }
    osib_input_wavelets(c, own->wavelet);
    osib_input_adjoint_data(c, own->adjoint_data);
    cx->vp = own->vp;
    cx->wavelet = own->wavelet;
    cx->adjoint_data = own->adjoint_data;
    cx->observed_data = NULL;
    return OSIB_OK;
}

static void owned_free(owned_inputs *own)
{
    free(own->vp);
    free(own->wavelet);
    free(own->adjoint_data);
    for (int k = 0; k < 4; k++)
        free(own->thomsen[k]);
}

/* kit/files/unchanged (whose = "kit") or kit/impl-files/unchanged (whose =
 * "implementation"). */
static osib_status files_check(osib_runner *rn, const char *whose, const osib_kit_snapshot *before,
                               const osib_kit_snapshot *after, osib_err *err)
{
    char what[512];
    osib_check k;
    int kit = strcmp(whose, "kit") == 0;
    osib_check_init(&k, "kit", "", kit ? "files" : "impl-files", NULL, "unchanged", "");
    int diffs = osib_kit_snapshot_diff(before, after, what, sizeof what);
    osib_check_within(&k, diffs == 0 ? 1.0 : 0.0, 1.0, 1.0);
    if (diffs)
        snprintf(k.message, sizeof k.message, "%d of the %s's files changed while the implementation ran: %s. %s",
                 diffs, whose, what,
                 kit ? "Restore the kit (git status) and certify again"
                     : "An implementation's files must be unchanged at the end of its run");
    return osib_report_add_check(rn->report, &k, err);
}

osib_status osib_certify(const osib_certify_options *o, int *conformant, char report_id[17], osib_err *err)
{
    *conformant = 0;
    report_id[0] = '\0';
    char path[OSIB_PATH_MAX];
    snprintf(path, sizeof path, "%s/report.yaml", o->out_dir);
    if (access(path, F_OK) == 0)
        return osib_fail(err, OSIB_E_USAGE, "%s already holds a report: choose another --out (nothing is overwritten)",
                         o->out_dir);
    if (o->repeat < 1 || o->repeat > 256)
        return osib_fail(err, OSIB_E_USAGE, "--repeat %d: expected 1 to 256", o->repeat);

    osib_impl *impl = malloc(sizeof *impl);
    osib_case cases[MAX_CASES];
    osib_oracle oracles[MAX_CASES];
    osib_case_ctx ctx[MAX_CASES];
    owned_inputs owned[MAX_CASES];
    int ncases = 0, nctx = 0;
    memset(oracles, 0, sizeof oracles);
    osib_report report;
    osib_report_init(&report);
    osib_runner rn;
    memset(&rn, 0, sizeof rn);
    osib_kit_snapshot *kit_before = calloc(4, sizeof *kit_before), *kit_after = kit_before ? kit_before + 1 : NULL;
    osib_kit_snapshot *impl_before = kit_before ? kit_before + 2 : NULL,
                      *impl_after = kit_before ? kit_before + 3 : NULL;
    const char *impl_paths[1 + OSIB_IMPL_MAX_FILES];
    int nimpl_paths = 0;
    if (!impl || !kit_before) {
        free(impl);
        free(kit_before);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    }

    /* Validate everything before running anything. */
    osib_status st = osib_impl_load(o->impl_path, impl, err);
    if (st != OSIB_OK)
        goto done;
    int ops[OSIB_OP_COUNT], any_selected = 0, nops = 0;
    for (int op = 0; op < OSIB_OP_COUNT; op++)
        any_selected |= o->ops[op];
    for (int op = 0; op < OSIB_OP_COUNT; op++) {
        if (any_selected && o->ops[op] && !impl->supports[op]) {
            st = osib_fail(err, OSIB_E_USAGE, "--ops %s: %s does not list this operator", osib_op_name((osib_op)op),
                           impl->path);
            goto done;
        }
        ops[op] = any_selected ? o->ops[op] : impl->supports[op];
        nops += ops[op];
    }
    if (nops == 0) {
        st = osib_fail(err, OSIB_E_USAGE, "no operator to certify");
        goto done;
    }
    if ((st = select_cases(o, impl, cases, &ncases, report.cases_left_out, sizeof report.cases_left_out, err)) !=
        OSIB_OK)
        goto done;
    /* The oracles: MANIFEST must be the one the kit was built with, and
     * every array is checked against it as it is read, once, here. */
    if ((st = osib_kit_manifest_check(o->kit_root, err)) != OSIB_OK)
        goto done;
    for (int i = 0; i < ncases; i++)
        if (cases[i].oracle && (st = osib_oracle_load(&oracles[i], &cases[i], o->kit_root, err)) != OSIB_OK)
            goto done;
    /* A budget the declared precision cannot meet (the case's own check
     * assumed float32) is refused before anything runs. */
    for (int i = 0; i < ncases; i++) {
        const double least = osib_case_min_budget_bytes(&cases[i]) +
                             6.0 * (impl->dtype_bytes - 4) * (double)osib_case_padded_points(&cases[i]);
        if (cases[i].memory_budget_bytes > 0 && (double)cases[i].memory_budget_bytes < least) {
            st = osib_fail(err, OSIB_E_USAGE,
                           "case %s: memory_budget_bytes %lld is below the %.0f bytes a %s gradient needs at least "
                           "(spec/acoustic.md §12)",
                           cases[i].id, cases[i].memory_budget_bytes, least,
                           impl->dtype_bytes == 8 ? "float64" : "float32");
            goto done;
        }
    }
    /* Memory, up front: a run that cannot fit is refused with the estimate. */
    double mem = osib_physical_memory_bytes();
    for (int i = 0; i < ncases; i++)
        for (int op = 0; op < OSIB_OP_COUNT; op++) {
            if (!ops[op] || !cases[i].operators[op])
                continue;
            double need = run_bytes(&cases[i], (osib_op)op, impl->dtype_bytes, o->yardstick);
            if (mem > 0 && need > 0.9 * mem) {
                if (!o->force) {
                    st = osib_fail(err, OSIB_E_NOMEM,
                                   "case %s, operator %s needs at least %.1f GiB (osib estimate %s), this machine has "
                                   "%.1f GiB: not run (--force runs it anyway)",
                                   cases[i].id, osib_op_name((osib_op)op), need / 1073741824.0, cases[i].id,
                                   mem / 1073741824.0);
                    goto done;
                }
                fprintf(stderr,
                        "osib: warning: case %s, operator %s needs at least %.1f GiB, this machine has %.1f GiB\n",
                        cases[i].id, osib_op_name((osib_op)op), need / 1073741824.0, mem / 1073741824.0);
            }
        }
    for (int i = 0; i < ncases; i++, nctx++)
        if ((st = case_context(&cases[i], cases[i].oracle ? &oracles[i] : NULL, ops, &ctx[i], &owned[i], err)) !=
            OSIB_OK) {
            nctx++;
            goto done;
        }
    if ((st = osib_mkdir_p(o->out_dir, err)) != OSIB_OK)
        goto done;
    char real[PATH_MAX];
    if (!realpath(o->out_dir, real)) {
        st = osib_fail(err, OSIB_E_IO, "%s: %s", o->out_dir, strerror(errno));
        goto done;
    }

    /* The run */
    rn.impl = impl;
    rn.yardstick = o->yardstick;
    snprintf(rn.out_dir, sizeof rn.out_dir, "%s", real);
    rn.report = &report;
    rn.rng = gsl_rng_alloc(gsl_rng_mt19937);
    rn.secret_rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rn.rng || !rn.secret_rng) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory");
        goto done;
    }
    report.seed = o->have_seed ? o->seed : fresh_seed();
    gsl_rng_set(rn.rng, (unsigned long)report.seed);
    gsl_rng_set(rn.secret_rng, (unsigned long)fresh_seed());
    fill_meta(&report, impl, o, ops);
    if (o->bandwidth_gbs > 0) {
        rn.bandwidth_gbs = o->bandwidth_gbs;
        snprintf(report.bandwidth_source, sizeof report.bandwidth_source, "given (--bandwidth)");
    } else {
        rn.bandwidth_gbs = osib_machine_triad_gbs(5);
        snprintf(report.bandwidth_source, sizeof report.bandwidth_source,
                 rn.bandwidth_gbs > 0 ? "measured: STREAM triad, float64, one thread per core, best of 5"
                                      : "unknown: the triad could not run");
        if (rn.bandwidth_gbs <= 0)
            rn.bandwidth_gbs = 0;
    }
    report.bandwidth_gbs = rn.bandwidth_gbs;
    report.forced = o->force;
    osib_utc_now(report.started_utc, sizeof report.started_utc);
    for (int i = 0; i < ncases; i++) {
        osib_case_record *cr = &report.cases[report.ncases++];
        snprintf(cr->id, sizeof cr->id, "%s", cases[i].id);
        osib_case_hash(&cases[i], cr->sha256, NULL);
        snprintf(cr->physics, sizeof cr->physics, "%s", osib_physics_name(cases[i].physics));
        cr->memory_budget_bytes = (double)cases[i].memory_budget_bytes;
        cr->has_oracle = cases[i].oracle;
        memcpy(cr->ops, ctx[i].ops, sizeof cr->ops);
        snprintf(cr->reference, sizeof cr->reference, "%s", osib_reference_name(ctx[i].ref));
        for (int op = 0; op < OSIB_OP_COUNT; op++)
            cr->footprint_gib[op] =
                osib_estimate_op(&cases[i], (osib_op)op, impl->dtype_bytes).footprint_bytes / 1073741824.0;
        snprintf(cr->oracle_file, sizeof cr->oracle_file, "%s", cases[i].oracle ? oracles[i].rel_path : "");
        for (int a = 0; cases[i].oracle && a < oracles[i].narrays && a < 16; a++) {
            snprintf(cr->oracle_arrays[a].dataset, sizeof cr->oracle_arrays[a].dataset, "%s", oracles[i].datasets[a]);
            snprintf(cr->oracle_arrays[a].sha256, sizeof cr->oracle_arrays[a].sha256, "%s", oracles[i].sha256[a]);
            cr->noracle_arrays++;
        }
    }
    if ((st = osib_kit_snapshot_take(kit_before, o->kit_root, cases, ncases, err)) != OSIB_OK)
        goto done;
    /* The manifest's files first (recorded), then the executable, unless it
     * is one of them (a script). */
    for (int f = 0; f < impl->nfiles; f++)
        impl_paths[nimpl_paths++] = impl->files[f];
    impl_paths[nimpl_paths++] = impl->executable;
    osib_files_snapshot_take(impl_before, impl_paths, nimpl_paths);
    int exe_listed = 0;
    for (int f = 0; f < impl->nfiles; f++)
        exe_listed |= strcmp(impl->files[f], impl->executable) == 0;
    for (int f = 0; f < impl_before->n - !exe_listed && report.nimpl_files < OSIB_REPORT_MAX_IMPL_FILES; f++) {
        osib_kit_file_record *rf = &report.impl_files[report.nimpl_files];
        snprintf(rf->path, sizeof rf->path, "%s", impl_before->files[f].path);
        snprintf(rf->sha256, sizeof rf->sha256, "%s", impl_before->files[f].sha256);
        report.nimpl_files++;
    }
    snprintf(report.oracle_manifest_sha256, sizeof report.oracle_manifest_sha256, "%s", osib_oracle_manifest_sha256());
    rn.tasks_total = count_tasks(ctx, ncases, o->repeat);
    osib_progress_begin(&rn.progress, "certify");

    for (int i = 0; st == OSIB_OK && i < ncases; i++) {
        const osib_case_ctx *cx = &ctx[i];
        if (cx->oracle)
            st = osib_gate_oracle(&rn, cx, err);
        if (st == OSIB_OK && cx->oracle)
            st = osib_gate_challenge(&rn, cx, err);
        if (st == OSIB_OK)
            st = osib_gate_dot(&rn, cx, err);
        if (st == OSIB_OK)
            st = osib_gate_linearity(&rn, cx, err);
        if (st == OSIB_OK)
            st = osib_gate_taylor(&rn, cx, err);
    }
    /* Timings count only for an implementation that passed every gate. */
    int timed = st == OSIB_OK && osib_report_failures(&report) == 0;
    if (timed)
        for (int i = 0; st == OSIB_OK && i < ncases; i++)
            for (int op = 0; st == OSIB_OK && op < OSIB_OP_COUNT; op++)
                if (ctx[i].ops[op])
                    st = osib_gate_timing(&rn, &ctx[i], (osib_op)op, o->repeat, err);
    osib_progress_end(&rn.progress);
    if (st != OSIB_OK)
        goto done;
    osib_files_snapshot_take(impl_after, impl_paths, nimpl_paths);
    if ((st = osib_kit_snapshot_take(kit_after, o->kit_root, cases, ncases, err)) != OSIB_OK ||
        (st = files_check(&rn, "kit", kit_before, kit_after, err)) != OSIB_OK ||
        (st = files_check(&rn, "implementation", impl_before, impl_after, err)) != OSIB_OK)
        goto done;
    for (int f = 0; f < kit_before->n && f < 80; f++, report.nkit_files++) {
        osib_kit_file_record *kf = &report.kit_files[report.nkit_files];
        snprintf(kf->path, sizeof kf->path, "%s", kit_before->files[f].path);
        snprintf(kf->sha256, sizeof kf->sha256, "%s", kit_before->files[f].sha256);
    }

    /* The report must hold exactly the checks its cases and operators
     * require: the runner is held to the rule osib verify applies. */
    osib_required_case rc[MAX_CASES];
    for (int i = 0; i < ncases; i++) {
        rc[i].c = &cases[i];
        rc[i].has_oracle = cases[i].oracle;
        memcpy(rc[i].ops, ctx[i].ops, sizeof rc[i].ops);
    }
    osib_required req;
    if ((st = osib_required_checks(rc, ncases, o->repeat, timed, &req, err)) != OSIB_OK)
        goto done;
    size_t matched = 0;
    for (size_t k = 0; k < report.nchecks; k++)
        matched += osib_required_has(&req, report.checks[k].id);
    if (matched != req.n || matched != report.nchecks)
        st = osib_fail(err, OSIB_E_INTERNAL, "the run made %zu checks, %zu of them among the %zu required",
                       report.nchecks, matched, req.n);
    osib_required_free(&req);
    if (st != OSIB_OK)
        goto done;

    report.conformant = osib_report_failures(&report) == 0 && report.nchecks > 0;
    if (!report.conformant)
        report.ntimings = 0; /* timings of a non-conformant implementation are not reported */
    st = osib_figures_make(&report, cases, oracles, ncases, rn.out_dir, stderr, err);
    if (st != OSIB_OK)
        goto done;
    osib_utc_now(report.finished_utc, sizeof report.finished_utc);
    st = osib_report_write(&report, rn.out_dir, err);
    if (st == OSIB_OK) {
        *conformant = report.conformant;
        snprintf(report_id, 17, "%s", report.report_id);
    }
done:
    if (rn.rng)
        gsl_rng_free(rn.rng);
    if (rn.secret_rng)
        gsl_rng_free(rn.secret_rng);
    for (int i = 0; i < nctx; i++)
        owned_free(&owned[i]);
    for (int i = 0; i < ncases; i++) {
        osib_oracle_free(&oracles[i]);
        osib_case_free(&cases[i]);
    }
    osib_report_free(&report);
    free(impl);
    free(kit_before);
    return st;
}
