/*
 * Datasets (spec/cases.md, "Models from datasets"; datasets/): raw, HDF5
 * and SEG-Y models import to the documented vp, in the documented axis
 * order and units; cropping and resampling follow the stated rule (a whole
 * stride copies bits, a linear field is reproduced); bad files are refused
 * with the right status; the new presets expand as documented; the
 * registry loads; the revolve count matches hand-counted schedules; and a
 * dataset case refuses a model whose hash differs.
 */
#include <math.h>
#include <segyio/segy.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "checkpoint.h"
#include "h5io.h"
#include "hash.h"
#include "model_file.h"
#include "model_import.h"
#include "registry.h"
#include "testutil.h"

static char tmpdir[256];

static void tmp_path(char *buf, size_t cap, const char *name) { snprintf(buf, cap, "%s/%s", tmpdir, name); }

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/osib-test-dataset.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A 2D layout for a 4 x 3 (x, z) model. */
static osib_model_layout layout_2d(osib_src_format f, int order_zx, osib_src_units u)
{
    osib_model_layout l;
    memset(&l, 0, sizeof l);
    l.format = f;
    l.ndim = 2;
    l.shape[0] = 4;
    l.shape[1] = 3;
    l.spacing_m[0] = l.spacing_m[1] = 10.0;
    l.storage_order[0] = order_zx ? 1 : 0;
    l.storage_order[1] = order_zx ? 0 : 1;
    l.value_bytes = 4;
    l.units = u;
    return l;
}

/* v(ix, iz) = 1500 + 100 ix + 10 iz (m/s), written x fastest (Fortran
 * order) as float32 in the given byte order. */
static void write_raw_zx(const char *path, int big_endian)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int iz = 0; iz < 3; iz++)
        for (int ix = 0; ix < 4; ix++) {
            float v = (float)(1500 + 100 * ix + 10 * iz);
            uint32_t u;
            memcpy(&u, &v, 4);
            unsigned char b[4];
            for (int k = 0; k < 4; k++)
                b[k] = (unsigned char)(u >> (8 * (big_endian ? 3 - k : k)));
            assert_int_equal(fwrite(b, 1, 4, f), 4);
        }
    fclose(f);
}

static void test_raw_axis_order_units_byte_order(void **state)
{
    (void)state;
    for (int be = 0; be < 2; be++) {
        char path[300];
        tmp_path(path, sizeof path, be ? "be.bin" : "le.bin");
        write_raw_zx(path, be);
        osib_model_layout l = layout_2d(OSIB_SRC_RAW, 1, OSIB_SRC_VP_MS);
        l.big_endian = be;
        double *vp = NULL;
        osib_err err = {0};
        assert_int_equal(osib_model_read(&l, path, &vp, &err), OSIB_OK);
        /* Case order: x slowest, z fastest; m/s divided by 1000. */
        for (int ix = 0; ix < 4; ix++)
            for (int iz = 0; iz < 3; iz++)
                assert_true(vp[ix * 3 + iz] == (double)(1500 + 100 * ix + 10 * iz) / 1000.0);
        free(vp);
    }
}

static void test_raw_bad_files(void **state)
{
    (void)state;
    char path[300];
    tmp_path(path, sizeof path, "le.bin");
    write_raw_zx(path, 0);
    osib_model_layout l = layout_2d(OSIB_SRC_RAW, 1, OSIB_SRC_VP_MS);
    double *vp = NULL;
    osib_err err = {0};

    /* Truncated: one value short. */
    assert_int_equal(truncate(path, 44), 0);
    assert_int_equal(osib_model_read(&l, path, &vp, &err), OSIB_E_IO);
    assert_non_null(strstr(err.msg, "truncated"));
    /* Too long for the stated shape. */
    write_raw_zx(path, 0);
    l.shape[0] = 3;
    assert_int_equal(osib_model_read(&l, path, &vp, &err), OSIB_E_DATA);
    assert_non_null(strstr(err.msg, "wrong shape or dtype"));
    /* The wrong byte order gives absurd velocities, named as such. */
    l = layout_2d(OSIB_SRC_RAW, 1, OSIB_SRC_VP_MS);
    l.big_endian = 1;
    assert_int_equal(osib_model_read(&l, path, &vp, &err), OSIB_E_DATA);
    assert_non_null(strstr(err.msg, "byte order"));
    /* km/s claimed for m/s values: 1500 km/s is not a velocity. */
    l = layout_2d(OSIB_SRC_RAW, 1, OSIB_SRC_VP_KMS);
    assert_int_equal(osib_model_read(&l, path, &vp, &err), OSIB_E_DATA);
    /* Missing file. */
    tmp_path(path, sizeof path, "absent.bin");
    assert_int_equal(osib_model_read(&l, path, &vp, &err), OSIB_E_IO);
    assert_null(vp);
}

static void test_hdf5_slowness_squared(void **state)
{
    (void)state;
    /* m = 1/vp^2 with x fastest, as the overthrust copy stores it. */
    char path[300];
    tmp_path(path, sizeof path, "m.h5");
    double m[12];
    for (int iz = 0; iz < 3; iz++)
        for (int ix = 0; ix < 4; ix++)
            m[iz * 4 + ix] = 1.0 / ((2.0 + ix) * (2.0 + ix)); /* vp = 2 + ix km/s */
    osib_h5file f;
    osib_err err = {0};
    size_t dims[2] = {3, 4};
    assert_int_equal(osib_h5_create(&f, path, &err), OSIB_OK);
    assert_int_equal(osib_h5_write(&f, "/m", m, 2, dims, NULL, 0, &err), OSIB_OK);
    assert_int_equal(osib_h5_close(&f, &err), OSIB_OK);
    osib_model_layout l = layout_2d(OSIB_SRC_HDF5, 1, OSIB_SRC_SLOWNESS2_S2KM2);
    snprintf(l.hdf5_dataset, sizeof l.hdf5_dataset, "/m");
    double *vp = NULL;
    assert_int_equal(osib_model_read(&l, path, &vp, &err), OSIB_OK);
    for (int ix = 0; ix < 4; ix++)
        for (int iz = 0; iz < 3; iz++)
            assert_true(vp[ix * 3 + iz] == 1.0 / sqrt(m[iz * 4 + ix]));
    free(vp);
    /* The stated shape transposed is refused. */
    l.storage_order[0] = 0;
    l.storage_order[1] = 1;
    assert_int_equal(osib_model_read(&l, path, &vp, &err), OSIB_E_DATA);
}

/* A SEG-Y file of ntr traces of ns samples, IEEE floats, written with
 * segyio; value = 2000 + trace + sample/10 m/s. */
static void write_segy(const char *path, int ntr, int ns)
{
    segy_file *fp = segy_open(path, "w+b");
    assert_non_null(fp);
    char text[SEGY_TEXT_HEADER_SIZE + 1];
    memset(text, ' ', SEGY_TEXT_HEADER_SIZE);
    text[SEGY_TEXT_HEADER_SIZE] = '\0';
    assert_int_equal(segy_write_textheader(fp, 0, text), SEGY_OK);
    char bin[SEGY_BINARY_HEADER_SIZE];
    memset(bin, 0, sizeof bin);
    segy_set_bfield(bin, SEGY_BIN_SAMPLES, ns);
    segy_set_bfield(bin, SEGY_BIN_INTERVAL, 4000);
    segy_set_bfield(bin, SEGY_BIN_FORMAT, SEGY_IEEE_FLOAT_4_BYTE);
    assert_int_equal(segy_write_binheader(fp, bin), SEGY_OK);
    assert_int_equal(segy_set_format(fp, SEGY_IEEE_FLOAT_4_BYTE), SEGY_OK);
    const long trace0 = segy_trace0(bin);
    const int bsize = segy_trsize(SEGY_IEEE_FLOAT_4_BYTE, ns);
    char th[SEGY_TRACE_HEADER_SIZE];
    float *tr = malloc((size_t)ns * sizeof *tr);
    for (int t = 0; t < ntr; t++) {
        memset(th, 0, sizeof th);
        segy_set_field(th, SEGY_TR_SAMPLE_COUNT, ns);
        assert_int_equal(segy_write_traceheader(fp, t, th, trace0, bsize), SEGY_OK);
        for (int k = 0; k < ns; k++)
            tr[k] = 2000.0f + (float)t + (float)k / 10.0f;
        assert_int_equal(segy_from_native(SEGY_IEEE_FLOAT_4_BYTE, ns, tr), SEGY_OK);
        assert_int_equal(segy_writetrace(fp, t, tr, trace0, bsize), SEGY_OK);
    }
    free(tr);
    segy_close(fp);
}

static void test_segy(void **state)
{
    (void)state;
    char path[300];
    tmp_path(path, sizeof path, "m.segy");
    write_segy(path, 4, 3);
    osib_model_layout l = layout_2d(OSIB_SRC_SEGY, 0, OSIB_SRC_VP_MS);
    l.big_endian = 1;
    double *vp = NULL;
    osib_err err = {0};
    assert_int_equal(osib_model_read(&l, path, &vp, &err), OSIB_OK);
    for (int ix = 0; ix < 4; ix++)
        for (int iz = 0; iz < 3; iz++)
            assert_true(vp[ix * 3 + iz] == (double)(2000.0f + (float)ix + (float)iz / 10.0f) / 1000.0);
    free(vp);
    vp = NULL;

    /* Other counts than stated. */
    l.shape[0] = 5;
    assert_int_equal(osib_model_read(&l, path, &vp, &err), OSIB_E_DATA);
    assert_non_null(strstr(err.msg, "expected 5 traces"));
    l.shape[0] = 4;
    /* Half a trace missing. */
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    assert_int_equal(truncate(path, size - 6), 0);
    assert_int_equal(osib_model_read(&l, path, &vp, &err), OSIB_E_IO);
    assert_non_null(strstr(err.msg, "truncated"));
    /* A raw float file is not SEG-Y. */
    tmp_path(path, sizeof path, "not.segy");
    f = fopen(path, "wb");
    for (int i = 0; i < 8000; i++)
        fputc(i * 7 & 0xff, f);
    fclose(f);
    assert_int_equal(osib_model_read(&l, path, &vp, &err), OSIB_E_DATA);
    assert_non_null(strstr(err.msg, "SEG-Y"));
    assert_null(vp);
}

/* A linear field on a 9 x 7 grid at 10 m. */
static void linear_field(double *v)
{
    for (int ix = 0; ix < 9; ix++)
        for (int iz = 0; iz < 7; iz++)
            v[ix * 7 + iz] = 1.5 + 0.25 * ix + 0.125 * iz;
}

static void test_crop_and_resample(void **state)
{
    (void)state;
    osib_model_layout l = layout_2d(OSIB_SRC_RAW, 0, OSIB_SRC_VP_KMS);
    l.shape[0] = 9;
    l.shape[1] = 7;
    double v[63], *out = NULL;
    linear_field(v);
    osib_err err = {0};
    osib_model_ops ops;
    memset(&ops, 0, sizeof ops);

    /* A whole stride copies bits: crop x 2..8, z 1..6, every second point. */
    ops.crop_start[0] = 2;
    ops.crop_count[0] = 7;
    ops.crop_start[1] = 1;
    ops.crop_count[1] = 6;
    ops.resample = 1;
    ops.out_shape[0] = 4;
    ops.out_shape[1] = 3;
    ops.out_spacing_m[0] = ops.out_spacing_m[1] = 20.0;
    assert_int_equal(osib_model_transform(&l, &ops, v, &out, &err), OSIB_OK);
    for (int a = 0; a < 4; a++)
        for (int c = 0; c < 3; c++)
            assert_true(out[a * 3 + c] == v[(2 + 2 * a) * 7 + 1 + 2 * c]);
    free(out);

    /* Midpoints of a linear field: reproduced to rounding. */
    memset(&ops, 0, sizeof ops);
    ops.resample = 1;
    ops.out_shape[0] = 17;
    ops.out_shape[1] = 13;
    ops.out_spacing_m[0] = ops.out_spacing_m[1] = 5.0;
    assert_int_equal(osib_model_transform(&l, &ops, v, &out, &err), OSIB_OK);
    for (int a = 0; a < 17; a++)
        for (int c = 0; c < 13; c++)
            assert_true(fabs(out[a * 13 + c] - (1.5 + 0.125 * a + 0.0625 * c)) < 1e-14);
    /* The last point is exactly the last source point. */
    assert_true(out[17 * 13 - 1] == v[62]);
    free(out);

    /* Beyond the model: refused without data. */
    ops.out_shape[0] = 18;
    size_t shape[3];
    double spacing[3];
    assert_int_equal(osib_import_grid(&l, &ops, shape, spacing, &err), OSIB_E_DATA);
    assert_non_null(strstr(err.msg, "more than"));
    memset(&ops, 0, sizeof ops);
    ops.crop_start[0] = 8;
    ops.crop_count[0] = 2;
    assert_int_equal(osib_import_grid(&l, &ops, shape, spacing, &err), OSIB_E_DATA);
}

static void test_model_file_round_trip(void **state)
{
    (void)state;
    char path[300];
    tmp_path(path, sizeof path, "model.h5");
    double v[63];
    linear_field(v);
    osib_model_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.ndim = 2;
    meta.shape[0] = 9;
    meta.shape[1] = 7;
    meta.spacing_m[0] = meta.spacing_m[1] = 10.0;
    snprintf(meta.licence, sizeof meta.licence, "CC BY 4.0");
    char sha[65], sha2[65];
    osib_err err = {0};
    assert_int_equal(osib_model_file_write(path, v, &meta, sha, &err), OSIB_OK);
    assert_int_equal(osib_sha256_doubles(v, 63, sha2, &err), OSIB_OK);
    assert_string_equal(sha, sha2);
    osib_model_layout l;
    assert_int_equal(osib_model_file_layout(path, &l, &err), OSIB_OK);
    double *back = NULL;
    assert_int_equal(osib_model_read(&l, path, &back, &err), OSIB_OK);
    assert_memory_equal(back, v, sizeof v);
    free(back);
    osib_h5file f;
    char attr[128];
    assert_int_equal(osib_h5_open(&f, path, &err), OSIB_OK);
    assert_int_equal(osib_h5_get_attr_string(&f, "/", "licence", attr, sizeof attr, &err), OSIB_OK);
    assert_string_equal(attr, "CC BY 4.0");
    assert_int_equal(osib_h5_get_attr_string(&f, "/", "vp_sha256", attr, sizeof attr, &err), OSIB_OK);
    assert_string_equal(attr, sha);
    osib_h5_close(&f, NULL);
}

static const char *const preset_case = "osib_case: 1\n"
                                       "id: t-preset\n"
                                       "physics: acoustic-iso\n"
                                       "dimensions: 2\n"
                                       "space_order: 4\n"
                                       "grid: {shape: [11, 9], spacing_m: [10.0, 10.0], nbl: 10}\n"
                                       "time: {dt_ms: 1.0, nt: 10}\n"
                                       "model:\n%s"
                                       "wavelet: {kind: ricker, f0_khz: 0.01}\n"
                                       "sources: {points: [[50.0, 10.0]]}\n"
                                       "receivers: {lattice: [[0.0, 100.0, 11], [20.0, 20.0, 1]]}\n";

static osib_status load_preset(const char *model, osib_case *c, osib_err *err)
{
    char text[2048];
    snprintf(text, sizeof text, preset_case, model);
    return test_case_from_text(text, c, err);
}

static void test_presets(void **state)
{
    (void)state;
    osib_case c;
    osib_err err = {0};
    double vp[99], e[99], d[99], th[99], ph[99];

    /* circle: (i - 5.5)^2 + (k - 4.5)^2 <= 2^2 */
    assert_int_equal(load_preset("  preset: circle\n  vp_background_kms: 2.5\n  vp_circle_kms: 3.0\n"
                                 "  radius_points: 2\n",
                                 &c, &err),
                     OSIB_OK);
    assert_int_equal(osib_case_model_vp(&c, vp, &err), OSIB_OK);
    int inside = 0;
    for (int i = 0; i < 11; i++)
        for (int k = 0; k < 9; k++) {
            double di = i - 5.5, dk = k - 4.5;
            int want = di * di + dk * dk <= 4.0;
            inside += want;
            assert_true(vp[i * 9 + k] == (want ? 3.0 : 2.5));
        }
    assert_int_equal(inside, 12);
    assert_true(osib_case_vp_max(&c) == 3.0);
    osib_case_free(&c);

    /* gradient: linspace down each column, last row exactly vp_bottom. */
    assert_int_equal(load_preset("  preset: gradient\n  vp_top_kms: 1.5\n  vp_bottom_kms: 3.1\n", &c, &err), OSIB_OK);
    assert_int_equal(osib_case_model_vp(&c, vp, &err), OSIB_OK);
    assert_true(vp[0] == 1.5 && vp[8] == 3.1 && vp[9 * 10 + 4] == 4.0 * (1.6 / 8.0) + 1.5);
    osib_case_free(&c);

    /* layers-tti: vp as layers-isotropic, Thomsen fields scaled excess. */
    assert_int_equal(
        load_preset("  preset: layers-tti\n  vp_top_kms: 1.5\n  vp_bottom_kms: 3.5\n  nlayers: 3\n", &c, &err),
        OSIB_OK);
    assert_int_equal(osib_case_model_vp(&c, vp, &err), OSIB_OK);
    assert_int_equal(osib_case_model_tti(&c, e, d, th, ph, &err), OSIB_OK);
    assert_true(vp[0] == 1.5 && e[0] == 0.0 && vp[8] == 3.5);
    assert_true(e[8] == 0.1 * 2.0 && d[8] == 0.05 * 2.0 && th[8] == 0.5 * 2.0 && ph[8] == 0.0);
    char hex[65];
    assert_int_equal(osib_case_hash(&c, hex, &err), OSIB_OK);
    osib_case_free(&c);
    /* 2D has no azimuth. */
    assert_int_equal(load_preset("  preset: layers-tti\n  vp_top_kms: 1.5\n  vp_bottom_kms: 3.5\n  nlayers: 3\n"
                                 "  phi_rad_per_kms: 0.25\n",
                                 &c, &err),
                     OSIB_E_CASE);
    assert_non_null(strstr(err.msg, "azimuth"));
}

static void test_dataset_case(void **state)
{
    (void)state;
    /* A dataset model in a data directory of its own. */
    char dir[300], path[400], model[2048];
    snprintf(dir, sizeof dir, "%s/data/tiny-set", tmpdir);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/v.bin", dir);
    FILE *f = fopen(path, "wb");
    for (int ix = 0; ix < 11; ix++)
        for (int iz = 0; iz < 9; iz++) {
            float v = 2.0f + 0.125f * (float)iz;
            fwrite(&v, 4, 1, f);
        }
    fclose(f);
    double vp[99];
    for (int k = 0; k < 99; k++)
        vp[k] = 2.0 + 0.125 * (k % 9);
    char sha[65];
    osib_err err = {0};
    assert_int_equal(osib_sha256_doubles(vp, 99, sha, &err), OSIB_OK);
    const char *fmt = "  preset: dataset\n  dataset: tiny-set\n  file: v.bin\n"
                      "  source: {format: raw, dtype: float32, byte_order: little, shape: [11, 9],\n"
                      "           spacing_m: [10.0, 10.0], storage_order: [x, z], units: km/s}\n"
                      "  vp_range_kms: [2.0, 3.0]\n  sha256: %s\n";
    snprintf(model, sizeof model, fmt, sha);
    osib_case c;
    assert_int_equal(load_preset(model, &c, &err), OSIB_OK);
    assert_true(osib_case_vp_max(&c) == 3.0);
    char env[400];
    snprintf(env, sizeof env, "%s/data", tmpdir);
    setenv("OSIB_DATA", env, 1);
    double got[99];
    assert_int_equal(osib_case_model_vp(&c, got, &err), OSIB_OK);
    assert_memory_equal(got, vp, sizeof vp);
    osib_case_free(&c);

    /* Another array hash: refused as a mismatch. */
    char other[65];
    snprintf(other, sizeof other, "%.63s0", sha);
    if (strcmp(other, sha) == 0)
        other[63] = '1';
    snprintf(model, sizeof model, fmt, other);
    assert_int_equal(load_preset(model, &c, &err), OSIB_OK);
    assert_int_equal(osib_case_model_vp(&c, got, &err), OSIB_E_MISMATCH);
    osib_case_free(&c);

    /* Absent data: a file error that says what to fetch. */
    setenv("OSIB_DATA", tmpdir, 1);
    snprintf(model, sizeof model, fmt, sha);
    assert_int_equal(load_preset(model, &c, &err), OSIB_OK);
    assert_int_equal(osib_case_model_vp(&c, got, &err), OSIB_E_IO);
    assert_non_null(strstr(err.msg, "osib dataset fetch tiny-set"));
    osib_case_free(&c);
    unsetenv("OSIB_DATA");

    /* The import must give the case's grid: checked without data. */
    snprintf(model, sizeof model,
             "  preset: dataset\n  dataset: tiny-set\n  file: v.bin\n"
             "  source: {format: raw, dtype: float32, byte_order: little, shape: [11, 9],\n"
             "           spacing_m: [10.0, 10.0], storage_order: [x, z], units: km/s}\n"
             "  crop: [[1, 10], [0, 9]]\n  vp_range_kms: [2.0, 3.0]\n  sha256: %s\n",
             sha);
    assert_int_equal(load_preset(model, &c, &err), OSIB_E_CASE);
    assert_non_null(strstr(err.msg, "but grid has 11"));
}

static void test_registry(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/datasets/registry.yaml", test_root());
    osib_registry reg;
    osib_err err = {0};
    assert_int_equal(osib_registry_load(path, &reg, &err), OSIB_OK);
    const osib_dataset *d = osib_registry_find(&reg, "overthrust2d-25m");
    assert_non_null(d);
    assert_int_equal(d->files[0].size_bytes, 392648);
    assert_true(d->files[0].has_layout && d->files[0].layout.units == OSIB_SRC_SLOWNESS2_S2KM2);
    d = osib_registry_find(&reg, "sigsbee2a");
    assert_non_null(d);
    assert_false(d->redistributable);
    for (int i = 0; i < reg.count; i++)
        assert_true(reg.items[i].licence[0] && reg.items[i].citation[0]);
    osib_registry_free(&reg);

    /* A typo is an error, not a silently skipped check. */
    char bad[300];
    tmp_path(bad, sizeof bad, "bad.yaml");
    FILE *f = fopen(bad, "w");
    fputs("osib_datasets: 1\ndatasets:\n  - name: x\n    title: t\n    model: m\n    licence: l\n"
          "    citation: c\n    redistributable: true\n    files:\n      - name: f\n        size_bytes: 10\n"
          "        sha265: abc\n",
          f);
    fclose(f);
    assert_int_equal(osib_registry_load(bad, &reg, &err), OSIB_E_DATA);
    assert_non_null(strstr(err.msg, "sha265"));
}

static void test_revolve(void **state)
{
    (void)state;
    /* One checkpoint, 3 steps: 2 + 1 + 0 forward steps. */
    osib_checkpoint_plan p = osib_checkpoint_revolve(3.0, 1.0);
    assert_true(p.forward_steps == 3.0 && p.repetitions == 2);
    /* Two checkpoints, 3 steps: a single sweep. */
    p = osib_checkpoint_revolve(3.0, 2.0);
    assert_true(p.forward_steps == 2.0 && p.recomputed_steps == 0.0);
    /* One checkpoint, l steps: l (l - 1) / 2. */
    p = osib_checkpoint_revolve(10.0, 1.0);
    assert_true(p.forward_steps == 45.0);
    /* The rule: ceil(sqrt(l)) checkpoints; at most 3 evaluations a step. */
    p = osib_checkpoint_revolve(4532.0, 0.0);
    assert_true(p.snapshots == 68.0 && p.arrays == 142.0 && p.repetitions <= 3);
    assert_true(p.recomputed_steps > 0.0 && p.recomputed_steps < 2.0 * 4532.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raw_axis_order_units_byte_order),
        cmocka_unit_test(test_raw_bad_files),
        cmocka_unit_test(test_hdf5_slowness_squared),
        cmocka_unit_test(test_segy),
        cmocka_unit_test(test_crop_and_resample),
        cmocka_unit_test(test_model_file_round_trip),
        cmocka_unit_test(test_presets),
        cmocka_unit_test(test_dataset_case),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_revolve),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
