#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void to_hex(const unsigned char *md, char hex[OSIB_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
}

/* A small streaming wrapper so the three entry points share one path. */
typedef struct {
    EVP_MD_CTX *ctx;
} sha256;

static osib_status sha_begin(sha256 *h, osib_err *err)
{
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(h->ctx);
        return osib_fail(err, OSIB_E_INTERNAL, "libcrypto: cannot initialise SHA-256");
    }
    return OSIB_OK;
}

static osib_status sha_update(sha256 *h, const void *data, size_t len, osib_err *err)
{
    if (EVP_DigestUpdate(h->ctx, data, len) != 1) {
        EVP_MD_CTX_free(h->ctx);
        return osib_fail(err, OSIB_E_INTERNAL, "libcrypto: SHA-256 update failed");
    }
    return OSIB_OK;
}

static osib_status sha_end(sha256 *h, char hex[OSIB_SHA256_HEX], osib_err *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int ok = EVP_DigestFinal_ex(h->ctx, md, &mdlen) == 1 && mdlen == 32;
    EVP_MD_CTX_free(h->ctx);
    if (!ok)
        return osib_fail(err, OSIB_E_INTERNAL, "libcrypto: SHA-256 final failed");
    to_hex(md, hex);
    return OSIB_OK;
}

osib_status osib_sha256_bytes(const void *data, size_t len, char hex[OSIB_SHA256_HEX], osib_err *err)
{
    sha256 h;
    osib_status st = sha_begin(&h, err);
    if (st == OSIB_OK)
        st = sha_update(&h, data, len, err);
    if (st == OSIB_OK)
        st = sha_end(&h, hex, err);
    return st;
}

osib_status osib_sha256_file_limited(const char *path, int no_follow, unsigned long long max_bytes,
                                     char hex[OSIB_SHA256_HEX], osib_err *err)
{
    /* Non-blocking open and fstat before reading: a FIFO, a device or a
     * link to /dev/zero where a file should be is refused, never read. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (no_follow ? O_NOFOLLOW : 0));
    if (fd < 0)
        return osib_fail(err, OSIB_E_IO, "%s: cannot open: %s", path,
                         no_follow && errno == ELOOP ? "a symbolic link" : strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return osib_fail(err, OSIB_E_IO, "%s: not a regular file", path);
    }
    if ((unsigned long long)sb.st_size > max_bytes) {
        close(fd);
        return osib_fail(err, OSIB_E_IO, "%s: %lld bytes, more than the %llu allowed here", path, (long long)sb.st_size,
                         max_bytes);
    }
    sha256 h;
    osib_status st = sha_begin(&h, err);
    unsigned char buf[1 << 16];
    unsigned long long total = 0;
    while (st == OSIB_OK) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            EVP_MD_CTX_free(h.ctx);
            st = osib_fail(err, OSIB_E_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (got == 0)
            break;
        total += (unsigned long long)got;
        if (total > max_bytes) { /* grew while read */
            EVP_MD_CTX_free(h.ctx);
            st = osib_fail(err, OSIB_E_IO, "%s: more than the %llu bytes allowed here", path, max_bytes);
            break;
        }
        st = sha_update(&h, buf, (size_t)got, err);
    }
    close(fd);
    if (st == OSIB_OK)
        st = sha_end(&h, hex, err);
    return st;
}

osib_status osib_sha256_file(const char *path, char hex[OSIB_SHA256_HEX], osib_err *err)
{
    return osib_sha256_file_limited(path, 0, ~0ULL, hex, err);
}

osib_status osib_sha256_doubles(const double *values, size_t count, char hex[OSIB_SHA256_HEX], osib_err *err)
{
    sha256 h;
    osib_status st = sha_begin(&h, err);
    /* Canonical bytes: binary64 little-endian, whatever this machine uses. */
    unsigned char buf[8 * 4096];
    size_t fill = 0;
    for (size_t i = 0; st == OSIB_OK && i < count; i++) {
        uint64_t bits;
        memcpy(&bits, &values[i], 8);
        for (int b = 0; b < 8; b++)
            buf[fill++] = (unsigned char)(bits >> (8 * b));
        if (fill == sizeof buf) {
            st = sha_update(&h, buf, fill, err);
            fill = 0;
        }
    }
    if (st == OSIB_OK && fill > 0)
        st = sha_update(&h, buf, fill, err);
    if (st == OSIB_OK)
        st = sha_end(&h, hex, err);
    return st;
}
