/*
 * The runner's parts (conformance/runner, conformance/lib/request.c): the
 * measures behind every check on arrays whose answers are known, process
 * execution with time limits, and protocol requests and results - written,
 * read back, and refused when they are wrong.
 */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "estimate.h"
#include "exec.h"
#include "measures.h"
#include "request.h"
#include "runner.h"
#include "sysinfo.h"
#include "testutil.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/osib-test-runner.%ld", (long)getpid());
    return mkdir(dir, 0700);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------------------
 * Measures
 * ------------------------------------------------------------------------- */

static void test_dot_and_linearity(void **state)
{
    (void)state;
    /* A = [[1, 2], [3, 4]], x = (1, 1), y = (1, -1): <Ax, y> = 3 - 7 = -4 */
    double x[2] = {1, 1}, y[2] = {1, -1}, ax[2] = {3, 7}, aty[2] = {1 - 3, 2 - 4};
    assert_true(osib_dot_mismatch(x, aty, 2, y, ax, 2) == 0.0);
    double wrong[2] = {-2, -1}; /* A^T y with a wrong entry: <x, .> = -3 instead of -4 */
    double want = 1.0 / (sqrt(58.0) * sqrt(2.0));
    assert_true(fabs(osib_dot_mismatch(x, wrong, 2, y, ax, 2) - want) < 1e-15);

    double f1[3] = {1, 2, 3}, f2[3] = {0, 1, -1}, f12[3];
    for (int i = 0; i < 3; i++)
        f12[i] = 2 * f1[i] - 3 * f2[i];
    assert_true(osib_linearity_error(2, -3, f1, f2, f12, 3) == 0.0);
    f12[0] += 1.0;
    assert_true(osib_linearity_error(2, -3, f1, f2, f12, 3) > 0.1);
}

static void test_narrow_fraction(void **state)
{
    (void)state;
    gsl_rng *r = test_rng(5);
    double v[1000], h[1000];
    size_t nz;
    test_randn(r, v, 1000);
    for (int i = 0; i < 1000; i++) {
        int e;
        double m = frexp(v[i], &e);
        h[i] = ldexp(nearbyint(ldexp(m, 11)), e - 11); /* rounded to binary16 */
        v[i] = (float)v[i];                            /* honest float32 */
    }
    double honest = osib_narrow_fraction(v, 1000, 4, &nz);
    assert_int_equal(nz, 1000);
    assert_true(honest < 0.01);
    assert_true(osib_narrow_fraction(h, 1000, 4, NULL) == 1.0);
    /* float64 class: float32 values are narrow */
    assert_true(osib_narrow_fraction(v, 1000, 8, NULL) == 1.0);
    double zeros[10] = {0};
    assert_true(osib_narrow_fraction(zeros, 10, 4, &nz) == 0.0 && nz == 0);
    gsl_rng_free(r);
}

static void test_taylor_measure(void **state)
{
    (void)state;
    double h[5], phi[5];
    /* Phi(h) = 10 + 3 h + 0.5 h^2 + 0.8 h^3, a strong cubic term (as in the
     * so8 cases): the fit recovers the derivative 3 exactly, and the slopes
     * are near 1 and bent above 2 */
    for (int i = 0; i < 5; i++) {
        h[i] = ldexp(1.0, -(i + 1));
        phi[i] = 10 + 3 * h[i] + 0.5 * h[i] * h[i] + 0.8 * h[i] * h[i] * h[i];
    }
    osib_taylor t;
    osib_taylor_measure(h, phi, 5, 10.0, 3.0, &t);
    assert_true(fabs(t.derivative - 3.0) < 1e-12 && t.rho < 1e-12);
    assert_true(fabs(t.slope1 - 1.0) < 0.2 && t.slope2 > 2.0 && t.slope2 < 2.6);
    /* wrong gradients: twice too large, and of the wrong sign */
    osib_taylor_measure(h, phi, 5, 10.0, 6.0, &t);
    assert_true(fabs(t.rho - 1.0) < 1e-12);
    osib_taylor_measure(h, phi, 5, 10.0, -3.0, &t);
    assert_true(fabs(t.rho - 2.0) < 1e-12);
    /* round-off in the objective (float32: up to 1e-5 of it, measured
     * 6e-6) moves the fitted derivative little: a quarter of the 1e-5
     * added with alternating signs */
    double noisy[5];
    for (int i = 0; i < 5; i++)
        noisy[i] = phi[i] + (i % 2 ? 1.0 : -1.0) * 2.5e-5;
    osib_taylor_measure(h, noisy, 5, 10.0, 3.0, &t);
    assert_true(t.rho < 0.01);
    /* too few points: no derivative, no verdict */
    osib_taylor_measure(h, phi, 2, 10.0, 3.0, &t);
    assert_true(isnan(t.derivative) && isnan(t.rho));
}

/* ---------------------------------------------------------------------------
 * Execution
 * ------------------------------------------------------------------------- */

static void run(const char *script, double limit, osib_exec_result *res)
{
    char out[512], err_path[512];
    snprintf(out, sizeof out, "%s/out.txt", dir);
    snprintf(err_path, sizeof err_path, "%s/err.txt", dir);
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    osib_err err = {0};
    osib_exec_limits limits = {.time_limit_s = limit, .capture_cap_bytes = 4096};
    assert_int_equal(osib_exec(argv, dir, out, err_path, &limits, res, &err), OSIB_OK);
}

static long file_size(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static int process_alive(const char *pid_file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, pid_file);
    FILE *f = fopen(path, "r");
    int pid = 0;
    if (!f)
        return -1;
    int got = fscanf(f, "%d", &pid);
    fclose(f);
    return got == 1 && pid > 0 && kill(pid, 0) == 0;
}

static void test_exec(void **state)
{
    (void)state;
    osib_exec_result r;
    char what[128];
    run("echo hello; pwd > where.txt; exit 3", 10, &r);
    assert_true(r.exited && r.exit_code == 3 && !r.timed_out && r.leftovers == 0);
    assert_int_equal(r.stdout_bytes, 6);
    osib_exec_describe(&r, what, sizeof what);
    assert_string_equal(what, "exited with code 3");
    char path[512], line[256] = "";
    snprintf(path, sizeof path, "%s/where.txt", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_non_null(strstr(line, "osib-test-runner")); /* ran in its directory */

    run("kill -SEGV $$", 10, &r);
    assert_true(!r.exited && r.signal == 11);

    /* A hang, and a child that outlives its parent, are both stopped. */
    run("(sleep 100 &) ; sleep 100", 0.5, &r);
    assert_true(r.timed_out && r.wall_seconds < 5);
    osib_exec_describe(&r, what, sizeof what);
    assert_non_null(strstr(what, "timed out"));

    /* A SIGKILL while the kernel's OOM counter rose is named as such. */
    osib_exec_result oom = {.signal = 9, .oom_killed = 1, .peak_memory_bytes = 3.5 * 1073741824.0};
    osib_exec_describe(&oom, what, sizeof what);
    assert_non_null(strstr(what, "out-of-memory killer (peak resident memory 3.50 GiB)"));

    char *missing[] = {"/no/such/program", NULL};
    osib_err err = {0};
    char out[512];
    snprintf(out, sizeof out, "%s/o.txt", dir);
    assert_int_equal(osib_exec(missing, dir, out, out, NULL, &r, &err), OSIB_E_EXTERNAL);
    assert_non_null(strstr(err.msg, "/no/such/program"));
}

/* What an implementation leaves behind is ended with it: a daemon that left
 * the process group (setsid) and would have rewritten a file later, and a
 * background process holding standard output open, which would otherwise
 * keep the runner reading. */
static void test_exec_leftovers(void **state)
{
    (void)state;
    osib_exec_result r;
    double t0 = osib_now_seconds();
    run("setsid sh -c 'echo $$ > daemon.pid; sleep 3; echo late > late.txt' & sleep 0.3; exit 0", 10, &r);
    assert_true(r.exited && r.exit_code == 0);
    assert_true(r.leftovers >= 1);
    assert_int_equal(process_alive("daemon.pid"), 0);
    sleep(4);
    assert_int_equal(file_size("late.txt"), -1); /* it never wrote */

    t0 = osib_now_seconds();
    run("(echo $$ > bg.pid; exec sleep 60) & sleep 0.2; echo done", 30, &r);
    assert_true(osib_now_seconds() - t0 < 5.0); /* not the 60 s of the background sleep */
    assert_true(r.exited && r.exit_code == 0 && r.leftovers >= 1);
}

/* A gigabyte of output costs nothing: the first and last halves of the cap
 * are kept, with a line saying how much was dropped. */
static void test_exec_capture_cap(void **state)
{
    (void)state;
    osib_exec_result r;
    run("head -c 50000000 /dev/zero | tr '\\0' x; echo; echo last line >&2; exit 0", 30, &r);
    assert_true(r.exited && r.exit_code == 0);
    assert_int_equal(r.stdout_bytes, 50000001);
    assert_true(r.stdout_dropped > 49000000);
    assert_true(file_size("out.txt") < 8192);
    char path[512], text[8192] = "";
    snprintf(path, sizeof path, "%s/out.txt", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_non_null(strstr(text, "bytes of standard output dropped here"));
}

/* Peak memory is the whole tree's: two forked workers of 100 MB each count
 * as 200 MB, not as the 100 MB of the largest. */
static void test_exec_memory(void **state)
{
    (void)state;
    osib_exec_result r;
    const char *hold = "python3 -c 'import time; b = bytearray(100 << 20); b[::4096] = b\"x\" * len(b[::4096]); "
                       "time.sleep(1.0)'";
    char script[512];
    snprintf(script, sizeof script, "%s & %s & wait", hold, hold);
    run(script, 30, &r);
    assert_true(r.exited && r.exit_code == 0);
    assert_true(r.peak_memory_bytes > 190e6);
    run(hold, 30, &r);
    assert_true(r.peak_memory_bytes > 95e6 && r.peak_memory_bytes < 190e6);
}

/* Linux carries a process's peak memory across exec, so a task forked by a
 * runner that holds large arrays would report the runner's memory as its
 * own (seen: 2.9 GiB for a 64^3 case); it must not. */
static void test_exec_memory_not_the_runners(void **state)
{
    (void)state;
    const size_t big = 400u << 20;
    char *held = malloc(big);
    assert_non_null(held);
    memset(held, 1, big);
    osib_exec_result r;
    run("sleep 0.3", 30, &r);
    assert_true(r.exited && r.exit_code == 0);
    assert_true(r.peak_memory_bytes < 100e6);
    free(held);
}

/* A forked child's pages are its parent's until it writes them
 * (proctree.h). Measured (MB): a parent of 167 with a child that writes
 * nothing, 257 (half the shared pages added: the child's proportional
 * share; the rule before counted 334); one that writes every page it
 * inherited, 335 (a whole copy); orphans sharing 100 that hold 30 each
 * beside a parent of 10, 190-250 (a sample is not one instant: a child
 * forked during it may be counted beside its parent's whole share),
 * where counting only unshared pages would give 130. */
static const char *const fork_py = "import os, sys, time\n"
                                   "def hold(mib):\n"
                                   "    b = bytearray(mib << 20)\n"
                                   "    b[::4096] = b'x' * len(b[::4096])\n"
                                   "    return b\n"
                                   "mode = sys.argv[1]\n"
                                   "if mode in ('shared', 'copied'):\n"
                                   "    b = hold(150)\n"
                                   "    pid = os.fork()\n"
                                   "    if pid == 0:\n"
                                   "        if mode == 'copied':\n"
                                   "            b[::4096] = b'y' * len(b[::4096])\n"
                                   "        time.sleep(1.0)\n"
                                   "        os._exit(0)\n"
                                   "    os.waitpid(pid, 0)\n"
                                   "else:\n"
                                   "    if os.fork() == 0:\n"
                                   "        b = hold(100)\n"
                                   "        for _ in range(2):\n"
                                   "            if os.fork() == 0:\n"
                                   "                c = hold(30)\n"
                                   "                time.sleep(1.5)\n"
                                   "                os._exit(0)\n"
                                   "        os._exit(0)\n"
                                   "    time.sleep(2.5)\n";

static void test_exec_memory_fork(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/fork.py", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(fork_py, f);
    assert_int_equal(fclose(f), 0);
    osib_exec_result r;
    run("python3 fork.py shared", 30, &r);
    print_message("  fork.py shared: peak %.1f MB\n", r.peak_memory_bytes / 1e6);
    assert_true(r.exited && r.exit_code == 0);
    assert_true(r.peak_memory_bytes > 150e6 && r.peak_memory_bytes < 295e6);
    run("python3 fork.py copied", 30, &r);
    print_message("  fork.py copied: peak %.1f MB\n", r.peak_memory_bytes / 1e6);
    assert_true(r.exited && r.exit_code == 0);
    assert_true(r.peak_memory_bytes > 310e6);
    run("python3 fork.py orphans", 30, &r);
    print_message("  fork.py orphans: peak %.1f MB\n", r.peak_memory_bytes / 1e6);
    assert_true(r.exited && r.exit_code == 0);
    assert_true(r.peak_memory_bytes > 150e6);
}

/* The time limit (spec/protocol.md §2.4) counts the forward sweeps the
 * spec's plan recomputes under a memory budget: at the 3D ladder's least
 * rung 33 snapshots and 1731 recomputed steps of 1198 (spec/ladder.md),
 * 2 + 2.44 sweeps where the whole history would be 3; operators without a
 * history, and a manifest's own limit, are as they were. */
static void test_time_limit_under_budget(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/spec/cases/budget-3d-layers-so8-least.yaml", test_root());
    osib_case c;
    osib_err err = {0};
    assert_int_equal(osib_case_load(path, &c, &err), OSIB_OK);
    const osib_budget_plan p = osib_budget_plan_of(&c, 4);
    assert_true(p.snapshots == 33.0 && p.recomputed_steps == 1731.0);
    osib_impl impl = {.dtype_bytes = 4};
    const double work = 1e6 * 1198.0 / 1e7;
    assert_true(fabs(osib_task_time_limit(&impl, &c, OSIB_OP_GRADIENT) - (60.0 + work * (3.0 + 1731.0 / 1198.0))) <
                1e-9);
    assert_true(fabs(osib_task_time_limit(&impl, &c, OSIB_OP_FORWARD) - (60.0 + work)) < 1e-9);
    const long long budget = c.memory_budget_bytes;
    c.memory_budget_bytes = 0;
    assert_true(osib_budget_plan_of(&c, 4).snapshots < 0);
    assert_true(fabs(osib_task_time_limit(&impl, &c, OSIB_OP_GRADIENT) - (60.0 + 3.0 * work)) < 1e-9);
    c.memory_budget_bytes = budget;
    impl.time_limit_s = 99.0;
    assert_true(osib_task_time_limit(&impl, &c, OSIB_OP_GRADIENT) == 99.0);
    osib_case_free(&c);
}

/* A memory limit (a case's budget) stops a tree as soon as a sample sees it
 * passed: a program holding 200 MB for 20 s under a 50 MB limit is stopped
 * within a second, reported over memory with its peak; one under the limit
 * runs to its end. */
static void test_exec_memory_limit(void **state)
{
    (void)state;
    char out[512], err_path[512];
    snprintf(out, sizeof out, "%s/out.txt", dir);
    snprintf(err_path, sizeof err_path, "%s/err.txt", dir);
    char *argv[] = {"python3", "-c",
                    "import time; b = bytearray(200 << 20); b[::4096] = b'x' * len(b[::4096]); time.sleep(20)", NULL};
    osib_exec_limits limits = {.time_limit_s = 30, .memory_limit_bytes = 50e6};
    osib_exec_result r;
    osib_err err = {0};
    assert_int_equal(osib_exec(argv, dir, out, err_path, &limits, &r, &err), OSIB_OK);
    assert_true(r.over_memory && !r.exited && !r.timed_out);
    assert_true(r.peak_memory_bytes > 50e6);
    assert_true(r.wall_seconds < 5.0);
    char what[192];
    osib_exec_describe(&r, what, sizeof what);
    assert_non_null(strstr(what, "passed the limit"));
    limits.memory_limit_bytes = 400e6;
    char *small[] = {"python3", "-c", "import time; b = bytearray(20 << 20); time.sleep(0.3)", NULL};
    assert_int_equal(osib_exec(small, dir, out, err_path, &limits, &r, &err), OSIB_OK);
    assert_true(!r.over_memory && r.exited && r.exit_code == 0);
}

/* Storage I/O is the whole tree's: 8 MiB written and synced by a
 * grandchild (dd under sh) count, and a task that writes nothing counts
 * (nearly) nothing. */
static void test_exec_io(void **state)
{
    (void)state;
    osib_exec_result r;
    run("dd if=/dev/zero of=io.bin bs=1M count=8 conv=fsync status=none && rm io.bin", 30, &r);
    assert_true(r.exited && r.exit_code == 0);
    if (r.io_write_bytes < 0) {
        print_message("  no task I/O accounting in this kernel: skipped\n");
        return;
    }
    assert_true(r.io_write_bytes >= 8.0 * 1048576.0);
    run("true", 30, &r);
    assert_true(r.io_write_bytes >= 0 && r.io_write_bytes < 1048576.0);
}

/* ---------------------------------------------------------------------------
 * Requests and results
 * ------------------------------------------------------------------------- */

static void make_request(osib_request *r, osib_op op, osib_array_format format)
{
    memset(r, 0, sizeof *r);
    test_load_spec_case("acoustic-2d-layers-so4", &r->c);
    snprintf(r->task_id, sizeof r->task_id, "t0042");
    r->op = op;
    r->dtype_bytes = 4;
    r->repetition = 2;
    r->format = format;
    osib_request_layout(r);
}

static void test_request_round_trip(void **state)
{
    (void)state;
    for (int format = 0; format < 2; format++)
        for (int op = 0; op < OSIB_OP_COUNT; op++) {
            osib_request w, r;
            osib_err err = {0};
            char path[512], h1[65], h2[65];
            make_request(&w, (osib_op)op, (osib_array_format)format);
            snprintf(path, sizeof path, "%s/request.yaml", dir);
            assert_int_equal(osib_request_write(&w, path, &err), OSIB_OK);
            if (osib_request_load(path, &r, &err) != OSIB_OK)
                fail_msg("%s", err.msg);
            assert_string_equal(r.task_id, "t0042");
            assert_int_equal(r.op, op);
            assert_int_equal(r.ninputs, w.ninputs);
            assert_int_equal(r.noutputs, w.noutputs);
            for (int i = 0; i < r.noutputs; i++) {
                assert_string_equal(r.outputs[i].file, w.outputs[i].file);
                /* the objective is float64 in every class */
                assert_int_equal(r.outputs[i].dtype_bytes, strcmp(r.outputs[i].name, "objective") ? 4 : 8);
            }
            osib_case_hash(&w.c, h1, NULL);
            osib_case_hash(&r.c, h2, NULL);
            assert_string_equal(h1, h2); /* the inline case is the same case */
            osib_request_free(&r);
            osib_case_free(&w.c);
        }
}

/* Write a request, corrupt one line, expect a refusal naming the problem. */
static void expect_bad_request(const char *from, const char *to, const char *needle)
{
    osib_request w, r;
    osib_err err = {0};
    char path[512];
    make_request(&w, OSIB_OP_FORWARD, OSIB_FORMAT_HDF5);
    snprintf(path, sizeof path, "%s/request.yaml", dir);
    assert_int_equal(osib_request_write(&w, path, &err), OSIB_OK);
    osib_case_free(&w.c);
    char text[65536];
    FILE *f = fopen(path, "r");
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *at = strstr(text, from);
    assert_non_null(at);
    char edited[65536];
    snprintf(edited, sizeof edited, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    f = fopen(path, "w");
    fputs(edited, f);
    fclose(f);
    osib_status st = osib_request_load(path, &r, &err);
    print_message("  %s\n", err.msg);
    assert_int_not_equal(st, OSIB_OK);
    assert_non_null(strstr(err.msg, needle));
}

static void test_bad_requests(void **state)
{
    (void)state;
    expect_bad_request("osib_request: 1", "osib_request: 9", "protocol version 9");
    expect_bad_request("operator: forward", "operator: backward", "unknown operator");
    expect_bad_request("file: \"inputs.h5\"", "file: \"../../etc/passwd\"", "not a plain relative path");
    expect_bad_request("file: \"inputs.h5\"", "file: \"/etc/passwd\"", "not a plain relative path");
    expect_bad_request("shape: [101, 101]", "shape: [101, 100]", "does not match the case");
    expect_bad_request("dtype: float64", "dtype: int8", "expected float32 or float64");
    expect_bad_request("array_format: hdf5", "array_format: netcdf", "expected hdf5 or raw");
    expect_bad_request("name: vp", "name: velocity", "expected array \"vp\"");
    expect_bad_request("space_order: 4", "space_order: 5", "space orders are even");
}

static void test_results(void **state)
{
    (void)state;
    char path[512];
    osib_result w = {.compute_seconds = 1.25}, r;
    osib_err err = {0};
    snprintf(w.task_id, sizeof w.task_id, "t0001");
    snprintf(path, sizeof path, "%s/result.yaml", dir);
    assert_int_equal(osib_result_write(&w, path, &err), OSIB_OK);
    assert_int_equal(osib_result_load(path, &r, &err), OSIB_OK);
    assert_true(r.compute_seconds == 1.25);
    assert_string_equal(r.task_id, "t0001");
    assert_string_equal(r.notes, "");
    FILE *f = fopen(path, "w");
    fputs("osib_result: 1\ntask_id: t2\ncompute_seconds: 0.5\nnotes: \"K = 4, 2 threads\"\n", f);
    fclose(f);
    assert_int_equal(osib_result_load(path, &r, &err), OSIB_OK);
    assert_string_equal(r.notes, "K = 4, 2 threads");
    char long_notes[4200 + 64];
    int len = snprintf(long_notes, sizeof long_notes, "osib_result: 1\ntask_id: t\ncompute_seconds: 1\nnotes: ");
    memset(long_notes + len, 'x', 4100);
    snprintf(long_notes + len + 4100, sizeof long_notes - (size_t)len - 4100, "\n");
    const char *const bad[][2] = {
        {"osib_result: 1\ntask_id: t\ncompute_seconds: 1\nnotes: [fast, honest]\n", "expected a string"},
        {"osib_result: 1\ntask_id: t\ncompute_seconds: 1\nnotes: {k: 4}\n", "expected a string"},
        {long_notes, "string longer than 4095 characters"},
        {"osib_result: 1\ntask_id: t\ncompute_seconds: -1\n", "must be >= 0"},
        {"osib_result: 1\ntask_id: t\ncompute_seconds: .nan\n", "expected a number"},
        {"osib_result: 2\ntask_id: t\ncompute_seconds: 1\n", "protocol version 2"},
        {"osib_result: 1\ntask_id: t\n", "missing required key \"compute_seconds\""},
        {"osib_result: 1\ntask_id: t\ncompute_seconds: 1\nflops: 1e20\n", "unknown key \"flops\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f = fopen(path, "w");
        fputs(bad[i][0], f);
        fclose(f);
        assert_int_not_equal(osib_result_load(path, &r, &err), OSIB_OK);
        print_message("  %s\n", err.msg);
        assert_non_null(strstr(err.msg, bad[i][1]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dot_and_linearity),
        cmocka_unit_test(test_narrow_fraction),
        cmocka_unit_test(test_taylor_measure),
        cmocka_unit_test(test_exec),
        cmocka_unit_test(test_exec_leftovers),
        cmocka_unit_test(test_exec_capture_cap),
        cmocka_unit_test(test_exec_memory),
        cmocka_unit_test(test_exec_memory_not_the_runners),
        cmocka_unit_test(test_exec_memory_fork),
        cmocka_unit_test(test_time_limit_under_budget),
        cmocka_unit_test(test_exec_memory_limit),
        cmocka_unit_test(test_exec_io),
        cmocka_unit_test(test_request_round_trip),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_results),
    };
    return cmocka_run_group_tests_name("runner: measures, execution, protocol", tests, setup, teardown);
}
