// runtime/monitor/capi.c -- the monitoring (PEP 669) C API of
// include/weft.h (weft_monitor_*).
// An embedder's callback is registered as a native callback
// (monitor/native.h) wrapping its function and data: registration stays
// an atomic swap, clear_tool_id and the collector see it, and the fire
// layer calls it with no argument tuple.
// Upholds STYLE 7.3: every entry point validates its arguments and thread
// state and returns a status; none raises into the embedder.
#include <weft.h>

#include <string.h>

#include "atomic.h"
#include "objects/error.h"
#include "monitor/fire.h"
#include "monitor/monitor.h"
#include "monitor/native.h"

#if WEFT_MONITORING

// The embedder's non-zero answer [rc] for the event [e] of [self] at [pc]
// of [f]: DISABLE, or a RuntimeError. Returns a wf_native_answer.
WF_NOINLINE static int
embedder_answer(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                const wf_native *self, int rc)
{
    if (rc == WEFT_MON_DISABLE)
        return wf_native_disable(ts, f, pc, self);
    (void)wf_err_format(ts, &wf_exc_RuntimeError,
                        "C monitoring callback returned %d", rc);
    return WF_NATIVE_ERROR;
}

// Call the embedder's function of [self] for [e] with the re-entrancy
// guard raised. [ts], [f], [pc] and [self] sit next to the event rather
// than in saved registers: the embedder's function may see the block, so
// they are reloaded after it, which costs less than saving and restoring
// registers.
typedef struct embedder_call {
    weft_mon_event e;
    wf_thread *ts;
    wf_frame *f;
    const wf_codeunit *pc;
    const wf_native *self;
} embedder_call;

static inline int
call_embedder(embedder_call *c)
{
    weft_mon_callback fn = (weft_mon_callback)c->self->client_fn;
    c->ts->in_callback++;
    int rc = fn(c->self->data, &c->e);
    c->ts->in_callback--;
    if (WF_LIKELY(rc == 0))
        return WF_NATIVE_DONE;
    return embedder_answer(c->ts, c->f, c->pc, c->self, rc);
}

// The native callback's general form (native.h): the event described from
// PEP 669's arguments (code, offset or line, ...).
static int
embedder_general(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                 const wf_native *self, const wf_value *args, size_t nargs)
{
    (void)nargs;
    const wf_code *co = (const wf_code *)wf_val_as_obj(args[0]);
    int64_t a1 = wf_val_as_int(args[1]);
    embedder_call c;
    c.ts = ts;
    c.f = f;
    c.pc = pc;
    c.self = self;
    c.e.tool = self->tool;
    c.e.event = self->event;
    c.e.code_name = wf_str_cstr(co->name);
    c.e.firstlineno = co->firstlineno;
    if (self->event == WF_EV_LINE) {
        c.e.offset = -1;
        c.e.line = (int32_t)a1;
    } else {
        c.e.offset = (int32_t)a1;
        c.e.line = a1 >= 0 ? wf_code_line(co, (uint32_t)(a1 / 2)) : -1;
    }
    return call_embedder(&c);
}

// The express form (native.h): the event described from [pc] and [f]'s
// code; [arg] is LINE's line.
static int
embedder_express(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                 const wf_native *self, wf_value arg)
{
    const wf_code *co = f->code;
    uint32_t idx = (uint32_t)(pc - co->code);
    embedder_call c;
    c.ts = ts;
    c.f = f;
    c.pc = pc;
    c.self = self;
    c.e.tool = self->tool;
    c.e.event = self->event;
    c.e.code_name = wf_str_cstr(co->name);
    c.e.firstlineno = co->firstlineno;
    if (self->event == WF_EV_LINE) {
        c.e.offset = -1;
        c.e.line = (int32_t)wf_val_as_int(arg);
    } else {
        c.e.offset = wf_code_offset(idx);
        c.e.line = wf_code_line(co, idx);
    }
    return call_embedder(&c);
}

// The calling thread if it is attached (to [rt]'s runtime: one per
// process), else NULL.
static wf_thread *
attached_thread(void)
{
    wf_thread *ts = wf_thread_current();
    if (ts == NULL ||
        wf_atomic_load_acquire_u32(&ts->state) != WF_THREAD_ATTACHED)
        return NULL;
    return ts;
}

static bool
valid_user_tool(int tool)
{
    return tool >= 0 && tool < WF_TOOL_USER_COUNT;
}

// Map a failed call's exception to a status and clear it.
static weft_status
failed(wf_thread *ts)
{
    weft_status st = wf_err_matches(ts, &wf_exc_MemoryError) ? WEFT_ENOMEM
                                                              : WEFT_EINVAL;
    wf_err_clear(ts);
    return st;
}

weft_status
weft_monitor_use_tool(weft_runtime *rt, int tool, const char *name)
{
    if (rt == NULL || name == NULL || !valid_user_tool(tool))
        return WEFT_EINVAL;
    wf_thread *ts = attached_thread();
    if (ts == NULL)
        return WEFT_EDETACHED;
    size_t mark = wf_root_mark(ts);
    wf_value s = wf_str_from_cstr(ts, name);
    if (s == WF_NULL || wf_root_push(ts, s) < 0) {
        wf_root_release(ts, mark);
        return failed(ts);
    }
    weft_status st = WEFT_OK;
    wf_mon_lock(ts);
    if (wf_mon_get_tool_locked(tool) != WF_NULL)
        st = WEFT_ETOOLBUSY;
    else if (wf_mon_use_tool_locked(ts, tool, s) < 0)
        st = failed(ts);
    wf_mon_unlock(ts);
    wf_root_release(ts, mark);
    return st;
}

weft_status
weft_monitor_free_tool(weft_runtime *rt, int tool)
{
    if (rt == NULL || !valid_user_tool(tool))
        return WEFT_EINVAL;
    wf_thread *ts = attached_thread();
    if (ts == NULL)
        return WEFT_EDETACHED;
    wf_mon_lock(ts);
    int rc = wf_mon_free_tool_locked(ts, tool);
    wf_mon_unlock(ts);
    return rc < 0 ? failed(ts) : WEFT_OK;
}

weft_status
weft_monitor_set_callback(weft_runtime *rt, int tool, int event,
                          weft_mon_callback fn, void *data)
{
    if (rt == NULL || !valid_user_tool(tool) || event < 0 ||
        event >= WEFT_MON_EV_COUNT)
        return WEFT_EINVAL;
    wf_thread *ts = attached_thread();
    if (ts == NULL)
        return WEFT_EDETACHED;
    size_t mark = wf_root_mark(ts);
    wf_value cb = WF_NULL;
    if (fn != NULL) {
        cb = wf_native_new(ts, tool, event, "weft_monitor_callback",
                           embedder_general, embedder_express, data,
                           (void (*)(void))fn);
        if (cb == WF_NULL)
            return failed(ts);
        if (wf_root_push(ts, cb) < 0) {
            wf_root_release(ts, mark);
            return failed(ts);
        }
    }
    weft_status st = WEFT_OK;
    wf_mon_lock(ts);
    if (wf_mon_get_tool_locked(tool) == WF_NULL)
        st = WEFT_ENOTOOL;
    else
        (void)wf_mon_callback_swap(tool, event, cb);
    wf_mon_unlock(ts);
    wf_root_release(ts, mark);
    return st;
}

weft_status
weft_monitor_set_events(weft_runtime *rt, int tool, uint32_t events)
{
    if (rt == NULL || !valid_user_tool(tool) ||
        events >= WEFT_MON_EVENT_BIT(WEFT_MON_EV_COUNT))
        return WEFT_EINVAL;
    // As sys.monitoring.set_events: C_RETURN/C_RAISE only with CALL, and
    // implied by it.
    if ((events & WF_EVMASK_C_RETURN_EVENTS) &&
        (events & WF_EVMASK_C_CALL_EVENTS) != WF_EVMASK_C_CALL_EVENTS)
        return WEFT_EINVAL;
    events &= ~(uint32_t)WF_EVMASK_C_RETURN_EVENTS;
    wf_thread *ts = attached_thread();
    if (ts == NULL)
        return WEFT_EDETACHED;
    weft_status st = WEFT_OK;
    wf_mon_lock(ts);
    if (wf_mon_get_tool_locked(tool) == WF_NULL)
        st = WEFT_ENOTOOL;
    else if (wf_mon_set_events_locked(ts, tool, events) < 0)
        st = failed(ts);
    wf_mon_unlock(ts);
    return st;
}

weft_status
weft_monitor_restart_events(weft_runtime *rt)
{
    if (rt == NULL)
        return WEFT_EINVAL;
    wf_thread *ts = attached_thread();
    if (ts == NULL)
        return WEFT_EDETACHED;
    return wf_mon_restart_events(ts) < 0 ? failed(ts) : WEFT_OK;
}

#else  // !WEFT_MONITORING

weft_status
weft_monitor_use_tool(weft_runtime *rt, int tool, const char *name)
{
    (void)tool;
    (void)name;
    return rt == NULL ? WEFT_EINVAL : WEFT_ENOTSUP;
}

weft_status
weft_monitor_free_tool(weft_runtime *rt, int tool)
{
    (void)tool;
    return rt == NULL ? WEFT_EINVAL : WEFT_ENOTSUP;
}

weft_status
weft_monitor_set_callback(weft_runtime *rt, int tool, int event,
                          weft_mon_callback fn, void *data)
{
    (void)tool;
    (void)event;
    (void)fn;
    (void)data;
    return rt == NULL ? WEFT_EINVAL : WEFT_ENOTSUP;
}

weft_status
weft_monitor_set_events(weft_runtime *rt, int tool, uint32_t events)
{
    (void)tool;
    (void)events;
    return rt == NULL ? WEFT_EINVAL : WEFT_ENOTSUP;
}

weft_status
weft_monitor_restart_events(weft_runtime *rt)
{
    return rt == NULL ? WEFT_EINVAL : WEFT_ENOTSUP;
}

#endif  // WEFT_MONITORING
