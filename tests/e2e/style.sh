# The style rules the guide sets that a program can check: every tracked C
# and CUDA file is what clang-format makes of it (.clang-format, make
# format), and each is checked on its own so a failure names the file.
. tests/support/e2e-lib.sh

if ! command -v clang-format >/dev/null 2>&1; then
    not_ok "clang-format is installed (tools/install-deps)"
    exit 0
fi
bad=0
for f in $(git ls-files '*.c' '*.h' '*.cu' '*.cuh' 2>/dev/null); do
    if ! clang-format --dry-run --Werror "$f" >"$TMP/style.log" 2>&1; then
        not_ok "$f is clang-format clean (make format)"
        head -8 "$TMP/style.log" | sed 's/^/#   /'
        bad=$((bad + 1))
    fi
done
n=$(git ls-files '*.c' '*.h' '*.cu' '*.cuh' | wc -l)
if [ "$n" -gt 50 ] && [ "$bad" -eq 0 ]; then ok "all $n C and CUDA files are clang-format clean"
elif [ "$n" -le 50 ]; then not_ok "git lists the C and CUDA files ($n found)"; fi
