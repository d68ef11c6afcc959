# osib-cpu's blocking chosen for the machine (reference/cpu/cpu_tune.h):
# a trial writes the tuning cache, a later run reads it, a line edited by
# hand is obeyed, the rule follows the L2 that sysfs reports, and a cache
# that cannot be written or read is no error. Whatever is chosen, the
# outputs are the same bits as without temporal blocking. (How fast each
# choice is belongs to make bench, never to a test.)
. tests/support/e2e-lib.sh
CASE=spec/cases/acoustic-3d-layers-so8.yaml
export OSIB_CPU_TUNE_CACHE="$TMP/cache/osib/cpu-tune.txt"

# run NAME OPTS... : a forward run; its note (stderr) kept in $TMP/NAME.err
run() {
    local name=$1
    shift
    OMP_NUM_THREADS=2 "$BIN/osib-cpu" "$@" run --case $CASE --op forward --out "$TMP/$name.h5" \
        >/dev/null 2>"$TMP/$name.err" || { not_ok "osib-cpu $* runs"; sed 's/^/#   /' "$TMP/$name.err"; }
}
# note_has NAME WHAT PATTERN: the run's note matches the (grep -E) pattern
note_has() {
    if grep -Eq -- "$3" "$TMP/$1.err"; then ok "$2"; else
        not_ok "$2: the note does not match '$3'"
        sed 's/^/#   /' "$TMP/$1.err"
    fi
}

run k1 --time-block 1
run trial --tune trial
note_has trial "a trial chooses K and the window, saves them to the cache (in a directory it makes), lists its races" \
    "blocking: K [0-9]+, window [0-9.]+ MiB, from a trial \\([0-9.]+ s, [0-9.]+ GPts/s; saved to $OSIB_CPU_TUNE_CACHE; 8 steps each, fastest of 2: K 4 [0-9.]+ s, K 1 [0-9.]+ s, K 2 [0-9.]+ s, K 8 [0-9.]+ s"
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1 | tr ' \t|=' '____')
if [ "$(grep -c "^key=.*|so=8|ext=" "$OSIB_CPU_TUNE_CACHE")" -eq 1 ] &&
    grep -qF "key=$model|" "$OSIB_CPU_TUNE_CACHE" && head -n 1 "$OSIB_CPU_TUNE_CACHE" | grep -q '^# '; then
    ok "the cache holds one line for this machine and shape, under a comment saying how to clear it"
else not_ok "the cache's lines"; sed 's/^/#   /' "$OSIB_CPU_TUNE_CACHE"; fi

run auto
note_has auto "the next run takes its blocking from the cache" "from this machine's tuning cache"
key=$(sed -n 's/^key=\([^ ]*\) .*/\1/p' "$OSIB_CPU_TUNE_CACHE" | tail -n 1)
echo "key=$key time_block=2 window_bytes=1048576 gpts=0 trial_s=0" >>"$OSIB_CPU_TUNE_CACHE"
run edited
note_has edited "a line added to the cache by hand is obeyed (the last for a key wins)" \
    "blocking: K 2, window 1.00 MiB, from this machine's tuning cache"
run flags --time-block 3
note_has flags "--time-block overrides the cache's K" "blocking: K 3, window 1.00 MiB"

run rule --tune rule
l2_kib=0
for d in /sys/devices/system/cpu/cpu0/cache/index*; do
    [ "$(cat "$d/level" 2>/dev/null)" = 2 ] && l2_kib=$(sed 's/K$//' "$d/size")
done
want=$(awk -v k="$l2_kib" 'BEGIN { w = k == 0 ? 2816 : int(k * 1024 / 8) * 11 / 1024; if (k) { if (w < 256) w = 256; if (w > 8192) w = 8192 }; printf "%.2f", w / 1024 }')
note_has rule "--tune rule: a window of 11/8 of the L2 sysfs reports ($l2_kib KiB: $want MiB)" \
    "blocking: K 4, window $want MiB, from the rule from this machine's caches"
run fixed --tune fixed
note_has fixed "--tune fixed: the rule before, 2.75 MiB whatever the machine" \
    "blocking: K 4, window 2.75 MiB, from the fixed rule"

for name in trial auto edited flags rule fixed; do
    check "the outputs with the $name blocking are the same bits as without temporal blocking" \
        h5diff -q "$TMP/k1.h5" "$TMP/$name.h5" /outputs /outputs
done

# A cache that cannot be written, or is off, or holds rubbish: no error.
OSIB_CPU_TUNE_CACHE=/proc/osib-no-such-dir/cpu-tune.txt run unwritable --tune trial
note_has unwritable "a cache that cannot be written is no error, and the note says so" \
    "from a trial .*not saved: cannot write /proc/osib-no-such-dir/cpu-tune.txt"
OSIB_CPU_TUNE_CACHE=off run off --tune trial
note_has off "OSIB_CPU_TUNE_CACHE=off: a trial saves nothing" "from a trial .*; not saved;"
head -c 3000 /dev/urandom >"$TMP/rubbish.txt"
printf 'key=%s time_block=99 window_bytes=5 gpts=x\n' "$key" >>"$TMP/rubbish.txt"
OSIB_CPU_TUNE_CACHE="$TMP/rubbish.txt" run rubbish
note_has rubbish "a cache of rubbish (and a line out of range) is ignored: the rule" \
    "from the rule from this machine's caches"
check "... with the same bits" h5diff -q "$TMP/k1.h5" "$TMP/rubbish.h5" /outputs /outputs

expect_fail "--tune with an unknown mode is a usage error" 2 "--tune bogus: want auto, trial, rule or fixed" \
    "$BIN/osib-cpu" --tune bogus run --case $CASE --op forward --out "$TMP/x.h5"

# osib-bench says what was chosen, beside the caches, and its K column is it.
OSIB_CPU_TUNE_CACHE="$TMP/bench-cache.txt" "$BIN/osib-bench" --ops forward --repeat 1 --pairs 0 --tune trial \
    --out "$TMP/bench.yaml" $CASE >"$TMP/bench.out" 2>&1
k=$(sed -n 's/^    time_block: //p' "$TMP/bench.yaml")
if grep -q "caches L1d" "$TMP/bench.out" && grep -q "notes: \"blocking: K $k, window .* from a trial" "$TMP/bench.yaml"; then
    ok "osib-bench prints the caches and the blocking a trial chose (K $k in its column)"
else not_ok "osib-bench's blocking line"; sed 's/^/#   /' "$TMP/bench.out"; fi
