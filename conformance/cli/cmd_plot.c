/* osib plot shot */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "h5io.h"
#include "plot.h"

static const char *const plot_usage =
    "usage: osib plot shot FILE.h5 --out OUT.png|OUT.svg [--dataset PATH] [--clip C]\n"
    "\n"
    "Draw a shot record (time down, receivers across) from an oracle or output\n"
    "file. PATH defaults to /outputs/forward_data; any nt x nrec array will do\n"
    "(born_data, adjoint_data, observed_data), not a model-shaped one such as\n"
    "gradient or born_adjoint_image. Receivers along a line (2D cases) are drawn\n"
    "at their x in metres from /inputs/rec_coords; a 3D carpet by receiver\n"
    "number, row by row. dt comes from the file's dt_ms attribute. C sets the\n"
    "colour scale to +-C (default: 99th percentile of |d|).\n";

/* The arrays shaped like the model (acoustic.md §11): drawing one as a shot
 * record would put depth on the time axis. */
static int model_shaped(const char *dataset)
{
    static const char *const names[] = {"vp",    "dm",  "gradient", "born_adjoint_image", "epsilon", "delta",
                                        "theta", "phi", NULL};
    const char *base = strrchr(dataset, '/');
    base = base ? base + 1 : dataset;
    for (int i = 0; names[i]; i++)
        if (strcmp(base, names[i]) == 0)
            return 1;
    return 0;
}

int cmd_plot(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
        fputs(plot_usage, stdout);
        return 0;
    }
    if (argc < 3 || strcmp(argv[1], "shot") != 0)
        return cli_error(OSIB_E_USAGE, "plot shot FILE.h5 --out OUT.png (see osib plot --help)");
    static const struct option options[] = {{"out", required_argument, NULL, 'o'},
                                            {"dataset", required_argument, NULL, 'd'},
                                            {"clip", required_argument, NULL, 'c'},
                                            {NULL, 0, NULL, 0}};
    const char *file = argv[2], *out = NULL, *dataset = "/outputs/forward_data";
    double clip = 0.0;
    int opt;
    optind = 3;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'o': out = optarg; break;
        case 'd': dataset = optarg; break;
        case 'c': clip = strtod(optarg, NULL); break;
        default: return cli_error(OSIB_E_USAGE, "plot shot: unknown option (see osib plot --help)");
        }
    }
    if (!out)
        return cli_error(OSIB_E_USAGE, "plot shot: --out is required");
    const char *dot = strrchr(out, '.');
    if (!dot || (strcmp(dot, ".png") != 0 && strcmp(dot, ".svg") != 0))
        return cli_error(OSIB_E_USAGE, "plot shot: --out %s: the file must end in .png or .svg (the format drawn)",
                         out);

    osib_h5file f = {.id = -1};
    osib_err err = {0};
    int rank;
    size_t dims[OSIB_MAX_RANK];
    double *data = NULL, *coords = NULL, *x = NULL, dt_ms = 1.0;
    char case_id[64] = "", title[256];
    osib_status st = osib_h5_open(&f, file, &err);
    if (st == OSIB_OK)
        st = osib_h5_shape(&f, dataset, &rank, dims, &err);
    if (st == OSIB_OK && rank != 2)
        st = osib_fail(&err, OSIB_E_DATA, "%s: %s is not a 2D (time x trace) array", file, dataset);
    if (st == OSIB_OK && model_shaped(dataset))
        st = osib_fail(&err, OSIB_E_DATA, "%s: %s is model-shaped (space, not time x receiver): not a shot record",
                       file, dataset);
    if (st == OSIB_OK)
        st = osib_h5_read_alloc(&f, dataset, 2, dims, &data, &err);
    if (st == OSIB_OK && osib_h5_get_attr_double(&f, "/", "dt_ms", &dt_ms, NULL) != OSIB_OK)
        dt_ms = 1.0;
    osib_h5_get_attr_string(&f, "/", "case_id", case_id, sizeof case_id, NULL);
    if (st == OSIB_OK && osib_h5_exists(&f, "/inputs/rec_coords")) {
        int crank;
        size_t cdims[OSIB_MAX_RANK];
        if (osib_h5_shape(&f, "/inputs/rec_coords", &crank, cdims, NULL) == OSIB_OK && crank == 2 &&
            cdims[0] == dims[1] && cdims[1] >= 1 && cdims[1] <= 3 &&
            osib_h5_read_alloc(&f, "/inputs/rec_coords", 2, cdims, &coords, NULL) == OSIB_OK) {
            x = malloc(dims[1] * sizeof *x);
            if (x && !osib_receiver_line_x(coords, dims[1], (int)cdims[1], x)) {
                free(x); /* a carpet: numbered */
                x = NULL;
            }
        }
    }
    osib_h5_close(&f, NULL);
    if (st == OSIB_OK) {
        snprintf(title, sizeof title, "%s %s", case_id[0] ? case_id : file, dataset);
        osib_shot_plot p = {.data = data,
                            .nt = dims[0],
                            .ntrace = dims[1],
                            .dt_ms = dt_ms,
                            .trace_x_m = x,
                            .title = title,
                            .out_path = out,
                            .clip = clip};
        st = osib_plot_shot(&p, &err);
    }
    free(data);
    free(coords);
    free(x);
    if (st != OSIB_OK)
        return cli_report(&err);
    printf("shot record -> %s\n", out);
    return 0;
}
