#include "request.h"

#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "yaml_tree.h"

/* ---------------------------------------------------------------------------
 * Operators' arrays
 * ------------------------------------------------------------------------- */

const char *const *osib_op_input_names(osib_op op)
{
    static const char *const fwd[] = {"vp", "src_wavelet", NULL};
    static const char *const adj[] = {"vp", "adjoint_data", NULL};
    static const char *const born[] = {"vp", "src_wavelet", "dm", NULL};
    static const char *const badj[] = {"vp", "src_wavelet", "adjoint_data", NULL};
    static const char *const grad[] = {"vp", "src_wavelet", "observed_data", NULL};
    static const char *const none[] = {NULL};
    switch (op) {
    case OSIB_OP_FORWARD: return fwd;
    case OSIB_OP_ADJOINT: return adj;
    case OSIB_OP_BORN: return born;
    case OSIB_OP_BORN_ADJOINT: return badj;
    case OSIB_OP_GRADIENT: return grad;
    case OSIB_OP_COUNT: break;
    }
    return none;
}

const char *const *osib_case_medium_names(const osib_case *c)
{
    static const char *const none[] = {NULL};
    static const char *const tti2[] = {"epsilon", "delta", "theta", NULL};
    static const char *const tti3[] = {"epsilon", "delta", "theta", "phi", NULL};
    if (!osib_case_is_tti(c))
        return none;
    return c->ndim == 3 ? tti3 : tti2;
}

/* The operators' inputs (osib_op order), for each medium: acoustic, 2D TTI,
 * 3D TTI. The medium's fields come after the operator's own inputs. */
#define OP_INPUTS(...)                                                                                                 \
    {                                                                                                                  \
        {"vp", "src_wavelet", __VA_ARGS__ NULL}, {"vp", "adjoint_data", __VA_ARGS__ NULL},                             \
            {"vp", "src_wavelet", "dm", __VA_ARGS__ NULL}, {"vp", "src_wavelet", "adjoint_data", __VA_ARGS__ NULL},    \
        {                                                                                                              \
            "vp", "src_wavelet", "observed_data", __VA_ARGS__ NULL                                                     \
        }                                                                                                              \
    }
static const char *const input_table[3][OSIB_OP_COUNT][OSIB_REQ_MAX_INPUTS + 1] = {
    OP_INPUTS(),
    OP_INPUTS("epsilon", "delta", "theta", ),
    OP_INPUTS("epsilon", "delta", "theta", "phi", ),
};
#undef OP_INPUTS

const char *const *osib_case_input_names(const osib_case *c, osib_op op)
{
    if ((int)op < 0 || op >= OSIB_OP_COUNT)
        return osib_op_input_names(OSIB_OP_COUNT);
    int medium = !osib_case_is_tti(c) ? 0 : c->ndim == 3 ? 2 : 1;
    return input_table[medium][op];
}

const char *const *osib_op_output_names(osib_op op)
{
    static const char *const fwd[] = {"forward_data", NULL};
    static const char *const adj[] = {"adjoint_wavelet", NULL};
    static const char *const born[] = {"born_data", NULL};
    static const char *const badj[] = {"born_adjoint_image", NULL};
    static const char *const grad[] = {"objective", "gradient", NULL};
    static const char *const none[] = {NULL};
    switch (op) {
    case OSIB_OP_FORWARD: return fwd;
    case OSIB_OP_ADJOINT: return adj;
    case OSIB_OP_BORN: return born;
    case OSIB_OP_BORN_ADJOINT: return badj;
    case OSIB_OP_GRADIENT: return grad;
    case OSIB_OP_COUNT: break;
    }
    return none;
}

/* The shape of a named array for a case. */
void osib_array_shape(const osib_case *c, const char *name, int *rank, size_t *dims)
{
    if (strcmp(name, "src_wavelet") == 0 || strcmp(name, "adjoint_wavelet") == 0) {
        *rank = 2;
        dims[0] = c->nt;
        dims[1] = c->sources.count;
    } else if (strcmp(name, "adjoint_data") == 0 || strcmp(name, "observed_data") == 0 ||
               strcmp(name, "forward_data") == 0 || strcmp(name, "born_data") == 0) {
        *rank = 2;
        dims[0] = c->nt;
        dims[1] = c->receivers.count;
    } else if (strcmp(name, "objective") == 0) {
        *rank = 1;
        dims[0] = 1;
    } else { /* vp, the Thomsen fields, dm, born_adjoint_image, gradient */
        *rank = c->ndim;
        for (int d = 0; d < c->ndim; d++)
            dims[d] = c->shape[d];
    }
}

static void fill_ref(osib_array_ref *ref, const osib_case *c, const char *name, int input, osib_array_format format,
                     int dtype_bytes)
{
    memset(ref, 0, sizeof *ref);
    snprintf(ref->name, sizeof ref->name, "%s", name);
    if (format == OSIB_FORMAT_HDF5) {
        snprintf(ref->file, sizeof ref->file, "%s", input ? "inputs.h5" : "outputs.h5");
        snprintf(ref->dataset, sizeof ref->dataset, "/%s/%s", input ? "inputs" : "outputs", name);
    } else {
        snprintf(ref->file, sizeof ref->file, "%s/%s.bin", input ? "inputs" : "outputs", name);
    }
    osib_array_shape(c, name, &ref->rank, ref->dims);
    /* The runner writes inputs in float64; outputs come in the declared
     * precision, except the objective: a float64 scalar in every class,
     * because the Taylor test differences nearly equal values of it. */
    ref->dtype_bytes = (input || strcmp(name, "objective") == 0) ? 8 : dtype_bytes;
}

void osib_request_layout(osib_request *r)
{
    const char *const *in = osib_case_input_names(&r->c, r->op), *const *out = osib_op_output_names(r->op);
    r->ninputs = r->noutputs = 0;
    for (; *in; in++)
        fill_ref(&r->inputs[r->ninputs++], &r->c, *in, 1, r->format, r->dtype_bytes);
    for (; *out; out++)
        fill_ref(&r->outputs[r->noutputs++], &r->c, *out, 0, r->format, r->dtype_bytes);
    snprintf(r->result_file, sizeof r->result_file, "result.yaml");
}

const osib_array_ref *osib_request_input(const osib_request *r, const char *name)
{
    for (int i = 0; i < r->ninputs; i++)
        if (strcmp(r->inputs[i].name, name) == 0)
            return &r->inputs[i];
    return NULL;
}

const osib_array_ref *osib_request_output(const osib_request *r, const char *name)
{
    for (int i = 0; i < r->noutputs; i++)
        if (strcmp(r->outputs[i].name, name) == 0)
            return &r->outputs[i];
    return NULL;
}

/* ---------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------- */

static void write_ref(FILE *f, const osib_array_ref *ref)
{
    fprintf(f, "  - {name: %s, file: \"%s\"", ref->name, ref->file);
    if (ref->dataset[0])
        fprintf(f, ", dataset: \"%s\"", ref->dataset);
    fprintf(f, ", shape: [");
    for (int i = 0; i < ref->rank; i++)
        fprintf(f, "%s%zu", i ? ", " : "", ref->dims[i]);
    fprintf(f, "], dtype: %s}\n", ref->dtype_bytes == 4 ? "float32" : "float64");
}

osib_status osib_request_write(const osib_request *r, const char *path, osib_err *err)
{
    char tmp[OSIB_PATH_MAX];
    osib_status st = osib_atomic_tmpname(path, tmp, sizeof tmp, err);
    if (st != OSIB_OK)
        return st;
    FILE *f = fopen(tmp, "w");
    if (!f)
        return osib_fail(err, OSIB_E_IO, "%s: cannot create: %s", tmp, strerror(errno));
    fprintf(f, "# OSIB protocol v%d request (spec/protocol.md)\n", OSIB_PROTOCOL_VERSION);
    fprintf(f, "osib_request: %d\n", OSIB_PROTOCOL_VERSION);
    fprintf(f, "task_id: %s\n", r->task_id);
    fprintf(f, "operator: %s\n", osib_op_name(r->op));
    fprintf(f, "precision: %s\n", r->dtype_bytes == 4 ? "float32" : "float64");
    fprintf(f, "repetition: %d\n", r->repetition);
    fprintf(f, "array_format: %s\n", r->format == OSIB_FORMAT_RAW ? "raw" : "hdf5");
    fprintf(f, "inputs:\n");
    for (int i = 0; i < r->ninputs; i++)
        write_ref(f, &r->inputs[i]);
    fprintf(f, "outputs:\n");
    for (int i = 0; i < r->noutputs; i++)
        write_ref(f, &r->outputs[i]);
    fprintf(f, "result: \"%s\"\n", r->result_file);
    fprintf(f, "case:\n");
    st = osib_case_write_yaml(&r->c, f, "  ", err);
    int ok = st == OSIB_OK && !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        osib_atomic_abort(tmp);
        return st != OSIB_OK ? st : osib_fail(err, OSIB_E_IO, "%s: write failed", path);
    }
    return osib_atomic_commit(tmp, path, err);
}

/* ---------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------- */

/* A path inside the task directory: relative, no "..", sane characters. */
static int safe_relative_path(const char *p)
{
    if (!p[0] || p[0] == '/')
        return 0;
    for (const char *s = p; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-' || *s == '.' || *s == '/'))
            return 0;
    for (const char *s = p; (s = strstr(s, "..")) != NULL; s += 2)
        if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
            return 0;
    return 1;
}

static osib_status parse_dtype(const osib_ynode *map, int *bytes, osib_err *err)
{
    char dtype[16];
    osib_ynode n;
    osib_status st = osib_ymap_string(map, "dtype", 1, dtype, sizeof dtype, err);
    if (st != OSIB_OK)
        return st;
    if (strcmp(dtype, "float64") == 0)
        *bytes = 8;
    else if (strcmp(dtype, "float32") == 0)
        *bytes = 4;
    else {
        osib_ymap_get(map, "dtype", 1, &n, NULL);
        return osib_yfail(err, &n, "\"%s\": expected float32 or float64", dtype);
    }
    return OSIB_OK;
}

static osib_status parse_refs(const osib_ynode *root, const char *key, const osib_request *r, const char *const *names,
                              osib_array_ref *refs, int *count, int max, int raw, osib_err *err)
{
    static const char *const keys[] = {"name", "file", "dataset", "shape", "dtype", NULL};
    osib_ynode list, item;
    size_t n;
    osib_status st = osib_ymap_get(root, key, 1, &list, err);
    if (st == OSIB_OK)
        st = osib_yseq_len(&list, &n, err);
    if (st != OSIB_OK)
        return st;
    size_t want = 0;
    while (names[want])
        want++;
    if (n != want || (int)n > max)
        return osib_yfail(err, &list, "operator %s needs %zu %s, the request lists %zu", osib_op_name(r->op), want, key,
                          n);
    for (size_t i = 0; i < n; i++) {
        osib_array_ref *ref = &refs[i];
        memset(ref, 0, sizeof *ref);
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = osib_ymap_check_keys(&item, keys, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "name", 1, ref->name, sizeof ref->name, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "file", 1, ref->file, sizeof ref->file, err)) != OSIB_OK ||
            (st = osib_ymap_string(&item, "dataset", 0, ref->dataset, sizeof ref->dataset, err)) != OSIB_OK ||
            (st = parse_dtype(&item, &ref->dtype_bytes, err)) != OSIB_OK)
            return st;
        if (strcmp(ref->name, names[i]) != 0)
            return osib_yfail(err, &item, "expected array \"%s\" at this position, got \"%s\"", names[i], ref->name);
        if (!safe_relative_path(ref->file))
            return osib_yfail(err, &item, "file \"%s\" is not a plain relative path inside the task directory",
                              ref->file);
        if (raw == (ref->dataset[0] != '\0') || (!raw && ref->dataset[0] != '/'))
            return osib_yfail(err, &item, raw ? "raw arrays have no dataset" : "HDF5 arrays need a dataset \"/...\"");
        long long dims[OSIB_REQ_RANK_MAX];
        size_t rank;
        if ((st = osib_ymap_int_list(&item, "shape", 0, OSIB_REQ_RANK_MAX, dims, &rank, err)) != OSIB_OK)
            return st;
        int want_rank;
        size_t want_dims[OSIB_REQ_RANK_MAX];
        osib_array_shape(&r->c, ref->name, &want_rank, want_dims);
        int same = (int)rank == want_rank;
        for (int d = 0; same && d < want_rank; d++)
            same = dims[d] >= 0 && (size_t)dims[d] == want_dims[d];
        if (!same)
            return osib_yfail(err, &item, "shape of \"%s\" does not match the case", ref->name);
        ref->rank = want_rank;
        for (int d = 0; d < want_rank; d++)
            ref->dims[d] = want_dims[d];
    }
    *count = (int)n;
    return OSIB_OK;
}

osib_status osib_request_load(const char *path, osib_request *r, osib_err *err)
{
    static const char *const keys[] = {"osib_request", "task_id", "operator", "precision", "repetition", "array_format",
                                       "inputs",       "outputs", "result",   "case",      NULL};
    memset(r, 0, sizeof *r);
    osib_yaml y;
    osib_ynode root, n;
    osib_status st = osib_yaml_load_file(&y, path, OSIB_E_USAGE, err);
    if (st != OSIB_OK)
        return st;
    long long v;
    char buf[64];
    if ((st = osib_yaml_root(&y, &root, err)) != OSIB_OK || (st = osib_ymap_check_keys(&root, keys, err)) != OSIB_OK ||
        (st = osib_ymap_int(&root, "osib_request", 1, &v, err)) != OSIB_OK)
        goto done;
    if (v != OSIB_PROTOCOL_VERSION) {
        osib_ymap_get(&root, "osib_request", 1, &n, NULL);
        st = osib_yfail(err, &n, "protocol version %lld is not supported (this kit speaks %d)", v,
                        OSIB_PROTOCOL_VERSION);
        goto done;
    }
    r->version = (int)v;
    if ((st = osib_ymap_string(&root, "task_id", 1, r->task_id, sizeof r->task_id, err)) != OSIB_OK ||
        (st = osib_ymap_string(&root, "operator", 1, buf, sizeof buf, err)) != OSIB_OK)
        goto done;
    int op = osib_op_parse(buf);
    if (op < 0) {
        osib_ymap_get(&root, "operator", 1, &n, NULL);
        st = osib_yfail(err, &n, "unknown operator \"%s\"", buf);
        goto done;
    }
    r->op = (osib_op)op;
    st = osib_ymap_string(&root, "precision", 1, buf, sizeof buf, err);
    if (st != OSIB_OK)
        goto done;
    if (strcmp(buf, "float64") == 0 || strcmp(buf, "float32") == 0) {
        r->dtype_bytes = buf[5] == '6' ? 8 : 4;
    } else {
        osib_ymap_get(&root, "precision", 1, &n, NULL);
        st = osib_yfail(err, &n, "\"%s\": expected float32 or float64", buf);
        goto done;
    }
    if ((st = osib_ymap_int(&root, "repetition", 1, &v, err)) != OSIB_OK)
        goto done;
    r->repetition = (int)v;
    if ((st = osib_ymap_string(&root, "array_format", 1, buf, sizeof buf, err)) != OSIB_OK)
        goto done;
    if (strcmp(buf, "hdf5") == 0)
        r->format = OSIB_FORMAT_HDF5;
    else if (strcmp(buf, "raw") == 0)
        r->format = OSIB_FORMAT_RAW;
    else {
        osib_ymap_get(&root, "array_format", 1, &n, NULL);
        st = osib_yfail(err, &n, "\"%s\": expected hdf5 or raw", buf);
        goto done;
    }
    if ((st = osib_ymap_get(&root, "case", 1, &n, err)) != OSIB_OK)
        goto done;
    y.invalid_status = OSIB_E_CASE;
    if ((st = osib_case_from_node(&n, &r->c, err)) != OSIB_OK)
        goto done;
    y.invalid_status = OSIB_E_USAGE;
    int raw = r->format == OSIB_FORMAT_RAW;
    if ((st = parse_refs(&root, "inputs", r, osib_case_input_names(&r->c, r->op), r->inputs, &r->ninputs,
                         OSIB_REQ_MAX_INPUTS, raw, err)) != OSIB_OK ||
        (st = parse_refs(&root, "outputs", r, osib_op_output_names(r->op), r->outputs, &r->noutputs,
                         OSIB_REQ_MAX_OUTPUTS, raw, err)) != OSIB_OK ||
        (st = osib_ymap_string(&root, "result", 1, r->result_file, sizeof r->result_file, err)) != OSIB_OK)
        goto done;
    if (!safe_relative_path(r->result_file)) {
        osib_ymap_get(&root, "result", 1, &n, NULL);
        st = osib_yfail(err, &n, "\"%s\" is not a plain relative path", r->result_file);
    }
done:
    osib_yaml_free(&y);
    if (st != OSIB_OK)
        osib_request_free(r);
    return st;
}

void osib_request_free(osib_request *r) { osib_case_free(&r->c); }

/* ---------------------------------------------------------------------------
 * Results
 * ------------------------------------------------------------------------- */

osib_status osib_result_write(const osib_result *res, const char *path, osib_err *err)
{
    osib_text t;
    osib_text_init(&t);
    osib_text_printf(&t, "osib_result: %d\ntask_id: %s\ncompute_seconds: %.9g\n", OSIB_PROTOCOL_VERSION, res->task_id,
                     res->compute_seconds);
    if (res->notes[0]) {
        osib_text_printf(&t, "notes: ");
        osib_text_yaml_string(&t, res->notes);
        osib_text_printf(&t, "\n");
    }
    osib_status st =
        t.failed ? osib_fail(err, OSIB_E_NOMEM, "out of memory") : osib_write_text_atomic(path, t.buf, t.len, err);
    osib_text_free(&t);
    return st;
}

osib_status osib_result_load(const char *path, osib_result *res, osib_err *err)
{
    static const char *const keys[] = {"osib_result", "task_id", "compute_seconds", "notes", NULL};
    memset(res, 0, sizeof *res);
    osib_yaml y;
    osib_ynode root, n;
    osib_status st = osib_yaml_load_file_limited(&y, path, OSIB_RESULT_MAX_BYTES, 1, OSIB_E_DATA, err);
    if (st != OSIB_OK)
        return st;
    long long v;
    if ((st = osib_yaml_root(&y, &root, err)) == OSIB_OK && (st = osib_ymap_check_keys(&root, keys, err)) == OSIB_OK &&
        (st = osib_ymap_int(&root, "osib_result", 1, &v, err)) == OSIB_OK &&
        (st = osib_ymap_string(&root, "task_id", 1, res->task_id, sizeof res->task_id, err)) == OSIB_OK &&
        (st = osib_ymap_double(&root, "compute_seconds", 1, &res->compute_seconds, err)) == OSIB_OK &&
        (st = osib_ymap_string(&root, "notes", 0, res->notes, sizeof res->notes, err)) == OSIB_OK) {
        if (v != OSIB_PROTOCOL_VERSION) {
            osib_ymap_get(&root, "osib_result", 1, &n, NULL);
            st = osib_yfail(err, &n, "protocol version %lld (expected %d)", v, OSIB_PROTOCOL_VERSION);
        } else if (!(res->compute_seconds >= 0.0)) {
            osib_ymap_get(&root, "compute_seconds", 1, &n, NULL);
            st = osib_yfail(err, &n, "%g: must be >= 0", res->compute_seconds);
        }
    }
    osib_yaml_free(&y);
    return st;
}
