/*
 * oracle.h - a case's published oracle (oracles/<id>.h5): its documented
 * inputs and the float64 outputs of the simple reference on them, every
 * array checked against oracles/MANIFEST when loaded.
 */
#ifndef OSIB_ORACLE_H
#define OSIB_ORACLE_H

#include "case.h"
#include "fileutil.h"
#include "osib_err.h"
#include "osib_ops.h"

typedef struct {
    const osib_case *c;
    char path[OSIB_PATH_MAX];
    char rel_path[320]; /* as given in reports: relative to the kit */
    double *arrays[16];
    char datasets[16][48];
    char sha256[16][65]; /* of each array's canonical bytes, equal to oracles/MANIFEST */
    int narrays;
} osib_oracle;

osib_status osib_oracle_load(osib_oracle *o, const osib_case *c, const char *kit_root, osib_err *err);
void osib_oracle_free(osib_oracle *o);

/* An oracle array by its dataset name ("vp", "forward_data", ...). */
const double *osib_oracle_array(const osib_oracle *o, const char *name);

#endif
