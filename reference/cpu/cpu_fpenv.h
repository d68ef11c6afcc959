/*
 * cpu_fpenv.h - subnormal values flushed to zero while osib-cpu's kernels
 * run, in the float32 build and in the float64 one (cpu_real.h).
 *
 * Why. A high-order stencil spreads a wave's leading edge a few points per
 * step with geometrically shrinking amplitude, and the absorbing layer
 * damps exponentially, so long runs fill large parts of the grid with
 * subnormal numbers (below 1.2e-38 in float32, 2.2e-308 in float64). x86
 * cores handle each one in microcode, tens of times slower than a normal
 * number: measured on the benchmark machine, the adjoint of a 256^3 case
 * with a receiver carpet took 2.4 times as long as the forward, for the
 * same stencil. Flushing them (MXCSR's FTZ and DAZ bits, which act on both
 * types) changes values by less than 1.2e-38 (2.3e-308 in float64), far
 * under either class's tolerance (spec/acoustic.md §13 allows it in both),
 * and is what Devito's generated code does too. The float64 build keeps
 * them on: its subnormals are far rarer (a wave front's precursor has to
 * shrink by some 300 orders of magnitude first), but nothing rules them
 * out in large cases and long runs, and flushing them changes nothing the
 * float64 tolerance could see.
 *
 * The bits are per thread, so every OpenMP region of the kernels sets them
 * on entry and restores them on exit, and so does the calling thread: the
 * same arithmetic on every thread keeps the results independent of the
 * thread count. On other architectures these are no-ops.
 */
#ifndef CPU_FPENV_H
#define CPU_FPENV_H

#if defined(__SSE__)
#include <xmmintrin.h>
typedef unsigned int cpu_fpenv;
enum { CPU_MXCSR_FTZ = 0x8000, CPU_MXCSR_DAZ = 0x0040 };
static inline cpu_fpenv cpu_fpenv_flush(void)
{
    const cpu_fpenv saved = _mm_getcsr();
    _mm_setcsr(saved | CPU_MXCSR_FTZ | CPU_MXCSR_DAZ);
    return saved;
}
static inline void cpu_fpenv_restore(cpu_fpenv saved) { _mm_setcsr(saved); }
#else
typedef int cpu_fpenv;
static inline cpu_fpenv cpu_fpenv_flush(void) { return 0; }
static inline void cpu_fpenv_restore(cpu_fpenv saved) { (void)saved; }
#endif

#endif
