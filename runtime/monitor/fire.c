// runtime/monitor/fire.c -- PEP 669 event delivery (wf_fire_*): the bodies
// behind fire.h's inline gates.
// Calls the callbacks of the tools that want an event, in descending tool
// id order, each rooted and run with the thread's re-entrancy guard set;
// honours DISABLE per (instruction, tool) with one atomic AND (ARCHITECTURE
// invariant 3: no pause) and refuses it for non-local events as CPython
// 3.14 does; keeps the exception in flight across exception events.
// Native callbacks (monitor/native.h) are called directly: one tool with a
// native callback is a direct call (an express tail call where fire.h
// says), several go through one delivery loop.
#include "monitor/fire.h"

#if WEFT_MONITORING

#include "objects/error.h"

// Call callback [cb] with [args]: builtin functions directly (no boxing,
// no generic call), anything else through the generic call. Native
// callbacks never get here (deliver).
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

// A Python-level callback of [tool] answered DISABLE for [ev] at unit
// [pc] of [f] ([args]: the event's arguments): clear the bit, or
// (non-local event) remove the callback and raise. Returns 0 or -1.
// A CALL of a callable that is not a Python function, on code that never
// had two tools on one event, keeps its C_RETURN/C_RAISE for [tool]
// (ts->mon_keep_*): CPython 3.14 de-instruments the unit there but the
// call in flight still fires them with the code's tools; with several
// tools it clears the tool's bit and they do not reach it.
WF_NOINLINE static int
answer_disable(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int tool,
               int ev, const wf_value *args)
{
    wf_code *co = f->code;
    if (wf_ev_can_disable(ev)) {
        if (ev == WF_EV_CALL && !wf_val_is(args[2], &wf_func_type)) {
            const wf_instr_data *d = wf_instr_data_of(co);
            if (d != NULL && !d->multitool) {
                if (ts->mon_keep_frame != f || ts->mon_keep_pc != pc)
                    ts->mon_keep_tools = 0;
                ts->mon_keep_frame = f;
                ts->mon_keep_pc = pc;
                ts->mon_keep_tools |= (uint8_t)(1u << tool);
            }
        }
        wf_instr_disable(co, wf_fire_index(f, pc), tool, ev);
        return 0;
    }
    // Same as CPython 3.14: the callback is removed so that the error
    // cannot repeat forever; the event stays set.
    (void)wf_mon_callback_swap(tool, ev, WF_NULL);
    wf_err_format(ts, &wf_exc_ValueError,
                  "Cannot disable %s events. Callback removed.",
                  wf_ev_name(ev));
    return -1;
}

// Deliver [ev] at unit [pc] of [f] to each tool of [tools] (descending
// ids) with PEP 669's [args] (the code first); a DISABLE answer applies to
// [pc]. Returns 0 or -1. Per event, only the tools present are visited
// (bit scan); a Python callback is rooted with an inline push.
static int
deliver(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
        uint8_t tools, const wf_value *args, size_t nargs)
{
    for (unsigned left = tools; left != 0;) {
        int tool = 31 - __builtin_clz(left);
        left &= ~(1u << tool);
        wf_value cb = wf_mon_callback_at(tool, ev);
        if (cb == WF_NULL)
            continue;
        if (wf_native_is(cb)) {
            const wf_native *n = wf_native_of(cb);
            if (n->fn(ts, f, pc, n, args, nargs) < 0)
                return -1;
            continue;
        }
        // A concurrent register_callback leaves the old callable to the
        // collector: only this root keeps it alive while it runs.
        size_t mark = wf_root_mark(ts);
        if (WF_LIKELY(ts->nroots < ts->roots_cap)) {
            ts->roots[ts->nroots++] = cb;
        } else if (wf_root_push(ts, cb) < 0) {
            return -1;
        }
        ts->in_callback++;
        wf_value res = call_one(ts, cb, args, nargs);
        ts->in_callback--;
        wf_root_release(ts, mark);
        if (WF_UNLIKELY(res == WF_NULL))
            return -1;
        if (res == WF_MON_DISABLE &&
            answer_disable(ts, f, pc, tool, ev, args) < 0)
            return -1;
    }
    return 0;
}

int
wf_fire_deliver_raw(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                    int ev, uint8_t tools, const wf_value *rest, size_t nrest)
{
    wf_value args[4];
    args[0] = wf_val_from_obj(f->code);
    for (size_t i = 0; i < nrest && i < 3; i++)
        args[1 + i] = rest[i];
    return deliver(ts, f, pc, ev, tools, args, 1 + (nrest < 3 ? nrest : 3));
}

// [ev] at [pc] of [f] to [tools] with PEP 669's arguments built here: the
// code, [pc]'s offset, then [extra] ([nextra] <= 2). One tool with a
// native callback is called directly, else the delivery loop.
static inline int
deliver_built(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
              uint8_t tools, const wf_value *extra, size_t nextra)
{
    wf_value args[4];
    args[0] = wf_val_from_obj(f->code);
    args[1] = wf_val_from_int(wf_code_offset(wf_fire_index(f, pc)));
    size_t n = nextra < 2 ? nextra : 2;
    for (size_t i = 0; i < n; i++)
        args[2 + i] = extra[i];
    if (WF_LIKELY((tools & (tools - 1)) == 0)) {
        wf_value cb = wf_mon_callback_at(__builtin_ctz(tools), ev);
        if (WF_LIKELY(wf_native_is(cb))) {
            const wf_native *nc = wf_native_of(cb);
            return nc->fn(ts, f, pc, nc, args, 2 + n);
        }
    }
    return deliver(ts, f, pc, ev, tools, args, 2 + n);
}

// The express path's test (fire.h): the express form of the one native
// callback of [tools] for [ev], or NULL.
static inline const wf_native *
express_of(uint8_t tools, int ev)
{
    return wf_mon_express_for(tools, ev);
}

// wf_fire_deliver past the express test. Out of line so that the test
// keeps its tail call and saves no register.
WF_NOINLINE static int
deliver_other(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
              uint8_t tools, const wf_value *extra, size_t nextra)
{
    return deliver_built(ts, f, pc, ev, tools, extra, nextra);
}

int
wf_fire_deliver(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
                uint8_t tools, const wf_value *extra, size_t nextra)
{
    const wf_native *n = express_of(tools, ev);
    if (WF_LIKELY(n != NULL))
        return n->express(ts, f, pc, n, nextra > 0 ? extra[0] : WF_NONE);
    return deliver_other(ts, f, pc, ev, tools, extra, nextra);
}

// Out of line so that the express test in wf_fire_frame_event keeps its
// tail call and saves no register.
WF_NOINLINE static int
frame_event_other(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
                  uint8_t tools, wf_value arg)
{
    bool value = ev == WF_EV_PY_RETURN || ev == WF_EV_PY_YIELD;
    return deliver_built(ts, f, pc, ev, tools, &arg, value ? 1 : 0);
}

int
wf_fire_frame_event(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                    int ev, uint8_t tools, wf_value arg)
{
    const wf_native *n = express_of(tools, ev);
    if (WF_LIKELY(n != NULL))
        return n->express(ts, f, pc, n, arg);
    return frame_event_other(ts, f, pc, ev, tools, arg);
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

uint8_t
wf_fire_take_kept(wf_thread *ts, const wf_frame *f, const wf_codeunit *pc)
{
    if (ts->mon_keep_frame != f || ts->mon_keep_pc != pc)
        return 0;
    uint8_t t = ts->mon_keep_tools;
    ts->mon_keep_tools = 0;
    ts->mon_keep_frame = ts->mon_keep_pc = NULL;
    // A second tool set on the code meanwhile (the call itself may do it)
    // ends the single-tool case: CPython then goes by the bits.
    const wf_instr_data *d = wf_instr_data_of(f->code);
    if (ts->in_callback != 0 || d == NULL || d->multitool)
        return 0;
    return (uint8_t)(t & ts->mon_tools);
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

// wf_fire_line past the express test: the line's event to [tools].
WF_NOINLINE static int
line_other(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, uint8_t tools,
           wf_value line)
{
    wf_value args[2] = {wf_val_from_obj(f->code), line};
    if (WF_LIKELY((tools & (tools - 1)) == 0)) {
        wf_value cb = wf_mon_callback_at(__builtin_ctz(tools), WF_EV_LINE);
        if (wf_native_is(cb)) {
            const wf_native *n = wf_native_of(cb);
            return n->fn(ts, f, pc, n, args, 2);
        }
    }
    return deliver(ts, f, pc, WF_EV_LINE, tools, args, 2);
}

// LINE at unit [idx] of [co] ([f]'s code), due, for [tools]: the express
// path or the rest.
static inline int
line_deliver(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
             const wf_code *co, uint32_t idx, uint8_t tools)
{
    wf_value line = wf_val_from_int(wf_code_line(co, idx));
    const wf_native *n = express_of(tools, WF_EV_LINE);
    if (WF_LIKELY(n != NULL))
        return n->express(ts, f, pc, n, line);
    return line_other(ts, f, pc, tools, line);
}

// wf_fire_line where the line decision depends on the unit that ran
// before (a recorded jump, or a unit whose mode says so). Out of line, so
// that the common case keeps few values live: no register is saved on the
// way to the express path's own function.
WF_NOINLINE static int
line_decide(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, uint8_t tools,
            uint32_t prev)
{
    const wf_code *co = f->code;
    const wf_instr_data *d = wf_instr_data_of(co);
    uint32_t idx = wf_fire_index(f, pc);
    if (!wf_instr_line_fires_in(co, d, idx, prev))
        return 0;
    return line_deliver(ts, f, pc, co, idx, tools);
}

// Every call here is a tail call. The caller (the LINE overlay) has
// checked wf_fire_line_quiet: no callback is running.
int
wf_fire_line(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    wf_code *co = f->code;
    uint32_t idx = wf_fire_index(f, pc);
    const wf_instr_data *d = wf_instr_data_of(co);
    uint32_t prev = wf_fire_take_prev(f, pc);
    if (WF_UNLIKELY(d == NULL))
        return 0;
    uint8_t t = (uint8_t)(wf_atomic_load_relaxed_u8(&d->line_tools[idx]) &
                          ts->mon_tools);
    if (WF_LIKELY(t == 0))
        return 0;
    unsigned mode = d->lflags[idx] & WF_INSTR_LINE_MODE_MASK;
    if (prev != UINT32_MAX || mode == WF_INSTR_LINE_DEPENDS)
        return line_decide(ts, f, pc, t, prev);
    if (mode != WF_INSTR_LINE_ALWAYS)
        return 0;
    return line_deliver(ts, f, pc, co, idx, t);
}

int
wf_fire_instruction_slow(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                         uint8_t tools)
{
    return wf_fire_deliver(ts, f, pc, WF_EV_INSTRUCTION, tools, NULL, 0);
}

#endif  // WEFT_MONITORING
