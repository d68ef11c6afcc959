/*
 * sysinfo.h - facts about this machine that OSIB programs need before they
 * start work: physical memory (to refuse runs that cannot fit) and whether
 * stderr is a terminal (progress is shown only there).
 */
#ifndef OSIB_SYSINFO_H
#define OSIB_SYSINFO_H

#include <stddef.h>

/* Physical memory in bytes, or 0 if unknown. */
double osib_physical_memory_bytes(void);

/* Monotonic wall-clock seconds. */
double osib_now_seconds(void);

/* This process's resident memory now, in bytes (0 where unknown). */
double osib_self_rss_bytes(void);

#endif
