#include "summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "text.h"
#include "verify.h"

typedef struct {
    char report_id[17], impl[160], hardware[400], precision[16], verdict[24], case_id[64], physics[32];
    char spec_version[32], repetitions[16];
    char compliance[1100]; /* "yes", "no: why" (RULES.md §6), or a refuted report's first problem */
    char op[64];           /* one operator, or every operator a non-conformant row's report certified */
    int has_numbers;
    double wall_s, spread_pct, gpts_wall, gpts_compute, roofline_wall, roofline_pct, peak_gib, cost_per_shot;
} row;

static int compare_rows(const void *a, const void *b)
{
    const row *x = a, *y = b;
    int c = strcmp(x->case_id, y->case_id);
    if (c)
        return c;
    c = strcmp(x->op, y->op);
    if (c)
        return c;
    if (x->has_numbers != y->has_numbers)
        return y->has_numbers - x->has_numbers;
    return (x->gpts_wall < y->gpts_wall) - (x->gpts_wall > y->gpts_wall);
}

static void fill_common(row *w, const osib_report *r, const char *verdict, const char *refuted_why)
{
    char why[1024];
    snprintf(w->spec_version, sizeof w->spec_version, "%s", r->spec_version);
    snprintf(w->repetitions, sizeof w->repetitions, "%d", r->repeat);
    if (refuted_why)
        snprintf(w->compliance, sizeof w->compliance, "refuted: %s", refuted_why);
    else if (osib_report_compliant(r, why, sizeof why))
        snprintf(w->compliance, sizeof w->compliance, "yes");
    else
        snprintf(w->compliance, sizeof w->compliance, "no: %s", why);
    snprintf(w->report_id, sizeof w->report_id, "%s", r->report_id);
    snprintf(w->impl, sizeof w->impl, "%s %s", r->impl_name, r->impl_version);
    snprintf(w->hardware, sizeof w->hardware, "%s, %d cores, %s, %.3g GB/s%s%s", r->cpu_model, r->cores, r->caches,
             r->bandwidth_gbs, r->gpu[0] ? "; " : "", r->gpu);
    snprintf(w->precision, sizeof w->precision, "%s", r->precision);
    snprintf(w->verdict, sizeof w->verdict, "%s", verdict);
}

/* A number cell: three significant digits for readers; six and no unit
 * for CSV, which feeds spreadsheets. A missing number is a dash for
 * readers and an empty field in CSV. */
static const char *fmt(double v, int ok, osib_summary_format format, char *buf, size_t cap)
{
    int csv = format == OSIB_SUMMARY_CSV;
    if (!ok || isnan(v) || v < 0)
        snprintf(buf, cap, "%s", csv ? "" : "—");
    else if (csv)
        snprintf(buf, cap, "%.6g", v);
    else
        snprintf(buf, cap, "%.3g", v);
    return buf;
}

static void csv_field(FILE *out, const char *s, int last)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputs(last ? "\"\r\n" : "\",", out);
}

static void html_text(FILE *out, const char *s)
{
    for (; *s; s++)
        if (*s == '<')
            fputs("&lt;", out);
        else if (*s == '>')
            fputs("&gt;", out);
        else if (*s == '&')
            fputs("&amp;", out);
        else
            fputc(*s, out);
}

/* The physics of a report's case (acoustic-iso for a case it does not list). */
static const char *case_physics(const osib_report *r, const char *case_id)
{
    for (int i = 0; i < r->ncases; i++)
        if (strcmp(r->cases[i].id, case_id) == 0)
            return r->cases[i].physics;
    return "acoustic-iso";
}

static void print_rows(const row *rows, size_t n, osib_summary_format format, FILE *out)
{
    static const char *const head[] = {"case",
                                       "physics",
                                       "operator",
                                       "implementation",
                                       "hardware",
                                       "precision",
                                       "verdict",
                                       "compliance",
                                       "spec",
                                       "repetitions",
                                       "median wall s",
                                       "spread %",
                                       "GPts/s (wall)",
                                       "GPts/s (compute)",
                                       "% of roofline (wall)",
                                       "% of roofline (compute)",
                                       "peak memory GiB",
                                       "cost per shot (USD)",
                                       "report"};
    const int ncol = (int)(sizeof head / sizeof head[0]);
    if (format == OSIB_SUMMARY_MARKDOWN) {
        for (int i = 0; i < ncol; i++)
            fprintf(out, "| %s ", head[i]);
        fprintf(out, "|\n");
        for (int i = 0; i < ncol; i++)
            fprintf(out, "|---");
        fprintf(out, "|\n");
    } else if (format == OSIB_SUMMARY_CSV) {
        for (int i = 0; i < ncol; i++)
            csv_field(out, head[i], i + 1 == ncol);
    } else {
        fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>OSIB results</title>"
                     "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                     "th,td{border:1px solid #ccc;padding:.3em .6em}th{background:#f3f5f7}"
                     "td.num{text-align:right}</style></head><body>\n<h1>OSIB results</h1>\n"
                     "<table id=\"results\">\n<tr>");
        for (int i = 0; i < ncol; i++)
            fprintf(out, "<th>%s</th>", head[i]);
        fprintf(out, "</tr>\n");
    }
    for (size_t k = 0; k < n; k++) {
        const row *w = &rows[k];
        char a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32];
        const char *cells[] = {w->case_id,
                               w->physics,
                               w->op,
                               w->impl,
                               w->hardware,
                               w->precision,
                               w->verdict,
                               w->compliance,
                               w->spec_version,
                               w->repetitions,
                               fmt(w->wall_s, w->has_numbers, format, a, sizeof a),
                               fmt(w->spread_pct, w->has_numbers, format, b, sizeof b),
                               fmt(w->gpts_wall, w->has_numbers, format, c, sizeof c),
                               fmt(w->gpts_compute, w->has_numbers, format, d, sizeof d),
                               fmt(w->roofline_wall, w->has_numbers, format, e, sizeof e),
                               fmt(w->roofline_pct, w->has_numbers, format, f, sizeof f),
                               fmt(w->peak_gib, w->has_numbers, format, g, sizeof g),
                               fmt(w->cost_per_shot, w->has_numbers, format, h, sizeof h),
                               w->report_id};
        if (format == OSIB_SUMMARY_MARKDOWN) {
            for (int i = 0; i < ncol; i++) {
                fputs("| ", out);
                for (const char *ch = cells[i]; *ch; ch++) /* a bar or a newline would end the cell */
                    if (*ch == '|')
                        fputs("\\|", out);
                    else
                        fputc(*ch == '\n' ? ' ' : *ch, out);
                fputc(' ', out);
            }
            fprintf(out, "|\n");
        } else if (format == OSIB_SUMMARY_CSV) {
            for (int i = 0; i < ncol; i++)
                csv_field(out, cells[i], i + 1 == ncol);
        } else {
            fprintf(out, "<tr>");
            for (int i = 0; i < ncol; i++) {
                fprintf(out, i >= 9 && i <= 17 ? "<td class=\"num\">" : "<td>"); /* the numbers */
                html_text(out, cells[i]);
                fprintf(out, "</td>");
            }
            fprintf(out, "</tr>\n");
        }
    }
    if (format == OSIB_SUMMARY_HTML)
        fprintf(out, "</table>\n<p>Only conformant results carry numbers, every timed repetition validated on fresh "
                     "inputs. GPts/s from the spec's cost model: wall time measured by the runner, compute time "
                     "reported by the implementation; spread: (slowest - fastest) / median wall time; peak memory of "
                     "the implementation's whole process tree. Compliance: whether the run is one RULES.md §6 lets "
                     "you cite (no --seed, no --ops, at least 5 repetitions, a whole suite, an unmodified kit), and "
                     "if not, why.</p>\n</body></html>\n");
}

/* The first "REFUTED ..." line of osib verify's output, without the word. */
static void first_problem(const char *said, char *out, size_t cap)
{
    snprintf(out, cap, "osib verify found a problem");
    const char *p = said ? strstr(said, "REFUTED ") : NULL;
    if (!p)
        return;
    p += 8;
    size_t n = strcspn(p, "\n");
    snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
}

osib_status osib_summarize(char *const *dirs, int ndirs, int verify, const char *kit_root,
                           const osib_yardstick *yardstick, osib_summary_format format, FILE *out, osib_err *err)
{
    size_t n = 0, cap = 64;
    row *rows = malloc(cap * sizeof *rows);
    if (!rows)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    osib_status st = OSIB_OK;
    for (int i = 0; st == OSIB_OK && i < ndirs; i++) {
        osib_report r;
        char body[65];
        if ((st = osib_report_read(&r, dirs[i], body, err)) != OSIB_OK)
            break;
        const char *verdict = r.conformant ? "CONFORMANT" : "NON-CONFORMANT";
        int numbers = r.conformant;
        char refuted_why[1024] = "";
        if (verify) {
            osib_verify_result vr;
            char *said = NULL;
            size_t said_len = 0;
            FILE *sink = open_memstream(&said, &said_len);
            st = osib_verify(dirs[i], kit_root, yardstick, sink ? sink : stderr, &vr, err);
            if (sink)
                fclose(sink);
            if (st == OSIB_OK && !vr.confirmed)
                first_problem(said, refuted_why, sizeof refuted_why);
            free(said);
            if (st != OSIB_OK) {
                osib_report_free(&r);
                break;
            }
            if (!vr.confirmed) {
                verdict = "REFUTED";
                numbers = 0;
            }
        }
        /* conformant: a row per timing; otherwise a row per case */
        int nrows = numbers ? r.ntimings : r.ncases;
        for (int k = 0; k < nrows; k++) {
            if (n == cap) {
                row *grown = realloc(rows, 2 * cap * sizeof *rows);
                if (!grown) {
                    st = osib_fail(err, OSIB_E_NOMEM, "out of memory");
                    break;
                }
                rows = grown;
                cap *= 2;
            }
            row *w = &rows[n++];
            memset(w, 0, sizeof *w);
            fill_common(w, &r, verdict, refuted_why[0] ? refuted_why : NULL);
            if (numbers) {
                const osib_timing *t = &r.timings[k];
                snprintf(w->case_id, sizeof w->case_id, "%s", t->case_id);
                snprintf(w->physics, sizeof w->physics, "%s", case_physics(&r, t->case_id));
                snprintf(w->op, sizeof w->op, "%s", t->op);
                w->has_numbers = 1;
                w->wall_s = t->wall_s[0];
                w->spread_pct = t->wall_s[0] > 0 ? 100.0 * (t->wall_s[2] - t->wall_s[1]) / t->wall_s[0] : NAN;
                w->gpts_wall = t->gpts_wall;
                w->gpts_compute = t->gpts_compute;
                w->roofline_wall = t->roofline_pct_wall;
                w->roofline_pct = t->roofline_pct;
                w->peak_gib = t->peak_memory_gib;
                w->cost_per_shot = t->cost_per_shot_usd;
            } else {
                snprintf(w->case_id, sizeof w->case_id, "%s", r.cases[k].id);
                snprintf(w->physics, sizeof w->physics, "%s", r.cases[k].physics);
                snprintf(w->op, sizeof w->op, "%s", r.operators);
            }
        }
        osib_report_free(&r);
    }
    if (st == OSIB_OK) {
        qsort(rows, n, sizeof *rows, compare_rows);
        print_rows(rows, n, format, out);
    }
    free(rows);
    return st;
}
