# The style rules the guide sets that a program can check: every tracked C
# and CUDA file is what clang-format makes of it (.clang-format, make
# format), and each is checked on its own so a failure names the file.
. tests/support/e2e-lib.sh

if ! command -v clang-format >/dev/null 2>&1; then
    not_ok "clang-format is installed (tools/install-deps)"
    exit 0
fi
bad=0
for f in $(git ls-files '*.c' '*.h' '*.cu' '*.cuh' 2>/dev/null); do
    if ! clang-format --dry-run --Werror "$f" >"$TMP/style.log" 2>&1; then
        not_ok "$f is clang-format clean (make format)"
        head -8 "$TMP/style.log" | sed 's/^/#   /'
        bad=$((bad + 1))
    fi
done
n=$(git ls-files '*.c' '*.h' '*.cu' '*.cuh' | wc -l)
if [ "$n" -gt 50 ] && [ "$bad" -eq 0 ]; then ok "all $n C and CUDA files are clang-format clean"
elif [ "$n" -le 50 ]; then not_ok "git lists the C and CUDA files ($n found)"; fi

# The kit's library holds no implementation (Makefile, conformance/runner/
# reference.h): nothing libosib.a needs is defined in libosibref.a, the
# simple reference and its driver, which osib links and hands to the runner.
lib=${BIN%/bin}/lib
if [ -f "$lib/libosib.a" ] && [ -f "$lib/libosibref.a" ]; then
    nm -u "$lib/libosib.a" | awk 'NF == 2 { print $2 }' | sort -u >"$TMP/kit-needs"
    nm --defined-only "$lib/libosib.a" | awk 'NF == 3 { print $3 }' | sort -u >"$TMP/kit-has"
    nm --defined-only "$lib/libosibref.a" | awk 'NF == 3 && $2 ~ /[TDBR]/ { print $3 }' | sort -u >"$TMP/ref-has"
    comm -23 "$TMP/kit-needs" "$TMP/kit-has" | comm -12 - "$TMP/ref-has" >"$TMP/kit-from-ref"
    if [ ! -s "$TMP/kit-from-ref" ] && [ -s "$TMP/ref-has" ]; then
        ok "the kit's library needs nothing from the reference's ($(wc -l <"$TMP/ref-has") symbols there)"
    else not_ok "the kit's library needs nothing from the reference's"; sed 's/^/#   needs /' "$TMP/kit-from-ref"; fi
else not_ok "the kit's libraries are built ($lib/libosib.a, libosibref.a)"; fi
