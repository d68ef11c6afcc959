#include "checkpoint.h"

#include <math.h>
#include <string.h>

/* C(n, k) in double; exact while the values fit in 53 bits, which covers
 * every r that a real time axis needs. */
static double binomial(double n, double k)
{
    if (k < 0.0 || k > n)
        return 0.0;
    if (n - k < k)
        k = n - k;
    double c = 1.0;
    for (double i = 1.0; i <= k; i += 1.0)
        c = c * (n - k + i) / i;
    return c;
}

osib_checkpoint_plan osib_checkpoint_revolve(double steps, double snapshots)
{
    osib_checkpoint_plan p;
    p.steps = steps;
    p.snapshots = snapshots > 0.0 ? snapshots : ceil(sqrt(steps));
    if (p.snapshots > steps)
        p.snapshots = steps;
    int r = 1;
    while (binomial(p.snapshots + r, p.snapshots) < steps)
        r++;
    p.repetitions = r;
    p.forward_steps = r * steps - binomial(p.snapshots + r, r - 1);
    p.recomputed_steps = p.forward_steps - (steps - 1.0);
    if (p.recomputed_steps < 0.0)
        p.recomputed_steps = 0.0;
    /* Checkpoints (two levels each), the two levels of u being recomputed,
     * m, two levels of the adjoint field and the image. */
    p.arrays = 2.0 * p.snapshots + 6.0;
    return p;
}

/* ---------------------------------------------------------------------------
 * The schedule
 * ------------------------------------------------------------------------- */

typedef struct {
    const osib_revolve_actions *a;
    osib_revolve_counts *counts;
    int nslots;
    size_t frontier; /* the furthest state reached */
    int turned;
} revolver;

static void advance(revolver *v, size_t from, size_t to, int slot)
{
    const int first = to > v->frontier; /* the first sweep only ever starts at the frontier */
    v->a->advance(v->a->ctx, from, to, first, slot);
    if (slot >= 0) {
        v->counts->stores += 1.0;
        if (slot + 1 > v->counts->slots_used)
            v->counts->slots_used = slot + 1;
    }
    v->counts->forward_steps += (double)(to - from);
    if (to > v->frontier)
        v->frontier = to;
}

static void restore(revolver *v, int slot)
{
    v->a->restore(v->a->ctx, slot);
    v->counts->restores += 1.0;
}

static void reverse(revolver *v, size_t state)
{
    if (!v->turned) {
        v->turned = 1;
        if (v->a->turn)
            v->a->turn(v->a->ctx);
    }
    v->a->reverse(v->a->ctx, state);
}

/* How many times t(s, n) = T(n) - T(n - 1) grows by at n >= 2: the
 * repetition number, the smallest r with beta(s, r) = C(s + r, s) >= n. */
static int repetitions(int s, size_t n)
{
    int r = 1;
    while (binomial((double)s + r, (double)s) < (double)n)
        r++;
    return r;
}

/* Where to put the next snapshot when reversing n > 1 states from a stored
 * one with s snapshots in all (Griewank's count: the one holding the start
 * included). Placing it m states on costs m + T(n - m, s - 1) + T(m, s),
 * T the optimal cost (osib_checkpoint_revolve). Moving it from m - 1 to m
 * changes that by 1 + rep(s, m) - rep(s - 1, n - m + 1), which grows with
 * m: the cost is convex in m, and the largest m at which that change is
 * not positive is a minimum. The largest, because the longer an advance,
 * the better a blocked kernel runs. */
static size_t split(size_t n, int s)
{
    size_t lo = 1, hi = n - 1; /* the answer lies in [lo, hi]; m = 1 always qualifies */
    while (lo < hi) {
        const size_t m = lo + (hi - lo + 1) / 2;
        if (1 + repetitions(s, m) <= repetitions(s - 1, n - m + 1))
            lo = m;
        else
            hi = m - 1;
    }
    return lo;
}

/* Reverse states b - 1 .. a; state a is current and held in slot `held`
 * (-1: the initial state); free_slots snapshots are unused. */
static void reverse_range(revolver *v, size_t a, size_t b, int free_slots, int held)
{
    while (b - a > 1) {
        if (free_slots == 0) { /* no snapshot left: every state from a again */
            for (size_t k = b - 1; k > a; k--) {
                advance(v, a, k, -1);
                reverse(v, k);
                restore(v, held);
            }
            break;
        }
        const size_t m = split(b - a, free_slots + 1);
        const int slot = v->nslots - free_slots;
        advance(v, a, a + m, slot);
        reverse_range(v, a + m, b, free_slots - 1, slot);
        restore(v, held);
        b = a + m;
    }
    reverse(v, a);
}

void osib_revolve_run(size_t nstates, int nslots, const osib_revolve_actions *a, osib_revolve_counts *counts)
{
    osib_revolve_counts none;
    if (!counts)
        counts = &none;
    memset(counts, 0, sizeof *counts);
    if (nstates == 0)
        return;
    revolver v = {.a = a, .counts = counts, .nslots = nslots > 0 ? nslots : 0};
    reverse_range(&v, 0, nstates, v.nslots, -1);
}
