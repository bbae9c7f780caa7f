// runtime/legacy/slots.c -- per-thread legacy slots and tools 6/7's event
// sets (wf_lslot_*), shared by the settrace and setprofile bridges.
// Owns the "callbacks registered" flags, the interned event names and the
// thread-local event being delivered. Upholds ARCHITECTURE invariant 4
// (monitoring mutex, then thread list, then pause) and "Legacy tracing":
// a slot is written by its owner under the monitoring mutex, or by any
// thread inside a pause (*_all_threads).
#include "legacy/slots.h"

#include "objects/error.h"
#include "vm/eval.h"
#include "vm/frame.h"
#include "objects/func.h"
#include "threads/stw.h"
#include "vm/frameobj.h"
#include "legacy/legacy.h"

#if WEFT_MONITORING
#  include "monitor/fire.h"
#  include "monitor/monitor.h"
#endif

// Event names by WF_TRACE_* number (CPython's whatstrings), interned.
// W: monitoring mutex, once (first wf_lslot_set), before any adapter can
// run (an adapter runs only for a thread whose slot a later write set).
// R: plain, any thread (wf_lslot_what_str).
wf_value wf_lslot_what_strs_[WF_TRACE_OPCODE + 1];

// (Unused when monitoring is compiled out, like slot_is_set below.)
__attribute__((unused)) static const char *const
    what_names[WF_TRACE_OPCODE + 1] = {
    [WF_TRACE_CALL] = "call",         [WF_TRACE_EXCEPTION] = "exception",
    [WF_TRACE_LINE] = "line",         [WF_TRACE_RETURN] = "return",
    [WF_TRACE_C_CALL] = "c_call",     [WF_TRACE_C_EXCEPTION] = "c_exception",
    [WF_TRACE_C_RETURN] = "c_return", [WF_TRACE_OPCODE] = "opcode",
};

int32_t
wf_lslot_unwind_line(const wf_frame *f, wf_value exc)
{
    const wf_code *co = f->code;
    if (f->instr > co->code) {
        int32_t line = wf_code_line(co, wf_frame_lasti_index(f));
        if (line != WF_NO_LINE)
            return line;
    }
    const wf_frameobj *fo = wf_frameobj_of(f);
    if (fo != NULL && fo->raise_line > 0)
        return fo->raise_line;
    if (exc == WF_NULL || !wf_val_is_obj(exc) ||
        !(wf_val_type(exc)->flags & WF_TPF_EXCEPTION))
        return 0;
    // The head of the chain is the entry of the frame the exception
    // reached last: this one, if it passed here.
    wf_value tb = ((const wf_exc *)wf_val_as_obj(exc))->traceback;
    if (tb == WF_NULL || !wf_val_is(tb, &wf_traceback_type))
        return 0;
    const wf_traceback *t = (const wf_traceback *)wf_val_as_obj(tb);
    if (t->code != wf_val_from_obj((wf_obj *)co) || t->lineno < 0)
        return 0;
    return t->lineno;
}

// Write [t]'s slot of [tool] and its interest bit for that tool.
// Caller: [t]'s owner under the monitoring mutex, or inside a pause.
static void
set_slot(wf_thread *t, int tool, wf_tracefunc fn, wf_value obj)
{
    uint8_t bit = (uint8_t)(1u << tool);
    if (tool == WF_TOOL_SYS_TRACE) {
        t->c_tracefunc = fn;
        t->c_traceobj = fn != NULL ? obj : WF_NULL;
    } else {
        t->c_profilefunc = fn;
        t->c_profileobj = fn != NULL ? obj : WF_NULL;
    }
    if (fn != NULL)
        t->mon_tools = (uint8_t)(t->mon_tools | bit);
    else
        t->mon_tools = (uint8_t)(t->mon_tools & ~bit);
}

__attribute__((unused)) static bool
slot_is_set(const wf_thread *t, int tool)
{
    return tool == WF_TOOL_SYS_TRACE ? t->c_tracefunc != NULL
                                     : t->c_profilefunc != NULL;
}

int
wf_lslot_call(wf_thread *ts, wf_tracefunc fn, wf_value obj, wf_frame *f,
              int what, wf_value arg, int ev)
{
    size_t mark = wf_root_mark(ts);
    // call_trace_protected: the callee must not see (or clobber) the
    // exception in flight.
    wf_value saved = ts->exc;
    ts->exc = WF_NULL;
    if ((saved != WF_NULL && wf_lslot_root_push(ts, saved) < 0) ||
        (obj != WF_NULL && wf_val_is_obj(obj) && wf_lslot_root_push(ts, obj) < 0) ||
        (arg != WF_NULL && wf_val_is_obj(arg) && wf_lslot_root_push(ts, arg) < 0)) {
        wf_root_release(ts, mark);
        return -1;  // MemoryError replaces the exception in flight
    }
    int old = ts->lslot_what;
    wf_frame *old_frame = ts->lslot_frame;
    ts->lslot_what = ev;
    ts->lslot_frame = f;
    int err = fn(obj, f, what, arg != WF_NULL ? arg : WF_NONE);
    ts->lslot_what = old;
    ts->lslot_frame = old_frame;
    if (WF_LIKELY(err == 0)) {
        if (WF_UNLIKELY(ts->exc != WF_NULL))
            ts->exc = WF_NULL;  // a C function's stray error: not raised
        if (saved != WF_NULL)
            ts->exc = saved;
    } else if (ts->exc == WF_NULL) {
        wf_err_format(ts, &wf_exc_SystemError,
                      "error return without exception set");
    }
    wf_root_release(ts, mark);
    return err == 0 ? 0 : -1;
}

void
wf_lslot_clear_after_error(wf_thread *ts, const wf_lslot_spec *spec)
{
    size_t mark = wf_root_mark(ts);
    wf_value exc = wf_err_fetch(ts);
    if (exc != WF_NULL && wf_root_push(ts, exc) < 0)
        exc = wf_err_fetch(ts);  // the preallocated MemoryError instead
    // The callbacks are registered (an adapter called us), so the slot is
    // cleared before anything here can fail; a failed event change only
    // leaves the tool's events on, which nobody's slot receives.
    if (wf_lslot_set(ts, spec, NULL, WF_NULL, false) < 0)
        wf_err_clear(ts);
    wf_err_restore(ts, exc);
    wf_root_release(ts, mark);
}

#if WEFT_MONITORING

// "callbacks registered" per tool. W/R: monitoring mutex.
static bool registered[WF_TOOL_COUNT];

// The general form of every bridge callback (monitor/native.h): the
// bridge's function for the event (client_fn, a builtin's signature)
// called with PEP 669's arguments and the re-entrancy guard raised.
static int
general(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
        const wf_native *self, const wf_value *args, size_t nargs)
{
    (void)f;
    wf_cfunc fn = (wf_cfunc)self->client_fn;
    ts->in_callback++;
    wf_value res = fn(ts, args, nargs, WF_NULL);
    ts->in_callback--;
    if (WF_LIKELY(res == WF_NONE))
        return WF_NATIVE_DONE;
    if (res == WF_NULL)
        return WF_NATIVE_ERROR;
    return wf_native_disable(ts, f, pc, self);  // DISABLE
}

// Register [spec]'s callbacks (and the event names) on first use.
// Caller: the monitoring mutex. Returns 0 or -1 with MemoryError.
static int
register_locked(wf_thread *ts, const wf_lslot_spec *spec)
{
    if (registered[spec->tool])
        return 0;
    for (int w = 0; w <= WF_TRACE_OPCODE; w++) {
        if (wf_lslot_what_strs_[w] != WF_NULL)
            continue;
        wf_value s = wf_str_intern(ts, what_names[w]);
        if (s == WF_NULL)
            return -1;
        wf_lslot_what_strs_[w] = s;  // interned strings are roots
    }
    for (size_t i = 0; i < spec->ncbs; i++) {
        // Allocation never collects, and each callback is rooted by the
        // callback table as soon as it is swapped in.
        const wf_lslot_cb *c = &spec->cbs[i];
        wf_value cb = wf_native_new(ts, spec->tool, c->event, c->name,
                                    general, c->express, NULL,
                                    (void (*)(void))c->fn);
        if (cb == WF_NULL)
            return -1;
        (void)wf_mon_callback_swap(spec->tool, c->event, cb);
    }
    registered[spec->tool] = true;
    return 0;
}

// The tool's global events: the bridge's set while any thread's slot is
// set, else none. Caller: the monitoring mutex (slots are stable: every
// writer holds it or runs inside a pause, which this thread would be
// parked for).
static wf_evset
union_locked(wf_thread *ts, const wf_lslot_spec *spec)
{
    wf_interp *interp = ts->interp;
    bool any = false;
    wf_mutex_lock(&interp->threads_lock);
    for (wf_thread *t = interp->threads; t != NULL && !any; t = t->next)
        any = slot_is_set(t, spec->tool);
    wf_mutex_unlock(&interp->threads_lock);
    return any ? spec->events : 0;
}

// Set every thread's slot inside one pause. Caller: the monitoring mutex.
static int
set_all_in_pause(wf_thread *ts, int tool, wf_tracefunc fn, wf_value obj)
{
    if (wf_stw_begin(ts, WF_STW_LEGACY) < 0)
        return -1;
    // World stopped: the thread list is stable without its lock.
    WF_ASSERT_WORLD_STOPPED();  // every thread's slot and interest bit
    for (wf_thread *t = ts->interp->threads; t != NULL; t = t->next)
        set_slot(t, tool, fn, obj);
    wf_stw_end(ts);
    return 0;
}

int
wf_lslot_opcode_trace_locked(wf_thread *ts, wf_code *co, bool enable)
{
    WF_ASSERT_MON_HOLDS(ts);
    wf_evset ev = wf_mon_get_local_events_locked(WF_TOOL_SYS_TRACE, co);
    wf_evset bit = WF_EVMASK(WF_EV_INSTRUCTION);
    if (enable == ((ev & bit) != 0))
        return 0;
    ev = enable ? (ev | bit) : (ev & ~bit);
    return wf_mon_set_local_events_locked(ts, WF_TOOL_SYS_TRACE, co, ev);
}

int
wf_lslot_set(wf_thread *ts, const wf_lslot_spec *spec, wf_tracefunc fn,
             wf_value obj, bool all_threads)
{
    if (fn == NULL)
        obj = WF_NULL;
    size_t mark = wf_root_mark(ts);
    if (obj != WF_NULL && wf_root_push(ts, obj) < 0)
        return -1;
    wf_mon_lock(ts);  // may detach while waiting: [obj] is rooted
    int rc = register_locked(ts, spec);
    if (rc < 0) {
        // nothing changed
    } else if (!all_threads) {
        set_slot(ts, spec->tool, fn, obj);
        rc = wf_mon_set_events_locked(ts, spec->tool,
                                      union_locked(ts, spec));
    } else if (fn != NULL) {
        // Instrument first (threads without the bit ignore the new
        // events), then switch every thread at once.
        rc = wf_mon_set_events_locked(ts, spec->tool, spec->events);
        if (rc == 0)
            rc = set_all_in_pause(ts, spec->tool, fn, obj);
    } else {
        rc = set_all_in_pause(ts, spec->tool, NULL, WF_NULL);
        if (rc == 0)
            rc = wf_mon_set_events_locked(ts, spec->tool, 0);
    }
    // CPython 3.14: settrace on a frame that already asked for opcodes
    // turns them on for its code.
    if (rc == 0 && fn != NULL && spec->tool == WF_TOOL_SYS_TRACE &&
        ts->frame != NULL && ts->frame->frameobj != WF_NULL) {
        const wf_frameobj *fo = wf_frameobj_of(ts->frame);
        if (wf_frameobj_trace_opcodes(fo))
            rc = wf_lslot_opcode_trace_locked(ts, ts->frame->code, true);
    }
    wf_mon_unlock(ts);
    wf_root_release(ts, mark);
    return rc;
}

#else  // !WEFT_MONITORING

int
wf_lslot_set(wf_thread *ts, const wf_lslot_spec *spec, wf_tracefunc fn,
             wf_value obj, bool all_threads)
{
    (void)obj;
    (void)all_threads;
    if (fn != NULL) {
        wf_err_format(ts, &wf_exc_NotImplementedError,
                      "%s is not available in this build "
                      "(WEFT_MONITORING=OFF)",
                      spec->tool == WF_TOOL_SYS_TRACE ? "sys.settrace"
                                                      : "sys.setprofile");
        return -1;
    }
    set_slot(ts, spec->tool, NULL, WF_NULL);
    return 0;
}

#endif  // WEFT_MONITORING
