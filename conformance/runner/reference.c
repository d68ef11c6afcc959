#include "reference.h"

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "backend_simple.h"
#include "case_setup.h"
#include "sysinfo.h"
#include "inputs.h"
#include "request.h"
#include "run.h"

static const osib_backend *backend_of(osib_reference_kind kind, const osib_backend *fast)
{
    return kind == OSIB_REF_FAST ? fast : &osib_backend_simple;
}

const char *osib_reference_name(osib_reference_kind kind)
{
    return kind == OSIB_REF_FAST ? "osib-cpu float64 (reference/cpu)" : "osib-ref float64 (reference/simple)";
}

osib_reference_kind osib_reference_for(const osib_case *c) { return c->oracle ? OSIB_REF_SIMPLE : OSIB_REF_FAST; }

/* The fast reference's own budget: most of the machine. Where the whole
 * history of a gradient does not fit, it checkpoints (reference/cpu/
 * README.md), which gives the same bits; the simple reference has no
 * budget. */
static double reference_budget(osib_reference_kind kind)
{
    const double mem = osib_physical_memory_bytes();
    return kind == OSIB_REF_FAST && mem > 0 ? 0.8 * mem : 0.0;
}

double osib_reference_bytes(osib_reference_kind kind, const osib_backend *fast, const osib_case *c, osib_op op)
{
    const osib_backend *b = backend_of(kind, fast);
    osib_setup s = osib_setup_sizes(c);
    s.memory_budget_bytes = reference_budget(kind); /* the case's binds the implementation, not the kit */
    return b ? (double)b->memory_bytes(&s, op) : 0.0;
}

osib_status osib_reference_run(osib_reference_kind kind, const osib_backend *fast, const osib_case *budgeted,
                               osib_op op, const double *const *inputs, double **out, osib_err *err)
{
    /* The case's memory budget binds the implementation under test, not the
     * kit's reference (a shallow copy: only read). */
    osib_case ours = *budgeted;
    ours.memory_budget_bytes = (long long)reference_budget(kind);
    const osib_case *c = &ours;
    const osib_backend *b = backend_of(kind, fast);
    for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++)
        out[i] = NULL;
    if (!b)
        return osib_fail(err, OSIB_E_USAGE,
                         "case %s has no oracle, and this program has no benchmark-size reference to judge it by",
                         c->id);
    osib_status st = osib_check_memory(b, c, op, err);
    if (st != OSIB_OK)
        return st;
    osib_inputs in = {0};
    const char *const *names = osib_case_input_names(c, op);
    for (int i = 0; names[i]; i++)
        *osib_inputs_slot(&in, names[i]) = (double *)inputs[i]; /* borrowed: not freed here */
    osib_case_setup cs = {0};
    osib_thomsen th;
    void *state = NULL;
    double *array = malloc(osib_output_count(c, op) * sizeof *array), objective = 0.0;
    if (!array)
        st = osib_fail(err, OSIB_E_NOMEM, "out of memory for the reference's output");
    if (st == OSIB_OK)
        st = osib_case_setup_init(&cs, c, err);
    if (st == OSIB_OK)
        st = osib_backend_open(b, &cs, in.vp, osib_inputs_thomsen(&in, c, &th), &state, err);
    if (st == OSIB_OK)
        st = osib_compute(b, state, op, &in, array, &objective, err);
    if (state)
        b->destroy(state);
    osib_case_setup_free(&cs);
    if (st == OSIB_OK && op == OSIB_OP_GRADIENT) {
        out[0] = malloc(sizeof(double));
        if (!out[0])
            st = osib_fail(err, OSIB_E_NOMEM, "out of memory");
        else {
            out[0][0] = objective;
            out[1] = array;
            array = NULL;
        }
    } else if (st == OSIB_OK) {
        out[0] = array;
        array = NULL;
    }
    free(array);
    if (st != OSIB_OK)
        for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++) {
            free(out[i]);
            out[i] = NULL;
        }
    if (st != OSIB_OK)
        osib_err_prefix(err, "the kit's reference (%s): ", osib_reference_name(kind));
    return st;
}
