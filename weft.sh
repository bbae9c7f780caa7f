#!/usr/bin/env bash
# weft.sh -- set up, build and run Weft, or run its whole test suite.
#   ./weft.sh                 install missing packages, build, run the demo
#   ./weft.sh ARGS...         the same, then run `build/weft ARGS...`
#                             (./weft.sh run x.py, ./weft.sh bench --list)
#   ./weft.sh build           install missing packages and build only
#   ./weft.sh test            build and run every test configuration:
#                             default (all tests), ASan+UBSan with switch
#                             dispatch (unit, script), libFuzzer if clang is
#                             installed (fuzz), TSan (unit)
# Packages come from apt-get (Debian 12), only when missing; as root
# directly, otherwise through sudo. CI=true builds with WEFT_WERROR=ON.
# Build directories: build/, build-asan/, build-fuzz/, build-off/,
# build-tsan/.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 2
jobs=$(nproc 2>/dev/null || echo 2)
werror=OFF
[ "${CI:-}" = true ] && werror=ON

say() { printf 'weft.sh: %s\n' "$*" >&2; }

# ===== Packages =====

packages=(build-essential cmake pkg-config libjemalloc-dev libck-dev
          libcmocka-dev)

ensure_packages() {
    local missing=() p
    for p in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
                | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null; then
            say "missing packages: ${missing[*]}; install them as root" \
                "(apt-get install ${missing[*]})"
            return 1
        fi
        sudo=(sudo)
    fi
    say "installing ${missing[*]}"
    "${sudo[@]}" apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q \
            --no-install-recommends "${missing[@]}"
}

# ===== Builds =====

# build DIR [CMAKE_ARGS...]: configure (quietly) and build DIR.
build() {
    local dir=$1
    shift
    cmake -S "$root" -B "$root/$dir" --log-level=WARNING \
        -DWEFT_WERROR="$werror" "$@" || return 1
    cmake --build "$root/$dir" -j "$jobs"
}

# build_quiet DIR: build, showing the log only if it fails.
build_quiet() {
    local log
    log=$(mktemp)
    if ! build "$@" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        say "build of $1/ failed"
        return 1
    fi
    rm -f "$log"
}

# ===== Tests =====

results=()
failed=0

# step NAME COMMAND...: run one step of the test suite, record its result.
step() {
    local name=$1
    shift
    printf '\n===== %s =====\n' "$name"
    if "$@"; then
        results+=("ok       $name")
    else
        results+=("FAILED   $name")
        failed=1
    fi
}

skip() {
    printf '\n===== %s =====\nskipped: %s\n' "$1" "$2"
    results+=("skipped  $1 ($2)")
}

# run_ctest DIR [CTEST_ARGS...]: ctest prints its summary line
# ("100% tests passed, 0 tests failed out of N").
run_ctest() {
    local dir=$1
    shift
    ctest --test-dir "$root/$dir" --output-on-failure -j 2 "$@"
}

test_default() {
    build build && run_ctest build
}

test_asan() {
    build build-asan -DWEFT_SANITIZE=address -DWEFT_DISPATCH=switch \
        -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g" &&
        ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        run_ctest build-asan -L 'unit|script' || return 1
    # The API fuzzer, a bounded 25 s (stress/sc_fuzz.c; its seed is
    # printed: weft stress --scenario fuzz --seed S replays). Known findings
    # become script tests (tests/scripts/adversarial/fz_*).
    ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$root/build-asan/weft" stress --scenario fuzz --seconds 25
}

test_fuzz() {
    build build-fuzz -DWEFT_FUZZ=ON -DCMAKE_C_COMPILER="$(command -v clang)" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
        run_ctest build-fuzz -L fuzz
}

# The build with monitoring compiled out (STYLE 9.7): it must build with
# no warnings and pass every test that does not trace.
test_off() {
    build build-off -DWEFT_MONITORING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
        run_ctest build-off -L 'unit|script|stress'
}

test_tsan() {
    build build-tsan -DWEFT_SANITIZE=thread -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_C_FLAGS_DEBUG="-O1 -g" || return 1
    # TSan needs a narrow address layout; without ASLR it always has one.
    local norand=()
    if setarch "$(uname -m)" -R true 2>/dev/null; then
        norand=(setarch "$(uname -m)" -R)
    fi
    local tsan_opts=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
    TSAN_OPTIONS=$tsan_opts \
        "${norand[@]}" ctest --test-dir "$root/build-tsan" \
        --output-on-failure -j 2 -L unit -LE oom || return 1
    # The threading script tests and a short stress pass (every scenario,
    # ~10 s each): TSan must report nothing (exitcode=66 on a report).
    local area
    for area in threads threads_tracing; do
        TSAN_OPTIONS="$tsan_opts:exitcode=66" WEFT_TEST_TIMEOUT=120 \
            "${norand[@]}" sh "$root/tests/run_script_tests.sh" \
            "$root/build-tsan/weft" "$root/tests/scripts/$area" || return 1
    done
    TSAN_OPTIONS="$tsan_opts:exitcode=66" \
        "${norand[@]}" "$root/build-tsan/weft" stress --seconds 10 || return 1
    # The API fuzzer again, 15 s more (25 s in all under TSan).
    TSAN_OPTIONS="$tsan_opts:exitcode=66" \
        "${norand[@]}" "$root/build-tsan/weft" stress --scenario fuzz \
        --seconds 15
}

run_tests() {
    ensure_packages || return 2
    step "default build: all tests (build/)" test_default
    step "ASan+UBSan, switch dispatch: unit and script tests (build-asan/)" \
        test_asan
    if command -v clang >/dev/null; then
        step "libFuzzer: fuzz targets, 20 s each (build-fuzz/)" test_fuzz
    else
        skip "libFuzzer (build-fuzz/)" "clang is not installed"
    fi
    step "monitoring compiled out: unit, script, stress (build-off/)" \
        test_off
    step "TSan: unit tests, thread scripts, short stress (build-tsan/)" test_tsan

    printf '\n===== summary =====\n'
    printf '%s\n' "${results[@]}"
    if [ "$failed" -ne 0 ]; then
        echo "weft.sh test: FAILED"
        return 1
    fi
    echo "weft.sh test: all passed"
}

# ===== Main =====

case "${1:-}" in
    test)
        shift
        run_tests
        exit $?
        ;;
    build)
        ensure_packages && build build
        exit $?
        ;;
esac

ensure_packages || exit 2
build_quiet build || exit 2
if [ ! -x "$root/build/weft" ]; then
    say "build/weft was not built: the runtime is not complete yet" \
        "(see the cmake messages: cmake -S . -B build)"
    exit 2
fi
if [ $# -eq 0 ]; then
    set -- run "$root/demo/demo.py"
fi
exec "$root/build/weft" "$@"
