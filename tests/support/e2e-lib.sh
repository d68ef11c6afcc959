# Helpers for the end-to-end tests: each check prints "ok - what" or
# "not ok - what" (tests/run-tests counts them) and the evidence on failure.
# Run from the repository root.
# OSIB_BIN: where the programs are (default build/bin), e.g. a second build tree.
BIN=${OSIB_BIN:-build/bin}
TMP=$(mktemp -d /tmp/osib-e2e.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# osib-cpu's tuning cache (reference/cpu/cpu_tune.h): the test's own, never the user's.
export OSIB_CPU_TUNE_CACHE="$TMP/cpu-tune.txt"

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
# skip WHY: a check that could not run for want of something outside the kit
# (tests/run-tests prints every skip line and counts them).
skip() { echo "skip - $*"; }

# reid DIR: recompute the id of DIR/report.yaml after an edit, as a forger
# would (the id is the first 16 hex digits of the body's SHA-256).
reid() {
    local id
    id=$(tail -n +2 "$1/report.yaml" | sha256sum | cut -c1-16)
    sed -i "1s/.*/report_id: $id/" "$1/report.yaml"
}

# check WHAT CMD...: the command must succeed.
# budgeted_peaks REPORT_YAML CASE BUDGET: prints "N OVER", how many of the
# case's born_adjoint and gradient tasks the report holds, and how many of
# them recorded no peak or peaked over BUDGET bytes.
budgeted_peaks() {
    local n=0 over=0 p
    for p in $(grep "case: $2, operator: \(gradient\|born_adjoint\)" "$1" |
        sed 's/.*peak_memory_bytes: \([0-9.e+]*\),.*/\1/'); do
        n=$((n + 1))
        awk -v p="$p" -v b="$3" 'BEGIN { exit !(p > 0 && p <= b) }' || over=$((over + 1))
    done
    echo "$n $over"
}

check() {
    local what=$1
    shift
    if "$@" >"$TMP/out" 2>"$TMP/err"; then ok "$what"; else
        not_ok "$what (exit $?)"
        sed 's/^/#   /' "$TMP/out" "$TMP/err"
    fi
}

# expect_fail WHAT CODE NEEDLE CMD...: the command must exit with CODE and
# print exactly one line on stderr containing NEEDLE.
expect_fail() {
    local what=$1 code=$2 needle=$3
    shift 3
    "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$? lines
    lines=$(wc -l <"$TMP/err")
    if [ "$rc" -eq "$code" ] && [ "$lines" -eq 1 ] && grep -qF -- "$needle" "$TMP/err"; then
        ok "$what"
    else
        not_ok "$what: exit $rc (want $code), $lines stderr line(s), want one containing \"$needle\""
        sed 's/^/#   /' "$TMP/err"
    fi
}
