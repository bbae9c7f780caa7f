// runtime/monitor/fire.c -- PEP 669 event delivery (wf_fire_*): the bodies
// behind fire.h's inline gates.
// Calls the callbacks of the tools that want an event, in descending tool
// id order, each rooted and run with the thread's re-entrancy guard set;
// honours DISABLE per (instruction, tool) with one atomic AND (ARCHITECTURE
// invariant 3: no pause) and refuses it for non-local events as CPython
// 3.14 does; keeps the exception in flight across exception events. Builtin
// callbacks (the legacy adapters, the C API) are called directly, with no
// argument tuple.
#include "monitor/fire.h"

#if WEFT_MONITORING

#include "objects/error.h"
#include "legacy/legacy.h"

// The (tool, event) being delivered on this thread, -1 outside a delivery.
// W/R: the owning thread.
_Thread_local int wf_fire_cur_tool_ = -1;
_Thread_local int wf_fire_cur_event_ = -1;

int
wf_fire_current_tool(void)
{
    return wf_fire_cur_tool_;
}

int
wf_fire_current_event(void)
{
    return wf_fire_cur_event_;
}

// Call callback [cb] with [args]: builtin functions directly (no boxing,
// no generic call), anything else through the generic call. C API
// callbacks never get here (deliver_c).
static inline wf_value
call_one(wf_thread *ts, wf_value cb, const wf_value *args, size_t nargs)
{
    if (wf_val_is(cb, &wf_builtin_type)) {
        const wf_builtin *b = (const wf_builtin *)wf_val_as_obj(cb);
        if (b->self == WF_NULL && b->owner == NULL)
            return b->fn(ts, args, nargs, WF_NULL);
    }
    return wf_obj_call(ts, cb, args, nargs, WF_NULL);
}

// The C function of [cb] if it is a plain builtin (no receiver, no owner:
// the legacy adapters), else NULL. Such a function never sees its builtin
// object, so once [fn] is read the object needs no root while it runs, and
// none of them reads wf_fire_current_tool/_event (only C API callbacks do).
static inline wf_cfunc
plain_builtin_fn(wf_value cb)
{
    if (!wf_val_is(cb, &wf_builtin_type))
        return NULL;
    const wf_builtin *b = (const wf_builtin *)wf_val_as_obj(cb);
    return b->self == WF_NULL && b->owner == NULL ? b->fn : NULL;
}

// Call C API callback [h] of [tool] for [ev] with PEP 669's (code [co],
// [a1] = offset, or line for LINE) described in a weft_mon_event. The
// embedder's function and data are read first: the object need not stay
// rooted while it runs. Returns WF_NONE, WF_MON_DISABLE or WF_NULL.
static inline wf_value
deliver_c(wf_thread *ts, const wf_mon_capi_cb *h, int tool, int ev,
          const wf_code *co, int64_t a1)
{
    weft_mon_callback fn = h->fn;
    void *data = h->data;
    weft_mon_event e;
    e.tool = tool;
    e.event = ev;
    e.code_name = wf_str_cstr(co->name);
    e.firstlineno = co->firstlineno;
    if (ev == WF_EV_LINE) {
        e.offset = -1;
        e.line = (int32_t)a1;
    } else {
        e.offset = (int32_t)a1;
        e.line = a1 >= 0 ? wf_code_line(co, (uint32_t)(a1 / 2)) : -1;
    }
    ts->in_callback++;
    int rc = fn(data, &e);
    ts->in_callback--;
    if (WF_LIKELY(rc == 0))
        return WF_NONE;
    if (rc == WEFT_MON_DISABLE)
        return WF_MON_DISABLE;
    return wf_err_format(ts, &wf_exc_RuntimeError,
                         "C monitoring callback returned %d", rc);
}

// Deliver [ev] to each tool of [tools] (descending ids) with [args]; a
// DISABLE answer applies to unit [idx] of [co]. Returns 0 or -1.
// Per event, only the tools present are visited (bit scan), the callback
// is read inline and rooted with an inline push.
static int
deliver(wf_thread *ts, wf_code *co, uint32_t idx, int ev, uint8_t tools,
        const wf_value *args, size_t nargs)
{
    int saved_tool = wf_fire_cur_tool_, saved_event = wf_fire_cur_event_;
    int rc = 0;
    for (unsigned left = tools; left != 0;) {
        int tool = 31 - __builtin_clz(left);
        left &= ~(1u << tool);
        wf_value cb = wf_mon_callback_at(tool, ev);
        if (cb == WF_NULL)
            continue;
        wf_value res;
        wf_fire_cur_tool_ = tool;
        wf_fire_cur_event_ = ev;
        if (wf_val_is(cb, &wf_mon_capi_cb_type)) {
            res = deliver_c(ts, (const wf_mon_capi_cb *)wf_val_as_obj(cb),
                            tool, ev, co, wf_val_as_int(args[1]));
            goto answered;
        }
        // A concurrent register_callback leaves the old callable to the
        // collector: only this root keeps it alive while it runs.
        size_t mark = wf_root_mark(ts);
        if (WF_LIKELY(ts->nroots < ts->roots_cap)) {
            ts->roots[ts->nroots++] = cb;
        } else if (wf_root_push(ts, cb) < 0) {
            rc = -1;
            break;
        }
        ts->in_callback++;
        res = call_one(ts, cb, args, nargs);
        ts->in_callback--;
        wf_root_release(ts, mark);
    answered:
        if (WF_UNLIKELY(res == WF_NULL)) {
            rc = -1;
            break;
        }
        if (res == WF_MON_DISABLE) {
            if (wf_ev_can_disable(ev)) {
                wf_instr_disable(co, idx, tool, ev);
            } else {
                // Same as CPython 3.14: the callback is removed so that the
                // error cannot repeat forever; the event stays set.
                (void)wf_mon_callback_swap(tool, ev, WF_NULL);
                wf_err_format(ts, &wf_exc_ValueError,
                              "Cannot disable %s events. Callback removed.",
                              wf_ev_name(ev));
                rc = -1;
                break;
            }
        }
    }
    wf_fire_cur_tool_ = saved_tool;
    wf_fire_cur_event_ = saved_event;
    return rc;
}

int
wf_fire_deliver_raw(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                    int ev, uint8_t tools, const wf_value *rest, size_t nrest)
{
    wf_value args[4];
    args[0] = wf_val_from_obj(f->code);
    for (size_t i = 0; i < nrest && i < 3; i++)
        args[1 + i] = rest[i];
    return deliver(ts, f->code, wf_fire_index(f, pc), ev, tools, args,
                   1 + (nrest < 3 ? nrest : 3));
}

// The answer [res] of tool [tool]'s C callback for [ev] at unit [idx] of
// [co], other than WF_NONE: apply DISABLE, or report the error. Returns
// 0 or -1.
WF_NOINLINE static int
c_answer(wf_thread *ts, wf_code *co, uint32_t idx, int tool, int ev,
         wf_value res)
{
    if (res == WF_NULL)
        return -1;
    if (res == WF_MON_DISABLE) {
        if (wf_ev_can_disable(ev)) {
            wf_instr_disable(co, idx, tool, ev);
            return 0;
        }
        (void)wf_mon_callback_swap(tool, ev, WF_NULL);
        wf_err_format(ts, &wf_exc_ValueError,
                      "Cannot disable %s events. Callback removed.",
                      wf_ev_name(ev));
        return -1;
    }
    return 0;
}

// The non-zero answer [rc] of the C callback called for [e] by wf_fire_c1
// in [f]: DISABLE, or a RuntimeError. Everything but [ts] and [f] is read
// back from [e], so that wf_fire_c1 keeps nothing else live across the
// call. Returns 0 or -1.
WF_NOINLINE static int
c1_answer(wf_thread *ts, const wf_frame *f, const weft_mon_event *e, int rc)
{
    if (rc == WEFT_MON_DISABLE)
        return c_answer(ts, f->code, (uint32_t)e->offset / 2, e->tool,
                        e->event, WF_MON_DISABLE);
    (void)wf_err_format(ts, &wf_exc_RuntimeError,
                        "C monitoring callback returned %d", rc);
    return -1;
}

// The one-tool C callback path of wf_fire_deliver: C API callback [h] of
// [tool] for [ev] (not LINE) at unit [pc] of [f]. The weft_mon_event is
// filled on the stack, the tool and event travelling in it (not through
// wf_fire_cur_*: only a generic call of the object reads those), and the
// embedder's function is called with the re-entrancy guard raised; the
// object is not touched once the function runs, so it needs no root.
// Returns 0 or -1 (c1_answer).
static int
fire_c1(wf_thread *ts, const wf_frame *f, const wf_codeunit *pc,
        const wf_mon_capi_cb *h, int tool, int ev)
{
    // [ts] and [f] sit next to the event rather than in saved registers:
    // the embedder's function may see the block, so they are reloaded
    // after it, which costs less than saving and restoring registers.
    struct {
        weft_mon_event e;
        wf_thread *ts;
        const wf_frame *f;
    } c;
    const wf_code *co = f->code;
    uint32_t idx = (uint32_t)(pc - co->code);
    c.ts = ts;
    c.f = f;
    c.e.tool = tool;
    c.e.event = ev;
    c.e.code_name = wf_str_cstr(co->name);
    c.e.firstlineno = co->firstlineno;
    c.e.offset = wf_code_offset(idx);
    c.e.line = wf_code_line(co, idx);
    ts->in_callback++;
    int rc = h->fn(h->data, &c.e);
    c.ts->in_callback--;
    if (WF_LIKELY(rc == 0))
        return 0;
    return c1_answer(c.ts, c.f, &c.e, rc);
}

// wf_fire_deliver past its C callback test: one tool whose callback is a
// plain builtin (called directly), else the delivery loop. Out of line so
// that wf_fire_deliver itself saves no registers.
WF_NOINLINE static int
deliver_other(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
              uint8_t tools, const wf_value *extra, size_t nextra)
{
    // Built here rather than through wf_fire_deliver_raw: one argument
    // array and one index computation per event.
    uint32_t idx = wf_fire_index(f, pc);
    wf_value args[4];
    args[0] = wf_val_from_obj(f->code);
    args[1] = wf_val_from_int(wf_code_offset(idx));
    size_t n = nextra < 2 ? nextra : 2;
    for (size_t i = 0; i < n; i++)
        args[2 + i] = extra[i];
    if (WF_LIKELY((tools & (tools - 1)) == 0)) {
        int tool = __builtin_ctz(tools);
        wf_cfunc fn = plain_builtin_fn(wf_mon_callback_at(tool, ev));
        if (fn != NULL) {
            ts->in_callback++;
            wf_value res = fn(ts, args, 2 + n, WF_NULL);
            ts->in_callback--;
            if (WF_LIKELY(res == WF_NONE))
                return 0;
            return c_answer(ts, f->code, idx, tool, ev, res);
        }
    }
    return deliver(ts, f->code, idx, ev, tools, args, 2 + n);
}

int
wf_fire_deliver(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
                uint8_t tools, const wf_value *extra, size_t nextra)
{
    // One tool with a C API callback (the embedder's profiler): no
    // argument array, no loop, no root, no register saved here (both
    // paths are tail calls).
    if (WF_LIKELY((tools & (tools - 1)) == 0)) {
        int tool = __builtin_ctz(tools);
        wf_value cb = wf_mon_callback_at(tool, ev);
        if (WF_LIKELY(cb != WF_NULL && wf_val_is(cb, &wf_mon_capi_cb_type)))
            return fire_c1(ts, f, pc,
                           (const wf_mon_capi_cb *)wf_val_as_obj(cb), tool,
                           ev);
        if (wf_fire_legacy_direct(cb, tool, ev))
            return wf_legacy_fire(ts, f, tool, ev,
                                  nextra > 0 ? extra[0] : WF_NONE);
    }
    return deliver_other(ts, f, pc, ev, tools, extra, nextra);
}

// Settrace's adapter for [ev] at [pc] of [f]: as a callback frame when
// the bridge can (1), else the direct delivery.
static inline int
legacy_at(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int tool,
          int ev, wf_value arg)
{
    if (tool == WF_TOOL_SYS_TRACE &&
        ts->c_tracefunc == wf_ltrace_trampoline) {
        int r = wf_ltrace_push_cb(ts, f, pc, ev, arg);
        if (r != 2)
            return r;
    }
    return wf_legacy_fire(ts, f, tool, ev, arg);
}

// The head of wf_fire_deliver again, with legacy_at for the bridge: one
// shared inline helper returning "neither" cost 2.4% more instructions on
// a traced fib(20) (the tail calls were lost), so the eight lines repeat.
int
wf_fire_frame_event(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                    int ev, uint8_t tools, wf_value arg)
{
    if (WF_LIKELY((tools & (tools - 1)) == 0)) {
        int tool = __builtin_ctz(tools);
        wf_value cb = wf_mon_callback_at(tool, ev);
        if (WF_LIKELY(cb != WF_NULL && wf_val_is(cb, &wf_mon_capi_cb_type)))
            return fire_c1(ts, f, pc,
                           (const wf_mon_capi_cb *)wf_val_as_obj(cb), tool,
                           ev);
        if (wf_fire_legacy_direct(cb, tool, ev))
            return legacy_at(ts, f, pc, tool, ev, arg);
    }
    return wf_fire_deliver(ts, f, pc, ev, tools, &arg,
                           ev == WF_EV_PY_RETURN ? 1 : 0);
}

// Deliver [ev] with the exception in flight as its last argument, after
// [extra]; keep that exception in flight unless a callback raised.
static int
deliver_keeping_exc(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                    int ev, uint8_t tools, wf_value a, wf_value b,
                    size_t nextra)
{
    wf_value exc = wf_err_fetch(ts);
    size_t mark = wf_root_mark(ts);
    if (wf_root_push(ts, exc) < 0)
        return -1;  // MemoryError replaces the exception
    wf_value extra[2] = {a, b};
    if (nextra == 0)
        extra[0] = exc;
    int rc = wf_fire_deliver(ts, f, pc, ev, tools, extra,
                             nextra == 0 ? 1 : nextra);
    wf_root_release(ts, mark);
    if (rc == 0)
        wf_err_restore(ts, exc);
    return rc;
}

int
wf_fire_exc_slow(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
                 uint8_t tools)
{
    return deliver_keeping_exc(ts, f, pc, ev, tools, WF_NULL, WF_NULL, 0);
}

int
wf_fire_c_result_slow(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                      wf_value callable, wf_value arg0, bool ok,
                      uint8_t tools)
{
    wf_value a0 = arg0 == WF_NULL ? WF_MON_MISSING : arg0;
    if (ok) {
        wf_value extra[2] = {callable, a0};
        return wf_fire_deliver(ts, f, pc, WF_EV_C_RETURN, tools, extra, 2);
    }
    return deliver_keeping_exc(ts, f, pc, WF_EV_C_RAISE, tools, callable, a0,
                               2);
}

int
wf_fire_stop_iteration_slow(wf_thread *ts, wf_frame *f,
                            const wf_codeunit *pc, wf_value value,
                            uint8_t tools)
{
    // CPython 3.14 hands the callbacks StopIteration(value).
    wf_value targs = wf_tuple_pack(ts, 1, value);
    if (targs == WF_NULL)
        return -1;
    wf_value exc = wf_exc_new(ts, &wf_exc_StopIteration, targs);
    if (exc == WF_NULL)
        return -1;
    size_t mark = wf_root_mark(ts);
    if (wf_root_push(ts, exc) < 0)
        return -1;
    int rc = wf_fire_deliver(ts, f, pc, WF_EV_STOP_ITERATION, tools, &exc, 1);
    wf_root_release(ts, mark);
    return rc;
}

int
wf_fire_line_slow(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    wf_code *co = f->code;
    uint32_t idx = wf_fire_index(f, pc);
    uint32_t prev = wf_fire_take_prev(f, pc);
    const wf_instr_data *d = wf_instr_data_of(co);
    if (WF_UNLIKELY(d == NULL))
        return 0;
    uint8_t t = wf_fire_gate(ts,
                             wf_atomic_load_relaxed_u8(&d->line_tools[idx]));
    if (WF_LIKELY(t == 0))
        return 0;
    if (!wf_fire_line_due(co, d, idx, prev))
        return 0;
    wf_value args[2] = {wf_val_from_obj(co),
                        wf_val_from_int(wf_code_line(co, idx))};
    // One tool whose callback is settrace's adapter: direct delivery; any
    // other plain builtin: called directly, as in wf_fire_deliver.
    if (WF_LIKELY((t & (t - 1)) == 0)) {
        int tool = __builtin_ctz(t);
        wf_value cb = wf_mon_callback_at(tool, WF_EV_LINE);
        if (wf_fire_legacy_direct(cb, tool, WF_EV_LINE))
            return legacy_at(ts, f, pc, tool, WF_EV_LINE, args[1]);
        wf_cfunc fn = plain_builtin_fn(cb);
        if (fn != NULL) {
            ts->in_callback++;
            wf_value res = fn(ts, args, 2, WF_NULL);
            ts->in_callback--;
            if (WF_LIKELY(res == WF_NONE))
                return 0;
            return c_answer(ts, co, idx, tool, WF_EV_LINE, res);
        }
    }
    return deliver(ts, co, idx, WF_EV_LINE, t, args, 2);
}

int
wf_fire_instruction_slow(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                         uint8_t tools)
{
    return wf_fire_deliver(ts, f, pc, WF_EV_INSTRUCTION, tools, NULL, 0);
}

#endif  // WEFT_MONITORING
