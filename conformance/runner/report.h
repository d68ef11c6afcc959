/*
 * report.h - a certification report (spec/protocol.md §4): everything a
 * reviewer needs to re-verify a verdict, in report.yaml for machines,
 * report.md and report.html for people, written atomically.
 *
 * report.yaml is the record: report.md and report.html are functions of
 * it (and of the figure files it lists), so osib verify regenerates them
 * and must get the same bytes. osib_report_read reads back every field
 * osib_report_write writes, numbers exactly.
 *
 * Every check is "lo <= value <= hi" (either bound may be absent) plus the
 * tasks whose files it was computed from, the kit reference record it
 * compares with, and the parameters needed to recompute it. Every task
 * leaves a record (wall and compute time, peak memory), from which the
 * timing statistics are derived. The report id is the first 16 hex digits
 * of the SHA-256 of report.yaml's body (everything after the report_id
 * line): it shows an edit, not a forgery (anyone can recompute it).
 */
#ifndef OSIB_REPORT_H
#define OSIB_REPORT_H

#include <stddef.h>

#include "osib_err.h"
#include "osib_ops.h"

/* Version of report.yaml's layout: 2 added task records, the kit's files,
 * reference records, the bandwidth's source and memory; 3 the
 * implementation's capabilities and files and how the run was chosen
 * (seed, operators, suite), from which compliance follows. */
enum { OSIB_CHECK_PARAMS = 24, OSIB_REPORT_VERSION = 3, OSIB_REPORT_MAX_IMPL_FILES = 32 };

typedef struct {
    char id[160];  /* gate/case/operator[/output]/measure */
    char gate[16]; /* run, oracle, precision, dot, linearity, taylor, timing */
    char case_id[64];
    char op[24];
    char output[32];  /* the output array concerned, if any */
    char measure[16]; /* e2, einf, narrow, mismatch, error, slope1, slope2, completed */
    double value;
    int has_lo, has_hi;
    double lo, hi;
    int passed;
    char tasks[256];     /* space-separated task ids */
    char reference[128]; /* the kit's reference record it compares with (refs/...h5), or "" */
    double params[OSIB_CHECK_PARAMS];
    int nparams;
    char message[512]; /* why it failed, in words */
} osib_check;

typedef struct {
    char case_id[64];
    char op[24];
    int repetitions;
    double wall_s[3];                   /* median, min, max: measured by the runner around the process */
    double compute_s[3];                /* median, min, max: reported by the implementation */
    double gpts_wall, gpts_compute;     /* padded points x steps / median time / 1e9 */
    double gflops_wall, gflops_compute; /* the spec's flop model / median time / 1e9 */
    double bytes_per_point_step;        /* compulsory traffic at the declared precision */
    double roofline_pct;                /* from compute time: of bandwidth / bytes per point-step, < 0 when none */
    double roofline_pct_wall;           /* the same from the wall time */
    double cost_per_shot_usd;           /* price x median wall time, < 0 when no price */
    double peak_memory_gib;             /* largest over the repetitions, whole process tree */
    double footprint_gib;               /* the spec's minimal footprint (acoustic.md §12) */
} osib_timing;

/* One task as the runner saw it: the record from which osib verify
 * re-derives every timing statistic (spec/protocol.md §4). */
typedef struct {
    char id[16];
    char case_id[64];
    char op[24];
    char role[16];            /* the gate that ran it: oracle, challenge, dot, ..., timing */
    int repetition;           /* 0, or 1..N for timed repetitions */
    int ok;                   /* completed with valid outputs */
    double wall_s;            /* measured by the runner around the process */
    double compute_s;         /* reported by the implementation (NAN when not ok) */
    double peak_memory_bytes; /* of the whole process tree */
    double io_read_bytes;     /* storage bytes the tree read (exec.h); -1 where unknown */
    double io_write_bytes;    /* and wrote */
    int leftovers;            /* processes killed after the main one ended */
    char outcome[192];        /* "ok", or why the task failed */
    char note[200];           /* the first line of the implementation's own notes (result.yaml), printable
                                 ASCII only; its claim, shown beside a budgeted task, never judged */
} osib_task_record;

typedef struct {
    char path[320]; /* relative to the report directory */
    char sha256[65];
    int kept; /* 0: hashed, checked, then deleted (timed repetitions' outputs) */
} osib_file_record;

typedef struct {
    char base[320]; /* relative to the report directory, without .png / .svg */
    char caption[256];
} osib_figure;

typedef struct {
    char id[64], sha256[65], oracle_file[320];
    char physics[32];                    /* acoustic-iso or acoustic-tti */
    int has_oracle;                      /* a case with an oracle, or a benchmark case */
    int ops[OSIB_OP_COUNT];              /* the operators certified on it */
    char reference[64];                  /* the kit reference that judged it beyond the oracle */
    double footprint_gib[OSIB_OP_COUNT]; /* the spec's minimal memory per operator, at the class's precision */
    double memory_budget_bytes;          /* the case's budget for born_adjoint and gradient, 0: none,
                                            -1: not recorded (a report read back from before budgets) */
    struct {
        char dataset[48];
        char sha256[65];
    } oracle_arrays[16]; /* the oracle's arrays, as checked against oracles/MANIFEST */
    int noracle_arrays;
} osib_case_record;

typedef struct {
    char path[320];
    char sha256[65];
} osib_kit_file_record;

typedef struct {
    /* who and what */
    char kit_version[32], kit_commit[64], spec_version[32];
    char impl_name[64], impl_version[64], impl_vendor[128], impl_contact[256], impl_notes[1024];
    char impl_manifest[512], impl_manifest_sha256[65], impl_executable[512], impl_executable_sha256[65];
    char precision[16], array_format[8], operators[128];
    double price_per_hour_usd; /* < 0: none */
    char capabilities[192];    /* physics; dimensions; space orders, as the manifest declares them */
    osib_kit_file_record impl_files[OSIB_REPORT_MAX_IMPL_FILES]; /* the manifest's files, hashed as the run started */
    int nimpl_files;
    /* the kit's oracles and files, as they were when the run started */
    char oracle_manifest_sha256[65];
    osib_kit_file_record kit_files[80];
    int nkit_files;
    /* how */
    char started_utc[32], finished_utc[32], command_line[1024];
    unsigned long long seed;
    int seed_chosen;           /* --seed: the inputs were not fresh */
    int operators_chosen;      /* --ops: a subset of the manifest's operators */
    char suite[48];            /* --suite NAME, or "" for cases named one by one */
    char cases_left_out[1024]; /* the suite's cases outside the declared capabilities, comma-separated */
    char compliance[1100];     /* as read back: "yes" or "no: why" (osib_report_compliant's judgement when written) */
    int repeat;
    int forced;                 /* --force: run although it does not fit */
    double bandwidth_gbs;       /* <= 0: none */
    char bandwidth_source[128]; /* given, or measured (how) */
    /* where */
    char cpu_model[256], os[256], kernel[256], compiler[128], gpu[512], caches[96];
    int cores;
    double memory_gib;
    /* results */
    osib_case_record cases[32];
    int ncases;
    osib_check *checks;
    size_t nchecks, cap_checks;
    osib_timing timings[64];
    int ntimings;
    osib_file_record *files;
    size_t nfiles, cap_files;
    osib_task_record *tasks;
    size_t ntasks, cap_tasks;
    osib_figure figures[48];
    int nfigures;
    int conformant;
    char report_id[17];
} osib_report;

void osib_report_init(osib_report *r);
void osib_report_free(osib_report *r);

osib_status osib_report_add_check(osib_report *r, const osib_check *c, osib_err *err);
osib_status osib_report_add_file(osib_report *r, const char *relpath, const char *sha256, int kept, osib_err *err);
osib_status osib_report_add_task(osib_report *r, const osib_task_record *t, osib_err *err);
/* Mark a recorded task failed after the fact (a gate found it wanting). */
void osib_report_task_failed(osib_report *r, const char *task_id, const char *why);

/* Number of failed checks. */
size_t osib_report_failures(const osib_report *r);

/* Number of tasks that left processes behind (killed by the runner). */
size_t osib_report_leftovers(const osib_report *r);

/* The largest peak memory (bytes) of any task of a case and operator;
 * 0 when none ran. */
double osib_report_peak_memory(const osib_report *r, const char *case_id, const char *op);
/* The most storage bytes any task of case_id and op read and wrote (-1
 * where unknown: the kernel has no I/O accounting, or an older report). */
void osib_report_io(const osib_report *r, const char *case_id, const char *op, double *read_bytes, double *write_bytes);

/* For a case and operator: the note of its first completed task that has
 * one ("" if none), and the median wall time of its timing row (NAN if
 * none). Used by the budget tables of report.md and report.html. */
const char *osib_report_note(const osib_report *r, const char *case_id, const char *op);
double osib_report_median_wall(const osib_report *r, const char *case_id, const char *op);

/* Whether a run is compliant (RULES.md §6): a conformant verdict from an
 * unmodified kit, fresh inputs, every operator the manifest lists, at
 * least OSIB_COMPLIANT_REPEAT timed repetitions, and a compliant scope
 * (osib_compliant_suite). Returns 1, or 0 with the reasons in why
 * ("--seed chose the inputs; 1 timed repetition (at least 5)"). */
enum { OSIB_COMPLIANT_REPEAT = 5 };
int osib_report_compliant(const osib_report *r, char *why, size_t cap);
/* The suites a compliant run may certify: oracle (every oracle case the
 * implementation's capabilities admit) and the benchmark suites. */
int osib_compliant_suite(const char *suite);

/* Whether any case of the report carries a memory budget. */
int osib_report_has_budgets(const osib_report *r);

/* Write dir/report.yaml, dir/report.md and dir/report.html (one file, the
 * figures embedded) atomically; fills r->report_id. */
osib_status osib_report_write(osib_report *r, const char *dir, osib_err *err);

/* Read dir/report.yaml back (for osib verify). *body_sha256 gets the hash
 * of the body as stored, to compare with the report id. */
osib_status osib_report_read(osib_report *r, const char *dir, char body_sha256[65], osib_err *err);

#endif
