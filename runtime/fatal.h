// runtime/fatal.h -- wf_fatal: stop the process on corrupted internal state
// (STYLE 7.4). For broken invariants only: nothing a user script does may
// reach it (what a script can cause is an exception). Prints the message,
// the caller's file:line, the OS thread id and a backtrace, then aborts.
#ifndef WF_RUNTIME_FATAL_H
#define WF_RUNTIME_FATAL_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "config.h"

// Print "weft: fatal: " and the printf-style message [fmt] on stderr, then
// the location [file]:[line], the OS thread id and a backtrace, and
// abort(). Caller: any thread, attached or not, inside a pause or not,
// holding any lock: it takes no runtime lock and reads no runtime state
// (print's buffered stdout is not flushed: its lock may be held).
_Noreturn void wf_fatal_at(const char *file, int line, const char *fmt, ...)
    WF_PRINTF(3, 4);

// wf_fatal(fmt, ...): wf_fatal_at with the caller's file and line.
#define wf_fatal(...) wf_fatal_at(__FILE__, __LINE__, __VA_ARGS__)

#endif
