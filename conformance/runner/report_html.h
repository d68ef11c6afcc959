/*
 * report_html.h - the report as one self-contained HTML page (report.html):
 * summary, failed checks, performance, the dot/linearity/Taylor table,
 * figures embedded as base64 PNG, every check, and how to verify.
 */
#ifndef OSIB_REPORT_HTML_H
#define OSIB_REPORT_HTML_H

#include "report.h"
#include "text.h"

/* Append the page to t; figures are read from dir. */
osib_status osib_report_html(const osib_report *r, const char *dir, osib_text *t, osib_err *err);

#endif
