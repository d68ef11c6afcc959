#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arrays.h"
#include "estimate.h"
#include "fileutil.h"
#include "hash.h"
#include "outputs.h"
#include "runner.h"

double osib_class_tolerance(int dtype_bytes) { return dtype_bytes == 4 ? OSIB_TOL_FLOAT32 : OSIB_TOL_FLOAT64; }

double osib_task_memory_budget(const osib_case *c, osib_op op)
{
    const int budgeted = op == OSIB_OP_BORN_ADJOINT || op == OSIB_OP_GRADIENT;
    return budgeted && c->memory_budget_bytes > 0 ? (double)c->memory_budget_bytes : 0.0;
}

double osib_task_time_limit(const osib_impl *impl, const osib_case *c, osib_op op)
{
    if (impl->time_limit_s > 0.0)
        return impl->time_limit_s;
    double sweeps = op == OSIB_OP_BORN ? 2.0 : (op == OSIB_OP_BORN_ADJOINT || op == OSIB_OP_GRADIENT) ? 3.0 : 1.0;
    /* Under a memory budget the forward history is recomputed: the adjoint
     * sweep's two, and the forward sweeps of the spec's plan at that budget
     * (spec/protocol.md §2.4). */
    if (osib_task_memory_budget(c, op) > 0)
        sweeps = 2.0 + osib_budget_plan_of(c, impl->dtype_bytes).forward_sweeps;
    /* A TTI point-update is two fields and three to four times the flops of
     * an acoustic one (spec/tti.md, cost model): a quarter of the rate. */
    double rate = osib_case_is_tti(c) ? 2.5e6 : 1e7;
    return 60.0 + (double)osib_case_padded_points(c) * (double)(c->nt - 2) * sweeps / rate;
}

void osib_task_free(osib_task *t)
{
    for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++) {
        free(t->out[i]);
        t->out[i] = NULL;
    }
}

/* Replace {request} and {task_dir} in an argument. */
static void expand(char *out, size_t cap, const char *arg, const char *request, const char *task_dir)
{
    size_t len = 0;
    for (const char *p = arg; *p && len + 1 < cap;) {
        const char *with = NULL;
        if (strncmp(p, "{request}", 9) == 0)
            with = request, p += 9;
        else if (strncmp(p, "{task_dir}", 10) == 0)
            with = task_dir, p += 10;
        if (with)
            len += (size_t)snprintf(out + len, cap - len, "%s", with);
        else
            out[len++] = *p++;
        if (len >= cap)
            len = cap - 1;
    }
    out[len] = '\0';
}

/* The last non-empty line of a captured stream, for failure messages (the
 * runner wrote the file itself, from the pipe). */
static void last_line(const char *path, char *out, size_t cap)
{
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n > 0)
            snprintf(out, cap, "%s", line);
    }
    fclose(f);
}

/* The first non-empty line of an implementation's notes, as something a
 * report can show whatever the implementation wrote: printable ASCII only
 * (anything else becomes '?'), no '|' that would split a Markdown table
 * cell and no '`' that would end the code span report.md shows it in,
 * truncated to cap - 1 characters. */
static void first_line_printable(const char *notes, char *out, size_t cap)
{
    while (*notes == '\n' || *notes == '\r' || *notes == ' ')
        notes++;
    size_t n = 0;
    for (; notes[n] && notes[n] != '\n' && notes[n] != '\r' && n + 1 < cap; n++) {
        const unsigned char ch = (unsigned char)notes[n];
        out[n] = ch < 0x20 || ch > 0x7e ? '?' : ch == '|' ? '/' : ch == '`' ? '\'' : (char)ch;
    }
    out[n] = '\0';
}

/* The files the runner wrote into a task before running it, with their
 * hashes: the implementation must leave them as they are. */
typedef struct {
    char name[OSIB_REQ_PATH_MAX];
    char sha256[OSIB_SHA256_HEX];
} written_file;

static osib_status hash_written(const char *dir, written_file *w, osib_err *err)
{
    char path[OSIB_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, w->name);
    return osib_sha256_file_limited(path, 1, ~0ULL, w->sha256, err);
}

/* How large a file the runner will hash for the report, by kind: results
 * and logs are bounded by their own caps; outputs by outputs.h's rule. */
static unsigned long long output_file_cap(const osib_request *req, const char *file)
{
    unsigned long long values = 0;
    for (int i = 0; i < req->noutputs; i++)
        if (strcmp(req->outputs[i].file, file) == 0)
            values += 8ULL * osib_array_count(&req->outputs[i]);
    return OSIB_OUTPUT_SLACK * values + OSIB_OUTPUT_OVERHEAD_BYTES;
}

/* Hash a file the implementation may have written, into the report. A
 * file that is missing, not regular or too large is simply not listed
 * (the task has failed already, or fails now, for that reason). */
static osib_status record_untrusted(osib_runner *rn, const osib_task *t, const char *name, unsigned long long cap,
                                    int kept, osib_err *err)
{
    char rel[320], abs[OSIB_PATH_MAX], hex[OSIB_SHA256_HEX];
    snprintf(rel, sizeof rel, "%s/%s", t->rel_dir, name);
    snprintf(abs, sizeof abs, "%s/%s", rn->out_dir, rel);
    if (osib_sha256_file_limited(abs, 1, cap, hex, NULL) != OSIB_OK)
        return OSIB_OK;
    osib_status st = osib_report_add_file(rn->report, rel, hex, kept, err);
    if (st == OSIB_OK && !kept)
        unlink(abs);
    return st;
}

static osib_status record_known(osib_runner *rn, const osib_task *t, const written_file *w, int kept, osib_err *err)
{
    char rel[320];
    snprintf(rel, sizeof rel, "%s/%s", t->rel_dir, w->name);
    osib_status st = osib_report_add_file(rn->report, rel, w->sha256, kept, err);
    if (st == OSIB_OK && !kept) {
        char abs[OSIB_PATH_MAX];
        snprintf(abs, sizeof abs, "%s/%s", rn->out_dir, rel);
        unlink(abs);
    }
    return st;
}

static void fail_task(osib_task *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_task(osib_task *t, const char *fmt, ...)
{
    if (t->failure[0])
        return; /* the first reason is the one reported */
    int n = snprintf(t->failure, sizeof t->failure, "%s %s: ", t->id, osib_op_name(t->op));
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof t->failure)
        vsnprintf(t->failure + n, sizeof t->failure - (size_t)n, fmt, ap);
    va_end(ap);
    t->ok = 0;
}

osib_status osib_task_run(osib_runner *rn, const osib_case *c, osib_op op, const double *const *inputs,
                          const char *role, int repetition, int keep_outputs, osib_task *t, osib_err *err)
{
    memset(t, 0, sizeof *t);
    snprintf(t->id, sizeof t->id, "t%04d", ++rn->next_task);
    snprintf(t->rel_dir, sizeof t->rel_dir, "tasks/%s", t->id);
    t->op = op;
    t->repetition = repetition;
    const osib_impl *impl = rn->impl;

    char dir[OSIB_PATH_MAX], path[OSIB_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s", rn->out_dir, t->rel_dir);
    osib_status st = osib_mkdir_p(dir, err);
    if (st == OSIB_OK && impl->format == OSIB_FORMAT_RAW) {
        snprintf(path, sizeof path, "%s/inputs", dir);
        st = osib_mkdir_p(path, err);
        snprintf(path, sizeof path, "%s/outputs", dir);
        if (st == OSIB_OK)
            st = osib_mkdir_p(path, err);
    }
    struct stat dir_sb;
    if (st == OSIB_OK && lstat(dir, &dir_sb) != 0)
        st = osib_fail(err, OSIB_E_IO, "%s: %s", dir, strerror(errno));
    if (st != OSIB_OK)
        return st;

    osib_request req;
    memset(&req, 0, sizeof req);
    req.version = OSIB_PROTOCOL_VERSION;
    snprintf(req.task_id, sizeof req.task_id, "%s", t->id);
    req.op = op;
    req.dtype_bytes = impl->dtype_bytes;
    req.repetition = repetition;
    req.format = impl->format;
    req.c = *c; /* shallow: the request only reads it */
    osib_request_layout(&req);

    st = osib_arrays_write(dir, req.inputs, req.ninputs, inputs, err);
    char request_path[OSIB_PATH_MAX];
    snprintf(request_path, sizeof request_path, "%s/request.yaml", dir);
    if (st == OSIB_OK)
        st = osib_request_write(&req, request_path, err);
    /* What the runner wrote, hashed before the implementation runs. */
    written_file written[OSIB_REQ_MAX_INPUTS + 1];
    int nwritten = 0;
    snprintf(written[nwritten++].name, sizeof written[0].name, "request.yaml");
    for (int i = 0; i < req.ninputs; i++)
        if (i == 0 || strcmp(req.inputs[i].file, req.inputs[i - 1].file) != 0)
            snprintf(written[nwritten++].name, sizeof written[0].name, "%s", req.inputs[i].file);
    for (int i = 0; st == OSIB_OK && i < nwritten; i++)
        st = hash_written(dir, &written[i], err);
    if (st != OSIB_OK)
        return st;

    /* launcher + command, placeholders expanded */
    char args[OSIB_IMPL_MAX_ARGS][OSIB_IMPL_ARG_MAX];
    char *argv[OSIB_IMPL_MAX_ARGS + 1];
    for (int i = 0; i < impl->argc; i++) {
        expand(args[i], sizeof args[i], impl->argv[i], request_path, dir);
        argv[i] = args[i];
    }
    argv[impl->argc] = NULL;
    char out_path[OSIB_PATH_MAX], err_path[OSIB_PATH_MAX];
    snprintf(out_path, sizeof out_path, "%s/stdout.txt", dir);
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", dir);
    /* A budgeted task is stopped once it passes its budget, and judged on
     * its peak below, which the samples may have missed. */
    const double budget = osib_task_memory_budget(c, op);
    osib_exec_limits limits = {.time_limit_s = osib_task_time_limit(impl, c, op), .memory_limit_bytes = budget};
    st = osib_exec(argv, dir, out_path, err_path, &limits, &t->exec, err);
    if (st != OSIB_OK)
        return st;

    /* Judge what came back. Every process of the task is gone now, so
     * nothing can change the files while they are read. */
    t->ok = 1;
    t->compute_seconds = NAN;
    char what[192], tail[256];
    struct stat now_sb;
    if (lstat(dir, &now_sb) != 0 || !S_ISDIR(now_sb.st_mode) || now_sb.st_ino != dir_sb.st_ino ||
        now_sb.st_dev != dir_sb.st_dev) {
        fail_task(t, "its task directory was moved or replaced");
        t->nout = 0;
    }
    if (budget > 0 && t->exec.peak_memory_bytes > budget)
        fail_task(t,
                  "peak resident memory %.1f MiB (%.0f bytes) is over the case's memory budget of %.1f MiB "
                  "(%.0f bytes)",
                  t->exec.peak_memory_bytes / 1048576.0, t->exec.peak_memory_bytes, budget / 1048576.0, budget);
    if (t->exec.capture_lost)
        fail_task(t, "something the implementation left as stdout.txt or stderr.txt could not be replaced");
    if (!(t->exec.exited && t->exec.exit_code == 0)) {
        osib_exec_describe(&t->exec, what, sizeof what);
        last_line(err_path, tail, sizeof tail);
        fail_task(t, "%s%s%s", what, tail[0] ? "; stderr: " : "", tail);
    }
    for (int i = 0; t->ok && i < nwritten; i++) {
        written_file now = written[i];
        if (hash_written(dir, &now, NULL) != OSIB_OK || strcmp(now.sha256, written[i].sha256) != 0)
            fail_task(t, "%s was changed by the implementation (the runner's files are read-only to it)", now.name);
    }
    osib_result res;
    if (t->ok) {
        osib_err rerr = {0};
        snprintf(path, sizeof path, "%s/%s", dir, req.result_file);
        if (osib_result_load(path, &res, &rerr) != OSIB_OK)
            fail_task(t, "result: %s", rerr.msg);
        else if (strcmp(res.task_id, t->id) != 0)
            fail_task(t, "result.yaml answers task \"%s\"", res.task_id);
        else if (res.compute_seconds > 1.01 * t->exec.wall_seconds + 0.01)
            fail_task(t, "reports %.3f s of compute in a process that ran %.3f s", res.compute_seconds,
                      t->exec.wall_seconds);
        else
            t->compute_seconds = res.compute_seconds;
    }
    char note[sizeof((osib_task_record *)0)->note] = "";
    if (t->ok)
        first_line_printable(res.notes, note, sizeof note);
    if (t->ok) {
        osib_err rerr = {0};
        t->nout = req.noutputs;
        osib_status rst = osib_outputs_read(dir, req.outputs, req.noutputs, t->out, &rerr);
        if (rst == OSIB_E_NOMEM || rst == OSIB_E_INTERNAL) {
            *err = rerr;
            return rst;
        }
        if (rst != OSIB_OK)
            fail_task(t, "outputs: %s", rerr.msg);
        else
            for (int i = 0; i < req.noutputs; i++)
                t->out_count[i] = osib_array_count(&req.outputs[i]);
    }

    /* Every file of the task goes into the report with its hash: the
     * runner's own with the hashes taken before the run, the rest as they
     * are now. */
    st = record_known(rn, t, &written[0], 1, err);
    for (int i = 1; st == OSIB_OK && i < nwritten; i++)
        st = record_known(rn, t, &written[i], keep_outputs, err);
    if (st == OSIB_OK)
        st = record_untrusted(rn, t, req.result_file, OSIB_RESULT_MAX_BYTES, 1, err);
    if (st == OSIB_OK)
        st = record_untrusted(rn, t, "stdout.txt", 2 * OSIB_CAPTURE_CAP_BYTES, 1, err);
    if (st == OSIB_OK)
        st = record_untrusted(rn, t, "stderr.txt", 2 * OSIB_CAPTURE_CAP_BYTES, 1, err);
    for (int i = 0; st == OSIB_OK && i < req.noutputs; i++)
        if (i == 0 || strcmp(req.outputs[i].file, req.outputs[i - 1].file) != 0)
            st = record_untrusted(rn, t, req.outputs[i].file, output_file_cap(&req, req.outputs[i].file), keep_outputs,
                                  err);

    /* The task's record, from which verify re-derives the timings. */
    osib_task_record rec;
    memset(&rec, 0, sizeof rec);
    snprintf(rec.id, sizeof rec.id, "%s", t->id);
    snprintf(rec.case_id, sizeof rec.case_id, "%s", c->id);
    snprintf(rec.op, sizeof rec.op, "%s", osib_op_name(op));
    snprintf(rec.role, sizeof rec.role, "%s", role);
    rec.repetition = repetition;
    rec.ok = t->ok;
    rec.wall_s = t->exec.wall_seconds;
    rec.compute_s = t->compute_seconds;
    rec.peak_memory_bytes = t->exec.peak_memory_bytes;
    rec.io_read_bytes = t->exec.io_read_bytes;
    rec.io_write_bytes = t->exec.io_write_bytes;
    rec.leftovers = t->exec.leftovers;
    snprintf(rec.outcome, sizeof rec.outcome, "%s", t->ok ? "ok" : t->failure);
    snprintf(rec.note, sizeof rec.note, "%s", note);
    if (st == OSIB_OK)
        st = osib_report_add_task(rn->report, &rec, err);
    if (!t->ok)
        osib_task_free(t);
    rn->tasks_done++;
    osib_progress_update(&rn->progress, rn->tasks_done, rn->tasks_total);
    return st;
}
