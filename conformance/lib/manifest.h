/*
 * manifest.h - oracles/MANIFEST: the SHA-256 of every oracle array.
 *
 * One line per array, sorted by case id then dataset path:
 *
 *   <sha256>  <case id>  <dataset>  float64 [d0,d1,...]
 *
 * The hash is over the array's canonical bytes (hash.h), so it holds for
 * any HDF5 file with the same numbers. Lines starting with '#' are comments.
 */
#ifndef OSIB_MANIFEST_H
#define OSIB_MANIFEST_H

#include <stddef.h>

#include "hash.h"
#include "osib_err.h"

typedef struct {
    char case_id[64];
    char dataset[128];
    char sha256[OSIB_SHA256_HEX];
    char shape[64];
} osib_manifest_entry;

typedef struct {
    osib_manifest_entry *entries;
    size_t count, cap;
} osib_manifest;

/* Hash every dataset of an oracle file (its case id from the case_id
 * attribute) and append the entries. */
osib_status osib_manifest_add_file(osib_manifest *m, const char *h5_path, osib_err *err);

osib_status osib_manifest_read(osib_manifest *m, const char *path, osib_err *err);

/* Sort and write atomically, with a header comment. */
osib_status osib_manifest_write(osib_manifest *m, const char *path, osib_err *err);

const osib_manifest_entry *osib_manifest_find(const osib_manifest *m, const char *case_id, const char *dataset);

void osib_manifest_free(osib_manifest *m);

#endif
