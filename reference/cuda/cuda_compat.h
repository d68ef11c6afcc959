/*
 * cuda_compat.h - the part of CUDA the kernels use, so that one source
 * (cuda_kernels.cu) compiles twice: by nvcc for the GPU, and by the C
 * compiler for the CPU (OSIB_CUDA_HOST), where `make test` runs and
 * certifies it on machines without a GPU.
 *
 *   OSIB_KERNEL(name, params...)   a kernel. On the host it is a plain
 *                                  function that also receives blockIdx,
 *                                  threadIdx and blockDim as arguments of
 *                                  those names, so its body reads the same.
 *   OSIB_LAUNCH(name, grid, block, args...)
 *                                  a launch. On the host every block and
 *                                  every thread of it run one after the
 *                                  other, in index order.
 *   osib_atomic_add(p, v)          atomicAdd on the GPU, += on the host.
 *   OSIB_UNROLL                    #pragma unroll on the GPU, nothing on
 *                                  the host.
 *   osib_ldg(p)                    *p through the read-only data path
 *                                  (__ldg) on the GPU: for arrays no
 *                                  thread writes during the launch.
 *
 * The kernels use no shared memory and no barriers, so running the
 * threads one after the other is a faithful schedule: each thread's
 * result depends only on what the previous launch wrote. Their
 * floating-point sums may run in another order on the GPU (atomics), which
 * the float32 class's tolerances absorb; the per-point and per-thread
 * logic is the same code.
 */
#ifndef OSIB_CUDA_COMPAT_H
#define OSIB_CUDA_COMPAT_H

#ifdef __CUDACC__

#define OSIB_KERNEL(name, ...) __global__ void name(__VA_ARGS__)
#define OSIB_DEVICE __device__ static inline
#define OSIB_LAUNCH(name, grid, block, ...) name<<<(grid), (block)>>>(__VA_ARGS__)
#define osib_atomic_add(p, v) atomicAdd((p), (v))
#define OSIB_UNROLL _Pragma("unroll")
#define osib_ldg(p) __ldg(p)
typedef dim3 osib_dim3;
static inline osib_dim3 osib_dim3_make(unsigned x, unsigned y, unsigned z) { return dim3(x, y, z); }

#else /* OSIB_CUDA_HOST: the same kernels as C on the CPU */

typedef struct {
    unsigned x, y, z;
} osib_dim3;
static inline osib_dim3 osib_dim3_make(unsigned x, unsigned y, unsigned z)
{
    osib_dim3 d = {x, y, z};
    return d;
}
#define OSIB_KERNEL(name, ...)                                                                                         \
    static void name(osib_dim3 blockIdx, osib_dim3 threadIdx, osib_dim3 blockDim, __VA_ARGS__)
#define OSIB_DEVICE static inline
#define OSIB_LAUNCH(name, grid, block, ...)                                                                            \
    do {                                                                                                               \
        const osib_dim3 g_ = (grid), b_ = (block);                                                                     \
        for (unsigned bz_ = 0; bz_ < g_.z; bz_++)                                                                      \
            for (unsigned by_ = 0; by_ < g_.y; by_++)                                                                  \
                for (unsigned bx_ = 0; bx_ < g_.x; bx_++)                                                              \
                    for (unsigned tz_ = 0; tz_ < b_.z; tz_++)                                                          \
                        for (unsigned ty_ = 0; ty_ < b_.y; ty_++)                                                      \
                            for (unsigned tx_ = 0; tx_ < b_.x; tx_++)                                                  \
                                name(osib_dim3_make(bx_, by_, bz_), osib_dim3_make(tx_, ty_, tz_), b_, __VA_ARGS__);   \
    } while (0)
#define osib_atomic_add(p, v) (*(p) += (v))
#define OSIB_UNROLL
#define osib_ldg(p) (*(p))

#endif

#endif
