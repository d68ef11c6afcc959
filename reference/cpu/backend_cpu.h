/* backend_cpu.h - the float32 CPU implementation as a driver backend. */
#ifndef CPU_BACKEND_CPU_H
#define CPU_BACKEND_CPU_H

#include "backend.h"

extern const osib_backend osib_backend_cpu;

#endif
