/*
 * figures.h - the figures of a certification report (spec/protocol.md,
 * "The report"), drawn with gnuplot into DIR/plots/ as PNG and SVG:
 *
 *   shot-<case>      the oracle's forward data and the implementation's on
 *                    one colour scale, their difference on its own (on
 *                    theirs a 1e-6 difference is blank); receivers at their
 *                    x in metres on a line (2D), by number on a 3D carpet
 *   traces-<case>    oracle and implementation traces at four receivers
 *   taylor-<case>    the Taylor remainders on log-log axes, slopes 1 and 2
 *   roofline         measured GFlop/s against the spec's operational
 *                    intensity, under the bandwidth roof when one is given
 *
 * Every figure shows what the implementation and the oracle gave: the
 * runner computes nothing with the kit's reference to decorate a report (a
 * wavefield snapshot drawn from the simple reference, as earlier reports
 * had, showed the reference, not the implementation under test; no
 * operator outputs a wavefield).
 *
 * Figures are informative: when gnuplot is missing or fails, a one-line
 * warning goes to stderr and the report goes on without them.
 */
#ifndef OSIB_FIGURES_H
#define OSIB_FIGURES_H

#include "gates.h"
#include "report.h"

/* Draw every figure the report's checks and timings allow, add them to
 * r->figures and their files to r->files. Warnings go to warn (may be NULL). */
osib_status osib_figures_make(osib_report *r, const osib_case *cases, const osib_oracle *oracles, int ncases,
                              const char *out_dir, FILE *warn, osib_err *err);

#endif
