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
