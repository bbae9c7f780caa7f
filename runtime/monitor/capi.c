// runtime/monitor/capi.c -- the monitoring (PEP 669) C API of
// include/weft.h (weft_monitor_*).
// A C callback and its data travel in a small collectable object whose type
// is callable, registered as the (tool, event) callback like any Python
// callable: registration stays an atomic swap, clear_tool_id and the
// collector see it, and the fire layer calls it with no argument tuple.
// Upholds STYLE 7.3: every entry point validates its arguments and thread
// state and returns a status; none raises into the embedder.
#include <weft.h>

#include <string.h>

#include "atomic.h"
#include "objects/error.h"
#include "monitor/fire.h"
#include "monitor/monitor.h"

#if WEFT_MONITORING

// The C callback object (fire.h). Immutable once made.
typedef wf_mon_capi_cb capi_cb;

// Called by the fire layer with PEP 669's arguments (code, offset or line,
// ...): describe the event and call the embedder's function. Only a
// generic call of the object gets here: the fire layer calls the
// embedder's function itself (fire.c deliver_c).
static wf_value
capi_cb_call(wf_thread *ts, wf_value self, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    (void)kwnames;
    const capi_cb *h = (const capi_cb *)wf_val_as_obj(self);
    int ev = wf_fire_cur_event_;
    if (ev < 0 || nargs < 2 || !wf_val_is(args[0], &wf_code_type) ||
        !wf_val_is_int(args[1]))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "a C monitoring callback can only be called "
                             "by the monitor");
    const wf_code *co = (const wf_code *)wf_val_as_obj(args[0]);
    weft_mon_event e;
    e.tool = wf_fire_cur_tool_;
    e.event = ev;
    e.code_name = wf_str_cstr(co->name);
    e.firstlineno = co->firstlineno;
    int64_t a1 = wf_val_as_int(args[1]);
    if (ev == WF_EV_LINE) {
        e.offset = -1;
        e.line = (int32_t)a1;
    } else {
        e.offset = (int32_t)a1;
        e.line = a1 >= 0 ? wf_code_line(co, (uint32_t)(a1 / 2)) : -1;
    }
    int rc = h->fn(h->data, &e);
    if (rc == 0)
        return WF_NONE;
    if (rc == WEFT_MON_DISABLE)
        return WF_MON_DISABLE;
    return wf_err_format(ts, &wf_exc_RuntimeError,
                         "C monitoring callback returned %d", rc);
}

wf_type wf_mon_capi_cb_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "weft_monitor_callback",
    .base = &wf_object_type,
    .basic_size = sizeof(capi_cb),
    .call = capi_cb_call,
};

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
        capi_cb *h = (capi_cb *)wf_gc_alloc(ts, &wf_mon_capi_cb_type,
                                            sizeof(capi_cb));
        if (h == NULL)
            return failed(ts);
        h->fn = fn;
        h->data = data;
        cb = wf_val_from_obj(h);
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
