/*
 * impl_manifest.h - the implementation manifest, impl.yaml (protocol v1,
 * spec/protocol.md): who made the implementation, how to run it, what it
 * supports. Loaded strictly and checked before anything runs.
 */
#ifndef OSIB_IMPL_MANIFEST_H
#define OSIB_IMPL_MANIFEST_H

#include "fileutil.h"
#include "osib_err.h"
#include "osib_ops.h"
#include "request.h"

enum { OSIB_IMPL_MAX_ARGS = 32, OSIB_IMPL_ARG_MAX = 512 };

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
    int dtype_bytes;                 /* 8: float64 class, 4: float32 class */
    osib_array_format format;
    double price_per_hour_usd;      /* < 0: not given */
    double time_limit_s;            /* <= 0: the runner's rule */
    char executable[OSIB_PATH_MAX]; /* the resolved program, hashed in reports */
} osib_impl;

/* Load and validate; the program must exist and be executable. */
osib_status osib_impl_load(const char *path, osib_impl *m, osib_err *err);

#endif
