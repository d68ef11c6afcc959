/* osib compare */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "h5io.h"

static const char *const compare_usage =
    "usage: osib compare ORACLE.h5 OTHER.h5\n"
    "\n"
    "For every dataset under /outputs of ORACLE.h5 that OTHER.h5 holds too (same\n"
    "shape required), print the normwise relative errors of spec/acoustic.md\n"
    "section 13: e2 = |y-x|_2/|x|_2 and einf = max|y-x|/max|x|. An oracle's output\n"
    "that OTHER lacks is listed as such (a run's file holds one operator's output);\n"
    "none in common is an error (exit 6).\n";

typedef struct {
    osib_h5file *ref, *got;
    int status, compared;
} compare_ctx;

static osib_status compare_one(void *ctx_, const char *path)
{
    compare_ctx *ctx = ctx_;
    if (strncmp(path, "/outputs/", 9) != 0)
        return OSIB_OK;
    if (!osib_h5_exists(ctx->got, path)) {
        printf("%-28s %12s %12s\n", path, "-", "- (not in OTHER)");
        return OSIB_OK;
    }
    osib_err err = {0};
    int rank;
    size_t dims[OSIB_MAX_RANK];
    double *x = NULL, *y = NULL;
    osib_status st = osib_h5_shape(ctx->ref, path, &rank, dims, &err);
    if (st == OSIB_OK)
        st = osib_h5_read_alloc(ctx->ref, path, rank, dims, &x, &err);
    if (st == OSIB_OK)
        st = osib_h5_read_alloc(ctx->got, path, rank, dims, &y, &err);
    if (st == OSIB_OK) {
        size_t n = 1;
        for (int i = 0; i < rank; i++)
            n *= dims[i];
        osib_diff d = osib_compare(x, y, n);
        printf("%-28s %12.3e %12.3e\n", path, d.rel_l2, d.rel_max);
        ctx->compared++;
    } else {
        ctx->status = cli_report(&err);
    }
    free(x);
    free(y);
    return OSIB_OK;
}

int cmd_compare(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        fputs(compare_usage, stdout);
        return 0;
    }
    if (argc != 3)
        return cli_error(OSIB_E_USAGE, "compare ORACLE.h5 OTHER.h5 (see osib compare --help)");
    osib_h5file ref = {.id = -1}, got = {.id = -1};
    osib_err err = {0};
    if (osib_h5_open(&ref, argv[1], &err) != OSIB_OK || osib_h5_open(&got, argv[2], &err) != OSIB_OK) {
        osib_h5_close(&ref, NULL);
        return cli_report(&err);
    }
    printf("%-28s %12s %12s\n", "dataset", "e2", "einf");
    compare_ctx ctx = {&ref, &got, 0, 0};
    osib_status st = osib_h5_each_dataset(&ref, compare_one, &ctx, &err);
    osib_h5_close(&ref, NULL);
    osib_h5_close(&got, NULL);
    if (st != OSIB_OK)
        return cli_report(&err);
    if (ctx.status == 0 && ctx.compared == 0)
        return cli_error(OSIB_E_DATA, "%s and %s have no output dataset in common", argv[1], argv[2]);
    return ctx.status;
}
