// runtime/check.h -- assertions that say what they check (WF_ASSERT,
// WF_ALWAYS, WF_NEVER, WF_TESTCASE, WF_UNREACHABLE; STYLE 7.4), built on
// wf_fatal (fatal.h).
// Contract checks live beside their subjects and are built on these:
// WF_ASSERT_WORLD_STOPPED (threads/stw.h), the lock-rank checks (lock.h).
//
//                      WF_CHECKS build        release        WF_COVERAGE
//   WF_ASSERT(c)       wf_fatal unless c      nothing        as the others
//   WF_ALWAYS(c)       wf_fatal unless c; 1   c              1
//   WF_NEVER(c)        wf_fatal if c; 0       c              0
//   WF_TESTCASE(c)     nothing                nothing        counts c
//   WF_UNREACHABLE()   wf_fatal               unreachable    as the others
// WF_CHECKS (config.h) is on in the testing core and in builds without
// NDEBUG. WF_ALWAYS/WF_NEVER guard defensive branches (SQLite's
// ALWAYS/NEVER): `if (WF_NEVER(n > cap)) return -1;` asserts in checking
// builds and takes the safe path in release builds; in the coverage build
// the branch folds away, so it does not count as untested. [c] must have
// no side effects (it is not evaluated everywhere).
#ifndef WF_RUNTIME_CHECK_H
#define WF_RUNTIME_CHECK_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "config.h"
#include "fatal.h"

#if WF_CHECKS
#  define WF_ASSERT(c)                                                    \
    (WF_LIKELY(c) ? (void)0 : wf_fatal("assertion failed: %s", #c))
#  define WF_UNREACHABLE() wf_fatal("unreachable code reached")
#else
// sizeof: [c] stays type-checked and its variables used, but is not run.
#  define WF_ASSERT(c) ((void)sizeof(!(c)))
#  if defined(__GNUC__)
#    define WF_UNREACHABLE() __builtin_unreachable()
#  else
#    define WF_UNREACHABLE() ((void)0)
#  endif
#endif

#if defined(WF_COVERAGE) && WF_COVERAGE
#  define WF_ALWAYS(c) (1)
#  define WF_NEVER(c) (0)
// A call the optimiser cannot drop, so each outcome of [c] is a line of
// its own in the coverage report (SQLite's testcase()).
void wf_testcase_hit_(int line);
#  define WF_TESTCASE(c)                                                  \
    do {                                                                  \
        if (c)                                                            \
            wf_testcase_hit_(__LINE__);                                   \
    } while (0)
#elif WF_CHECKS
#  define WF_ALWAYS(c)                                                    \
    (WF_LIKELY(c) ? 1 : (wf_fatal("WF_ALWAYS failed: %s", #c), 0))
#  define WF_NEVER(c)                                                     \
    (WF_UNLIKELY(c) ? (wf_fatal("WF_NEVER failed: %s", #c), 1) : 0)
#  define WF_TESTCASE(c) ((void)0)
#else
#  define WF_ALWAYS(c) WF_LIKELY(c)
#  define WF_NEVER(c) WF_UNLIKELY(c)
#  define WF_TESTCASE(c) ((void)0)
#endif

#endif
