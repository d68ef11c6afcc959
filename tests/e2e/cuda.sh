# osib-cuda (reference/cuda) without a GPU: its CUDA kernels compiled as C
# and run thread by thread on the CPU (osib-cuda-host) certify CONFORMANT in
# float32 on 2D oracle cases of space orders 4 and 8, every operator, and
# agree with the 3D so 16 oracle; its two step kernels give the same bits;
# its gradient fits a memory budget with Revolve checkpoints on the device;
# where nvcc exists, `make cuda` builds osib-cuda for the GPU, whose step
# kernels ptxas compiles without stack or spills, and which without a GPU
# refuses to run in one line.
. tests/support/e2e-lib.sh
OSIB=$BIN/osib

check "osib-cuda-host certifies CONFORMANT (float32) on 2D so 4 and so 8, every operator" "$OSIB" certify \
    --impl reference/cuda/impl-host.yaml --case acoustic-2d-layers-so4 --case acoustic-2d-dipping-so8 --repeat 1 \
    --out "$TMP/host"
check "osib verify confirms it" "$OSIB" verify "$TMP/host"
if grep -q 'note: "host emulation of the CUDA kernels (no GPU)' "$TMP/host/report.yaml" &&
    grep -Eq 'note: ".*; time loop [0-9.]+ s \(host clock\), [0-9.]+ GPts/s' "$TMP/host/report.yaml"; then
    ok "its tasks say the kernels ran in host emulation, and the time loop's own time (the GPU build: CUDA events)"
else not_ok "its tasks say the kernels ran in host emulation, and the time loop's own time"; grep note: "$TMP/host/report.yaml" | head -3; fi

"$BIN/osib-cuda-host" run --case acoustic-3d-layers-so16 --op forward --out "$TMP/3d.h5" >/dev/null 2>&1
"$OSIB" compare "$TMP/3d.h5" oracles/acoustic-3d-layers-so16.h5 >"$TMP/cmp" 2>&1
if awk '$1 == "/outputs/forward_data" { found = 1; bad = !($2 + 0 < 1e-3 && $3 + 0 < 1e-3) } END { exit !(found && !bad) }' "$TMP/cmp"; then
    ok "3D so 16 forward data within the float32 tolerance of the oracle ($(awk '$1 == "/outputs/forward_data" { print $2 }' "$TMP/cmp"))"
else not_ok "3D so 16 forward data within the float32 tolerance"; sed 's/^/#   /' "$TMP/cmp"; fi

# The two step kernels (one thread per point; each thread streaming along x
# with a register queue: the 3D default) do the same operations in the same
# order: the same bits, in 3D and through a 2D gradient.
same_bits() { # WHAT CASE OP DATASET
    OSIB_CUDA_KERNEL=point "$BIN/osib-cuda-host" run --case "$2" --op "$3" --out "$TMP/point.h5" >/dev/null 2>&1
    OSIB_CUDA_KERNEL=stream "$BIN/osib-cuda-host" run --case "$2" --op "$3" --out "$TMP/stream.h5" >/dev/null 2>&1
    "$OSIB" compare "$TMP/stream.h5" "$TMP/point.h5" >"$TMP/cmp" 2>&1
    if awk -v d="/outputs/$4" '$1 == d { found = 1; bad = ($2 != "0.000e+00" || $3 != "0.000e+00") } END { exit !(found && !bad) }' "$TMP/cmp"; then
        ok "$1: the streaming and the point kernel give the same bits"
    else not_ok "$1: the streaming and the point kernel give the same bits"; sed 's/^/#   /' "$TMP/cmp"; fi
}
same_bits "3D so 16 forward" acoustic-3d-layers-so16 forward forward_data
same_bits "2D so 8 gradient" acoustic-2d-dipping-so8 gradient gradient
# The gradient under a memory budget: Revolve checkpoints on the device,
# the same steps recomputed, so the same bits as the whole history.
"$BIN/osib-cuda-host" run --case acoustic-2d-layers-so4 --op gradient --out "$TMP/whole.h5" >/dev/null 2>&1
OSIB_CUDA_SNAPSHOTS=4 "$BIN/osib-cuda-host" run --case acoustic-2d-layers-so4 --op gradient --out "$TMP/revolve.h5" \
    >/dev/null 2>"$TMP/revolve.err"
"$OSIB" compare "$TMP/revolve.h5" "$TMP/whole.h5" >"$TMP/cmp" 2>&1
# 473 states, 5 snapshots counting the initial state: r = 7, t = 7 * 473 - C(12, 6) = 2387 steps.
if awk '$1 ~ /^\/outputs\/(gradient|objective)$/ { n++; bad += ($2 != "0.000e+00" || $3 != "0.000e+00") } END { exit !(n == 2 && !bad) }' "$TMP/cmp" &&
    grep -q "checkpointed (Revolve): 4 snapshots of 2 levels on the device, 2387 forward steps taken for 473 states (2387 predicted" "$TMP/revolve.err"; then
    ok "with 4 snapshots the gradient takes Revolve's 2387 forward steps and gives the whole history's bits"
else not_ok "the checkpointed gradient against the whole history"; sed 's/^/#   /' "$TMP/cmp" "$TMP/revolve.err"; fi
OSIB_CUDA_SNAPSHOTS=many expect_fail "an OSIB_CUDA_SNAPSHOTS that is not a count is refused in one line" 2 \
    "expected a number of snapshots" "$BIN/osib-cuda-host" run --case acoustic-2d-layers-so4 --op gradient --out "$TMP/x.h5"
BUDGET=41943040
"$OSIB" certify --impl reference/cuda/impl-host.yaml --case acoustic-2d-layers-so4 \
    --case tests/data/budget-2d-layers-so4.yaml --repeat 1 --out "$TMP/budget" >"$TMP/budget.out" 2>&1
read -r n over <<<"$(budgeted_peaks "$TMP/budget/report.yaml" budget-2d-layers-so4 $BUDGET)"
if grep -q "^CONFORMANT" "$TMP/budget.out" && [ $n -ge 2 ] && [ $over -eq 0 ] &&
    grep -lq 'notes: ".*forward history checkpointed (Revolve): [0-9]* snapshots of 2 levels on the device' "$TMP"/budget/tasks/t*/result.yaml; then
    ok "CONFORMANT on the 40 MiB budget case: $n budgeted tasks peaked within it, checkpointed on the device"
else not_ok "the budget case: $n budgeted tasks, $over over the budget"; tail -5 "$TMP/budget.out" | sed 's/^/#   /'; fi

OSIB_CUDA_KERNEL=fast expect_fail "an unknown OSIB_CUDA_KERNEL is refused in one line" 2 "expected point or stream" \
    "$BIN/osib-cuda-host" run --case acoustic-2d-layers-so4 --op forward --out "$TMP/x.h5"

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
# The streaming kernels' register queues are indexed only by constants, so
# that they stay in registers: ptxas would otherwise give the kernel a stack
# frame in local memory (a run-time index does), and every value of the
# queue would cross memory again.
make -s --no-print-directory BUILD="$build" cuda-resources >"$TMP/resources" 2>&1
if [ "$(grep -Ec '^(step|stream)_kernel_[1-8] ' "$TMP/resources")" -eq 16 ] &&
    ! grep -E '^(step|stream)_kernel_' "$TMP/resources" | grep -vq ' 0 bytes stack, 0+0 bytes spilled$'; then
    ok "the 16 step kernels use no stack frame and spill nothing (ptxas, sm_90; at most $(awk '/_kernel_/ && $2 > r { r = $2 } END { print r }' "$TMP/resources") registers)"
else not_ok "the 16 step kernels use no stack frame and spill nothing"; sed 's/^/#   /' "$TMP/resources"; fi
if nvidia-smi -L >/dev/null 2>&1; then
    skip "a GPU is present: osib-cuda is certified by tools/device/cuda-check, not here"
else
    expect_fail "without a GPU osib-cuda stops in one line with the CUDA error" 8 "cudaGetDevice" \
        "$build/bin/osib-cuda" run --case acoustic-2d-layers-so4 --op forward --out "$TMP/y.h5"
fi
