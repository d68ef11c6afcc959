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

/* ---------------------------------------------------------------------------
 * The schedule itself (Griewank and Walther's binomial reversal), for an
 * implementation to follow: it says what to do, the caller does it.
 *
 * State k is the forward state after k steps (for a leapfrog, two levels);
 * state 0 is the initial one, which the caller can make again without a
 * snapshot (zeros), so it is not one of the nslots. The reversal needs
 * states nstates - 1, nstates - 2, ..., 0, in that order, each one current
 * when `reverse` is called for it. The schedule calls
 *   advance(from, to, first, slot)
 *                             step the current state from `from` to `to`
 *                             (to > from); first: no step in it was taken
 *                             before (the first sweep, from 0 to nstates - 1);
 *                             slot >= 0 (< nslots): keep the new state in that
 *                             snapshot too (an implementation may write it
 *                             there directly), -1: no snapshot;
 *   restore(slot)             make the state held in slot current (slot -1:
 *                             the initial state);
 *   turn()                    once, when the first sweep has reached
 *                             state nstates - 1 (may be NULL);
 *   reverse(k)                the adjoint step that needs state k.
 * With nslots + 1 >= nstates it stores every state and takes nstates - 1
 * steps; with fewer, it takes t(nslots + 1, nstates) steps, the minimum
 * any schedule with that many snapshots can take (Griewank and Walther's
 * theorem; tests/unit/test_checkpoint.c compares with an exhaustive search).
 * Recursion depth is at most nslots + r (r above): no allocation.
 * ------------------------------------------------------------------------- */
typedef struct {
    void *ctx;
    void (*advance)(void *ctx, size_t from, size_t to, int first, int slot);
    void (*restore)(void *ctx, int slot);
    void (*turn)(void *ctx);
    void (*reverse)(void *ctx, size_t state);
} osib_revolve_actions;

typedef struct {
    double forward_steps; /* all steps advance took, the first sweep's included */
    double stores, restores;
    int slots_used; /* the most snapshots held at once */
} osib_revolve_counts;

void osib_revolve_run(size_t nstates, int nslots, const osib_revolve_actions *a, osib_revolve_counts *counts);

#endif
