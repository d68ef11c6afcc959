# reference/cpu: every setting of osib-cpu gives the same bits. Temporal
# blocking (--time-block K: K steps per wavefront, reference/cpu/cpu_sweep.h)
# and the thread count only reorder independent work, never the arithmetic
# of a point or the order of the sparse sums, so outputs must be identical,
# not merely close. Also: osib-cpu's option errors and osib-bench's
# command line and YAML (its timings are never asserted: make bench).
. tests/support/e2e-lib.sh
CASE=spec/cases/acoustic-3d-layers-so8.yaml

for op in forward adjoint born gradient; do
    for k in 1 2 3 5; do
        OMP_NUM_THREADS=2 "$BIN/osib-cpu" --time-block $k run --case $CASE --op $op --out "$TMP/$op-k$k.h5" \
            >/dev/null 2>"$TMP/err" || { not_ok "$op with --time-block $k runs"; cat "$TMP/err"; }
    done
    OMP_NUM_THREADS=1 "$BIN/osib-cpu" run --case $CASE --op $op --out "$TMP/$op-t1.h5" >/dev/null 2>&1
    for v in k2 k3 k5 t1; do
        case $v in t1) what="one thread" ;; *) what="--time-block ${v#k}" ;; esac
        check "$op: $what gives the same bits as --time-block 1 with two threads" \
            h5diff -q "$TMP/$op-k1.h5" "$TMP/$op-$v.h5" /outputs /outputs
    done
done

# The check above can fail: a slightly different model gives other bits.
sed 's/^  vp_top_kms: 1.5/  vp_top_kms: 1.5000001/' $CASE >"$TMP/short.yaml"
OMP_NUM_THREADS=2 "$BIN/osib-cpu" run --case "$TMP/short.yaml" --op forward --out "$TMP/short.h5" >/dev/null 2>&1
if h5diff -q "$TMP/forward-k1.h5" "$TMP/short.h5" /outputs /outputs >/dev/null 2>&1; then
    not_ok "h5diff tells different outputs apart"
else ok "h5diff tells different outputs apart"; fi

expect_fail "osib-cpu --time-block 0" 2 "want an integer from 1 to 16" "$BIN/osib-cpu" --time-block 0 run
expect_fail "osib-cpu --time-block without a value" 2 "needs a value" "$BIN/osib-cpu" --time-block
check "osib-cpu --help documents --time-block" sh -c "'$BIN/osib-cpu' --help | grep -q -- --time-block"

expect_fail "osib-bench with no case" 2 "no case given" "$BIN/osib-bench"
expect_fail "osib-bench --ops nonsense" 2 "unknown operator" "$BIN/osib-bench" --ops nonsense $CASE
expect_fail "osib-bench on a missing case" 4 "" "$BIN/osib-bench" --repeat 1 "$TMP/none.yaml"
check "osib-bench --help" "$BIN/osib-bench" --help
OMP_NUM_THREADS=2 "$BIN/osib-bench" --ops forward,gradient --repeat 1 --out "$TMP/bench.yaml" $CASE >"$TMP/bench.txt" 2>&1
rows=$(grep -c '^  - case: acoustic-3d-layers-so8' "$TMP/bench.yaml" 2>/dev/null)
if [ "$rows" = 2 ] && grep -q '^    roofline_fraction: 0\.[0-9]' "$TMP/bench.yaml" &&
    grep -q '^    triad_gbs_before: [1-9]' "$TMP/bench.yaml"; then
    ok "osib-bench writes a YAML row per operator with triad and roofline fraction"
else
    not_ok "osib-bench writes a YAML row per operator with triad and roofline fraction"
    sed 's/^/#   /' "$TMP/bench.txt" "$TMP/bench.yaml"
fi
