/*
 * osib-cpu - OSIB's CPU implementation of the acoustic operators (OpenMP
 * threads, SIMD along z, temporal blocking), float32 by default and
 * float64 with --precision float64 (the same kernels built twice:
 * cpu_real.h). The command line of osib-ref, after osib-cpu's own options
 * (backend_cpu.h).
 */
#include <stdio.h>

#include "backend_cpu.h"
#include "cli.h"

int main(int argc, char **argv)
{
    cpu_options options;
    char err[160];
    if (cpu_options_parse(&argc, argv, &options, err, sizeof err) != 0) {
        fprintf(stderr, "osib-cpu: %s (see osib-cpu --help)\n", err);
        return 2;
    }
    osib_backend backend = options.float64 ? osib_backend_cpu64 : osib_backend_cpu;
    backend.options = &options;
    return osib_driver_main(argc, argv, &backend);
}
