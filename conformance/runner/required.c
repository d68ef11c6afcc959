#include "required.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

static osib_status add(osib_required *r, osib_err *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static osib_status add(osib_required *r, osib_err *err, const char *fmt, ...)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        char(*grown)[160] = realloc(r->ids, cap * sizeof *grown);
        if (!grown)
            return osib_fail(err, OSIB_E_NOMEM, "out of memory");
        r->ids = grown;
        r->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->ids[r->n++], sizeof r->ids[0], fmt, ap);
    va_end(ap);
    return OSIB_OK;
}

/* e2, einf, the windowed error and (with precision) the precision floor of
 * every output of op; the objective, a single number, has e2 and einf. */
static osib_status outputs(osib_required *r, const char *gate, const char *id, osib_op op, int precision, osib_err *err)
{
    osib_status st = OSIB_OK;
    const char *const *names = osib_op_output_names(op);
    for (int i = 0; st == OSIB_OK && names[i]; i++) {
        const char *o = osib_op_name(op);
        int scalar = strcmp(names[i], "objective") == 0;
        st = add(r, err, "%s/%s/%s/%s/e2", gate, id, o, names[i]);
        if (st == OSIB_OK)
            st = add(r, err, "%s/%s/%s/%s/einf", gate, id, o, names[i]);
        if (st == OSIB_OK && !scalar)
            st = add(r, err, "%s/%s/%s/%s/ewin", gate, id, o, names[i]);
        if (st == OSIB_OK && precision && !scalar)
            st = add(r, err, "precision/%s/%s/%s/narrow", id, o, names[i]);
    }
    return st;
}

osib_status osib_required_checks(const osib_required_case *cases, int ncases, int repeat, int timed, osib_required *out,
                                 osib_err *err)
{
    memset(out, 0, sizeof *out);
    osib_status st = OSIB_OK;
    for (int k = 0; st == OSIB_OK && k < ncases; k++) {
        const osib_required_case *rc = &cases[k];
        const char *id = rc->c->id;
        const int *ops = rc->ops;
        for (int op = 0; st == OSIB_OK && rc->has_oracle && op < OSIB_OP_COUNT; op++) {
            if (!ops[op])
                continue;
            st = add(out, err, "oracle/%s/%s/completed", id, osib_op_name((osib_op)op));
            if (st == OSIB_OK)
                st = outputs(out, "oracle", id, (osib_op)op, 1, err);
            if (st == OSIB_OK)
                st = add(out, err, "challenge/%s/%s/completed", id, osib_op_name((osib_op)op));
            if (st == OSIB_OK)
                st = outputs(out, "challenge", id, (osib_op)op, 0, err);
        }
        /* dot tests: on a case with an oracle whenever one of the pair is
         * certified (the kit's reference stands in for the other); on a
         * benchmark case when both are */
        int f = ops[OSIB_OP_FORWARD], a = ops[OSIB_OP_ADJOINT];
        int j = ops[OSIB_OP_BORN], ja = ops[OSIB_OP_BORN_ADJOINT];
        if (st == OSIB_OK && (rc->has_oracle ? f || a : f && a))
            st = add(out, err, "dot/%s/F/mismatch", id);
        if (st == OSIB_OK && (rc->has_oracle ? j || ja : j && ja))
            st = add(out, err, "dot/%s/J/mismatch", id);
        if (st == OSIB_OK && f)
            st = add(out, err, "linearity/%s/forward/error", id);
        if (st == OSIB_OK && rc->has_oracle && ops[OSIB_OP_GRADIENT])
            st = add(out, err, "taylor/%s/gradient/derivative", id);
    }
    for (int k = 0; st == OSIB_OK && timed && k < ncases; k++) {
        const osib_required_case *rc = &cases[k];
        const char *id = rc->c->id;
        for (int op = 0; st == OSIB_OK && op < OSIB_OP_COUNT; op++) {
            if (!rc->ops[op])
                continue;
            const char *o = osib_op_name((osib_op)op);
            const char *const *names = osib_op_output_names((osib_op)op);
            for (int rep = 1; st == OSIB_OK && rep <= repeat; rep++) {
                st = add(out, err, "timing/%s/%s/rep%d-completed", id, o, rep);
                for (int i = 0; st == OSIB_OK && names[i]; i++)
                    st = strcmp(names[i], "objective") == 0
                             ? add(out, err, "timing/%s/%s/objective-rep%d/error", id, o, rep)
                             : add(out, err, "precision/%s/%s/%s-rep%d/narrow", id, o, names[i], rep);
            }
            for (int i = 0; st == OSIB_OK && names[i]; i++) {
                if (strcmp(names[i], "objective") == 0)
                    continue;
                st = add(out, err, "timing/%s/%s/%s/e2", id, o, names[i]);
                if (st == OSIB_OK)
                    st = add(out, err, "timing/%s/%s/%s/einf", id, o, names[i]);
                if (st == OSIB_OK)
                    st = add(out, err, "timing/%s/%s/%s/ewin", id, o, names[i]);
            }
        }
    }
    if (st == OSIB_OK)
        st = add(out, err, "kit/files/unchanged");
    if (st == OSIB_OK)
        st = add(out, err, "kit/impl-files/unchanged");
    if (st != OSIB_OK)
        osib_required_free(out);
    return st;
}

void osib_required_free(osib_required *r)
{
    free(r->ids);
    memset(r, 0, sizeof *r);
}

int osib_required_has(const osib_required *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->ids[i], id) == 0)
            return 1;
    return 0;
}
