# The main job's picture: a shot record drawn with gnuplot, as PNG and SVG,
# written atomically; a missing dataset is one clear error.
. tests/support/e2e-lib.sh

"$BIN/osib-ref" oracle --case spec/cases/acoustic-2d-layers-so4.yaml --out "$TMP/o.h5" >/dev/null
check "osib plot shot writes a PNG" "$BIN/osib" plot shot "$TMP/o.h5" --out "$TMP/shot.png"
if [ "$(head -c 4 "$TMP/shot.png" | od -An -c | tr -d ' ')" = "211PNG" ] && [ "$(stat -c %s "$TMP/shot.png")" -gt 10000 ]; then
    ok "the PNG is a real image"
else
    not_ok "the PNG is a real image"
fi
check "osib plot shot writes an SVG" "$BIN/osib" plot shot "$TMP/o.h5" --out "$TMP/shot.svg" --dataset /outputs/born_data
if grep -q "<svg" "$TMP/shot.svg"; then ok "the SVG is SVG"; else not_ok "the SVG is SVG"; fi
expect_fail "a missing dataset is refused" 6 "missing" "$BIN/osib" plot shot "$TMP/o.h5" --out "$TMP/x.png" --dataset /outputs/nope
expect_fail "a scalar is not a shot record" 6 "not a 2D (time x trace)" "$BIN/osib" plot shot "$TMP/o.h5" --out "$TMP/x.png" --dataset /outputs/objective
if ls "$TMP"/x.png* >/dev/null 2>&1; then not_ok "nothing left behind by failed plots"; else ok "nothing left behind by failed plots"; fi
expect_fail "an output that is neither .png nor .svg is refused, not drawn as PNG under its name" 2 \
    "the file must end in .png or .svg" "$BIN/osib" plot shot "$TMP/o.h5" --out "$TMP/shot.jpg"
if "$BIN/osib" --help | grep -q "plot shot .*--case"; then not_ok "osib --help offers plot shot no option it refuses"
else ok "osib --help offers plot shot no option it refuses"; fi

# Axes that say what they hold: a 2D line at its receivers' x in metres, a 3D
# carpet by receiver number (not as one line in metres); a model-shaped array
# is not a shot record.
if grep -q "receiver x (m)" "$TMP/shot.svg"; then ok "a 2D shot record's x axis is the receivers' x in metres"
else not_ok "a 2D shot record's x axis is the receivers' x in metres"; fi
check "osib plot shot draws a 3D oracle's receiver carpet" "$BIN/osib" plot shot oracles/acoustic-3d-layers-so8.h5 --out "$TMP/carpet.svg"
if grep -q "receiver number" "$TMP/carpet.svg" && ! grep -q "receiver x (m)" "$TMP/carpet.svg"; then
    ok "a 3D carpet is drawn by receiver number, not as a line in metres"
else not_ok "a 3D carpet is drawn by receiver number"; fi
for ds in gradient born_adjoint_image; do
    expect_fail "a $ds is model-shaped, refused as a shot record" 6 "model-shaped" \
        "$BIN/osib" plot shot "$TMP/o.h5" --out "$TMP/x.png" --dataset /outputs/$ds
done

# The report's figures (osib certify): the difference panel on its own colour
# scale with labelled bars, the roofline with 1-2-5 ticks on both axes even
# without a bandwidth, no two roofline points alike, and no figure computed
# by the kit's own reference (the runner draws what the implementation and
# the oracle gave).
"$BIN/osib" certify --impl reference/cpu/impl.yaml --case acoustic-2d-layers-so4 --case acoustic-3d-layers-so8 \
    --repeat 1 --out "$TMP/rep" >/dev/null 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -f "$TMP/rep/report.yaml" ]; then ok "osib-cpu certifies the two cases the figures are drawn from"
else not_ok "osib-cpu certifies the two cases the figures are drawn from (exit $rc)"; fi
svg=$TMP/rep/plots/shot-acoustic-2d-layers-so4.svg
if grep -q "difference, own scale" "$svg" && grep -q "difference (its own scale)" "$svg" &&
    grep -q "amplitude (clipped at 99th pct of |oracle|)" "$svg" && grep -q "receiver x (m)" "$svg"; then
    ok "the report's shot record: labelled colour bars, the difference on its own scale, x in metres"
else not_ok "the report's shot record: labelled colour bars, the difference on its own scale, x in metres"; fi
if grep -q "receiver number" "$TMP/rep/plots/shot-acoustic-3d-layers-so8.svg"; then ok "the report's 3D shot record numbers the receivers"
else not_ok "the report's 3D shot record numbers the receivers"; fi
if ls "$TMP"/rep/plots/snapshot-* >/dev/null 2>&1; then not_ok "no figure from the kit's reference (wavefield snapshot)"
else ok "no figure from the kit's reference (wavefield snapshot)"; fi
roof=$TMP/rep/plots/roofline.svg
ticks=$(grep -c '<text><tspan font-family="Sans" > [0-9.]*</tspan></text>' "$roof")
if [ "$ticks" -ge 8 ]; then ok "the roofline's axes carry 1-2-5 tick labels ($ticks)"
else not_ok "the roofline's axes carry 1-2-5 tick labels ($ticks)"; fi
# every point is a marker shape and a colour: as many distinct pairs as timed operators (10 > 8 colours)
timed=$(grep -c '^  - case: ' "$TMP/rep/report.yaml")
pairs=$(grep -o "<use xlink:href='#gpPt[0-9]*' transform='translate([^)]*) scale([0-9.]*)' color='rgb([0-9, ]*)'" "$roof" |
    sed "s/transform='[^']*' //" | sort -u | wc -l)
if [ "$timed" -ge 9 ] && [ "$pairs" -eq "$timed" ]; then ok "no two of the roofline's $timed points share a marker and a colour"
else not_ok "no two roofline points share a marker and a colour ($pairs pairs, $timed points)"; fi
"$BIN/osib" certify --impl reference/cpu/impl.yaml --case acoustic-2d-layers-so4 --ops forward --repeat 1 \
    --out "$TMP/rep1" >/dev/null 2>&1
ticks=$(grep -c '<text><tspan font-family="Sans" > [0-9.]*</tspan></text>' "$TMP/rep1/plots/roofline.svg")
if [ "$ticks" -ge 5 ]; then ok "a roofline of one point still spans a decade with tick labels ($ticks)"
else not_ok "a roofline of one point still spans a decade with tick labels ($ticks)"; fi
