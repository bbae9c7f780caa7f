#!/bin/sh
# tests/ulimit_run.sh -- run a command under an address-space limit.
# Usage: sh tests/ulimit_run.sh KIB COMMAND [ARG...]
# For script tests that must hold under memory exhaustion (ctest
# script.race_thread_start_ulimit); not for sanitizer builds, whose shadow
# memory needs far more address space.
# One jemalloc arena: jemalloc 5.3 crashes (a NULL arena in
# pthread_getattr_np's realloc) instead of failing when a new thread's
# arena cannot be mapped at the limit; that crash is a separate finding
# (issue 20, "Out of memory aborts"), not what these cases test.
limit=$1
shift
ulimit -v "$limit" || exit 2
MALLOC_CONF=${MALLOC_CONF:-narenas:1}
export MALLOC_CONF
exec "$@"
