#include "manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "h5io.h"

static osib_status append(osib_manifest *m, const osib_manifest_entry *e, osib_err *err)
{
    if (m->count == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 32;
        osib_manifest_entry *grown = realloc(m->entries, cap * sizeof *grown);
        if (!grown)
            return osib_fail(err, OSIB_E_NOMEM, "out of memory for the manifest");
        m->entries = grown;
        m->cap = cap;
    }
    m->entries[m->count++] = *e;
    return OSIB_OK;
}

typedef struct {
    osib_manifest *m;
    osib_h5file *f;
    const char *case_id;
    osib_err *err;
} add_ctx;

static osib_status add_dataset(void *ctx_, const char *path)
{
    add_ctx *ctx = ctx_;
    int rank;
    size_t dims[OSIB_MAX_RANK];
    double *data = NULL;
    osib_status st = osib_h5_shape(ctx->f, path, &rank, dims, ctx->err);
    if (st == OSIB_OK)
        st = osib_h5_read_alloc(ctx->f, path, rank, dims, &data, ctx->err);
    if (st != OSIB_OK)
        return st;
    size_t count = 1;
    osib_manifest_entry e = {0};
    snprintf(e.case_id, sizeof e.case_id, "%s", ctx->case_id);
    snprintf(e.dataset, sizeof e.dataset, "%s", path);
    size_t len = (size_t)snprintf(e.shape, sizeof e.shape, "[");
    for (int i = 0; i < rank; i++) {
        count *= dims[i];
        len += (size_t)snprintf(e.shape + len, sizeof e.shape - len, "%s%zu", i ? "," : "", dims[i]);
    }
    snprintf(e.shape + len, sizeof e.shape - len, "]");
    st = osib_sha256_doubles(data, count, e.sha256, ctx->err);
    free(data);
    if (st == OSIB_OK)
        st = append(ctx->m, &e, ctx->err);
    return st;
}

osib_status osib_manifest_add_file(osib_manifest *m, const char *h5_path, osib_err *err)
{
    osib_h5file f = {.id = -1};
    char case_id[64];
    osib_status st = osib_h5_open(&f, h5_path, err);
    if (st != OSIB_OK)
        return st;
    st = osib_h5_get_attr_string(&f, "/", "case_id", case_id, sizeof case_id, err);
    if (st == OSIB_OK) {
        add_ctx ctx = {m, &f, case_id, err};
        st = osib_h5_each_dataset(&f, add_dataset, &ctx, err);
    }
    osib_h5_close(&f, NULL);
    return st;
}

osib_status osib_manifest_read(osib_manifest *m, const char *path, osib_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return osib_fail(err, OSIB_E_IO, "%s: cannot open the manifest", path);
    char line[1024];
    size_t lineno = 0;
    osib_status st = OSIB_OK;
    while (st == OSIB_OK && fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        osib_manifest_entry e = {0};
        char type[16];
        if (sscanf(line, "%64s %63s %127s %15s %63s", e.sha256, e.case_id, e.dataset, type, e.shape) != 5 ||
            strlen(e.sha256) != 64 || strcmp(type, "float64") != 0)
            st = osib_fail(err, OSIB_E_DATA, "%s:%zu: malformed manifest line", path, lineno);
        else
            st = append(m, &e, err);
    }
    fclose(f);
    return st;
}

static int compare_entries(const void *a, const void *b)
{
    const osib_manifest_entry *x = a, *y = b;
    int c = strcmp(x->case_id, y->case_id);
    return c ? c : strcmp(x->dataset, y->dataset);
}

osib_status osib_manifest_write(osib_manifest *m, const char *path, osib_err *err)
{
    qsort(m->entries, m->count, sizeof *m->entries, compare_entries);
    size_t cap = 256 + m->count * 320, len = 0;
    char *text = malloc(cap);
    if (!text)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    len += (size_t)snprintf(text + len, cap - len,
                            "# OSIB oracle manifest: SHA-256 of each array's canonical bytes\n"
                            "# (IEEE-754 binary64, little-endian, C order). Regenerate with `make oracles`;\n"
                            "# check with `make verify-oracles`.\n");
    for (size_t i = 0; i < m->count; i++) {
        const osib_manifest_entry *e = &m->entries[i];
        len += (size_t)snprintf(text + len, cap - len, "%s  %s  %s  float64 %s\n", e->sha256, e->case_id, e->dataset,
                                e->shape);
    }
    osib_status st = osib_write_text_atomic(path, text, len, err);
    free(text);
    return st;
}

const osib_manifest_entry *osib_manifest_find(const osib_manifest *m, const char *case_id, const char *dataset)
{
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->entries[i].case_id, case_id) == 0 && strcmp(m->entries[i].dataset, dataset) == 0)
            return &m->entries[i];
    return NULL;
}

void osib_manifest_free(osib_manifest *m)
{
    free(m->entries);
    m->entries = NULL;
    m->count = m->cap = 0;
}
