#include "text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "case.h"

void osib_text_init(osib_text *t)
{
    t->buf = NULL;
    t->len = t->cap = 0;
    t->failed = 0;
}

void osib_text_free(osib_text *t)
{
    free(t->buf);
    osib_text_init(t);
}

static int reserve(osib_text *t, size_t extra)
{
    if (t->failed)
        return 0;
    if (t->len + extra + 1 <= t->cap)
        return 1;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->len + extra + 1)
        cap *= 2;
    char *grown = realloc(t->buf, cap);
    if (!grown) {
        t->failed = 1;
        return 0;
    }
    t->buf = grown;
    t->cap = cap;
    return 1;
}

void osib_text_printf(osib_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(t, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

void osib_text_yaml_string(osib_text *t, const char *s)
{
    osib_text_printf(t, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            osib_text_printf(t, "\\%c", *p);
        else if (*p == '\n')
            osib_text_printf(t, "\\n");
        else if (*p < 0x20 || *p == 0x7f)
            osib_text_printf(t, "\\x%02x", *p);
        else
            osib_text_printf(t, "%c", *p);
    }
    osib_text_printf(t, "\"");
}

void osib_text_yaml_number(osib_text *t, double v)
{
    if (isnan(v))
        osib_text_printf(t, ".nan");
    else if (isinf(v))
        osib_text_printf(t, "%s", v > 0 ? ".inf" : "-.inf");
    else {
        char b[48];
        osib_format_yaml_double(v, b, sizeof b);
        osib_text_printf(t, "%s", b);
    }
}
