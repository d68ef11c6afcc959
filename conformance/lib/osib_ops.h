/*
 * osib_ops.h - the operators every OSIB acoustic implementation provides,
 * with the names used in case files, requests, oracles and reports
 * (spec/acoustic.md, section "Operators").
 *
 *   forward       F   : source wavelets q           -> receiver data d
 *   adjoint       F^T : receiver data d             -> wavelets at the sources
 *   born          J   : model perturbation dm       -> receiver data
 *   born_adjoint  J^T : receiver data (residual)    -> image on the physical grid
 *   gradient          : observed data d_obs         -> objective Phi and its gradient
 */
#ifndef OSIB_OPS_H
#define OSIB_OPS_H

typedef enum {
    OSIB_OP_FORWARD = 0,
    OSIB_OP_ADJOINT,
    OSIB_OP_BORN,
    OSIB_OP_BORN_ADJOINT,
    OSIB_OP_GRADIENT,
    OSIB_OP_COUNT
} osib_op;

/* "forward", "adjoint", ... */
const char *osib_op_name(osib_op op);

/* The operator named s, or -1. */
int osib_op_parse(const char *s);

#endif
