# The kit under AddressSanitizer and UndefinedBehaviorSanitizer (built by
# make sanitize into build/asan): certification, verification, refusals of
# bad inputs, the failure paths of faulty implementations, and osib-cpu's
# tiled wavefronts (one-row to three-row tiles, where every tile edge and
# sparse index is exercised) must run without a single sanitizer report.
. tests/support/e2e-lib.sh
ASAN=build/asan/bin/osib
if [ ! -x "$ASAN" ]; then not_ok "build/asan/bin/osib exists (run make sanitize)"; exit 1; fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1

clean() { # WHAT: no sanitizer report in the last command's stderr
    if grep -q "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:" "$TMP/err"; then
        not_ok "$1: sanitizer report"
        sed 's/^/#   /' "$TMP/err" | head -40
    else
        ok "$1: no sanitizer report"
    fi
}

"$ASAN" certify --impl reference/simple/impl.yaml --case acoustic-2d-layers-so4 --repeat 1 --out "$TMP/ok" \
    >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] && ok "certify under ASan: CONFORMANT" || not_ok "certify under ASan: CONFORMANT (exit $rc)"
clean "certify"
"$ASAN" verify "$TMP/ok" >"$TMP/out" 2>"$TMP/err"
[ $? -eq 0 ] && ok "verify under ASan: CONFIRMED" || not_ok "verify under ASan: CONFIRMED"
clean "verify"
sed -i '0,/    value: 0$/s//    value: 1/' "$TMP/ok/report.yaml"
"$ASAN" verify "$TMP/ok" >"$TMP/out" 2>"$TMP/err"
[ $? -eq 1 ] && ok "verify under ASan: REFUTED after an edit" || not_ok "verify under ASan: REFUTED after an edit"
clean "verify of an edited report"

# The faults that reach the most runner code: crashes and time-outs, broken
# and hostile files (FIFOs, links, HDF5 external links and storage, nested
# YAML), a subset of operators (the kit's reference as the partner), and a
# cache answering timed repetitions (the hidden combination).
for fault in crash hang truncated-output one-nan float16 replay-oracle adjoint-damping-sign \
    fifo-output h5-external-link h5-external-storage nested-result subset-born-replay \
    replay-cache; do
    m=tests/faulty/$fault.yaml
    ops=$(sed -n 's/^# certify-ops: //p' "$m")
    args=$(sed -n 's/^# certify-args: //p' "$m")
    # shellcheck disable=SC2086 # args is a list of options
    timeout -s KILL 600 "$ASAN" certify --impl "$m" --case acoustic-2d-layers-so4 --ops "$ops" --repeat 1 $args \
        --out "$TMP/$fault" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ $rc -eq 1 ] && ok "$fault under ASan: NON-CONFORMANT" || not_ok "$fault under ASan: NON-CONFORMANT (exit $rc)"
    clean "$fault"
done

for m in tests/data/bad-impls/*.yaml; do
    "$ASAN" certify --impl "$m" --case acoustic-2d-layers-so4 --out "$TMP/x" >"$TMP/out" 2>"$TMP/err"
    [ $? -eq 2 ] && ok "$(basename "$m") refused under ASan" || not_ok "$(basename "$m") refused under ASan"
    clean "$(basename "$m")"
done
for f in tests/data/bad-cases/*.yaml; do
    "$ASAN" validate "$f" >"$TMP/out" 2>"$TMP/err"
    clean "validate $(basename "$f")"
done
"$ASAN" oracle check --manifest oracles/MANIFEST oracles/*.h5 >"$TMP/out" 2>"$TMP/err"
[ $? -eq 0 ] && ok "oracle check under ASan" || not_ok "oracle check under ASan"
clean "oracle check"

# osib-cpu: every operator with small skewed tiles, on two threads.
for op in forward adjoint born gradient; do
    OMP_NUM_THREADS=2 build/asan/bin/osib-cpu --time-block 3 --tile-y 3 run --case spec/cases/acoustic-3d-layers-so8.yaml --op $op \
        --out "$TMP/cpu-$op.h5" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ $rc -eq 0 ] && ok "osib-cpu $op under ASan runs" || not_ok "osib-cpu $op under ASan runs (exit $rc)"
    clean "osib-cpu $op"
done
