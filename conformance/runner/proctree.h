/*
 * proctree.h - the processes an implementation started, found and ended.
 *
 * The runner makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER):
 * a process whose parent dies is re-parented to the runner instead of to
 * init, so that nothing the implementation starts - a double fork, a child
 * that calls setsid() to leave the process group, a daemon - escapes the
 * runner's reach. Every process descended from the runner is then either
 * its child or a descendant of one, and can be listed from /proc.
 *
 * The runner has no children of its own while a task runs, so "every
 * descendant of the runner" is exactly "every process of the task".
 */
#ifndef OSIB_PROCTREE_H
#define OSIB_PROCTREE_H

#include <stddef.h>
#include <sys/types.h>

/* Become a child subreaper (idempotent). Returns 0, or -1 where the
 * kernel does not support it (then only the process group can be killed). */
int osib_proctree_subreaper(void);

/* The runner's living descendants: at most cap pids in pids[], their
 * number (which may exceed cap) returned. Zombies are not counted. */
size_t osib_proctree_list(pid_t *pids, size_t cap);

/* The resident memory of the runner's living descendants, in bytes: the
 * sum of each process's peak since its last exec (VmHWM: sampled now and
 * then, it still sees a peak between two samples), or of its current size
 * where the peak cannot be read. A process that has forked and not exec'd
 * since (the kernel's PF_FORKNOEXEC) is counted otherwise, because its
 * resident pages are, until it writes them, the pages of the process it was
 * forked from, counted there: counting them twice would reject a program
 * for the instant between a fork and an exec (a Python program starting a
 * compiler). Such a process counts nothing when it shares its parent's
 * address space (a vfork child: kcmp), nothing when it is `main` before its
 * exec (the pages are the runner's), else its proportional share of every
 * page it maps now (Pss of /proc/PID/smaps_rollup): a page shared by k
 * processes counts 1/k in each, so what the children of a process that has
 * ended share still counts once. */
double osib_proctree_resident_bytes(pid_t main);

/* Send sig to every living descendant of the runner. Returns how many
 * were signalled. */
size_t osib_proctree_signal(int sig);

/* Storage bytes this process and every child it has reaped caused to be
 * read and written (/proc/self/io: read_bytes; write_bytes less
 * cancelled_write_bytes): Linux adds a child's counts to its reaper's when
 * it is reaped, so the change across a task is the task's whole tree.
 * Returns 0, or -1 where the counters cannot be read (no task I/O
 * accounting in the kernel). */
int osib_self_io_bytes(double *read_bytes, double *write_bytes);

/* The kernel's count of processes killed for want of memory so far
 * (/proc/vmstat oom_kill), or -1 where it is not available. */
long long osib_oom_kill_count(void);

#endif
