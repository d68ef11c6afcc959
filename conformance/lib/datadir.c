#include "datadir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void osib_kit_root(char *buf, size_t cap)
{
    const char *env = getenv("OSIB_ROOT");
    if (env && env[0]) {
        snprintf(buf, cap, "%s", env);
        return;
    }
    char dir[OSIB_PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    snprintf(buf, cap, ".");
    if (n <= 0)
        return;
    dir[n] = '\0';
    for (int up = 0; up < 6; up++) {
        char *slash = strrchr(dir, '/');
        if (!slash)
            return;
        *slash = '\0';
        char probe[OSIB_PATH_MAX + 16];
        snprintf(probe, sizeof probe, "%s/spec/cases", dir);
        if (access(probe, F_OK) == 0) {
            snprintf(buf, cap, "%s", dir[0] ? dir : "/");
            return;
        }
    }
}

int osib_data_dirs(char dirs[][OSIB_PATH_MAX], int max)
{
    int n = 0;
    const char *env = getenv("OSIB_DATA");
    while (env && *env && n < max) {
        const char *colon = strchr(env, ':');
        size_t len = colon ? (size_t)(colon - env) : strlen(env);
        if (len > 0 && len < OSIB_PATH_MAX) {
            memcpy(dirs[n], env, len);
            dirs[n][len] = '\0';
            n++;
        }
        env = colon ? colon + 1 : NULL;
    }
    char root[OSIB_PATH_MAX];
    osib_kit_root(root, sizeof root);
    if (n < max)
        snprintf(dirs[n++], OSIB_PATH_MAX, "%s/build/datasets", root);
    if (n < max)
        snprintf(dirs[n++], OSIB_PATH_MAX, "%s/../shared/data", root);
    return n;
}

void osib_data_default_dest(char *buf, size_t cap)
{
    char dirs[1][OSIB_PATH_MAX];
    const char *env = getenv("OSIB_DATA");
    if (env && env[0] && env[0] != ':' && osib_data_dirs(dirs, 1) == 1) {
        snprintf(buf, cap, "%s", dirs[0]);
        return;
    }
    char root[OSIB_PATH_MAX];
    osib_kit_root(root, sizeof root);
    snprintf(buf, cap, "%s/build/datasets", root);
}

osib_status osib_data_find(const char *dataset, const char *file, char *path, size_t cap, osib_err *err)
{
    char dirs[OSIB_MAX_DATA_DIRS][OSIB_PATH_MAX];
    int n = osib_data_dirs(dirs, OSIB_MAX_DATA_DIRS);
    char searched[OSIB_ERR_MSG_MAX] = "";
    for (int i = 0; i < n; i++) {
        struct stat sb;
        snprintf(path, cap, "%s/%s/%s", dirs[i], dataset, file);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
            return OSIB_OK;
        size_t used = strlen(searched);
        snprintf(searched + used, sizeof searched - used, "%s%s", i ? ", " : "", dirs[i]);
    }
    path[0] = '\0';
    return osib_fail(err, OSIB_E_IO,
                     "dataset file %s/%s not found in the data directories (%s): run `osib dataset fetch %s`, "
                     "or set OSIB_DATA to a directory holding %s/%s",
                     dataset, file, searched, dataset, dataset, file);
}
