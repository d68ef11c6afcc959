#include "impl_manifest.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "text.h"
#include "yaml_tree.h"

/* Replace every {impl_dir} in src. */
static int substitute(char *out, size_t cap, const char *src, const char *impl_dir)
{
    size_t len = 0;
    const char *p = src;
    while (*p) {
        if (strncmp(p, "{impl_dir}", 10) == 0) {
            int n = snprintf(out + len, cap - len, "%s", impl_dir);
            if (n < 0 || (size_t)n >= cap - len)
                return -1;
            len += (size_t)n;
            p += 10;
        } else {
            if (len + 1 >= cap)
                return -1;
            out[len++] = *p++;
        }
    }
    out[len] = '\0';
    return 0;
}

static osib_status string_list(const osib_ynode *map, const char *key, int required, const osib_impl *m,
                               char (*out)[OSIB_IMPL_ARG_MAX], int max, int *count, osib_err *err)
{
    osib_ynode list, item;
    size_t n;
    *count = 0;
    osib_status st = osib_ymap_get(map, key, required, &list, err);
    if (st != OSIB_OK || !list.node)
        return st;
    if ((st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        return st;
    if (n > (size_t)max || (required && n == 0))
        return osib_yfail(err, &list, "expected 1 to %d strings, got %zu", max, n);
    for (size_t i = 0; i < n; i++) {
        char raw[OSIB_IMPL_ARG_MAX];
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = osib_yget_string(&item, raw, sizeof raw, err)) != OSIB_OK)
            return st;
        if (substitute(out[i], OSIB_IMPL_ARG_MAX, raw, m->dir) != 0)
            return osib_yfail(err, &item, "too long after substituting {impl_dir}");
    }
    *count = (int)n;
    return OSIB_OK;
}

/* argv[0] as a path: itself if it has a '/', else the first PATH match. */
static int resolve_program(const char *prog, char *out, size_t cap)
{
    if (strchr(prog, '/')) {
        snprintf(out, cap, "%s", prog);
        return access(out, X_OK) == 0;
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        snprintf(out, cap, "%s/%s", dir, prog);
        struct stat sb;
        if (stat(out, &sb) == 0 && S_ISREG(sb.st_mode) && access(out, X_OK) == 0)
            return 1;
    }
    return 0;
}

/* An optional list of integers, each in [lo, hi] (and even when even is
 * set), as a bit mask; all_mask when the key is absent. */
static osib_status int_set(const osib_ynode *map, const char *key, long long lo, long long hi, int even,
                           unsigned all_mask, unsigned *mask, osib_err *err)
{
    osib_ynode list, item;
    size_t n;
    *mask = all_mask;
    osib_status st = osib_ymap_get(map, key, 0, &list, err);
    if (st != OSIB_OK || !list.node)
        return st;
    if ((st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        return st;
    if (n == 0)
        return osib_yfail(err, &list, "at least one value, or leave %s out (all)", key);
    *mask = 0;
    for (size_t i = 0; i < n; i++) {
        long long v;
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK || (st = osib_yget_int(&item, &v, err)) != OSIB_OK)
            return st;
        if (v < lo || v > hi || (even && v % 2))
            return osib_yfail(err, &item, "%lld: %s are %s%lld to %lld", v, key, even ? "even, " : "", lo, hi);
        *mask |= 1u << v;
    }
    return OSIB_OK;
}

/* files: paths relative to the manifest's directory (or absolute), each a
 * regular file that can be read, resolved to an absolute path. */
static osib_status file_list(const osib_ynode *map, osib_impl *m, osib_err *err)
{
    osib_ynode list, item;
    size_t n;
    osib_status st = osib_ymap_get(map, "files", 0, &list, err);
    if (st != OSIB_OK || !list.node)
        return st;
    if ((st = osib_yseq_len(&list, &n, err)) != OSIB_OK)
        return st;
    if (n == 0 || n > OSIB_IMPL_MAX_FILES)
        return osib_yfail(err, &list, "expected 1 to %d files, got %zu", OSIB_IMPL_MAX_FILES, n);
    for (size_t i = 0; i < n; i++) {
        char raw[OSIB_IMPL_ARG_MAX], joined[OSIB_PATH_MAX + OSIB_IMPL_ARG_MAX], real[PATH_MAX];
        if ((st = osib_yseq_at(&list, i, &item, err)) != OSIB_OK ||
            (st = osib_yget_string(&item, raw, sizeof raw, err)) != OSIB_OK)
            return st;
        if (raw[0] == '/')
            snprintf(joined, sizeof joined, "%s", raw);
        else
            snprintf(joined, sizeof joined, "%s/%s", m->dir, raw);
        struct stat sb;
        if (!realpath(joined, real) || stat(real, &sb) != 0 || !S_ISREG(sb.st_mode) || access(real, R_OK) != 0)
            return osib_yfail(err, &item, "\"%s\" is not a readable file (paths are relative to the manifest)", raw);
        if (strlen(real) >= OSIB_IMPL_PATH_RECORDED)
            return osib_yfail(err, &item, "\"%s\": its path is %zu characters, reports record at most %d", raw,
                              strlen(real), OSIB_IMPL_PATH_RECORDED - 1);
        snprintf(m->files[m->nfiles++], sizeof m->files[0], "%s", real);
    }
    return OSIB_OK;
}

osib_status osib_impl_load(const char *path, osib_impl *m, osib_err *err)
{
    static const char *const keys[] = {
        "osib_impl",    "name",           "version",    "vendor",       "contact",      "command",
        "launcher",     "operators",      "physics",    "precision",    "array_format", "price_per_hour_usd",
        "time_limit_s", "hardware_notes", "dimensions", "space_orders", "files",        NULL};
    memset(m, 0, sizeof *m);
    m->price_per_hour_usd = -1.0;
    snprintf(m->path, sizeof m->path, "%s", path);
    char real[PATH_MAX];
    if (!realpath(path, real))
        return osib_fail(err, OSIB_E_IO, "%s: cannot open the implementation manifest", path);
    char *slash = strrchr(real, '/');
    snprintf(m->dir, sizeof m->dir, "%.*s", slash ? (int)(slash - real) : 1, slash && slash != real ? real : "/");

    osib_yaml y;
    osib_ynode root, n;
    osib_status st = osib_yaml_load_file(&y, path, OSIB_E_USAGE, err);
    if (st != OSIB_OK)
        return st;
    long long v;
    char buf[64];
    char launcher[8][OSIB_IMPL_ARG_MAX], command[OSIB_IMPL_MAX_ARGS][OSIB_IMPL_ARG_MAX];
    int nlaunch = 0, ncmd = 0;
    if ((st = osib_yaml_root(&y, &root, err)) != OSIB_OK || (st = osib_ymap_check_keys(&root, keys, err)) != OSIB_OK ||
        (st = osib_ymap_int(&root, "osib_impl", 1, &v, err)) != OSIB_OK)
        goto done;
    if (v != OSIB_PROTOCOL_VERSION) {
        osib_ymap_get(&root, "osib_impl", 1, &n, NULL);
        st = osib_yfail(err, &n, "manifest version %lld is not supported (this kit speaks %d)", v,
                        OSIB_PROTOCOL_VERSION);
        goto done;
    }
    if ((st = osib_ymap_string(&root, "name", 1, m->name, sizeof m->name, err)) != OSIB_OK ||
        (st = osib_ymap_string(&root, "version", 1, m->version, sizeof m->version, err)) != OSIB_OK ||
        (st = osib_ymap_string(&root, "vendor", 1, m->vendor, sizeof m->vendor, err)) != OSIB_OK ||
        (st = osib_ymap_string(&root, "contact", 0, m->contact, sizeof m->contact, err)) != OSIB_OK ||
        (st = osib_ymap_string(&root, "hardware_notes", 0, m->hardware_notes, sizeof m->hardware_notes, err)) !=
            OSIB_OK ||
        (st = string_list(&root, "launcher", 0, m, launcher, 8, &nlaunch, err)) != OSIB_OK ||
        (st = string_list(&root, "command", 1, m, command, OSIB_IMPL_MAX_ARGS - 8, &ncmd, err)) != OSIB_OK)
        goto done;
    for (int i = 0; i < nlaunch; i++)
        memcpy(m->argv[m->argc++], launcher[i], OSIB_IMPL_ARG_MAX);
    for (int i = 0; i < ncmd; i++)
        memcpy(m->argv[m->argc++], command[i], OSIB_IMPL_ARG_MAX);
    m->nlauncher = nlaunch;
    int has_request = 0;
    for (int i = 0; i < m->argc; i++)
        has_request |= strstr(m->argv[i], "{request}") != NULL;
    if (!has_request) {
        osib_ymap_get(&root, "command", 1, &n, NULL);
        st = osib_yfail(err, &n, "the command must pass {request} (the path of request.yaml)");
        goto done;
    }
    if (!resolve_program(m->argv[0], m->executable, sizeof m->executable)) {
        osib_ymap_get(&root, nlaunch ? "launcher" : "command", 1, &n, NULL);
        st = osib_yfail(err, &n, "program \"%s\" not found or not executable", m->argv[0]);
        goto done;
    }
    if (strlen(m->executable) >= OSIB_IMPL_PATH_RECORDED) {
        osib_ymap_get(&root, nlaunch ? "launcher" : "command", 1, &n, NULL);
        st = osib_yfail(err, &n, "the program's path is %zu characters, reports record at most %d",
                        strlen(m->executable), OSIB_IMPL_PATH_RECORDED - 1);
        goto done;
    }

    osib_ynode ops, item;
    size_t nops;
    if ((st = osib_ymap_get(&root, "operators", 1, &ops, err)) != OSIB_OK ||
        (st = osib_yseq_len(&ops, &nops, err)) != OSIB_OK)
        goto done;
    if (nops == 0) {
        st = osib_yfail(err, &ops, "at least one operator");
        goto done;
    }
    for (size_t i = 0; i < nops; i++) {
        if ((st = osib_yseq_at(&ops, i, &item, err)) != OSIB_OK ||
            (st = osib_yget_string(&item, buf, sizeof buf, err)) != OSIB_OK)
            goto done;
        int op = osib_op_parse(buf);
        if (op < 0) {
            st =
                osib_yfail(err, &item, "unknown operator \"%s\" (forward, adjoint, born, born_adjoint, gradient)", buf);
            goto done;
        }
        m->supports[op] = 1;
    }
    /* physics: [acoustic-iso, acoustic-tti]; acoustic-iso alone when absent
     * (manifests written before TTI existed). */
    osib_ynode phys;
    osib_ymap_get(&root, "physics", 0, &phys, NULL);
    m->physics[OSIB_PHYSICS_ACOUSTIC_ISO] = phys.node == NULL;
    if (phys.node) {
        size_t nph;
        if ((st = osib_yseq_len(&phys, &nph, err)) != OSIB_OK)
            goto done;
        if (nph == 0) {
            st = osib_yfail(err, &phys, "at least one physics");
            goto done;
        }
        for (size_t i = 0; i < nph; i++) {
            if ((st = osib_yseq_at(&phys, i, &item, err)) != OSIB_OK ||
                (st = osib_yget_string(&item, buf, sizeof buf, err)) != OSIB_OK)
                goto done;
            int ph = osib_physics_parse(buf);
            if (ph < 0) {
                st = osib_yfail(err, &item, "unknown physics \"%s\" (acoustic-iso, acoustic-tti)", buf);
                goto done;
            }
            m->physics[ph] = 1;
        }
    }
    /* dimensions: [2, 3] and space_orders: [4, 8, 16]; all when absent. */
    if ((st = int_set(&root, "dimensions", 2, 3, 0, 1u << 2 | 1u << 3, &m->dimensions_mask, err)) != OSIB_OK ||
        (st = int_set(&root, "space_orders", 2, 16, 1, 0x15554u, &m->space_orders_mask, err)) != OSIB_OK ||
        (st = file_list(&root, m, err)) != OSIB_OK)
        goto done;
    if ((st = osib_ymap_string(&root, "precision", 1, buf, sizeof buf, err)) != OSIB_OK)
        goto done;
    if (strcmp(buf, "float64") == 0 || strcmp(buf, "float32") == 0)
        m->dtype_bytes = buf[5] == '6' ? 8 : 4;
    else {
        osib_ymap_get(&root, "precision", 1, &n, NULL);
        st = osib_yfail(err, &n, "\"%s\": the precision classes are float64 and float32", buf);
        goto done;
    }
    snprintf(buf, sizeof buf, "hdf5");
    if ((st = osib_ymap_string(&root, "array_format", 0, buf, sizeof buf, err)) != OSIB_OK)
        goto done;
    if (strcmp(buf, "hdf5") == 0)
        m->format = OSIB_FORMAT_HDF5;
    else if (strcmp(buf, "raw") == 0)
        m->format = OSIB_FORMAT_RAW;
    else {
        osib_ymap_get(&root, "array_format", 1, &n, NULL);
        st = osib_yfail(err, &n, "\"%s\": expected hdf5 or raw", buf);
        goto done;
    }
    if ((st = osib_ymap_double(&root, "price_per_hour_usd", 0, &m->price_per_hour_usd, err)) != OSIB_OK ||
        (st = osib_ymap_double(&root, "time_limit_s", 0, &m->time_limit_s, err)) != OSIB_OK)
        goto done;
    osib_ymap_get(&root, "price_per_hour_usd", 0, &n, NULL);
    if (n.node && m->price_per_hour_usd < 0.0) {
        st = osib_yfail(err, &n, "a price cannot be negative");
        goto done;
    }
    osib_ymap_get(&root, "time_limit_s", 0, &n, NULL);
    if (n.node && !(m->time_limit_s > 0.0 && m->time_limit_s <= 86400.0)) {
        st = osib_yfail(err, &n, "%g: expected 0 < time_limit_s <= 86400", m->time_limit_s);
        goto done;
    }
    st = osib_sha256_file(path, m->sha256, err);
done:
    osib_yaml_free(&y);
    return st;
}

int osib_impl_can(const osib_impl *m, const osib_case *c, char *why, size_t cap)
{
    if (!m->physics[c->physics])
        snprintf(why, cap, "%s, which %s does not list under physics", osib_physics_name(c->physics), m->path);
    else if (!(m->dimensions_mask >> c->ndim & 1u))
        snprintf(why, cap, "%dD, which %s does not list under dimensions", c->ndim, m->path);
    else if (c->space_order > 16 || !(m->space_orders_mask >> c->space_order & 1u))
        snprintf(why, cap, "of space order %d, which %s does not list under space_orders", c->space_order, m->path);
    else
        return 1;
    return 0;
}

void osib_impl_capabilities(const osib_impl *m, char *out, size_t cap)
{
    osib_text t;
    osib_text_init(&t);
    for (int p = 0, k = 0; p < OSIB_PHYSICS_COUNT; p++)
        if (m->physics[p])
            osib_text_printf(&t, "%s%s", k++ ? ", " : "", osib_physics_name((osib_physics)p));
    for (int d = 2, k = 0; d <= 3; d++)
        if (m->dimensions_mask >> d & 1u)
            osib_text_printf(&t, "%s%dD", k++ ? ", " : "; ", d);
    for (int so = 2, k = 0; so <= 16; so += 2)
        if (m->space_orders_mask >> so & 1u)
            osib_text_printf(&t, "%s%d", k++ ? ", " : "; space orders ", so);
    snprintf(out, cap, "%s", t.buf && !t.failed ? t.buf : "");
    osib_text_free(&t);
}
