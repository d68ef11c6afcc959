/* osib verify */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "verify.h"

static const char *const verify_usage = "usage: osib verify DIR\n"
                                        "\n"
                                        "Re-check the certification report in DIR (spec/protocol.md): the report id\n"
                                        "against the hash of report.yaml, the SHA-256 of every kept file, every check\n"
                                        "recomputed from the stored inputs, outputs and this kit's oracles, and the\n"
                                        "verdict. Prints one line per problem and a closing line.\n"
                                        "\n"
                                        "Exit codes: 0 CONFIRMED, 1 REFUTED, 2 or more: could not verify.\n";

int cmd_verify(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        fputs(verify_usage, stdout);
        return 0;
    }
    if (argc != 2)
        return cli_error(OSIB_E_USAGE, "verify takes one report directory (see osib verify --help)");
    osib_verify_result res;
    osib_err err = {0};
    if (osib_verify(argv[1], cli_kit_root(), cli_yardstick(), stdout, &res, &err) != OSIB_OK)
        return cli_report(&err);
    printf("%s: report %s (%s): %zu checks recomputed, %zu measured only, %zu files verified, %zu problem(s), %zu "
           "note(s)\n",
           res.confirmed ? "CONFIRMED" : "REFUTED", res.report_id, res.conformant ? "CONFORMANT" : "NON-CONFORMANT",
           res.recomputed, res.measured_only, res.files_checked, res.problems, res.notes);
    return res.confirmed ? 0 : osib_exit_code(OSIB_E_NONCONFORMANT);
}
