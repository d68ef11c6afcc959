#include "registry.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml_tree.h"

static int is_hex64(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isdigit((unsigned char)s[n]) && !(s[n] >= 'a' && s[n] <= 'f'))
            return 0;
    return n == 64;
}

static osib_status parse_file(const osib_ynode *fn, osib_reg_file *f, osib_err *err)
{
    static const char *const keys[] = {"name", "url", "size_bytes", "sha256", "archive", "grid", "layout", NULL};
    static const char *const layout_keys[] = {"format",        "dtype",        "byte_order", "shape", "spacing_m",
                                              "storage_order", "hdf5_dataset", "units",      NULL};
    osib_ynode n;
    char s[128];
    osib_status st = osib_ymap_check_keys(fn, keys, err);
    if (st == OSIB_OK)
        st = osib_ymap_string(fn, "name", 1, f->name, sizeof f->name, err);
    if (st == OSIB_OK)
        st = osib_ymap_string(fn, "url", 0, f->url, sizeof f->url, err);
    if (st == OSIB_OK)
        st = osib_ymap_string(fn, "archive", 0, f->archive, sizeof f->archive, err);
    if (st == OSIB_OK)
        st = osib_ymap_string(fn, "grid", 0, f->grid, sizeof f->grid, err);
    if (st != OSIB_OK)
        return st;
    if (strchr(f->name, '/') || !f->name[0])
        return osib_yfail(err, fn, "file name \"%s\" must be a plain name", f->name);
    osib_ymap_get(fn, "archive", 0, &n, NULL);
    if (f->archive[0] && strcmp(f->archive, "gzip") && strcmp(f->archive, "tar.gz") && strcmp(f->archive, "tar"))
        return osib_yfail(err, &n, "archive \"%s\": gzip, tar.gz or tar", f->archive);

    /* size_bytes: an integer or "unknown". */
    f->size_bytes = -1;
    if ((st = osib_ymap_get(fn, "size_bytes", 1, &n, err)) != OSIB_OK)
        return st;
    if (osib_yget_string(&n, s, sizeof s, NULL) != OSIB_OK || strcmp(s, "unknown") != 0) {
        long long v;
        if ((st = osib_yget_int(&n, &v, err)) != OSIB_OK)
            return st;
        if (v <= 0)
            return osib_yfail(err, &n, "%lld: a size is a positive number of bytes, or \"unknown\"", v);
        f->size_bytes = v;
    }
    if ((st = osib_ymap_string(fn, "sha256", 1, s, sizeof s, err)) != OSIB_OK)
        return st;
    osib_ymap_get(fn, "sha256", 1, &n, NULL);
    if (strcmp(s, "unknown") == 0)
        f->sha256[0] = '\0';
    else if (is_hex64(s))
        snprintf(f->sha256, sizeof f->sha256, "%s", s);
    else
        return osib_yfail(err, &n, "expected 64 lower-case hex digits or \"unknown\"");

    osib_ynode lay;
    osib_ymap_get(fn, "layout", 0, &lay, NULL);
    if (lay.node) {
        if ((st = osib_ymap_check_keys(&lay, layout_keys, err)) != OSIB_OK ||
            (st = osib_layout_from_node(&lay, 0, &f->layout, err)) != OSIB_OK)
            return st;
        f->has_layout = 1;
    }
    return OSIB_OK;
}

static osib_status parse_dataset(const osib_ynode *dn, osib_dataset *d, osib_err *err)
{
    static const char *const keys[] = {"name",     "title", "model", "licence",         "citation",
                                       "homepage", "notes", "files", "redistributable", NULL};
    osib_status st = osib_ymap_check_keys(dn, keys, err);
    const struct {
        const char *key;
        char *buf;
        size_t cap;
        int required;
    } text[] = {
        {"name", d->name, sizeof d->name, 1},
        {"title", d->title, sizeof d->title, 1},
        {"model", d->model, sizeof d->model, 1},
        {"licence", d->licence, sizeof d->licence, 1},
        {"citation", d->citation, sizeof d->citation, 1},
        {"homepage", d->homepage, sizeof d->homepage, 0},
        {"notes", d->notes, sizeof d->notes, 0},
    };
    for (size_t i = 0; i < sizeof text / sizeof text[0] && st == OSIB_OK; i++)
        st = osib_ymap_string(dn, text[i].key, text[i].required, text[i].buf, text[i].cap, err);
    if (st == OSIB_OK)
        st = osib_ymap_bool(dn, "redistributable", 1, &d->redistributable, err);
    if (st != OSIB_OK)
        return st;
    osib_ynode files, item;
    size_t nf;
    if ((st = osib_ymap_get(dn, "files", 1, &files, err)) != OSIB_OK || (st = osib_yseq_len(&files, &nf, err)))
        return st;
    if (nf > OSIB_REG_MAX_FILES)
        return osib_yfail(err, &files, "at most %d files per dataset", OSIB_REG_MAX_FILES);
    for (size_t i = 0; i < nf; i++) {
        if ((st = osib_yseq_at(&files, i, &item, err)) != OSIB_OK ||
            (st = parse_file(&item, &d->files[i], err)) != OSIB_OK)
            return st;
        for (size_t j = 0; j < i; j++)
            if (strcmp(d->files[i].name, d->files[j].name) == 0)
                return osib_yfail(err, &item, "file \"%s\" listed twice", d->files[i].name);
    }
    d->nfiles = (int)nf;
    return OSIB_OK;
}

osib_status osib_registry_load(const char *path, osib_registry *reg, osib_err *err)
{
    memset(reg, 0, sizeof *reg);
    osib_yaml y;
    osib_ynode root, list, item;
    osib_status st = osib_yaml_load_file(&y, path, OSIB_E_DATA, err);
    if (st != OSIB_OK)
        return st;
    static const char *const keys[] = {"osib_datasets", "datasets", NULL};
    long long version;
    size_t n = 0;
    if ((st = osib_yaml_root(&y, &root, err)) == OSIB_OK && (st = osib_ymap_check_keys(&root, keys, err)) == OSIB_OK &&
        (st = osib_ymap_int(&root, "osib_datasets", 1, &version, err)) == OSIB_OK) {
        if (version != 1) {
            osib_ymap_get(&root, "osib_datasets", 1, &item, NULL);
            st = osib_yfail(err, &item, "registry version %lld is not supported (this kit reads 1)", version);
        }
    }
    if (st == OSIB_OK && (st = osib_ymap_get(&root, "datasets", 1, &list, err)) == OSIB_OK)
        st = osib_yseq_len(&list, &n, err);
    if (st == OSIB_OK && n > OSIB_REG_MAX_DATASETS)
        st = osib_yfail(err, &list, "at most %d datasets", OSIB_REG_MAX_DATASETS);
    if (st == OSIB_OK) {
        reg->items = calloc(n ? n : 1, sizeof *reg->items);
        if (!reg->items)
            st = osib_fail(err, OSIB_E_NOMEM, "%s: out of memory", path);
    }
    for (size_t i = 0; i < n && st == OSIB_OK; i++) {
        if ((st = osib_yseq_at(&list, i, &item, err)) == OSIB_OK)
            st = parse_dataset(&item, &reg->items[i], err);
        for (size_t j = 0; j < i && st == OSIB_OK; j++)
            if (strcmp(reg->items[i].name, reg->items[j].name) == 0)
                st = osib_yfail(err, &item, "dataset \"%s\" listed twice", reg->items[i].name);
        reg->count = (int)i + 1;
    }
    osib_yaml_free(&y);
    if (st != OSIB_OK)
        osib_registry_free(reg);
    return st;
}

void osib_registry_free(osib_registry *reg)
{
    free(reg->items);
    reg->items = NULL;
    reg->count = 0;
}

const osib_dataset *osib_registry_find(const osib_registry *reg, const char *name)
{
    for (int i = 0; i < reg->count; i++)
        if (strcmp(reg->items[i].name, name) == 0)
            return &reg->items[i];
    return NULL;
}
