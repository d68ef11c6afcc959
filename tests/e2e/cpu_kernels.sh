# reference/cpu: every setting of osib-cpu gives the same bits. Temporal
# blocking (--time-block K: K steps per wavefront; --tile-y N: rows per
# wavefront tile; reference/cpu/cpu_sweep.h) and the thread count only
# reorder independent work, never the arithmetic of a point or the order of
# the sparse sums, so outputs must be identical, not merely close. The case
# has off-grid receivers, so with small tiles a receiver's corners fall in
# different tiles. Three threads on this 2-core machine exercise the
# pipeline's waiting with more threads than cores. The float64 build
# (--precision float64) too, and its agreement with the oracles. Also:
# osib-cpu's option errors and osib-bench's command line and YAML (its
# timings are never asserted: make bench).
. tests/support/e2e-lib.sh
CASE=spec/cases/acoustic-3d-layers-so8.yaml

for op in forward adjoint born gradient; do
    OMP_NUM_THREADS=2 "$BIN/osib-cpu" --time-block 1 run --case $CASE --op $op --out "$TMP/$op-k1.h5" \
        >/dev/null 2>"$TMP/err" || { not_ok "$op with --time-block 1 runs"; cat "$TMP/err"; }
    # name | threads | osib-cpu's options (a here-document, not a pipe: the
    # checks must count in this shell)
    while IFS='|' read -r name threads opts; do
        # shellcheck disable=SC2086 # opts is a list of words
        OMP_NUM_THREADS=$threads "$BIN/osib-cpu" $opts run --case $CASE --op $op --out "$TMP/$op-$name.h5" \
            >/dev/null 2>"$TMP/err" || { not_ok "$op with $opts runs"; cat "$TMP/err"; }
        check "$op: ${opts:-the defaults} on $threads thread(s) gives the same bits as --time-block 1" \
            h5diff -q "$TMP/$op-k1.h5" "$TMP/$op-$name.h5" /outputs /outputs
    done <<'SETTINGS'
k2|2|--time-block 2
k3|2|--time-block 3
k5y7|2|--time-block 5 --tile-y 7
k4y1|2|--time-block 4 --tile-y 1
k2y1000|2|--time-block 2 --tile-y 1000
k4y5t3|3|--time-block 4 --tile-y 5
default1|1|
SETTINGS
done

# With K > 1 the sweep computes planes in pairs (cpu_update_plane_pair),
# and a pair with one plane outside the grid falls back to one plane. At so 8
# (so/2 = 4, an even number of padded planes) every pair is whole; at so 6
# the lag of 3 planes per step leaves half-pairs at both ends of the sweep.
sed 's/^space_order: 8/space_order: 6/' $CASE >"$TMP/so6.yaml"
for op in forward gradient; do
    OMP_NUM_THREADS=2 "$BIN/osib-cpu" --time-block 1 run --case "$TMP/so6.yaml" --op $op --out "$TMP/so6-$op-k1.h5" \
        >/dev/null 2>"$TMP/err" || { not_ok "so 6 $op with --time-block 1 runs"; cat "$TMP/err"; }
    for opts in "--time-block 3" "--time-block 2 --tile-y 3"; do
        # shellcheck disable=SC2086 # opts is a list of words
        OMP_NUM_THREADS=3 "$BIN/osib-cpu" $opts run --case "$TMP/so6.yaml" --op $op --out "$TMP/so6-$op.h5" \
            >/dev/null 2>"$TMP/err" || { not_ok "so 6 $op with $opts runs"; cat "$TMP/err"; }
        check "so 6 $op: $opts (half pairs of planes at the ends) gives the same bits as --time-block 1" \
            h5diff -q "$TMP/so6-$op-k1.h5" "$TMP/so6-$op.h5" /outputs /outputs
    done
done

# A problem keeps its work arrays between calls (cpu_problem.h): nothing may
# carry over. One process computing every operator in turn (the oracle
# command: each call reuses the rings, image and history of the one before)
# gives the bits of a fresh process per operator.
OMP_NUM_THREADS=2 "$BIN/osib-cpu" oracle --case $CASE --out "$TMP/all.h5" >/dev/null 2>"$TMP/err" ||
    { not_ok "osib-cpu oracle runs"; cat "$TMP/err"; }
for pair in forward:forward_data adjoint:adjoint_wavelet born:born_data gradient:gradient gradient:objective; do
    op=${pair%%:*} out=${pair#*:}
    check "$out: every operator in one process gives the bits of a process for $op alone" \
        h5diff -q "$TMP/$op-k1.h5" "$TMP/all.h5" /outputs/$out /outputs/$out
done

# The checks above can fail: a slightly different model gives other bits.
sed 's/^  vp_top_kms: 1.5/  vp_top_kms: 1.5000001/' $CASE >"$TMP/short.yaml"
OMP_NUM_THREADS=2 "$BIN/osib-cpu" run --case "$TMP/short.yaml" --op forward --out "$TMP/short.h5" >/dev/null 2>&1
if h5diff -q "$TMP/forward-k1.h5" "$TMP/short.h5" /outputs /outputs >/dev/null 2>&1; then
    not_ok "h5diff tells different outputs apart"
else ok "h5diff tells different outputs apart"; fi

# The float64 build (--precision float64: the same sources with float64
# fields, reference/cpu/cpu_real.h). Both libraries are linked into
# osib-cpu, so each must define its own names: a float64 symbol left under
# its float32 name would link silently to the float32 code.
defs64=$(nm -g --defined-only build/lib/libosibcpu64.a 2>/dev/null | awk 'NF == 3 { print $3 }')
stray64=$(printf '%s\n' "$defs64" | grep -Ev '^(cpu64_|osib_backend_cpu64$)')
stray32=$(nm -g --defined-only build/lib/libosibcpu.a 2>/dev/null | awk 'NF == 3 && $3 ~ /^cpu64_|cpu64$/ { print $3 }')
if [ -n "$defs64" ] && [ -z "$stray64" ] && [ -z "$stray32" ] && printf '%s\n' "$defs64" | grep -qx osib_backend_cpu64; then
    ok "libosibcpu64.a defines only cpu64_ names and osib_backend_cpu64, libosibcpu.a none of them"
else not_ok "libosibcpu64.a defines only cpu64_ names and osib_backend_cpu64, libosibcpu.a none of them"
    printf '#   %s\n' $stray64 $stray32; fi

# Its bits, like the float32 build's, do not depend on the threads, the
# time block or the tiles: the gradient (plain steps streaming the history,
# imaging steps) and the Born operator (the fused two-field step), on the
# 3D case cut to 60 steps to keep this short. The reference runs on one
# thread: a step per parallel region on two threads crawls when the
# machine is busy (each barrier waits for a descheduled thread).
sed 's/^  nt: 332$/  nt: 60/' $CASE >"$TMP/f64.yaml"
grep -q '^  nt: 60$' "$TMP/f64.yaml" || not_ok "the float64 checks find the 3D case's nt (332) to cut (they would run long)"
for op in gradient born; do
    OMP_NUM_THREADS=1 "$BIN/osib-cpu" --precision float64 --time-block 1 run --case "$TMP/f64.yaml" --op $op \
        --out "$TMP/f64-$op-k1.h5" >/dev/null 2>"$TMP/err" || { not_ok "float64 $op with --time-block 1 runs"; cat "$TMP/err"; }
    while IFS='|' read -r threads opts; do
        # shellcheck disable=SC2086 # opts is a list of words
        OMP_NUM_THREADS=$threads "$BIN/osib-cpu" --precision float64 $opts run --case "$TMP/f64.yaml" --op $op \
            --out "$TMP/f64-$op.h5" >/dev/null 2>"$TMP/err" || { not_ok "float64 $op with $opts runs"; cat "$TMP/err"; }
        check "float64 $op: ${opts:-the defaults} on $threads threads gives the same bits as --time-block 1 on one" \
            h5diff -q "$TMP/f64-$op-k1.h5" "$TMP/f64-$op.h5" /outputs /outputs
    done <<'SETTINGS'
2|
3|--time-block 3 --tile-y 5
SETTINGS
done

# And it is the float64 class: within 1e-12 of the oracles (both of
# spec/acoustic.md §13's errors), on the oracles' inputs. The 3D forward
# runs the temporally blocked sweep; the 2D gradient and Born operator the
# imaging and fused steps and the fold, on one thread (as above; 2D has no
# temporal blocking, so a barrier per step).
f64_agrees() { # THREADS CASE OP OUTPUT...
    local threads=$1 id=$2 op=$3 n=0 worst
    shift 3
    rm -f "$TMP/sub.h5" "$TMP/f64-run.h5"
    OMP_NUM_THREADS=$threads "$BIN/osib-cpu" --precision float64 run --case spec/cases/$id.yaml --op $op \
        --inputs oracles/$id.h5 --out "$TMP/f64-run.h5" >/dev/null 2>"$TMP/err" || cat "$TMP/err"
    for ds in "$@"; do # the oracle's outputs of this operator alone, for osib compare
        h5copy -p -i oracles/$id.h5 -o "$TMP/sub.h5" -s /outputs/$ds -d /outputs/$ds && n=$((n + 1))
    done
    "$BIN/osib" compare "$TMP/sub.h5" "$TMP/f64-run.h5" >"$TMP/cmp" 2>&1
    worst=$(awk -v n=$n '/^\/outputs\// { k++; for (i = 2; i <= 3; i++) if ($i + 0 > m) m = $i + 0 }
        END { print (k == n && n > 0) ? m : "missing" }' "$TMP/cmp")
    if awk -v w="$worst" 'BEGIN { exit !(w != "missing" && w > 0 && w < 1e-12) }' &&
        h5dump -a /precision "$TMP/f64-run.h5" 2>/dev/null | grep -q '"float64"'; then
        ok "float64 $op on $id: within 1e-12 of the oracle ($worst), precision float64"
    else not_ok "float64 $op on $id: within 1e-12 of the oracle ($worst), precision float64"
        sed 's/^/#   /' "$TMP/cmp"; fi
}
f64_agrees 2 acoustic-3d-layers-so8 forward forward_data
f64_agrees 1 acoustic-2d-layers-so8 gradient objective gradient
f64_agrees 1 acoustic-2d-layers-so8 born born_data
expect_fail "osib-cpu --precision float16" 2 "want float32 or float64" "$BIN/osib-cpu" --precision float16 run

expect_fail "osib-cpu --time-block 0" 2 "want an integer from 1 to 16" "$BIN/osib-cpu" --time-block 0 run
expect_fail "osib-cpu --time-block without a value" 2 "want an integer" "$BIN/osib-cpu" --time-block
expect_fail "osib-cpu --tile-y 0" 2 "want an integer from 1" "$BIN/osib-cpu" --tile-y 0 run
expect_fail "osib-bench --tile-y x" 2 "--tile-y wants" "$BIN/osib-bench" --tile-y x $CASE
check "osib-cpu --help documents --time-block and --tile-y" \
    sh -c "'$BIN/osib-cpu' --help | grep -q -- --time-block && '$BIN/osib-cpu' --help | grep -q -- --tile-y"

expect_fail "osib-bench with no case" 2 "no case given" "$BIN/osib-bench"
expect_fail "osib-bench --ops nonsense" 2 "unknown operator" "$BIN/osib-bench" --ops nonsense $CASE
expect_fail "osib-bench on a missing case" 4 "" "$BIN/osib-bench" --repeat 1 "$TMP/none.yaml"
check "osib-bench --help" "$BIN/osib-bench" --help
OMP_NUM_THREADS=2 "$BIN/osib-bench" --ops forward,gradient --repeat 1 --out "$TMP/bench.yaml" $CASE >"$TMP/bench.txt" 2>&1
rows=$(awk '/^gradient_over_forward:/ { exit } /^  - case: acoustic-3d-layers-so8$/ { n++ } END { print n + 0 }' \
    "$TMP/bench.yaml" 2>/dev/null)
if [ "$rows" = 2 ] && grep -Eq '^    roofline_fraction: [0-9]+\.[0-9]' "$TMP/bench.yaml" &&
    grep -q '^    triad_gbs_before: [1-9]' "$TMP/bench.yaml"; then
    ok "osib-bench writes a YAML row per operator with triad and roofline fraction"
else
    not_ok "osib-bench writes a YAML row per operator with triad and roofline fraction"
    sed 's/^/#   /' "$TMP/bench.txt" "$TMP/bench.yaml"
fi
# The streaming bound over the roofline: the spec's values per point and
# step over those of a sweep blocked by K = 4 (osib_bench.c): 4 / (4/4) for
# the forward, 11 / (10/4 + 2) for the gradient, whose history is not shared
# (to 1e-4: the YAML holds 6 significant digits of each bound).
if awk '/^    operator:/ { op = $2 } /^    roofline_gpts_per_s:/ { r = $2 }
    /^    streaming_bound_gpts_per_s:/ { q = $2 / r; want = op == "forward" ? 4 : 11 / 4.5; n++
        if (q - want > 1e-4 || want - q > 1e-4) { printf "#   %s: %.5f, want %.5f\n", op, q, want; bad = 1 } }
    END { exit bad || n != 2 }' "$TMP/bench.yaml"; then
    ok "osib-bench's streaming bound: K-fold for the forward, the history unshared for the gradient"
else not_ok "osib-bench's streaming bound: K-fold for the forward, the history unshared for the gradient"; fi
if grep -q '^    time_block: 4$' "$TMP/bench.yaml"; then ok "osib-bench reports the time block of osib-cpu's rule (4 at so 8)"
else not_ok "osib-bench reports the time block of osib-cpu's rule (4 at so 8)"; fi
if grep -Eq '^acoustic-3d-layers-so8 +gradient / forward time = [0-9]+\.[0-9]{2} \(medians\), [0-9]+\.[0-9]{2} \(fastest calls\)$' "$TMP/bench.txt"; then
    ok "osib-bench prints the gradient / forward time ratio"
else not_ok "osib-bench prints the gradient / forward time ratio"; sed 's/^/#   /' "$TMP/bench.txt"; fi
# The alternated pairs (default 3): the YAML's median, min and max are
# those of its per-pair ratios, and the text says the same median.
if awk 'FNR == 1 { file++ }
    file == 1 && /^gradient_over_forward:/ { in_r = 1 }
    file == 1 && in_r && /^    pairs:/ { pairs = $2 }
    file == 1 && in_r && /^    (median|min|max):/ { sub(":", "", $1); got[$1] = $2 }
    file == 1 && in_r && /^    per_pair:/ { gsub(/[][,]/, " "); n = split(substr($0, index($0, ":") + 1), v, " ") }
    file == 2 && /median of 3 alternated pairs/ { text = $0; sub(/.*time = /, "", text); sub(/ .*/, "", text) }
    END {
        if (pairs != 3 || n != 3) exit 1
        for (i = 1; i <= 3; i++) { if (v[i] <= 1 || v[i] >= 10) exit 1; s[i] = v[i] + 0 }
        for (i = 1; i <= 3; i++) for (j = i + 1; j <= 3; j++) if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
        d = got["median"] - s[2]; if (d > 1e-4 || d < -1e-4) exit 1
        if (got["min"] != s[1] || got["max"] != s[3]) exit 1
        d = text - got["median"]; if (text == "" || d > 0.006 || d < -0.006) exit 1
    }' "$TMP/bench.yaml" "$TMP/bench.txt"
then ok "osib-bench's alternated pairs: median, min and max of the per-pair ratios, in the YAML and the text"
else not_ok "osib-bench's alternated pairs: median, min and max of the per-pair ratios, in the YAML and the text"; fi
expect_fail "osib-bench --pairs x" 2 "--pairs wants" "$BIN/osib-bench" --pairs x $CASE
OMP_NUM_THREADS=2 "$BIN/osib-bench" --ops forward,gradient --repeat 1 --pairs 0 --out "$TMP/bench0.yaml" $CASE >"$TMP/bench0.txt" 2>&1
if grep -q '^gradient_over_forward: \[\]$' "$TMP/bench0.yaml" && ! grep -q 'alternated pairs' "$TMP/bench0.txt"; then
    ok "osib-bench --pairs 0 measures no pairs"
else not_ok "osib-bench --pairs 0 measures no pairs"; sed 's/^/#   /' "$TMP/bench0.txt" "$TMP/bench0.yaml"; fi
