/*
 * progress.h - a one-line progress display for long runs, on stderr, only
 * when stderr is a terminal (principle 8): logs and CI output stay clean.
 *
 *     osib_progress pr;
 *     osib_progress_begin(&pr, "forward");
 *     for (...) osib_progress_update(&pr, done, total);
 *     osib_progress_end(&pr);
 */
#ifndef OSIB_PROGRESS_H
#define OSIB_PROGRESS_H

#include <stddef.h>

typedef struct {
    int enabled;
    double t_start, t_last;
    char label[96];
} osib_progress;

void osib_progress_begin(osib_progress *p, const char *label);
void osib_progress_update(osib_progress *p, size_t done, size_t total);
void osib_progress_end(osib_progress *p);

/* Adapter with the signature of the reference's progress callback. */
void osib_progress_callback(void *ctx, size_t done, size_t total);

#endif
