#include "machine.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysinfo.h"

static size_t read_size(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char buf[64] = "";
    size_t v = 0;
    if (fgets(buf, sizeof buf, f)) {
        char *end;
        v = (size_t)strtoull(buf, &end, 10);
        if (*end == 'K')
            v <<= 10;
        else if (*end == 'M')
            v <<= 20;
    }
    fclose(f);
    return v;
}

osib_caches osib_machine_caches(void)
{
    osib_caches c = {0, 0, 0};
    for (int i = 0; i < 8; i++) {
        char path[128], type[32] = "";
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        FILE *f = fopen(path, "r");
        if (!f)
            break;
        if (!fgets(type, sizeof type, f))
            type[0] = '\0';
        fclose(f);
        if (strncmp(type, "Instruction", 11) == 0)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        size_t level = read_size(path);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        size_t size = read_size(path);
        if (level == 1)
            c.l1d_bytes = size;
        else if (level == 2)
            c.l2_bytes = size;
        else if (level == 3)
            c.l3_bytes = size;
    }
    return c;
}

static int human(size_t b, char *buf, size_t cap)
{
    if (b >= (1u << 20) && b % (1u << 20) == 0)
        return snprintf(buf, cap, "%zu MiB", b >> 20);
    return snprintf(buf, cap, "%zu KiB", b >> 10);
}

void osib_caches_describe(const osib_caches *c, char *buf, size_t cap)
{
    char a[32] = "?", b[32] = "?", d[32] = "?";
    if (c->l1d_bytes)
        human(c->l1d_bytes, a, sizeof a);
    if (c->l2_bytes)
        human(c->l2_bytes, b, sizeof b);
    if (c->l3_bytes)
        human(c->l3_bytes, d, sizeof d);
    snprintf(buf, cap, "L1d %s, L2 %s, L3 %s", a, b, d);
}

/* ---------------------------------------------------------------------------
 * Triad with one thread per core
 * ------------------------------------------------------------------------- */

/* The threads are started first and told their share only once all are
 * running, so that a thread that cannot be created leaves no other waiting
 * at a barrier for it. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t go;
    int ready;
    pthread_barrier_t start, stop;
    double *a, *b, *c;
    size_t n;
    int nthreads, repeat;
    double seconds[64]; /* one per pass, written by thread 0 */
} triad_run;

typedef struct {
    triad_run *run;
    int index;
} triad_part;

static void *triad_worker(void *arg)
{
    triad_part *p = arg;
    triad_run *R = p->run;
    pthread_mutex_lock(&R->lock);
    while (!R->ready)
        pthread_cond_wait(&R->go, &R->lock);
    pthread_mutex_unlock(&R->lock);
    size_t first = R->n * (size_t)p->index / (size_t)R->nthreads;
    size_t last = R->n * (size_t)(p->index + 1) / (size_t)R->nthreads;
    for (size_t i = first; i < last; i++) { /* first touch by the thread that streams it */
        R->a[i] = 0.0;
        R->b[i] = 1.0;
        R->c[i] = 2.0;
    }
    const double s = 3.0;
    for (int r = 0; r < R->repeat; r++) {
        pthread_barrier_wait(&R->start);
        double t0 = osib_now_seconds();
        for (size_t i = first; i < last; i++)
            R->a[i] = R->b[i] + s * R->c[i];
        pthread_barrier_wait(&R->stop);
        if (p->index == 0)
            R->seconds[r] = osib_now_seconds() - t0;
    }
    return NULL;
}

double osib_machine_triad_gbs(int repeat)
{
    if (repeat < 1 || repeat > 64)
        repeat = 5;
    osib_caches caches = osib_machine_caches();
    size_t bytes = 4 * caches.l3_bytes;
    if (bytes < ((size_t)64 << 20))
        bytes = (size_t)64 << 20;
    if (bytes > ((size_t)512 << 20))
        bytes = (size_t)512 << 20;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int want = cores > 0 && cores <= 1024 ? (int)cores : 1;
    triad_run R;
    memset(&R, 0, sizeof R);
    R.n = bytes / sizeof(double);
    R.repeat = repeat;
    R.a = malloc(R.n * sizeof(double));
    R.b = malloc(R.n * sizeof(double));
    R.c = malloc(R.n * sizeof(double));
    triad_part *parts = calloc((size_t)want, sizeof *parts);
    pthread_t *threads = calloc((size_t)want, sizeof *threads);
    double best = -1.0;
    if (!R.a || !R.b || !R.c || !parts || !threads) {
        free(R.a);
        free(R.b);
        free(R.c);
        free(parts);
        free(threads);
        return best;
    }
    pthread_mutex_init(&R.lock, NULL);
    pthread_cond_init(&R.go, NULL);
    int started = 1; /* this thread is part 0 */
    for (int t = 1; t < want; t++) {
        parts[t] = (triad_part){&R, t};
        if (pthread_create(&threads[t], NULL, triad_worker, &parts[t]) != 0)
            break;
        started++;
    }
    R.nthreads = started;
    pthread_barrier_init(&R.start, NULL, (unsigned)started);
    pthread_barrier_init(&R.stop, NULL, (unsigned)started);
    pthread_mutex_lock(&R.lock);
    R.ready = 1;
    pthread_cond_broadcast(&R.go);
    pthread_mutex_unlock(&R.lock);
    parts[0] = (triad_part){&R, 0};
    triad_worker(&parts[0]);
    for (int t = 1; t < started; t++)
        pthread_join(threads[t], NULL);
    for (int r = 0; r < repeat; r++) {
        double gbs = 24.0 * (double)R.n / R.seconds[r] / 1e9;
        if (gbs > best)
            best = gbs;
    }
    pthread_barrier_destroy(&R.start);
    pthread_barrier_destroy(&R.stop);
    pthread_mutex_destroy(&R.lock);
    pthread_cond_destroy(&R.go);
    free(R.a);
    free(R.b);
    free(R.c);
    free(parts);
    free(threads);
    return best;
}
