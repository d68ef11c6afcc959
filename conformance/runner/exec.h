/*
 * exec.h - run an implementation's command: in its task directory, with
 * stdout and stderr captured to files, in its own process group, and killed
 * (the whole group) when it outlives its time limit. The runner never waits
 * forever and never lets a crash take it down.
 */
#ifndef OSIB_EXEC_H
#define OSIB_EXEC_H

#include "osib_err.h"

typedef struct {
    int exited;    /* terminated normally */
    int exit_code; /* when exited */
    int signal;    /* when killed by a signal (not ours) */
    int timed_out; /* killed by the runner at the time limit */
    double wall_seconds;
} osib_exec_result;

/* Run argv (argv[0] searched in PATH if it has no '/') in directory cwd.
 * Fails only when the runner itself cannot start the process; whatever
 * the process does is described in *res. */
osib_status osib_exec(char *const argv[], const char *cwd, const char *stdout_path, const char *stderr_path,
                      double time_limit_s, osib_exec_result *res, osib_err *err);

/* "exited with code 3", "killed by signal 6 (Aborted)", "timed out after 5 s" */
void osib_exec_describe(const osib_exec_result *res, char *buf, size_t cap);

#endif
