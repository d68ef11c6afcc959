#include "protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrays.h"
#include "case_setup.h"
#include "fileutil.h"
#include "request.h"
#include "run.h"
#include "sysinfo.h"

/* The directory of path ("." when it has none). */
static void dirname_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, cap, ".");
    else if (slash == path)
        snprintf(out, cap, "/");
    else
        snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

osib_status osib_protocol_serve(const osib_backend *b, const char *request_path, osib_progress *progress, osib_err *err)
{
    osib_request r;
    osib_status st = osib_request_load(request_path, &r, err);
    if (st != OSIB_OK)
        return st;
    char dir[OSIB_PATH_MAX], path[OSIB_PATH_MAX];
    dirname_of(request_path, dir, sizeof dir);

    osib_inputs in = {0};
    osib_case_setup cs = {0};
    void *state = NULL;
    double *out = NULL, objective = 0.0;
    double *raw[OSIB_REQ_MAX_INPUTS] = {0};
    osib_thomsen th;

    st = osib_check_memory(b, &r.c, r.op, err);
    if (st == OSIB_OK)
        st = osib_arrays_read(dir, r.inputs, r.ninputs, raw, err);
    if (st == OSIB_OK)
        for (int i = 0; i < r.ninputs; i++) {
            *osib_inputs_slot(&in, r.inputs[i].name) = raw[i];
            raw[i] = NULL;
        }
    if (st == OSIB_OK)
        st = osib_case_setup_init(&cs, &r.c, err);
    if (st == OSIB_OK && !(out = malloc(osib_output_count(&r.c, r.op) * sizeof *out)))
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the output");
    if (st == OSIB_OK)
        st = osib_backend_open(b, &cs, in.vp, osib_inputs_thomsen(&in, &r.c, &th), &state, err);

    double seconds = 0.0;
    if (st == OSIB_OK) {
        if (progress) {
            char label[160];
            snprintf(label, sizeof label, "%s %s %s", r.task_id, osib_op_name(r.op), r.c.id);
            osib_progress_begin(progress, label);
            b->set_progress(state, osib_progress_callback, progress);
        }
        double t0 = osib_now_seconds();
        st = osib_compute(b, state, r.op, &in, out, &objective, err);
        seconds = osib_now_seconds() - t0;
        if (progress)
            osib_progress_end(progress);
    }

    if (st == OSIB_OK && r.format == OSIB_FORMAT_RAW) {
        /* The runner creates outputs/; make sure, for hand-written requests. */
        snprintf(path, sizeof path, "%s/outputs", dir);
        st = osib_mkdir_p(path, err);
    }
    if (st == OSIB_OK) {
        const double *data[OSIB_REQ_MAX_OUTPUTS];
        for (int i = 0; i < r.noutputs; i++)
            data[i] = strcmp(r.outputs[i].name, "objective") == 0 ? &objective : out;
        st = osib_arrays_write(dir, r.outputs, r.noutputs, data, err);
    }
    if (st == OSIB_OK) {
        osib_result res = {.compute_seconds = seconds};
        snprintf(res.task_id, sizeof res.task_id, "%s", r.task_id);
        if (b->notes)
            b->notes(state, res.notes, sizeof res.notes);
        snprintf(path, sizeof path, "%s/%s", dir, r.result_file);
        st = osib_result_write(&res, path, err);
    }

    if (state)
        b->destroy(state);
    free(out);
    osib_inputs_free(&in);
    osib_case_setup_free(&cs);
    osib_request_free(&r);
    return st;
}
