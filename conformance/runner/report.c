#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case.h"
#include "fileutil.h"
#include "hash.h"
#include "report_html.h"
#include "report_md.h"
#include "text.h"
#include "yaml_tree.h"

void osib_report_init(osib_report *r)
{
    memset(r, 0, sizeof *r);
    r->price_per_hour_usd = -1.0;
}

void osib_report_free(osib_report *r)
{
    free(r->checks);
    free(r->files);
    free(r->tasks);
    r->checks = NULL;
    r->files = NULL;
    r->tasks = NULL;
    r->nchecks = r->nfiles = r->ntasks = r->cap_checks = r->cap_files = r->cap_tasks = 0;
}

/* Append one element to a growing array of the report. */
static osib_status grow(void **items, size_t *n, size_t *cap, size_t size, size_t first_cap, osib_err *err)
{
    if (*n < *cap)
        return OSIB_OK;
    size_t new_cap = *cap ? 2 * *cap : first_cap;
    void *grown = realloc(*items, new_cap * size);
    if (!grown)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the report");
    *items = grown;
    *cap = new_cap;
    return OSIB_OK;
}

osib_status osib_report_add_check(osib_report *r, const osib_check *c, osib_err *err)
{
    osib_status st = grow((void **)&r->checks, &r->nchecks, &r->cap_checks, sizeof *c, 64, err);
    if (st == OSIB_OK)
        r->checks[r->nchecks++] = *c;
    return st;
}

osib_status osib_report_add_file(osib_report *r, const char *relpath, const char *sha256, int kept, osib_err *err)
{
    osib_status st = grow((void **)&r->files, &r->nfiles, &r->cap_files, sizeof *r->files, 128, err);
    if (st != OSIB_OK)
        return st;
    osib_file_record *f = &r->files[r->nfiles++];
    snprintf(f->path, sizeof f->path, "%s", relpath);
    snprintf(f->sha256, sizeof f->sha256, "%s", sha256);
    f->kept = kept;
    return OSIB_OK;
}

osib_status osib_report_add_task(osib_report *r, const osib_task_record *t, osib_err *err)
{
    osib_status st = grow((void **)&r->tasks, &r->ntasks, &r->cap_tasks, sizeof *t, 64, err);
    if (st == OSIB_OK)
        r->tasks[r->ntasks++] = *t;
    return st;
}

void osib_report_task_failed(osib_report *r, const char *task_id, const char *why)
{
    for (size_t i = 0; i < r->ntasks; i++)
        if (strcmp(r->tasks[i].id, task_id) == 0) {
            r->tasks[i].ok = 0;
            snprintf(r->tasks[i].outcome, sizeof r->tasks[i].outcome, "%s", why);
        }
}

size_t osib_report_failures(const osib_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nchecks; i++)
        n += !r->checks[i].passed;
    return n;
}

size_t osib_report_leftovers(const osib_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ntasks; i++)
        n += r->tasks[i].leftovers > 0;
    return n;
}

double osib_report_peak_memory(const osib_report *r, const char *case_id, const char *op)
{
    double peak = 0.0;
    for (size_t i = 0; i < r->ntasks; i++)
        if (strcmp(r->tasks[i].case_id, case_id) == 0 && strcmp(r->tasks[i].op, op) == 0 &&
            r->tasks[i].peak_memory_bytes > peak)
            peak = r->tasks[i].peak_memory_bytes;
    return peak;
}

void osib_report_io(const osib_report *r, const char *case_id, const char *op, double *read_bytes, double *write_bytes)
{
    *read_bytes = *write_bytes = -1.0;
    for (size_t i = 0; i < r->ntasks; i++)
        if (strcmp(r->tasks[i].case_id, case_id) == 0 && strcmp(r->tasks[i].op, op) == 0) {
            *read_bytes = fmax(*read_bytes, r->tasks[i].io_read_bytes);
            *write_bytes = fmax(*write_bytes, r->tasks[i].io_write_bytes);
        }
}

const char *osib_report_note(const osib_report *r, const char *case_id, const char *op)
{
    for (size_t i = 0; i < r->ntasks; i++)
        if (r->tasks[i].ok && r->tasks[i].note[0] && strcmp(r->tasks[i].case_id, case_id) == 0 &&
            strcmp(r->tasks[i].op, op) == 0)
            return r->tasks[i].note;
    return "";
}

double osib_report_median_wall(const osib_report *r, const char *case_id, const char *op)
{
    for (int i = 0; i < r->ntimings; i++)
        if (strcmp(r->timings[i].case_id, case_id) == 0 && strcmp(r->timings[i].op, op) == 0)
            return r->timings[i].wall_s[0];
    return NAN;
}

int osib_compliant_suite(const char *suite)
{
    static const char *const scopes[] = {"oracle", "perf", "perf-tti", "budget", NULL};
    for (int i = 0; scopes[i]; i++)
        if (strcmp(suite, scopes[i]) == 0)
            return 1;
    return 0;
}

/* Before each reason but the first. */
static void next_reason(osib_text *t)
{
    if (t->len)
        osib_text_printf(t, "; ");
}

int osib_report_compliant(const osib_report *r, char *why, size_t cap)
{
    osib_text t;
    osib_text_init(&t);
    if (!r->conformant)
        osib_text_printf(&t, "NON-CONFORMANT");
    size_t clen = strlen(r->kit_commit);
    if (clen >= 6 && strcmp(r->kit_commit + clen - 6, "-dirty") == 0) {
        next_reason(&t);
        osib_text_printf(&t, "a modified kit (commit %s)", r->kit_commit);
    } else if (clen == 0 || strcmp(r->kit_commit, "unknown") == 0) {
        next_reason(&t);
        osib_text_printf(&t, "a kit of unknown commit (built outside git)");
    }
    if (r->seed_chosen) {
        next_reason(&t);
        osib_text_printf(&t, "--seed chose the inputs");
    }
    if (r->operators_chosen) {
        next_reason(&t);
        osib_text_printf(&t, "--ops chose the operators");
    }
    if (r->repeat < OSIB_COMPLIANT_REPEAT) {
        next_reason(&t);
        osib_text_printf(&t, "%d timed repetition%s (at least %d)", r->repeat, r->repeat == 1 ? "" : "s",
                         OSIB_COMPLIANT_REPEAT);
    }
    if (!r->suite[0] || !osib_compliant_suite(r->suite)) {
        next_reason(&t);
        if (!r->suite[0])
            osib_text_printf(&t, "cases named one by one");
        else
            osib_text_printf(&t, "suite %s", r->suite);
        osib_text_printf(&t, " (a whole suite: oracle, perf, perf-tti or budget)");
    }
    const int compliant = t.len == 0 && !t.failed;
    snprintf(why, cap, "%s", t.failed ? "out of memory" : t.buf ? t.buf : "");
    osib_text_free(&t);
    return compliant;
}

int osib_report_has_budgets(const osib_report *r)
{
    for (int i = 0; i < r->ncases; i++)
        if (r->cases[i].memory_budget_bytes > 0)
            return 1;
    return 0;
}

/* ---------------------------------------------------------------------------
 * report.yaml
 * ------------------------------------------------------------------------- */

static void kv_str(osib_text *t, const char *indent, const char *key, const char *value)
{
    osib_text_printf(t, "%s%s: ", indent, key);
    osib_text_yaml_string(t, value);
    osib_text_printf(t, "\n");
}

static void kv_num(osib_text *t, const char *indent, const char *key, double value)
{
    osib_text_printf(t, "%s%s: ", indent, key);
    osib_text_yaml_number(t, value);
    osib_text_printf(t, "\n");
}

static void triple(osib_text *t, const char *indent, const char *key, const double v[3])
{
    osib_text_printf(t, "%s%s: {median: ", indent, key);
    osib_text_yaml_number(t, v[0]);
    osib_text_printf(t, ", min: ");
    osib_text_yaml_number(t, v[1]);
    osib_text_printf(t, ", max: ");
    osib_text_yaml_number(t, v[2]);
    osib_text_printf(t, "}\n");
}

static void ops_list(osib_text *t, const int *ops)
{
    osib_text_printf(t, "[");
    for (int op = 0, n = 0; op < OSIB_OP_COUNT; op++)
        if (ops[op])
            osib_text_printf(t, "%s%s", n++ ? ", " : "", osib_op_name((osib_op)op));
    osib_text_printf(t, "]");
}

/* "  files:" and a {path, sha256} line per file. */
static void file_list(osib_text *t, const osib_kit_file_record *files, int n)
{
    osib_text_printf(t, n ? "  files:\n" : "  files: []\n");
    for (int i = 0; i < n; i++) {
        osib_text_printf(t, "    - {path: ");
        osib_text_yaml_string(t, files[i].path);
        osib_text_printf(t, ", sha256: %s}\n", files[i].sha256);
    }
}

static void yaml_body(const osib_report *r, osib_text *t)
{
    osib_text_printf(t, "osib_report: %d\n", OSIB_REPORT_VERSION);
    osib_text_printf(t, "verdict: %s\n", r->conformant ? "CONFORMANT" : "NON-CONFORMANT");
    osib_text_printf(t, "failed_checks: %zu\n", osib_report_failures(r));
    osib_text_printf(t, "kit:\n");
    kv_str(t, "  ", "version", r->kit_version);
    kv_str(t, "  ", "commit", r->kit_commit);
    kv_str(t, "  ", "spec_version", r->spec_version);
    osib_text_printf(t, "  protocol: 1\n");
    kv_str(t, "  ", "oracle_manifest_sha256", r->oracle_manifest_sha256);
    file_list(t, r->kit_files, r->nkit_files);
    osib_text_printf(t, "implementation:\n");
    kv_str(t, "  ", "name", r->impl_name);
    kv_str(t, "  ", "version", r->impl_version);
    kv_str(t, "  ", "vendor", r->impl_vendor);
    kv_str(t, "  ", "contact", r->impl_contact);
    kv_str(t, "  ", "manifest", r->impl_manifest);
    kv_str(t, "  ", "manifest_sha256", r->impl_manifest_sha256);
    kv_str(t, "  ", "executable", r->impl_executable);
    kv_str(t, "  ", "executable_sha256", r->impl_executable_sha256);
    kv_str(t, "  ", "precision", r->precision);
    kv_str(t, "  ", "array_format", r->array_format);
    kv_str(t, "  ", "operators", r->operators);
    kv_num(t, "  ", "price_per_hour_usd", r->price_per_hour_usd);
    kv_str(t, "  ", "hardware_notes", r->impl_notes);
    kv_str(t, "  ", "capabilities", r->capabilities);
    file_list(t, r->impl_files, r->nimpl_files);
    osib_text_printf(t, "run:\n");
    kv_str(t, "  ", "started_utc", r->started_utc);
    kv_str(t, "  ", "finished_utc", r->finished_utc);
    kv_str(t, "  ", "command_line", r->command_line);
    osib_text_printf(t, "  seed: %llu\n", r->seed);
    osib_text_printf(t, "  seed_chosen: %s\n", r->seed_chosen ? "true" : "false");
    osib_text_printf(t, "  operators_chosen: %s\n", r->operators_chosen ? "true" : "false");
    kv_str(t, "  ", "suite", r->suite);
    kv_str(t, "  ", "cases_left_out", r->cases_left_out);
    osib_text_printf(t, "  repeat: %d\n", r->repeat);
    osib_text_printf(t, "  forced: %s\n", r->forced ? "true" : "false");
    kv_num(t, "  ", "bandwidth_gbs", r->bandwidth_gbs);
    kv_str(t, "  ", "bandwidth_source", r->bandwidth_source);
    char why[1024], compliance[1100];
    if (osib_report_compliant(r, why, sizeof why))
        snprintf(compliance, sizeof compliance, "yes");
    else
        snprintf(compliance, sizeof compliance, "no: %s", why);
    kv_str(t, "  ", "compliance", compliance); /* RULES.md §6: derived from the fields above, for readers */
    osib_text_printf(t, "environment:\n");
    kv_str(t, "  ", "cpu_model", r->cpu_model);
    osib_text_printf(t, "  cores: %d\n", r->cores);
    kv_num(t, "  ", "memory_gib", r->memory_gib);
    kv_str(t, "  ", "caches", r->caches);
    kv_str(t, "  ", "os", r->os);
    kv_str(t, "  ", "kernel", r->kernel);
    kv_str(t, "  ", "compiler", r->compiler);
    kv_str(t, "  ", "gpu", r->gpu);
    osib_text_printf(t, r->ncases ? "cases:\n" : "cases: []\n");
    for (int i = 0; i < r->ncases; i++) {
        const osib_case_record *cr = &r->cases[i];
        osib_text_printf(t, "  - id: %s\n", cr->id);
        osib_text_printf(t, "    sha256: %s\n", cr->sha256);
        osib_text_printf(t, "    physics: %s\n", cr->physics);
        osib_text_printf(t, "    has_oracle: %s\n", cr->has_oracle ? "true" : "false");
        osib_text_printf(t, "    operators: ");
        ops_list(t, cr->ops);
        osib_text_printf(t, "\n");
        kv_str(t, "    ", "reference", cr->reference);
        osib_text_printf(t, "    footprint_gib: [");
        for (int op = 0; op < OSIB_OP_COUNT; op++) {
            osib_text_printf(t, "%s", op ? ", " : "");
            osib_text_yaml_number(t, cr->footprint_gib[op]);
        }
        osib_text_printf(t, "]\n");
        if (cr->memory_budget_bytes > 0)
            kv_num(t, "    ", "memory_budget_bytes", cr->memory_budget_bytes);
        kv_str(t, "    ", "oracle", cr->oracle_file);
        osib_text_printf(t, cr->noracle_arrays ? "    oracle_arrays:\n" : "    oracle_arrays: []\n");
        for (int a = 0; a < cr->noracle_arrays; a++)
            osib_text_printf(t, "      - {dataset: \"%s\", sha256: %s}\n", cr->oracle_arrays[a].dataset,
                             cr->oracle_arrays[a].sha256);
    }
    osib_text_printf(t, r->nchecks ? "checks:\n" : "checks: []\n");
    for (size_t i = 0; i < r->nchecks; i++) {
        const osib_check *c = &r->checks[i];
        osib_text_printf(t, "  - id: %s\n", c->id);
        osib_text_printf(t, "    gate: %s\n", c->gate);
        kv_str(t, "    ", "case", c->case_id);
        kv_str(t, "    ", "operator", c->op);
        if (c->output[0])
            osib_text_printf(t, "    output: %s\n", c->output);
        osib_text_printf(t, "    measure: %s\n", c->measure);
        kv_num(t, "    ", "value", c->value);
        if (c->has_lo)
            kv_num(t, "    ", "min", c->lo);
        if (c->has_hi)
            kv_num(t, "    ", "max", c->hi);
        osib_text_printf(t, "    passed: %s\n", c->passed ? "true" : "false");
        kv_str(t, "    ", "tasks", c->tasks);
        if (c->reference[0])
            kv_str(t, "    ", "reference", c->reference);
        if (c->nparams > 0) {
            osib_text_printf(t, "    params: [");
            for (int k = 0; k < c->nparams; k++) {
                osib_text_printf(t, "%s", k ? ", " : "");
                osib_text_yaml_number(t, c->params[k]);
            }
            osib_text_printf(t, "]\n");
        }
        if (c->message[0])
            kv_str(t, "    ", "message", c->message);
    }
    osib_text_printf(t, r->ntasks ? "tasks:\n" : "tasks: []\n");
    for (size_t i = 0; i < r->ntasks; i++) {
        const osib_task_record *k = &r->tasks[i];
        osib_text_printf(t, "  - {id: %s, case: %s, operator: %s, role: %s, repetition: %d, ok: %s, wall_s: ", k->id,
                         k->case_id, k->op, k->role, k->repetition, k->ok ? "true" : "false");
        osib_text_yaml_number(t, k->wall_s);
        osib_text_printf(t, ", compute_s: ");
        osib_text_yaml_number(t, k->compute_s);
        osib_text_printf(t, ", peak_memory_bytes: ");
        osib_text_yaml_number(t, k->peak_memory_bytes);
        osib_text_printf(t, ", io_read_bytes: ");
        osib_text_yaml_number(t, k->io_read_bytes);
        osib_text_printf(t, ", io_write_bytes: ");
        osib_text_yaml_number(t, k->io_write_bytes);
        osib_text_printf(t, ", leftovers: %d, outcome: ", k->leftovers);
        osib_text_yaml_string(t, k->outcome);
        if (k->note[0]) {
            osib_text_printf(t, ", note: ");
            osib_text_yaml_string(t, k->note);
        }
        osib_text_printf(t, "}\n");
    }
    osib_text_printf(t, r->ntimings ? "timings:\n" : "timings: []\n");
    for (int i = 0; i < r->ntimings; i++) {
        const osib_timing *tm = &r->timings[i];
        osib_text_printf(t, "  - case: %s\n    operator: %s\n    repetitions: %d\n", tm->case_id, tm->op,
                         tm->repetitions);
        triple(t, "    ", "wall_s", tm->wall_s);
        triple(t, "    ", "compute_s", tm->compute_s);
        kv_num(t, "    ", "gpts_wall", tm->gpts_wall);
        kv_num(t, "    ", "gpts_compute", tm->gpts_compute);
        kv_num(t, "    ", "gflops_wall", tm->gflops_wall);
        kv_num(t, "    ", "gflops_compute", tm->gflops_compute);
        kv_num(t, "    ", "bytes_per_point_step", tm->bytes_per_point_step);
        kv_num(t, "    ", "roofline_pct", tm->roofline_pct);
        kv_num(t, "    ", "roofline_pct_wall", tm->roofline_pct_wall);
        kv_num(t, "    ", "cost_per_shot_usd", tm->cost_per_shot_usd);
        kv_num(t, "    ", "peak_memory_gib", tm->peak_memory_gib);
        kv_num(t, "    ", "footprint_gib", tm->footprint_gib);
    }
    osib_text_printf(t, r->nfigures ? "figures:\n" : "figures: []\n");
    for (int i = 0; i < r->nfigures; i++) {
        osib_text_printf(t, "  - {base: \"%s\", caption: ", r->figures[i].base);
        osib_text_yaml_string(t, r->figures[i].caption);
        osib_text_printf(t, "}\n");
    }
    osib_text_printf(t, r->nfiles ? "files:\n" : "files: []\n");
    for (size_t i = 0; i < r->nfiles; i++)
        osib_text_printf(t, "  - {path: \"%s\", sha256: %s, kept: %s}\n", r->files[i].path, r->files[i].sha256,
                         r->files[i].kept ? "true" : "false");
}

osib_status osib_report_write(osib_report *r, const char *dir, osib_err *err)
{
    osib_text body, file, md, html;
    osib_text_init(&body);
    osib_text_init(&file);
    osib_text_init(&md);
    osib_text_init(&html);
    yaml_body(r, &body);
    osib_status st = body.failed ? osib_fail(err, OSIB_E_NOMEM, "out of memory for the report") : OSIB_OK;
    char hex[OSIB_SHA256_HEX];
    if (st == OSIB_OK)
        st = osib_sha256_bytes(body.buf, body.len, hex, err);
    if (st == OSIB_OK) {
        snprintf(r->report_id, sizeof r->report_id, "%.16s", hex);
        osib_text_printf(&file, "report_id: %s\n%s", r->report_id, body.buf);
        osib_report_markdown(r, &md);
        if (file.failed || md.failed)
            st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the report");
    }
    char path[OSIB_PATH_MAX];
    if (st == OSIB_OK) {
        snprintf(path, sizeof path, "%s/report.md", dir);
        st = osib_write_text_atomic(path, md.buf, md.len, err);
    }
    if (st == OSIB_OK)
        st = osib_report_html(r, dir, &html, err);
    if (st == OSIB_OK) {
        snprintf(path, sizeof path, "%s/report.html", dir);
        st = osib_write_text_atomic(path, html.buf, html.len, err);
    }
    if (st == OSIB_OK) { /* report.yaml last: its presence means the report is complete */
        snprintf(path, sizeof path, "%s/report.yaml", dir);
        st = osib_write_text_atomic(path, file.buf, file.len, err);
    }
    osib_text_free(&html);
    osib_text_free(&body);
    osib_text_free(&file);
    osib_text_free(&md);
    return st;
}

/* ---------------------------------------------------------------------------
 * Reading report.yaml back
 * ------------------------------------------------------------------------- */

/* A number that may be .nan or .inf. */
static osib_status get_num(const osib_ynode *map, const char *key, int required, double *out, osib_err *err)
{
    osib_ynode n;
    osib_status st = osib_ymap_get(map, key, required, &n, err);
    if (st != OSIB_OK || !n.node)
        return st;
    if (n.node->type == YAML_SCALAR_NODE) {
        const char *s = (const char *)n.node->data.scalar.value;
        if (strcmp(s, ".nan") == 0) {
            *out = NAN;
            return OSIB_OK;
        }
        if (strcmp(s, ".inf") == 0 || strcmp(s, "-.inf") == 0) {
            *out = s[0] == '-' ? -INFINITY : INFINITY;
            return OSIB_OK;
        }
    }
    return osib_yget_double(&n, out, err);
}

static osib_status get_str(const osib_ynode *map, const char *key, char *buf, size_t cap, osib_err *err)
{
    return osib_ymap_string(map, key, 1, buf, cap, err);
}

/* A case's physics: optional (reports written before TTI have none, and
 * are acoustic), one of the kit's names when present. */
static osib_status get_physics(const osib_ynode *map, char *buf, size_t cap, osib_err *err)
{
    snprintf(buf, cap, "%s", osib_physics_name(OSIB_PHYSICS_ACOUSTIC_ISO));
    osib_status st = osib_ymap_string(map, "physics", 0, buf, cap, err);
    if (st == OSIB_OK && osib_physics_parse(buf) < 0) {
        osib_ynode n;
        osib_ymap_get(map, "physics", 1, &n, NULL);
        return osib_yfail(err, &n, "unknown physics \"%s\"", buf);
    }
    return st;
}

static osib_status get_int(const osib_ynode *map, const char *key, int *out, osib_err *err)
{
    long long v = 0;
    osib_status st = osib_ymap_int(map, key, 1, &v, err);
    if (st == OSIB_OK)
        *out = (int)v;
    return st;
}

static osib_status read_triple(const osib_ynode *map, const char *key, double v[3], osib_err *err)
{
    osib_ynode n;
    osib_status st = osib_ymap_get(map, key, 1, &n, err);
    if (st == OSIB_OK)
        st = get_num(&n, "median", 1, &v[0], err);
    if (st == OSIB_OK)
        st = get_num(&n, "min", 1, &v[1], err);
    if (st == OSIB_OK)
        st = get_num(&n, "max", 1, &v[2], err);
    return st;
}

static osib_status read_ops(const osib_ynode *map, const char *key, int *ops, osib_err *err)
{
    osib_ynode list, item;
    size_t n;
    osib_status st = osib_ymap_get(map, key, 1, &list, err);
    if (st == OSIB_OK)
        st = osib_yseq_len(&list, &n, err);
    for (int op = 0; op < OSIB_OP_COUNT; op++)
        ops[op] = 0;
    for (size_t i = 0; st == OSIB_OK && i < n; i++) {
        char name[32];
        if ((st = osib_yseq_at(&list, i, &item, err)) == OSIB_OK &&
            (st = osib_yget_string(&item, name, sizeof name, err)) == OSIB_OK) {
            int op = osib_op_parse(name);
            if (op < 0)
                st = osib_yfail(err, &item, "unknown operator \"%s\"", name);
            else
                ops[op] = 1;
        }
    }
    return st;
}

/* The whole file, a regular file of at most OSIB_YAML_MAX_BYTES. */
/* 64 lowercase hex digits, or "unreadable" (a file that could not be
 * hashed): nothing else may reach a page as a hash. */
static int is_sha256(const char *s)
{
    if (strcmp(s, "unreadable") == 0)
        return 1;
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return 0;
    return n == 64;
}

/* A "files:" list of {path, sha256}; at most max are kept. */
static osib_status read_files(const osib_ynode *sec, osib_kit_file_record *files, int max, int *count, osib_err *err)
{
    osib_ynode list, item;
    size_t n;
    osib_status st = osib_ymap_get(sec, "files", 1, &list, err);
    if (st != OSIB_OK || (st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        return st;
    *count = 0;
    for (size_t i = 0; i < n && i < (size_t)max; i++, (*count)++) {
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = get_str(&item, "path", files[i].path, sizeof files[i].path, err)) != OSIB_OK ||
            (st = get_str(&item, "sha256", files[i].sha256, sizeof files[i].sha256, err)) != OSIB_OK)
            return st;
        if (!is_sha256(files[i].sha256))
            return osib_yfail(err, &item, "sha256 \"%.70s\" is not 64 hex digits", files[i].sha256);
    }
    return OSIB_OK;
}

static osib_status read_whole(const char *path, char **buf, size_t *len, osib_err *err)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return osib_fail(err, OSIB_E_IO, "%s: no report here (%s)", path,
                         errno == ELOOP ? "a symbolic link" : strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > OSIB_YAML_MAX_BYTES) {
        close(fd);
        return osib_fail(err, OSIB_E_DATA, "%s: not a regular file of at most %d MiB", path, OSIB_YAML_MAX_BYTES >> 20);
    }
    *buf = malloc((size_t)sb.st_size + 1);
    if (!*buf) {
        close(fd);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    }
    size_t got = 0;
    while (got < (size_t)sb.st_size) {
        ssize_t n = read(fd, *buf + got, (size_t)sb.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    (*buf)[got] = '\0';
    *len = got;
    return OSIB_OK;
}

osib_status osib_report_read(osib_report *r, const char *dir, char body_sha256[65], osib_err *err)
{
    osib_report_init(r);
    char path[OSIB_PATH_MAX];
    snprintf(path, sizeof path, "%s/report.yaml", dir);
    char *raw = NULL;
    size_t raw_len = 0;
    osib_status st = read_whole(path, &raw, &raw_len, err);
    if (st != OSIB_OK)
        return st;
    /* The body is everything after the first line. */
    char *nl = memchr(raw, '\n', raw_len);
    st = nl ? osib_sha256_bytes(nl + 1, raw_len - (size_t)(nl + 1 - raw), body_sha256, err)
            : osib_fail(err, OSIB_E_DATA, "%s: not a report", path);
    if (st != OSIB_OK) {
        free(raw);
        return st;
    }
    osib_yaml y;
    st = osib_yaml_load_string(&y, raw, raw_len, path, OSIB_E_DATA, err);
    free(raw);
    if (st != OSIB_OK)
        return st;
    osib_ynode root, sec, list, item;
    size_t n;
    char verdict[32];
    int version = 0;
    if ((st = osib_yaml_root(&y, &root, err)) != OSIB_OK ||
        (st = osib_ymap_string(&root, "report_id", 1, r->report_id, sizeof r->report_id, err)) != OSIB_OK ||
        (st = get_int(&root, "osib_report", &version, err)) != OSIB_OK ||
        (st = osib_ymap_string(&root, "verdict", 1, verdict, sizeof verdict, err)) != OSIB_OK)
        goto done;
    if (version != OSIB_REPORT_VERSION) {
        osib_ymap_get(&root, "osib_report", 1, &item, NULL);
        st = osib_yfail(err, &item,
                        "report format %d: this kit reads format %d (reports made before it cannot be "
                        "verified with it)",
                        version, OSIB_REPORT_VERSION);
        goto done;
    }
    r->conformant = strcmp(verdict, "CONFORMANT") == 0;

    if ((st = osib_ymap_get(&root, "kit", 1, &sec, err)) != OSIB_OK ||
        (st = get_str(&sec, "version", r->kit_version, sizeof r->kit_version, err)) != OSIB_OK ||
        (st = get_str(&sec, "commit", r->kit_commit, sizeof r->kit_commit, err)) != OSIB_OK ||
        (st = get_str(&sec, "spec_version", r->spec_version, sizeof r->spec_version, err)) != OSIB_OK ||
        (st = get_str(&sec, "oracle_manifest_sha256", r->oracle_manifest_sha256, sizeof r->oracle_manifest_sha256,
                      err)) != OSIB_OK ||
        (st = read_files(&sec, r->kit_files, 80, &r->nkit_files, err)) != OSIB_OK)
        goto done;

    if ((st = osib_ymap_get(&root, "implementation", 1, &sec, err)) != OSIB_OK ||
        (st = get_str(&sec, "name", r->impl_name, sizeof r->impl_name, err)) != OSIB_OK ||
        (st = get_str(&sec, "version", r->impl_version, sizeof r->impl_version, err)) != OSIB_OK ||
        (st = get_str(&sec, "vendor", r->impl_vendor, sizeof r->impl_vendor, err)) != OSIB_OK ||
        (st = get_str(&sec, "contact", r->impl_contact, sizeof r->impl_contact, err)) != OSIB_OK ||
        (st = get_str(&sec, "manifest", r->impl_manifest, sizeof r->impl_manifest, err)) != OSIB_OK ||
        (st = get_str(&sec, "manifest_sha256", r->impl_manifest_sha256, sizeof r->impl_manifest_sha256, err)) !=
            OSIB_OK ||
        (st = get_str(&sec, "executable", r->impl_executable, sizeof r->impl_executable, err)) != OSIB_OK ||
        (st = get_str(&sec, "executable_sha256", r->impl_executable_sha256, sizeof r->impl_executable_sha256, err)) !=
            OSIB_OK ||
        (st = is_sha256(r->impl_executable_sha256) ? OSIB_OK
                                                   : osib_fail(err, OSIB_E_DATA,
                                                               "report.yaml: implementation.executable_sha256 is not "
                                                               "64 hex digits")) != OSIB_OK ||
        (st = get_str(&sec, "precision", r->precision, sizeof r->precision, err)) != OSIB_OK ||
        (st = get_str(&sec, "array_format", r->array_format, sizeof r->array_format, err)) != OSIB_OK ||
        (st = get_str(&sec, "operators", r->operators, sizeof r->operators, err)) != OSIB_OK ||
        (st = get_num(&sec, "price_per_hour_usd", 1, &r->price_per_hour_usd, err)) != OSIB_OK ||
        (st = get_str(&sec, "hardware_notes", r->impl_notes, sizeof r->impl_notes, err)) != OSIB_OK ||
        (st = get_str(&sec, "capabilities", r->capabilities, sizeof r->capabilities, err)) != OSIB_OK ||
        (st = read_files(&sec, r->impl_files, OSIB_REPORT_MAX_IMPL_FILES, &r->nimpl_files, err)) != OSIB_OK)
        goto done;
    long long seed = 0;
    if ((st = osib_ymap_get(&root, "run", 1, &sec, err)) != OSIB_OK ||
        (st = get_str(&sec, "started_utc", r->started_utc, sizeof r->started_utc, err)) != OSIB_OK ||
        (st = get_str(&sec, "finished_utc", r->finished_utc, sizeof r->finished_utc, err)) != OSIB_OK ||
        (st = get_str(&sec, "command_line", r->command_line, sizeof r->command_line, err)) != OSIB_OK ||
        (st = osib_ymap_int(&sec, "seed", 1, &seed, err)) != OSIB_OK ||
        (st = osib_ymap_bool(&sec, "seed_chosen", 1, &r->seed_chosen, err)) != OSIB_OK ||
        (st = osib_ymap_bool(&sec, "operators_chosen", 1, &r->operators_chosen, err)) != OSIB_OK ||
        (st = get_str(&sec, "suite", r->suite, sizeof r->suite, err)) != OSIB_OK ||
        (st = get_str(&sec, "cases_left_out", r->cases_left_out, sizeof r->cases_left_out, err)) != OSIB_OK ||
        (st = get_int(&sec, "repeat", &r->repeat, err)) != OSIB_OK ||
        (st = osib_ymap_bool(&sec, "forced", 1, &r->forced, err)) != OSIB_OK ||
        (st = get_num(&sec, "bandwidth_gbs", 1, &r->bandwidth_gbs, err)) != OSIB_OK ||
        (st = get_str(&sec, "bandwidth_source", r->bandwidth_source, sizeof r->bandwidth_source, err)) != OSIB_OK ||
        (st = get_str(&sec, "compliance", r->compliance, sizeof r->compliance, err)) != OSIB_OK)
        goto done;
    r->seed = (unsigned long long)seed;
    if ((st = osib_ymap_get(&root, "environment", 1, &sec, err)) != OSIB_OK ||
        (st = get_str(&sec, "cpu_model", r->cpu_model, sizeof r->cpu_model, err)) != OSIB_OK ||
        (st = get_int(&sec, "cores", &r->cores, err)) != OSIB_OK ||
        (st = get_num(&sec, "memory_gib", 1, &r->memory_gib, err)) != OSIB_OK ||
        (st = get_str(&sec, "caches", r->caches, sizeof r->caches, err)) != OSIB_OK ||
        (st = get_str(&sec, "os", r->os, sizeof r->os, err)) != OSIB_OK ||
        (st = get_str(&sec, "kernel", r->kernel, sizeof r->kernel, err)) != OSIB_OK ||
        (st = get_str(&sec, "compiler", r->compiler, sizeof r->compiler, err)) != OSIB_OK ||
        (st = get_str(&sec, "gpu", r->gpu, sizeof r->gpu, err)) != OSIB_OK)
        goto done;

    if ((st = osib_ymap_get(&root, "cases", 1, &list, err)) != OSIB_OK ||
        (st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        goto done;
    for (size_t i = 0; i < n && i < 32; i++) {
        osib_case_record *cr = &r->cases[r->ncases++];
        cr->memory_budget_bytes = -1.0; /* not recorded: reports from before budgets were */
        osib_ynode arrays, arr;
        size_t na;
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = get_str(&item, "id", cr->id, sizeof cr->id, err)) != OSIB_OK ||
            (st = get_str(&item, "sha256", cr->sha256, sizeof cr->sha256, err)) != OSIB_OK ||
            (st = get_physics(&item, cr->physics, sizeof cr->physics, err)) != OSIB_OK ||
            (st = osib_ymap_bool(&item, "has_oracle", 1, &cr->has_oracle, err)) != OSIB_OK ||
            (st = read_ops(&item, "operators", cr->ops, err)) != OSIB_OK ||
            (st = get_str(&item, "reference", cr->reference, sizeof cr->reference, err)) != OSIB_OK ||
            (st = osib_ymap_double_list(&item, "footprint_gib", OSIB_OP_COUNT, OSIB_OP_COUNT, cr->footprint_gib, NULL,
                                        err)) != OSIB_OK ||
            (st = get_num(&item, "memory_budget_bytes", 0, &cr->memory_budget_bytes, err)) != OSIB_OK ||
            (st = get_str(&item, "oracle", cr->oracle_file, sizeof cr->oracle_file, err)) != OSIB_OK ||
            (st = osib_ymap_get(&item, "oracle_arrays", 1, &arrays, err)) != OSIB_OK ||
            (st = osib_yseq_len(&arrays, &na, err)) != OSIB_OK)
            goto done;
        for (size_t a = 0; a < na && a < 16; a++, cr->noracle_arrays++)
            if ((st = osib_yseq_at(&arrays, a, &arr, err)) != OSIB_OK ||
                (st = get_str(&arr, "dataset", cr->oracle_arrays[a].dataset, sizeof cr->oracle_arrays[a].dataset,
                              err)) != OSIB_OK ||
                (st = get_str(&arr, "sha256", cr->oracle_arrays[a].sha256, sizeof cr->oracle_arrays[a].sha256, err)) !=
                    OSIB_OK)
                goto done;
    }

    if ((st = osib_ymap_get(&root, "checks", 1, &list, err)) != OSIB_OK ||
        (st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        osib_check c;
        memset(&c, 0, sizeof c);
        osib_ynode params, p, bound;
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = get_str(&item, "id", c.id, sizeof c.id, err)) != OSIB_OK ||
            (st = get_str(&item, "gate", c.gate, sizeof c.gate, err)) != OSIB_OK ||
            (st = get_str(&item, "case", c.case_id, sizeof c.case_id, err)) != OSIB_OK ||
            (st = get_str(&item, "operator", c.op, sizeof c.op, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "output", 0, c.output, sizeof c.output, err)) != OSIB_OK ||
            (st = get_str(&item, "measure", c.measure, sizeof c.measure, err)) != OSIB_OK ||
            (st = get_num(&item, "value", 1, &c.value, err)) != OSIB_OK ||
            (st = osib_ymap_bool(&item, "passed", 1, &c.passed, err)) != OSIB_OK ||
            (st = get_str(&item, "tasks", c.tasks, sizeof c.tasks, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "reference", 0, c.reference, sizeof c.reference, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "message", 0, c.message, sizeof c.message, err)) != OSIB_OK)
            goto done;
        osib_ymap_get(&item, "min", 0, &bound, NULL);
        if ((c.has_lo = bound.node != NULL) && (st = get_num(&item, "min", 1, &c.lo, err)) != OSIB_OK)
            goto done;
        osib_ymap_get(&item, "max", 0, &bound, NULL);
        if ((c.has_hi = bound.node != NULL) && (st = get_num(&item, "max", 1, &c.hi, err)) != OSIB_OK)
            goto done;
        osib_ymap_get(&item, "params", 0, &params, NULL);
        if (params.node) {
            size_t np;
            if ((st = osib_yseq_len(&params, &np, err)) != OSIB_OK)
                goto done;
            for (size_t k = 0; k < np && k < OSIB_CHECK_PARAMS; k++) {
                if ((st = osib_yseq_at(&params, k, &p, err)) != OSIB_OK)
                    goto done;
                const char *s =
                    p.node && p.node->type == YAML_SCALAR_NODE ? (const char *)p.node->data.scalar.value : "";
                if (strcmp(s, ".nan") == 0)
                    c.params[k] = NAN;
                else if ((st = osib_yget_double(&p, &c.params[k], err)) != OSIB_OK)
                    goto done;
                c.nparams = (int)k + 1;
            }
        }
        if ((st = osib_report_add_check(r, &c, err)) != OSIB_OK)
            goto done;
    }

    if ((st = osib_ymap_get(&root, "tasks", 1, &list, err)) != OSIB_OK ||
        (st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        osib_task_record k;
        memset(&k, 0, sizeof k);
        k.io_read_bytes = k.io_write_bytes = -1.0; /* reports from before they were recorded */
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = get_str(&item, "id", k.id, sizeof k.id, err)) != OSIB_OK ||
            (st = get_str(&item, "case", k.case_id, sizeof k.case_id, err)) != OSIB_OK ||
            (st = get_str(&item, "operator", k.op, sizeof k.op, err)) != OSIB_OK ||
            (st = get_str(&item, "role", k.role, sizeof k.role, err)) != OSIB_OK ||
            (st = get_int(&item, "repetition", &k.repetition, err)) != OSIB_OK ||
            (st = osib_ymap_bool(&item, "ok", 1, &k.ok, err)) != OSIB_OK ||
            (st = get_num(&item, "wall_s", 1, &k.wall_s, err)) != OSIB_OK ||
            (st = get_num(&item, "compute_s", 1, &k.compute_s, err)) != OSIB_OK ||
            (st = get_num(&item, "peak_memory_bytes", 1, &k.peak_memory_bytes, err)) != OSIB_OK ||
            (st = get_num(&item, "io_read_bytes", 0, &k.io_read_bytes, err)) != OSIB_OK ||
            (st = get_num(&item, "io_write_bytes", 0, &k.io_write_bytes, err)) != OSIB_OK ||
            (st = get_int(&item, "leftovers", &k.leftovers, err)) != OSIB_OK ||
            (st = get_str(&item, "outcome", k.outcome, sizeof k.outcome, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "note", 0, k.note, sizeof k.note, err)) != OSIB_OK ||
            (st = osib_report_add_task(r, &k, err)) != OSIB_OK)
            goto done;
    }

    if ((st = osib_ymap_get(&root, "timings", 1, &list, err)) != OSIB_OK ||
        (st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        goto done;
    for (size_t i = 0; i < n && i < 64; i++) {
        osib_timing *tm = &r->timings[r->ntimings++];
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = get_str(&item, "case", tm->case_id, sizeof tm->case_id, err)) != OSIB_OK ||
            (st = get_str(&item, "operator", tm->op, sizeof tm->op, err)) != OSIB_OK ||
            (st = get_int(&item, "repetitions", &tm->repetitions, err)) != OSIB_OK ||
            (st = read_triple(&item, "wall_s", tm->wall_s, err)) != OSIB_OK ||
            (st = read_triple(&item, "compute_s", tm->compute_s, err)) != OSIB_OK ||
            (st = get_num(&item, "gpts_wall", 1, &tm->gpts_wall, err)) != OSIB_OK ||
            (st = get_num(&item, "gpts_compute", 1, &tm->gpts_compute, err)) != OSIB_OK ||
            (st = get_num(&item, "gflops_wall", 1, &tm->gflops_wall, err)) != OSIB_OK ||
            (st = get_num(&item, "gflops_compute", 1, &tm->gflops_compute, err)) != OSIB_OK ||
            (st = get_num(&item, "bytes_per_point_step", 1, &tm->bytes_per_point_step, err)) != OSIB_OK ||
            (st = get_num(&item, "roofline_pct", 1, &tm->roofline_pct, err)) != OSIB_OK ||
            (st = get_num(&item, "roofline_pct_wall", 1, &tm->roofline_pct_wall, err)) != OSIB_OK ||
            (st = get_num(&item, "cost_per_shot_usd", 1, &tm->cost_per_shot_usd, err)) != OSIB_OK ||
            (st = get_num(&item, "peak_memory_gib", 1, &tm->peak_memory_gib, err)) != OSIB_OK ||
            (st = get_num(&item, "footprint_gib", 1, &tm->footprint_gib, err)) != OSIB_OK)
            goto done;
    }

    if ((st = osib_ymap_get(&root, "figures", 1, &list, err)) != OSIB_OK ||
        (st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        goto done;
    for (size_t i = 0; i < n && i < 48; i++, r->nfigures++)
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = get_str(&item, "base", r->figures[i].base, sizeof r->figures[i].base, err)) != OSIB_OK ||
            (st = get_str(&item, "caption", r->figures[i].caption, sizeof r->figures[i].caption, err)) != OSIB_OK)
            goto done;

    if ((st = osib_ymap_get(&root, "files", 1, &list, err)) != OSIB_OK ||
        (st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        char fpath[320], sha[65];
        int kept;
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = get_str(&item, "path", fpath, sizeof fpath, err)) != OSIB_OK ||
            (st = get_str(&item, "sha256", sha, sizeof sha, err)) != OSIB_OK ||
            (st = osib_ymap_bool(&item, "kept", 1, &kept, err)) != OSIB_OK ||
            (st = osib_report_add_file(r, fpath, sha, kept, err)) != OSIB_OK)
            goto done;
    }
done:
    osib_yaml_free(&y);
    if (st != OSIB_OK)
        osib_report_free(r);
    return st;
}
