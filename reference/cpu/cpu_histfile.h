/*
 * cpu_histfile.h - a gradient's forward history streamed to a file, with
 * asynchronous I/O (POSIX AIO) so that the kernels compute while levels are
 * written and read back (reference/cpu/README.md, "The gradient under a
 * memory budget").
 *
 * The file is created unnamed in the directory given (O_TMPFILE, or a name
 * unlinked at once where the file system has no O_TMPFILE): whatever
 * happens, a full disk, a crash, nothing is left behind. Levels are
 * level_bytes each (a multiple of 4096), at offset level x level_bytes;
 * where the file system allows, the file is opened with O_DIRECT, so that
 * the history really goes to storage and comes back from it instead of
 * living in the page cache, and buffers must then be 4096-byte aligned.
 *
 * The caller owns the buffers and numbers them: slot k has at most one
 * operation in flight; cpu_histfile_wait(k) waits for it and says whether it
 * moved every byte.
 */
#ifndef CPU_HISTFILE_H
#define CPU_HISTFILE_H

#include <stddef.h>

#include "cpu_real.h" /* the float64 build renames these too */
#include "osib_err.h"

typedef struct cpu_histfile cpu_histfile;

/* nslots: the most operations in flight at once. */
osib_status cpu_histfile_open(cpu_histfile **s, const char *dir, size_t level_bytes, int nslots, osib_err *err);
void cpu_histfile_close(cpu_histfile *s);

/* Start writing buf as level `level`, or reading level `level` into buf,
 * through slot k (which must have nothing in flight). */
osib_status cpu_histfile_write(cpu_histfile *s, int k, size_t level, const void *buf, osib_err *err);
osib_status cpu_histfile_read(cpu_histfile *s, int k, size_t level, void *buf, osib_err *err);
/* Wait for slot k's operation, if any; an error (ENOSPC: the disk is full)
 * or a short transfer fails with the file's directory named. */
osib_status cpu_histfile_wait(cpu_histfile *s, int k, osib_err *err);

/* Whether the file bypasses the page cache (O_DIRECT). */
int cpu_histfile_direct(const cpu_histfile *s);

#endif
