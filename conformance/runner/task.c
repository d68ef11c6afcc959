#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arrays.h"
#include "fileutil.h"
#include "hash.h"
#include "runner.h"

double osib_class_tolerance(int dtype_bytes) { return dtype_bytes == 4 ? OSIB_TOL_FLOAT32 : OSIB_TOL_FLOAT64; }

double osib_task_time_limit(const osib_impl *impl, const osib_case *c, osib_op op)
{
    if (impl->time_limit_s > 0.0)
        return impl->time_limit_s;
    double sweeps = op == OSIB_OP_BORN ? 2.0 : (op == OSIB_OP_BORN_ADJOINT || op == OSIB_OP_GRADIENT) ? 3.0 : 1.0;
    return 60.0 + (double)osib_case_padded_points(c) * (double)(c->nt - 2) * sweeps / 1e7;
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

/* Hash one file of the task into the report (if it exists). */
static osib_status record_file(osib_runner *rn, const osib_task *t, const char *name, int kept, osib_err *err)
{
    char rel[320], abs[OSIB_PATH_MAX], hex[OSIB_SHA256_HEX];
    snprintf(rel, sizeof rel, "%s/%s", t->rel_dir, name);
    snprintf(abs, sizeof abs, "%s/%s", rn->out_dir, rel);
    if (access(abs, F_OK) != 0)
        return OSIB_OK;
    osib_status st = osib_sha256_file(abs, hex, err);
    if (st == OSIB_OK)
        st = osib_report_add_file(rn->report, rel, hex, kept, err);
    if (st == OSIB_OK && !kept)
        unlink(abs);
    return st;
}

/* The last non-empty line of a captured stream, for failure messages. */
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

osib_status osib_task_run(osib_runner *rn, const osib_case *c, osib_op op, const double *const *inputs, int repetition,
                          int keep_outputs, osib_task *t, osib_err *err)
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
    st = osib_exec(argv, dir, out_path, err_path, osib_task_time_limit(impl, c, op), &t->exec, err);
    if (st != OSIB_OK)
        return st;

    /* Judge what came back. */
    char what[160], tail[256];
    if (!(t->exec.exited && t->exec.exit_code == 0)) {
        osib_exec_describe(&t->exec, what, sizeof what);
        last_line(err_path, tail, sizeof tail);
        snprintf(t->failure, sizeof t->failure, "%s %s: %s%s%s", t->id, osib_op_name(op), what,
                 tail[0] ? "; stderr: " : "", tail);
    } else {
        osib_result res;
        osib_err rerr = {0};
        snprintf(path, sizeof path, "%s/%s", dir, req.result_file);
        if (osib_result_load(path, &res, &rerr) != OSIB_OK) {
            snprintf(t->failure, sizeof t->failure, "%s %s: result: %s", t->id, osib_op_name(op), rerr.msg);
        } else if (strcmp(res.task_id, t->id) != 0) {
            snprintf(t->failure, sizeof t->failure, "%s %s: result.yaml answers task \"%s\"", t->id, osib_op_name(op),
                     res.task_id);
        } else if (res.compute_seconds > 1.01 * t->exec.wall_seconds + 0.01) {
            snprintf(t->failure, sizeof t->failure, "%s %s: reports %.3f s of compute in a process that ran %.3f s",
                     t->id, osib_op_name(op), res.compute_seconds, t->exec.wall_seconds);
        } else {
            t->compute_seconds = res.compute_seconds;
            t->nout = req.noutputs;
            st = osib_arrays_read(dir, req.outputs, req.noutputs, t->out, &rerr);
            if (st == OSIB_E_NOMEM || st == OSIB_E_INTERNAL) {
                *err = rerr;
                return st;
            }
            if (st != OSIB_OK) {
                snprintf(t->failure, sizeof t->failure, "%s %s: outputs: %s", t->id, osib_op_name(op), rerr.msg);
                st = OSIB_OK;
            } else {
                for (int i = 0; i < req.noutputs; i++)
                    t->out_count[i] = osib_array_count(&req.outputs[i]);
                t->ok = 1;
            }
        }
    }

    /* Every file of the task goes into the report with its hash. */
    const char *kept_files[] = {"request.yaml", "result.yaml", "stdout.txt", "stderr.txt"};
    for (size_t i = 0; st == OSIB_OK && i < sizeof kept_files / sizeof kept_files[0]; i++)
        st = record_file(rn, t, kept_files[i], 1, err);
    for (int i = 0; st == OSIB_OK && i < req.ninputs; i++)
        if (i == 0 || strcmp(req.inputs[i].file, req.inputs[i - 1].file) != 0)
            st = record_file(rn, t, req.inputs[i].file, keep_outputs, err);
    for (int i = 0; st == OSIB_OK && i < req.noutputs; i++)
        if (i == 0 || strcmp(req.outputs[i].file, req.outputs[i - 1].file) != 0)
            st = record_file(rn, t, req.outputs[i].file, keep_outputs, err);
    rn->tasks_done++;
    osib_progress_update(&rn->progress, rn->tasks_done, rn->tasks_total);
    return st;
}
