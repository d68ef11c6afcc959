#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "sysinfo.h"

void osib_progress_begin(osib_progress *p, const char *label)
{
    p->enabled = isatty(STDERR_FILENO);
    p->t_start = p->t_last = osib_now_seconds();
    snprintf(p->label, sizeof p->label, "%s", label);
}

void osib_progress_update(osib_progress *p, size_t done, size_t total)
{
    if (!p->enabled)
        return;
    double now = osib_now_seconds();
    if (now - p->t_last < 0.25 && done < total)
        return;
    p->t_last = now;
    double frac = total ? (double)done / (double)total : 1.0;
    double elapsed = now - p->t_start;
    double eta = frac > 0.0 ? elapsed * (1.0 - frac) / frac : 0.0;
    fprintf(stderr, "\r%s: %zu/%zu (%3.0f%%), %.1f s elapsed, ~%.0f s left   ", p->label, done, total, 100.0 * frac,
            elapsed, eta);
    fflush(stderr);
}

void osib_progress_end(osib_progress *p)
{
    if (p->enabled)
        fprintf(stderr, "\r\033[K");
}

void osib_progress_callback(void *ctx, size_t done, size_t total) { osib_progress_update(ctx, done, total); }
