/*
 * cpu_histfile.c - the history file (cpu_histfile.h).
 */
#define _GNU_SOURCE /* O_TMPFILE, O_DIRECT */
#include "cpu_histfile.h"

#include <aio.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cpu_histfile {
    int fd, direct, nslots;
    size_t level_bytes;
    char dir[PATH_MAX];
    struct aiocb *cb; /* per slot */
    int *busy;        /* per slot: an operation in flight */
};

/* An unnamed file in dir: O_TMPFILE where the file system has it, else a
 * name removed at once. */
static int open_unnamed(const char *dir, int flags)
{
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC | flags, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != ENOENT))
        return fd;
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/osib-history-XXXXXX", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = mkostemp(path, O_CLOEXEC | flags);
    if (fd >= 0)
        unlink(path);
    return fd;
}

osib_status cpu_histfile_open(cpu_histfile **out, const char *dir, size_t level_bytes, int nslots, osib_err *err)
{
    *out = NULL;
    if (level_bytes % 4096 != 0 || nslots < 1)
        return osib_fail(err, OSIB_E_INTERNAL, "history file: levels of %zu bytes, %d slots", level_bytes, nslots);
    cpu_histfile *s = calloc(1, sizeof *s);
    if (!s)
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    s->cb = calloc((size_t)nslots, sizeof *s->cb);
    s->busy = calloc((size_t)nslots, sizeof *s->busy);
    if (!s->cb || !s->busy) {
        cpu_histfile_close(s);
        return osib_fail(err, OSIB_E_NOMEM, "out of memory");
    }
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    s->level_bytes = level_bytes;
    s->nslots = nslots;
    s->direct = 1;
    s->fd = open_unnamed(dir, O_DIRECT);
    if (s->fd < 0 && errno == EINVAL) { /* no O_DIRECT here (tmpfs): through the page cache */
        s->direct = 0;
        s->fd = open_unnamed(dir, 0);
    }
    if (s->fd < 0) {
        int e = errno;
        cpu_histfile_close(s);
        return osib_fail(err, OSIB_E_IO, "cannot create the history file in %s: %s", dir, strerror(e));
    }
    *out = s;
    return OSIB_OK;
}

void cpu_histfile_close(cpu_histfile *s)
{
    if (!s)
        return;
    for (int k = 0; s->cb && s->busy && k < s->nslots; k++)
        if (s->busy[k]) { /* an error path: cancel, then wait, so that no buffer is written after free */
            aio_cancel(s->fd, &s->cb[k]);
            const struct aiocb *list[1] = {&s->cb[k]};
            while (aio_error(&s->cb[k]) == EINPROGRESS)
                aio_suspend(list, 1, NULL);
        }
    if (s->fd >= 0)
        close(s->fd);
    free(s->cb);
    free(s->busy);
    free(s);
}

static osib_status submit(cpu_histfile *s, int k, size_t level, void *buf, int write, osib_err *err)
{
    if (s->busy[k])
        return osib_fail(err, OSIB_E_INTERNAL, "history file: slot %d is busy", k);
    struct aiocb *cb = &s->cb[k];
    memset(cb, 0, sizeof *cb);
    cb->aio_fildes = s->fd;
    cb->aio_buf = buf;
    cb->aio_nbytes = s->level_bytes;
    cb->aio_offset = (off_t)(level * s->level_bytes);
    if ((write ? aio_write(cb) : aio_read(cb)) != 0)
        return osib_fail(err, OSIB_E_IO, "history file in %s: %s", s->dir, strerror(errno));
    s->busy[k] = 1;
    return OSIB_OK;
}

osib_status cpu_histfile_write(cpu_histfile *s, int k, size_t level, const void *buf, osib_err *err)
{
    return submit(s, k, level, (void *)buf, 1, err);
}

osib_status cpu_histfile_read(cpu_histfile *s, int k, size_t level, void *buf, osib_err *err)
{
    return submit(s, k, level, buf, 0, err);
}

osib_status cpu_histfile_wait(cpu_histfile *s, int k, osib_err *err)
{
    if (!s->busy[k])
        return OSIB_OK;
    struct aiocb *cb = &s->cb[k];
    const struct aiocb *list[1] = {cb};
    int e;
    while ((e = aio_error(cb)) == EINPROGRESS)
        aio_suspend(list, 1, NULL);
    ssize_t n = aio_return(cb);
    s->busy[k] = 0;
    if (e != 0)
        return osib_fail(err, OSIB_E_IO, "history file in %s: %s", s->dir, strerror(e));
    if (n != (ssize_t)s->level_bytes)
        return osib_fail(err, OSIB_E_IO, "history file in %s: %zd of %zu bytes moved (disk full?)", s->dir, n,
                         s->level_bytes);
    return OSIB_OK;
}

int cpu_histfile_direct(const cpu_histfile *s) { return s->direct; }
