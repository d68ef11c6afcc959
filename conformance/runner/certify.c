#include "certify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envinfo.h"
#include "figures.h"
#include "estimate.h"
#include "gates.h"
#include "hash.h"
#include "sysinfo.h"
#include "version.h"

enum { MAX_CASES = 32 };

/* ---------------------------------------------------------------------------
 * Cases
 * ------------------------------------------------------------------------- */

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static osib_status load_case(const char *kit_root, const char *path_or_id, osib_case *c, osib_err *err)
{
    struct stat sb;
    if (stat(path_or_id, &sb) == 0 || strchr(path_or_id, '/'))
        return osib_case_load(path_or_id, c, err);
    char path[OSIB_PATH_MAX];
    snprintf(path, sizeof path, "%s/spec/cases/%s.yaml", kit_root, path_or_id);
    if (stat(path, &sb) != 0)
        return osib_fail(err, OSIB_E_USAGE, "no case \"%s\" in %s/spec/cases", path_or_id, kit_root);
    return osib_case_load(path, c, err);
}

/* The selected cases, loaded and validated, each with an oracle. */
static osib_status select_cases(const osib_certify_options *o, osib_case *cases, int *ncases, osib_err *err)
{
    *ncases = 0;
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
                if (st == OSIB_OK && osib_case_in_suite(c, o->suite))
                    (*ncases)++;
                else if (st == OSIB_OK)
                    osib_case_free(c);
            }
            free(names[i]);
        }
        if (st == OSIB_OK && *ncases == 0)
            st = osib_fail(err, OSIB_E_USAGE, "no case belongs to suite \"%s\"", o->suite);
    } else {
        for (int i = 0; st == OSIB_OK && i < o->ncases && i < MAX_CASES; i++) {
            st = load_case(o->kit_root, o->case_ids[i], &cases[*ncases], err);
            if (st == OSIB_OK)
                (*ncases)++;
        }
    }
    for (int i = 0; st == OSIB_OK && i < *ncases; i++)
        if (!cases[i].oracle)
            st = osib_fail(err, OSIB_E_USAGE, "case %s has no oracle: certification compares with one (oracle: true)",
                           cases[i].id);
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
    int fd = open("/dev/urandom", O_RDONLY);
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
    r->bandwidth_gbs = o->bandwidth_gbs;
    osib_envinfo_fill(r);
}

/* How many tasks the run will start, for the progress line. */
static size_t count_tasks(const int *ops, int ncases, int repeat)
{
    size_t per_case = 0, nops = 0;
    for (int op = 0; op < OSIB_OP_COUNT; op++)
        nops += ops[op] != 0;
    per_case += nops;
    per_case += (ops[OSIB_OP_FORWARD] && ops[OSIB_OP_ADJOINT]) ? 2 : 0;
    per_case += (ops[OSIB_OP_BORN] && ops[OSIB_OP_BORN_ADJOINT]) ? 2 : 0;
    per_case += ops[OSIB_OP_FORWARD] ? 3 : 0;
    per_case += ops[OSIB_OP_GRADIENT] ? OSIB_TAYLOR_STEPS + 1 : 0;
    per_case += nops * (size_t)repeat;
    return per_case * (size_t)ncases;
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
    int ncases = 0, noracles = 0;
    osib_report report;
    osib_report_init(&report);
    osib_runner rn;
    memset(&rn, 0, sizeof rn);
    if (!impl)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");

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
    if ((st = select_cases(o, cases, &ncases, err)) != OSIB_OK)
        goto done;
    for (int i = 0; i < ncases; i++) {
        if ((st = osib_oracle_load(&oracles[i], &cases[i], o->kit_root, err)) != OSIB_OK)
            goto done;
        noracles++;
        osib_estimate e = osib_estimate_op(&cases[i], OSIB_OP_FORWARD, impl->dtype_bytes);
        double mem = osib_physical_memory_bytes();
        if (mem > 0 && e.footprint_bytes > mem)
            fprintf(stderr, "osib: warning: case %s needs at least %.1f GiB, this machine has %.1f GiB\n", cases[i].id,
                    e.footprint_bytes / 1073741824.0, mem / 1073741824.0);
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
    snprintf(rn.out_dir, sizeof rn.out_dir, "%s", real);
    rn.report = &report;
    rn.rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rn.rng) {
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory");
        goto done;
    }
    report.seed = o->have_seed ? o->seed : fresh_seed();
    gsl_rng_set(rn.rng, (unsigned long)report.seed);
    fill_meta(&report, impl, o, ops);
    osib_utc_now(report.started_utc, sizeof report.started_utc);
    for (int i = 0; i < ncases; i++) {
        osib_case_record *cr = &report.cases[report.ncases++];
        snprintf(cr->id, sizeof cr->id, "%s", cases[i].id);
        osib_case_hash(&cases[i], cr->sha256, NULL);
        snprintf(cr->oracle_file, sizeof cr->oracle_file, "%s", oracles[i].rel_path);
        for (int a = 0; a < oracles[i].narrays && a < 16; a++) {
            snprintf(cr->oracle_arrays[a].dataset, sizeof cr->oracle_arrays[a].dataset, "%s", oracles[i].datasets[a]);
            snprintf(cr->oracle_arrays[a].sha256, sizeof cr->oracle_arrays[a].sha256, "%s", oracles[i].sha256[a]);
            cr->noracle_arrays++;
        }
    }
    rn.tasks_total = count_tasks(ops, ncases, o->repeat);
    osib_progress_begin(&rn.progress, "certify");

    for (int i = 0; st == OSIB_OK && i < ncases; i++) {
        st = osib_gate_oracle(&rn, &oracles[i], ops, err);
        if (st == OSIB_OK)
            st = osib_gate_dot(&rn, &oracles[i], ops, err);
        if (st == OSIB_OK)
            st = osib_gate_linearity(&rn, &oracles[i], ops, err);
        if (st == OSIB_OK && ops[OSIB_OP_GRADIENT])
            st = osib_gate_taylor(&rn, &oracles[i], err);
    }
    /* Timings count only for an implementation that passed every gate. */
    if (st == OSIB_OK && osib_report_failures(&report) == 0)
        for (int i = 0; st == OSIB_OK && i < ncases; i++)
            for (int op = 0; st == OSIB_OK && op < OSIB_OP_COUNT; op++)
                if (ops[op])
                    st = osib_gate_timing(&rn, &oracles[i], (osib_op)op, o->repeat, o->bandwidth_gbs, err);
    osib_progress_end(&rn.progress);
    if (st != OSIB_OK)
        goto done;

    report.conformant = osib_report_failures(&report) == 0 && report.nchecks > 0;
    if (!report.conformant)
        report.ntimings = 0; /* timings of a non-conformant implementation are not reported */
    st = osib_figures_make(&report, oracles, ncases, rn.out_dir, stderr, err);
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
    for (int i = 0; i < noracles; i++)
        osib_oracle_free(&oracles[i]);
    for (int i = 0; i < ncases; i++)
        osib_case_free(&cases[i]);
    osib_report_free(&report);
    free(impl);
    return st;
}
