#include "checkpoint.h"

#include <math.h>

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
