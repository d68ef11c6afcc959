# The negative corpus: every implementation in tests/faulty/ is wrong in one
# realistic way, or attacks the runner, and certification must find it
# NON-CONFORMANT (exit 1) with a failed check of the expected id and
# message - the right reason - report no timing, and finish: every run is
# under a hard time limit (FAULTY_LIMIT_S), so an attack that hangs the
# runner fails the test instead of hanging it.
. tests/support/e2e-lib.sh
OSIB=${OSIB_BIN:-$BIN}/osib

header() { sed -n "s/^# $1: //p" "$2" | head -n 1; }

for f in tests/faulty/*.yaml; do
    name=$(basename "$f" .yaml)
    check_id=$(header expect-check "$f")
    message=$(header expect-message "$f")
    ops=$(header certify-ops "$f")
    args=$(header certify-args "$f")
    case=$(header certify-case "$f")
    case=${case:-acoustic-2d-layers-so4}
    start=$(date +%s)
    # shellcheck disable=SC2086 # args is a list of options
    timeout -s KILL "${FAULTY_LIMIT_S:-300}" "$OSIB" certify --impl "$f" --case "$case" --ops "$ops" \
        --repeat 1 $args --out "$TMP/$name" >"$TMP/$name.out" 2>"$TMP/$name.err"
    rc=$?
    [ $rc -eq 137 ] && echo "# $name: killed after ${FAULTY_LIMIT_S:-300} s: the runner hung" >>"$TMP/$name.err"
    echo "# $name: $(($(date +%s) - start)) s"
    if [ $rc -ne 1 ]; then
        not_ok "$name: NON-CONFORMANT (exit $rc, want 1)"
        sed 's/^/#   /' "$TMP/$name.out" "$TMP/$name.err"
        continue
    fi
    if grep -F "FAILED $check_id: " "$TMP/$name.out" | grep -qF -- "$message"; then
        ok "$name: NON-CONFORMANT because $check_id ($message)"
    else
        not_ok "$name: NON-CONFORMANT because $check_id ($message)"
        sed 's/^/#   /' "$TMP/$name.out"
    fi
    if grep -q "^timings: \[\]" "$TMP/$name/report.yaml"; then ok "$name: no timing reported"
    else not_ok "$name: no timing reported"; fi
done
