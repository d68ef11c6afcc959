#include "osib_ops.h"

#include <string.h>

static const char *const names[OSIB_OP_COUNT] = {"forward", "adjoint", "born", "born_adjoint", "gradient"};

const char *osib_op_name(osib_op op)
{
    if ((int)op < 0 || op >= OSIB_OP_COUNT)
        return "?";
    return names[op];
}

int osib_op_parse(const char *s)
{
    for (int i = 0; i < OSIB_OP_COUNT; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}
