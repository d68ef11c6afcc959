/*
 * backend_cpu.h - the CPU kernels as driver backends: osib_backend_cpu,
 * float32 fields (build/lib/libosibcpu.a), and osib_backend_cpu64, the
 * same kernels with float64 fields (build/lib/libosibcpu64.a; cpu_real.h).
 * A program may link either library or both.
 */
#ifndef CPU_BACKEND_CPU_H
#define CPU_BACKEND_CPU_H

#include "backend.h"
#include "cpu_real.h"

/* osib-cpu's own settings (backend.h, options). Apart from the precision,
 * none changes the numbers: every setting gives the same bits
 * (cpu_sweep.h). Both backends take this struct. */
typedef struct {
    int time_block;         /* steps per wavefront in 3D; 1: no temporal blocking; 0: the rule below */
    int tile_y;             /* y rows per wavefront tile (cpu_sweep.h), or per TTI block (cpu_tti.h) */
    int tile_x;             /* x planes per TTI block (cpu_tti.h); 0: the default */
    int checkpoints;        /* gradient snapshots (Revolve); -1: keep the whole history */
    int reverse_block;      /* with checkpoints: states reversed together (cpu_operators.c); 0: 1, or chosen */
    int history_levels;     /* gradient: keep at most this many forward levels, the reversal planned to fit;
                               0: no such limit */
    int zfp_rate;           /* checkpointed gradient: snapshots compressed with ZFP, bits per value; 0: not */
    const char *stream_dir; /* gradient: stream the history to a file in this directory; NULL: do not */
    int tune;               /* cpu_tune_mode (cpu_tune.h): how K and the tile window are chosen in 3D */
    int float64; /* --precision float64: the program runs osib_backend_cpu64 (main.c; the backends ignore it) */
} cpu_options;

/* Defaults: time_block 0 means "as cpu_tune.h chooses" (the tuning cache,
 * a trial, or the rule), whose rule is K = 16 / (so/2), between 1 and 8 (so
 * 2 and 4: 8; so 8: 4; so 16: 2): the planes a wavefront keeps, (K + 1)
 * so/2 + 1 per field, stay near 21, past which the working set left the
 * cache of the machine it was measured on and K = 3 at so 16 ran slower
 * than K = 1. */
enum {
    CPU_DEFAULT_TIME_BLOCK = 0,
    CPU_MAX_TIME_BLOCK = 16,
    CPU_RULE_PLANES = 16,
    CPU_RULE_MAX_TIME_BLOCK = 8,
    CPU_DEFAULT_TILE_Y = 0, /* cpu_sweep.h's rule */
    CPU_MAX_TILE = 1 << 20
};

/* The steps per wavefront a run of space order so uses. */
int cpu_time_block(const cpu_options *o, int space_order);

/* Reads and removes osib-cpu's options from the front of argv (after the
 * program name); returns 0, or -1 with a message in err for a bad value. */
int cpu_options_parse(int *argc, char **argv, cpu_options *o, char *err, size_t err_cap);

/* The two builds of the kernels (cpu_real.h): the float32 class, which
 * osib-cpu certifies and make bench times, and float64, the kit's fast
 * in-process float64 reference (reference/cpu/README.md). Each is defined
 * in its own library. */
extern const osib_backend osib_backend_cpu;
extern const osib_backend osib_backend_cpu64;

#endif
