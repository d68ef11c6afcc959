/*
 * cuda_kernels.cu - osib-cuda's kernels and device memory (cuda_kernels.h).
 * Compiled by nvcc for the GPU, and as C with OSIB_CUDA_HOST for the CPU
 * (cuda_compat.h): keep it in the common subset of C11 and CUDA C++.
 *
 * Thread mapping of the per-point kernels: threadIdx.x and blockIdx.x run
 * along z (the fastest axis: consecutive threads read consecutive floats,
 * coalesced), blockIdx.y along y, blockIdx.z along x. The Laplacian reads
 * its neighbours along x and y from global memory through the caches; the
 * step kernel is built once per half order p = 1..8 so that its loops
 * unroll. Injection and interpolation give one thread per point and corner
 * (atomics where sources share a corner) or per point.
 */
#include "cuda_compat.h"
#include "cuda_kernels.h"

#include <stdio.h>
#include <string.h>

#ifdef __CUDACC__
#include <cuda_runtime.h>
#else
#include <stdlib.h>
#include <unistd.h>
#endif

enum { BLOCK_Z = 128, BLOCK_SPARSE = 128 };

/* ---------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------- */

#ifdef __CUDACC__
static int failed(cudaError_t e, const char *what, char *why, size_t cap)
{
    if (e == cudaSuccess)
        return 0;
    snprintf(why, cap, "%s: %s (%s)", what, cudaGetErrorString(e), cudaGetErrorName(e));
    return -1;
}
#endif

int osib_cuda_device(char *name, size_t name_cap, size_t *free_bytes, size_t *total_bytes, char *why, size_t cap)
{
#ifdef __CUDACC__
    int dev = 0;
    cudaDeviceProp prop;
    if (failed(cudaGetDevice(&dev), "cudaGetDevice", why, cap) ||
        failed(cudaGetDeviceProperties(&prop, dev), "cudaGetDeviceProperties", why, cap) ||
        failed(cudaMemGetInfo(free_bytes, total_bytes), "cudaMemGetInfo", why, cap))
        return -1;
    snprintf(name, name_cap, "%s (sm_%d%d), %.1f GiB", prop.name, prop.major, prop.minor,
             (double)*total_bytes / 1073741824.0);
    return 0;
#else
    (void)why;
    (void)cap;
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    *total_bytes = pages > 0 && size > 0 ? (size_t)pages * (size_t)size : 0;
    *free_bytes = *total_bytes;
    snprintf(name, name_cap, "host emulation of the CUDA kernels (no GPU)");
    return 0;
#endif
}

int osib_cuda_alloc(void **dev, size_t bytes, char *why, size_t cap)
{
    *dev = NULL;
#ifdef __CUDACC__
    if (failed(cudaMalloc(dev, bytes ? bytes : 1), "cudaMalloc", why, cap))
        return -1;
    if (failed(cudaMemset(*dev, 0, bytes), "cudaMemset", why, cap)) {
        cudaFree(*dev);
        *dev = NULL;
        return -1;
    }
    return 0;
#else
    *dev = calloc(bytes ? bytes : 1, 1);
    if (!*dev)
        snprintf(why, cap, "out of memory for %zu bytes", bytes);
    return *dev ? 0 : -1;
#endif
}

void osib_cuda_free(void *dev)
{
#ifdef __CUDACC__
    if (dev)
        cudaFree(dev);
#else
    free(dev);
#endif
}

int osib_cuda_put(void *dev, const void *host, size_t bytes, char *why, size_t cap)
{
#ifdef __CUDACC__
    return failed(cudaMemcpy(dev, host, bytes, cudaMemcpyHostToDevice), "cudaMemcpy to the device", why, cap);
#else
    (void)why;
    (void)cap;
    memcpy(dev, host, bytes);
    return 0;
#endif
}

int osib_cuda_get(void *host, const void *dev, size_t bytes, char *why, size_t cap)
{
#ifdef __CUDACC__
    return failed(cudaMemcpy(host, dev, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy from the device", why, cap);
#else
    (void)why;
    (void)cap;
    memcpy(host, dev, bytes);
    return 0;
#endif
}

int osib_cuda_zero(void *dev, size_t bytes, char *why, size_t cap)
{
#ifdef __CUDACC__
    return failed(cudaMemset(dev, 0, bytes), "cudaMemset", why, cap);
#else
    (void)why;
    (void)cap;
    memset(dev, 0, bytes);
    return 0;
#endif
}

int osib_cuda_check(int sync, char *why, size_t cap)
{
#ifdef __CUDACC__
    if (failed(cudaGetLastError(), "a kernel launch", why, cap))
        return -1;
    return sync ? failed(cudaDeviceSynchronize(), "a kernel", why, cap) : 0;
#else
    (void)sync;
    (void)why;
    (void)cap;
    return 0;
#endif
}

/* ---------------------------------------------------------------------------
 * Per-point kernels
 * ------------------------------------------------------------------------- */

static osib_dim3 point_grid(const osib_cuda_grid *g)
{
    return osib_dim3_make((unsigned)((g->N[2] + BLOCK_Z - 1) / BLOCK_Z), (unsigned)g->N[1], (unsigned)g->N[0]);
}

/* The stored offset of this thread's padded point, or -1 past the grid. */
OSIB_DEVICE long long point_of(const osib_cuda_grid g, unsigned bx, unsigned by, unsigned bz, unsigned tx, unsigned bdx)
{
    unsigned long long iz = (unsigned long long)bx * bdx + tx;
    if (iz >= g.N[2])
        return -1;
    return (long long)(g.base + (unsigned long long)bz * g.stride[0] + (unsigned long long)by * g.stride[1] +
                       iz * g.stride[2]);
}

/* dt^2 L u + m (2u - prev) + etadt u + b, over m + etadt, at x: P the half
 * order, a compile-time constant in each instance. */
#define OSIB_STEP_KERNEL(P)                                                                                            \
    OSIB_KERNEL(step_kernel_##P, const osib_cuda_grid g, const float *m, const float *etadt, const float *cur,         \
                const float *prev, const float *b, float *next)                                                        \
    {                                                                                                                  \
        long long at = point_of(g, blockIdx.x, blockIdx.y, blockIdx.z, threadIdx.x, blockDim.x);                       \
        if (at < 0)                                                                                                    \
            return;                                                                                                    \
        unsigned long long x = (unsigned long long)at;                                                                 \
        float lap = 0.0f;                                                                                              \
        for (int a = 0; a < 3; a++) {                                                                                  \
            if (g.w[a][0] == 0.0f)                                                                                     \
                continue; /* 2D's y axis */                                                                            \
            unsigned long long s = g.stride[a];                                                                        \
            float d2 = g.w[a][0] * cur[x];                                                                             \
            for (int k = 1; k <= (P); k++)                                                                             \
                d2 += g.w[a][k] * (cur[x + (unsigned long long)k * s] + cur[x - (unsigned long long)k * s]);           \
            lap += d2;                                                                                                 \
        }                                                                                                              \
        float rhs = g.dt2 * lap + m[x] * (2.0f * cur[x] - prev[x]) + etadt[x] * cur[x];                                \
        if (b)                                                                                                         \
            rhs += b[x];                                                                                               \
        next[x] = rhs / (m[x] + etadt[x]);                                                                             \
    }

OSIB_STEP_KERNEL(1)
OSIB_STEP_KERNEL(2)
OSIB_STEP_KERNEL(3)
OSIB_STEP_KERNEL(4)
OSIB_STEP_KERNEL(5)
OSIB_STEP_KERNEL(6)
OSIB_STEP_KERNEL(7)
OSIB_STEP_KERNEL(8)

/* The same step, each thread marching along x (the slowest axis) over
 * OSIB_CUDA_STREAM_CHUNK points of one (y, z) column, holding the 2P + 1
 * values of cur along x in a register queue: each value of cur is read from
 * memory once per thread for the x derivative instead of 2P + 1 times,
 * through caches that cannot hold planes 2P apart on large grids. The y
 * and z neighbours come from memory as in the point kernel (z coalesced).
 * The sums run in the point kernel's order. */
#define OSIB_STREAM_KERNEL(P)                                                                                          \
    OSIB_KERNEL(stream_kernel_##P, const osib_cuda_grid g, const float *m, const float *etadt, const float *cur,       \
                const float *prev, const float *b, float *next)                                                        \
    {                                                                                                                  \
        unsigned long long iz = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;                             \
        if (iz >= g.N[2])                                                                                              \
            return;                                                                                                    \
        unsigned long long x0 = (unsigned long long)blockIdx.z * OSIB_CUDA_STREAM_CHUNK;                               \
        unsigned long long x1 = x0 + OSIB_CUDA_STREAM_CHUNK < g.N[0] ? x0 + OSIB_CUDA_STREAM_CHUNK : g.N[0];           \
        const unsigned long long sx = g.stride[0];                                                                     \
        const unsigned long long column = g.base + (unsigned long long)blockIdx.y * g.stride[1] + iz * g.stride[2];    \
        float q[2 * (P) + 1];                                                                                          \
        /* cur at x0 - P .. x0 + P - 1: the halo holds the zeros before x = 0 */                                       \
        OSIB_UNROLL for (int k = 0; k < 2 * (P); k++) q[k] = cur[column + (x0 + (unsigned long long)k) * sx - (P)*sx]; \
        for (unsigned long long ix = x0; ix < x1; ix++) {                                                              \
            const unsigned long long x = column + ix * sx;                                                             \
            q[2 * (P)] = cur[x + (P)*sx];                                                                              \
            float lap = 0.0f;                                                                                          \
            float d2 = g.w[0][0] * q[P];                                                                               \
            OSIB_UNROLL for (int k = 1; k <= (P); k++) d2 += g.w[0][k] * (q[(P) + k] + q[(P)-k]);                      \
            lap += d2;                                                                                                 \
            for (int a = 1; a < 3; a++) {                                                                              \
                if (g.w[a][0] == 0.0f)                                                                                 \
                    continue; /* 2D's y axis */                                                                        \
                unsigned long long s = g.stride[a];                                                                    \
                d2 = g.w[a][0] * q[P];                                                                                 \
                OSIB_UNROLL for (int k = 1; k <= (P); k++) d2 +=                                                       \
                    g.w[a][k] * (cur[x + (unsigned long long)k * s] + cur[x - (unsigned long long)k * s]);             \
                lap += d2;                                                                                             \
            }                                                                                                          \
            float rhs = g.dt2 * lap + m[x] * (2.0f * q[P] - prev[x]) + etadt[x] * q[P];                                \
            if (b)                                                                                                     \
                rhs += b[x];                                                                                           \
            next[x] = rhs / (m[x] + etadt[x]);                                                                         \
            OSIB_UNROLL for (int k = 0; k < 2 * (P); k++) q[k] = q[k + 1];                                             \
        }                                                                                                              \
    }

OSIB_STREAM_KERNEL(1)
OSIB_STREAM_KERNEL(2)
OSIB_STREAM_KERNEL(3)
OSIB_STREAM_KERNEL(4)
OSIB_STREAM_KERNEL(5)
OSIB_STREAM_KERNEL(6)
OSIB_STREAM_KERNEL(7)
OSIB_STREAM_KERNEL(8)

static void stream_step(const osib_cuda_grid *g, const float *dev_m, const float *dev_etadt, const float *dev_cur,
                        const float *dev_prev, const float *dev_b, float *dev_next)
{
    const osib_dim3 grid = osib_dim3_make((unsigned)((g->N[2] + BLOCK_Z - 1) / BLOCK_Z), (unsigned)g->N[1],
                                          (unsigned)((g->N[0] + OSIB_CUDA_STREAM_CHUNK - 1) / OSIB_CUDA_STREAM_CHUNK));
    const osib_dim3 block = osib_dim3_make(BLOCK_Z, 1, 1);
    switch (g->p) {
    case 1: OSIB_LAUNCH(stream_kernel_1, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    case 2: OSIB_LAUNCH(stream_kernel_2, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    case 3: OSIB_LAUNCH(stream_kernel_3, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    case 4: OSIB_LAUNCH(stream_kernel_4, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    case 5: OSIB_LAUNCH(stream_kernel_5, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    case 6: OSIB_LAUNCH(stream_kernel_6, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    case 7: OSIB_LAUNCH(stream_kernel_7, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    default: OSIB_LAUNCH(stream_kernel_8, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    }
}

void osib_cuda_step(const osib_cuda_grid *g, const float *dev_m, const float *dev_etadt, const float *dev_cur,
                    const float *dev_prev, const float *dev_b, float *dev_next)
{
    if (g->stream) {
        stream_step(g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next);
        return;
    }
    const osib_dim3 grid = point_grid(g), block = osib_dim3_make(BLOCK_Z, 1, 1);
    switch (g->p) {
    case 1: OSIB_LAUNCH(step_kernel_1, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    case 2: OSIB_LAUNCH(step_kernel_2, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    case 3: OSIB_LAUNCH(step_kernel_3, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    case 4: OSIB_LAUNCH(step_kernel_4, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    case 5: OSIB_LAUNCH(step_kernel_5, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    case 6: OSIB_LAUNCH(step_kernel_6, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    case 7: OSIB_LAUNCH(step_kernel_7, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    default: OSIB_LAUNCH(step_kernel_8, grid, block, *g, dev_m, dev_etadt, dev_cur, dev_prev, dev_b, dev_next); break;
    }
}

OSIB_KERNEL(born_source_kernel, const osib_cuda_grid g, const float *dm, const float *next, const float *cur,
            const float *prev, float *b)
{
    long long at = point_of(g, blockIdx.x, blockIdx.y, blockIdx.z, threadIdx.x, blockDim.x);
    if (at >= 0)
        b[at] = -dm[at] * (next[at] - 2.0f * cur[at] + prev[at]);
}

void osib_cuda_born_source(const osib_cuda_grid *g, const float *dev_dm, const float *dev_next, const float *dev_cur,
                           const float *dev_prev, float *dev_b)
{
    OSIB_LAUNCH(born_source_kernel, point_grid(g), osib_dim3_make(BLOCK_Z, 1, 1), *g, dev_dm, dev_next, dev_cur,
                dev_prev, dev_b);
}

OSIB_KERNEL(image_kernel, const osib_cuda_grid g, const float *u, const float *vnext, const float *vcur,
            const float *vprev, float *image)
{
    long long at = point_of(g, blockIdx.x, blockIdx.y, blockIdx.z, threadIdx.x, blockDim.x);
    if (at >= 0)
        image[at] -= u[at] * (vnext[at] - 2.0f * vcur[at] + vprev[at]) / g.dt2;
}

void osib_cuda_image(const osib_cuda_grid *g, const float *dev_u, const float *dev_vnext, const float *dev_vcur,
                     const float *dev_vprev, float *dev_image)
{
    OSIB_LAUNCH(image_kernel, point_grid(g), osib_dim3_make(BLOCK_Z, 1, 1), *g, dev_u, dev_vnext, dev_vcur, dev_vprev,
                dev_image);
}

/* ---------------------------------------------------------------------------
 * Sources and receivers
 * ------------------------------------------------------------------------- */

OSIB_KERNEL(inject_kernel, const osib_cuda_sparse s, const float *values, const float *scale, float *field)
{
    unsigned long long k = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (k >= s.npoint * (unsigned long long)s.ncorner)
        return;
    float w = s.dev_weight[k];
    if (w == 0.0f)
        return;
    unsigned long long x = s.dev_offset[k];
    osib_atomic_add(&field[x], w * scale[x] * values[k / (unsigned long long)s.ncorner]);
}

void osib_cuda_inject(const osib_cuda_sparse *s, const float *dev_values, const float *dev_scale, float *dev_field)
{
    unsigned long long n = s->npoint * (unsigned long long)s->ncorner;
    if (n == 0)
        return;
    OSIB_LAUNCH(inject_kernel, osib_dim3_make((unsigned)((n + BLOCK_SPARSE - 1) / BLOCK_SPARSE), 1, 1),
                osib_dim3_make(BLOCK_SPARSE, 1, 1), *s, dev_values, dev_scale, dev_field);
}

OSIB_KERNEL(interpolate_kernel, const osib_cuda_sparse s, const float *field, float *out)
{
    unsigned long long p = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (p >= s.npoint)
        return;
    float sum = 0.0f;
    for (int c = 0; c < s.ncorner; c++) {
        unsigned long long k = p * (unsigned long long)s.ncorner + (unsigned long long)c;
        if (s.dev_weight[k] != 0.0f)
            sum += s.dev_weight[k] * field[s.dev_offset[k]];
    }
    out[p] = sum;
}

void osib_cuda_interpolate(const osib_cuda_sparse *s, const float *dev_field, float *dev_out)
{
    if (s->npoint == 0)
        return;
    OSIB_LAUNCH(interpolate_kernel, osib_dim3_make((unsigned)((s->npoint + BLOCK_SPARSE - 1) / BLOCK_SPARSE), 1, 1),
                osib_dim3_make(BLOCK_SPARSE, 1, 1), *s, dev_field, dev_out);
}
