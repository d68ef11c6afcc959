#include "reference.h"

#include <stddef.h>

#include "request.h"
#include "sysinfo.h"

static const osib_backend *backend_of(osib_reference_kind kind, const osib_yardstick *y)
{
    return !y ? NULL : kind == OSIB_REF_FAST ? y->fast : y->simple;
}

const char *osib_reference_name(osib_reference_kind kind)
{
    return kind == OSIB_REF_FAST ? "osib-cpu float64 (reference/cpu)" : "osib-ref float64 (reference/simple)";
}

osib_reference_kind osib_reference_for(const osib_case *c) { return c->oracle ? OSIB_REF_SIMPLE : OSIB_REF_FAST; }

int osib_reference_available(const osib_yardstick *y, osib_reference_kind kind)
{
    return backend_of(kind, y) != NULL && y->run && y->bytes;
}

/* The fast reference's own budget: most of the machine. Where the whole
 * history of a gradient does not fit, it checkpoints (reference/cpu/
 * README.md), which gives the same bits; the simple reference has no
 * budget. The case's budget binds the implementation under test, not the
 * kit's reference: the reference sees a shallow copy with its own. */
static osib_case own_budget(osib_reference_kind kind, const osib_case *c)
{
    osib_case ours = *c;
    const double mem = osib_physical_memory_bytes();
    ours.memory_budget_bytes = kind == OSIB_REF_FAST && mem > 0 ? (long long)(0.8 * mem) : 0;
    return ours;
}

double osib_reference_bytes(osib_reference_kind kind, const osib_yardstick *y, const osib_case *c, osib_op op)
{
    if (!osib_reference_available(y, kind))
        return 0.0;
    osib_case ours = own_budget(kind, c);
    return y->bytes(backend_of(kind, y), &ours, op);
}

osib_status osib_reference_run(osib_reference_kind kind, const osib_yardstick *y, const osib_case *c, osib_op op,
                               const double *const *inputs, double **out, osib_err *err)
{
    for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++)
        out[i] = NULL;
    if (!osib_reference_available(y, kind))
        return osib_fail(err, OSIB_E_USAGE,
                         "case %s has no oracle, and this program has no benchmark-size reference to judge it by",
                         c->id);
    osib_case ours = own_budget(kind, c);
    osib_status st = y->run(backend_of(kind, y), &ours, op, inputs, out, err);
    if (st != OSIB_OK)
        osib_err_prefix(err, "the kit's reference (%s): ", osib_reference_name(kind));
    return st;
}
