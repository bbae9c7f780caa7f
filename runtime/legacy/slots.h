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

#include "vm/code.h"
#include "vm/eval.h"
#include "vm/frame.h"
#include "objects/func.h"
#include "monitor/events.h"
#include "threads/thread.h"
#include "legacy/legacy.h"

#if WEFT_MONITORING
#  include "monitor/native.h"
#endif

// One callback a bridge registers for its tool, as a native callback
// (monitor/native.h) named [name]: PEP 669 [event] is delivered to [fn]
// with PEP 669's arguments (a builtin's signature; its result None, DISABLE
// or WF_NULL), called with the re-entrancy guard raised; and, on the
// express path (WF_EVMASK_EXPRESS), to [express] if not NULL, which may
// start a callback frame (legacy/cbframe.h).
typedef struct wf_lslot_cb {
    int event;
    const char *name;
    wf_cfunc fn;
#if WEFT_MONITORING
    wf_native_express_fn express;
#endif
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
// what wf_thread.lslot_what holds meanwhile. [arg] WF_NULL is passed as
// None. Caller: attached, at a safe point (the fire layer's callback).
// Returns 0, or -1 with an exception set.
WF_MUST_CHECK int wf_lslot_call(wf_thread *ts, wf_tracefunc fn, wf_value obj,
                                wf_frame *f, int what, wf_value arg, int ev);

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
extern wf_value wf_lslot_what_strs_[];
static inline wf_value
wf_lslot_what_str(int what)
{
    wf_value s = wf_lslot_what_strs_[what];
    return s != WF_NULL ? s : WF_NONE;
}

// Root [v] (not WF_NULL): an inline push while the array has room.
// Returns 0, or -1 with MemoryError set.
static inline int
wf_lslot_root_push(wf_thread *ts, wf_value v)
{
    if (WF_LIKELY(ts->nroots < ts->roots_cap)) {
        ts->roots[ts->nroots++] = v;
        return 0;
    }
    return wf_root_push(ts, v) < 0 ? -1 : 0;
}

// [callback]([a0], [a1], [a2]) for wf_lslot_run_py: a plain Python
// function of exactly three positional parameters gets its frame pushed
// and run directly (the eval loop's own fast path, eval.c
// push_call_frame); anything else goes through the generic call.
static inline wf_value
wf_lslot_call3_(wf_thread *ts, wf_value callback, wf_value a0, wf_value a1,
                wf_value a2)
{
    if (WF_LIKELY(wf_val_is(callback, &wf_func_type))) {
        const wf_func *fn = (const wf_func *)wf_val_as_obj(callback);
        wf_code *co = fn->code;
        if (co->argcount == 3 && co->kwonlyargcount == 0 &&
            !(co->flags & (WF_CO_VARARGS | WF_CO_VARKEYWORDS))) {
            wf_frame *nf = wf_frame_push3(ts, co, callback, fn->globals,
                                          fn->builtins, a0, a1, a2);
            if (WF_UNLIKELY(nf == NULL))
                return WF_NULL;
            return wf_eval_frame(ts, nf);
        }
    }
    wf_value args[3] = {a0, a1, a2};
    return wf_obj_call(ts, callback, args, 3, WF_NULL);
}

// Run Python-level slot function [callback](fobj, what-string, [arg])
// for PEP 669 event [ev] of [f] (the Python trampolines' call, made by
// the adapters directly, not through wf_lslot_call), with the same
// protections as wf_lslot_call: the exception in flight is kept aside
// and put back after a success; it and [arg] (never WF_NULL; an
// exception triple is fresh) are rooted; [callback] is rooted by its own
// frame while it runs, [fobj] ([f]'s frame object) by [f]. Inline: the
// adapters are one function from the fire layer to the eval loop.
// Returns the result, or WF_NULL with an exception set. Caller: attached,
// at a safe point.
static inline wf_value
wf_lslot_run_py(wf_thread *ts, wf_frame *f, wf_value callback,
                wf_value fobj, int what, wf_value arg, int ev)
{
    size_t mark = wf_root_mark(ts);
    wf_value saved = ts->exc;
    if (WF_UNLIKELY(saved != WF_NULL)) {
        ts->exc = WF_NULL;
        if (wf_lslot_root_push(ts, saved) < 0)
            return WF_NULL;  // MemoryError replaces the exception in flight
    }
    if (arg != WF_NONE && wf_val_is_obj(arg) &&
        wf_lslot_root_push(ts, arg) < 0) {
        wf_root_release(ts, mark);
        return WF_NULL;
    }
    int old = ts->lslot_what;
    wf_frame *old_frame = ts->lslot_frame;
    ts->lslot_what = ev;
    ts->lslot_frame = f;
    wf_value res = wf_lslot_call3_(ts, callback, fobj, wf_lslot_what_str(what),
                                   arg);
    ts->lslot_what = old;
    ts->lslot_frame = old_frame;
    if (WF_LIKELY(res != WF_NULL)) {
        if (WF_UNLIKELY(ts->exc != WF_NULL))
            ts->exc = WF_NULL;  // a stray error: not raised
        if (WF_UNLIKELY(saved != WF_NULL))
            ts->exc = saved;
    }
    wf_root_release(ts, mark);
    return res;
}

// The legacy event of frame event [ev] delivered by a call from C (an
// express form that cannot start a callback frame): PY_START/PY_RESUME ->
// call with None, PY_RETURN/PY_YIELD -> return with the value [*arg] (left
// as is).
static inline int
wf_lslot_frame_what(int ev, wf_value *arg)
{
    if (ev == WF_EV_PY_START || ev == WF_EV_PY_RESUME) {
        *arg = WF_NONE;
        return WF_TRACE_CALL;
    }
    return WF_TRACE_RETURN;
}

#if WEFT_MONITORING
// Turn tool 7's INSTRUCTION local event on or off for [co]; no-op when
// already so. Caller: holds the monitoring mutex; may pause.
// Returns 0 or -1 with an exception set.
WF_MUST_CHECK int wf_lslot_opcode_trace_locked(wf_thread *ts, wf_code *co,
                                               bool enable);
#endif

#endif
