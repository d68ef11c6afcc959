/*
 * impl_manifest.h - the implementation manifest, impl.yaml (protocol v1,
 * spec/protocol.md): who made the implementation, how to run it, what it
 * supports. Loaded strictly and checked before anything runs.
 */
#ifndef OSIB_IMPL_MANIFEST_H
#define OSIB_IMPL_MANIFEST_H

#include "case.h"
#include "fileutil.h"
#include "osib_err.h"
#include "osib_ops.h"
#include "request.h"

/* OSIB_IMPL_PATH_RECORDED: the longest path (with its NUL) a report and the
 * runner's file snapshots record (kitfiles.h, report.h); longer ones are
 * refused when the manifest is loaded rather than cut short later. */
enum { OSIB_IMPL_MAX_ARGS = 32, OSIB_IMPL_ARG_MAX = 512, OSIB_IMPL_MAX_FILES = 32, OSIB_IMPL_PATH_RECORDED = 320 };

typedef struct {
    char path[OSIB_PATH_MAX]; /* the manifest file */
    char dir[OSIB_PATH_MAX];  /* its directory, absolute: {impl_dir} */
    char sha256[65];          /* of the manifest file */
    char name[64], version[64], vendor[128], contact[256];
    char hardware_notes[1024];
    /* launcher + command, {impl_dir} substituted; {request} is replaced per
     * task by the absolute path of request.yaml. */
    char argv[OSIB_IMPL_MAX_ARGS][OSIB_IMPL_ARG_MAX];
    int argc;
    int nlauncher; /* how many of argv come from the launcher */
    int supports[OSIB_OP_COUNT];
    int physics[OSIB_PHYSICS_COUNT]; /* the physics it implements (key physics; acoustic-iso by default) */
    /* The rest of what it can do (keys dimensions, space_orders; all by
     * default): bit d of dimensions_mask for d = 2, 3, bit so of
     * space_orders_mask for an even space order 2..16. */
    unsigned dimensions_mask, space_orders_mask;
    /* The files that make up the implementation (key files): its scripts,
     * libraries, sources; absolute paths, hashed into the report beside the
     * executable, which for a script is only its interpreter. */
    char files[OSIB_IMPL_MAX_FILES][OSIB_PATH_MAX];
    int nfiles;
    int dtype_bytes; /* 8: float64 class, 4: float32 class */
    osib_array_format format;
    double price_per_hour_usd;      /* < 0: not given */
    double time_limit_s;            /* <= 0: the runner's rule */
    char executable[OSIB_PATH_MAX]; /* the resolved program, hashed in reports */
} osib_impl;

/* Load and validate; the program must exist and be executable, and every
 * file it lists must be a readable regular file. */
osib_status osib_impl_load(const char *path, osib_impl *m, osib_err *err);

/* Whether the manifest declares what case c needs (physics, dimensions,
 * space order); if not, why not in words ("3D, which ... does not list
 * under dimensions"). */
int osib_impl_can(const osib_impl *m, const osib_case *c, char *why, size_t cap);

/* "acoustic-iso, acoustic-tti; 2D, 3D; space orders 4, 8, 16", for reports. */
void osib_impl_capabilities(const osib_impl *m, char *out, size_t cap);

#endif
