/*
 * registry.h - the dataset registry (datasets/registry.yaml): open velocity
 * models, where they officially live, how big they are, their SHA-256
 * where known, how their files are stored, their licence and citation, and
 * whether they may be redistributed.
 *
 * The registry is read strictly (yaml_tree.h): unknown keys, malformed
 * hashes or sizes are errors (OSIB_E_DATA), so a typo cannot silently turn
 * off a hash check. "unknown" is the explicit value for a size or hash that
 * nobody has verified.
 */
#ifndef OSIB_REGISTRY_H
#define OSIB_REGISTRY_H

#include <stddef.h>

#include "model_import.h"
#include "osib_err.h"

enum { OSIB_REG_MAX_FILES = 8, OSIB_REG_MAX_DATASETS = 64 };

typedef struct {
    char name[256];
    char url[1024];       /* "" when there is no public URL */
    long long size_bytes; /* -1: unknown */
    char sha256[65];      /* "": unknown */
    char archive[16];     /* "", "gzip", "tar.gz", "tar": unpack before import */
    char grid[256];       /* free text when there is no layout */
    int has_layout;
    osib_model_layout layout; /* how to import it */
} osib_reg_file;

typedef struct {
    char name[64];
    char title[256];
    char model[128];
    char licence[256];
    char citation[1024];
    char homepage[1024];
    char notes[1024];
    int redistributable; /* 0: OSIB never ships it nor any part of it */
    int nfiles;
    osib_reg_file files[OSIB_REG_MAX_FILES];
} osib_dataset;

typedef struct {
    int count;
    osib_dataset *items; /* owned */
} osib_registry;

osib_status osib_registry_load(const char *path, osib_registry *reg, osib_err *err);
void osib_registry_free(osib_registry *reg);

/* The dataset named name, or NULL. */
const osib_dataset *osib_registry_find(const osib_registry *reg, const char *name);

#endif
