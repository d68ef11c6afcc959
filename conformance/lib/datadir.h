/*
 * datadir.h - where the kit finds dataset files (spec/cases.md, "Where model
 * data is found").
 *
 * Data directories are searched in this order:
 *   1. each directory of $OSIB_DATA (colon-separated), in order;
 *   2. <kit root>/build/datasets, where `osib dataset fetch` puts downloads;
 *   3. <kit root>/../shared/data, a read-only copy beside a checkout.
 * A dataset file is <data dir>/<dataset name>/<file name>. The kit root is
 * $OSIB_ROOT, or the first ancestor of the running executable that holds
 * spec/cases (build/bin/osib, build/asan/bin/osib, an installed copy).
 *
 * Reading the environment is the only input; nothing here is cached.
 */
#ifndef OSIB_DATADIR_H
#define OSIB_DATADIR_H

#include <stddef.h>

#include "fileutil.h"
#include "osib_err.h"

enum { OSIB_MAX_DATA_DIRS = 16 };

/* The kit root (see above), "." if none is found. */
void osib_kit_root(char *buf, size_t cap);

/* The data directories in search order; returns how many (existing or not). */
int osib_data_dirs(char dirs[][OSIB_PATH_MAX], int max);

/* Where downloads go by default: the first $OSIB_DATA entry, else
 * <kit root>/build/datasets. */
void osib_data_default_dest(char *buf, size_t cap);

/* Find <dir>/<dataset>/<file> in the data directories. OSIB_E_IO, naming
 * the directories searched and how to get the file, when none has it. */
osib_status osib_data_find(const char *dataset, const char *file, char *path, size_t cap, osib_err *err);

#endif
