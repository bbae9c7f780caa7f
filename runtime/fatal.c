// runtime/fatal.c -- wf_fatal (see fatal.h): report a broken internal
// invariant and abort. Written for the worst state (any thread, any lock
// held, the heap possibly corrupt): it formats on the stack and writes to
// stderr's descriptor, not through the FILE (whose lock may be held).
#define _GNU_SOURCE  // gettid
#include "fatal.h"

#include <execinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// [file] from the runtime/ folder on (build trees give absolute paths).
static const char *
short_path(const char *file)
{
    const char *best = file;
    for (const char *p = file; (p = strstr(p, "runtime/")) != NULL; p++)
        best = p;
    return best;
}

void
wf_fatal_at(const char *file, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dprintf(STDERR_FILENO, "weft: fatal: %s\n  at %s:%d, thread %ld\n", msg,
            short_path(file), line, (long)gettid());
    void *frames[64];
    int n = backtrace(frames, (int)(sizeof frames / sizeof frames[0]));
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
    abort();
}
