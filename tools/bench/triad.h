/*
 * triad.h - this machine's memory bandwidth by the STREAM triad,
 * a[i] = b[i] + s c[i] over three float arrays far larger than the caches,
 * with OpenMP threads (first touch by the thread that later uses a page).
 *
 * Bytes are counted as STREAM counts them: 12 per element (two reads, one
 * write; write-allocate not counted). The result is the best of `repeat`
 * passes, in GB/s (1e9 bytes per second).
 */
#ifndef OSIB_BENCH_TRIAD_H
#define OSIB_BENCH_TRIAD_H

#include <stddef.h>

/* Returns GB/s, or a negative number when the arrays cannot be allocated. */
double osib_triad_gbs(size_t elements, int repeat);

/* The default size: 3 x 256 MiB, ten times a 32 MiB L3 per array and more. */
enum { OSIB_TRIAD_ELEMENTS = 64 * 1024 * 1024 };

#endif
