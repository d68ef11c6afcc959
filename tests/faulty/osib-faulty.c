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
 *
 * Attacks on the runner and its verdicts (spec/protocol.md §2.4, §3):
 *
 *   recognise-published   right on the published inputs; on any other vp a
 *                         self-consistent wrong physics (the model 2%
 *                         faster everywhere), so dot, linearity and Taylor
 *                         tests pass: only the challenge gate can tell
 *   mirror-model          reads vp and dm with x reversed and writes images
 *                         with x reversed: invisible on a left-right
 *                         symmetric case with a centred source
 *   deep-zero             images and gradients zero in the deepest 30%
 *   replay-cache          computes repetition 1 of a timed series, and
 *                         answers the others from a cache, scaled by the
 *                         ratio of their inputs' norms
 *   implausible-compute   reports 1 microsecond of compute
 *   modify-inputs         rewrites its inputs.h5 after reading it
 *   move-task-dir         moves its task directory away, leaving a link
 *   fifo-output           leaves a FIFO where outputs.h5 should be
 *   zero-link-output      leaves a link to /dev/zero as outputs.h5
 *   fifo-result           leaves a FIFO where result.yaml should be
 *   nested-result         result.yaml of 8 MB of '['
 *   deep-result           result.yaml nested 40 levels in 200 bytes
 *   h5-external-link      outputs.h5 whose /outputs group is an external
 *                         link to a file outside the task directory
 *   h5-external-storage   the output dataset's values stored in an
 *                         external file (/dev/zero)
 *   huge-stdout           computes correctly and writes 1 GB to stdout
 *   fifo-logs             computes correctly and leaves FIFOs named
 *                         stdout.txt and stderr.txt in its task directory
 *   daemon                computes correctly and leaves a setsid daemon
 *                         that, two seconds later, appends to every
 *                         report.yaml it can find above the task
 *   poison-kit            rewrites the kit's oracle and MANIFEST (under
 *                         $OSIB_ROOT) with its own wrong outputs
 *   tti-published-medium  TTI: takes epsilon, delta and theta from the
 *                         published oracle whatever the request says (a
 *                         program that loads its anisotropy from a file of
 *                         its own): right on every gate that uses the
 *                         published medium, wrong only on the challenge,
 *                         whose medium is fresh
 *   tti-theta-sign        TTI: the tilt's sign flipped (the other sign
 *                         convention for theta)
 */
#include <hdf5.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "arrays.h"
#include "backend_simple.h"
#include "h5io.h"
#include "manifest.h"
#include "operators.h"
#include "protocol.h"
#include "request.h"

static const char *fault = "";

static int is(const char *name) { return strcmp(fault, name) == 0; }

/* ---------------------------------------------------------------------------
 * Faults inside the numerics: a backend that wraps the simple reference.
 * ------------------------------------------------------------------------- */

static osib_backend faulty;

/* The request being served (for faults that need its case). */
static osib_request served;

/* The kit root: $OSIB_ROOT, or three levels above this program
 * (<root>/build/tests/osib-faulty). */
static void kit_root(char *out, size_t cap)
{
    const char *env = getenv("OSIB_ROOT");
    if (env && env[0]) {
        snprintf(out, cap, "%s", env);
        return;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
    }
    snprintf(out, cap, "%s", exe);
}

/* Whether vp is the published model of the request's case. */
static int published_vp(const double *vp)
{
    char root[4096], path[4200];
    kit_root(root, sizeof root);
    snprintf(path, sizeof path, "%s/oracles/%s.h5", root, served.c.id);
    osib_h5file f = {.id = -1};
    if (osib_h5_open(&f, path, NULL) != OSIB_OK)
        return 0;
    double *pub = NULL;
    int same = osib_h5_read_alloc(&f, "/inputs/vp", served.c.ndim, served.c.shape, &pub, NULL) == OSIB_OK;
    osib_h5_close(&f, NULL);
    size_t n = osib_case_physical_points(&served.c);
    for (size_t k = 0; same && k < n; k++)
        same = pub[k] == vp[k];
    free(pub);
    return same;
}

/* x reversed in a physical-grid array. */
static void mirror_x(const osib_case *c, double *a)
{
    size_t nx = c->shape[0], row = osib_case_physical_points(c) / nx;
    for (size_t x = 0; x < nx / 2; x++)
        for (size_t k = 0; k < row; k++) {
            double t = a[x * row + k];
            a[x * row + k] = a[(nx - 1 - x) * row + k];
            a[(nx - 1 - x) * row + k] = t;
        }
}

static osib_status faulty_set_model(void *state, const double *vp_in, osib_err *err)
{
    size_t n = osib_case_physical_points(&served.c);
    double *vp = malloc(n * sizeof *vp);
    if (!vp)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    memcpy(vp, vp_in, n * sizeof *vp);
    if (is("recognise-published") && !published_vp(vp_in))
        for (size_t k = 0; k < n; k++)
            vp[k] *= 1.02;
    if (is("mirror-model"))
        mirror_x(&served.c, vp);
    osib_status st = osib_backend_simple.set_model(state, vp, err);
    free(vp);
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

/* The published Thomsen field name of the request's case, into out
 * (physical grid); 0 when there is none. */
static int published_field(const char *name, double *out)
{
    char root[4096], path[4200], dataset[64];
    kit_root(root, sizeof root);
    snprintf(path, sizeof path, "%s/oracles/%s.h5", root, served.c.id);
    snprintf(dataset, sizeof dataset, "/inputs/%s", name);
    osib_h5file f = {.id = -1};
    if (osib_h5_open(&f, path, NULL) != OSIB_OK)
        return 0;
    double *pub = NULL;
    int ok = osib_h5_read_alloc(&f, dataset, served.c.ndim, served.c.shape, &pub, NULL) == OSIB_OK;
    osib_h5_close(&f, NULL);
    if (ok)
        memcpy(out, pub, osib_case_physical_points(&served.c) * sizeof *out);
    free(pub);
    return ok;
}

static osib_status faulty_set_thomsen(void *state, const osib_thomsen *th_in, osib_err *err)
{
    size_t n = osib_case_physical_points(&served.c);
    double *e = malloc(n * sizeof *e), *d = malloc(n * sizeof *d), *t = malloc(n * sizeof *t);
    if (!e || !d || !t) {
        free(e), free(d), free(t);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    }
    memcpy(e, th_in->epsilon, n * sizeof *e);
    memcpy(d, th_in->delta, n * sizeof *d);
    memcpy(t, th_in->theta_rad, n * sizeof *t);
    if (is("tti-published-medium")) {
        published_field("epsilon", e);
        published_field("delta", d);
        published_field("theta", t);
    }
    if (is("tti-theta-sign"))
        for (size_t k = 0; k < n; k++)
            t[k] = -t[k];
    osib_thomsen th = {e, d, t, th_in->phi_rad};
    osib_status st = osib_backend_simple.set_thomsen(state, &th, err);
    free(e), free(d), free(t);
    return st;
}

static osib_status faulty_born(void *state, const double *q, const double *dm, double *d, osib_err *err)
{
    if (!is("mirror-model"))
        return osib_backend_simple.born(state, q, dm, d, err);
    size_t n = osib_case_physical_points(&served.c);
    double *m = malloc(n * sizeof *m);
    if (!m)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    memcpy(m, dm, n * sizeof *m);
    mirror_x(&served.c, m);
    osib_status st = osib_backend_simple.born(state, q, m, d, err);
    free(m);
    return st;
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

/* ---------------------------------------------------------------------------
 * Attacks on the runner: files, processes, the kit.
 * ------------------------------------------------------------------------- */

static void path_in(const char *dir, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static int write_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(text, 1, len, f);
    return fclose(f) == 0 && w == len ? 0 : -1;
}

/* The varying input of a timed repetition, and its norm. */
static double input_norm(const char *dir, const osib_request *r)
{
    const char *name = r->op == OSIB_OP_FORWARD    ? "src_wavelet"
                       : r->op == OSIB_OP_BORN     ? "dm"
                       : r->op == OSIB_OP_GRADIENT ? "observed_data"
                                                   : "adjoint_data";
    const osib_array_ref *ref = osib_request_input(r, name);
    double *x = NULL, s = 0.0;
    if (!ref || osib_arrays_read(dir, ref, 1, &x, NULL) != OSIB_OK)
        return 0.0;
    for (size_t i = 0; i < osib_array_count(ref); i++)
        s += x[i] * x[i];
    free(x);
    return sqrt(s);
}

/* replay-cache: the first timed repetition is computed and cached (in the
 * report directory, two levels above the task); the others are answered
 * from the cache, scaled. Returns 1 when it answered. */
static int replay_from_cache(const char *request_path)
{
    osib_request r;
    if (osib_request_load(request_path, &r, NULL) != OSIB_OK)
        return 0;
    char dir[4096], cache[4200], meta[4300];
    dirname_of(request_path, dir, sizeof dir);
    snprintf(cache, sizeof cache, "%s/../../.cache-%s-%s.h5", dir, r.c.id, osib_op_name(r.op));
    snprintf(meta, sizeof meta, "%s.norm", cache);
    int answered = 0;
    FILE *f = r.repetition >= 2 ? fopen(meta, "r") : NULL;
    double cached_norm = 0.0;
    if (f && fscanf(f, "%lf", &cached_norm) == 1 && cached_norm > 0.0) {
        double scale = input_norm(dir, &r) / cached_norm;
        osib_h5file h = {.id = -1};
        double *out[OSIB_REQ_MAX_OUTPUTS] = {0};
        int ok = osib_h5_open(&h, cache, NULL) == OSIB_OK;
        for (int i = 0; ok && i < r.noutputs; i++) {
            char ds[96];
            snprintf(ds, sizeof ds, "/outputs/%s", r.outputs[i].name);
            ok = osib_h5_read_alloc(&h, ds, r.outputs[i].rank, r.outputs[i].dims, &out[i], NULL) == OSIB_OK;
            for (size_t k = 0; ok && k < osib_array_count(&r.outputs[i]); k++)
                out[i][k] *= strcmp(r.outputs[i].name, "objective") == 0 ? scale * scale : scale;
        }
        osib_h5_close(&h, NULL);
        if (ok && osib_arrays_write(dir, r.outputs, r.noutputs, (const double *const *)out, NULL) == OSIB_OK) {
            usleep(150000); /* plausible times: the cache, not the clock, is the lie */
            osib_result res = {.compute_seconds = 0.1};
            snprintf(res.task_id, sizeof res.task_id, "%s", r.task_id);
            char path[4200];
            path_in(dir, r.result_file, path, sizeof path);
            answered = osib_result_write(&res, path, NULL) == OSIB_OK;
        }
        for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++)
            free(out[i]);
    }
    if (f)
        fclose(f);
    osib_request_free(&r);
    return answered;
}

static void cache_first_repetition(const char *request_path)
{
    osib_request r;
    if (osib_request_load(request_path, &r, NULL) != OSIB_OK)
        return;
    if (r.repetition == 1) {
        char dir[4096], from[4200], cache[4200], meta[4300];
        dirname_of(request_path, dir, sizeof dir);
        snprintf(cache, sizeof cache, "%s/../../.cache-%s-%s.h5", dir, r.c.id, osib_op_name(r.op));
        snprintf(meta, sizeof meta, "%s.norm", cache);
        path_in(dir, r.outputs[0].file, from, sizeof from);
        char cmd[9000];
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, cache);
        if (system(cmd) == 0) {
            char text[64];
            int n = snprintf(text, sizeof text, "%.17g\n", input_norm(dir, &r));
            write_text(meta, text, (size_t)n);
        }
    }
    osib_request_free(&r);
}

/* h5-external-link: the outputs in a file beside the report, and
 * outputs.h5 holding only an external link to them. */
static int external_link(const char *dir, const osib_request *r)
{
    char here[4200], there[4200];
    path_in(dir, r->outputs[0].file, here, sizeof here);
    snprintf(there, sizeof there, "%s/../../elsewhere-%s.h5", dir, r->task_id);
    if (rename(here, there) != 0)
        return -1;
    hid_t f = H5Fcreate(here, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0)
        return -1;
    herr_t e = H5Lcreate_external(there, "/outputs", f, "/outputs", H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(f);
    return e < 0 ? -1 : 0;
}

/* h5-external-storage: every output dataset stored in /dev/zero. */
static int external_storage(const char *dir, const osib_request *r)
{
    char path[4200];
    path_in(dir, r->outputs[0].file, path, sizeof path);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0)
        return -1;
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    int ok = 1;
    for (int i = 0; ok && i < r->noutputs; i++) {
        hsize_t dims[3];
        for (int d = 0; d < r->outputs[i].rank; d++)
            dims[d] = r->outputs[i].dims[d];
        hid_t space = H5Screate_simple(r->outputs[i].rank, dims, NULL);
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_external(dcpl, "/dev/zero", 0, (hsize_t)(8 * osib_array_count(&r->outputs[i])));
        char ds[96];
        snprintf(ds, sizeof ds, "/outputs/%s", r->outputs[i].name);
        hid_t d = H5Dcreate2(f, ds, H5T_IEEE_F64LE, space, lcpl, dcpl, H5P_DEFAULT);
        ok = d >= 0;
        if (d >= 0)
            H5Dclose(d);
        H5Pclose(dcpl);
        H5Sclose(space);
    }
    H5Pclose(lcpl);
    H5Fclose(f);
    return ok ? 0 : -1;
}

/* daemon: a process that leaves the process group and, later, tampers
 * with the report two levels above the task. */
static void start_daemon(const char *dir)
{
    pid_t pid = fork();
    if (pid != 0)
        return;
    setsid();
    if (fork() != 0)
        _exit(0);
    sleep(2);
    char path[4200];
    snprintf(path, sizeof path, "%s/../../report.yaml", dir);
    FILE *f = fopen(path, "a");
    if (f) {
        fputs("# rewritten by a daemon the implementation left behind\n", f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/../../daemon-was-here", dir);
    write_text(path, "yes\n", 4);
    _exit(0);
}

/* poison-kit: its own (wrong) forward data as the kit's oracle, and a
 * MANIFEST to match. */
static int poison_kit(const char *dir, const osib_request *r)
{
    if (r->op != OSIB_OP_FORWARD)
        return 0;
    char root[4096], oracle[4200], manifest[4200], mine[4200];
    kit_root(root, sizeof root);
    snprintf(oracle, sizeof oracle, "%s/oracles/%s.h5", root, r->c.id);
    snprintf(manifest, sizeof manifest, "%s/oracles/MANIFEST", root);
    path_in(dir, r->outputs[0].file, mine, sizeof mine);
    double *out = NULL;
    if (osib_arrays_read(dir, r->outputs, 1, &out, NULL) != OSIB_OK)
        return -1;
    hid_t f = H5Fopen(oracle, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t d = f >= 0 ? H5Dopen2(f, "/outputs/forward_data", H5P_DEFAULT) : -1;
    int ok = d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0;
    if (d >= 0)
        H5Dclose(d);
    if (f >= 0)
        H5Fclose(f);
    free(out);
    osib_manifest m = {0};
    ok = ok && osib_manifest_add_file(&m, oracle, NULL) == OSIB_OK;
    /* every other oracle as it is */
    osib_manifest old = {0};
    if (ok && osib_manifest_read(&old, manifest, NULL) == OSIB_OK) {
        for (size_t i = 0; i < old.count; i++)
            if (strcmp(old.entries[i].case_id, r->c.id) != 0 && m.count < m.cap) {
                m.entries[m.count++] = old.entries[i];
            } else if (strcmp(old.entries[i].case_id, r->c.id) != 0) {
                osib_manifest_entry *grown = realloc(m.entries, 2 * m.cap * sizeof *grown);
                if (grown) {
                    m.entries = grown;
                    m.cap *= 2;
                    m.entries[m.count++] = old.entries[i];
                }
            }
        osib_manifest_free(&old);
    }
    ok = ok && osib_manifest_write(&m, manifest, NULL) == OSIB_OK;
    osib_manifest_free(&m);
    return ok ? 0 : -1;
}

/* The attacks that act after the outputs are written. Returns the exit
 * code, or -1 when the fault is not one of these. */
static int attack(const char *request_path)
{
    osib_request r;
    if (osib_request_load(request_path, &r, NULL) != OSIB_OK)
        return -1;
    char dir[4096], path[4200], text[256];
    dirname_of(request_path, dir, sizeof dir);
    int rc = -1;
    if (is("implausible-compute")) {
        osib_result res = {.compute_seconds = 1e-6};
        snprintf(res.task_id, sizeof res.task_id, "%s", r.task_id);
        path_in(dir, r.result_file, path, sizeof path);
        rc = osib_result_write(&res, path, NULL) == OSIB_OK ? 0 : 4;
    } else if (is("modify-inputs")) {
        path_in(dir, r.inputs[0].file, path, sizeof path);
        FILE *f = fopen(path, "ab");
        rc = f && fputs("tampered", f) >= 0 && fclose(f) == 0 ? 0 : 4;
    } else if (is("move-task-dir")) {
        char moved[4200];
        snprintf(moved, sizeof moved, "%s.moved", dir);
        rc = rename(dir, moved) == 0 && symlink(moved, dir) == 0 ? 0 : 4;
    } else if (is("fifo-output") || is("zero-link-output")) {
        path_in(dir, r.outputs[0].file, path, sizeof path);
        unlink(path);
        rc = (is("fifo-output") ? mkfifo(path, 0644) : symlink("/dev/zero", path)) == 0 ? 0 : 4;
    } else if (is("fifo-result")) {
        path_in(dir, r.result_file, path, sizeof path);
        unlink(path);
        rc = mkfifo(path, 0644) == 0 ? 0 : 4;
    } else if (is("nested-result") || is("deep-result")) {
        path_in(dir, r.result_file, path, sizeof path);
        if (is("nested-result")) {
            size_t n = 8u << 20;
            char *big = malloc(n);
            if (big) {
                memset(big, '[', n);
                rc = write_text(path, big, n) == 0 ? 0 : 4;
                free(big);
            } else
                rc = 4;
        } else {
            int n =
                snprintf(text, sizeof text, "osib_result: 1\ntask_id: %s\ncompute_seconds: 0.1\nnotes: ", r.task_id);
            for (int i = 0; i < 40; i++)
                text[n++] = '[';
            for (int i = 0; i < 40; i++)
                text[n++] = ']';
            text[n++] = '\n';
            rc = write_text(path, text, (size_t)n) == 0 ? 0 : 4;
        }
    } else if (is("h5-external-link")) {
        rc = external_link(dir, &r) == 0 ? 0 : 4;
    } else if (is("h5-external-storage")) {
        rc = external_storage(dir, &r) == 0 ? 0 : 4;
    } else if (is("fifo-logs")) {
        rc = 0;
        const char *names[] = {"stdout.txt", "stderr.txt"};
        for (int i = 0; i < 2; i++) {
            path_in(dir, names[i], path, sizeof path);
            unlink(path);
            if (mkfifo(path, 0644) != 0)
                rc = 4;
        }
    } else if (is("huge-stdout")) {
        static char mb[1 << 20];
        memset(mb, 'x', sizeof mb);
        for (int i = 0; i < 1024; i++)
            if (fwrite(mb, 1, sizeof mb, stdout) != sizeof mb)
                break;
        fflush(stdout);
        rc = 0;
    } else if (is("daemon")) {
        start_daemon(dir);
        rc = 0;
    } else if (is("poison-kit")) {
        rc = poison_kit(dir, &r) == 0 ? 0 : 4;
    } else if (is("replay-cache")) {
        cache_first_repetition(request_path);
        rc = 0;
    }
    osib_request_free(&r);
    return rc;
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
        else if (is("mirror-model") &&
                 (strcmp(ref->name, "gradient") == 0 || strcmp(ref->name, "born_adjoint_image") == 0))
            mirror_x(&r.c, v);
        else if (is("deep-zero") &&
                 (strcmp(ref->name, "gradient") == 0 || strcmp(ref->name, "born_adjoint_image") == 0)) {
            size_t nz = ref->dims[ref->rank - 1];
            for (size_t k = 0; k < n; k++)
                if (k % nz >= (size_t)(0.7 * (double)nz))
                    v[k] = 0.0;
        } else if (is("gradient-sign") && strcmp(ref->name, "gradient") == 0)
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

    if (is("replay-cache") && replay_from_cache(argv[4]))
        return 0;

    faulty = osib_backend_simple;
    faulty.name = "osib-faulty";
    faulty.set_model = faulty_set_model;
    faulty.set_thomsen = faulty_set_thomsen;
    faulty.adjoint = faulty_adjoint;
    faulty.born = faulty_born;
    osib_err err = {0};
    if (osib_request_load(argv[4], &served, &err) != OSIB_OK) {
        fprintf(stderr, "osib-faulty: %s\n", err.msg);
        return (int)err.status;
    }
    osib_status st = osib_protocol_serve(&faulty, argv[4], NULL, &err);
    if (st != OSIB_OK) {
        fprintf(stderr, "osib-faulty: %s\n", err.msg);
        return (int)st;
    }
    if (is("poison-kit")) /* wrong physics first (a one-sample delay), then the kit to match */
        fault = "time-shift";
    int rc = 0;
    /* Faults inside the numerics are done; the others rewrite the outputs. */
    if (!(is("adjoint-damping-sign") || is("adjoint-off-by-one") || is("missing-dt2") || is("missing-vp2") ||
          is("recognise-published") || is("tti-published-medium") || is("tti-theta-sign")))
        rc = postprocess(argv[4]);
    if (strcmp(argv[2], "poison-kit") == 0)
        fault = argv[2];
    if (rc == 0) {
        int a = attack(argv[4]);
        rc = a < 0 ? 0 : a;
    }
    osib_request_free(&served);
    return rc;
}
