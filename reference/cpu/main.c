/*
 * osib-cpu - OSIB's float32 CPU implementation of the acoustic operators
 * (OpenMP threads, SIMD along z). Same command line as osib-ref.
 */
#include "backend_cpu.h"
#include "cli.h"

int main(int argc, char **argv) { return osib_driver_main(argc, argv, &osib_backend_cpu); }
