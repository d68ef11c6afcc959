/*
 * report_md.h - report.md: the certification report for people, in
 * Markdown. A function of the report alone (osib verify regenerates it
 * and compares bytes).
 */
#ifndef OSIB_REPORT_MD_H
#define OSIB_REPORT_MD_H

#include "report.h"
#include "text.h"

void osib_report_markdown(const osib_report *r, osib_text *t);

/* What osib verify can and cannot prove, in words: printed by verify,
 * and ending every report. */
extern const char *const osib_verify_scope;

#endif
