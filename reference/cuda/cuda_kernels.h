/*
 * cuda_kernels.h - the device side of osib-cuda: memory and the kernels of
 * the acoustic recursion (spec/acoustic.md §4-§9), callable from C.
 *
 * cuda_kernels.cu is built twice (cuda_compat.h): by nvcc into osib-cuda,
 * and as C into osib-cuda-host, which runs the very same kernels thread by
 * thread on the CPU so that `make test` certifies them without a GPU.
 * Pointers named dev_ are device memory (host memory in the host build);
 * they are only ever passed back to these functions.
 *
 * Every function that can fail returns 0, or -1 with a one-line reason in
 * why[cap] (the CUDA error's name and text).
 */
#ifndef OSIB_CUDA_KERNELS_H
#define OSIB_CUDA_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { OSIB_CUDA_MAX_HALF = 8 }; /* space order 16 */

/* The padded grid as stored: the reference's layout (reference/simple/
 * grid.h), x slowest, z fastest, a halo of zeros around active axes. */
typedef struct {
    int p;                              /* space order / 2 */
    unsigned long long N[3];            /* padded points per axis x, y, z (y: 1 in 2D) */
    unsigned long long stride[3];       /* element strides */
    unsigned long long base;            /* offset of padded point (0, 0, 0) */
    float w[3][OSIB_CUDA_MAX_HALF + 1]; /* w_k / h_a^2 per axis, all 0 on 2D's y axis */
    float dt2;                          /* dt^2, ms^2 */
    int stream;                         /* the step kernel: 0 one thread per point, 1 each thread marching along x */
} osib_cuda_grid;

/* Points along x that one thread of the streaming step kernel marches over. */
enum { OSIB_CUDA_STREAM_CHUNK = 64 };

/* Sources or receivers: each point's support (2^ndim corners), as offsets
 * into a stored field and trilinear weights; device arrays. */
typedef struct {
    unsigned long long npoint;
    int ncorner;
    const unsigned long long *dev_offset; /* npoint x ncorner */
    const float *dev_weight;              /* npoint x ncorner, 0 where the corner is unused */
} osib_cuda_sparse;

/* "NVIDIA H200 (sm_90), 139.8 GiB" or "host emulation (no GPU)"; free
 * and total device memory in bytes. */
int osib_cuda_device(char *name, size_t name_cap, size_t *free_bytes, size_t *total_bytes, char *why, size_t cap);

int osib_cuda_alloc(void **dev, size_t bytes, char *why, size_t cap); /* zeroed */
void osib_cuda_free(void *dev);
int osib_cuda_put(void *dev, const void *host, size_t bytes, char *why, size_t cap);
int osib_cuda_get(void *host, const void *dev, size_t bytes, char *why, size_t cap);
int osib_cuda_zero(void *dev, size_t bytes, char *why, size_t cap);
/* Whether the launches so far went well; wait for them with sync. */
int osib_cuda_check(int sync, char *why, size_t cap);

/* One step on every padded point:
 *   next = (dt^2 L cur + m (2 cur - prev) + etadt cur + b) / (m + etadt)
 * with etadt = dt eta, b a stored field or NULL. g->stream chooses the
 * kernel; both do the same operations in the same order (the same bits in
 * the host build). */
void osib_cuda_step(const osib_cuda_grid *g, const float *dev_m, const float *dev_etadt, const float *dev_cur,
                    const float *dev_prev, const float *dev_b, float *dev_next);
/* b = -dm (next - 2 cur + prev): the Born source. */
void osib_cuda_born_source(const osib_cuda_grid *g, const float *dev_dm, const float *dev_next, const float *dev_cur,
                           const float *dev_prev, float *dev_b);
/* image -= u (v_next - 2 v_cur + v_prev) / dt^2: the imaging condition. */
void osib_cuda_image(const osib_cuda_grid *g, const float *dev_u, const float *dev_vnext, const float *dev_vcur,
                     const float *dev_vprev, float *dev_image);
/* field[support] += weight scale[support] values[point]. */
void osib_cuda_inject(const osib_cuda_sparse *s, const float *dev_values, const float *dev_scale, float *dev_field);
/* out[point] = sum of weight field[support]. */
void osib_cuda_interpolate(const osib_cuda_sparse *s, const float *dev_field, float *dev_out);

#ifdef __cplusplus
}
#endif

#endif
