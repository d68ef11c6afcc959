/*
 * HDF5 array I/O (conformance/lib/h5io.h): round trips, and every way an
 * untrusted file can be wrong - missing file, not HDF5, truncated, missing
 * dataset, wrong shape or rank, integer type, NaN, Inf - gives the right
 * status and a one-line message, never a crash. Also the atomic-write
 * helpers and the SHA-256 of arrays.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileutil.h"
#include "h5io.h"
#include "hash.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/osib-test-h5io.%ld", (long)getpid());
    mkdir(dir, 0700);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_of(char *out, const char *name) { snprintf(out, 512, "%s/%s", dir, name); }

/* A file with /a (3x4 float64), /g/b (5 float32), /n (2, NaN), /inf, /i (int). */
static void write_sample(const char *path)
{
    osib_h5file f;
    osib_err err = {0};
    double a[12];
    for (int i = 0; i < 12; i++)
        a[i] = i * 0.5 - 1.0;
    size_t d2[2] = {3, 4}, d1[1] = {2};
    assert_int_equal(osib_h5_create(&f, path, &err), OSIB_OK);
    assert_int_equal(osib_h5_write(&f, "/a", a, 2, d2, "m", 0, &err), OSIB_OK);
    double n[2] = {1.0, NAN}, inf[2] = {INFINITY, 1.0};
    assert_int_equal(osib_h5_write(&f, "/n", n, 1, d1, NULL, 0, &err), OSIB_OK);
    assert_int_equal(osib_h5_write(&f, "/inf", inf, 1, d1, NULL, 0, &err), OSIB_OK);
    assert_int_equal(osib_h5_set_attr_string(&f, "/", "case_id", "x-1", &err), OSIB_OK);
    assert_int_equal(osib_h5_set_attr_double(&f, "/", "dt_ms", 1.5, &err), OSIB_OK);
    /* float32 and integer datasets, written with the raw HDF5 API */
    hsize_t five = 5;
    float b[5] = {1, 2, 3, 4, 5};
    int ints[5] = {1, 2, 3, 4, 5};
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t s = H5Screate_simple(1, &five, NULL);
    hid_t ds = H5Dcreate2(f.id, "/g/b", H5T_IEEE_F32LE, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, b);
    H5Dclose(ds);
    ds = H5Dcreate2(f.id, "/i", H5T_STD_I32LE, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, ints);
    H5Dclose(ds);
    H5Sclose(s);
    H5Pclose(lcpl);
    assert_int_equal(osib_h5_close(&f, &err), OSIB_OK);
}

static void test_round_trip(void **state)
{
    (void)state;
    char path[512];
    path_of(path, "ok.h5");
    write_sample(path);
    osib_h5file f;
    osib_err err = {0};
    assert_int_equal(osib_h5_open(&f, path, &err), OSIB_OK);
    double a[12], b[5], dt;
    size_t d2[2] = {3, 4}, d1[1] = {5};
    assert_int_equal(osib_h5_read(&f, "/a", 2, d2, a, &err), OSIB_OK);
    for (int i = 0; i < 12; i++)
        assert_true(a[i] == i * 0.5 - 1.0);
    assert_int_equal(osib_h5_read(&f, "/g/b", 1, d1, b, &err), OSIB_OK); /* float32 converts */
    assert_true(b[4] == 5.0);
    char id[16];
    assert_int_equal(osib_h5_get_attr_string(&f, "/", "case_id", id, sizeof id, &err), OSIB_OK);
    assert_string_equal(id, "x-1");
    assert_int_equal(osib_h5_get_attr_double(&f, "/", "dt_ms", &dt, &err), OSIB_OK);
    assert_true(dt == 1.5);
    assert_true(osib_h5_exists(&f, "/g/b"));
    assert_false(osib_h5_exists(&f, "/g"));      /* a group, not a dataset */
    assert_false(osib_h5_exists(&f, "/nope/x")); /* missing parent */
    osib_h5_close(&f, NULL);
}

static void expect(osib_status got, osib_status want, const osib_err *err, const char *needle)
{
    print_message("  %s\n", err->msg);
    assert_int_equal(got, want);
    assert_non_null(strstr(err->msg, needle));
    assert_null(strchr(err->msg, '\n'));
}

static void test_bad_datasets(void **state)
{
    (void)state;
    char path[512];
    path_of(path, "ok.h5");
    write_sample(path);
    osib_h5file f;
    osib_err err = {0};
    assert_int_equal(osib_h5_open(&f, path, &err), OSIB_OK);
    double buf[64];
    size_t d2[2] = {4, 3}, d1[1] = {2}, d3[3] = {3, 4, 1}, huge[2] = {1000000000, 1000000000};
    expect(osib_h5_read(&f, "/a", 2, d2, buf, &err), OSIB_E_DATA, &err, "shape [3, 4], expected [4, 3]");
    expect(osib_h5_read(&f, "/a", 3, d3, buf, &err), OSIB_E_DATA, &err, "expected [3, 4, 1]");
    expect(osib_h5_read(&f, "/missing", 1, d1, buf, &err), OSIB_E_DATA, &err, "missing");
    expect(osib_h5_read(&f, "/n", 1, d1, buf, &err), OSIB_E_DATA, &err, "NaN at flat index 1");
    expect(osib_h5_read(&f, "/inf", 1, d1, buf, &err), OSIB_E_DATA, &err, "Inf at flat index 0");
    expect(osib_h5_read(&f, "/i", 1, d1, buf, &err), OSIB_E_DATA, &err, "not floating point");
    double *p = NULL;
    /* A huge expected shape is refused before allocating anything. */
    expect(osib_h5_read_alloc(&f, "/a", 2, huge, &p, &err), OSIB_E_DATA, &err, "shape");
    assert_null(p);
    char s[3]; /* "x-1" needs 4 bytes with its NUL */
    expect(osib_h5_get_attr_string(&f, "/", "case_id", s, sizeof s, &err), OSIB_E_DATA, &err, "too long");
    expect(osib_h5_get_attr_string(&f, "/", "nope", s, sizeof s, &err), OSIB_E_DATA, &err, "missing");
    osib_h5_close(&f, NULL);
}

static void test_bad_files(void **state)
{
    (void)state;
    char path[512], trunc[512], text[512];
    osib_h5file f;
    osib_err err = {0};
    expect(osib_h5_open(&f, "/nonexistent/x.h5", &err), OSIB_E_IO, &err, "no such file");

    path_of(text, "text.h5");
    FILE *t = fopen(text, "w");
    fputs("this is not HDF5\n", t);
    fclose(t);
    expect(osib_h5_open(&f, text, &err), OSIB_E_IO, &err, "not an HDF5 file");

    /* Truncate a valid file to half its size. */
    path_of(path, "ok.h5");
    write_sample(path);
    path_of(trunc, "trunc.h5");
    FILE *in = fopen(path, "rb"), *out = fopen(trunc, "wb");
    char chunk[65536];
    size_t n = fread(chunk, 1, sizeof chunk, in);
    fwrite(chunk, 1, n / 2, out);
    fclose(in);
    fclose(out);
    osib_status st = osib_h5_open(&f, trunc, &err);
    if (st == OSIB_OK) {
        /* HDF5 may open the superblock; reading must then fail cleanly. */
        double buf[12];
        size_t d2[2] = {3, 4};
        st = osib_h5_read(&f, "/a", 2, d2, buf, &err);
        osib_h5_close(&f, NULL);
    }
    print_message("  truncated: %s\n", err.msg);
    assert_true(st == OSIB_E_IO || st == OSIB_E_DATA);
}

static void test_atomic_writes(void **state)
{
    (void)state;
    char path[512];
    osib_err err = {0};
    path_of(path, "report.txt");
    assert_int_equal(osib_write_text_atomic(path, "first\n", 6, &err), OSIB_OK);
    assert_int_equal(osib_write_text_atomic(path, "second\n", 7, &err), OSIB_OK);
    FILE *f = fopen(path, "r");
    char line[32] = "";
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "second\n");
    /* No temporary left behind; a directory in the way is not replaced. */
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    assert_int_not_equal(access(tmp, F_OK), 0);
    expect(osib_write_text_atomic(dir, "x", 1, &err), OSIB_E_IO, &err, "not a regular file");
    expect(osib_write_text_atomic("/dev/null", "x", 1, &err), OSIB_E_IO, &err, "not a regular file");
}

static void test_array_hash(void **state)
{
    (void)state;
    char hex[OSIB_SHA256_HEX];
    /* SHA-256 of the empty string, and of 1.0 as little-endian binary64
     * (00 00 00 00 00 00 f0 3f) against the same bytes hashed directly. */
    assert_int_equal(osib_sha256_doubles(NULL, 0, hex, NULL), OSIB_OK);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    double one = 1.0;
    const unsigned char le[8] = {0, 0, 0, 0, 0, 0, 0xf0, 0x3f};
    char hex2[OSIB_SHA256_HEX];
    osib_sha256_doubles(&one, 1, hex, NULL);
    osib_sha256_bytes(le, 8, hex2, NULL);
    assert_string_equal(hex, hex2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),    cmocka_unit_test(test_bad_datasets), cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_atomic_writes), cmocka_unit_test(test_array_hash),
    };
    return cmocka_run_group_tests_name("hdf5 i/o, atomic files, hashes", tests, setup, teardown);
}
