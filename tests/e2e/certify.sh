# Certification end to end: the simple reference is CONFORMANT on the smoke
# suite; the report is re-verified by osib verify, and refuted once a stored
# output or the report itself is altered; nothing earlier is overwritten;
# bad manifests, cases without oracles and altered oracles are refused before
# anything runs; the raw array format works; osib-cpu certifies in float32.
. tests/support/e2e-lib.sh
OSIB=${OSIB_BIN:-$BIN}/osib

start=$(date +%s)
"$OSIB" certify --impl reference/simple/impl.yaml --suite smoke --out "$TMP/ref" >"$TMP/ref.out" 2>&1
rc=$?
took=$(($(date +%s) - start))
if [ $rc -eq 0 ] && grep -q "^CONFORMANT: report" "$TMP/ref.out"; then ok "osib-ref is CONFORMANT on the smoke suite (${took} s)"
else not_ok "osib-ref is CONFORMANT on the smoke suite (exit $rc)"; sed 's/^/#   /' "$TMP/ref.out"; fi
# Piped (not a terminal), certify says each phase on a line of its own, never
# silent for long.
if grep -q "^certify: [a-z0-9-]* oracle forward (task 1 of [0-9]*, [0-9]* s)$" "$TMP/ref.out" &&
    grep -q "^certify: .* timing gradient (task [0-9]* of [0-9]*, [0-9]* s)$" "$TMP/ref.out"; then
    ok "piped, certify prints a line per phase with the task count and the time so far"
else not_ok "piped, certify prints a line per phase"; head -5 "$TMP/ref.out" | sed 's/^/#   /'; fi
for f in report.yaml report.md; do
    if [ -s "$TMP/ref/$f" ]; then ok "the report has $f"; else not_ok "the report has $f"; fi
done
if grep -q "^verdict: CONFORMANT" "$TMP/ref/report.yaml" && grep -q "gpts_compute" "$TMP/ref/report.yaml" &&
    grep -q "seed: [0-9]" "$TMP/ref/report.yaml" && grep -q "executable_sha256: \"[0-9a-f]\{64\}\"" "$TMP/ref/report.yaml"; then
    ok "report.yaml records verdict, seed, executable hash and timings"
else not_ok "report.yaml records verdict, seed, executable hash and timings"; fi

# A reviewer sees the command line and every timing's range, not only its
# median (5 repetitions by default), in both formats.
if grep -q "^| command line | \`osib certify --impl reference/simple/impl.yaml --suite smoke --out [^|]*\` |$" "$TMP/ref/report.md" &&
    grep -q "^| [a-z0-9-]* | forward | [0-9.e+-]* ([0-9.e+-]*–[0-9.e+-]*) | " "$TMP/ref/report.md" &&
    grep -q "<th>command line</th><td><code>osib certify --impl" "$TMP/ref/report.html" &&
    grep -q "<td>forward</td><td>[0-9.e+-]* ([0-9.e+-]*–[0-9.e+-]*)</td>" "$TMP/ref/report.html"; then
    ok "report.md and report.html show the command line and each timing's min–max beside its median"
else not_ok "the reports' command line and timing ranges"; grep -n "command line\|| forward |" "$TMP/ref/report.md" | sed 's/^/#   /'; fi
check "osib verify confirms the report" "$OSIB" verify "$TMP/ref"

# Nothing earlier is overwritten.
cp "$TMP/ref/report.yaml" "$TMP/before.yaml"
expect_fail "certify refuses a directory that holds a report" 2 "already holds a report" \
    "$OSIB" certify --impl reference/simple/impl.yaml --suite smoke --out "$TMP/ref"
check "the earlier report is untouched" cmp "$TMP/ref/report.yaml" "$TMP/before.yaml"

# Altered outputs and an edited report are refuted.
cp -r "$TMP/ref" "$TMP/altered"
"$BIN/osib-cpu" replay --case spec/cases/acoustic-2d-layers-so4.yaml --oracle oracles/acoustic-2d-layers-so4.h5 \
    --out "$TMP/f32.h5" >/dev/null
first=$(ls "$TMP/altered/tasks" | head -n 1)
first_case=$(sed -n 's/^  id: //p' "$TMP/altered/tasks/$first/request.yaml" | head -n 1)
"$BIN/osib-cpu" run --case "spec/cases/$first_case.yaml" --op forward \
    --inputs "oracles/$first_case.h5" --out "$TMP/altered/tasks/$first/outputs.h5" >/dev/null
"$OSIB" verify "$TMP/altered" >"$TMP/verify.out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "^REFUTED .*outputs.h5: SHA-256" "$TMP/verify.out" &&
    grep -q "^REFUTED .*forward_data/e2: recomputed" "$TMP/verify.out"; then
    ok "osib verify refutes a report whose output was altered"
else not_ok "osib verify refutes a report whose output was altered (exit $rc)"; sed 's/^/#   /' "$TMP/verify.out"; fi
cp -r "$TMP/ref" "$TMP/edited"
sed -i '0,/    value: 0$/s//    value: 0.5/' "$TMP/edited/report.yaml"
"$OSIB" verify "$TMP/edited" >"$TMP/verify2.out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "edited after it was written" "$TMP/verify2.out"; then ok "osib verify refutes an edited report"
else not_ok "osib verify refutes an edited report (exit $rc)"; sed 's/^/#   /' "$TMP/verify2.out"; fi
# A report that no longer parses cannot be verified: bad data (exit 6), one line.
cp -r "$TMP/ref" "$TMP/broken"
printf 'verdict: [\n' >>"$TMP/broken/report.yaml"
expect_fail "osib verify: a report that is not YAML is bad data (exit 6)" 6 "malformed YAML" "$OSIB" verify "$TMP/broken"

# Refused before anything runs.
expect_fail "a case without an oracle is refused" 2 "has no oracle" \
    "$OSIB" certify --impl reference/simple/impl.yaml --case ladder-2d-marmousi-tiny --out "$TMP/x1"
for m in tests/data/bad-impls/*.yaml; do
    expect_fail "bad manifest $(basename "$m" .yaml) is refused" 2 "$(sed -n 's/^# expect-message: //p' "$m")" \
        "$OSIB" certify --impl "$m" --case acoustic-2d-layers-so4 --out "$TMP/x2"
done
if [ -e "$TMP/x1" ] || [ -e "$TMP/x2" ]; then not_ok "refusals leave no output"; else ok "refusals leave no output"; fi

# An oracle that is not the published one is refused (exit 7).
mkdir -p "$TMP/kit/spec" "$TMP/kit/oracles"
cp -r spec/cases "$TMP/kit/spec/"
cp oracles/MANIFEST "$TMP/kit/oracles/"
cp oracles/acoustic-2d-layers-so4.h5 "$TMP/kit/oracles/"
"$BIN/osib-cpu" replay --case spec/cases/acoustic-2d-layers-so4.yaml --oracle oracles/acoustic-2d-layers-so4.h5 \
    --out "$TMP/kit/oracles/acoustic-2d-layers-so4.h5" >/dev/null 2>&1
OSIB_ROOT="$TMP/kit" "$OSIB" certify --impl reference/simple/impl.yaml --case acoustic-2d-layers-so4 --out "$TMP/x3" \
    >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 7 ] && grep -q "does not match oracles/MANIFEST" "$TMP/err"; then ok "an altered oracle is refused (exit 7)"
else not_ok "an altered oracle is refused (exit $rc)"; sed 's/^/#   /' "$TMP/err"; fi

# The raw array format.
check "osib-ref with raw arrays is CONFORMANT" "$OSIB" certify --impl tests/data/impl-raw.yaml \
    --case acoustic-2d-layers-so4 --ops forward,adjoint,gradient --repeat 1 --out "$TMP/raw"
if ls "$TMP"/raw/tasks/t0001/outputs/*.bin >/dev/null 2>&1; then ok "raw tasks hold .bin files"; else not_ok "raw tasks hold .bin files"; fi
check "osib verify confirms the raw report" "$OSIB" verify "$TMP/raw"

# Our float32 kernels, as a customer.
check "osib-cpu is CONFORMANT (float32) on the smoke suite" "$OSIB" certify --impl reference/cpu/impl.yaml \
    --suite smoke --repeat 2 --out "$TMP/cpu"
check "osib verify confirms the osib-cpu report" "$OSIB" verify "$TMP/cpu"

# --- what the manifest declares: capabilities and files (protocol.md §1) -----
# A 2D, space order 4, acoustic-only wrapper around osib-cpu that names its
# script under files. --suite oracle runs the oracle cases it can and lists the
# others; its script's hash is in the report; a compliant run when the kit is
# unmodified (RULES.md §6), else one whose only fault is the modified kit.
mkdir -p "$TMP/impl2d"
cat >"$TMP/impl2d/run.sh" <<SH
#!/bin/sh
exec "$(cd "$BIN" && pwd)/osib-cpu" protocol "\$1"
SH
chmod +x "$TMP/impl2d/run.sh"
cat >"$TMP/impl2d/impl.yaml" <<YAML
osib_impl: 1
name: osib-cpu-2d
version: "1"
vendor: test
command: ["{impl_dir}/run.sh", "{request}"]
files: [run.sh]
operators: [forward, adjoint]
physics: [acoustic-iso]
dimensions: [2]
space_orders: [4]
precision: float32
YAML
check "a 2D so 4 implementation certifies --suite oracle within its capabilities" "$OSIB" certify \
    --impl "$TMP/impl2d/impl.yaml" --suite oracle --out "$TMP/cap"
ran=$(sed -n 's/^  - id: \(acoustic-.*\)/\1/p' "$TMP/cap/report.yaml" | tr '\n' ' ')
if [ "$ran" = "acoustic-2d-layers-so4 acoustic-2d-marmousi2-so4 " ]; then ok "it ran the 2D so 4 oracle cases only"
else not_ok "it ran the 2D so 4 oracle cases only ($ran)"; fi
if grep -q '^  cases_left_out: "acoustic-2d-dipping-so8, acoustic-2d-layers-so8, acoustic-3d-layers-so16, .*tti-3d-layers-so8"' "$TMP/cap/report.yaml" &&
    grep -q '| scope | suite oracle; left out as outside the declared capabilities: acoustic-2d-dipping-so8' "$TMP/cap/report.md"; then
    ok "the report lists the suite's cases outside the capabilities"
else not_ok "the report lists the suite's cases outside the capabilities"; fi
sha=$(sha256sum "$TMP/impl2d/run.sh" | cut -d' ' -f1)
if grep -q "path: \"$TMP/impl2d/run.sh\", sha256: $sha" "$TMP/cap/report.yaml" && grep -q "$sha" "$TMP/cap/report.md"; then
    ok "the implementation's script is hashed into report.yaml and report.md"
else not_ok "the implementation's script is hashed into the report"; fi
# what the kit was when it was built, as the report records it
commit=$(sed -n 's/^  commit: "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$TMP/cap/report.yaml" | head -1)
case "$commit" in
*-dirty) want='| compliance | **not compliant**: a modified kit (commit ' ;;
unknown | "") want='| compliance | **not compliant**: a kit of unknown commit' ;;
*) want='| compliance | a compliant run (RULES.md §6) |' ;;
esac
if grep -qF "$want" "$TMP/cap/report.md"; then ok "report.md judges compliance (kit commit $commit)"
else not_ok "report.md judges compliance (kit commit $commit)"; grep compliance "$TMP/cap/report.md" | sed 's/^/#   /'; fi
check "osib verify confirms the report" "$OSIB" verify "$TMP/cap"
expect_fail "a case named outside the capabilities is refused" 2 "is 3D, which $TMP/impl2d/impl.yaml does not list under dimensions" \
    "$OSIB" certify --impl "$TMP/impl2d/impl.yaml" --case acoustic-3d-layers-so8 --out "$TMP/x4"
expect_fail "a suite with nothing inside the capabilities is refused" 2 "no case of suite \"tti\" is within what the manifest declares" \
    "$OSIB" certify --impl "$TMP/impl2d/impl.yaml" --suite tti --out "$TMP/x5"

# osib reproduce runs the report's implementation only if its files are the
# ones it was made of.
echo "# edited after the run" >>"$TMP/impl2d/run.sh"
code=7 # OSIB_E_MISMATCH (conformance/lib/osib_err.h)
expect_fail "osib reproduce refuses an implementation whose listed file changed since the report" "$code" \
    "is not the file the report's implementation was made of" "$OSIB" reproduce "$TMP/cap" --out "$TMP/x6"

# An implementation whose file is changed at the end of its run fails
# kit/impl-files/unchanged: it could tell its tasks apart.
sed -i 's|^exec |echo x >>"$(dirname "$0")/state.txt"; exec |' "$TMP/impl2d/run.sh"
echo start >"$TMP/impl2d/state.txt"
sed -i 's/^files: \[run.sh\]/files: [run.sh, state.txt]/' "$TMP/impl2d/impl.yaml"
"$OSIB" certify --impl "$TMP/impl2d/impl.yaml" --case acoustic-2d-layers-so4 --ops forward --repeat 1 \
    --out "$TMP/selfmod" >/dev/null 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -A8 'id: kit/impl-files/unchanged' "$TMP/selfmod/report.yaml" | grep -q 'passed: false' &&
    grep -q "state.txt changed during the run" "$TMP/selfmod/report.yaml"; then
    ok "an implementation whose files changed during the run is NON-CONFORMANT (kit/impl-files/unchanged)"
else not_ok "an implementation whose files changed during the run is NON-CONFORMANT (exit $rc)"; fi

# A run of suite oracle accounts for every oracle case: osib verify refutes
# one that drops a case from those it left out (id recomputed).
cp -r "$TMP/cap" "$TMP/cap-forged"
sed -i 's/^  cases_left_out: "acoustic-2d-dipping-so8, /  cases_left_out: "/' "$TMP/cap-forged/report.yaml"
reid "$TMP/cap-forged"
"$OSIB" verify "$TMP/cap-forged" >"$TMP/cap-forged.out" 2>&1
if grep -q "REFUTED report.yaml: suite oracle, but oracle case acoustic-2d-dipping-so8 is neither certified nor left out" "$TMP/cap-forged.out"; then
    ok "osib verify refutes a suite oracle run that does not account for an oracle case"
else not_ok "osib verify refutes a suite oracle run missing a case"; head -3 "$TMP/cap-forged.out" | sed 's/^/#   /'; fi
