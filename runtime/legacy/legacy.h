// runtime/legacy/legacy.h -- sys.settrace / sys.setprofile and their
// threading and C-API forms, as adapters over monitoring tools 7 / 6
// (wf_ltrace_* for tracing, wf_lprof_* for profiling).
// The contract the rest of the runtime calls (sys, threading, weft.h).
// Setting a function sets only the calling thread's slot (or every
// thread's, in one pause, for the *_all_threads forms) and recomputes tool
// 7's / 6's event set as the union of what all slots need, under the
// monitoring mutex (ARCHITECTURE "Legacy tracing").
#ifndef WF_RUNTIME_LEGACY_LEGACY_H
#define WF_RUNTIME_LEGACY_LEGACY_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "../threads/thread.h"

// PyTrace_* event numbers, as CPython (the `what` of a wf_tracefunc).
#define WF_TRACE_CALL 0
#define WF_TRACE_EXCEPTION 1
#define WF_TRACE_LINE 2
#define WF_TRACE_RETURN 3
#define WF_TRACE_C_CALL 4
#define WF_TRACE_C_EXCEPTION 5
#define WF_TRACE_C_RETURN 6
#define WF_TRACE_OPCODE 7

// sys.settrace([func]) for the calling thread; [func] None clears.
// Caller: attached; takes the monitoring mutex; may pause.
// Returns 0, or -1 with an exception set.
WF_MUST_CHECK int wf_ltrace_settrace(wf_thread *ts, wf_value func);
// sys.setprofile([func]), likewise.
WF_MUST_CHECK int wf_lprof_setprofile(wf_thread *ts, wf_value func);
// sys._settraceallthreads / threading.settrace_all_threads' C part: set
// every thread's trace slot inside one pause. Likewise for profile.
WF_MUST_CHECK int wf_ltrace_settrace_all_threads(wf_thread *ts,
                                                 wf_value func);
WF_MUST_CHECK int wf_lprof_setprofile_all_threads(wf_thread *ts,
                                                  wf_value func);
// sys.gettrace() / sys.getprofile() of the calling thread (None if unset).
wf_value wf_ltrace_gettrace(wf_thread *ts);
wf_value wf_lprof_getprofile(wf_thread *ts);

// C-level forms (PyEval_SetTrace / PyEval_SetProfile and *AllThreads):
// [fn] NULL clears. [obj] is passed back to [fn] and kept alive.
WF_MUST_CHECK int wf_ltrace_set_c(wf_thread *ts, wf_tracefunc fn,
                                  wf_value obj, bool all_threads);
WF_MUST_CHECK int wf_lprof_set_c(wf_thread *ts, wf_tracefunc fn,
                                 wf_value obj, bool all_threads);

#endif
