#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "hash.h"
#include "report_html.h"
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

osib_status osib_report_add_check(osib_report *r, const osib_check *c, osib_err *err)
{
    if (r->nchecks == r->cap_checks) {
        size_t cap = r->cap_checks ? 2 * r->cap_checks : 64;
        osib_check *grown = realloc(r->checks, cap * sizeof *grown);
        if (!grown)
            return osib_fail(err, OSIB_E_NOMEM, "out of memory for the report");
        r->checks = grown;
        r->cap_checks = cap;
    }
    r->checks[r->nchecks++] = *c;
    return OSIB_OK;
}

osib_status osib_report_add_file(osib_report *r, const char *relpath, const char *sha256, int kept, osib_err *err)
{
    if (r->nfiles == r->cap_files) {
        size_t cap = r->cap_files ? 2 * r->cap_files : 128;
        osib_file_record *grown = realloc(r->files, cap * sizeof *grown);
        if (!grown)
            return osib_fail(err, OSIB_E_NOMEM, "out of memory for the report");
        r->files = grown;
        r->cap_files = cap;
    }
    osib_file_record *f = &r->files[r->nfiles++];
    snprintf(f->path, sizeof f->path, "%s", relpath);
    snprintf(f->sha256, sizeof f->sha256, "%s", sha256);
    f->kept = kept;
    return OSIB_OK;
}

osib_status osib_report_add_task(osib_report *r, const osib_task_record *t, osib_err *err)
{
    if (r->ntasks == r->cap_tasks) {
        size_t cap = r->cap_tasks ? 2 * r->cap_tasks : 64;
        osib_task_record *grown = realloc(r->tasks, cap * sizeof *grown);
        if (!grown)
            return osib_fail(err, OSIB_E_NOMEM, "out of memory for the report");
        r->tasks = grown;
        r->cap_tasks = cap;
    }
    r->tasks[r->ntasks++] = *t;
    return OSIB_OK;
}

size_t osib_report_failures(const osib_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nchecks; i++)
        n += !r->checks[i].passed;
    return n;
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

static void yaml_body(const osib_report *r, osib_text *t)
{
    osib_text_printf(t, "osib_report: 1\n");
    osib_text_printf(t, "verdict: %s\n", r->conformant ? "CONFORMANT" : "NON-CONFORMANT");
    osib_text_printf(t, "failed_checks: %zu\n", osib_report_failures(r));
    osib_text_printf(t, "kit:\n");
    kv_str(t, "  ", "version", r->kit_version);
    kv_str(t, "  ", "commit", r->kit_commit);
    kv_str(t, "  ", "spec_version", r->spec_version);
    osib_text_printf(t, "  protocol: 1\n");
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
    osib_text_printf(t, "run:\n");
    kv_str(t, "  ", "started_utc", r->started_utc);
    kv_str(t, "  ", "finished_utc", r->finished_utc);
    kv_str(t, "  ", "command_line", r->command_line);
    osib_text_printf(t, "  seed: %llu\n", r->seed);
    osib_text_printf(t, "  repeat: %d\n", r->repeat);
    kv_num(t, "  ", "bandwidth_gbs", r->bandwidth_gbs);
    osib_text_printf(t, "environment:\n");
    kv_str(t, "  ", "cpu_model", r->cpu_model);
    osib_text_printf(t, "  cores: %d\n", r->cores);
    kv_num(t, "  ", "memory_gib", r->memory_gib);
    kv_str(t, "  ", "os", r->os);
    kv_str(t, "  ", "kernel", r->kernel);
    kv_str(t, "  ", "compiler", r->compiler);
    kv_str(t, "  ", "gpu", r->gpu);
    osib_text_printf(t, r->ncases ? "cases:\n" : "cases: []\n");
    for (int i = 0; i < r->ncases; i++) {
        osib_text_printf(t, "  - id: %s\n", r->cases[i].id);
        osib_text_printf(t, "    sha256: %s\n", r->cases[i].sha256);
        kv_str(t, "    ", "oracle", r->cases[i].oracle_file);
        osib_text_printf(t, r->cases[i].noracle_arrays ? "    oracle_arrays:\n" : "    oracle_arrays: []\n");
        for (int a = 0; a < r->cases[i].noracle_arrays; a++)
            osib_text_printf(t, "      - {dataset: \"%s\", sha256: %s}\n", r->cases[i].oracle_arrays[a].dataset,
                             r->cases[i].oracle_arrays[a].sha256);
    }
    osib_text_printf(t, r->nchecks ? "checks:\n" : "checks: []\n");
    for (size_t i = 0; i < r->nchecks; i++) {
        const osib_check *c = &r->checks[i];
        osib_text_printf(t, "  - id: %s\n", c->id);
        osib_text_printf(t, "    gate: %s\n    case: %s\n    operator: %s\n", c->gate, c->case_id, c->op);
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
        kv_num(t, "    ", "cost_per_shot_usd", tm->cost_per_shot_usd);
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

/* ---------------------------------------------------------------------------
 * report.md
 * ------------------------------------------------------------------------- */

static const char *fmt_num(double v, char *buf, size_t cap)
{
    if (isnan(v))
        snprintf(buf, cap, "n/a");
    else
        snprintf(buf, cap, "%.3g", v);
    return buf;
}

static void markdown(const osib_report *r, osib_text *t)
{
    char a[32], b[32], c[32];
    osib_text_printf(t, "# OSIB certification report %s\n\n", r->report_id);
    osib_text_printf(t, "**Verdict: %s**", r->conformant ? "CONFORMANT" : "NON-CONFORMANT");
    osib_text_printf(t, " — %zu checks, %zu failed.\n\n", r->nchecks, osib_report_failures(r));
    osib_text_printf(t, "| | |\n|---|---|\n");
    osib_text_printf(t, "| implementation | %s %s (%s) |\n", r->impl_name, r->impl_version, r->impl_vendor);
    osib_text_printf(t, "| precision class | %s, arrays in %s |\n", r->precision, r->array_format);
    osib_text_printf(t, "| operators | %s |\n", r->operators);
    osib_text_printf(t, "| machine | %s, %d cores, %.1f GiB; %s |\n", r->cpu_model, r->cores, r->memory_gib, r->os);
    if (r->gpu[0])
        osib_text_printf(t, "| GPU | %s |\n", r->gpu);
    osib_text_printf(t, "| kit | OSIB %s (commit %s), spec %s, protocol 1 |\n", r->kit_version, r->kit_commit,
                     r->spec_version);
    osib_text_printf(t, "| run | %s to %s, seed %llu, %d timed repetitions |\n", r->started_utc, r->finished_utc,
                     r->seed, r->repeat);
    osib_text_printf(t, "| cases |");
    for (int i = 0; i < r->ncases; i++)
        osib_text_printf(t, " %s`%s`", i ? ", " : "", r->cases[i].id);
    osib_text_printf(t, " |\n\n");

    if (osib_report_failures(r) > 0) {
        osib_text_printf(t, "## Failed checks\n\n| check | value | limit | why |\n|---|---|---|---|\n");
        for (size_t i = 0; i < r->nchecks; i++) {
            const osib_check *k = &r->checks[i];
            if (k->passed)
                continue;
            osib_text_printf(t, "| `%s` | %s | ", k->id, fmt_num(k->value, a, sizeof a));
            if (k->has_lo && k->has_hi)
                osib_text_printf(t, "[%s, %s]", fmt_num(k->lo, b, sizeof b), fmt_num(k->hi, c, sizeof c));
            else if (k->has_hi)
                osib_text_printf(t, "≤ %s", fmt_num(k->hi, b, sizeof b));
            else if (k->has_lo)
                osib_text_printf(t, "≥ %s", fmt_num(k->lo, b, sizeof b));
            osib_text_printf(t, " | %s |\n", k->message);
        }
        osib_text_printf(t, "\nTimings of a non-conformant implementation are not reported.\n\n");
    }

    if (r->ntimings > 0) {
        osib_text_printf(t,
                         "## Performance\n\nMedian of %d repetitions. Wall time is measured by the runner around "
                         "the process (I/O and start-up included); compute time is reported by the "
                         "implementation. Throughput uses the spec's cost model (spec/acoustic.md §12), never "
                         "figures from the implementation.\n\n",
                         r->repeat);
        osib_text_printf(t, "| case | operator | wall s | compute s | GPts/s (wall) | GPts/s (compute) | GFlop/s "
                            "(compute) | %% of roofline | cost per shot |\n|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < r->ntimings; i++) {
            const osib_timing *tm = &r->timings[i];
            char d[32], e[32], f[32], g[32], h[32];
            osib_text_printf(t, "| %s | %s | %s | %s | %s | %s | %s | ", tm->case_id, tm->op,
                             fmt_num(tm->wall_s[0], a, sizeof a), fmt_num(tm->compute_s[0], b, sizeof b),
                             fmt_num(tm->gpts_wall, c, sizeof c), fmt_num(tm->gpts_compute, d, sizeof d),
                             fmt_num(tm->gflops_compute, e, sizeof e));
            osib_text_printf(t, "%s | ", tm->roofline_pct >= 0 ? fmt_num(tm->roofline_pct, f, sizeof f) : "—");
            if (tm->cost_per_shot_usd >= 0)
                osib_text_printf(t, "$%s |\n", fmt_num(tm->cost_per_shot_usd, g, sizeof g));
            else
                osib_text_printf(t, "— |\n");
            (void)h;
        }
        osib_text_printf(t, "\n");
    }

    osib_text_printf(t,
                     "## Adjointness, linearity and Taylor tests\n\nOn fresh random inputs (seed %llu).\n\n"
                     "| check | value | limit | result |\n|---|---|---|---|\n",
                     r->seed);
    for (size_t i = 0; i < r->nchecks; i++) {
        const osib_check *k = &r->checks[i];
        if (strcmp(k->gate, "dot") && strcmp(k->gate, "linearity") && strcmp(k->gate, "taylor"))
            continue;
        osib_text_printf(t, "| `%s` | %s | ", k->id, fmt_num(k->value, a, sizeof a));
        if (k->has_lo && k->has_hi)
            osib_text_printf(t, "[%s, %s]", fmt_num(k->lo, b, sizeof b), fmt_num(k->hi, c, sizeof c));
        else if (k->has_hi)
            osib_text_printf(t, "≤ %s", fmt_num(k->hi, b, sizeof b));
        else if (k->has_lo)
            osib_text_printf(t, "≥ %s", fmt_num(k->lo, b, sizeof b));
        osib_text_printf(t, " | %s |\n", k->passed ? "pass" : "**FAIL**");
    }
    osib_text_printf(t, "\n");
    if (r->nfigures) {
        osib_text_printf(t, "## Figures\n\n");
        for (int i = 0; i < r->nfigures; i++)
            osib_text_printf(t, "![%s](%s.png)\n\n*%s* ([SVG](%s.svg))\n\n", r->figures[i].caption, r->figures[i].base,
                             r->figures[i].caption, r->figures[i].base);
    }

    osib_text_printf(t, "## All checks\n\n| check | value | limit | result |\n|---|---|---|---|\n");
    for (size_t i = 0; i < r->nchecks; i++) {
        const osib_check *k = &r->checks[i];
        osib_text_printf(t, "| `%s` | %s | ", k->id, fmt_num(k->value, a, sizeof a));
        if (k->has_lo && k->has_hi)
            osib_text_printf(t, "[%s, %s]", fmt_num(k->lo, b, sizeof b), fmt_num(k->hi, c, sizeof c));
        else if (k->has_hi)
            osib_text_printf(t, "≤ %s", fmt_num(k->hi, b, sizeof b));
        else if (k->has_lo)
            osib_text_printf(t, "≥ %s", fmt_num(k->lo, b, sizeof b));
        osib_text_printf(t, " | %s |\n", k->passed ? "pass" : "**FAIL**");
    }
    osib_text_printf(t, "\n## Verifying this report\n\n`osib verify <this directory>` recomputes every check from the "
                        "stored inputs, outputs and oracles, checks the SHA-256 of every file listed in "
                        "report.yaml, and confirms or refutes the verdict.\n");
}

osib_status osib_report_write(osib_report *r, const char *dir, osib_err *err)
{
    osib_text body, file, md;
    osib_text_init(&body);
    osib_text_init(&file);
    osib_text_init(&md);
    yaml_body(r, &body);
    osib_status st = body.failed ? osib_fail(err, OSIB_E_NOMEM, "out of memory for the report") : OSIB_OK;
    char hex[OSIB_SHA256_HEX];
    if (st == OSIB_OK)
        st = osib_sha256_bytes(body.buf, body.len, hex, err);
    if (st == OSIB_OK) {
        snprintf(r->report_id, sizeof r->report_id, "%.16s", hex);
        osib_text_printf(&file, "report_id: %s\n%s", r->report_id, body.buf);
        markdown(r, &md);
        if (file.failed || md.failed)
            st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the report");
    }
    char path[OSIB_PATH_MAX];
    if (st == OSIB_OK) {
        snprintf(path, sizeof path, "%s/report.md", dir);
        st = osib_write_text_atomic(path, md.buf, md.len, err);
    }
    osib_text html;
    osib_text_init(&html);
    if (st == OSIB_OK)
        st = osib_report_html(r, dir, &html, err);
    if (st == OSIB_OK) {
        snprintf(path, sizeof path, "%s/report.html", dir);
        st = osib_write_text_atomic(path, html.buf, html.len, err);
    }
    osib_text_free(&html);
    if (st == OSIB_OK) { /* report.yaml last: its presence means the report is complete */
        snprintf(path, sizeof path, "%s/report.yaml", dir);
        st = osib_write_text_atomic(path, file.buf, file.len, err);
    }
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
    return osib_ymap_string(map, key, 0, buf, cap, err);
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

osib_status osib_report_read(osib_report *r, const char *dir, char body_sha256[65], osib_err *err)
{
    osib_report_init(r);
    char path[OSIB_PATH_MAX];
    snprintf(path, sizeof path, "%s/report.yaml", dir);

    /* The body is everything after the first line. */
    FILE *f = fopen(path, "rb");
    if (!f)
        return osib_fail(err, OSIB_E_IO, "%s: no report here", path);
    osib_text raw;
    osib_text_init(&raw);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        osib_text_printf(&raw, "%.*s", (int)got, chunk);
    fclose(f);
    if (raw.failed || !raw.buf) {
        osib_text_free(&raw);
        return osib_fail(err, OSIB_E_IO, "%s: cannot read", path);
    }
    char *nl = strchr(raw.buf, '\n');
    osib_status st = nl ? osib_sha256_bytes(nl + 1, raw.len - (size_t)(nl + 1 - raw.buf), body_sha256, err)
                        : osib_fail(err, OSIB_E_DATA, "%s: not a report", path);
    if (st != OSIB_OK) {
        osib_text_free(&raw);
        return st;
    }

    osib_yaml y;
    st = osib_yaml_load_string(&y, raw.buf, raw.len, path, OSIB_E_DATA, err);
    osib_text_free(&raw);
    if (st != OSIB_OK)
        return st;
    osib_ynode root, sec, list, item;
    char verdict[32];
    long long v;
    if ((st = osib_yaml_root(&y, &root, err)) != OSIB_OK ||
        (st = osib_ymap_string(&root, "report_id", 1, r->report_id, sizeof r->report_id, err)) != OSIB_OK ||
        (st = osib_ymap_string(&root, "verdict", 1, verdict, sizeof verdict, err)) != OSIB_OK)
        goto done;
    r->conformant = strcmp(verdict, "CONFORMANT") == 0;

    if ((st = osib_ymap_get(&root, "kit", 1, &sec, err)) != OSIB_OK ||
        (st = get_str(&sec, "version", r->kit_version, sizeof r->kit_version, err)) != OSIB_OK ||
        (st = get_str(&sec, "commit", r->kit_commit, sizeof r->kit_commit, err)) != OSIB_OK ||
        (st = get_str(&sec, "spec_version", r->spec_version, sizeof r->spec_version, err)) != OSIB_OK)
        goto done;
    if ((st = osib_ymap_get(&root, "implementation", 1, &sec, err)) != OSIB_OK ||
        (st = get_str(&sec, "name", r->impl_name, sizeof r->impl_name, err)) != OSIB_OK ||
        (st = get_str(&sec, "version", r->impl_version, sizeof r->impl_version, err)) != OSIB_OK ||
        (st = get_str(&sec, "precision", r->precision, sizeof r->precision, err)) != OSIB_OK ||
        (st = get_str(&sec, "executable", r->impl_executable, sizeof r->impl_executable, err)) != OSIB_OK ||
        (st = get_str(&sec, "executable_sha256", r->impl_executable_sha256, sizeof r->impl_executable_sha256, err)) !=
            OSIB_OK ||
        (st = get_str(&sec, "vendor", r->impl_vendor, sizeof r->impl_vendor, err)) != OSIB_OK ||
        (st = get_str(&sec, "hardware_notes", r->impl_notes, sizeof r->impl_notes, err)) != OSIB_OK ||
        (st = get_str(&sec, "array_format", r->array_format, sizeof r->array_format, err)) != OSIB_OK ||
        (st = get_str(&sec, "operators", r->operators, sizeof r->operators, err)) != OSIB_OK ||
        (st = get_num(&sec, "price_per_hour_usd", 0, &r->price_per_hour_usd, err)) != OSIB_OK)
        goto done;
    if ((st = osib_ymap_get(&root, "environment", 1, &sec, err)) != OSIB_OK ||
        (st = get_str(&sec, "cpu_model", r->cpu_model, sizeof r->cpu_model, err)) != OSIB_OK ||
        (st = get_str(&sec, "os", r->os, sizeof r->os, err)) != OSIB_OK ||
        (st = get_str(&sec, "gpu", r->gpu, sizeof r->gpu, err)) != OSIB_OK ||
        (st = get_num(&sec, "memory_gib", 0, &r->memory_gib, err)) != OSIB_OK ||
        (v = 0, st = osib_ymap_int(&sec, "cores", 0, &v, err)) != OSIB_OK)
        goto done;
    r->cores = (int)v;
    if ((st = osib_ymap_get(&root, "run", 1, &sec, err)) != OSIB_OK ||
        (st = osib_ymap_int(&sec, "repeat", 1, &v, err)) != OSIB_OK)
        goto done;
    r->repeat = (int)v;
    if ((st = osib_ymap_int(&sec, "seed", 1, &v, err)) != OSIB_OK)
        goto done;
    r->seed = (unsigned long long)v;

    size_t n;
    if ((st = osib_ymap_get(&root, "cases", 1, &list, err)) != OSIB_OK ||
        (st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        goto done;
    for (size_t i = 0; i < n && i < 32; i++) {
        osib_case_record *cr = &r->cases[r->ncases++];
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "id", 1, cr->id, sizeof cr->id, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "sha256", 1, cr->sha256, sizeof cr->sha256, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "oracle", 1, cr->oracle_file, sizeof cr->oracle_file, err)) != OSIB_OK)
            goto done;
        osib_ynode arrays, arr;
        size_t na;
        if ((st = osib_ymap_get(&item, "oracle_arrays", 1, &arrays, err)) != OSIB_OK ||
            (st = osib_yseq_len(&arrays, &na, err)) != OSIB_OK)
            goto done;
        for (size_t a = 0; a < na && a < 16; a++) {
            if ((st = osib_yseq_at(&arrays, a, &arr, err)) != OSIB_OK ||
                (st = osib_ymap_string(&arr, "dataset", 1, cr->oracle_arrays[a].dataset,
                                       sizeof cr->oracle_arrays[a].dataset, err)) != OSIB_OK ||
                (st = osib_ymap_string(&arr, "sha256", 1, cr->oracle_arrays[a].sha256,
                                       sizeof cr->oracle_arrays[a].sha256, err)) != OSIB_OK)
                goto done;
            cr->noracle_arrays++;
        }
    }

    if ((st = osib_ymap_get(&root, "checks", 1, &list, err)) != OSIB_OK ||
        (st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        osib_check c;
        memset(&c, 0, sizeof c);
        osib_ynode params, p;
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "id", 1, c.id, sizeof c.id, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "gate", 1, c.gate, sizeof c.gate, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "case", 1, c.case_id, sizeof c.case_id, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "operator", 1, c.op, sizeof c.op, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "output", 0, c.output, sizeof c.output, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "measure", 1, c.measure, sizeof c.measure, err)) != OSIB_OK ||
            (st = get_num(&item, "value", 1, &c.value, err)) != OSIB_OK ||
            (st = osib_ymap_bool(&item, "passed", 1, &c.passed, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "tasks", 1, c.tasks, sizeof c.tasks, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "message", 0, c.message, sizeof c.message, err)) != OSIB_OK)
            goto done;
        osib_ynode bound;
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

    if ((st = osib_ymap_get(&root, "timings", 1, &list, err)) != OSIB_OK ||
        (st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        goto done;
    for (size_t i = 0; i < n && i < 64; i++) {
        osib_timing *tm = &r->timings[r->ntimings++];
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "case", 1, tm->case_id, sizeof tm->case_id, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "operator", 1, tm->op, sizeof tm->op, err)) != OSIB_OK ||
            (st = read_triple(&item, "wall_s", tm->wall_s, err)) != OSIB_OK ||
            (st = read_triple(&item, "compute_s", tm->compute_s, err)) != OSIB_OK ||
            (st = get_num(&item, "gpts_wall", 1, &tm->gpts_wall, err)) != OSIB_OK ||
            (st = get_num(&item, "gpts_compute", 1, &tm->gpts_compute, err)) != OSIB_OK ||
            (st = get_num(&item, "gflops_wall", 1, &tm->gflops_wall, err)) != OSIB_OK ||
            (st = get_num(&item, "gflops_compute", 1, &tm->gflops_compute, err)) != OSIB_OK ||
            (st = get_num(&item, "bytes_per_point_step", 1, &tm->bytes_per_point_step, err)) != OSIB_OK ||
            (st = get_num(&item, "roofline_pct", 1, &tm->roofline_pct, err)) != OSIB_OK ||
            (st = get_num(&item, "cost_per_shot_usd", 1, &tm->cost_per_shot_usd, err)) != OSIB_OK)
            goto done;
        tm->repetitions = r->repeat;
    }

    if ((st = osib_ymap_get(&root, "files", 1, &list, err)) != OSIB_OK ||
        (st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        char fpath[320], sha[65];
        int kept;
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "path", 1, fpath, sizeof fpath, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "sha256", 1, sha, sizeof sha, err)) != OSIB_OK ||
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
