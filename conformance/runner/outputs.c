#include "outputs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arrays.h"
#include "fileutil.h"
#include "sysinfo.h"

/* The isolated reader gets this long, plus a second per 50 MB of values:
 * far more than reading a file at disk speed takes. */
#define READ_LIMIT_S 30.0
#define READ_BYTES_PER_S 50e6

/* Each distinct file: a regular file, not a link, of a plausible size. */
static osib_status check_files(const char *dir, const osib_array_ref *refs, int n, int *any_hdf5, osib_err *err)
{
    *any_hdf5 = 0;
    for (int i = 0; i < n; i++) {
        int first = 1;
        for (int j = 0; j < i; j++)
            first = first && strcmp(refs[j].file, refs[i].file) != 0;
        if (!first)
            continue;
        unsigned long long values_bytes = 0;
        for (int j = i; j < n; j++)
            if (strcmp(refs[j].file, refs[i].file) == 0)
                values_bytes += 8ULL * osib_array_count(&refs[j]);
        char path[OSIB_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, refs[i].file);
        long long size;
        osib_status st = osib_regular_file(path, &size, err);
        if (st != OSIB_OK)
            return st;
        if (refs[i].dataset[0]) {
            *any_hdf5 = 1;
            unsigned long long cap = OSIB_OUTPUT_SLACK * values_bytes + OSIB_OUTPUT_OVERHEAD_BYTES;
            if ((unsigned long long)size > cap)
                return osib_fail(err, OSIB_E_DATA, "%s: %lld bytes for %llu bytes of values (at most %llu allowed)",
                                 path, size, values_bytes, cap);
        }
    }
    return OSIB_OK;
}

typedef struct {
    int status;
    char msg[OSIB_ERR_MSG_MAX];
} shared_header;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static osib_status read_isolated(const char *dir, const osib_array_ref *refs, int n, double **out, osib_err *err)
{
    size_t total = 0, offset[OSIB_REQ_MAX_OUTPUTS + 8];
    for (int i = 0; i < n; i++) {
        offset[i] = total;
        total += osib_array_count(&refs[i]);
    }
    size_t bytes = sizeof(shared_header) + total * sizeof(double);
    void *shm = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shm == MAP_FAILED)
        return osib_arrays_read(dir, refs, n, out, err); /* no isolation possible: read here */
    shared_header *hdr = shm;
    double *values = (double *)((char *)shm + sizeof(shared_header));
    hdr->status = OSIB_E_INTERNAL;
    snprintf(hdr->msg, sizeof hdr->msg, "the reader ended without a word");

    pid_t pid = fork();
    if (pid < 0) {
        munmap(shm, bytes);
        return osib_arrays_read(dir, refs, n, out, err);
    }
    if (pid == 0) {
        double *got[OSIB_REQ_MAX_OUTPUTS + 8];
        osib_err e = {0};
        osib_status st = osib_arrays_read(dir, refs, n, got, &e);
        if (st == OSIB_OK)
            for (int i = 0; i < n; i++) {
                memcpy(values + offset[i], got[i], osib_array_count(&refs[i]) * sizeof(double));
                free(got[i]);
            }
        snprintf(hdr->msg, sizeof hdr->msg, "%s", e.msg);
        hdr->status = st;
        _exit(0);
    }

    const double limit = READ_LIMIT_S + (double)total * 8.0 / READ_BYTES_PER_S;
    const double t0 = osib_now_seconds();
    int status = 0, done = 0;
    while (!done) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            done = 1;
        else if (r < 0 && errno != EINTR)
            break;
        else if (osib_now_seconds() - t0 > limit) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            munmap(shm, bytes);
            return osib_fail(err, OSIB_E_DATA, "%s/%s: reading it did not finish in %.0f s (a damaged or hostile file)",
                             dir, refs[0].file, limit);
        } else
            sleep_ms(2);
    }
    osib_status st;
    if (!done || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        st =
            osib_fail(err, OSIB_E_DATA, "%s/%s: the HDF5 library crashed reading it (%s %d): a damaged or hostile file",
                      dir, refs[0].file, done && WIFSIGNALED(status) ? "signal" : "status",
                      done && WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    } else if (hdr->status != OSIB_OK) {
        st = osib_fail(err, (osib_status)hdr->status, "%s", hdr->msg);
    } else {
        st = OSIB_OK;
        for (int i = 0; i < n; i++)
            out[i] = NULL;
        for (int i = 0; st == OSIB_OK && i < n; i++) {
            size_t count = osib_array_count(&refs[i]);
            out[i] = malloc((count ? count : 1) * sizeof(double));
            if (!out[i])
                st = osib_fail(err, OSIB_E_NOMEM, "out of memory for output %s (%zu values)", refs[i].name, count);
            else
                memcpy(out[i], values + offset[i], count * sizeof(double));
        }
        if (st != OSIB_OK)
            for (int i = 0; i < n; i++) {
                free(out[i]);
                out[i] = NULL;
            }
    }
    munmap(shm, bytes);
    return st;
}

osib_status osib_outputs_read(const char *dir, const osib_array_ref *refs, int n, double **out, osib_err *err)
{
    for (int i = 0; i < n; i++)
        out[i] = NULL;
    int any_hdf5;
    osib_status st = check_files(dir, refs, n, &any_hdf5, err);
    if (st != OSIB_OK)
        return st;
    return any_hdf5 ? read_isolated(dir, refs, n, out, err) : osib_arrays_read(dir, refs, n, out, err);
}
