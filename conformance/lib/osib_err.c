#include "osib_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

osib_status osib_fail(osib_err *err, osib_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}

void osib_err_prefix(osib_err *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[OSIB_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);

    /* prefix + old message, truncated to the buffer. */
    char joined[OSIB_ERR_MSG_MAX];
    size_t plen = strlen(prefix), mlen = strlen(err->msg);
    if (plen > sizeof joined - 1)
        plen = sizeof joined - 1;
    if (mlen > sizeof joined - 1 - plen)
        mlen = sizeof joined - 1 - plen;
    memcpy(joined, prefix, plen);
    memcpy(joined + plen, err->msg, mlen);
    joined[plen + mlen] = '\0';
    memcpy(err->msg, joined, plen + mlen + 1);
}

void osib_err_clear(osib_err *err)
{
    if (err) {
        err->status = OSIB_OK;
        err->msg[0] = '\0';
    }
}

const char *osib_status_name(osib_status status)
{
    switch (status) {
    case OSIB_OK: return "ok";
    case OSIB_E_NONCONFORMANT: return "non-conformant";
    case OSIB_E_USAGE: return "usage";
    case OSIB_E_CASE: return "case";
    case OSIB_E_IO: return "io";
    case OSIB_E_NOMEM: return "memory";
    case OSIB_E_DATA: return "data";
    case OSIB_E_MISMATCH: return "mismatch";
    case OSIB_E_EXTERNAL: return "external";
    case OSIB_E_INTERNAL: return "internal";
    }
    return "unknown";
}

int osib_exit_code(osib_status status) { return (int)status; }
