# Every program answers --help and --version, and refuses bad command lines
# with exit code 2 and one line of explanation.
. tests/support/e2e-lib.sh

for p in osib osib-ref osib-cpu osib-cuda-host; do
    check "$p --help" "$BIN/$p" --help
    check "$p --version" "$BIN/$p" --version
    expect_fail "$p with no arguments" 2 "$p" "$BIN/$p"
    expect_fail "$p with an unknown command" 2 "unknown" "$BIN/$p" frobnicate
done
check "osib-bench --help" "$BIN/osib-bench" --help
check "osib-bench --version" "$BIN/osib-bench" --version
expect_fail "osib-bench with an unknown option" 2 "unknown option, or one without its value: --frobnicate" \
    "$BIN/osib-bench" --frobnicate
# Every executable script in tools/ explains itself (principle 8), even where
# what it runs is missing (the Python studies need the Devito venv's numpy).
for t in $(git ls-files -s tools | awk '$1 == "100755" { print $4 }'); do
    if "$t" --help >"$TMP/help" 2>&1 && [ -s "$TMP/help" ]; then ok "$t --help"
    else not_ok "$t --help"; sed 's/^/#   /' "$TMP/help" | head -5; fi
done
for c in cases describe validate oracle plot compare certify verify summarize; do
    check "osib $c --help" "$BIN/osib" "$c" --help
done
expect_fail "osib-ref run without --case" 2 "--case is required" "$BIN/osib-ref" run --op forward --out "$TMP/x.h5"
expect_fail "osib-ref run with a bad operator" 2 "--op must be" "$BIN/osib-ref" run --case acoustic-2d-layers-so4 \
    --case spec/cases/acoustic-2d-layers-so4.yaml --op sideways --out "$TMP/x.h5"
expect_fail "osib-ref with an unknown option" 2 "unknown or incomplete option" "$BIN/osib-ref" run --bogus
expect_fail "osib describe with no case" 2 "describe takes one case" "$BIN/osib" describe
expect_fail "osib describe an unknown id" 4 "no such case" "$BIN/osib" describe no-such-case
# A CASE may be a file or the id of one of the kit's cases, for every program.
for p in osib-ref osib-cpu; do
    check "$p run --case ID (an id, not a file)" "$BIN/$p" run --case acoustic-2d-layers-so4 --op forward \
        --out "$TMP/$p-id.h5"
    expect_fail "$p run with an unknown case id" 4 "no such case file, and no case with that id" \
        "$BIN/$p" run --case no-such-case --op forward --out "$TMP/x.h5"
done

out=$("$BIN/osib" cases)
case "$out" in *acoustic-2d-layers-so4*ladder-3d-seam-size*) ok "osib cases lists the cases" ;;
*) not_ok "osib cases lists the cases" ;; esac
out=$("$BIN/osib" describe acoustic-3d-layers-so8)
case "$out" in *"gradient"*"flop/pt"*) ok "osib describe prints the cost model" ;;
*"flop/pt"*"gradient"*) ok "osib describe prints the cost model" ;;
*) not_ok "osib describe prints the cost model" ;; esac
expect_fail "osib certify with an unknown case id (exit 4, as everywhere)" 4 \
    "no-such-case: no such case file, and no case with that id" \
    "$BIN/osib" certify --impl reference/simple/impl.yaml --case no-such-case --out "$TMP/cert-x"
# Precision is spelt as everywhere else (float32 | float64), the short forms accepted.
if "$BIN/osib" estimate acoustic-2d-layers-so4 --precision float64 | grep -q "float64" &&
    "$BIN/osib" estimate acoustic-2d-layers-so4 --precision f64 | grep -q "float64"; then
    ok "osib estimate --precision float64 (and f64)"
else not_ok "osib estimate --precision float64 (and f64)"; fi
expect_fail "osib estimate with an unknown precision" 2 "--precision float32 or float64" \
    "$BIN/osib" estimate acoustic-2d-layers-so4 --precision float16
# osib compare against a run's file, which holds one operator's output: that
# output is compared, the oracle's others are listed as absent; two files
# with no output in common are an error (exit 6, one line).
"$BIN/osib" compare oracles/acoustic-2d-layers-so4.h5 "$TMP/osib-cpu-id.h5" >"$TMP/cmp.out" 2>"$TMP/cmp.err"
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$TMP/cmp.err" ] && grep -q "^/outputs/forward_data  *[0-9.e+-]*  *[0-9.e+-]*$" "$TMP/cmp.out" &&
    grep -q "^/outputs/gradient .*(not in OTHER)" "$TMP/cmp.out"; then
    ok "osib compare of an oracle and a one-operator file compares what both hold"
else not_ok "osib compare of an oracle and a one-operator file (exit $rc)"; sed 's/^/#   /' "$TMP/cmp.out" "$TMP/cmp.err"; fi
"$BIN/osib-cpu" run --case acoustic-2d-layers-so4 --op adjoint --out "$TMP/adj.h5" >/dev/null 2>&1
expect_fail "osib compare of two files with no output in common" 6 "have no output dataset in common" \
    "$BIN/osib" compare "$TMP/adj.h5" "$TMP/osib-cpu-id.h5"
