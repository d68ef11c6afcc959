/*
 * fileutil.h - atomic file replacement and small file helpers.
 *
 * Results are written to a temporary name in the same directory and renamed
 * over the final name only when complete, so a crash or a failed run never
 * leaves a half-written file where a good one used to be (principle 7).
 *
 *     char tmp[OSIB_PATH_MAX];
 *     osib_atomic_tmpname(final, tmp, sizeof tmp);
 *     ... write tmp ...
 *     ok ? osib_atomic_commit(tmp, final, err) : osib_atomic_abort(tmp);
 */
#ifndef OSIB_FILEUTIL_H
#define OSIB_FILEUTIL_H

#include <stddef.h>

#include "osib_err.h"

enum { OSIB_PATH_MAX = 4096 };

/* "<final>.tmp.<pid>". Fails if final exists and is not a regular file. */
osib_status osib_atomic_tmpname(const char *final_path, char *tmp, size_t cap, osib_err *err);
/* Rename tmp over final (atomic on POSIX file systems). */
osib_status osib_atomic_commit(const char *tmp, const char *final_path, osib_err *err);
/* Remove tmp, ignoring errors. */
void osib_atomic_abort(const char *tmp);

/* Write a whole text file atomically. */
osib_status osib_write_text_atomic(const char *path, const char *text, size_t len, osib_err *err);

/* Create a directory and its parents (like mkdir -p). */
osib_status osib_mkdir_p(const char *path, osib_err *err);

#endif
