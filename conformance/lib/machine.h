/*
 * machine.h - what this machine's memory system is, for every performance
 * figure OSIB prints (principle: caches and bandwidth beside each number).
 *
 *   caches     sizes of the data/unified caches of CPU 0 by level, from
 *              sysfs (0 where unknown);
 *   bandwidth  the STREAM triad a[i] = b[i] + s c[i] over float64 arrays
 *              four times the last-level cache and at least 64 MiB each
 *              (at most 512 MiB), one POSIX thread per online core, each
 *              touching its own part first; bytes counted as STREAM
 *              counts them (24 per element); the best of `repeat` passes.
 */
#ifndef OSIB_MACHINE_H
#define OSIB_MACHINE_H

#include <stddef.h>

typedef struct {
    size_t l1d_bytes, l2_bytes, l3_bytes;
} osib_caches;

osib_caches osib_machine_caches(void);

/* "L1d 48 KiB, L2 2 MiB, L3 480 MiB" */
void osib_caches_describe(const osib_caches *c, char *buf, size_t cap);

/* GB/s (1e9 bytes per second), or a negative number when the arrays
 * cannot be allocated or threads started. */
double osib_machine_triad_gbs(int repeat);

#endif
