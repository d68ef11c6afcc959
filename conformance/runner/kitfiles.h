/*
 * kitfiles.h - the kit's own files a certification relies on, and proof
 * that the implementation left them alone (spec/protocol.md §3).
 *
 * An implementation runs as the same user as the runner and could rewrite
 * the kit's oracles and their MANIFEST between two certifications, so that
 * a wrong program agrees with poisoned oracles. Two defences:
 *
 *   - oracles/MANIFEST must hash to the value compiled into the runner when
 *     the kit was built (version.h), before any oracle is read;
 *   - a snapshot of the files the run depends on - MANIFEST, the oracle and
 *     case files of its cases, and the runner's own executable - is taken
 *     before the first task and again after the last; any difference is a
 *     failed check (kit/files/unchanged), so the report is NON-CONFORMANT.
 *
 * The implementation's own executable and the files its manifest lists are
 * snapshotted the same way (kit/impl-files/unchanged): they must be
 * unchanged at the end of the run. A program that edits them and restores
 * them before the run ends, or keeps state in files it does not list,
 * passes this check; RULES.md §5 forbids both all the same.
 */
#ifndef OSIB_KITFILES_H
#define OSIB_KITFILES_H

#include "case.h"
#include "osib_err.h"

enum { OSIB_KIT_MAX_FILES = 80 };

typedef struct {
    char path[320]; /* relative to the kit root, or absolute outside it */
    char sha256[65];
} osib_kit_file;

typedef struct {
    osib_kit_file files[OSIB_KIT_MAX_FILES];
    int n;
} osib_kit_snapshot;

/* OSIB_E_MISMATCH unless kit_root/oracles/MANIFEST is the one this kit was
 * built with. */
osib_status osib_kit_manifest_check(const char *kit_root, osib_err *err);

/* Hash the kit's files for these cases (oracle files only of cases that
 * have one). A file that cannot be hashed is recorded with sha256
 * "unreadable". */
osib_status osib_kit_snapshot_take(osib_kit_snapshot *s, const char *kit_root, const osib_case *cases, int ncases,
                                   osib_err *err);

/* Hash the files named by absolute paths (an implementation's executable
 * and the files its manifest lists), in that order: the same proof for
 * the implementation, which must not rewrite itself between tasks. */
void osib_files_snapshot_take(osib_kit_snapshot *s, const char *const *paths, int n);

/* How many files differ between two snapshots; what gets the first. */
int osib_kit_snapshot_diff(const osib_kit_snapshot *before, const osib_kit_snapshot *after, char *what, size_t cap);

#endif
