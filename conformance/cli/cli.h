/*
 * cli.h - the subcommands of `osib`, the kit's command-line tool. Each
 * takes the arguments after its name, prints its results on stdout and its
 * one-line errors on stderr, and returns the process exit code.
 */
#ifndef OSIB_CLI_H
#define OSIB_CLI_H

#include "case.h"
#include "osib_err.h"
#include "reference.h"

int cmd_cases(int argc, char **argv);
int cmd_describe(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_oracle(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_certify(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_reproduce(int argc, char **argv);
int cmd_summarize(int argc, char **argv);
int cmd_dataset(int argc, char **argv);
int cmd_estimate(int argc, char **argv);

/* Print "osib: <msg>" on stderr and return the exit code of st. */
int cli_error(osib_status st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_report(const osib_err *err);

/* The kit's root directory: $OSIB_ROOT, or the first ancestor of the
 * running executable that holds spec/cases. */
const char *cli_kit_root(void);

/* What osib judges with beyond the oracles (conformance/runner/reference.h):
 * the simple reference, the float64 CPU kernels for benchmark cases, and
 * the driver that runs them in this process. The kit's library holds
 * neither: this program links them, and hands them to the runner. */
const osib_yardstick *cli_yardstick(void);

/* Load a case given as a path, or as an id looked up in <root>/spec/cases. */
osib_status cli_load_case(const char *path_or_id, osib_case *c, osib_err *err);

#endif
