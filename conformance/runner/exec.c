#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sysinfo.h"

osib_status osib_exec(char *const argv[], const char *cwd, const char *stdout_path, const char *stderr_path,
                      double time_limit_s, osib_exec_result *res, osib_err *err)
{
    memset(res, 0, sizeof *res);
    /* A pipe that closes on a successful exec lets the child report why it
     * could not start (bad directory, missing program) to the parent. */
    int report[2];
    if (pipe(report) != 0)
        return osib_fail(err, OSIB_E_INTERNAL, "pipe: %s", strerror(errno));
    fcntl(report[1], F_SETFD, FD_CLOEXEC);

    double t0 = osib_now_seconds();
    pid_t pid = fork();
    if (pid < 0) {
        close(report[0]);
        close(report[1]);
        return osib_fail(err, OSIB_E_INTERNAL, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(report[0]);
        setpgid(0, 0); /* own process group: the time limit kills everything it starts */
        int out = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int errfd = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int in = open("/dev/null", O_RDONLY);
        int e = 0;
        if (out < 0 || errfd < 0 || in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
            e = errno ? errno : EIO;
        else if (chdir(cwd) != 0)
            e = errno;
        else {
            execvp(argv[0], argv);
            e = errno;
        }
        ssize_t w = write(report[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    close(report[1]);
    setpgid(pid, pid); /* also from the parent, to win the race with the child */
    int child_errno = 0;
    ssize_t got = read(report[0], &child_errno, sizeof child_errno);
    close(report[0]);
    if (got == (ssize_t)sizeof child_errno) {
        waitpid(pid, NULL, 0);
        return osib_fail(err, OSIB_E_EXTERNAL, "cannot run %s: %s", argv[0], strerror(child_errno));
    }

    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            kill(-pid, SIGKILL);
            return osib_fail(err, OSIB_E_INTERNAL, "waitpid: %s", strerror(errno));
        }
        if (time_limit_s > 0.0 && osib_now_seconds() - t0 > time_limit_s) {
            res->timed_out = 1;
            kill(-pid, SIGTERM);
            struct timespec grace = {0, 200000000};
            nanosleep(&grace, NULL);
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        struct timespec tick = {0, 2000000}; /* 2 ms */
        nanosleep(&tick, NULL);
    }
    res->wall_seconds = osib_now_seconds() - t0;
    if (!res->timed_out) {
        if (WIFEXITED(status)) {
            res->exited = 1;
            res->exit_code = WEXITSTATUS(status);
        } else if (WIFSIGNALED(status)) {
            res->signal = WTERMSIG(status);
        }
        /* Leftover processes of the group (daemons it forked) go too. */
        kill(-pid, SIGKILL);
    }
    return OSIB_OK;
}

void osib_exec_describe(const osib_exec_result *res, char *buf, size_t cap)
{
    if (res->timed_out)
        snprintf(buf, cap, "timed out: killed after %.1f s", res->wall_seconds);
    else if (res->exited)
        snprintf(buf, cap, "exited with code %d", res->exit_code);
    else
        snprintf(buf, cap, "killed by signal %d (%s)", res->signal, strsignal(res->signal));
}
