/*
 * osib-cuda-bandwidth - the device's memory bandwidth, for the roofline of
 * osib-cuda's certification (RULES.md §7: a STREAM-like device figure,
 * given with osib certify --bandwidth). A device-to-device copy of a
 * buffer far larger than the L2 cache, timed with events, best of ten,
 * counting the bytes read and the bytes written. Prints one line:
 *
 *   bandwidth_gbs 4123.4 device "NVIDIA H200" bytes 4294967296
 *
 * Every CUDA call is checked; exit 0, or 8 with the CUDA error in one line.
 */
#include <cuda_runtime.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(call)                                                                                                    \
    do {                                                                                                               \
        cudaError_t e_ = (call);                                                                                       \
        if (e_ != cudaSuccess) {                                                                                       \
            fprintf(stderr, "osib-cuda-bandwidth: %s: %s (%s)\n", #call, cudaGetErrorString(e_),                       \
                    cudaGetErrorName(e_));                                                                             \
            return 8;                                                                                                  \
        }                                                                                                              \
    } while (0)

int main(int argc, char **argv)
{
    size_t bytes = (size_t)2 << 30; /* per buffer: 2 GiB, far beyond any L2 */
    if (argc == 2)
        bytes = (size_t)strtoull(argv[1], NULL, 10) << 20; /* MiB */
    if (argc > 2 || bytes == 0) {
        fprintf(stderr, "usage: osib-cuda-bandwidth [MiB per buffer, default 2048]\n");
        return 2;
    }
    cudaDeviceProp prop;
    void *a = NULL, *b = NULL;
    cudaEvent_t t0, t1;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    CHECK(cudaMalloc(&a, bytes));
    CHECK(cudaMalloc(&b, bytes));
    CHECK(cudaMemset(a, 1, bytes));
    CHECK(cudaMemset(b, 0, bytes));
    CHECK(cudaEventCreate(&t0));
    CHECK(cudaEventCreate(&t1));
    float best_ms = 0.0f;
    for (int i = 0; i < 11; i++) { /* the first one warms up */
        CHECK(cudaEventRecord(t0));
        CHECK(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice));
        CHECK(cudaEventRecord(t1));
        CHECK(cudaEventSynchronize(t1));
        float ms = 0.0f;
        CHECK(cudaEventElapsedTime(&ms, t0, t1));
        if (i > 0 && (best_ms == 0.0f || ms < best_ms))
            best_ms = ms;
    }
    printf("bandwidth_gbs %.1f device \"%s\" bytes %zu\n", 2.0 * (double)bytes / (best_ms * 1e-3) / 1e9, prop.name,
           bytes);
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    return 0;
}
