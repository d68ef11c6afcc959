/*
 * envinfo.h - what machine a certification ran on, for the report: CPU
 * model, cores, memory, operating system, kernel, the compiler that built
 * the kit, and the GPUs nvidia-smi sees (if it is installed). Missing facts
 * are left as "unknown"; nothing here can fail a run.
 */
#ifndef OSIB_ENVINFO_H
#define OSIB_ENVINFO_H

#include "report.h"

void osib_envinfo_fill(osib_report *r);

/* Current UTC time as 2026-11-23T10:47:00Z. */
void osib_utc_now(char *buf, size_t cap);

#endif
