/* osib oracle manifest | check */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "manifest.h"

static const char *const oracle_usage = "usage: osib oracle manifest --out MANIFEST ORACLE.h5...\n"
                                        "       osib oracle check --manifest MANIFEST ORACLE.h5...\n"
                                        "\n"
                                        "manifest  hash every array of the oracle files and write the manifest\n"
                                        "check     recompute the hashes and compare: every array of each file must\n"
                                        "          be in the manifest with the same hash and shape, and every array\n"
                                        "          the manifest lists for the file's case must be in the file.\n"
                                        "          Exit 0 when all match, 7 on any mismatch.\n";

static int do_manifest(int argc, char **argv)
{
    if (argc < 4 || strcmp(argv[1], "--out") != 0)
        return cli_error(OSIB_E_USAGE, "oracle manifest --out FILE ORACLE.h5...");
    osib_manifest m = {0};
    osib_err err = {0};
    osib_status st = OSIB_OK;
    for (int i = 3; st == OSIB_OK && i < argc; i++)
        st = osib_manifest_add_file(&m, argv[i], &err);
    if (st == OSIB_OK)
        st = osib_manifest_write(&m, argv[2], &err);
    if (st == OSIB_OK)
        printf("%zu arrays from %d oracle file(s) -> %s\n", m.count, argc - 3, argv[2]);
    osib_manifest_free(&m);
    return st == OSIB_OK ? 0 : cli_report(&err);
}

static int check_file(const osib_manifest *ref, const char *path, int *mismatches)
{
    osib_manifest got = {0};
    osib_err err = {0};
    if (osib_manifest_add_file(&got, path, &err) != OSIB_OK) {
        osib_manifest_free(&got);
        return cli_report(&err);
    }
    int bad = 0;
    const char *case_id = got.count ? got.entries[0].case_id : "?";
    for (size_t i = 0; i < got.count; i++) {
        const osib_manifest_entry *g = &got.entries[i];
        const osib_manifest_entry *e = osib_manifest_find(ref, g->case_id, g->dataset);
        if (!e) {
            printf("MISMATCH %s %s %s: not in the manifest\n", path, g->case_id, g->dataset);
            bad++;
        } else if (strcmp(e->sha256, g->sha256) != 0 || strcmp(e->shape, g->shape) != 0) {
            printf("MISMATCH %s %s %s: sha256 %s %s, manifest %s %s\n", path, g->case_id, g->dataset, g->sha256,
                   g->shape, e->sha256, e->shape);
            bad++;
        }
    }
    for (size_t i = 0; i < ref->count; i++) {
        const osib_manifest_entry *e = &ref->entries[i];
        if (strcmp(e->case_id, case_id) == 0 && !osib_manifest_find(&got, e->case_id, e->dataset)) {
            printf("MISMATCH %s %s %s: in the manifest, missing from the file\n", path, e->case_id, e->dataset);
            bad++;
        }
    }
    if (!bad)
        printf("ok %s: %zu arrays of %s match the manifest bit for bit\n", path, got.count, case_id);
    *mismatches += bad;
    osib_manifest_free(&got);
    return 0;
}

static int do_check(int argc, char **argv)
{
    if (argc < 4 || strcmp(argv[1], "--manifest") != 0)
        return cli_error(OSIB_E_USAGE, "oracle check --manifest FILE ORACLE.h5...");
    osib_manifest ref = {0};
    osib_err err = {0};
    if (osib_manifest_read(&ref, argv[2], &err) != OSIB_OK) {
        osib_manifest_free(&ref);
        return cli_report(&err);
    }
    int mismatches = 0, status = 0;
    for (int i = 3; i < argc; i++) {
        int rc = check_file(&ref, argv[i], &mismatches);
        if (rc)
            status = rc;
    }
    osib_manifest_free(&ref);
    if (status)
        return status;
    if (mismatches)
        return cli_error(OSIB_E_MISMATCH, "%d array(s) differ from %s", mismatches, argv[2]);
    return 0;
}

int cmd_oracle(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "manifest") == 0)
        return do_manifest(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "check") == 0)
        return do_check(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
        fputs(oracle_usage, stdout);
        return 0;
    }
    return cli_error(OSIB_E_USAGE, "oracle needs manifest or check (see osib oracle --help)");
}
