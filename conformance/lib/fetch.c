#include "fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"
#include "hash.h"

static long long file_size(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return -1;
    return (long long)sb.st_size;
}

/* Size and hash of a finished file against the expectations. */
static osib_status verify(const char *path, const char *url, long long expected_size, const char *expected_sha256,
                          osib_fetch_result *res, osib_err *err)
{
    long long size = file_size(path);
    res->bytes = size;
    if (expected_size >= 0 && size != expected_size)
        return osib_fail(err, OSIB_E_MISMATCH,
                         "%s: got %lld bytes, the registry says %lld (%s): the source is truncated or not the "
                         "registered file",
                         url, size, expected_size, size < expected_size ? "truncated" : "too long");
    osib_status st = osib_sha256_file(path, res->sha256, err);
    if (st != OSIB_OK)
        return st;
    if (expected_sha256 && expected_sha256[0] && strcmp(res->sha256, expected_sha256) != 0)
        return osib_fail(err, OSIB_E_MISMATCH,
                         "%s: SHA-256 %s, the registry says %s: a damaged or different file (not kept)", url,
                         res->sha256, expected_sha256);
    return OSIB_OK;
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *fp)
{
    return fwrite(data, size, nmemb, (FILE *)fp);
}

osib_status osib_fetch(const char *url, const char *dest, long long expected_size, const char *expected_sha256,
                       long timeout_s, osib_fetch_result *res, osib_err *err)
{
    memset(res, 0, sizeof *res);
    osib_status st;

    /* Already there and good: nothing to do. */
    if (file_size(dest) >= 0) {
        osib_err quiet = {0};
        if (verify(dest, dest, expected_size, expected_sha256, res, &quiet) == OSIB_OK) {
            res->already_present = 1;
            return OSIB_OK;
        }
        return osib_fail(err, OSIB_E_MISMATCH,
                         "%s exists but is not the registered file (%s); remove it to fetch again", dest, quiet.msg);
    }

    char part[OSIB_PATH_MAX];
    snprintf(part, sizeof part, "%s.part", dest);
    long long have = file_size(part);
    if (have < 0)
        have = 0;
    if (expected_size >= 0 && have > expected_size) {
        unlink(part); /* longer than the file can be: start again */
        have = 0;
    }
    res->resumed_from = have;

    FILE *fp = fopen(part, have > 0 ? "ab" : "wb");
    if (!fp)
        return osib_fail(err, OSIB_E_IO, "%s: cannot write: %s", part, strerror(errno));

    CURL *curl = curl_easy_init();
    if (!curl) {
        fclose(fp);
        return osib_fail(err, OSIB_E_INTERNAL, "libcurl could not start");
    }
    char curl_msg[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, fp);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_msg);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, timeout_s > 0 ? timeout_s : 30L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    /* Give up on a stalled transfer (under 1 byte/s for a minute); the
     * partial file stays for the next attempt. */
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,ftp,file");
    if (have > 0)
        curl_easy_setopt(curl, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)have);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_cleanup(curl);
    int close_failed = fclose(fp) != 0;

    if (rc == CURLE_RANGE_ERROR || rc == CURLE_BAD_DOWNLOAD_RESUME) {
        /* The source cannot resume from here (it is shorter than what we
         * hold, or ignores ranges): the partial file is useless. */
        unlink(part);
        return osib_fail(err, OSIB_E_MISMATCH,
                         "%s: cannot resume from byte %lld (%s): the source is shorter than the partial download or "
                         "changed; removed %s, run fetch again",
                         url, have, curl_msg[0] ? curl_msg : curl_easy_strerror(rc), part);
    }
    if (rc != CURLE_OK) {
        long long now = file_size(part);
        if (now == 0)
            unlink(part);
        return osib_fail(err, OSIB_E_IO,
                         "%s: %s%s; offline? download it on a connected machine and put it at %s (or set "
                         "OSIB_DATA to a directory holding it)%s",
                         url, curl_msg[0] ? curl_msg : curl_easy_strerror(rc),
                         now > 0 ? " (partial download kept)" : "", dest, now > 0 ? "; run fetch again to resume" : "");
    }
    if (close_failed)
        return osib_fail(err, OSIB_E_IO, "%s: write error", part);

    st = verify(part, url, expected_size, expected_sha256, res, err);
    if (st != OSIB_OK) {
        unlink(part);
        return st;
    }
    return osib_atomic_commit(part, dest, err);
}
