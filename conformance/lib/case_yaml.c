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

static void key_num(FILE *out, const char *in, const char *key, double v)
{
    fprintf(out, "%s  %s: ", in, key);
    num(out, v);
    fputc('\n', out);
}

static void dataset_model(FILE *out, const char *in, const osib_case *c)
{
    const osib_model *m = &c->model;
    const osib_model_layout *s = &m->source;
    const int nd = s->ndim;
    fprintf(out, "%s  preset: dataset\n%s  dataset: %s\n%s  file: \"%s\"\n", in, in, m->dataset, in, m->file);
    if (m->file_sha256[0])
        fprintf(out, "%s  file_sha256: %s\n", in, m->file_sha256);
    fprintf(out, "%s  source:\n%s    format: %s\n", in, in, osib_src_format_name(s->format));
    if (s->format == OSIB_SRC_RAW)
        fprintf(out, "%s    dtype: %s\n", in, s->value_bytes == 4 ? "float32" : "float64");
    if (s->format != OSIB_SRC_HDF5)
        fprintf(out, "%s    byte_order: %s\n", in, s->big_endian ? "big" : "little");
    if (s->format == OSIB_SRC_HDF5)
        fprintf(out, "%s    hdf5_dataset: \"%s\"\n", in, s->hdf5_dataset);
    fprintf(out, "%s    shape: [", in);
    for (int d = 0; d < nd; d++)
        fprintf(out, "%s%zu", d ? ", " : "", s->shape[d]);
    fprintf(out, "]\n%s    spacing_m: ", in);
    num_list(out, s->spacing_m, nd);
    char order[16];
    osib_storage_order_name(nd, s->storage_order, order, sizeof order);
    fprintf(out, "\n%s    storage_order: [%s]\n%s    units: %s\n", in, order, in, osib_src_units_name(s->units));
    int cropped = 0;
    for (int d = 0; d < nd; d++)
        cropped |= m->ops.crop_count[d] != 0;
    if (cropped) {
        fprintf(out, "%s  crop: [", in);
        for (int d = 0; d < nd; d++)
            fprintf(out, "%s[%zu, %zu]", d ? ", " : "", m->ops.crop_start[d], m->ops.crop_count[d]);
        fputs("]\n", out);
    }
    if (m->ops.resample) {
        fprintf(out, "%s  resample:\n%s    shape: [", in, in);
        for (int d = 0; d < nd; d++)
            fprintf(out, "%s%zu", d ? ", " : "", m->ops.out_shape[d]);
        fprintf(out, "]\n%s    spacing_m: ", in);
        num_list(out, m->ops.out_spacing_m, nd);
        fputc('\n', out);
    }
    double range[2] = {m->vp_min_kms, m->vp_max_kms};
    fprintf(out, "%s  vp_range_kms: ", in);
    num_list(out, range, 2);
    fprintf(out, "\n%s  sha256: %s\n", in, m->sha256);
}

/* The model mapping's members, each line prefixed by indent + two spaces. */
static void model(FILE *out, const char *in, const osib_case *c)
{
    const osib_model *m = &c->model;
    switch (m->kind) {
    case OSIB_MODEL_CONSTANT:
        fprintf(out, "%s  preset: constant\n", in);
        key_num(out, in, "vp_kms", m->vp_kms);
        break;
    case OSIB_MODEL_LAYERS:
    case OSIB_MODEL_LAYERS_TTI:
        fprintf(out, "%s  preset: %s\n", in, m->kind == OSIB_MODEL_LAYERS ? "layers-isotropic" : "layers-tti");
        key_num(out, in, "vp_top_kms", m->vp_top_kms);
        key_num(out, in, "vp_bottom_kms", m->vp_bottom_kms);
        fprintf(out, "%s  nlayers: %d\n", in, m->nlayers);
        if (m->dip != 0.0)
            key_num(out, in, "dip", m->dip);
        if (m->kind == OSIB_MODEL_LAYERS_TTI) {
            key_num(out, in, "epsilon_per_kms", m->epsilon_per_kms);
            key_num(out, in, "delta_per_kms", m->delta_per_kms);
            key_num(out, in, "theta_rad_per_kms", m->theta_rad_per_kms);
            key_num(out, in, "phi_rad_per_kms", m->phi_rad_per_kms);
        }
        break;
    case OSIB_MODEL_CIRCLE:
        fprintf(out, "%s  preset: circle\n", in);
        key_num(out, in, "vp_background_kms", m->vp_background_kms);
        key_num(out, in, "vp_circle_kms", m->vp_circle_kms);
        key_num(out, in, "radius_points", m->radius_points);
        break;
    case OSIB_MODEL_GRADIENT:
        fprintf(out, "%s  preset: gradient\n", in);
        key_num(out, in, "vp_top_kms", m->vp_top_kms);
        key_num(out, in, "vp_bottom_kms", m->vp_bottom_kms);
        break;
    case OSIB_MODEL_DATASET: dataset_model(out, in, c); break;
    }
}

osib_status osib_case_write_yaml(const osib_case *c, FILE *out, const char *indent, osib_err *err)
{
    const char *in = indent ? indent : "";
    fprintf(out, "%sosib_case: %d\n", in, OSIB_CASE_SCHEMA);
    fprintf(out, "%sid: %s\n", in, c->id);
    fprintf(out, "%sphysics: %s\n", in, osib_physics_name(c->physics));
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
    model(out, in, c);
    fprintf(out, "%swavelet:\n%s  kind: ricker\n%s  f0_khz: ", in, in, in);
    num(out, c->f0_khz);
    fprintf(out, "\n%s  t0_ms: ", in);
    num(out, c->t0_ms);
    fprintf(out, "\n%s  amplitude: ", in);
    num(out, c->amplitude);
    fputc('\n', out);
    points(out, in, "sources", &c->sources, c->ndim);
    points(out, in, "receivers", &c->receivers, c->ndim);
    if (c->memory_budget_bytes > 0)
        fprintf(out, "%smemory_budget_bytes: %lld\n", in, c->memory_budget_bytes);
    if (ferror(out))
        return osib_fail(err, OSIB_E_IO, "error writing case %s as YAML", c->id);
    return OSIB_OK;
}
