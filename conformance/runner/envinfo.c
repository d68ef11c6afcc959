#include "envinfo.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "machine.h"
#include "sysinfo.h"

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* The value of the first line of path that starts with key, after ':' or '='. */
static int read_field(const char *path, const char *key, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[1024];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, strlen(key)) != 0)
            continue;
        char *v = strpbrk(line + strlen(key), ":=");
        if (!v)
            continue;
        v++;
        while (*v == ' ' || *v == '\t' || *v == '"')
            v++;
        trim(v);
        size_t n = strlen(v);
        if (n > 0 && v[n - 1] == '"')
            v[n - 1] = '\0';
        snprintf(out, cap, "%s", v);
        found = 1;
    }
    fclose(f);
    return found;
}

void osib_envinfo_fill(osib_report *r)
{
    if (!read_field("/proc/cpuinfo", "model name", r->cpu_model, sizeof r->cpu_model))
        snprintf(r->cpu_model, sizeof r->cpu_model, "unknown");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    r->cores = cores > 0 ? (int)cores : 0;
    r->memory_gib = osib_physical_memory_bytes() / 1073741824.0;
    if (!read_field("/etc/os-release", "PRETTY_NAME", r->os, sizeof r->os))
        snprintf(r->os, sizeof r->os, "unknown");
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(r->kernel, sizeof r->kernel, "%s %s %s", u.sysname, u.release, u.machine);
    else
        snprintf(r->kernel, sizeof r->kernel, "unknown");
#ifdef __VERSION__
    snprintf(r->compiler, sizeof r->compiler, "kit built with gcc %s", __VERSION__);
#else
    snprintf(r->compiler, sizeof r->compiler, "unknown");
#endif
    osib_caches caches = osib_machine_caches();
    osib_caches_describe(&caches, r->caches, sizeof r->caches);
    r->gpu[0] = '\0';
    FILE *p = popen("nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null", "r");
    if (p) {
        char line[256];
        size_t len = 0;
        while (fgets(line, sizeof line, p) && len < sizeof r->gpu - 1) {
            trim(line);
            len += (size_t)snprintf(r->gpu + len, sizeof r->gpu - len, "%s%s", len ? "; " : "", line);
        }
        pclose(p);
    }
}

void osib_utc_now(char *buf, size_t cap)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
