/*
 * text.h - a growing text buffer for building files (reports, tables)
 * before writing them atomically.
 */
#ifndef OSIB_TEXT_H
#define OSIB_TEXT_H

#include <stddef.h>

typedef struct {
    char *buf;
    size_t len, cap;
    int failed; /* an allocation failed: the text is incomplete */
} osib_text;

void osib_text_init(osib_text *t);
void osib_text_free(osib_text *t);
void osib_text_printf(osib_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append s as a YAML double-quoted scalar, escaping what must be. */
void osib_text_yaml_string(osib_text *t, const char *s);

/* Append v so that it reads back exactly (".nan", ".inf" when not finite). */
void osib_text_yaml_number(osib_text *t, double v);

#endif
