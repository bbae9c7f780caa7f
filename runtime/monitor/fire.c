// runtime/monitor/fire.c -- PEP 669 event delivery (wf_fire_*): the bodies
// behind fire.h's inline gates.
// Calls the callbacks of the tools that want an event, in descending tool
// id order, each rooted and run with the thread's re-entrancy guard set;
// honours DISABLE per (instruction, tool) with one atomic AND (ARCHITECTURE
// invariant 3: no pause) and refuses it for non-local events as CPython
// 3.14 does; keeps the exception in flight across exception events. Builtin
// callbacks (the legacy adapters, the C API) are called directly, with no
// argument tuple.
#include "fire.h"

#if WEFT_MONITORING

#include "../error.h"

// The (tool, event) being delivered on this thread, -1 outside a delivery.
// W/R: the owning thread.
static _Thread_local int cur_tool = -1;
static _Thread_local int cur_event = -1;

int
wf_fire_current_tool(void)
{
    return cur_tool;
}

int
wf_fire_current_event(void)
{
    return cur_event;
}

// Call callback [cb] with [args]: builtin functions directly (no boxing),
// anything else through the generic call.
static wf_value
call_one(wf_thread *ts, wf_value cb, const wf_value *args, size_t nargs)
{
    if (wf_val_is(cb, &wf_builtin_type)) {
        const wf_builtin *b = (const wf_builtin *)wf_val_as_obj(cb);
        if (b->self == WF_NULL && b->owner == NULL)
            return b->fn(ts, args, nargs, WF_NULL);
    }
    return wf_obj_call(ts, cb, args, nargs, WF_NULL);
}

// Deliver [ev] to each tool of [tools] (descending ids) with [args]; a
// DISABLE answer applies to unit [idx] of [co]. Returns 0 or -1.
static int
deliver(wf_thread *ts, wf_code *co, uint32_t idx, int ev, uint8_t tools,
        const wf_value *args, size_t nargs)
{
    int saved_tool = cur_tool, saved_event = cur_event;
    int rc = 0;
    for (int tool = WF_TOOL_COUNT - 1; tool >= 0; tool--) {
        if (!(tools & (1u << tool)))
            continue;
        wf_value cb = wf_mon_callback(tool, ev);
        if (cb == WF_NULL)
            continue;
        // A concurrent register_callback leaves the old callable to the
        // collector: only this root keeps it alive while it runs.
        size_t mark = wf_root_mark(ts);
        if (wf_root_push(ts, cb) < 0) {
            rc = -1;
            break;
        }
        cur_tool = tool;
        cur_event = ev;
        ts->in_callback++;
        wf_value res = call_one(ts, cb, args, nargs);
        ts->in_callback--;
        wf_root_release(ts, mark);
        if (res == WF_NULL) {
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
    cur_tool = saved_tool;
    cur_event = saved_event;
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

int
wf_fire_deliver(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
                uint8_t tools, const wf_value *extra, size_t nextra)
{
    wf_value rest[3];
    rest[0] = wf_val_from_int(wf_code_offset(wf_fire_index(f, pc)));
    for (size_t i = 0; i < nextra && i < 2; i++)
        rest[1 + i] = extra[i];
    return wf_fire_deliver_raw(ts, f, pc, ev, tools, rest,
                               1 + (nextra < 2 ? nextra : 2));
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
    // The instruction that ran before this one: the recorded jump if it
    // leads here, else unknown (the precomputed mode decides).
    uint32_t prev = UINT32_MAX;
    if (f->mon_jump_to == pc && f->mon_jump_from != NULL)
        prev = wf_fire_index(f, f->mon_jump_from);
    f->mon_jump_to = NULL;
    const wf_instr_data *d = wf_instr_data_of(co);
    if (WF_UNLIKELY(d == NULL))
        return 0;
    uint8_t t = wf_fire_gate(ts,
                             wf_atomic_load_relaxed_u8(&d->line_tools[idx].v));
    if (WF_LIKELY(t == 0) || !wf_instr_line_fires(co, idx, prev))
        return 0;
    wf_value args[2] = {wf_val_from_obj(co),
                        wf_val_from_int(wf_code_line(co, idx))};
    return deliver(ts, co, idx, WF_EV_LINE, t, args, 2);
}

int
wf_fire_instruction_slow(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                         uint8_t tools)
{
    return wf_fire_deliver(ts, f, pc, WF_EV_INSTRUCTION, tools, NULL, 0);
}

#endif  // WEFT_MONITORING
