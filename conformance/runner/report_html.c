/*
 * report_html.c - report.html: the certification report as one
 * self-contained page (styles inline, figures embedded as base64 PNG), for
 * reviewers and readers who will not open a YAML file.
 */
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"
#include "report_html.h"
#include "report_md.h"

static void esc(osib_text *t, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': osib_text_printf(t, "&lt;"); break;
        case '>': osib_text_printf(t, "&gt;"); break;
        case '&': osib_text_printf(t, "&amp;"); break;
        case '"': osib_text_printf(t, "&quot;"); break;
        default: osib_text_printf(t, "%c", *s);
        }
    }
}

static const char *num(double v, char *buf, size_t cap)
{
    if (isnan(v))
        snprintf(buf, cap, "n/a");
    else
        snprintf(buf, cap, "%.3g", v);
    return buf;
}

static void limits(osib_text *t, const osib_check *k)
{
    char a[32], b[32];
    if (k->has_lo && k->has_hi)
        osib_text_printf(t, "[%s, %s]", num(k->lo, a, sizeof a), num(k->hi, b, sizeof b));
    else if (k->has_hi)
        osib_text_printf(t, "&le; %s", num(k->hi, a, sizeof a));
    else if (k->has_lo)
        osib_text_printf(t, "&ge; %s", num(k->lo, a, sizeof a));
}

static void check_row(osib_text *t, const osib_check *k)
{
    char v[32];
    osib_text_printf(t, "<tr class=\"%s\"><td><code>", k->passed ? "pass" : "fail");
    esc(t, k->id);
    osib_text_printf(t, "</code></td><td>%s</td><td>", num(k->value, v, sizeof v));
    limits(t, k);
    osib_text_printf(t, "</td><td>%s</td><td>", k->passed ? "pass" : "FAIL");
    esc(t, k->message);
    osib_text_printf(t, "</td></tr>\n");
}

/* A PNG as a data: URI, or nothing when it cannot be read: a regular file
 * (never a FIFO or a link: a report directory may come from anyone) of at
 * most 64 MiB. */
static int embed_png(osib_text *t, const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 || sb.st_size > (64L << 20)) {
        close(fd);
        return 0;
    }
    size_t size = (size_t)sb.st_size;
    unsigned char *raw = malloc(size);
    unsigned char *b64 = malloc(4 * ((size + 2) / 3) + 1);
    size_t got = 0;
    while (raw && got < size) {
        ssize_t n = read(fd, raw + got, size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    int ok = raw && b64 && got == size;
    if (ok) {
        EVP_EncodeBlock(b64, raw, (int)size);
        osib_text_printf(t, "data:image/png;base64,%s", (const char *)b64);
    }
    free(raw);
    free(b64);
    return ok;
}

static const char *const style =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;"
    "color:#1b1b1b;line-height:1.45}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}"
    ".verdict{display:inline-block;padding:.35em .9em;border-radius:4px;font-weight:700;font-size:1.2em;color:#fff}"
    ".conformant{background:#1a7f37}.nonconformant{background:#c62828}"
    ".noncompliant{border-left:4px solid #b26a00;background:#fff4e5;padding:.4em .8em}"
    "table{border-collapse:collapse;margin:.6em 0;font-size:.92em}"
    "th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:left;vertical-align:top}"
    "th{background:#f3f5f7}tr.fail td{background:#fdecea}code{font-size:.95em}"
    "figure{margin:1.2em 0}figure img{max-width:100%;border:1px solid #e5e5e5}"
    "figcaption{font-size:.9em;color:#555}.muted{color:#666;font-size:.9em}";

osib_status osib_report_html(const osib_report *r, const char *dir, osib_text *t, osib_err *err)
{
    char a[32], b[32], c[32], d[32], e[32], f[32];
    size_t failed = osib_report_failures(r);
    osib_text_printf(t, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    osib_text_printf(t, "<title>OSIB report %s</title>\n<style>%s</style>\n</head>\n<body>\n", r->report_id, style);
    osib_text_printf(t, "<h1>OSIB certification report <code id=\"report-id\">%s</code></h1>\n", r->report_id);
    osib_text_printf(t, "<p><span id=\"verdict\" class=\"verdict %s\">%s</span> &nbsp; %zu checks, %zu failed</p>\n",
                     r->conformant ? "conformant" : "nonconformant", r->conformant ? "CONFORMANT" : "NON-CONFORMANT",
                     r->nchecks, failed);
    char why[1024];
    int compliant = osib_report_compliant(r, why, sizeof why);
    if (r->conformant && !compliant) {
        osib_text_printf(t, "<p id=\"noncompliant\" class=\"noncompliant\"><strong>Not a compliant run</strong> "
                            "(RULES.md §6): ");
        esc(t, why);
        osib_text_printf(t, ". Its figures are not an OSIB result to cite.</p>\n");
    }

    osib_text_printf(t, "<table id=\"summary\">\n<tr><th>implementation</th><td>");
    esc(t, r->impl_name);
    osib_text_printf(t, " ");
    esc(t, r->impl_version);
    osib_text_printf(t, " (");
    esc(t, r->impl_vendor);
    osib_text_printf(t, ")</td></tr>\n<tr><th>precision class</th><td>%s, arrays in %s</td></tr>\n", r->precision,
                     r->array_format);
    osib_text_printf(t, "<tr><th>operators</th><td>%s</td></tr>\n<tr><th>declared capabilities</th><td>", r->operators);
    esc(t, r->capabilities);
    osib_text_printf(t, "</td></tr>\n<tr><th>executable</th><td><code>");
    esc(t, r->impl_executable);
    osib_text_printf(t, "</code>, SHA-256 %.16s…%s</td></tr>\n<tr><th>machine</th><td>", r->impl_executable_sha256,
                     r->nimpl_files ? "; the manifest's files under Implementation files"
                                    : "; the manifest lists no files");
    esc(t, r->cpu_model);
    osib_text_printf(t, ", %d cores, %.1f GiB; ", r->cores, r->memory_gib);
    esc(t, r->caches);
    osib_text_printf(t, "; ");
    esc(t, r->os);
    osib_text_printf(t, "</td></tr>\n<tr><th>memory bandwidth</th><td>");
    if (r->bandwidth_gbs > 0)
        osib_text_printf(t, "%.3g GB/s, ", r->bandwidth_gbs);
    esc(t, r->bandwidth_source);
    if (r->gpu[0]) {
        osib_text_printf(t, "; GPU: ");
        esc(t, r->gpu);
    }
    osib_text_printf(t, "</td></tr>\n<tr><th>notes</th><td>");
    esc(t, r->impl_notes);
    osib_text_printf(t, "</td></tr>\n<tr><th>kit</th><td>OSIB %s (commit %s), spec %s, protocol 1</td></tr>\n",
                     r->kit_version, r->kit_commit, r->spec_version);
    osib_text_printf(t, "<tr><th>run</th><td>%s to %s, seed %llu%s, %d timed repetition%s%s</td></tr>\n",
                     r->started_utc, r->finished_utc, r->seed,
                     r->seed_chosen ? " (<strong>chosen</strong> with --seed)" : " (fresh)", r->repeat,
                     r->repeat == 1 ? "" : "s", r->forced ? ", <strong>forced</strong> past the memory estimate" : "");
    osib_text_printf(t, "<tr><th>scope</th><td>%s", r->suite[0] ? "suite " : "cases named one by one");
    esc(t, r->suite);
    osib_text_printf(t, "%s%s", r->operators_chosen ? "; operators <strong>chosen</strong> with --ops" : "",
                     r->cases_left_out[0] ? "; left out as outside the declared capabilities: " : "");
    esc(t, r->cases_left_out);
    osib_text_printf(t, "</td></tr>\n");
    if (r->conformant) {
        osib_text_printf(t, "<tr><th>compliance</th><td id=\"compliance\">%s",
                         compliant ? "a compliant run (RULES.md §6)" : "<strong>not compliant</strong>: ");
        esc(t, compliant ? "" : why);
        osib_text_printf(t, "</td></tr>\n");
    }
    osib_text_printf(t, "<tr><th>command line</th><td><code>");
    esc(t, r->command_line);
    osib_text_printf(t, "</code></td></tr>\n</table>\n");
    if (r->nimpl_files) {
        osib_text_printf(t, "<h2>Implementation files</h2>\n<p class=\"muted\">As the manifest lists them, hashed "
                            "when the run started and checked unchanged when it ended.</p>\n<table id=\"impl-files\">"
                            "\n<tr><th>file</th><th>SHA-256</th></tr>\n");
        for (int i = 0; i < r->nimpl_files; i++) {
            osib_text_printf(t, "<tr><td><code>");
            esc(t, r->impl_files[i].path);
            osib_text_printf(t, "</code></td><td><code>%s</code></td></tr>\n", r->impl_files[i].sha256);
        }
        osib_text_printf(t, "</table>\n");
    }
    osib_text_printf(t, "<h2>Cases</h2>\n<table id=\"cases\">\n<tr><th>case</th><th>physics</th><th>kind</th>"
                        "<th>operators certified</th><th>judged beyond the oracle by</th></tr>\n");
    for (int i = 0; i < r->ncases; i++) {
        const osib_case_record *cr = &r->cases[i];
        osib_text_printf(t, "<tr><td><code>%s</code></td><td>%s</td><td>%s</td><td>", cr->id, cr->physics,
                         cr->has_oracle ? "oracle" : "benchmark");
        for (int op = 0, n = 0; op < OSIB_OP_COUNT; op++)
            if (cr->ops[op])
                osib_text_printf(t, "%s%s", n++ ? ", " : "", osib_op_name((osib_op)op));
        osib_text_printf(t, "</td><td>");
        esc(t, cr->reference);
        osib_text_printf(t, "</td></tr>\n");
    }
    osib_text_printf(t, "</table>\n");

    if (failed) {
        osib_text_printf(t, "<h2>Failed checks</h2>\n<table id=\"failed\">\n<tr><th>check</th><th>value</th>"
                            "<th>limit</th><th>result</th><th>why</th></tr>\n");
        for (size_t i = 0; i < r->nchecks; i++)
            if (!r->checks[i].passed)
                check_row(t, &r->checks[i]);
        osib_text_printf(t, "</table>\n<p class=\"muted\">Timings of a non-conformant implementation are not "
                            "reported.</p>\n");
    }

    if (r->ntimings) {
        osib_text_printf(t,
                         "<h2>Performance</h2>\n<p class=\"muted\">Median of %d repetitions (their range in brackets), "
                         "each on fresh inputs and "
                         "each validated. Wall time is measured by the runner around the process (start-up and I/O "
                         "included); compute time is reported by the implementation and shown only where it is "
                         "physically plausible. Throughput comes from the spec's cost model, never from figures of "
                         "the implementation. Memory: the peak resident memory of the implementation's whole "
                         "process tree, beside the spec's minimal footprint.</p>\n",
                         r->repeat);
        osib_text_printf(t, "<table id=\"performance\">\n<tr><th>case</th><th>operator</th><th>wall s</th>"
                            "<th>compute s</th><th>GPts/s (wall)</th><th>GPts/s (compute)</th>"
                            "<th>GFlop/s (compute)</th><th>%% of roofline (wall / compute)</th><th>peak memory "
                            "GiB</th><th>footprint GiB</th><th>cost per shot</th></tr>\n");
        for (int i = 0; i < r->ntimings; i++) {
            const osib_timing *tm = &r->timings[i];
            char wr[96], cr[96], lo[32], hi[32];
            if (r->repeat > 1) {
                snprintf(wr, sizeof wr, "%s (%s–%s)", num(tm->wall_s[0], a, sizeof a),
                         num(tm->wall_s[1], lo, sizeof lo), num(tm->wall_s[2], hi, sizeof hi));
                snprintf(cr, sizeof cr, "%s (%s–%s)", num(tm->compute_s[0], b, sizeof b),
                         num(tm->compute_s[1], lo, sizeof lo), num(tm->compute_s[2], hi, sizeof hi));
            } else {
                snprintf(wr, sizeof wr, "%s", num(tm->wall_s[0], a, sizeof a));
                snprintf(cr, sizeof cr, "%s", num(tm->compute_s[0], b, sizeof b));
            }
            osib_text_printf(t, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>",
                             tm->case_id, tm->op, wr, cr, num(tm->gpts_wall, c, sizeof c),
                             num(tm->gpts_compute, d, sizeof d), num(tm->gflops_compute, e, sizeof e));
            if (tm->roofline_pct_wall >= 0)
                osib_text_printf(t, "<td>%s / %s</td>", num(tm->roofline_pct_wall, f, sizeof f),
                                 num(tm->roofline_pct, a, sizeof a));
            else
                osib_text_printf(t, "<td>&mdash;</td>");
            osib_text_printf(t, "<td>%s</td><td>%s</td>", num(tm->peak_memory_gib, b, sizeof b),
                             num(tm->footprint_gib, c, sizeof c));
            if (tm->cost_per_shot_usd >= 0)
                osib_text_printf(t, "<td>$%s</td></tr>\n", num(tm->cost_per_shot_usd, f, sizeof f));
            else
                osib_text_printf(t, "<td>&mdash;</td></tr>\n");
        }
        osib_text_printf(t, "</table>\n");
    }

    osib_text_printf(t, "<h2>Memory</h2>\n<p class=\"muted\">The peak resident memory of the implementation's "
                        "whole process tree, the largest over every task of the case and operator, beside the spec's "
                        "minimal footprint at the declared precision.</p>\n<table id=\"memory\">\n<tr><th>case</th>"
                        "<th>operator</th><th>peak GiB</th><th>footprint GiB</th></tr>\n");
    for (int i = 0; i < r->ncases; i++)
        for (int op = 0; op < OSIB_OP_COUNT; op++) {
            if (!r->cases[i].ops[op])
                continue;
            double peak = osib_report_peak_memory(r, r->cases[i].id, osib_op_name((osib_op)op));
            osib_text_printf(t, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", r->cases[i].id,
                             osib_op_name((osib_op)op), num(peak / 1073741824.0, a, sizeof a),
                             num(r->cases[i].footprint_gib[op], b, sizeof b));
        }
    osib_text_printf(t, "</table>\n");

    if (osib_report_has_budgets(r)) {
        osib_text_printf(t, "<h2>Gradients under a memory budget</h2>\n<p class=\"muted\">The case's budget, the "
                            "largest peak of its tasks and the share of the budget it used, the median wall time, "
                            "and what the implementation says it did (its claim, not checked).</p>\n"
                            "<table id=\"budgets\">\n<tr><th>case</th><th>operator</th><th>budget GiB</th><th>peak "
                            "GiB</th><th>of budget</th><th>wall s</th><th>the implementation's note</th></tr>\n");
        for (int i = 0; i < r->ncases; i++)
            for (int op = OSIB_OP_BORN_ADJOINT; op <= OSIB_OP_GRADIENT; op++) {
                const osib_case_record *cr = &r->cases[i];
                if (!cr->ops[op] || cr->memory_budget_bytes <= 0)
                    continue;
                const char *name = osib_op_name((osib_op)op);
                double peak = osib_report_peak_memory(r, cr->id, name);
                char w[32];
                osib_text_printf(t, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.0f%%</td><td>%s</td><td>",
                                 cr->id, name, num(cr->memory_budget_bytes / 1073741824.0, a, sizeof a),
                                 num(peak / 1073741824.0, b, sizeof b), 100.0 * peak / cr->memory_budget_bytes,
                                 num(osib_report_median_wall(r, cr->id, name), w, sizeof w));
                esc(t, osib_report_note(r, cr->id, name));
                osib_text_printf(t, "</td></tr>\n");
            }
        osib_text_printf(t, "</table>\n");
    }

    if (osib_report_leftovers(r) > 0) {
        osib_text_printf(t, "<h2>Processes left behind</h2>\n<p>Tasks that ended with processes of the "
                            "implementation still running, which the runner killed:</p>\n<ul id=\"leftovers\">\n");
        for (size_t i = 0; i < r->ntasks; i++)
            if (r->tasks[i].leftovers > 0)
                osib_text_printf(t, "<li>%s (%s %s): %d process(es)</li>\n", r->tasks[i].id, r->tasks[i].case_id,
                                 r->tasks[i].op, r->tasks[i].leftovers);
        osib_text_printf(t, "</ul>\n");
    }

    osib_text_printf(t,
                     "<h2>Adjointness, linearity and Taylor tests</h2>\n<p class=\"muted\">On %s "
                     "(seed %llu).</p>\n<table id=\"dot-tests\">\n<tr><th>check</th><th>value</th><th>limit</th>"
                     "<th>result</th><th>note</th></tr>\n",
                     r->seed_chosen ? "random inputs from the seed chosen with --seed, not fresh ones"
                                    : "fresh random inputs",
                     r->seed);
    for (size_t i = 0; i < r->nchecks; i++) {
        const char *g = r->checks[i].gate;
        if (strcmp(g, "dot") == 0 || strcmp(g, "linearity") == 0 || strcmp(g, "taylor") == 0)
            check_row(t, &r->checks[i]);
    }
    osib_text_printf(t, "</table>\n");

    if (r->nfigures) {
        osib_text_printf(t, "<h2>Figures</h2>\n<div id=\"figures\">\n");
        for (int i = 0; i < r->nfigures; i++) {
            char path[OSIB_PATH_MAX];
            snprintf(path, sizeof path, "%s/%s.png", dir, r->figures[i].base);
            osib_text_printf(t, "<figure><img alt=\"");
            esc(t, r->figures[i].caption);
            osib_text_printf(t, "\" src=\"");
            if (!embed_png(t, path))
                osib_text_printf(t, "%s.png", r->figures[i].base);
            osib_text_printf(t, "\"><figcaption>");
            esc(t, r->figures[i].caption);
            osib_text_printf(t, " (<a href=\"%s.svg\">SVG</a>)</figcaption></figure>\n", r->figures[i].base);
        }
        osib_text_printf(t, "</div>\n");
    }

    osib_text_printf(t,
                     "<h2>All checks</h2>\n<details><summary>%zu checks</summary>\n<table id=\"checks\">\n"
                     "<tr><th>check</th><th>value</th><th>limit</th><th>result</th><th>note</th></tr>\n",
                     r->nchecks);
    for (size_t i = 0; i < r->nchecks; i++)
        check_row(t, &r->checks[i]);
    osib_text_printf(t, "</table>\n</details>\n");
    osib_text_printf(t, "<h2>Verifying this report</h2>\n<p id=\"verify-scope\"><code>osib verify &lt;this "
                        "directory&gt;</code> checks it. ");
    esc(t, osib_verify_scope);
    osib_text_printf(t, "</p>\n");
    osib_text_printf(t, "</body>\n</html>\n");
    if (t->failed)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for report.html");
    return OSIB_OK;
}
