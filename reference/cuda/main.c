/*
 * osib-cuda - OSIB's CUDA implementation of the acoustic operators, float32
 * (backend_cuda.h), with the command line of osib-ref. Built as osib-cuda
 * by `make cuda` (nvcc) and as osib-cuda-host by `make` (the same kernels
 * on the CPU, for tests).
 */
#include "backend_cuda.h"
#include "cli.h"

int main(int argc, char **argv) { return osib_driver_main(argc, argv, &osib_backend_cuda); }
