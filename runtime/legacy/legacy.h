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

#include "vm/code.h"
#include "threads/thread.h"

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

// sys.settrace's and sys.setprofile's own C functions (the trampolines that
// call a Python-level function): gettrace/getprofile and the C API use them
// to tell a Python function from a C one.
int wf_ltrace_trampoline(wf_value obj, wf_frame *frame, int what,
                         wf_value arg);
int wf_lprof_trampoline(wf_value obj, wf_frame *frame, int what,
                        wf_value arg);

// ===== What the frame object needs (runtime/vm/frame.c) =====

// The PEP 669 event (WF_EV_*) whose legacy trace or profile callback is
// running on the calling thread, or -1 outside any (CPython's
// tstate->what_event; the f_lineno setter reads wf_thread.lslot_what and
// lslot_frame directly). For C trace functions, which get no thread.
int wf_ltrace_what_event(void);

// Turn tool 7's INSTRUCTION events on or off for [co] (a frame's
// f_trace_opcodes; CPython's _PyEval_SetOpcodeTrace). A no-op when they are
// already so. Caller: attached, not holding the monitoring mutex (takes
// it); may pause to rewrite [co]; [co] rooted (a live frame's code is).
// Returns 0, or -1 with an exception set.
WF_MUST_CHECK int wf_ltrace_set_opcode_trace(wf_thread *ts, wf_code *co,
                                             bool enable);

// The trace slot's steps after its function raised: the thread's trace
// function cleared (settrace(None); may pause), the exception kept.
// Caller: inside the callback's re-entrancy guard.
void wf_ltrace_clear_after_error(wf_thread *ts);
// The profile slot's, likewise.
void wf_lprof_clear_after_error(wf_thread *ts);

#endif
