# Bad case files (tests/data/bad-cases) are refused by every program that
# reads cases, with the documented exit code and one line naming the
# problem - never a crash. A valid case too large for the machine validates
# but every run is refused up front (exit 5).
. tests/support/e2e-lib.sh

header() { sed -n "s/^# $1: //p" "$2" | head -n 1; }

for f in tests/data/bad-cases/*.yaml; do
    name=$(basename "$f" .yaml)
    code=$(header expect-exit "$f")
    run_code=$(header expect-run-exit "$f")
    msg=$(header expect-message "$f")
    run_code=${run_code:-$code}
    if [ "$code" = 0 ]; then
        check "osib validate accepts $name" "$BIN/osib" validate "$f"
    else
        expect_fail "osib validate refuses $name" "$code" "$msg" "$BIN/osib" validate "$f"
        expect_fail "osib describe refuses $name" "$code" "$msg" "$BIN/osib" describe "$f"
    fi
    for prog in osib-ref osib-cpu; do
        expect_fail "$prog run refuses $name" "$run_code" "$msg" "$BIN/$prog" run --case "$f" --op forward --out "$TMP/o.h5"
    done
    expect_fail "osib-ref oracle refuses $name" "$run_code" "$msg" "$BIN/osib-ref" oracle --case "$f" --out "$TMP/o.h5"
    if [ -e "$TMP/o.h5" ]; then not_ok "no output left behind for $name"; else ok "no output left behind for $name"; fi
done

# The ladder's SEAM-size case is valid everywhere and too large here.
check "the SEAM-size ladder case validates" "$BIN/osib" validate spec/cases/ladder-3d-seam-size.yaml
expect_fail "the SEAM-size ladder case is refused for lack of memory" 5 "this machine has" \
    "$BIN/osib-ref" run --case spec/cases/ladder-3d-seam-size.yaml --op forward --out "$TMP/o.h5"

# Inputs files are untrusted too: wrong shape, NaN, not HDF5.
"$BIN/osib-ref" oracle --case spec/cases/acoustic-2d-layers-so4.yaml --out "$TMP/in.h5" >/dev/null
expect_fail "run refuses inputs for another case" 6 "has shape [101, 101], expected" \
    "$BIN/osib-ref" run --case tests/data/bad-cases/../../../spec/cases/ladder-2d-marmousi-tiny.yaml --op forward \
    --inputs "$TMP/in.h5" --out "$TMP/o.h5"
echo "not hdf5" >"$TMP/junk.h5"
expect_fail "run refuses an inputs file that is not HDF5" 4 "not an HDF5 file" \
    "$BIN/osib-ref" run --case spec/cases/acoustic-2d-layers-so4.yaml --op forward --inputs "$TMP/junk.h5" --out "$TMP/o.h5"
