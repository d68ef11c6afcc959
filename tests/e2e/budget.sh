# Gradients under a memory budget (spec/acoustic.md §12, protocol.md §2.4):
# a case's memory_budget_bytes binds its born_adjoint and gradient tasks.
# osib-cpu fits it by choosing Revolve checkpoints itself, certifies, and
# says what it chose in result.yaml's notes; osib-ref, which keeps the whole
# history, is stopped and rejected with both figures; budgets below what
# any gradient needs are refused before anything runs.
. tests/support/e2e-lib.sh
OSIB=$BIN/osib
CASE=tests/data/budget-2d-layers-so4.yaml
BUDGET=41943040

# Manifests for the programs of $BIN (OSIB_BIN may name another build tree).
abs_bin=$(cd "$BIN" && pwd)
for prog in osib-cpu osib-ref; do
    dir=reference/cpu
    [ $prog = osib-ref ] && dir=reference/simple
    sed "s|\"{impl_dir}/../../build/bin/$prog\"|\"$abs_bin/$prog\"|" $dir/impl.yaml >"$TMP/$prog.yaml"
done

# The budget case has no oracle: it is certified beside the oracle case it
# copies, and judged by the kit's reference, which ignores the budget.
"$OSIB" certify --impl "$TMP/osib-cpu.yaml" --case acoustic-2d-layers-so4 --case $CASE --repeat 1 \
    --out "$TMP/cpu" >"$TMP/cpu.out" 2>&1
if grep -q "^CONFORMANT" "$TMP/cpu.out"; then ok "osib-cpu is CONFORMANT on the budget case"
else not_ok "osib-cpu is CONFORMANT on the budget case"; tail -5 "$TMP/cpu.out" | sed 's/^/#   /'; fi
# Every budgeted task's measured peak is within the budget, and its notes
# say how the gradient fitted.
read -r n over <<<"$(budgeted_peaks "$TMP/cpu/report.yaml" budget-2d-layers-so4 $BUDGET)"
if [ $n -ge 2 ] && [ $over -eq 0 ]; then ok "all $n budgeted tasks of osib-cpu peaked within $BUDGET bytes"
else not_ok "budgeted tasks of osib-cpu within the budget: $n tasks, $over over"; fi
if grep -lq "notes: \"forward history checkpointed (Revolve[^)]*): [0-9]* snapshots" "$TMP"/cpu/tasks/t*/result.yaml; then
    ok "osib-cpu's result.yaml says it checkpointed, and with how many snapshots"
else not_ok "osib-cpu's result.yaml says it checkpointed"; fi
# The report shows every budgeted operator beside its budget, with the
# program's own first line of notes; report.yaml keeps the budget.
rows=$(grep -c "^| budget-2d-layers-so4 | \(gradient\|born_adjoint\) | 0.0391 | .* | \`forward history checkpointed" "$TMP/cpu/report.md")
if [ "$rows" -eq 2 ] && grep -q "^## Gradients under a memory budget" "$TMP/cpu/report.md" &&
    awk -v b=$BUDGET '$1 == "memory_budget_bytes:" && $2 + 0 == b { found = 1 } END { exit !found }' \
        "$TMP/cpu/report.yaml"; then
    ok "report.md shows both budgeted operators with the budget (0.0391 GiB) and osib-cpu's note"
else not_ok "report.md's budget table ($rows rows)"; sed -n '/^## Gradients under/,/^## /p' "$TMP/cpu/report.md" | sed 's/^/#   /'; fi
# A report whose completed task is edited to have peaked over the budget
# is refuted by osib verify, which checks every budgeted peak.
cp -r "$TMP/cpu" "$TMP/cpu-edited"
task=$(grep "case: budget-2d-layers-so4, operator: gradient" "$TMP/cpu-edited/report.yaml" | head -1 | sed 's/.*id: \(t[0-9]*\),.*/\1/')
sed -i "/id: $task,/s/peak_memory_bytes: [0-9.e+]*/peak_memory_bytes: 50000000/" "$TMP/cpu-edited/report.yaml"
"$OSIB" verify "$TMP/cpu-edited" >"$TMP/verify.out" 2>&1
if grep -q "task $task: peak memory 50000000 bytes over the case's budget of $BUDGET" "$TMP/verify.out" &&
    grep -q "^REFUTED" "$TMP/verify.out"; then
    ok "osib verify refutes a report whose completed budgeted task peaked over the budget"
else not_ok "osib verify on a task edited over its budget"; tail -5 "$TMP/verify.out" | sed 's/^/#   /'; fi

"$OSIB" certify --impl "$TMP/osib-ref.yaml" --case acoustic-2d-layers-so4 --case $CASE --repeat 1 \
    --out "$TMP/ref" >"$TMP/ref.out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "^NON-CONFORMANT" "$TMP/ref.out" &&
    grep -q "peak resident memory .* is over the case's memory budget of 40.0 MiB ($BUDGET bytes)" "$TMP/ref.out"; then
    ok "osib-ref, which keeps the whole history, is rejected with its peak and the budget"
else not_ok "osib-ref is rejected for its memory (exit $rc)"; tail -5 "$TMP/ref.out" | sed 's/^/#   /'; fi

sed 's/^memory_budget_bytes: .*/memory_budget_bytes: 1000000/' $CASE >"$TMP/low.yaml"
expect_fail "a budget below six padded float32 arrays is refused when the case loads" 3 \
    "is below the 1557664 bytes (1.5 MiB) any gradient of this case needs" \
    "$OSIB" certify --impl "$TMP/osib-cpu.yaml" --case acoustic-2d-layers-so4 --case "$TMP/low.yaml" --out "$TMP/x"
sed 's/^memory_budget_bytes: .*/memory_budget_bytes: 2000000/' $CASE >"$TMP/f64.yaml"
expect_fail "a budget a float64 implementation cannot meet is refused before anything runs" 2 \
    "below the 2343928 bytes a float64 gradient needs at least" \
    "$OSIB" certify --impl "$TMP/osib-ref.yaml" --case acoustic-2d-layers-so4 --case "$TMP/f64.yaml" --out "$TMP/y"
expect_fail "osib-cpu says why a budget smaller than the process itself cannot be met" 5 \
    "this process holds" "$BIN/osib-cpu" run --case "$TMP/f64.yaml" --op gradient --out "$TMP/z.h5"
sed 's/^physics: acoustic-iso/physics: acoustic-tti/; s/^  preset: layers-isotropic/  preset: layers-tti/
     s/^  dt_ms: .*/  dt_ms: 1.2/' $CASE \
    >"$TMP/tti.yaml"
expect_fail "budgets are refused on TTI cases" 3 "acoustic-iso cases only" \
    "$OSIB" certify --impl "$TMP/osib-cpu.yaml" --case "$TMP/tti.yaml" --out "$TMP/w"
