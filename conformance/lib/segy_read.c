#include "segy_read.h"

#include <errno.h>
#include <math.h>
#include <segyio/segy.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What segyio learnt from the headers. */
typedef struct {
    segy_file *fp;
    int format;
    int samples;
    long trace0;
    int trace_bsize;
    int traces;
} segy_info;

static osib_status segy_open_info(const char *path, int little_endian, segy_info *s, osib_err *err)
{
    memset(s, 0, sizeof *s);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return osib_fail(err, OSIB_E_IO, "%s: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return osib_fail(err, OSIB_E_IO, "%s: not a regular file", path);
    /* Text header, binary header and at least one trace header. */
    if (sb.st_size < SEGY_TEXT_HEADER_SIZE + SEGY_BINARY_HEADER_SIZE + SEGY_TRACE_HEADER_SIZE)
        return osib_fail(err, OSIB_E_IO, "%s: %lld bytes is too short for a SEG-Y file (truncated?)", path,
                         (long long)sb.st_size);
    s->fp = segy_open(path, "rb");
    if (!s->fp)
        return osib_fail(err, OSIB_E_IO, "%s: cannot open", path);
    char bin[SEGY_BINARY_HEADER_SIZE];
    if (segy_binheader(s->fp, bin) != SEGY_OK) {
        segy_close(s->fp);
        return osib_fail(err, OSIB_E_IO, "%s: cannot read the SEG-Y binary header", path);
    }
    s->format = segy_format(bin);
    s->samples = segy_samples(bin);
    s->trace0 = segy_trace0(bin);
    /* Only 4-byte floats: a velocity model in integers would need a scale
     * this kit would have to guess. */
    if (s->format != SEGY_IBM_FLOAT_4_BYTE && s->format != SEGY_IEEE_FLOAT_4_BYTE) {
        segy_close(s->fp);
        return osib_fail(err, OSIB_E_DATA,
                         "%s: SEG-Y sample format code %d is not supported (1: IBM float, 5: IEEE float); "
                         "not a SEG-Y file, or the wrong byte order?",
                         path, s->format);
    }
    if (s->samples <= 0 || s->samples > 1000000 || s->trace0 < SEGY_TEXT_HEADER_SIZE + SEGY_BINARY_HEADER_SIZE) {
        segy_close(s->fp);
        return osib_fail(err, OSIB_E_DATA, "%s: SEG-Y binary header gives %d samples per trace: not a SEG-Y model",
                         path, s->samples);
    }
    if (segy_set_format(s->fp, s->format | (little_endian ? SEGY_LSB : SEGY_MSB)) != SEGY_OK) {
        segy_close(s->fp);
        return osib_fail(err, OSIB_E_DATA, "%s: segyio refuses sample format %d", path, s->format);
    }
    s->trace_bsize = segy_trsize(s->format, s->samples);
    int rc = segy_traces(s->fp, &s->traces, s->trace0, s->trace_bsize);
    if (rc != SEGY_OK) {
        segy_close(s->fp);
        long long body = (long long)sb.st_size - s->trace0;
        long long per = (long long)s->trace_bsize + SEGY_TRACE_HEADER_SIZE;
        if (rc == SEGY_TRACE_SIZE_MISMATCH)
            return osib_fail(err, OSIB_E_IO,
                             "%s: %lld bytes after the headers is not a whole number of %lld-byte traces "
                             "(%d samples): truncated file?",
                             path, body, per, s->samples);
        return osib_fail(err, OSIB_E_IO, "%s: cannot count the SEG-Y traces (segyio error %d)", path, rc);
    }
    return OSIB_OK;
}

osib_status osib_segy_probe(const char *path, int little_endian, size_t *ntraces, size_t *nsamples, int *format,
                            osib_err *err)
{
    segy_info s;
    osib_status st = segy_open_info(path, little_endian, &s, err);
    if (st != OSIB_OK)
        return st;
    *ntraces = (size_t)s.traces;
    *nsamples = (size_t)s.samples;
    if (format)
        *format = s.format;
    segy_close(s.fp);
    return OSIB_OK;
}

osib_status osib_segy_read(const char *path, int little_endian, size_t ntraces, size_t nsamples, double *out,
                           osib_err *err)
{
    segy_info s;
    osib_status st = segy_open_info(path, little_endian, &s, err);
    if (st != OSIB_OK)
        return st;
    if ((size_t)s.samples != nsamples || (size_t)s.traces != ntraces) {
        segy_close(s.fp);
        return osib_fail(err, OSIB_E_DATA, "%s: SEG-Y file has %d traces of %d samples, expected %zu traces of %zu",
                         path, s.traces, s.samples, ntraces, nsamples);
    }
    float *buf = malloc(nsamples * sizeof *buf);
    if (!buf) {
        segy_close(s.fp);
        return osib_fail(err, OSIB_E_NOMEM, "%s: out of memory for one trace", path);
    }
    for (size_t t = 0; t < ntraces && st == OSIB_OK; t++) {
        int rc = segy_readtrace(s.fp, (int)t, buf, s.trace0, s.trace_bsize);
        if (rc == SEGY_OK)
            rc = segy_to_native(s.format, (long long)nsamples, buf);
        if (rc != SEGY_OK) {
            st = osib_fail(err, OSIB_E_IO, "%s: cannot read trace %zu (segyio error %d)", path, t, rc);
            break;
        }
        for (size_t k = 0; k < nsamples; k++) {
            if (!isfinite(buf[k])) {
                st = osib_fail(err, OSIB_E_DATA, "%s: trace %zu sample %zu is not finite", path, t, k);
                break;
            }
            out[t * nsamples + k] = (double)buf[k];
        }
    }
    free(buf);
    segy_close(s.fp);
    return st;
}
