# Attacks that must not fool the runner or verify, beyond the negative
# corpus (tests/e2e/faulty.sh), whose outcome is not simply NON-CONFORMANT:
# an implementation that floods stdout or leaves a daemon behind is correct
# and CONFORMANT, but the runner must stay bounded and the daemon must not
# outlive its task; one that poisons the kit's oracles must be caught then
# and refused afterwards; forged reports must be refuted (spec/protocol.md
# §2.4, §3, §4.1). Every certification runs under a hard time limit.
. tests/support/e2e-lib.sh
OSIB=${OSIB_BIN:-$BIN}/osib
LIMIT=${HOSTILE_LIMIT_S:-300}
CASE=acoustic-2d-layers-so4

faulty_manifest() { # fault -> a manifest in $TMP
    sed -e "s/\"--fault\", \"[a-z0-9-]*\"/\"--fault\", \"$1\"/" -e "s/^name: .*/name: hostile-$1/" \
        -e "s|{impl_dir}/../../build|$PWD/build|" tests/faulty/one-nan.yaml >"$TMP/$1.yaml"
    echo "$TMP/$1.yaml"
}

certify() { # out, args...
    local out=$1
    shift
    timeout -s KILL "$LIMIT" "$OSIB" certify "$@" --out "$TMP/$out" >"$TMP/$out.out" 2>"$TMP/$out.err"
}

# A gigabyte on stdout: kept as its first and last half-megabyte.
start=$(date +%s)
certify flood --impl "$(faulty_manifest huge-stdout)" --case $CASE --ops forward --repeat 1
rc=$?
took=$(($(date +%s) - start))
size=$(stat -c %s "$TMP/flood/tasks/t0001/stdout.txt" 2>/dev/null || echo 0)
if [ $rc -eq 0 ] && [ "$size" -lt 1100000 ] && grep -q "bytes of standard output dropped here" "$TMP/flood/tasks/t0001/stdout.txt"; then
    ok "1 GB of stdout: CONFORMANT, kept as $size bytes (${took} s)"
else not_ok "1 GB of stdout: exit $rc, stdout.txt $size bytes"; sed 's/^/#   /' "$TMP/flood.err"; fi

# FIFOs where the runner writes the captured streams: the runner replaces
# them with its own files.
certify fifologs --impl "$(faulty_manifest fifo-logs)" --case $CASE --ops forward --repeat 1
rc=$?
if [ $rc -eq 0 ] && [ -f "$TMP/fifologs/tasks/t0001/stdout.txt" ] && [ ! -p "$TMP/fifologs/tasks/t0001/stderr.txt" ]; then
    ok "FIFOs named stdout.txt and stderr.txt are replaced by the runner's captures"
else not_ok "FIFOs as stdout.txt and stderr.txt (exit $rc)"; sed 's/^/#   /' "$TMP/fifologs.err"; fi
check "a report whose implementation left FIFOs is confirmed" "$OSIB" verify "$TMP/fifologs"

# A daemon that leaves the process group and would rewrite the report later.
certify daemon --impl "$(faulty_manifest daemon)" --case $CASE --ops forward --repeat 1
rc=$?
sleep 3
if [ $rc -eq 0 ] && grep -q "Processes left behind" "$TMP/daemon/report.md" && [ ! -e "$TMP/daemon/daemon-was-here" ]; then
    ok "a setsid daemon is killed with its task, and the report says so"
else not_ok "a setsid daemon is killed with its task (exit $rc)"; ls "$TMP/daemon" | sed 's/^/#   /'; fi
check "the report the daemon wanted to rewrite is confirmed" "$OSIB" verify "$TMP/daemon"

# An implementation that rewrites the kit's oracle and MANIFEST (in a copy
# of the kit): caught in the run it does it, refused in the next.
mkdir -p "$TMP/kit/spec" "$TMP/kit/oracles"
cp -r spec/cases "$TMP/kit/spec/"
cp oracles/MANIFEST oracles/$CASE.h5 "$TMP/kit/oracles/"
OSIB_ROOT="$TMP/kit" certify poison1 --impl "$(faulty_manifest poison-kit)" --case $CASE --ops forward --repeat 1
rc=$?
if [ $rc -eq 1 ] && grep -q "FAILED kit/files/unchanged: .*changed while the implementation ran" "$TMP/poison1.out"; then
    ok "poisoned oracles are caught in the run that poisons them"
else not_ok "poisoned oracles are caught (exit $rc)"; sed 's/^/#   /' "$TMP/poison1.out" "$TMP/poison1.err"; fi
OSIB_ROOT="$TMP/kit" certify poison2 --impl "$(faulty_manifest poison-kit)" --case $CASE --ops forward --repeat 1
rc=$?
if [ $rc -eq 7 ] && grep -q "not to the .* this kit was built with" "$TMP/poison2.err" && [ ! -e "$TMP/poison2/report.yaml" ]; then
    ok "poisoned oracles are refused in the next run (exit 7)"
else not_ok "poisoned oracles are refused (exit $rc)"; sed 's/^/#   /' "$TMP/poison2.err"; fi

# Forged reports. A forger can recompute the report id (it is an unkeyed
# hash), so every forgery below does.
certify good --impl reference/simple/impl.yaml --case $CASE --ops forward,gradient --repeat 3
rc=$?
if [ $rc -eq 0 ]; then ok "a conformant report to forge"; else not_ok "a conformant report to forge (exit $rc)"; fi
forge() { # name, what the refutation says, sed expression on report.yaml | -md / -html sed expression
    local name=$1 needle=$2 file=report.yaml
    shift 2
    case $1 in -md) file=report.md; shift ;; -html) file=report.html; shift ;; esac
    rm -rf "$TMP/$name"
    cp -r "$TMP/good" "$TMP/$name"
    sed -i "$1" "$TMP/$name/$file"
    [ $file = report.yaml ] && reid "$TMP/$name"
    "$OSIB" verify "$TMP/$name" >"$TMP/$name.verify" 2>&1
    local rc=$?
    if [ $rc -eq 1 ] && grep -q "^REFUTED .*$needle" "$TMP/$name.verify"; then ok "forgery refuted: $name"
    else not_ok "forgery refuted: $name (exit $rc)"; sed 's/^/#   /' "$TMP/$name.verify"; fi
}
forge faster-median "median wall time" '0,/wall_s: {median: [0-9.e-]*/s//wall_s: {median: 0.001/'
forge more-gpts "GPts/s (wall)" '0,/gpts_wall: /s/gpts_wall: \([0-9.]*\)/gpts_wall: 9\1/'
forge md-verdict "report.md: not what report.yaml says" -md 's/CONFORMANT/CONFORMANT (certified fastest)/'
forge html-table "report.html: not what report.yaml says" -html 's/<td>forward<\/td>/<td>forward (record)<\/td>/'
# a non-conformant report made conformant by deleting its failed checks
certify bad --impl tests/faulty/time-shift.yaml --case $CASE --ops forward --repeat 1
cp -r "$TMP/bad" "$TMP/cleaned"
awk '/^  - id: /{keep = 1} /^  - id: oracle\/.*forward_data\/(e2|einf|ewin)$/ || /^  - id: challenge\/.*forward_data\/(e2|einf|ewin)$/{keep = 0}
     /^[a-z_]*:/{keep = 1} keep' "$TMP/bad/report.yaml" |
    sed -e 's/^verdict: NON-CONFORMANT/verdict: CONFORMANT/' -e 's/^failed_checks: [0-9]*/failed_checks: 0/' >"$TMP/cleaned/report.yaml"
reid "$TMP/cleaned"
"$OSIB" verify "$TMP/cleaned" >"$TMP/cleaned.verify" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "^REFUTED oracle/$CASE/forward/forward_data/e2: required .* but absent" "$TMP/cleaned.verify"; then
    ok "forgery refuted: failed checks removed"
else not_ok "forgery refuted: failed checks removed (exit $rc)"; sed 's/^/#   /' "$TMP/cleaned.verify"; fi

# ... or by widening the bounds of its failed checks (passing now, verdict
# and count adjusted): every bound must be the kit's rule for its check.
cp -r "$TMP/bad" "$TMP/widened"
awk '/^  - id: (oracle|challenge)\/.*forward_data\/(e2|einf|ewin)$/{w = 1} /^  - id: /{if (!/forward_data\/(e2|einf|ewin)$/) w = 0}
     w && /^    max: /{print "    max: 1"; next} w && /^    passed: false/{print "    passed: true"; next}
     w && /^    message: /{next} {print}' "$TMP/bad/report.yaml" |
    sed -e 's/^verdict: NON-CONFORMANT/verdict: CONFORMANT/' -e 's/^failed_checks: [0-9]*/failed_checks: 0/' >"$TMP/widened/report.yaml"
reid "$TMP/widened"
"$OSIB" verify "$TMP/widened" >"$TMP/widened.verify" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "^REFUTED oracle/$CASE/forward/forward_data/e2: bounds .* are not the kit's" "$TMP/widened.verify"; then
    ok "forgery refuted: failed checks passed by widening their bounds"
else not_ok "forgery refuted: failed checks passed by widening their bounds (exit $rc)"; sed 's/^/#   /' "$TMP/widened.verify"; fi

# What verify cannot prove - that timings were measured, not written - only
# a new run shows: a report that claims a hundred times the speed is not
# reproduced here.
rm -rf "$TMP/boast"
cp -r "$TMP/good" "$TMP/boast"
sed -i 's/wall_s: {median: \([0-9.e-]*\), min: \([0-9.e-]*\), max: \([0-9.e-]*\)}/wall_s: {median: \1e-2, min: \2e-2, max: \3e-2}/' \
    "$TMP/boast/report.yaml"
reid "$TMP/boast"
timeout -s KILL "$LIMIT" "$OSIB" reproduce "$TMP/boast" --out "$TMP/boast-again" >"$TMP/boast.out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "^NOT REPRODUCED" "$TMP/boast.out" && grep -q "slower here than reported" "$TMP/boast.out"; then
    ok "osib reproduce: a report claiming 100 times the speed is NOT REPRODUCED"
else not_ok "osib reproduce: a boasting report (exit $rc)"; sed 's/^/#   /' "$TMP/boast.out"; fi
if grep -q "^verdict: CONFORMANT" "$TMP/boast-again/report.yaml" 2>/dev/null; then
    ok "osib reproduce certifies the implementation again, CONFORMANT"
else not_ok "osib reproduce certifies the implementation again"; fi

# A benchmark case too large for this machine is refused before anything runs,
# with the estimate (exit 5), and leaves nothing behind.
sed -e 's/^id: perf-3d-512-so8/id: too-large-3d-so8/' -e 's/shape: \[472, 472, 472\]/shape: [3000, 3000, 3000]/' \
    spec/cases/perf-3d-512-so8.yaml >"$TMP/too-large-3d-so8.yaml"
expect_fail "a benchmark case larger than memory is refused (exit 5)" 5 "not run (--force runs it anyway)" \
    "$OSIB" certify --impl reference/cpu/impl.yaml --case acoustic-3d-layers-so8 --case "$TMP/too-large-3d-so8.yaml" \
    --out "$TMP/too-large"
if [ -e "$TMP/too-large" ]; then not_ok "the refusal leaves no output"; else ok "the refusal leaves no output"; fi
expect_fail "a benchmark case without its oracle companion is refused (exit 2)" 2 "certify it together with" \
    "$OSIB" certify --impl reference/cpu/impl.yaml --case perf-3d-256-so8 --out "$TMP/alone"
