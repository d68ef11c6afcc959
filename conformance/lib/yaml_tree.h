/*
 * yaml_tree.h - strict, schema-driven reading of YAML documents (libyaml's
 * document API) with error messages that point at the file, line and key.
 *
 * Every OSIB input in YAML (case files, implementation manifests, requests)
 * is read through this module, so every one gets the same guarantees:
 * unknown and duplicate keys are errors, numbers must parse completely and
 * be finite, integers must be integers, and each message reads
 *
 *     spec/cases/x.yaml:12: grid.shape[1]: expected an integer, got "10.5"
 *
 * A osib_ynode is a view (document, node, dotted path) and is only valid
 * while its osib_yaml is alive.
 */
#ifndef OSIB_YAML_TREE_H
#define OSIB_YAML_TREE_H

#include <stddef.h>
#include <yaml.h>

#include "osib_err.h"

/* Limits on every YAML document OSIB reads (spec/protocol.md §2.4): its
 * size (OSIB_YAML_MAX_BYTES; smaller for some kinds of file, see
 * osib_yaml_load_file_limited) and its nesting depth. The deepest OSIB file
 * nests 5 levels (a request's case's receivers' lattice); aliases are
 * refused. */
enum { OSIB_YAML_MAX_BYTES = 16 << 20, OSIB_YAML_MAX_DEPTH = 32, OSIB_YPATH_MAX = 192 };

typedef struct {
    yaml_document_t doc;
    int loaded;
    char name[256];             /* file name for messages */
    osib_status invalid_status; /* status of schema errors: the loader's invalid, or as changed */
} osib_yaml;

typedef struct {
    osib_yaml *y;
    yaml_node_t *node; /* NULL for an absent optional key */
    char path[OSIB_YPATH_MAX];
} osib_ynode;

/* Parse a whole file (a regular file of at most OSIB_YAML_MAX_BYTES) / a
 * string; nesting deeper than OSIB_YAML_MAX_DEPTH and aliases are refused. invalid is
 * the status of what is wrong with the document itself - malformed YAML, an
 * empty or oversized file - and becomes y->invalid_status, the status of its
 * schema errors, so that one bad file gives one exit code whatever is wrong
 * with it (OSIB_E_CASE for a case, OSIB_E_USAGE for a manifest or request,
 * OSIB_E_DATA for what an implementation wrote, a report, the registry). A
 * missing or unreadable file is OSIB_E_IO. On success the caller owns y and
 * must osib_yaml_free it. */
osib_status osib_yaml_load_file(osib_yaml *y, const char *path, osib_status invalid, osib_err *err);
osib_status osib_yaml_load_string(osib_yaml *y, const char *text, size_t len, const char *name, osib_status invalid,
                                  osib_err *err);
/* The same for a file an implementation wrote: at most max_bytes, a
 * regular file (never a FIFO or device, which could block the reader), and
 * with no_follow not a symbolic link either. */
osib_status osib_yaml_load_file_limited(osib_yaml *y, const char *path, size_t max_bytes, int no_follow,
                                        osib_status invalid, osib_err *err);
void osib_yaml_free(osib_yaml *y);

/* The root node, which must be a mapping. */
osib_status osib_yaml_root(osib_yaml *y, osib_ynode *out, osib_err *err);

/* Record an error located at n, "<file>:<line>: <path>: <message>", with
 * the document's invalid_status. */
osib_status osib_yfail(osib_err *err, const osib_ynode *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Fail unless map is a mapping whose keys are all in allowed (a
 * NULL-terminated list) and none repeats. */
osib_status osib_ymap_check_keys(const osib_ynode *map, const char *const *allowed, osib_err *err);

/* Look up key in a mapping. A missing required key is an error; a missing
 * optional key gives out->node == NULL. */
osib_status osib_ymap_get(const osib_ynode *map, const char *key, int required, osib_ynode *out, osib_err *err);

/* Sequences. */
osib_status osib_yseq_len(const osib_ynode *seq, size_t *len, osib_err *err);
osib_status osib_yseq_at(const osib_ynode *seq, size_t i, osib_ynode *out, osib_err *err);

/* Scalars. */
osib_status osib_yget_double(const osib_ynode *n, double *out, osib_err *err); /* finite */
osib_status osib_yget_int(const osib_ynode *n, long long *out, osib_err *err);
osib_status osib_yget_bool(const osib_ynode *n, int *out, osib_err *err);
/* Copy a string scalar; fails if it does not fit in cap bytes. */
osib_status osib_yget_string(const osib_ynode *n, char *buf, size_t cap, osib_err *err);

/* Convenience: required/optional typed members of a mapping. An absent
 * optional member leaves *out unchanged. */
osib_status osib_ymap_double(const osib_ynode *map, const char *key, int required, double *out, osib_err *err);
osib_status osib_ymap_int(const osib_ynode *map, const char *key, int required, long long *out, osib_err *err);
osib_status osib_ymap_bool(const osib_ynode *map, const char *key, int required, int *out, osib_err *err);
osib_status osib_ymap_string(const osib_ynode *map, const char *key, int required, char *buf, size_t cap,
                             osib_err *err);

/* Read a sequence of exactly `count` numbers (count = 0: any length up to
 * cap, returned in *len). */
osib_status osib_ymap_double_list(const osib_ynode *map, const char *key, size_t count, size_t cap, double *out,
                                  size_t *len, osib_err *err);
osib_status osib_ymap_int_list(const osib_ynode *map, const char *key, size_t count, size_t cap, long long *out,
                               size_t *len, osib_err *err);

#endif
