/*
 * summary.h - `osib summarize`: one results table across certification
 * reports, for buyers and readers comparing implementations and hardware.
 *
 * One row per case and operator of each CONFORMANT report, with the
 * spec's throughput (GPts/s from the runner's wall time and from the
 * reported compute time), % of roofline, spread and cost per shot; one
 * row per case of each NON-CONFORMANT (or, with verification, REFUTED)
 * report, without numbers. Every row says its physics, spec version,
 * repetitions and compliance (RULES.md §6: "yes", or "no: " and why; a
 * refuted row gives verify's first problem). Rows are sorted by case,
 * operator, then throughput.
 */
#ifndef OSIB_SUMMARY_H
#define OSIB_SUMMARY_H

#include <stdio.h>

#include "osib_err.h"
#include "reference.h"

typedef enum { OSIB_SUMMARY_MARKDOWN, OSIB_SUMMARY_CSV, OSIB_SUMMARY_HTML } osib_summary_format;

/* Summarise the reports in dirs. With verify, each report is first
 * re-checked with osib verify (kit_root's oracles); a refuted report keeps
 * no numbers. */
osib_status osib_summarize(char *const *dirs, int ndirs, int verify, const char *kit_root,
                           const osib_yardstick *yardstick, osib_summary_format format, FILE *out, osib_err *err);

#endif
