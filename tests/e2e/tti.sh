# TTI end to end (spec/tti.md): the simple reference is CONFORMANT on the
# TTI smoke suite (its oracle, a fresh challenge medium with weaker
# anisotropy and a turned axis, dot tests, Taylor, timing) and osib verify
# recomputes every reference record; an implementation whose manifest does
# not list acoustic-tti is refused before anything runs (osib-cpu's TTI
# kernels: cpu_tti.sh); a medium the spec calls unstable (delta > epsilon)
# is refused by the case validator (the reference refuses such arrays too:
# test_tti); the TTI cost model is what osib describe prints.
# OSIB_LONG=1 (make check-long) certifies every TTI oracle case.
. tests/support/e2e-lib.sh
OSIB=${OSIB_BIN:-$BIN}/osib

suite="--suite smoke-tti"
[ "${OSIB_LONG:-0}" = 1 ] && suite="--suite tti"
start=$(date +%s)
# shellcheck disable=SC2086
"$OSIB" certify --impl reference/simple/impl.yaml $suite --repeat 1 --out "$TMP/ref" >"$TMP/ref.out" 2>&1
rc=$?
took=$(($(date +%s) - start))
if [ $rc -eq 0 ] && grep -q "^verdict: CONFORMANT" "$TMP/ref/report.yaml"; then
    ok "osib-ref is CONFORMANT on TTI ($suite, $(grep -c '^  - id:' "$TMP/ref/report.yaml") checks, ${took} s)"
else
    not_ok "osib-ref is CONFORMANT on TTI (exit $rc)"
    sed 's/^/#   /' "$TMP/ref.out"
fi
if grep -q "challenge" "$TMP/ref/report.yaml" && grep -q "taylor" "$TMP/ref/report.yaml"; then
    ok "the TTI certification ran the challenge and the Taylor test"
else not_ok "the TTI certification ran the challenge and the Taylor test"; fi
check "osib verify confirms the TTI report" "$OSIB" verify "$TMP/ref"
if grep -q "epsilon" "$TMP/ref/tasks/t0001/request.yaml" && grep -q "physics: acoustic-tti" "$TMP/ref/tasks/t0001/request.yaml"; then
    ok "TTI requests carry the physics and the Thomsen inputs"
else not_ok "TTI requests carry the physics and the Thomsen inputs"; fi

# Manifests that do not list the physics are refused, in one line.
sed '/^physics:/d' reference/simple/impl.yaml >"$TMP/impl-acoustic.yaml"
sed -i "s|{impl_dir}|$PWD/reference/simple|" "$TMP/impl-acoustic.yaml"
expect_fail "a manifest without acoustic-tti is refused on a TTI case" 2 "does not list under physics" \
    "$OSIB" certify --impl "$TMP/impl-acoustic.yaml" --case tti-2d-layers-so4 --out "$TMP/x1"
sed 's/^physics:.*/physics: [acoustic-tti, elastic]/' reference/simple/impl.yaml >"$TMP/impl-bad.yaml"
sed -i "s|{impl_dir}|$PWD/reference/simple|" "$TMP/impl-bad.yaml"
expect_fail "an unknown physics in a manifest is refused" 2 "unknown physics" \
    "$OSIB" certify --impl "$TMP/impl-bad.yaml" --case tti-2d-layers-so4 --out "$TMP/x3"

# delta > epsilon: unstable, refused by the case validator.
sed 's/^  nlayers: 3$/  nlayers: 3\n  delta_per_kms: 0.2/' spec/cases/tti-2d-layers-so4.yaml >"$TMP/unstable.yaml"
expect_fail "a TTI case with delta > epsilon is refused" 3 "delta must not exceed epsilon" \
    "$OSIB" validate "$TMP/unstable.yaml"
"$OSIB" describe spec/cases/tti-3d-layers-so8.yaml >"$TMP/describe" 2>&1
if grep -q "physics      acoustic-tti, 3D" "$TMP/describe" && grep -q "^forward  *137 " "$TMP/describe" &&
    grep -q "^gradient  *284 " "$TMP/describe"; then
    ok "osib describe gives the TTI cost model (137 flops per point and step at so 8 in 3D)"
else
    not_ok "osib describe gives the TTI cost model"
    sed 's/^/#   /' "$TMP/describe"
fi
"$OSIB" cases >"$TMP/cases" 2>&1
if grep -q "^tti-2d-asym-so8  *acoustic-tti" "$TMP/cases" && grep -q "^perf-tti-3d-512-so16  *acoustic-tti" "$TMP/cases"; then
    ok "osib cases lists the TTI cases with their physics"
else not_ok "osib cases lists the TTI cases with their physics"; fi
