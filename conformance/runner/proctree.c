#include "proctree.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kcmp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's flag of a process that has forked and not exec'd since
 * (include/linux/sched.h), field 9 of /proc/PID/stat. */
#define PF_FORKNOEXEC 0x00000040UL

int osib_proctree_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : -1; }

/* Parent, state, kernel flags and resident pages of one process, from
 * /proc/PID/stat. The command name (field 2) is in parentheses and may
 * itself hold spaces and parentheses, so the fields after it are found from
 * the last ')'. */
static int read_stat(pid_t pid, pid_t *ppid, char *state, unsigned long *flags, long *rss_pages)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *close_paren = strrchr(buf, ')');
    if (!close_paren)
        return -1;
    /* after ")": state ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime stime cutime cstime priority nice threads
     * itrealvalue starttime vsize rss */
    char *p = close_paren + 1;
    long fields[22] = {0};
    char st = '?';
    if (sscanf(p, " %c", &st) != 1)
        return -1;
    p += 2; /* " S" */
    for (int i = 0; i < 22; i++) {
        char *end;
        fields[i] = strtol(p, &end, 10);
        if (end == p)
            return -1;
        p = end;
    }
    *state = st;
    *ppid = (pid_t)fields[0];
    *flags = (unsigned long)fields[5];
    *rss_pages = fields[20];
    return 0;
}

typedef struct {
    pid_t pid, ppid;
    unsigned long flags;
    long rss_pages;
    char state;
    int mine;
} proc_entry;

/* Every process in /proc, with the runner's descendants marked. */
static proc_entry *scan(size_t *count)
{
    *count = 0;
    DIR *d = opendir("/proc");
    if (!d)
        return NULL;
    size_t cap = 256, n = 0;
    proc_entry *v = malloc(cap * sizeof *v);
    struct dirent *e;
    while (v && (e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        proc_entry pe = {.pid = (pid_t)pid};
        if (read_stat(pe.pid, &pe.ppid, &pe.state, &pe.flags, &pe.rss_pages) != 0)
            continue; /* gone meanwhile */
        if (n == cap) {
            proc_entry *grown = realloc(v, 2 * cap * sizeof *v);
            if (!grown) {
                free(v);
                v = NULL;
                break;
            }
            v = grown;
            cap *= 2;
        }
        v[n++] = pe;
    }
    closedir(d);
    if (!v)
        return NULL;
    /* Mark descendants: the runner's children, then theirs, until nothing
     * changes (a tree of depth k needs k passes). */
    const pid_t self = getpid();
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < n; i++) {
            if (v[i].mine)
                continue;
            int parent_mine = v[i].ppid == self;
            for (size_t j = 0; !parent_mine && j < n; j++)
                parent_mine = v[j].mine && v[j].pid == v[i].ppid;
            if (parent_mine)
                v[i].mine = changed = 1;
        }
    }
    *count = n;
    return v;
}

/* One "Key: N kB" figure of a /proc/PID file, in bytes, or -1 where it
 * cannot be read. */
static double proc_kib_field(pid_t pid, const char *file, const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1.0;
    const size_t klen = strlen(key);
    double kib = -1.0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, klen) == 0) {
            kib = strtod(line + klen, NULL);
            break;
        }
    fclose(f);
    return kib < 0.0 ? -1.0 : kib * 1024.0;
}

/* Whether two processes share one address space (kcmp KCMP_VM): a vfork
 * child until its exec, or a clone(CLONE_VM) without a thread group. */
static int same_address_space(pid_t a, pid_t b)
{
#ifdef SYS_kcmp
    return syscall(SYS_kcmp, a, b, KCMP_VM, 0, 0) == 0;
#else
    (void)a;
    (void)b;
    return 0;
#endif
}

/* A process's part of the tree's resident memory (proctree.h). */
static double resident_bytes(const proc_entry *p, pid_t main, double page)
{
    const double now = (double)p->rss_pages * page;
    if (!(p->flags & PF_FORKNOEXEC)) {
        const double peak = proc_kib_field(p->pid, "status", "VmHWM:");
        return peak > now ? peak : now;
    }
    if (p->pid == main || same_address_space(p->pid, p->ppid))
        return 0.0;
    const double pss = proc_kib_field(p->pid, "smaps_rollup", "Pss:");
    return pss >= 0.0 ? pss : now;
}

size_t osib_proctree_list(pid_t *pids, size_t cap)
{
    size_t n, found = 0;
    proc_entry *v = scan(&n);
    for (size_t i = 0; v && i < n; i++) {
        if (!v[i].mine || v[i].state == 'Z' || v[i].state == 'X')
            continue;
        if (found < cap)
            pids[found] = v[i].pid;
        found++;
    }
    free(v);
    return found;
}

double osib_proctree_resident_bytes(pid_t main)
{
    size_t n;
    double bytes = 0.0;
    proc_entry *v = scan(&n);
    const double page = (double)sysconf(_SC_PAGESIZE);
    for (size_t i = 0; v && i < n; i++)
        if (v[i].mine && v[i].state != 'Z' && v[i].state != 'X')
            bytes += resident_bytes(&v[i], main, page);
    free(v);
    return bytes;
}

size_t osib_proctree_signal(int sig)
{
    size_t n, sent = 0;
    proc_entry *v = scan(&n);
    for (size_t i = 0; v && i < n; i++)
        if (v[i].mine && v[i].state != 'Z' && v[i].state != 'X' && kill(v[i].pid, sig) == 0)
            sent++;
    free(v);
    return sent;
}

long long osib_oom_kill_count(void)
{
    FILE *f = fopen("/proc/vmstat", "re");
    if (!f)
        return -1;
    char key[64];
    long long value, found = -1;
    while (fscanf(f, "%63s %lld", key, &value) == 2)
        if (strcmp(key, "oom_kill") == 0) {
            found = value;
            break;
        }
    fclose(f);
    return found;
}

int osib_self_io_bytes(double *read_bytes, double *write_bytes)
{
    FILE *f = fopen("/proc/self/io", "re");
    if (!f)
        return -1;
    char key[32];
    unsigned long long v, got = 0, rd = 0, wr = 0, cancelled = 0;
    while (fscanf(f, "%31[^:]: %llu ", key, &v) == 2) {
        if (strcmp(key, "read_bytes") == 0)
            rd = v, got |= 1;
        else if (strcmp(key, "write_bytes") == 0)
            wr = v, got |= 2;
        else if (strcmp(key, "cancelled_write_bytes") == 0)
            cancelled = v, got |= 4;
    }
    fclose(f);
    if (got != 7)
        return -1;
    *read_bytes = (double)rd;
    *write_bytes = (double)wr - (double)cancelled;
    return 0;
}
