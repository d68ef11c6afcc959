/*
 * cpu_tune.h - the temporal blocking of osib-cpu's 3D acoustic sweeps
 * (cpu_sweep.h: K steps per wavefront, tiles of tile_y rows cut so that a
 * tile's window of W bytes stays in cache) chosen for the machine it runs
 * on, not for the one it was written on.
 *
 * A choice is K and W; tile_y follows from W for each sweep (cpu_sweep.c:
 * a Born sweep's window holds four fields, so its tiles are about half as
 * high). Whatever is chosen, the outputs are the same bits (cpu_sweep.h):
 * this is about time only.
 *
 * Where the choice comes from, for --tune MODE:
 *   auto   (the default) this machine's tuning cache, when it has the
 *          machine and the case's shape; else a timed trial when the run is
 *          long enough to pay for it (below); else the rule.
 *   trial  a timed trial now, whatever the cache holds; written to it.
 *   rule   the rule from the caches the system reports (sysfs):
 *          W = 11/8 of the L2 per core (2.75 MiB where L2 is 2 MiB, the
 *          best measured there), K = 16 / (so/2) between 1 and 8.
 *   fixed  the rule before this one, whatever the machine: W = 2.75 MiB,
 *          K = 16 / (so/2) (kept to compare against).
 * --time-block K and --tile-y N override their part in every mode (a trial
 * then tunes only the other part).
 *
 * The trial. It runs forward steps of the problem on a ring of its own
 * (zeros in, zeros out: the kernel's time does not depend on the values,
 * and denormals are flushed), S = 8 steps per measurement, each candidate
 * measured twice in alternated rounds and scored by its faster time (the
 * machines are noisy; a candidate is not favoured by going first): first K
 * in {1, K0/2, K0, 2 K0} (at most 8) at the rule's W, then W in {W0/2, W0,
 * 2 W0, 2.75 MiB} at the best K. In auto mode it runs when its steps are
 * at most a tenth of one sweep of the run (nt - 2), so at most 10% of a
 * forward and 4% of a gradient; a shorter run uses the cache or the rule.
 *
 * The cache. One line per machine and shape: the CPU's model name, its
 * cache sizes and the thread count, the space order, the stored extents and
 * the precision, then the choice and the rate the trial measured. The
 * file: $OSIB_CPU_TUNE_CACHE if set ("off": none), else
 * $XDG_CACHE_HOME/osib/cpu-tune.txt, else ~/.cache/osib/cpu-tune.txt.
 * Delete it (or run with --tune trial) to tune again; the last line for a
 * key wins. A cache that cannot be read or written is no error: the run
 * goes on with what it has, and the note says so.
 */
#ifndef CPU_TUNE_H
#define CPU_TUNE_H

#include <stddef.h>

#include "cpu_problem.h"

typedef enum { CPU_TUNE_AUTO = 0, CPU_TUNE_TRIAL, CPU_TUNE_RULE, CPU_TUNE_FIXED } cpu_tune_mode;

/* "auto", "trial", "rule", "fixed" -> 0 with *mode set; else -1. */
int cpu_tune_mode_parse(const char *text, cpu_tune_mode *mode);

/* The window of the rule before this one, in bytes (cpu_sweep.h). */
size_t cpu_tune_fixed_window(void);

/* The rule's window for an L2 of l2_bytes per core (0: unknown, the fixed
 * window). */
size_t cpu_tune_rule_window(size_t l2_bytes);

/* Choose K and W for p, a 3D acoustic problem whose model is set, and set
 * p->time_block and p->window_bytes (p->tile_y, when given, is kept); a
 * line saying what was chosen and whence goes to p->tune_note. k_given,
 * tile_given: --time-block and --tile-y as given (0: not). Only a trial
 * allocates (two fields and the zero wavelet); where that fails, the rule. */
void cpu_tune_choose(cpu_problem *p, cpu_tune_mode mode, int k_given, int tile_given);

#endif
