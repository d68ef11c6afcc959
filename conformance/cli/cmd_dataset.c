/* osib dataset list | info | fetch | import | check */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "datadir.h"
#include "fetch.h"
#include "fileutil.h"
#include "hash.h"
#include "model_file.h"
#include "model_import.h"
#include "registry.h"

static const char *const dataset_usage =
    "usage: osib dataset list [--registry FILE]\n"
    "       osib dataset info NAME [--registry FILE]\n"
    "       osib dataset fetch NAME [--file F] [--url URL] [--data-dir DIR] [--timeout S] [--registry FILE]\n"
    "       osib dataset import (--dataset NAME [--file F] | --input PATH SOURCE-OPTIONS) [IMPORT-OPTIONS]\n"
    "                           (--out MODEL.h5 | --case-out CASE.yaml --id ID [CASE-OPTIONS])\n"
    "       osib dataset check CASE...\n"
    "\n"
    "Open velocity models (datasets/registry.yaml): list them, show one, download one (resumable,\n"
    "verified by size and SHA-256), import one into the kit's HDF5 model format or straight into a\n"
    "case, and check that the model data of cases is present and correct.\n"
    "\n"
    "Data directories, searched in order: each of $OSIB_DATA (colon-separated), <kit>/build/datasets,\n"
    "<kit>/../shared/data. A dataset file is DIR/NAME/FILE. fetch writes to --data-dir, else the\n"
    "first $OSIB_DATA entry, else <kit>/build/datasets.\n"
    "\n"
    "SOURCE-OPTIONS (with --input; --dataset takes them from the registry):\n"
    "  --format raw|hdf5|segy  --shape N,N[,N]  --spacing H,H[,H] (m)  --units km/s|m/s|s2/km2\n"
    "  --storage-order x,z     axes slowest first (x,z: depth fastest; z,x: x fastest; SEG-Y: x,z)\n"
    "  --dtype float32|float64 --byte-order little|big   (raw; SEG-Y: byte order, default big)\n"
    "  --hdf5-dataset PATH     (hdf5)\n"
    "IMPORT-OPTIONS:\n"
    "  --crop I:N,I:N[,I:N]    keep N points from index I on each axis\n"
    "  --resample-shape N,N --resample-spacing H,H   multilinear resampling (spec/cases.md)\n"
    "  --licence TEXT --citation TEXT   (default: the registry's)\n"
    "CASE-OPTIONS (--case-out): --space-order S (8) --nbl N (40) --t-end-ms T (3000) --f0-khz F (0.01)\n"
    "  --title TEXT. Source at mid-x one spacing deep, receivers along x two spacings deep,\n"
    "  dt by the spec's rule for the model's largest velocity.\n";

static const char *default_registry(char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/datasets/registry.yaml", cli_kit_root());
    return buf;
}

static const char *size_text(long long b, char *buf, size_t cap)
{
    if (b < 0)
        snprintf(buf, cap, "unknown");
    else if (b >= 1000000000LL)
        snprintf(buf, cap, "%.2f GB", (double)b / 1e9);
    else if (b >= 1000000LL)
        snprintf(buf, cap, "%.1f MB", (double)b / 1e6);
    else
        snprintf(buf, cap, "%.1f kB", (double)b / 1e3);
    return buf;
}

/* Parse the options every subcommand shares; returns the registry path. */
static int load_registry(const char *path, osib_registry *reg)
{
    osib_err err = {0};
    if (osib_registry_load(path, reg, &err) != OSIB_OK)
        return cli_report(&err);
    return 0;
}

static int dataset_list(int argc, char **argv)
{
    char regbuf[4200];
    const char *regpath = default_registry(regbuf, sizeof regbuf);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--registry") == 0 && i + 1 < argc)
            regpath = argv[++i];
        else if (strcmp(argv[i], "--help") == 0) {
            fputs(dataset_usage, stdout);
            return 0;
        } else
            return cli_error(OSIB_E_USAGE, "dataset list: unexpected argument \"%s\"", argv[i]);
    }
    osib_registry reg;
    int rc = load_registry(regpath, &reg);
    if (rc)
        return rc;
    printf("%-26s %-28s %10s %-8s %-6s %s\n", "name", "model", "size", "format", "ships", "local");
    for (int i = 0; i < reg.count; i++) {
        const osib_dataset *d = &reg.items[i];
        long long total = 0;
        int known = 1, present = 0;
        const char *format = d->nfiles ? "" : "-";
        for (int f = 0; f < d->nfiles; f++) {
            const osib_reg_file *rf = &d->files[f];
            if (rf->size_bytes < 0)
                known = 0;
            else
                total += rf->size_bytes;
            char path[OSIB_PATH_MAX];
            if (osib_data_find(d->name, rf->name, path, sizeof path, NULL) == OSIB_OK)
                present++;
            if (!format[0])
                format =
                    rf->has_layout ? osib_src_format_name(rf->layout.format) : (rf->archive[0] ? rf->archive : "other");
        }
        char sz[32], local[32];
        if (d->nfiles)
            size_text(known ? total : -1, sz, sizeof sz);
        else
            snprintf(sz, sizeof sz, "-");
        snprintf(local, sizeof local, "%d/%d", present, d->nfiles);
        printf("%-26s %-28.28s %10s %-8s %-6s %s\n", d->name, d->model, sz, format, d->redistributable ? "yes" : "NO",
               local);
    }
    printf("\nships: whether the data may be redistributed (NO: OSIB never ships it; get it from its owner).\n"
           "local: files present in the data directories.\n");
    osib_registry_free(&reg);
    return 0;
}

static void print_layout(const osib_model_layout *l)
{
    char order[16];
    osib_storage_order_name(l->ndim, l->storage_order, order, sizeof order);
    printf("      layout      %s", osib_src_format_name(l->format));
    if (l->format == OSIB_SRC_RAW)
        printf(" %s %s-endian", l->value_bytes == 4 ? "float32" : "float64", l->big_endian ? "big" : "little");
    if (l->format == OSIB_SRC_HDF5)
        printf(" dataset %s", l->hdf5_dataset);
    printf(", grid");
    for (int d = 0; d < l->ndim; d++)
        printf("%s%zu", d ? " x " : " ", l->shape[d]);
    printf(" (axes %s) at", l->ndim == 2 ? "x, z" : "x, y, z");
    for (int d = 0; d < l->ndim; d++)
        printf(" %g", l->spacing_m[d]);
    printf(" m, stored %s (slowest first), %s %s\n", order,
           l->units == OSIB_SRC_SLOWNESS2_S2KM2 ? "m = 1/vp^2 in" : "vp in", osib_src_units_name(l->units));
}

static int dataset_info(int argc, char **argv)
{
    char regbuf[4200];
    const char *regpath = default_registry(regbuf, sizeof regbuf), *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--registry") == 0 && i + 1 < argc)
            regpath = argv[++i];
        else if (strcmp(argv[i], "--help") == 0) {
            fputs(dataset_usage, stdout);
            return 0;
        } else if (!name && argv[i][0] != '-')
            name = argv[i];
        else
            return cli_error(OSIB_E_USAGE, "dataset info: unexpected argument \"%s\"", argv[i]);
    }
    if (!name)
        return cli_error(OSIB_E_USAGE, "dataset info needs a dataset name (see osib dataset list)");
    osib_registry reg;
    int rc = load_registry(regpath, &reg);
    if (rc)
        return rc;
    const osib_dataset *d = osib_registry_find(&reg, name);
    if (!d) {
        osib_registry_free(&reg);
        return cli_error(OSIB_E_USAGE, "dataset info: no dataset \"%s\" in %s (see osib dataset list)", name, regpath);
    }
    printf("name            %s\ntitle           %s\nmodel           %s\nlicence         %s\n", d->name, d->title,
           d->model, d->licence);
    printf("redistributable %s\ncitation        %s\n",
           d->redistributable ? "yes" : "NO: OSIB never ships it; obtain it from its owner under their terms",
           d->citation);
    if (d->homepage[0])
        printf("homepage        %s\n", d->homepage);
    if (d->notes[0])
        printf("notes           %s\n", d->notes);
    for (int f = 0; f < d->nfiles; f++) {
        const osib_reg_file *rf = &d->files[f];
        char sz[32], path[OSIB_PATH_MAX];
        printf("file %s\n", rf->name);
        printf("      url         %s\n", rf->url[0] ? rf->url : "(no public URL)");
        printf("      size        %s", size_text(rf->size_bytes, sz, sizeof sz));
        if (rf->size_bytes >= 0)
            printf(" (%lld bytes)", rf->size_bytes);
        printf("\n      sha256      %s\n", rf->sha256[0] ? rf->sha256 : "unknown");
        if (rf->archive[0])
            printf("      archive     %s: unpack before import\n", rf->archive);
        if (rf->grid[0])
            printf("      grid        %s\n", rf->grid);
        if (rf->has_layout)
            print_layout(&rf->layout);
        if (osib_data_find(d->name, rf->name, path, sizeof path, NULL) == OSIB_OK)
            printf("      local       %s\n", path);
        else
            printf("      local       absent (osib dataset fetch %s)\n", d->name);
    }
    osib_registry_free(&reg);
    return 0;
}

static int dataset_fetch(int argc, char **argv)
{
    static const struct option options[] = {{"registry", required_argument, NULL, 'r'},
                                            {"file", required_argument, NULL, 'f'},
                                            {"url", required_argument, NULL, 'u'},
                                            {"data-dir", required_argument, NULL, 'd'},
                                            {"timeout", required_argument, NULL, 't'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    char regbuf[4200];
    const char *regpath = default_registry(regbuf, sizeof regbuf), *only = NULL, *url = NULL, *dir = NULL;
    long timeout = 30;
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'r': regpath = optarg; break;
        case 'f': only = optarg; break;
        case 'u': url = optarg; break;
        case 'd': dir = optarg; break;
        case 't':
            timeout = strtol(optarg, NULL, 10);
            if (timeout <= 0 || timeout > 3600)
                return cli_error(OSIB_E_USAGE, "dataset fetch: --timeout takes 1 to 3600 seconds");
            break;
        case 'h': fputs(dataset_usage, stdout); return 0;
        default: return cli_error(OSIB_E_USAGE, "dataset fetch: unknown option (see osib dataset --help)");
        }
    }
    if (optind != argc - 1)
        return cli_error(OSIB_E_USAGE, "dataset fetch needs exactly one dataset name");
    const char *name = argv[optind];
    osib_registry reg;
    int rc = load_registry(regpath, &reg);
    if (rc)
        return rc;
    const osib_dataset *d = osib_registry_find(&reg, name);
    if (!d) {
        osib_registry_free(&reg);
        return cli_error(OSIB_E_USAGE, "dataset fetch: no dataset \"%s\" in %s (see osib dataset list)", name, regpath);
    }
    if (url && !only && d->nfiles != 1) {
        osib_registry_free(&reg);
        return cli_error(OSIB_E_USAGE, "dataset fetch: --url needs --file when %s has %d files", name, d->nfiles);
    }
    char destdir[OSIB_PATH_MAX], sub[OSIB_PATH_MAX + 80];
    if (dir)
        snprintf(destdir, sizeof destdir, "%s", dir);
    else
        osib_data_default_dest(destdir, sizeof destdir);
    snprintf(sub, sizeof sub, "%s/%s", destdir, d->name);
    osib_err err = {0};
    int status = 0, matched = 0;
    if (osib_mkdir_p(sub, &err) != OSIB_OK) {
        osib_registry_free(&reg);
        return cli_report(&err);
    }
    for (int f = 0; f < d->nfiles; f++) {
        const osib_reg_file *rf = &d->files[f];
        if (only && strcmp(only, rf->name) != 0)
            continue;
        matched++;
        const char *from = url ? url : rf->url;
        if (!from[0]) {
            status = cli_error(OSIB_E_USAGE, "%s/%s has no public URL: %s", d->name, rf->name,
                               d->notes[0] ? d->notes : "see osib dataset info");
            continue;
        }
        char dest[OSIB_PATH_MAX + 600];
        snprintf(dest, sizeof dest, "%s/%s", sub, rf->name);
        osib_fetch_result res;
        memset(&err, 0, sizeof err);
        if (osib_fetch(from, dest, rf->size_bytes, rf->sha256, timeout, &res, &err) != OSIB_OK) {
            status = cli_report(&err);
            continue;
        }
        if (res.already_present)
            printf("present %s (%lld bytes, sha256 %s)\n", dest, res.bytes, res.sha256);
        else if (res.resumed_from > 0)
            printf("fetched %s (%lld bytes, resumed from %lld, sha256 %s%s)\n", dest, res.bytes, res.resumed_from,
                   res.sha256, rf->sha256[0] ? " verified" : ", not in the registry: unverified");
        else
            printf("fetched %s (%lld bytes, sha256 %s%s)\n", dest, res.bytes, res.sha256,
                   rf->sha256[0] ? " verified" : ", not in the registry: unverified");
    }
    if (only && !matched)
        status = cli_error(OSIB_E_USAGE, "dataset fetch: %s has no file \"%s\"", d->name, only);
    osib_registry_free(&reg);
    return status;
}

/* ---------------------------------------------------------------------------
 * import
 * ------------------------------------------------------------------------- */

typedef struct {
    const char *dataset, *file, *input, *out, *case_out, *id, *title, *licence, *citation, *registry;
    const char *format, *shape, *spacing, *units, *order, *dtype, *byte_order, *h5ds;
    const char *crop, *rs_shape, *rs_spacing;
    int space_order, nbl;
    double t_end_ms, f0_khz;
} import_args;

static osib_status layout_from_args(const import_args *a, osib_model_layout *l, osib_err *err)
{
    memset(l, 0, sizeof *l);
    if (!a->format || !a->shape || !a->spacing || !a->units || !a->order)
        return osib_fail(err, OSIB_E_USAGE,
                         "dataset import --input needs --format, --shape, --spacing, --units and --storage-order");
    if (strcmp(a->format, "raw") == 0)
        l->format = OSIB_SRC_RAW;
    else if (strcmp(a->format, "hdf5") == 0)
        l->format = OSIB_SRC_HDF5;
    else if (strcmp(a->format, "segy") == 0)
        l->format = OSIB_SRC_SEGY;
    else
        return osib_fail(err, OSIB_E_USAGE, "--format %s: raw, hdf5 or segy", a->format);
    l->ndim = 1;
    for (const char *p = a->shape; *p; p++)
        l->ndim += *p == ',';
    if (l->ndim < 2 || l->ndim > 3)
        return osib_fail(err, OSIB_E_USAGE, "--shape %s: 2 or 3 axes", a->shape);
    osib_status st;
    if ((st = osib_parse_sizes(a->shape, l->ndim, l->shape, "--shape", err)) != OSIB_OK ||
        (st = osib_parse_doubles(a->spacing, l->ndim, l->spacing_m, "--spacing", err)) != OSIB_OK ||
        (st = osib_parse_storage_order(a->order, l->ndim, l->storage_order, err)) != OSIB_OK)
        return st;
    if (strcmp(a->units, "km/s") == 0)
        l->units = OSIB_SRC_VP_KMS;
    else if (strcmp(a->units, "m/s") == 0)
        l->units = OSIB_SRC_VP_MS;
    else if (strcmp(a->units, "s2/km2") == 0)
        l->units = OSIB_SRC_SLOWNESS2_S2KM2;
    else
        return osib_fail(err, OSIB_E_USAGE, "--units %s: km/s, m/s (vp) or s2/km2 (m = 1/vp^2)", a->units);
    if (l->format == OSIB_SRC_RAW) {
        if (!a->dtype || !a->byte_order)
            return osib_fail(err, OSIB_E_USAGE, "a raw file needs --dtype and --byte-order");
        if (strcmp(a->dtype, "float32") == 0)
            l->value_bytes = 4;
        else if (strcmp(a->dtype, "float64") == 0)
            l->value_bytes = 8;
        else
            return osib_fail(err, OSIB_E_USAGE, "--dtype %s: float32 or float64", a->dtype);
    }
    l->big_endian = l->format == OSIB_SRC_SEGY;
    if (a->byte_order) {
        if (strcmp(a->byte_order, "little") == 0)
            l->big_endian = 0;
        else if (strcmp(a->byte_order, "big") == 0)
            l->big_endian = 1;
        else
            return osib_fail(err, OSIB_E_USAGE, "--byte-order %s: little or big", a->byte_order);
    }
    if (l->format == OSIB_SRC_HDF5) {
        if (!a->h5ds)
            return osib_fail(err, OSIB_E_USAGE, "an HDF5 file needs --hdf5-dataset");
        snprintf(l->hdf5_dataset, sizeof l->hdf5_dataset, "%s", a->h5ds);
    }
    if (l->format == OSIB_SRC_SEGY && l->storage_order[l->ndim - 1] != l->ndim - 1)
        return osib_fail(err, OSIB_E_USAGE, "a SEG-Y trace runs in depth: --storage-order must end with z");
    return OSIB_OK;
}

/* A case around an imported model (see the usage text for the geometry). */
static int write_case(const import_args *a, const osib_model_layout *lay, const osib_model_ops *ops,
                      const size_t shape[3], const double spacing[3], const char *dataset, const char *file,
                      const char *file_sha, const char *vp_sha, double lo, double hi)
{
    osib_case c;
    memset(&c, 0, sizeof c);
    snprintf(c.id, sizeof c.id, "%s", a->id);
    c.ndim = lay->ndim;
    c.space_order = a->space_order;
    c.nbl = a->nbl;
    for (int d = 0; d < c.ndim; d++) {
        c.shape[d] = shape[d];
        c.spacing_m[d] = spacing[d];
    }
    osib_model *m = &c.model;
    m->kind = OSIB_MODEL_DATASET;
    snprintf(m->dataset, sizeof m->dataset, "%s", dataset);
    snprintf(m->file, sizeof m->file, "%s", file);
    snprintf(m->file_sha256, sizeof m->file_sha256, "%s", file_sha);
    snprintf(m->sha256, sizeof m->sha256, "%s", vp_sha);
    m->source = *lay;
    m->ops = *ops;
    m->vp_min_kms = lo;
    m->vp_max_kms = hi;
    c.dt_ms = osib_case_dt_default_ms(&c);
    c.nt = (size_t)floor(a->t_end_ms / c.dt_ms) + 1;
    if (c.nt < 3)
        c.nt = 3;
    c.f0_khz = a->f0_khz;
    c.t0_ms = 1.0 / a->f0_khz;
    c.amplitude = 1.0;
    const int z = c.ndim - 1;
    double src[3];
    for (int d = 0; d < z; d++)
        src[d] = (double)(shape[d] - 1) * spacing[d] / 2.0;
    src[z] = spacing[z];
    c.sources.kind = OSIB_POINTS_LIST;
    c.sources.count = 1;
    c.sources.list_m = src;
    c.receivers.kind = OSIB_POINTS_LATTICE;
    c.receivers.count = 1;
    for (int d = 0; d < z; d++) {
        c.receivers.axis[d] = (osib_axis_range){0.0, (double)(shape[d] - 1) * spacing[d], shape[d]};
        c.receivers.count *= shape[d];
    }
    c.receivers.axis[z] = (osib_axis_range){2.0 * spacing[z], 2.0 * spacing[z], 1};

    char tmp[OSIB_PATH_MAX];
    osib_err err = {0};
    if (osib_atomic_tmpname(a->case_out, tmp, sizeof tmp, &err) != OSIB_OK)
        return cli_report(&err);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return cli_error(OSIB_E_IO, "%s: cannot write", tmp);
    char desc[512];
    osib_model_ops_describe(lay, ops, desc, sizeof desc);
    fprintf(f, "# Written by `osib dataset import`: the model is dataset %s, file %s,\n# import: %s.\n", dataset, file,
            desc);
    osib_status st = osib_case_write_yaml(&c, f, "", &err);
    if (st == OSIB_OK) {
        fprintf(f, "title: \"%s\"\n", a->title ? a->title : "imported model");
        if (fclose(f) != 0)
            st = osib_fail(&err, OSIB_E_IO, "%s: write error", tmp);
    } else
        fclose(f);
    if (st == OSIB_OK)
        st = osib_atomic_commit(tmp, a->case_out, &err);
    else
        osib_atomic_abort(tmp);
    if (st != OSIB_OK)
        return cli_report(&err);
    /* What was written must load as a valid case. */
    osib_case back;
    if (osib_case_load(a->case_out, &back, &err) != OSIB_OK)
        return cli_report(&err);
    char hash[65];
    osib_case_hash(&back, hash, &err);
    printf("case %s -> %s (dt %g ms, nt %zu, case sha256 %s)\n", back.id, a->case_out, back.dt_ms, back.nt, hash);
    osib_case_free(&back);
    return 0;
}

static int dataset_import(int argc, char **argv)
{
    static const struct option options[] = {{"dataset", required_argument, NULL, 'D'},
                                            {"file", required_argument, NULL, 'F'},
                                            {"input", required_argument, NULL, 'i'},
                                            {"out", required_argument, NULL, 'o'},
                                            {"case-out", required_argument, NULL, 'c'},
                                            {"id", required_argument, NULL, 'I'},
                                            {"title", required_argument, NULL, 'T'},
                                            {"licence", required_argument, NULL, 'L'},
                                            {"citation", required_argument, NULL, 'C'},
                                            {"registry", required_argument, NULL, 'r'},
                                            {"format", required_argument, NULL, 'f'},
                                            {"shape", required_argument, NULL, 's'},
                                            {"spacing", required_argument, NULL, 'h'},
                                            {"units", required_argument, NULL, 'u'},
                                            {"storage-order", required_argument, NULL, 'O'},
                                            {"dtype", required_argument, NULL, 'd'},
                                            {"byte-order", required_argument, NULL, 'b'},
                                            {"hdf5-dataset", required_argument, NULL, 'H'},
                                            {"crop", required_argument, NULL, 'x'},
                                            {"resample-shape", required_argument, NULL, 'S'},
                                            {"resample-spacing", required_argument, NULL, 'P'},
                                            {"space-order", required_argument, NULL, 'q'},
                                            {"nbl", required_argument, NULL, 'n'},
                                            {"t-end-ms", required_argument, NULL, 't'},
                                            {"f0-khz", required_argument, NULL, 'k'},
                                            {"help", no_argument, NULL, '?' + 256},
                                            {NULL, 0, NULL, 0}};
    import_args a = {0};
    a.space_order = 8;
    a.nbl = 40;
    a.t_end_ms = 3000.0;
    a.f0_khz = 0.01;
    char regbuf[4200];
    a.registry = default_registry(regbuf, sizeof regbuf);
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        char *end = NULL;
        switch (opt) {
        case 'D': a.dataset = optarg; break;
        case 'F': a.file = optarg; break;
        case 'i': a.input = optarg; break;
        case 'o': a.out = optarg; break;
        case 'c': a.case_out = optarg; break;
        case 'I': a.id = optarg; break;
        case 'T': a.title = optarg; break;
        case 'L': a.licence = optarg; break;
        case 'C': a.citation = optarg; break;
        case 'r': a.registry = optarg; break;
        case 'f': a.format = optarg; break;
        case 's': a.shape = optarg; break;
        case 'h': a.spacing = optarg; break;
        case 'u': a.units = optarg; break;
        case 'O': a.order = optarg; break;
        case 'd': a.dtype = optarg; break;
        case 'b': a.byte_order = optarg; break;
        case 'H': a.h5ds = optarg; break;
        case 'x': a.crop = optarg; break;
        case 'S': a.rs_shape = optarg; break;
        case 'P': a.rs_spacing = optarg; break;
        case 'q': a.space_order = (int)strtol(optarg, &end, 10); break;
        case 'n': a.nbl = (int)strtol(optarg, &end, 10); break;
        case 't': a.t_end_ms = strtod(optarg, &end); break;
        case 'k': a.f0_khz = strtod(optarg, &end); break;
        case '?' + 256: fputs(dataset_usage, stdout); return 0;
        default: return cli_error(OSIB_E_USAGE, "dataset import: unknown option or missing value (see --help)");
        }
        if (end && *end)
            return cli_error(OSIB_E_USAGE, "dataset import: \"%s\" is not a number", optarg);
    }
    if (optind != argc)
        return cli_error(OSIB_E_USAGE, "dataset import: unexpected argument \"%s\"", argv[optind]);
    if (!a.dataset && !a.input)
        return cli_error(OSIB_E_USAGE, "dataset import needs --dataset NAME or --input PATH");
    if (!a.out && !a.case_out)
        return cli_error(OSIB_E_USAGE, "dataset import needs --out MODEL.h5 and/or --case-out CASE.yaml");
    if (a.case_out && (!a.id || !a.dataset))
        return cli_error(OSIB_E_USAGE, "--case-out needs --id and --dataset (the case finds DATASET/FILE in the "
                                       "data directories)");
    if ((a.rs_shape != NULL) != (a.rs_spacing != NULL))
        return cli_error(OSIB_E_USAGE, "give both --resample-shape and --resample-spacing, or neither");
    if (a.case_out && !(a.t_end_ms > 0.0 && a.t_end_ms <= 1e6 && a.f0_khz > 0.0 && a.f0_khz <= 1.0 && a.nbl >= 0 &&
                        a.nbl <= OSIB_MAX_NBL && a.space_order >= 2 && a.space_order <= 16 && a.space_order % 2 == 0))
        return cli_error(OSIB_E_USAGE, "dataset import: case options out of range (see --help)");

    osib_err err = {0};
    osib_model_layout lay;
    osib_registry reg = {0};
    const osib_dataset *d = NULL;
    const osib_reg_file *rf = NULL;
    int have_layout = 0;
    if (a.dataset && !a.format) {
        int rc = load_registry(a.registry, &reg);
        if (rc)
            return rc;
        d = osib_registry_find(&reg, a.dataset);
        if (!d) {
            osib_registry_free(&reg);
            return cli_error(OSIB_E_USAGE, "dataset import: no dataset \"%s\" in %s", a.dataset, a.registry);
        }
        for (int f = 0; f < d->nfiles; f++)
            if (d->files[f].has_layout && (!a.file || strcmp(a.file, d->files[f].name) == 0)) {
                rf = &d->files[f];
                break;
            }
        if (!rf) {
            osib_registry_free(&reg);
            return cli_error(OSIB_E_USAGE,
                             "dataset import: %s has no file with a known layout%s%s; give --input and the "
                             "SOURCE-OPTIONS",
                             a.dataset, a.file ? " named " : "", a.file ? a.file : "");
        }
        lay = rf->layout;
        have_layout = 1;
    }
    if (!have_layout && layout_from_args(&a, &lay, &err) != OSIB_OK)
        return cli_report(&err);

    char path[OSIB_PATH_MAX];
    const char *file = a.file ? a.file : rf ? rf->name : NULL;
    if (a.input)
        snprintf(path, sizeof path, "%s", a.input);
    else if (osib_data_find(a.dataset, file ? file : "", path, sizeof path, &err) != OSIB_OK) {
        osib_registry_free(&reg);
        return cli_report(&err);
    }
    if (!file) {
        const char *slash = strrchr(path, '/');
        file = slash ? slash + 1 : path;
    }

    osib_model_ops ops;
    memset(&ops, 0, sizeof ops);
    osib_status st = OSIB_OK;
    if (a.crop)
        st = osib_parse_crop(a.crop, lay.ndim, &ops, &err);
    if (st == OSIB_OK && a.rs_shape) {
        st = osib_parse_sizes(a.rs_shape, lay.ndim, ops.out_shape, "--resample-shape", &err);
        if (st == OSIB_OK)
            st = osib_parse_doubles(a.rs_spacing, lay.ndim, ops.out_spacing_m, "--resample-spacing", &err);
        ops.resample = 1;
    }
    double *vp = NULL;
    size_t shape[3];
    double spacing[3];
    char file_sha[65] = "", vp_sha[65] = "";
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (st == OSIB_OK)
        st = osib_sha256_file(path, file_sha, &err);
    if (st == OSIB_OK && rf && rf->sha256[0] && strcmp(rf->sha256, file_sha) != 0)
        st = osib_fail(&err, OSIB_E_MISMATCH, "%s: SHA-256 %s, the registry says %s: a different or damaged copy", path,
                       file_sha, rf->sha256);
    if (st == OSIB_OK)
        st = osib_model_import(&lay, &ops, path, &vp, shape, spacing, &err);
    if (st != OSIB_OK) {
        osib_registry_free(&reg);
        return cli_report(&err);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    size_t n = 1;
    for (int k = 0; k < lay.ndim; k++)
        n *= shape[k];
    double lo, hi;
    osib_array_range(vp, n, &lo, &hi);
    int rc = 0;
    if (a.out) {
        osib_model_meta meta;
        memset(&meta, 0, sizeof meta);
        meta.ndim = lay.ndim;
        for (int k = 0; k < lay.ndim; k++) {
            meta.shape[k] = shape[k];
            meta.spacing_m[k] = spacing[k];
            meta.origin_m[k] = (double)ops.crop_start[k] * lay.spacing_m[k];
        }
        snprintf(meta.dataset, sizeof meta.dataset, "%s", a.dataset ? a.dataset : "");
        snprintf(meta.source_file, sizeof meta.source_file, "%s", file);
        snprintf(meta.source_sha256, sizeof meta.source_sha256, "%s", file_sha);
        osib_model_ops_describe(&lay, &ops, meta.import_desc, sizeof meta.import_desc);
        snprintf(meta.licence, sizeof meta.licence, "%s", a.licence ? a.licence : d ? d->licence : "");
        snprintf(meta.citation, sizeof meta.citation, "%s", a.citation ? a.citation : d ? d->citation : "");
        if (osib_model_file_write(a.out, vp, &meta, vp_sha, &err) != OSIB_OK)
            rc = cli_report(&err);
        else
            printf("model %s -> %s\n", path, a.out);
    }
    if (!vp_sha[0] && osib_sha256_doubles(vp, n, vp_sha, &err) != OSIB_OK)
        rc = cli_report(&err);
    if (!rc) {
        printf("grid");
        for (int k = 0; k < lay.ndim; k++)
            printf("%s%zu", k ? " x " : " ", shape[k]);
        printf(" at");
        for (int k = 0; k < lay.ndim; k++)
            printf(" %g", spacing[k]);
        printf(" m, vp %.17g to %.17g km/s, vp sha256 %s, source sha256 %s (%.3f s)\n", lo, hi, vp_sha, file_sha,
               (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    }
    if (!rc && a.case_out)
        rc = write_case(&a, &lay, &ops, shape, spacing, a.dataset, file, file_sha, vp_sha, lo, hi);
    free(vp);
    osib_registry_free(&reg);
    return rc;
}

static int dataset_check(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        if (argc == 2) {
            puts("usage: osib dataset check CASE...\n"
                 "For each case: \"ok ID synthetic\" (no data needed), \"ok ID data PATH\" (its model data is\n"
                 "present and imports to the case's SHA-256), or one error line: exit 4 when the data is absent,\n"
                 "7 when it differs.");
            return 0;
        }
        return cli_error(OSIB_E_USAGE, "dataset check needs at least one case");
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        osib_case c;
        osib_err err = {0};
        if (cli_load_case(argv[i], &c, &err) != OSIB_OK) {
            status = cli_report(&err);
            continue;
        }
        if (!osib_case_needs_data(&c)) {
            printf("ok %s synthetic\n", c.id);
            osib_case_free(&c);
            continue;
        }
        char path[OSIB_PATH_MAX];
        double *vp = malloc(osib_case_physical_points(&c) * sizeof *vp);
        if (!vp)
            status = cli_error(OSIB_E_NOMEM, "%s: out of memory", c.id);
        else if (osib_case_model_vp(&c, vp, &err) != OSIB_OK)
            status = cli_report(&err);
        else if (osib_data_find(c.model.dataset, c.model.file, path, sizeof path, &err) == OSIB_OK)
            printf("ok %s data %s\n", c.id, path);
        free(vp);
        osib_case_free(&c);
    }
    return status;
}

int cmd_dataset(int argc, char **argv)
{
    if (argc < 2)
        return cli_error(OSIB_E_USAGE, "dataset needs a subcommand: list, info, fetch, import, check (see --help)");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        fputs(dataset_usage, stdout);
        return 0;
    }
    if (strcmp(sub, "list") == 0)
        return dataset_list(argc - 1, argv + 1);
    if (strcmp(sub, "info") == 0)
        return dataset_info(argc - 1, argv + 1);
    if (strcmp(sub, "fetch") == 0)
        return dataset_fetch(argc - 1, argv + 1);
    if (strcmp(sub, "import") == 0)
        return dataset_import(argc - 1, argv + 1);
    if (strcmp(sub, "check") == 0)
        return dataset_check(argc - 1, argv + 1);
    return cli_error(OSIB_E_USAGE, "dataset: unknown subcommand \"%s\" (list, info, fetch, import, check)", sub);
}
