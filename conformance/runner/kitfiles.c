#include "kitfiles.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"
#include "hash.h"
#include "version.h"

osib_status osib_kit_manifest_check(const char *kit_root, osib_err *err)
{
    char path[OSIB_PATH_MAX], hex[OSIB_SHA256_HEX];
    snprintf(path, sizeof path, "%s/oracles/MANIFEST", kit_root);
    osib_status st = osib_sha256_file(path, hex, err);
    if (st != OSIB_OK)
        return st;
    if (strcmp(hex, osib_oracle_manifest_sha256()) != 0)
        return osib_fail(err, OSIB_E_MISMATCH,
                         "%s hashes to %.16s..., not to the %.16s... this kit was built with: the oracles were changed "
                         "after the build (restore them, or rebuild the kit if you regenerated them)",
                         path, hex, osib_oracle_manifest_sha256());
    return OSIB_OK;
}

static void add(osib_kit_snapshot *s, const char *shown, const char *path)
{
    if (s->n >= OSIB_KIT_MAX_FILES)
        return;
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->files[i].path, shown) == 0)
            return;
    osib_kit_file *f = &s->files[s->n++];
    snprintf(f->path, sizeof f->path, "%s", shown);
    if (osib_sha256_file(path, f->sha256, NULL) != OSIB_OK)
        snprintf(f->sha256, sizeof f->sha256, "unreadable");
}

osib_status osib_kit_snapshot_take(osib_kit_snapshot *s, const char *kit_root, const osib_case *cases, int ncases,
                                   osib_err *err)
{
    (void)err;
    memset(s, 0, sizeof *s);
    char path[OSIB_PATH_MAX], shown[320];
    snprintf(path, sizeof path, "%s/oracles/MANIFEST", kit_root);
    add(s, "oracles/MANIFEST", path);
    for (int i = 0; i < ncases; i++) {
        if (cases[i].oracle) {
            snprintf(shown, sizeof shown, "oracles/%s.h5", cases[i].id);
            snprintf(path, sizeof path, "%s/%s", kit_root, shown);
            add(s, shown, path);
        }
        add(s, cases[i].path, cases[i].path);
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        add(s, exe, exe); /* the path: a replaced binary is a new file there */
    }
    return OSIB_OK;
}

void osib_files_snapshot_take(osib_kit_snapshot *s, const char *const *paths, int n)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < n; i++)
        add(s, paths[i], paths[i]);
}

int osib_kit_snapshot_diff(const osib_kit_snapshot *before, const osib_kit_snapshot *after, char *what, size_t cap)
{
    int diffs = 0;
    if (cap)
        what[0] = '\0';
    for (int i = 0; i < before->n; i++) {
        const osib_kit_file *b = &before->files[i];
        const osib_kit_file *a = NULL;
        for (int j = 0; j < after->n && !a; j++)
            if (strcmp(after->files[j].path, b->path) == 0)
                a = &after->files[j];
        if (a && strcmp(a->sha256, b->sha256) == 0)
            continue;
        if (diffs++ == 0 && cap)
            snprintf(what, cap, "%s changed during the run (SHA-256 %.12s... before, %.12s... after)", b->path,
                     b->sha256, a ? a->sha256 : "missing");
    }
    return diffs;
}
