/*
 * taylor-gate - the Taylor gate's rule applied to the seed study's data
 * (spec/protocol.md §3.1, "The Taylor test"): for every seed of every CSV
 * file written by taylor-data or taylor-devito.py, the objective at the
 * gate's steps h = 2^-1 .. 2^-5 goes through osib_taylor_measure, the
 * runner's own function, and rho = |D - <g, dm>| / |D| is compared with
 * OSIB_TAYLOR_RHO_MAX. The same is done with the gradient made wrong the
 * ways the negative corpus makes it (twice too large, of the wrong sign)
 * and by 20%, to show the margin on both sides.
 *
 *   taylor-gate FILE.csv...
 *
 * Prints one line per file: seeds, correct programs rejected, the largest
 * rho and its 99th percentile, and the smallest rho of each wrong gradient.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measures.h"
#include "runner.h"

enum { MAX_COLS = 64, MAX_SEEDS = 100000 };

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The column of phi at h = 2^e, from the header "phi_h2^e". */
static int column_of(char names[][32], int ncols, int e)
{
    char want[32];
    snprintf(want, sizeof want, "phi_h2^%d", e);
    for (int i = 0; i < ncols; i++)
        if (strcmp(names[i], want) == 0)
            return i;
    return -1;
}

static int study(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "taylor-gate: %s: cannot open\n", path);
        return 1;
    }
    char line[8192], names[MAX_COLS][32];
    int ncols = 0;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return 1;
    }
    for (char *save = NULL, *t = strtok_r(line, ",\n", &save); t && ncols < MAX_COLS; t = strtok_r(NULL, ",\n", &save))
        snprintf(names[ncols++], sizeof names[0], "%s", t);
    int col[OSIB_TAYLOR_STEPS];
    double h[OSIB_TAYLOR_STEPS];
    for (int i = 0; i < OSIB_TAYLOR_STEPS; i++) {
        h[i] = ldexp(1.0, -(i + 1));
        if ((col[i] = column_of(names, ncols, -(i + 1))) < 0) {
            fprintf(stderr, "taylor-gate: %s: no column phi_h2^%d\n", path, -(i + 1));
            fclose(f);
            return 1;
        }
    }
    double *rho = malloc(MAX_SEEDS * sizeof *rho);
    double wrong_min[3] = {INFINITY, INFINITY, INFINITY};
    const double factor[3] = {2.0, -1.0, 1.2};
    int n = 0, rejected = 0;
    while (rho && n < MAX_SEEDS && fgets(line, sizeof line, f)) {
        double v[MAX_COLS];
        int k = 0;
        for (char *save = NULL, *t = strtok_r(line, ",\n", &save); t && k < MAX_COLS; t = strtok_r(NULL, ",\n", &save))
            v[k++] = strtod(t, NULL);
        if (k != ncols)
            continue; /* a line cut short by an interrupted run */
        double phi[OSIB_TAYLOR_STEPS];
        for (int i = 0; i < OSIB_TAYLOR_STEPS; i++)
            phi[i] = v[col[i]];
        double phi0 = v[1], gdm = v[2];
        osib_taylor t;
        osib_taylor_measure(h, phi, OSIB_TAYLOR_STEPS, phi0, gdm, &t);
        rho[n++] = t.rho;
        rejected += !(t.rho <= OSIB_TAYLOR_RHO_MAX);
        for (int w = 0; w < 3; w++) {
            osib_taylor bad;
            osib_taylor_measure(h, phi, OSIB_TAYLOR_STEPS, phi0, factor[w] * gdm, &bad);
            if (bad.rho < wrong_min[w])
                wrong_min[w] = bad.rho;
        }
    }
    fclose(f);
    if (!rho || n == 0) {
        free(rho);
        return 1;
    }
    qsort(rho, (size_t)n, sizeof *rho, compare);
    const char *base = strrchr(path, '/');
    printf("%-44s %5d seeds, %d rejected; rho max %.2e, 99%% %.2e, median %.1e; wrong gradients: "
           "x2 min %.2f, -1 min %.2f, x1.2 min %.3f\n",
           base ? base + 1 : path, n, rejected, rho[n - 1], rho[(size_t)(0.99 * (n - 1))], rho[n / 2], wrong_min[0],
           wrong_min[1], wrong_min[2]);
    free(rho);
    return rejected != 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fprintf(argc < 2 ? stderr : stdout, "usage: taylor-gate FILE.csv...\n");
        return argc < 2 ? 2 : 0;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= study(argv[i]);
    return rc;
}
