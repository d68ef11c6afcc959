#include "report_md.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const osib_verify_scope =
    "osib verify proves that report.yaml is what the runner wrote unless someone rewrote it whole (its id is "
    "a hash anyone can recompute), that every kept file is the one it lists, that every check the cases and "
    "operators require is present, that every check recomputes to its recorded value from the stored inputs, "
    "outputs, oracles and the kit's reference records (the simple reference's records recomputed bit for bit), "
    "that the timing statistics and throughput follow from the task records by the spec's cost model, and "
    "that report.md and report.html are what report.yaml says. It cannot prove that the timings were measured "
    "as recorded, or that a benchmark-size reference (osib-cpu float64) is right, nor catch a forger who "
    "rewrites every file consistently: `osib reproduce DIR` re-runs the timed repetitions on this machine.";

static const char *fmt_num(double v, char *buf, size_t cap)
{
    if (isnan(v))
        snprintf(buf, cap, "n/a");
    else
        snprintf(buf, cap, "%.3g", v);
    return buf;
}

/* Text as a Markdown code span: backquotes become ' and bars / , so that
 * nothing in it (a path, an implementation's words) can leave the span or
 * the table cell. */
static void code_span(osib_text *t, const char *s)
{
    osib_text_printf(t, "`");
    for (; *s; s++)
        osib_text_printf(t, "%c", *s == '`' ? '\'' : *s == '|' ? '/' : *s);
    osib_text_printf(t, "`");
}

/* A timing's median, with its range when there was more than one
 * repetition: "0.159 (0.150–0.509)". */
static const char *median_range(const double v[3], int repeat, char *buf, size_t cap)
{
    char a[32], b[32], c[32];
    if (repeat > 1)
        snprintf(buf, cap, "%s (%s–%s)", fmt_num(v[0], a, sizeof a), fmt_num(v[1], b, sizeof b),
                 fmt_num(v[2], c, sizeof c));
    else
        snprintf(buf, cap, "%s", fmt_num(v[0], a, sizeof a));
    return buf;
}

static void limit(osib_text *t, const osib_check *k)
{
    char b[32], c[32];
    if (k->has_lo && k->has_hi)
        osib_text_printf(t, "[%s, %s]", fmt_num(k->lo, b, sizeof b), fmt_num(k->hi, c, sizeof c));
    else if (k->has_hi)
        osib_text_printf(t, "≤ %s", fmt_num(k->hi, b, sizeof b));
    else if (k->has_lo)
        osib_text_printf(t, "≥ %s", fmt_num(k->lo, b, sizeof b));
}

static void check_row(osib_text *t, const osib_check *k)
{
    char a[32];
    osib_text_printf(t, "| `%s` | %s | ", k->id, fmt_num(k->value, a, sizeof a));
    limit(t, k);
    osib_text_printf(t, " | %s |\n", k->passed ? "pass" : "**FAIL**");
}

/* "forward, adjoint (the kit's reference for its partners)" */
static void case_line(osib_text *t, const osib_case_record *cr)
{
    osib_text_printf(t, "| `%s` | %s | %s | ", cr->id, cr->physics, cr->has_oracle ? "oracle" : "benchmark");
    for (int op = 0, n = 0; op < OSIB_OP_COUNT; op++)
        if (cr->ops[op])
            osib_text_printf(t, "%s%s", n++ ? ", " : "", osib_op_name((osib_op)op));
    osib_text_printf(t, " | %s |\n", cr->reference);
}

void osib_report_markdown(const osib_report *r, osib_text *t)
{
    char a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32];
    osib_text_printf(t, "# OSIB certification report %s\n\n", r->report_id);
    osib_text_printf(t, "**Verdict: %s**", r->conformant ? "CONFORMANT" : "NON-CONFORMANT");
    osib_text_printf(t, " — %zu checks, %zu failed.\n\n", r->nchecks, osib_report_failures(r));
    char why[1024];
    int compliant = osib_report_compliant(r, why, sizeof why);
    if (r->conformant && !compliant)
        osib_text_printf(
            t, "**Not a compliant run** (RULES.md §6): %s. Its figures are not an OSIB result to cite.\n\n", why);
    osib_text_printf(t, "| | |\n|---|---|\n");
    osib_text_printf(t, "| implementation | %s %s (%s) |\n", r->impl_name, r->impl_version, r->impl_vendor);
    osib_text_printf(t, "| precision class | %s, arrays in %s |\n", r->precision, r->array_format);
    osib_text_printf(t, "| operators | %s |\n", r->operators);
    osib_text_printf(t, "| declared capabilities | %s |\n", r->capabilities);
    osib_text_printf(t, "| executable | ");
    code_span(t, r->impl_executable);
    osib_text_printf(t, ", SHA-256 %.16s…%s |\n", r->impl_executable_sha256,
                     r->nimpl_files ? "; the manifest's files under Implementation files"
                                    : "; the manifest lists no files");
    osib_text_printf(t, "| machine | %s, %d cores, %.1f GiB; %s; %s |\n", r->cpu_model, r->cores, r->memory_gib,
                     r->caches, r->os);
    if (r->bandwidth_gbs > 0)
        osib_text_printf(t, "| memory bandwidth | %.3g GB/s, %s |\n", r->bandwidth_gbs, r->bandwidth_source);
    else
        osib_text_printf(t, "| memory bandwidth | %s |\n", r->bandwidth_source);
    if (r->gpu[0])
        osib_text_printf(t, "| GPU | %s |\n", r->gpu);
    osib_text_printf(t, "| kit | OSIB %s (commit %s), spec %s, protocol 1 |\n", r->kit_version, r->kit_commit,
                     r->spec_version);
    osib_text_printf(t, "| run | %s to %s, seed %llu%s, %d timed repetition%s%s |\n", r->started_utc, r->finished_utc,
                     r->seed, r->seed_chosen ? " (**chosen** with --seed)" : " (fresh)", r->repeat,
                     r->repeat == 1 ? "" : "s", r->forced ? ", **forced** past the memory estimate" : "");
    osib_text_printf(t, "| scope | %s%s%s%s%s |\n", r->suite[0] ? "suite " : "cases named one by one", r->suite,
                     r->operators_chosen ? "; operators **chosen** with --ops" : "",
                     r->cases_left_out[0] ? "; left out as outside the declared capabilities: " : "",
                     r->cases_left_out);
    if (r->conformant)
        osib_text_printf(t, "| compliance | %s%s |\n",
                         compliant ? "a compliant run (RULES.md §6)" : "**not compliant**: ", compliant ? "" : why);
    osib_text_printf(t, "| command line | ");
    code_span(t, r->command_line);
    osib_text_printf(t, " |\n\n");

    if (r->nimpl_files) {
        osib_text_printf(t, "## Implementation files\n\nAs the manifest lists them, hashed when the run started and "
                            "checked unchanged when it ended (`kit/impl-files/unchanged`).\n\n| file | SHA-256 |\n"
                            "|---|---|\n");
        for (int i = 0; i < r->nimpl_files; i++) {
            osib_text_printf(t, "| ");
            code_span(t, r->impl_files[i].path);
            osib_text_printf(t, " | `%s` |\n", r->impl_files[i].sha256);
        }
        osib_text_printf(t, "\n");
    }
    osib_text_printf(t, "## Cases\n\n| case | physics | kind | operators certified | judged beyond the oracle by |\n"
                        "|---|---|---|---|---|\n");
    for (int i = 0; i < r->ncases; i++)
        case_line(t, &r->cases[i]);
    osib_text_printf(t, "\nOn a case with an oracle every operator is also run on a fresh challenge variant and "
                        "compared with the kit's reference; an operator certified without its adjoint partner "
                        "is dot-tested against the kit's reference of the partner.\n\n");

    if (osib_report_failures(r) > 0) {
        osib_text_printf(t, "## Failed checks\n\n| check | value | limit | why |\n|---|---|---|---|\n");
        for (size_t i = 0; i < r->nchecks; i++) {
            const osib_check *k = &r->checks[i];
            if (k->passed)
                continue;
            osib_text_printf(t, "| `%s` | %s | ", k->id, fmt_num(k->value, a, sizeof a));
            limit(t, k);
            osib_text_printf(t, " | %s |\n", k->message);
        }
        osib_text_printf(t, "\nTimings of a non-conformant implementation are not reported.\n\n");
    }

    if (r->ntimings > 0) {
        osib_text_printf(t,
                         "## Performance\n\nMedian of %d repetitions (their range in brackets), each on fresh "
                         "inputs and each validated "
                         "(spec/protocol.md §3.2). Wall time is measured by the runner around the process (I/O "
                         "and start-up included); compute time is reported by the implementation and shown only "
                         "where it is physically plausible. Throughput uses the spec's cost model "
                         "(spec/acoustic.md §12), never figures from the implementation. Memory is the peak "
                         "resident memory of the implementation's whole process tree, beside the spec's minimal "
                         "footprint.\n\n",
                         r->repeat);
        osib_text_printf(t, "| case | operator | wall s | compute s | GPts/s (wall) | GPts/s (compute) | GFlop/s "
                            "(compute) | %% of roofline (wall / compute) | peak memory GiB | footprint GiB | cost per "
                            "shot |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < r->ntimings; i++) {
            const osib_timing *tm = &r->timings[i];
            char wr[96], cr[96];
            osib_text_printf(t, "| %s | %s | %s | %s | %s | %s | %s | ", tm->case_id, tm->op,
                             median_range(tm->wall_s, r->repeat, wr, sizeof wr),
                             median_range(tm->compute_s, r->repeat, cr, sizeof cr), fmt_num(tm->gpts_wall, c, sizeof c),
                             fmt_num(tm->gpts_compute, d, sizeof d), fmt_num(tm->gflops_compute, e, sizeof e));
            if (tm->roofline_pct_wall >= 0)
                osib_text_printf(t, "%s / %s | ", fmt_num(tm->roofline_pct_wall, f, sizeof f),
                                 fmt_num(tm->roofline_pct, g, sizeof g));
            else
                osib_text_printf(t, "— | ");
            osib_text_printf(t, "%s | %s | ", fmt_num(tm->peak_memory_gib, h, sizeof h),
                             fmt_num(tm->footprint_gib, a, sizeof a));
            if (tm->cost_per_shot_usd >= 0)
                osib_text_printf(t, "$%s |\n", fmt_num(tm->cost_per_shot_usd, b, sizeof b));
            else
                osib_text_printf(t, "— |\n");
        }
        osib_text_printf(t, "\nMachine: %s; %s; memory bandwidth %.3g GB/s (%s).\n\n", r->cpu_model, r->caches,
                         r->bandwidth_gbs, r->bandwidth_source);
    }

    osib_text_printf(t, "## Memory\n\nThe peak resident memory of the implementation's whole process tree, "
                        "the largest over every task of the case and operator (GiB), beside the spec's minimal "
                        "footprint at the declared precision (spec/acoustic.md §12), and the most bytes a task "
                        "read from and wrote to storage (the kernel's I/O accounting of the whole tree, "
                        "spec/protocol.md §2.4; inputs and outputs included).\n\n| case | operator | peak "
                        "GiB | footprint GiB | storage read GiB | storage written GiB |\n|---|---|---|---|---|---|\n");
    for (int i = 0; i < r->ncases; i++)
        for (int op = 0; op < OSIB_OP_COUNT; op++) {
            if (!r->cases[i].ops[op])
                continue;
            double peak = osib_report_peak_memory(r, r->cases[i].id, osib_op_name((osib_op)op)), rd, wr;
            osib_report_io(r, r->cases[i].id, osib_op_name((osib_op)op), &rd, &wr);
            osib_text_printf(t, "| %s | %s | %s | %s | %s | %s |\n", r->cases[i].id, osib_op_name((osib_op)op),
                             fmt_num(peak / 1073741824.0, a, sizeof a),
                             fmt_num(r->cases[i].footprint_gib[op], b, sizeof b),
                             rd >= 0 ? fmt_num(rd / 1073741824.0, c, sizeof c) : "—",
                             wr >= 0 ? fmt_num(wr / 1073741824.0, d, sizeof d) : "—");
        }
    osib_text_printf(t, "\n");

    if (osib_report_has_budgets(r)) {
        osib_text_printf(t, "## Gradients under a memory budget\n\nEvery budgeted case and operator "
                            "(spec/acoustic.md §12): the case's budget, the largest peak of its tasks and the share "
                            "of the budget it used (a task over it fails), the median wall time of the timed "
                            "repetitions, the most bytes a task moved to and from storage, and what the "
                            "implementation says it did (the first line of its result's notes: its claim, shown "
                            "as written, not checked).\n\n| case | operator | budget GiB | peak GiB | of budget | "
                            "wall s | storage read / written GiB | the implementation's note |\n"
                            "|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < r->ncases; i++)
            for (int op = OSIB_OP_BORN_ADJOINT; op <= OSIB_OP_GRADIENT; op++) {
                const osib_case_record *cr = &r->cases[i];
                if (!cr->ops[op] || cr->memory_budget_bytes <= 0)
                    continue;
                const char *name = osib_op_name((osib_op)op);
                double peak = osib_report_peak_memory(r, cr->id, name), rd, wr;
                osib_report_io(r, cr->id, name, &rd, &wr);
                const char *note = osib_report_note(r, cr->id, name);
                osib_text_printf(t, "| %s | %s | %s | %s | %.0f%% | %s | %s / %s | %s%s%s |\n", cr->id, name,
                                 fmt_num(cr->memory_budget_bytes / 1073741824.0, a, sizeof a),
                                 fmt_num(peak / 1073741824.0, b, sizeof b), 100.0 * peak / cr->memory_budget_bytes,
                                 fmt_num(osib_report_median_wall(r, cr->id, name), c, sizeof c),
                                 rd >= 0 ? fmt_num(rd / 1073741824.0, d, sizeof d) : "—",
                                 wr >= 0 ? fmt_num(wr / 1073741824.0, e, sizeof e) : "—", note[0] ? "`" : "",
                                 note[0] ? note : "—", note[0] ? "`" : "");
            }
        osib_text_printf(t, "\n");
    }

    size_t leftovers = osib_report_leftovers(r);
    if (leftovers > 0) {
        osib_text_printf(t,
                         "## Processes left behind\n\n%zu task(s) ended with processes of the implementation "
                         "still running; the runner killed them:\n\n",
                         leftovers);
        for (size_t i = 0; i < r->ntasks; i++)
            if (r->tasks[i].leftovers > 0)
                osib_text_printf(t, "- %s (%s %s): %d process(es)\n", r->tasks[i].id, r->tasks[i].case_id,
                                 r->tasks[i].op, r->tasks[i].leftovers);
        osib_text_printf(t, "\n");
    }

    osib_text_printf(t,
                     "## Adjointness, linearity and Taylor tests\n\nOn %s (seed %llu).\n\n"
                     "| check | value | limit | result |\n|---|---|---|---|\n",
                     r->seed_chosen ? "random inputs from the seed chosen with --seed, not fresh ones"
                                    : "fresh random inputs",
                     r->seed);
    for (size_t i = 0; i < r->nchecks; i++) {
        const osib_check *k = &r->checks[i];
        if (strcmp(k->gate, "dot") && strcmp(k->gate, "linearity") && strcmp(k->gate, "taylor"))
            continue;
        check_row(t, k);
    }
    osib_text_printf(t, "\n");
    if (r->nfigures) {
        osib_text_printf(t, "## Figures\n\n");
        for (int i = 0; i < r->nfigures; i++)
            osib_text_printf(t, "![%s](%s.png)\n\n*%s* ([SVG](%s.svg))\n\n", r->figures[i].caption, r->figures[i].base,
                             r->figures[i].caption, r->figures[i].base);
    }

    osib_text_printf(t, "## All checks\n\n| check | value | limit | result |\n|---|---|---|---|\n");
    for (size_t i = 0; i < r->nchecks; i++)
        check_row(t, &r->checks[i]);
    osib_text_printf(t, "\n## Verifying this report\n\n`osib verify <this directory>` checks it. %s\n",
                     osib_verify_scope);
}
