/*
 * backend_cuda.h - osib-cuda: the acoustic operators on an NVIDIA GPU in
 * float32 (cuda_kernels.h), behind the driver's backend interface
 * (reference/driver/backend.h).
 *
 * The set-up is the simple reference's, in float64 on the host (padded
 * grid, model extension, damping, source and receiver supports:
 * reference/simple), rounded once to float32 and copied to the device;
 * from then on every time step runs on the device, with no host-device
 * copy in the time loop: the wavelets and data cross once each way. The
 * gradient keeps the forward history on the device, or Revolve
 * checkpoints of it where it does not fit the device or the case's memory
 * budget (cuda_gradient.h).
 *
 * Built twice from the same sources: osib-cuda (nvcc, the GPU) and
 * osib-cuda-host (the kernels run thread by thread on the CPU,
 * cuda_compat.h), which `make test` certifies. Acoustic only: create()
 * refuses a TTI set-up.
 */
#ifndef OSIB_BACKEND_CUDA_H
#define OSIB_BACKEND_CUDA_H

#include "backend.h"

extern const osib_backend osib_backend_cuda;

#endif
