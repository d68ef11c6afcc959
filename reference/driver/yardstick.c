#include "yardstick.h"

#include <stdlib.h>

#include "case_setup.h"
#include "inputs.h"
#include "request.h"
#include "run.h"

double osib_yardstick_bytes(const osib_backend *b, const osib_case *c, osib_op op)
{
    osib_setup s = osib_setup_sizes(c);
    return (double)b->memory_bytes(&s, op);
}

osib_status osib_yardstick_run(const osib_backend *b, const osib_case *c, osib_op op, const double *const *inputs,
                               double **out, osib_err *err)
{
    for (int i = 0; i < OSIB_REQ_MAX_OUTPUTS; i++)
        out[i] = NULL;
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
    return st;
}
