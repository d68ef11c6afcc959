/*
 * osib - the OSIB kit's command-line tool: cases, oracles, plots (and, in
 * later versions of the kit, certification of implementations).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "backend_cpu.h"
#include "backend_simple.h"
#include "cli.h"
#include "datadir.h"
#include "version.h"
#include "yardstick.h"

static const char *const usage_text =
    "usage: osib COMMAND [ARGS...]\n"
    "\n"
    "commands:\n"
    "  certify --impl IMPL.yaml (--suite S | --case ID...) --out DIR\n"
    "                                   certify an implementation (spec/protocol.md)\n"
    "  verify DIR                       re-check a certification report from its files\n"
    "  reproduce DIR                    certify again here and compare the report's timings\n"
    "  summarize DIR...                 a results table across reports (md, csv, html)\n"
    "  cases [--suite S] [--oracle]     list the cases in spec/cases\n"
    "  describe CASE                    what a case computes: sizes, time step,\n"
    "                                   memory, flops and traffic per operator\n"
    "  validate CASE...                 check case files; one line per file\n"
    "  oracle manifest --out FILE H5... write the SHA-256 of every oracle array\n"
    "  oracle check --manifest FILE H5...\n"
    "                                   compare oracle arrays with a manifest\n"
    "  compare ORACLE.h5 OTHER.h5       relative errors of every output against an oracle\n"
    "  plot shot FILE.h5 --out PNG|SVG [--dataset PATH] [--clip C]\n"
    "                                   draw a shot record\n"
    "  dataset list|info|fetch|import|check\n"
    "                                   open velocity models: download, verify, import\n"
    "  estimate CASE... [--op OP] [--bandwidth GB/s]\n"
    "                                   memory, flops, traffic and time per operator\n"
    "\n"
    "CASE is a path to a case file or a case id in spec/cases.\n"
    "Run `osib COMMAND --help` for a command's options.\n"
    "\n"
    "Exit codes: 0 ok (CONFORMANT, CONFIRMED), 1 NON-CONFORMANT or REFUTED, 2 usage, 3 invalid case, 4 file error, 5 "
    "not enough\n"
    "memory, 6 bad data, 7 hash mismatch, 8 external program failed, 9 internal\n"
    "error.\n";

int cli_error(osib_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("osib: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return osib_exit_code(st);
}

int cli_report(const osib_err *err)
{
    fprintf(stderr, "osib: %s\n", err->msg);
    return osib_exit_code(err->status);
}

const char *cli_kit_root(void)
{
    /* One process, one kit: found again on each call (cheap), kept here
     * only so callers get a string that outlives the call. */
    static char root[OSIB_PATH_MAX];
    osib_kit_root(root, sizeof root);
    return root;
}

const osib_yardstick *cli_yardstick(void)
{
    static const osib_yardstick yardstick = {&osib_backend_simple, &osib_backend_cpu64, osib_yardstick_run,
                                             osib_yardstick_bytes};
    return &yardstick;
}

osib_status cli_load_case(const char *path_or_id, osib_case *c, osib_err *err)
{
    return osib_case_load_file_or_id(path_or_id, cli_kit_root(), c, err);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } commands[] = {
        {"cases", cmd_cases},         {"describe", cmd_describe}, {"validate", cmd_validate},
        {"oracle", cmd_oracle},       {"plot", cmd_plot},         {"compare", cmd_compare},
        {"certify", cmd_certify},     {"verify", cmd_verify},     {"reproduce", cmd_reproduce},
        {"summarize", cmd_summarize}, {"dataset", cmd_dataset},   {"estimate", cmd_estimate},
    };
    if (argc < 2)
        return cli_error(OSIB_E_USAGE, "missing command (see osib --help)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("osib %s (spec %s, commit %s)\n", osib_kit_version(), osib_spec_version(), osib_git_commit());
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    return cli_error(OSIB_E_USAGE, "unknown command \"%s\" (see osib --help)", argv[1]);
}
