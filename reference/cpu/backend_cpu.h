/* backend_cpu.h - the float32 CPU implementation as a driver backend. */
#ifndef CPU_BACKEND_CPU_H
#define CPU_BACKEND_CPU_H

#include "backend.h"

/* osib-cpu's own settings (backend.h, options). None changes the numbers:
 * every setting gives the same bits (cpu_sweep.h). */
typedef struct {
    int time_block; /* steps per wavefront in 3D; 1: no temporal blocking */
    int tile_y;     /* y rows per wavefront tile (cpu_sweep.h) */
} cpu_options;

/* The default: temporal blocking measured best on the benchmark machine
 * (reference/cpu/README.md). */
enum { CPU_DEFAULT_TIME_BLOCK = 4, CPU_MAX_TIME_BLOCK = 16, CPU_DEFAULT_TILE_Y = 32, CPU_MAX_TILE = 1 << 20 };

/* Reads and removes osib-cpu's options from the front of argv (after the
 * program name); returns 0, or -1 with a message in err for a bad value. */
int cpu_options_parse(int *argc, char **argv, cpu_options *o, char *err, size_t err_cap);

extern const osib_backend osib_backend_cpu;

#endif
