#!/bin/sh
# tests/run_script_tests.sh -- run Weft script tests (STYLE 9.5).
# Usage: sh tests/run_script_tests.sh INTERPRETER PATH...
#   INTERPRETER  command that runs a script, word-split by the shell so it
#                may carry options: build/weft, "build/weft run", python3.
#   PATH         a directory (every *.py below it is a case) or one .py file.
# A case NAME.py comes with:
#   NAME.out   expected stdout, byte for byte (required)
#   NAME.err   expected stderr: only its LAST line is compared with the last
#              line of stderr ("ZeroDivisionError: division by zero"),
#              unless its first line is "#exact": then the rest of the file
#              (paths written without the case's directory)
#              is compared with the whole stderr. Without NAME.err, stderr
#              is not checked.
#   NAME.rc    expected exit status (default 0)
#   NAME.args  arguments after the script, word-split (one line)
#   NAME.ulimit  an address-space limit in KiB (one number): the case runs
#              under `ulimit -v` of it (out-of-memory cases). Skipped (SKIP
#              line, not a failure) in sanitizer builds, whose shadow
#              memory cannot live under such a limit: when the environment
#              sets WEFT_TEST_NO_ULIMIT (the sanitizer ctests do), or when
#              the interpreter's binary links a sanitizer runtime
#              (__asan_init / __tsan_init in it).
#   NAME.stdout  where stdout goes instead of a file (one line):
#              "full": /dev/full (writes fail with ENOSPC; NAME.out is
#              then empty); "head N": a pipe read by `head -n N`, which
#              exits after N lines (later writes fail with EPIPE); NAME.out
#              is what head printed.
#   NAME.signal  "INT": once the case has written its first stdout line
#              (print(..., flush=True) when ready), send it SIGINT.
# Each case runs in its own directory as `INTERPRETER NAME.py ARGS`, with
# stdin from /dev/null and a time limit of $WEFT_TEST_TIMEOUT seconds (30).
# Prints PASS/FAIL (or SKIP) per case (a diff under each failure) and ends
# with "N passed, M failed" (", K skipped" when some were). Exit status: 0
# all passed, 1 a case failed, 2 usage.

if [ $# -lt 2 ] || [ -z "$1" ]; then
    echo "usage: $0 INTERPRETER PATH..." >&2
    exit 2
fi
interp=$1
shift

# Cases run from their own directory: make a relative interpreter path
# (first word containing a slash) absolute.
set -f
set -- "$@" --
first=
rest=
for word in $interp; do
    if [ -z "$first" ]; then first=$word; else rest="$rest $word"; fi
done
set +f
case $first in
    /*) ;;
    */*) first=$(cd "$(dirname "$first")" && pwd)/$(basename "$first") ;;
esac
interp="$first$rest"

timeout_s=${WEFT_TEST_TIMEOUT:-30}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/weft-script-tests.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

pass=0
fail=0
skip=0

# Whether address-space limits cannot work for this interpreter (a
# sanitizer build): see NAME.ulimit above.
no_ulimit=${WEFT_TEST_NO_ULIMIT:-}
if [ -z "$no_ulimit" ] && [ -f "$first" ] &&
    grep -qaE '__(asan|tsan)_init' "$first" 2>/dev/null; then
    no_ulimit=1
fi

# show_diff EXPECTED ACTUAL: indented unified diff.
show_diff() {
    diff -u "$1" "$2" | sed -e '1,2d' -e 's/^/    /'
}

# run_case DIR NAME: run one case; PASS/FAIL line, diff on failure.
run_case() {
    dir=$1
    name=$2
    label=${dir#"$base"/}
    [ "$label" = "$dir" ] && label=$(basename "$dir")
    label="$label/$name"
    if [ ! -f "$dir/$name.out" ]; then
        echo "FAIL $label (no $name.out)"
        fail=$((fail + 1))
        return
    fi
    args=
    [ -f "$dir/$name.args" ] && args=$(head -n 1 "$dir/$name.args")
    want_rc=0
    [ -f "$dir/$name.rc" ] && want_rc=$(tr -d ' \n\r\t' <"$dir/$name.rc")

    vlimit=
    [ -f "$dir/$name.ulimit" ] && vlimit=$(tr -d ' \n\r\t' <"$dir/$name.ulimit")
    if [ -n "$vlimit" ] && [ -n "$no_ulimit" ]; then
        echo "SKIP $label (address-space limit: sanitizer build)"
        skip=$((skip + 1))
        return
    fi
    stdout_to=
    [ -f "$dir/$name.stdout" ] && stdout_to=$(head -n 1 "$dir/$name.stdout")
    signal=
    [ -f "$dir/$name.signal" ] && signal=$(tr -d ' \n\r\t' <"$dir/$name.signal")

    rm -f "$tmp/out" "$tmp/err"  # .signal waits for a fresh first line
    # $interp and $args are deliberately unquoted: they are word lists.
    # shellcheck disable=SC2086
    case $stdout_to in
        full)
            (cd "$dir" && { [ -z "$vlimit" ] || ulimit -v "$vlimit"; } &&
                exec timeout -k 5 "$timeout_s" $interp "$name.py" $args \
                <"/dev/null" >/dev/full 2>"$tmp/err")
            rc=$?
            : >"$tmp/out" ;;
        head\ *)
            lines=${stdout_to#head }
            { (cd "$dir" && { [ -z "$vlimit" ] || ulimit -v "$vlimit"; } &&
                exec timeout -k 5 "$timeout_s" $interp "$name.py" $args \
                <"/dev/null" 2>"$tmp/err")
              echo $? >"$tmp/rc"; } | head -n "$lines" >"$tmp/out"
            rc=$(cat "$tmp/rc") ;;
        *)
            # With a .signal, --foreground: else timeout(1) passes the
            # signal on to the interpreter and then again to its whole
            # process group, and the interpreter may take it twice (two
            # KeyboardInterrupts when the first is handled in between).
            fg=
            [ -n "$signal" ] && fg=--foreground
            # shellcheck disable=SC2086
            (cd "$dir" && { [ -z "$vlimit" ] || ulimit -v "$vlimit"; } &&
                exec timeout $fg -k 5 "$timeout_s" $interp "$name.py" $args \
                <"/dev/null" >"$tmp/out" 2>"$tmp/err") &
            pid=$!
            if [ -n "$signal" ]; then
                # timeout(1) passes the signal on to the interpreter, once
                # (and gives it back SIGINT's default disposition, which a
                # background job of a non-interactive shell lacks).
                while [ ! -s "$tmp/out" ] && kill -0 "$pid" 2>/dev/null; do
                    sleep 0.05
                done
                kill -"$signal" "$pid" 2>/dev/null
            fi
            wait "$pid"
            rc=$? ;;
    esac

    why=
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        why="timed out after ${timeout_s}s"
    elif [ "$rc" != "$want_rc" ]; then
        why="exit status $rc, expected $want_rc"
    fi
    out_ok=1
    cmp -s "$dir/$name.out" "$tmp/out" || out_ok=0
    err_ok=1
    if [ -f "$dir/$name.err" ]; then
        if [ "$(head -n 1 "$dir/$name.err")" = "#exact" ]; then
            # The case's directory is left out of paths (CPython and Weft
            # print the script's absolute path), so the file is portable.
            tail -n +2 "$dir/$name.err" >"$tmp/err_want"
            sed "s|$dir/||g" "$tmp/err" >"$tmp/err_got"
        else
            tail -n 1 "$dir/$name.err" >"$tmp/err_want"
            tail -n 1 "$tmp/err" >"$tmp/err_got"
        fi
        cmp -s "$tmp/err_want" "$tmp/err_got" || err_ok=0
    fi

    if [ -z "$why" ] && [ $out_ok = 1 ] && [ $err_ok = 1 ]; then
        echo "PASS $label"
        pass=$((pass + 1))
        return
    fi
    [ $out_ok = 0 ] && why="${why:+$why; }stdout differs"
    [ $err_ok = 0 ] && why="${why:+$why; }stderr differs"
    echo "FAIL $label ($why)"
    fail=$((fail + 1))
    if [ $out_ok = 0 ]; then
        echo "    --- stdout (expected, actual)"
        show_diff "$dir/$name.out" "$tmp/out"
    fi
    if [ $err_ok = 0 ]; then
        echo "    --- stderr (expected, actual)"
        show_diff "$tmp/err_want" "$tmp/err_got"
    elif [ -n "$why" ] && [ -s "$tmp/err" ]; then
        echo "    --- stderr (last 10 lines)"
        tail -n 10 "$tmp/err" | sed 's/^/    /'
    fi
}

while [ "$1" != -- ]; do
    path=$1
    shift
    if [ -d "$path" ]; then
        base=$(cd "$path" && pwd)
        find "$base" -name '*.py' -type f | LC_ALL=C sort >"$tmp/list"
        while IFS= read -r py; do
            run_case "$(dirname "$py")" "$(basename "$py" .py)"
        done <"$tmp/list"
    elif [ -f "$path" ]; then
        base=$(cd "$(dirname "$path")" && pwd)
        run_case "$base" "$(basename "$path" .py)"
    else
        echo "FAIL $path (no such file or directory)"
        fail=$((fail + 1))
    fi
done

if [ "$skip" -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
