/* osib certify */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_cpu.h"
#include "certify.h"
#include "cli.h"
#include "report.h"

static const char *const certify_usage =
    "usage: osib certify --impl IMPL.yaml (--suite NAME | --case ID...) --out DIR\n"
    "                    [--ops OP,...] [--repeat N] [--seed S] [--bandwidth GB/s] [--force]\n"
    "\n"
    "Certify an implementation (spec/protocol.md): validate its manifest and the\n"
    "cases, run the correctness gates - every output against the oracle and, on a\n"
    "fresh challenge variant, against the kit's own reference; dot tests, linearity,\n"
    "Taylor test of the gradient, on fresh random inputs - and only if every check\n"
    "passes, time N repetitions of each operator, each on fresh inputs and each\n"
    "validated. Writes DIR/report.yaml, report.md, report.html and the tasks' files;\n"
    "DIR must not hold a report already. A case without an oracle (a benchmark\n"
    "case, e.g. --suite perf) is certified beside an oracle case of the same\n"
    "dimensions and space order.\n"
    "\n"
    "  --impl FILE      the implementation manifest (impl.yaml)\n"
    "  --suite NAME     every case of a suite (e.g. smoke)\n"
    "  --case ID        a case id or file; repeatable\n"
    "  --ops LIST       operators to certify (default: all the manifest lists)\n"
    "  --repeat N       timed repetitions per case and operator (default 5)\n"
    "  --seed S         seed of the random inputs (default: fresh, recorded)\n"
    "  --bandwidth B    memory bandwidth in GB/s for the roofline (default: measured,\n"
    "                   STREAM triad; give the accelerator's for a GPU)\n"
    "  --force          run cases that do not fit in this machine's memory\n"
    "  --out DIR        where the report goes\n"
    "\n"
    "Exit codes: 0 CONFORMANT, 1 NON-CONFORMANT, 2 or more: no verdict (usage,\n"
    "invalid case, file error, memory, oracle mismatch).\n";

int cmd_certify(int argc, char **argv)
{
    static const struct option options[] = {
        {"impl", required_argument, NULL, 'i'},
        {"suite", required_argument, NULL, 's'},
        {"case", required_argument, NULL, 'c'},
        {"ops", required_argument, NULL, 'o'},
        {"repeat", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 'S'},
        {"bandwidth", required_argument, NULL, 'b'},
        {"out", required_argument, NULL, 'O'},
        {"force", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    osib_certify_options o;
    memset(&o, 0, sizeof o);
    o.repeat = 5;
    o.kit_root = cli_kit_root();
    o.yardstick = cli_yardstick();
    char command_line[1024] = "osib";
    for (int i = 0; i < argc; i++)
        strncat(command_line, " ", sizeof command_line - strlen(command_line) - 1),
            strncat(command_line, argv[i], sizeof command_line - strlen(command_line) - 1);
    o.command_line = command_line;
    int opt;
    char *end;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'i': o.impl_path = optarg; break;
        case 's': o.suite = optarg; break;
        case 'c':
            if (o.ncases == 32)
                return cli_error(OSIB_E_USAGE, "certify: at most 32 cases");
            o.case_ids[o.ncases++] = optarg;
            break;
        case 'o': {
            char buf[256];
            snprintf(buf, sizeof buf, "%s", optarg);
            for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                int op = osib_op_parse(t);
                if (op < 0)
                    return cli_error(OSIB_E_USAGE, "certify: unknown operator \"%s\"", t);
                o.ops[op] = 1;
            }
            break;
        }
        case 'r':
            o.repeat = (int)strtol(optarg, &end, 10);
            if (*end || o.repeat < 1)
                return cli_error(OSIB_E_USAGE, "certify: --repeat needs a positive integer");
            break;
        case 'S':
            o.seed = strtoull(optarg, &end, 10);
            if (*end)
                return cli_error(OSIB_E_USAGE, "certify: --seed needs an integer");
            o.seed &= 0x7fffffffffffffffULL;
            o.have_seed = 1;
            break;
        case 'b':
            o.bandwidth_gbs = strtod(optarg, &end);
            if (*end || !(o.bandwidth_gbs > 0))
                return cli_error(OSIB_E_USAGE, "certify: --bandwidth needs a positive number of GB/s");
            break;
        case 'O': o.out_dir = optarg; break;
        case 'F': o.force = 1; break;
        case 'h': fputs(certify_usage, stdout); return 0;
        default: return cli_error(OSIB_E_USAGE, "certify: unknown or incomplete option (see osib certify --help)");
        }
    }
    if (optind < argc)
        return cli_error(OSIB_E_USAGE, "certify: unexpected argument \"%s\"", argv[optind]);
    if (!o.impl_path || !o.out_dir)
        return cli_error(OSIB_E_USAGE, "certify: --impl and --out are required (see osib certify --help)");
    if (!!o.suite == !!o.ncases)
        return cli_error(OSIB_E_USAGE, "certify: give --suite or --case (one of the two)");

    osib_err err = {0};
    int conformant = 0;
    char id[17];
    osib_status st = osib_certify(&o, &conformant, id, &err);
    if (st != OSIB_OK)
        return cli_report(&err);

    /* Summary: the verdict, and every failed check in one line. */
    osib_report r;
    char body[65];
    if (osib_report_read(&r, o.out_dir, body, &err) == OSIB_OK) {
        size_t failed = osib_report_failures(&r);
        for (size_t i = 0; i < r.nchecks; i++)
            if (!r.checks[i].passed)
                printf("FAILED %s: %s\n", r.checks[i].id, r.checks[i].message);
        for (int i = 0; i < r.ntimings; i++)
            printf("timing %s %s: median %.4f s wall, %.4f s compute, %.4g GPts/s (compute)\n", r.timings[i].case_id,
                   r.timings[i].op, r.timings[i].wall_s[0], r.timings[i].compute_s[0], r.timings[i].gpts_compute);
        printf("%s: report %s, %zu checks, %zu failed -> %s/report.md\n", conformant ? "CONFORMANT" : "NON-CONFORMANT",
               id, r.nchecks, failed, o.out_dir);
        osib_report_free(&r);
    } else {
        printf("%s: report %s -> %s/report.md\n", conformant ? "CONFORMANT" : "NON-CONFORMANT", id, o.out_dir);
    }
    return conformant ? 0 : osib_exit_code(OSIB_E_NONCONFORMANT);
}
