#!/bin/sh
# tests/run_conformance.sh -- the tracing conformance suite, ratcheted
# (STYLE 9.6: conformance passes only grow).
# Usage: sh tests/run_conformance.sh WEFT_BIN
# Runs ../shared/conformance/run.sh (beside the repository; override with
# WEFT_SHARED_DIR=DIR) with WEFT_BIN, prints its output, then compares the
# passing cases with tests/conformance_passing.txt (one case name per line;
# blank lines and #-comments ignored):
#   - a listed case that no longer passes fails this test (with its diff);
#   - a passing case that is not listed is reported: add it to the list in
#     the same commit;
#   - unlisted failing cases never fail this test.
# Exit status: 0 ok, 1 a listed case regressed, 2 usage or runner error,
# 77 the shared suite is not there (ctest reports the test as skipped).
# Each case is limited to $WEFT_CONFORMANCE_TIMEOUT seconds (default 10);
# WEFT_CONFORMANCE_LIST=FILE replaces the list (to test this script).

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 WEFT_BIN" >&2
    exit 2
fi
weft=$1
case $weft in
    /*) ;;
    *) weft=$(cd "$(dirname "$weft")" && pwd)/$(basename "$weft") ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${WEFT_SHARED_DIR:-$root/../shared}
runner=$shared/conformance/run.sh
list=${WEFT_CONFORMANCE_LIST:-$here/conformance_passing.txt}
limit=${WEFT_CONFORMANCE_TIMEOUT:-10}

if [ ! -f "$runner" ]; then
    echo "conformance: $runner not found; skipped" \
         "(set WEFT_SHARED_DIR to the directory holding conformance/)"
    exit 77
fi
if [ ! -x "$weft" ]; then
    echo "conformance: $weft is not an executable" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/weft-conformance.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# run.sh word-splits its interpreter argument: the time limit rides along.
sh "$runner" "timeout -k 5 $limit $weft" >"$tmp/log" 2>&1
runner_rc=$?
cat "$tmp/log"
if [ "$runner_rc" -ne 0 ] && [ "$runner_rc" -ne 1 ]; then
    echo "conformance: $runner failed with exit status $runner_rc"
    exit 2
fi

sed -n 's/^PASS //p' "$tmp/log" | LC_ALL=C sort -u >"$tmp/passing"
touch "$list"
sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$list" \
    | LC_ALL=C sort -u >"$tmp/listed"

# Listed but not passing now, and passing but not listed.
LC_ALL=C comm -23 "$tmp/listed" "$tmp/passing" >"$tmp/regressed"
LC_ALL=C comm -13 "$tmp/listed" "$tmp/passing" >"$tmp/new"
nlisted=$(wc -l <"$tmp/listed" | tr -d ' ')
npass=$(wc -l <"$tmp/passing" | tr -d ' ')

echo
if [ -s "$tmp/new" ]; then
    echo "conformance: newly passing, add to tests/conformance_passing.txt:"
    sed 's/^/    /' "$tmp/new"
fi
if [ -s "$tmp/regressed" ]; then
    echo "conformance: REGRESSED (listed in tests/conformance_passing.txt," \
         "failing now):"
    cases=$shared/conformance/cases
    while IFS= read -r name; do
        echo "    $name"
        if [ -f "$cases/$name.py" ] && [ -f "$cases/$name.out" ]; then
            timeout -k 5 "$limit" "$weft" "$cases/$name.py" \
                >"$tmp/case.out" 2>"$tmp/case.err" </dev/null
            diff -u "$cases/$name.out" "$tmp/case.out" \
                | sed -e '1,2d' -e 's/^/        /'
            tail -n 5 "$tmp/case.err" | sed 's/^/        stderr: /'
        else
            echo "        (no such case in $cases)"
        fi
    done <"$tmp/regressed"
    nreg=$(wc -l <"$tmp/regressed" | tr -d ' ')
    echo "conformance: FAILED: $nreg of $nlisted listed cases regressed" \
         "($npass passing now)"
    exit 1
fi
echo "conformance: ok: all $nlisted listed cases pass ($npass passing now)"
exit 0
