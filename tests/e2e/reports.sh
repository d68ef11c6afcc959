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
images=$(grep -o '<img [^>]*src="data:image/png;base64,' "$TMP/dom.html" | wc -l)
figures=$(grep -c '^  - {base:' "$TMP/ok/report.yaml")
if [ "$images" -ge 5 ] && [ "$images" -eq "$figures" ]; then ok "every figure is embedded ($images)"
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
if grep '"CONFORMANT"' "$TMP/all.csv" | awk -F'","' '$10 + 0 <= 0 || $11 + 0 <= 0 || $14 + 0 <= 0 { bad = 1 } END { exit bad }'; then
    ok "conformant rows carry positive GPts/s and peak memory"
else not_ok "conformant rows carry positive GPts/s and peak memory"; fi
if grep -q '"NON-CONFORMANT","","","","",' "$TMP/all.csv"; then ok "the non-conformant row carries no numbers"
else not_ok "the non-conformant row carries no numbers"; fi
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
if [ "$(printf '%s\n' "$v" | grep -c '"REFUTED","","","","",')" -ge 1 ] &&
    [ "$(printf '%s\n' "$v" | grep -c '"CONFORMANT"')" -eq 3 ] && ! printf '%s' "$v" | grep -q '"999"'; then
    ok "--verify keeps the honest report and strips the edited one's numbers"
else not_ok "--verify keeps the honest report and strips the edited one's numbers"; fi
expect_fail "summarize a directory with no report" 4 "report.yaml" "$OSIB" summarize "$TMP"
expect_fail "summarize with an unknown format" 2 "md, csv or html" "$OSIB" summarize --format xls "$TMP/ok"
