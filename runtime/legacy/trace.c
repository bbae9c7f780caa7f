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
#include "legacy/cbframe.h"
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
        if (fo == NULL || wf_frameobj_trace(fo) == WF_NONE)
            return 0;
        callback = wf_frameobj_trace(fo);
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
        wf_frameobj_set_trace(fo, WF_NONE);
        return -1;
    }
    if (res != WF_NONE)
        wf_frameobj_set_trace(fo, res);
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

void
wf_ltrace_clear_after_error(wf_thread *ts)
{
    wf_lslot_clear_after_error(ts, &trace_spec);
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
    wf_tracefunc fn = ts->c_tracefunc;
    if (WF_LIKELY(fn == wf_ltrace_trampoline))
        return trampoline(ts, ts->c_traceobj, f, what, arg, ev);
    if (fn == NULL)
        return 0;  // cleared by a pause at a safe point since the event
    return wf_lslot_call(ts, fn, ts->c_traceobj, f, what, arg, ev);
}

// call_trace_func: deliver [what]/[arg] for event [ev] of [f], the
// current frame, to the thread's trace slot (set).
static inline wf_value
call_trace_func(wf_thread *ts, wf_frame *f, int ev, int what, wf_value arg)
{
    wf_frameobj *fo = wf_frameobj_of(f);
    // CPython 3.14: a frame that asked for opcodes gets them from its
    // next trace event on, even if it set f_trace_opcodes before f_trace.
    if (fo != NULL && wf_frameobj_trace_opcodes(fo)) {
        if (wf_ltrace_set_opcode_trace(ts, f->code, true) < 0)
            return WF_NULL;
        // Taking the monitoring mutex is a safe point: a pause there may
        // have cleared this thread's slot (settrace_all_threads(None)).
        if (ts->c_tracefunc == NULL)
            return WF_NONE;
    }
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
    if (fo != NULL && !wf_frameobj_trace_lines(fo))
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
    // Rooted from here: call_trace_func may take the monitoring mutex
    // (f_trace_opcodes) before the slot call roots it, and waiting there
    // is a safe point (the fuzzer found a collection freeing it there:
    // tests/unit/test_legacy.c).
    size_t mark = wf_root_mark(ts);
    if (wf_root_push(ts, triple) < 0)
        return WF_NULL;
    wf_value r = call_trace_current(ts, ev, WF_TRACE_EXCEPTION, triple);
    wf_root_release(ts, mark);
    return r;
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
    if (ts->c_tracefunc == NULL || fo == NULL || !wf_frameobj_trace_opcodes(fo)) {
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

// ===== The express path =====
// Tool 7's PY_START, PY_RESUME, PY_RETURN, PY_YIELD and LINE where tool 7
// alone wants them at the instruction they start (monitor/fire.h): a
// callback frame where one can run (legacy/cbframe.h), else what the
// adapters above do, without their argument arrays.

// The event delivered by a call from C, the re-entrancy guard raised.
WF_NOINLINE static int
direct(wf_thread *ts, wf_frame *f, int ev, wf_value arg)
{
    wf_value res = WF_NONE;
    ts->in_callback++;
    if (ts->c_tracefunc == NULL) {
        // nothing to call
    } else if (ev == WF_EV_LINE) {
        res = trace_line(ts, f,
                         wf_val_is_int(arg) ? (int32_t)wf_val_as_int(arg)
                                            : WF_NO_LINE,
                         WF_EV_LINE);
    } else {
        int what = wf_lslot_frame_what(ev, &arg);
        res = call_trace_func(ts, f, ev, what, arg);
    }
    ts->in_callback--;
    return res == WF_NULL ? WF_NATIVE_ERROR : WF_NATIVE_DONE;
}

// Settrace's call (PY_START/PY_RESUME) or return (PY_RETURN/PY_YIELD with
// the value in [arg]) for [f] as a callback frame. Caller: the thread's
// trace function is the Python trampoline.
static inline __attribute__((always_inline)) int
frame_event_cb(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
               wf_value arg)
{
    wf_frameobj *fo = wf_frameobj_of(f);
    if (ev == WF_EV_PY_RETURN || ev == WF_EV_PY_YIELD) {
        if (fo == NULL)
            return WF_CBF_NOTHING;
        if (WF_UNLIKELY(wf_frameobj_trace_opcodes(fo)))
            return WF_CBF_DECLINED;
        wf_value fn = wf_frameobj_trace(fo);  // one load: another thread
        if (fn == WF_NONE)                   // may set f_trace meanwhile
            return WF_CBF_NOTHING;
        if (WF_UNLIKELY(!wf_cbf_shape(fn)))
            return WF_CBF_DECLINED;
        wf_cbf_call c = {fn, WF_TRACE_RETURN, arg, 0,
                         WF_TOOL_SYS_TRACE};
        return wf_cbf_enter(ts, f, pc, ev, fo, &c);
    }
    wf_value callback = ts->c_traceobj;
    if (WF_UNLIKELY((fo != NULL && wf_frameobj_trace_opcodes(fo)) ||
                    !wf_cbf_shape(callback)))
        return WF_CBF_DECLINED;
    if (fo == NULL) {
        wf_value fobj = wf_frame_get_object_hidden(ts, f);
        if (fobj == WF_NULL)
            return WF_CBF_ERROR;
        fo = (wf_frameobj *)wf_val_as_obj(fobj);
    }
    wf_cbf_call c = {callback, WF_TRACE_CALL, WF_NONE, 0, WF_TOOL_SYS_TRACE};
    return wf_cbf_enter(ts, f, pc, ev, fo, &c);
}

// The express form of PY_START, PY_RESUME, PY_RETURN and PY_YIELD.
static int
express_frame(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
              const wf_native *self, wf_value arg)
{
    int ev = self->event;
    if (WF_UNLIKELY(ts->c_tracefunc != wf_ltrace_trampoline))
        return direct(ts, f, ev, arg);
    int r = frame_event_cb(ts, f, pc, ev, arg);
    if (WF_UNLIKELY(r == WF_CBF_DECLINED))
        return direct(ts, f, ev, arg);
    return r;
}

// The express form of LINE ([line] a tagged int): the fire layer made the
// line decision.
static int
express_line(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
             const wf_native *self, wf_value line)
{
    (void)self;
    if (WF_UNLIKELY(ts->c_tracefunc != wf_ltrace_trampoline))
        return direct(ts, f, WF_EV_LINE, line);
    wf_frameobj *fo = wf_frameobj_of(f);
    if (fo == NULL || !wf_frameobj_trace_lines(fo))
        return WF_CBF_NOTHING;
    // One load: another thread may set f_trace meanwhile.
    wf_value callback = wf_frameobj_trace(fo);
    if (callback == WF_NONE)
        return WF_CBF_NOTHING;  // no f_trace
    int32_t ln = (int32_t)wf_val_as_int(line);
    if (ln < 0)
        return WF_CBF_NOTHING;
    // f_trace_opcodes, a bound method, a C callable: a call from C.
    if (WF_UNLIKELY(wf_frameobj_trace_opcodes(fo) ||
                    !wf_cbf_shape(callback)))
        return direct(ts, f, WF_EV_LINE, line);
    wf_cbf_call c = {callback, WF_TRACE_LINE, WF_NONE, ln, WF_TOOL_SYS_TRACE};
    return wf_cbf_enter(ts, f, pc, WF_EV_LINE, fo, &c);
}

static const wf_lslot_cb trace_cbs[] = {
    {WF_EV_PY_START, "sys_trace_start", sys_trace_start, express_frame},
    {WF_EV_PY_RESUME, "sys_trace_resume", sys_trace_resume, express_frame},
    {WF_EV_PY_THROW, "sys_trace_throw", sys_trace_throw, NULL},
    {WF_EV_PY_RETURN, "sys_trace_return", sys_trace_return, express_frame},
    {WF_EV_PY_YIELD, "sys_trace_yield", sys_trace_yield, express_frame},
    {WF_EV_RAISE, "sys_trace_exception", sys_trace_raise, NULL},
    {WF_EV_STOP_ITERATION, "sys_trace_exception", sys_trace_stop_iteration,
     NULL},
    {WF_EV_LINE, "sys_trace_line", sys_trace_line, express_line},
    {WF_EV_PY_UNWIND, "sys_trace_unwind", sys_trace_unwind, NULL},
    {WF_EV_JUMP, "sys_trace_jump", sys_trace_jump, NULL},
    {WF_EV_INSTRUCTION, "sys_trace_instruction", sys_trace_instruction,
     NULL},
    {WF_EV_EXCEPTION_HANDLED, "sys_trace_handled", sys_trace_handled, NULL},
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
