#include "fileutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

osib_status osib_atomic_tmpname(const char *final_path, char *tmp, size_t cap, osib_err *err)
{
    /* Renaming over a device, a directory or a pipe would replace it with a
     * regular file (think /dev/stdout): refuse anything but a regular file. */
    struct stat sb;
    if (lstat(final_path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return osib_fail(err, OSIB_E_IO, "%s exists and is not a regular file: refusing to replace it", final_path);
    int n = snprintf(tmp, cap, "%s.tmp.%ld", final_path, (long)getpid());
    if (n < 0 || (size_t)n >= cap)
        return osib_fail(err, OSIB_E_IO, "%s: path too long", final_path);
    return OSIB_OK;
}

osib_status osib_atomic_commit(const char *tmp, const char *final_path, osib_err *err)
{
    if (rename(tmp, final_path) != 0) {
        int e = errno;
        unlink(tmp);
        return osib_fail(err, OSIB_E_IO, "%s: cannot rename into place: %s", final_path, strerror(e));
    }
    return OSIB_OK;
}

void osib_atomic_abort(const char *tmp) { unlink(tmp); }

osib_status osib_write_text_atomic(const char *path, const char *text, size_t len, osib_err *err)
{
    char tmp[OSIB_PATH_MAX];
    osib_status st = osib_atomic_tmpname(path, tmp, sizeof tmp, err);
    if (st != OSIB_OK)
        return st;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return osib_fail(err, OSIB_E_IO, "%s: cannot create: %s", tmp, strerror(errno));
    int ok = fwrite(text, 1, len, f) == len;
    ok = (fflush(f) == 0) && ok;
    ok = (fsync(fileno(f)) == 0 || errno == EINVAL) && ok;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        osib_atomic_abort(tmp);
        return osib_fail(err, OSIB_E_IO, "%s: write failed", path);
    }
    return osib_atomic_commit(tmp, path, err);
}

osib_status osib_mkdir_p(const char *path, osib_err *err)
{
    char buf[OSIB_PATH_MAX];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf)
        return osib_fail(err, OSIB_E_IO, "bad directory path \"%s\"", path);
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char saved = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return osib_fail(err, OSIB_E_IO, "%s: cannot create directory: %s", buf, strerror(errno));
            buf[i] = saved;
        }
    }
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return osib_fail(err, OSIB_E_IO, "%s: not a directory", path);
    return OSIB_OK;
}
