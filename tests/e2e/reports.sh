# The views of a report. The HTML page in a real browser: headless Chromium
# renders report.html (one self-contained file, figures embedded) to a
# screenshot and to its DOM; the page must show the verdict, the summary,
# the performance and test tables and every figure. A non-conformant report
# shows its failed checks instead of timings. osib summarize: one table
# across reports, numbers only for conformant (and, with --verify,
# confirmed) reports.
. tests/support/e2e-lib.sh
OSIB=${OSIB_BIN:-$BIN}/osib
CHROMIUM=$(command -v chromium || command -v chromium-browser)
if [ -z "$CHROMIUM" ]; then not_ok "chromium is installed (tools/install-deps)"; exit 1; fi
browse() { "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars "$@" 2>/dev/null; }

"$OSIB" certify --impl reference/simple/impl.yaml --case acoustic-2d-layers-so4 --ops forward,adjoint,gradient \
    --repeat 1 --bandwidth 40 --out "$TMP/ok" >/dev/null 2>&1
check "the report has report.html" test -s "$TMP/ok/report.html"
if grep -q 'src="plots/\|href="http' "$TMP/ok/report.html"; then not_ok "report.html is self-contained (no external images)"
else ok "report.html is self-contained (no external images)"; fi

browse --dump-dom "file://$TMP/ok/report.html" >"$TMP/dom.html"
check "Chromium renders a DOM" test -s "$TMP/dom.html"
for id in verdict report-id summary performance dot-tests figures checks; do
    if grep -q "id=\"$id\"" "$TMP/dom.html"; then ok "the page has #$id"; else not_ok "the page has #$id"; fi
done
if grep -q 'id="verdict"[^>]*>CONFORMANT<' "$TMP/dom.html"; then ok "the verdict reads CONFORMANT"
else not_ok "the verdict reads CONFORMANT"; fi
if grep -q '<th>command line</th><td><code>osib certify --impl reference/simple/impl.yaml --case acoustic-2d-layers-so4' "$TMP/dom.html"; then
    ok "the rendered page shows the command line"
else not_ok "the rendered page shows the command line"; fi
# A run with --ops and one repetition is not compliant (RULES.md §6): the page says so
# under the verdict, with why, and shows what the manifest declares.
if grep -q 'id="noncompliant"[^>]*><strong>Not a compliant run</strong>.*--ops chose the operators; 1 timed repetition (at least 5); cases named one by one' "$TMP/dom.html"; then
    ok "the page marks a run with --ops, one repetition and named cases not compliant, and says why"
else not_ok "the page marks the run not compliant, and says why"; grep -o 'id="noncompliant".\{0,300\}' "$TMP/dom.html" | sed 's/^/#   /'; fi
if grep -q '<th>declared capabilities</th><td>acoustic-iso, acoustic-tti; 2D, 3D; space orders 2, 4, 6, 8, 10, 12, 14, 16</td>' "$TMP/dom.html"; then
    ok "the page shows the declared capabilities"
else not_ok "the page shows the declared capabilities"; fi
# A manifest that names its files: the page lists each with its SHA-256.
mkdir -p "$TMP/named"
echo "the implementation's own notes" >"$TMP/named/notes.txt"
sed -e "s|{impl_dir}/../../build/bin/osib-ref|$(cd "$(dirname "$OSIB")" && pwd)/osib-ref|" \
    -e 's/^operators: .*/operators: [forward, adjoint]\nfiles: [notes.txt]/' reference/simple/impl.yaml >"$TMP/named/impl.yaml"
"$OSIB" certify --impl "$TMP/named/impl.yaml" --case acoustic-2d-layers-so4 --repeat 1 --out "$TMP/named/r" >/dev/null 2>&1
browse --dump-dom "file://$TMP/named/r/report.html" >"$TMP/named.html"
sha=$(sha256sum "$TMP/named/notes.txt" | cut -d' ' -f1)
if grep -q "id=\"impl-files\"" "$TMP/named.html" && grep -q "<code>$TMP/named/notes.txt</code></td><td><code>$sha</code>" "$TMP/named.html"; then
    ok "the rendered page lists the manifest's files with their SHA-256"
else not_ok "the rendered page lists the manifest's files with their SHA-256"; fi
browse --window-size=1280,700 --screenshot="$TMP/top.png" "file://$TMP/ok/report.html" >/dev/null
banner=$(python3 tests/support/png_colour.py "$TMP/top.png" 255 244 229 2>&1)
if [ "${banner:-0}" -gt 5000 ] 2>/dev/null; then ok "the screenshot paints the not-compliant banner ($banner pixels of its colour)"
else not_ok "the screenshot paints the not-compliant banner ($banner)"; fi
images=$(grep -o '<img [^>]*src="data:image/png;base64,' "$TMP/dom.html" | wc -l)
figures=$(grep -c '^  - {base:' "$TMP/ok/report.yaml")
if [ "$images" -ge 4 ] && [ "$images" -eq "$figures" ]; then ok "every figure is embedded ($images)"
else not_ok "every figure is embedded ($images images, $figures figures)"; fi

browse --window-size=1280,6000 --screenshot="$TMP/page.png" "file://$TMP/ok/report.html" >/dev/null
size=$(stat -c %s "$TMP/page.png" 2>/dev/null || echo 0)
if [ "$(head -c 4 "$TMP/page.png" | od -An -c | tr -d ' ')" = "211PNG" ] && [ "$size" -gt 200000 ]; then
    ok "the page renders to a screenshot with its figures ($size bytes)"
else not_ok "the page renders to a screenshot with its figures ($size bytes)"; fi

"$OSIB" certify --impl tests/faulty/gradient-sign.yaml --case acoustic-2d-layers-so4 --repeat 1 \
    --out "$TMP/bad" >/dev/null 2>&1
browse --dump-dom "file://$TMP/bad/report.html" >"$TMP/bad.html"
if grep -q 'id="verdict"[^>]*>NON-CONFORMANT<' "$TMP/bad.html" && grep -q 'id="failed"' "$TMP/bad.html" &&
    ! grep -q 'id="performance"' "$TMP/bad.html"; then
    ok "a non-conformant page shows its failed checks and no timings"
else not_ok "a non-conformant page shows its failed checks and no timings"; fi

# osib summarize, across the conformant and the non-conformant report
"$OSIB" summarize --out "$TMP/all.csv" "$TMP/ok" "$TMP/bad"
check "summarize writes a CSV file" test -s "$TMP/all.csv"
rows=$(grep -c '"CONFORMANT"' "$TMP/all.csv")
check "one CONFORMANT row per timed operator (3)" test "$rows" -eq 3
if grep '"CONFORMANT"' "$TMP/all.csv" | awk -F'","' '$13 + 0 <= 0 || $14 + 0 <= 0 || $17 + 0 <= 0 { bad = 1 } END { exit bad }'; then
    ok "conformant rows carry positive GPts/s and peak memory"
else not_ok "conformant rows carry positive GPts/s and peak memory"; fi
if grep -q '"NON-CONFORMANT","no: NON-CONFORMANT[^"]*","[^"]*","1","","","",' "$TMP/all.csv"; then ok "the non-conformant row carries no numbers"
else not_ok "the non-conformant row carries no numbers"; fi
spec=$(cat spec/VERSION)
if [ "$(grep -c "\"CONFORMANT\",\"no: [^\"]*--ops chose the operators; 1 timed repetition (at least 5)[^\"]*\",\"$spec\",\"1\"," "$TMP/all.csv")" -eq 3 ]; then
    ok "each conformant row says it is not compliant and why, with the spec version ($spec) and repetitions"
else not_ok "each conformant row gives compliance, spec version and repetitions"; sed 's/^/#   /' "$TMP/all.csv"; fi
md=$("$OSIB" summarize "$TMP/ok" "$TMP/bad")
case "$md" in "| case | physics | operator |"*"| acoustic-2d-layers-so4 | acoustic-iso | adjoint |"*) ok "Markdown table on stdout, sorted, with the physics" ;;
*) not_ok "Markdown table on stdout, sorted, with the physics" ;; esac
case "$md" in *"| forward, adjoint, born, born_adjoint, gradient |"*) ok "a non-conformant row names every operator, not a truncated list" ;;
*) not_ok "a non-conformant row names every operator"; echo "$md" | grep NON-CONFORMANT | sed 's/^/#   /' ;; esac
"$OSIB" summarize --out "$TMP/all.html" "$TMP/ok" "$TMP/bad"
browse --dump-dom "file://$TMP/all.html" >"$TMP/all-dom.html"
cells=$(grep -o '<td>CONFORMANT</td>' "$TMP/all-dom.html" | wc -l)
check "the HTML table renders with 3 conformant rows" test "$cells" -eq 3

# --verify: a report whose numbers were edited after the fact is refuted
cp -r "$TMP/ok" "$TMP/edited"
sed -i 's/^\(    gpts_wall: \)[0-9.e+-]*/\1999/' "$TMP/edited/report.yaml"
check "the edit changed the report" grep -q 'gpts_wall: 999' "$TMP/edited/report.yaml"
v=$("$OSIB" summarize --verify --format csv "$TMP/ok" "$TMP/edited")
if [ "$(printf '%s\n' "$v" | grep -c '"REFUTED","refuted: report.yaml: its body hashes to [0-9a-f]*, not to its id[^"]*","[^"]*","1","","",')" -ge 1 ] &&
    [ "$(printf '%s\n' "$v" | grep -c '"CONFORMANT"')" -eq 3 ] && ! printf '%s' "$v" | grep -q '"999"'; then
    ok "--verify keeps the honest report, strips the edited one's numbers and says why it is refuted"
else not_ok "--verify keeps the honest report, strips the edited one's numbers and says why"; printf '%s\n' "$v" | sed 's/^/#   /'; fi
expect_fail "summarize a directory with no report" 4 "report.yaml" "$OSIB" summarize "$TMP"
expect_fail "summarize with an unknown format" 2 "md, csv or html" "$OSIB" summarize --format xls "$TMP/ok"

# report.yaml states the compliance its record implies, and osib verify holds
# it to that: a forger who calls the run compliant and recomputes the id is
# refuted all the same.
if grep -q '^  compliance: "no: .*--ops chose the operators; 1 timed repetition (at least 5)' "$TMP/ok/report.yaml"; then
    ok "report.yaml says the run is not compliant, and why"
else not_ok "report.yaml says the run is not compliant, and why"; grep compliance "$TMP/ok/report.yaml" | sed 's/^/#   /'; fi
cp -r "$TMP/ok" "$TMP/forged"
sed -i 's/^  compliance: .*/  compliance: "yes"/' "$TMP/forged/report.yaml"
reid "$TMP/forged"
"$OSIB" verify "$TMP/forged" >"$TMP/forged.out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q 'REFUTED report.yaml: run.compliance says "yes", its record says "no: ' "$TMP/forged.out"; then
    ok "osib verify refutes a report that calls itself compliant against its own record"
else not_ok "osib verify refutes a forged compliance (exit $rc)"; sed 's/^/#   /' "$TMP/forged.out" | head -5; fi

# The facts compliance follows from must agree with the command line: a run
# made with --ops that claims it chose no operators is refuted, id recomputed.
cp -r "$TMP/ok" "$TMP/forged2"
sed -i 's/^  operators_chosen: true/  operators_chosen: false/' "$TMP/forged2/report.yaml"
reid "$TMP/forged2"
"$OSIB" verify "$TMP/forged2" >"$TMP/forged2.out" 2>&1
if grep -q 'REFUTED report.yaml: run says seed_chosen false, operators_chosen false, suite "", its command line says false, true, ""' "$TMP/forged2.out"; then
    ok "osib verify holds seed_chosen, operators_chosen and suite to the recorded command line"
else not_ok "osib verify holds the compliance facts to the command line"; sed 's/^/#   /' "$TMP/forged2.out" | head -5; fi
