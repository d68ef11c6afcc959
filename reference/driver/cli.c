/* cli.c - see cli.h. */
#include "cli.h"

#include <getopt.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "oracle.h"
#include "protocol.h"
#include "run.h"
#include "version.h"

static const char *const usage_format = "usage: %1$s run --case CASE.yaml --op OP --out OUT.h5 [--inputs IN.h5]\n"
                                        "       %1$s oracle --case CASE.yaml --out ORACLE.h5\n"
                                        "       %1$s replay --case CASE.yaml --oracle ORACLE.h5 --out OUT.h5\n"
                                        "       %1$s protocol REQUEST.yaml\n"
                                        "       %1$s --help | --version\n"
                                        "\n"
                                        "%2$s (spec/acoustic.md).\n"
                                        "\n"
                                        "commands:\n"
                                        "  run      run one operator and write its output (HDF5, /outputs/...)\n"
                                        "  oracle   compute every operator on the spec's documented inputs and\n"
                                        "           write them in the oracle layout (oracles/README.md)\n"
                                        "  replay   compute every operator on the inputs stored in an oracle file\n"
                                        "           and write the outputs in the same layout (for osib compare)\n"
                                        "\n"
                                        "options:\n"
                                        "  --case FILE    case file (spec/cases.md), or the id of one in spec/cases\n"
                                        "  --op OP        forward | adjoint | born | born_adjoint | gradient\n"
                                        "  --inputs FILE  HDF5 file with /inputs/... datasets (default: the\n"
                                        "                 spec's documented inputs, computed here)\n"
                                        "  --oracle FILE  oracle file whose inputs replay uses\n"
                                        "  --out FILE     output file, written atomically\n"
                                        "\n"
                                        "Progress is shown on stderr when it is a terminal. Exit codes: 0 ok,\n"
                                        "2 usage, 3 invalid case, 4 file error, 5 not enough memory, 6 bad\n"
                                        "input data, 9 internal error.\n";

static int fail_usage(const osib_backend *b, const char *msg)
{
    fprintf(stderr, "%s: %s (see %s --help)\n", b->name, msg, b->name);
    return osib_exit_code(OSIB_E_USAGE);
}

static int report(const osib_backend *b, osib_status st, const osib_err *err)
{
    if (st != OSIB_OK)
        fprintf(stderr, "%s: %s\n", b->name, err->msg);
    return osib_exit_code(st);
}

int osib_driver_main(int argc, char **argv, const osib_backend *b)
{
    if (argc < 2)
        return fail_usage(b, "missing command");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf(usage_format, b->name, b->description);
        if (b->options_help)
            printf("\n%s", b->options_help);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("%s %s (%s; spec %s, commit %s)\n", b->name, osib_kit_version(), b->description, osib_spec_version(),
               osib_git_commit());
        return 0;
    }
    const char *command = argv[1];
    if (strcmp(command, "protocol") == 0) {
        if (argc != 3)
            return fail_usage(b, "protocol takes one request file");
        osib_err perr = {0};
        osib_progress pprogress;
        return report(b, osib_protocol_serve(b, argv[2], &pprogress, &perr), &perr);
    }
    if (strcmp(command, "run") != 0 && strcmp(command, "oracle") != 0 && strcmp(command, "replay") != 0)
        return fail_usage(b, "unknown command");

    static const struct option options[] = {
        {"case", required_argument, NULL, 'c'},
        {"op", required_argument, NULL, 'o'},
        {"inputs", required_argument, NULL, 'i'},
        {"out", required_argument, NULL, 'w'},
        {"oracle", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *case_path = NULL, *op_name = NULL, *inputs = NULL, *out = NULL, *oracle = NULL;
    int opt;
    optind = 2;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'c': case_path = optarg; break;
        case 'o': op_name = optarg; break;
        case 'i': inputs = optarg; break;
        case 'w': out = optarg; break;
        case 'r': oracle = optarg; break;
        case 'h': printf(usage_format, b->name, b->description); return 0;
        default: return fail_usage(b, "unknown or incomplete option");
        }
    }
    if (optind < argc)
        return fail_usage(b, "unexpected argument");
    if (!case_path)
        return fail_usage(b, "--case is required");
    if (!out)
        return fail_usage(b, "--out is required");

    osib_err err = {0};
    osib_case c;
    osib_status st = osib_case_load_file_or_id(case_path, NULL, &c, &err);
    if (st != OSIB_OK)
        return report(b, st, &err);

    osib_progress progress;
    if (strcmp(command, "oracle") == 0 || strcmp(command, "replay") == 0) {
        int replay = command[0] == 'r';
        if (op_name || inputs || (replay && !oracle) || (!replay && oracle)) {
            osib_case_free(&c);
            return fail_usage(b, replay ? "replay needs --oracle and takes no --op or --inputs"
                                        : "oracle takes no --op, --inputs or --oracle");
        }
        st = osib_check_memory(b, &c, OSIB_OP_GRADIENT, &err);
        if (st == OSIB_OK)
            st = replay ? osib_oracle_replay(b, &c, oracle, out, &progress, &err)
                        : osib_oracle_write(b, &c, out, &progress, &err);
        if (st == OSIB_OK)
            printf("%s %s -> %s\n", command, c.id, out);
    } else {
        int op = op_name ? osib_op_parse(op_name) : -1;
        if (op < 0) {
            osib_case_free(&c);
            return fail_usage(b, "--op must be forward, adjoint, born, born_adjoint or gradient");
        }
        if (oracle) {
            osib_case_free(&c);
            return fail_usage(b, "run takes no --oracle (use --inputs)");
        }
        osib_run_request r = {
            .backend = b, .c = &c, .op = (osib_op)op, .inputs_path = inputs, .out_path = out, .progress = &progress};
        st = osib_run(&r, &err);
        if (st == OSIB_OK) {
            double gpts = (double)osib_case_padded_points(&c) * (double)(c.nt - 2) / r.compute_seconds / 1e9;
            printf("%s %s: %.3f s, %.4f GPts/s -> %s\n", osib_op_name(r.op), c.id, r.compute_seconds, gpts, out);
        }
    }
    osib_case_free(&c);
    return report(b, st, &err);
}
