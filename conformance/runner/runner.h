/*
 * runner.h - the state of one certification run and the task machinery
 * (spec/protocol.md): a task is one request to the implementation, in its
 * own directory under DIR/tasks/, with the inputs the runner chose, the
 * outputs the implementation wrote and its captured stdout and stderr.
 *
 * A task never fails the runner: whatever goes wrong on the
 * implementation's side (crash, time-out, missing or malformed output,
 * NaN) is recorded in the task as a failure in words, and becomes a failed
 * check. osib_task_run returns an error only when the runner itself cannot
 * go on (disk full, cannot start processes).
 */
#ifndef OSIB_RUNNER_H
#define OSIB_RUNNER_H

#include <gsl/gsl_rng.h>

#include "case.h"
#include "exec.h"
#include "impl_manifest.h"
#include "measures.h"
#include "oracle.h"
#include "progress.h"
#include "reference.h"
#include "report.h"
#include "request.h"

/* Tolerances of spec/acoustic.md section 13. */
#define OSIB_TOL_FLOAT64 1e-12
#define OSIB_TOL_FLOAT32 1e-3
#define OSIB_NARROW_MAX 0.01       /* at most 1% of values representable in a narrower format */
#define OSIB_NARROW_MIN_VALUES 100 /* ... judged on outputs with at least this many nonzeros */
/* The windowed measure's tolerances (spec/acoustic.md §13, "Windowed
 * error"). */
#define OSIB_WINDOW_TOL_FLOAT64 1e-10
#define OSIB_WINDOW_TOL_FLOAT32 5e-2

/* The TTI classes (spec/tti.md §12), measured on the TTI oracle cases and
 * the dot/linearity study (tools/study/dot-linearity-devito.py). */
#define OSIB_TTI_TOL_FLOAT64 5e-12
#define OSIB_TTI_TOL_FLOAT32 1e-3
#define OSIB_TTI_WINDOW_TOL_FLOAT64 1e-10
#define OSIB_TTI_WINDOW_TOL_FLOAT32 5e-2
#define OSIB_TTI_DOT_FLOAT64 1e-12
#define OSIB_TTI_DOT_FLOAT32 5e-5
#define OSIB_TTI_LINEARITY_FLOAT64 2e-12
#define OSIB_TTI_LINEARITY_FLOAT32 2e-3
/* TTI float32 outputs that are the sum of the two fields (the data, the
 * adjoint wavelet) lose bits where the fields nearly cancel, and such
 * values can be exactly binary16 (spec/tti.md §12: up to 2.5% of a correct
 * program's adjoint wavelet in 300 draws; a 16-bit program gives ~100%). */
#define OSIB_TTI_NARROW_MAX_FLOAT32 0.10
/* Thresholds of the gates on fresh random inputs (spec/protocol.md). */
#define OSIB_DOT_FLOAT64 1e-12
#define OSIB_DOT_FLOAT32 1e-6
#define OSIB_LINEARITY_FLOAT64 1e-12
#define OSIB_LINEARITY_FLOAT32 5e-5
/* The Taylor test: the objective at h = 2^-1 ... 2^-5 along a smooth
 * direction, and the gradient's directional derivative within 10% of the
 * objective's own, in both classes (spec/protocol.md §3.1 gives the seed
 * study behind both numbers). */
#define OSIB_TAYLOR_STEPS 5
#define OSIB_TAYLOR_RHO_MAX 0.1

typedef struct {
    const osib_impl *impl;
    char out_dir[OSIB_PATH_MAX];
    gsl_rng *rng;        /* the run's inputs: seeded by the report's seed */
    gsl_rng *secret_rng; /* the timed repetitions' weights: seeded from /dev/urandom, whatever the seed */
    int next_task;
    osib_report *report;
    osib_progress progress;
    size_t tasks_done, tasks_total;
    char phase[128];
    double bandwidth_gbs;            /* the roofline's bandwidth: given, or measured (triad) */
    const osib_yardstick *yardstick; /* reference.h; NULL: nothing beyond the oracles can be judged */
} osib_runner;

/* One case as the gates see it: its published inputs (from the oracle, or
 * computed from the case for a benchmark case), the operators certified on
 * it, and the kit reference that judges what no oracle covers. */
typedef struct {
    const osib_case *c;
    const osib_oracle *oracle; /* NULL for a benchmark case */
    const double *vp, *wavelet, *adjoint_data, *observed_data;
    /* A TTI case's Thomsen fields, in the order of osib_case_medium_names
     * (epsilon, delta, theta, and phi in 3D); NULL otherwise. */
    const double *thomsen[4];
    int ops[OSIB_OP_COUNT];
    osib_reference_kind ref;
} osib_case_ctx;

typedef struct {
    char id[16];
    char rel_dir[48]; /* "tasks/t0001", relative to the report directory */
    osib_op op;
    int repetition;
    int ok;
    char failure[512]; /* why it failed, when !ok */
    osib_exec_result exec;
    double compute_seconds;
    double *out[OSIB_REQ_MAX_OUTPUTS]; /* in the order of osib_op_output_names */
    size_t out_count[OSIB_REQ_MAX_OUTPUTS];
    int nout;
} osib_task;

/* Complete an input list (osib_case_input_names order) whose first nown
 * entries are the operator's own inputs with case c's medium fields. */
void osib_inputs_with_medium(const osib_case *c, const double *const *thomsen, const double **in, int nown);

/* Run op on case c with the given inputs (in the order of
 * osib_op_input_names); role names the gate in the task's record.
 * keep_outputs = 0 deletes the task's arrays once they are read and hashed
 * (timed repetitions). A task that fails (t->ok == 0, t->failure says why)
 * holds no outputs. */
osib_status osib_task_run(osib_runner *rn, const osib_case *c, osib_op op, const double *const *inputs,
                          const char *role, int repetition, int keep_outputs, osib_task *t, osib_err *err);
void osib_task_free(osib_task *t);

/* The time limit of a task: the manifest's, or 60 s plus the case's work at
 * 10 million point-steps per second (2.5 million for TTI; two sweeps for
 * J^T and the gradient). */
double osib_task_time_limit(const osib_impl *impl, const osib_case *c, osib_op op);

/* The peak resident memory a task may reach: the case's budget for
 * born_adjoint and gradient (spec/protocol.md §2.4), else 0 (none). */
double osib_task_memory_budget(const osib_case *c, osib_op op);

/* The class tolerance (spec/acoustic.md section 13). */
double osib_class_tolerance(int dtype_bytes);

#endif
