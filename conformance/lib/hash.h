/*
 * hash.h - SHA-256 (OpenSSL's libcrypto) of bytes, files and arrays.
 *
 * The hash of an array is the hash of its canonical bytes: the values as
 * IEEE-754 binary64, little-endian, in C order (spec/cases.md, oracles/).
 * It does not depend on how the array was stored (HDF5 chunking,
 * compression, timestamps), so two files with the same numbers agree.
 */
#ifndef OSIB_HASH_H
#define OSIB_HASH_H

#include <stddef.h>

#include "osib_err.h"

enum { OSIB_SHA256_HEX = 65 };

/* hex gets 64 lower-case hex digits and a NUL. */
osib_status osib_sha256_bytes(const void *data, size_t len, char hex[OSIB_SHA256_HEX], osib_err *err);
/* A regular file's bytes (a FIFO, device or socket is refused unread). */
osib_status osib_sha256_file(const char *path, char hex[OSIB_SHA256_HEX], osib_err *err);
/* The same for a file someone else wrote: no_follow refuses a symbolic
 * link, and a file longer than max_bytes is refused. */
osib_status osib_sha256_file_limited(const char *path, int no_follow, unsigned long long max_bytes,
                                     char hex[OSIB_SHA256_HEX], osib_err *err);
osib_status osib_sha256_doubles(const double *values, size_t count, char hex[OSIB_SHA256_HEX], osib_err *err);

#endif
