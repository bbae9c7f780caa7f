// runtime/legacy/trace.c -- sys.settrace as adapters over monitoring tool
// 7 (wf_ltrace_*).
// Owns tool 7's callbacks: each turns one PEP 669 event back into a legacy
// `call`, `line`, `return`, `exception` or `opcode` for the calling
// thread's trace slot, exactly as CPython 3.12+'s legacy_tracing.c; and
// the trampoline that runs a Python-level trace function with CPython's
// f_trace rules (sysmodule.c trace_trampoline). There is no second
// dispatch loop: events reach these adapters only through the fire layer,
// and only on threads whose slot is set (the thread's interest mask).
#include "legacy/legacy.h"

#include "objects/error.h"
#include "vm/frameobj.h"
#include "legacy/slots.h"

#if WEFT_MONITORING
#  include "monitor/fire.h"
#  include "monitor/monitor.h"
#endif

static const wf_lslot_spec trace_spec;

// ===== The Python-level trace function =====

// Same as CPython (sysmodule.c trace_trampoline): `call` goes to the
// global function, every other event to the frame's f_trace; the result
// becomes f_trace unless it is None; a raise clears f_trace and the
// thread's trace function and propagates. A frame never materialised has
// no f_trace: local events skip it without allocating. A traced frame's
// object is made once (at its `call` event) and read by field afterwards.
// [ev] is the PEP 669 event being delivered. The adapters call this
// directly for the Python-level slot (no wf_lslot_call); it is also the
// slot's C function for anyone calling it through the slot.
static inline int
trampoline(wf_thread *ts, wf_value obj, wf_frame *f, int what, wf_value arg,
           int ev)
{
    wf_value callback = obj;
    wf_frameobj *fo;
    if (what != WF_TRACE_CALL) {
        fo = wf_frameobj_of(f);
        if (fo == NULL || fo->trace == WF_NONE)
            return 0;
        callback = fo->trace;
        wf_frameobj_expose(fo);  // made hidden by a callback frame's call
    } else {
        wf_value fobj = wf_frame_get_object(ts, f);
        if (fobj == WF_NULL)
            return -1;
        fo = (wf_frameobj *)wf_val_as_obj(fobj);
    }
    wf_value res = wf_lslot_run_py(ts, f, callback, wf_val_from_obj(fo),
                                   what, arg, ev);
    if (WF_UNLIKELY(res == WF_NULL)) {
        wf_lslot_clear_after_error(ts, &trace_spec);
        fo->trace = WF_NONE;
        return -1;
    }
    if (res != WF_NONE)
        fo->trace = res;
    return 0;
}

int
wf_ltrace_trampoline(wf_value obj, wf_frame *f, int what, wf_value arg)
{
    wf_thread *ts = wf_thread_current();
    return trampoline(ts, obj, f, what, arg, ts->lslot_what);
}

// ===== Setting and reading the slot =====

int
wf_ltrace_set_c(wf_thread *ts, wf_tracefunc fn, wf_value obj,
                bool all_threads)
{
    return wf_lslot_set(ts, &trace_spec, fn, obj, all_threads);
}

int
wf_ltrace_settrace(wf_thread *ts, wf_value func)
{
    if (func == WF_NONE)
        return wf_ltrace_set_c(ts, NULL, WF_NULL, false);
    return wf_ltrace_set_c(ts, wf_ltrace_trampoline, func, false);
}

int
wf_ltrace_settrace_all_threads(wf_thread *ts, wf_value func)
{
    if (func == WF_NONE)
        return wf_ltrace_set_c(ts, NULL, WF_NULL, true);
    return wf_ltrace_set_c(ts, wf_ltrace_trampoline, func, true);
}

wf_value
wf_ltrace_gettrace(wf_thread *ts)
{
    return ts->c_tracefunc != NULL && ts->c_traceobj != WF_NULL
               ? ts->c_traceobj
               : WF_NONE;
}

int
wf_ltrace_what_event(void)
{
    wf_thread *ts = wf_thread_current();
    return ts != NULL ? ts->lslot_what : -1;
}

#if WEFT_MONITORING

int
wf_ltrace_set_opcode_trace(wf_thread *ts, wf_code *co, bool enable)
{
    wf_mon_lock(ts);
    int rc = wf_lslot_opcode_trace_locked(ts, co, enable);
    wf_mon_unlock(ts);
    return rc;
}

// ===== Adapters (tool 7's callbacks) =====
// Each is a builtin the fire layer calls with PEP 669's arguments, on the
// thread where the event happened; ts->frame is the frame it happened in.

static wf_value
missing_frame(wf_thread *ts)
{
    return wf_err_format(ts, &wf_exc_SystemError,
                         "Missing frame when calling trace function.");
}

// Deliver [what]/[arg] ([arg] not WF_NULL) for PEP 669 event [ev] of [f]
// to the thread's trace slot (set): the Python-level slot directly, a C
// function through wf_lslot_call. Returns 0 or -1.
static inline int
deliver(wf_thread *ts, wf_frame *f, int ev, int what, wf_value arg)
{
    if (WF_LIKELY(ts->c_tracefunc == wf_ltrace_trampoline))
        return trampoline(ts, ts->c_traceobj, f, what, arg, ev);
    return wf_lslot_call(ts, ts->c_tracefunc, ts->c_traceobj, f, what, arg,
                         ev);
}

// call_trace_func: deliver [what]/[arg] for event [ev] of [f], the
// current frame, to the thread's trace slot (set).
static inline wf_value
call_trace_func(wf_thread *ts, wf_frame *f, int ev, int what, wf_value arg)
{
    wf_frameobj *fo = wf_frameobj_of(f);
    // CPython 3.14: a frame that asked for opcodes gets them from its
    // next trace event on, even if it set f_trace_opcodes before f_trace.
    if (fo != NULL && fo->trace_opcodes &&
        wf_ltrace_set_opcode_trace(ts, f->code, true) < 0)
        return WF_NULL;
    int err = deliver(ts, f, ev, what, arg);
    if ((fo = wf_frameobj_of(f)) != NULL)
        fo->line_now = 0;
    return err < 0 ? WF_NULL : WF_NONE;
}

// call_trace_func for the current frame, from a builtin adapter.
static wf_value
call_trace_current(wf_thread *ts, int ev, int what, wf_value arg)
{
    if (ts->c_tracefunc == NULL)
        return WF_NONE;
    wf_frame *f = ts->frame;
    if (f == NULL)
        return missing_frame(ts);
    return call_trace_func(ts, f, ev, what, arg);
}

// trace_line: a `line` event for [line] of frame [f].
static inline wf_value
trace_line(wf_thread *ts, wf_frame *f, int32_t line, int ev)
{
    wf_frameobj *fo = wf_frameobj_of(f);
    if (fo != NULL && !fo->trace_lines)
        return WF_NONE;
    if (line < 0)
        return WF_NONE;
    // Fast path of the Python-level bridge: no frame object, no f_trace,
    // nothing to call (ARCHITECTURE: never materialised for `line`).
    if (fo == NULL && ts->c_tracefunc == wf_ltrace_trampoline)
        return WF_NONE;
    if (fo != NULL)
        fo->line_now = line;
    int err = deliver(ts, f, ev, WF_TRACE_LINE, WF_NONE);
    if ((fo = wf_frameobj_of(f)) != NULL)
        fo->line_now = 0;
    return err < 0 ? WF_NULL : WF_NONE;
}

static wf_value
sys_trace_start(wf_thread *ts, const wf_value *args, size_t nargs,
                wf_value kwnames)
{
    (void)args, (void)nargs, (void)kwnames;
    return call_trace_current(ts, WF_EV_PY_START, WF_TRACE_CALL, WF_NONE);
}

static wf_value
sys_trace_resume(wf_thread *ts, const wf_value *args, size_t nargs,
                 wf_value kwnames)
{
    (void)args, (void)nargs, (void)kwnames;
    return call_trace_current(ts, WF_EV_PY_RESUME, WF_TRACE_CALL, WF_NONE);
}

static wf_value
sys_trace_throw(wf_thread *ts, const wf_value *args, size_t nargs,
                wf_value kwnames)
{
    (void)args, (void)nargs, (void)kwnames;
    return call_trace_current(ts, WF_EV_PY_THROW, WF_TRACE_CALL, WF_NONE);
}

static wf_value
sys_trace_return(wf_thread *ts, const wf_value *args, size_t nargs,
                 wf_value kwnames)
{
    (void)kwnames;
    return call_trace_current(ts, WF_EV_PY_RETURN, WF_TRACE_RETURN,
                           nargs >= 3 ? args[2] : WF_NONE);
}

static wf_value
sys_trace_yield(wf_thread *ts, const wf_value *args, size_t nargs,
                wf_value kwnames)
{
    (void)kwnames;
    return call_trace_current(ts, WF_EV_PY_YIELD, WF_TRACE_RETURN,
                           nargs >= 3 ? args[2] : WF_NONE);
}

static wf_value
sys_trace_unwind(wf_thread *ts, const wf_value *args, size_t nargs,
                 wf_value kwnames)
{
    (void)kwnames;
    wf_frameobj *fo = ts->frame != NULL ? wf_frameobj_of(ts->frame) : NULL;
    if (fo != NULL && ts->c_tracefunc != NULL)
        fo->line_now = wf_lslot_unwind_line(ts->frame,
                                            nargs >= 3 ? args[2] : WF_NULL);
    return call_trace_current(ts, WF_EV_PY_UNWIND, WF_TRACE_RETURN, WF_NONE);
}

// RAISE and STOP_ITERATION: `exception` with (type, value, traceback).
static wf_value
trace_exception(wf_thread *ts, int ev, const wf_value *args, size_t nargs)
{
    if (ts->c_tracefunc == NULL)
        return WF_NONE;
    if (nargs < 3 || !wf_val_is_obj(args[2]))
        return wf_err_format(ts, &wf_exc_SystemError,
                             "exception event without an exception");
    wf_value exc = args[2];
    wf_value tb = WF_NONE;
    if (wf_val_type(exc)->flags & WF_TPF_EXCEPTION) {
        tb = ((wf_exc *)wf_val_as_obj(exc))->traceback;
        if (tb == WF_NULL)
            tb = WF_NONE;
    }
    wf_value triple = wf_tuple_pack(ts, 3, wf_val_from_obj(wf_val_type(exc)),
                                    exc, tb);
    if (triple == WF_NULL)
        return WF_NULL;
    return call_trace_current(ts, ev, WF_TRACE_EXCEPTION, triple);
}

static wf_value
sys_trace_raise(wf_thread *ts, const wf_value *args, size_t nargs,
                wf_value kwnames)
{
    (void)kwnames;
    return trace_exception(ts, WF_EV_RAISE, args, nargs);
}

static wf_value
sys_trace_stop_iteration(wf_thread *ts, const wf_value *args, size_t nargs,
                         wf_value kwnames)
{
    (void)kwnames;
    return trace_exception(ts, WF_EV_STOP_ITERATION, args, nargs);
}

// EXCEPTION_HANDLED (not a legacy event: nothing is called). A handler
// that saved the raising offset (a cleanup handler, which ends in
// RERAISE 1) has it just under the exception: remember its line on the
// frame object, for the `return` event if the frame unwinds from there.
static wf_value
sys_trace_handled(wf_thread *ts, const wf_value *args, size_t nargs,
                  wf_value kwnames)
{
    (void)kwnames;
    wf_frame *f = ts->frame;
    wf_frameobj *fo = f != NULL ? wf_frameobj_of(f) : NULL;
    if (ts->c_tracefunc == NULL || fo == NULL || nargs < 2 ||
        !wf_val_is_int(args[1]))
        return WF_NONE;
    const wf_code *co = f->code;
    uint32_t target = (uint32_t)(wf_val_as_int(args[1]) / 2);
    for (uint32_t i = 0; i < co->nexc; i++) {
        const wf_exc_entry *h = &co->exctable[i];
        if (h->target != target || !h->lasti)
            continue;
        // Handler entry: [... lasti exc], both below the saved sp.
        if (f->sp - wf_frame_stack_base(f) >= (ptrdiff_t)h->depth + 2 &&
            wf_val_is_int(f->sp[-2])) {
            int32_t line = wf_code_line(
                co, (uint32_t)(wf_val_as_int(f->sp[-2]) / 2));
            fo->raise_line = line > 0 ? line : 0;
        }
        break;
    }
    return WF_NONE;
}

static wf_value
sys_trace_line(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    (void)kwnames;
    if (ts->c_tracefunc == NULL)
        return WF_NONE;
    wf_frame *f = ts->frame;
    if (f == NULL)
        return missing_frame(ts);
    int32_t line = nargs >= 2 && wf_val_is_int(args[1])
                       ? (int32_t)wf_val_as_int(args[1])
                       : WF_NO_LINE;
    return trace_line(ts, f, line, WF_EV_LINE);
}

// Same as CPython: settrace reports a `line` event for every backward
// jump, even one that stays on its line (a loop on one line); any other
// jump is left to the target's LINE event, so the JUMP callback disables
// itself there for good.
static wf_value
sys_trace_jump(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    (void)kwnames;
    if (ts->c_tracefunc == NULL)
        return WF_NONE;
    if (nargs < 3 || !wf_val_is(args[0], &wf_code_type) ||
        !wf_val_is_int(args[1]) || !wf_val_is_int(args[2]))
        return wf_err_format(ts, &wf_exc_SystemError,
                             "bad arguments to the JUMP adapter");
    const wf_code *co = (const wf_code *)wf_val_as_obj(args[0]);
    int64_t from = wf_val_as_int(args[1]) / 2, to = wf_val_as_int(args[2]) / 2;
    if (to > from)
        return WF_MON_DISABLE;  // forward
    int32_t to_line = wf_code_line(co, (uint32_t)to);
    if (to_line != wf_code_line(co, (uint32_t)from))
        return WF_MON_DISABLE;  // the target's LINE event reports it
    wf_frame *f = ts->frame;
    if (f == NULL)
        return missing_frame(ts);
    return trace_line(ts, f, to_line, WF_EV_JUMP);
}

static wf_value
sys_trace_instruction(wf_thread *ts, const wf_value *args, size_t nargs,
                      wf_value kwnames)
{
    (void)args, (void)nargs, (void)kwnames;
    wf_frame *f = ts->frame;
    if (f == NULL)
        return missing_frame(ts);
    wf_frameobj *fo = wf_frameobj_of(f);
    if (ts->c_tracefunc == NULL || fo == NULL || !fo->trace_opcodes) {
        // Same as CPython 3.14: nobody here wants opcodes any more.
        if (wf_ltrace_set_opcode_trace(ts, f->code, false) < 0)
            return WF_NULL;
        return WF_NONE;
    }
    int err = deliver(ts, f, WF_EV_INSTRUCTION, WF_TRACE_OPCODE, WF_NONE);
    if ((fo = wf_frameobj_of(f)) != NULL)
        fo->line_now = 0;
    return err < 0 ? WF_NULL : WF_NONE;
}

// The fire layer's direct delivery (fire.h "Direct delivery") of tool 7's
// PY_START, PY_RESUME, PY_RETURN, PY_YIELD and LINE: what the adapters
// above do, without their argument arrays. Tool 6's go to profile.c.
static inline wf_value
trace_direct(wf_thread *ts, wf_frame *f, int ev, wf_value arg)
{
    if (ts->c_tracefunc == NULL)
        return WF_NONE;
    if (ev == WF_EV_LINE)
        return trace_line(ts, f,
                          wf_val_is_int(arg) ? (int32_t)wf_val_as_int(arg)
                                             : WF_NO_LINE,
                          WF_EV_LINE);
    int what = wf_lslot_frame_what(ev, &arg);
    return call_trace_func(ts, f, ev, what, arg);
}

int
wf_legacy_fire(wf_thread *ts, wf_frame *f, int tool, int ev, wf_value arg)
{
    ts->in_callback++;
    wf_value res = tool == WF_TOOL_SYS_TRACE ? trace_direct(ts, f, ev, arg)
                                            : wf_lprof_fire(ts, f, ev, arg);
    ts->in_callback--;
    return res == WF_NULL ? -1 : 0;
}

// ===== Callback frames =====
// A Python-level trace function of the plain shape (a function of exactly
// three positional parameters, not a generator) is not called from C for
// the events that start an instruction (LINE, PY_START/PY_RESUME at
// RESUME, PY_RETURN at RETURN_VALUE, PY_YIELD at YIELD_VALUE): its frame
// (the thread's resident callback frame) is linked on the eval loop's own
// frame chain, flagged WF_FRAME_CALLBACK, and the loop runs it like any
// frame. A plain profile function likewise, for call and return. When it returns, wf_ltrace_cb_return does what the
// trampoline does after the call, and the loop continues the traced
// instruction where its event left it (eval.c callback_returned); when it
// raises, wf_ltrace_cb_unwind does the trampoline's error steps and the
// exception propagates from the traced instruction. Same observable
// behaviour as the call from C; no C recursion, no second run_frame.

// Whether [tool]'s (6 or 7) callback for [ev] is still the bridge's
// adapter (no one registered another through sys.monitoring). Caller: the
// thread's slot for [tool] is the Python trampoline, so the adapters exist.
static inline bool
adapter_at(int tool, int ev)
{
    return wf_mon_callback_at(tool, ev) ==
           wf_lslot_adapters_[tool - WF_TOOL_SYS_PROFILE][ev];
}

// The callback's plain shape: see above (the compiler marks such code).
static inline bool
cb_shape(wf_value callback)
{
    return wf_val_is(callback, &wf_func_type) &&
           (((const wf_func *)wf_val_as_obj(callback))->code->flags &
            WF_CO_PLAIN3);
}

// The thread's resident callback frame made ready for [callback]: its
// area grown to the code's size, its header written (once per trace
// function: cb_enter reuses it while the function stays the same). Also
// the recursion limit's check, as a call would make it. Returns it, or
// NULL with RecursionError or MemoryError set. Caller: no callback frame
// is active (the area may move).
WF_NOINLINE static wf_frame *
cb_frame_ready(wf_thread *ts, wf_value callback)
{
    int32_t limit = wf_thread_recursion_limit(ts);
    if (ts->recursion_depth >= (limit > 0 ? limit : 1000)) {
        wf_err_format(ts, &wf_exc_RecursionError,
                      "maximum recursion depth exceeded");
        return NULL;
    }
    const wf_func *fn = (const wf_func *)wf_val_as_obj(callback);
    // Its quiet twin: nothing fires inside a callback, so the instrumented
    // opcodes would only cost (code.h wf_code_quiet).
    wf_code *co = wf_code_quiet(ts, fn->code);
    if (co == NULL)
        return NULL;
    size_t words = wf_frame_words(co);
    wf_frame *nf = ts->cb_frame;
    if (nf == NULL || ts->cb_frame_words < words) {
        nf = realloc(nf, words * sizeof(wf_value));
        if (nf == NULL) {
            wf_err_no_memory(ts);
            return NULL;
        }
        ts->cb_frame = nf;
        ts->cb_frame_words = (uint32_t)words;
    }
    wf_frame_init_header(nf, words, co, callback, fn->globals, fn->builtins,
                         WF_NULL);
    nf->is_entry = WF_FRAME_CALLBACK;
    return nf;
}

// The trampoline's steps when its function failed: the thread's slot for
// [tool] cleared (may pause), and for settrace the frame's f_trace.
static void
cb_failed(wf_thread *ts, int tool, wf_frameobj *fo)
{
    if (tool == WF_TOOL_SYS_PROFILE) {
        wf_lprof_clear_after_error(ts);
        return;
    }
    wf_lslot_clear_after_error(ts, &trace_spec);
    fo->trace = WF_NONE;
}

// wf_lslot_run_py's steps before the call, then [callback]'s frame set up
// in the thread's resident callback frame with (frame object [fo],
// [what], [arg]) and linked as a callback frame for [ev] at [pc] of [f].
// [arg] is None or on [f]'s value stack, so rooted. Returns 1, or -1 with
// an exception set.
static inline __attribute__((always_inline)) int
cb_enter(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
         wf_frameobj *fo, wf_value callback, int what, wf_value arg,
         int32_t line, int tool)
{
    struct wf_lcb *r = &ts->lcb;
    r->mark = wf_root_mark(ts);
    r->saved_exc = ts->exc;
    if (WF_UNLIKELY(r->saved_exc != WF_NULL)) {
        ts->exc = WF_NULL;
        if (wf_lslot_root_push(ts, r->saved_exc) < 0)
            return -1;  // MemoryError replaces the exception in flight
    }
    const wf_func *fn = (const wf_func *)wf_val_as_obj(callback);
    if (!(fn->code->flags & WF_CO_ARG0_UNREAD))
        wf_frameobj_expose(fo);  // the trace function reads its `frame`
    wf_frame *nf = ts->cb_frame;
    // (A function's __code__ cannot change: its func identifies the code.)
    if (WF_UNLIKELY(nf == NULL || nf->func != callback ||
                    ts->recursion_depth >= wf_thread_recursion_limit(ts))) {
        nf = cb_frame_ready(ts, callback);
        if (WF_UNLIKELY(nf == NULL)) {
            // As the trampoline when the call fails (the new error wins
            // over the one set aside).
            wf_root_release(ts, r->mark);
            ts->in_callback++;
            cb_failed(ts, tool, fo);
            ts->in_callback--;
            return -1;
        }
    }
    wf_code *co = nf->code;
    uint32_t n = co->nlocalsplus;
    for (uint32_t i = 3; i < n; i++)
        nf->localsplus[i] = WF_NULL;
    nf->localsplus[0] = wf_val_from_obj(fo);
    nf->localsplus[1] = wf_lslot_what_strs_[what];  // set before any event
    nf->localsplus[2] = arg;
    nf->sp = nf->localsplus + n;
    // Past RESUME (WF_CO_PLAIN3): its event cannot fire inside a callback,
    // and the eval breaker is checked at the traced code's next RESUME or
    // backward jump, or the callback's own.
    nf->instr = co->code + 1;
    nf->frameobj = WF_NULL;
    nf->mon_jump_to = NULL;
    nf->state = WF_FRAME_EXECUTING;
    nf->previous = ts->frame;
    ts->recursion_depth++;
    r->stack_top = ts->stack_top;
    r->pc = pc;
    r->sp = f->sp;
    r->fo = fo;
    r->ev = ev;
    r->result_to = tool == WF_TOOL_SYS_TRACE ? &fo->trace : &r->discard;
    // No slot function runs outside a callback (in_callback is 0 here),
    // so the event being delivered was none: cb_end restores that.
    ts->lslot_what = ev;
    ts->lslot_frame = f;
    fo->line_now = line;
    ts->in_callback++;
    ts->frame = nf;
    r->frame = nf;
    return 1;
}

// Settrace's call (PY_START/PY_RESUME) or return (PY_RETURN/PY_YIELD with
// the value in [arg]) for [f] as a callback frame: 1, 0 if nothing is to
// be called, -1 with an exception set, or 2 if the event must be delivered
// the usual way (f_trace_opcodes, a trace function of another shape).
// Caller: the thread's trace function is the trampoline, no callback runs.
static inline __attribute__((always_inline)) int
frame_event_cb(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
               wf_value arg)
{
    wf_frameobj *fo = wf_frameobj_of(f);
    if (ev == WF_EV_PY_RETURN || ev == WF_EV_PY_YIELD) {
        if (fo == NULL)
            return 0;
        if (WF_UNLIKELY(fo->trace_opcodes))
            return 2;
        if (fo->trace == WF_NONE)
            return 0;
        if (WF_UNLIKELY(!cb_shape(fo->trace)))
            return 2;
        return cb_enter(ts, f, pc, ev, fo, fo->trace, WF_TRACE_RETURN, arg,
                        0, WF_TOOL_SYS_TRACE);
    }
    wf_value callback = ts->c_traceobj;
    if (WF_UNLIKELY((fo != NULL && fo->trace_opcodes) || !cb_shape(callback)))
        return 2;
    if (fo == NULL) {
        wf_value fobj = wf_frame_get_object_hidden(ts, f);
        if (fobj == WF_NULL)
            return -1;
        fo = (wf_frameobj *)wf_val_as_obj(fobj);
    }
    return cb_enter(ts, f, pc, ev, fo, callback, WF_TRACE_CALL, WF_NONE, 0,
                    WF_TOOL_SYS_TRACE);
}

// The general path's entry (fire.c legacy_at: other tools want the event
// too, or another callback is registered); settrace's own lane enters
// through wf_ltrace_frame_cb and wf_ltrace_line_cb.
int
wf_ltrace_push_cb(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
                  wf_value arg)
{
    if (ts->c_tracefunc != wf_ltrace_trampoline || ts->lcb.frame != NULL)
        return 2;
    if (ev != WF_EV_LINE)
        return ev == WF_EV_PY_START || ev == WF_EV_PY_RESUME ||
                       ev == WF_EV_PY_RETURN || ev == WF_EV_PY_YIELD
                   ? frame_event_cb(ts, f, pc, ev, arg)
                   : 2;
    wf_frameobj *fo = wf_frameobj_of(f);
    if (fo == NULL || !fo->trace_lines || !wf_val_is_int(arg) ||
        wf_val_as_int(arg) < 0)
        return 0;
    if (fo->trace_opcodes)
        return 2;
    if (fo->trace == WF_NONE)
        return 0;
    if (!cb_shape(fo->trace))
        return 2;
    return cb_enter(ts, f, pc, ev, fo, fo->trace, WF_TRACE_LINE, WF_NONE,
                    (int32_t)wf_val_as_int(arg), WF_TOOL_SYS_TRACE);
}

int
wf_ltrace_frame_cb(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
                   wf_value arg)
{
    if (WF_UNLIKELY(!adapter_at(WF_TOOL_SYS_TRACE, ev)))
        return wf_fire_frame_event(ts, f, pc, ev, WF_FIRE_TRACE_ONLY, arg);
    int r = frame_event_cb(ts, f, pc, ev, arg);
    if (WF_UNLIKELY(r == 2))
        return wf_legacy_fire(ts, f, WF_TOOL_SYS_TRACE, ev, arg);
    return r;
}

int
wf_lprof_frame_cb(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
                  wf_value arg)
{
    if (WF_UNLIKELY(!adapter_at(WF_TOOL_SYS_PROFILE, ev)))
        return wf_fire_frame_event(ts, f, pc, ev, WF_FIRE_PROFILE_ONLY, arg);
    // The profile function sees every frame (no f_trace) and its result
    // is ignored (cb_return); `call` gets None, `return` the value.
    wf_value callback = ts->c_profileobj;
    if (WF_UNLIKELY(!cb_shape(callback)))
        return wf_legacy_fire(ts, f, WF_TOOL_SYS_PROFILE, ev, arg);
    wf_frameobj *fo = wf_frameobj_of(f);
    if (fo == NULL) {
        wf_value fobj = wf_frame_get_object_hidden(ts, f);
        if (fobj == WF_NULL)
            return -1;
        fo = (wf_frameobj *)wf_val_as_obj(fobj);
    }
    bool ret = ev == WF_EV_PY_RETURN || ev == WF_EV_PY_YIELD;
    return cb_enter(ts, f, pc, ev, fo, callback,
                    ret ? WF_TRACE_RETURN : WF_TRACE_CALL,
                    ret ? arg : WF_NONE, 0, WF_TOOL_SYS_PROFILE);
}

int
wf_ltrace_line_cb(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    wf_code *co = f->code;
    const wf_instr_data *d = wf_instr_data_of(co);
    uint32_t idx = wf_fire_index(f, pc);
    wf_frameobj *fo = wf_frameobj_of(f);
    // What the usual path must deliver (nothing consumed yet): other tools
    // here, another callback registered for tool 7's LINE, opcodes.
    if (WF_UNLIKELY(d == NULL ||
                    (wf_atomic_load_relaxed_u8(&d->line_tools[idx]) &
                     ts->mon_tools) != WF_FIRE_TRACE_ONLY ||
                    !adapter_at(WF_TOOL_SYS_TRACE, WF_EV_LINE) ||
                    (fo != NULL && fo->trace_opcodes)))
        return wf_fire_line_slow(ts, f, pc);
    uint32_t prev = wf_fire_take_prev(f, pc);
    if (fo == NULL || !fo->trace_lines || fo->trace == WF_NONE ||
        !wf_fire_line_due(co, d, idx, prev))
        return 0;  // no f_trace, or not a new line
    int32_t line = wf_code_line(co, idx);
    if (line < 0)
        return 0;
    wf_value callback = fo->trace;
    if (WF_UNLIKELY(!cb_shape(callback)))  // a bound method, a C callable
        return wf_legacy_fire(ts, f, WF_TOOL_SYS_TRACE, WF_EV_LINE,
                              wf_val_from_int(line));
    return cb_enter(ts, f, pc, WF_EV_LINE, fo, callback, WF_TRACE_LINE,
                    WF_NONE, line, WF_TOOL_SYS_TRACE);
}



// The steps after the call common to a return and a raise: the record
// closed (its pc and sp stay readable), the event being delivered
// restored.
static inline struct wf_lcb *
cb_end(wf_thread *ts)
{
    struct wf_lcb *r = &ts->lcb;
    // The eval loop popped the resident frame as any frame (wf_frame_pop),
    // which set the data stack's top to it: the top it really had.
    ts->stack_top = r->stack_top;
    r->frame = NULL;
    ts->lslot_what = -1;
    ts->lslot_frame = NULL;
    r->fo->line_now = 0;
    return r;
}

int
wf_ltrace_cb_return(wf_thread *ts, wf_value res)
{
    struct wf_lcb *r = cb_end(ts);
    if (WF_UNLIKELY(ts->exc != WF_NULL))
        ts->exc = WF_NULL;  // a stray error: not raised
    if (WF_UNLIKELY(r->saved_exc != WF_NULL))
        ts->exc = r->saved_exc;
    wf_root_release(ts, r->mark);
    if (res != WF_NONE)
        *r->result_to = res;  // f_trace, or ignored (a profile function)
    ts->in_callback--;
    return r->ev;
}

void
wf_ltrace_cb_unwind(wf_thread *ts)
{
    struct wf_lcb *r = cb_end(ts);
    wf_root_release(ts, r->mark);  // the new exception wins
    cb_failed(ts,
              r->result_to == &r->discard ? WF_TOOL_SYS_PROFILE
                                          : WF_TOOL_SYS_TRACE,
              r->fo);  // may run a pause
    ts->in_callback--;
}

static const wf_lslot_cb trace_cbs[] = {
    {WF_EV_PY_START, "sys_trace_start", sys_trace_start},
    {WF_EV_PY_RESUME, "sys_trace_resume", sys_trace_resume},
    {WF_EV_PY_THROW, "sys_trace_throw", sys_trace_throw},
    {WF_EV_PY_RETURN, "sys_trace_return", sys_trace_return},
    {WF_EV_PY_YIELD, "sys_trace_yield", sys_trace_yield},
    {WF_EV_RAISE, "sys_trace_exception", sys_trace_raise},
    {WF_EV_STOP_ITERATION, "sys_trace_exception", sys_trace_stop_iteration},
    {WF_EV_LINE, "sys_trace_line", sys_trace_line},
    {WF_EV_PY_UNWIND, "sys_trace_unwind", sys_trace_unwind},
    {WF_EV_JUMP, "sys_trace_jump", sys_trace_jump},
    {WF_EV_INSTRUCTION, "sys_trace_instruction", sys_trace_instruction},
    {WF_EV_EXCEPTION_HANDLED, "sys_trace_handled", sys_trace_handled},
};

// Same set as CPython 3.14's setup_tracing (INSTRUCTION is per code, set
// by f_trace_opcodes), plus EXCEPTION_HANDLED, which reports nothing but
// lets a frame unwinding from a cleanup handler show CPython's line.
#define TRACE_EVENTS                                                       \
    (WF_EVMASK(WF_EV_PY_START) | WF_EVMASK(WF_EV_PY_RESUME) |              \
     WF_EVMASK(WF_EV_PY_RETURN) | WF_EVMASK(WF_EV_PY_YIELD) |              \
     WF_EVMASK(WF_EV_RAISE) | WF_EVMASK(WF_EV_LINE) |                      \
     WF_EVMASK(WF_EV_JUMP) | WF_EVMASK(WF_EV_PY_UNWIND) |                  \
     WF_EVMASK(WF_EV_PY_THROW) | WF_EVMASK(WF_EV_STOP_ITERATION) |        \
     WF_EVMASK(WF_EV_EXCEPTION_HANDLED))

static const wf_lslot_spec trace_spec = {
    .tool = WF_TOOL_SYS_TRACE,
    .events = TRACE_EVENTS,
    .cbs = trace_cbs,
    .ncbs = sizeof trace_cbs / sizeof trace_cbs[0],
};

#undef TRACE_EVENTS

#else  // !WEFT_MONITORING

int
wf_ltrace_set_opcode_trace(wf_thread *ts, wf_code *co, bool enable)
{
    (void)ts, (void)co, (void)enable;
    return 0;  // nothing delivers opcodes in this build
}

static const wf_lslot_spec trace_spec = {
    .tool = WF_TOOL_SYS_TRACE,
};

#endif  // WEFT_MONITORING
