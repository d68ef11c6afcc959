/*
 * exec.h - run an implementation's command: in its task directory, with
 * standard output and error captured, in its own process group, and ended
 * - every process it started, wherever it went - when it finishes or
 * outlives its time limit. The runner never waits forever, never keeps
 * unbounded output, and never lets a crash take it down.
 *
 *   capture   standard output and error come back through pipes, not
 *             files the implementation could replace; at most
 *             capture_cap_bytes of each is kept (its first and last
 *             halves, with a line saying how much was dropped between),
 *             and written to stdout_path / stderr_path by the runner once
 *             the process tree is gone;
 *   the tree  the runner is a child subreaper (proctree.h): when the main
 *             process ends, every process it left behind - in its group
 *             or not (setsid), however deeply forked - is killed and
 *             counted, and the run returns only when none is left;
 *   memory    the peak resident memory of the whole tree: the sum of the
 *             resident sets of all its processes, sampled while it runs,
 *             or the largest single process's own peak (wait4), whichever
 *             is larger; forked workers are therefore not undercounted;
 *   OOM       a main process killed by SIGKILL while the kernel's OOM
 *             counter rose is reported as killed for want of memory;
 *   I/O       the bytes the whole tree read from and wrote to storage,
 *             from the runner's own I/O accounting across the task (the
 *             kernel adds a reaped child's to its reaper's);
 *   budget    with a memory limit, a tree whose sampled memory passes it
 *             is stopped at once (a budget is judged after the run too,
 *             on the peak: this only keeps a run that ignores its budget
 *             from taking the machine's memory first).
 */
#ifndef OSIB_EXEC_H
#define OSIB_EXEC_H

#include <stddef.h>

#include "osib_err.h"

/* What the runner keeps of each captured stream, and why (spec/protocol.md
 * §2.4): enough for any honest log and every error message, bounded so
 * that a gigabyte of output costs nothing. */
enum { OSIB_CAPTURE_CAP_BYTES = 1 << 20 };

typedef struct {
    double time_limit_s;       /* <= 0: none */
    size_t capture_cap_bytes;  /* per stream; 0: OSIB_CAPTURE_CAP_BYTES */
    double memory_limit_bytes; /* > 0: the tree is stopped, as at the time limit, once its sampled memory passes it */
} osib_exec_limits;

typedef struct {
    int exited;                           /* the main process terminated normally */
    int exit_code;                        /* when exited */
    int signal;                           /* when killed by a signal (not the runner's) */
    int timed_out;                        /* killed by the runner at the time limit */
    int oom_killed;                       /* killed by the kernel's out-of-memory killer */
    int over_memory;                      /* stopped by the runner: its memory passed memory_limit_bytes */
    double io_read_bytes, io_write_bytes; /* storage I/O of the whole tree (proctree.h); -1 where unknown */
    double wall_seconds;
    double peak_memory_bytes;              /* of the whole process tree; 0 if never measured */
    int leftovers;                         /* processes alive after the main one ended, killed */
    size_t stdout_bytes, stderr_bytes;     /* written by the tree in all */
    size_t stdout_dropped, stderr_dropped; /* of those, not kept */
    int capture_lost; /* stdout.txt or stderr.txt could not be written (something else is in their place) */
} osib_exec_result;

/* Run argv (argv[0] searched in PATH if it has no '/') in directory cwd.
 * Fails only when the runner itself cannot start the process or write the
 * captured streams; whatever the process does is described in *res. */
osib_status osib_exec(char *const argv[], const char *cwd, const char *stdout_path, const char *stderr_path,
                      const osib_exec_limits *limits, osib_exec_result *res, osib_err *err);

/* "exited with code 3", "killed by signal 6 (Aborted)", "timed out after
 * 5 s", "killed by the kernel's out-of-memory killer (peak 3.2 GiB)" */
void osib_exec_describe(const osib_exec_result *res, char *buf, size_t cap);

#endif
