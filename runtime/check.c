// runtime/check.c -- wf_fatal: the one way the runtime dies on corrupted
// internal state (STYLE 7.4; Redis's assert with a backtrace).
#include "check.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__GLIBC__)
#  include <execinfo.h>
#  include <unistd.h>
#endif

void
wf_fatal_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("weft: fatal: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  at %s:%d, thread %#lx\n", file, line,
            (unsigned long)pthread_self());
#if defined(__GLIBC__)
    void *frames[64];
    int n = backtrace(frames, 64);
    fputs("  backtrace:\n", stderr);
    fflush(stderr);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
#endif
    fflush(stderr);
    abort();
}

#if defined(WF_COVERAGE) && WF_COVERAGE
// WF_TESTCASE's mark: a store the optimiser must keep.
void
wf_testcase_hit_(int line)
{
    static volatile int last;
    last = line;
}
#endif
