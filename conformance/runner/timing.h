/*
 * timing.h - what the timed repetitions yield (spec/protocol.md §3.2): the
 * statistics of a case and operator, derived from the runner's task
 * records alone (so osib verify derives them again and must agree), and
 * the physical bound on a self-reported compute time.
 */
#ifndef OSIB_TIMING_H
#define OSIB_TIMING_H

#include "case.h"
#include "osib_err.h"
#include "osib_ops.h"
#include "report.h"

/* A compute time implying more than this many times the streaming
 * roofline at the run's bandwidth is not physical: temporal blocking and
 * caches take real programs past the roofline, but by a small factor
 * (spec/protocol.md §3.2 gives the measurements). */
#define OSIB_PLAUSIBLE_ROOFLINE_MULTIPLE 10

/* Whether compute_s is plausible for op on c; *multiple gets the implied
 * throughput over the roofline (NaN when there is no bandwidth). */
int osib_compute_plausible(const osib_case *c, osib_op op, int dtype_bytes, double compute_s, double bandwidth_gbs,
                           double *multiple);

/* Median, minimum and maximum of the wall and compute times of the timed
 * repetitions of (c, op) in r's task records, and everything derived from
 * them with the spec's cost model. OSIB_E_DATA when there are none or one
 * failed. */
osib_status osib_timing_derive(const osib_report *r, const osib_case *c, osib_op op, int dtype_bytes,
                               double price_per_hour_usd, double bandwidth_gbs, osib_timing *tm);

#endif
