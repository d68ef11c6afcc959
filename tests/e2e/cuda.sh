# osib-cuda (reference/cuda) without a GPU: its CUDA kernels compiled as C
# and run thread by thread on the CPU (osib-cuda-host) certify CONFORMANT in
# float32 on 2D oracle cases of space orders 4 and 8, every operator, and
# agree with the 3D so 16 oracle; where nvcc exists, `make cuda` builds
# osib-cuda for the GPU, which without one refuses to run in one line.
. tests/support/e2e-lib.sh
OSIB=$BIN/osib

check "osib-cuda-host certifies CONFORMANT (float32) on 2D so 4 and so 8, every operator" "$OSIB" certify \
    --impl reference/cuda/impl-host.yaml --case acoustic-2d-layers-so4 --case acoustic-2d-dipping-so8 --repeat 1 \
    --out "$TMP/host"
check "osib verify confirms it" "$OSIB" verify "$TMP/host"
if grep -q 'note: "host emulation of the CUDA kernels (no GPU)' "$TMP/host/report.yaml"; then
    ok "its tasks say the kernels ran in host emulation"
else not_ok "its tasks say the kernels ran in host emulation"; fi

"$BIN/osib-cuda-host" run --case acoustic-3d-layers-so16 --op forward --out "$TMP/3d.h5" >/dev/null 2>&1
"$OSIB" compare "$TMP/3d.h5" oracles/acoustic-3d-layers-so16.h5 >"$TMP/cmp" 2>&1
if awk '$1 == "/outputs/forward_data" { found = 1; bad = !($2 + 0 < 1e-3 && $3 + 0 < 1e-3) } END { exit !(found && !bad) }' "$TMP/cmp"; then
    ok "3D so 16 forward data within the float32 tolerance of the oracle ($(awk '$1 == "/outputs/forward_data" { print $2 }' "$TMP/cmp"))"
else not_ok "3D so 16 forward data within the float32 tolerance"; sed 's/^/#   /' "$TMP/cmp"; fi

expect_fail "a TTI case is refused in one line" 2 "acoustic operators only" \
    "$BIN/osib-cuda-host" run --case tti-2d-layers-so4 --op forward --out "$TMP/x.h5"

# The GPU build.
nvcc=$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2>/dev/null)
if [ -z "$nvcc" ]; then
    skip "no nvcc: make cuda (osib-cuda for the GPU) not built"
    exit 0
fi
build=${BIN%/bin}
if make -s --no-print-directory BUILD="$build" cuda >"$TMP/cuda.log" 2>&1 && [ -x "$build/bin/osib-cuda" ]; then
    ok "make cuda builds osib-cuda with nvcc (sm_90 and PTX)"
else not_ok "make cuda builds osib-cuda with nvcc"; sed 's/^/#   /' "$TMP/cuda.log" | tail -20; fi
if nvidia-smi -L >/dev/null 2>&1; then
    skip "a GPU is present: osib-cuda is certified by tools/device/cuda-check, not here"
else
    expect_fail "without a GPU osib-cuda stops in one line with the CUDA error" 8 "cudaGetDevice" \
        "$build/bin/osib-cuda" run --case acoustic-2d-layers-so4 --op forward --out "$TMP/y.h5"
fi
