/*
 * checkpoint.h - memory and recomputation of a checkpointed gradient
 * (spec/acoustic.md, "Cost model"), beside the full-storage footprint of
 * estimate.h.
 *
 * The rule OSIB states: s = ceil(sqrt(l)) checkpoints for l = nt - 2 time
 * steps, each holding the leapfrog state (two padded arrays, u^n and
 * u^{n-1}), placed by optimal binomial checkpointing (Griewank's revolve).
 * Reversing l steps with s checkpoints then costs
 *     t(s, l) = r l - C(s + r, r - 1)      forward steps,
 * r the smallest integer with C(s + r, s) >= l (Griewank and Walther,
 * ACM TOMS 26(1), 2000). The gradient's own forward sweep already does
 * l - 1 of them, so t(s, l) - (l - 1) steps are recomputed.
 */
#ifndef OSIB_CHECKPOINT_H
#define OSIB_CHECKPOINT_H

#include <stddef.h>

typedef struct {
    double steps;            /* l = nt - 2 */
    double snapshots;        /* s */
    int repetitions;         /* r: how many times a step is evaluated at most */
    double forward_steps;    /* t(s, l) */
    double recomputed_steps; /* t(s, l) - (l - 1) */
    double arrays;           /* padded arrays held at once: 2 s + 6 */
} osib_checkpoint_plan;

/* The plan for l steps with s snapshots (s = 0: the rule's ceil(sqrt(l))). */
osib_checkpoint_plan osib_checkpoint_revolve(double steps, double snapshots);

#endif
