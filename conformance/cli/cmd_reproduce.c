/* osib reproduce: re-run a report's certification here and compare its
 * timings (spec/protocol.md §4.2). osib verify proves what the files of a
 * report say; only running the implementation again shows that its timings
 * were not invented. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend_cpu.h"
#include "certify.h"
#include "cli.h"
#include "hash.h"
#include "report.h"

/* A report's timing counts as reproduced when the run here is no more
 * than this much slower: a report may understate its speed, not overstate
 * it by more than the noise of one machine's repeated runs (spec §4.2). */
#define REPRODUCE_MAX_SLOWDOWN 1.5

static const char *const reproduce_usage =
    "usage: osib reproduce DIR [--impl IMPL.yaml] [--out NEW_DIR]\n"
    "\n"
    "Certify the implementation of the report in DIR again, here: the same cases,\n"
    "operators and repetitions, on fresh inputs, into NEW_DIR (default\n"
    "DIR-reproduced-<UTC time>). Then compare each median wall time with the report's.\n"
    "REPRODUCED when the new run is CONFORMANT and no median is more than 1.5 times\n"
    "the reported one; NOT REPRODUCED otherwise. The manifest is the report's own\n"
    "(its SHA-256 and those of the files it lists must match) unless --impl names\n"
    "another.\n"
    "\n"
    "Exit codes: 0 REPRODUCED, 1 NOT REPRODUCED, 2 or more: could not run.\n";

int cmd_reproduce(int argc, char **argv)
{
    static const struct option options[] = {
        {"impl", required_argument, NULL, 'i'},
        {"out", required_argument, NULL, 'O'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *impl = NULL, *out = NULL;
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'i': impl = optarg; break;
        case 'O': out = optarg; break;
        case 'h': fputs(reproduce_usage, stdout); return 0;
        default: return cli_error(OSIB_E_USAGE, "reproduce: unknown or incomplete option (see osib reproduce --help)");
        }
    }
    if (optind != argc - 1)
        return cli_error(OSIB_E_USAGE, "reproduce takes one report directory (see osib reproduce --help)");
    const char *dir = argv[optind];

    osib_report old;
    char body[65];
    osib_err err = {0};
    if (osib_report_read(&old, dir, body, &err) != OSIB_OK)
        return cli_report(&err);
    if (!old.conformant) {
        osib_report_free(&old);
        return cli_error(OSIB_E_USAGE, "reproduce: %s is NON-CONFORMANT: it has no timings to reproduce", dir);
    }
    if (!impl) {
        char hex[65];
        impl = old.impl_manifest;
        if (osib_sha256_file(impl, hex, &err) != OSIB_OK || strcmp(hex, old.impl_manifest_sha256) != 0) {
            int st = cli_error(OSIB_E_MISMATCH,
                               "reproduce: %s is not the manifest the report was made with (SHA-256 %s): give the "
                               "implementation with --impl",
                               impl, err.msg[0] ? err.msg : "differs");
            osib_report_free(&old);
            return st;
        }
        /* and the files it says it is made of must be those it was run with */
        for (int f = 0; f < old.nimpl_files; f++) {
            osib_err ferr = {0};
            if (osib_sha256_file(old.impl_files[f].path, hex, &ferr) != OSIB_OK ||
                strcmp(hex, old.impl_files[f].sha256) != 0) {
                int st = cli_error(OSIB_E_MISMATCH,
                                   "reproduce: %s is not the file the report's implementation was made of (%s): give "
                                   "the implementation with --impl",
                                   old.impl_files[f].path, ferr.msg[0] ? ferr.msg : "SHA-256 differs");
                osib_report_free(&old);
                return st;
            }
        }
    }

    char default_out[4096], utc[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(utc, sizeof utc, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(default_out, sizeof default_out, "%s-reproduced-%s", dir, utc);
    osib_certify_options o;
    memset(&o, 0, sizeof o);
    o.impl_path = impl;
    o.out_dir = out ? out : default_out;
    o.kit_root = cli_kit_root();
    o.repeat = old.repeat;
    o.yardstick = cli_yardstick();
    o.force = old.forced;
    char command_line[1024];
    snprintf(command_line, sizeof command_line, "osib reproduce %s", dir);
    o.command_line = command_line;
    /* The same cases; the operators chosen with --ops only if the report's
     * run chose them (otherwise the manifest's, as then). */
    for (int i = 0; i < old.ncases && i < 32; i++) {
        o.case_ids[o.ncases++] = old.cases[i].id;
        for (int op = 0; old.operators_chosen && op < OSIB_OP_COUNT; op++)
            o.ops[op] |= old.cases[i].ops[op];
    }
    int conformant = 0;
    char id[17];
    osib_status st = osib_certify(&o, &conformant, id, &err);
    if (st != OSIB_OK) {
        osib_report_free(&old);
        return cli_report(&err);
    }
    osib_report fresh;
    if (osib_report_read(&fresh, o.out_dir, body, &err) != OSIB_OK) {
        osib_report_free(&old);
        return cli_report(&err);
    }
    /* The cases must be the ones the report was made for. */
    int same_cases = fresh.ncases == old.ncases;
    for (int i = 0; same_cases && i < old.ncases; i++)
        same_cases = strcmp(fresh.cases[i].sha256, old.cases[i].sha256) == 0;

    int reproduced = conformant && same_cases;
    printf("%-28s %-13s %12s %12s %8s\n", "case", "operator", "reported s", "here s", "ratio");
    for (int i = 0; i < old.ntimings; i++) {
        const osib_timing *a = &old.timings[i];
        const osib_timing *b = NULL;
        for (int k = 0; k < fresh.ntimings && !b; k++)
            if (strcmp(fresh.timings[k].case_id, a->case_id) == 0 && strcmp(fresh.timings[k].op, a->op) == 0)
                b = &fresh.timings[k];
        double ratio = b ? b->wall_s[0] / a->wall_s[0] : NAN;
        int ok = b && ratio <= REPRODUCE_MAX_SLOWDOWN;
        reproduced = reproduced && ok;
        printf("%-28s %-13s %12.4g %12.4g %8.3g%s\n", a->case_id, a->op, a->wall_s[0], b ? b->wall_s[0] : NAN, ratio,
               ok ? "" : "  <- slower here than reported");
    }
    if (!same_cases)
        printf("the cases differ from the report's (another kit version?)\n");
    printf("%s: report %s against the run here (report %s, %s) -> %s\n", reproduced ? "REPRODUCED" : "NOT REPRODUCED",
           old.report_id, id, conformant ? "CONFORMANT" : "NON-CONFORMANT", o.out_dir);
    osib_report_free(&old);
    osib_report_free(&fresh);
    return reproduced ? 0 : osib_exit_code(OSIB_E_NONCONFORMANT);
}
