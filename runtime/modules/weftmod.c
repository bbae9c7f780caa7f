// runtime/modules/weftmod.c -- the Weft-only `_weft` module (wf_weftmod_*).
// Each function installs a no-op C-level tool through the public C API of
// include/weft.h, exactly as an embedder would, so `weft bench` can time
// C callbacks and C trace functions on the same workloads as Python ones.
//   _weft.monitor_c_noop(tool, events, disable=False)
//       use [tool] (0-5) and register a C callback returning 0 (or
//       WEFT_MON_DISABLE) for every event in [events]; then set_events.
//   _weft.settrace_c_noop() / _weft.setprofile_c_noop()
//       set the calling thread's C trace / profile function to a no-op.
//   _weft.settrace_all_threads_c_noop()
//       the same for every thread, in one pause.
// Errors raise RuntimeError naming the weft_status.
#include "modules/modules.h"

#include <weft.h>

#include "objects/error.h"
#include "objects/object.h"

static int
noop_mon(void *data, const weft_mon_event *ev)
{
    (void)ev;
    return data != NULL ? WEFT_MON_DISABLE : 0;
}

static int
noop_trace(void *data, weft_frame *frame, int what, const weft_object *arg)
{
    (void)data;
    (void)frame;
    (void)what;
    (void)arg;
    return 0;
}

static wf_value
status_error(wf_thread *ts, const char *what, weft_status st)
{
    return wf_err_format(ts, &wf_exc_RuntimeError, "%s failed: %s (%s)",
                         what, weft_status_name(st), weft_strerror(st));
}

static wf_value
w_monitor_c_noop(wf_thread *ts, const wf_value *args, size_t nargs,
                 wf_value kwnames)
{
    static const char *const names[] = {"tool", "events", "disable"};
    wf_value a[3] = {WF_NULL, WF_NULL, WF_FALSE};
    if (wf_arg_parse(ts, "monitor_c_noop", args, nargs, kwnames, names, 3, 3,
                     2, a) < 0)
        return WF_NULL;
    int64_t tool, events;
    if (wf_int_as_i64(ts, a[0], &tool) < 0 ||
        wf_int_as_i64(ts, a[1], &events) < 0)
        return WF_NULL;
    // wf_arg_parse leaves an omitted optional argument WF_NULL.
    int disable = a[2] == WF_NULL ? 0 : wf_obj_truthy(ts, a[2]);
    if (disable < 0)
        return WF_NULL;
    weft_runtime *rt = weft_runtime_current();
    weft_status st = weft_monitor_use_tool(rt, (int)tool, "weft-c-noop");
    if (st != WEFT_OK)
        return status_error(ts, "weft_monitor_use_tool", st);
    for (int ev = 0; ev < WEFT_MON_EV_COUNT; ev++) {
        if (!(events & WEFT_MON_EVENT_BIT(ev)))
            continue;
        st = weft_monitor_set_callback(rt, (int)tool, ev, noop_mon,
                                       disable ? (void *)rt : NULL);
        if (st != WEFT_OK)
            return status_error(ts, "weft_monitor_set_callback", st);
    }
    st = weft_monitor_set_events(rt, (int)tool, (uint32_t)events);
    if (st != WEFT_OK)
        return status_error(ts, "weft_monitor_set_events", st);
    return WF_NONE;
}

static wf_value
set_c_noop(wf_thread *ts, size_t nargs, wf_value kwnames, const char *what,
           weft_status (*set)(weft_runtime *, weft_trace_func, void *))
{
    if (wf_arg_check(ts, what, nargs, kwnames, 0, 0) < 0)
        return WF_NULL;
    weft_status st = set(weft_runtime_current(), noop_trace, NULL);
    if (st != WEFT_OK)
        return status_error(ts, what, st);
    return WF_NONE;
}

static wf_value
w_settrace_c_noop(wf_thread *ts, const wf_value *args, size_t nargs,
                  wf_value kwnames)
{
    (void)args;
    return set_c_noop(ts, nargs, kwnames, "settrace_c_noop", weft_set_trace);
}

static wf_value
w_setprofile_c_noop(wf_thread *ts, const wf_value *args, size_t nargs,
                    wf_value kwnames)
{
    (void)args;
    return set_c_noop(ts, nargs, kwnames, "setprofile_c_noop",
                      weft_set_profile);
}

static wf_value
w_settrace_all_threads_c_noop(wf_thread *ts, const wf_value *args,
                              size_t nargs, wf_value kwnames)
{
    (void)args;
    return set_c_noop(ts, nargs, kwnames, "settrace_all_threads_c_noop",
                      weft_set_trace_all_threads);
}

wf_value
wf_weftmod_module_init(wf_thread *ts)
{
    static const struct {
        const char *name;
        wf_cfunc fn;
    } funcs[] = {
        {"monitor_c_noop", w_monitor_c_noop},
        {"settrace_c_noop", w_settrace_c_noop},
        {"setprofile_c_noop", w_setprofile_c_noop},
        {"settrace_all_threads_c_noop", w_settrace_all_threads_c_noop},
    };
    wf_value m = wf_module_new(ts, "_weft");
    if (m == WF_NULL)
        return WF_NULL;
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
        if (wf_module_add_func(ts, m, funcs[i].name, funcs[i].fn) < 0)
            return WF_NULL;
    return m;
}
