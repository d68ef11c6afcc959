/* osib summarize */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fileutil.h"
#include "summary.h"

static const char *const summarize_usage =
    "usage: osib summarize [--format md|csv|html] [--out FILE] [--verify] DIR...\n"
    "\n"
    "One results table across certification reports: case, physics, operator,\n"
    "implementation, hardware (with its caches and memory bandwidth), precision\n"
    "class, verdict, compliance (RULES.md §6: \"yes\", or \"no: \" and why), spec\n"
    "version, repetitions, median wall time and its spread, GPts/s and percent\n"
    "of the roofline (from the wall time measured by the runner, and from the\n"
    "compute time reported by the implementation), peak memory, cost per shot,\n"
    "report id. Only conformant results carry numbers; a non-compliant one\n"
    "carries them marked. --verify re-checks every report with osib verify\n"
    "first; a refuted report keeps no numbers and gives verify's first problem.\n"
    "The format defaults to the extension of --out, else Markdown on stdout.\n";

int cmd_summarize(int argc, char **argv)
{
    static const struct option options[] = {{"format", required_argument, NULL, 'f'},
                                            {"out", required_argument, NULL, 'o'},
                                            {"verify", no_argument, NULL, 'v'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *format = NULL, *out_path = NULL;
    int verify = 0, opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'f': format = optarg; break;
        case 'o': out_path = optarg; break;
        case 'v': verify = 1; break;
        case 'h': fputs(summarize_usage, stdout); return 0;
        default: return cli_error(OSIB_E_USAGE, "summarize: unknown option (see osib summarize --help)");
        }
    }
    if (optind >= argc)
        return cli_error(OSIB_E_USAGE, "summarize needs at least one report directory");
    if (!format && out_path) {
        const char *dot = strrchr(out_path, '.');
        format = dot ? dot + 1 : "md";
    }
    osib_summary_format f;
    if (!format || strcmp(format, "md") == 0 || strcmp(format, "markdown") == 0)
        f = OSIB_SUMMARY_MARKDOWN;
    else if (strcmp(format, "csv") == 0)
        f = OSIB_SUMMARY_CSV;
    else if (strcmp(format, "html") == 0)
        f = OSIB_SUMMARY_HTML;
    else
        return cli_error(OSIB_E_USAGE, "summarize: format \"%s\": md, csv or html", format);

    osib_err err = {0};
    if (!out_path) {
        osib_status st =
            osib_summarize(argv + optind, argc - optind, verify, cli_kit_root(), cli_yardstick(), f, stdout, &err);
        return st == OSIB_OK ? 0 : cli_report(&err);
    }
    char tmp[OSIB_PATH_MAX];
    if (osib_atomic_tmpname(out_path, tmp, sizeof tmp, &err) != OSIB_OK)
        return cli_report(&err);
    FILE *out = fopen(tmp, "w");
    if (!out)
        return cli_error(OSIB_E_IO, "%s: cannot create", tmp);
    osib_status st =
        osib_summarize(argv + optind, argc - optind, verify, cli_kit_root(), cli_yardstick(), f, out, &err);
    int ok = fclose(out) == 0;
    if (st == OSIB_OK && !ok)
        st = osib_fail(&err, OSIB_E_IO, "%s: write failed", out_path);
    if (st == OSIB_OK)
        st = osib_atomic_commit(tmp, out_path, &err);
    else
        osib_atomic_abort(tmp);
    return st == OSIB_OK ? 0 : cli_report(&err);
}
