#include "cpu_tune.h"

#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend_cpu.h"
#include "cpu_operators.h"
#include "cpu_sweep.h"
#include "machine.h"
#include "sysinfo.h"

/* Steps per trial measurement: a whole number of blocks for every K tried
 * (1, 2, 4, 8). */
enum { TRIAL_STEPS = 8, TRIAL_ROUNDS = 2, MAX_CANDIDATES = 8 };

int cpu_tune_mode_parse(const char *text, cpu_tune_mode *mode)
{
    static const char *const names[] = {"auto", "trial", "rule", "fixed"};
    for (int i = 0; i < 4; i++)
        if (strcmp(text, names[i]) == 0) {
            *mode = (cpu_tune_mode)i;
            return 0;
        }
    return -1;
}

size_t cpu_tune_fixed_window(void) { return CPU_WAVEFRONT_BYTES; }

size_t cpu_tune_rule_window(size_t l2_bytes)
{
    if (l2_bytes == 0)
        return CPU_WAVEFRONT_BYTES;
    const size_t w = l2_bytes / 8 * 11, lo = 256u << 10, hi = 8u << 20;
    return w < lo ? lo : (w > hi ? hi : w);
}

/* K by the space order: the planes a wavefront keeps, (K + 1) so/2 + 1 per
 * field, near 21 (backend_cpu.h). */
static int rule_time_block(const cpu_problem *p)
{
    const int half = p->half > 0 ? p->half : 1, k = CPU_RULE_PLANES / half;
    return k < 1 ? 1 : (k > CPU_RULE_MAX_TIME_BLOCK ? CPU_RULE_MAX_TIME_BLOCK : k);
}

/* ---------------------------------------------------------------------------
 * The cache file
 * ------------------------------------------------------------------------- */

static int cache_path(char *buf, size_t cap)
{
    const char *env = getenv("OSIB_CPU_TUNE_CACHE");
    if (env)
        return strcmp(env, "off") == 0 || !env[0] ? -1 : (snprintf(buf, cap, "%s", env) < (int)cap ? 0 : -1);
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(buf, cap, "%s/osib/cpu-tune.txt", xdg);
    else if (home && home[0] == '/')
        n = snprintf(buf, cap, "%s/.cache/osib/cpu-tune.txt", home);
    else
        return -1;
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* mkdir -p of the directory of a file path. */
static void make_parent(const char *path)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return;
    *slash = '\0';
    for (char *s = dir + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(dir, 0755);
            *s = '/';
        }
    mkdir(dir, 0755);
}

/* This machine and shape, as one word: the CPU's model name (spaces made
 * '_'), its caches, the threads, the order, the stored extents, the
 * precision. */
static void cache_key(const cpu_problem *p, char *key, size_t cap)
{
    char model[128] = "unknown", line[512];
    FILE *f = fopen("/proc/cpuinfo", "re");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0) {
            const char *colon = strchr(line, ':');
            if (colon) {
                snprintf(model, sizeof model, "%s", colon + (colon[1] == ' ' ? 2 : 1));
                model[strcspn(model, "\n")] = '\0';
            }
            break;
        }
    if (f)
        fclose(f);
    for (char *c = model; *c; c++)
        if (*c == ' ' || *c == '\t' || *c == '|' || *c == '=')
            *c = '_';
    const osib_caches mc = osib_machine_caches();
    snprintf(key, cap, "%s|l1d=%zu|l2=%zu|l3=%zu|threads=%d|so=%d|ext=%zux%zux%zu|real=%zu", model, mc.l1d_bytes,
             mc.l2_bytes, mc.l3_bytes, omp_get_max_threads(), 2 * p->half, p->ext[0], p->ext[1], p->ext[2],
             sizeof(cpu_real));
}

/* The last line for key: 0 with K and W set, or -1. */
static int cache_read(const char *path, const char *key, int *k, size_t *w, double *gpts)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char line[1024];
    const size_t klen = strlen(key);
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "key=", 4) != 0 || strncmp(line + 4, key, klen) != 0 || line[4 + klen] != ' ')
            continue;
        int kk;
        size_t ww;
        double g = 0.0;
        if (sscanf(line + 4 + klen, " time_block=%d window_bytes=%zu gpts=%lf", &kk, &ww, &g) >= 2 && kk >= 1 &&
            kk <= CPU_MAX_TIME_BLOCK && ww >= 1024 && ww <= (1u << 30)) {
            *k = kk;
            *w = ww;
            *gpts = g;
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/* Appends one line (one write with O_APPEND: lines of concurrent runs do
 * not interleave). */
static int cache_write(const char *path, const char *key, int k, size_t w, double gpts, double trial_s)
{
    make_parent(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    char line[1024];
    struct stat sb;
    int n = 0;
    if (fstat(fd, &sb) == 0 && sb.st_size == 0)
        n = snprintf(line, sizeof line,
                     "# osib-cpu's tuning cache (reference/cpu/cpu_tune.h): one line per machine and case shape, "
                     "the last one for a key wins; delete this file to tune again\n");
    n += snprintf(line + n, sizeof line - (size_t)n, "key=%s time_block=%d window_bytes=%zu gpts=%.4f trial_s=%.2f\n",
                  key, k, w, gpts, trial_s);
    const int ok = n > 0 && (size_t)n < sizeof line && write(fd, line, (size_t)n) == (ssize_t)n;
    return close(fd) == 0 && ok ? 0 : -1;
}

/* ---------------------------------------------------------------------------
 * The trial
 * ------------------------------------------------------------------------- */

typedef struct {
    int k;
    size_t w;
    double seconds; /* the faster of its measurements */
} candidate;

static double measure(cpu_problem *p, cpu_sweep *sw, int k, size_t w)
{
    p->time_block = k;
    p->window_bytes = w;
    sw->time_block = k;
    const double t0 = osib_now_seconds();
    cpu_sweep_run_steps(p, sw, 0, TRIAL_STEPS);
    return osib_now_seconds() - t0;
}

/* Measures every candidate TRIAL_ROUNDS times, alternated; returns the
 * index of the fastest, and appends each one's time to log ("K 4 0.281 s"
 * or "2.75 MiB 0.281 s", as what the race varies). */
static int race(cpu_problem *p, cpu_sweep *sw, candidate *c, int n, int by_window, char *log, size_t cap)
{
    for (int r = 0; r < TRIAL_ROUNDS; r++)
        for (int i = 0; i < n; i++) {
            const double s = measure(p, sw, c[i].k, c[i].w);
            if (r == 0 || s < c[i].seconds)
                c[i].seconds = s;
        }
    int best = 0;
    for (int i = 0; i < n; i++) {
        if (c[i].seconds < c[best].seconds)
            best = i;
        const size_t used = strlen(log);
        if (by_window)
            snprintf(log + used, cap - used, "%s%.2f MiB %.3f s", used ? ", " : "", c[i].w / 1048576.0, c[i].seconds);
        else
            snprintf(log + used, cap - used, "%sK %d %.3f s", used ? ", " : "", c[i].k, c[i].seconds);
    }
    return best;
}

static int add_k(candidate *c, int n, int k, size_t w)
{
    if (k < 1 || k > CPU_RULE_MAX_TIME_BLOCK || TRIAL_STEPS % k != 0)
        return n;
    for (int i = 0; i < n; i++)
        if (c[i].k == k && c[i].w == w)
            return n;
    c[n] = (candidate){k, w, 0.0};
    return n + 1;
}

/* Runs the trial; returns 0 with *k, *w and the rate measured, or -1
 * where its arrays cannot be had. */
static int trial(cpu_problem *p, int k0, size_t w0, int k_given, int w_given, int *k, size_t *w, double *gpts,
                 double *seconds, char *log, size_t cap)
{
    const double t_start = osib_now_seconds();
    cpu_real *ring0 = cpu_field_alloc(p), *ring1 = cpu_field_alloc(p);
    double *zeros = calloc(p->nt * (p->src.npoint ? p->src.npoint : 1), sizeof *zeros);
    if (!ring0 || !ring1 || !zeros) {
        free(ring0);
        free(ring1);
        free(zeros);
        return -1;
    }
    cpu_zero_field(p, ring0);
    cpu_zero_field(p, ring1);
    cpu_sweep sw = {.ring = {ring0, ring1}, .inject = &p->src, .inject_values = zeros, .time_block = k0};
    measure(p, &sw, k0, w0); /* warm: the first sweep's page and cache misses */

    candidate c[MAX_CANDIDATES];
    int n = 0, best;
    if (!k_given) {
        n = add_k(c, n, k0, w0);
        n = add_k(c, n, 1, w0);
        n = add_k(c, n, k0 / 2, w0);
        n = add_k(c, n, 2 * k0, w0);
        best = race(p, &sw, c, n, 0, log, cap);
        *k = c[best].k;
    } else
        *k = k0;
    *w = w0;
    if (!w_given && *k > 1) {
        n = 0;
        n = add_k(c, n, *k, w0);
        n = add_k(c, n, *k, w0 / 2);
        n = add_k(c, n, *k, 2 * w0);
        n = add_k(c, n, *k, CPU_WAVEFRONT_BYTES);
        best = race(p, &sw, c, n, 1, log, cap);
        *w = c[best].w;
    }
    /* The rate of the choice, for the cache line and the note. */
    const double s = measure(p, &sw, *k, *w);
    const double pts = (double)p->N[0] * (double)p->N[1] * (double)p->N[2] * TRIAL_STEPS;
    *gpts = s > 0.0 ? pts / s / 1e9 : 0.0;
    free(ring0);
    free(ring1);
    free(zeros);
    *seconds = osib_now_seconds() - t_start;
    return 0;
}

void cpu_tune_choose(cpu_problem *p, cpu_tune_mode mode, int k_given, int tile_given)
{
    const int k0 = k_given > 0 ? k_given : rule_time_block(p);
    const size_t fixed = CPU_WAVEFRONT_BYTES, rule = cpu_tune_rule_window(osib_machine_caches().l2_bytes);
    int k = k0;
    size_t w = mode == CPU_TUNE_FIXED ? fixed : rule;
    const char *whence = mode == CPU_TUNE_FIXED ? "the fixed rule" : "the rule from this machine's caches";
    char extra[320] = "", log[256] = "";
    if (p->ndim == 3 && !p->tti && (mode == CPU_TUNE_AUTO || mode == CPU_TUNE_TRIAL) && !(k_given && tile_given)) {
        char path[512], key[512];
        const int have_path = cache_path(path, sizeof path) == 0;
        cache_key(p, key, sizeof key);
        int ck;
        size_t cw;
        double g, secs;
        const int long_run = 10.0 * TRIAL_ROUNDS * MAX_CANDIDATES * TRIAL_STEPS <= (double)(p->nt - 2);
        if (mode == CPU_TUNE_AUTO && have_path && cache_read(path, key, &ck, &cw, &g) == 0) {
            k = k_given ? k_given : ck;
            w = cw;
            whence = "this machine's tuning cache";
            snprintf(extra, sizeof extra, " (%s)", path);
        } else if ((mode == CPU_TUNE_TRIAL || long_run) &&
                   trial(p, k0, rule, k_given, tile_given, &k, &w, &g, &secs, log, sizeof log) == 0) {
            whence = "a trial";
            const int saved = have_path && !k_given && !tile_given && cache_write(path, key, k, w, g, secs) == 0;
            snprintf(extra, sizeof extra, " (%.2f s, %.3f GPts/s; %s%s; %d steps each, fastest of %d: %s)", secs, g,
                     saved                                  ? "saved to "
                     : have_path && !k_given && !tile_given ? "not saved: cannot write "
                                                            : "not saved",
                     saved || (have_path && !k_given && !tile_given) ? path : "", TRIAL_STEPS, TRIAL_ROUNDS, log);
        }
    }
    p->time_block = k_given ? k_given : k;
    p->window_bytes = w;
    if (p->ndim == 3 && !p->tti)
        snprintf(p->tune_note, sizeof p->tune_note, "blocking: K %d, window %.2f MiB%s, from %s%s", p->time_block,
                 w / 1048576.0, tile_given ? " (tile rows given)" : "", whence, extra);
}
