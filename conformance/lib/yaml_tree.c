#include "yaml_tree.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------------------
 * Loading
 * ------------------------------------------------------------------------- */

/* One pass over the document's events before it is loaded: nesting deeper
 * than OSIB_YAML_MAX_DEPTH and aliases are refused here, in time linear in
 * the text. libyaml's loader spends time quadratic in the nesting depth
 * (40 000 '[' took 1.2 s, 8 MB would take hours), and aliases would let a
 * small document expand into a huge tree as it is walked; no OSIB file
 * needs either. */
static osib_status check_shape(const char *text, size_t len, const char *name, osib_status invalid, osib_err *err)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return osib_fail(err, OSIB_E_NOMEM, "%s: cannot initialise the YAML parser", name);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    osib_status st = OSIB_OK;
    int depth = 0;
    for (int done = 0; st == OSIB_OK && !done;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            st = osib_fail(err, invalid, "%s:%zu: malformed YAML: %s", name, parser.problem_mark.line + 1,
                           parser.problem ? parser.problem : "parse error");
            break;
        }
        if (e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT)
            depth++;
        else if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT)
            depth--;
        else if (e.type == YAML_STREAM_END_EVENT)
            done = 1;
        if (depth > OSIB_YAML_MAX_DEPTH)
            st = osib_fail(err, invalid, "%s:%zu: nested deeper than %d levels: not an OSIB YAML file", name,
                           e.start_mark.line + 1, OSIB_YAML_MAX_DEPTH);
        else if (e.type == YAML_ALIAS_EVENT)
            st = osib_fail(err, invalid, "%s:%zu: YAML aliases (*name) are not allowed in OSIB files", name,
                           e.start_mark.line + 1);
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&parser);
    return st;
}

osib_status osib_yaml_load_string(osib_yaml *y, const char *text, size_t len, const char *name, osib_status invalid,
                                  osib_err *err)
{
    memset(y, 0, sizeof *y);
    y->invalid_status = invalid;
    snprintf(y->name, sizeof y->name, "%s", name);
    osib_status st = check_shape(text, len, name, invalid, err);
    if (st != OSIB_OK)
        return st;

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return osib_fail(err, OSIB_E_NOMEM, "%s: cannot initialise the YAML parser", name);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &y->doc)) {
        st = osib_fail(err, y->invalid_status, "%s:%zu: malformed YAML: %s", name, parser.problem_mark.line + 1,
                       parser.problem ? parser.problem : "parse error");
        yaml_parser_delete(&parser);
        return st;
    }
    yaml_parser_delete(&parser);
    y->loaded = 1;
    if (!yaml_document_get_root_node(&y->doc)) {
        osib_yaml_free(y);
        return osib_fail(err, invalid, "%s: empty YAML document", name);
    }
    return OSIB_OK;
}

osib_status osib_yaml_load_file_limited(osib_yaml *y, const char *path, size_t max_bytes, int no_follow,
                                        osib_status invalid, osib_err *err)
{
    memset(y, 0, sizeof *y);
    /* Non-blocking, so that a FIFO planted where the file should be is
     * refused by the check below instead of blocking the open. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (no_follow ? O_NOFOLLOW : 0));
    if (fd < 0)
        return osib_fail(err, no_follow && errno == ELOOP ? OSIB_E_DATA : OSIB_E_IO, "%s: cannot open: %s", path,
                         errno == ELOOP ? "a symbolic link" : strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return osib_fail(err, invalid, "%s: not a regular file", path);
    }
    if ((size_t)sb.st_size > max_bytes) {
        close(fd);
        return osib_fail(err, invalid, "%s: %lld bytes, larger than the %zu this kind of file may have", path,
                         (long long)sb.st_size, max_bytes);
    }
    char *buf = malloc(max_bytes + 1);
    if (!buf) {
        close(fd);
        return osib_fail(err, OSIB_E_NOMEM, "%s: out of memory", path);
    }
    size_t len = 0;
    int read_error = 0;
    while (len <= max_bytes) {
        ssize_t n = read(fd, buf + len, max_bytes + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            read_error = n < 0;
            break;
        }
        len += (size_t)n;
    }
    close(fd);
    if (read_error) {
        free(buf);
        return osib_fail(err, OSIB_E_IO, "%s: read error", path);
    }
    if (len > max_bytes) {
        free(buf);
        return osib_fail(err, invalid, "%s: larger than the %zu bytes this kind of file may have", path, max_bytes);
    }
    osib_status st = osib_yaml_load_string(y, buf, len, path, invalid, err);
    free(buf);
    return st;
}

osib_status osib_yaml_load_file(osib_yaml *y, const char *path, osib_status invalid, osib_err *err)
{
    return osib_yaml_load_file_limited(y, path, OSIB_YAML_MAX_BYTES, 0, invalid, err);
}

void osib_yaml_free(osib_yaml *y)
{
    if (y->loaded)
        yaml_document_delete(&y->doc);
    y->loaded = 0;
}

osib_status osib_yaml_root(osib_yaml *y, osib_ynode *out, osib_err *err)
{
    out->y = y;
    out->node = yaml_document_get_root_node(&y->doc);
    out->path[0] = '\0';
    if (!out->node || out->node->type != YAML_MAPPING_NODE)
        return osib_yfail(err, out, "the document must be a mapping of keys to values");
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------- */

osib_status osib_yfail(osib_err *err, const osib_ynode *n, const char *fmt, ...)
{
    char what[OSIB_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    size_t line = n->node ? n->node->start_mark.line + 1 : 0;
    const char *path = n->path[0] ? n->path : "(top level)";
    if (line > 0)
        return osib_fail(err, n->y->invalid_status, "%s:%zu: %s: %s", n->y->name, line, path, what);
    return osib_fail(err, n->y->invalid_status, "%s: %s: %s", n->y->name, path, what);
}

static const char *scalar(const osib_ynode *n) { return (const char *)n->node->data.scalar.value; }

static const char *type_name(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

static void child_path(char *out, const char *parent, const char *key)
{
    if (parent[0])
        snprintf(out, OSIB_YPATH_MAX, "%s.%s", parent, key);
    else
        snprintf(out, OSIB_YPATH_MAX, "%s", key);
}

/* ---------------------------------------------------------------------------
 * Mappings and sequences
 * ------------------------------------------------------------------------- */

osib_status osib_ymap_check_keys(const osib_ynode *map, const char *const *allowed, osib_err *err)
{
    if (!map->node || map->node->type != YAML_MAPPING_NODE)
        return osib_yfail(err, map, "expected a mapping, got %s", map->node ? type_name(map->node) : "nothing");
    yaml_node_pair_t *first = map->node->data.mapping.pairs.start;
    for (yaml_node_pair_t *pr = first; pr < map->node->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(&map->y->doc, pr->key);
        osib_ynode kn = {map->y, k, ""};
        snprintf(kn.path, sizeof kn.path, "%s", map->path);
        if (!k || k->type != YAML_SCALAR_NODE)
            return osib_yfail(err, &kn, "keys must be plain strings");
        const char *key = (const char *)k->data.scalar.value;
        int known = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0)
                known = 1;
        if (!known)
            return osib_yfail(err, &kn, "unknown key \"%s\"", key);
        for (yaml_node_pair_t *q = first; q < pr; q++) {
            yaml_node_t *k2 = yaml_document_get_node(&map->y->doc, q->key);
            if (k2 && k2->type == YAML_SCALAR_NODE && strcmp((const char *)k2->data.scalar.value, key) == 0)
                return osib_yfail(err, &kn, "key \"%s\" appears twice", key);
        }
    }
    return OSIB_OK;
}

osib_status osib_ymap_get(const osib_ynode *map, const char *key, int required, osib_ynode *out, osib_err *err)
{
    out->y = map->y;
    out->node = NULL;
    child_path(out->path, map->path, key);
    if (!map->node || map->node->type != YAML_MAPPING_NODE)
        return osib_yfail(err, map, "expected a mapping, got %s", map->node ? type_name(map->node) : "nothing");
    for (yaml_node_pair_t *pr = map->node->data.mapping.pairs.start; pr < map->node->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(&map->y->doc, pr->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0) {
            out->node = yaml_document_get_node(&map->y->doc, pr->value);
            return OSIB_OK;
        }
    }
    if (required)
        return osib_yfail(err, map, "missing required key \"%s\"", key);
    return OSIB_OK;
}

osib_status osib_yseq_len(const osib_ynode *seq, size_t *len, osib_err *err)
{
    if (!seq->node || seq->node->type != YAML_SEQUENCE_NODE)
        return osib_yfail(err, seq, "expected a list, got %s", seq->node ? type_name(seq->node) : "nothing");
    *len = (size_t)(seq->node->data.sequence.items.top - seq->node->data.sequence.items.start);
    return OSIB_OK;
}

osib_status osib_yseq_at(const osib_ynode *seq, size_t i, osib_ynode *out, osib_err *err)
{
    size_t len;
    osib_status st = osib_yseq_len(seq, &len, err);
    if (st != OSIB_OK)
        return st;
    if (i >= len)
        return osib_yfail(err, seq, "index %zu out of range (length %zu)", i, len);
    out->y = seq->y;
    out->node = yaml_document_get_node(&seq->y->doc, seq->node->data.sequence.items.start[i]);
    snprintf(out->path, sizeof out->path, "%.*s[%zu]", OSIB_YPATH_MAX - 24, seq->path, i);
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * Scalars
 * ------------------------------------------------------------------------- */

static osib_status need_scalar(const osib_ynode *n, const char *what, osib_err *err)
{
    if (!n->node || n->node->type != YAML_SCALAR_NODE)
        return osib_yfail(err, n, "expected %s, got %s", what, n->node ? type_name(n->node) : "nothing");
    return OSIB_OK;
}

osib_status osib_yget_double(const osib_ynode *n, double *out, osib_err *err)
{
    osib_status st = need_scalar(n, "a number", err);
    if (st != OSIB_OK)
        return st;
    const char *s = scalar(n);
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0')
        return osib_yfail(err, n, "expected a number, got \"%.60s\"", s);
    if (!isfinite(v) || errno == ERANGE)
        return osib_yfail(err, n, "\"%.60s\" is not a finite number", s);
    *out = v;
    return OSIB_OK;
}

osib_status osib_yget_int(const osib_ynode *n, long long *out, osib_err *err)
{
    osib_status st = need_scalar(n, "an integer", err);
    if (st != OSIB_OK)
        return st;
    const char *s = scalar(n);
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0')
        return osib_yfail(err, n, "expected an integer, got \"%.60s\"", s);
    if (errno == ERANGE)
        return osib_yfail(err, n, "integer \"%.60s\" is out of range", s);
    *out = v;
    return OSIB_OK;
}

osib_status osib_yget_bool(const osib_ynode *n, int *out, osib_err *err)
{
    osib_status st = need_scalar(n, "true or false", err);
    if (st != OSIB_OK)
        return st;
    const char *s = scalar(n);
    if (strcmp(s, "true") == 0)
        *out = 1;
    else if (strcmp(s, "false") == 0)
        *out = 0;
    else
        return osib_yfail(err, n, "expected true or false, got \"%.60s\"", s);
    return OSIB_OK;
}

osib_status osib_yget_string(const osib_ynode *n, char *buf, size_t cap, osib_err *err)
{
    osib_status st = need_scalar(n, "a string", err);
    if (st != OSIB_OK)
        return st;
    const char *s = scalar(n);
    size_t len = strlen(s);
    if (len >= cap)
        return osib_yfail(err, n, "string longer than %zu characters", cap - 1);
    memcpy(buf, s, len + 1);
    return OSIB_OK;
}

/* ---------------------------------------------------------------------------
 * Mapping members
 * ------------------------------------------------------------------------- */

osib_status osib_ymap_double(const osib_ynode *map, const char *key, int required, double *out, osib_err *err)
{
    osib_ynode n;
    osib_status st = osib_ymap_get(map, key, required, &n, err);
    if (st != OSIB_OK || !n.node)
        return st;
    return osib_yget_double(&n, out, err);
}

osib_status osib_ymap_int(const osib_ynode *map, const char *key, int required, long long *out, osib_err *err)
{
    osib_ynode n;
    osib_status st = osib_ymap_get(map, key, required, &n, err);
    if (st != OSIB_OK || !n.node)
        return st;
    return osib_yget_int(&n, out, err);
}

osib_status osib_ymap_bool(const osib_ynode *map, const char *key, int required, int *out, osib_err *err)
{
    osib_ynode n;
    osib_status st = osib_ymap_get(map, key, required, &n, err);
    if (st != OSIB_OK || !n.node)
        return st;
    return osib_yget_bool(&n, out, err);
}

osib_status osib_ymap_string(const osib_ynode *map, const char *key, int required, char *buf, size_t cap, osib_err *err)
{
    osib_ynode n;
    osib_status st = osib_ymap_get(map, key, required, &n, err);
    if (st != OSIB_OK || !n.node)
        return st;
    return osib_yget_string(&n, buf, cap, err);
}

static osib_status list_len(const osib_ynode *list, size_t count, size_t cap, size_t *len, osib_err *err)
{
    osib_status st = osib_yseq_len(list, len, err);
    if (st != OSIB_OK)
        return st;
    if (count > 0 && *len != count)
        return osib_yfail(err, list, "expected a list of %zu values, got %zu", count, *len);
    if (*len > cap)
        return osib_yfail(err, list, "at most %zu values allowed, got %zu", cap, *len);
    return OSIB_OK;
}

osib_status osib_ymap_double_list(const osib_ynode *map, const char *key, size_t count, size_t cap, double *out,
                                  size_t *len, osib_err *err)
{
    osib_ynode list, item;
    size_t n = 0;
    osib_status st = osib_ymap_get(map, key, 1, &list, err);
    if (st == OSIB_OK)
        st = list_len(&list, count, cap, &n, err);
    for (size_t i = 0; st == OSIB_OK && i < n; i++) {
        st = osib_yseq_at(&list, i, &item, err);
        if (st == OSIB_OK)
            st = osib_yget_double(&item, &out[i], err);
    }
    if (len)
        *len = n;
    return st;
}

osib_status osib_ymap_int_list(const osib_ynode *map, const char *key, size_t count, size_t cap, long long *out,
                               size_t *len, osib_err *err)
{
    osib_ynode list, item;
    size_t n = 0;
    osib_status st = osib_ymap_get(map, key, 1, &list, err);
    if (st == OSIB_OK)
        st = list_len(&list, count, cap, &n, err);
    for (size_t i = 0; st == OSIB_OK && i < n; i++) {
        st = osib_yseq_at(&list, i, &item, err);
        if (st == OSIB_OK)
            st = osib_yget_int(&item, &out[i], err);
    }
    if (len)
        *len = n;
    return st;
}
