# osib estimate covers every ladder case; the committed cost table
# (spec/ladder.md) is what `make ladder-table` generates; checkpointing cuts
# the gradient's memory and costs recomputation; bad options are usage errors.
. tests/support/e2e-lib.sh
OSIB=$BIN/osib

check "osib estimate --help" "$OSIB" estimate --help
for c in spec/cases/ladder-*.yaml spec/cases/real-*.yaml; do
    check "estimate $(basename "$c" .yaml)" "$OSIB" estimate "$c"
done
OSIB="$OSIB" tools/ladder-table >"$TMP/ladder.md"
if cmp -s "$TMP/ladder.md" spec/ladder.md; then ok "spec/ladder.md is the generator's output (make ladder-table)"
else not_ok "spec/ladder.md is the generator's output (make ladder-table)"; diff spec/ladder.md "$TMP/ladder.md" | head -20 | sed 's/^/#   /'; fi
n=$(grep -c '^| ladder-[^|]* | forward |' spec/ladder.md)
if [ "$n" -eq "$(ls spec/cases/ladder-*.yaml | wc -l)" ]; then ok "the table has every ladder case ($n)"
else not_ok "the table has every ladder case ($n)"; fi

# SEAM size: the full history does not fit anywhere, the checkpointed one is
# smaller by more than an order of magnitude and recomputes forward steps.
"$OSIB" estimate ladder-3d-seam-size --op gradient >"$TMP/seam"
if grep -q 'gradient .* TiB .* TiB' "$TMP/seam" && grep -q 'checkpointed: 68 snapshots' "$TMP/seam"; then
    ok "SEAM gradient: full history and checkpointed memory, 68 snapshots"
else not_ok "SEAM gradient: full history and checkpointed memory, 68 snapshots"; cat "$TMP/seam"; fi
# Within its 1 TiB budget, the SEAM gradient keeps the most snapshots of two
# float32 levels that fit beside the least budget (acoustic.md §12),
# computed here from the case file.
"$OSIB" estimate ladder-3d-seam-size --op gradient >"$TMP/seam"
want=$(python3 - spec/cases/ladder-3d-seam-size.yaml <<'PY'
import re, sys
t = open(sys.argv[1]).read()
shape = [int(v) for v in re.search(r"shape: \[([0-9, ]+)\]", t).group(1).split(",")]
nbl = int(re.search(r"nbl: (\d+)", t).group(1)); nt = int(re.search(r"nt: (\d+)", t).group(1))
nrec = 1
for m in re.finditer(r"- \[[^,]+, [^,]+, (\d+)\]", t.split("receivers:")[1]):
    nrec *= int(m.group(1))
N = 1
for n in shape:
    N *= n + 2 * nbl
budget = int(re.search(r"memory_budget_bytes: (\d+)", t).group(1))
least = 6 * 4 * N + 8 * nt * (1 + 2 * nrec)
print((budget - least) // (8 * N))
PY
)
if grep -q "within the case's budget of 1 TiB: $want snapshots" "$TMP/seam"; then
    ok "SEAM gradient within 1 TiB: $want snapshots, the most that fit beside the least budget"
else not_ok "SEAM gradient within 1 TiB: want $want snapshots"; cat "$TMP/seam" | sed 's/^/#   /'; fi
# Time scales inversely with bandwidth.
t100=$("$OSIB" estimate --markdown --op forward --bandwidth 100 ladder-2d-marmousi-tiny | tail -1 | awk -F'|' '{print $10}')
t200=$("$OSIB" estimate --markdown --op forward --bandwidth 200 ladder-2d-marmousi-tiny | tail -1 | awk -F'|' '{print $10}')
if [ "$t100" = " 20.6 ms " ] && [ "$t200" = " 10.3 ms " ]; then ok "predicted time halves at twice the bandwidth"
else not_ok "predicted time halves at twice the bandwidth ($t100, $t200)"; fi
expect_fail "an unknown operator is a usage error" 2 "unknown operator" "$OSIB" estimate ladder-2d-marmousi-tiny --op nope
expect_fail "a bad bandwidth is a usage error" 2 "bandwidth" "$OSIB" estimate ladder-2d-marmousi-tiny --bandwidth -3
expect_fail "a missing case is a file error" 4 "no such case" "$OSIB" estimate no-such-case
