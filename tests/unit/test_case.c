/*
 * Case files (spec/cases.md): every case in spec/cases loads, is named by
 * its id and has the hash listed in spec/cases/HASHES; the canonical form
 * ignores what does not change the numbers; lattices and presets expand as
 * documented; and malformed or invalid cases are refused with the right
 * status and a message that names the offending key.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

/* A valid 2D case; the tests below replace one line at a time. */
static const char *const base_case = "osib_case: 1\n"
                                     "id: t-2d\n"
                                     "title: \"a test\"\n"
                                     "physics: acoustic-iso\n"
                                     "dimensions: 2\n"
                                     "space_order: 4\n"
                                     "grid:\n"
                                     "  shape: [101, 101]\n"
                                     "  spacing_m: [10.0, 10.0]\n"
                                     "  origin_m: [0.0, 0.0]\n"
                                     "  nbl: 40\n"
                                     "time:\n"
                                     "  dt_ms: 1.585\n"
                                     "  nt: 475\n"
                                     "model:\n"
                                     "  preset: layers-isotropic\n"
                                     "  vp_top_kms: 1.5\n"
                                     "  vp_bottom_kms: 3.5\n"
                                     "  nlayers: 3\n"
                                     "wavelet:\n"
                                     "  kind: ricker\n"
                                     "  f0_khz: 0.010\n"
                                     "sources:\n"
                                     "  points:\n"
                                     "    - [500.0, 10.0]\n"
                                     "receivers:\n"
                                     "  lattice:\n"
                                     "    - [0.0, 1000.0, 101]\n"
                                     "    - [20.0, 20.0, 1]\n";

/* base_case with the line starting with `from` replaced by `to` (which
 * may be empty to delete it). */
static char *edited(const char *from, const char *to)
{
    static char out[8192];
    const char *at = strstr(base_case, from);
    assert_non_null(at);
    const char *eol = strchr(at, '\n');
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - base_case), base_case, to, eol + 1);
    return out;
}

static void expect_refused(const char *yaml, osib_status status, const char *needle)
{
    osib_case c;
    osib_err err = {0};
    osib_status st = test_case_from_text(yaml, &c, &err);
    if (st == OSIB_OK)
        osib_case_free(&c);
    print_message("  refused (%d): %s\n", (int)st, err.msg);
    assert_int_equal(st, status);
    assert_non_null(strstr(err.msg, needle));
    assert_null(strchr(err.msg, '\n')); /* one line */
}

static void test_spec_cases_and_hashes(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/spec/cases/HASHES", test_root());
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    int listed = 0;
    while (fgets(line, sizeof line, f)) {
        char id[128], hash[128];
        if (line[0] == '#' || sscanf(line, "%127s %127s", id, hash) != 2)
            continue;
        osib_case c;
        test_load_spec_case(id, &c);
        char got[65];
        assert_int_equal(osib_case_hash(&c, got, NULL), OSIB_OK);
        if (strcmp(got, hash) != 0)
            fail_msg("case %s: hash %s, HASHES says %s (changed case content? see spec/cases.md)", id, got, hash);
        assert_string_equal(c.id, id);
        osib_case_free(&c);
        listed++;
    }
    fclose(f);

    /* Every case file is listed, and named by its id. */
    snprintf(path, sizeof path, "%s/spec/cases", test_root());
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0)
            files++;
    }
    closedir(d);
    print_message("  %d case files, %d listed in HASHES\n", files, listed);
    assert_int_equal(files, listed);
    assert_true(listed >= 9);
}

static void test_canonical_ignores_presentation(void **state)
{
    (void)state;
    osib_case a, b;
    osib_err err = {0};
    char ha[65], hb[65];
    assert_int_equal(test_case_from_text(base_case, &a, &err), OSIB_OK);
    /* Another id, title, flow style, number spelling and an explicit
     * default: same numbers, same hash. */
    const char *other =
        "osib_case: 1\nid: other\ntitle: x\nsuites: [smoke]\noracle: true\nphysics: acoustic-iso\ndimensions: 2\n"
        "space_order: 4\ngrid: {shape: [101, 101], spacing_m: [1e1, 10], nbl: 40}\n"
        "time: {nt: 475, dt_ms: 1.5850}\n"
        "model: {nlayers: 3, preset: layers-isotropic, vp_bottom_kms: 3.50, vp_top_kms: 1.5}\n"
        "wavelet: {kind: ricker, f0_khz: 1e-2, t0_ms: 100, amplitude: 1}\n"
        "sources: {points: [[500, 10]]}\nreceivers: {lattice: [[0, 1000, 101], [20, 20, 1]]}\n";
    assert_int_equal(test_case_from_text(other, &b, &err), OSIB_OK);
    osib_case_hash(&a, ha, NULL);
    osib_case_hash(&b, hb, NULL);
    assert_string_equal(ha, hb);
    osib_case_free(&b);

    /* One sample more: another hash. */
    assert_int_equal(test_case_from_text(edited("  nt:", "  nt: 476\n"), &b, &err), OSIB_OK);
    osib_case_hash(&b, hb, NULL);
    assert_string_not_equal(ha, hb);
    osib_case_free(&b);
    osib_case_free(&a);
}

/* A memory budget is read, kept out of the hash (it changes no number),
 * written back for requests, and refused below the least budget. */
static void test_memory_budget(void **state)
{
    (void)state;
    osib_case a, b, back;
    osib_err err = {0};
    char ha[65], hb[65];
    assert_int_equal(test_case_from_text(base_case, &a, &err), OSIB_OK);
    assert_true(a.memory_budget_bytes == 0);
    char text[4096];
    snprintf(text, sizeof text, "%smemory_budget_bytes: 41943040\n", base_case);
    assert_int_equal(test_case_from_text(text, &b, &err), OSIB_OK);
    assert_true(b.memory_budget_bytes == 41943040);
    osib_case_hash(&a, ha, NULL);
    osib_case_hash(&b, hb, NULL);
    assert_string_equal(ha, hb);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(osib_case_write_yaml(&b, f, "", &err), OSIB_OK);
    fclose(f);
    assert_non_null(strstr(buf, "memory_budget_bytes: 41943040\n"));
    assert_int_equal(test_case_from_text(buf, &back, &err), OSIB_OK);
    assert_true(back.memory_budget_bytes == 41943040);
    free(buf);
    /* 181^2 padded points: 6 x 4 x 32761 + 8 x 475 x (1 + 2 x 101) = 1557664 bytes. */
    assert_true(osib_case_min_budget_bytes(&a) == 1557664.0);
    snprintf(text, sizeof text, "%smemory_budget_bytes: 1557663\n", base_case);
    expect_refused(text, OSIB_E_CASE, "below the 1557664 bytes");
    snprintf(text, sizeof text, "%smemory_budget_bytes: 1557664\n", base_case);
    osib_case c;
    assert_int_equal(test_case_from_text(text, &c, &err), OSIB_OK);
    osib_case_free(&c);
    snprintf(text, sizeof text, "%smemory_budget_bytes: -5\n", base_case);
    expect_refused(text, OSIB_E_CASE, "memory_budget_bytes");
    osib_case_free(&a);
    osib_case_free(&b);
    osib_case_free(&back);
}

static void test_lattice_and_layers(void **state)
{
    (void)state;
    osib_case c;
    osib_err err = {0};
    assert_int_equal(test_case_from_text(base_case, &c, &err), OSIB_OK);
    assert_int_equal(c.receivers.count, 101);
    double xy[202];
    osib_points_expand(&c.receivers, 2, xy);
    for (int i = 0; i < 101; i++) {
        assert_true(xy[2 * i] == 10.0 * i);
        assert_true(xy[2 * i + 1] == 20.0);
    }
    double *vp = test_alloc(101 * 101);
    assert_int_equal(osib_case_model_vp(&c, vp, &err), OSIB_OK);
    /* floor(101/3) = 33: layers start at depth indices 0, 33, 66 */
    assert_true(vp[0] == 1.5 && vp[32] == 1.5 && vp[33] == 2.5 && vp[65] == 2.5 && vp[66] == 3.5 && vp[100] == 3.5);
    assert_true(vp[50 * 101 + 40] == 2.5);
    free(vp);
    osib_case_free(&c);

    /* 3D lattice order: last axis fastest */
    const char *yaml3 =
        "osib_case: 1\nid: t-3d\nphysics: acoustic-iso\ndimensions: 3\nspace_order: 2\n"
        "grid: {shape: [5, 6, 7], spacing_m: [10, 10, 10], nbl: 2}\ntime: {dt_ms: 1, nt: 10}\n"
        "model: {preset: constant, vp_kms: 2}\nwavelet: {kind: ricker, f0_khz: 0.01}\n"
        "sources: {points: [[10, 10, 10]]}\nreceivers: {lattice: [[0, 40, 3], [10, 30, 2], [5, 5, 1]]}\n";
    assert_int_equal(test_case_from_text(yaml3, &c, &err), OSIB_OK);
    double p[18];
    osib_points_expand(&c.receivers, 3, p);
    static const double want[18] = {0, 10, 5, 0, 30, 5, 20, 10, 5, 20, 30, 5, 40, 10, 5, 40, 30, 5};
    for (int i = 0; i < 18; i++)
        assert_true(p[i] == want[i]);
    assert_true(c.t0_ms == 100.0 && c.amplitude == 1.0);
    osib_case_free(&c);
}

static void test_time_step_rules(void **state)
{
    (void)state;
    osib_case c;
    osib_err err = {0};
    assert_int_equal(test_case_from_text(base_case, &c, &err), OSIB_OK);
    /* spec/acoustic.md section 5's example */
    assert_true(osib_case_dt_default_ms(&c) == 1.585);
    assert_true(fabs(osib_case_dt_stability_ms(&c) - 1.74964) < 1e-5);
    osib_case_free(&c);
}

static void test_refusals(void **state)
{
    (void)state;
    expect_refused("osib_case: 1\nid: [unclosed\n", OSIB_E_CASE, "malformed YAML");
    expect_refused("", OSIB_E_CASE, "empty");
    expect_refused("- a list\n", OSIB_E_CASE, "mapping");
    expect_refused(edited("osib_case:", "osib_case: 2\n"), OSIB_E_CASE, "schema version 2");
    expect_refused(edited("id:", "id: Bad_Id\n"), OSIB_E_CASE, "not a valid id");
    expect_refused(edited("id:", ""), OSIB_E_CASE, "missing required key \"id\"");
    expect_refused(edited("physics:", "physics: elastic\n"), OSIB_E_CASE, "unknown physics");
    expect_refused(edited("dimensions:", "dimensions: 4\n"), OSIB_E_CASE, "dimensions");
    expect_refused(edited("space_order:", "space_order: 5\n"), OSIB_E_CASE, "space orders are even");
    expect_refused(edited("space_order:", "space_order: 18\n"), OSIB_E_CASE, "space_order");
    expect_refused(edited("  shape:", "  shape: [101, -5]\n"), OSIB_E_CASE, "grid.shape[1]");
    expect_refused(edited("  shape:", "  shape: [101, 10.5]\n"), OSIB_E_CASE, "expected an integer");
    expect_refused(edited("  shape:", "  shape: [101]\n"), OSIB_E_CASE, "list of 2 values");
    expect_refused(edited("  shape:", "  shape: [1000000, 1000000]\n"), OSIB_E_CASE, "padded grid");
    expect_refused(edited("  shape:", "  shape: [99999999999999999999, 5]\n"), OSIB_E_CASE, "out of range");
    expect_refused(edited("  spacing_m:", "  spacing_m: [10.0, -1]\n"), OSIB_E_CASE, "spacing");
    expect_refused(edited("  spacing_m:", "  spacing_m: [10.0, .nan]\n"), OSIB_E_CASE, "number");
    expect_refused(edited("  nbl:", "  nbl: -1\n"), OSIB_E_CASE, "grid.nbl");
    expect_refused(edited("  nbl:", "  nbl: 40\n  nbl: 41\n"), OSIB_E_CASE, "appears twice");
    expect_refused(edited("  nbl:", "  nbl: 40\n  nbk: 41\n"), OSIB_E_CASE, "unknown key \"nbk\"");
    expect_refused(edited("  dt_ms:", "  dt_ms: 2.0\n"), OSIB_E_CASE, "stability limit");
    expect_refused(edited("  dt_ms:", "  dt_ms: 0\n"), OSIB_E_CASE, "time.dt_ms");
    expect_refused(edited("  nt:", "  nt: 2\n"), OSIB_E_CASE, "time.nt");
    expect_refused(edited("  nt:", "  nt: 100000000000\n"), OSIB_E_CASE, "time.nt");
    expect_refused(edited("  preset:", "  preset: marmousi\n"), OSIB_E_CASE, "unknown model preset");
    expect_refused(edited("  vp_top_kms:", "  vp_top_kms: 0\n"), OSIB_E_CASE, "model.vp_top_kms");
    expect_refused(edited("  nlayers:", "  nlayers: 500\n"), OSIB_E_CASE, "model.nlayers");
    expect_refused(edited("  kind: ricker", "  kind: gabor\n"), OSIB_E_CASE, "unknown wavelet");
    expect_refused(edited("  f0_khz:", "  f0_khz: 10\n"), OSIB_E_CASE, "wavelet.f0_khz");
    /* positions: in the absorbing layer, outside everything, malformed */
    expect_refused(edited("    - [500.0, 10.0]", "    - [500.0, -5.0]\n"), OSIB_E_CASE, "absorbing layer");
    expect_refused(edited("    - [500.0, 10.0]", "    - [5000.0, 10.0]\n"), OSIB_E_CASE, "outside the physical grid");
    expect_refused(edited("    - [500.0, 10.0]", "    - [500.0]\n"), OSIB_E_CASE, "expected 2 coordinates");
    expect_refused(edited("    - [0.0, 1000.0, 101]", "    - [-10.0, 1000.0, 101]\n"), OSIB_E_CASE, "receivers");
    expect_refused(edited("    - [20.0, 20.0, 1]", "    - [20.0, 30.0, 1]\n"), OSIB_E_CASE, "single point");
    expect_refused(edited("    - [20.0, 20.0, 1]", "    - [20.0, 20.0, 0]\n"), OSIB_E_CASE, "count 0");
    expect_refused(edited("  lattice:", "  lattice:\n    - [0.0, 0.0, 1]\n"), OSIB_E_CASE,
                   "one [start_m, end_m, count] per axis");
}

static void test_missing_file(void **state)
{
    (void)state;
    osib_case c;
    osib_err err = {0};
    assert_int_equal(osib_case_load("/nonexistent/case.yaml", &c, &err), OSIB_E_IO);
    assert_non_null(strstr(err.msg, "/nonexistent/case.yaml"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_cases_and_hashes), cmocka_unit_test(test_canonical_ignores_presentation),
        cmocka_unit_test(test_memory_budget),         cmocka_unit_test(test_lattice_and_layers),
        cmocka_unit_test(test_time_step_rules),       cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests_name("cases", tests, NULL, NULL);
}
