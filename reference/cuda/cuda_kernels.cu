/*
 * cuda_kernels.cu - osib-cuda's kernels and device memory (cuda_kernels.h).
 * Compiled by nvcc for the GPU, and as C with OSIB_CUDA_HOST for the CPU
 * (cuda_compat.h): keep it in the common subset of C11 and CUDA C++.
 *
 * Thread mapping of the step kernels: threadIdx.x and blockIdx.x run along
 * z (the fastest axis: consecutive threads read consecutive floats,
 * coalesced), blockIdx.y along y, blockIdx.z along x (one point, or a chunk
 * of points for the streaming kernel). The Laplacian reads its neighbours
 * along y and z, and along x in the point kernel, from global memory
 * through the caches; each kernel is built once per half order p = 1..8 so
 * that its loops unroll. Injection and interpolation give one thread per
 * point and corner (atomics where sources share a corner) or per point.
 */
#include "cuda_compat.h"
#include "cuda_kernels.h"

#include <stdio.h>
#include <string.h>

#ifdef __CUDACC__
#include <cuda_runtime.h>
#else
#include <stdlib.h>
#include <time.h>
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

int osib_cuda_copy(void *dev_to, const void *dev_from, size_t bytes, char *why, size_t cap)
{
#ifdef __CUDACC__
    return failed(cudaMemcpy(dev_to, dev_from, bytes, cudaMemcpyDeviceToDevice), "cudaMemcpy on the device", why, cap);
#else
    (void)why;
    (void)cap;
    memcpy(dev_to, dev_from, bytes);
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
 * Timing
 * ------------------------------------------------------------------------- */

int osib_cuda_timer_start(osib_cuda_timer *t, char *why, size_t cap)
{
    memset(t, 0, sizeof *t);
#ifdef __CUDACC__
    cudaEvent_t start, stop;
    if (failed(cudaEventCreate(&start), "cudaEventCreate", why, cap))
        return -1;
    if (failed(cudaEventCreate(&stop), "cudaEventCreate", why, cap)) {
        cudaEventDestroy(start);
        return -1;
    }
    t->start = start;
    t->stop = stop;
    return failed(cudaEventRecord(start, 0), "cudaEventRecord", why, cap);
#else
    (void)why;
    (void)cap;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    t->host_t0_s = (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
    return 0;
#endif
}

int osib_cuda_timer_stop(osib_cuda_timer *t, double *seconds, char *why, size_t cap)
{
#ifdef __CUDACC__
    cudaEvent_t start = (cudaEvent_t)t->start, stop = (cudaEvent_t)t->stop;
    float ms = 0.0f;
    int rc = 0;
    if (!start || !stop) {
        snprintf(why, cap, "a CUDA timer stopped before it started");
        rc = -1;
    }
    if (rc == 0)
        rc = failed(cudaEventRecord(stop, 0), "cudaEventRecord", why, cap);
    if (rc == 0)
        rc = failed(cudaEventSynchronize(stop), "cudaEventSynchronize", why, cap);
    if (rc == 0)
        rc = failed(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime", why, cap);
    if (start)
        cudaEventDestroy(start);
    if (stop)
        cudaEventDestroy(stop);
    memset(t, 0, sizeof *t);
    if (rc == 0)
        *seconds = 1e-3 * (double)ms;
    return rc;
#else
    (void)why;
    (void)cap;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    *seconds = (double)now.tv_sec + 1e-9 * (double)now.tv_nsec - t->host_t0_s;
    return 0;
#endif
}

void osib_cuda_timer_drop(osib_cuda_timer *t)
{
#ifdef __CUDACC__
    if (t->start)
        cudaEventDestroy((cudaEvent_t)t->start);
    if (t->stop)
        cudaEventDestroy((cudaEvent_t)t->stop);
#endif
    memset(t, 0, sizeof *t);
}

/* ---------------------------------------------------------------------------
 * The step kernels
 * ------------------------------------------------------------------------- */

/* The update at stored offset x, padded point (ix, iy, iz), once the
 * Laplacian lap and the field's value u there are known, with the fused
 * Born source or imaging condition (cuda_kernels.h). Shared by both step
 * kernels, so that they give the same bits. */
OSIB_DEVICE void update(const osib_cuda_grid g, const osib_cuda_step_args a, unsigned long long x,
                        unsigned long long ix, unsigned long long iy, unsigned long long iz, float lap, float u)
{
    const float *e = g.dev_etadt;
    const float etadt = osib_ldg(e + ix) + osib_ldg(e + g.N[0] + iy) + osib_ldg(e + g.N[0] + g.N[1] + iz);
    const float m = osib_ldg(a.m + x), before = osib_ldg(a.prev + x);
    float rhs = g.dt2 * lap + m * (2.0f * u - before) + etadt * u;
    if (a.born_dm)
        rhs +=
            -osib_ldg(a.born_dm + x) * (osib_ldg(a.u_next + x) - 2.0f * osib_ldg(a.u_cur + x) + osib_ldg(a.u_prev + x));
    const float after = rhs / (m + etadt);
    a.next[x] = after;
    if (a.image)
        a.image[x] -= osib_ldg(a.u + x) * (before - 2.0f * u + after) / g.dt2;
}

/* One thread per padded point (cuda_kernels.h), every neighbour from
 * memory through the caches: P the half order, a compile-time constant in
 * each instance so that the stencil loops unroll. */
#define OSIB_STEP_KERNEL(P)                                                                                            \
    OSIB_KERNEL(step_kernel_##P, const osib_cuda_grid g, const osib_cuda_step_args a)                                  \
    {                                                                                                                  \
        const unsigned long long iz = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;                       \
        if (iz >= g.N[2])                                                                                              \
            return;                                                                                                    \
        const unsigned long long ix = blockIdx.z, iy = blockIdx.y;                                                     \
        const unsigned long long x = g.base + ix * g.stride[0] + iy * g.stride[1] + iz * g.stride[2];                  \
        const float u = osib_ldg(a.cur + x);                                                                           \
        float lap = 0.0f;                                                                                              \
        for (int ax = 0; ax < 3; ax++) {                                                                               \
            if (g.w[ax][0] == 0.0f)                                                                                    \
                continue; /* 2D's y axis */                                                                            \
            const unsigned long long s = g.stride[ax];                                                                 \
            float d2 = g.w[ax][0] * u;                                                                                 \
            OSIB_UNROLL for (int k = 1; k <= (P); k++) d2 +=                                                           \
                g.w[ax][k] *                                                                                           \
                (osib_ldg(a.cur + x + (unsigned long long)k * s) + osib_ldg(a.cur + x - (unsigned long long)k * s));   \
            lap += d2;                                                                                                 \
        }                                                                                                              \
        update(g, a, x, ix, iy, iz, lap, u);                                                                           \
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
 * values of cur along x in a register queue (indexed only by constants, so
 * that it stays in registers): each value of cur is read from memory once
 * per thread for the x derivative instead of 2P + 1 times, through caches
 * that cannot hold planes 2P apart on large grids. The y and z neighbours
 * come from memory as in the point kernel (z coalesced). The sums run in
 * the point kernel's order. */
#define OSIB_STREAM_KERNEL(P)                                                                                          \
    OSIB_KERNEL(stream_kernel_##P, const osib_cuda_grid g, const osib_cuda_step_args a)                                \
    {                                                                                                                  \
        const unsigned long long iz = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x, iy = blockIdx.y;      \
        if (iz >= g.N[2])                                                                                              \
            return;                                                                                                    \
        const unsigned long long x0 = (unsigned long long)blockIdx.z * OSIB_CUDA_STREAM_CHUNK;                         \
        const unsigned long long x1 = x0 + OSIB_CUDA_STREAM_CHUNK < g.N[0] ? x0 + OSIB_CUDA_STREAM_CHUNK : g.N[0];     \
        const unsigned long long sx = g.stride[0];                                                                     \
        const unsigned long long column = g.base + iy * g.stride[1] + iz * g.stride[2];                                \
        float q[2 * (P) + 1];                                                                                          \
        /* cur at x0 - P .. x0 + P - 1: the halo holds the zeros before x = 0 */                                       \
        OSIB_UNROLL for (int k = 0; k < 2 * (P); k++) q[k] =                                                           \
            osib_ldg(a.cur + column + (x0 + (unsigned long long)k) * sx - (P)*sx);                                     \
        for (unsigned long long ix = x0; ix < x1; ix++) {                                                              \
            const unsigned long long x = column + ix * sx;                                                             \
            q[2 * (P)] = osib_ldg(a.cur + x + (P)*sx);                                                                 \
            float lap = 0.0f;                                                                                          \
            float d2 = g.w[0][0] * q[P];                                                                               \
            OSIB_UNROLL for (int k = 1; k <= (P); k++) d2 += g.w[0][k] * (q[(P) + k] + q[(P)-k]);                      \
            lap += d2;                                                                                                 \
            for (int ax = 1; ax < 3; ax++) {                                                                           \
                if (g.w[ax][0] == 0.0f)                                                                                \
                    continue; /* 2D's y axis */                                                                        \
                const unsigned long long s = g.stride[ax];                                                             \
                d2 = g.w[ax][0] * q[P];                                                                                \
                OSIB_UNROLL for (int k = 1; k <= (P); k++) d2 +=                                                       \
                    g.w[ax][k] * (osib_ldg(a.cur + x + (unsigned long long)k * s) +                                    \
                                  osib_ldg(a.cur + x - (unsigned long long)k * s));                                    \
                lap += d2;                                                                                             \
            }                                                                                                          \
            update(g, a, x, ix, iy, iz, lap, q[P]);                                                                    \
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

#define OSIB_STEP_CASES(KERNEL, grid, block, g, a)                                                                     \
    switch ((g).p) {                                                                                                   \
    case 1: OSIB_LAUNCH(KERNEL##_1, grid, block, g, a); break;                                                         \
    case 2: OSIB_LAUNCH(KERNEL##_2, grid, block, g, a); break;                                                         \
    case 3: OSIB_LAUNCH(KERNEL##_3, grid, block, g, a); break;                                                         \
    case 4: OSIB_LAUNCH(KERNEL##_4, grid, block, g, a); break;                                                         \
    case 5: OSIB_LAUNCH(KERNEL##_5, grid, block, g, a); break;                                                         \
    case 6: OSIB_LAUNCH(KERNEL##_6, grid, block, g, a); break;                                                         \
    case 7: OSIB_LAUNCH(KERNEL##_7, grid, block, g, a); break;                                                         \
    default: OSIB_LAUNCH(KERNEL##_8, grid, block, g, a); break;                                                        \
    }

void osib_cuda_step(const osib_cuda_grid *g, const osib_cuda_step_args *a)
{
    const unsigned blocks_z = (unsigned)((g->N[2] + BLOCK_Z - 1) / BLOCK_Z);
    const osib_dim3 block = osib_dim3_make(BLOCK_Z, 1, 1);
    if (g->stream) {
        const osib_dim3 grid = osib_dim3_make(
            blocks_z, (unsigned)g->N[1], (unsigned)((g->N[0] + OSIB_CUDA_STREAM_CHUNK - 1) / OSIB_CUDA_STREAM_CHUNK));
        OSIB_STEP_CASES(stream_kernel, grid, block, *g, *a)
    } else {
        const osib_dim3 grid = osib_dim3_make(blocks_z, (unsigned)g->N[1], (unsigned)g->N[0]);
        OSIB_STEP_CASES(step_kernel, grid, block, *g, *a)
    }
}

/* ---------------------------------------------------------------------------
 * Sources and receivers
 * ------------------------------------------------------------------------- */

OSIB_KERNEL(inject_kernel, const osib_cuda_sparse s, const float *values, const float *scale, float *field,
            const float *u, float *image, float dt2)
{
    unsigned long long k = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (k >= s.npoint * (unsigned long long)s.ncorner)
        return;
    float w = s.dev_weight[k];
    if (w == 0.0f)
        return;
    unsigned long long x = s.dev_offset[k];
    const float add = w * scale[x] * values[k / (unsigned long long)s.ncorner];
    osib_atomic_add(&field[x], add);
    if (image)
        osib_atomic_add(&image[x], -(u[x] * add / dt2));
}

void osib_cuda_inject(const osib_cuda_grid *g, const osib_cuda_sparse *s, const float *dev_values,
                      const float *dev_scale, float *dev_field, const float *dev_u, float *dev_image)
{
    unsigned long long n = s->npoint * (unsigned long long)s->ncorner;
    if (n == 0)
        return;
    OSIB_LAUNCH(inject_kernel, osib_dim3_make((unsigned)((n + BLOCK_SPARSE - 1) / BLOCK_SPARSE), 1, 1),
                osib_dim3_make(BLOCK_SPARSE, 1, 1), *s, dev_values, dev_scale, dev_field, dev_u, dev_image, g->dt2);
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
