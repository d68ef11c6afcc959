#include "exec.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileutil.h"
#include "proctree.h"
#include "sysinfo.h"

/* How often the process tree's memory is sampled while it runs: often
 * enough to see an allocation that lives a tenth of a second, rarely
 * enough that scanning /proc costs the implementation under 1% of a core. */
#define SAMPLE_INTERVAL_S 0.05
/* SIGTERM, then SIGKILL this much later (time-outs only). */
#define GRACE_S 0.2
/* Ending the tree: give up after this long (a process that survives
 * SIGKILL this long is stuck in the kernel, and nothing more can be done). */
#define END_TREE_MAX_S 10.0

/* ---------------------------------------------------------------------------
 * Captured streams: the first half of the cap, and a ring of the last half.
 * ------------------------------------------------------------------------- */

typedef struct {
    int fd; /* read end of the pipe, -1 once at end of file */
    char *head, *tail;
    size_t head_cap, tail_cap;
    size_t head_len, tail_len, tail_pos;
    size_t total;
} capture;

static int capture_init(capture *c, int fd, size_t cap)
{
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->head_cap = cap / 2;
    c->tail_cap = cap - c->head_cap;
    c->head = malloc(c->head_cap + 1);
    c->tail = malloc(c->tail_cap + 1);
    return c->head && c->tail ? 0 : -1;
}

static void capture_add(capture *c, const char *data, size_t n)
{
    c->total += n;
    size_t to_head = c->head_cap - c->head_len < n ? c->head_cap - c->head_len : n;
    memcpy(c->head + c->head_len, data, to_head);
    c->head_len += to_head;
    data += to_head;
    n -= to_head;
    if (c->tail_cap == 0 || n == 0)
        return;
    if (n > c->tail_cap) { /* only the last tail_cap bytes can stay */
        data += n - c->tail_cap;
        n = c->tail_cap;
    }
    size_t first = c->tail_cap - c->tail_pos < n ? c->tail_cap - c->tail_pos : n;
    memcpy(c->tail + c->tail_pos, data, first);
    memcpy(c->tail, data + first, n - first);
    c->tail_pos = (c->tail_pos + n) % c->tail_cap;
    c->tail_len = c->tail_len + n < c->tail_cap ? c->tail_len + n : c->tail_cap;
}

/* Read what is available now; close at end of file. */
static void capture_drain(capture *c)
{
    char buf[65536];
    while (c->fd >= 0) {
        ssize_t n = read(c->fd, buf, sizeof buf);
        if (n > 0)
            capture_add(c, buf, (size_t)n);
        else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            close(c->fd);
            c->fd = -1;
        } else if (errno == EAGAIN)
            break;
    }
}

static size_t capture_dropped(const capture *c) { return c->total - c->head_len - c->tail_len; }

static osib_status capture_write(const capture *c, const char *path, const char *stream, osib_err *err)
{
    size_t dropped = capture_dropped(c);
    char note[192] = "";
    if (dropped > 0)
        snprintf(note, sizeof note,
                 "\n[osib: %zu bytes of standard %s dropped here: the runner keeps the first and last %zu]\n", dropped,
                 stream, c->head_cap);
    size_t len = c->head_len + strlen(note) + c->tail_len;
    char *all = malloc(len + 1);
    if (!all)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the captured %s", stream);
    memcpy(all, c->head, c->head_len);
    memcpy(all + c->head_len, note, strlen(note));
    /* the ring, oldest byte first */
    size_t start = c->tail_len < c->tail_cap ? 0 : c->tail_pos;
    for (size_t i = 0; i < c->tail_len; i++)
        all[c->head_len + strlen(note) + i] = c->tail[(start + i) % (c->tail_cap ? c->tail_cap : 1)];
    osib_status st = osib_write_text_atomic(path, all, len, err);
    free(all);
    return st;
}

static void capture_free(capture *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->head);
    free(c->tail);
}

/* ---------------------------------------------------------------------------
 * The process tree
 * ------------------------------------------------------------------------- */

typedef struct {
    pid_t main;
    int main_done, main_status;
    double peak_rss;    /* largest sampled sum over the tree */
    double max_own_rss; /* largest peak a reaped process reported itself (wait4) */
    double inherited;   /* the runner's own memory when it forked the main process */
    pid_t killed[1024]; /* distinct processes killed after the main one ended */
    size_t nkilled;
} tree;

/* Reap every child that has ended, noting the main process's status. */
static void reap(tree *t)
{
    for (;;) {
        int status;
        struct rusage ru;
        pid_t r = wait4(-1, &status, WNOHANG, &ru);
        if (r <= 0)
            return;
        double own = (double)ru.ru_maxrss * 1024.0; /* kilobytes on Linux */
        /* Linux carries a process's peak across exec: the main process's
         * includes the copy of the runner it was forked as (measured: 2.9
         * GiB reported for a 64^3 case while the runner held a 512^3 case's
         * arrays). Such a figure says nothing of the task; the samples,
         * which read the peak since exec, measure it instead. */
        if (r == t->main && own <= t->inherited)
            own = 0.0;
        if (own > t->max_own_rss)
            t->max_own_rss = own;
        if (r == t->main) {
            t->main_done = 1;
            t->main_status = status;
        }
    }
}

static void sample(tree *t)
{
    const double rss = osib_proctree_resident_bytes(t->main);
    if (rss > t->peak_rss)
        t->peak_rss = rss;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* Kill every process left, counting them, until none is. */
static void end_tree(tree *t, capture *caps, int ncaps)
{
    double t0 = osib_now_seconds();
    for (;;) {
        pid_t pids[256];
        size_t n = osib_proctree_list(pids, 256);
        for (size_t i = 0; i < n && i < 256; i++) {
            size_t k = 0;
            while (k < t->nkilled && t->killed[k] != pids[i])
                k++;
            if (k == t->nkilled && pids[i] != t->main && t->nkilled < sizeof t->killed / sizeof t->killed[0])
                t->killed[t->nkilled++] = pids[i];
            kill(pids[i], SIGKILL);
        }
        kill(-t->main, SIGKILL); /* the group too, in case /proc is unreadable */
        for (int c = 0; c < ncaps; c++)
            capture_drain(&caps[c]);
        reap(t);
        errno = 0;
        if (n == 0 && waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
            return;
        if (osib_now_seconds() - t0 > END_TREE_MAX_S)
            return;
        sleep_s(0.002);
    }
}

/* pipe() with both ends closed on exec (pipe2 is not POSIX). */
static int cloexec_pipe(int fds[2])
{
    if (pipe(fds) != 0)
        return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

/* ---------------------------------------------------------------------------
 * Running one command
 * ------------------------------------------------------------------------- */

osib_status osib_exec(char *const argv[], const char *cwd, const char *stdout_path, const char *stderr_path,
                      const osib_exec_limits *limits, osib_exec_result *res, osib_err *err)
{
    memset(res, 0, sizeof *res);
    const double limit = limits ? limits->time_limit_s : 0.0;
    const size_t cap = limits && limits->capture_cap_bytes ? limits->capture_cap_bytes : OSIB_CAPTURE_CAP_BYTES;
    osib_proctree_subreaper();

    /* A pipe that closes on a successful exec lets the child report why it
     * could not start (bad directory, missing program) to the parent. */
    int report[2], out[2], errp[2];
    if (cloexec_pipe(report) != 0)
        return osib_fail(err, OSIB_E_INTERNAL, "pipe: %s", strerror(errno));
    if (cloexec_pipe(out) != 0 || cloexec_pipe(errp) != 0) {
        close(report[0]);
        close(report[1]);
        return osib_fail(err, OSIB_E_INTERNAL, "pipe: %s", strerror(errno));
    }
    capture caps[2];
    memset(caps, 0, sizeof caps);
    if (capture_init(&caps[0], out[0], cap) != 0 || capture_init(&caps[1], errp[0], cap) != 0) {
        for (int i = 0; i < 2; i++) {
            close(report[i]);
            close(out[i]);
            close(errp[i]);
            free(caps[i].head);
            free(caps[i].tail);
        }
        return osib_fail(err, OSIB_E_NOMEM, "out of memory for the captured streams");
    }
    long long oom_before = osib_oom_kill_count();
    const double runner_bytes = osib_self_rss_bytes() + 16.0 * 1024.0 * 1024.0; /* + stack, libc pages */

    double io_read0 = 0.0, io_write0 = 0.0;
    const int io_known = osib_self_io_bytes(&io_read0, &io_write0) == 0;
    double t0 = osib_now_seconds();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        for (int i = 0; i < 2; i++) {
            close(report[i]);
            close(out[i]);
            close(errp[i]);
            free(caps[i].head);
            free(caps[i].tail);
        }
        return osib_fail(err, OSIB_E_INTERNAL, "fork: %s", strerror(e));
    }
    if (pid == 0) {
        setpgid(0, 0); /* own process group: the time limit kills everything it starts */
        int in = open("/dev/null", O_RDONLY);
        int e = 0;
        if (in < 0 || dup2(in, 0) < 0 || dup2(out[1], 1) < 0 || dup2(errp[1], 2) < 0)
            e = errno ? errno : EIO;
        else if (chdir(cwd) != 0)
            e = errno;
        else {
            signal(SIGPIPE, SIG_DFL);
            execvp(argv[0], argv);
            e = errno;
        }
        ssize_t w = write(report[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    close(report[1]);
    close(out[1]);
    close(errp[1]);
    setpgid(pid, pid); /* also from the parent, to win the race with the child */
    int child_errno = 0;
    ssize_t got = read(report[0], &child_errno, sizeof child_errno);
    close(report[0]);
    if (got == (ssize_t)sizeof child_errno) {
        waitpid(pid, NULL, 0);
        capture_free(&caps[0]);
        capture_free(&caps[1]);
        return osib_fail(err, OSIB_E_EXTERNAL, "cannot run %s: %s", argv[0], strerror(child_errno));
    }

    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(errp[0], F_SETFL, O_NONBLOCK);
    tree t;
    memset(&t, 0, sizeof t);
    t.main = pid;
    t.inherited = runner_bytes;

    double next_sample = t0 + 0.005;
    while (!t.main_done) {
        double now = osib_now_seconds();
        if (limit > 0.0 && now - t0 > limit) {
            res->timed_out = 1;
            break;
        }
        double wait_s = next_sample - now;
        if (limit > 0.0 && t0 + limit - now < wait_s)
            wait_s = t0 + limit - now;
        if (wait_s > 0.02)
            wait_s = 0.02; /* the main process's end is noticed within 20 ms */
        struct pollfd p[2];
        nfds_t np = 0;
        for (int c = 0; c < 2; c++)
            if (caps[c].fd >= 0)
                p[np++] = (struct pollfd){.fd = caps[c].fd, .events = POLLIN};
        int ms = wait_s > 0 ? (int)(wait_s * 1000.0) + 1 : 0;
        if (np > 0)
            poll(p, np, ms);
        else
            sleep_s(ms / 1000.0);
        for (int c = 0; c < 2; c++)
            capture_drain(&caps[c]);
        if (osib_now_seconds() >= next_sample) {
            sample(&t);
            next_sample = osib_now_seconds() + SAMPLE_INTERVAL_S;
        }
        reap(&t);
        if (limits && limits->memory_limit_bytes > 0 && fmax(t.peak_rss, t.max_own_rss) > limits->memory_limit_bytes &&
            !t.main_done) {
            res->over_memory = 1;
            break;
        }
    }
    res->wall_seconds = osib_now_seconds() - t0;

    if (res->timed_out || res->over_memory) {
        kill(-pid, SIGTERM);
        osib_proctree_signal(SIGTERM);
        double until = osib_now_seconds() + GRACE_S;
        while (osib_now_seconds() < until) {
            for (int c = 0; c < 2; c++)
                capture_drain(&caps[c]);
            reap(&t);
            sleep_s(0.005);
        }
    } else {
        sample(&t); /* what is left now is what will be killed */
    }
    end_tree(&t, caps, 2);
    /* Every writer is gone: read the pipes to their end. */
    for (int c = 0; c < 2; c++) {
        double until = osib_now_seconds() + 1.0;
        while (caps[c].fd >= 0 && osib_now_seconds() < until) {
            capture_drain(&caps[c]);
            if (caps[c].fd >= 0)
                sleep_s(0.001);
        }
    }

    /* Every process of the tree has been reaped, and the runner itself
     * wrote nothing since the fork: the change is the tree's I/O. */
    double io_read1 = 0.0, io_write1 = 0.0;
    if (io_known && osib_self_io_bytes(&io_read1, &io_write1) == 0) {
        res->io_read_bytes = io_read1 - io_read0;
        res->io_write_bytes = io_write1 - io_write0;
    } else {
        res->io_read_bytes = res->io_write_bytes = -1.0;
    }
    res->leftovers = (int)t.nkilled;
    res->peak_memory_bytes = t.peak_rss > t.max_own_rss ? t.peak_rss : t.max_own_rss;
    if (!res->timed_out && !res->over_memory && t.main_done) {
        if (WIFEXITED(t.main_status)) {
            res->exited = 1;
            res->exit_code = WEXITSTATUS(t.main_status);
        } else if (WIFSIGNALED(t.main_status)) {
            res->signal = WTERMSIG(t.main_status);
            long long oom_after = osib_oom_kill_count();
            res->oom_killed = res->signal == SIGKILL && oom_before >= 0 && oom_after > oom_before;
        }
    }
    res->stdout_bytes = caps[0].total;
    res->stderr_bytes = caps[1].total;
    res->stdout_dropped = capture_dropped(&caps[0]);
    res->stderr_dropped = capture_dropped(&caps[1]);
    /* Whatever the implementation left where the captures go (a FIFO, a
     * link, a directory) is removed first; if that is not possible the
     * task fails, not the runner. */
    const char *paths[2] = {stdout_path, stderr_path}, *names[2] = {"output", "error"};
    osib_status st = OSIB_OK;
    for (int c = 0; st == OSIB_OK && c < 2; c++) {
        struct stat sb;
        if (lstat(paths[c], &sb) == 0 && !S_ISREG(sb.st_mode) && unlink(paths[c]) != 0 && rmdir(paths[c]) != 0) {
            res->capture_lost = 1;
            continue;
        }
        osib_err werr = {0};
        st = capture_write(&caps[c], paths[c], names[c], &werr);
        if (st == OSIB_E_NOMEM) {
            *err = werr;
        } else if (st != OSIB_OK) {
            res->capture_lost = 1;
            st = OSIB_OK;
        }
    }
    capture_free(&caps[0]);
    capture_free(&caps[1]);
    return st;
}

void osib_exec_describe(const osib_exec_result *res, char *buf, size_t cap)
{
    if (res->timed_out)
        snprintf(buf, cap, "timed out: killed after %.1f s", res->wall_seconds);
    else if (res->over_memory)
        snprintf(buf, cap, "stopped after %.1f s: resident memory %.1f MiB passed the limit", res->wall_seconds,
                 res->peak_memory_bytes / 1048576.0);
    else if (res->oom_killed)
        snprintf(buf, cap, "killed by the kernel's out-of-memory killer (peak resident memory %.2f GiB)",
                 res->peak_memory_bytes / 1073741824.0);
    else if (res->exited)
        snprintf(buf, cap, "exited with code %d", res->exit_code);
    else
        snprintf(buf, cap, "killed by signal %d (%s)", res->signal, strsignal(res->signal));
}
