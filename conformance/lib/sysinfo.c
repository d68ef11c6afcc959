#include "sysinfo.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double osib_physical_memory_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return 0.0;
    return (double)pages * (double)size;
}

double osib_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double osib_self_rss_bytes(void)
{
    long pages_total = 0, pages_resident = 0;
    FILE *f = fopen("/proc/self/statm", "re");
    if (!f)
        return 0.0;
    int ok = fscanf(f, "%ld %ld", &pages_total, &pages_resident) == 2;
    fclose(f);
    return ok ? (double)pages_resident * (double)sysconf(_SC_PAGESIZE) : 0.0;
}
