/*
 * fetch.h - download one file (libcurl) into place, resumably and verified.
 *
 * The transfer goes to "<dest>.part"; if that exists from an interrupted
 * run, the download resumes from its size. When the transfer ends, the
 * size and SHA-256 are checked against what the registry says (when it
 * knows them) and only then is the file renamed to dest, so dest never
 * holds an unverified file. A completed transfer with the wrong size or
 * hash is deleted (resuming it could never succeed); an interrupted one is
 * kept for the next attempt.
 *
 * Errors (one line each): OSIB_E_IO when the source cannot be reached or
 * read (the message says what to do offline), OSIB_E_MISMATCH for a wrong
 * size (truncated) or hash.
 */
#ifndef OSIB_FETCH_H
#define OSIB_FETCH_H

#include <stddef.h>

#include "osib_err.h"

typedef struct {
    long long resumed_from; /* bytes already in .part when this run started */
    long long bytes;        /* final size */
    int already_present;    /* dest existed with the right size and hash */
    char sha256[65];
} osib_fetch_result;

/* expected_size < 0 and expected_sha256 NULL or "" mean unknown (then the
 * computed hash is reported, not checked). timeout_s bounds the connection
 * attempt. */
osib_status osib_fetch(const char *url, const char *dest, long long expected_size, const char *expected_sha256,
                       long timeout_s, osib_fetch_result *res, osib_err *err);

#endif
