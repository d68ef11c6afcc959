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
    /* dt eta_a along each axis, a device array of N[0] + N[1] + N[2]
     * values (x's, then y's, then z's): the damping is a sum of one-axis
     * terms (spec/acoustic.md §3), so the kernels add three cached values
     * instead of reading a stored field, and a step moves the four values
     * per point the spec's roofline counts. */
    const float *dev_etadt;
    int stream; /* the step kernel: 0 one thread per point, 1 each thread marching along x */
} osib_cuda_grid;

/* The largest padded x and y axes a launch can cover (CUDA's limit on a
 * grid's y and z dimensions). */
enum { OSIB_CUDA_MAX_BLOCKS_YZ = 65535 };

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
int osib_cuda_copy(void *dev_to, const void *dev_from, size_t bytes, char *why, size_t cap); /* on the device */
/* Whether the launches so far went well; wait for them with sync. */
int osib_cuda_check(int sync, char *why, size_t cap);

/* One step on every padded point of a field u (cur and prev its levels
 * n and n -+ 1, next the level it writes):
 *   next = (dt^2 L cur + m (2 cur - prev) + dt eta cur + b) / (m + dt eta)
 * with, in the same pass (so that no intermediate field crosses memory):
 *   born_dm set:  b = -dm (u_next - 2 u_cur + u_prev), the Born source of
 *                 the background levels given (else b = 0);
 *   image set:    image -= u (prev - 2 cur + next) / dt^2, the imaging
 *                 condition of an adjoint step (next is v^{n-1}).
 * g->stream chooses the kernel; both do the same operations in the same
 * order (the same bits in the host build). */
typedef struct {
    const float *m, *cur, *prev;
    float *next;
    const float *born_dm, *u_next, *u_cur, *u_prev; /* born_dm NULL: no Born source */
    const float *u;                                 /* the forward level of the image, */
    float *image;                                   /* or NULL: no imaging */
} osib_cuda_step_args;

void osib_cuda_step(const osib_cuda_grid *g, const osib_cuda_step_args *a);

/* field[support] += weight scale[support] values[point]; with image set,
 * also image[support] -= u[support] (that addition) / dt^2: an adjoint
 * step's imaging condition (osib_cuda_step) saw field before injection. */
void osib_cuda_inject(const osib_cuda_grid *g, const osib_cuda_sparse *s, const float *dev_values,
                      const float *dev_scale, float *dev_field, const float *dev_u, float *dev_image);
/* out[point] = sum of weight field[support]. */
void osib_cuda_interpolate(const osib_cuda_sparse *s, const float *dev_field, float *dev_out);

/* Device time between start and stop: CUDA events on the GPU (stop waits
 * for the work launched before it), the monotonic clock in the host build. */
typedef struct {
    void *start, *stop; /* cudaEvent_t */
    double host_t0_s;
} osib_cuda_timer;

/* A timer starts zeroed ({0}: nothing to release). */
int osib_cuda_timer_start(osib_cuda_timer *t, char *why, size_t cap);
/* Always releases the timer's events; seconds set on success. */
int osib_cuda_timer_stop(osib_cuda_timer *t, double *seconds, char *why, size_t cap);
/* Releases the timer's events, if any, without waiting: after a failure. */
void osib_cuda_timer_drop(osib_cuda_timer *t);

#ifdef __cplusplus
}
#endif

#endif
