/* osib cases | describe | validate */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "estimate.h"
#include "sysinfo.h"

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorted list of *.yaml paths in dir; returns the count, -1 on error. */
static int list_case_files(const char *dir, char ***out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0, cap = 64;
    char **names = malloc((size_t)cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        if (n == cap) {
            char **grown = realloc(names, (size_t)(cap *= 2) * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        size_t plen = strlen(dir) + len + 2;
        names[n] = malloc(plen);
        if (!names[n])
            break;
        snprintf(names[n], plen, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (!names)
        return -1;
    qsort(names, (size_t)n, sizeof *names, compare_names);
    *out = names;
    return n;
}

static void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static void format_shape(const osib_case *c, char *buf, size_t cap)
{
    if (c->ndim == 2)
        snprintf(buf, cap, "%zux%zu", c->shape[0], c->shape[1]);
    else
        snprintf(buf, cap, "%zux%zux%zu", c->shape[0], c->shape[1], c->shape[2]);
}

static const char *human_bytes(double b, char *buf, size_t cap)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (b >= 1024.0 && u < 5) {
        b /= 1024.0;
        u++;
    }
    snprintf(buf, cap, u == 0 ? "%.0f %s" : "%.1f %s", b, unit[u]);
    return buf;
}

static const char *human_count(double v, char *buf, size_t cap)
{
    if (v >= 1e15)
        snprintf(buf, cap, "%.2fP", v / 1e15);
    else if (v >= 1e12)
        snprintf(buf, cap, "%.2fT", v / 1e12);
    else if (v >= 1e9)
        snprintf(buf, cap, "%.2fG", v / 1e9);
    else if (v >= 1e6)
        snprintf(buf, cap, "%.2fM", v / 1e6);
    else if (v >= 1e3)
        snprintf(buf, cap, "%.1fk", v / 1e3);
    else
        snprintf(buf, cap, "%.0f", v);
    return buf;
}

int cmd_cases(int argc, char **argv)
{
    static const struct option options[] = {{"suite", required_argument, NULL, 's'},
                                            {"oracle", no_argument, NULL, 'o'},
                                            {"dir", required_argument, NULL, 'd'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *suite = NULL, *dir = NULL;
    int oracle_only = 0, opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 's': suite = optarg; break;
        case 'o': oracle_only = 1; break;
        case 'd': dir = optarg; break;
        case 'h':
            puts("usage: osib cases [--suite NAME] [--oracle] [--dir DIR]\n"
                 "List the cases (default directory: spec/cases of this kit), one per line:\n"
                 "id, dimensions, physical shape, space order, padded points, nt, oracle, suites.");
            return 0;
        default: return cli_error(OSIB_E_USAGE, "cases: unknown option (see osib cases --help)");
        }
    }
    char default_dir[4096];
    if (!dir) {
        snprintf(default_dir, sizeof default_dir, "%s/spec/cases", cli_kit_root());
        dir = default_dir;
    }
    char **files;
    int n = list_case_files(dir, &files);
    if (n < 0)
        return cli_error(OSIB_E_IO, "%s: cannot list case files", dir);

    int status = 0;
    printf("%-28s %-12s %3s %-16s %3s %10s %7s %6s  %s\n", "id", "physics", "dim", "shape", "so", "padded", "nt",
           "oracle", "suites");
    for (int i = 0; i < n; i++) {
        osib_case c;
        osib_err err = {0};
        if (osib_case_load(files[i], &c, &err) != OSIB_OK) {
            cli_report(&err);
            status = osib_exit_code(err.status);
            continue;
        }
        if ((suite && !osib_case_in_suite(&c, suite)) || (oracle_only && !c.oracle)) {
            osib_case_free(&c);
            continue;
        }
        char shape[64], padded[32], suites[256] = "";
        format_shape(&c, shape, sizeof shape);
        human_count((double)osib_case_padded_points(&c), padded, sizeof padded);
        for (int s = 0; s < c.nsuites; s++) {
            strncat(suites, c.suites[s], sizeof suites - strlen(suites) - 2);
            if (s + 1 < c.nsuites)
                strncat(suites, ",", sizeof suites - strlen(suites) - 1);
        }
        printf("%-28s %-12s %3d %-16s %3d %10s %7zu %6s  %s\n", c.id, osib_physics_name(c.physics), c.ndim, shape,
               c.space_order, padded, c.nt, c.oracle ? "yes" : "no", suites);
        osib_case_free(&c);
    }
    free_names(files, n);
    return status;
}

int cmd_describe(int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[1], "--help") == 0) {
        if (argc == 2)
            puts("usage: osib describe CASE\n"
                 "What the case computes, its grid and time axis, and per operator the spec's cost model:\n"
                 "flops and compulsory bytes per padded point and step, totals, and memory footprint.");
        return argc == 2 ? 0 : cli_error(OSIB_E_USAGE, "describe takes one case (see osib describe --help)");
    }
    osib_case c;
    osib_err err = {0};
    if (cli_load_case(argv[1], &c, &err) != OSIB_OK)
        return cli_report(&err);

    char hash[65], shape[64], buf[64], buf2[64];
    if (osib_case_hash(&c, hash, &err) != OSIB_OK) {
        osib_case_free(&c);
        return cli_report(&err);
    }
    format_shape(&c, shape, sizeof shape);
    printf("case         %s\n", c.id);
    if (c.title[0])
        printf("title        %s\n", c.title);
    printf("sha256       %s\n", hash);
    printf("physics      %s, %dD, space order %d\n", osib_physics_name(c.physics), c.ndim, c.space_order);
    printf("grid         %s physical points (%s), spacing", shape,
           human_count((double)osib_case_physical_points(&c), buf, sizeof buf));
    for (int d = 0; d < c.ndim; d++)
        printf(" %g", c.spacing_m[d]);
    printf(" m\n");
    printf("padded       nbl = %d per side: %s points\n", c.nbl,
           human_count((double)osib_case_padded_points(&c), buf, sizeof buf));
    printf("time         dt = %g ms (stability limit %.6g ms, spec default %g ms), nt = %zu, t_end = %g ms\n", c.dt_ms,
           osib_case_dt_stability_ms(&c), osib_case_dt_default_ms(&c), c.nt, c.dt_ms * (double)(c.nt - 1));
    if (osib_case_is_tti(&c))
        printf("model        vp max %g km/s, epsilon max %g (TTI: dt rule and limit divided by sqrt(1 + 2 eps max))\n",
               osib_case_vp_max(&c), osib_case_epsilon_max(&c));
    else
        printf("model        vp max %g km/s\n", osib_case_vp_max(&c));
    printf("wavelet      Ricker, f0 = %g kHz, t0 = %g ms\n", c.f0_khz, c.t0_ms);
    printf("acquisition  %zu source(s), %zu receiver(s)\n", c.sources.count, c.receivers.count);
    printf("oracle       %s\n\n", c.oracle ? "yes" : "no");

    double mem = osib_physical_memory_bytes();
    printf("%-13s %9s %9s %9s %11s %11s %11s %s\n", "operator", "flop/pt", "B/pt f32", "B/pt f64", "total flop",
           "memory f32", "memory f64", "");
    for (int op = 0; op < OSIB_OP_COUNT; op++) {
        osib_estimate e32 = osib_estimate_op(&c, (osib_op)op, 4), e64 = osib_estimate_op(&c, (osib_op)op, 8);
        char m32[32], m64[32];
        printf("%-13s %9.0f %9.0f %9.0f %11s %11s %11s %s\n", osib_op_name((osib_op)op), e32.flops_per_point_step,
               e32.bytes_per_point_step, e64.bytes_per_point_step, human_count(e32.total_flops, buf2, sizeof buf2),
               human_bytes(e32.footprint_bytes, m32, sizeof m32), human_bytes(e64.footprint_bytes, m64, sizeof m64),
               (mem > 0.0 && e32.footprint_bytes > mem) ? "(float32 exceeds this machine)" : "");
    }
    printf("\nflop/pt and B/pt are per padded point and time step (spec/%s.md, \"Cost model\");\n"
           "memory is the minimal footprint, the gradient keeping the whole forward wavefield.\n",
           osib_case_is_tti(&c) ? "tti" : "acoustic");
    osib_case_free(&c);
    return 0;
}

int cmd_validate(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        if (argc == 2)
            puts("usage: osib validate CASE...\n"
                 "Check each case file against spec/cases.md; print \"ok ID SHA256\" or one error line per file.\n"
                 "Exit 0 if every file is valid, else the exit code of the last failure (3 for an invalid case).");
        return argc == 2 ? 0 : cli_error(OSIB_E_USAGE, "validate needs at least one case");
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        osib_case c;
        osib_err err = {0};
        char hash[65];
        if (cli_load_case(argv[i], &c, &err) != OSIB_OK || osib_case_hash(&c, hash, &err) != OSIB_OK) {
            status = cli_report(&err);
            continue;
        }
        printf("ok %s %s\n", c.id, hash);
        osib_case_free(&c);
    }
    return status;
}
