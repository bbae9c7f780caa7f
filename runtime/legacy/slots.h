// runtime/legacy/slots.h -- the per-thread legacy slots and tools 6/7's
// event sets (wf_lslot_*): the machinery trace.c and profile.c share.
// Owns: the one-time registration of each bridge's callbacks, the union
// rule (a bridge's tool listens to its events while any thread's slot is
// set), the *_all_threads switch inside one pause, the thread-local
// "event being delivered" (what_event), and the call of a slot's C
// function with the exception in flight kept intact.
// Upholds ARCHITECTURE invariant 4 (the monitoring mutex orders every
// change; lock order mutex -> thread list -> pause) and "Legacy tracing".
#ifndef WF_RUNTIME_LEGACY_SLOTS_H
#define WF_RUNTIME_LEGACY_SLOTS_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "../code.h"
#include "../monitor/events.h"
#include "../threads/thread.h"

// One callback a bridge registers for its tool: PEP 669 [event] is
// delivered to the builtin [name] running [fn].
typedef struct wf_lslot_cb {
    int event;
    const char *name;
    wf_cfunc fn;
} wf_lslot_cb;

// A bridge: its tool (WF_TOOL_SYS_PROFILE or WF_TOOL_SYS_TRACE), the
// global events it needs while any thread's slot is set, its callbacks.
typedef struct wf_lslot_spec {
    int tool;
    wf_evset events;
    const wf_lslot_cb *cbs;
    size_t ncbs;
} wf_lslot_spec;

// Set the slot of [spec]'s tool to ([fn], [obj]) ([fn] NULL clears; [obj]
// is then ignored) for the calling thread, or for every thread when
// [all_threads]; then make the tool's global events the union of what the
// slots need. Single thread: the owner writes its own slot under the
// monitoring mutex, and the event change is at most one pause (none if
// the events do not change). All threads: every thread's slot and
// interest bit flip inside one pause, so all switch at the same instant
// (plus the rewrite's own pause when the events change: enabling rewrites
// first and then switches, disabling switches first).
// Registers the bridge's callbacks on first use. Caller: attached, not
// holding the monitoring mutex; may pause (and collect): [obj] is rooted
// here. Returns 0, or -1 with an exception set (NotImplementedError when
// monitoring is compiled out and [fn] is not NULL).
WF_MUST_CHECK int wf_lslot_set(wf_thread *ts, const wf_lslot_spec *spec,
                               wf_tracefunc fn, wf_value obj,
                               bool all_threads);

// Clear the calling thread's slot of [spec]'s tool after its function
// failed (CPython: a raising trace/profile function calls
// settrace(None)), keeping the exception in flight. Never fails: if the
// change itself fails, its error is dropped. Caller: attached.
void wf_lslot_clear_after_error(wf_thread *ts, const wf_lslot_spec *spec);

// Call slot function [fn]([obj], [f], [what], [arg]) for PEP 669 event
// [ev]: the exception in flight is taken off the thread for the call and
// put back after a success (dropped after a failure: the new one wins);
// [obj], [arg] and that exception are rooted across the call; [ev] is
// what wf_lslot_what_event answers meanwhile. [arg] WF_NULL is passed as
// None. Caller: attached, at a safe point (the fire layer's callback).
// Returns 0, or -1 with an exception set.
WF_MUST_CHECK int wf_lslot_call(wf_thread *ts, wf_tracefunc fn, wf_value obj,
                                wf_frame *f, int what, wf_value arg, int ev);

// The bodies of wf_ltrace_trampoline / wf_lprof_trampoline with the
// calling thread [ts] given: wf_lslot_call calls them directly.
int wf_ltrace_trampoline_ts(wf_thread *ts, wf_value obj, wf_frame *f,
                            int what, wf_value arg);
int wf_lprof_trampoline_ts(wf_thread *ts, wf_value obj, wf_frame *f,
                           int what, wf_value arg);

// Call legacy function [callback](fobj, what-string, arg) (the Python-level
// trampolines): a plain Python function of exactly three positional
// parameters gets its frame pushed and run directly (no generic call, no
// binding), anything else goes through the generic call. [args] rooted.
wf_value wf_lslot_call_python(wf_thread *ts, wf_value callback,
                              const wf_value args[3]);

// The PEP 669 event being delivered to a slot function on this thread,
// or -1. Thread-local.
int wf_lslot_what_event(void);
// The frame of that event, or NULL. Thread-local.
wf_frame *wf_lslot_what_frame(void);

// The line [f] reports while it unwinds with exception [exc] (PY_UNWIND):
// its last instruction's line, or, when that instruction has no line (a
// compiler-generated cleanup handler's RERAISE), the line of the
// instruction that raised into that handler (the frame object's
// raise_line), else the line recorded for [f] in [exc]'s traceback. Same
// as CPython, whose RERAISE restores the frame's lasti to where the
// exception was raised. 0 if none is known.
int32_t wf_lslot_unwind_line(const wf_frame *f, wf_value exc);

// The event name string of legacy event [what] (WF_TRACE_*: "call",
// "line", ...): interned at the first wf_lslot_set, so any adapter can use
// it without allocating.
wf_value wf_lslot_what_str(int what);

#if WEFT_MONITORING
// Turn tool 7's INSTRUCTION local event on or off for [co]; no-op when
// already so. Caller: holds the monitoring mutex; may pause.
// Returns 0 or -1 with an exception set.
WF_MUST_CHECK int wf_lslot_opcode_trace_locked(wf_thread *ts, wf_code *co,
                                               bool enable);
#endif

#endif
