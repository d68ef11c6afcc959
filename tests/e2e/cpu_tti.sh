# reference/cpu's TTI kernels (reference/cpu/cpu_tti.h): osib-cpu is
# CONFORMANT (float32) on the TTI smoke suite, every TTI case with
# OSIB_LONG=1 (make check-long); its bits do not depend on the work items
# (--tile-x planes by --tile-y rows, each swept along x with its own
# temporaries) or the thread count, for every mode of the step (forward,
# the adjoint, Born's four fields, the gradient's imaging) in 2D and 3D and
# at space orders whose staggered half order q and Laplacian half order
# so/2 differ (so 6: q 2, 3; so 8: q 2, 4); one process computing every
# operator gives the bits of a process per operator (work arrays and the
# history reused); and the float64 build is the float64 class, within
# 1e-12 of the TTI oracles; osib-bench reports TTI rows.
. tests/support/e2e-lib.sh
OSIB=${OSIB_BIN:-$BIN}/osib

suite="--suite smoke-tti"
[ "${OSIB_LONG:-0}" = 1 ] && suite="--suite tti"
start=$(date +%s)
# shellcheck disable=SC2086
"$OSIB" certify --impl reference/cpu/impl.yaml $suite --repeat 1 --out "$TMP/cpu" >"$TMP/cpu.out" 2>&1
rc=$?
took=$(($(date +%s) - start))
if [ $rc -eq 0 ] && grep -q "^verdict: CONFORMANT" "$TMP/cpu/report.yaml"; then
    ok "osib-cpu is CONFORMANT on TTI ($suite, $(grep -c '^  - id:' "$TMP/cpu/report.yaml") checks, ${took} s)"
else
    not_ok "osib-cpu is CONFORMANT on TTI (exit $rc)"
    sed 's/^/#   /' "$TMP/cpu.out"
fi
check "osib verify confirms osib-cpu's TTI report" "$OSIB" verify "$TMP/cpu"

# Work items and threads: the same bits. The 3D case cut to 60 steps.
sed 's/^  nt: 295$/  nt: 60/' spec/cases/tti-3d-layers-so8.yaml >"$TMP/so8.yaml"
grep -q '^  nt: 60$' "$TMP/so8.yaml" || not_ok "the checks find tti-3d-layers-so8's nt (295) to cut"
sed 's/^space_order: 8$/space_order: 6/' "$TMP/so8.yaml" >"$TMP/so6.yaml"
sed 's/^  nt: 463$/  nt: 150/' spec/cases/tti-2d-asym-so8.yaml >"$TMP/2d.yaml"
grep -q '^  nt: 150$' "$TMP/2d.yaml" || not_ok "the checks find tti-2d-asym-so8's nt (463) to cut"
same_bits() { # CASE OP then lines "threads|options" on stdin
    local case=$1 op=$2 name
    name=$(basename "$case" .yaml)
    OMP_NUM_THREADS=1 "$BIN/osib-cpu" run --case "$case" --op "$op" --out "$TMP/$name-$op-ref.h5" \
        >/dev/null 2>"$TMP/err" || { not_ok "$name $op on one thread runs"; cat "$TMP/err"; }
    while IFS='|' read -r threads opts; do
        # shellcheck disable=SC2086 # opts is a list of words
        OMP_NUM_THREADS=$threads "$BIN/osib-cpu" $opts run --case "$case" --op "$op" --out "$TMP/$name-$op.h5" \
            >/dev/null 2>"$TMP/err" || { not_ok "$name $op with $opts runs"; cat "$TMP/err"; }
        check "TTI $name $op: ${opts:-the defaults} on $threads threads gives the bits of one thread" \
            h5diff -q "$TMP/$name-$op-ref.h5" "$TMP/$name-$op.h5" /outputs /outputs
    done
}
for op in forward adjoint born gradient; do
    same_bits "$TMP/so8.yaml" $op <<'SETTINGS'
2|
3|--tile-y 5
2|--tile-y 1 --tile-x 7
2|--tile-y 1000 --tile-x 3
SETTINGS
done
for op in forward gradient; do
    same_bits "$TMP/so6.yaml" $op <<'SETTINGS'
2|--tile-y 3 --tile-x 10
SETTINGS
    same_bits "$TMP/2d.yaml" $op <<'SETTINGS'
2|
3|--tile-x 1
2|--tile-x 1000
SETTINGS
done
same_bits "$TMP/2d.yaml" born <<'SETTINGS'
2|--tile-x 5
SETTINGS

# One process, every operator (the oracle command): the bits of a process
# per operator.
OMP_NUM_THREADS=2 "$BIN/osib-cpu" oracle --case "$TMP/so8.yaml" --out "$TMP/all.h5" >/dev/null 2>"$TMP/err" ||
    { not_ok "osib-cpu oracle runs on TTI"; cat "$TMP/err"; }
for pair in forward:forward_data adjoint:adjoint_wavelet born:born_data gradient:gradient gradient:objective; do
    op=${pair%%:*} out=${pair#*:}
    check "TTI $out: every operator in one process gives the bits of a process for $op alone" \
        h5diff -q "$TMP/so8-$op-ref.h5" "$TMP/all.h5" /outputs/$out /outputs/$out
done

# The float64 build: within 1e-12 of the TTI oracles (both errors of
# spec/tti.md §12), on the oracles' inputs.
f64_agrees() { # CASE OP OUTPUT...
    local id=$1 op=$2 n=0 worst
    shift 2
    rm -f "$TMP/sub.h5" "$TMP/f64-run.h5"
    OMP_NUM_THREADS=2 "$BIN/osib-cpu" --precision float64 run --case spec/cases/$id.yaml --op $op \
        --inputs oracles/$id.h5 --out "$TMP/f64-run.h5" >/dev/null 2>"$TMP/err" || cat "$TMP/err"
    for ds in "$@"; do
        h5copy -p -i oracles/$id.h5 -o "$TMP/sub.h5" -s /outputs/$ds -d /outputs/$ds && n=$((n + 1))
    done
    "$OSIB" compare "$TMP/sub.h5" "$TMP/f64-run.h5" >"$TMP/cmp" 2>&1
    worst=$(awk -v n=$n '/^\/outputs\// { k++; for (i = 2; i <= 3; i++) if ($i + 0 > m) m = $i + 0 }
        END { print (k == n && n > 0) ? m : "missing" }' "$TMP/cmp")
    if awk -v w="$worst" 'BEGIN { exit !(w != "missing" && w > 0 && w < 1e-12) }'; then
        ok "float64 TTI $op on $id: within 1e-12 of the oracle ($worst)"
    else not_ok "float64 TTI $op on $id: within 1e-12 of the oracle ($worst)"
        sed 's/^/#   /' "$TMP/cmp"; fi
}
f64_agrees tti-3d-layers-so8 forward forward_data
f64_agrees tti-3d-layers-so8 adjoint adjoint_wavelet
f64_agrees tti-2d-asym-so8 born born_data
f64_agrees tti-2d-asym-so8 gradient objective gradient
f64_agrees tti-2d-layers-so4 born_adjoint born_adjoint_image

# osib-bench on a TTI case: a row with the physics, the executed flops of
# the kernel (cpu_tti_flops_per_point: more than the spec's nominal 137 at
# so 8 in 3D, the tile-edge rows and the z padding included) and the share
# of the measured FMA peak; no temporal blocking (K 1). Timings are never
# asserted.
OMP_NUM_THREADS=2 "$BIN/osib-bench" --ops forward --repeat 1 --pairs 0 --out "$TMP/tti-bench.yaml" "$TMP/so8.yaml" \
    >"$TMP/tti-bench.txt" 2>&1
if grep -q '^    physics: acoustic-tti$' "$TMP/tti-bench.yaml" && grep -q '^    time_block: 1$' "$TMP/tti-bench.yaml" &&
    awk '/^    executed_flops_per_point_step:/ { e = $2 } /^    compute_fraction:/ { f = $2 }
        END { exit !(e > 137 && e < 200 && f > 0 && f < 1) }' "$TMP/tti-bench.yaml" &&
    grep -q 'float32 FMA peak [0-9]* GFlop/s' "$TMP/tti-bench.txt"; then
    ok "osib-bench on TTI: physics, executed flops per point (137 < e < 200), share of the FMA peak, K 1"
else
    not_ok "osib-bench on TTI: physics, executed flops per point, share of the FMA peak, K 1"
    sed 's/^/#   /' "$TMP/tti-bench.txt" "$TMP/tti-bench.yaml"
fi
