/* case_yaml.c - write a case back as YAML (see case.h). */
#include <stdio.h>
#include <string.h>

#include "case.h"

static void num(FILE *out, double v)
{
    char b[48];
    osib_format_yaml_double(v, b, sizeof b);
    fputs(b, out);
}

static void num_list(FILE *out, const double *v, int n)
{
    fputc('[', out);
    for (int i = 0; i < n; i++) {
        if (i)
            fputs(", ", out);
        num(out, v[i]);
    }
    fputc(']', out);
}

static void points(FILE *out, const char *indent, const char *key, const osib_points *p, int ndim)
{
    fprintf(out, "%s%s:\n", indent, key);
    if (p->kind == OSIB_POINTS_LATTICE) {
        fprintf(out, "%s  lattice:\n", indent);
        for (int d = 0; d < ndim; d++) {
            fprintf(out, "%s    - [", indent);
            num(out, p->axis[d].start_m);
            fputs(", ", out);
            num(out, p->axis[d].end_m);
            fprintf(out, ", %zu]\n", p->axis[d].count);
        }
        return;
    }
    fprintf(out, "%s  points:\n", indent);
    for (size_t i = 0; i < p->count; i++) {
        fprintf(out, "%s    - ", indent);
        num_list(out, p->list_m + i * (size_t)ndim, ndim);
        fputc('\n', out);
    }
}

osib_status osib_case_write_yaml(const osib_case *c, FILE *out, const char *indent, osib_err *err)
{
    const char *in = indent ? indent : "";
    fprintf(out, "%sosib_case: %d\n", in, OSIB_CASE_SCHEMA);
    fprintf(out, "%sid: %s\n", in, c->id);
    fprintf(out, "%sphysics: acoustic-iso\n", in);
    fprintf(out, "%sdimensions: %d\n", in, c->ndim);
    fprintf(out, "%sspace_order: %d\n", in, c->space_order);
    fprintf(out, "%sgrid:\n%s  shape: [", in, in);
    for (int d = 0; d < c->ndim; d++)
        fprintf(out, "%s%zu", d ? ", " : "", c->shape[d]);
    fprintf(out, "]\n%s  spacing_m: ", in);
    num_list(out, c->spacing_m, c->ndim);
    fprintf(out, "\n%s  origin_m: ", in);
    num_list(out, c->origin_m, c->ndim);
    fprintf(out, "\n%s  nbl: %d\n", in, c->nbl);
    fprintf(out, "%stime:\n%s  dt_ms: ", in, in);
    num(out, c->dt_ms);
    fprintf(out, "\n%s  nt: %zu\n", in, c->nt);
    fprintf(out, "%smodel:\n", in);
    if (c->model.kind == OSIB_MODEL_CONSTANT) {
        fprintf(out, "%s  preset: constant\n%s  vp_kms: ", in, in);
        num(out, c->model.vp_kms);
        fputc('\n', out);
    } else {
        fprintf(out, "%s  preset: layers-isotropic\n%s  vp_top_kms: ", in, in);
        num(out, c->model.vp_top_kms);
        fprintf(out, "\n%s  vp_bottom_kms: ", in);
        num(out, c->model.vp_bottom_kms);
        fprintf(out, "\n%s  nlayers: %d\n", in, c->model.nlayers);
    }
    fprintf(out, "%swavelet:\n%s  kind: ricker\n%s  f0_khz: ", in, in, in);
    num(out, c->f0_khz);
    fprintf(out, "\n%s  t0_ms: ", in);
    num(out, c->t0_ms);
    fprintf(out, "\n%s  amplitude: ", in);
    num(out, c->amplitude);
    fputc('\n', out);
    points(out, in, "sources", &c->sources, c->ndim);
    points(out, in, "receivers", &c->receivers, c->ndim);
    if (ferror(out))
        return osib_fail(err, OSIB_E_IO, "error writing case %s as YAML", c->id);
    return OSIB_OK;
}
