# Datasets end to end: the registry lists and describes; fetch downloads from
# a local file:// copy, resumes, and refuses a wrong hash, a truncated source
# and an unreachable server with the documented exit codes; import refuses
# bad raw and SEG-Y input with one line each; a dataset case certifies without
# its model data (the oracle carries it); and, where the shared copies of
# Marmousi2 and the overthrust slice exist (../shared/data), import turns
# them into cases that validate and run through the simple reference.
. tests/support/e2e-lib.sh
OSIB=$BIN/osib

check "osib dataset --help" "$OSIB" dataset --help
check "osib dataset list reads the registry" "$OSIB" dataset list
"$OSIB" dataset list >"$TMP/list"
if grep -q '^sigsbee2a .* NO ' "$TMP/list"; then ok "Sigsbee 2A is listed as not redistributable"
else not_ok "Sigsbee 2A is listed as not redistributable"; cat "$TMP/list"; fi
check "osib dataset info overthrust2d-25m" "$OSIB" dataset info overthrust2d-25m
expect_fail "an unknown dataset is a usage error" 2 "no dataset" "$OSIB" dataset info no-such-model

# --- fetch from file:// ---------------------------------------------------
mkdir -p "$TMP/src" "$TMP/data"
head -c 300000 /dev/urandom >"$TMP/src/model.bin"
size=$(stat -c %s "$TMP/src/model.bin")
sha=$(sha256sum "$TMP/src/model.bin" | cut -d' ' -f1)
registry() { # NAME URL SIZE SHA
    cat <<YAML
osib_datasets: 1
datasets:
  - name: $1
    title: test
    model: test
    licence: test
    citation: test
    redistributable: true
    files:
      - name: model.bin
        url: "$2"
        size_bytes: $3
        sha256: $4
YAML
}
registry good "file://$TMP/src/model.bin" "$size" "$sha" >"$TMP/good.yaml"
check "fetch from a file:// copy verifies size and hash" \
    "$OSIB" dataset fetch good --registry "$TMP/good.yaml" --data-dir "$TMP/data"
check "the fetched file is the source" cmp "$TMP/src/model.bin" "$TMP/data/good/model.bin"
"$OSIB" dataset fetch good --registry "$TMP/good.yaml" --data-dir "$TMP/data" >"$TMP/out"
if grep -q '^present ' "$TMP/out"; then ok "a second fetch finds the file present"; else not_ok "a second fetch finds the file present"; fi

mkdir -p "$TMP/data/resume"
head -c 100000 "$TMP/src/model.bin" >"$TMP/data/resume/model.bin.part"
registry resume "file://$TMP/src/model.bin" "$size" "$sha" >"$TMP/resume.yaml"
"$OSIB" dataset fetch resume --registry "$TMP/resume.yaml" --data-dir "$TMP/data" >"$TMP/out" 2>&1
if grep -q 'resumed from 100000' "$TMP/out" && cmp -s "$TMP/src/model.bin" "$TMP/data/resume/model.bin"; then
    ok "an interrupted download resumes and verifies"
else not_ok "an interrupted download resumes and verifies"; cat "$TMP/out"; fi

registry badhash "file://$TMP/src/model.bin" "$size" "$(echo "$sha" | tr 0-9a-f 1-9a-f0)" >"$TMP/badhash.yaml"
expect_fail "a hash mismatch is refused (exit 7)" 7 "SHA-256" \
    "$OSIB" dataset fetch badhash --registry "$TMP/badhash.yaml" --data-dir "$TMP/data"
if [ ! -e "$TMP/data/badhash/model.bin" ] && [ ! -e "$TMP/data/badhash/model.bin.part" ]; then
    ok "nothing is kept after a hash mismatch"; else not_ok "nothing is kept after a hash mismatch"; fi

head -c 1000 "$TMP/src/model.bin" >"$TMP/src/short.bin"
registry short "file://$TMP/src/short.bin" "$size" "$sha" >"$TMP/short.yaml"
expect_fail "a truncated source is refused (exit 7)" 7 "truncated" \
    "$OSIB" dataset fetch short --registry "$TMP/short.yaml" --data-dir "$TMP/data"

registry offline "http://127.0.0.1:9/model.bin" "$size" "$sha" >"$TMP/offline.yaml"
expect_fail "an unreachable server says what to do offline (exit 4)" 4 "offline?" \
    "$OSIB" dataset fetch offline --registry "$TMP/offline.yaml" --data-dir "$TMP/data" --timeout 5

# A bad registry is bad data (exit 6) in one line whatever is wrong with it:
# YAML that does not parse, or YAML without the registry's keys.
printf 'datasets:\n  - name: [unclosed\n' >"$TMP/malformed.yaml"
expect_fail "a malformed registry: exit 6" 6 "malformed YAML" "$OSIB" dataset list --registry "$TMP/malformed.yaml"
printf 'datasets: 12\n' >"$TMP/keyless.yaml"
expect_fail "a registry without its version key: exit 6" 6 "osib_datasets" \
    "$OSIB" dataset list --registry "$TMP/keyless.yaml"

# --- import: bad input -------------------------------------------------------
raw() { "$OSIB" dataset import --format raw --dtype float32 --byte-order little --storage-order x,z \
    --spacing 10,10 --units m/s --out "$TMP/m.h5" "$@"; }
head -c 4000 /dev/zero | tr '\0' 'E' >"$TMP/e.bin"   # 1000 float32 of 0x45454545 = 3156.3
check "a raw float32 file imports" raw --input "$TMP/e.bin" --shape 50,20
expect_fail "a truncated raw file: exit 4" 4 "truncated" raw --input "$TMP/e.bin" --shape 50,21
expect_fail "a raw file larger than its shape: exit 6" 6 "wrong shape or dtype" raw --input "$TMP/e.bin" --shape 25,20
expect_fail "wrong units: exit 6" 6 "wrong units" "$OSIB" dataset import --input "$TMP/e.bin" --format raw \
    --dtype float32 --byte-order little --storage-order x,z --spacing 10,10 --units km/s --shape 50,20 --out "$TMP/m.h5"
expect_fail "a file that is not SEG-Y: exit 6" 6 "SEG-Y" "$OSIB" dataset import --input "$TMP/src/model.bin" \
    --format segy --shape 50,20 --spacing 10,10 --storage-order x,z --units m/s --out "$TMP/m.h5"
expect_fail "a missing input: exit 4" 4 "No such file" raw --input "$TMP/none.bin" --shape 50,20
expect_fail "a crop outside the model: exit 6" 6 "outside" raw --input "$TMP/e.bin" --shape 50,20 --crop 40:20,0:20
expect_fail "a malformed crop: exit 2" 2 "START:COUNT" raw --input "$TMP/e.bin" --shape 50,20 --crop 4
if [ ! -e "$TMP/m.h5.tmp" ]; then ok "failed imports leave no partial file"; else not_ok "failed imports leave no partial file"; fi

# --- certifying a dataset case needs no dataset ------------------------------
# The oracle of acoustic-2d-marmousi2-so4 carries its inputs, vp included: a kit
# whose data directories are empty certifies it (only make oracles and the
# real-* cases read the model file).
mkdir -p "$TMP/nodata" "$TMP/nodata-empty"
ln -s "$PWD/spec" "$TMP/nodata/spec"
ln -s "$PWD/oracles" "$TMP/nodata/oracles"
OSIB_ROOT=$TMP/nodata OSIB_DATA=$TMP/nodata-empty expect_fail "without data directories the Marmousi2 window's model is absent" \
    4 "model data absent" "$OSIB" dataset check acoustic-2d-marmousi2-so4
OSIB_ROOT=$TMP/nodata OSIB_DATA=$TMP/nodata-empty check "acoustic-2d-marmousi2-so4 certifies all the same (its oracle carries vp)" \
    "$OSIB" certify --impl reference/cpu/impl.yaml --case acoustic-2d-marmousi2-so4 --ops forward,adjoint \
    --repeat 1 --out "$TMP/nodata-report"

# --- the shared copies -------------------------------------------------------
shared=../shared/data
if [ ! -d "$shared" ]; then
    skip "no $shared: the Marmousi2 and overthrust imports need the shared copies (or OSIB_DATA)"
    exit 0
fi
for c in acoustic-2d-marmousi2-so4 real-2d-marmousi2-tiny real-2d-marmousi2-full real-2d-overthrust; do
    check "$c: model data present and its SHA-256 as the case says" "$OSIB" dataset check "$c"
done
mkdir -p "$TMP/fake/spec/cases" "$TMP/empty"
OSIB_ROOT=$TMP/fake OSIB_DATA=$TMP/empty expect_fail "absent model data: exit 4, and what to fetch" 4 \
    "osib dataset fetch overthrust2d-25m" "$OSIB" dataset check spec/cases/real-2d-overthrust.yaml

imp() { # ID DATASET ARGS...: import into a short case, validate it, run it
    local id=$1 ds=$2
    shift 2
    if "$OSIB" dataset import --dataset "$ds" "$@" --out "$TMP/$id.h5" --case-out "$TMP/$id.yaml" --id "$id" \
        --space-order 4 --t-end-ms 400 >"$TMP/imp.out" 2>&1; then ok "import $ds into case $id"
    else not_ok "import $ds into case $id"; sed 's/^/#   /' "$TMP/imp.out"; return; fi
    check "$id validates" "$OSIB" validate "$TMP/$id.yaml"
    check "$id runs through the simple reference" "$BIN/osib-ref" run --case "$TMP/$id.yaml" --op forward \
        --out "$TMP/$id-fwd.h5"
}
imp marmousi2-20m-case marmousi2-20m --file marmousi_vp_20m_176x851.bin --crop 200:300,0:100
imp marmousi2-tiny-case marmousi2-devito-7.5m --resample-shape 250,63 --resample-spacing 48,48
imp overthrust-case overthrust2d-25m

# The committed tiny case is the import of its documented parameters.
"$OSIB" dataset import --dataset marmousi2-devito-7.5m --resample-shape 500,125 --resample-spacing 24,24 \
    --out "$TMP/tiny.h5" >"$TMP/out"
want=$(sed -n 's/^  sha256: //p' spec/cases/real-2d-marmousi2-tiny.yaml)
if grep -q "vp sha256 $want" "$TMP/out"; then ok "re-importing tiny Marmousi2 gives the case's SHA-256 bit for bit"
else not_ok "re-importing tiny Marmousi2 gives the case's SHA-256 bit for bit"; cat "$TMP/out"; fi
