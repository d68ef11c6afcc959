#include "refs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "h5io.h"
#include "hash.h"

/* Whether a record name is a plain file name the kit would make. */
static int plain_name(const char *name)
{
    if (!name[0] || strlen(name) > 100)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              *p == '_'))
            return 0;
    return 1;
}

static osib_status write_group(osib_h5file *f, const char *group, const osib_case *c, const char *const *names,
                               const double *const *arrays, osib_err *err)
{
    osib_status st = OSIB_OK;
    for (int i = 0; st == OSIB_OK && names[i]; i++) {
        if (!arrays[i])
            continue;
        int rank;
        size_t dims[OSIB_REQ_RANK_MAX];
        osib_array_shape(c, names[i], &rank, dims);
        char ds[96];
        snprintf(ds, sizeof ds, "/%s/%s", group, names[i]);
        st = osib_h5_write(f, ds, arrays[i], rank, dims, NULL, OSIB_H5_COMPRESS, err);
    }
    return st;
}

static osib_status list_file(const char *dir, osib_report *report, const char *rel, osib_err *err)
{
    char path[OSIB_PATH_MAX], hex[OSIB_SHA256_HEX];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    osib_status st = osib_sha256_file(path, hex, err);
    if (st == OSIB_OK)
        st = osib_report_add_file(report, rel, hex, 1, err);
    return st;
}

osib_status osib_ref_write(const char *dir, osib_report *report, const char *name, const osib_ref_record *r,
                           char rel[128], osib_err *err)
{
    if (!plain_name(name))
        return osib_fail(err, OSIB_E_INTERNAL, "reference record name \"%s\"", name);
    char path[OSIB_PATH_MAX], tmp[OSIB_PATH_MAX] = "", yaml_rel[128];
    snprintf(path, sizeof path, "%s/refs", dir);
    osib_status st = osib_mkdir_p(path, err);
    if (st != OSIB_OK)
        return st;

    /* The case, as YAML that loads back to the same case. */
    snprintf(yaml_rel, sizeof yaml_rel, "refs/%s.yaml", name);
    snprintf(path, sizeof path, "%s/%s", dir, yaml_rel);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    st = osib_case_write_yaml(r->c, mem, "", err);
    fclose(mem);
    if (st == OSIB_OK)
        st = osib_write_text_atomic(path, text, len, err);
    free(text);
    if (st == OSIB_OK)
        st = list_file(dir, report, yaml_rel, err);
    if (st != OSIB_OK)
        return st;

    snprintf(rel, 128, "refs/%s.h5", name);
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    osib_h5file f = {.id = -1};
    st = osib_atomic_tmpname(path, tmp, sizeof tmp, err);
    if (st == OSIB_OK)
        st = osib_h5_create(&f, tmp, err);
    if (st == OSIB_OK)
        st = write_group(&f, "inputs", r->c, osib_case_input_names(r->c, r->op), r->inputs, err);
    if (st == OSIB_OK)
        st = write_group(&f, "outputs", r->c, osib_op_output_names(r->op), r->outputs, err);
    if (st == OSIB_OK)
        st = write_group(&f, "compared", r->c, osib_op_output_names(r->op), r->compared, err);
    if (st == OSIB_OK && r->weights) {
        size_t n = r->nweights;
        st = osib_h5_write(&f, "/weights", r->weights, 1, &n, NULL, 0, err);
    }
    if (st == OSIB_OK)
        st = osib_h5_set_attr_string(&f, "/", "operator", osib_op_name(r->op), err);
    if (st == OSIB_OK)
        st = osib_h5_set_attr_string(&f, "/", "reference", r->kind == OSIB_REF_FAST ? "fast" : "simple", err);
    osib_status cst = osib_h5_close(&f, st == OSIB_OK ? err : NULL);
    if (st == OSIB_OK)
        st = cst;
    if (st == OSIB_OK)
        st = osib_atomic_commit(tmp, path, err);
    else if (tmp[0])
        osib_atomic_abort(tmp);
    if (st == OSIB_OK)
        st = list_file(dir, report, rel, err);
    return st;
}

static osib_status read_group(osib_h5file *f, const char *group, const osib_case *c, const char *const *names,
                              double **arrays, int required, osib_err *err)
{
    osib_status st = OSIB_OK;
    for (int i = 0; st == OSIB_OK && names[i]; i++) {
        int rank;
        size_t dims[OSIB_REQ_RANK_MAX];
        osib_array_shape(c, names[i], &rank, dims);
        char ds[96];
        snprintf(ds, sizeof ds, "/%s/%s", group, names[i]);
        if (!required && !osib_h5_exists(f, ds))
            continue;
        st = osib_h5_read_alloc(f, ds, rank, dims, &arrays[i], err);
    }
    return st;
}

void osib_ref_free(osib_ref_loaded *r)
{
    for (int i = 0; i < OSIB_REQ_MAX_INPUTS; i++)
        free(r->inputs[i]);
    for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++) {
        free(r->outputs[i]);
        free(r->compared[i]);
    }
    free(r->weights);
    osib_case_free(&r->c);
    memset(r, 0, sizeof *r);
}

osib_status osib_ref_read(const char *dir, const char *rel, osib_ref_loaded *r, osib_err *err)
{
    memset(r, 0, sizeof *r);
    size_t len = strlen(rel);
    char name[128];
    snprintf(name, sizeof name, "%.*s", len > 8 ? (int)(len - 8) : 0, rel + 5);
    if (strncmp(rel, "refs/", 5) != 0 || len < 9 || strcmp(rel + len - 3, ".h5") != 0 || !plain_name(name))
        return osib_fail(err, OSIB_E_DATA, "\"%s\" is not a reference record of the kit", rel);
    char path[OSIB_PATH_MAX];
    snprintf(path, sizeof path, "%s/refs/%s.yaml", dir, name);
    osib_status st = osib_case_load(path, &r->c, err);
    if (st != OSIB_OK)
        return st;
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    osib_h5file f = {.id = -1};
    char op[32] = "", kind[16] = "";
    st = osib_h5_open(&f, path, err);
    if (st == OSIB_OK)
        st = osib_h5_get_attr_string(&f, "/", "operator", op, sizeof op, err);
    if (st == OSIB_OK)
        st = osib_h5_get_attr_string(&f, "/", "reference", kind, sizeof kind, err);
    if (st == OSIB_OK && (osib_op_parse(op) < 0 || (strcmp(kind, "fast") != 0 && strcmp(kind, "simple") != 0)))
        st = osib_fail(err, OSIB_E_DATA, "%s: operator \"%s\", reference \"%s\"", path, op, kind);
    if (st == OSIB_OK) {
        r->op = (osib_op)osib_op_parse(op);
        r->kind = strcmp(kind, "fast") == 0 ? OSIB_REF_FAST : OSIB_REF_SIMPLE;
        st = read_group(&f, "inputs", &r->c, osib_case_input_names(&r->c, r->op), r->inputs, 0, err);
    }
    if (st == OSIB_OK)
        st = read_group(&f, "outputs", &r->c, osib_op_output_names(r->op), r->outputs, 1, err);
    if (st == OSIB_OK)
        st = read_group(&f, "compared", &r->c, osib_op_output_names(r->op), r->compared, 0, err);
    if (st == OSIB_OK && osib_h5_exists(&f, "/weights")) {
        int rank;
        size_t dims[OSIB_MAX_RANK];
        st = osib_h5_shape(&f, "/weights", &rank, dims, err);
        if (st == OSIB_OK && rank != 1)
            st = osib_fail(err, OSIB_E_DATA, "%s: /weights is not a list", path);
        if (st == OSIB_OK) {
            r->nweights = dims[0];
            st = osib_h5_read_alloc(&f, "/weights", 1, dims, &r->weights, err);
        }
    }
    osib_h5_close(&f, NULL);
    if (st != OSIB_OK)
        osib_ref_free(r);
    return st;
}
