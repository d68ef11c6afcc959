# Oracles are reproducible bit for bit: two runs give identical files, the
# committed oracles match oracles/MANIFEST, and regenerating every oracle
# reproduces every array of the manifest (make verify-oracles). A file with
# other numbers is caught.
. tests/support/e2e-lib.sh

default=spec/cases/acoustic-2d-layers-so4.yaml
"$BIN/osib-ref" oracle --case "$default" --out "$TMP/a.h5" >/dev/null
"$BIN/osib-ref" oracle --case "$default" --out "$TMP/b.h5" >/dev/null
check "two runs of the same oracle give identical bytes" cmp "$TMP/a.h5" "$TMP/b.h5"

for h5 in oracles/*.h5; do
    check "committed $(basename "$h5") matches the manifest" "$BIN/osib" oracle check --manifest oracles/MANIFEST "$h5"
done

# Regenerate every oracle case and compare with the manifest (the work of
# make verify-oracles, done here so that the test suite covers it). The 3D
# cases at space orders 4 and 16 take a minute each and exercise no code the
# so 8 one does not: only OSIB_LONG=1 (make check-long) regenerates them.
for c in $(grep -l '^oracle: *true' spec/cases/*.yaml); do
    id=$(basename "$c" .yaml)
    case "$id" in acoustic-3d-layers-so4 | acoustic-3d-layers-so16 | tti-3d-layers-so16) [ "${OSIB_LONG:-0}" = 1 ] || continue ;; esac
    # Cases on a real model need its data (spec/cases.md, data directories).
    if ! "$BIN/osib" dataset check "$c" >"$TMP/check" 2>&1; then
        skip "regenerating $id: $(head -n 1 "$TMP/check")"
        continue
    fi
    "$BIN/osib-ref" oracle --case "$c" --out "$TMP/$id.h5" >/dev/null
    check "regenerated $id matches the manifest bit for bit" "$BIN/osib" oracle check --manifest oracles/MANIFEST "$TMP/$id.h5"
done

# Every case marked for an oracle has one, and nothing else is in the manifest.
want=$(grep -l '^oracle: *true' spec/cases/*.yaml | xargs -n1 basename | sed 's/\.yaml$//' | sort)
have=$(grep -v '^#' oracles/MANIFEST | awk '{print $2}' | sort -u)
if [ "$want" = "$have" ]; then ok "the manifest covers exactly the oracle cases"; else
    not_ok "the manifest covers exactly the oracle cases"; echo "# want: $want"; echo "# have: $have"; fi

# Float32 numbers in the oracle layout are not the oracle.
"$BIN/osib-cpu" replay --case "$default" --oracle oracles/acoustic-2d-layers-so4.h5 --out "$TMP/f32.h5" >/dev/null
"$BIN/osib" oracle check --manifest oracles/MANIFEST "$TMP/f32.h5" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 7 ] && grep -q "MISMATCH.*/outputs/forward_data" "$TMP/out"; then ok "other numbers are reported as a mismatch (exit 7)"
else not_ok "other numbers are reported as a mismatch (exit $rc)"; fi

# Precision of the committed oracles: float64 agrees with itself, float32
# stays within the spec's tolerance (spec/acoustic.md section 13).
"$BIN/osib" compare oracles/acoustic-2d-layers-so4.h5 "$TMP/f32.h5" >"$TMP/cmp"
worst=$(awk 'NR > 1 { for (i = 2; i <= 3; i++) if ($i + 0 > m) m = $i + 0 } END { print m }' "$TMP/cmp")
if awk -v w="$worst" 'BEGIN { exit !(w > 0 && w < 1e-3) }'; then ok "osib-cpu is within the float32 tolerance ($worst)"
else not_ok "osib-cpu is within the float32 tolerance ($worst)"; cat "$TMP/cmp"; fi
