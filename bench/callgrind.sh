#!/usr/bin/env bash
# bench/callgrind.sh -- deterministic instruction counts (callgrind Ir) of
# the bench workloads under each tracing mode, for one or two Weft builds.
#   bench/callgrind.sh [--workloads a,b] [--modes m,n|all] WEFT [WEFT2]
# Scripts come from `weft bench --emit` (the same preludes `weft bench`
# times), at small sizes so each run takes seconds under valgrind. With
# WEFT2 it prints both counts and WEFT2/WEFT - 1 as a percentage: the
# before/after table a speed-neutral change reports. Threaded modes run in
# 2 threads. Needs valgrind.
set -uo pipefail

workloads=fib,intloop,methods,generators,exceptions,listdict
modes=all
while [ $# -gt 0 ]; do
    case $1 in
    --workloads) workloads=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || { echo "usage: $0 [--workloads L] [--modes L] WEFT [WEFT2]" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind not installed" >&2; exit 2; }
a=$1
b=${2:-}

# Small sizes: about 10-30 M instructions untraced.
size() {
    case $1 in
    fib) echo 20 ;; intloop) echo 30000 ;; methods) echo 20000 ;;
    generators) echo 20000 ;; exceptions) echo 10000 ;; listdict) echo 10000 ;;
    *) echo 1000 ;;
    esac
}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
wargs=() margs=()
IFS=, read -ra wl <<<"$workloads"
for w in "${wl[@]}"; do wargs+=(--workload "$w"); done
# Either build may predate --emit; the scripts are the same for both.
emit() { "$1" bench --emit "$dir" "${wargs[@]}" --mode "$modes" --mode untraced; }
emit "$a" >/dev/null 2>&1 || { [ -n "$b" ] && emit "$b" >/dev/null; } || {
    echo "callgrind.sh: neither build has 'weft bench --emit'" >&2; exit 1; }

# ir WEFT SCRIPT N THREADS: the total Ir of one run.
ir() {
    local out=$dir/cg.out
    valgrind --tool=callgrind --callgrind-out-file="$out" \
        "$1" run "$2" "$3" $4 >/dev/null 2>"$dir/cg.err" || {
        echo "FAILED"; return; }
    sed -n 's/^summary: //p' "$out" | head -1
}

printf '%-11s %-18s %14s' workload mode "Ir"
[ -n "$b" ] && printf ' %14s %8s' "Ir (2)" "change"
printf '\n'
for f in "$dir"/*.py; do
    base=$(basename "$f" .py)
    w=${base%%.*}
    m=${base#*.}
    thr=
    case $m in *_all_*) thr=2 ;; esac
    n=$(size "$w")
    x=$(ir "$a" "$f" "$n" "$thr")
    printf '%-11s %-18s %14s' "$w" "$m" "$x"
    if [ -n "$b" ]; then
        y=$(ir "$b" "$f" "$n" "$thr")
        pct=$(awk -v x="$x" -v y="$y" 'BEGIN { if (x > 0 && y > 0) printf "%+.2f%%", (y / x - 1) * 100; else print "-" }')
        printf ' %14s %8s' "$y" "$pct"
    fi
    printf '\n'
done
