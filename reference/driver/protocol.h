/*
 * protocol.h - the implementation side of protocol v1 (spec/protocol.md)
 * for OSIB's own implementations: read request.yaml, read the inputs it
 * describes (HDF5 or raw), run the operator with a backend, write the
 * outputs where the request says, and result.yaml with the compute time.
 */
#ifndef OSIB_PROTOCOL_H
#define OSIB_PROTOCOL_H

#include "backend.h"
#include "progress.h"

/* Serve one request. Errors are returned (the caller prints them and exits
 * non-zero, which the runner records). */
osib_status osib_protocol_serve(const osib_backend *b, const char *request_path, osib_progress *progress,
                                osib_err *err);

#endif
