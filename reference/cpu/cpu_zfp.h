/*
 * cpu_zfp.h - a checkpointed gradient's snapshots compressed with ZFP
 * (Debian's libzfp) in fixed-rate mode: every level takes the same number
 * of bytes, rate bits per value of the padded grid, so the snapshots that
 * fit a budget are known before the run (reference/cpu/README.md, "The
 * gradient under a memory budget").
 *
 * Lossy: a state restored from a compressed snapshot differs from the one
 * stored, and so does everything recomputed from it; the gradient is then
 * judged by its class tolerance like any other (spec/acoustic.md §12), not
 * by identity with the whole history. Only the padded grid is compressed:
 * the halo of a level decompressed into a field keeps what the field held
 * (zeros: no kernel writes it).
 */
#ifndef CPU_ZFP_H
#define CPU_ZFP_H

#include <stddef.h>

#include "cpu_problem.h"
#include "osib_err.h"

typedef struct cpu_zfp cpu_zfp;

/* nlevels compressed levels of p's fields at rate bits per value (1 to 32;
 * ZFP rounds it to what it supports, cpu_zfp_rate says what it took). */
osib_status cpu_zfp_open(cpu_zfp **z, const cpu_problem *p, double rate, size_t nlevels, osib_err *err);
void cpu_zfp_close(cpu_zfp *z);

/* Compress level into slot k, or decompress slot k into level. */
osib_status cpu_zfp_store(cpu_zfp *z, size_t k, const cpu_real *level, osib_err *err);
osib_status cpu_zfp_load(cpu_zfp *z, size_t k, cpu_real *level, osib_err *err);

/* The bytes one compressed level takes, for a given rate (no allocation:
 * what a budget can hold), and the rate ZFP took. */
size_t cpu_zfp_level_bytes(const cpu_problem *p, double rate);
double cpu_zfp_rate(const cpu_zfp *z);

#endif
