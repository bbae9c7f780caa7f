#!/bin/sh
# tests/ulimit_run.sh -- run a command under an address-space limit.
# Usage: sh tests/ulimit_run.sh KIB COMMAND [ARG...]
# For script tests that must hold under memory exhaustion (ctest
# script.race_thread_start_ulimit); not for sanitizer builds, whose shadow
# memory needs far more address space.
# jemalloc's arenas are created at start-up under such a limit
# (wf_mem_prepare_arenas): jemalloc 5.3 crashes instead of failing when a
# new thread's arena cannot be mapped at the limit.
limit=$1
shift
ulimit -v "$limit" || exit 2
exec "$@"
