/*
 * osib-faulty - the simple reference with one realistic fault planted, for
 * the negative corpus of the conformance runner (tests/e2e/faulty.sh). Each
 * manifest in tests/faulty/ runs it with --fault NAME; the runner must find
 * every one NON-CONFORMANT, for the reason the manifest names.
 *
 *   adjoint-damping-sign  F^T runs with the damping's sign flipped
 *   adjoint-off-by-one    F^T reads its data one sample late
 *   missing-dt2           sources injected with vp^2 only
 *   missing-vp2           sources injected with dt^2 only
 *   time-shift            every data output delayed by one sample
 *   axes-transposed       data written receiver-major, images x-z transposed
 *   float16               every output rounded to IEEE binary16
 *   one-nan               one output value replaced by NaN
 *   truncated-output      the output file cut in half
 *   missing-output        no output file
 *   crash                 abort() before doing anything
 *   hang                  never returns (the runner's time limit must stop it)
 *   gradient-sign         gradient negated
 *   gradient-factor-2     gradient doubled
 *   replay-oracle         returns the published oracle outputs, whatever
 *                         the inputs: right on the oracle gate, wrong on
 *                         fresh random inputs
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arrays.h"
#include "backend_simple.h"
#include "h5io.h"
#include "operators.h"
#include "protocol.h"
#include "request.h"

static const char *fault = "";

static int is(const char *name) { return strcmp(fault, name) == 0; }

/* ---------------------------------------------------------------------------
 * Faults inside the numerics: a backend that wraps the simple reference.
 * ------------------------------------------------------------------------- */

static osib_backend faulty;

static osib_status faulty_set_model(void *state, const double *vp, osib_err *err)
{
    osib_status st = osib_backend_simple.set_model(state, vp, err);
    ref_problem *p = state;
    if (st != OSIB_OK)
        return st;
    const double dt2 = p->dt_ms * p->dt_ms;
    for (size_t x = 0; x < p->grid.nstore; x++) {
        if (is("missing-dt2"))
            p->inj_scale[x] /= dt2; /* vp^2 left */
        else if (is("missing-vp2") && p->m[x] != 0.0)
            p->inj_scale[x] = dt2;
    }
    return OSIB_OK;
}

static osib_status faulty_adjoint(void *state, const double *d, double *q, osib_err *err)
{
    ref_problem *p = state;
    if (is("adjoint-damping-sign"))
        for (size_t x = 0; x < p->grid.nstore; x++)
            p->eta[x] = -p->eta[x];
    double *late = NULL;
    if (is("adjoint-off-by-one")) {
        size_t nt = p->nt, nr = p->rec.npoint;
        late = calloc(nt * nr, sizeof *late);
        if (!late)
            return osib_fail(err, OSIB_E_NOMEM, "out of memory");
        memcpy(late, d + nr, (nt - 1) * nr * sizeof *late); /* late[n] = d[n + 1] */
        d = late;
    }
    osib_status st = osib_backend_simple.adjoint(state, d, q, err);
    free(late);
    if (is("adjoint-damping-sign"))
        for (size_t x = 0; x < p->grid.nstore; x++)
            p->eta[x] = -p->eta[x];
    return st;
}

/* ---------------------------------------------------------------------------
 * Faults in what is written: applied to the outputs after serving.
 * ------------------------------------------------------------------------- */

static double to_binary16(double v)
{
    if (v == 0.0 || !isfinite(v))
        return v;
    int e;
    double m = frexp(v, &e);
    int bits = e >= -13 ? 11 : 11 - (-13 - e);
    if (bits < 1)
        return 0.0;
    return ldexp(nearbyint(ldexp(m, bits)), e - bits);
}

static void dirname_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    snprintf(out, cap, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
}

/* The published outputs of the request's case, from the kit's oracles. */
static int replay_oracle(const osib_request *r, double **out)
{
    char exe[4096], path[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = '\0';
    for (int up = 0; up < 3; up++) { /* <root>/build/tests/osib-faulty */
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
    }
    snprintf(path, sizeof path, "%s/oracles/%s.h5", exe, r->c.id);
    osib_h5file f = {.id = -1};
    if (osib_h5_open(&f, path, NULL) != OSIB_OK)
        return 0;
    int ok = 1;
    for (int i = 0; ok && i < r->noutputs; i++) {
        char dataset[64];
        snprintf(dataset, sizeof dataset, "/outputs/%s", r->outputs[i].name);
        free(out[i]);
        out[i] = NULL;
        ok = osib_h5_read_alloc(&f, dataset, r->outputs[i].rank, r->outputs[i].dims, &out[i], NULL) == OSIB_OK;
    }
    osib_h5_close(&f, NULL);
    return ok;
}

static int postprocess(const char *request_path)
{
    osib_request r;
    osib_err err = {0};
    if (osib_request_load(request_path, &r, &err) != OSIB_OK) {
        fprintf(stderr, "osib-faulty: %s\n", err.msg);
        return 4;
    }
    char dir[4096], path[4096];
    dirname_of(request_path, dir, sizeof dir);
    double *out[OSIB_REQ_MAX_OUTPUTS] = {0};
    int rc = 0;
    if (is("truncated-output") || is("missing-output")) {
        snprintf(path, sizeof path, "%s/%s", dir, r.outputs[0].file);
        if (is("missing-output"))
            unlink(path);
        else if (truncate(path, 100) != 0)
            rc = 4;
        goto done;
    }
    if (osib_arrays_read(dir, r.outputs, r.noutputs, out, &err) != OSIB_OK) {
        fprintf(stderr, "osib-faulty: %s\n", err.msg);
        rc = 4;
        goto done;
    }
    for (int i = 0; i < r.noutputs; i++) {
        const osib_array_ref *ref = &r.outputs[i];
        size_t n = osib_array_count(ref);
        double *v = out[i];
        if (is("float16"))
            for (size_t k = 0; k < n; k++)
                v[k] = to_binary16(v[k]);
        else if (is("one-nan") && n > 10)
            v[n / 2] = NAN;
        else if (is("gradient-sign") && strcmp(ref->name, "gradient") == 0)
            for (size_t k = 0; k < n; k++)
                v[k] = -v[k];
        else if (is("gradient-factor-2") && strcmp(ref->name, "gradient") == 0)
            for (size_t k = 0; k < n; k++)
                v[k] *= 2.0;
        else if (is("time-shift") && ref->rank == 2 && strstr(ref->name, "data")) {
            size_t nt = ref->dims[0], nr = ref->dims[1];
            memmove(v + nr, v, (nt - 1) * nr * sizeof *v);
            memset(v, 0, nr * sizeof *v);
        } else if (is("axes-transposed") && ref->rank >= 2 && strcmp(ref->name, "objective") != 0) {
            /* the first two axes swapped, the values written in the requested shape */
            size_t a = ref->dims[0], b = n / ref->dims[0];
            double *t = malloc(n * sizeof *t);
            for (size_t x = 0; t && x < a; x++)
                for (size_t y = 0; y < b; y++)
                    t[y * a + x] = v[x * b + y];
            if (t) {
                memcpy(v, t, n * sizeof *t);
                free(t);
            }
        }
    }
    if (is("replay-oracle") && !replay_oracle(&r, out)) {
        fprintf(stderr, "osib-faulty: no oracle to replay\n");
        rc = 4;
        goto done;
    }
    if (osib_arrays_write(dir, r.outputs, r.noutputs, (const double *const *)out, &err) != OSIB_OK) {
        fprintf(stderr, "osib-faulty: %s\n", err.msg);
        rc = 4;
    }
done:
    for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++)
        free(out[i]);
    osib_request_free(&r);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 5 || strcmp(argv[1], "--fault") != 0 || strcmp(argv[3], "protocol") != 0) {
        fprintf(stderr, "usage: osib-faulty --fault NAME protocol REQUEST.yaml\n");
        return 2;
    }
    fault = argv[2];
    if (is("crash"))
        abort();
    if (is("hang"))
        for (;;)
            pause();

    faulty = osib_backend_simple;
    faulty.name = "osib-faulty";
    faulty.set_model = faulty_set_model;
    faulty.adjoint = faulty_adjoint;
    osib_err err = {0};
    osib_status st = osib_protocol_serve(&faulty, argv[4], NULL, &err);
    if (st != OSIB_OK) {
        fprintf(stderr, "osib-faulty: %s\n", err.msg);
        return (int)st;
    }
    /* Faults inside the numerics are done; the others rewrite the outputs. */
    if (is("adjoint-damping-sign") || is("adjoint-off-by-one") || is("missing-dt2") || is("missing-vp2"))
        return 0;
    return postprocess(argv[4]);
}
