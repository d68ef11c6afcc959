#include "oracle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5io.h"
#include "hash.h"
#include "manifest.h"
#include "request.h"

/* Every array of an oracle file, and the group it lives in; the Thomsen
 * fields exist in TTI oracles only (phi only in 3D). */
static const struct {
    const char *name;
    const char *group;
} oracle_arrays[] = {
    {"vp", "inputs"},
    {"src_wavelet", "inputs"},
    {"adjoint_data", "inputs"},
    {"dm", "inputs"},
    {"observed_data", "inputs"},
    {"epsilon", "inputs"},
    {"delta", "inputs"},
    {"theta", "inputs"},
    {"phi", "inputs"},
    {"forward_data", "outputs"},
    {"adjoint_wavelet", "outputs"},
    {"born_data", "outputs"},
    {"born_adjoint_image", "outputs"},
    {"objective", "outputs"},
    {"gradient", "outputs"},
};
enum { NORACLE = sizeof oracle_arrays / sizeof oracle_arrays[0] };

/* Whether case c's oracle holds array i. */
static int oracle_has(const osib_case *c, int i)
{
    const char *name = oracle_arrays[i].name;
    for (const char *const *m = osib_case_medium_names(c); *m; m++)
        if (strcmp(*m, name) == 0)
            return 1;
    return strcmp(name, "epsilon") != 0 && strcmp(name, "delta") != 0 && strcmp(name, "theta") != 0 &&
           strcmp(name, "phi") != 0;
}

osib_status osib_oracle_load(osib_oracle *o, const osib_case *c, const char *kit_root, osib_err *err)
{
    memset(o, 0, sizeof *o);
    o->c = c;
    snprintf(o->rel_path, sizeof o->rel_path, "oracles/%s.h5", c->id);
    snprintf(o->path, sizeof o->path, "%s/%s", kit_root, o->rel_path);
    char manifest_path[OSIB_PATH_MAX], hash[65], stored[65];
    snprintf(manifest_path, sizeof manifest_path, "%s/oracles/MANIFEST", kit_root);

    osib_manifest m = {0};
    osib_h5file f = {.id = -1};
    osib_status st = osib_manifest_read(&m, manifest_path, err);
    if (st == OSIB_OK)
        st = osib_h5_open(&f, o->path, err);
    if (st == OSIB_OK)
        st = osib_case_hash(c, hash, err);
    if (st == OSIB_OK && (osib_h5_get_attr_string(&f, "/", "case_sha256", stored, sizeof stored, NULL) != OSIB_OK ||
                          strcmp(stored, hash) != 0))
        st = osib_fail(err, OSIB_E_MISMATCH,
                       "%s was computed for another version of case %s (case hash %.12s, "
                       "oracle says %.12s): regenerate it with make oracles",
                       o->path, c->id, hash, stored);
    for (int i = 0; st == OSIB_OK && i < NORACLE; i++) {
        if (!oracle_has(c, i))
            continue;
        char dataset[64];
        int rank;
        size_t dims[OSIB_REQ_RANK_MAX], count = 1;
        snprintf(dataset, sizeof dataset, "/%s/%s", oracle_arrays[i].group, oracle_arrays[i].name);
        osib_array_shape(c, oracle_arrays[i].name, &rank, dims);
        for (int d = 0; d < rank; d++)
            count *= dims[d];
        st = osib_h5_read_alloc(&f, dataset, rank, dims, &o->arrays[i], err);
        char got[OSIB_SHA256_HEX];
        if (st == OSIB_OK)
            st = osib_sha256_doubles(o->arrays[i], count, got, err);
        const osib_manifest_entry *e = st == OSIB_OK ? osib_manifest_find(&m, c->id, dataset) : NULL;
        if (st == OSIB_OK && (!e || strcmp(e->sha256, got) != 0))
            st = osib_fail(err, OSIB_E_MISMATCH,
                           "%s: %s does not match oracles/MANIFEST: the oracle is not the one "
                           "the kit published",
                           o->path, dataset);
        if (st == OSIB_OK) {
            snprintf(o->datasets[o->narrays], sizeof o->datasets[0], "%s", dataset);
            snprintf(o->sha256[o->narrays], sizeof o->sha256[0], "%s", got);
            o->narrays++;
        }
    }
    osib_h5_close(&f, NULL);
    osib_manifest_free(&m);
    if (st != OSIB_OK)
        osib_oracle_free(o);
    return st;
}

void osib_oracle_free(osib_oracle *o)
{
    for (int i = 0; i < NORACLE; i++) {
        free(o->arrays[i]);
        o->arrays[i] = NULL;
    }
}

const double *osib_oracle_array(const osib_oracle *o, const char *name)
{
    for (int i = 0; i < NORACLE; i++)
        if (strcmp(oracle_arrays[i].name, name) == 0)
            return o->arrays[i];
    return NULL;
}
